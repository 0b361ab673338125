#include "cs.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const cs_messages[] = {
	[CS_OK] = "success",
	[CS_ENOMEM] = "out of memory",
	[CS_EINVAL] = "invalid input",
	[CS_EIO] = "input/output error",
	[CS_ELIMIT] = "limit reached",
	[CS_ESYNTAX] = "syntax error",
	[CS_EUNSUPPORTED] = "unsupported format",
	[CS_EENCRYPTED] = "encrypted",
	[CS_ECORRUPT] = "corrupt input",
	[CS_EBACKEND] = "library failure",
	[CS_ETIMEOUT] = "time limit reached",
	[CS_ERULES] = "rule pack error",
};

const char *cs_strerror(cs_code code)
{
	if ((size_t)code < CS_ARRAY_LEN(cs_messages) && cs_messages[code])
		return cs_messages[code];
	return "unknown error";
}

cs_code cs_fail(cs_error *err, cs_code code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

void cs_error_clear(cs_error *err)
{
	if (err) {
		err->code = CS_OK;
		err->msg[0] = '\0';
	}
}

void cs_buf_init(cs_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void cs_buf_free(cs_buf *b)
{
	free(b->data);
	cs_buf_init(b, b->max);
}

void cs_buf_reset(cs_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

cs_code cs_buf_reserve(cs_buf *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return CS_ELIMIT;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return CS_OK;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->data, cap);
	if (!p)
		return CS_ENOMEM;
	b->data = p;
	b->cap = cap;
	return CS_OK;
}

cs_code cs_buf_add(cs_buf *b, const void *data, size_t len)
{
	cs_code rc = cs_buf_reserve(b, len);
	if (rc != CS_OK)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return CS_OK;
}

cs_code cs_buf_addc(cs_buf *b, char c)
{
	return cs_buf_add(b, &c, 1);
}

cs_code cs_buf_adds(cs_buf *b, const char *s)
{
	return cs_buf_add(b, s, strlen(s));
}

cs_code cs_buf_printf(cs_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return CS_EINVAL;
	cs_code rc = cs_buf_reserve(b, (size_t)n);
	if (rc != CS_OK)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return CS_OK;
}

char *cs_buf_steal(cs_buf *b, size_t *len)
{
	if (!b->data && cs_buf_reserve(b, 0) != CS_OK)
		return NULL;
	char *p = b->data;
	if (len)
		*len = b->len;
	cs_buf_init(b, b->max);
	return p;
}

cs_code cs_read_file(const char *path, size_t max, char **data, size_t *len,
		     cs_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return cs_fail(err, CS_EIO, "%s: %s", path, strerror(errno));

	cs_buf b;
	cs_buf_init(&b, max);
	cs_code rc = CS_OK;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		rc = cs_buf_add(&b, chunk, n);
		if (rc == CS_ELIMIT) {
			cs_fail(err, rc, "%s: larger than the limit of %zu bytes",
				path, max);
			goto done;
		}
		if (rc != CS_OK) {
			cs_fail(err, rc, "%s: %s", path, cs_strerror(rc));
			goto done;
		}
	}
	if (ferror(f)) {
		rc = cs_fail(err, CS_EIO, "%s: read error", path);
		goto done;
	}
	*data = cs_buf_steal(&b, len);
	if (!*data)
		rc = cs_fail(err, CS_ENOMEM, "%s: out of memory", path);
done:
	if (rc != CS_OK)
		cs_buf_free(&b);
	fclose(f);
	return rc;
}

char *cs_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *cs_strdup(const char *s)
{
	return cs_strndup(s, strlen(s));
}

bool cs_date_valid(const char *s)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}
