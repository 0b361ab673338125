#!/bin/sh
# A job in flight when SIGHUP arrives finishes on the rules it started with;
# the next job runs on the new ones. The in-flight job is an OCR scan of a
# two-page TIFF (about a second in a worker), so the reload is sent while
# STATUS shows the one worker busy with it.
. tests/integration/daemon-lib.inc

scans=${CATSCAN_FIXTURES:-$build/fixtures}
if [ ! -f "$scans/scans.stamp" ] || [ tests/make-scans.sh -nt "$scans/scans.stamp" ]; then
	sh tests/make-scans.sh "$scans" >/dev/null || exit 1
	touch "$scans/scans.stamp"
fi

mkdir "$tmp/pack"
cp rules/catalogue/*.rules "$tmp/pack/"
start_daemon --workers 1 --rules "$tmp/pack"
status "$tmp/st.json"
old=$(jget "$tmp/st.json" rules.hash)

"$cs" scan --connect "$submit" --json "$scans/pages.tif" >"$tmp/slow.json" &
scan_pid=$!
bgpids="$bgpids $scan_pid"
busy() {
	status "$tmp/st.json" && [ "$(jget "$tmp/st.json" workers.busy)" -ge 1 ]
}
wait_for "the worker busy with the scan" busy

echo "# reviewed again" >>"$tmp/pack/50-information.rules"
kill -HUP "$dpid"
wait "$scan_pid"
[ $? -eq 1 ] || failed "the in-flight scan did not flag its document"
[ "$(jget "$tmp/slow.json" catalogue.pack_hash)" = "$old" ] ||
	failed "the in-flight job did not finish on the rules it started with"

reloaded() {
	status "$tmp/st.json" && [ "$(jget "$tmp/st.json" jobs.reloads)" -ge 1 ] &&
		[ "$(jget "$tmp/st.json" workers.list.0.rules)" != "$old" ]
}
wait_for "the worker on the new rules" reloaded
new=$(jget "$tmp/st.json" rules.hash)
[ "$new" != "$old" ] || failed "hash unchanged after the reload"
doc_restricted "$tmp/next.txt"
"$cs" scan --connect "$submit" --json "$tmp/next.txt" >"$tmp/next.json"
[ "$(jget "$tmp/next.json" catalogue.pack_hash)" = "$new" ] ||
	failed "the next job is not on the new rules"
finish
