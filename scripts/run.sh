#!/bin/sh
# make run: start the daemon in the foreground with the built-in rules on
# a local ipc endpoint. Without a daemon binary, scan the examples in-process.
set -eu
build=${1:-build}
if [ -x "$build/catscand" ]; then
	dir=${CATSCAN_RUNTIME_DIR:-${XDG_RUNTIME_DIR:-/tmp}/catscan}
	mkdir -p "$dir"
	echo "catscand: submit ipc://$dir/submit, results ipc://$dir/publish"
	echo "try: $build/catscan scan --connect ipc://$dir/submit examples/*.txt"
	# -c /dev/null: the built-in defaults, not an installed config file.
	# As root, workers drop to nobody (a system install has its own user).
	exec "$build/catscand" -c /dev/null --runtime-dir "$dir" \
		$([ "$(id -u)" -eq 0 ] && echo --user nobody)
fi
"$build/catscan" scan --local examples/* || true
