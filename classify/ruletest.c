/*
 * ruletest.c: the examples that every item carries, run as tests. A rule
 * that stops finding its own example, or starts firing on its own
 * counter-example, fails `catscan rules test` and so `make check`.
 */
#include <stdio.h>
#include <string.h>

#include "classify.h"
#include "rules_impl.h"

/* A date on which the item and the point are both in force: today, or
 * the day a wording that starts later starts, or the day before one that
 * has ended ends. */
static rl_date test_date(const rl_item *it, const rl_point *pt)
{
	rl_date d = rl_date_today();
	rl_date since = it->since;
	if (pt && pt->since != RL_NO_DATE && (since == RL_NO_DATE || pt->since > since))
		since = pt->since;
	if (since != RL_NO_DATE && d < since)
		d = since;
	rl_date until = it->until;
	if (pt && pt->until != RL_NO_DATE &&
	    (until == RL_NO_DATE || pt->until < until))
		until = pt->until;
	if (until != RL_NO_DATE && d >= until)
		d = until - 1;
	return d;
}

static bool example_passes(const rl_item *it,
			   const rl_example *ex, const cl_result *r,
			   char *why, size_t whylen)
{
	size_t n = cl_result_hit_count(r);
	sc_verdict want = it->conf == RL_UNVERIFIED ? SC_REVIEW
			  : it->cls == RL_PROHIBITED ? SC_PROHIBITED
						     : SC_RESTRICTED;
	sc_verdict best = SC_CLEAR;
	for (size_t i = 0; i < n; i++) {
		cl_hit_info h;
		cl_result_hit(r, i, &h);
		if (strcmp(h.item, it->id) != 0)
			continue;
		if (ex->kind == RL_EX_COUNTER) {
			snprintf(why, whylen, "counter-example hits %s (%s)", it->id,
				 sc_verdict_name(h.verdict));
			return false;
		}
		if (h.point_index == ex->point && h.verdict > best)
			best = h.verdict;
	}
	if (ex->kind == RL_EX_COUNTER)
		return true;
	if (ex->kind == RL_EX_MATCH && best != want) {
		snprintf(why, whylen, "example gives %s on its point, not %s",
			 sc_verdict_name(best), sc_verdict_name(want));
		return false;
	}
	if (ex->kind == RL_EX_REVIEW && best != SC_REVIEW) {
		snprintf(why, whylen, "example-review gives %s, not review",
			 sc_verdict_name(best));
		return false;
	}
	return true;
}

cs_code cl_pack_test(const rl_pack *k, cs_buf *report, size_t *passed,
		     size_t *failed, cs_error *err)
{
	cl_scanner *s = NULL;
	cs_code rc = cl_scanner_new(k, &s, err);
	if (rc != CS_OK)
		return rc;
	*passed = *failed = 0;
	for (size_t i = 0; i < k->nitems && rc == CS_OK; i++) {
		const rl_item *it = &k->items[i];
		for (size_t e = 0; e < it->nexamples && rc == CS_OK; e++) {
			const rl_example *ex = &it->examples[e];
			const rl_point *pt = ex->point >= 0
				? &k->points[it->first_point + (uint32_t)ex->point]
				: NULL;
			char date[11];
			rl_date_format(test_date(it, pt), date);
			ex_doc *doc = ex_doc_new();
			cl_result *r = NULL;
			if (!doc || ex_doc_add_part(doc, "example", "text/plain", 0, NULL) ||
			    ex_doc_add_text(doc, 0, 0, false, 0, ex->text,
					    strlen(ex->text))) {
				ex_doc_free(doc);
				rc = cs_fail(err, CS_ENOMEM, "rules test: out of memory");
				break;
			}
			rc = cl_classify(s, doc, date, &r, err);
			if (rc == CS_OK) {
				char why[256];
				if (example_passes(it, ex, r, why, sizeof why)) {
					(*passed)++;
				} else {
					(*failed)++;
					cs_buf_printf(report, "%s:%d: item %s: %s\n", ex->file,
						      ex->line, it->id, why);
				}
			}
			cl_result_free(r);
			ex_doc_free(doc);
		}
	}
	cl_scanner_free(s);
	return rc;
}
