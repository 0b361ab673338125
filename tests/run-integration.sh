#!/bin/sh
# Runs every tests/integration/*.sh with the build directory as $1.
# Each script exits 0 when it passes.
build=${1:-build}
passed=0
failed=0
for t in tests/integration/*.sh; do
	[ -f "$t" ] || continue
	echo "--- $t"
	if sh "$t" "$build"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAILED: $t"
	fi
done
echo "integration: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
