#include "doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ex_doc {
	ex_part *parts;
	size_t nparts, capparts;
	ex_segment *segs;
	size_t nsegs, capsegs;
};

const char *ex_status_name(ex_status s)
{
	switch (s) {
	case EX_OK:
		return "ok";
	case EX_PARTIAL:
		return "partial";
	case EX_UNSCANNABLE:
		return "unscannable";
	}
	return "unknown";
}

ex_doc *ex_doc_new(void)
{
	return calloc(1, sizeof(ex_doc));
}

void ex_doc_free(ex_doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nparts; i++) {
		free(d->parts[i].path);
		free(d->parts[i].type);
		free(d->parts[i].reason);
	}
	for (size_t i = 0; i < d->nsegs; i++)
		free(d->segs[i].text);
	free(d->parts);
	free(d->segs);
	free(d);
}

/* Grows *arr (of elem-sized items) so that one more fits. */
static cs_code grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return CS_OK;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return CS_ENOMEM;
	*arr = p;
	*cap = ncap;
	return CS_OK;
}

cs_code ex_doc_add_part(ex_doc *d, const char *path, const char *type,
			size_t size, size_t *index)
{
	if (grow((void **)&d->parts, &d->capparts, d->nparts, sizeof(ex_part)))
		return CS_ENOMEM;
	ex_part *p = &d->parts[d->nparts];
	memset(p, 0, sizeof *p);
	p->path = cs_strdup(path ? path : "");
	p->type = cs_strdup(type ? type : "application/octet-stream");
	p->size = size;
	if (!p->path || !p->type) {
		free(p->path);
		free(p->type);
		return CS_ENOMEM;
	}
	if (index)
		*index = d->nparts;
	d->nparts++;
	return CS_OK;
}

void ex_doc_set_status(ex_doc *d, size_t part, ex_status status,
		       const char *reason)
{
	if (part >= d->nparts)
		return;
	ex_part *p = &d->parts[part];
	if (status < p->status || (status == p->status && p->reason))
		return;
	p->status = status;
	if (reason) {
		char *r = cs_strdup(reason);
		if (r) {
			free(p->reason);
			p->reason = r;
		}
	}
}

void ex_doc_set_statusf(ex_doc *d, size_t part, ex_status status,
			const char *fmt, ...)
{
	char why[CS_ERROR_MAX + 64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	ex_doc_set_status(d, part, status, why);
}

cs_code ex_doc_add_text(ex_doc *d, size_t part, int page, bool ocr,
			float ocr_confidence, const char *text, size_t len)
{
	if (len == 0)
		return CS_OK;
	if (grow((void **)&d->segs, &d->capsegs, d->nsegs, sizeof(ex_segment)))
		return CS_ENOMEM;
	char *copy = cs_strndup(text, len);
	if (!copy)
		return CS_ENOMEM;
	d->segs[d->nsegs++] = (ex_segment){
		.text = copy,
		.len = len,
		.part = part,
		.page = page,
		.ocr = ocr,
		.ocr_confidence = ocr_confidence,
	};
	return CS_OK;
}

size_t ex_doc_part_count(const ex_doc *d)
{
	return d->nparts;
}

const ex_part *ex_doc_part(const ex_doc *d, size_t i)
{
	return i < d->nparts ? &d->parts[i] : NULL;
}

size_t ex_doc_segment_count(const ex_doc *d)
{
	return d->nsegs;
}

const ex_segment *ex_doc_segment(const ex_doc *d, size_t i)
{
	return i < d->nsegs ? &d->segs[i] : NULL;
}

ex_status ex_doc_status(const ex_doc *d)
{
	ex_status worst = EX_OK;
	for (size_t i = 0; i < d->nparts; i++)
		if (d->parts[i].status > worst)
			worst = d->parts[i].status;
	return worst;
}
