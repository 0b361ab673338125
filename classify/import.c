/*
 * import.c: the official text of the Catalogue into items.
 *
 * The problem. The ministries publish the Catalogue as a PDF table: parts
 * (禁止出口部分, 限制出口部分), industry headings, then rows of serial
 * number, name, code and control points. What reaches us is that table as
 * extraction gives it: poppler's reading order, or OCR of a scan. Cells
 * wrap over lines, a row continues on the next page after a repeated table
 * header and a page number, columns may come in either order, control
 * points are numbered "1." or "1．" or "（1）", and some copies use labels
 * (编号：, 技术名称：, 控制要点：) instead of a table. Line positions mean
 * nothing.
 *
 * The idea. Two things in the text are reliable: every item has a code
 * (six digits and J or X) and its control points are numbered in
 * increasing order. So an item starts at a code; whatever stands before
 * the code on that line is the serial number and the name, whatever
 * follows is the name (code-first layouts) or the control points; a
 * number token starts a new point only where a number can start (line
 * start, after a space or a sentence end), in the item's own numbering
 * style, and only when it is larger than the last point's number by at
 * most a few (gaps are reported). "2.58" or a "（1）" inside a point never
 * starts a point. A short fragment at the start of a line that completes
 * an unfinished name ("...利用" + "技术") is the name's wrapped cell.
 *
 * The trade-off. Without positions a wrapped name cell is recognised only
 * by its ending (技术, 系统, 工艺...), and a lone number may be a serial
 * number or a page number (it is a serial when a code follows). Every line
 * that fits nowhere is reported with its number, never dropped.
 */
#include "import.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_impl.h"

/* ---- UTF-8 ------------------------------------------------------------- */

size_t im_u8(const char *s, size_t len, size_t i, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s + i;
	size_t left = len - i;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	size_t n = (u[0] & 0xE0) == 0xC0   ? 2
		   : (u[0] & 0xF0) == 0xE0 ? 3
		   : (u[0] & 0xF8) == 0xF0 ? 4
					   : 0;
	if (n == 0 || n > left) {
		*cp = 0xFFFD;
		return 1;
	}
	uint32_t c = u[0] & (0x7F >> n);
	for (size_t k = 1; k < n; k++) {
		if ((u[k] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		c = (c << 6) | (u[k] & 0x3F);
	}
	*cp = c;
	return n;
}

bool im_is_han(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0x20000 && cp <= 0x2FA1F);
}

bool im_is_wide(uint32_t cp)
{
	return (cp >= 0x2E80 && cp <= 0x9FFF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) ||
	       (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0x20000 && cp <= 0x2FA1F);
}

size_t im_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void put_u8(char *out, size_t *o, uint32_t cp)
{
	if (cp < 0x80) {
		out[(*o)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*o)++] = (char)(0xC0 | (cp >> 6));
		out[(*o)++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		out[(*o)++] = (char)(0xE0 | (cp >> 12));
		out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*o)++] = (char)(0x80 | (cp & 0x3F));
	} else {
		out[(*o)++] = (char)(0xF0 | (cp >> 18));
		out[(*o)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*o)++] = (char)(0x80 | (cp & 0x3F));
	}
}

char *im_clean(const char *s, size_t len)
{
	/* folding never makes a character longer */
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	bool space = false;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = im_u8(s, len, i, &cp);
		if (cp >= 0xFF10 && cp <= 0xFF19)
			cp = '0' + (cp - 0xFF10);
		else if ((cp >= 0xFF21 && cp <= 0xFF3A) ||
			 (cp >= 0xFF41 && cp <= 0xFF5A))
			cp = cp - 0xFF21 + 'A';
		if (cp == ' ' || cp == '\t' || cp == '\r' || cp == '\v' ||
		    cp == 0x3000 || cp == 0xA0 || cp == 0x2002 ||
		    cp == 0x2003 || cp == 0x2009 || cp == 0x200B ||
		    cp == 0xFEFF || cp == 0) {
			space = o > 0;
		} else {
			if (space)
				out[o++] = ' ';
			space = false;
			if (cp == 0xFFFD && n == 1)
				out[o++] = '?';
			else if (n == 1 || cp < 0x80)
				out[o++] = (char)cp;
			else
				put_u8(out, &o, cp);
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

char *im_tidy(char *s)
{
	size_t len = strlen(s), o = 0;
	uint32_t prev = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = im_u8(s, len, i, &cp);
		if (cp == ' ' && o > 0 && im_is_wide(prev) && i + 1 < len) {
			uint32_t next;
			im_u8(s, len, i + 1, &next);
			if (im_is_wide(next)) {
				i += n;
				continue;
			}
		}
		memmove(s + o, s + i, n);
		o += n;
		i += n;
		prev = cp;
	}
	s[o] = '\0';
	return s;
}

/* ---- the model ------------------------------------------------------------
 */

void im_problem_add(im_catalogue *c, int line, const char *fmt, ...)
{
	char msg[640];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char *p = malloc(strlen(msg) + 32);
	char **q = realloc(c->problems, (c->nproblems + 1) * sizeof *q);
	if (!p || !q) {
		free(p);
		if (q)
			c->problems = q;
		c->oom = true;
		return;
	}
	c->problems = q;
	if (line > 0)
		sprintf(p, "line %d: %s", line, msg);
	else
		strcpy(p, msg);
	c->problems[c->nproblems++] = p;
}

void im_item_clear(ic_item *it)
{
	free(it->name);
	free(it->industry);
	free(it->pending);
	for (size_t k = 0; k < it->npoints; k++) {
		ic_point *pt = &it->points[k];
		free(pt->text);
		for (size_t a = 0; a < pt->nparams; a++) {
			free(pt->params[a].name);
			free(pt->params[a].op);
			free(pt->params[a].unit);
			free(pt->params[a].anchors);
			free(pt->params[a].source);
		}
		free(pt->params);
	}
	free(it->points);
	memset(it, 0, sizeof *it);
}

void im_catalogue_free(im_catalogue *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nitems; i++)
		im_item_clear(&c->items[i]);
	free(c->items);
	for (size_t i = 0; i < c->nproblems; i++)
		free(c->problems[i]);
	free(c->problems);
	free(c);
}

size_t im_item_count(const im_catalogue *c)
{
	return c->nitems;
}

void im_item(const im_catalogue *c, size_t i, im_item_info *info)
{
	const ic_item *it = &c->items[i];
	memset(info, 0, sizeof *info);
	info->code = it->code;
	info->cls = it->prohibited ? "prohibited" : "restricted";
	info->name_zh = it->name;
	info->industry_zh = it->industry;
	info->seq = it->seq;
	info->points = it->npoints;
	for (size_t k = 0; k < it->npoints; k++)
		info->params += it->points[k].nparams;
	info->line = it->line;
}

void im_point(const im_catalogue *c, size_t item, size_t k, im_point_info *info)
{
	const ic_point *pt = &c->items[item].points[k];
	info->number = pt->number;
	info->text_zh = pt->text;
	info->params = pt->nparams;
}

void im_param(const im_catalogue *c, size_t item, size_t point, size_t k,
	      im_param_info *info)
{
	const ic_param *pa = &c->items[item].points[point].params[k];
	info->name = pa->name;
	info->op = pa->op;
	info->value = pa->value;
	info->value2 = pa->value2;
	info->unit = pa->unit;
	info->anchors = pa->anchors;
}

size_t im_problem_count(const im_catalogue *c)
{
	return c->nproblems;
}

const char *im_problem(const im_catalogue *c, size_t i)
{
	return i < c->nproblems ? c->problems[i] : NULL;
}

/* ---- tokens
 * ------------------------------------------------------------------ */

/* Numbering styles of control points. */
enum { STY_NONE, STY_DOT, STY_DUN, STY_PAREN, STY_CIRCLED };

typedef struct tok {
	int style, number;
	size_t start, end;
} tok;

static bool has(const char *s, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);
	return i + n <= len && memcmp(s + i, w, n) == 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum_ascii(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A code at s[i]: six digits and J or X, standing alone. */
static bool code_at(const char *s, size_t len, size_t i)
{
	if (i + 7 > len || (i > 0 && is_alnum_ascii(s[i - 1])))
		return false;
	for (size_t k = 0; k < 6; k++)
		if (!is_digit(s[i + k]))
			return false;
	if (s[i + 6] != 'J' && s[i + 6] != 'X')
		return false;
	return i + 7 == len || !is_alnum_ascii(s[i + 7]);
}

/* The first code in s, or -1. */
static long find_code(const char *s, size_t len)
{
	for (size_t i = 0; i + 7 <= len; i++)
		if (code_at(s, len, i))
			return (long)i;
	return -1;
}

/* A point number can start here: at the start, after a space or after
 * the punctuation that ends a sentence or a label. */
static bool may_start(const char *s, size_t i)
{
	if (i == 0 || s[i - 1] == ' ' || s[i - 1] == ':' || s[i - 1] == ';')
		return true;
	static const char *const after[] = {"：", "；", "。", "，"};
	for (size_t k = 0; k < CS_ARRAY_LEN(after); k++) {
		size_t n = strlen(after[k]);
		if (i >= n && memcmp(s + i - n, after[k], n) == 0)
			return true;
	}
	return false;
}

/* Reads a number token at s[i]: "1." "1．" "1、" "(1)" "（1）" "①". */
static bool token_at(const char *s, size_t len, size_t i, tok *t)
{
	size_t j = i;
	bool paren = false;
	if (has(s, len, j, "(")) {
		paren = true;
		j += 1;
	} else if (has(s, len, j, "（")) {
		paren = true;
		j += 3;
	}
	if (!paren && j + 3 <= len && (unsigned char)s[j] == 0xE2 &&
	    (unsigned char)s[j + 1] == 0x91 &&
	    (unsigned char)s[j + 2] >= 0xA0 &&
	    (unsigned char)s[j + 2] <= 0xB3) {
		t->style = STY_CIRCLED;
		t->number = (unsigned char)s[j + 2] - 0xA0 + 1;
		t->start = i;
		t->end = j + 3;
		return true;
	}
	size_t d = j;
	int n = 0;
	while (d < len && is_digit(s[d]) && d - j < 3)
		n = n * 10 + (s[d++] - '0');
	if (d == j || (d < len && is_digit(s[d])) || n == 0)
		return false;
	if (paren) {
		if (has(s, len, d, ")"))
			d += 1;
		else if (has(s, len, d, "）"))
			d += 3;
		else
			return false;
		t->style = STY_PAREN;
	} else if (has(s, len, d, ".") || has(s, len, d, "．")) {
		d += s[d] == '.' ? 1 : 3;
		/* "2.58" is a number, not point 2 */
		if (d < len && is_digit(s[d]))
			return false;
		t->style = STY_DOT;
	} else if (has(s, len, d, "、")) {
		d += 3;
		t->style = STY_DUN;
	} else {
		return false;
	}
	while (d < len && s[d] == ' ')
		d++;
	t->number = n;
	t->start = i;
	t->end = d;
	return true;
}

/*
 * The next token from i on that can start a control point of it: in its
 * style (any style for the first point) and numbered after the last point
 * by at most IM_POINT_STEP.
 */
#define IM_POINT_STEP 12
static bool next_point_token(const ic_item *it, const char *s, size_t len,
			     size_t i, tok *t)
{
	size_t from = i;
	int last = it->npoints ? it->points[it->npoints - 1].number : 0;
	for (; i < len; i++) {
		if (!may_start(s, i) || !token_at(s, len, i, t))
			continue;
		if (it->style != STY_NONE && t->style != it->style)
			continue;
		if (t->number > last && t->number <= last + IM_POINT_STEP)
			return true;
		/* the first point, right where the points start, may have
		 * any number (a copy that lists only some points) */
		if (!it->npoints && !it->pending && i == from && t->number > 0)
			return true;
	}
	return false;
}

/* ---- the parser -------------------------------------------------------------
 */

typedef struct pline {
	char *text; /* cleaned */
	size_t len;
	int number; /* 1-based line in the input */
} pline;

typedef struct pstate {
	im_catalogue *c;
	int part; /* 0 none yet, 1 prohibited, 2 restricted */
	char *industry;
	long cur; /* index of the current item, -1 none */
	int pending_seq;
	bool block; /* parsing an item block of a notice */
	bool oom;
} pstate;

static ic_item *cur_item(pstate *st)
{
	return st->cur >= 0 ? &st->c->items[st->cur] : NULL;
}

static bool is_alnum_ascii(char c);

/*
 * Whether a word broken at the end of a line joins without a space: a run
 * of Latin letters and digits glued to a full-width character on either
 * side ("化学式为LixFeyM" + "zPO4，") is one token of Chinese text, where
 * lines break anywhere; English words are set apart by spaces.
 */
static bool glued(const char *left, size_t a, const char *right, size_t n)
{
	if (!a || !n || !is_alnum_ascii(left[a - 1]) ||
	    !is_alnum_ascii(right[0]))
		return false;
	size_t i = a;
	while (i > 0 && is_alnum_ascii(left[i - 1]))
		i--;
	if (i > 0 && (unsigned char)left[i - 1] >= 0x80) {
		size_t k = i - 1;
		while (k > 0 && ((unsigned char)left[k] & 0xC0) == 0x80)
			k--;
		uint32_t cp;
		im_u8(left, a, k, &cp);
		if (im_is_wide(cp))
			return true;
	}
	size_t j = 0;
	while (j < n && is_alnum_ascii(right[j]))
		j++;
	if (j < n && (unsigned char)right[j] >= 0x80) {
		uint32_t cp;
		im_u8(right, n, j, &cp);
		return im_is_wide(cp);
	}
	return false;
}

/* Appends add to *dst, with a space only between two narrow characters. */
static bool join(char **dst, const char *add, size_t n)
{
	while (n && add[0] == ' ') {
		add++;
		n--;
	}
	while (n && add[n - 1] == ' ')
		n--;
	if (!n)
		return true;
	size_t a = *dst ? strlen(*dst) : 0;
	char *q = realloc(*dst, a + n + 2);
	if (!q)
		return false;
	bool space = false;
	if (a) {
		/* the last character of *dst and the first of add */
		size_t k = a;
		while (k > 0 && ((unsigned char)q[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0)
			k--;
		uint32_t left, right;
		im_u8(q, a, k, &left);
		im_u8(add, n, 0, &right);
		space = !im_is_wide(left) && !im_is_wide(right) &&
			!(left == '-' && right != ' ') && !glued(q, a, add, n);
	}
	if (space)
		q[a++] = ' ';
	memcpy(q + a, add, n);
	q[a + n] = '\0';
	*dst = q;
	return true;
}

/* Names end with one of these; a name that does not is still open to a
 * wrapped fragment. */
static const char *const name_ends[] = {
    "技术", "系统", "工艺", "技艺", "配方", "方法",
    "资源", "品种", "设备", "装置", "软件", "材料",
};

static bool ends_with(const char *s, const char *w)
{
	size_t a = strlen(s), b = strlen(w);
	return a >= b && memcmp(s + a - b, w, b) == 0;
}

static bool name_closed(const char *name)
{
	if (!name)
		return false;
	for (size_t i = 0; i < CS_ARRAY_LEN(name_ends); i++)
		if (ends_with(name, name_ends[i]))
			return true;
	return false;
}

static bool starts_with(const char *s, const char *w)
{
	return strncmp(s, w, strlen(w)) == 0;
}

/* Strips a label such as "技术名称：" or "编号:" at the start of s. */
static const char *strip_label(const char *s, const char *label)
{
	if (!starts_with(s, label))
		return NULL;
	s += strlen(label);
	while (*s == ' ')
		s++;
	if (starts_with(s, "："))
		s += 3;
	else if (*s == ':')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

static ic_point *add_point(pstate *st, ic_item *it, int number, int line)
{
	if (it->npoints >= IM_MAX_POINTS) {
		im_problem_add(st->c, line,
			       "item %s: more than %d control points; "
			       "the rest are not read",
			       it->code, IM_MAX_POINTS);
		return NULL;
	}
	ic_point *q = realloc(it->points, (it->npoints + 1) * sizeof *q);
	if (!q) {
		st->oom = true;
		return NULL;
	}
	it->points = q;
	ic_point *pt = &q[it->npoints++];
	memset(pt, 0, sizeof *pt);
	pt->number = number;
	pt->line = line;
	return pt;
}

/* Control-point text: numbered points start at their tokens; text before
 * the first token continues the last point (or waits, unnumbered). */
static void take_points(pstate *st, ic_item *it, const char *s, size_t len,
			int line)
{
	size_t pos = 0;
	it->in_points = true;
	/* every round moves pos past a token: bounded by len */
	for (size_t guard = 0; pos <= len && guard <= len; guard++) {
		tok t;
		bool found = next_point_token(it, s, len, pos, &t);
		size_t stop = found ? t.start : len;
		if (stop > pos) {
			char **dst = it->npoints
					 ? &it->points[it->npoints - 1].text
					 : &it->pending;
			if (!it->npoints && !it->pending)
				it->pending_line = line;
			if (!join(dst, s + pos, stop - pos))
				st->oom = true;
		}
		if (!found)
			return;
		if (!it->npoints && it->pending) {
			/* text between the name and point 1: a heading of the
			 * points ("同时满足以下条件") rather than a point */
			im_problem_add(
			    st->c, it->pending_line,
			    "item %s: text before its first numbered "
			    "control point, not part of any point: \"%s\"",
			    it->code, it->pending);
			free(it->pending);
			it->pending = NULL;
		}
		it->style = t.style;
		if (!add_point(st, it, t.number, line))
			return;
		pos = t.end;
	}
}

static bool is_space_or_end(const char *s)
{
	return *s == '\0' || *s == ' ';
}

/* Part headings: 一、禁止出口部分 / 二、限制出口部分. */
static int part_heading(const char *s)
{
	if (strlen(s) > 48 || find_code(s, strlen(s)) >= 0)
		return 0;
	bool j = strstr(s, "禁止出口部分") != NULL;
	bool x = strstr(s, "限制出口部分") != NULL;
	if (j == x)
		return 0;
	return j ? 1 : 2;
}

static bool is_cn_numeral(uint32_t cp)
{
	static const char digits[] = "一二三四五六七八九十百";
	for (size_t i = 0; i < sizeof digits - 1; i += 3) {
		uint32_t d;
		im_u8(digits, sizeof digits - 1, i, &d);
		if (d == cp)
			return true;
	}
	return false;
}

/* "（二十一）化学原料和化学制品制造业" -> the heading, or NULL. */
static const char *numbered_heading(const char *s)
{
	size_t len = strlen(s), i = 0;
	if (has(s, len, 0, "（"))
		i = 3;
	else if (has(s, len, 0, "("))
		i = 1;
	else
		return NULL;
	size_t digits = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = im_u8(s, len, i, &cp);
		if (!is_cn_numeral(cp))
			break;
		i += n;
		digits++;
	}
	if (!digits)
		return NULL;
	if (has(s, len, i, "）"))
		i += 3;
	else if (has(s, len, i, ")"))
		i += 1;
	else
		return NULL;
	while (s[i] == ' ')
		i++;
	if (!s[i] || im_chars(s + i) > 40 || find_code(s, len) >= 0)
		return NULL;
	return s + i;
}

/* Whether s reads as an industry of GB/T 4754-2017: the divisions end
 * in 业 or 活动, except these. */
static bool industry_name(const char *s)
{
	static const char *const others[] = {"研究和试验发展", "教育", "卫生",
					     "社会工作", "体育"};
	if (ends_with(s, "业") || ends_with(s, "活动"))
		return true;
	for (size_t i = 0; i < CS_ARRAY_LEN(others); i++)
		if (strcmp(s, others[i]) == 0)
			return true;
	return false;
}

/* A heading without a number: Han characters (and 、 和) naming an
 * industry. */
static bool bare_heading(const char *s)
{
	size_t len = strlen(s), chars = 0;
	if (!industry_name(s))
		return false;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = im_u8(s, len, i, &cp);
		if (!im_is_han(cp) && cp != 0x3001)
			return false;
		i += n;
		chars++;
	}
	return chars >= 2 && chars <= 25;
}

/* Page furniture: page numbers, running titles. */
static bool page_number(const char *s)
{
	size_t len = strlen(s), i = 0, digits = 0;
	bool deco = false;
	if (starts_with(s, "第")) {
		i = 3;
		while (i < len && (is_digit(s[i]) || s[i] == ' '))
			digits += is_digit(s[i++]);
		return digits &&
		       (has(s, len, i, "页") || strstr(s + i, "页") != NULL) &&
		       len < 40;
	}
	while (i < len) {
		if (is_digit(s[i])) {
			digits++;
			i++;
		} else if (s[i] == '-' || s[i] == ' ' || s[i] == '/') {
			deco |= s[i] != ' ';
			i++;
		} else if (has(s, len, i, "—") || has(s, len, i, "–") ||
			   has(s, len, i, "－")) {
			deco = true;
			i += 3;
		} else {
			return false;
		}
	}
	return digits > 0 && digits <= 4 && deco;
}

static bool lone_number(const char *s, int *n)
{
	size_t len = strlen(s);
	if (len == 0 || len > 3)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]))
			return false;
	*n = atoi(s);
	return *n > 0;
}

static bool table_header(const char *s)
{
	static const char *const cells[] = {"序号",	"编号", "技术名称",
					    "控制要点", "备注", "名称"};
	size_t hits = 0, len = strlen(s);
	if (find_code(s, len) >= 0)
		return false;
	for (size_t i = 0; i < CS_ARRAY_LEN(cells); i++)
		hits += strstr(s, cells[i]) != NULL;
	/* "技术名称" also counts "名称": two cells make a header row */
	if (strstr(s, "技术名称"))
		hits--;
	if (hits >= 2)
		return len < 80;
	for (size_t i = 0; i < CS_ARRAY_LEN(cells); i++)
		if (strcmp(s, cells[i]) == 0)
			return true;
	return false;
}

/* Starts a new item at the code found at c in line l. */
static void start_item(pstate *st, const pline *l, long c)
{
	im_catalogue *cat = st->c;
	const char *s = l->text;
	char code[8];
	memcpy(code, s + c, 7);
	code[7] = '\0';
	if (cat->nitems >= IM_MAX_ITEMS) {
		im_problem_add(cat, l->number,
			       "more than %d items; %s and the rest "
			       "are not read",
			       IM_MAX_ITEMS, code);
		st->cur = -1;
		return;
	}
	for (size_t i = 0; i < cat->nitems; i++) {
		if (strcmp(cat->items[i].code, code) == 0) {
			im_problem_add(cat, l->number,
				       "item %s appears again (first "
				       "at line %d); this one is not read",
				       code, cat->items[i].line);
			st->cur = -1;
			return;
		}
	}
	ic_item *q = realloc(cat->items, (cat->nitems + 1) * sizeof *q);
	if (!q) {
		st->oom = true;
		return;
	}
	cat->items = q;
	ic_item *it = &q[cat->nitems];
	memset(it, 0, sizeof *it);
	memcpy(it->code, code, 8);
	it->prohibited = code[6] == 'J';
	it->line = l->number;
	it->seq = st->pending_seq;
	st->pending_seq = 0;
	if (st->industry && !(it->industry = cs_strdup(st->industry)))
		st->oom = true;
	if (st->part && (st->part == 1) != it->prohibited)
		im_problem_add(cat, l->number,
			       "item %s is %s by its code but stands "
			       "in the %s part; its code decides",
			       code,
			       it->prohibited ? "prohibited" : "restricted",
			       st->part == 1 ? "prohibited" : "restricted");
	if (!st->part && !st->block)
		im_problem_add(cat, l->number,
			       "item %s comes before any part "
			       "heading",
			       code);
	st->cur = (long)cat->nitems++;

	/* before the code: [serial] [编号 label] [name]; after it: the name
	 * (code-first layouts) or the control points */
	char *before = cs_strndup(s, (size_t)c);
	if (!before) {
		st->oom = true;
		return;
	}
	char *b = before;
	size_t blen = strlen(b);
	while (blen &&
	       (b[blen - 1] == ' ' || b[blen - 1] == ':' || b[blen - 1] == '('))
		b[--blen] = '\0';
	if (ends_with(b, "：") || ends_with(b, "（")) {
		blen -= 3;
		b[blen] = '\0';
	}
	if (ends_with(b, "编号")) {
		blen -= strlen("编号");
		b[blen] = '\0';
	}
	const char *lab = strip_label(b, "序号");
	if (lab)
		b = (char *)lab;
	if (is_digit(b[0])) {
		char *e = b;
		int n = 0;
		while (is_digit(*e) && e - b < 3)
			n = n * 10 + (*e++ - '0');
		if (*e == '.' || *e == ' ' || starts_with(e, "．") ||
		    starts_with(e, "、") || *e == '\0' ||
		    (unsigned char)*e >= 0xE0) {
			it->seq = n;
			e += starts_with(e, "．") || starts_with(e, "、") ? 3
			     : (*e == '.' || *e == ' ')			  ? 1
									  : 0;
			b = e;
		}
	}
	const char *name = strip_label(b, "技术名称");
	name = name ? name : b;
	while (*name == ' ')
		name++;
	const char *after = s + c + 7;
	while (*after == ' ' || *after == ')' || *after == ':')
		after++;
	if (starts_with(after, "）") || starts_with(after, "："))
		after += 3;
	while (*after == ' ')
		after++;
	if (*name) {
		if (!join(&it->name, name, strlen(name)))
			st->oom = true;
		const char *pts = strip_label(after, "控制要点");
		pts = pts ? pts : after;
		if (*pts)
			take_points(st, it, pts, strlen(pts), l->number);
	} else if (*after) {
		const char *nm = strip_label(after, "技术名称");
		nm = nm ? nm : after;
		/* the name runs to the control-point label or the first token
		 */
		const char *lab2 = strstr(nm, "控制要点");
		tok t;
		size_t nlen = strlen(nm);
		size_t stop = nlen;
		if (lab2)
			stop = (size_t)(lab2 - nm);
		else if (next_point_token(it, nm, nlen, 0, &t))
			stop = t.start;
		if (!join(&it->name, nm, stop))
			st->oom = true;
		if (stop < nlen) {
			const char *pts = strip_label(nm + stop, "控制要点");
			pts = pts ? pts : nm + stop;
			take_points(st, it, pts, strlen(pts), l->number);
		}
	}
	free(before);
}

/* A line inside an item that is not a new item. */
static void continue_item(pstate *st, ic_item *it, const pline *l)
{
	const char *s = l->text;
	const char *v;
	if ((v = strip_label(s, "技术名称"))) {
		const char *lab = strstr(v, "控制要点");
		if (!join(&it->name, v, lab ? (size_t)(lab - v) : strlen(v)))
			st->oom = true;
		if (lab)
			continue_item(
			    st, it,
			    &(pline){(char *)lab, strlen(lab), l->number});
		return;
	}
	if ((v = strip_label(s, "控制要点"))) {
		take_points(st, it, v, strlen(v), l->number);
		return;
	}
	if ((v = strip_label(s, "序号"))) {
		im_problem_add(st->c, l->number,
			       "serial number after the item's "
			       "code is not read: \"%s\"",
			       s);
		return;
	}
	if (!it->in_points) {
		tok t;
		if (next_point_token(it, s, l->len, 0, &t) && t.start == 0) {
			take_points(st, it, s, l->len, l->number);
			return;
		}
		if (!join(&it->name, s, l->len))
			st->oom = true;
		return;
	}
	/* a wrapped name cell: a short fragment that completes the name */
	if (it->name && !name_closed(it->name)) {
		const char *sp = strchr(s, ' ');
		size_t n = sp ? (size_t)(sp - s) : l->len;
		char *frag = cs_strndup(s, n);
		if (!frag) {
			st->oom = true;
			return;
		}
		char *cand = NULL;
		tok t;
		bool ok = im_chars(frag) <= 12 && !token_at(frag, n, 0, &t) &&
			  join(&cand, it->name, strlen(it->name)) &&
			  join(&cand, frag, n) && name_closed(cand);
		free(cand);
		free(frag);
		if (ok) {
			if (!join(&it->name, s, n))
				st->oom = true;
			s += n;
			while (*s == ' ')
				s++;
			if (!*s)
				return;
		}
	}
	take_points(st, it, s, strlen(s), l->number);
}

/* The next line that carries content (not blank, not page furniture). */
static const pline *next_content(const pline *lines, size_t n, size_t i)
{
	for (size_t k = i + 1; k < n && k < i + 8; k++) {
		if (!lines[k].len || page_number(lines[k].text) ||
		    table_header(lines[k].text))
			continue;
		return &lines[k];
	}
	return NULL;
}

static bool point_looks_finished(const ic_item *it)
{
	if (!it || !it->npoints)
		return true;
	const char *t = it->points[it->npoints - 1].text;
	if (!t)
		return false;
	return name_closed(t) || ends_with(t, "。") || ends_with(t, "；") ||
	       ends_with(t, "）") || ends_with(t, ")");
}

static void parse_line(pstate *st, const pline *lines, size_t n, size_t i)
{
	const pline *l = &lines[i];
	const char *s = l->text;
	int seq;
	if (!l->len)
		return;
	int part = part_heading(s);
	if (part) {
		st->part = part;
		st->cur = -1;
		free(st->industry);
		st->industry = NULL;
		return;
	}
	long c = find_code(s, l->len);
	if (c >= 0) {
		start_item(st, l, c);
		return;
	}
	if (page_number(s) || table_header(s))
		return;
	if (lone_number(s, &seq)) {
		const pline *nx = next_content(lines, n, i);
		if (nx && find_code(nx->text, nx->len) >= 0 &&
		    !is_digit(nx->text[0]))
			st->pending_seq = seq;
		return; /* else a page number */
	}
	const char *v = strip_label(s, "序号");
	if (v && lone_number(v, &seq)) {
		st->pending_seq = seq;
		return;
	}
	/* "（一）" inside a control point lists its conditions: a heading
	 * only where the point before it is finished */
	const char *heading = numbered_heading(s);
	if (heading && !industry_name(heading) &&
	    !point_looks_finished(cur_item(st)))
		heading = NULL;
	if (heading && (strstr(heading, "，") || strstr(heading, "。") ||
			strstr(heading, "；") || strstr(heading, "：")))
		heading = NULL;
	const pline *nx = next_content(lines, n, i);
	if (!heading && bare_heading(s) && point_looks_finished(cur_item(st)) &&
	    nx &&
	    (find_code(nx->text, nx->len) >= 0 || lone_number(nx->text, &seq) ||
	     strip_label(nx->text, "序号") || strip_label(nx->text, "编号")))
		heading = s;
	if (heading) {
		free(st->industry);
		st->industry = cs_strdup(heading);
		if (!st->industry)
			st->oom = true;
		st->cur = -1;
		return;
	}
	if (strstr(s, "技术目录") && im_chars(s) < 30)
		return; /* the title, or a running title on every page */
	if (starts_with(s, "附件") && im_chars(s) <= 4)
		return; /* "附件", "附件1": the annex the Catalogue is */
	if (starts_with(s, "注") && (starts_with(s + 3, "：") || s[3] == ':' ||
				     is_space_or_end(s + 3))) {
		im_problem_add(st->c, l->number, "note not read: \"%s\"", s);
		return;
	}
	ic_item *it = cur_item(st);
	if (!it) {
		if (st->c->nitems || st->part)
			im_problem_add(st->c, l->number,
				       "not part of any item: \"%s\"", s);
		else
			im_problem_add(st->c, l->number,
				       "before the Catalogue table, "
				       "not read: \"%s\"",
				       s);
		return;
	}
	continue_item(st, it, l);
}

/* ---- after the last line: each item checked and finished ------------------
 */

static void report_gaps(im_catalogue *c, const ic_item *it)
{
	char buf[256] = "";
	size_t o = 0;
	int expect = 1;
	for (size_t k = 0; k < it->npoints && o < sizeof buf - 32; k++) {
		int n = it->points[k].number;
		if (n > expect) {
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%d",
					      o ? ", " : "", expect);
			if (n - 1 > expect)
				o += (size_t)snprintf(buf + o, sizeof buf - o,
						      "-%d", n - 1);
		}
		expect = n + 1;
	}
	if (o)
		im_problem_add(c, it->line,
			       "item %s: control point%s %s not found "
			       "(numbering gap)",
			       it->code,
			       strchr(buf, ',') || strchr(buf, '-') ? "s" : "",
			       buf);
}

static void finish_item(pstate *st, ic_item *it)
{
	im_catalogue *c = st->c;
	if (it->pending) {
		/* a lone unnumbered control point */
		ic_point *pt = add_point(st, it, 0, it->pending_line);
		if (pt) {
			pt->text = it->pending;
			it->pending = NULL;
		}
	}
	if (it->name)
		im_tidy(it->name);
	if (!it->name || !*it->name)
		im_problem_add(c, it->line, "item %s: no name found", it->code);
	if (!it->npoints)
		im_problem_add(c, it->line, "item %s: no control point found",
			       it->code);
	for (size_t k = 0; k < it->npoints; k++) {
		ic_point *pt = &it->points[k];
		if (!pt->text) {
			im_problem_add(c, pt->line,
				       "item %s: control point %d is "
				       "empty",
				       it->code, pt->number);
			if (!(pt->text = cs_strdup(""))) {
				st->oom = true;
				return;
			}
			continue;
		}
		im_tidy(pt->text);
		/* the separator after a point is not part of it */
		size_t n = strlen(pt->text);
		if (ends_with(pt->text, "；") || ends_with(pt->text, "。"))
			pt->text[n - 3] = '\0';
		else if (n && (pt->text[n - 1] == ';'))
			pt->text[n - 1] = '\0';
		if (im_point_params(c, it->code, pt) != CS_OK)
			st->oom = true;
	}
	report_gaps(c, it);
}

static cs_code split_lines(const char *text, size_t len, int first_line,
			   pline **out, size_t *nout, cs_error *err)
{
	pline *lines = NULL;
	size_t n = 0, cap = 0;
	int number = first_line;
	for (size_t i = 0; i <= len && n < IM_MAX_LINES;) {
		size_t j = i;
		while (j < len && text[j] != '\n' && text[j] != '\f')
			j++;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			pline *q = realloc(lines, cap * sizeof *q);
			if (!q)
				goto oom;
			lines = q;
		}
		char *t = im_clean(text + i, j - i);
		if (!t)
			goto oom;
		lines[n++] = (pline){t, strlen(t), number++};
		if (j >= len)
			break;
		i = j + 1;
	}
	*out = lines;
	*nout = n;
	return CS_OK;
oom:
	for (size_t k = 0; k < n; k++)
		free(lines[k].text);
	free(lines);
	return cs_fail(err, CS_ENOMEM, "import: out of memory");
}

static cs_code run_parser(pstate *st, const char *text, size_t len,
			  int first_line, cs_error *err)
{
	pline *lines = NULL;
	size_t n = 0;
	size_t first_item = st->c->nitems;
	if (len > IM_MAX_TEXT)
		return cs_fail(err, CS_ELIMIT,
			       "import: text larger than %u bytes",
			       IM_MAX_TEXT);
	cs_code rc = split_lines(text, len, first_line, &lines, &n, err);
	if (rc != CS_OK)
		return rc;
	for (size_t i = 0; i < n && !st->oom; i++)
		parse_line(st, lines, n, i);
	for (size_t i = first_item; i < st->c->nitems && !st->oom; i++)
		finish_item(st, &st->c->items[i]);
	for (size_t k = 0; k < n; k++)
		free(lines[k].text);
	free(lines);
	if (st->oom || st->c->oom)
		return cs_fail(err, CS_ENOMEM, "import: out of memory");
	return CS_OK;
}

cs_code im_parse(const char *text, size_t len, im_catalogue **out,
		 cs_error *err)
{
	im_catalogue *c = calloc(1, sizeof *c);
	if (!c)
		return cs_fail(err, CS_ENOMEM, "import: out of memory");
	pstate st = {.c = c, .cur = -1};
	cs_code rc = run_parser(&st, text, len, 1, err);
	free(st.industry);
	if (rc == CS_OK && c->nitems == 0)
		rc = cs_fail(err, CS_EINVAL,
			     "import: no item code (six digits and "
			     "J or X) found in the text");
	if (rc != CS_OK) {
		im_catalogue_free(c);
		return rc;
	}
	*out = c;
	return CS_OK;
}

cs_code im_parse_block(const char *text, size_t len, int first_line,
		       bool prohibited_part, const char *industry,
		       im_catalogue *into, cs_error *err)
{
	pstate st = {.c = into,
		     .cur = -1,
		     .block = true,
		     .part = prohibited_part ? 1 : 2};
	if (industry && !(st.industry = cs_strdup(industry)))
		return cs_fail(err, CS_ENOMEM, "import: out of memory");
	cs_code rc = run_parser(&st, text, len, first_line, err);
	free(st.industry);
	return rc;
}
