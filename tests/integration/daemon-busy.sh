#!/bin/sh
# Backpressure: past the bounded queue, a submitter gets an explicit `busy`
# answer, and every accepted job is still answered exactly once.
. tests/integration/daemon-lib.inc

start_daemon --workers 1 --queue-max 1
doc_restricted "$tmp/restricted.txt"

wpid=$(worker_pids)
kill -STOP "$wpid"
bgpids="$wpid"
# Three at once: one goes to the (stopped) worker, one waits in the queue,
# the third finds the queue full.
"$raw" "$submit" -n 3 -t 60 "" CATSCAN/1 SCAN '{"id":"j"}' "@$tmp/restricted.txt" \
	>"$tmp/replies" &
r=$!
bgpids="$wpid $r"
busy_seen() { [ -s "$tmp/replies" ]; }
wait_for "the busy answer" busy_seen
head -1 "$tmp/replies" | grep -q '| ERROR | .*"code":"busy"' ||
	failed "first answer is not busy: $(head -1 "$tmp/replies")"
kill -CONT "$wpid"
wait "$r" || failed "not every submission was answered"
[ "$(grep -c '| RESULT |' "$tmp/replies")" -eq 2 ] || failed "expected two results"
[ "$(wc -l <"$tmp/replies")" -eq 3 ] || failed "expected exactly three answers"
status "$tmp/st.json"
[ "$(jget "$tmp/st.json" jobs.busy)" -eq 1 ] || failed "busy count"
[ "$(jget "$tmp/st.json" jobs.accepted)" -eq 2 ] || failed "accepted count"
[ "$(jget "$tmp/st.json" jobs.done)" -eq 2 ] || failed "done count"
finish
