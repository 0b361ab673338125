/*
 * log.h: catscand's log lines, on stderr in the form journald reads: a
 * "<N>" priority prefix (sd-daemon(3)), one event per line. Under systemd
 * the prefix becomes the entry's priority; in a terminal it stays readable.
 */
#ifndef CD_LOG_H
#define CD_LOG_H

#include <stddef.h>

/* syslog priorities, as journald reads them from the prefix. */
enum { CD_LOG_ERR = 3, CD_LOG_WARNING = 4, CD_LOG_NOTICE = 5, CD_LOG_INFO = 6,
       CD_LOG_DEBUG = 7 };

/* Lines above this priority number are dropped (default: CD_LOG_INFO). */
void cd_log_set_level(int level);

/* Tags every line with who wrote it ("broker", "worker 1234"...). */
void cd_log_set_tag(const char *tag);

/*
 * Writes one line. Newlines and control bytes in the formatted text are
 * escaped, so a client-supplied name can never forge a second log line.
 */
void cd_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
