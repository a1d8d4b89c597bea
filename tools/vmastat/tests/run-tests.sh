#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Command-line tests of vmastat that need no module: usage, errors, and
# (with tests/vmastat-mock, whose ioctl() answers from /proc) the output of
# maps and status for a live process.  Run by "make check" from
# tools/vmastat; uses the sanitized builds.
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
for c in maps status; do
	run 0 $TOOL $c --help && out_has "^Usage: vmastat $c PID \[--json\]"
	run 0 $TOOL $c -h && out_has "^Usage: vmastat $c PID"
	run 0 $TOOL help $c && out_has "^Usage: vmastat $c PID"
	run 0 $TOOL $c 1 --help && out_has "^Usage: vmastat $c PID"
done
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
for pid in abc -3 0 +5 " 5" 5x 0x10 4194305 99999999999999999999999 ""; do
	for c in maps status; do
		run 2 $TOOL $c "$pid" && out_empty && err_has "PID" && err_has "Usage: vmastat $c"
	done
done
# a bad PID is refused before the module is looked for
VMASTAT_DEBUGFS=$TMP/none run 2 $TOOL maps abc && err_has "invalid PID 'abc'"

# --- the module is missing ----------------------------------------------------
for c in "maps 1" "maps 1 --json" "status 1" "status 1 --json"; do
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

# output that cannot be written
if [ -w /dev/full ]; then
	$MOCK maps $P >/dev/full 2>"$TMP/err"; rc=$?
	[ $rc = 1 ] && grep -q 'cannot write output' "$TMP/err" && ok || bad "writing to /dev/full: rc $rc"
fi

echo "run-tests: $pass passed, $fail failed"
[ "$fail" = 0 ]
