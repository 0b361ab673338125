/*
 * notify.h: telling systemd how the daemon is (sd_notify(3)): READY,
 * RELOADING, STOPPING, a STATUS line, and the watchdog pings that
 * WatchdogSec= asks for. Outside systemd every call does nothing.
 */
#ifndef CD_NOTIFY_H
#define CD_NOTIFY_H

void cd_notify(const char *state);
void cd_notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Milliseconds between watchdog pings, 0 when no watchdog is asked for. */
long cd_notify_watchdog_ms(void);

#endif
