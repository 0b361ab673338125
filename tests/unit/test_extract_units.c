/*
 * Extraction on small inputs made in the test: character-set conversion
 * (detect.h), type detection, and the edges of the RTF, markup and mail
 * readers that need no fixture file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "extract.h"

static ex_ctx *ctx;

static int setup(void **state)
{
	return ex_ctx_new(NULL, &ctx, NULL) == CS_OK ? 0 : -1;
}

static int teardown(void **state)
{
	ex_ctx_free(ctx);
	return 0;
}

/* Converts s (n bytes) with hint; returns the UTF-8 (static) and *bad. */
static const char *conv(const char *s, size_t n, const char *hint, size_t *bad)
{
	static char out[1024];
	cs_buf b;
	size_t nbad = 0;
	cs_buf_init(&b, sizeof out - 1);
	assert_int_equal(ex_to_utf8(s, n, hint, &b, NULL, &nbad), CS_OK);
	snprintf(out, sizeof out, "%s", b.data ? b.data : "");
	cs_buf_free(&b);
	if (bad)
		*bad = nbad;
	return out;
}

#define CONV(s, hint, want) assert_string_equal(conv(s, sizeof(s) - 1, hint, NULL), want)

static void test_charset_declared(void **state)
{
	/* 镕 is in GBK but not GB2312: a declared gb2312 still decodes it. */
	CONV("\xe9\x46", "gb2312", "镕");
	CONV("\xcf\xa1\xcd\xc1", "GBK", "稀土");
	CONV("\xb5\x7d\xa4\x67", "big5", "稀土");
	CONV("caf\xe9", "iso-8859-1", "café");
	/* A declared set iconv does not know is ignored, and bytes guessed. */
	CONV("稀土", "x-no-such-charset", "稀土");
}

static void test_charset_marks_win(void **state)
{
	CONV("\xff\xfe\x00\x7a\x1f\x57", "gbk", "稀土");
	CONV("\xfe\xff\x7a\x00\x57\x1f", NULL, "稀土");
	CONV("\xef\xbb\xbf" "abc", "big5", "abc");
}

static void test_charset_bad_bytes(void **state)
{
	size_t bad;
	const char *s = conv("ok\xff\xfe\xfd", 5, "UTF-8", &bad);
	assert_string_equal(s, "ok\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_int_equal(bad, 3);
}

static void test_buf_fill(void **state)
{
	cs_buf b;
	cs_buf_init(&b, 4);
	assert_int_equal(ex_buf_fill(&b, "ab", 2), CS_OK);
	assert_int_equal(ex_buf_fill(&b, "cdef", 4), CS_ELIMIT);
	assert_string_equal(b.data, "abcd");
	cs_buf_free(&b);
}

static void test_looks_like_text(void **state)
{
	assert_true(ex_looks_like_text("plain words\n", 12));
	assert_false(ex_looks_like_text("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
	assert_false(ex_looks_like_text("", 0));
}

static const char *type_of(const char *s, size_t n)
{
	static char mime[128];
	magic_t m = magic_open(MAGIC_MIME_TYPE);
	assert_non_null(m);
	assert_int_equal(magic_load(m, NULL), 0);
	ex_detect_type(m, s, n, mime, sizeof mime);
	magic_close(m);
	return mime;
}

#define TYPE_OF(s, want) assert_string_equal(type_of(s, sizeof(s) - 1), want)

static void test_detect(void **state)
{
	TYPE_OF("%PDF-1.7\n", "application/pdf");
	TYPE_OF("{\\rtf1 x}", "text/rtf");
	TYPE_OF("just words", "text/plain");
	TYPE_OF("<html><body>x</body></html>", "text/html");
	TYPE_OF("<?xml version=\"1.0\"?><a/>", "text/xml");
	TYPE_OF("MIME-Version: 1.0\nSubject: x\n\nbody\n", "message/rfc822");
	/* Header-like lines of no mail field are not a mail. */
	TYPE_OF("Name: x\nColour: y\n\ntext\n", "text/plain");
}

/* Extracts a string; the caller frees the document. */
static ex_doc *ext(const char *s, size_t n)
{
	ex_doc *d = NULL;
	assert_int_equal(ex_extract(ctx, s, n, "doc", &d, NULL), CS_OK);
	return d;
}

#define EXT(s) ext(s, sizeof(s) - 1)

static void test_rtf_truncated(void **state)
{
	ex_doc *d = EXT("{\\rtf1\\ansi {\\b bold text");
	assert_int_equal(ex_doc_part(d, 0)->status, EX_PARTIAL);
	assert_non_null(strstr(ex_doc_part(d, 0)->reason, "truncated"));
	assert_non_null(strstr(ex_doc_segment(d, 0)->text, "bold text"));
	ex_doc_free(d);
}

static void test_rtf_deep_groups(void **state)
{
	char s[2000];
	size_t n = 0;
	n += (size_t)snprintf(s, sizeof s, "{\\rtf1 start");
	for (int i = 0; i < 300; i++)
		s[n++] = '{';
	n += (size_t)snprintf(s + n, sizeof s - n, "deep");
	for (int i = 0; i < 300; i++)
		s[n++] = '}';
	n += (size_t)snprintf(s + n, sizeof s - n, " end}");
	ex_doc *d = ext(s, n);
	assert_int_equal(ex_doc_part(d, 0)->status, EX_PARTIAL);
	assert_non_null(strstr(ex_doc_segment(d, 0)->text, "start"));
	assert_non_null(strstr(ex_doc_segment(d, 0)->text, "end"));
	ex_doc_free(d);
}

static void test_rtf_unicode_surrogates(void **state)
{
	/* U+20000 as a surrogate pair, \uc0: no fallback characters. */
	ex_doc *d = EXT("{\\rtf1\\uc0 \\u-10176\\u-9216 x}");
	assert_string_equal(ex_doc_segment(d, 0)->text, "\xf0\xa0\x80\x80x");
	ex_doc_free(d);
}

static void test_xml_broken(void **state)
{
	ex_doc *d = EXT("<?xml version=\"1.0\"?><a><b>稀土分离</b><c>");
	assert_int_equal(ex_doc_part(d, 0)->status, EX_PARTIAL);
	assert_non_null(strstr(ex_doc_segment(d, 0)->text, "稀土分离"));
	ex_doc_free(d);
}

static void test_mail_not_mime(void **state)
{
	/* A mail whose body is all it has still yields its headers. */
	ex_doc *d = EXT("From: a@example.invalid\nSubject: =?UTF-8?B?56iA5Zyf?=\n\nbody\n");
	assert_string_equal(ex_doc_part(d, 0)->type, "message/rfc822");
	assert_non_null(strstr(ex_doc_segment(d, 0)->text, "Subject: 稀土"));
	assert_int_equal(ex_doc_status(d), EX_OK);
	ex_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_charset_declared),
		cmocka_unit_test(test_charset_marks_win),
		cmocka_unit_test(test_charset_bad_bytes),
		cmocka_unit_test(test_buf_fill),
		cmocka_unit_test(test_looks_like_text),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_rtf_truncated),
		cmocka_unit_test(test_rtf_deep_groups),
		cmocka_unit_test(test_rtf_unicode_surrogates),
		cmocka_unit_test(test_xml_broken),
		cmocka_unit_test(test_mail_not_mime),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
