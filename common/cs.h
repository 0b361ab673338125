/*
 * cs.h: what every catscan module shares: the error codes, the error value
 * that carries a message back to the caller, and a growable byte buffer with
 * a ceiling.
 *
 * Library code never prints and never exits. A function that can fail
 * returns a cs_code and, when the caller passed a cs_error, fills it with a
 * message naming what failed. A finding (a hit, a verdict) is never an
 * error.
 */
#ifndef CS_H
#define CS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* The release, in results, STATUS and --version. */
#define CS_VERSION "0.1"

/* Stable numbers: they appear in logs and on the wire. Append only. */
typedef enum cs_code {
	CS_OK = 0,
	CS_ENOMEM = 1,     /* allocation failed */
	CS_EINVAL = 2,     /* bad argument or malformed input */
	CS_EIO = 3,        /* reading or writing a file failed */
	CS_ELIMIT = 4,     /* a configured limit was reached */
	CS_ESYNTAX = 5,    /* a rule file or a message does not parse */
	CS_EUNSUPPORTED = 6, /* a format or feature this build cannot read */
	CS_EENCRYPTED = 7, /* the input is encrypted and cannot be opened */
	CS_ECORRUPT = 8,   /* the input is damaged or truncated */
	CS_EBACKEND = 9,   /* a library under us failed (Hyperscan, Tesseract...) */
	CS_ETIMEOUT = 10,  /* a time limit was reached */
	CS_ERULES = 11,    /* a rule pack failed its checks or tests */
} cs_code;

#define CS_ERROR_MAX 512

typedef struct cs_error {
	cs_code code;
	char msg[CS_ERROR_MAX];
} cs_error;

/* A short, constant description of code. Never NULL. */
const char *cs_strerror(cs_code code);

/*
 * Records code and a printf-style message in err (which may be NULL) and
 * returns code, so that a failing path reads `return cs_fail(err, ...)`.
 */
cs_code cs_fail(cs_error *err, cs_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears err to CS_OK with an empty message. err may be NULL. */
void cs_error_clear(cs_error *err);

/*
 * cs_buf: a growable byte buffer that refuses to grow past its ceiling
 * (after curl's dynbuf). The data is always NUL-terminated so it can be
 * used as a C string; len never counts the terminator.
 */
typedef struct cs_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* ceiling for len; appending past it fails with CS_ELIMIT */
} cs_buf;

void cs_buf_init(cs_buf *b, size_t max);
void cs_buf_free(cs_buf *b);
void cs_buf_reset(cs_buf *b);
/* Makes room for at least extra more bytes. */
cs_code cs_buf_reserve(cs_buf *b, size_t extra);
cs_code cs_buf_add(cs_buf *b, const void *data, size_t len);
cs_code cs_buf_addc(cs_buf *b, char c);
cs_code cs_buf_adds(cs_buf *b, const char *s);
cs_code cs_buf_printf(cs_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hands the data to the caller, who frees it with free(); b is emptied. */
char *cs_buf_steal(cs_buf *b, size_t *len);

/*
 * Reads a whole file into a fresh NUL-terminated buffer of at most max
 * bytes. The caller frees *data with free(). Fails with CS_ELIMIT when the
 * file is larger than max, CS_EIO when it cannot be read.
 */
cs_code cs_read_file(const char *path, size_t max, char **data, size_t *len,
		     cs_error *err);

/* True when s is a real calendar date written YYYY-MM-DD (year 1900 on):
 * the form every as-of date takes, on the command line and the wire. */
bool cs_date_valid(const char *s);

/* strdup that the project can rely on under -std=c11. NULL on ENOMEM. */
char *cs_strdup(const char *s);
char *cs_strndup(const char *s, size_t n);

#define CS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
