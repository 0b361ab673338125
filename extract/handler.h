/*
 * handler.h: the inside of extract/: one handler per format family behind a
 * table of function pointers (see extract.c), and the services a handler
 * may call while it works on one document (an ex_job).
 *
 * A handler reads the bytes of one part, adds text segments to the job's
 * document, and hands every embedded file (archive member, attachment,
 * image in a DOCX, picture in a PDF page) back through ex_job_child(),
 * which detects its type, checks the limits and recurses. A handler never
 * decides a verdict; when it cannot read something it marks the part
 * partial or unscannable with a reason and goes on with the rest.
 */
#ifndef EX_HANDLER_H
#define EX_HANDLER_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "extract.h"

typedef struct ex_job ex_job;
typedef struct ex_ocr ex_ocr;

typedef struct ex_handler {
	const char *name;
	/* True when this handler reads parts of detected type mime. */
	bool (*accepts)(const char *mime, const void *data, size_t len);
	/*
	 * Reads part (already added to the document) from len bytes at data.
	 * Returns CS_OK when the part was handled, even if its status is now
	 * partial or unscannable; other codes only for CS_ENOMEM.
	 */
	cs_code (*extract)(ex_job *job, size_t part, const void *data,
			   size_t len);
} ex_handler;

/* The document being built. */
ex_doc *ex_job_doc(ex_job *job);
const ex_limits *ex_job_limits(const ex_job *job);
/* Nesting depth of the part being read (the outer document is 0). */
int ex_job_depth(const ex_job *job);
/* True once the document's wall-time limit has passed. */
bool ex_job_expired(const ex_job *job);

/*
 * Adds an embedded file of part parent as a new part named name
 * ("parent path > name"), detects its type and extracts it, recursively.
 * Counts its bytes against the expansion limits; a limit reached marks the
 * parent partial (or the child unscannable) with the limit named.
 * Errors: CS_ENOMEM only.
 */
cs_code ex_job_child(ex_job *job, size_t parent, const char *name,
		     const void *data, size_t len);

/*
 * Charges n more expanded bytes (decompressed archive members, decoded
 * mail parts) to the document. Returns false, marking part partial with
 * the limit named, when that would pass max_expanded.
 */
bool ex_job_charge(ex_job *job, size_t part, size_t n);

/* The OCR engine, made on first use; NULL (with *err) if it cannot load. */
ex_ocr *ex_job_ocr(ex_job *job, cs_error *err);

#endif
