#!/bin/sh
# catscand end to end: scans over the socket give the same output and exit
# codes as --local, STATUS reports the daemon, and protocol mistakes get an
# error reply (never a crash).
. tests/integration/daemon-lib.inc

start_daemon --workers 2 --max-message 4K

doc_clear "$tmp/clear.txt"
doc_restricted "$tmp/restricted.txt"
doc_prohibited "$tmp/prohibited.txt"

# Same output and exit status as a local scan, file by file and together.
for f in clear restricted prohibited; do
	"$cs" scan --connect "$submit" --json "$tmp/$f.txt" >"$tmp/remote.out"
	r=$?
	"$cs" scan --local --json "$tmp/$f.txt" >"$tmp/local.out"
	l=$?
	[ "$r" -eq "$l" ] || failed "$f: remote exit $r, local exit $l"
	# the same but for the moment of the scan
	for o in remote local; do
		sed 's/"scanned_at":"[^"]*"//' "$tmp/$o.out" >"$tmp/$o.cmp"
	done
	cmp -s "$tmp/remote.cmp" "$tmp/local.cmp" ||
		failed "$f: remote output differs from local"
	[ "$(jget "$tmp/remote.out" verdict)" = "$f" ] ||
		failed "$f: verdict $(jget "$tmp/remote.out" verdict)"
done
"$cs" scan --connect "$submit" "$tmp/clear.txt" "$tmp/prohibited.txt" \
	"$tmp/restricted.txt" >"$tmp/remote.txt"
r=$?
"$cs" scan --local "$tmp/clear.txt" "$tmp/prohibited.txt" \
	"$tmp/restricted.txt" >"$tmp/local.txt"
[ "$r" -eq 1 ] || failed "three files: exit $r, expected 1"
cmp -s "$tmp/remote.txt" "$tmp/local.txt" || failed "text output differs from local"

# --as-of is passed through.
"$cs" scan --connect "$submit" --json --as-of 2021-06-01 "$tmp/clear.txt" >"$tmp/asof.out"
[ "$(jget "$tmp/asof.out" catalogue.as_of)" = 2021-06-01 ] || failed "as_of not applied"

# A file over the daemon's message limit is refused by the client, clearly.
head -c 5000 /dev/zero | tr '\0' 'a' >"$tmp/big.txt"
"$cs" scan --connect "$submit" "$tmp/big.txt" 2>"$tmp/err"
[ $? -eq 2 ] || failed "oversized file: exit not 2"
grep -q "message limit" "$tmp/err" || failed "oversized file: no clear error"

# No daemon there: an error naming the endpoint, never a local scan.
"$cs" scan --connect "ipc://$tmp/nothing" "$tmp/clear.txt" 2>"$tmp/err" >"$tmp/out"
[ $? -eq 2 ] || failed "no daemon: exit not 2"
grep -q "ipc://$tmp/nothing" "$tmp/err" || failed "no daemon: endpoint not named"
[ -s "$tmp/out" ] && failed "no daemon: printed a result"

# STATUS, as JSON and as text.
status "$tmp/st.json" || failed "no STATUS answer"
[ "$(jget "$tmp/st.json" workers.alive)" -eq 2 ] || failed "STATUS: workers.alive"
[ "$(jget "$tmp/st.json" rules.label)" = built-in ] || failed "STATUS: rules.label"
[ -n "$(jget "$tmp/st.json" rules.hash)" ] || failed "STATUS: rules.hash"
[ "$(jget "$tmp/st.json" jobs.done)" -ge 7 ] || failed "STATUS: jobs.done"
[ "$(jget "$tmp/st.json" queue.depth)" -eq 0 ] || failed "STATUS: queue.depth"
[ "$(jget "$tmp/st.json" rules.coverage.items_in_edition)" -eq 132 ] ||
	failed "STATUS: rules.coverage.items_in_edition"
[ "$(jget "$tmp/st.json" rules.coverage.items_with_rules)" -gt 0 ] ||
	failed "STATUS: rules.coverage.items_with_rules"
"$cs" status --connect "$submit" >"$tmp/st.txt" || failed "status text"
grep -q "^workers:  2 alive" "$tmp/st.txt" || failed "status text: workers line"
grep -q "^coverage: rules for [0-9]* of the 132 items" "$tmp/st.txt" ||
	failed "status text: coverage line"

# The raw protocol: every mistake is answered with an ERROR and its code.
expect_reply() { # description, expected substring, frames...
	d=$1 want=$2
	shift 2
	"$raw" "$submit" -t 10 "$@" >"$tmp/raw.out" 2>&1 || failed "$d: no reply"
	grep -q -- "$want" "$tmp/raw.out" || { failed "$d: got $(cat "$tmp/raw.out")"; }
}
expect_reply "PING" "| PONG |" "" CATSCAN/1 PING "{}"
expect_reply "PING without delimiter" "CATSCAN/1 | PONG" CATSCAN/1 PING
expect_reply "old version" '"code":"unsupported-version"' "" CATSCAN/0 PING "{}"
expect_reply "unknown command" '"code":"unknown-command"' "" CATSCAN/1 FROB "{}"
expect_reply "bad JSON" '"code":"malformed"' "" CATSCAN/1 SCAN '{"id":' "x"
expect_reply "meta not an object" '"code":"malformed"' "" CATSCAN/1 SCAN '[1]' "x"
expect_reply "missing document" '"code":"malformed"' "" CATSCAN/1 SCAN '{"id":"a"}'
expect_reply "extra frame" '"code":"malformed"' "" CATSCAN/1 SCAN '{}' x y
expect_reply "bad date" '"code":"invalid"' "" CATSCAN/1 SCAN '{"as_of":"2025-02-30"}' x
expect_reply "too large" '"code":"too-large"' "" CATSCAN/1 SCAN '{"id":"big"}' "@$tmp/big.txt"
expect_reply "id kept in errors" '"id":"big"' "" CATSCAN/1 SCAN '{"id":"big"}' "@$tmp/big.txt"
# A file name is a display string only, whatever it says.
expect_reply "path-like name" '"file":"../../etc/passwd' "" CATSCAN/1 SCAN \
	'{"id":"n","name":"../../etc/passwd\n<3>forged"}' "@$tmp/clear.txt"
grep -q '^<3>forged' "$tmp/daemon.log" && failed "a client name forged a log line"
grep -q 'rejected a request' "$tmp/daemon.log" || failed "no log line for a bad request"

status "$tmp/st.json" || failed "daemon died after bad requests"
[ "$(jget "$tmp/st.json" jobs.errors)" -ge 9 ] || failed "errors not counted"
kill -0 "$dpid" || failed "daemon is gone"
finish
