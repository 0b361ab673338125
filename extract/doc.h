/*
 * doc.h: what extraction hands to classification: the parts of a document
 * (the file itself, the members of an archive, the attachments of a mail,
 * the images in a DOCX...) and the text segments read from them.
 *
 * Every segment says where it came from (part path, page, OCR and its
 * confidence), so that evidence can point back into the document. Every
 * part has a status; a part that could not be read in full makes the
 * document fail closed (see DESIGN.md, principle 1).
 */
#ifndef EX_DOC_H
#define EX_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "cs.h"

typedef enum ex_status {
	EX_OK = 0,          /* read in full */
	EX_PARTIAL = 1,     /* read, but something was skipped (reason says what) */
	EX_UNSCANNABLE = 2, /* could not be read */
} ex_status;

const char *ex_status_name(ex_status s);

typedef struct ex_part {
	char *path;     /* "mail.eml > specs.zip > laser.docx" */
	char *type;     /* detected type: a MIME type such as "application/pdf" */
	ex_status status;
	char *reason;   /* why partial or unscannable; NULL when ok */
	size_t size;    /* bytes of the part as stored */
} ex_part;

typedef struct ex_segment {
	char *text;     /* UTF-8 (may still hold invalid bytes; the normaliser copes) */
	size_t len;
	size_t part;    /* index into the document's parts */
	int page;       /* 1-based page, 0 when the format has no pages */
	bool ocr;       /* text came from OCR */
	float ocr_confidence; /* mean word confidence 0..100 when ocr */
} ex_segment;

typedef struct ex_doc ex_doc;

/* An empty document; NULL on ENOMEM. Free with ex_doc_free(). */
ex_doc *ex_doc_new(void);
void ex_doc_free(ex_doc *d);

/*
 * Adds a part and returns its index through *index. path and type are
 * copied. Errors: CS_ENOMEM.
 */
cs_code ex_doc_add_part(ex_doc *d, const char *path, const char *type,
			size_t size, size_t *index);

/*
 * Sets a part's status. A part's status only ever gets worse (ok < partial <
 * unscannable); reason is copied and replaces an earlier one only when the
 * status gets worse.
 */
void ex_doc_set_status(ex_doc *d, size_t part, ex_status status,
		       const char *reason);

/* ex_doc_set_status with a reason made from a printf format. */
void ex_doc_set_statusf(ex_doc *d, size_t part, ex_status status,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Adds a segment of text from part (copied; len bytes). Empty text is
 * ignored. Errors: CS_ENOMEM.
 */
cs_code ex_doc_add_text(ex_doc *d, size_t part, int page, bool ocr,
			float ocr_confidence, const char *text, size_t len);

size_t ex_doc_part_count(const ex_doc *d);
const ex_part *ex_doc_part(const ex_doc *d, size_t i);
size_t ex_doc_segment_count(const ex_doc *d);
const ex_segment *ex_doc_segment(const ex_doc *d, size_t i);

/* The worst status over all parts. */
ex_status ex_doc_status(const ex_doc *d);

#endif
