/*
 * import_param.c: the numeric thresholds of an official control point, as
 * parameter conditions.
 *
 * A control point writes its thresholds as prose: "220MPa下粉体压实密度
 * ≥2.58g/cm³，0.1C放电比容量≥160mAh/g", "振实密度大于1.2g/cm3". The
 * quantity parser (quantity.h) already finds every number with a unit and
 * widens it by its comparison word; what it does not keep is the exact
 * operator (大于 is strict, 不低于 is not) and the phrase the threshold
 * belongs to. So for each quantity: the comparison word at its start (or
 * its end: 以上, 以下) gives the operator; a quantity with neither is a
 * test condition (220MPa, 0.1C), not a threshold; the unit is taken as the
 * official text writes it when qp_unit reads it to the same value, else
 * the dimension's base unit; and the anchor is the phrase just before the
 * comparison, back to the previous quantity or punctuation, with its
 * leading particles (下, 的, 在...) dropped. A comparison that has no unit
 * ("x、y、z≥0") cannot be a parameter and is reported.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_impl.h"
#include "normalize.h"
#include "quantity.h"

#define IM_MAX_QUANTITIES 64
#define IM_ANCHOR_CHARS 12

typedef struct cmp_word {
	const char *w;
	const char *op;
} cmp_word;

/* Longest first within each list, so "大于等于" wins over "大于". */
static const cmp_word pre_words[] = {
    {"大于或等于", ">="},
    {"小于或等于", "<="},
    {"大于等于", ">="},
    {"小于等于", "<="},
    {"不低于", ">="},
    {"不小于", ">="},
    {"不少于", ">="},
    {"不短于", ">="},
    {"不超过", "<="},
    {"不大于", "<="},
    {"不高于", "<="},
    {"不多于", "<="},
    {"不长于", "<="},
    {"至少", ">="},
    {"最低", ">="},
    {"至多", "<="},
    {"最多", "<="},
    {"大于", ">"},
    {"高于", ">"},
    {"超过", ">"},
    {"多于", ">"},
    {"小于", "<"},
    {"低于", "<"},
    {"少于", "<"},
    {"≥", ">="},
    {"⩾", ">="},
    {"≧", ">="},
    {">=", ">="},
    {"≤", "<="},
    {"⩽", "<="},
    {"≦", "<="},
    {"<=", "<="},
    {">", ">"},
    {"<", "<"},
    {"at least", ">="},
    {"not less than", ">="},
    {"no less than", ">="},
    {"more than", ">"},
    {"greater than", ">"},
    {"not more than", "<="},
    {"no more than", "<="},
    {"at most", "<="},
    {"less than", "<"},
};

static const cmp_word post_words[] = {
    {"及以上", ">="}, {"或以上", ">="}, {"以上", ">="}, {"及以下", "<="},
    {"或以下", "<="}, {"以下", "<="},	{"以内", "<="},
};

/* Base unit of each dimension, as qp_unit spells it. */
static const char *const base_units[QP_DIM__COUNT] = {
    [QP_DIM_LENGTH] = "m",
    [QP_DIM_MASS] = "kg",
    [QP_DIM_TIME] = "s",
    [QP_DIM_POWER] = "W",
    [QP_DIM_ENERGY] = "J",
    [QP_DIM_VOLTAGE] = "V",
    [QP_DIM_CURRENT] = "A",
    [QP_DIM_FREQUENCY] = "Hz",
    [QP_DIM_PRESSURE] = "Pa",
    [QP_DIM_TEMPERATURE] = "K",
    [QP_DIM_DENSITY] = "kg/m3",
    [QP_DIM_SPECIFIC_CAPACITY] = "mAh/g",
    [QP_DIM_RATIO] = "%",
    [QP_DIM_DATA_RATE] = "bit/s",
    [QP_DIM_DATA_SIZE] = "bit",
    [QP_DIM_ANGLE] = "rad",
    [QP_DIM_AREA] = "m2",
    [QP_DIM_VOLUME] = "m3",
    [QP_DIM_SPEED] = "m/s",
    [QP_DIM_ENERGY_DENSITY] = "Wh/kg",
    [QP_DIM_CURRENT_DENSITY] = "A/m2",
    [QP_DIM_C_RATE] = "C",
    [QP_DIM_VOLUMETRIC_ENERGY_DENSITY] = "Wh/L",
    [QP_DIM_SPECIFIC_POWER] = "W/kg",
    [QP_DIM_ANGULAR_RATE] = "rad/s",
};

/* Particles that may stand before the phrase a threshold belongs to. */
static const char *const particles[] = {"下", "在", "时",   "的",   "且",  "其",
					"和", "及", "或",   "为",   "与",  "并",
					"中", "后", "其中", "并且", "同时"};

/* Qualifiers a document may leave out: 粉体压实密度 is also 压实密度. */
static const char *const qualifiers[] = {"粉体", "粉末", "首次", "放电",
					 "充电", "平均", "额定", "最大",
					 "最小", "实际", "初始"};

static bool has(const char *s, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);
	return i + n <= len && memcmp(s + i, w, n) == 0;
}

static const char *pre_op(const char *s, size_t len, size_t i, size_t *wlen)
{
	for (size_t k = 0; k < CS_ARRAY_LEN(pre_words); k++)
		if (has(s, len, i, pre_words[k].w)) {
			*wlen = strlen(pre_words[k].w);
			return pre_words[k].op;
		}
	return NULL;
}

/* The comparison word ending at i (spaces allowed), and where it starts. */
static const char *pre_op_before(const char *s, size_t i, size_t floor,
				 size_t *start)
{
	while (i > floor && s[i - 1] == ' ')
		i--;
	for (size_t k = 0; k < CS_ARRAY_LEN(pre_words); k++) {
		size_t n = strlen(pre_words[k].w);
		if (i >= floor + n &&
		    memcmp(s + i - n, pre_words[k].w, n) == 0) {
			*start = i - n;
			return pre_words[k].op;
		}
	}
	return NULL;
}

static const char *post_op(const char *s, size_t end, size_t floor,
			   size_t *start)
{
	size_t i = end;
	while (i > floor && s[i - 1] == ' ')
		i--;
	for (size_t k = 0; k < CS_ARRAY_LEN(post_words); k++) {
		size_t n = strlen(post_words[k].w);
		if (i >= floor + n &&
		    memcmp(s + i - n, post_words[k].w, n) == 0) {
			*start = i - n;
			return post_words[k].op;
		}
	}
	return NULL;
}

static bool stop_char(uint32_t cp)
{
	static const uint32_t stops[] = {
	    ',',    ';',    ':',    '.',    '(',    ')',    '[',    ']',
	    '"',    '\'',   '<',    '>',    '=',    '~',    '+',    0x3001,
	    0x3002, 0x201C, 0x201D, 0x2018, 0x2019, 0x2265, 0x2264, 0x2A7E,
	    0x2A7D, 0x300A, 0x300B, 0xFF5E, 0x2014};
	if (cp >= '0' && cp <= '9')
		return true;
	for (size_t i = 0; i < CS_ARRAY_LEN(stops); i++)
		if (cp == stops[i])
			return true;
	return false;
}

static bool is_latin(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

/* Start of the character before byte i. */
static size_t prev_char(const char *s, size_t i)
{
	do
		i--;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
	return i;
}

/*
 * The phrase before byte end, back to floor: at most IM_ANCHOR_CHARS
 * characters, stopped by punctuation, digits and comparison signs; its
 * leading particles dropped. Fresh string (maybe empty) or NULL.
 */
static char *anchor_before(const char *s, size_t floor, size_t end)
{
	size_t i = end, chars = 0;
	while (i > floor && s[i - 1] == ' ')
		i--;
	end = i;
	while (i > floor && chars < IM_ANCHOR_CHARS) {
		size_t p = prev_char(s, i);
		uint32_t cp;
		im_u8(s, end, p, &cp);
		if (stop_char(cp))
			break;
		if (is_latin(cp)) {
			/* letters right after a number are its unit ("0.1C") */
			size_t r = p;
			while (r > floor && is_latin((unsigned char)s[r - 1]))
				r--;
			if (r > floor &&
			    ((s[r - 1] >= '0' && s[r - 1] <= '9') ||
			     s[r - 1] == '.'))
				break;
		}
		if (cp == ' ') {
			/* a space joins Latin words only */
			uint32_t before = 0, after = 0;
			if (p > floor)
				im_u8(s, end, prev_char(s, p), &before);
			im_u8(s, end, i, &after);
			if (!is_latin(before) || !is_latin(after))
				break;
		}
		i = p;
		chars++;
	}
	const char *a = s + i;
	size_t n = end - i;
	for (int again = 1; again;) {
		again = 0;
		for (size_t k = 0; k < CS_ARRAY_LEN(particles); k++) {
			size_t pl = strlen(particles[k]);
			if (n > pl + 3 && memcmp(a, particles[k], pl) == 0) {
				a += pl;
				n -= pl;
				again = 1;
			}
		}
	}
	while (n && *a == ' ') {
		a++;
		n--;
	}
	return cs_strndup(a, n);
}

/* "粉体压实密度 | 压实密度": the anchor and its shorter forms. */
static char *anchor_list(const char *anchor)
{
	cs_buf b;
	cs_buf_init(&b, 4096);
	if (cs_buf_adds(&b, anchor) != CS_OK)
		goto fail;
	const char *a = anchor;
	for (int round = 0; round < 3; round++) {
		bool cut = false;
		for (size_t k = 0; k < CS_ARRAY_LEN(qualifiers); k++) {
			size_t ql = strlen(qualifiers[k]);
			if (strncmp(a, qualifiers[k], ql) == 0 &&
			    im_chars(a + ql) >= 2) {
				a += ql;
				if (cs_buf_printf(&b, " | %s", a) != CS_OK)
					goto fail;
				cut = true;
				break;
			}
		}
		if (!cut)
			break;
	}
	return cs_buf_steal(&b, NULL);
fail:
	cs_buf_free(&b);
	return NULL;
}

/* A unit string from text, trimmed, or NULL when empty. */
static char *unit_text(const char *s, size_t a, size_t b)
{
	while (a < b && s[a] == ' ')
		a++;
	while (b > a && s[b - 1] == ' ')
		b--;
	return b > a ? cs_strndup(s + a, b - a) : NULL;
}

/* Whether unit reads base as value (same dimension, same number). */
static bool unit_reads(const char *unit, qp_dim dim, double base, double value)
{
	qp_dim d;
	double scale, offset;
	if (!unit || strchr(unit, ' ') || strchr(unit, '|') ||
	    !qp_unit(unit, &d, &scale, &offset) || d != dim || scale == 0)
		return false;
	double v = (base - offset) / scale;
	return fabs(v - value) <= 1e-9 * fmax(1.0, fabs(value));
}

typedef struct found {
	const char *op;
	double value, value2;
	char *unit;
	size_t cmp_start; /* where the comparison (or the number) starts */
} found;

/*
 * Reads quantity q of the normalised text n (raw text via t's origin
 * map) as a threshold. Returns false for a quantity that is not one.
 */
static bool read_threshold(const nz_text *t, const char *raw, size_t rawlen,
			   const qp_quantity *q, found *f)
{
	const char *s = nz_text_data(t);
	size_t len = nz_text_len(t);
	size_t wlen = 0, i = q->start, pstart;
	const char *op = pre_op(s, len, i, &wlen);
	f->cmp_start = i;
	if (op) {
		i += wlen;
	} else if ((op = pre_op_before(s, q->start,
				       q->start >= 16 ? q->start - 16 : 0,
				       &pstart))) {
		f->cmp_start = pstart;
	}
	size_t end = q->end, post_start;
	const char *pop = post_op(s, end, i, &post_start);
	if (pop) {
		end = post_start;
		if (!op)
			op = pop;
	}
	while (i < end && s[i] == ' ')
		i++;
	double v1 = 0, v2 = 0;
	size_t n1 = qp_number(s + i, end - i, &v1);
	if (!n1)
		return false;
	size_t ustart = i + n1, uend = end;
	bool range = !op && isfinite(q->lo) && isfinite(q->hi) && q->lo < q->hi;
	if (!op && !range)
		return false; /* a test condition, not a threshold */
	if (range) {
		/* "10-20 kw", "10至20千瓦": the unit follows the second number
		 */
		size_t j = ustart;
		while (j < end && !((s[j] >= '0' && s[j] <= '9')))
			j++;
		size_t n2 = j < end ? qp_number(s + j, end - j, &v2) : 0;
		if (!n2)
			return false;
		ustart = j + n2;
		op = "in";
	}
	double base = range ? q->lo : (op[0] == '>' ? q->lo : q->hi);
	if (!isfinite(base))
		base = isfinite(q->lo) ? q->lo : q->hi;
	if (!isfinite(base))
		return false;
	char *norm_unit = unit_text(s, ustart, uend);
	char *raw_unit = NULL;
	size_t ra = nz_text_origin(t, ustart), rb = nz_text_origin(t, uend);
	if (ra < rb && rb <= rawlen)
		raw_unit = unit_text(raw, ra, rb);
	f->op = op;
	f->value = v1;
	f->value2 = v2;
	if (unit_reads(raw_unit, q->dim, base, v1)) {
		f->unit = raw_unit;
		raw_unit = NULL;
	} else if (unit_reads(norm_unit, q->dim, base, v1)) {
		f->unit = norm_unit;
		norm_unit = NULL;
	} else if (base_units[q->dim]) {
		/* the dimension's base unit, the values converted */
		f->unit = cs_strdup(base_units[q->dim]);
		f->value = base;
		if (range)
			f->value2 = q->hi;
	} else {
		f->unit = NULL;
	}
	free(raw_unit);
	free(norm_unit);
	return f->unit != NULL;
}

static cs_code add_param(ic_point *pt, found *f, const char *dimname,
			 const char *anchors, const char *source)
{
	if (pt->nparams >= IM_MAX_PARAMS)
		return CS_ELIMIT;
	char name[64];
	snprintf(name, sizeof name, "%s", dimname);
	for (char *c = name; *c; c++)
		if (*c == ' ')
			*c = '-';
	int same = 0;
	for (size_t k = 0; k < pt->nparams; k++)
		same += strncmp(pt->params[k].name, name, strlen(name)) == 0;
	if (same)
		snprintf(name + strlen(name), sizeof name - strlen(name), "-%d",
			 same + 1);
	ic_param *q = realloc(pt->params, (pt->nparams + 1) * sizeof *q);
	if (!q)
		return CS_ENOMEM;
	pt->params = q;
	ic_param *pa = &q[pt->nparams];
	memset(pa, 0, sizeof *pa);
	pa->name = cs_strdup(name);
	pa->op = cs_strdup(f->op);
	pa->value = f->value;
	pa->value2 = f->value2;
	pa->unit = f->unit;
	f->unit = NULL;
	pa->anchors = cs_strdup(anchors);
	pa->source = cs_strdup(source);
	pt->nparams++;
	if (!pa->name || !pa->op || !pa->anchors || !pa->source)
		return CS_ENOMEM;
	return CS_OK;
}

/* Comparisons followed by a number that no quantity covers: thresholds
 * without a unit, which cannot be checked. */
static void report_unitless(im_catalogue *c, const char *code,
			    const ic_point *pt, const char *s, size_t len,
			    const qp_quantity *qs, size_t nq)
{
	for (size_t i = 0; i < len; i++) {
		size_t wlen;
		if (!pre_op(s, len, i, &wlen))
			continue;
		size_t j = i + wlen;
		while (j < len && s[j] == ' ')
			j++;
		if (j >= len || s[j] < '0' || s[j] > '9')
			continue;
		bool covered = false;
		for (size_t k = 0; k < nq && !covered; k++)
			covered = j >= qs[k].start && j < qs[k].end;
		if (covered)
			continue;
		size_t e = j;
		while (e < len && ((s[e] >= '0' && s[e] <= '9') || s[e] == '.'))
			e++;
		im_problem_add(
		    c, pt->line,
		    "item %s point %d: \"%.*s\" compares "
		    "with a number that has no unit; not a parameter",
		    code, pt->number, (int)(e - i), s + i);
		i = e;
	}
}

cs_code im_point_params(im_catalogue *c, const char *code, ic_point *pt)
{
	nz_text *t = NULL;
	cs_error err;
	size_t rawlen = strlen(pt->text);
	if (nz_normalize(pt->text, rawlen, rawlen * 4 + 64, &t, &err) != CS_OK)
		return CS_ENOMEM;
	const char *s = nz_text_data(t);
	size_t len = nz_text_len(t);
	qp_quantity qs[IM_MAX_QUANTITIES];
	size_t nq = qp_scan(s, len, qs, IM_MAX_QUANTITIES);
	cs_code rc = CS_OK;
	if (nq > IM_MAX_QUANTITIES) {
		im_problem_add(c, pt->line,
			       "item %s point %d: more than %d "
			       "quantities; only the first are read",
			       code, pt->number, IM_MAX_QUANTITIES);
		nq = IM_MAX_QUANTITIES;
	}
	for (size_t k = 0; k < nq && rc == CS_OK; k++) {
		found f = {0};
		if (!read_threshold(t, pt->text, rawlen, &qs[k], &f)) {
			free(f.unit);
			continue;
		}
		size_t floor = k ? qs[k - 1].end : 0;
		if (floor > f.cmp_start)
			floor = f.cmp_start;
		char *anchor = anchor_before(s, floor, f.cmp_start);
		char *source =
		    cs_strndup(s + f.cmp_start, qs[k].end - f.cmp_start);
		char *anchors = anchor && im_chars(anchor) >= 2
				    ? anchor_list(anchor)
				    : NULL;
		if (!anchor || !source) {
			rc = CS_ENOMEM;
		} else if (!anchors) {
			im_problem_add(c, pt->line,
				       "item %s point %d: threshold \"%s\" "
				       "has no phrase before it to say what it "
				       "measures; not a parameter",
				       code, pt->number, source);
		} else {
			rc = add_param(pt, &f, qp_dim_name(qs[k].dim), anchors,
				       source);
			if (rc == CS_ELIMIT) {
				im_problem_add(c, pt->line,
					       "item %s point %d: more "
					       "than %d thresholds",
					       code, pt->number, IM_MAX_PARAMS);
				rc = CS_OK;
			}
		}
		free(anchor);
		free(anchors);
		free(source);
		free(f.unit);
	}
	if (rc == CS_OK)
		report_unitless(c, code, pt, s, len, qs, nq);
	nz_text_free(t);
	return rc;
}
