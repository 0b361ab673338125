/*
 * classify.c: from matches to hits.
 *
 * The matcher reports every occurrence of every phrase of the pack. A
 * phrase may serve several points (and as a term, an exclusion or a
 * parameter anchor), so each occurrence is fanned out through the
 * phrase's refs into per-point events, sorted by point and position.
 * Each point's events are then read in one pass: exclusion spans first,
 * then a sliding window (two pointers, bounded by the point's `within`)
 * over the surviving term events, keeping per group a count, so the best
 * window is found in time linear in the events. Parameter anchors look
 * for quantities in a small slice of text around them only, so the
 * quantity parser never reads the whole document.
 *
 * Window sizes are in characters, so the positions of events are counted
 * in characters once per segment, walking the text between consecutive
 * events in order.
 */
#include "classify.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "match.h"
#include "normalize.h"
#include "quantity.h"
#include "rules_impl.h"

/* Text of one segment the normaliser may produce: the extraction limit. */
#define CL_MAX_TEXT ((size_t)1 << 30)
/* Quantities looked at around one anchor. */
#define CL_MAX_QUANTITIES 32
/* Occurrences kept per segment; past it the segment is matched no further
 * (a hostile text made of one term repeated): the evidence already found
 * stands, and the result says which text was cut (cl_result_limited). */
#define CL_MAX_OCCURRENCES (1u << 22)
/* Normalised text a scanner keeps allocated between segments: enough for
 * the pages of ordinary documents; a larger one is released after use. */
#define CL_KEEP_TEXT ((size_t)16 << 20)
enum { OCC_ALL = 0, OCC_LIMIT, OCC_NOMEM };

/* Bytes of context on each side of the evidence. */
#define CL_CONTEXT 80

typedef struct occ {
	uint32_t pattern;
	size_t start, end;   /* bytes in the normalised text */
	size_t cstart, cend; /* characters */
} occ;

typedef struct event {
	uint32_t point;
	uint16_t kind, index;
	uint32_t occ;
} event;

typedef struct param_state {
	bool found, met;
	double lo, hi;         /* base units */
	size_t seg;
	size_t ostart, oend;   /* original offsets of the quantity */
} param_state;

typedef struct point_state {
	int level;             /* 0 none, 1 partial (review), 2 match */
	int score;
	size_t seg;
	size_t ostart, oend;   /* original offsets of the window */
	uint32_t term_pat[RL_MAX_GROUPS]; /* pattern that fired, per group */
	uint64_t groups_fired; /* bit per group */
} point_state;

struct cl_scanner {
	const rl_pack *pack;
	mt_scratch *scratch;
	nz_text *nt;           /* normalised segment, buffers reused */
	occ *occs;
	size_t nocc, capocc;
	int occ_stop;          /* why the match pass stopped early: OCC_* */
	long limited_seg;      /* first segment cut by CL_MAX_OCCURRENCES, or -1 */
	event *evs;
	size_t nev, capev;
	size_t *terms;         /* per point: indexes of its surviving term events */
	size_t *point_count;   /* counting sort of events by point */
	size_t *point_anchors; /* anchor events per point in this segment */
	bool *point_viable;    /* point can hit in this segment */
	uint64_t *point_groups; /* groups with occurrences in this segment */
	const char *text;      /* the segment being scanned */
	size_t textlen;
	point_state *points;
	param_state *params;   /* pack-wide: point's first param at param_base */
	size_t *param_base;
	size_t nparams_total;
};

typedef struct cl_hit {
	uint32_t point;
	sc_verdict verdict;
	const char *reason;
} cl_hit;

struct cl_result {
	const rl_pack *pack;
	char as_of[11];
	cl_hit *hits;
	size_t nhits;
	cl_hit *other;         /* hits on points not in force on the date */
	size_t nother;
	point_state *points;   /* copies of the states of the hit points */
	param_state *params;
	size_t *param_base;
	long limited_seg;
};

cs_code cl_scanner_new(const rl_pack *pack, cl_scanner **out, cs_error *err)
{
	cl_scanner *s = calloc(1, sizeof *s);
	if (!s)
		return cs_fail(err, CS_ENOMEM, "classifier: out of memory");
	s->pack = pack;
	s->points = calloc(pack->npoints, sizeof *s->points);
	s->param_base = calloc(pack->npoints + 1, sizeof *s->param_base);
	s->point_count = calloc(pack->npoints + 1, sizeof *s->point_count);
	s->point_viable = calloc(pack->npoints + 1, sizeof *s->point_viable);
	s->point_groups = calloc(pack->npoints + 1, sizeof *s->point_groups);
	s->point_anchors = calloc(pack->npoints + 1, sizeof *s->point_anchors);
	s->nt = nz_text_new();
	if (!s->points || !s->param_base || !s->point_count || !s->point_viable ||
	    !s->point_groups || !s->point_anchors || !s->nt)
		goto oom;
	for (size_t i = 0; i < pack->npoints; i++) {
		s->param_base[i] = s->nparams_total;
		s->nparams_total += pack->points[i].nparams;
	}
	s->param_base[pack->npoints] = s->nparams_total;
	s->params = calloc(s->nparams_total + 1, sizeof *s->params);
	if (!s->params)
		goto oom;
	cs_code rc = mt_scratch_new(pack->db, &s->scratch, err);
	if (rc != CS_OK) {
		cl_scanner_free(s);
		return rc;
	}
	*out = s;
	return CS_OK;
oom:
	cl_scanner_free(s);
	return cs_fail(err, CS_ENOMEM, "classifier: out of memory");
}

void cl_scanner_free(cl_scanner *s)
{
	if (!s)
		return;
	mt_scratch_free(s->scratch);
	nz_text_free(s->nt);
	free(s->occs);
	free(s->evs);
	free(s->terms);
	free(s->point_count);
	free(s->point_viable);
	free(s->point_groups);
	free(s->point_anchors);
	free(s->points);
	free(s->params);
	free(s->param_base);
	free(s);
}

/* ---- matching one segment ------------------------------------------------ */

static bool word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* Latin phrases match whole words; a plural s/es after them is accepted. */
static bool at_word_edges(const char *t, size_t len, size_t start, size_t end,
			  const rl_pattern *p)
{
	if (p->word_start && start > 0 && word_byte((unsigned char)t[start - 1]))
		return false;
	if (p->word_end && end < len && word_byte((unsigned char)t[end])) {
		size_t e = end;
		if (t[e] == 'e' && e + 1 < len && t[e + 1] == 's')
			e++;
		if (t[e] != 's')
			return false;
		if (e + 1 < len && word_byte((unsigned char)t[e + 1]))
			return false;
	}
	return true;
}

static int on_match(unsigned id, size_t end, void *ctx)
{
	cl_scanner *s = ctx;
	const rl_pattern *p = &s->pack->patterns[id];
	size_t start = end - p->len;
	if (!at_word_edges(s->text, s->textlen, start, end, p))
		return 0;
	if (s->nocc == s->capocc) {
		if (s->nocc >= CL_MAX_OCCURRENCES) {
			s->occ_stop = OCC_LIMIT;
			return 1;
		}
		size_t cap = s->capocc ? s->capocc * 2 : 256;
		occ *q = realloc(s->occs, cap * sizeof *q);
		if (!q) {
			s->occ_stop = OCC_NOMEM;
			return 1;
		}
		s->occs = q;
		s->capocc = cap;
	}
	s->occs[s->nocc++] = (occ){id, start, end, 0, 0};
	return 0;
}

static bool occ_before(const occ *x, const occ *y)
{
	return x->start < y->start || (x->start == y->start && x->end < y->end);
}

/*
 * Hyperscan reports matches in order of their end, so ordered by start
 * they are out of place only among matches ending within one phrase length
 * of each other: insertion sort moves each a short way, in linear time on
 * real text (a general sort here cost more than the whole match pass).
 */
static void sort_occurrences(occ *o, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		occ v = o[i];
		size_t j = i;
		while (j > 0 && occ_before(&v, &o[j - 1])) {
			o[j] = o[j - 1];
			j--;
		}
		o[j] = v;
	}
}


/* Characters (UTF-8 lead bytes) in t[a, b), eight bytes at a time. */
static size_t chars_between(const char *t, size_t a, size_t b)
{
	size_t n = 0;
	for (; a < b && (a & 7); a++)
		n += ((unsigned char)t[a] & 0xC0) != 0x80;
	for (; a + 8 <= b; a += 8) {
		uint64_t x;
		memcpy(&x, t + a, 8);
		/* continuation bytes: top bit set, next bit clear */
		uint64_t cont = x & ~(x << 1) & 0x8080808080808080ULL;
		/* one bit per byte at bit 7: a multiply sums them into the top byte */
		n += 8 - (size_t)(((cont >> 7) * 0x0101010101010101ULL) >> 56);
	}
	for (; a < b; a++)
		n += ((unsigned char)t[a] & 0xC0) != 0x80;
	return n;
}

static void count_chars(cl_scanner *s)
{
	size_t pos = 0, chars = 0;
	for (size_t i = 0; i < s->nocc; i++) {
		occ *o = &s->occs[i];
		chars += chars_between(s->text, pos, o->start);
		pos = o->start;
		o->cstart = chars;
		o->cend = chars + s->pack->patterns[o->pattern].chars;
	}
}

static bool in_force(rl_date since, rl_date until, rl_date d)
{
	return (since == RL_NO_DATE || since <= d) &&
	       (until == RL_NO_DATE || d < until);
}

static bool point_in_force(const rl_pack *k, const rl_point *pt, rl_date d)
{
	const rl_item *it = &k->items[pt->item];
	return in_force(it->since, it->until, d) &&
	       in_force(pt->since, pt->until, d);
}

/*
 * Whether point pi can give a hit in this segment, from the groups it has
 * occurrences of: enough distinct groups for its `match`, or enough weight
 * for its `review`. Generic process words ("技术", "process") occur in
 * almost every document and feed dozens of points; most of those points
 * have no subject term in the segment and are dropped here, before their
 * events are placed and read.
 */
static bool viable(const rl_point *pt, uint64_t groups)
{
	if (__builtin_popcountll(groups) >= pt->need_n)
		return true;
	if (!pt->review)
		return false;
	int weight = 0;
	for (size_t g = 0; g < pt->ngroups; g++)
		if (groups & (1ULL << g))
			weight += pt->groups[g].weight;
	return weight >= pt->review;
}

static bool keep_event(const cl_scanner *s, const rl_ref *ref)
{
	return ref->kind == RL_REF_ANCHOR || s->point_viable[ref->point];
}

/*
 * Fans each occurrence out to the points that use its phrase, grouped by
 * point (a counting sort: one pass to count, one to place), each point's
 * events in text order because occurrences are.
 */
static cs_code fan_out(cl_scanner *s)
{
	const rl_pack *k = s->pack;
	size_t *count = s->point_count;
	size_t *anchors = s->point_anchors;
	uint64_t *groups = s->point_groups;
	memset(count, 0, (k->npoints + 1) * sizeof *count);
	memset(anchors, 0, k->npoints * sizeof *anchors);
	memset(groups, 0, k->npoints * sizeof *groups);
	/* one pass counts each point's events and learns its groups */
	for (size_t i = 0; i < s->nocc; i++) {
		const rl_pattern *p = &k->patterns[s->occs[i].pattern];
		for (uint32_t r = 0; r < p->nrefs; r++) {
			const rl_ref *ref = &k->refs[p->first_ref + r];
			if (ref->kind == RL_REF_ANCHOR) {
				anchors[ref->point]++;
				continue;
			}
			count[ref->point + 1]++;
			if (ref->kind == RL_REF_GROUP)
				groups[ref->point] |= 1ULL << ref->index;
		}
	}
	size_t total = 0;
	for (size_t pi = 0; pi < k->npoints; pi++) {
		s->point_viable[pi] = groups[pi] && viable(&k->points[pi], groups[pi]);
		if (!s->point_viable[pi])
			count[pi + 1] = 0;
		count[pi + 1] += anchors[pi];
		total += count[pi + 1];
	}
	if (total > s->capev) {
		event *q = realloc(s->evs, total * sizeof *q);
		if (!q)
			return CS_ENOMEM;
		s->evs = q;
		size_t *t = realloc(s->terms, total * sizeof *t);
		if (!t)
			return CS_ENOMEM;
		s->terms = t;
		s->capev = total;
	}
	for (size_t pi = 0; pi < k->npoints; pi++)
		count[pi + 1] += count[pi];
	for (size_t i = 0; i < s->nocc; i++) {
		const rl_pattern *p = &k->patterns[s->occs[i].pattern];
		for (uint32_t r = 0; r < p->nrefs; r++) {
			const rl_ref *ref = &k->refs[p->first_ref + r];
			if (keep_event(s, ref))
				s->evs[count[ref->point]++] = (event){
					ref->point, ref->kind, ref->index, (uint32_t)i};
		}
	}
	s->nev = total;
	return CS_OK;
}

/* ---- points ---------------------------------------------------------------- */

static bool need_met(const rl_point *pt, int distinct)
{
	return distinct >= pt->need_n;
}

/* Keeps the better of the state found so far and a new one. */
static void offer(point_state *best, const point_state *cand)
{
	if (cand->level > best->level ||
	    (cand->level == best->level && cand->score > best->score))
		*best = *cand;
}

static void eval_point(cl_scanner *s, const nz_text *nt, size_t seg,
		       uint32_t pi, const event *ev, size_t n)
{
	const rl_point *pt = &s->pack->points[pi];
	int count[RL_MAX_GROUPS] = {0};
	int distinct = 0, score = 0;
	size_t lo = 0;
	size_t window = pt->within ? (size_t)pt->within : SIZE_MAX;

	/* Term events that no exclusion covers. Events come in text order,
	 * so one sweep keeps the furthest end of the exclusions begun so far:
	 * a term is covered when that end reaches past it. */
	size_t nterms = 0, x = 0, covered_to = 0;
	bool any_exclusion = false;
	for (size_t i = 0; i < n; i++) {
		if (ev[i].kind != RL_REF_GROUP)
			continue;
		const occ *o = &s->occs[ev[i].occ];
		for (; x < n && s->occs[ev[x].occ].start <= o->start; x++) {
			if (ev[x].kind != RL_REF_EXCLUDE)
				continue;
			const occ *e = &s->occs[ev[x].occ];
			if (!any_exclusion || e->end > covered_to)
				covered_to = e->end;
			any_exclusion = true;
		}
		if (any_exclusion && covered_to >= o->end)
			continue;
		s->terms[nterms++] = i;
	}
	const size_t *terms = s->terms;

	point_state best = {0};
	for (size_t hi = 0; hi < nterms; hi++) {
		const event *e = &ev[terms[hi]];
		const occ *o = &s->occs[e->occ];
		if (count[e->index]++ == 0) {
			distinct++;
			score += pt->groups[e->index].weight;
		}
		while (lo < hi && o->cend - s->occs[ev[terms[lo]].occ].cstart > window) {
			const event *l = &ev[terms[lo++]];
			if (--count[l->index] == 0) {
				distinct--;
				score -= pt->groups[l->index].weight;
			}
		}
		int level = need_met(pt, distinct) ? 2
			    : (pt->review && score >= pt->review) ? 1 : 0;
		if (level == 0 || level < best.level ||
		    (level == best.level && score <= best.score))
			continue;
		point_state cand = {.level = level, .score = score, .seg = seg};
		size_t wstart = SIZE_MAX, wend = 0;
		for (size_t k = lo; k <= hi; k++) {
			const event *w = &ev[terms[k]];
			const occ *wo = &s->occs[w->occ];
			if (wo->start < wstart)
				wstart = wo->start;
			if (wo->end > wend)
				wend = wo->end;
			if (!(cand.groups_fired & (1ULL << w->index))) {
				cand.groups_fired |= 1ULL << w->index;
				cand.term_pat[w->index] = wo->pattern;
			}
		}
		cand.ostart = nz_text_origin(nt, wstart);
		cand.oend = nz_text_origin(nt, wend);
		best = cand;
	}
	offer(&s->points[pi], &best);
}

static bool cmp_met(const rl_param *pa, double lo, double hi)
{
	double eps = 1e-9 * fmax(fabs(pa->lo), fabs(pa->hi));
	switch ((rl_cmp)pa->cmp) {
	case RL_GE:
		return hi >= pa->lo - eps;
	case RL_GT:
		return hi > pa->lo + eps;
	case RL_LE:
		return lo <= pa->lo + eps;
	case RL_LT:
		return lo < pa->lo - eps;
	case RL_IN:
		return hi >= pa->lo - eps && lo <= pa->hi + eps;
	}
	return false;
}

/* Steps back (or forward) n characters from byte offset at. */
static size_t back_chars(const char *t, size_t at, size_t n)
{
	while (at > 0 && n > 0) {
		at--;
		if (((unsigned char)t[at] & 0xC0) != 0x80)
			n--;
	}
	return at;
}

static size_t fwd_chars(const char *t, size_t len, size_t at, size_t n)
{
	while (at < len && n > 0) {
		at++;
		while (at < len && ((unsigned char)t[at] & 0xC0) == 0x80)
			at++;
		n--;
	}
	return at;
}

static void eval_param(cl_scanner *s, const nz_text *nt, size_t seg,
		       uint32_t pi, const event *e)
{
	const rl_param *pa = &s->pack->points[pi].params[e->index];
	param_state *st = &s->params[s->param_base[pi] + e->index];
	if (st->met)
		return;
	const occ *o = &s->occs[e->occ];
	size_t from = back_chars(s->text, o->start, (size_t)pa->within);
	size_t to = fwd_chars(s->text, s->textlen, o->end, (size_t)pa->within);
	qp_quantity q[CL_MAX_QUANTITIES];
	size_t n = qp_scan(s->text + from, to - from, q, CS_ARRAY_LEN(q));
	if (n > CS_ARRAY_LEN(q))
		n = CS_ARRAY_LEN(q);
	for (size_t i = 0; i < n; i++) {
		if (q[i].dim != pa->dim)
			continue;
		bool met = cmp_met(pa, q[i].lo, q[i].hi);
		if (st->found && !met)
			continue;
		*st = (param_state){
			.found = true,
			.met = met,
			.lo = q[i].lo,
			.hi = q[i].hi,
			.seg = seg,
			.ostart = nz_text_origin(nt, from + q[i].start),
			.oend = nz_text_origin(nt, from + q[i].end),
		};
		if (met)
			return;
	}
}

static cs_code scan_segment(cl_scanner *s, const ex_segment *sg, size_t seg,
			    cs_error *err)
{
	nz_text *nt = s->nt;
	cs_code rc = nz_normalize_into(nt, sg->text, sg->len, CL_MAX_TEXT, err);
	if (rc != CS_OK)
		return rc;
	s->text = nz_text_data(nt);
	s->textlen = nz_text_len(nt);
	s->nocc = 0;
	s->occ_stop = OCC_ALL;
	rc = mt_scan(s->pack->db, s->scratch, s->text, s->textlen, on_match, s,
		     err);
	if (rc != CS_OK)
		goto done;
	if (s->occ_stop == OCC_NOMEM) {
		rc = cs_fail(err, CS_ENOMEM, "classifier: out of memory");
		goto done;
	}
	/* what was found before the limit still counts; the cut is reported */
	if (s->occ_stop == OCC_LIMIT && s->limited_seg < 0)
		s->limited_seg = (long)seg;
	sort_occurrences(s->occs, s->nocc);
	count_chars(s);
	if (fan_out(s) != CS_OK) {
		rc = cs_fail(err, CS_ENOMEM, "classifier: out of memory");
		goto done;
	}
	for (size_t i = 0; i < s->nev;) {
		size_t j = i;
		while (j < s->nev && s->evs[j].point == s->evs[i].point)
			j++;
		eval_point(s, nt, seg, s->evs[i].point, &s->evs[i], j - i);
		for (size_t k = i; k < j; k++)
			if (s->evs[k].kind == RL_REF_ANCHOR)
				eval_param(s, nt, seg, s->evs[k].point, &s->evs[k]);
		i = j;
	}
done:
	s->text = NULL;
	nz_text_trim(nt, CL_KEEP_TEXT);
	return rc;
}

/* ---- results ------------------------------------------------------------------ */

static int cmp_hit(const void *a, const void *b)
{
	const cl_hit *x = a, *y = b;
	if (x->verdict != y->verdict)
		return x->verdict > y->verdict ? -1 : 1;
	return x->point < y->point ? -1 : x->point > y->point;
}

/*
 * Every point is evaluated, in force on the date or not: a hit on a point
 * of another edition does not count towards the verdict, but the result
 * says that another edition would answer differently (DOMAIN.md §8).
 */
static cs_code collect(cl_scanner *s, cl_result *r, rl_date d)
{
	const rl_pack *k = s->pack;
	r->hits = calloc(k->npoints ? k->npoints : 1, sizeof *r->hits);
	r->other = calloc(k->npoints ? k->npoints : 1, sizeof *r->other);
	r->points = malloc((k->npoints ? k->npoints : 1) * sizeof *r->points);
	r->params = malloc((s->nparams_total + 1) * sizeof *r->params);
	r->param_base = malloc((k->npoints + 1) * sizeof *r->param_base);
	if (!r->hits || !r->other || !r->points || !r->params || !r->param_base)
		return CS_ENOMEM;
	memcpy(r->points, s->points, k->npoints * sizeof *r->points);
	memcpy(r->params, s->params, s->nparams_total * sizeof *r->params);
	memcpy(r->param_base, s->param_base, (k->npoints + 1) * sizeof *r->param_base);
	for (uint32_t pi = 0; pi < k->npoints; pi++) {
		const point_state *ps = &s->points[pi];
		if (ps->level == 0)
			continue;
		const rl_point *pt = &k->points[pi];
		const rl_item *it = &k->items[pt->item];
		cl_hit h = {.point = pi, .verdict = SC_REVIEW};
		if (ps->level == 1) {
			h.reason = "partial evidence: the point's terms are not all "
				   "present together";
		} else {
			bool params_met = true, params_found = true;
			for (size_t a = 0; a < pt->nparams; a++) {
				const param_state *st = &s->params[s->param_base[pi] + a];
				params_met &= st->met;
				params_found &= st->found;
			}
			if (!params_found)
				h.reason = "a parameter condition has no value in the text";
			else if (!params_met)
				h.reason = "a parameter is below its threshold";
			else if (it->conf == RL_UNVERIFIED)
				h.reason = "the item is unverified: it may not be in the "
					   "current edition";
			else
				h.verdict = it->cls == RL_PROHIBITED ? SC_PROHIBITED
								     : SC_RESTRICTED;
		}
		if (point_in_force(k, pt, d))
			r->hits[r->nhits++] = h;
		else
			r->other[r->nother++] = h;
	}
	qsort(r->hits, r->nhits, sizeof *r->hits, cmp_hit);
	qsort(r->other, r->nother, sizeof *r->other, cmp_hit);
	return CS_OK;
}

cs_code cl_classify(cl_scanner *s, const ex_doc *doc, const char *as_of,
		    cl_result **out, cs_error *err)
{
	rl_date d;
	cs_code rc = CS_OK;
	if (as_of) {
		if (!rl_date_parse(as_of, &d))
			return cs_fail(err, CS_EINVAL,
				       "as-of date '%s' is not YYYY-MM-DD", as_of);
	} else {
		d = rl_date_today();
	}
	const rl_pack *k = s->pack;
	memset(s->points, 0, k->npoints * sizeof *s->points);
	s->limited_seg = -1;
	memset(s->params, 0, s->nparams_total * sizeof *s->params);

	cl_result *r = calloc(1, sizeof *r);
	if (!r)
		return cs_fail(err, CS_ENOMEM, "classifier: out of memory");
	r->pack = k;
	rl_date_format(d, r->as_of);
	for (size_t i = 0; i < ex_doc_segment_count(doc); i++) {
		rc = scan_segment(s, ex_doc_segment(doc, i), i, err);
		if (rc != CS_OK)
			goto done;
	}
	r->limited_seg = s->limited_seg;
	if (collect(s, r, d) != CS_OK)
		rc = cs_fail(err, CS_ENOMEM, "classifier: out of memory");
done:
	if (rc != CS_OK) {
		cl_result_free(r);
		return rc;
	}
	*out = r;
	return CS_OK;
}

void cl_result_free(cl_result *r)
{
	if (!r)
		return;
	free(r->hits);
	free(r->other);
	free(r->points);
	free(r->params);
	free(r->param_base);
	free(r);
}

sc_verdict cl_result_verdict(const cl_result *r)
{
	sc_verdict v = SC_CLEAR;
	for (size_t i = 0; i < r->nhits; i++)
		if (r->hits[i].verdict > v)
			v = r->hits[i].verdict;
	return v;
}

bool cl_result_limited(const cl_result *r, size_t *segment)
{
	if (r->limited_seg < 0)
		return false;
	*segment = (size_t)r->limited_seg;
	return true;
}

size_t cl_result_hit_count(const cl_result *r)
{
	return r->nhits;
}

void cl_result_hit(const cl_result *r, size_t i, cl_hit_info *info)
{
	const rl_point *pt = &r->pack->points[r->hits[i].point];
	const rl_item *it = &r->pack->items[pt->item];
	info->item = it->id;
	info->point_index = (int)(r->hits[i].point - it->first_point);
	info->verdict = r->hits[i].verdict;
}

const char *cl_next_step(sc_verdict v)
{
	switch (v) {
	case SC_PROHIBITED:
		return "Stop: prohibited technology may not be exported by any route. "
		       "Do not negotiate, sign or send; escalate to legal.";
	case SC_RESTRICTED:
		return "Stop substantive negotiation until the provincial commerce "
		       "department issues a Letter of Intent on Technology Export "
		       "Licensing; sign within its validity; transfer nothing before "
		       "the Technology Export Licence is issued.";
	case SC_REVIEW:
		return "Have an expert review the evidence before the document leaves: "
		       "it may describe listed technology.";
	case SC_UNSCANNABLE:
		return "The document could not be read in full: review it by hand; do "
		       "not treat it as clear.";
	case SC_CLEAR:
		break;
	}
	return "No listed technology found: a technology export contract is "
	       "registered within 60 days of taking effect; still check the "
	       "dual-use list, data and secrecy rules.";
}

/* ---- JSON ---------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at t[0..avail), or 0. */
static size_t utf8_seq(const unsigned char *t, size_t avail)
{
	unsigned char c = t[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c > 0 && c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0; /* overlong */
	else if (c == 0xED)
		hi = 0x9F; /* surrogates */
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (n > avail || t[1] < lo || t[1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++)
		if ((t[k] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* A valid-UTF-8 copy of t[a, b), with invalid bytes as U+FFFD. */
static json_t *json_text(const char *t, size_t a, size_t b)
{
	cs_buf out;
	cs_buf_init(&out, (b - a) * 3 + 16);
	for (size_t i = a; i < b;) {
		size_t n = utf8_seq((const unsigned char *)t + i, b - i);
		if (n) {
			cs_buf_add(&out, t + i, n);
			i += n;
		} else {
			cs_buf_add(&out, "\xEF\xBF\xBD", 3);
			i++;
		}
	}
	json_t *j = json_stringn(out.data ? out.data : "", out.len);
	cs_buf_free(&out);
	return j;
}

static size_t utf8_floor(const char *t, size_t at)
{
	while (at > 0 && ((unsigned char)t[at] & 0xC0) == 0x80)
		at--;
	return at;
}

static json_t *evidence_json(const cl_result *r, const ex_doc *doc,
			     uint32_t pi)
{
	const point_state *ps = &r->points[pi];
	const rl_point *pt = &r->pack->points[pi];
	const ex_segment *sg = ex_doc_segment(doc, ps->seg);
	const ex_part *part = sg ? ex_doc_part(doc, sg->part) : NULL;
	json_t *ev = json_object();
	if (!sg)
		return ev;
	size_t a = ps->ostart > CL_CONTEXT ? ps->ostart - CL_CONTEXT : 0;
	size_t b = ps->oend + CL_CONTEXT < sg->len ? ps->oend + CL_CONTEXT : sg->len;
	a = utf8_floor(sg->text, a);
	b = utf8_floor(sg->text, b);
	if (b < ps->oend)
		b = ps->oend;
	json_object_set_new(ev, "text", json_text(sg->text, ps->ostart, ps->oend));
	json_object_set_new(ev, "snippet", json_text(sg->text, a, b));
	json_object_set_new(ev, "start", json_integer((json_int_t)ps->ostart));
	json_object_set_new(ev, "end", json_integer((json_int_t)ps->oend));
	json_object_set_new(ev, "part", json_string(part ? part->path : ""));
	json_object_set_new(ev, "page", json_integer(sg->page));
	json_object_set_new(ev, "ocr", json_boolean(sg->ocr));
	if (sg->ocr)
		json_object_set_new(ev, "ocr_confidence",
				    json_real(sg->ocr_confidence));
	json_t *terms = json_array();
	for (size_t g = 0; g < pt->ngroups; g++)
		if (ps->groups_fired & (1ULL << g))
			json_array_append_new(
				terms,
				json_string(r->pack->patterns[ps->term_pat[g]].text));
	json_object_set_new(ev, "terms", terms);
	return ev;
}

static const char *cmp_name(rl_cmp c)
{
	static const char *const names[] = {">=", ">", "<=", "<", "in"};
	return names[c];
}

static json_t *params_json(const cl_result *r, const ex_doc *doc, uint32_t pi)
{
	const rl_point *pt = &r->pack->points[pi];
	json_t *arr = json_array();
	for (size_t a = 0; a < pt->nparams; a++) {
		const rl_param *pa = &pt->params[a];
		const param_state *st = &r->params[r->param_base[pi] + a];
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(pa->name));
		json_object_set_new(o, "op", json_string(cmp_name(pa->cmp)));
		if (pa->cmp == RL_IN) {
			json_t *range = json_array();
			json_array_append_new(range, json_real(pa->value));
			json_array_append_new(range, json_real(pa->value2));
			json_object_set_new(o, "threshold", range);
		} else {
			json_object_set_new(o, "threshold", json_real(pa->value));
		}
		json_object_set_new(o, "unit", json_string(pa->unit));
		json_object_set_new(o, "met", json_boolean(st->met));
		if (st->found) {
			const ex_segment *sg = ex_doc_segment(doc, st->seg);
			json_object_set_new(o, "found",
					    sg ? json_text(sg->text, st->ostart, st->oend)
					       : json_null());
			/* back into the rule's unit, so reviewers compare like
			 * with like */
			double lo = (st->lo - pa->offset) / pa->scale;
			double hi = (st->hi - pa->offset) / pa->scale;
			json_object_set_new(o, "value",
					    isfinite(lo) && lo == hi ? json_real(lo)
						: isfinite(hi) ? json_real(hi)
							       : json_real(lo));
		} else {
			json_object_set_new(o, "found", json_null());
			json_object_set_new(o, "value", json_null());
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* What every hit says first: the item, its class, the point, the level. */
static json_t *hit_head(const rl_item *it, const rl_point *pt, const cl_hit *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "item", json_string(it->id));
	json_object_set_new(o, "code", it->official ? json_string(it->id)
						    : json_null());
	json_object_set_new(o, "name_zh", str_or_null(it->name_zh));
	json_object_set_new(o, "name_en", str_or_null(it->name_en));
	json_object_set_new(o, "class", json_string(rl_class_name(it->cls)));
	json_object_set_new(o, "verdict", json_string(sc_verdict_name(h->verdict)));
	json_object_set_new(o, "point", pt->number ? json_integer(pt->number)
						   : json_null());
	return o;
}

json_t *cl_result_hits_json(const cl_result *r, const ex_doc *doc)
{
	json_t *hits = json_array();
	for (size_t i = 0; i < r->nhits; i++) {
		const cl_hit *h = &r->hits[i];
		const rl_point *pt = &r->pack->points[h->point];
		const rl_item *it = &r->pack->items[pt->item];
		const point_state *ps = &r->points[h->point];
		json_t *o = hit_head(it, pt, h);
		json_object_set_new(o, "industry", str_or_null(it->industry_zh));
		json_object_set_new(o, "point_text", str_or_null(pt->text_zh));
		json_object_set_new(o, "point_text_en", str_or_null(pt->text_en));
		json_object_set_new(o, "score", json_integer(ps->score));
		json_object_set_new(o, "confidence", json_string(rl_conf_name(it->conf)));
		json_object_set_new(o, "evidence", evidence_json(r, doc, h->point));
		json_object_set_new(o, "params", params_json(r, doc, h->point));
		json_object_set_new(o, "reason", str_or_null(h->reason));
		json_object_set_new(o, "next_step", json_string(cl_next_step(h->verdict)));
		json_array_append_new(hits, o);
	}
	return hits;
}

json_t *cl_result_other_editions_json(const cl_result *r, const ex_doc *doc)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < r->nother; i++) {
		const cl_hit *h = &r->other[i];
		const rl_point *pt = &r->pack->points[h->point];
		const rl_item *it = &r->pack->items[pt->item];
		rl_date since = it->since, until = it->until;
		if (pt->since != RL_NO_DATE && (since == RL_NO_DATE || pt->since > since))
			since = pt->since;
		if (pt->until != RL_NO_DATE && (until == RL_NO_DATE || pt->until < until))
			until = pt->until;
		char a[11], b[11];
		json_t *o = hit_head(it, pt, h);
		if (since != RL_NO_DATE)
			rl_date_format(since, a);
		if (until != RL_NO_DATE)
			rl_date_format(until, b);
		json_object_set_new(o, "since", since != RL_NO_DATE ? json_string(a)
								    : json_null());
		json_object_set_new(o, "until", until != RL_NO_DATE ? json_string(b)
								    : json_null());
		json_object_set_new(o, "evidence", evidence_json(r, doc, h->point));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *cl_result_catalogue_json(const cl_result *r)
{
	const rl_pack *k = r->pack;
	json_t *o = json_object();
	json_object_set_new(o, "edition", str_or_null(rl_pack_edition(k, r->as_of)));
	json_object_set_new(o, "as_of", json_string(r->as_of));
	json_object_set_new(o, "pack", json_string(k->name));
	json_object_set_new(o, "pack_version", json_string(k->version));
	json_object_set_new(o, "pack_source", json_string(k->label));
	json_object_set_new(o, "pack_hash", json_string(k->hash));
	cv_counts c;
	bool complete = false;
	cv_count(k, r->as_of, &c, &complete);
	json_t *cov = json_object();
	json_object_set_new(cov, "items_in_edition", json_integer(k->items_in_edition));
	json_object_set_new(cov, "items_with_rules", json_integer((json_int_t)c.with_rules));
	json_object_set_new(cov, "items_curated", json_integer((json_int_t)c.curated));
	json_object_set_new(cov, "items_derived", json_integer((json_int_t)c.derived));
	json_object_set_new(cov, "items_with_official_code",
			    json_integer((json_int_t)c.official));
	json_object_set_new(cov, "complete", json_boolean(complete));
	json_object_set_new(cov, "note",
			    json_string(complete ? "the pack holds every item of the edition"
						 : "a clear verdict covers only the items the "
						   "pack has rules for"));
	json_object_set_new(o, "coverage", cov);
	return o;
}
