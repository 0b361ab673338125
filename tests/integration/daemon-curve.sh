#!/bin/sh
# tcp endpoints are CURVE-only: a client whose public key is in the
# allow-list gets in, any other is refused with a clear error, and the
# daemon will not open a tcp endpoint without its own key.
. tests/integration/daemon-lib.inc

mkdir -p "$tmp/keys" "$tmp/clients"
for k in broker alice mallory; do
	"$cs" keygen "$tmp/keys" "$k" >/dev/null || failed "keygen $k"
done
cp "$tmp/keys/alice.pub" "$tmp/clients/"
[ "$(stat -c %a "$tmp/keys/alice.key")" = 600 ] || failed "secret key not 0600"
"$cs" keygen "$tmp/keys" alice >/dev/null 2>&1 && failed "keygen overwrote a key"

"$csd" -c /dev/null --runtime-dir "$run" --submit "tcp://127.0.0.1:*" 2>"$tmp/err"
[ $? -ne 0 ] || failed "a tcp endpoint without curve_secret_key was accepted"
grep -q "curve_secret_key" "$tmp/err" || failed "no clear error for a keyless tcp endpoint"

start_daemon --workers 1 --submit "ipc://$run/submit,tcp://127.0.0.1:*" \
	--curve-secret-key "$tmp/keys/broker.key" --curve-clients "$tmp/clients"
tcp=$(python3 -c 'import json,sys; print([e for e in json.load(open(sys.argv[1]))["endpoints"]["submit"] if e.startswith("tcp")][0])' "$tmp/st.json")
doc_restricted "$tmp/restricted.txt"

CATSCAN_SERVER_KEY="$tmp/keys/broker.pub" CATSCAN_KEY="$tmp/keys/alice.key" \
	"$cs" scan --connect "$tcp" --json "$tmp/restricted.txt" >"$tmp/out"
[ $? -eq 1 ] || failed "allowed client: scan failed"
[ "$(jget "$tmp/out" verdict)" = restricted ] || failed "allowed client: result"
"$cs" status --connect "$tcp" --server-key "$tmp/keys/broker.pub" \
	--key "$tmp/keys/alice.key" >/dev/null || failed "allowed client: status"

CATSCAN_SERVER_KEY="$tmp/keys/broker.pub" CATSCAN_KEY="$tmp/keys/mallory.key" \
	"$cs" scan --connect "$tcp" "$tmp/restricted.txt" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || failed "refused client: exit status"
grep -q "refused the connection: our CURVE key is not in its allow-list" "$tmp/err" ||
	failed "refused client: error was: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && failed "refused client got a result"
grep -q "ZAP: clients connection from 127.0.0.1 refused" "$tmp/daemon.log" ||
	failed "no log line for the refused client"

"$cs" scan --connect "$tcp" "$tmp/restricted.txt" 2>"$tmp/err"
[ $? -eq 2 ] || failed "no keys: exit status"
grep -q "needs CURVE keys" "$tmp/err" || failed "no keys: error was: $(cat "$tmp/err")"
finish
