/*
 * import_impl.h: what the pieces of `catscan rules import` share (the
 * official-text parser in import.c, the term derivation in import_derive.c,
 * the rule-file writer and curated overlay in import_pack.c, the
 * adjustment notices in import_amend.c). Nothing outside those files
 * includes this header; the public interface is import.h.
 */
#ifndef IM_IMPORT_IMPL_H
#define IM_IMPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cs.h"
#include "import.h"

/* Every loop over input is bounded by these (and by the input length). */
#define IM_MAX_TEXT (64u << 20) /* bytes of official text or a notice */
#define IM_MAX_LINES 1000000	/* lines of one text */
#define IM_MAX_ITEMS 5000	/* items of one catalogue */
#define IM_MAX_POINTS 200	/* control points of one item */
#define IM_MAX_PARAMS 32	/* parameter conditions of one point */
#define IM_MAX_GROUPS 4		/* concept groups of one derived point */
#define IM_MAX_MEMBERS 24	/* alternatives in one group */
#define IM_MAX_OUT (64u << 20)	/* bytes of a written pack */

/* ---- UTF-8 ------------------------------------------------------------- */

/* Decodes the character at s[i] (len bytes in all); returns its length in
 * bytes (1 for an invalid byte, which reads as U+FFFD). */
size_t im_u8(const char *s, size_t len, size_t i, uint32_t *cp);
/* A Han character (the CJK blocks). */
bool im_is_han(uint32_t cp);
/* A character that is laid out full width (Han, kana, CJK and full-width
 * punctuation): spaces between two of them are layout, not text. */
bool im_is_wide(uint32_t cp);
/* Characters (not bytes) in s. */
size_t im_chars(const char *s);

/* ---- the parsed Catalogue ------------------------------------------------ */

typedef struct ic_param {
	char *name; /* "density", "density-2": unique within the point */
	char *op;   /* ">=", ">", "<=", "<" or "in" */
	double value, value2; /* value2 only for "in" */
	char *unit; /* as the official text writes it, when qp_unit reads it */
	char *anchors; /* "粉体压实密度 | 压实密度" */
	char *source;  /* the threshold as written, for notes */
} ic_param;

typedef struct ic_point {
	int number; /* 0: the item's only control point, unnumbered */
	char *text; /* the official text, on one line */
	ic_param *params;
	size_t nparams;
	int line;
} ic_point;

typedef struct ic_item {
	char code[8];
	bool prohibited;
	char *name;	/* official name */
	char *industry; /* industry heading, NULL when none */
	int seq;	/* serial number (序号); 0 when none */
	ic_point *points;
	size_t npoints;
	int line;
	/* parser state */
	int style;	/* numbering style of the points */
	bool in_points; /* past the name, into the control points */
	char *pending;	/* control-point text before any number */
	int pending_line;
} ic_item;

struct im_catalogue {
	ic_item *items;
	size_t nitems;
	char **problems; /* "line N: ..." */
	size_t nproblems;
	bool oom;
};

/* Records a problem ("line N: message"); sets c->oom on failure. */
void im_problem_add(im_catalogue *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Finds the thresholds in an official control-point text and appends them
 * to pt->params. Problems (a comparison without a unit, a threshold with
 * no phrase to anchor it) go to c. Errors: CS_ENOMEM.
 */
cs_code im_point_params(im_catalogue *c, const char *code, ic_point *pt);

/* Cleans a line of extracted text: full-width digits and letters to ASCII,
 * every run of white space to one space, trimmed. Fresh string or NULL. */
char *im_clean(const char *s, size_t len);
/* Drops the spaces that layout put between full-width characters. In
 * place; returns s. */
char *im_tidy(char *s);

/* Parses one item block (a code, a name, numbered control points), as in
 * the Catalogue and in the adjustment notices that add an item. */
cs_code im_parse_block(const char *text, size_t len, int first_line,
		       bool prohibited_part, const char *industry,
		       im_catalogue *into, cs_error *err);

void im_item_clear(ic_item *it);

/* ---- derived terms ---------------------------------------------------------
 */

/*
 * Writes the statements of a derived rule for one control point (or, with
 * number < 0, for the item's subject, derived from its name): terms,
 * match and params. The example is written by the caller. Sets *fallback
 * when nothing distinctive was found: the rule is then the whole phrase
 * with a word of transfer (im_fallback_frame goes before the example).
 * Errors: CS_ENOMEM, CS_ELIMIT.
 */
cs_code im_derive_rule(const char *text, const char *name,
		       const ic_param *params, size_t nparams, cs_buf *out,
		       bool *fallback);

/* The fixed sentence every derived item uses as its counter-example. */
extern const char im_counter_text[];
/* What the generated example of a whole-phrase rule puts before the
 * official text, since such a rule needs a word of transfer. */
extern const char im_fallback_frame[];

/* ---- rule files as text
 * ------------------------------------------------------ */

/*
 * A rule pack held as lines, split into the pack header and items, each
 * item into its own lines and its points' lines. The overlay and the
 * notices edit packs at this level, so that everything a person wrote
 * (comments, notes, traditional-character terms) is kept as written.
 */
typedef struct tx_point {
	char *head;   /* "1", "?2" or "subject" */
	char **lines; /* from the `point` line on */
	size_t nlines;
} tx_point;

typedef struct tx_item {
	char *id;
	char **lines; /* from the `item` line to the first point */
	size_t nlines;
	tx_point *points;
	size_t npoints;
} tx_item;

typedef struct tx_pack {
	char **head; /* lines before the first item */
	size_t nhead;
	tx_item *items;
	size_t nitems;
} tx_pack;

/* Splits the sources into one tx_pack. Errors: CS_ENOMEM, CS_ELIMIT. */
cs_code tx_parse(const rl_source *src, size_t n, tx_pack *out, cs_error *err);
void tx_free(tx_pack *p);
/* The value of the first `kw` statement in lines, or NULL. Points into
 * the line. */
const char *tx_value(char **lines, size_t n, const char *kw);
/* Replaces (or, when absent, inserts after the first line) the `kw`
 * statement of an item or point; value NULL deletes it. */
cs_code tx_set(char ***lines, size_t *n, const char *kw, const char *value);
cs_code tx_add_line(char ***lines, size_t *n, const char *line);
cs_code tx_write(const tx_pack *p, cs_buf *out);
tx_item *tx_find(tx_pack *p, const char *id);

/* Item blocks written fresh from the official text. */
cs_code im_write_item(const ic_item *it, const char *since, cs_buf *out,
		      cs_buf *report);

#endif
