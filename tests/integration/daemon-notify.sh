#!/bin/sh
# What systemd sees (sd_notify(3)): READY once the sockets are up, STATUS
# lines, watchdog pings when WatchdogSec asks for them, RELOADING/READY
# around a SIGHUP and STOPPING on SIGTERM. A Python datagram socket stands
# in for systemd's NOTIFY_SOCKET.
. tests/integration/daemon-lib.inc

python3 - "$tmp/notify" "$tmp/notes" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)  # the daemon writes to it after dropping root
s.settimeout(120)
with open(sys.argv[2], "a", buffering=1) as out:
    try:
        while True:
            for line in s.recv(4096).decode().splitlines():
                out.write(line + "\n")
                if line == "STOPPING=1":
                    raise SystemExit
    except socket.timeout:
        pass
PY
listener=$!
bgpids="$listener"
listening() { [ -S "$tmp/notify" ]; }
wait_for "the notify socket" listening

NOTIFY_SOCKET="$tmp/notify" WATCHDOG_USEC=400000 start_daemon --workers 1
noted() { grep -qx "$1" "$tmp/notes" 2>/dev/null; }
wait_for "READY=1" noted READY=1
wait_for "a watchdog ping" noted WATCHDOG=1
status_line() { grep -q "^STATUS=1 workers (0 busy), 0 queued" "$tmp/notes"; }
wait_for "a STATUS line" status_line
kill -HUP "$dpid"
wait_for "RELOADING=1" noted RELOADING=1
ready_twice() { [ "$(grep -cx READY=1 "$tmp/notes")" -ge 2 ]; }
wait_for "READY=1 after the reload" ready_twice
kill -TERM "$dpid"
wait_for "STOPPING=1" noted STOPPING=1
wait "$dpid"
[ $? -eq 0 ] || failed "exit status after SIGTERM"
dpid=""
finish
