/*
 * extract.c: the extraction core: limits, the context, the job services
 * handlers call, and the table that maps a detected type to its handler.
 */
#include "extract.h"

#include <stdlib.h>
#include <string.h>

#include "handler.h"

struct ex_ctx {
	ex_limits limits;
};

void ex_limits_defaults(ex_limits *l)
{
	if (!l->max_input)
		l->max_input = (size_t)256 << 20;
	if (!l->max_expanded)
		l->max_expanded = (size_t)1 << 30;
	if (l->max_ratio <= 0)
		l->max_ratio = 100;
	if (l->max_depth <= 0)
		l->max_depth = 10;
	if (!l->max_parts)
		l->max_parts = 10000;
	if (l->max_pages <= 0)
		l->max_pages = 2000;
	if (!l->max_pixels)
		l->max_pixels = 100000000;
	if (!l->max_text)
		l->max_text = (size_t)256 << 20;
	if (l->ocr_seconds <= 0)
		l->ocr_seconds = 60;
	if (l->wall_seconds <= 0)
		l->wall_seconds = 600;
}

cs_code ex_ctx_new(const ex_config *cfg, ex_ctx **out, cs_error *err)
{
	ex_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return cs_fail(err, CS_ENOMEM, "extract: out of memory");
	if (cfg)
		ctx->limits = cfg->limits;
	ex_limits_defaults(&ctx->limits);
	*out = ctx;
	return CS_OK;
}

void ex_ctx_free(ex_ctx *ctx)
{
	free(ctx);
}

cs_code ex_extract(ex_ctx *ctx, const void *data, size_t len,
		   const char *name, ex_doc **out, cs_error *err)
{
	ex_doc *doc = ex_doc_new();
	size_t part;
	if (!doc)
		return cs_fail(err, CS_ENOMEM, "extract: out of memory");
	if (ex_doc_add_part(doc, name ? name : "", "text/plain", len, &part) ||
	    ex_doc_add_text(doc, part, 0, false, 0, data, len)) {
		ex_doc_free(doc);
		return cs_fail(err, CS_ENOMEM, "extract: out of memory");
	}
	if (len > ctx->limits.max_input)
		ex_doc_set_status(doc, part, EX_UNSCANNABLE,
				  "input larger than max_input");
	*out = doc;
	return CS_OK;
}
