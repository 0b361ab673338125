/*
 * extract.c: the extraction core: limits, the context, the job services
 * handlers call, and the table that maps a detected type to its handler.
 *
 * One document is one ex_job. Its parts form a tree (a mail holds a zip
 * that holds a DOCX that holds a picture) which is walked depth first:
 * ex_job_child() detects the type of an embedded file, adds it as a part
 * named "parent > name" and runs its handler before returning to the
 * parent's handler. Every limit is checked here, at the one place every
 * part passes through, so a handler cannot forget one: depth, number of
 * parts, expanded bytes, text and time. A limit reached never drops data
 * silently: the part it cut is marked partial or unscannable with the limit
 * named, and the document fails closed.
 */
#include "extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect.h"
#include "handler.h"
#include "ocr.h"

/* The longest name of one embedded part kept in a path. */
#define NAME_MAX_BYTES 1024
#define MIME_MAX 256

struct ex_ctx {
	ex_limits limits;
	magic_t magic;
	char *ocr_langs;
	char *tessdata;
	ex_ocr *ocr;
	bool ocr_failed; /* tried once and could not load: do not retry */
	cs_error ocr_err;
};

struct ex_job {
	ex_ctx *ctx;
	ex_doc *doc;
	int depth;
	size_t expanded; /* bytes of every embedded part so far */
	size_t text;     /* bytes of text so far */
	struct timespec start;
};

/*
 * The handlers, asked in order; the first that accepts a type reads it.
 * Containers come before text, because many of them are also text/...
 */
static const ex_handler *const handlers[] = {
	&ex_handler_office, &ex_handler_archive, &ex_handler_mail,
	&ex_handler_pdf,    &ex_handler_image,   &ex_handler_rtf,
	&ex_handler_msword, &ex_handler_markup,  &ex_handler_text,
};

/* Types no handler reads, with a reason a reader of the report can act on. */
static const struct {
	const char *mime, *reason;
} unreadable[] = {
	{"application/vnd.ms-excel",
	 "unsupported format: application/vnd.ms-excel (legacy Excel)"},
	{"application/vnd.ms-powerpoint",
	 "unsupported format: application/vnd.ms-powerpoint (legacy PowerPoint)"},
	{"application/encrypted", "encrypted"},
	{"application/x-empty", NULL},
};

void ex_limits_defaults(ex_limits *l)
{
	/* Larger than any contract or spec sheet mailed in practice. */
	if (!l->max_input)
		l->max_input = (size_t)256 << 20;
	/* What one worker may hold for one document, archives unpacked. */
	if (!l->max_expanded)
		l->max_expanded = (size_t)1 << 30;
	/* Office XML deflates about 10:1, text 5:1; a bomb, 1000:1. */
	if (l->max_ratio <= 0)
		l->max_ratio = 100;
	/* Real mail seldom nests containers more than 4 deep. */
	if (l->max_depth <= 0)
		l->max_depth = 10;
	/* Parts of one document: a mailbox export or a large archive. */
	if (!l->max_parts)
		l->max_parts = 10000;
	/* A long technical manual; OCR is the cost, about 1 s a page. */
	if (l->max_pages <= 0)
		l->max_pages = 2000;
	/* A 600 dpi A3 scan is 70 million pixels. */
	if (!l->max_pixels)
		l->max_pixels = 100000000;
	/* Text the matcher scans for one document. */
	if (!l->max_text)
		l->max_text = (size_t)256 << 20;
	/* A dense page takes Tesseract 2 to 5 s; 60 s is a stuck page. */
	if (l->ocr_seconds <= 0)
		l->ocr_seconds = 60;
	/* One document, OCR included, before it is given up as unscannable. */
	if (l->wall_seconds <= 0)
		l->wall_seconds = 600;
}

cs_code ex_ctx_new(const ex_config *cfg, ex_ctx **out, cs_error *err)
{
	cs_code rc = CS_OK;
	ex_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return cs_fail(err, CS_ENOMEM, "extract: out of memory");
	if (cfg) {
		ctx->limits = cfg->limits;
		if ((cfg->ocr_languages && !(ctx->ocr_langs = cs_strdup(cfg->ocr_languages))) ||
		    (cfg->tessdata && !(ctx->tessdata = cs_strdup(cfg->tessdata)))) {
			rc = cs_fail(err, CS_ENOMEM, "extract: out of memory");
			goto done;
		}
	}
	ex_limits_defaults(&ctx->limits);
	ctx->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
	if (!ctx->magic) {
		rc = cs_fail(err, CS_EBACKEND, "libmagic: cannot open");
		goto done;
	}
	if (magic_load(ctx->magic, NULL) != 0) {
		rc = cs_fail(err, CS_EBACKEND, "libmagic: cannot load its database: %s",
			     magic_error(ctx->magic) ? magic_error(ctx->magic) : "?");
		goto done;
	}
done:
	if (rc != CS_OK) {
		ex_ctx_free(ctx);
		return rc;
	}
	*out = ctx;
	return CS_OK;
}

void ex_ctx_free(ex_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->magic)
		magic_close(ctx->magic);
	ex_ocr_free(ctx->ocr);
	free(ctx->ocr_langs);
	free(ctx->tessdata);
	free(ctx);
}

/* --- job services ---------------------------------------------------- */

ex_doc *ex_job_doc(ex_job *job)
{
	return job->doc;
}

const ex_limits *ex_job_limits(const ex_job *job)
{
	return &job->ctx->limits;
}

int ex_job_depth(const ex_job *job)
{
	return job->depth;
}

static double elapsed(const ex_job *job)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - job->start.tv_sec) +
	       (double)(now.tv_nsec - job->start.tv_nsec) / 1e9;
}

bool ex_job_expired(const ex_job *job)
{
	return elapsed(job) >= job->ctx->limits.wall_seconds;
}

bool ex_job_charge(ex_job *job, size_t part, size_t n)
{
	size_t max = job->ctx->limits.max_expanded;
	if (n > max || job->expanded > max - n) {
		char why[128];
		snprintf(why, sizeof why,
			 "expanded-bytes limit (max_expanded %zu) reached", max);
		ex_doc_set_status(job->doc, part, EX_PARTIAL, why);
		return false;
	}
	job->expanded += n;
	return true;
}

size_t ex_job_text_left(const ex_job *job)
{
	return job->ctx->limits.max_text - job->text;
}

size_t ex_job_expand_left(const ex_job *job)
{
	return job->ctx->limits.max_expanded - job->expanded;
}

cs_code ex_job_text(ex_job *job, size_t part, int page, const char *text,
		    size_t len)
{
	return ex_job_ocr_text(job, part, page, false, 0, text, len);
}

cs_code ex_job_ocr_text(ex_job *job, size_t part, int page, bool ocr,
			float confidence, const char *text, size_t len)
{
	size_t left = ex_job_text_left(job);
	if (len > left) {
		char why[128];
		snprintf(why, sizeof why, "text limit (max_text %zu bytes) reached",
			 job->ctx->limits.max_text);
		ex_doc_set_status(job->doc, part, EX_PARTIAL, why);
		len = left;
		/* Cut on a character boundary. */
		while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--;
	}
	job->text += len;
	return ex_doc_add_text(job->doc, part, page, ocr, confidence, text, len);
}

bool ex_job_full(ex_job *job, size_t part)
{
	size_t max = job->ctx->limits.max_parts;
	if (ex_doc_part_count(job->doc) < max)
		return false;
	char why[128];
	snprintf(why, sizeof why,
		 "part limit (max_parts %zu) reached; later parts not read", max);
	ex_doc_set_status(job->doc, part, EX_PARTIAL, why);
	return true;
}

ex_ocr *ex_job_ocr(ex_job *job, cs_error *err)
{
	ex_ctx *ctx = job->ctx;
	if (!ctx->ocr && !ctx->ocr_failed &&
	    ex_ocr_new(ctx->ocr_langs, ctx->tessdata, &ctx->ocr, &ctx->ocr_err) != CS_OK)
		ctx->ocr_failed = true;
	if (!ctx->ocr && err)
		*err = ctx->ocr_err;
	return ctx->ocr;
}

/* "parent > name" with control characters in name shown as '?'. */
static char *child_path(const char *parent, const char *name)
{
	size_t n = strnlen(name, NAME_MAX_BYTES);
	size_t plen = strlen(parent);
	char *p = malloc(plen + 3 + n + 1);
	if (!p)
		return NULL;
	memcpy(p, parent, plen);
	memcpy(p + plen, " > ", 3);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		p[plen + 3 + i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	p[plen + 3 + n] = '\0';
	return p;
}

/* Runs the handler for part's type, or marks the part unscannable. */
static cs_code read_part(ex_job *job, size_t part, const void *data, size_t len)
{
	const char *mime = ex_doc_part(job->doc, part)->type;
	if (ex_job_expired(job)) {
		char why[128];
		snprintf(why, sizeof why, "wall-time limit (wall_seconds %g) reached",
			 job->ctx->limits.wall_seconds);
		ex_doc_set_status(job->doc, part, EX_UNSCANNABLE, why);
		return CS_OK;
	}
	for (size_t i = 0; i < CS_ARRAY_LEN(unreadable); i++) {
		if (strcmp(mime, unreadable[i].mime) == 0) {
			if (unreadable[i].reason)
				ex_doc_set_status(job->doc, part, EX_UNSCANNABLE,
						  unreadable[i].reason);
			return CS_OK;
		}
	}
	for (size_t i = 0; i < CS_ARRAY_LEN(handlers); i++)
		if (handlers[i]->accepts(mime, data, len))
			return handlers[i]->extract(job, part, data, len);
	char why[MIME_MAX + 32];
	snprintf(why, sizeof why, "unsupported format: %s", mime);
	ex_doc_set_status(job->doc, part, EX_UNSCANNABLE, why);
	return CS_OK;
}

/* Detects the type of the bytes and adds them as a part named path. */
static cs_code add_part(ex_job *job, const char *path, const void *data,
			size_t len, size_t *part)
{
	char mime[MIME_MAX];
	if (len == 0)
		snprintf(mime, sizeof mime, "application/x-empty");
	else
		ex_detect_type(job->ctx->magic, data, len, mime, sizeof mime);
	return ex_doc_add_part(job->doc, path, mime, len, part);
}

cs_code ex_job_child(ex_job *job, size_t parent, const char *name,
		     const void *data, size_t len)
{
	const ex_limits *lim = &job->ctx->limits;
	char *path = NULL;
	size_t part;
	cs_code rc = CS_OK;
	if (ex_job_full(job, parent))
		return CS_OK;
	path = child_path(ex_doc_part(job->doc, parent)->path, name ? name : "");
	if (!path)
		return CS_ENOMEM;
	if ((rc = add_part(job, path, data, len, &part)) != CS_OK)
		goto done;
	char why[128];
	if (job->depth + 1 > lim->max_depth) {
		snprintf(why, sizeof why, "nesting depth limit (max_depth %d) reached",
			 lim->max_depth);
		ex_doc_set_status(job->doc, part, EX_UNSCANNABLE, why);
		goto done;
	}
	if (!ex_job_charge(job, parent, len)) {
		snprintf(why, sizeof why,
			 "expanded-bytes limit (max_expanded %zu) reached",
			 lim->max_expanded);
		ex_doc_set_status(job->doc, part, EX_UNSCANNABLE, why);
		goto done;
	}
	job->depth++;
	rc = read_part(job, part, data, len);
	job->depth--;
done:
	free(path);
	return rc;
}

cs_code ex_job_unread(ex_job *job, size_t parent, const char *name,
		      size_t size, ex_status status, const char *reason)
{
	size_t part;
	if (ex_job_full(job, parent))
		return CS_OK;
	char *path = child_path(ex_doc_part(job->doc, parent)->path, name ? name : "");
	if (!path)
		return CS_ENOMEM;
	cs_code rc = ex_doc_add_part(job->doc, path, NULL, size, &part);
	if (rc == CS_OK)
		ex_doc_set_status(job->doc, part, status, reason);
	free(path);
	return rc;
}

cs_code ex_extract(ex_ctx *ctx, const void *data, size_t len,
		   const char *name, ex_doc **out, cs_error *err)
{
	ex_job job = {.ctx = ctx};
	size_t part;
	cs_code rc = CS_OK;
	clock_gettime(CLOCK_MONOTONIC, &job.start);
	if (!(job.doc = ex_doc_new()))
		return cs_fail(err, CS_ENOMEM, "extract: out of memory");
	if ((rc = add_part(&job, name ? name : "", data, len, &part)) != CS_OK)
		goto done;
	if (len > ctx->limits.max_input) {
		char why[128];
		snprintf(why, sizeof why, "input limit (max_input %zu bytes) exceeded",
			 ctx->limits.max_input);
		ex_doc_set_status(job.doc, part, EX_UNSCANNABLE, why);
		goto done;
	}
	rc = read_part(&job, part, data, len);
done:
	if (rc != CS_OK) {
		ex_doc_free(job.doc);
		return cs_fail(err, rc, "extract: %s", cs_strerror(rc));
	}
	*out = job.doc;
	return CS_OK;
}
