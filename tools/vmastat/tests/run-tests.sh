#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Command-line tests of vmastat that need no module: usage, errors, and
# (with tests/vmastat-mock, whose ioctl() answers from /proc and with canned
# fault data, see tests/mock.c) the output of every command.  Run by "make
# check" from tools/vmastat; uses the sanitized builds.
set -u
cd "$(dirname "$0")/.." || exit 1

TOOL=./vmastat-asan
MOCK=./tests/vmastat-mock
TMP=$(mktemp -d)
SLEEPER=
trap 'rm -rf "$TMP"; [ -n "$SLEEPER" ] && kill "$SLEEPER" 2>/dev/null' EXIT
export ASAN_OPTIONS=abort_on_error=0:exitcode=99 UBSAN_OPTIONS=halt_on_error=1:exitcode=99
export LC_ALL=C

pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run EXPECTED_RC CMD...: output in $TMP/out and $TMP/err, rc in $rc
run() {
	local want=$1; shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		bad "'$*' exited $rc, wanted $want"; sed 's/^/  stderr: /' "$TMP/err" | head -5
		return 1
	fi
	ok
}
out_has() { grep -q -- "$1" "$TMP/out" && ok || bad "stdout of last command lacks '$1'"; }
err_has() { grep -q -- "$1" "$TMP/err" && ok || bad "stderr of last command lacks '$1': $(head -1 "$TMP/err")"; }
out_empty() { [ ! -s "$TMP/out" ] && ok || bad "stdout not empty"; }
err_one_line() {
	[ "$(wc -l <"$TMP/err")" = 1 ] && grep -q '^vmastat: ' "$TMP/err" && ok ||
		bad "stderr is not one 'vmastat: ' line: $(cat "$TMP/err")"
}

# --- help and version -------------------------------------------------------
for args in "--help" "-h" "help"; do
	run 0 $TOOL $args && out_has '^Usage: vmastat \[--help\] \[--version\] COMMAND'
done
for c in maps status hist; do
	run 0 $TOOL $c --help && out_has "^Usage: vmastat $c PID \[--json\]"
	run 0 $TOOL $c -h && out_has "^Usage: vmastat $c PID"
	run 0 $TOOL help $c && out_has "^Usage: vmastat $c PID"
	run 0 $TOOL $c 1 --help && out_has "^Usage: vmastat $c PID"
done
# every command: in the command list, its own help, "help COMMAND" the same
ALL_CMDS="maps status faults summary top track untrack reset trace hist run help"
run 0 $TOOL --help && cp "$TMP/out" "$TMP/mainhelp"
for c in $ALL_CMDS; do
	grep -q "^  $c " "$TMP/mainhelp" && ok || bad "--help does not list $c"
	run 0 $TOOL $c --help && out_has "^Usage: vmastat $c" && cp "$TMP/out" "$TMP/h1"
	run 0 $TOOL help $c && { cmp -s "$TMP/out" "$TMP/h1" && ok || bad "help $c differs from $c --help"; }
	# every command is in the manual
	grep -Eq "^\.B[IR]? +\"?$c( |\"|\$)" vmastat.1 && ok || bad "vmastat.1 lacks a section for $c"
done
run 0 $TOOL faults --help && out_has '^Usage: vmastat faults \[-n N\] \[--sort=FIELD\] \[--live\] \[--json\]'
run 0 $TOOL top --help && out_has '^Usage: vmastat top \[-d SECS\] \[-n ITERATIONS\] \[-b\]'
run 0 $TOOL track --help && out_has '^Usage: vmastat track PID \[--children\] \[--granule=SHIFT\]'
run 0 $TOOL untrack --help && out_has '^Usage: vmastat untrack PID|all'
run 0 $TOOL reset --help && out_has '^Usage: vmastat reset PID|all'
run 0 $TOOL trace --help && out_has '^Usage: vmastat trace PID \[-c COUNT\]'
run 0 $TOOL run --help && out_has '^Usage: vmastat run \[-o FILE\] \[--json\] \[--children\] \[--\] CMD'
run 0 $TOOL summary --help && out_has '^Usage: vmastat summary \[--json\]'
# run's options end at CMD: "--help" after it belongs to CMD
VMASTAT_DEBUGFS=$TMP/none run 1 $TOOL run true --help && err_has 'not loaded'

VMASTAT_DEBUGFS=$TMP/none run 0 $TOOL --version && out_has '^vmastat 0\.1\.0$' &&
	{ [ "$(wc -l <"$TMP/out")" = 1 ] && ok || bad "--version without module: extra lines"; }

# --- usage errors: exit 2, nothing on stdout --------------------------------
usage() {
	run 2 "$@" && out_empty && err_has "^vmastat: " && err_has 'Usage: vmastat'
}
usage $TOOL
usage $TOOL frob
usage $TOOL --frob
usage $TOOL help frob
usage $TOOL maps
usage $TOOL maps 1 2
usage $TOOL maps 1 --jsn
usage $TOOL maps -x 1
usage $TOOL maps --json=yes 1
usage $TOOL status
usage $TOOL faults 1
usage $TOOL faults -n 0
usage $TOOL faults -n abc
usage $TOOL faults -n
usage $TOOL faults --sort=nope && err_has "unknown sort field 'nope': expected one of faults, anon"
usage $TOOL faults --sort
usage $TOOL faults --json=1
usage $TOOL summary 1
usage $TOOL summary --live
usage $TOOL top 1
usage $TOOL top -d 0 && err_has "invalid value '0' for -d"
usage $TOOL top -d abc
usage $TOOL top -d 1e9
usage $TOOL top -n 0
usage $TOOL top -n -3
usage $TOOL track
usage $TOOL track 1 2
usage $TOOL track 1 --granule=11 && err_has "invalid value '11' for --granule: expected a number from 12 to 21"
usage $TOOL track 1 --granule=22
usage $TOOL track 1 --granule=x
usage $TOOL track all
usage $TOOL track 1 --json
for c in untrack reset; do
	usage $TOOL $c && err_has "missing PID (or 'all')"
	usage $TOOL $c all 1
	usage $TOOL $c 0
	usage $TOOL $c ALL
	usage $TOOL $c 1 --children
done
usage $TOOL trace
usage $TOOL trace 1 -c 0
usage $TOOL trace 1 -c x
usage $TOOL trace 1 --count
usage $TOOL trace all
usage $TOOL hist
usage $TOOL hist 1 -c 2
usage $TOOL run && err_has 'missing command'
usage $TOOL run -o
usage $TOOL run --frob -- true
usage $TOOL run -- && err_has 'missing command'
usage $TOOL run "" && err_has 'empty command name'
usage $TOOL run -o "" true
for pid in abc -3 0 +5 " 5" 5x 0x10 4194305 99999999999999999999999 ""; do
	for c in maps status track untrack reset trace hist; do
		run 2 $TOOL $c "$pid" && out_empty && err_has "PID" && err_has "Usage: vmastat $c"
	done
done
# a bad PID is refused before the module is looked for
VMASTAT_DEBUGFS=$TMP/none run 2 $TOOL maps abc && err_has "invalid PID 'abc'"

# --- the module is missing ----------------------------------------------------
for c in "maps 1" "maps 1 --json" "status 1" "status 1 --json" "faults" "faults --json" \
	 "summary" "top -b -n 1" "track 1" "untrack all" "reset 1" "trace 1" "hist 1" \
	 "run -- true"; do
	VMASTAT_DEBUGFS=$TMP/none run 1 $TOOL $c && out_empty && err_one_line
	if [ ! -e /sys/module/vmastat ]; then
		err_has 'vmastat module is not loaded (modprobe vmastat / insmod vmastat.ko)'
	fi
done
if [ ! -e /sys/module/vmastat ] && ! grep -q ' debugfs ' /proc/self/mounts; then
	run 1 $TOOL maps 1 && err_one_line && err_has 'debugfs is not mounted'
fi

# --- with the mock module -------------------------------------------------------
mkdir -p "$TMP/dbg/vmastat"
: >"$TMP/dbg/vmastat/query"
echo "vmastat 9.9.9-mock abi 0" >"$TMP/dbg/vmastat/version"
export VMASTAT_DEBUGFS=$TMP/dbg

run 0 $MOCK --version && out_has '^vmastat 0\.1\.0$' && out_has '^module: vmastat 9\.9\.9-mock abi 0$'

sleep 1000 &
SLEEPER=$!
sleep 0.2
P=$SLEEPER

run 0 $MOCK maps $P && out_has "^$P:   sleep$" && out_has 'Address' && out_has '\[stack\]' &&
	out_has ' total '
nmaps=$(wc -l <"/proc/$P/maps")
nrows=$(grep -c '^ *[0-9a-f]\+ ' "$TMP/out")
[ "$nrows" = "$nmaps" ] && ok || bad "maps: $nrows rows for $nmaps mappings"
# totals against smaps
read -r size rss <<<"$(awk '/^Size:/ {s += $2} /^Rss:/ {r += $2} END {print s, r}' "/proc/$P/smaps")"
total=$(awk '$1 == "total" {print $2, $3}' "$TMP/out")
[ "$total" = "$size $rss" ] && ok || bad "maps totals '$total', smaps says '$size $rss'"
grep -q "kB, $nmaps mappings" "$TMP/out" && ok || bad "maps: total line lacks the mapping count"

# the same in batches of 1 and 3
for b in 1 3; do
	VMASTAT_MOCK_BATCH=$b run 0 $MOCK maps $P &&
		{ [ "$(grep -c '^ *[0-9a-f]\+ ' "$TMP/out")" = "$nmaps" ] && ok || bad "batch $b: wrong row count"; }
done

run 0 $MOCK status $P && out_has '^PID: *'"$P"'$' && out_has '^Command: *sleep$' &&
	out_has '^RSS: ' && out_has 'start_code *0x[0-9a-f]' && out_has 'task_size'

run 0 $MOCK maps $P --json && out_has '"start": "0x' && out_has '"kind": "stack"'
cp "$TMP/out" "$TMP/maps.json"
run 0 $MOCK status $P --json && out_has '"pid": '"$P" && out_has '"brk": "0x'
cp "$TMP/out" "$TMP/status.json"

if command -v python3 >/dev/null; then
	python3 - "$TMP/maps.json" "$TMP/status.json" "$P" <<'PY' && ok || bad "JSON checks (python)"
import json, sys
maps = json.load(open(sys.argv[1]))
st = json.load(open(sys.argv[2]))
pid = int(sys.argv[3])
keys = {"start", "end", "perms", "offset", "dev", "inode", "kind", "path", "size_kb",
        "rss_kb", "anon_kb", "file_kb", "shmem_kb", "swap_kb", "thp_kb", "flags"}
kinds = {"anon", "heap", "stack", "vdso", "vvar", "vsyscall", "anon_named", "file",
         "shmem", "special", "hugetlb"}
lines = open(f"/proc/{pid}/maps").read().splitlines()
assert isinstance(maps, list) and len(maps) == len(lines), (len(maps), len(lines))
for m, line in zip(maps, lines):
    assert set(m) >= keys, set(m) ^ keys
    assert m["kind"] in kinds, m["kind"]
    rng, perms, off, dev, ino = line.split()[:5]
    s, e = rng.split("-")
    assert int(m["start"], 16) == int(s, 16) and int(m["end"], 16) == int(e, 16)
    assert m["start"].startswith("0x") and m["perms"] == perms and m["dev"] == dev
    assert m["offset"] == int(off, 16) and m["inode"] == int(ino)
    assert m["size_kb"] == (int(e, 16) - int(s, 16)) // 1024
    assert m["rss_kb"] == m["anon_kb"] + m["file_kb"] + m["shmem_kb"]
    assert m["path"] == line.split(None, 5)[5] if len(line.split()) > 5 else m["path"] == ""
    assert isinstance(m["flags"], list)
for k in ("pid", "comm", "vmas", "vsz_kb", "rss_kb", "rss_anon_kb", "rss_file_kb",
          "rss_shmem_kb", "swap_kb", "start_code", "end_code", "start_data", "end_data",
          "start_brk", "brk", "start_stack", "mmap_base", "task_size"):
    assert k in st, k
assert st["pid"] == pid and st["comm"] == "sleep"
assert st["rss_kb"] == st["rss_anon_kb"] + st["rss_file_kb"] + st["rss_shmem_kb"]
assert all(st[k].startswith("0x") for k in ("start_code", "brk", "task_size"))
PY
fi

# awkward names, a long name (ENAMETOOLONG and retry), unknown kind and flag
export VMASTAT_MOCK_EXTRA=1 VMASTAT_MOCK_LONGNAME=100000
for b in 0 2; do
	VMASTAT_MOCK_BATCH=$b run 0 $MOCK maps $P &&
		out_has '/tmp/new\\012line$' && out_has 'quote"back\\134slash$' &&
		out_has '/tmp/bad\\377\\376 utf8 \\303( \\355\\240\\200 \\300\\257$' &&
		out_has '/tmp/\\033\[31mred\\177\\011\\302\\233$' && out_has ' unknown ' &&
		out_has '/tmp/gone (deleted)$' && out_has "/xxxxxxxxxx"
done
run 0 $MOCK maps $P --json && cp "$TMP/out" "$TMP/extra.json"
if command -v python3 >/dev/null; then
	python3 - "$TMP/extra.json" <<'PY' && ok || bad "JSON escaping checks (python)"
import json, sys
raw = open(sys.argv[1], "rb").read()
assert all(b >= 0x20 or b == 0x0a for b in raw), "raw control byte in JSON"
maps = json.load(open(sys.argv[1], encoding="utf-8"))
def raw_bytes(s):  # undo the documented \u0080..\u00ff escapes of raw bytes
    out = b""
    for ch in s:
        out += ch.encode("utf-8")
    return out
paths = {m["path"] for m in maps}
want = ["/tmp/new\nline", "/tmp/quote\"back\\slash",
        "/tmp/bad\u00ff\u00fe utf8 \u00c3( \u00ed\u00a0\u0080 \u00c0\u00af",
        "/tmp/\u00fcnic\u00f6de \u20ac \U0001f600", "/tmp/\x1b[31mred\x7f\t\u009b",
        "/tmp/gone (deleted)", "/" + "x" * 99999]
for w in want:
    assert w in paths, repr(w)
byname = {m["path"]: m for m in maps}
assert byname["/tmp/gone (deleted)"]["flags"] == ["hugepage", "deleted"]
unk = [m for m in maps if m["kind"] == "unknown"]
assert len(unk) == 1 and unk[0]["flags"] == ["bit20"] and unk[0]["path"] == ""
assert b'\\u00ff\\u00fe' in raw and b'\\u001b' in raw and b'\\u007f' in raw
PY
fi
unset VMASTAT_MOCK_EXTRA VMASTAT_MOCK_LONGNAME

# errors reported by the module: exit 1, one line, no partial output
check_errno() {
	local e=$1 msg=$2 c
	for c in "maps $P" "maps $P --json" "status $P" "status $P --json"; do
		VMASTAT_MOCK_ERRNO=$e run 1 $MOCK $c && out_empty && err_one_line && err_has "$msg"
	done
}
check_errno ESRCH "no such process: $P"
check_errno EOPNOTSUPP "is a kernel thread"
check_errno EPERM "needs root (CAP_SYS_PTRACE)"
check_errno E2BIG "vmastat module too old"
check_errno E2BIG "9.9.9-mock"
check_errno EINVAL "rejected the"
check_errno ENOTTY "does not know the"
check_errno EIO "Input/output error"
for b in noprogress badname overflow; do
	VMASTAT_MOCK_BUG=$b run 1 $MOCK maps $P && out_empty && err_one_line && err_has "module bug"
done
run 1 $MOCK maps 2 && out_empty && err_has "kernel thread"
run 1 $MOCK status 2 && out_empty && err_has "kernel thread"
# a process that is gone
sh -c 'exit 0' & gone=$!; wait $gone
run 1 $MOCK maps $gone && out_empty && err_has "no such process: $gone"

# --- fault accounting, with the mock module -----------------------------------
STATE=$TMP/dbg/vmastat/mock-state
LOG=$TMP/mock.log
have_py() { command -v python3 >/dev/null; }
# json_ok FILE [lines]: the file is one JSON document (or JSON Lines)
json_ok() {
	have_py || return 0
	if [ "${2:-}" = lines ]; then
		python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$1"
	else
		python3 -m json.tool "$1" >/dev/null
	fi && ok || bad "invalid JSON in $1: $(head -c 300 "$1")"
}
rows() { grep -c "$1" "$TMP/out"; }

$MOCK untrack all >/dev/null 2>&1

# faults: the canned processes, most faults first
run 0 $MOCK faults && out_has '^ *PID COMM  *STATE  *MINOR MAJOR  *ANON  *FILE SHMEM OTHER  *READ WRITE  *EXEC  *GUP  *COW SWAPIN THP ERR$'
[ "$(sed -n 2p "$TMP/out" | awk '{print $1, $2, $3}')" = "400 cc1 live" ] && ok || bad "faults: cc1 not first: $(sed -n 2p "$TMP/out")"
[ "$(grep -c '^ *[-0-9]\+ ' "$TMP/out")" = 6 ] && ok || bad "faults: not 6 rows"
out_has '^ *- hidden  *exited ' && out_has '^ *300 make  *exited ' && out_has 'we\\012ird"\\377'
grep -q 'note:' "$TMP/out" && bad "faults: a note without losses" || ok
run 0 $MOCK faults -n 2 && { [ "$(grep -c '^ *[-0-9]\+ ' "$TMP/out")" = 2 ] && ok || bad "faults -n 2"; }
run 0 $MOCK faults --live && { grep -q exited "$TMP/out" && bad "faults --live shows exited" || ok; }
run 0 $MOCK faults --sort=pid && { [ "$(awk 'NR > 1 {printf "%s ", $1}' "$TMP/out")" = "- 100 200 300 400 500 " ] && ok || bad "faults --sort=pid: $(awk 'NR > 1 {printf "%s ", $1}' "$TMP/out")"; }
run 0 $MOCK faults --sort errors -n 2 && out_has '^ *- hidden' && out_has '^ *300 make'
run 0 $MOCK faults -s file_major -n1 && out_has '^ *400 cc1'
for b in 1 4; do
	VMASTAT_MOCK_BATCH=$b run 0 $MOCK faults && { [ "$(grep -c '^ *[-0-9]\+ ' "$TMP/out")" = 6 ] && ok || bad "faults batch $b"; }
done
VMASTAT_MOCK_REAL=1 VMASTAT_MOCK_BATCH=7 run 0 $MOCK faults --sort=pid && out_has "^ *$P sleep "
# the footer about losses: on stdout, or on stderr with --json
VMASTAT_MOCK_MISSED=7 run 0 $MOCK faults && out_has '^note: 7 faults missed by the probe (maxactive 64)$'
VMASTAT_MOCK_UNLISTED=11 VMASTAT_MOCK_TABLE_FULL=2 VMASTAT_MOCK_EVICTED=3 run 0 $MOCK faults &&
	out_has '^note: 11 faults of unlisted processes, 2 processes found the table full (max_procs 4096), 3 exited processes evicted$'
VMASTAT_MOCK_MISSED=7 run 0 $MOCK faults --json && err_has '^vmastat: note: 7 faults missed' && json_ok "$TMP/out"
run 0 $MOCK faults --json && cp "$TMP/out" "$TMP/faults.json" && json_ok "$TMP/faults.json"
[ -s "$TMP/err" ] && bad "faults --json: stderr not empty" || ok
# records of a newer module (longer) and an older one (shorter: thp and pad cut)
VMASTAT_MOCK_RECDELTA=64 run 0 $MOCK faults --json && cp "$TMP/out" "$TMP/faults-newer.json"
VMASTAT_MOCK_RECDELTA=-16 run 0 $MOCK faults --json && cp "$TMP/out" "$TMP/faults-older.json"
if have_py; then
	python3 - "$TMP" <<'PY' && ok || bad "faults --json checks (python)"
import json, sys
d = sys.argv[1]
procs = json.load(open(d + "/faults.json"))
counts = ["minor", "major", "retry", "segv", "sigbus", "oom", "anon_minor", "anon_major",
          "file_minor", "file_major", "shmem_minor", "shmem_major", "other_minor", "other_major",
          "read", "write", "exec", "gup_minor", "gup_major", "remote", "cow", "swapin", "thp"]
assert len(procs) == 6, len(procs)
for p in procs:
    assert list(p) == ["pid", "comm", "flags", "start_ns", "exit_ns", "counts"], list(p)
    assert list(p["counts"]) == counts, list(p["counts"])
    c = p["counts"]
    assert c["minor"] == c["anon_minor"] + c["file_minor"] + c["shmem_minor"] + c["other_minor"]
    assert c["major"] == c["anon_major"] + c["file_major"] + c["shmem_major"] + c["other_major"]
    assert c["read"] + c["write"] + c["exec"] == c["minor"] + c["major"]
    assert set(p["flags"]) <= {"exited", "tracked", "children"}
    assert ("exited" in p["flags"]) == (p["exit_ns"] != 0)
f = [p["counts"]["minor"] + p["counts"]["major"] for p in procs]
assert f == sorted(f, reverse=True), f
by = {p["comm"]: p for p in procs}
assert by["we\nird\"\u00ff"]["pid"] == 500 and by["hidden"]["pid"] == 0
newer = json.load(open(d + "/faults-newer.json"))
older = json.load(open(d + "/faults-older.json"))
assert [p["counts"]["thp"] for p in newer] == [p["counts"]["thp"] for p in procs]
assert all(p["counts"]["thp"] == 0 for p in older) and any(p["counts"]["thp"] for p in procs)
assert [p["counts"]["swapin"] for p in older] == [p["counts"]["swapin"] for p in procs]
PY
fi

# summary
run 0 $MOCK summary && cp "$TMP/out" "$TMP/summary.txt"
for f in hits missed maxactive max_procs nr_live nr_exited nr_tracked max_tracked unlisted \
	 evicted table_full event_drops unattributed reset_ns; do
	grep -q "^$f  *[0-9]\+  " "$TMP/summary.txt" && ok || bad "summary lacks $f"
done
grep -q '^reset_ns  *0  .*: never$' "$TMP/summary.txt" && ok || bad "summary: reset_ns never"
grep -q '^total' "$TMP/summary.txt" && grep -q '^  thp  *[0-9]' "$TMP/summary.txt" && ok || bad "summary: total"
VMASTAT_MOCK_MISSED=5 run 0 $MOCK summary --json && cp "$TMP/out" "$TMP/summary.json" && json_ok "$TMP/summary.json"
if have_py; then
	python3 - "$TMP/summary.json" "$TMP/faults.json" <<'PY' && ok || bad "summary --json checks (python)"
import json, sys
s = json.load(open(sys.argv[1]))
procs = json.load(open(sys.argv[2]))
assert list(s) == ["hits", "missed", "maxactive", "max_procs", "nr_live", "nr_exited", "nr_tracked",
                   "max_tracked", "unlisted", "evicted", "table_full", "event_drops", "unattributed",
                   "reset_ns", "total"], list(s)
assert s["missed"] == 5 and s["nr_live"] == 4 and s["nr_exited"] == 2 and len(s["total"]) == 23
assert s["total"]["major"] == sum(p["counts"]["major"] for p in procs)
PY
fi

# track, untrack, reset: silent on success
run 0 $MOCK track $P && out_empty && { [ ! -s "$TMP/err" ] && ok || bad "track: stderr"; }
grep -q "^tracked $P 0 0$" "$STATE" && ok || bad "track: not in the mock's state"
run 0 $MOCK faults --sort=pid && out_has "^ *$P sleep  *live\* " && out_has '^\*: tracked'
run 1 $MOCK track $P && out_empty && err_one_line && err_has "process $P is tracked already"
run 1 $MOCK track 2 && err_has 'is a kernel thread'
sh -c 'exit 0' & gone=$!; wait $gone
run 1 $MOCK track $gone && err_one_line && err_has "no such process: $gone"
run 0 $MOCK track 100 --children --granule=21 && { grep -q '^tracked 100 1 21$' "$STATE" && ok || bad "track --children --granule"; }
run 0 $MOCK faults --sort=pid && out_has '^ *100 init  *live+ ' && out_has '+: tracked with the children'
VMASTAT_MOCK_MAX_TRACKED=2 run 1 $MOCK track 200 && err_has "cannot track process 200: the module tracks as many processes as it can"
run 0 $MOCK untrack 100 && out_empty
run 1 $MOCK untrack 100 && err_one_line && err_has 'process 100 is not tracked (start with: vmastat track 100)'
run 1 $MOCK untrack $gone && err_has "no such process: $gone"
run 0 $MOCK reset $P && out_empty
run 0 $MOCK reset 100
run 1 $MOCK reset $gone && err_has "no such process: $gone"
run 0 $MOCK reset all && out_empty
run 0 $MOCK summary && out_has '^reset_ns  *[1-9][0-9]*  .*: [0-9.]* s ago$'
grep -q '^reset pid 0 ' "$LOG" 2>/dev/null; : # (the log is only on when asked)
VMASTAT_MOCK_LOG=$LOG run 0 $MOCK track 200 -c --granule 12 && { grep -q '^track pid 200 flags 1 shift 12$' "$LOG" && ok || bad "track: request"; }
run 1 $MOCK track 300 && err_has 'no such process: 300'	# an exited process
VMASTAT_MOCK_LOG=$LOG run 0 $MOCK untrack all && { grep -q '^untrack pid 0 flags 0 shift 0$' "$LOG" && ok || bad "untrack all: request"; }
[ ! -s "$STATE" ] || ! grep -q tracked "$STATE" && ok || bad "untrack all left: $(cat "$STATE")"

# maps of a tracked process: fault columns, unmapped ranges; not tracked: the plain table
run 0 $MOCK track $P
: >"$LOG"
VMASTAT_MOCK_LOG=$LOG run 0 $MOCK maps $P && cp "$TMP/out" "$TMP/maps-faults.txt" &&
	out_has "^$P:   sleep   (tracked: faults since tracking began)$" &&
	out_has ' Minor Major COW SwapIn THPflt Err Name$' && out_has ' ---- unmapped  *-  *-  *-  *-  *-  *- .* \[unmapped anon\]$' &&
	out_has '\[unmapped anon,file\]$' && out_has "kB, $nmaps mappings, 2 unmapped ranges$"
grep -q 'flags 3$' "$LOG" && ! grep -q 'flags 0$' "$LOG" && ok || bad "maps of a tracked process: requests $(cat "$LOG")"
[ "$(grep -c '^ *[0-9a-f]\+ ' "$TMP/out")" = $((nmaps + 2)) ] && ok || bad "maps tracked: rows"
# totals: the sizes as before, faults summed
total=$(awk '$1 == "total" {print $2, $3}' "$TMP/out")
[ "$total" = "$size $rss" ] && ok || bad "maps tracked: totals '$total', smaps '$size $rss'"
run 0 $MOCK maps $P --json && cp "$TMP/out" "$TMP/maps-faults.json" && json_ok "$TMP/maps-faults.json"
if have_py; then
	python3 - "$TMP/maps-faults.json" "$TMP/maps-faults.txt" "$P" <<'PY' && ok || bad "maps --json with faults (python)"
import json, sys
maps = json.load(open(sys.argv[1]))
table = open(sys.argv[2]).read().splitlines()
lines = open(f"/proc/{sys.argv[3]}/maps").read().splitlines()
fkeys = ["minor", "major", "read", "write", "exec", "gup", "cow", "swapin", "thp", "retry",
         "segv", "sigbus", "oom", "kinds"]
un = [m for m in maps if m["unmapped"]]
real = [m for m in maps if not m["unmapped"]]
assert len(real) == len(lines) and len(un) == 2, (len(real), len(un))
for m in maps:
    assert list(m["faults"]) == fkeys, list(m["faults"])
    f = m["faults"]
    assert f["read"] + f["write"] + f["exec"] == f["minor"] + f["major"], m
    assert "unmapped" not in m["flags"] and "faults" not in m["flags"]
for m in un:
    assert m["kind"] == "unmapped" and m["path"] == "" and m["rss_kb"] == 0 and m["perms"] == "----"
assert [m["faults"]["kinds"] for m in un] == [["anon"], ["anon", "file"]]
starts = [int(m["start"], 16) for m in maps]
assert starts == sorted(starts)
tot = [l for l in table if l.split()[:1] == ["total"]][0].split()
# total SIZE RSS ANON FILE SHMEM SWAP THP MINOR MAJOR ...
assert int(tot[8]) == sum(m["faults"]["minor"] for m in maps), tot
assert int(tot[9]) == sum(m["faults"]["major"] for m in maps), tot
PY
fi
: >"$LOG"
VMASTAT_MOCK_LOG=$LOG run 0 $MOCK maps $$ && { grep -q Minor "$TMP/out" && bad "maps untracked: fault columns" || ok; }
grep -q 'flags 3$' "$LOG" && grep -q 'flags 0$' "$LOG" && ok || bad "maps untracked: no ENODATA fallback: $(cat "$LOG")"
run 1 $MOCK maps $gone && err_one_line && err_has "no such process: $gone"
# a module from before fault accounting: plain maps, the rest "module too old"
VMASTAT_MOCK_OLD=1 run 0 $MOCK maps $P && { grep -q Minor "$TMP/out" && bad "old module: fault columns" || ok; } &&
	out_has "kB, $nmaps mappings$"
VMASTAT_MOCK_OLD=1 run 0 $MOCK maps $P --json && json_ok "$TMP/out"
for c in "faults" "faults --json" "summary" "top -b -n 1" "track $P" "untrack $P" "reset all" \
	 "trace $P -c 1" "hist $P" "run -- true"; do
	VMASTAT_MOCK_OLD=1 run 1 $MOCK $c && out_empty && err_one_line &&
		err_has 'vmastat module too old for this tool: it does not know the .* request (module: vmastat 9.9.9-mock abi 0, tool: 0.1.0); update the module'
done
# records of other sizes
VMASTAT_MOCK_RECDELTA=-8 run 0 $MOCK maps $P --json && cp "$TMP/out" "$TMP/maps-older.json"
VMASTAT_MOCK_RECDELTA=200 run 0 $MOCK maps $P --json && cp "$TMP/out" "$TMP/maps-newer.json"
if have_py; then
	python3 - "$TMP" <<'PY' && ok || bad "maps records of other sizes (python)"
import json, sys
d = sys.argv[1]
a = json.load(open(d + "/maps-faults.json"))
older = json.load(open(d + "/maps-older.json"))	# kinds and pad cut
newer = json.load(open(d + "/maps-newer.json"))
assert newer == a
assert all(m["faults"]["kinds"] == [] for m in older)
assert [m["faults"]["minor"] for m in older] == [m["faults"]["minor"] for m in a]
PY
fi

# hist: the sums are the counts by kind
run 0 $MOCK hist $P && cp "$TMP/out" "$TMP/hist.txt" && out_has '^anon minor faults ([0-9]*), latency in ns$' &&
	out_has '^ *ns  *: count    distribution$' && out_has '^ *512 -> 1023  *: [0-9]*  *|\**  *|$'
run 0 $MOCK hist $P --json && cp "$TMP/out" "$TMP/hist.json" && json_ok "$TMP/hist.json"
run 0 $MOCK faults --json && cp "$TMP/out" "$TMP/faults2.json"
if have_py; then
	python3 - "$TMP" "$P" <<'PY' && ok || bad "hist checks (python)"
import json, re, sys
d, pid = sys.argv[1], int(sys.argv[2])
h = json.load(open(d + "/hist.json"))
assert list(h) == ["pid", "hist"] and h["pid"] == pid
h = h["hist"]
assert h["nr_buckets"] == 32 and list(h)[1:] == ["anon", "file", "shmem", "other"]
p = [p for p in json.load(open(d + "/faults2.json")) if p["pid"] == pid][0]["counts"]
text = open(d + "/hist.txt").read()
for k in ("anon", "file", "shmem", "other"):
    for mm in ("minor", "major"):
        b = h[k][mm]
        assert len(b) == 32 and sum(b) == p[f"{k}_{mm}"], (k, mm, sum(b), p[f"{k}_{mm}"])
        head = f"{k} {mm} faults ({sum(b)}), latency in ns"
        assert (head in text) == (sum(b) > 0), head
for m in re.finditer(r"^ *(\d+) -> (\d+) +: (\d+) +\|(\**) *\|$", text, re.M):
    lo, hi = int(m.group(1)), int(m.group(2))
    assert hi == (2 * lo - 1 if lo else 1), m.group(0)
PY
fi
run 1 $MOCK hist 100 && out_empty && err_one_line && err_has 'process 100 is not tracked (start with: vmastat track 100)'
run 1 $MOCK hist $gone && err_has "no such process: $gone"

# trace of a tracked process: header and COUNT lines
run 0 $MOCK trace $P -c 5 && cp "$TMP/out" "$TMP/trace.txt" &&
	out_has '^ *TIME(s)  *TID CPU ADDRESS  *IP  *KIND  ACCESS RESULT  *LAT(ns) FLAGS$' &&
	out_has "^       0.000000 *$P   0 0x7f0000001000 -  *anon  read  minor  *500 gup$" &&
	out_has ' file  write minor  *510 cow$' && out_has ' bit7$'
[ "$(wc -l <"$TMP/out")" = 6 ] && ok || bad "trace -c 5: $(wc -l <"$TMP/out") lines"
[ ! -s "$TMP/err" ] && ok || bad "trace: stderr $(cat "$TMP/err")"
VMASTAT_MOCK_EVENTS=40 run 0 $MOCK trace $P -c 30 --json && { [ "$(wc -l <"$TMP/out")" = 30 ] && ok || bad "trace --json -c 30"; }
json_ok "$TMP/out" lines
if have_py; then
	python3 - "$TMP/out" <<'PY' && ok || bad "trace --json keys (python)"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
for e in evs:
    assert list(e) == ["time_ns", "tid", "cpu", "address", "ip", "latency_ns", "kind", "access",
                       "outcome", "flags"], list(e)
    assert e["address"].startswith("0x") and e["ip"].startswith("0x")
    assert e["kind"] in ("anon", "file", "shmem", "other") and e["access"] in ("read", "write", "exec")
assert [e["time_ns"] for e in evs] == sorted(e["time_ns"] for e in evs)
assert {e["outcome"] for e in evs} == {"minor", "major", "segv"}
PY
fi
run 0 $MOCK trace $P -c 2 -a && out_has '^       5\.000000 ' && out_has '^       5\.000001 '
: >"$LOG"
VMASTAT_MOCK_LOG=$LOG run 0 $MOCK trace $P -c 3 && { grep '^events ' "$LOG" | grep -qv ' count [1-3]$' && bad "trace -c 3: asked for more than 3: $(cat "$LOG")" || ok; }
grep -q '^events pid [0-9]* flags 0 count 3$' "$LOG" && ok || bad "trace: the first request waits"
VMASTAT_MOCK_DROPS=4 run 0 $MOCK trace $P -c 3 && err_has '^vmastat: trace: 4 events dropped (ring full; 4 in all)$'
VMASTAT_MOCK_EVENTS=600 VMASTAT_MOCK_DROPS=4 run 0 $MOCK trace $P -c 600 &&
	{ [ "$(grep -c 'events dropped' "$TMP/err")" = 3 ] && ok || bad "trace: drops reported $(grep -c dropped "$TMP/err") times"; } &&
	err_has '4 events dropped (ring full; 12 in all)'
VMASTAT_MOCK_EVENTS=3 VMASTAT_MOCK_EVENTS_END=esrch run 0 $MOCK trace $P &&
	err_has "trace: process $P is not tracked any more" && { [ "$(wc -l <"$TMP/out")" = 4 ] && ok || bad "trace to ESRCH: lines"; }
VMASTAT_MOCK_BUG=overflow run 1 $MOCK trace $P -c 5 && err_has 'answered the events request with more records than asked for (module bug?)'
VMASTAT_MOCK_ERRNO=EPERM:events run 1 $MOCK trace $P && out_empty && err_one_line && err_has "process $P: Operation not permitted: vmastat needs root"
run 1 $MOCK trace $gone && err_one_line && err_has "no such process: $gone"
run 1 $MOCK trace 2 && err_has 'is a kernel thread'
# not tracked: tracked for the trace, untracked after it
run 0 $MOCK untrack $P
run 0 $MOCK trace $P -c 4 && err_has "trace: process $P was not tracked: tracking it until the trace ends" &&
	{ [ "$(wc -l <"$TMP/out")" = 5 ] && ok || bad "trace of an untracked process: lines"; }
grep -q "tracked $P " "$STATE" && bad "trace did not untrack $P" || ok
# SIGINT (and SIGTERM) while waiting for events: stops cleanly, exit 0, untracks
for sig in INT TERM; do
	VMASTAT_MOCK_EVENTS=2 $MOCK trace $P >"$TMP/out" 2>"$TMP/err" &
	tp=$!
	for _ in $(seq 50); do grep -q "tracked $P " "$STATE" 2>/dev/null && [ "$(wc -l <"$TMP/out")" = 3 ] && break; sleep 0.1; done
	kill -$sig $tp; wait $tp; rc=$?
	[ $rc = 0 ] && [ "$(wc -l <"$TMP/out")" = 3 ] && ok || bad "trace SIG$sig: rc $rc, $(wc -l <"$TMP/out") lines, $(cat "$TMP/err")"
	grep -q "tracked $P " "$STATE" && bad "trace SIG$sig: $P still tracked" || ok
done
# the traced process exits: trace notices and stops
sleep 1.5 & short=$!
run 0 $MOCK track $short
VMASTAT_MOCK_EVENTS=3 run 0 timeout 20 $MOCK trace $short && err_has "trace: process $short exited" &&
	{ [ "$(wc -l <"$TMP/out")" = 4 ] && ok || bad "trace of an exiting process: lines"; }
wait $short
run 0 $MOCK untrack $short

# top: batch tables, fastest first
run 0 $MOCK top -b -n 2 -d 0.2 && { [ "$(grep -c '^vmastat top - ' "$TMP/out")" = 2 ] && ok || bad "top -b -n 2: not 2 tables"; } &&
	out_has '^faults/s: [0-9.]* minor, [0-9.]* major, [0-9.]* cow, [0-9.]* swapin, [0-9.]* errors (every process)$' &&
	out_has '^ *PID COMM  *STATE  *FLT/s  *MINOR/s  *MAJOR/s  *ANON/s  *FILE/s  *SHMEM/s  *COW/s SWAPIN/s  *ERR/s$'
[ "$(awk '/^ *PID /{getline; print $1, $2; exit}' "$TMP/out")" = "400 cc1" ] && ok || bad "top: cc1 not first"
# rates: cc1 takes 250120 faults a listing; the exited "make" none
r=$(awk '/^ *400 cc1 /{print $4; exit}' "$TMP/out")
awk -v r="$r" 'BEGIN {exit !(r > 250120 / 0.6 && r < 250120 / 0.15)}' && ok || bad "top: cc1's rate $r"
grep -q ' make ' "$TMP/out" && bad "top: an exited process without faults is listed" || ok
run 0 $MOCK top -n 1 -d 0.1 && { [ "$(grep -c '^vmastat top - ' "$TMP/out")" = 1 ] && ok || bad "top without a terminal: not batch"; }
grep -q $'\033' "$TMP/out" && bad "top without a terminal: escape sequences" || ok
VMASTAT_MOCK_MISSED=9 run 0 $MOCK top -b -n 1 -d 0.1 && { grep -q MISSED "$TMP/out" && bad "top: missed not a delta" || ok; }
$MOCK top -b -d 0.1 >"$TMP/out" 2>"$TMP/err" & tp=$!
sleep 0.5; kill -INT $tp; wait $tp; rc=$?
[ $rc = 0 ] && grep -q '^vmastat top' "$TMP/out" && ok || bad "top -b: SIGINT rc $rc"
VMASTAT_MOCK_ERRNO=EIO:summary run 1 $MOCK top -b -n 1 && out_empty && err_has 'summary of every process: Input/output error'

# top on a terminal (a pty): redraws, quits on q and on SIGINT, restores the terminal
if have_py; then
	for how in q INT TERM; do
		python3 - "$MOCK" "$how" <<'PY' && ok || bad "top on a terminal, quit by $how"
import os, pty, select, signal, sys, termios, time
mock, how = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(mock, [mock, "top", "-d", "0.1"])
before = termios.tcgetattr(fd)
out, frames, t0 = b"", 0, time.time()
while time.time() - t0 < 20:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            out += os.read(fd, 65536)
        except OSError:
            break
    frames = out.count(b"\x1b[H\x1b[2Jvmastat top - ")
    if frames >= 2:
        break
assert frames >= 2, out[-500:]
during = termios.tcgetattr(fd)
assert not during[3] & termios.ICANON and not during[3] & termios.ECHO, "not raw"
if how == "q":
    os.write(fd, b"q")
else:
    os.kill(pid, getattr(signal, "SIG" + how))
status = None
t0 = time.time()
while time.time() - t0 < 10:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            out += os.read(fd, 65536)
        except OSError:
            pass
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        status = st
        break
assert status is not None, "top did not quit"
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
after = termios.tcgetattr(fd)
assert after[3] == before[3], "terminal not restored"
assert b"\x1b[?25l" in out and out.rstrip().endswith(b"") and b"\x1b[?25h" in out
assert b" cc1 " in out and b"FLT/s" in out
PY
	done
fi

# run: a command tracked from its start, its report on stderr
run 0 $MOCK run -- /bin/true && out_empty && cp "$TMP/err" "$TMP/run.txt" &&
	err_has '^vmastat run: process [0-9]* (true) exited with status 0; numbers taken when its main thread exited$' &&
	err_has '^  minor  *[0-9]*  *[0-9]*   min_flt, field 10 of /proc/[0-9]*/stat$' &&
	err_has '^vmastat and the kernel agree\.$' && err_has '^anon minor faults ([0-9]*), latency in ns$' &&
	err_has '(tracked: faults since tracking began)$' && err_has 'kB, [0-9]* mappings, 2 unmapped ranges$' &&
	err_has '/usr/bin/true$'
grep -q tracked "$STATE" && bad "run left a process tracked: $(cat "$STATE")" || ok
run 0 $MOCK run true --version && out_has 'true'
run 3 $MOCK run sh -c 'exit 3' && err_has 'exited with status 3'
run 139 $MOCK run -- sh -c 'kill -SEGV $$' && err_has 'was killed by SIGSEGV'
run 137 $MOCK run -- sh -c 'kill -KILL $$' && err_has 'was killed by SIGKILL'
# a signal for the command is delivered (not swallowed by ptrace)
run 7 $MOCK run -- sh -c 'trap "exit 7" USR1; kill -USR1 $$; sleep 5; exit 1'
run 127 $MOCK run -- /nonexistent/cmd && err_one_line && err_has "run: cannot execute '/nonexistent/cmd': No such file or directory"
run 127 $MOCK run -o "$TMP/none.txt" -- ./tests && err_has 'Permission denied'
[ -s "$TMP/none.txt" ] && bad "run: a report for a command that did not start" || ok
echo hello | $MOCK run -- cat >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && grep -qx hello "$TMP/out" && ok || bad "run: stdin/stdout of the command, rc $rc"
# the report as JSON, in a file
run 0 $MOCK run -o "$TMP/run.json" --json --children -- sh -c 'echo out; echo err >&2' && out_has '^out$' &&
	err_has '^err$' && { [ "$(wc -l <"$TMP/err")" = 1 ] && ok || bad "run -o: report on stderr too"; }
json_ok "$TMP/run.json"
if have_py; then
	python3 - "$TMP/run.json" <<'PY' && ok || bad "run --json checks (python)"
import json, sys
r = json.load(open(sys.argv[1]))
assert list(r) == ["command", "pid", "exit_code", "signal", "taken_at", "proc", "stat", "agree",
                   "missed", "hist", "maps", "tracked_children", "notes"], list(r)
assert r["command"] == ["sh", "-c", "echo out; echo err >&2"] and r["exit_code"] == 0
assert r["signal"] is None and r["taken_at"] == "exit" and r["agree"] is True
assert r["proc"]["counts"]["minor"] == r["stat"]["min_flt"] > 0
assert r["proc"]["counts"]["major"] == r["stat"]["maj_flt"]
assert "tracked" in r["proc"]["flags"] and "children" in r["proc"]["flags"]
assert r["proc"]["comm"] == "sh" and r["notes"] == []
assert sum(map(sum, (r["hist"][k]["minor"] for k in ("anon", "file", "shmem", "other")))) == r["stat"]["min_flt"]
assert sum(1 for m in r["maps"] if m["unmapped"]) == 2
assert any(m["path"].endswith("/sh") or m["path"].endswith("/dash") for m in r["maps"])
PY
fi
: >"$LOG"
VMASTAT_MOCK_LOG=$LOG run 0 $MOCK run -c -- true && { grep -q '^track pid [0-9]* flags 1 shift 0$' "$LOG" && grep -q '^untrack pid ' "$LOG" && ok || bad "run --children: requests $(cat "$LOG")"; }
run 2 $MOCK run -o "$TMP/run2.json" -j -x true
# a process that stops itself stays stopped until SIGCONT
$MOCK run -- sh -c 'kill -STOP $$; echo resumed' >"$TMP/out" 2>"$TMP/err" & rp=$!
stopped=
for _ in $(seq 50); do
	c=$(pgrep -P $rp sh | head -1)
	[ -n "$c" ] && grep -q '^State:.*t (tracing stop)' /proc/$c/status 2>/dev/null && { stopped=$c; break; }
	sleep 0.1
done
sleep 0.5
[ -n "$stopped" ] && grep -q '^State:.*t (tracing stop)' /proc/$stopped/status && [ ! -s "$TMP/out" ] && ok || bad "run: SIGSTOP did not stop the command"
[ -n "$stopped" ] && kill -CONT $stopped
wait $rp; rc=$?
[ $rc = 0 ] && grep -qx resumed "$TMP/out" && ok || bad "run: after SIGCONT rc $rc, out $(cat "$TMP/out")"
# SIGTERM for vmastat is passed on to the command
$MOCK run -- sleep 30 >"$TMP/out" 2>"$TMP/err" & rp=$!
for _ in $(seq 50); do pgrep -P $rp sleep >/dev/null && break; sleep 0.1; done
sleep 0.2; kill -TERM $rp; wait $rp; rc=$?
[ $rc = 143 ] && grep -q 'was killed by SIGTERM' "$TMP/err" && ok || bad "run: SIGTERM rc $rc"
# failures before the command starts: exit 1, the command never runs
VMASTAT_MOCK_ERRNO=ENOSPC:track run 1 $MOCK run -- sh -c "touch $TMP/ran" && err_one_line &&
	err_has 'cannot track process [0-9]*: the module tracks as many processes as it can'
[ -e "$TMP/ran" ] && bad "run: the command ran after TRACK failed" || ok
run 1 $MOCK run -o "$TMP/no/such/dir" -- true && err_has "run: cannot open $TMP/no/such/dir: No such file or directory"
# the report when the module fails at the exit: what is missing is said
VMASTAT_MOCK_ERRNO=EIO:hist run 0 $MOCK run -- true && err_has '^not available:$' && err_has '^histograms: hist of process [0-9]*: Input/output error$'

# errors of the new requests: one line, exit 1, nothing on stdout
for e in "EPERM:needs root (CAP_SYS_PTRACE)" "E2BIG:vmastat module too old" "EINVAL:rejected the" \
	 "EIO:Input/output error"; do
	for c in "faults" "faults --json" "summary" "summary --json" "track $P" "untrack all" "reset $P" "hist $P"; do
		VMASTAT_MOCK_ERRNO=${e%%:*} run 1 $MOCK $c && out_empty && err_one_line && err_has "${e#*:}"
	done
done
VMASTAT_MOCK_ERRNO=ESRCH:procs run 1 $MOCK faults && err_has 'no such process'
for b in noprogress overflow; do
	VMASTAT_MOCK_BATCH=2 VMASTAT_MOCK_BUG=$b run 1 $MOCK faults && out_empty && err_one_line && err_has 'answered the procs request with .* (module bug?)'
done
run 0 $MOCK untrack all

# output that cannot be written
if [ -w /dev/full ]; then
	for c in "maps $P" "faults" "summary --json" "top -b -n 1 -d 0.1" "trace $P -c 1"; do
		$MOCK $c >/dev/full 2>"$TMP/err"; rc=$?
		[ $rc = 1 ] && grep -q 'cannot write output' "$TMP/err" && ok || bad "$c to /dev/full: rc $rc"
	done
	$MOCK untrack all 2>/dev/null
fi

echo "run-tests: $pass passed, $fail failed"
[ "$fail" = 0 ]
