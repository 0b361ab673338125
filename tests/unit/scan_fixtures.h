/*
 * scan_fixtures.h: the harness test_ocr.c and test_pdf.c share: the
 * fixtures made by tests/make-scans.sh (in $CATSCAN_FIXTURES, default
 * build/fixtures, remade when older than their makers), one extraction
 * context, and helpers to extract a fixture and compare OCR text as the
 * matcher sees it. Included by one test file each; every function is
 * static, and unused ones are harmless (static inline).
 */
#ifndef TESTS_SCAN_FIXTURES_H
#define TESTS_SCAN_FIXTURES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "extract.h"
#include "normalize.h"

#if defined(__SANITIZE_ADDRESS__)
#define SLOWDOWN 5.0
#else
#define SLOWDOWN 1.0
#endif

static char fixtures[512];
static ex_ctx *ctx;
static bool skip_ocr;
static double last_seconds;

static inline double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline char *fixture_bytes(const char *name, size_t *len)
{
	char path[1024];
	char *data = NULL;
	cs_error err;
	snprintf(path, sizeof path, "%s/%s", fixtures, name);
	if (cs_read_file(path, (size_t)1 << 30, &data, len, &err) != CS_OK)
		fail_msg("%s", err.msg);
	return data;
}

/* Extracts len bytes at data as name with c; the caller frees the doc. */
static inline ex_doc *extract_bytes(ex_ctx *c, const char *name, const void *data,
			     size_t len)
{
	ex_doc *doc = NULL;
	cs_error err;
	double t0 = now();
	if (ex_extract(c, data, len, name, &doc, &err) != CS_OK)
		fail_msg("ex_extract %s: %s", name, err.msg);
	last_seconds = now() - t0;
	return doc;
}

static inline ex_doc *extract_with(ex_ctx *c, const char *name)
{
	size_t len;
	char *data = fixture_bytes(name, &len);
	ex_doc *doc = extract_bytes(c, name, data, len);
	free(data);
	return doc;
}

static inline ex_doc *extract(const char *name)
{
	return extract_with(ctx, name);
}

/* A context with limits l and OCR languages langs (NULL: default). */
static inline ex_ctx *ctx_with(ex_limits l, const char *langs)
{
	ex_config cfg = {.limits = l, .ocr_languages = langs};
	ex_ctx *c = NULL;
	cs_error err;
	if (ex_ctx_new(&cfg, &c, &err) != CS_OK)
		fail_msg("ex_ctx_new: %s", err.msg);
	return c;
}

/* s normalised as the matcher sees it, with every space removed. */
static inline char *squeeze(const char *s)
{
	char *n = nz_normalize_str(s);
	assert_non_null(n);
	char *w = n;
	for (char *r = n; *r; r++)
		if (*r != ' ')
			*w++ = *r;
	*w = '\0';
	return n;
}

static inline void dump(const ex_doc *d)
{
	for (size_t i = 0; i < ex_doc_part_count(d); i++)
		print_message(
		    "part %zu %s (%s): %s %s\n", i, ex_doc_part(d, i)->path,
		    ex_doc_part(d, i)->type,
		    ex_status_name(ex_doc_part(d, i)->status),
		    ex_doc_part(d, i)->reason ? ex_doc_part(d, i)->reason : "");
	for (size_t i = 0; i < ex_doc_segment_count(d); i++) {
		const ex_segment *g = ex_doc_segment(d, i);
		print_message("segment %zu (part %zu, page %d, ocr %d, conf "
			      "%.0f): [%s]\n",
			      i, g->part, g->page, g->ocr, g->ocr_confidence,
			      g->text);
	}
}

/* True when the fixtures at stamp are missing or older than their maker. */
static inline bool stale(const char *stamp)
{
	static const char *const makers[] = {"tests/make-scans.sh",
					     "tests/gen/mkpdf.c"};
	struct stat made, src;
	if (stat(stamp, &made) != 0)
		return true;
	for (size_t i = 0; i < CS_ARRAY_LEN(makers); i++)
		if (stat(makers[i], &src) == 0 && src.st_mtime > made.st_mtime)
			return true;
	return false;
}

static inline int setup(void **state)
{
	const char *env = getenv("CATSCAN_FIXTURES");
	const char *skip = getenv("CATSCAN_SKIP_OCR");
	char path[700], cmd[1300];
	cs_error err;
	skip_ocr = skip && *skip && strcmp(skip, "0") != 0;
	snprintf(fixtures, sizeof fixtures, "%s",
		 env && *env ? env : "build/fixtures");
	snprintf(path, sizeof path, "%s/scans.stamp", fixtures);
	if (stale(path)) {
		snprintf(cmd, sizeof cmd,
			 "sh tests/make-scans.sh '%s' >/dev/null", fixtures);
		if (system(cmd) != 0) {
			print_error("cannot make the scans (run from the "
				    "source tree)\n");
			return -1;
		}
	}
	return ex_ctx_new(NULL, &ctx, &err) == CS_OK ? 0 : -1;
}

static inline int teardown(void **state)
{
	ex_ctx_free(ctx);
	return 0;
}

/* Assertions on the outer part of a document, dumping it on failure. */
#define STATUS(d, s)                                                           \
	do {                                                                   \
		if (ex_doc_part(d, 0)->status != (s)) {                        \
			dump(d);                                               \
			fail_msg("status %s, not %s",                          \
				 ex_status_name(ex_doc_part(d, 0)->status),    \
				 ex_status_name(s));                           \
		}                                                              \
	} while (0)
#define REASON(d, s)                                                           \
	do {                                                                   \
		const char *r_ = ex_doc_part(d, 0)->reason;                    \
		if (!r_ || !strstr(r_, s))                                     \
			fail_msg("reason [%s] lacks [%s]", r_ ? r_ : "(none)", \
				 s);                                           \
	} while (0)
#define NEEDS_OCR()                                                            \
	do {                                                                   \
		if (skip_ocr)                                                  \
			skip();                                                \
	} while (0)

#endif
