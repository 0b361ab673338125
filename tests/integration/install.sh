#!/bin/sh
# make install with PREFIX and DESTDIR puts every file where the unit and
# the docs say, with the installed binary's path in the unit.
set -u
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s --no-print-directory install BUILD="$build" DESTDIR="$tmp" PREFIX=/usr >/dev/null || exit 1
fail=0
for f in usr/bin/catscan usr/bin/catscand etc/catscan/catscand.conf \
	usr/lib/systemd/system/catscand.service usr/lib/sysusers.d/catscan.conf \
	usr/lib/tmpfiles.d/catscan.conf usr/share/man/man1/catscan.1 \
	usr/share/man/man8/catscand.8 usr/share/catscan/rules/00-pack.rules; do
	[ -f "$tmp/$f" ] || { echo "FAIL: $f not installed"; fail=1; }
done
grep -q '^ExecStart=/usr/bin/catscand ' "$tmp/usr/lib/systemd/system/catscand.service" ||
	{ echo "FAIL: unit does not run the installed binary"; fail=1; }
# An existing config file is kept.
echo "# local" >"$tmp/etc/catscan/catscand.conf"
make -s --no-print-directory install BUILD="$build" DESTDIR="$tmp" PREFIX=/usr >/dev/null || exit 1
grep -q "^# local" "$tmp/etc/catscan/catscand.conf" || { echo "FAIL: config overwritten"; fail=1; }
# The installed rules are the built-in pack.
"$tmp/usr/bin/catscan" rules check "$tmp/usr/share/catscan/rules" >/dev/null ||
	{ echo "FAIL: installed rules do not check"; fail=1; }
[ "$fail" -eq 0 ] && echo "install: ok"
exit "$fail"
