#!/bin/sh
# Flagged results reach subscribers as they happen, filtered by verdict and
# by item through the topic scheme of docs/PROTOCOL.md.
. tests/integration/daemon-lib.inc

start_daemon --workers 1
doc_clear "$tmp/clear.txt"
doc_restricted "$tmp/restricted.txt"
doc_prohibited "$tmp/prohibited.txt"

"$cs" watch --connect "$publish" --json --count 2 >"$tmp/all.out" &
w_all=$!
"$cs" watch --connect "$publish" --json --verdict restricted --count 1 >"$tmp/restricted.out" &
w_res=$!
"$cs" watch --connect "$publish" --json --item 203912X --count 1 >"$tmp/item.out" &
w_item=$!
bgpids="$w_all $w_res $w_item"

# XPUB tells the broker of each distinct subscription: wait for all three
# ("verdict ", "verdict restricted", "item 203912X ") before publishing.
subscribed() {
	status "$tmp/st.json" && [ "$(jget "$tmp/st.json" subscriptions)" -ge 3 ]
}
wait_for "three subscriptions" subscribed

# clear is not published by default; the other two are, in this order.
"$cs" scan --connect "$submit" "$tmp/clear.txt" >/dev/null
"$cs" scan --connect "$submit" "$tmp/prohibited.txt" >/dev/null
"$cs" scan --connect "$submit" "$tmp/restricted.txt" >/dev/null

for p in $w_all $w_res $w_item; do
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
done

verdicts() { python3 -c 'import json,sys; print(" ".join(json.loads(l)["verdict"] for l in open(sys.argv[1])))' "$1"; }
[ "$(verdicts "$tmp/all.out")" = "prohibited restricted" ] ||
	failed "all flagged: got '$(verdicts "$tmp/all.out")'"
[ "$(verdicts "$tmp/restricted.out")" = "restricted" ] ||
	failed "--verdict restricted: got '$(verdicts "$tmp/restricted.out")'"
[ "$(verdicts "$tmp/item.out")" = "restricted" ] ||
	failed "--item 203912X: got '$(verdicts "$tmp/item.out")'"
grep -q '"item":"203912X"' "$tmp/item.out" || failed "--item: wrong result"
finish
