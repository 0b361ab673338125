#!/bin/sh
# Scans every text fixture with `catscan scan --local --json` and compares
# the verdict and the items with tests/fixtures/text/expected.tsv; checks
# the exit code contract (0 clear, 1 flagged, 2 unscannable or error).
set -u
build=${1:-build}
dir=tests/fixtures/text
bad=0
n=0
tab=$(printf '\t')
while IFS="$tab" read -r file verdict items; do
	case "$file" in ''|'#'*|file) continue ;; esac
	n=$((n + 1))
	out=$("$build/catscan" scan --local --json "$dir/$file")
	code=$?
	got=$(printf '%s\n' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["verdict"])')
	if [ "$got" != "$verdict" ]; then
		echo "$file: verdict $got, expected $verdict"
		bad=$((bad + 1))
		continue
	fi
	case "$verdict" in
	clear) want=0 ;;
	unscannable) want=2 ;;
	*) want=1 ;;
	esac
	if [ "$code" -ne "$want" ]; then
		echo "$file: exit $code, expected $want"
		bad=$((bad + 1))
	fi
	[ "$items" = "-" ] && continue
	for item in $(echo "$items" | tr ',' ' '); do
		if ! printf '%s\n' "$out" | python3 -c '
import json, sys
hits = json.load(sys.stdin)["hits"]
sys.exit(0 if any(h["item"] == sys.argv[1] for h in hits) else 1)' "$item"; then
			echo "$file: no hit on $item"
			bad=$((bad + 1))
		fi
	done
done < "$dir/expected.tsv"
echo "text fixtures: $((n - bad)) of $n as expected"
[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
