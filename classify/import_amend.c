/*
 * import_amend.c: an adjustment notice applied to a rule pack.
 *
 * Between editions the ministries adjust the Catalogue by notices
 * (Announcement 2020 No. 38, 2025 No. 28) written in a few fixed forms:
 *
 *   删去中国传统建筑技术（编号：085001J）条目。
 *   将有色金属冶金技术（编号：083201X）控制要点2修改为：“...”。
 *   在有色金属冶金技术（编号：083201X）中新增控制要点：9．...；10．...
 *   删去...（编号：...）控制要点3。
 *   在化学原料和化学制品制造业中新增电池正极材料制备技术（编号：252604X），
 *   控制要点：1．...2．...
 *   将...（编号：...）名称修改为：“...”。
 *
 * The notice is cut into clauses (at the 一、 / （一） markers, at a line
 * that starts with one of the verbs, and at a blank line that does not
 * continue a list of points); each clause is read by its verb and the
 * codes it names. Nothing is guessed: a clause that names a code in a
 * form not listed above is reported, and applies nothing.
 *
 * A pack can only say "in force from" and "in force until", so a change
 * is written as: deleted items and points get `until DATE`; added ones
 * `since DATE`; a changed point keeps its number with the new text (its
 * previous text stays as an unnumbered point in force until DATE, so that
 * screening as of an earlier date still finds it). A derived item's
 * changed point gets newly derived terms; a curated one keeps its terms
 * and is reported for review.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_impl.h"
#include "normalize.h"
#include "rules_impl.h"

#define IM_MAX_CLAUSES 10000

typedef struct amend {
	tx_pack pack;
	char date[11];
	cs_buf *report;
	im_amend_stats *stats;
	bool oom;
	size_t changes;
} amend;

static bool has(const char *s, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);
	return i + n <= len && memcmp(s + i, w, n) == 0;
}

static bool starts(const char *s, const char *w)
{
	return strncmp(s, w, strlen(w)) == 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void note(amend *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(amend *a, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (cs_buf_printf(a->report, "%s\n", msg) != CS_OK)
		a->oom = true;
}

/* ---- the notice's date and title ----------------------------------------- */

/* The last "2025年7月15日" in the text, as YYYY-MM-DD. */
static bool notice_date(const char *s, char out[11])
{
	bool found = false;
	size_t len = strlen(s);
	for (size_t i = 0; i + 4 < len; i++) {
		if (!is_digit(s[i]) || (i && is_digit(s[i - 1])))
			continue;
		int y, m, d, n = 0;
		if (sscanf(s + i, "%4d年%d月%d日%n", &y, &m, &d, &n) == 3 &&
		    n > 0) {
			char buf[32];
			snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
			rl_date z;
			if (rl_date_parse(buf, &z)) {
				memcpy(out, buf, 11);
				found = true;
			}
		}
	}
	return found;
}

/* "公告2025年第28号" -> "Announcement 2025 No. 28". */
static bool notice_title(const char *s, char *out, size_t n)
{
	const char *p = strstr(s, "公告");
	for (int guard = 0; p && guard < 64;
	     guard++, p = strstr(p + 1, "公告")) {
		int y, no, used = 0;
		if (sscanf(p + strlen("公告"), "%4d年第%d号%n", &y, &no,
			   &used) == 2 &&
		    used > 0) {
			snprintf(out, n, "Announcement %d No. %d", y, no);
			return true;
		}
	}
	return false;
}

/* ---- clauses ----------------------------------------------------------------
 */

static bool clause_marker(const char *s)
{
	size_t len = strlen(s), i = 0;
	if (has(s, len, 0, "（"))
		i = 3;
	else if (has(s, len, 0, "("))
		i = 1;
	size_t digits = 0;
	static const char numerals[] = "一二三四五六七八九十";
	while (i + 3 <= len) {
		bool cn = false;
		for (size_t k = 0; k + 3 <= sizeof numerals - 1; k += 3)
			cn |= memcmp(s + i, numerals + k, 3) == 0;
		if (!cn)
			break;
		i += 3;
		digits++;
	}
	if (!digits)
		return false;
	return has(s, len, i, "、") || has(s, len, i, "）") ||
	       has(s, len, i, ")");
}

static bool verb_line(const char *s)
{
	static const char *const verbs[] = {"删去", "删除", "将",
					    "在",   "新增", "增加"};
	for (size_t k = 0; k < CS_ARRAY_LEN(verbs); k++)
		if (starts(s, verbs[k]))
			return true;
	return false;
}

static bool point_line(const char *s)
{
	size_t i = 0;
	if (starts(s, "（"))
		i = 3;
	else if (*s == '(')
		i = 1;
	if (!is_digit(s[i]))
		return false;
	while (is_digit(s[i]))
		i++;
	return s[i] == '.' || starts(s + i, "．") || starts(s + i, "、") ||
	       starts(s + i, "）") || s[i] == ')';
}

typedef struct clause {
	char *text; /* the lines joined with '\n' */
	int line;
} clause;

static cs_code split_clauses(const char *notice, size_t len, clause **out,
			     size_t *nout)
{
	clause *cl = NULL;
	size_t n = 0;
	cs_buf cur;
	cs_buf_init(&cur, IM_MAX_TEXT);
	int line = 0, start = 1;
	bool blank = false;
	cs_code rc = CS_OK;
	for (size_t i = 0; i <= len && rc == CS_OK && n < IM_MAX_CLAUSES;) {
		size_t j = i;
		while (j < len && notice[j] != '\n' && notice[j] != '\f')
			j++;
		line++;
		char *l = im_clean(notice + i, j - i);
		if (!l) {
			rc = CS_ENOMEM;
			break;
		}
		bool end = j >= len;
		bool cut = clause_marker(l) || verb_line(l) ||
			   (blank && *l && !point_line(l));
		if (!*l) {
			blank = true;
		} else {
			if (cut && cur.len) {
				clause *q = realloc(cl, (n + 1) * sizeof *q);
				char *t = cs_buf_steal(&cur, NULL);
				if (!q || !t) {
					free(q ? NULL : t);
					if (q)
						cl = q;
					free(l);
					rc = CS_ENOMEM;
					break;
				}
				cl = q;
				cl[n++] = (clause){t, start};
			}
			if (!cur.len)
				start = line;
			rc =
			    cs_buf_printf(&cur, "%s%s", cur.len ? "\n" : "", l);
			blank = false;
		}
		free(l);
		if (end)
			break;
		i = j + 1;
	}
	if (rc == CS_OK && cur.len) {
		clause *q = realloc(cl, (n + 1) * sizeof *q);
		char *t = cs_buf_steal(&cur, NULL);
		if (!q || !t) {
			free(t);
			if (q)
				cl = q;
			rc = CS_ENOMEM;
		} else {
			cl = q;
			cl[n++] = (clause){t, start};
		}
	}
	cs_buf_free(&cur);
	*out = cl;
	*nout = n;
	return rc;
}

/* ---- codes and names in a clause --------------------------------------------
 */

typedef struct code_ref {
	char code[8];
	size_t at;	/* offset of the code in the clause */
	char name[256]; /* the name written before it, if any */
} code_ref;

static bool is_alnum_ascii(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* The name before "（编号：CODE）": back to a verb, 的, 中 or punctuation. */
static void name_before(const char *s, size_t at, char *out, size_t n)
{
	size_t end = at;
	static const char *const openers[] = {"（编号：", "（编号:", "(编号：",
					      "(编号:",	  "（编号",  "(编号",
					      "（",	  "("};
	for (size_t k = 0; k < CS_ARRAY_LEN(openers); k++) {
		size_t l = strlen(openers[k]);
		if (end >= l && memcmp(s + end - l, openers[k], l) == 0) {
			end -= l;
			break;
		}
	}
	while (end > 0 && s[end - 1] == ' ')
		end--;
	if (end >= 3 && memcmp(s + end - 3, "”", 3) == 0)
		end -= 3;
	size_t start = end;
	static const char *const stops[] = {
	    "删去", "删除", "新增", "增加", "将", "的", "中",
	    "、",   "，",   "。",   "“",    "：", "\n", " "};
	for (size_t guard = 0; start > 0 && guard < 200; guard++) {
		bool stop = false;
		for (size_t k = 0; k < CS_ARRAY_LEN(stops) && !stop; k++) {
			size_t l = strlen(stops[k]);
			stop = start >= l &&
			       memcmp(s + start - l, stops[k], l) == 0;
		}
		if (stop)
			break;
		do
			start--;
		while (start > 0 && ((unsigned char)s[start] & 0xC0) == 0x80);
	}
	size_t len = end > start ? end - start : 0;
	if (len >= n)
		len = n - 1;
	memcpy(out, s + start, len);
	out[len] = '\0';
}

static size_t find_codes(const char *s, code_ref *refs, size_t max)
{
	size_t len = strlen(s), n = 0;
	for (size_t i = 0; i + 7 <= len && n < max; i++) {
		if (i && is_alnum_ascii(s[i - 1]))
			continue;
		bool ok = true;
		for (size_t k = 0; k < 6 && ok; k++)
			ok = is_digit(s[i + k]);
		if (!ok || (s[i + 6] != 'J' && s[i + 6] != 'X') ||
		    (i + 7 < len && is_alnum_ascii(s[i + 7])))
			continue;
		memcpy(refs[n].code, s + i, 7);
		refs[n].code[7] = '\0';
		refs[n].at = i;
		name_before(s, i, refs[n].name, sizeof refs[n].name);
		n++;
		i += 6;
	}
	return n;
}

/* "控制要点2" at or after from: the number, and where its text starts. */
static int point_number(const char *s, size_t from, size_t *after)
{
	const char *p = strstr(s + from, "控制要点");
	if (!p)
		return 0;
	p += strlen("控制要点");
	while (*p == ' ')
		p++;
	if (starts(p, "第"))
		p += 3;
	int n = 0;
	while (is_digit(*p) && n < 10000)
		n = n * 10 + (*p++ - '0');
	if (starts(p, "项"))
		p += 3;
	if (after)
		*after = (size_t)(p - s);
	return n;
}

/* The quoted text “...” after from, or what follows the colon. Fresh. */
static char *new_text(const char *s, size_t from)
{
	const char *q = strstr(s + from, "“");
	if (q) {
		q += 3;
		const char *e = strstr(q, "”");
		if (e) {
			char *t = cs_strndup(q, (size_t)(e - q));
			if (t) {
				for (char *c = t; *c; c++)
					if (*c == '\n')
						*c = ' ';
				im_tidy(t);
			}
			return t;
		}
	}
	const char *c = strstr(s + from, "：");
	c = c ? c + 3 : strchr(s + from, ':');
	if (!c)
		return NULL;
	if (*c == ':')
		c++;
	char *t = cs_strdup(c);
	if (!t)
		return NULL;
	for (char *p = t; *p; p++)
		if (*p == '\n')
			*p = ' ';
	size_t n = strlen(t);
	while (n && (t[n - 1] == ' '))
		t[--n] = '\0';
	if (n >= 3 && strcmp(t + n - 3, "。") == 0)
		t[n - 3] = '\0';
	return im_tidy(t);
}

/* ---- the pack
 * ------------------------------------------------------------------- */

static char id_letter(const char *id)
{
	size_t n = strlen(id);
	return n == 7 ? id[6] : n > 2 ? id[2] : '?';
}

/* The pack's item for a code: by id, else by name and class (and then it
 * takes the code as its id). */
static tx_item *find_item(amend *a, const code_ref *r)
{
	tx_item *it = tx_find(&a->pack, r->code);
	if (it || !r->name[0])
		return it;
	for (size_t i = 0; i < a->pack.nitems; i++) {
		tx_item *c = &a->pack.items[i];
		const char *nm = tx_value(c->lines, c->nlines, "name-zh");
		if (nm && id_letter(c->id) == r->code[6] &&
		    strcmp(nm, r->name) == 0) {
			note(a,
			     "item %s is %s in the pack (same name); it takes "
			     "the "
			     "code",
			     r->code, c->id);
			char *id = cs_strdup(r->code);
			char line[64];
			snprintf(line, sizeof line, "item %s", r->code);
			for (size_t k = 0; id && k < c->nlines; k++)
				if (starts(c->lines[k], "item ")) {
					char *l = cs_strdup(line);
					if (!l) {
						a->oom = true;
						break;
					}
					free(c->lines[k]);
					c->lines[k] = l;
				}
			if (!id) {
				a->oom = true;
				return NULL;
			}
			free(c->id);
			c->id = id;
			return c;
		}
	}
	return NULL;
}

static tx_point *find_point(tx_item *it, const char *head)
{
	for (size_t k = 0; k < it->npoints; k++)
		if (strcmp(it->points[k].head, head) == 0)
			return &it->points[k];
	return NULL;
}

static bool item_derived(const tx_item *it)
{
	return tx_value(it->lines, it->nlines, "derived") != NULL;
}

static cs_code set_date(char ***lines, size_t *n, const char *kw,
			const char *date)
{
	return tx_set(lines, n, kw, date);
}

/* Parses the statements text into a new point of it. */
static cs_code append_point(tx_item *it, const char *head, const char *text)
{
	tx_point *q = realloc(it->points, (it->npoints + 1) * sizeof *q);
	if (!q)
		return CS_ENOMEM;
	it->points = q;
	tx_point *pt = &q[it->npoints++];
	memset(pt, 0, sizeof *pt);
	pt->head = cs_strdup(head);
	if (!pt->head)
		return CS_ENOMEM;
	const char *s = text;
	cs_code rc = CS_OK;
	for (int guard = 0; *s && rc == CS_OK && guard < 10000; guard++) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		char *l = cs_strndup(s, n);
		if (!l)
			return CS_ENOMEM;
		rc = tx_add_line(&pt->lines, &pt->nlines, l);
		free(l);
		s += n + (nl != NULL);
	}
	return rc;
}

/* A derived point (statements only) for text, with its thresholds. */
static cs_code derived_point(amend *a, const char *code, const char *name,
			     const char *head, const char *text,
			     const char *since, cs_buf *out)
{
	im_catalogue tmp = {0};
	ic_point pt = {.number = atoi(head), .line = 0};
	pt.text = cs_strdup(text);
	if (!pt.text)
		return CS_ENOMEM;
	cs_code rc = im_point_params(&tmp, code, &pt);
	if (rc == CS_OK)
		rc =
		    cs_buf_printf(out, "\npoint %s\ntext-zh  %s\n", head, text);
	if (rc == CS_OK && since)
		rc = cs_buf_printf(out, "since %s\n", since);
	bool fallback = false;
	if (rc == CS_OK)
		rc = im_derive_rule(text, name, pt.params, pt.nparams, out,
				    &fallback);
	if (rc == CS_OK)
		rc = cs_buf_printf(
		    out,
		    "# generated: the example is the control "
		    "point's own official text\nexample %s : %s%s\n",
		    head, fallback ? im_fallback_frame : "", text);
	for (size_t i = 0; i < tmp.nproblems; i++)
		note(a, "%s", tmp.problems[i]);
	if (fallback)
		note(a,
		     "item %s point %s: no distinctive term; it matches the "
		     "phrase only with a word of transfer",
		     code, head);
	free(pt.text);
	for (size_t i = 0; i < pt.nparams; i++) {
		free(pt.params[i].name);
		free(pt.params[i].op);
		free(pt.params[i].unit);
		free(pt.params[i].anchors);
		free(pt.params[i].source);
	}
	free(pt.params);
	for (size_t i = 0; i < tmp.nproblems; i++)
		free(tmp.problems[i]);
	free(tmp.problems);
	return rc;
}

static cs_code add_derived_point(amend *a, tx_item *it, const char *head,
				 const char *text, const char *since)
{
	cs_buf b;
	cs_buf_init(&b, IM_MAX_OUT);
	const char *name = tx_value(it->lines, it->nlines, "name-zh");
	cs_code rc = derived_point(a, it->id, name, head, text, since, &b);
	if (rc == CS_OK)
		rc = append_point(it, head,
				  b.data + 1); /* past the blank line */
	/* the blank line before the point */
	if (rc == CS_OK) {
		tx_point *pt = &it->points[it->npoints - 1];
		rc = tx_add_line(&pt->lines, &pt->nlines, "");
	}
	cs_buf_free(&b);
	return rc;
}

static bool is_stmt(const char *line, const char *kw)
{
	while (*line == ' ' || *line == '\t')
		line++;
	size_t n = strlen(kw);
	return strncmp(line, kw, n) == 0 &&
	       (line[n] == ' ' || line[n] == '\t' || line[n] == '\0' ||
		line[n] == ':');
}

/* Deletes the lines of a point that are rule statements (or examples). */
static void drop_lines(tx_point *pt, const char *const *kws, size_t nk)
{
	size_t o = 0;
	for (size_t i = 0; i < pt->nlines; i++) {
		bool drop = false;
		for (size_t k = 0; k < nk && !drop; k++)
			drop = is_stmt(pt->lines[i], kws[k]);
		if (drop)
			free(pt->lines[i]);
		else
			pt->lines[o++] = pt->lines[i];
	}
	pt->nlines = o;
}

/* The same text once normalised (width, spaces, traditional forms). */
static bool same_text(const char *a, const char *b)
{
	char *x = nz_normalize_str(a), *y = nz_normalize_str(b);
	bool same = x && y && strcmp(x, y) == 0;
	free(x);
	free(y);
	return same;
}

/* Point N of item it now reads text. */
static void change_point(amend *a, tx_item *it, int number, const char *text)
{
	char head[16];
	snprintf(head, sizeof head, "%d", number);
	tx_point *pt = find_point(it, head);
	if (!pt) {
		note(
		    a,
		    "item %s has no control point %d; it is added with the new "
		    "text",
		    it->id, number);
		if (add_derived_point(a, it, head, text, a->date) != CS_OK)
			a->oom = true;
		a->stats->points_added++;
		a->changes++;
		return;
	}
	const char *old = tx_value(pt->lines, pt->nlines, "text-zh");
	if (old && same_text(old, text)) {
		note(a, "item %s point %d already reads so; unchanged", it->id,
		     number);
		return;
	}
	char *old_text = old ? cs_strdup(old) : NULL;
	/* the previous wording stays under the same number, in force until
	 * the date; the new one from it (the compiler accepts one number
	 * twice when the dates do not overlap) */
	tx_point copy = {0};
	size_t pidx = (size_t)(pt - it->points);
	copy.head = cs_strdup(head);
	for (size_t i = 0; i < pt->nlines && copy.head; i++) {
		const char *l = pt->lines[i];
		if (is_stmt(l, "example") || is_stmt(l, "example-review") ||
		    is_stmt(l, "counter") ||
		    (l[0] == '#' && strstr(l, "generated")))
			continue;
		if (tx_add_line(&copy.lines, &copy.nlines, l) != CS_OK)
			a->oom = true;
	}
	if (!copy.head ||
	    set_date(&copy.lines, &copy.nlines, "until", a->date) ||
	    tx_set(&copy.lines, &copy.nlines, "note",
		   "the wording of this control point before the adjustment "
		   "notice") != CS_OK)
		a->oom = true;
	tx_point *q = realloc(it->points, (it->npoints + 1) * sizeof *q);
	if (!q || a->oom) {
		if (q)
			it->points = q;
		a->oom = true;
		free(old_text);
		free(copy.head);
		for (size_t i = 0; i < copy.nlines; i++)
			free(copy.lines[i]);
		free(copy.lines);
		return;
	}
	it->points = q;
	it->points[it->npoints++] = copy;
	pt = &it->points[pidx];

	if (tx_set(&pt->lines, &pt->nlines, "text-zh", text) != CS_OK ||
	    set_date(&pt->lines, &pt->nlines, "since", a->date))
		a->oom = true;
	if (item_derived(it)) {
		static const char *const rule_kws[] = {
		    "terms", "match", "param", "review", "exclude"};
		drop_lines(pt, rule_kws, CS_ARRAY_LEN(rule_kws));
		cs_buf b;
		cs_buf_init(&b, IM_MAX_OUT);
		const char *name = tx_value(it->lines, it->nlines, "name-zh");
		if (derived_point(a, it->id, name, head, text, NULL, &b) !=
		    CS_OK)
			a->oom = true;
		/* keep the point's own lines; add the statements after them */
		const char *s = b.data ? strstr(b.data, "text-zh") : NULL;
		s = s ? strchr(s, '\n') : NULL;
		for (int guard = 0; s && *s && guard < 10000; guard++) {
			s++;
			const char *nl = strchr(s, '\n');
			size_t n = nl ? (size_t)(nl - s) : strlen(s);
			char *l = cs_strndup(s, n);
			if (!l || (n && tx_add_line(&pt->lines, &pt->nlines,
						    l) != CS_OK))
				a->oom = true;
			free(l);
			s = nl;
		}
		cs_buf_free(&b);
		/* the old generated example is the old text */
		static const char *const ex_kws[] = {"example"};
		for (size_t k = 0; k < it->npoints; k++) {
			tx_point *p2 = &it->points[k];
			for (size_t i = 0; old_text && i < p2->nlines; i++) {
				const char *l = p2->lines[i];
				const char *colon = strchr(l, ':');
				if (is_stmt(l, ex_kws[0]) && colon &&
				    strcmp(colon + 1 + (colon[1] == ' '),
					   old_text) == 0) {
					free(p2->lines[i]);
					p2->lines[i] = NULL;
				}
			}
			size_t o = 0;
			for (size_t i = 0; i < p2->nlines; i++)
				if (p2->lines[i])
					p2->lines[o++] = p2->lines[i];
			p2->nlines = o;
		}
	} else {
		if (tx_add_line(&pt->lines, &pt->nlines, "") != CS_OK)
			a->oom = true;
		note(a,
		     "item %s point %d: text changed on %s; its curated terms "
		     "are "
		     "kept: review them against the new text",
		     it->id, number, a->date);
	}
	free(old_text);
	a->stats->points_changed++;
	a->changes++;
}

/* ---- operations
 * -------------------------------------------------------------- */

static void op_delete_item(amend *a, const code_ref *r)
{
	tx_item *it = find_item(a, r);
	if (!it) {
		note(a, "item %s (%s) to delete is not in the pack", r->code,
		     r->name);
		return;
	}
	if (set_date(&it->lines, &it->nlines, "until", a->date) != CS_OK)
		a->oom = true;
	a->stats->deleted++;
	a->changes++;
}

/* "...控制要点：1．...2．..." of an item into points. */
static cs_code parse_points(const char *code, const char *name,
			    const char *industry, const char *points, int line,
			    im_catalogue *into, cs_error *err)
{
	cs_buf b;
	cs_buf_init(&b, IM_MAX_TEXT);
	cs_code rc = cs_buf_printf(&b, "编号：%s\n技术名称：%s\n控制要点：%s\n",
				   code, name && *name ? name : "-", points);
	if (rc == CS_OK)
		rc = im_parse_block(b.data, b.len, line, code[6] == 'J',
				    industry, into, err);
	cs_buf_free(&b);
	return rc;
}

static void op_add_points(amend *a, const code_ref *r, const char *cl, int line)
{
	tx_item *it = find_item(a, r);
	if (!it) {
		note(a,
		     "line %d: item %s, which gains control points, is not in "
		     "the "
		     "pack",
		     line, r->code);
		return;
	}
	const char *p = strstr(cl + r->at, "控制要点");
	p = p ? p + strlen("控制要点") : cl + r->at;
	if (starts(p, "："))
		p += 3;
	else if (*p == ':')
		p++;
	im_catalogue tmp = {0};
	cs_error err;
	if (parse_points(r->code, r->name, NULL, p, line, &tmp, &err) !=
	    CS_OK) {
		a->oom = true;
		return;
	}
	for (size_t i = 0; i < tmp.nitems; i++) {
		ic_item *ni = &tmp.items[i];
		for (size_t k = 0; k < ni->npoints; k++) {
			char head[16];
			snprintf(head, sizeof head, "%d", ni->points[k].number);
			if (find_point(it, head)) {
				change_point(a, it, ni->points[k].number,
					     ni->points[k].text);
				continue;
			}
			if (add_derived_point(a, it, head, ni->points[k].text,
					      a->date) != CS_OK)
				a->oom = true;
			a->stats->points_added++;
			a->changes++;
		}
		if (!ni->npoints)
			note(a,
			     "line %d: no numbered control point found for %s",
			     line, r->code);
		im_item_clear(ni);
	}
	free(tmp.items);
	for (size_t i = 0; i < tmp.nproblems; i++)
		free(tmp.problems[i]);
	free(tmp.problems);
}

/* "在化学原料和化学制品制造业中新增" -> the industry, or NULL. Fresh. */
static char *industry_of(const char *cl, size_t before)
{
	const char *in = strstr(cl, "在");
	if (!in || (size_t)(in - cl) > before)
		return NULL;
	in += 3;
	const char *mid = strstr(in, "中新增");
	if (!mid)
		mid = strstr(in, "中增加");
	if (!mid || (size_t)(mid - cl) > before)
		return NULL;
	char *s = cs_strndup(in, (size_t)(mid - in));
	if (s) {
		/* "“...”部分" and quotes are not part of the heading */
		char *q;
		while ((q = strstr(s, "“")) || (q = strstr(s, "”")))
			memmove(q, q + 3, strlen(q + 3) + 1);
		if (strstr(s, "部分") || strstr(s, "的") || !*s) {
			free(s);
			return NULL;
		}
	}
	return s;
}

static void op_add_item(amend *a, const code_ref *r, const char *cl, int line)
{
	if (tx_find(&a->pack, r->code)) {
		note(
		    a,
		    "line %d: item %s to add is already in the pack; not added "
		    "again",
		    line, r->code);
		return;
	}
	const char *p = strstr(cl + r->at, "控制要点");
	p = p ? p + strlen("控制要点") : cl + r->at + 7;
	if (starts(p, "：") || starts(p, "为"))
		p += 3;
	else if (*p == ':')
		p++;
	char *industry = industry_of(cl, r->at);
	im_catalogue tmp = {0};
	cs_error err;
	cs_buf b;
	cs_buf_init(&b, IM_MAX_OUT);
	tx_pack one = {0};
	cs_code rc =
	    parse_points(r->code, r->name, industry, p, line, &tmp, &err);
	if (rc == CS_OK && tmp.nitems == 1)
		rc = im_write_item(&tmp.items[0], a->date, &b, a->report);
	if (rc == CS_OK && b.len) {
		rl_source src = {"notice", b.data, b.len};
		rc = tx_parse(&src, 1, &one, &err);
	}
	if (rc == CS_OK && one.nitems == 1) {
		tx_item *q =
		    realloc(a->pack.items, (a->pack.nitems + 1) * sizeof *q);
		if (!q) {
			rc = CS_ENOMEM;
		} else {
			a->pack.items = q;
			q[a->pack.nitems++] = one.items[0];
			one.nitems = 0;
			a->stats->added++;
			a->changes++;
		}
	}
	for (size_t i = 0; i < tmp.nproblems; i++)
		note(a, "%s", tmp.problems[i]);
	if (rc != CS_OK)
		a->oom = true;
	tx_free(&one);
	for (size_t i = 0; i < tmp.nitems; i++)
		im_item_clear(&tmp.items[i]);
	free(tmp.items);
	for (size_t i = 0; i < tmp.nproblems; i++)
		free(tmp.problems[i]);
	free(tmp.problems);
	cs_buf_free(&b);
	free(industry);
}

static void op_delete_point(amend *a, const code_ref *r, int number)
{
	tx_item *it = find_item(a, r);
	char head[16];
	snprintf(head, sizeof head, "%d", number);
	tx_point *pt = it ? find_point(it, head) : NULL;
	if (!pt) {
		note(a,
		     "control point %d of item %s to delete is not in the pack",
		     number, r->code);
		return;
	}
	if (set_date(&pt->lines, &pt->nlines, "until", a->date) != CS_OK)
		a->oom = true;
	a->stats->points_deleted++;
	a->changes++;
}

static void op_rename(amend *a, const code_ref *r, const char *name)
{
	tx_item *it = find_item(a, r);
	if (!it) {
		note(a, "item %s to rename is not in the pack", r->code);
		return;
	}
	const char *old = tx_value(it->lines, it->nlines, "name-zh");
	char buf[512];
	snprintf(buf, sizeof buf, "Renamed on %s; the name before was %s.",
		 a->date, old ? old : "not given");
	if (tx_set(&it->lines, &it->nlines, "name-zh", name) != CS_OK)
		a->oom = true;
	if (tx_add_line(&it->lines, &it->nlines, "") != CS_OK)
		a->oom = true;
	char *nl = malloc(strlen(buf) + 16);
	if (!nl) {
		a->oom = true;
		return;
	}
	sprintf(nl, "note        %s", buf);
	/* notes go with the item's fields, before the blank line */
	if (tx_add_line(&it->lines, &it->nlines, nl) != CS_OK)
		a->oom = true;
	free(nl);
	a->stats->renamed++;
	a->changes++;
}

static void apply_clause(amend *a, const clause *c)
{
	code_ref refs[32];
	size_t n = find_codes(c->text, refs, CS_ARRAY_LEN(refs));
	if (!n)
		return;
	const char *s = c->text;
	bool del = strstr(s, "删去") || strstr(s, "删除");
	bool add = strstr(s, "新增") || strstr(s, "增加");
	bool mod = strstr(s, "修改为") || strstr(s, "改为");
	size_t after = 0;
	int pn = point_number(s, refs[0].at, &after);
	if (mod && strstr(s, "名称")) {
		char *t = new_text(s, refs[0].at);
		if (t && *t)
			op_rename(a, &refs[0], t);
		else
			goto unparsed;
		free(t);
		return;
	}
	if (mod && pn > 0) {
		char *t = new_text(s, after);
		tx_item *it = find_item(a, &refs[0]);
		if (!t || !*t || !it) {
			free(t);
			if (!it)
				note(a,
				     "line %d: item %s, whose point %d "
				     "changes, is not "
				     "in the pack",
				     c->line, refs[0].code, pn);
			else
				goto unparsed;
			return;
		}
		change_point(a, it, pn, t);
		free(t);
		/* the same clause may add points too */
		if (add && strstr(s + after, "新增控制要点"))
			op_add_points(a, &refs[0], s + 0, c->line);
		return;
	}
	if (add && strstr(s, "控制要点") && tx_find(&a->pack, refs[0].code) &&
	    (strstr(s, "新增控制要点") || strstr(s, "增加控制要点"))) {
		op_add_points(a, &refs[0], s, c->line);
		return;
	}
	if (add && !del) {
		op_add_item(a, &refs[0], s, c->line);
		return;
	}
	if (del && pn > 0) {
		op_delete_point(a, &refs[0], pn);
		return;
	}
	if (del) {
		for (size_t i = 0; i < n; i++)
			op_delete_item(a, &refs[i]);
		return;
	}
unparsed:
	a->stats->unparsed++;
	note(a, "line %d: not understood, nothing applied: \"%.200s\"", c->line,
	     s);
}

/* The edition line for the notice, in date order; the version bumped. */
static cs_code add_edition(amend *a, const char *title)
{
	tx_pack *p = &a->pack;
	char line[256];
	snprintf(line, sizeof line, "edition    %s | as adjusted by %s",
		 a->date, title);
	size_t at = p->nhead, last_edition = 0;
	bool any = false, known = false;
	for (size_t i = 0; i < p->nhead; i++) {
		if (!is_stmt(p->head[i], "edition"))
			continue;
		const char *v = p->head[i];
		while (*v == ' ')
			v++;
		v += strlen("edition");
		while (*v == ' ')
			v++;
		if (strncmp(v, a->date, 10) == 0)
			known = true; /* the pack already knows this edition */
		any = true;
		last_edition = i + 1;
		if (strncmp(v, a->date, 10) > 0 && at == p->nhead)
			at = i;
	}
	if (at == p->nhead)
		at = any ? last_edition : p->nhead;
	if (!known) {
		if (tx_add_line(&p->head, &p->nhead, line) != CS_OK)
			return CS_ENOMEM;
		char *l = p->head[p->nhead - 1];
		memmove(p->head + at + 1, p->head + at,
			(p->nhead - 1 - at) * sizeof *p->head);
		p->head[at] = l;
	}
	const char *items = tx_value(p->head, p->nhead, "items");
	if (items) {
		/* the edition's count after the notice */
		long count = strtol(items, NULL, 10) + (long)a->stats->added -
			     (long)a->stats->deleted;
		char v[32];
		snprintf(v, sizeof v, "%ld", count > 0 ? count : 1);
		if (tx_set(&p->head, &p->nhead, "items", v) != CS_OK)
			return CS_ENOMEM;
	}
	const char *ver = tx_value(p->head, p->nhead, "version");
	if (ver) {
		char v[128];
		snprintf(v, sizeof v, "%.60s+%s", ver, a->date);
		for (char *c = v; *c; c++)
			if (*c == ' ')
				*c = '-';
		return tx_set(&p->head, &p->nhead, "version", v);
	}
	return CS_OK;
}

cs_code im_amend(const rl_source *pack, size_t n, const char *notice,
		 size_t nlen, const char *date, cs_buf *out, cs_buf *report,
		 im_amend_stats *stats, cs_error *err)
{
	cs_buf scratch;
	cs_buf_init(&scratch, IM_MAX_OUT);
	amend a = {.report = report ? report : &scratch};
	im_amend_stats local;
	clause *cl = NULL;
	size_t ncl = 0;
	char *text = NULL;
	cs_code rc = CS_OK;
	a.stats = stats ? stats : &local;
	memset(a.stats, 0, sizeof *a.stats);
	if (nlen > IM_MAX_TEXT)
		return cs_fail(err, CS_ELIMIT,
			       "amend: notice larger than %u bytes",
			       IM_MAX_TEXT);
	text = cs_strndup(notice, nlen);
	if (!text)
		return cs_fail(err, CS_ENOMEM, "amend: out of memory");
	rl_date d;
	if (date) {
		if (!rl_date_parse(date, &d)) {
			rc =
			    cs_fail(err, CS_EINVAL,
				    "amend: date '%s' is not YYYY-MM-DD", date);
			goto done;
		}
		memcpy(a.date, date, 11);
	} else if (!notice_date(text, a.date)) {
		rc = cs_fail(err, CS_EINVAL,
			     "amend: the notice states no date "
			     "(\"2025年7月15日\"); give one");
		goto done;
	}
	char title[128];
	if (!notice_title(text, title, sizeof title))
		snprintf(title, sizeof title, "the notice of %s", a.date);
	rc = tx_parse(pack, n, &a.pack, err);
	if (rc != CS_OK)
		goto done;
	rc = split_clauses(text, nlen, &cl, &ncl);
	for (size_t i = 0; i < ncl && rc == CS_OK && !a.oom; i++)
		apply_clause(&a, &cl[i]);
	if (rc == CS_OK && !a.oom && a.changes == 0)
		rc = cs_fail(err, CS_EINVAL,
			     "amend: no change found in the notice");
	if (rc == CS_OK && !a.oom)
		rc = add_edition(&a, title);
	if (rc == CS_OK && !a.oom)
		rc = tx_write(&a.pack, out);
	if (rc == CS_OK && a.oom)
		rc = CS_ENOMEM;
	if (rc == CS_ENOMEM || rc == CS_ELIMIT)
		rc = cs_fail(err, rc, "amend: %s", cs_strerror(rc));
done:
	for (size_t i = 0; i < ncl; i++)
		free(cl[i].text);
	free(cl);
	free(text);
	tx_free(&a.pack);
	cs_buf_free(&scratch);
	return rc;
}
