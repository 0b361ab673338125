/*
 * import.h: building a rule pack from the official text of the Catalogue,
 * and keeping it current with the ministries' adjustment notices
 * (`catscan rules import`; the guide is docs/import.md).
 *
 * Three steps, each usable alone:
 *
 *   im_parse()        the official text (as extraction gives it: a PDF's
 *                     pages, an OCR'd scan, a .txt) into items: code, class,
 *                     industry heading, name, numbered control points, and
 *                     the numeric thresholds of each point. The parser keys
 *                     on the item codes and the point numbering, never on
 *                     line positions; every line it cannot place is listed
 *                     as a problem with its line number.
 *   im_write_pack()   those items as a rule pack, each control point with
 *                     match terms derived from its own wording (marked
 *                     `derived`), optionally overlaid with a curated pack:
 *                     hand-written terms add to the derived ones, and the
 *                     official text wins for names and control points.
 *   im_amend()        an adjustment notice (delete item X, add item Y,
 *                     change control point N of item Z) applied to a pack,
 *                     with `until` / `since` set to the notice's date.
 *
 * Nothing here prints or touches files: text in, text out.
 */
#ifndef IM_IMPORT_H
#define IM_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "cs.h"
#include "rules.h"

typedef struct im_catalogue im_catalogue;

/*
 * Parses len bytes of official Catalogue text (UTF-8; pages may be
 * separated by form feeds). On success *out owns the items found, even
 * when some lines could not be placed: those are problems to report
 * (im_problem), not errors. Errors: CS_ENOMEM, CS_ELIMIT (larger than
 * 64 MiB), CS_EINVAL (no item found at all).
 */
cs_code im_parse(const char *text, size_t len, im_catalogue **out,
		 cs_error *err);
void im_catalogue_free(im_catalogue *c);

size_t im_item_count(const im_catalogue *c);

typedef struct im_item_info {
	const char *code; /* "252604X" */
	const char *cls;  /* "prohibited" or "restricted" */
	const char *name_zh;
	const char *industry_zh; /* NULL when the text gave none */
	int seq;		 /* serial number (序号), 0 when none */
	size_t points, params;
	int line; /* where the item starts in the text */
} im_item_info;
void im_item(const im_catalogue *c, size_t i, im_item_info *info);

typedef struct im_point_info {
	int number; /* 1-based; 0 for a lone unnumbered point */
	const char *text_zh;
	size_t params;
} im_point_info;
void im_point(const im_catalogue *c, size_t item, size_t k,
	      im_point_info *info);

typedef struct im_param_info {
	const char *name;
	const char *op;	      /* ">=", ">", "<=", "<", "in" */
	double value, value2; /* value2 only for "in" */
	const char *unit;
	const char *anchors; /* "粉体压实密度 | 压实密度" */
} im_param_info;
void im_param(const im_catalogue *c, size_t item, size_t point, size_t k,
	      im_param_info *info);

/* The lines that could not be parsed, and other doubts: "line N: ...". */
size_t im_problem_count(const im_catalogue *c);
const char *im_problem(const im_catalogue *c, size_t i);

typedef struct im_options {
	const char *edition; /* YYYY-MM-DD from which the text is in force */
	const char *label;   /* edition label; NULL: "official text (DATE)" */
	const char *source_name;  /* what was imported, for the items' notes */
	const rl_source *curated; /* the curated overlay; ncurated 0: none */
	size_t ncurated;
} im_options;

typedef struct im_stats {
	size_t items, prohibited, restricted, points, params;
	size_t derived;		 /* items with derived terms only */
	size_t overlaid;	 /* items matched with a curated item */
	size_t by_code, by_name; /* ... of which matched by code, by name */
	size_t curated_kept;	 /* curated items with no counterpart, kept */
	size_t fallbacks;	 /* points matched by their whole phrase */
} im_stats;

/*
 * Writes the items of c as one rule file to out, overlaid with the curated
 * pack in opt (if any). Appends one line per thing a reviewer should know
 * to report (curated items kept without a counterpart, curated parameters
 * the official text does not have, points with no distinctive term).
 * stats may be NULL. The result still has to compile: the caller checks
 * it with rl_pack_compile. Errors: CS_EINVAL (bad edition date, curated
 * pack that does not parse), CS_ENOMEM, CS_ELIMIT.
 */
cs_code im_write_pack(const im_catalogue *c, const im_options *opt, cs_buf *out,
		      cs_buf *report, im_stats *stats, cs_error *err);

typedef struct im_amend_stats {
	size_t deleted, added, points_changed, points_added, points_deleted,
	    renamed;
	size_t unparsed; /* clauses naming a code that were not understood */
} im_amend_stats;

/*
 * Applies an adjustment notice (UTF-8 text of nlen bytes) to the pack
 * given as n sources, writing the amended pack as one rule file to out.
 * date is the day the notice takes effect; NULL takes the last date
 * written in the notice ("2025年7月15日"). Deleted items and points get
 * `until DATE`, added ones `since DATE`; a changed control point keeps its
 * number with the new text, and its previous text stays as an unnumbered
 * point in force until DATE. Every clause that names an item code but is
 * not understood is appended to report. Errors: CS_EINVAL (no date, or no
 * change found), CS_ENOMEM, CS_ELIMIT.
 */
cs_code im_amend(const rl_source *pack, size_t n, const char *notice,
		 size_t nlen, const char *date, cs_buf *out, cs_buf *report,
		 im_amend_stats *stats, cs_error *err);

#endif
