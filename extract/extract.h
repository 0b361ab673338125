/*
 * extract.h: bytes in, text segments with provenance out.
 *
 * ex_extract() detects the type of the bytes with libmagic (never from the
 * file name), hands them to the handler for that format, and recurses into
 * containers (archives, mails, Office files, PDFs with images) under the
 * limits below. Whatever cannot be read is recorded on its part as partial
 * or unscannable with a reason; nothing is dropped silently.
 *
 * An ex_ctx holds what is expensive to make (the libmagic cookie, the
 * Tesseract instances with their language data) and is reused for every
 * document; it is not thread-safe: one per thread or process.
 */
#ifndef EX_EXTRACT_H
#define EX_EXTRACT_H

#include <stddef.h>

#include "cs.h"
#include "doc.h"

/* Every limit, with its default and why. Zero means "use the default". */
typedef struct ex_limits {
	size_t max_input;      /* bytes of one document: 256 MiB */
	size_t max_expanded;   /* bytes extracted from all containers: 1 GiB */
	double max_ratio;      /* expanded / compressed of one member: 100 */
	int max_depth;         /* container nesting: 10 */
	size_t max_parts;      /* parts of one document: 10000 */
	int max_pages;         /* pages of one PDF or TIFF: 2000 */
	size_t max_pixels;     /* pixels of one image: 100 million */
	size_t max_text;       /* bytes of text of one document: 256 MiB */
	double ocr_seconds;    /* OCR of one page: 60 s */
	double wall_seconds;   /* one document: 600 s */
} ex_limits;

/* Fills in the defaults for every zero field. */
void ex_limits_defaults(ex_limits *l);

typedef struct ex_config {
	ex_limits limits;
	const char *ocr_languages; /* "chi_sim+chi_tra+eng" when NULL */
	const char *tessdata;      /* NULL: Tesseract's default location */
} ex_config;

typedef struct ex_ctx ex_ctx;

/* Errors: CS_ENOMEM, CS_EBACKEND (libmagic could not load). */
cs_code ex_ctx_new(const ex_config *cfg, ex_ctx **out, cs_error *err);
void ex_ctx_free(ex_ctx *ctx);

/*
 * Extracts the document of len bytes at data; name is the display name of
 * the outermost part (never used as a path). On success *out owns the
 * document, even when parts of it are partial or unscannable: that is a
 * finding, not an error. Errors are reserved for the machine failing
 * (CS_ENOMEM).
 */
cs_code ex_extract(ex_ctx *ctx, const void *data, size_t len,
		   const char *name, ex_doc **out, cs_error *err);

#endif
