#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int log_level = CD_LOG_INFO;
static char log_tag[64] = "catscand";

void cd_log_set_level(int level)
{
	log_level = level;
}

void cd_log_set_tag(const char *tag)
{
	snprintf(log_tag, sizeof log_tag, "%s", tag);
}

void cd_log(int prio, const char *fmt, ...)
{
	if (prio > log_level)
		return;
	char text[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);

	/* One write per line, so lines from the broker and its workers, which
	 * share stderr, never interleave mid-line. */
	char line[4096];
	int n = snprintf(line, sizeof line, "<%d>%s: ", prio, log_tag);
	size_t len = n > 0 ? (size_t)n : 0;
	for (const unsigned char *p = (const unsigned char *)text;
	     *p && len + 5 < sizeof line; p++) {
		if (*p < 0x20 || *p == 0x7f)
			len += (size_t)snprintf(line + len, sizeof line - len,
						"\\x%02x", *p);
		else
			line[len++] = (char)*p;
	}
	line[len++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w; /* nowhere to report a failed log write */
}
