#!/bin/sh
# Runs every fuzz target for SECONDS each, seeded with the project's own
# fixtures; exits non-zero on the first crash, leak or UB report.
set -u
dir=${1:-build/fuzz}
seconds=${2:-60}
mkdir -p "$dir/crashes"
status=0
for f in "$dir"/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	corpus="$dir/corpus/$name"
	mkdir -p "$corpus"
	case "$name" in
	fuzz_rules) cp rules/catalogue/*.rules "$corpus/" ;;
	fuzz_scan) cp tests/fixtures/text/*.txt examples/*.txt "$corpus/" 2>/dev/null
		[ -d build/fixtures-formats ] && find build/fixtures-formats -type f -size -256k \
			-exec cp {} "$corpus/" \; ;;
	*) cp tests/fixtures/text/*.txt "$corpus/" ;;
	esac
	echo "== $name, $seconds s"
	if ! "$f" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
		-artifact_prefix="$dir/crashes/$name-" "$corpus" 2>"$dir/$name.log"; then
		tail -40 "$dir/$name.log"
		status=1
	else
		tail -1 "$dir/$name.log"
	fi
done
exit $status
