#!/bin/sh
# Runs each cmocka test binary given; fails when any fails. cmocka prints
# its own summary per binary; the last line here is the total.
passed=0
failed=0
for t in "$@"; do
	if "$t"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAILED: $t"
	fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
