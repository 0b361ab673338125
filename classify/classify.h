/*
 * classify.h: a document's text segments against a compiled pack, as of a
 * date: hits with evidence, and a verdict.
 *
 * For each segment: normalise (normalize.h), one matcher pass for every
 * phrase of the pack (match.h), then per control point: drop term
 * occurrences inside excluded phrases, find the best window where the
 * point's groups meet its `match`, and check its parameter conditions on
 * the quantities near their anchors (quantity.h). A point keeps its best
 * hit over all segments. Points not in force on the as-of date are
 * evaluated too, but their hits are kept apart: they do not count towards
 * the verdict, and the result lists them as what another edition would
 * flag.
 */
#ifndef CL_CLASSIFY_H
#define CL_CLASSIFY_H

#include <jansson.h>

#include "cs.h"
#include "doc.h"
#include "rules.h"
#include "scan.h"

typedef struct cl_scanner cl_scanner;

/* One scanner per thread; it borrows pack, which must outlive it. */
cs_code cl_scanner_new(const rl_pack *pack, cl_scanner **out, cs_error *err);
void cl_scanner_free(cl_scanner *s);

typedef struct cl_result cl_result;

/*
 * Classifies doc as of date as_of ("YYYY-MM-DD"). Errors: CS_EINVAL (bad
 * date), CS_ENOMEM, CS_ELIMIT (text over the normaliser's limit),
 * CS_EBACKEND.
 */
cs_code cl_classify(cl_scanner *s, const ex_doc *doc, const char *as_of,
		    cl_result **out, cs_error *err);
void cl_result_free(cl_result *r);

/* The verdict from the hits alone (extraction status not considered). */
sc_verdict cl_result_verdict(const cl_result *r);
size_t cl_result_hit_count(const cl_result *r);

/*
 * True when a text held more occurrences of rule phrases than the
 * classifier keeps (a hostile text, one term repeated millions of times)
 * and was matched only up to there; *segment is the first such segment.
 */
bool cl_result_limited(const cl_result *r, size_t *segment);

/* Facts of hit i, for `rules test` and the tests. */
typedef struct cl_hit_info {
	const char *item;   /* id */
	int point_index;    /* within the item */
	sc_verdict verdict; /* the hit's own level */
} cl_hit_info;
void cl_result_hit(const cl_result *r, size_t i, cl_hit_info *info);

/*
 * The "hits" array and "catalogue" object of the result schema
 * (docs/result.md), as new references the caller owns.
 */
json_t *cl_result_hits_json(const cl_result *r, const ex_doc *doc);
json_t *cl_result_catalogue_json(const cl_result *r);
/*
 * Hits on points not in force on the as-of date (deleted before it, or
 * added after it): what another edition would flag. They do not count
 * towards the verdict.
 */
json_t *cl_result_other_editions_json(const cl_result *r, const ex_doc *doc);

/* The next step that verdict v calls for (DOMAIN.md §8). */
const char *cl_next_step(sc_verdict v);

/*
 * Runs every example and counter-example of every item of the pack (see
 * docs/rules.md), each as of a date on which its item and point are in
 * force. Appends one line per failure to report ("file:line: ...") and
 * counts. Errors: CS_ENOMEM and the classifier's errors; failures of
 * examples are findings, counted in *failed.
 */
cs_code cl_pack_test(const rl_pack *pack, cs_buf *report, size_t *passed,
		     size_t *failed, cs_error *err);

#endif
