#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every teaching lab (tools/labs/labN) checks the claims it teaches against
# the running kernel; here each runs quietly and its TAP lines count as
# this test's results.  Skips when the labs are not built (outside the
# vmastat tree).
top=$(cd "$(dirname "$0")/../.." && pwd)
labs=$(ls "$top"/tools/labs/lab[0-9] 2>/dev/null)
if [ -z "$labs" ]; then
	echo "1..0 # SKIP the labs are not built (make -C tools/labs)"
	exit 4
fi
echo "TAP version 13"
n=0
fail=0
for lab in $labs; do
	name=${lab##*/}
	out=$("$lab" --quiet 2>&1)
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*)
			n=$((n + 1))
			res=${line%% [0-9]*}
			echo "$res $n ${line#* [0-9]* - }"
			[ "$res" = ok ] || fail=$((fail + 1))
			;;
		*"# SKIP"*)
			n=$((n + 1))
			echo "ok $n $name # SKIP ${line#*# SKIP }"
			;;
		"1.."*) ;;
		*) echo "# $name: $line" ;;
		esac
	done <<<"$out"
	if [ $rc != 0 ] && [ $rc != 4 ] && [ $fail = 0 ]; then
		n=$((n + 1))
		fail=$((fail + 1))
		echo "not ok $n $name exited with status $rc"
	fi
done
echo "1..$n"
[ $fail = 0 ]
