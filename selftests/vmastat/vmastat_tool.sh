#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vmastat tool against the kernel's own account: run it on a stopped
# process (a python3 that maps anonymous, shared, file and memfd memory and
# stops itself) and compare its JSON, mapping by mapping and field by field,
# with /proc/PID/smaps, /proc/PID/status and /proc/PID/stat, and kinds with
# the module's maps file.  Then its exit codes: 2 for a bad PID, 1 for a
# process that is gone, and the note of 'vmastat faults' with
# classify_all=N.
#
# The tool is $VMASTAT_TOOL, else ../../tools/vmastat/vmastat from here.

ksft_skip=4
here=$(cd "$(dirname "$0")" && pwd)
tool=${VMASTAT_TOOL:-$here/../../tools/vmastat/vmastat}
dir=${VMASTAT_DIR:-/sys/kernel/debug/vmastat}

skip() { echo "# SKIP: $*"; exit $ksft_skip; }
log() { echo "# $*"; }

[ "$(id -u)" = 0 ] || skip "must be run as root"
[ -d "$dir" ] || skip "$dir missing: vmastat module not loaded"
[ -x "$tool" ] || skip "no vmastat tool at $tool (build it: make -C tools/vmastat)"
if [ -x /usr/bin/python3 ]; then
	python=/usr/bin/python3
else
	python=$(command -v python3) || skip "python3 is needed"
fi

tmp=$(mktemp -d /tmp/vmastat-tool.XXXXXX) || exit 1
target=
cleanup() {
	if [ -n "$target" ]; then
		kill -KILL "$target" 2>/dev/null
		wait "$target" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

failed=0
n=0
check() {
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n $what"
	else
		echo "not ok $n $what"
		failed=1
	fi
}

# The target: maps a few things, touches some, stops itself.
cat >"$tmp/target.py" <<'EOF'
import mmap, os, signal, sys
tmp = sys.argv[1]
keep = []
with open(os.path.join(tmp, "data file"), "wb") as f:
    f.write(b"x" * (64 * 4096))
fd = os.open(os.path.join(tmp, "data file"), os.O_RDWR)
for i in range(20):
    a = mmap.mmap(-1, 8 * 4096, flags=mmap.MAP_PRIVATE)
    a[0:4096 * (i % 8)] = b"a" * (4096 * (i % 8))
    s = mmap.mmap(-1, 4 * 4096, flags=mmap.MAP_SHARED)
    s[0] = 1
    f = mmap.mmap(fd, 16 * 4096, flags=mmap.MAP_SHARED)
    f[4096 * (i % 16)] = 2
    p = mmap.mmap(fd, 16 * 4096, flags=mmap.MAP_PRIVATE)
    p[0] = 3
    keep += [a, s, f, p]
if hasattr(os, "memfd_create"):
    m = os.memfd_create("vmastat tool test")
    os.ftruncate(m, 8 * 4096)
    mm = mmap.mmap(m, 8 * 4096, flags=mmap.MAP_SHARED)
    mm[0:8192] = b"m" * 8192
    keep.append(mm)
sys.stdout.write("ready\n")
sys.stdout.flush()
os.kill(os.getpid(), signal.SIGSTOP)
EOF

"$python" "$tmp/target.py" "$tmp" >"$tmp/target.out" &
target=$!
for _ in $(seq 200); do
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$target/status" 2>/dev/null)
	[ "$state" = T ] && break
	sleep 0.1
done
[ "$state" = T ] || { echo "# target did not stop (state '$state')"; exit 1; }
log "target: pid $target, $(wc -l <"/proc/$target/maps") mappings"

# The tool's answers (and their exit codes).
run_ok() {
	"$tool" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc != 0 ]; then
		log "vmastat $*: exit $rc: $(cat "$tmp/err")"
		return 1
	fi
	[ -s "$tmp/out" ] || { log "vmastat $*: no output"; return 1; }
}
# The target is stopped, but khugepaged may still collapse its memory into
# a huge page at any moment: take the tool's answers between two copies of
# smaps and status (which the comparison then reads) that agree in what is
# compared, or again.  (Pss and the Shared_ and Private_ fields move with
# other processes mapping the same files: they are not compared.)
compared() {
	grep -hE '^[0-9a-f]+-|^(Rss|Anonymous|Swap|AnonHugePages|VmFlags|VmSize|VmRSS|RssAnon|RssFile|RssShmem|VmSwap):' "$@"
}
for try in 1 2 3 4 5; do
	compared "/proc/$target/smaps" "/proc/$target/status" >"$tmp/before"
	maps_ok=0
	status_ok=0
	run_ok maps "$target" --json && cp "$tmp/out" "$tmp/maps.json" && maps_ok=1
	run_ok status "$target" --json && cp "$tmp/out" "$tmp/status.json" && status_ok=1
	cat "/proc/$target/smaps" >"$tmp/smaps"
	cat "/proc/$target/status" >"$tmp/status"
	compared "$tmp/smaps" "$tmp/status" | cmp -s - "$tmp/before" && break
	log "the target's smaps or status changed while the tool read them (try $try)"
done
check "maps PID --json" [ "$maps_ok" = 1 ]
check "status PID --json" [ "$status_ok" = 1 ]
check "maps PID" run_ok maps "$target"
check "status PID" run_ok status "$target"

cat >"$tmp/compare.py" <<'EOF'
import json, os, re, sys

pid, tmp, vmastat_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
errors = []

def err(msg):
    if len(errors) < 30:
        print("# " + msg)
    errors.append(msg)

def num(x):
    if isinstance(x, int):
        return x
    if isinstance(x, str):
        return int(x, 0)
    raise ValueError("not a number: %r" % (x,))

# /proc/PID/smaps: the kernel's own account (the copy taken with the tool's)
head = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) "
                  r"([0-9a-f]+:[0-9a-f]+) (\d+)\s*(.*)$")
proc = []
with open(os.path.join(tmp, "smaps")) as f:
    for line in f:
        line = line.rstrip("\n")
        m = head.match(line)
        if m:
            proc.append({"start": int(m[1], 16), "end": int(m[2], 16),
                         "perms": m[3], "offset": int(m[4], 16),
                         "dev": m[5], "inode": int(m[6]), "name": m[7],
                         "vmflags": []})
            continue
        key, _, val = line.partition(":")
        if key == "VmFlags":
            proc[-1]["vmflags"] = val.split()
        elif val.strip().endswith(" kB"):
            proc[-1][key] = int(val.split()[0])
vsyscall = [v for v in proc if v["name"] == "[vsyscall]"]
proc = [v for v in proc if v["name"] != "[vsyscall]"]

# the module's own maps file: for kinds, file and shmem
mod = {}
fd = os.open(os.path.join(vmastat_dir, "maps"), os.O_RDWR)
os.write(fd, str(pid).encode())
text = b""
while True:
    chunk = os.read(fd, 1 << 20)
    if not chunk:
        break
    text += chunk
os.close(fd)
for line in text.decode(errors="replace").splitlines()[1:]:
    f = line.split(" ", 12)
    s, e = (int(x, 16) for x in f[0].split("-"))
    mod[s] = {"kind": f[5], "file": int(f[8]), "shmem": int(f[9])}

# vmastat maps --json
with open(os.path.join(tmp, "maps.json")) as f:
    tool = json.load(f)
if not isinstance(tool, list):
    err("maps --json: not an array")
    tool = []
if len(tool) != len(proc):
    err("maps: %d mappings in /proc, %d from the tool" % (len(proc), len(tool)))
flag_names = {"gd": "growsdown", "lo": "locked", "hg": "hugepage",
              "nh": "nohugepage"}
for p, t in zip(proc, tool):
    where = "%x-%x %s" % (p["start"], p["end"], p["name"])
    try:
        if num(t["start"]) != p["start"] or num(t["end"]) != p["end"]:
            err("%s: tool says %s-%s" % (where, t["start"], t["end"]))
            break
        if not str(t["start"]).startswith("0x"):
            err("%s: start %r is not a 0x string" % (where, t["start"]))
        checks = [
            ("perms", t["perms"], p["perms"]),
            ("offset", num(t["offset"]), p["offset"]),
            ("dev", t["dev"], p["dev"]),
            ("inode", num(t["inode"]), p["inode"]),
            ("path", t["path"].replace("\n", "\\012"), p["name"]),
            ("size_kb", t["size_kb"], (p["end"] - p["start"]) >> 10),
            ("rss_kb", t["rss_kb"], p["Rss"]),
            ("anon_kb", t["anon_kb"], p["Anonymous"]),
            ("swap_kb", t["swap_kb"], p["Swap"]),
            ("thp_kb", t["thp_kb"], p["AnonHugePages"]),
            ("anon_kb + file_kb + shmem_kb", t["anon_kb"] + t["file_kb"] + t["shmem_kb"], p["Rss"]),
        ]
        m = mod.get(p["start"])
        if m is None:
            err("%s: not in the module's maps file" % where)
        else:
            checks += [("kind", t["kind"], m["kind"]),
                       ("file_kb", t["file_kb"], m["file"]),
                       ("shmem_kb", t["shmem_kb"], m["shmem"])]
        flags = t["flags"]
        if not isinstance(flags, list):
            err("%s: flags %r is not an array" % (where, flags))
        else:
            for vf, name in flag_names.items():
                checks.append(("flag " + name, name in flags, vf in p["vmflags"]))
        for what, got, want in checks:
            if got != want:
                err("%s: %s: expected %r, tool says %r" % (where, what, want, got))
    except (KeyError, TypeError, ValueError) as e:
        err("%s: bad JSON object %r: %s" % (where, t, e))

# vmastat status --json against /proc/PID/status and stat
with open(os.path.join(tmp, "status.json")) as f:
    st = json.load(f)
status = {}
with open(os.path.join(tmp, "status")) as f:
    for line in f:
        k, _, v = line.partition(":")
        status[k] = v.strip()
with open("/proc/%d/stat" % pid) as f:
    stat = f.read().rsplit(")", 1)[1].split()
with open("/proc/%d/comm" % pid) as f:
    comm = f.read().rstrip("\n")
def kb(key):
    return int(status[key].split()[0])
def field(n):            # stat field n (1-based); stat[0] is field 3
    return int(stat[n - 3])
try:
    checks = [
        ("pid", st["pid"], pid),
        ("comm", st["comm"], comm),
        ("vmas", st["vmas"], len(proc)),
        ("vsz_kb", st["vsz_kb"], kb("VmSize")),
        ("rss_kb", st["rss_kb"], kb("VmRSS")),
        ("rss_anon_kb", st["rss_anon_kb"], kb("RssAnon")),
        ("rss_file_kb", st["rss_file_kb"], kb("RssFile")),
        ("rss_shmem_kb", st["rss_shmem_kb"], kb("RssShmem")),
        ("swap_kb", st["swap_kb"], kb("VmSwap")),
        ("start_code", num(st["start_code"]), field(26)),
        ("end_code", num(st["end_code"]), field(27)),
        ("start_stack", num(st["start_stack"]), field(28)),
        ("start_data", num(st["start_data"]), field(45)),
        ("end_data", num(st["end_data"]), field(46)),
        ("start_brk", num(st["start_brk"]), field(47)),
    ]
    for k in ("brk", "mmap_base", "task_size"):
        checks.append((k + " is a 0x string", str(st[k]).startswith("0x"), True))
    checks.append(("brk >= start_brk", num(st["brk"]) >= field(47), True))
    for what, got, want in checks:
        if got != want:
            err("status: %s: expected %r, tool says %r" % (what, want, got))
except (KeyError, TypeError, ValueError) as e:
    err("status: bad JSON %r: %s" % (st, e))

if vsyscall:
    print("# [vsyscall] in /proc/%d/maps: not compared" % pid)
print("# %d mappings compared, %d differences" % (len(proc), len(errors)))
sys.exit(1 if errors else 0)
EOF
check "JSON agrees with /proc" "$python" "$tmp/compare.py" "$target" "$tmp" "$dir"

# Exit codes: 2 for a bad PID, 1 for a process that is gone.
exit_code() {
	local want=$1
	shift
	"$tool" "$@" >/dev/null 2>"$tmp/err"
	local rc=$?
	[ $rc = "$want" ] && return 0
	log "vmastat $*: exit $rc, expected $want ($(head -n1 "$tmp/err"))"
	return 1
}
sh -c 'exit 0' &
dead=$!
wait $dead
check "maps abc -> 2" exit_code 2 maps abc
check "status 12abc -> 2" exit_code 2 status 12abc
check "maps -5 -> 2" exit_code 2 maps -5
check "maps (no PID) -> 2" exit_code 2 maps
check "maps exited PID -> 1" exit_code 1 maps "$dead"
check "status exited PID -> 1" exit_code 1 status "$dead"
check "maps exited PID --json -> 1" exit_code 1 maps "$dead" --json

# 'vmastat faults' notes when COW, swap-in and THP count tracked processes
# only (classify_all=N): after the table, or on stderr with --json.
classify_note() {
	local p=/sys/module/vmastat/parameters/classify_all old rc=0
	old=$(cat "$p") || return 1
	if [ "$old" = Y ]; then
		"$tool" faults >"$tmp/out" 2>&1 || { log "vmastat faults failed"; rc=1; }
		if grep -q classify_all "$tmp/out"; then
			log "a classify_all note with classify_all=Y"
			rc=1
		fi
	fi
	echo N >"$p" || return 1
	"$tool" faults >"$tmp/out" 2>&1 || { log "vmastat faults failed"; rc=1; }
	grep -q '^note: classify_all=N' "$tmp/out" || { log "no note after the table"; rc=1; }
	"$tool" faults --json >"$tmp/out" 2>"$tmp/err" || { log "vmastat faults --json failed"; rc=1; }
	grep -q 'classify_all=N' "$tmp/err" || { log "no note on stderr with --json"; rc=1; }
	"$python" -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/out" ||
		{ log "--json output is not JSON"; rc=1; }
	echo "$old" >"$p"
	return $rc
}
check "faults: note while classify_all=N" classify_note

exit $failed
