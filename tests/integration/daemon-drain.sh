#!/bin/sh
# SIGTERM drains: new work is refused with `shutting-down`, the job in
# flight still gets its result, and the daemon exits 0.
. tests/integration/daemon-lib.inc

start_daemon --workers 1
doc_restricted "$tmp/restricted.txt"

# Hold the only worker still, so a job is certainly in flight at SIGTERM.
wpid=$(worker_pids)
kill -STOP "$wpid"
"$cs" scan --connect "$submit" --json "$tmp/restricted.txt" >"$tmp/inflight.out" 2>&1 &
scan=$!
bgpids="$scan $wpid"
wait_for "the job in the worker's hands" busy_workers_at_least 1

kill -TERM "$dpid"
draining() { status "$tmp/st.json" && [ "$(jget "$tmp/st.json" draining)" = true ]; }
wait_for "the daemon draining" draining
"$cs" scan --connect "$submit" "$tmp/restricted.txt" >/dev/null 2>"$tmp/late.err"
[ $? -eq 2 ] || failed "a scan during the drain was not refused"
grep -q "shutting-down" "$tmp/late.err" || failed "refusal does not say shutting-down: $(cat "$tmp/late.err")"

kill -CONT "$wpid"
wait "$scan"
[ $? -eq 1 ] || failed "the job in flight did not get its result: $(cat "$tmp/inflight.out")"
[ "$(jget "$tmp/inflight.out" verdict)" = restricted ] || failed "job in flight: wrong result"

wait "$dpid"
rc=$?
dpid=""
[ "$rc" -eq 0 ] || failed "daemon exit status $rc after SIGTERM"
grep -q "stopped: 1 jobs done" "$tmp/daemon.log" || failed "no stop line in the log"
kill -0 "$wpid" 2>/dev/null && failed "the worker outlived the daemon"
finish
