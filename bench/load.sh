#!/bin/sh
# The catscand load test: 8 concurrent clients submit 10,000 small
# documents to a real daemon on ipc sockets. Every job must be answered
# exactly once with the right verdict; prints throughput, p50/p99 latency
# and the daemon's peak memory (broker and workers, VmHWM).
#
#   sh bench/load.sh BUILD [JOBS [CLIENTS [WINDOW]]]
# CATSCAND_FLAGS adds flags to the daemon (e.g. "--queue-max 8" to see busy
# answers and resubmission under load).
set -u
build=${1:-build}
jobs=${2:-10000}
clients=${3:-8}
window=${4:-16}
tmp=$(mktemp -d)
chmod 755 "$tmp"
dpid=""
cleanup() {
	[ -n "$dpid" ] && kill -KILL "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
if [ "$(id -u)" -eq 0 ]; then user=nobody; else user=""; fi

loadgen="$build/bench/loadgen" # made by `make bench`
if [ ! -x "$loadgen" ]; then
	loadgen="$tmp/loadgen"
	cc -std=c11 -D_GNU_SOURCE -O2 -o "$loadgen" bench/loadgen.c -pthread \
		$(pkg-config --cflags --libs libzmq jansson) || exit 1
fi

"$build/catscand" -c /dev/null --runtime-dir "$tmp/run" --user "$user" \
	--log-level 5 ${CATSCAND_FLAGS:-} 2>"$tmp/daemon.log" &
dpid=$!
i=0
until "$build/catscan" status --connect "ipc://$tmp/run/submit" --json \
	--timeout 2 >"$tmp/st.json" 2>/dev/null &&
	python3 -c 'import json,sys,os; s=json.load(open(sys.argv[1])); sys.exit(0 if s["workers"]["alive"] >= os.cpu_count() else 1)' "$tmp/st.json"; do
	i=$((i + 1))
	[ $i -lt 300 ] || { echo "load: the daemon did not start"; cat "$tmp/daemon.log"; exit 1; }
	sleep 0.2
done
workers=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["workers"]["alive"])' "$tmp/st.json")
echo "load: catscand with $workers workers on $(nproc) cores"

"$loadgen" "ipc://$tmp/run/submit" "$jobs" "$clients" "$window"
rc=$?

hwm() { awk '/VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
broker_kb=$(hwm "$dpid")
workers_kb=0
max_worker_kb=0
for p in $(pgrep -P "$dpid"); do
	k=$(hwm "$p")
	[ -n "$k" ] || continue
	workers_kb=$((workers_kb + k))
	[ "$k" -gt "$max_worker_kb" ] && max_worker_kb=$k
done
echo "load: peak memory: broker $((broker_kb / 1024)) MiB, workers $((workers_kb / 1024)) MiB in all (largest $((max_worker_kb / 1024)) MiB), daemon $(((broker_kb + workers_kb) / 1024)) MiB"

"$build/catscan" status --connect "ipc://$tmp/run/submit" --json >"$tmp/st.json"
python3 - "$tmp/st.json" "$jobs" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
j = s["jobs"]
print("load: daemon counted %d accepted, %d done, %d failed, %d busy answers"
      % (j["accepted"], j["done"], j["failed"], j["busy"]))
sys.exit(0 if j["accepted"] == j["done"] and j["failed"] == 0 else 1)
PY
[ $? -eq 0 ] || rc=1

kill -TERM "$dpid"
wait "$dpid"
drc=$?
dpid=""
[ "$drc" -eq 0 ] || { echo "load: daemon exit status $drc"; rc=1; }
[ "$rc" -eq 0 ] && echo "load: passed" || echo "load: FAILED"
exit "$rc"
