/*
 * import_pack.c: the imported Catalogue written as a rule pack, with the
 * curated pack laid over it.
 *
 * Rule files are edited as text here (tx_*), not through the compiler:
 * the overlay must keep everything a person wrote (comments, notes, terms
 * in traditional characters, their order) and change only what the
 * official text decides: the id (the official code), name-zh,
 * industry-zh, and each control point's number and text-zh and, where
 * the official text has thresholds, its parameters.
 *
 * How a curated item meets an imported one: by official code where the
 * curated item has one, else by its exact name-zh and class (the industry
 * heading only decides between two candidates). Its points meet the
 * official ones by number when their texts agree, else by text alone. A
 * matched point keeps the curated rule (its groups, match, review,
 * exclusions and examples were written and tested by hand, often with
 * English and traditional-character synonyms) with the official text and
 * thresholds; every official point without a curated rule gets a derived
 * rule; a curated point that meets no official point is kept unnumbered
 * (?K), a curated subject stays the item's subject. So for an item both
 * sides know, the curated terms add to the derived ones point by point.
 * An item with hand-written terms is not marked `derived`: `derived`
 * means machine-made terms only. Curated items that meet nothing are
 * kept and reported.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_impl.h"
#include "normalize.h"
#include "quantity.h"
#include "rules_impl.h"

/* ---- rule files as lines ----------------------------------------------------
 */

static bool push(char ***lines, size_t *n, char *line)
{
	char **q = realloc(*lines, (*n + 1) * sizeof *q);
	if (!q)
		return false;
	q[(*n)++] = line;
	*lines = q;
	return true;
}

cs_code tx_add_line(char ***lines, size_t *n, const char *line)
{
	char *c = cs_strdup(line);
	if (!c || !push(lines, n, c)) {
		free(c);
		return CS_ENOMEM;
	}
	return CS_OK;
}

/* The keyword of a statement line, and its length; 0 for comments and
 * blank lines. */
static size_t keyword(const char *line, const char **kw)
{
	while (*line == ' ' || *line == '\t')
		line++;
	*kw = line;
	if (!*line || *line == '#' || *line == '\r')
		return 0;
	size_t n = 0;
	while (line[n] && line[n] != ' ' && line[n] != '\t' && line[n] != ':')
		n++;
	return n;
}

static bool is_kw(const char *line, const char *want)
{
	const char *kw;
	size_t n = keyword(line, &kw);
	return n == strlen(want) && memcmp(kw, want, n) == 0;
}

static const char *value_of(const char *line)
{
	const char *kw;
	size_t n = keyword(line, &kw);
	const char *v = kw + n;
	while (*v == ' ' || *v == '\t')
		v++;
	return v;
}

static char *trimmed(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return cs_strndup(s, n);
}

static void free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

void tx_free(tx_pack *p)
{
	free_lines(p->head, p->nhead);
	for (size_t i = 0; i < p->nitems; i++) {
		tx_item *it = &p->items[i];
		free(it->id);
		free_lines(it->lines, it->nlines);
		for (size_t k = 0; k < it->npoints; k++) {
			free(it->points[k].head);
			free_lines(it->points[k].lines, it->points[k].nlines);
		}
		free(it->points);
	}
	free(p->items);
	memset(p, 0, sizeof *p);
}

/* Moves the trailing comments and blank lines of a block to *carry: they
 * introduce what follows, not what precedes. */
static bool take_trailing(char ***lines, size_t *n, char ***carry, size_t *nc)
{
	size_t k = *n;
	while (k > 0) {
		const char *kw;
		if (keyword((*lines)[k - 1], &kw))
			break;
		k--;
	}
	for (size_t i = k; i < *n; i++)
		if (!push(carry, nc, (*lines)[i]))
			return false;
	*n = k;
	return true;
}

cs_code tx_parse(const rl_source *src, size_t nsrc, tx_pack *p, cs_error *err)
{
	memset(p, 0, sizeof *p);
	tx_item *it = NULL;
	tx_point *pt = NULL;
	char **carry = NULL;
	size_t ncarry = 0, total = 0;
	for (size_t f = 0; f < nsrc; f++) {
		const char *s = src[f].text, *end = s + src[f].len;
		/* a new file: what was pending belongs to its first item */
		while (s < end) {
			if (++total > IM_MAX_LINES)
				goto limit;
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
			char *line = cs_strndup(s, len);
			if (!line)
				goto oom;
			if (len && line[len - 1] == '\r')
				line[len - 1] = '\0';
			s += len + (nl != NULL);
			if (is_kw(line, "item")) {
				if (pt) {
					if (!take_trailing(&pt->lines,
							   &pt->nlines, &carry,
							   &ncarry))
						goto oom_line;
				} else if (it) {
					if (!take_trailing(&it->lines,
							   &it->nlines, &carry,
							   &ncarry))
						goto oom_line;
				}
				tx_item *q = realloc(p->items, (p->nitems + 1) *
								   sizeof *q);
				if (!q)
					goto oom_line;
				p->items = q;
				it = &q[p->nitems++];
				memset(it, 0, sizeof *it);
				pt = NULL;
				it->lines = carry;
				it->nlines = ncarry;
				carry = NULL;
				ncarry = 0;
				it->id = trimmed(value_of(line));
				if (!it->id ||
				    !push(&it->lines, &it->nlines, line))
					goto oom_line;
				continue;
			}
			if (it &&
			    (is_kw(line, "point") || is_kw(line, "subject"))) {
				tx_point *q = realloc(
				    it->points, (it->npoints + 1) * sizeof *q);
				if (!q)
					goto oom_line;
				it->points = q;
				pt = &q[it->npoints++];
				memset(pt, 0, sizeof *pt);
				pt->head = is_kw(line, "subject")
					       ? cs_strdup("subject")
					       : trimmed(value_of(line));
				if (!pt->head ||
				    !push(&pt->lines, &pt->nlines, line))
					goto oom_line;
				continue;
			}
			bool ok = pt   ? push(&pt->lines, &pt->nlines, line)
				  : it ? push(&it->lines, &it->nlines, line)
				       : push(&p->head, &p->nhead, line);
			if (!ok)
				goto oom_line;
			continue;
		oom_line:
			free(line);
			goto oom;
		}
	}
	free_lines(carry, ncarry);
	return CS_OK;
limit:
	free_lines(carry, ncarry);
	tx_free(p);
	return cs_fail(err, CS_ELIMIT, "import: more than %d lines of rules",
		       IM_MAX_LINES);
oom:
	free_lines(carry, ncarry);
	tx_free(p);
	return cs_fail(err, CS_ENOMEM, "import: out of memory");
}

const char *tx_value(char **lines, size_t n, const char *kw)
{
	for (size_t i = 0; i < n; i++)
		if (is_kw(lines[i], kw))
			return value_of(lines[i]);
	return NULL;
}

cs_code tx_set(char ***lines, size_t *n, const char *kw, const char *value)
{
	char *line = NULL;
	if (value) {
		size_t need = strlen(kw) + strlen(value) + 16;
		line = malloc(need);
		if (!line)
			return CS_ENOMEM;
		snprintf(line, need, "%-11s %s", kw, value);
	}
	for (size_t i = 0; i < *n; i++) {
		if (!is_kw((*lines)[i], kw))
			continue;
		free((*lines)[i]);
		if (line) {
			(*lines)[i] = line;
		} else {
			memmove(*lines + i, *lines + i + 1,
				(*n - i - 1) * sizeof **lines);
			(*n)--;
		}
		return CS_OK;
	}
	if (!line)
		return CS_OK;
	/* after the statement that opens the block */
	size_t at = 0;
	for (size_t i = 0; i < *n; i++)
		if (is_kw((*lines)[i], "item") || is_kw((*lines)[i], "point") ||
		    is_kw((*lines)[i], "subject")) {
			at = i + 1;
			break;
		}
	if (!push(lines, n, line)) {
		free(line);
		return CS_ENOMEM;
	}
	memmove(*lines + at + 1, *lines + at, (*n - at - 1) * sizeof **lines);
	(*lines)[at] = line;
	return CS_OK;
}

static cs_code write_lines(cs_buf *out, char **lines, size_t n)
{
	cs_code rc = CS_OK;
	for (size_t i = 0; i < n && rc == CS_OK; i++) {
		rc = cs_buf_adds(out, lines[i]);
		if (rc == CS_OK)
			rc = cs_buf_addc(out, '\n');
	}
	return rc;
}

cs_code tx_write(const tx_pack *p, cs_buf *out)
{
	cs_code rc = write_lines(out, p->head, p->nhead);
	for (size_t i = 0; i < p->nitems && rc == CS_OK; i++) {
		const tx_item *it = &p->items[i];
		rc = write_lines(out, it->lines, it->nlines);
		for (size_t k = 0; k < it->npoints && rc == CS_OK; k++)
			rc = write_lines(out, it->points[k].lines,
					 it->points[k].nlines);
	}
	return rc;
}

tx_item *tx_find(tx_pack *p, const char *id)
{
	for (size_t i = 0; i < p->nitems; i++)
		if (strcmp(p->items[i].id, id) == 0)
			return &p->items[i];
	return NULL;
}

/* ---- derived items
 * ------------------------------------------------------------- */

static const char rule_line[] = "# "
				"----------------------------------------------"
				"-----------------------------\n";

/* Writes one derived point (or the subject, for number < 0). */
static cs_code write_point(const ic_item *it, const ic_point *pt,
			   const char *head, const char *since, cs_buf *out,
			   cs_buf *report, cs_buf *examples)
{
	bool fallback = false;
	const char *text = pt ? pt->text : it->name;
	cs_code rc =
	    pt ? cs_buf_printf(out, "\npoint %s\ntext-zh  %s\n", head, text)
	       : cs_buf_adds(out, "\nsubject\n");
	if (rc == CS_OK && since)
		rc = cs_buf_printf(out, "since %s\n", since);
	if (rc == CS_OK)
		rc = im_derive_rule(text, it->name, pt ? pt->params : NULL,
				    pt ? pt->nparams : 0, out, &fallback);
	if (rc == CS_OK && fallback && report)
		rc = cs_buf_printf(
		    report,
		    "item %s point %s: no distinctive term in "
		    "\"%s\"; it matches the phrase only with a word "
		    "of transfer (转让, 许可使用, 专有技术...)\n",
		    it->code, head, text);
	if (rc == CS_OK)
		rc = cs_buf_printf(examples, "example %s : %s%s\n", head,
				   fallback ? im_fallback_frame : "", text);
	return rc;
}

static cs_code write_generated(cs_buf *out, const cs_buf *examples,
			       bool counter)
{
	cs_code rc = CS_OK;
	if (examples->len) {
		rc = cs_buf_adds(
		    out, "\n# generated: each example is its control "
			 "point's own official text (after \"技术转让：\" "
			 "where the rule needs a word of transfer)\n");
		if (rc == CS_OK)
			rc = cs_buf_add(out, examples->data, examples->len);
	}
	if (rc == CS_OK && counter)
		rc =
		    cs_buf_printf(out,
				  "# generated: a fixed sentence that names no "
				  "technology\ncounter : %s\n",
				  im_counter_text);
	return rc;
}

static void point_head(const ic_point *pt, char *buf, size_t n)
{
	snprintf(buf, n, "%d", pt->number ? pt->number : 1);
}

cs_code im_write_item(const ic_item *it, const char *since, cs_buf *out,
		      cs_buf *report)
{
	cs_buf ex;
	cs_buf_init(&ex, IM_MAX_OUT);
	cs_code rc = cs_buf_printf(
	    out, "%sitem %s\nclass       %s\n", rule_line, it->code,
	    it->prohibited ? "prohibited" : "restricted");
	if (rc == CS_OK && it->name && *it->name)
		rc = cs_buf_printf(out, "name-zh     %s\n", it->name);
	if (rc == CS_OK)
		rc =
		    cs_buf_printf(out,
				  "name-en     Catalogue item %s (the official "
				  "text gives no English name)\n",
				  it->code);
	if (rc == CS_OK && it->industry)
		rc = cs_buf_printf(out, "industry-zh %s\n", it->industry);
	if (rc == CS_OK)
		rc = cs_buf_adds(out, "confidence  verified\nderived\n");
	if (rc == CS_OK && since)
		rc = cs_buf_printf(out, "since       %s\n", since);
	if (rc == CS_OK)
		rc = cs_buf_adds(out,
				 "note        Name and control points from the "
				 "official text; match terms derived from "
				 "their wording by catscan rules import, not "
				 "reviewed by hand.\n");
	if (rc == CS_OK && it->seq)
		rc = cs_buf_printf(
		    out,
		    "note        Serial number %d in the official "
		    "text.\n",
		    it->seq);
	for (size_t k = 0; k < it->npoints && rc == CS_OK; k++) {
		char head[16];
		point_head(&it->points[k], head, sizeof head);
		rc = write_point(it, &it->points[k], head, NULL, out, report,
				 &ex);
	}
	if (rc == CS_OK && !it->npoints)
		rc = write_point(it, NULL, "subject", NULL, out, report, &ex);
	if (rc == CS_OK)
		rc = write_generated(out, &ex, true);
	if (rc == CS_OK)
		rc = cs_buf_addc(out, '\n');
	cs_buf_free(&ex);
	return rc;
}

/* ---- the overlay
 * ----------------------------------------------------------------- */

/* Similarity of two texts once normalised: equal, one inside the other,
 * or sharing most of their character pairs (Dice over bigrams). */
static bool texts_agree(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	char *x = nz_normalize_str(a), *y = nz_normalize_str(b);
	bool agree = false;
	if (!x || !y)
		goto done;
	if (strcmp(x, y) == 0 || (strlen(x) >= 6 && strstr(y, x)) ||
	    (strlen(y) >= 6 && strstr(x, y))) {
		agree = true;
		goto done;
	}
	size_t nx = strlen(x), ny = strlen(y), common = 0, bx = 0, by = 0;
	for (size_t i = 0; i < nx;) {
		uint32_t c1, c2;
		size_t l1 = im_u8(x, nx, i, &c1);
		if (i + l1 >= nx)
			break;
		size_t l2 = im_u8(x, nx, i + l1, &c2);
		bx++;
		/* is this pair in y? */
		for (size_t j = 0; j < ny;) {
			uint32_t d1, d2;
			size_t m1 = im_u8(y, ny, j, &d1);
			if (j + m1 >= ny)
				break;
			im_u8(y, ny, j + m1, &d2);
			if (d1 == c1 && d2 == c2) {
				common++;
				break;
			}
			j += m1;
		}
		(void)l2;
		i += l1;
	}
	for (size_t j = 0; j < ny;) {
		uint32_t d;
		size_t m = im_u8(y, ny, j, &d);
		if (j + m >= ny)
			break;
		by++;
		j += m;
	}
	agree = bx + by > 0 && 2.0 * (double)common / (double)(bx + by) >= 0.6;
done:
	free(x);
	free(y);
	return agree;
}

static char id_letter(const char *id)
{
	size_t n = strlen(id);
	if (n == 7 && (id[6] == 'J' || id[6] == 'X'))
		return id[6];
	return n > 2 ? id[2] : '?';
}

static bool same_name(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	char *x = nz_normalize_str(a), *y = nz_normalize_str(b);
	bool same = x && y && strcmp(x, y) == 0;
	free(x);
	free(y);
	return same;
}

/* The curated item for imported item it: by code, else by name and class
 * (and the industry between several). -1 when none. */
static long find_curated(const tx_pack *cur, const bool *used,
			 const ic_item *it, bool *by_code)
{
	*by_code = false;
	for (size_t i = 0; i < cur->nitems; i++)
		if (!used[i] && strcmp(cur->items[i].id, it->code) == 0) {
			*by_code = true;
			return (long)i;
		}
	long found = -1;
	for (size_t i = 0; i < cur->nitems; i++) {
		const tx_item *c = &cur->items[i];
		if (used[i] || id_letter(c->id) != it->code[6] ||
		    !same_name(tx_value(c->lines, c->nlines, "name-zh"),
			       it->name))
			continue;
		const char *ind = tx_value(c->lines, c->nlines, "industry-zh");
		if (found < 0 ||
		    (ind && it->industry && same_name(ind, it->industry)))
			found = (long)i;
	}
	return found;
}

/* A parsed `param` line of a curated point. */
typedef struct cparam {
	char name[64], op[4];
	double base;
	qp_dim dim;
	char *anchors;
	bool used;
} cparam;

static bool parse_cparam(const char *line, cparam *cp)
{
	const char *v = value_of(line);
	const char *near = strstr(v, " near ");
	if (!near)
		return false;
	char head[256];
	size_t hn = (size_t)(near - v);
	if (hn >= sizeof head)
		return false;
	memcpy(head, v, hn);
	head[hn] = '\0';
	char *tok[8];
	int nt = 0;
	for (char *s = strtok(head, " \t"); s && nt < 8;
	     s = strtok(NULL, " \t"))
		tok[nt++] = s;
	if (nt < 4 || strlen(tok[0]) >= sizeof cp->name)
		return false;
	snprintf(cp->name, sizeof cp->name, "%s", tok[0]);
	const char *unit;
	double value;
	if (strcmp(tok[1], "in") == 0) {
		if (nt != 6)
			return false;
		snprintf(cp->op, sizeof cp->op, "in");
		value = strtod(tok[2], NULL);
		unit = tok[5];
	} else {
		if (strlen(tok[1]) > 2)
			return false;
		snprintf(cp->op, sizeof cp->op, "%s", tok[1]);
		value = strtod(tok[2], NULL);
		unit = tok[3];
	}
	double scale, offset;
	if (!qp_unit(unit, &cp->dim, &scale, &offset))
		return false;
	cp->base = value * scale + offset;
	const char *a = near + 6;
	const char *w = strstr(a, " within ");
	cp->anchors = w ? cs_strndup(a, (size_t)(w - a)) : cs_strdup(a);
	return cp->anchors != NULL;
}

/* Appends the entries of add not yet in list ("a | b"). */
static cs_code merge_anchors(cs_buf *list, const char *add)
{
	const char *s = add;
	for (int guard = 0; *s && guard < 256; guard++) {
		const char *bar = strchr(s, '|');
		size_t n = bar ? (size_t)(bar - s) : strlen(s);
		while (n && *s == ' ') {
			s++;
			n--;
		}
		while (n && s[n - 1] == ' ')
			n--;
		if (n) {
			/* whole-entry comparison */
			bool dup = false;
			const char *l = list->data ? list->data : "";
			for (const char *e = l; *e && !dup;) {
				const char *eb = strchr(e, '|');
				size_t en = eb ? (size_t)(eb - e) : strlen(e);
				const char *es = e;
				while (en && *es == ' ') {
					es++;
					en--;
				}
				while (en && es[en - 1] == ' ')
					en--;
				dup = en == n && memcmp(es, s, n) == 0;
				e = eb ? eb + 1 : e + strlen(e);
			}
			if (!dup) {
				cs_code rc = cs_buf_printf(
				    list, "%s%.*s", list->len ? " | " : "",
				    (int)n, s);
				if (rc != CS_OK)
					return rc;
			}
		}
		if (!bar)
			break;
		s = bar + 1;
	}
	return CS_OK;
}

/* Parameters of a matched point: the official thresholds, each with the
 * anchors of the curated parameter that states the same threshold. */
static cs_code write_merged_params(const ic_item *it, const ic_point *pt,
				   cparam *cps, size_t ncp, cs_buf *out,
				   cs_buf *report)
{
	cs_code rc = CS_OK;
	for (size_t k = 0; k < pt->nparams && rc == CS_OK; k++) {
		const ic_param *p = &pt->params[k];
		qp_dim dim;
		double scale, offset;
		double base = qp_unit(p->unit, &dim, &scale, &offset)
				  ? p->value * scale + offset
				  : NAN;
		cs_buf anchors;
		cs_buf_init(&anchors, 1 << 16);
		rc = merge_anchors(&anchors, p->anchors);
		for (size_t c = 0; c < ncp && rc == CS_OK; c++) {
			if (cps[c].used || cps[c].dim != dim ||
			    fabs(cps[c].base - base) >
				1e-6 * fmax(1, fabs(base)))
				continue;
			cps[c].used = true;
			rc = merge_anchors(&anchors, cps[c].anchors);
		}
		if (rc == CS_OK) {
			if (strcmp(p->op, "in") == 0)
				rc = cs_buf_printf(
				    out,
				    "param %s in %.10g .. %.10g %s near "
				    "%s\n",
				    p->name, p->value, p->value2, p->unit,
				    anchors.data);
			else
				rc = cs_buf_printf(
				    out, "param %s %s %.10g %s near %s\n",
				    p->name, p->op, p->value, p->unit,
				    anchors.data);
		}
		cs_buf_free(&anchors);
	}
	for (size_t c = 0; c < ncp && rc == CS_OK; c++)
		if (!cps[c].used)
			rc = cs_buf_printf(
			    report,
			    "item %s point %d: curated parameter "
			    "%s is not a threshold of the official "
			    "text; dropped\n",
			    it->code, pt->number ? pt->number : 1, cps[c].name);
	return rc;
}

/* "example 2 : ..." with its point reference renamed through map. */
typedef struct rename {
	const char *from;
	char to[16];
} rename_t;

static cs_code write_curated_line(cs_buf *out, const char *line,
				  const rename_t *map, size_t nmap,
				  bool unverified)
{
	const char *kw;
	size_t n = keyword(line, &kw);
	bool ex = (n == 7 && memcmp(kw, "example", 7) == 0) ||
		  (n == 14 && memcmp(kw, "example-review", 14) == 0);
	if (!ex)
		return cs_buf_printf(out, "%s\n", line);
	const char *colon = strchr(kw + n, ':');
	if (!colon)
		return cs_buf_printf(out, "%s\n", line);
	char ref[32];
	const char *r = kw + n;
	while (*r == ' ' || *r == '\t')
		r++;
	size_t rn = (size_t)(colon - r);
	while (rn && (r[rn - 1] == ' ' || r[rn - 1] == '\t'))
		rn--;
	if (rn >= sizeof ref)
		return cs_buf_printf(out, "%s\n", line);
	memcpy(ref, r, rn);
	ref[rn] = '\0';
	const char *to = ref;
	for (size_t i = 0; i < nmap; i++)
		if (strcmp(map[i].from, ref) == 0)
			to = map[i].to;
	/* on an unverified item every hit was review; verified by the
	 * official text, its review examples are plain examples */
	const char *word =
	    unverified ? "example" : (n == 7 ? "example" : "example-review");
	return cs_buf_printf(out, "%s %s %s\n", word, to, colon);
}

static const char *qtext(const tx_point *q)
{
	const char *t = tx_value(q->lines, q->nlines, "text-zh");
	return t ? t : "";
}

typedef struct overlay {
	const im_options *opt;
	cs_buf *out, *report;
	im_stats *stats;
} overlay;

/* Writes the curated item c merged with the imported item it. */
static cs_code write_merged(overlay *ov, const ic_item *it, const tx_item *c)
{
	cs_buf *out = ov->out;
	cs_buf ex;
	cs_buf_init(&ex, IM_MAX_OUT);
	cs_code rc = CS_OK;
	const char *conf = tx_value(c->lines, c->nlines, "confidence");
	bool unverified = conf && strncmp(conf, "unverified", 10) == 0;
	size_t np = c->npoints;
	/* curated point -> official point index, -1 none */
	long *match = malloc((np ? np : 1) * sizeof *match);
	bool *taken = calloc(it->npoints ? it->npoints : 1, sizeof *taken);
	rename_t *map = calloc(np ? np : 1, sizeof *map);
	if (!match || !taken || !map) {
		rc = CS_ENOMEM;
		goto done;
	}
	for (size_t k = 0; k < np; k++) {
		match[k] = -1;
		const tx_point *q = &c->points[k];
		if (strcmp(q->head, "subject") == 0)
			continue;
		const char *qt = tx_value(q->lines, q->nlines, "text-zh");
		int num = atoi(q->head);
		for (size_t o = 0; o < it->npoints && match[k] < 0; o++) {
			int on =
			    it->points[o].number ? it->points[o].number : 1;
			if (!taken[o] && num == on &&
			    texts_agree(qt, it->points[o].text))
				match[k] = (long)o;
		}
		for (size_t o = 0; o < it->npoints && match[k] < 0; o++)
			if (!taken[o] && texts_agree(qt, it->points[o].text))
				match[k] = (long)o;
		if (match[k] >= 0)
			taken[match[k]] = true;
	}
	int ordinal = 0;
	for (size_t k = 0; k < np; k++) {
		map[k].from = c->points[k].head;
		if (match[k] >= 0) {
			point_head(&it->points[match[k]], map[k].to,
				   sizeof map[k].to);
		} else if (strcmp(c->points[k].head, "subject") == 0) {
			snprintf(map[k].to, sizeof map[k].to, "subject");
		} else {
			snprintf(map[k].to, sizeof map[k].to, "?%d", ++ordinal);
			rc = cs_buf_printf(
			    ov->report,
			    "item %s: curated point %s (\"%s\") "
			    "meets no control point of the official "
			    "text; kept as point %s\n",
			    it->code, c->points[k].head, qtext(&c->points[k]),
			    map[k].to);
		}
	}

	/* the item's own lines, with the official facts */
	for (size_t i = 0; i < c->nlines && rc == CS_OK; i++) {
		const char *l = c->lines[i];
		if (is_kw(l, "item"))
			rc = cs_buf_printf(out, "item %s\n", it->code);
		else if (is_kw(l, "name-zh"))
			continue;
		else if (is_kw(l, "industry-zh") && it->industry)
			continue;
		else if (is_kw(l, "confidence"))
			rc = cs_buf_adds(out, "confidence  verified\n");
		else if (is_kw(l, "class"))
			rc = cs_buf_printf(out, "%s\n", l);
		else
			rc = write_curated_line(out, l, map, np, unverified);
		if (rc == CS_OK && is_kw(l, "class")) {
			if (it->name && *it->name)
				rc = cs_buf_printf(out, "name-zh     %s\n",
						   it->name);
			if (rc == CS_OK && it->industry)
				rc = cs_buf_printf(out, "industry-zh %s\n",
						   it->industry);
		}
	}
	if (rc == CS_OK)
		rc = cs_buf_printf(
		    out,
		    "note        Name and control points from the "
		    "official text (%s); curated terms where written, "
		    "terms derived from the official wording for the "
		    "other points.\n",
		    ov->opt->source_name ? ov->opt->source_name : "imported");
	if (rc == CS_OK && it->seq)
		rc = cs_buf_printf(
		    out,
		    "note        Serial number %d in the official "
		    "text.\n",
		    it->seq);

	/* official points in order: curated rule where one meets it */
	for (size_t o = 0; o < it->npoints && rc == CS_OK; o++) {
		const ic_point *pt = &it->points[o];
		char head[16];
		point_head(pt, head, sizeof head);
		long k = -1;
		for (size_t j = 0; j < np; j++)
			if (match[j] == (long)o)
				k = (long)j;
		if (k < 0) {
			rc = write_point(it, pt, head, NULL, out, ov->report,
					 &ex);
			continue;
		}
		const tx_point *q = &c->points[k];
		cparam cps[IM_MAX_PARAMS];
		size_t ncp = 0;
		bool params_written = false;
		for (size_t i = 0; i < q->nlines && rc == CS_OK; i++)
			if (is_kw(q->lines[i], "param") &&
			    ncp < IM_MAX_PARAMS) {
				memset(&cps[ncp], 0, sizeof cps[ncp]);
				if (parse_cparam(q->lines[i], &cps[ncp]))
					ncp++;
			}
		for (size_t i = 0; i < q->nlines && rc == CS_OK; i++) {
			const char *l = q->lines[i];
			if (is_kw(l, "point")) {
				rc = cs_buf_printf(out, "point %s\n", head);
			} else if (is_kw(l, "text-zh")) {
				rc = cs_buf_printf(out, "text-zh  %s\n",
						   pt->text);
			} else if (is_kw(l, "param")) {
				if (!params_written)
					rc = write_merged_params(
					    it, pt, cps, ncp, out, ov->report);
				params_written = true;
			} else {
				rc = write_curated_line(out, l, map, np,
							unverified);
			}
			if (rc == CS_OK && is_kw(l, "point") &&
			    !tx_value(q->lines, q->nlines, "text-zh"))
				rc = cs_buf_printf(out, "text-zh  %s\n",
						   pt->text);
		}
		if (rc == CS_OK && !params_written && pt->nparams)
			rc = write_merged_params(it, pt, cps, ncp, out,
						 ov->report);
		for (size_t i = 0; i < ncp; i++)
			free(cps[i].anchors);
	}
	/* curated points that met nothing: unnumbered, and the subject */
	for (size_t k = 0; k < np && rc == CS_OK; k++) {
		if (match[k] >= 0)
			continue;
		const tx_point *q = &c->points[k];
		for (size_t i = 0; i < q->nlines && rc == CS_OK; i++) {
			if (is_kw(q->lines[i], "point"))
				rc =
				    cs_buf_printf(out, "point %s\n", map[k].to);
			else
				rc = write_curated_line(out, q->lines[i], map,
							np, unverified);
		}
	}
	if (rc == CS_OK)
		rc = write_generated(out, &ex, false);
	if (rc == CS_OK)
		rc = cs_buf_addc(out, '\n');
done:
	cs_buf_free(&ex);
	free(match);
	free(taken);
	free(map);
	return rc;
}

/* The pack header: the curated editions before the imported one, and it. */
static cs_code write_header(overlay *ov, const im_catalogue *c,
			    const tx_pack *cur, rl_date edition)
{
	const im_options *opt = ov->opt;
	cs_buf *out = ov->out;
	size_t nj = 0, nx = 0;
	for (size_t i = 0; i < c->nitems; i++)
		nj += c->items[i].prohibited;
	nx = c->nitems - nj;
	const char *label = opt->label;
	cs_code rc = cs_buf_printf(
	    out,
	    "# Rule pack built by `catscan rules import` from the official "
	    "text of\n"
	    "# the Catalogue of Technologies Prohibited or Restricted from "
	    "Export\n"
	    "# (%s): %zu items, %zu prohibited and %zu restricted.\n"
	    "# Items marked `derived` have match terms made from the official "
	    "wording\n"
	    "# only; the others keep the terms of the curated pack as well.\n\n"
	    "pack       catalogue\nversion    %s-import\nitems      %zu\n",
	    opt->source_name ? opt->source_name : "imported text", c->nitems,
	    nj, nx, opt->edition, c->nitems);
	for (size_t i = 0; cur && i < cur->nhead && rc == CS_OK; i++) {
		if (!is_kw(cur->head[i], "edition"))
			continue;
		const char *v = value_of(cur->head[i]);
		char date[11];
		rl_date d;
		snprintf(date, sizeof date, "%.10s", v);
		if (!rl_date_parse(date, &d))
			continue;
		const char *bar = strchr(v, '|');
		if (d < edition)
			rc = cs_buf_printf(out, "edition    %s\n", v);
		else if (d == edition && !label && bar) {
			bar++;
			while (*bar == ' ')
				bar++;
			rc = cs_buf_printf(out, "edition    %s | %s\n",
					   opt->edition, bar);
			label = "";
		}
	}
	if (rc == CS_OK && !(label && !*label))
		rc = cs_buf_printf(out, "edition    %s | %s\n", opt->edition,
				   label ? label : "official text as imported");
	if (rc == CS_OK)
		rc = cs_buf_addc(out, '\n');
	return rc;
}

cs_code im_write_pack(const im_catalogue *c, const im_options *opt, cs_buf *out,
		      cs_buf *report, im_stats *stats, cs_error *err)
{
	tx_pack cur = {0};
	bool have_cur = false;
	bool *used = NULL;
	im_stats local;
	cs_code rc = CS_OK;
	rl_date edition;
	cs_buf scratch;
	cs_buf_init(&scratch, IM_MAX_OUT);
	if (!report)
		report = &scratch; /* the caller does not want to know */
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	if (!opt->edition || !rl_date_parse(opt->edition, &edition)) {
		rc = cs_fail(err, CS_EINVAL,
			     "import: edition date '%s' is not "
			     "YYYY-MM-DD",
			     opt->edition ? opt->edition : "");
		goto done;
	}
	if (opt->ncurated) {
		rc = tx_parse(opt->curated, opt->ncurated, &cur, err);
		if (rc != CS_OK)
			goto done;
		have_cur = true;
	}
	used = calloc(cur.nitems ? cur.nitems : 1, sizeof *used);
	if (!used) {
		rc = cs_fail(err, CS_ENOMEM, "import: out of memory");
		goto done;
	}
	/* items whose terms were derived earlier are not curated */
	for (size_t i = 0; i < cur.nitems; i++)
		used[i] = tx_value(cur.items[i].lines, cur.items[i].nlines,
				   "derived") != NULL;
	overlay ov = {opt, out, report, stats};
	rc = write_header(&ov, c, have_cur ? &cur : NULL, edition);
	for (size_t i = 0; i < c->nitems && rc == CS_OK; i++) {
		const ic_item *it = &c->items[i];
		bool by_code;
		long k = find_curated(&cur, used, it, &by_code);
		stats->items++;
		stats->prohibited += it->prohibited;
		stats->points += it->npoints;
		for (size_t p = 0; p < it->npoints; p++)
			stats->params += it->points[p].nparams;
		if (k < 0) {
			stats->derived++;
			rc = im_write_item(it, NULL, out, report);
			continue;
		}
		used[k] = true;
		stats->overlaid++;
		stats->by_code += by_code;
		stats->by_name += !by_code;
		const char *ind = tx_value(cur.items[k].lines,
					   cur.items[k].nlines, "industry-zh");
		if (!by_code && ind && it->industry &&
		    !same_name(ind, it->industry))
			rc = cs_buf_printf(
			    report,
			    "item %s: curated item %s has industry "
			    "\"%s\", the official text \"%s\"; the "
			    "official heading is used\n",
			    it->code, cur.items[k].id, ind, it->industry);
		if (rc == CS_OK)
			rc = write_merged(&ov, it, &cur.items[k]);
	}
	stats->restricted = stats->items - stats->prohibited;
	for (size_t i = 0; i < cur.nitems && rc == CS_OK; i++) {
		if (used[i])
			continue;
		const tx_item *t = &cur.items[i];
		stats->curated_kept++;
		const char *name = tx_value(t->lines, t->nlines, "name-zh");
		rc = cs_buf_printf(report,
				   "curated item %s (%s) has no counterpart in "
				   "the official text; kept as it is\n",
				   t->id, name ? name : "no Chinese name");
		if (rc == CS_OK)
			rc = write_lines(out, t->lines, t->nlines);
		for (size_t p = 0; p < t->npoints && rc == CS_OK; p++)
			rc = write_lines(out, t->points[p].lines,
					 t->points[p].nlines);
	}
	if (rc != CS_OK && rc != CS_EINVAL)
		rc = cs_fail(err, rc, "import: %s while writing the pack",
			     cs_strerror(rc));
done:
	free(used);
	if (have_cur)
		tx_free(&cur);
	cs_buf_free(&scratch);
	return rc;
}
