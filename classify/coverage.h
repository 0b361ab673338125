/*
 * coverage.h: what a rule pack covers of the Catalogue, said plainly
 * (`catscan rules coverage`, `catscan status`, and the `catalogue` object
 * of every result).
 *
 * Counted over the items in force on a date, per class and per industry
 * heading: items in the edition, items with rules, with curated
 * (hand-written) terms, with derived terms only, with English terms, with
 * hand-written examples, with no known control point. The edition's count
 * per class and industry is known only when the pack holds the whole
 * edition (every item in force has its official code, as many as the
 * header's `items`): a pack imported from the official text. Otherwise
 * only the total is known, and the items without rules cannot be named.
 */
#ifndef CV_COVERAGE_H
#define CV_COVERAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cs.h"
#include "rules.h"

typedef struct cv_counts {
	long in_edition;   /* items of the edition; -1 when not known */
	size_t with_rules; /* items in force that have rules */
	size_t curated;	   /* ... with hand-written terms */
	size_t derived; /* ... with terms derived from the official text only */
	size_t english; /* ... with some English term */
	size_t examples;     /* ... with hand-written examples */
	size_t subject_only; /* ... with no known control point (a subject) */
	size_t official;     /* ... whose id is an official code */
} cv_counts;

/*
 * The totals alone, without allocating: what a result's `catalogue` object
 * and `catscan status` say about the pack (as_of as in cv_compute; a
 * malformed date counts as today). *complete tells whether the pack holds
 * the whole edition; complete may be NULL.
 */
void cv_count(const rl_pack *pack, const char *as_of, cv_counts *out,
	      bool *complete);

typedef struct cv_report cv_report;

/*
 * Counts the coverage of pack as of date as_of ("YYYY-MM-DD"; NULL: today
 * in China). The report borrows nothing from pack after it returns.
 * Errors: CS_EINVAL (a malformed date), CS_ENOMEM.
 */
cs_code cv_compute(const rl_pack *pack, const char *as_of, cv_report **out,
		   cs_error *err);
void cv_report_free(cv_report *r);

/* The totals; whether the pack holds the whole edition. */
void cv_total(const cv_report *r, cv_counts *c);
bool cv_complete(const cv_report *r);

/* Rows per class, then per industry within it: row i has its class
 * ("prohibited", "restricted") and industry (NULL for the class's own
 * row; "" for items without a heading). */
size_t cv_row_count(const cv_report *r);
void cv_row(const cv_report *r, size_t i, const char **cls,
	    const char **industry, cv_counts *c);

/* The report as readable text (appended to out). Errors: CS_ENOMEM,
 * CS_ELIMIT. */
cs_code cv_text(const cv_report *r, cs_buf *out);

/*
 * The report as JSON (a new reference the caller owns; NULL on ENOMEM):
 * the pack, the date, the totals, "classes" (each with its "industries"),
 * "items" (every item of the pack: id, code, class, name_zh, name_en,
 * industry_zh, points, params, derived, curated, english_terms, examples,
 * counters, confidence, since, until, in_force) and "without_rules".
 */
json_t *cv_json(const cv_report *r);

/*
 * The short form for results and status: items_in_edition,
 * items_with_rules, items_curated, items_derived, complete, and a note.
 * A new reference; NULL on ENOMEM.
 */
json_t *cv_summary_json(const cv_report *r);

#endif
