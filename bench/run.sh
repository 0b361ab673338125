#!/bin/sh
# make bench: every benchmark, each beside the tool a user would otherwise
# use on the same input, in the same run.
set -eu
build=${1:-build}
mb=${CATSCAN_BENCH_MB:-256}
work=$build/bench-data
mkdir -p "$work"
text=$work/mixed-$mb.txt
[ -f "$text" ] || python3 bench/gentext.py "$text" "$mb"
"$build/catscan" rules phrases >"$work/phrases.txt"
echo "== classification: $(wc -l <"$work/phrases.txt") phrases, $mb MiB mixed zh/en text"
"$build/bench/classify" "$text" | tee "$work/classify.out"

seconds() { # command... -> wall seconds
	# Not /dev/null: GNU grep notices it and stops at the first match.
	start=$(date +%s.%N)
	"$@" >"$work/tool.out" 2>&1 || true
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}
cl=$(sed -n 's/^classifier: .* = \([0-9.]*\) MB\/s.*/\1/p' "$work/classify.out")
LC_ALL=C
export LC_ALL
for tool in grep rg; do
	if ! command -v $tool >/dev/null; then
		echo "$tool: not installed"
		continue
	fi
	if [ $tool = grep ]; then
		t=$(seconds grep -c -F -i -f "$work/phrases.txt" "$text")
	else
		t=$(seconds rg -c -F -i -f "$work/phrases.txt" "$text")
	fi
	awk -v tool="$tool" -v mb="$mb" -v t="$t" -v cl="$cl" 'BEGIN {
		printf "%s -F -i -f (C locale): %.1f MB/s; catscan classifier is %.2fx its speed\n",
			tool, mb / t, cl / (mb / t) }'
done

for b in bench/*.sh; do
	[ "$b" = bench/run.sh ] && continue
	echo "== $b"
	sh "$b" "$build"
done
