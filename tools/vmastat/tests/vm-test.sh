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
# /proc/PID/smaps, "vmastat status" with /proc/PID/status, checks errors,
# and finally turns on kernel lockdown (for good, in this VM) to check
# that message.
set -u
here=$(cd "$(dirname "$0")" && pwd)
VMASTAT=$here/../vmastat
MAPPER=$here/mapper
KO=${1:-out/6.1/vmastat.ko}
TMP=$(mktemp -d)
MP=
trap 'rm -rf "$TMP"; [ -n "$MP" ] && kill "$MP" 2>/dev/null' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

[ -x "$VMASTAT" ] && [ -x "$MAPPER" ] || { echo "build first: make -C tools/vmastat all tests/mapper"; exit 1; }
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
if st["vmas"] not in (len(vmas), len(vmas) - sum(1 for j in maps if j["kind"] == "vsyscall")):
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
# lockdown last: it cannot be lifted
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
