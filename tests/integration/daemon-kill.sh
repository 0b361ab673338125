#!/bin/sh
# A worker killed with SIGKILL in the middle of a job does not lose it: the
# broker retries it on another worker, answers once, and starts a new
# worker in the dead one's place.
. tests/integration/daemon-lib.inc

start_daemon --workers 2
doc_restricted "$tmp/restricted.txt"

pids=$(worker_pids)
for p in $pids; do kill -STOP "$p"; done
"$cs" scan --connect "$submit" --json "$tmp/restricted.txt" >"$tmp/out" 2>&1 &
scan=$!
bgpids="$scan $pids"
wait_for "the job in a worker's hands" busy_workers_at_least 1
victim=$(busy_pid)
kill -KILL "$victim"
for p in $pids; do [ "$p" = "$victim" ] || kill -CONT "$p"; done

wait "$scan"
[ $? -eq 1 ] || failed "the job was not answered with its result: $(cat "$tmp/out")"
[ "$(jget "$tmp/out" verdict)" = restricted ] || failed "wrong result after the retry"
[ "$(wc -l <"$tmp/out")" -eq 1 ] || failed "answered more than once"

replaced() {
	status "$tmp/st.json" && [ "$(jget "$tmp/st.json" workers.alive)" -eq 2 ] &&
		[ "$(jget "$tmp/st.json" workers.restarts)" -ge 1 ]
}
wait_for "a new worker in the dead one's place" replaced
[ "$(jget "$tmp/st.json" jobs.retried)" -eq 1 ] || failed "retried count"
[ "$(jget "$tmp/st.json" jobs.done)" -eq 1 ] || failed "done count"
[ "$(jget "$tmp/st.json" jobs.failed)" -eq 0 ] || failed "failed count"
grep -q "died (signal 9)" "$tmp/daemon.log" || failed "no log line for the death"
"$cs" scan --connect "$submit" "$tmp/restricted.txt" >/dev/null
[ $? -eq 1 ] || failed "scan after the restart"
finish
