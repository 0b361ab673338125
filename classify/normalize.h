/*
 * normalize.h: the text the matcher sees, and the way back to the text the
 * user sent.
 *
 * Rules are written once, in one canonical form; documents arrive in every
 * form there is: full-width digits and letters, mixed case, traditional
 * characters, spaces that OCR and PDF extraction put between Chinese
 * characters, English words hyphenated across lines. nz_normalize() turns a
 * UTF-8 text into the canonical form:
 *
 *   - NFKC (full-width ASCII to half-width, compatibility characters such as
 *     ㎏ or ① to their plain forms);
 *   - case folding for Latin letters;
 *   - traditional Chinese characters mapped to simplified ones, one
 *     character to one character (so a term written either way matches);
 *   - every run of white space (including line breaks, NBSP, U+3000 and
 *     U+200B) becomes one space; white space at the start and the end, and
 *     between two CJK characters, is dropped. CJK here means ideographs,
 *     CJK punctuation (U+3001..U+303F), kana, and full-width punctuation,
 *     which counts as CJK even though NFKC makes it ASCII ("中 ，" -> "中,");
 *   - a word broken by a hyphen at the end of a line ("trans-\nmission") is
 *     joined again: a hyphen (or soft hyphen) right after a letter, then
 *     white space holding a line break, then a lower-case letter. A soft
 *     hyphen anywhere else is dropped;
 *   - invalid UTF-8 and NUL bytes become U+FFFD (one for each maximal
 *     invalid sequence), so the output is always valid UTF-8.
 *
 * Normalising normalised text changes nothing.
 *
 * The rule compiler passes every term through the same function, so terms
 * and documents always meet in the same form.
 *
 * Each output byte maps back to an input byte offset (nz_text_origin), so
 * evidence quotes the document as it was. The map is sparse: it stores a
 * breakpoint only where the distance between output and input offsets
 * changes, which for ordinary text is rare (plain ASCII or Chinese: none;
 * each full-width character, dropped space or joined hyphen: one). It
 * costs at most 8 bytes per output character (16 when the input passes
 * 2 GiB or max_out 4 GiB).
 */
#ifndef NZ_NORMALIZE_H
#define NZ_NORMALIZE_H

#include <stddef.h>

#include "cs.h"

typedef struct nz_text nz_text;

/*
 * Normalises len bytes at in (which may be NULL when len is 0). The output
 * may not exceed max_out bytes (CS_ELIMIT otherwise). On success *out owns
 * the result; free it with nz_text_free(). Errors: CS_EINVAL (out is NULL,
 * or in is NULL with len > 0), CS_ENOMEM, CS_ELIMIT.
 */
cs_code nz_normalize(const char *in, size_t len, size_t max_out, nz_text **out,
		     cs_error *err);

void nz_text_free(nz_text *t);

/*
 * For callers that normalise many texts in turn: an empty text (NULL on
 * ENOMEM) that nz_normalize_into() fills again and again, reusing its
 * buffers. Errors as nz_normalize(); after an error t holds an empty text.
 */
nz_text *nz_text_new(void);
cs_code nz_normalize_into(nz_text *t, const char *in, size_t len,
			  size_t max_out, cs_error *err);
/* Releases t's buffers (t stays usable, empty) when they hold more than
 * keep bytes, so one huge text does not pin its memory for good. */
void nz_text_trim(nz_text *t, size_t keep);

/* The normalised text, NUL-terminated; valid until nz_text_free(). */
const char *nz_text_data(const nz_text *t);
size_t nz_text_len(const nz_text *t);

/*
 * The input offset that output offset off came from. For off ==
 * nz_text_len(t) (or beyond) this is the input length, so
 * [origin(a), origin(b)) is the input span of the output span [a, b). The
 * origin never decreases as off grows. All bytes of a character that NFKC
 * made longer (㎏ -> "kg") map to the start of that character, and a span
 * takes in whatever was dropped between its last character and the next
 * one kept (a trailing space, a joined line break).
 */
size_t nz_text_origin(const nz_text *t, size_t off);

/*
 * Normalises a short string (a rule term) into a fresh NUL-terminated
 * string the caller frees with free(), exactly as nz_normalize() would.
 * NULL on ENOMEM (or a result over 4 GiB).
 */
char *nz_normalize_str(const char *s);

#endif
