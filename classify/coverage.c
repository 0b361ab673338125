/*
 * coverage.c: counting what a pack covers, from the facts rl_pack_item()
 * gives of each item. An item counts when it is in force on the date;
 * "curated" means it has hand-written terms (it is not `derived`), and
 * "with examples" counts hand-written examples only, since every derived
 * item carries a generated one.
 */
#include "coverage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_impl.h"

typedef struct cv_item {
	rl_item_info info;
	bool in_force;
} cv_item;

typedef struct cv_row_t {
	const char *cls;
	const char *industry; /* NULL: the class row */
	cv_counts c;
} cv_row_t;

struct cv_report {
	char *label, *name, *version, *hash, *edition;
	char as_of[11];
	int items_in_edition;
	cv_item *items;
	size_t nitems;
	cv_row_t *rows;
	size_t nrows;
	cv_counts total;
	bool complete;
	/* strings of the items, owned here */
	char **strings;
	size_t nstrings;
};

static const char *keep(cv_report *r, const char *s, bool *oom)
{
	if (!s)
		return NULL;
	char **q = realloc(r->strings, (r->nstrings + 1) * sizeof *q);
	char *c = cs_strdup(s);
	if (!q || !c) {
		free(c);
		if (q)
			r->strings = q;
		*oom = true;
		return NULL;
	}
	r->strings = q;
	r->strings[r->nstrings++] = c;
	return c;
}

void cv_report_free(cv_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nstrings; i++)
		free(r->strings[i]);
	free(r->strings);
	free(r->items);
	free(r->rows);
	free(r->label);
	free(r->name);
	free(r->version);
	free(r->hash);
	free(r->edition);
	free(r);
}

static void count(cv_counts *c, const rl_item_info *in)
{
	c->with_rules++;
	c->curated += !in->derived;
	c->derived += in->derived;
	c->english += in->english_terms;
	c->examples += !in->derived && in->examples > 0;
	c->subject_only += in->subject_only;
	c->official += in->code != NULL;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static cv_row_t *row_for(cv_report *r, const char *cls, const char *industry,
			 bool *oom)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (strcmp(r->rows[i].cls, cls) == 0 &&
		    same(r->rows[i].industry, industry))
			return &r->rows[i];
	cv_row_t *q = realloc(r->rows, (r->nrows + 1) * sizeof *q);
	if (!q) {
		*oom = true;
		return NULL;
	}
	r->rows = q;
	cv_row_t *row = &q[r->nrows++];
	memset(row, 0, sizeof *row);
	row->cls = cls;
	row->industry = industry;
	row->c.in_edition = -1;
	return row;
}

cs_code cv_compute(const rl_pack *pack, const char *as_of, cv_report **out,
		   cs_error *err)
{
	rl_date d;
	char today[11];
	if (!as_of) {
		rl_date_format(rl_date_today(), today);
		as_of = today;
	}
	if (!rl_date_parse(as_of, &d))
		return cs_fail(err, CS_EINVAL,
			       "coverage: '%s' is not YYYY-MM-DD", as_of);
	cv_report *r = calloc(1, sizeof *r);
	if (!r)
		return cs_fail(err, CS_ENOMEM, "coverage: out of memory");
	bool oom = false;
	memcpy(r->as_of, as_of, 11);
	r->label = cs_strdup(rl_pack_label(pack));
	r->name = cs_strdup(rl_pack_name(pack));
	r->version = cs_strdup(rl_pack_version(pack));
	r->hash = cs_strdup(rl_pack_hash(pack));
	const char *ed = rl_pack_edition(pack, as_of);
	r->edition = ed ? cs_strdup(ed) : NULL;
	r->items_in_edition = rl_pack_items_in_edition(pack);
	r->nitems = rl_pack_item_count(pack);
	r->items = calloc(r->nitems ? r->nitems : 1, sizeof *r->items);
	if (!r->label || !r->name || !r->version || !r->hash ||
	    (ed && !r->edition) || !r->items) {
		cv_report_free(r);
		return cs_fail(err, CS_ENOMEM, "coverage: out of memory");
	}
	/* stable order of rows: by class, then industries as they come */
	for (int pass = 0; pass < 2 && !oom; pass++) {
		const char *want = pass == 0 ? "prohibited" : "restricted";
		for (size_t i = 0; i < r->nitems && !oom; i++) {
			rl_item_info in;
			rl_pack_item(pack, i, &in);
			if (strcmp(in.cls, want) != 0)
				continue;
			cv_item *it = &r->items[i];
			it->info = in;
			/* the strings outlive the pack */
			it->info.id = keep(r, in.id, &oom);
			it->info.code = in.code ? it->info.id : NULL;
			it->info.cls = want;
			it->info.name_zh = keep(r, in.name_zh, &oom);
			it->info.name_en = keep(r, in.name_en, &oom);
			it->info.industry_zh = keep(r, in.industry_zh, &oom);
			it->info.industry_en = keep(r, in.industry_en, &oom);
			it->info.confidence = keep(r, in.confidence, &oom);
			it->info.since = in.since ? it->info.since_buf : NULL;
			it->info.until = in.until ? it->info.until_buf : NULL;
			it->in_force =
			    (!in.since || strcmp(in.since, as_of) <= 0) &&
			    (!in.until || strcmp(as_of, in.until) < 0);
			if (!it->in_force)
				continue;
			const char *ind =
			    it->info.industry_zh ? it->info.industry_zh : "";
			/* rows move when a new one is added: by index */
			cv_row_t *cr = row_for(r, want, NULL, &oom);
			size_t ci = cr ? (size_t)(cr - r->rows) : 0;
			cv_row_t *ir = cr ? row_for(r, want, ind, &oom) : NULL;
			if (!ir)
				break;
			count(&r->rows[ci].c, &it->info);
			count(&ir->c, &it->info);
			count(&r->total, &it->info);
		}
	}
	if (oom) {
		cv_report_free(r);
		return cs_fail(err, CS_ENOMEM, "coverage: out of memory");
	}
	/* the whole edition is known when the pack has as many items with
	 * an official code in force as the edition has: then the edition's
	 * count per class and industry is theirs */
	r->complete = r->items_in_edition > 0 &&
		      r->total.official == (size_t)r->items_in_edition;
	r->total.in_edition = r->items_in_edition;
	for (size_t i = 0; i < r->nrows; i++) {
		cv_row_t *row = &r->rows[i];
		row->c.in_edition = r->complete ? (long)row->c.official : -1;
		/* a class's count may come from the pack header */
		if (!r->complete && !row->industry)
			row->c.in_edition = rl_pack_items_in_class(pack, row->cls);
	}
	*out = r;
	return CS_OK;
}

void cv_count(const rl_pack *pack, const char *as_of, cv_counts *out,
	      bool *complete)
{
	char today[11];
	rl_date d;
	if (!as_of || !rl_date_parse(as_of, &d)) {
		rl_date_format(rl_date_today(), today);
		as_of = today;
	}
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < rl_pack_item_count(pack); i++) {
		rl_item_info in;
		rl_pack_item(pack, i, &in);
		if ((in.since && strcmp(in.since, as_of) > 0) ||
		    (in.until && strcmp(as_of, in.until) >= 0))
			continue;
		count(out, &in);
	}
	out->in_edition = rl_pack_items_in_edition(pack);
	if (complete)
		*complete = out->in_edition > 0 &&
			    out->official == (size_t)out->in_edition;
}

void cv_total(const cv_report *r, cv_counts *c)
{
	*c = r->total;
}

bool cv_complete(const cv_report *r)
{
	return r->complete;
}

size_t cv_row_count(const cv_report *r)
{
	return r->nrows;
}

void cv_row(const cv_report *r, size_t i, const char **cls,
	    const char **industry, cv_counts *c)
{
	*cls = r->rows[i].cls;
	*industry = r->rows[i].industry;
	*c = r->rows[i].c;
}

static size_t without_rules(const cv_report *r)
{
	long n = (long)r->items_in_edition - (long)r->total.with_rules;
	return r->complete || n < 0 ? 0 : (size_t)n;
}

static cs_code row_text(cs_buf *out, const cv_counts *c, const char *label,
			bool indent)
{
	char ed[24];
	if (c->in_edition >= 0)
		snprintf(ed, sizeof ed, "%ld", c->in_edition);
	else
		snprintf(ed, sizeof ed, "?");
	return cs_buf_printf(out, "%8s %6zu %8zu %8zu %8zu %9zu %8zu  %s%s\n",
			     ed, c->with_rules, c->curated, c->derived,
			     c->english, c->examples, c->subject_only,
			     indent ? "  " : "", label);
}

cs_code cv_text(const cv_report *r, cs_buf *out)
{
	const cv_counts *t = &r->total;
	cs_code rc = cs_buf_printf(
	    out, "Rule pack %s (%s %s), as of %s: %s\n", r->label, r->name,
	    r->version, r->as_of,
	    r->edition ? r->edition : "no edition of the pack in force");
	if (rc == CS_OK)
		rc = cs_buf_printf(
		    out,
		    "Items in the edition: %d. With rules: %zu "
		    "(%zu with their official code); curated: %zu; "
		    "derived from the official text only: %zu.\n",
		    r->items_in_edition, t->with_rules, t->official, t->curated,
		    t->derived);
	if (rc == CS_OK && r->complete)
		rc = cs_buf_printf(
		    out,
		    "The pack holds the whole edition: every item "
		    "has rules.%s\n",
		    t->with_rules > t->official
			? " Items without an official code are kept from "
			  "the curated pack and are not in the "
			  "edition's text."
			: "");
	else if (rc == CS_OK)
		rc = cs_buf_printf(
		    out,
		    "Items without rules: at least %zu of %d, "
		    "which this pack cannot name; a clear result "
		    "says nothing about them. Import the official "
		    "text for full coverage (catscan rules import, "
		    "docs/import.md).\n",
		    without_rules(r), r->items_in_edition);
	if (rc == CS_OK)
		rc = cs_buf_adds(
		    out, "\n edition  rules  curated  derived  English  "
			 "examples  subject  class / industry\n");
	for (size_t i = 0; i < r->nrows && rc == CS_OK; i++) {
		const cv_row_t *row = &r->rows[i];
		const char *label =
		    row->industry ? (*row->industry ? row->industry
						    : "(no industry heading)")
				  : row->cls;
		rc = row_text(out, &row->c, label, row->industry != NULL);
	}
	if (rc == CS_OK) {
		cv_counts all = *t;
		if (!r->complete)
			all.in_edition = r->items_in_edition;
		rc = row_text(out, &all, "all", false);
	}
	if (rc == CS_OK)
		rc = cs_buf_adds(
		    out, "\n(rules: items with rules in force; curated: "
			 "with hand-written terms; derived: with terms "
			 "made from the official wording only; "
			 "examples: with hand-written examples; "
			 "subject: no control point known)\n");
	bool head = false;
	for (size_t i = 0; i < r->nitems && rc == CS_OK; i++) {
		const cv_item *it = &r->items[i];
		if (!it->in_force || !it->info.derived)
			continue;
		if (!head)
			rc = cs_buf_adds(
			    out, "\nItems with derived rules only (no curated "
				 "terms, no English terms):\n");
		head = true;
		if (rc == CS_OK)
			rc = cs_buf_printf(out, "  %s %s\n", it->info.id,
					   it->info.name_zh ? it->info.name_zh
							    : "");
	}
	return rc;
}

static json_t *counts_json(const cv_counts *c)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "items_in_edition",
			    c->in_edition >= 0 ? json_integer(c->in_edition)
					       : json_null());
	json_object_set_new(o, "items_with_rules",
			    json_integer((json_int_t)c->with_rules));
	json_object_set_new(o, "items_curated",
			    json_integer((json_int_t)c->curated));
	json_object_set_new(o, "items_derived",
			    json_integer((json_int_t)c->derived));
	json_object_set_new(o, "items_english",
			    json_integer((json_int_t)c->english));
	json_object_set_new(o, "items_with_examples",
			    json_integer((json_int_t)c->examples));
	json_object_set_new(o, "items_subject_only",
			    json_integer((json_int_t)c->subject_only));
	json_object_set_new(o, "items_with_code",
			    json_integer((json_int_t)c->official));
	return o;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *item_json(const cv_item *it)
{
	const rl_item_info *in = &it->info;
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_string(in->id));
	json_object_set_new(o, "code", str_or_null(in->code));
	json_object_set_new(o, "class", json_string(in->cls));
	json_object_set_new(o, "name_zh", str_or_null(in->name_zh));
	json_object_set_new(o, "name_en", str_or_null(in->name_en));
	json_object_set_new(o, "industry_zh", str_or_null(in->industry_zh));
	json_object_set_new(o, "points", json_integer((json_int_t)in->points));
	json_object_set_new(o, "params", json_integer((json_int_t)in->params));
	json_object_set_new(o, "derived", json_boolean(in->derived));
	json_object_set_new(o, "curated", json_boolean(!in->derived));
	json_object_set_new(o, "english_terms",
			    json_boolean(in->english_terms));
	json_object_set_new(o, "examples",
			    json_integer((json_int_t)in->examples));
	json_object_set_new(o, "counters",
			    json_integer((json_int_t)in->counters));
	json_object_set_new(o, "confidence", str_or_null(in->confidence));
	json_object_set_new(o, "since", str_or_null(in->since));
	json_object_set_new(o, "until", str_or_null(in->until));
	json_object_set_new(o, "in_force", json_boolean(it->in_force));
	return o;
}

json_t *cv_json(const cv_report *r)
{
	json_t *o = json_object();
	json_t *classes = json_array();
	json_t *items = json_array();
	json_t *total = counts_json(&r->total);
	if (!o || !classes || !items || !total)
		goto fail;
	json_object_set_new(o, "pack", json_string(r->label));
	json_object_set_new(o, "pack_name", json_string(r->name));
	json_object_set_new(o, "pack_version", json_string(r->version));
	json_object_set_new(o, "pack_hash", json_string(r->hash));
	json_object_set_new(o, "as_of", json_string(r->as_of));
	json_object_set_new(o, "edition", str_or_null(r->edition));
	json_object_set_new(o, "complete", json_boolean(r->complete));
	json_object_update(o, total);
	json_decref(total);
	total = NULL;
	json_object_set_new(o, "items_without_rules",
			    json_integer((json_int_t)without_rules(r)));
	json_t *cls = NULL, *inds = NULL;
	for (size_t i = 0; i < r->nrows; i++) {
		const cv_row_t *row = &r->rows[i];
		json_t *c = counts_json(&row->c);
		if (!c)
			goto fail;
		if (!row->industry) {
			json_object_set_new(c, "class", json_string(row->cls));
			inds = json_array();
			json_object_set_new(c, "industries", inds);
			json_array_append_new(classes, c);
			cls = c;
		} else if (cls && inds) {
			json_object_set_new(c, "industry_zh",
					    *row->industry
						? json_string(row->industry)
						: json_null());
			json_array_append_new(inds, c);
		} else {
			json_decref(c);
		}
	}
	json_object_set_new(o, "classes", classes);
	classes = NULL;
	for (size_t i = 0; i < r->nitems; i++) {
		json_t *it = item_json(&r->items[i]);
		if (!it)
			goto fail;
		json_array_append_new(items, it);
	}
	json_object_set_new(o, "items", items);
	items = NULL;
	/* the pack names no item it has no rule for: only a count is known */
	json_object_set_new(o, "without_rules", json_array());
	return o;
fail:
	json_decref(o);
	json_decref(classes);
	json_decref(items);
	json_decref(total);
	return NULL;
}

json_t *cv_summary_json(const cv_report *r)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "items_in_edition",
			    json_integer(r->items_in_edition));
	json_object_set_new(o, "items_with_rules",
			    json_integer((json_int_t)r->total.with_rules));
	json_object_set_new(o, "items_curated",
			    json_integer((json_int_t)r->total.curated));
	json_object_set_new(o, "items_derived",
			    json_integer((json_int_t)r->total.derived));
	json_object_set_new(o, "complete", json_boolean(r->complete));
	json_object_set_new(
	    o, "note",
	    json_string(
		r->complete
		    ? "the pack holds every item of the edition"
		    : "a clear verdict covers only the items the pack has "
		      "rules for"));
	return o;
}
