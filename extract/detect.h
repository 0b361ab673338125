/*
 * detect.h: private to extract/: what the core and its handlers share
 * beyond handler.h. How bytes are recognised (their type and character
 * set), how a container's members are read under the limits, and the
 * handler objects the core's table is made of.
 */
#ifndef EX_DETECT_H
#define EX_DETECT_H

#include <magic.h>
#include <stdbool.h>
#include <stddef.h>

#include "cs.h"
#include "handler.h"

/* --- types ---------------------------------------------------------- */

/*
 * The type of len bytes at data as a MIME type, from their content only:
 * libmagic first, then a look inside zip containers to tell OOXML and ODF
 * from a plain zip, and inside text to tell a mail from plain text.
 * Writes at most size bytes (NUL included) to mime; never fails (an
 * unknown type is "application/octet-stream").
 */
void ex_detect_type(magic_t magic, const void *data, size_t len, char *mime,
		    size_t size);

/* --- character sets ------------------------------------------------- */

/*
 * Converts len bytes of text to UTF-8, appending to out. hint names the
 * character set the container declared (a MIME charset, an HTML meta, an
 * XML declaration) or is NULL; a byte-order mark overrides it, and without
 * either the set is guessed (valid UTF-8, then uchardet, then UTF-16
 * without a mark). Undecodable bytes become U+FFFD. *used (may be NULL)
 * gets a constant naming the set used. *bad (may be NULL) counts
 * undecodable sequences. Errors: CS_ELIMIT when out is full, CS_ENOMEM.
 */
cs_code ex_to_utf8(const void *data, size_t len, const char *hint,
		   cs_buf *out, const char **used, size_t *bad);

/*
 * Converts len bytes in the character set cs (an iconv name) to UTF-8,
 * appending to out; undecodable bytes become U+FFFD and are counted in
 * *bad (may be NULL). Errors: CS_EUNSUPPORTED (iconv does not know cs),
 * CS_ELIMIT, CS_ENOMEM.
 */
cs_code ex_iconv_utf8(const void *data, size_t len, const char *cs,
		      cs_buf *out, size_t *bad);

/* True when len bytes at data look like text in some character set. */
bool ex_looks_like_text(const void *data, size_t len);

/*
 * Appends to b as much of len bytes at data as fits under its ceiling.
 * Returns CS_ELIMIT when some did not fit (b is then full to its ceiling,
 * so that ex_job_text() sees text past its limit and says so), CS_ENOMEM.
 */
cs_code ex_buf_fill(cs_buf *b, const void *data, size_t len);

/* --- job services the handlers of this module share ------------------ */

/*
 * Adds text to part, counting it against max_text; past the limit the
 * text is cut and part marked partial. Errors: CS_ENOMEM.
 */
cs_code ex_job_text(ex_job *job, size_t part, int page, const char *text,
		    size_t len);

/* The same for text that came from OCR, with its mean confidence. */
cs_code ex_job_ocr_text(ex_job *job, size_t part, int page, bool ocr,
			float confidence, const char *text, size_t len);

/* Bytes of text the document may still take. */
size_t ex_job_text_left(const ex_job *job);

/* Expanded bytes (see ex_job_charge) the document may still take. */
size_t ex_job_expand_left(const ex_job *job);

/*
 * Adds an embedded file that will not be read (encrypted, over a limit,
 * damaged) as a child part of parent with the given status and reason,
 * so that it shows in the document. Errors: CS_ENOMEM.
 */
cs_code ex_job_unread(ex_job *job, size_t parent, const char *name,
		      size_t size, ex_status status, const char *reason);

/* True when the document may take no more parts; marks part partial. */
bool ex_job_full(ex_job *job, size_t part);

/* --- reading containers under the limits (archive.c) ---------------- */

typedef struct ex_arc ex_arc;

/*
 * Opens len bytes at data (part of the job) as an archive with libarchive;
 * raw also accepts a single compressed stream as one member. NULL when
 * they are not an archive libarchive reads (part is then marked
 * unscannable) or on ENOMEM (*rc says which).
 */
ex_arc *ex_arc_open(ex_job *job, size_t part, const void *data, size_t len,
		    bool raw, cs_code *rc);
void ex_arc_free(ex_arc *a);

/*
 * Moves to the next member: 1 with its path in *name (valid until the
 * next call) and its size (0 when unknown), 0 at the end, -1 when the
 * archive is damaged (part marked partial with the damage named).
 */
int ex_arc_next(ex_arc *a, const char **name, size_t *size, bool *is_dir);

/* True when the current member is encrypted. */
bool ex_arc_encrypted(ex_arc *a);

/*
 * Reads the current member into out (reset first), at most cap bytes and
 * within the expansion ratio, the expanded-bytes budget and the wall time.
 * Returns CS_OK, or CS_ELIMIT / CS_ECORRUPT / CS_EENCRYPTED / CS_ETIMEOUT
 * with the reason in why (size bytes); CS_ENOMEM.
 */
cs_code ex_arc_read(ex_arc *a, cs_buf *out, size_t cap, char *why,
		    size_t size);

/* --- markup (markup.c) ---------------------------------------------- */

/*
 * Adds the text of len bytes of HTML in the character set cs (NULL: from
 * the document, else guessed) to part. Errors: CS_ENOMEM.
 */
cs_code ex_markup_html(ex_job *job, size_t part, const void *data, size_t len,
		       const char *cs);

/* --- the handlers --------------------------------------------------- */

extern const ex_handler ex_handler_text;
extern const ex_handler ex_handler_markup;
extern const ex_handler ex_handler_office;
extern const ex_handler ex_handler_rtf;
extern const ex_handler ex_handler_msword;
extern const ex_handler ex_handler_mail;
extern const ex_handler ex_handler_archive;
extern const ex_handler ex_handler_pdf;
extern const ex_handler ex_handler_image;

#endif
