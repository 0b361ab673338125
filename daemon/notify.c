#include "notify.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>

void cd_notify(const char *state)
{
	sd_notify(0, state);
}

void cd_notify_status(const char *fmt, ...)
{
	char text[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	sd_notifyf(0, "STATUS=%s", text);
}

long cd_notify_watchdog_ms(void)
{
	uint64_t usec = 0;
	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return 0;
	/* Ping twice per period, as sd_watchdog_enabled(3) advises. */
	long ms = (long)(usec / 2000);
	return ms > 0 ? ms : 1;
}
