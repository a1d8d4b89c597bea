#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end test of the vmastat tool with the real module, meant to run as
# root in a test VM from the top of the tree:
#
#   tools/testing/vm/vmrun -k 6.1 -- tools/vmastat/tests/vm-test.sh [MODULE.ko]
#
# (make -C tools/vmastat vm-check KVER=6.1 does that.)  Loads MODULE.ko
# (default out/6.1/vmastat.ko) unless the module is loaded, starts
# tests/mapper and compares "vmastat maps --json" and the table with
# /proc/PID/smaps, "vmastat status" with /proc/PID/status, checks errors;
# then the page-fault commands: "run" of ls and of tests/faulter (counts
# equal to /proc/PID/stat's), faults and summary (JSON), track, maps with
# faults, hist, trace, top, reset, untrack of a faulting process; and
# finally turns on kernel lockdown (for good, in this VM) to check that
# message.
set -u
here=$(cd "$(dirname "$0")" && pwd)
VMASTAT=$here/../vmastat
MAPPER=$here/mapper
FAULTER=$here/faulter
KO=${1:-out/6.1/vmastat.ko}
TMP=$(mktemp -d)
MP= FP=
trap 'rm -rf "$TMP"; [ -n "$MP" ] && kill "$MP" 2>/dev/null; [ -n "$FP" ] && kill "$FP" 2>/dev/null' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

[ -x "$VMASTAT" ] && [ -x "$MAPPER" ] && [ -x "$FAULTER" ] ||
	{ echo "build first: make -C tools/vmastat all tests/mapper tests/faulter"; exit 1; }
grep -q ' debugfs ' /proc/self/mounts || mount -t debugfs none /sys/kernel/debug
[ -e /sys/module/vmastat ] || insmod "$KO" || { echo "cannot load $KO"; exit 1; }

"$MAPPER" /dev/shm >"$TMP/mapper.out" &
MP=$!
for _ in $(seq 100); do grep -q ready "$TMP/mapper.out" && break; sleep 0.1; done
grep -q ready "$TMP/mapper.out" || { echo "mapper did not start"; exit 1; }

"$VMASTAT" maps $MP --json >"$TMP/maps.json" && ok "maps --json" || bad "maps --json: rc $?"
"$VMASTAT" maps $MP >"$TMP/maps.txt" && ok "maps" || bad "maps: rc $?"
"$VMASTAT" status $MP --json >"$TMP/status.json" && ok "status --json" || bad "status --json: rc $?"
"$VMASTAT" status $MP >"$TMP/status.txt" && ok "status" || bad "status: rc $?"
cat /proc/$MP/smaps >"$TMP/smaps"
cat /proc/$MP/status >"$TMP/pstatus"
head -3 "$TMP/maps.txt"; tail -3 "$TMP/maps.txt"; cat "$TMP/status.txt"

python3 - "$TMP" <<'PY' && ok "maps and status agree with smaps and status" || bad "comparison"
import json, re, sys
d = sys.argv[1]
maps = json.load(open(d + "/maps.json", encoding="utf-8"))
st = json.load(open(d + "/status.json"))
# smaps: header lines and their fields
vmas = []
for line in open(d + "/smaps", "rb").read().split(b"\n"):
    m = re.match(rb"([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) ([0-9a-f]+:[0-9a-f]+) (\d+) ?\s*(.*)$", line)
    if m:
        vmas.append({"h": m.groups(), "f": {}, "vmflags": []})
    elif line.startswith(b"VmFlags:"):
        vmas[-1]["vmflags"] = line.split()[1:]
    elif b":" in line and line.endswith(b" kB"):
        k, v = line.split(b":", 1)
        vmas[-1]["f"][k.decode()] = int(v.split()[0])
def json_path(raw):
    # what vmastat's JSON should hold for these bytes: UTF-8, each bad byte as U+00XX,
    # after undoing maps' escaping of a newline
    raw = raw.replace(b"\\012", b"\n")
    s = raw.decode("utf-8", "surrogateescape")
    return "".join(chr(ord(c) - 0xdc00) if 0xdc80 <= ord(c) <= 0xdcff else c for c in s)
errors = []
# [vsyscall] (vsyscall=xonly or emulate; Debian's kernels have none) is a
# gate mapping outside the process's VMA tree, which vmastat does not list
# (admin-guide.rst, Limits): compare without it.
vmas = [v for v in vmas if v["h"][6] != b"[vsyscall]"]
if len(maps) != len(vmas):
    errors.append(f"{len(maps)} JSON records, {len(vmas)} in smaps")
kinds = {}
for j, v in zip(maps, vmas):
    s, e, perms, off, dev, ino, name = v["h"]
    f = v["f"]
    want = {"start": "0x" + s.decode().lstrip("0"), "end": "0x" + e.decode().lstrip("0"),
            "perms": perms.decode(), "offset": int(off, 16), "dev": dev.decode(),
            "inode": int(ino), "path": json_path(name), "size_kb": f["Size"],
            "rss_kb": f["Rss"], "anon_kb": f["Anonymous"], "swap_kb": f["Swap"],
            "thp_kb": f["AnonHugePages"]}
    for k, w in want.items():
        if j[k] != w:
            errors.append(f"{j['start']} {k}: vmastat {j[k]!r}, smaps {w!r}")
    if j["rss_kb"] != j["anon_kb"] + j["file_kb"] + j["shmem_kb"]:
        errors.append(f"{j['start']}: rss != anon + file + shmem")
    for flag, vf in (("locked", b"lo"), ("hugepage", b"hg"), ("nohugepage", b"nh"), ("growsdown", b"gd")):
        if (flag in j["flags"]) != (vf in v["vmflags"]):
            errors.append(f"{j['start']}: flag {flag} vs VmFlags {v['vmflags']}")
    # memfds and shared anonymous memory show " (deleted)" too, but were not unlinked
    if ("deleted" in j["flags"] and not j["path"].endswith(" (deleted)")) or \
       (j["kind"] == "file" and j["path"].endswith(" (deleted)") and "deleted" not in j["flags"]):
        errors.append(f"{j['start']}: deleted flag {j['flags']} vs path {j['path']!r}")
    kinds[j["kind"]] = kinds.get(j["kind"], 0) + 1
    if j["path"] == "[heap]" and j["kind"] != "heap": errors.append("heap kind")
    if j["path"] == "[stack]" and j["kind"] != "stack": errors.append("stack kind")
    if j["path"].startswith("/memfd:") and j["kind"] != "shmem": errors.append("memfd kind " + j["kind"])
    if j["path"].startswith("[anon:") and j["kind"] != "anon_named": errors.append("anon name kind")
    if j["path"] == "" and j["perms"][3] == "p" and j["kind"] != "anon": errors.append(f"{j['start']} anon kind {j['kind']}")
print("kinds:", kinds, "THP kB:", sum(j["thp_kb"] for j in maps),
      "flags:", sorted({f for j in maps for f in j["flags"]}))
for j in maps:
    if "/dev/shm/vmastat" in j["path"] or "memfd" in j["path"] or "(deleted)" in j["path"]:
        print(" ", j["kind"], json.dumps(j["path"]), j["flags"])
# status against /proc/PID/status
ps = {}
for line in open(d + "/pstatus"):
    k, _, v = line.partition(":")
    ps[k] = v.split()[0] if v.split() else ""
for k, pk in (("vsz_kb", "VmSize"), ("rss_anon_kb", "RssAnon"), ("rss_file_kb", "RssFile"),
              ("rss_shmem_kb", "RssShmem"), ("swap_kb", "VmSwap")):
    if st[k] != int(ps[pk]):
        errors.append(f"status {k}: vmastat {st[k]}, /proc {ps[pk]}")
if st["comm"] != "mapper": errors.append("comm " + st["comm"])
if st["vmas"] != len(vmas):
    errors.append(f"status vmas {st['vmas']} vs {len(vmas)} mappings")
heap = [j for j in maps if j["kind"] == "heap"]
if heap and (st["start_brk"] != heap[0]["start"] or st["brk"] != heap[0]["end"]):
    errors.append("heap vs start_brk/brk")
# the table: one row a mapping, totals
rows = [l for l in open(d + "/maps.txt", encoding="utf-8", errors="replace") if re.match(r"\s*[0-9a-f]+ ", l)]
if len(rows) != len(maps): errors.append(f"table: {len(rows)} rows")
tot = [l for l in open(d + "/maps.txt") if l.split()[:1] == ["total"]][0].split()
if int(tot[1]) != sum(j["size_kb"] for j in maps) or int(tot[2]) != sum(j["rss_kb"] for j in maps):
    errors.append("table totals: " + " ".join(tot))
for e in errors[:20]:
    print("  ", e)
sys.exit(1 if errors else 0)
PY

# errors
"$VMASTAT" maps 2 >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 1 ] && [ ! -s "$TMP/out" ] && grep -q 'kernel thread' "$TMP/err" && ok "kernel thread: $(cat "$TMP/err")" || bad "kernel thread: rc $rc $(cat "$TMP/err")"
sh -c 'exit 0' & gone=$!; wait $gone
"$VMASTAT" status $gone >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 1 ] && grep -q "no such process: $gone" "$TMP/err" && ok "exited process: $(cat "$TMP/err")" || bad "exited process: rc $rc $(cat "$TMP/err")"
"$VMASTAT" --version | grep -q '^module: vmastat .* abi [0-9]' && ok "--version shows the module" || bad "--version"
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VMASTAT" maps $MP >"$TMP/out" 2>"$TMP/err"; rc=$?
	[ $rc = 1 ] && grep -q 'run vmastat as root' "$TMP/err" && ok "non-root: $(cat "$TMP/err")" || bad "non-root: rc $rc $(cat "$TMP/err")"
fi
if command -v capsh >/dev/null; then
	capsh --drop=cap_sys_ptrace -- -c "$VMASTAT maps $MP" >"$TMP/out" 2>"$TMP/err"; rc=$?
	[ $rc = 1 ] && grep -q 'CAP_SYS_PTRACE' "$TMP/err" && ok "no CAP_SYS_PTRACE: $(cat "$TMP/err")" || bad "no CAP_SYS_PTRACE: rc $rc $(cat "$TMP/err")"
fi
# ---- page-fault accounting -----------------------------------------------------
# run: the counts of a command agree with its /proc/PID/stat at its exit
"$VMASTAT" run -- /bin/ls / >"$TMP/out" 2>"$TMP/run.txt"; rc=$?
[ $rc = 0 ] && grep -q '^vmastat and the kernel agree\.$' "$TMP/run.txt" && ok "run ls: agree" ||
	bad "run ls: rc $rc $(head -12 "$TMP/run.txt")"
sed -n '1,8p' "$TMP/run.txt"
"$VMASTAT" run -o "$TMP/run.json" --json -- "$FAULTER" 300 >/dev/null; rc=$?
[ $rc = 0 ] && ok "run faulter --json" || bad "run faulter: rc $rc"
python3 - "$TMP/run.json" <<'PY' && ok "run --json: minor/major equal min_flt/maj_flt, per-VMA faults, unmapped range" || bad "run --json checks"
import json, sys
r = json.load(open(sys.argv[1]))
c, st = r["proc"]["counts"], r["stat"]
print("  run faulter: vmastat minor %d major %d, stat min_flt %d maj_flt %d, missed %s, notes %s" %
      (c["minor"], c["major"], st["min_flt"], st["maj_flt"], r["missed"], r["notes"]))
errors = []
if r["exit_code"] != 0 or r["taken_at"] != "exit": errors.append("exit %r %r" % (r["exit_code"], r["taken_at"]))
if (c["minor"], c["major"]) != (st["min_flt"], st["maj_flt"]) or r["agree"] is not True:
    errors.append("counts differ from /proc/PID/stat")
if c["minor"] < 300 * 16: errors.append("too few minor faults: %d" % c["minor"])
if c["minor"] != sum(c[k + "_minor"] for k in ("anon", "file", "shmem", "other")): errors.append("minor by kind")
if c["major"] != sum(c[k + "_major"] for k in ("anon", "file", "shmem", "other")): errors.append("major by kind")
if c["read"] + c["write"] + c["exec"] != c["minor"] + c["major"]: errors.append("read+write+exec")
maps = r["maps"] or []
if not maps or not all("faults" in m for m in maps): errors.append("maps without faults")
vsum = sum(m["faults"]["minor"] for m in maps)
if vsum > c["minor"]: errors.append("per-VMA minor %d > %d" % (vsum, c["minor"]))
if not any(m["unmapped"] for m in maps): errors.append("no unmapped range")
for m in maps:
    if m["unmapped"] and (m["kind"] != "unmapped" or not m["faults"]["kinds"]): errors.append("unmapped record %r" % m)
h = r["hist"]
hsum = sum(sum(h[k]["minor"]) for k in ("anon", "file", "shmem", "other"))
if hsum != c["minor"]: print("  note: histogram minor sum %d, counts %d" % (hsum, c["minor"]))
if hsum == 0: errors.append("empty histograms")
for e in errors: print("  ", e)
sys.exit(1 if errors else 0)
PY
"$VMASTAT" run -- sh -c 'exit 5' 2>"$TMP/err"; rc=$?
[ $rc = 5 ] && ok "run: exit status 5" || bad "run exit 5: rc $rc"
"$VMASTAT" run -- sh -c 'kill -SEGV $$' 2>"$TMP/err"; rc=$?
[ $rc = 139 ] && grep -q 'killed by SIGSEGV' "$TMP/err" && ok "run: killed by SIGSEGV, 139" || bad "run SIGSEGV: rc $rc"
"$VMASTAT" run -- /nonexistent 2>"$TMP/err"; rc=$?
[ $rc = 127 ] && grep -q "cannot execute '/nonexistent'" "$TMP/err" && ok "run: exec failure, 127" || bad "run exec failure: rc $rc $(cat "$TMP/err")"

# faults, summary: JSON parses; a process that does nothing agrees with /proc
"$VMASTAT" faults --json >"$TMP/faults.json" 2>"$TMP/err" && ok "faults --json" || bad "faults --json: rc $? $(cat "$TMP/err")"
"$VMASTAT" summary --json >"$TMP/summary.json" && ok "summary --json" || bad "summary --json: rc $?"
cat /proc/$MP/stat >"$TMP/mpstat"
python3 - "$TMP" "$MP" <<'PY' && ok "faults --json: parses, the idle mapper agrees with its /proc/PID/stat" || bad "faults/summary checks"
import json, sys
d, mp = sys.argv[1], int(sys.argv[2])
procs = json.load(open(d + "/faults.json"))
s = json.load(open(d + "/summary.json"))
stat = open(d + "/mpstat").read()
f = stat[stat.rindex(")") + 2:].split()
min_flt, maj_flt = int(f[7]), int(f[9])
me = [p for p in procs if p["pid"] == mp and "exited" not in p["flags"]]
print("  %d processes, summary hits %d missed %d unlisted %d; mapper: vmastat %s, stat %d/%d" %
      (len(procs), s["hits"], s["missed"], s["unlisted"],
       me and (me[0]["counts"]["minor"], me[0]["counts"]["major"]), min_flt, maj_flt))
errors = []
if len(me) != 1: errors.append("mapper not listed")
elif (me[0]["counts"]["minor"], me[0]["counts"]["major"]) != (min_flt, maj_flt): errors.append("mapper's counts differ")
if s["nr_live"] < 2 or len(s["total"]) != 23: errors.append("summary")
if s["total"]["minor"] < sum(p["counts"]["minor"] for p in procs if "exited" not in p["flags"]): errors.append("total < live sum")
for e in errors: print("  ", e)
sys.exit(1 if errors else 0)
PY
"$VMASTAT" faults -n 5 && ok "faults -n 5" || bad "faults -n 5"
"$VMASTAT" summary >/dev/null && ok "summary" || bad "summary"

# a process that keeps faulting: track, maps, hist, trace, untrack
"$FAULTER" >"$TMP/faulter.out" &
FP=$!
for _ in $(seq 100); do grep -q ready "$TMP/faulter.out" && break; sleep 0.1; done
"$VMASTAT" hist $FP >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 1 ] && grep -q "process $FP is not tracked" "$TMP/err" && ok "hist of an untracked process: $(cat "$TMP/err")" || bad "hist untracked: rc $rc $(cat "$TMP/err")"
"$VMASTAT" maps $FP >"$TMP/out" 2>&1 && ! grep -q ' Minor ' "$TMP/out" && ok "maps of an untracked process: plain" || bad "maps untracked"
"$VMASTAT" track $FP && ok "track" || bad "track: rc $?"
"$VMASTAT" track $FP 2>"$TMP/err"; rc=$?
[ $rc = 1 ] && grep -q 'tracked already' "$TMP/err" && ok "track twice: $(cat "$TMP/err")" || bad "track twice: rc $rc $(cat "$TMP/err")"
sleep 0.5
"$VMASTAT" maps $FP >"$TMP/out" && grep -q ' Minor Major COW SwapIn THPflt Err Name$' "$TMP/out" && ok "maps of a tracked process: fault columns" || bad "maps tracked: $(head -3 "$TMP/out")"
grep -E 'unmapped|total' "$TMP/out" | head -3
"$VMASTAT" maps $FP --json >"$TMP/maps.json" && python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
assert all("faults" in v for v in m) and sum(v["faults"]["minor"] for v in m) > 0
' "$TMP/maps.json" && ok "maps --json of a tracked process: faults" || bad "maps --json tracked"
"$VMASTAT" hist $FP >"$TMP/out" && grep -q '^anon minor faults ([0-9]*), latency in ns$' "$TMP/out" && ok "hist" || bad "hist: $(head -3 "$TMP/out")"
head -8 "$TMP/out"
"$VMASTAT" hist $FP --json | python3 -c 'import json, sys; h = json.load(sys.stdin)["hist"]; assert h["nr_buckets"] == 32 and sum(h["anon"]["minor"]) > 0' &&
	ok "hist --json" || bad "hist --json"
timeout 30 "$VMASTAT" trace $FP -c 10 >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && [ "$(wc -l <"$TMP/out")" = 11 ] && ok "trace -c 10: 10 events" || bad "trace -c 10: rc $rc, $(wc -l <"$TMP/out") lines $(cat "$TMP/err")"
head -4 "$TMP/out"
timeout 30 "$VMASTAT" trace $FP -c 5 --json >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && [ "$(wc -l <"$TMP/out")" = 5 ] && python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    assert e["kind"] in ("anon", "file", "shmem", "other") and e["outcome"] in ("minor", "major", "retry", "segv", "sigbus", "oom")
' "$TMP/out" && ok "trace --json -c 5" || bad "trace --json: rc $rc $(cat "$TMP/err")"
timeout 30 "$VMASTAT" top -b -n 2 -d 0.5 >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && [ "$(grep -c '^vmastat top - ' "$TMP/out")" = 2 ] && grep -q "^ *$FP faulter " "$TMP/out" && ok "top -b -n 2: two tables, faulter in them" || bad "top: rc $rc $(cat "$TMP/err")"
sed -n '1,6p' "$TMP/out"
"$VMASTAT" reset $FP && ok "reset" || bad "reset"
"$VMASTAT" untrack $FP && ok "untrack" || bad "untrack"
"$VMASTAT" untrack $FP 2>"$TMP/err"; rc=$?
[ $rc = 1 ] && grep -q 'is not tracked' "$TMP/err" && ok "untrack twice: $(cat "$TMP/err")" || bad "untrack twice: rc $rc $(cat "$TMP/err")"
# trace of an untracked process tracks it for the trace; SIGINT ends it cleanly
timeout 30 "$VMASTAT" trace $FP -c 3 >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && grep -q 'was not tracked: tracking it' "$TMP/err" && [ "$(wc -l <"$TMP/out")" = 4 ] && ok "trace of an untracked process" || bad "trace untracked: rc $rc $(cat "$TMP/err")"
"$VMASTAT" hist $FP >/dev/null 2>&1 && bad "trace left $FP tracked" || ok "trace untracked it after"
"$VMASTAT" trace $FP >"$TMP/out" 2>"$TMP/err" &
tp=$!
sleep 1
# one reader at a time: a second trace says so and fails
timeout 30 "$VMASTAT" trace $FP -c 1 >/dev/null 2>"$TMP/err2"; rc=$?
[ $rc = 1 ] && grep -q 'another reader is taking the events' "$TMP/err2" && ok "a second trace: $(cat "$TMP/err2")" || bad "a second trace: rc $rc $(cat "$TMP/err2")"
kill -INT $tp; wait $tp; rc=$?
[ $rc = 0 ] && [ "$(wc -l <"$TMP/out")" -gt 1 ] && ok "trace stopped by SIGINT: $(($(wc -l <"$TMP/out") - 1)) events" || bad "trace SIGINT: rc $rc $(cat "$TMP/err")"
"$VMASTAT" hist $FP >/dev/null 2>&1 && bad "trace (SIGINT) left $FP tracked" || ok "trace (SIGINT) untracked it"
# the traced process exits: trace ends
"$VMASTAT" track $FP
( sleep 1; kill $FP ) &
timeout 30 "$VMASTAT" trace $FP >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && grep -q "process $FP exited" "$TMP/err" && ok "trace ends when the process exits" || bad "trace of an exiting process: rc $rc $(cat "$TMP/err")"
wait $FP 2>/dev/null
"$VMASTAT" untrack $FP && ok "untrack an exited process" || bad "untrack exited"
"$VMASTAT" untrack all && ok "untrack all" || bad "untrack all"

# lockdown last: it cannot be lifted (make check leaves that to
# tools/testing/guest-lockdown, at the end of its boot)
if [ -n "${VMASTAT_NO_LOCKDOWN:-}" ]; then
	echo "vm-test: $pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
fi
[ -e /sys/kernel/security/lockdown ] || mount -t securityfs none /sys/kernel/security 2>/dev/null
if [ -w /sys/kernel/security/lockdown ] && echo integrity >/sys/kernel/security/lockdown 2>/dev/null; then
	"$VMASTAT" maps $MP >"$TMP/out" 2>"$TMP/err"; rc=$?
	[ $rc = 1 ] && grep -q 'kernel lockdown (integrity)' "$TMP/err" && ok "lockdown: $(cat "$TMP/err")" || bad "lockdown: rc $rc $(cat "$TMP/err")"
	"$VMASTAT" --version | grep -q '^module: ' && ok "--version under lockdown" || bad "--version under lockdown"
else
	echo "skip: cannot turn on kernel lockdown"
fi

echo "vm-test: $pass passed, $fail failed"
[ "$fail" = 0 ]
