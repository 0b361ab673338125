#!/bin/sh
# Scaling out: a broker with no local workers, and `catscand --worker
# --connect tcp://...` joining it over CURVE on loopback, as a worker on
# another machine would. A worker whose key is not allowed is refused.
. tests/integration/daemon-lib.inc

mkdir -p "$tmp/keys" "$tmp/workers" "$tmp/clients"
"$cs" keygen "$tmp/keys" broker >/dev/null || failed "keygen broker"
"$cs" keygen "$tmp/keys" worker1 >/dev/null || failed "keygen worker"
"$cs" keygen "$tmp/keys" rogue >/dev/null || failed "keygen rogue"
cp "$tmp/keys/worker1.pub" "$tmp/workers/"

"$csd" -c /dev/null --runtime-dir "$run" --user "$user" --workers 0 \
	--work "tcp://127.0.0.1:*" --curve-secret-key "$tmp/keys/broker.key" \
	--curve-workers "$tmp/workers" --curve-clients "$tmp/clients" \
	2>>"$tmp/daemon.log" &
dpid=$!
answering() { status "$tmp/st.json"; }
wait_for "the broker" answering
work=$(python3 -c 'import json,sys; print([e for e in json.load(open(sys.argv[1]))["endpoints"]["work"] if e.startswith("tcp")][0])' "$tmp/st.json")
case "$work" in tcp://127.0.0.1:*) ;; *) failed "work endpoint $work" ;; esac

"$csd" --worker -c /dev/null --connect "$work" --workers 1 --user "$user" \
	--curve-server-key "$tmp/keys/broker.pub" --curve-key "$tmp/keys/worker1.key" \
	2>>"$tmp/worker.log" &
wk=$!
"$csd" --worker -c /dev/null --connect "$work" --workers 1 --user "$user" \
	--curve-server-key "$tmp/keys/broker.pub" --curve-key "$tmp/keys/rogue.key" \
	2>>"$tmp/rogue.log" &
rogue=$!
bgpids="$wk $rogue"

wait_for "the remote worker" workers_alive_at_least 1
[ "$(jget "$tmp/st.json" workers.list.0.local)" = false ] || failed "worker not remote"
doc_restricted "$tmp/restricted.txt"
"$cs" scan --connect "$submit" --json "$tmp/restricted.txt" >"$tmp/out"
[ $? -eq 1 ] || failed "scan through the remote worker"
[ "$(jget "$tmp/out" verdict)" = restricted ] || failed "remote worker result"

refused() { grep -q "ZAP: workers connection from 127.0.0.1 refused: key not in the allow-list" "$tmp/daemon.log"; }
wait_for "the rogue worker refused" refused
status "$tmp/st.json"
[ "$(jget "$tmp/st.json" workers.alive)" -eq 1 ] || failed "the rogue worker got in"

# SIGTERM to the worker group: the worker says goodbye, the broker forgets it.
kill -TERM "$wk"
wait "$wk"
[ $? -eq 0 ] || failed "worker mode exit status"
gone() { status "$tmp/st.json" && [ "$(jget "$tmp/st.json" workers.alive)" -eq 0 ]; }
wait_for "the worker gone" gone
finish
