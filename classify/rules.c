/*
 * rules.c: the rule-pack compiler.
 *
 * Three stages, as in YARA: parse every line of every source into items
 * and points (collecting every error, with file:line:col, rather than
 * stopping at the first, so `catscan rules check` shows them all); check
 * the whole pack (references, required fields, examples); then compile
 * every phrase into one matcher database. Any error at any stage refuses
 * the pack whole: the caller never sees a half-loaded pack.
 */
#include "rules.h"

#include <ctype.h>
#include <dirent.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "normalize.h"
#include "rules_impl.h"

/* A rule file larger than this is surely not a rule file. */
#define RL_MAX_SOURCE (16u << 20)
/* Errors listed before `rules check` stops counting. */
#define RL_MAX_ERRORS 200

/* ---- dates ------------------------------------------------------------ */

static int32_t days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

void rl_date_format(rl_date z, char *buf)
{
	z += 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int y = (int)yoe + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	const unsigned d = doy - (153 * mp + 2) / 5 + 1;
	const unsigned m = mp < 10 ? mp + 3 : mp - 9;
	char tmp[48];
	snprintf(tmp, sizeof tmp, "%04d-%02u-%02u", y + (m <= 2), m, d);
	memcpy(buf, tmp, 10);
	buf[10] = '\0';
}

bool rl_date_parse(const char *s, rl_date *out)
{
	int y;
	unsigned m, d;
	char tail;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3)
		return false;
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	rl_date z = days_from_civil(y, m, d);
	char back[11];
	rl_date_format(z, back);
	if (strcmp(back, s) != 0) /* 2025-02-30 and the like */
		return false;
	*out = z;
	return true;
}

rl_date rl_date_today(void)
{
	time_t now = time(NULL) + 8 * 3600;
	return (rl_date)(now / 86400);
}

const char *rl_class_name(rl_class c)
{
	return c == RL_PROHIBITED ? "prohibited" : "restricted";
}

const char *rl_conf_name(rl_conf c)
{
	switch (c) {
	case RL_VERIFIED:
		return "verified";
	case RL_PARTIAL:
		return "partial";
	case RL_UNVERIFIED:
		return "unverified";
	}
	return "unknown";
}

/* ---- parser state ------------------------------------------------------ */

/* An example as parsed; its point reference is resolved in the check. */
typedef struct pending_example {
	rl_example_kind kind;
	char *point_ref;
	char *text;
	int line;
	const char *file;
	uint32_t item;
} pending_example;

/* What the parser keeps of an item until the pack is compiled. */
typedef struct item_parse {
	char **excludes; /* applied to every point of the item; NULL-terminated */
	size_t nexcludes;
} item_parse;

/* What the parser keeps of a point until the pack is compiled. */
typedef struct point_parse {
	char *match_text; /* kept as text until all groups are known */
	int match_col;
	char **excludes;  /* NULL-terminated */
	size_t nexcludes;
	char ***anchors;  /* per param, a NULL-terminated list */
} point_parse;

typedef struct parser {
	rl_pack *pack;
	cs_buf *errors;
	cs_error *err;
	int nerrors;
	/* where we are */
	const char *file;
	int line;
	long item;  /* -1 before the first item */
	long point; /* -1 outside a point */
	item_parse *items;    /* beside pack->items, same index */
	point_parse *points;  /* beside pack->points, same index */
	size_t cap_items, cap_points;
	pending_example *examples;
	size_t nexamples, cap_examples;
	bool oom;
} parser;

static void perror_at(parser *p, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perror_at(parser *p, int col, const char *fmt, ...)
{
	char msg[CS_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (p->nerrors == 0)
		cs_fail(p->err, CS_ESYNTAX, "%s:%d:%d: %s", p->file, p->line, col,
			msg);
	if (p->errors && p->nerrors < RL_MAX_ERRORS)
		cs_buf_printf(p->errors, "%s:%d:%d: %s\n", p->file, p->line, col,
			      msg);
	p->nerrors++;
}

static bool grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return true;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *q = realloc(*arr, ncap * elem);
	if (!q)
		return false;
	memset((char *)q + *cap * elem, 0, (ncap - *cap) * elem);
	*arr = q;
	*cap = ncap;
	return true;
}

/* ---- small text helpers ------------------------------------------------- */

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Splits s at '|' into a NULL-terminated array of trimmed copies. */
static char **split_list(const char *s, size_t *count)
{
	size_t n = 1;
	for (const char *c = s; *c; c++)
		n += *c == '|';
	char **list = calloc(n + 1, sizeof *list);
	if (!list)
		return NULL;
	size_t k = 0;
	const char *start = s;
	for (;;) {
		const char *bar = strchr(start, '|');
		size_t len = bar ? (size_t)(bar - start) : strlen(start);
		char *piece = cs_strndup(start, len);
		if (!piece)
			goto fail;
		char *t = trim(piece);
		memmove(piece, t, strlen(t) + 1);
		list[k++] = piece;
		if (!bar)
			break;
		start = bar + 1;
	}
	*count = k;
	return list;
fail:
	for (size_t i = 0; i < k; i++)
		free(list[i]);
	free(list);
	return NULL;
}

static void free_list(char **list)
{
	if (!list)
		return;
	for (char **l = list; *l; l++)
		free(*l);
	free(list);
}

/* Appends the entries of add to *list (both NULL-terminated). */
static bool append_list(char ***list, size_t *n, char **add, size_t nadd)
{
	char **q = realloc(*list, (*n + nadd + 1) * sizeof *q);
	if (!q)
		return false;
	memcpy(q + *n, add, nadd * sizeof *q);
	*n += nadd;
	q[*n] = NULL;
	*list = q;
	free(add); /* the entries now belong to *list */
	return true;
}

static bool parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

static bool is_official_code(const char *id)
{
	if (strlen(id) != 7)
		return false;
	for (int i = 0; i < 6; i++)
		if (!isdigit((unsigned char)id[i]))
			return false;
	return id[6] == 'J' || id[6] == 'X';
}

static bool is_provisional_id(const char *id)
{
	if (strncmp(id, "x-J-", 4) != 0 && strncmp(id, "x-X-", 4) != 0)
		return false;
	if (!id[4])
		return false;
	for (const char *c = id + 4; *c; c++)
		if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) &&
		    *c != '-')
			return false;
	return true;
}

/* The J or X an id carries; 0 for an id of neither form. */
static char id_class_letter(const char *id)
{
	if (is_official_code(id))
		return id[6];
	return is_provisional_id(id) ? id[2] : 0;
}

/* ---- statements ---------------------------------------------------------- */

static rl_item *cur_item(parser *p)
{
	return p->item >= 0 ? &p->pack->items[p->item] : NULL;
}

static rl_point *cur_point(parser *p)
{
	return p->point >= 0 ? &p->pack->points[p->point] : NULL;
}

static bool set_string(parser *p, char **field, const char *value, int col,
		       const char *kw)
{
	if (*field) {
		perror_at(p, col, "'%s' given twice", kw);
		return false;
	}
	if (!*value) {
		perror_at(p, col, "'%s' needs a value", kw);
		return false;
	}
	*field = cs_strdup(value);
	if (!*field)
		p->oom = true;
	return *field != NULL;
}

static void stmt_item(parser *p, const char *value, int col)
{
	rl_pack *k = p->pack;
	if (!is_official_code(value) && !is_provisional_id(value)) {
		perror_at(p, col,
			  "item id '%s' is neither a code (six digits and J or X) "
			  "nor a provisional id (x-J-... or x-X-...)",
			  value);
	}
	for (size_t i = 0; i < k->nitems; i++)
		if (strcmp(k->items[i].id, value) == 0)
			perror_at(p, col, "duplicate item '%s' (first at %s:%d)",
				  value, k->items[i].file, k->items[i].line);
	size_t cap = p->cap_items;
	if (!grow((void **)&k->items, &cap, k->nitems, sizeof(rl_item)) ||
	    !grow((void **)&p->items, &p->cap_items, k->nitems,
		  sizeof(item_parse))) {
		p->oom = true;
		return;
	}
	rl_item *it = &k->items[k->nitems];
	memset(it, 0, sizeof *it);
	it->id = cs_strdup(value);
	it->official = is_official_code(value);
	it->since = it->until = RL_NO_DATE;
	it->conf = RL_UNVERIFIED;
	it->cls = (rl_class)-1;
	it->first_point = (uint32_t)k->npoints;
	it->line = p->line;
	it->file = p->file;
	if (!it->id)
		p->oom = true;
	p->item = (long)k->nitems++;
	p->point = -1;
}

static void stmt_point(parser *p, const char *kw, const char *value, int col)
{
	rl_pack *k = p->pack;
	rl_item *it = cur_item(p);
	if (!it) {
		perror_at(p, col, "'%s' outside an item", kw);
		return;
	}
	int number = 0, ordinal = 0;
	bool subject = strcmp(kw, "subject") == 0;
	if (subject) {
		if (*value)
			perror_at(p, col, "'subject' takes no value");
	} else if (value[0] == '?') {
		if (!parse_int(value + 1, 1, 999, &ordinal))
			perror_at(p, col, "point '?K' needs K from 1 to 999");
	} else if (!parse_int(value, 1, 999, &number)) {
		perror_at(p, col, "point needs a number from 1 to 999 or ?K");
	}
	size_t cap = p->cap_points;
	if (!grow((void **)&k->points, &cap, k->npoints, sizeof(rl_point)) ||
	    !grow((void **)&p->points, &p->cap_points, k->npoints,
		  sizeof(point_parse))) {
		p->oom = true;
		return;
	}
	rl_point *pt = &k->points[k->npoints];
	memset(pt, 0, sizeof *pt);
	pt->item = (uint32_t)p->item;
	pt->number = number;
	pt->ordinal = ordinal;
	pt->subject = subject;
	pt->since = pt->until = RL_NO_DATE;
	pt->need = RL_ALL;
	pt->line = p->line;
	pt->file = p->file;
	p->point = (long)k->npoints++;
	it->npoints++;
}

static rl_group *find_group(rl_point *pt, const char *name)
{
	for (size_t i = 0; i < pt->ngroups; i++)
		if (strcmp(pt->groups[i].name, name) == 0)
			return &pt->groups[i];
	return NULL;
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

static void stmt_terms(parser *p, char *value, int col)
{
	rl_point *pt = cur_point(p);
	if (!pt) {
		perror_at(p, col, "'terms' outside a point or subject");
		return;
	}
	char *colon = strchr(value, ':');
	if (!colon) {
		perror_at(p, col, "'terms' needs 'NAME [WEIGHT] : entry | entry'");
		return;
	}
	*colon = '\0';
	char *head = trim(value);
	char *list = trim(colon + 1);
	char *space = strpbrk(head, " \t");
	int weight = 0;
	if (space) {
		*space = '\0';
		if (!parse_int(trim(space + 1), 1, 100, &weight)) {
			perror_at(p, col, "group weight must be a number from 1 to 100");
			return;
		}
	}
	if (!valid_name(head)) {
		perror_at(p, col, "group name '%s' must be letters, digits, - or _",
			  head);
		return;
	}
	size_t n = 0;
	char **terms = split_list(list, &n);
	if (!terms) {
		p->oom = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!terms[i][0]) {
			perror_at(p, (int)(colon - value) + col + 1,
				  "empty entry in group '%s'", head);
			free_list(terms);
			return;
		}
	}
	rl_group *g = find_group(pt, head);
	if (!g && pt->ngroups == RL_MAX_GROUPS) {
		perror_at(p, col, "a point may have at most %d term groups",
			  RL_MAX_GROUPS);
		free_list(terms);
		return;
	}
	if (!g) {
		rl_group *q = realloc(pt->groups, (pt->ngroups + 1) * sizeof *q);
		if (!q) {
			free_list(terms);
			p->oom = true;
			return;
		}
		pt->groups = q;
		g = &pt->groups[pt->ngroups++];
		memset(g, 0, sizeof *g);
		g->name = cs_strdup(head);
		g->weight = weight ? weight : 1;
		if (!g->name)
			p->oom = true;
	} else if (weight) {
		perror_at(p, col, "weight of group '%s' given twice", head);
	}
	if (!append_list(&g->terms, &g->nterms, terms, n)) {
		free_list(terms);
		p->oom = true;
	}
}

static void stmt_exclude(parser *p, const char *value, int col)
{
	size_t n = 0;
	char **list = split_list(value, &n);
	if (!list) {
		p->oom = true;
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!list[i][0]) {
			perror_at(p, col, "empty entry in 'exclude'");
			free_list(list);
			return;
		}
	bool ok;
	if (p->point >= 0)
		ok = append_list(&p->points[p->point].excludes,
				 &p->points[p->point].nexcludes, list, n);
	else if (p->item >= 0)
		ok = append_list(&p->items[p->item].excludes,
				 &p->items[p->item].nexcludes, list, n);
	else {
		perror_at(p, col, "'exclude' outside an item");
		free_list(list);
		return;
	}
	if (!ok) {
		free_list(list);
		p->oom = true;
	}
}

static bool parse_number(const char *s, double *out)
{
	char *end;
	*out = strtod(s, &end);
	return end != s && *end == '\0';
}

/*
 * param NAME OP VALUE UNIT near A | B [within C]
 * param NAME in LO .. HI UNIT near A | B [within C]
 */
static void stmt_param(parser *p, char *value, int col)
{
	rl_point *pt = cur_point(p);
	if (!pt) {
		perror_at(p, col, "'param' outside a point");
		return;
	}
	char *near = strstr(value, " near ");
	if (!near) {
		perror_at(p, col, "'param' needs 'near ANCHOR | ...'");
		return;
	}
	*near = '\0';
	char *anchors = trim(near + 6);
	rl_param pa = {0};
	pa.within = 40;
	char *tok[8];
	int nt = 0;
	for (char *s = strtok(value, " \t"); s && nt < 8; s = strtok(NULL, " \t"))
		tok[nt++] = s;
	if (nt < 4) {
		perror_at(p, col, "'param' needs NAME OP VALUE UNIT");
		return;
	}
	if (!valid_name(tok[0])) {
		perror_at(p, col, "param name '%s' must be letters, digits, - or _",
			  tok[0]);
		return;
	}
	int unit_tok;
	if (strcmp(tok[1], "in") == 0) {
		if (nt != 6 || strcmp(tok[3], "..") != 0 ||
		    !parse_number(tok[2], &pa.value) ||
		    !parse_number(tok[4], &pa.value2) || pa.value > pa.value2) {
			perror_at(p, col, "range must be 'in LO .. HI UNIT' with LO <= HI");
			return;
		}
		pa.cmp = RL_IN;
		unit_tok = 5;
	} else {
		static const struct {
			const char *s;
			rl_cmp c;
		} ops[] = {{">=", RL_GE}, {">", RL_GT}, {"<=", RL_LE}, {"<", RL_LT}};
		size_t i;
		for (i = 0; i < CS_ARRAY_LEN(ops); i++)
			if (strcmp(tok[1], ops[i].s) == 0)
				break;
		if (i == CS_ARRAY_LEN(ops)) {
			perror_at(p, col, "unknown operator '%s' (>=, >, <=, <, in)",
				  tok[1]);
			return;
		}
		pa.cmp = ops[i].c;
		if (nt != 4 || !parse_number(tok[2], &pa.value)) {
			perror_at(p, col, "'param' needs NAME OP VALUE UNIT");
			return;
		}
		unit_tok = 3;
	}
	if (!qp_unit(tok[unit_tok], &pa.dim, &pa.scale, &pa.offset)) {
		perror_at(p, col, "unknown unit '%s'", tok[unit_tok]);
		return;
	}
	/* "within C" closes the anchor list */
	char *w = strstr(anchors, " within ");
	if (w) {
		if (!parse_int(trim(w + 8), 1, 10000, &pa.within)) {
			perror_at(p, col, "'within' needs a number of characters");
			return;
		}
		*w = '\0';
	}
	size_t na = 0;
	char **alist = split_list(anchors, &na);
	if (!alist) {
		p->oom = true;
		return;
	}
	for (size_t i = 0; i < na; i++)
		if (!alist[i][0]) {
			perror_at(p, col, "empty anchor in 'param %s'", tok[0]);
			free_list(alist);
			return;
		}
	double a = pa.value * pa.scale + pa.offset;
	double b = (pa.cmp == RL_IN ? pa.value2 : pa.value) * pa.scale + pa.offset;
	pa.lo = a;
	pa.hi = b;
	pa.name = cs_strdup(tok[0]);
	pa.unit = cs_strdup(tok[unit_tok]);
	rl_param *q = realloc(pt->params, (pt->nparams + 1) * sizeof *q);
	char ***aq = realloc(p->points[p->point].anchors,
			     (pt->nparams + 1) * sizeof *aq);
	if (!pa.name || !pa.unit || !q || !aq) {
		free(pa.name);
		free(pa.unit);
		free_list(alist);
		if (q)
			pt->params = q;
		if (aq)
			p->points[p->point].anchors = aq;
		p->oom = true;
		return;
	}
	pt->params = q;
	p->points[p->point].anchors = aq;
	aq[pt->nparams] = alist;
	pt->params[pt->nparams++] = pa;
}

static void stmt_example(parser *p, const char *kw, char *value, int col)
{
	if (p->item < 0) {
		perror_at(p, col, "'%s' outside an item", kw);
		return;
	}
	rl_example_kind kind = strcmp(kw, "counter") == 0 ? RL_EX_COUNTER
			       : strcmp(kw, "example") == 0 ? RL_EX_MATCH
							     : RL_EX_REVIEW;
	char *colon = strchr(value, ':');
	if (!colon) {
		perror_at(p, col, "'%s' needs '%s: TEXT'", kw,
			  kind == RL_EX_COUNTER ? "counter " : "example POINT ");
		return;
	}
	*colon = '\0';
	char *ref = trim(value);
	char *text = trim(colon + 1);
	if (kind == RL_EX_COUNTER && *ref) {
		perror_at(p, col, "'counter' takes no point");
		return;
	}
	if (kind != RL_EX_COUNTER && !*ref) {
		perror_at(p, col, "'%s' needs the point it must hit", kw);
		return;
	}
	if (!*text) {
		perror_at(p, col, "'%s' needs a text", kw);
		return;
	}
	size_t cap = p->cap_examples;
	if (!grow((void **)&p->examples, &cap, p->nexamples,
		  sizeof(pending_example))) {
		p->oom = true;
		return;
	}
	p->cap_examples = cap;
	pending_example *e = &p->examples[p->nexamples++];
	e->kind = kind;
	e->point_ref = cs_strdup(ref);
	e->text = cs_strdup(text);
	e->line = p->line;
	e->file = p->file;
	e->item = (uint32_t)p->item;
	if (!e->point_ref || !e->text)
		p->oom = true;
}

static void stmt_date(parser *p, const char *kw, const char *value, int col)
{
	rl_date d;
	if (!rl_date_parse(value, &d)) {
		perror_at(p, col, "'%s' needs a date YYYY-MM-DD, not '%s'", kw, value);
		return;
	}
	rl_point *pt = cur_point(p);
	rl_item *it = cur_item(p);
	if (!it) {
		perror_at(p, col, "'%s' outside an item", kw);
		return;
	}
	rl_date *field = strcmp(kw, "since") == 0 ? (pt ? &pt->since : &it->since)
						   : (pt ? &pt->until : &it->until);
	if (*field != RL_NO_DATE)
		perror_at(p, col, "'%s' given twice", kw);
	*field = d;
}

static void stmt_pack(parser *p, const char *kw, const char *value, int col)
{
	rl_pack *k = p->pack;
	if (p->item >= 0) {
		perror_at(p, col, "'%s' belongs in the pack header, before any item",
			  kw);
		return;
	}
	if (strcmp(kw, "pack") == 0) {
		set_string(p, &k->name, value, col, kw);
	} else if (strcmp(kw, "version") == 0) {
		set_string(p, &k->version, value, col, kw);
	} else if (strcmp(kw, "items") == 0) {
		/* items N [prohibited P restricted R] */
		char buf[128];
		snprintf(buf, sizeof buf, "%s", value);
		char *tok[6];
		int nt = 0;
		for (char *t = strtok(buf, " \t"); t && nt < 6; t = strtok(NULL, " \t"))
			tok[nt++] = t;
		bool ok = nt >= 1 && parse_int(tok[0], 1, 100000, &k->items_in_edition);
		if (ok && nt == 5)
			ok = strcmp(tok[1], "prohibited") == 0 &&
			     parse_int(tok[2], 0, 100000, &k->items_prohibited) &&
			     strcmp(tok[3], "restricted") == 0 &&
			     parse_int(tok[4], 0, 100000, &k->items_restricted) &&
			     k->items_prohibited + k->items_restricted ==
				     k->items_in_edition;
		else if (nt != 1)
			ok = false;
		if (!ok)
			perror_at(p, col, "'items' needs 'N' or 'N prohibited P restricted R' "
					  "with P + R = N");
	} else { /* edition */
		const char *bar = strchr(value, '|');
		char date[32] = "";
		if (bar && (size_t)(bar - value) < sizeof date) {
			memcpy(date, value, (size_t)(bar - value));
			date[bar - value] = '\0';
		}
		rl_date d;
		char *label = bar ? trim((char *)bar + 1) : NULL;
		if (!bar || !rl_date_parse(trim(date), &d) || !*label) {
			perror_at(p, col, "'edition' needs 'YYYY-MM-DD | LABEL'");
			return;
		}
		if (k->neditions && k->editions[k->neditions - 1].from >= d) {
			perror_at(p, col, "editions must be in date order");
			return;
		}
		rl_edition *q = realloc(k->editions,
					(k->neditions + 1) * sizeof *q);
		if (!q) {
			p->oom = true;
			return;
		}
		k->editions = q;
		q[k->neditions].from = d;
		q[k->neditions].label = cs_strdup(label);
		if (!q[k->neditions].label)
			p->oom = true;
		k->neditions++;
	}
}

static void stmt_item_field(parser *p, const char *kw, const char *value,
			    int col)
{
	rl_item *it = cur_item(p);
	rl_point *pt = cur_point(p);
	if (!it) {
		perror_at(p, col, "'%s' outside an item", kw);
		return;
	}
	if (strcmp(kw, "derived") == 0) {
		if (pt || *value)
			perror_at(p, col, "'derived' stands alone, before the points");
		else
			it->derived = true;
	} else if (strcmp(kw, "class") == 0) {
		if (pt)
			perror_at(p, col, "'class' belongs to the item, before its points");
		else if (strcmp(value, "prohibited") == 0)
			it->cls = RL_PROHIBITED;
		else if (strcmp(value, "restricted") == 0)
			it->cls = RL_RESTRICTED;
		else
			perror_at(p, col, "class must be prohibited or restricted");
	} else if (strcmp(kw, "confidence") == 0) {
		if (strcmp(value, "verified") == 0)
			it->conf = RL_VERIFIED;
		else if (strcmp(value, "partial") == 0)
			it->conf = RL_PARTIAL;
		else if (strcmp(value, "unverified") == 0)
			it->conf = RL_UNVERIFIED;
		else
			perror_at(p, col,
				  "confidence must be verified, partial or unverified");
	} else if (strcmp(kw, "name-zh") == 0) {
		set_string(p, &it->name_zh, value, col, kw);
	} else if (strcmp(kw, "name-en") == 0) {
		set_string(p, &it->name_en, value, col, kw);
	} else if (strcmp(kw, "industry-zh") == 0) {
		set_string(p, &it->industry_zh, value, col, kw);
	} else if (strcmp(kw, "industry-en") == 0) {
		set_string(p, &it->industry_en, value, col, kw);
	} else if (strcmp(kw, "note") == 0) {
		/* notes may be long: several note lines are joined */
		if (pt)
			return; /* point notes are for the reader of the file */
		if (!it->note) {
			set_string(p, &it->note, value, col, kw);
		} else {
			size_t a = strlen(it->note), b = strlen(value);
			char *q = realloc(it->note, a + b + 2);
			if (!q) {
				p->oom = true;
				return;
			}
			q[a] = ' ';
			memcpy(q + a + 1, value, b + 1);
			it->note = q;
		}
	}
}

static void stmt_point_field(parser *p, const char *kw, char *value, int col)
{
	rl_point *pt = cur_point(p);
	if (!pt) {
		perror_at(p, col, "'%s' outside a point or subject", kw);
		return;
	}
	if (strcmp(kw, "text-zh") == 0) {
		set_string(p, &pt->text_zh, value, col, kw);
	} else if (strcmp(kw, "text-en") == 0) {
		set_string(p, &pt->text_en, value, col, kw);
	} else if (strcmp(kw, "match") == 0) {
		point_parse *pp = &p->points[p->point];
		if (pp->match_text) {
			perror_at(p, col, "'match' given twice");
			return;
		}
		pp->match_text = cs_strdup(value);
		pp->match_col = col;
		if (!pp->match_text)
			p->oom = true;
	} else if (strcmp(kw, "review") == 0) {
		if (!parse_int(value, 1, 1000, &pt->review))
			perror_at(p, col, "'review' needs a score from 1 to 1000");
	}
}

typedef enum { K_PACK, K_ITEM, K_ITEMF, K_POINT, K_POINTF, K_TERMS, K_EXCL,
	       K_PARAM, K_EXAMPLE, K_DATE } kwclass;

static const struct {
	const char *kw;
	kwclass k;
} keywords[] = {
	{"pack", K_PACK},         {"version", K_PACK},
	{"items", K_PACK},        {"edition", K_PACK},
	{"item", K_ITEM},         {"class", K_ITEMF},
	{"name-zh", K_ITEMF},     {"name-en", K_ITEMF},
	{"industry-zh", K_ITEMF}, {"industry-en", K_ITEMF},
	{"confidence", K_ITEMF},  {"note", K_ITEMF},
	{"derived", K_ITEMF},
	{"since", K_DATE},        {"until", K_DATE},
	{"point", K_POINT},       {"subject", K_POINT},
	{"text-zh", K_POINTF},    {"text-en", K_POINTF},
	{"match", K_POINTF},      {"review", K_POINTF},
	{"terms", K_TERMS},       {"exclude", K_EXCL},
	{"param", K_PARAM},       {"example", K_EXAMPLE},
	{"example-review", K_EXAMPLE}, {"counter", K_EXAMPLE},
};

static void parse_line(parser *p, char *line)
{
	char *s = line;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#' || *s == '\r')
		return;
	int col = (int)(s - line) + 1;
	char *kw = s;
	while (*s && *s != ' ' && *s != '\t' && *s != ':')
		s++;
	size_t kwlen = (size_t)(s - kw);
	char *value = trim(s);
	int vcol = col + (int)(value - kw);
	char kwbuf[32];
	if (kwlen >= sizeof kwbuf) {
		perror_at(p, col, "unknown keyword '%.*s'", (int)kwlen, kw);
		return;
	}
	memcpy(kwbuf, kw, kwlen);
	kwbuf[kwlen] = '\0';
	size_t i;
	for (i = 0; i < CS_ARRAY_LEN(keywords); i++)
		if (strcmp(keywords[i].kw, kwbuf) == 0)
			break;
	if (i == CS_ARRAY_LEN(keywords)) {
		perror_at(p, col, "unknown keyword '%s'", kwbuf);
		return;
	}
	switch (keywords[i].k) {
	case K_PACK:
		stmt_pack(p, kwbuf, value, vcol);
		break;
	case K_ITEM:
		stmt_item(p, value, vcol);
		break;
	case K_ITEMF:
		stmt_item_field(p, kwbuf, value, vcol);
		break;
	case K_POINT:
		stmt_point(p, kwbuf, value, vcol);
		break;
	case K_POINTF:
		stmt_point_field(p, kwbuf, value, vcol);
		break;
	case K_TERMS:
		stmt_terms(p, value, vcol);
		break;
	case K_EXCL:
		stmt_exclude(p, value, vcol);
		break;
	case K_PARAM:
		stmt_param(p, value, vcol);
		break;
	case K_EXAMPLE:
		stmt_example(p, kwbuf, value, vcol);
		break;
	case K_DATE:
		stmt_date(p, kwbuf, value, vcol);
		break;
	}
}

static void parse_source(parser *p, const rl_source *src)
{
	p->file = src->name;
	p->line = 0;
	p->item = -1;
	p->point = -1;
	const char *s = src->text, *end = src->text + src->len;
	while (s < end && !p->oom) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		p->line++;
		char *line = cs_strndup(s, len);
		if (!line) {
			p->oom = true;
			break;
		}
		if (memchr(s, '\0', len))
			perror_at(p, 1, "NUL byte in rule file");
		else
			parse_line(p, line);
		free(line);
		s += len + (nl != NULL);
	}
}

/* ---- checks ----------------------------------------------------------------- */

static void at(parser *p, const char *file, int line)
{
	p->file = file;
	p->line = line;
}

/* Parses "all(a, b) within N" and friends into pt, reporting what is wrong. */
static void check_match(parser *p, rl_point *pt, const char *text, int col)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", text);
	char *s = trim(buf);
	int n = 0;
	if (strncmp(s, "all", 3) == 0) {
		pt->need = RL_ALL;
		s += 3;
	} else if (strncmp(s, "any", 3) == 0) {
		pt->need = RL_ANY;
		s += 3;
	} else if (isdigit((unsigned char)*s)) {
		char *end;
		long v = strtol(s, &end, 10);
		s = trim(end);
		if (strncmp(s, "of", 2) != 0 || v < 1 || v > 100) {
			perror_at(p, col, "match needs all(...), any(...) or N of (...)");
			return;
		}
		pt->need = RL_ATLEAST;
		n = (int)v;
		s += 2;
	} else {
		perror_at(p, col, "match needs all(...), any(...) or N of (...)");
		return;
	}
	s = trim(s);
	char *close = strchr(s, ')');
	if (*s != '(' || !close) {
		perror_at(p, col, "match needs a parenthesised list of groups");
		return;
	}
	*close = '\0';
	char *rest = trim(close + 1);
	if (*rest) {
		if (strncmp(rest, "within", 6) != 0 ||
		    !parse_int(trim(rest + 6), 1, 100000, &pt->within)) {
			perror_at(p, col, "after the groups only 'within N' may follow");
			return;
		}
	}
	int used = 0;
	for (char *name = strtok(s + 1, ", \t"); name; name = strtok(NULL, ", \t")) {
		if (!find_group(pt, name)) {
			perror_at(p, col, "match names undeclared group '%s'", name);
			return;
		}
		used++;
	}
	if (used == 0) {
		perror_at(p, col, "match names no group");
		return;
	}
	if (used != (int)pt->ngroups)
		perror_at(p, col,
			  "match names %d of the point's %zu groups: every declared group "
			  "must be used",
			  used, pt->ngroups);
	if (pt->need == RL_ATLEAST && n > used)
		perror_at(p, col, "match needs %d of only %d groups", n, used);
	pt->need_n = pt->need == RL_ATLEAST ? n : pt->need == RL_ALL ? used : 1;
}

static void point_name(const rl_point *pt, char *name, size_t size)
{
	if (pt->subject)
		snprintf(name, size, "subject");
	else if (pt->ordinal)
		snprintf(name, size, "?%d", pt->ordinal);
	else
		snprintf(name, size, "%d", pt->number);
}

static bool same_point(const rl_point *a, const rl_point *b)
{
	return a->subject == b->subject && a->number == b->number &&
	       a->ordinal == b->ordinal;
}

/* True when a and b are never in force on the same day. */
static bool disjoint(const rl_point *a, const rl_point *b)
{
	return (a->until != RL_NO_DATE && b->since != RL_NO_DATE &&
		a->until <= b->since) ||
	       (b->until != RL_NO_DATE && a->since != RL_NO_DATE &&
		b->until <= a->since);
}

/*
 * The point an example names. A point changed by a later notice appears
 * twice under one number, each wording with its dates; an example means
 * the newest wording, the one with no end.
 */
static int resolve_point(const rl_pack *k, const rl_item *it, const char *ref)
{
	int found = -1;
	for (uint32_t i = 0; i < it->npoints; i++) {
		const rl_point *pt = &k->points[it->first_point + i];
		char name[16];
		point_name(pt, name, sizeof name);
		if (strcmp(name, ref) != 0)
			continue;
		if (found < 0 || pt->until == RL_NO_DATE)
			found = (int)i;
	}
	return found;
}

/* One number, one wording at a time. */
static void check_duplicates(parser *p, const rl_item *it)
{
	const rl_pack *k = p->pack;
	for (uint32_t i = 0; i < it->npoints; i++) {
		const rl_point *a = &k->points[it->first_point + i];
		for (uint32_t j = 0; j < i; j++) {
			const rl_point *b = &k->points[it->first_point + j];
			if (!same_point(a, b) || disjoint(a, b))
				continue;
			char name[16];
			point_name(a, name, sizeof name);
			at(p, a->file, a->line);
			perror_at(p, 1,
				  "duplicate point '%s' in item %s (in force at "
				  "the same time as the one at line %d)",
				  name, it->id, b->line);
		}
	}
}

static void check_pack(parser *p)
{
	rl_pack *k = p->pack;
	at(p, k->nfiles ? k->files[0] : "pack", 1);
	if (!k->name || !k->version || !k->items_in_edition || !k->neditions)
		perror_at(p, 1, "the pack header needs pack, version, items and "
				"at least one edition");
	if (k->nitems == 0)
		perror_at(p, 1, "the pack has no items");

	for (size_t i = 0; i < k->nitems; i++) {
		rl_item *it = &k->items[i];
		at(p, it->file, it->line);
		if ((int)it->cls < 0)
			perror_at(p, 1, "item %s has no class", it->id);
		else if (id_class_letter(it->id) &&
			 id_class_letter(it->id) !=
				 (it->cls == RL_PROHIBITED ? 'J' : 'X'))
			perror_at(p, 1, "item %s: class %s contradicts its id", it->id,
				  rl_class_name(it->cls));
		/* the official text names items in Chinese only */
		if (!it->name_en && !it->derived)
			perror_at(p, 1, "item %s has no name-en", it->id);
		if (!it->name_en && !it->name_zh)
			perror_at(p, 1, "item %s has no name", it->id);
		if (it->since != RL_NO_DATE && it->until != RL_NO_DATE &&
		    it->until <= it->since)
			perror_at(p, 1, "item %s: until is not after since", it->id);
		if (it->npoints == 0)
			perror_at(p, 1, "item %s has no point or subject", it->id);
		check_duplicates(p, it);
		for (uint32_t j = 0; j < it->npoints; j++) {
			uint32_t pi = it->first_point + j;
			rl_point *pt = &k->points[pi];
			at(p, pt->file, pt->line);
			if (pt->ngroups == 0)
				perror_at(p, 1, "point has no terms");
			for (size_t g = 0; g < pt->ngroups; g++)
				if (pt->groups[g].nterms == 0)
					perror_at(p, 1, "group '%s' is empty",
						  pt->groups[g].name);
			if (!p->points[pi].match_text)
				perror_at(p, 1, "point has no 'match'");
			else if (pt->ngroups)
				check_match(p, pt, p->points[pi].match_text,
					    p->points[pi].match_col);
			if (pt->since != RL_NO_DATE && pt->until != RL_NO_DATE &&
			    pt->until <= pt->since)
				perror_at(p, 1, "until is not after since");
		}
		bool has_example = false, has_counter = false;
		for (size_t e = 0; e < p->nexamples; e++) {
			if (p->examples[e].item != i)
				continue;
			has_counter |= p->examples[e].kind == RL_EX_COUNTER;
			has_example |= p->examples[e].kind != RL_EX_COUNTER;
		}
		at(p, it->file, it->line);
		if (!has_example)
			perror_at(p, 1, "item %s has no example", it->id);
		if (!has_counter)
			perror_at(p, 1, "item %s has no counter-example", it->id);
	}
	/* examples: resolve their points and move them onto the items */
	for (size_t e = 0; e < p->nexamples && !p->oom; e++) {
		pending_example *pe = &p->examples[e];
		rl_item *it = &k->items[pe->item];
		int pidx = -1;
		if (pe->kind != RL_EX_COUNTER) {
			pidx = resolve_point(k, it, pe->point_ref);
			if (pidx < 0) {
				at(p, pe->file, pe->line);
				perror_at(p, 1, "example names point '%s', which item %s "
						"does not have",
					  pe->point_ref, it->id);
				continue;
			}
		}
		rl_example *q = realloc(it->examples,
					(it->nexamples + 1) * sizeof *q);
		if (!q) {
			p->oom = true;
			break;
		}
		it->examples = q;
		q[it->nexamples++] = (rl_example){pe->kind, pidx, pe->text, pe->line,
						   pe->file};
		pe->text = NULL;
	}
}

/* ---- compile: phrases into one matcher ------------------------------------- */

typedef struct phrase_use {
	uint32_t pattern;
	rl_ref ref;
} phrase_use;

typedef struct compiler {
	parser *p;
	GHashTable *index; /* normalised text -> pattern index + 1 */
	phrase_use *uses;
	size_t nuses, capuses;
} compiler;

static bool is_word_byte(unsigned char c)
{
	return isalnum(c);
}

static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

static void add_phrase(compiler *c, const char *raw, uint32_t point,
		       rl_refkind kind, size_t index)
{
	rl_pack *k = c->p->pack;
	char *norm = nz_normalize_str(raw);
	if (!norm) {
		c->p->oom = true;
		return;
	}
	if (!*norm || strcmp(norm, " ") == 0) {
		rl_point *pt = &k->points[point];
		at(c->p, pt->file, pt->line);
		perror_at(c->p, 1, "entry '%s' is empty once normalised", raw);
		free(norm);
		return;
	}
	uint32_t pat;
	gpointer found = g_hash_table_lookup(c->index, norm);
	if (found) {
		pat = (uint32_t)(GPOINTER_TO_SIZE(found) - 1);
		free(norm);
	} else {
		rl_pattern *q = realloc(k->patterns,
					(k->npatterns + 1) * sizeof *q);
		if (!q) {
			free(norm);
			c->p->oom = true;
			return;
		}
		k->patterns = q;
		pat = (uint32_t)k->npatterns++;
		rl_pattern *pp = &q[pat];
		memset(pp, 0, sizeof *pp);
		pp->text = norm;
		pp->len = strlen(norm);
		pp->chars = utf8_chars(norm, pp->len);
		pp->word_start = is_word_byte((unsigned char)norm[0]);
		pp->word_end = is_word_byte((unsigned char)norm[pp->len - 1]);
		g_hash_table_insert(c->index, norm, GSIZE_TO_POINTER(pat + 1));
	}
	/* the same phrase twice in one group counts once */
	for (size_t u = c->nuses; u-- > 0 && c->uses[u].ref.point == point;)
		if (c->uses[u].pattern == pat && c->uses[u].ref.kind == kind &&
		    c->uses[u].ref.index == index)
			return;
	if (!grow((void **)&c->uses, &c->capuses, c->nuses, sizeof(phrase_use))) {
		c->p->oom = true;
		return;
	}
	c->uses[c->nuses++] = (phrase_use){
		pat, {point, (uint16_t)kind, (uint16_t)index}};
}

/*
 * A hyphenated compound broken at its hyphen at the end of a line
 * ("rare-\nearth") comes out of the normaliser joined ("rareearth"), as a
 * word hyphenated across lines must. So each Latin hyphen of a term also
 * gives the term with that hyphen dropped.
 */
static void add_hyphen_breaks(compiler *c, const char *raw, uint32_t point,
			      size_t group)
{
	size_t n = strlen(raw);
	for (size_t i = 1; i + 1 < n; i++) {
		if (raw[i] != '-' || !isalpha((unsigned char)raw[i - 1]) ||
		    !isalpha((unsigned char)raw[i + 1]))
			continue;
		char *joined = malloc(n);
		if (!joined) {
			c->p->oom = true;
			return;
		}
		memcpy(joined, raw, i);
		memcpy(joined + i, raw + i + 1, n - i);
		add_phrase(c, joined, point, RL_REF_GROUP, group);
		free(joined);
	}
}

static int cmp_use(const void *a, const void *b)
{
	const phrase_use *x = a, *y = b;
	if (x->pattern != y->pattern)
		return x->pattern < y->pattern ? -1 : 1;
	if (x->ref.point != y->ref.point)
		return x->ref.point < y->ref.point ? -1 : 1;
	return 0;
}

static cs_code compile_patterns(parser *p)
{
	rl_pack *k = p->pack;
	compiler c = {.p = p};
	cs_code rc = CS_OK;
	const char **texts = NULL;
	size_t *lens = NULL;

	c.index = g_hash_table_new(g_str_hash, g_str_equal);
	for (size_t pi = 0; pi < k->npoints && !p->oom; pi++) {
		rl_point *pt = &k->points[pi];
		for (size_t g = 0; g < pt->ngroups; g++)
			for (size_t t = 0; t < pt->groups[g].nterms; t++)
				add_phrase(&c, pt->groups[g].terms[t], (uint32_t)pi,
					   RL_REF_GROUP, g);
		for (size_t g = 0; g < pt->ngroups; g++)
			for (size_t t = 0; t < pt->groups[g].nterms; t++)
				add_hyphen_breaks(&c, pt->groups[g].terms[t],
						  (uint32_t)pi, g);
		const point_parse *pp = &p->points[pi];
		const item_parse *ip = &p->items[pt->item];
		for (size_t e = 0; e < pp->nexcludes; e++)
			add_phrase(&c, pp->excludes[e], (uint32_t)pi,
				   RL_REF_EXCLUDE, 0);
		for (size_t e = 0; e < ip->nexcludes; e++)
			add_phrase(&c, ip->excludes[e], (uint32_t)pi, RL_REF_EXCLUDE, 0);
		for (size_t a = 0; a < pt->nparams; a++)
			for (char **an = pp->anchors[a]; *an; an++)
				add_phrase(&c, *an, (uint32_t)pi, RL_REF_ANCHOR, a);
	}
	if (p->oom) {
		rc = cs_fail(p->err, CS_ENOMEM, "rules: out of memory");
		goto done;
	}
	if (p->nerrors) {
		rc = CS_ESYNTAX;
		goto done;
	}
	qsort(c.uses, c.nuses, sizeof *c.uses, cmp_use);
	k->refs = malloc((c.nuses ? c.nuses : 1) * sizeof *k->refs);
	if (!k->refs) {
		rc = cs_fail(p->err, CS_ENOMEM, "rules: out of memory");
		goto done;
	}
	for (size_t u = 0; u < c.nuses; u++) {
		rl_pattern *pp = &k->patterns[c.uses[u].pattern];
		if (pp->nrefs == 0)
			pp->first_ref = (uint32_t)u;
		pp->nrefs++;
		k->refs[u] = c.uses[u].ref;
	}
	k->nrefs = c.nuses;

	texts = malloc(k->npatterns * sizeof *texts);
	lens = malloc(k->npatterns * sizeof *lens);
	if (!texts || !lens) {
		rc = cs_fail(p->err, CS_ENOMEM, "rules: out of memory");
		goto done;
	}
	for (size_t i = 0; i < k->npatterns; i++) {
		texts[i] = k->patterns[i].text;
		lens[i] = k->patterns[i].len;
	}
	rc = mt_db_compile(texts, lens, k->npatterns, &k->db, p->err);
done:
	free(texts);
	free(lens);
	free(c.uses);
	g_hash_table_destroy(c.index);
	return rc;
}

/* ---- the pack --------------------------------------------------------------- */

static void free_parser(parser *p)
{
	rl_pack *k = p->pack;
	for (size_t i = 0; i < k->nitems; i++)
		free_list(p->items[i].excludes);
	for (size_t i = 0; i < k->npoints; i++) {
		point_parse *pp = &p->points[i];
		free(pp->match_text);
		free_list(pp->excludes);
		for (size_t a = 0; pp->anchors && a < k->points[i].nparams; a++)
			free_list(pp->anchors[a]);
		free(pp->anchors);
	}
	for (size_t e = 0; e < p->nexamples; e++) {
		free(p->examples[e].point_ref);
		free(p->examples[e].text);
	}
	free(p->examples);
	free(p->items);
	free(p->points);
}

void rl_pack_free(rl_pack *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->nitems; i++) {
		rl_item *it = &k->items[i];
		free(it->id);
		free(it->name_zh);
		free(it->name_en);
		free(it->industry_zh);
		free(it->industry_en);
		free(it->note);
		for (size_t e = 0; e < it->nexamples; e++)
			free(it->examples[e].text);
		free(it->examples);
	}
	for (size_t i = 0; i < k->npoints; i++) {
		rl_point *pt = &k->points[i];
		free(pt->text_zh);
		free(pt->text_en);
		for (size_t g = 0; g < pt->ngroups; g++) {
			free(pt->groups[g].name);
			for (size_t t = 0; t < pt->groups[g].nterms; t++)
				free(pt->groups[g].terms[t]);
			free(pt->groups[g].terms);
		}
		free(pt->groups);
		for (size_t a = 0; a < pt->nparams; a++) {
			free(pt->params[a].name);
			free(pt->params[a].unit);
		}
		free(pt->params);
	}
	for (size_t i = 0; i < k->npatterns; i++)
		free(k->patterns[i].text);
	for (size_t i = 0; i < k->neditions; i++)
		free(k->editions[i].label);
	for (size_t i = 0; i < k->nfiles; i++)
		free(k->files[i]);
	free(k->files);
	free(k->editions);
	free(k->items);
	free(k->points);
	free(k->patterns);
	free(k->refs);
	free(k->label);
	free(k->name);
	free(k->version);
	free(k->hash);
	mt_db_free(k->db);
	free(k);
}

static char *hash_sources(const rl_source *src, size_t n)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	if (!sum)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		g_checksum_update(sum, (const guchar *)src[i].name,
				  (gssize)strlen(src[i].name) + 1);
		g_checksum_update(sum, (const guchar *)src[i].text,
				  (gssize)src[i].len);
	}
	char *hex = cs_strdup(g_checksum_get_string(sum));
	g_checksum_free(sum);
	return hex;
}

cs_code rl_pack_compile(const rl_source *src, size_t n, const char *label,
			rl_pack **out, cs_buf *errors, cs_error *err)
{
	cs_code rc = CS_OK;
	rl_pack *k = calloc(1, sizeof *k);
	parser p = {.pack = k, .errors = errors, .err = err, .item = -1,
		    .point = -1};
	if (!k)
		return cs_fail(err, CS_ENOMEM, "rules: out of memory");
	k->label = cs_strdup(label ? label : "built-in");
	k->hash = hash_sources(src, n);
	k->files = calloc(n ? n : 1, sizeof *k->files);
	if (!k->label || !k->hash || !k->files) {
		rc = cs_fail(err, CS_ENOMEM, "rules: out of memory");
		goto done;
	}
	for (size_t i = 0; i < n && !p.oom; i++) {
		k->files[i] = cs_strdup(src[i].name);
		if (!k->files[i]) {
			p.oom = true;
			break;
		}
		k->nfiles++;
		parse_source(&p, &(rl_source){k->files[i], src[i].text, src[i].len});
	}
	if (!p.oom)
		check_pack(&p);
	if (p.oom) {
		rc = cs_fail(err, CS_ENOMEM, "rules: out of memory");
		goto done;
	}
	if (p.nerrors) {
		rc = CS_ESYNTAX;
		goto done;
	}
	rc = compile_patterns(&p);
done:
	if (k)
		free_parser(&p);
	if (rc != CS_OK) {
		rl_pack_free(k);
		return rc;
	}
	*out = k;
	return CS_OK;
}

static int only_rules(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 6 &&
	       strcmp(d->d_name + n - 6, ".rules") == 0;
}

cs_code rl_pack_load(const char *path, rl_pack **out, cs_buf *errors,
		     cs_error *err)
{
	if (!path)
		return rl_pack_compile(rl_builtin, rl_builtin_count, "built-in",
				       out, errors, err);

	struct dirent **names = NULL;
	rl_source *src = NULL;
	int n = 0;
	size_t nsrc = 0;
	cs_code rc = CS_OK;
	DIR *dir = opendir(path);
	if (dir) {
		closedir(dir);
		n = scandir(path, &names, only_rules, alphasort);
		if (n < 0)
			return cs_fail(err, CS_EIO, "%s: cannot list folder", path);
		if (n == 0) {
			free(names);
			return cs_fail(err, CS_EIO, "%s: no *.rules files", path);
		}
	}
	size_t want = dir ? (size_t)n : 1;
	src = calloc(want, sizeof *src);
	if (!src) {
		rc = cs_fail(err, CS_ENOMEM, "rules: out of memory");
		goto done;
	}
	for (size_t i = 0; i < want; i++) {
		char *file;
		if (dir) {
			size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
			file = malloc(len);
			if (file)
				snprintf(file, len, "%s/%s", path, names[i]->d_name);
		} else {
			file = cs_strdup(path);
		}
		if (!file) {
			rc = cs_fail(err, CS_ENOMEM, "rules: out of memory");
			goto done;
		}
		char *text = NULL;
		size_t len = 0;
		rc = cs_read_file(file, RL_MAX_SOURCE, &text, &len, err);
		if (rc != CS_OK) {
			free(file);
			goto done;
		}
		src[nsrc++] = (rl_source){file, text, len};
	}
	rc = rl_pack_compile(src, nsrc, path, out, errors, err);
done:
	for (size_t i = 0; i < nsrc; i++) {
		free((char *)src[i].name);
		free((char *)src[i].text);
	}
	free(src);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

const char *rl_pack_label(const rl_pack *p)
{
	return p->label;
}

const char *rl_pack_name(const rl_pack *p)
{
	return p->name;
}

const char *rl_pack_version(const rl_pack *p)
{
	return p->version;
}

const char *rl_pack_hash(const rl_pack *p)
{
	return p->hash;
}

int rl_pack_items_in_edition(const rl_pack *p)
{
	return p->items_in_edition;
}

int rl_pack_items_in_class(const rl_pack *p, const char *cls)
{
	int n = strcmp(cls, "prohibited") == 0	 ? p->items_prohibited
		: strcmp(cls, "restricted") == 0 ? p->items_restricted
						  : 0;
	return n > 0 ? n : -1;
}

size_t rl_pack_item_count(const rl_pack *p)
{
	return p->nitems;
}

const char *rl_pack_edition(const rl_pack *p, const char *date)
{
	rl_date d;
	if (!rl_date_parse(date, &d))
		return NULL;
	const char *label = NULL;
	for (size_t i = 0; i < p->neditions; i++)
		if (p->editions[i].from <= d)
			label = p->editions[i].label;
	return label;
}

size_t rl_pack_phrase_count(const rl_pack *p)
{
	return p->npatterns;
}

const char *rl_pack_phrase(const rl_pack *p, size_t i)
{
	return i < p->npatterns ? p->patterns[i].text : NULL;
}

void rl_pack_item(const rl_pack *p, size_t i, rl_item_info *info)
{
	const rl_item *it = &p->items[i];
	memset(info, 0, sizeof *info);
	info->id = it->id;
	info->code = it->official ? it->id : NULL;
	info->cls = rl_class_name(it->cls);
	info->name_zh = it->name_zh;
	info->name_en = it->name_en;
	info->industry_zh = it->industry_zh;
	info->industry_en = it->industry_en;
	info->confidence = rl_conf_name(it->conf);
	if (it->since != RL_NO_DATE) {
		rl_date_format(it->since, info->since_buf);
		info->since = info->since_buf;
	}
	if (it->until != RL_NO_DATE) {
		rl_date_format(it->until, info->until_buf);
		info->until = info->until_buf;
	}
	info->derived = it->derived;
	info->subject_only = true;
	for (uint32_t k = 0; k < it->npoints; k++) {
		const rl_point *pt = &p->points[it->first_point + k];
		if (!pt->subject) {
			info->points++;
			info->subject_only = false;
		}
		info->params += pt->nparams;
		for (size_t g = 0; g < pt->ngroups; g++)
			for (size_t t = 0; t < pt->groups[g].nterms; t++)
				if (isalpha((unsigned char)pt->groups[g].terms[t][0]))
					info->english_terms = true;
	}
	for (size_t e = 0; e < it->nexamples; e++) {
		if (it->examples[e].kind == RL_EX_COUNTER)
			info->counters++;
		else
			info->examples++;
	}
}

size_t rl_pack_check_ids(const rl_pack *p, const char *const *ids, size_t n,
			 cs_buf *errors)
{
	size_t missing = 0;
	for (size_t i = 0; i < p->nitems; i++) {
		const rl_item *it = &p->items[i];
		bool found = false;
		for (size_t k = 0; k < n && !found; k++)
			found = strcmp(ids[k], it->id) == 0;
		if (found)
			continue;
		missing++;
		if (errors)
			cs_buf_printf(errors, "%s:%d:6: item %s is not in the Catalogue "
					      "data\n",
				      it->file, it->line, it->id);
	}
	return missing;
}
