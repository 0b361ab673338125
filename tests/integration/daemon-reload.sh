#!/bin/sh
# SIGHUP reloads the rule pack: a good pack replaces the old one in the
# broker and in every worker; a bad one is refused, logged, and the old
# one stays in service.
. tests/integration/daemon-lib.inc

mkdir "$tmp/pack"
cp rules/catalogue/*.rules "$tmp/pack/"
start_daemon --workers 2 --rules "$tmp/pack"
doc_restricted "$tmp/restricted.txt"

status "$tmp/st.json"
old=$(jget "$tmp/st.json" rules.hash)
[ "$(jget "$tmp/st.json" rules.label)" = "$tmp/pack" ] || failed "label is not the pack path"

# A good change: the hash covers the sources, so a comment changes it.
echo "# reviewed again" >>"$tmp/pack/50-information.rules"
kill -HUP "$dpid"
reloaded() {
	status "$tmp/st.json" && [ "$(jget "$tmp/st.json" jobs.reloads)" -ge 1 ]
}
wait_for "the good pack reloaded" reloaded
new=$(jget "$tmp/st.json" rules.hash)
[ "$new" != "$old" ] || failed "hash unchanged after a good reload"
workers_on_new() {
	status "$tmp/st.json" && python3 - "$tmp/st.json" "$new" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
ws = s["workers"]["list"]
sys.exit(0 if len(ws) == 2 and all(w["rules"] == sys.argv[2] for w in ws) else 1)
PY
}
wait_for "both workers on the new rules" workers_on_new
"$cs" scan --connect "$submit" --json "$tmp/restricted.txt" >"$tmp/out"
[ "$(jget "$tmp/out" catalogue.pack_hash)" = "$new" ] || failed "scan not on the new rules"

# A bad change: refused, logged, the old (good) pack stays.
printf 'item 999999X\n  this is not the rule language\n' >"$tmp/pack/99-broken.rules"
kill -HUP "$dpid"
refused() {
	status "$tmp/st.json" && [ "$(jget "$tmp/st.json" jobs.reload_errors)" -ge 1 ]
}
wait_for "the bad pack refused" refused
[ "$(jget "$tmp/st.json" rules.hash)" = "$new" ] || failed "hash changed after a bad reload"
grep -q "reload failed, keeping the old rules" "$tmp/daemon.log" || failed "no log line for the bad pack"
grep -q "99-broken.rules" "$tmp/daemon.log" || failed "the log does not name the bad file"
"$cs" scan --connect "$submit" --json "$tmp/restricted.txt" >"$tmp/out"
[ $? -eq 1 ] || failed "scan after a bad reload"
[ "$(jget "$tmp/out" catalogue.pack_hash)" = "$new" ] || failed "scan not on the kept rules"
status "$tmp/st.json"
[ "$(jget "$tmp/st.json" workers.alive)" -eq 2 ] || failed "workers lost in the bad reload"
finish
