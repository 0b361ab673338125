#!/bin/sh
# A poison document, one that kills every worker that touches it, is tried
# on a second worker and then answered `unscannable: worker failed`: it
# never loops, never takes the daemon down, and the workers are replaced.
#
# The poison is a test build's hook (-DCD_TEST_HOOKS: a document starting
# with $CATSCAN_TEST_CRASH_PREFIX makes the worker abort()), standing in for
# a document that crashes a parser. Release builds have no such hook; the
# end of this test checks that.
. tests/integration/daemon-lib.inc

hooks="$build/testhooks"
make -s BUILD="$hooks" CFLAGS="-O1 -g -DCD_TEST_HOOKS" "$hooks/catscand" \
	>"$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; exit 1; }
release_csd=$csd
csd="$hooks/catscand"
export CATSCAN_TEST_CRASH_PREFIX=CATSCAN-TEST-POISON
printf 'CATSCAN-TEST-POISON: this document kills its worker\n' >"$tmp/poison.txt"
doc_restricted "$tmp/restricted.txt"

start_daemon --workers 2
"$cs" scan --connect "$submit" --json "$tmp/poison.txt" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || failed "poison: exit status not 2"
[ "$(jget "$tmp/out" verdict)" = unscannable ] || failed "poison: verdict $(cat "$tmp/out")"
[ "$(jget "$tmp/out" reason)" = "worker failed" ] || failed "poison: reason"
[ "$(wc -l <"$tmp/out")" -eq 1 ] || failed "poison: answered more than once"
grep -q "giving up after 2 attempts" "$tmp/daemon.log" || failed "no give-up log line"

restored() {
	status "$tmp/st.json" && [ "$(jget "$tmp/st.json" workers.alive)" -eq 2 ] &&
		[ "$(jget "$tmp/st.json" workers.restarts)" -ge 2 ]
}
wait_for "both killed workers replaced" restored
[ "$(jget "$tmp/st.json" jobs.failed)" -eq 1 ] || failed "failed count"
[ "$(jget "$tmp/st.json" jobs.retried)" -eq 1 ] || failed "retried count"
"$cs" scan --connect "$submit" "$tmp/restricted.txt" >/dev/null
[ $? -eq 1 ] || failed "a normal scan after the poison"

# The release build has no hook: the same document is just a document.
kill -TERM "$dpid"
wait "$dpid"
dpid=""
csd=$release_csd
start_daemon --workers 1
"$cs" scan --connect "$submit" --json "$tmp/poison.txt" >"$tmp/out"
[ "$(jget "$tmp/out" verdict)" = clear ] || failed "release build: the test hook is compiled in"
finish
