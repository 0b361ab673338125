/*
 * The built-in pack and the Catalogue data agree: every entry that has a
 * Chinese name or is `partial` has a rule with its id, class, name, control
 * points and parameters; every item deleted in 2025 is kept with its until
 * date; and no rule exists without an entry. Run from the project root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "rules_impl.h"

#define DATA "rules/data/"

static rl_pack *pack;

static int setup(void **state)
{
	(void)state;
	cs_error err;
	if (rl_pack_load(NULL, &pack, NULL, &err) != CS_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rl_pack_free(pack);
	return 0;
}

static const rl_item *find_item(const char *id)
{
	for (size_t i = 0; i < pack->nitems; i++)
		if (strcmp(pack->items[i].id, id) == 0)
			return &pack->items[i];
	return NULL;
}

/* Calls fn on every JSON line of file; returns the number of lines. */
static int each_line(const char *file, void (*fn)(json_t *, void *), void *ctx)
{
	FILE *f = fopen(file, "r");
	assert_non_null(f);
	char line[1 << 16];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		json_error_t jerr;
		json_t *o = json_loads(line, 0, &jerr);
		if (!o)
			fail_msg("%s: %s", file, jerr.text);
		fn(o, ctx);
		json_decref(o);
		n++;
	}
	fclose(f);
	return n;
}

static bool ruled(json_t *e)
{
	return json_is_string(json_object_get(e, "name_zh")) ||
	       strcmp(json_string_value(json_object_get(e, "confidence")),
		      "partial") == 0;
}

static void check_entry(json_t *e, void *ctx)
{
	int *count = ctx;
	const char *id = json_string_value(json_object_get(e, "id"));
	const rl_item *it = find_item(id);
	if (!ruled(e)) {
		if (it)
			fail_msg("%s is a lead (unverified, no Chinese name) but has a rule",
				 id);
		return;
	}
	(*count)++;
	if (!it)
		fail_msg("entry %s has no rule", id);
	const char *cls = json_string_value(json_object_get(e, "class"));
	assert_string_equal(rl_class_name(it->cls), cls);
	assert_string_equal(rl_conf_name(it->conf),
			    json_string_value(json_object_get(e, "confidence")));
	const char *name_zh = json_string_value(json_object_get(e, "name_zh"));
	if (name_zh) {
		if (!it->name_zh || strcmp(it->name_zh, name_zh) != 0)
			fail_msg("%s: name-zh '%s' is not the data's '%s'", id,
				 it->name_zh ? it->name_zh : "(none)", name_zh);
	}
	const char *code = json_string_value(json_object_get(e, "code"));
	assert_int_equal(it->official, code != NULL);

	json_t *points = json_object_get(e, "points");
	size_t np = json_array_size(points);
	size_t numbered = 0, unnumbered = 0, subjects = 0, params = 0;
	for (uint32_t i = 0; i < it->npoints; i++) {
		const rl_point *pt = &pack->points[it->first_point + i];
		subjects += pt->subject;
		unnumbered += pt->ordinal > 0;
		numbered += pt->number > 0;
		params += pt->nparams;
	}
	if (np == 0 && subjects != 1)
		fail_msg("%s: no control points in the data, so one subject block", id);
	if (np && numbered + unnumbered != np)
		fail_msg("%s: %zu control points in the data, %zu in the rule", id, np,
			 numbered + unnumbered);
	size_t i;
	json_t *p;
	json_array_foreach(points, i, p) {
		json_t *n = json_object_get(p, "n");
		const char *zh = json_string_value(json_object_get(p, "zh"));
		bool found = false;
		for (uint32_t k = 0; k < it->npoints; k++) {
			const rl_point *pt = &pack->points[it->first_point + k];
			bool same_number = json_is_integer(n)
				? pt->number == json_integer_value(n)
				: pt->ordinal > 0;
			if (same_number && pt->text_zh && strcmp(pt->text_zh, zh) == 0)
				found = true;
		}
		if (!found)
			fail_msg("%s: control point '%s' missing or misnumbered", id, zh);
	}
	if (params != json_array_size(json_object_get(e, "params")))
		fail_msg("%s: %zu params in the rule, %zu in the data", id, params,
			 json_array_size(json_object_get(e, "params")));
}

static void check_deleted(json_t *e, void *ctx)
{
	(void)ctx;
	const char *action = json_string_value(json_object_get(e, "action"));
	if (strcmp(action, "delete") != 0)
		return;
	const char *code = json_string_value(json_object_get(e, "code"));
	const rl_item *it = find_item(code);
	if (!it)
		fail_msg("item %s deleted in 2025 is not kept", code);
	rl_date d;
	assert_true(rl_date_parse(json_string_value(json_object_get(e, "date")), &d));
	assert_int_equal(it->until, d);
}

typedef struct idset {
	const char *ids[512];
	size_t n;
	json_t *keep; /* holds the strings */
} idset;

static void collect_ids(json_t *e, void *ctx)
{
	idset *s = ctx;
	json_t *id = json_object_get(e, "id");
	if (!id)
		id = json_object_get(e, "code");
	if (json_is_string(id) && s->n < 512) {
		json_array_append(s->keep, id);
		s->ids[s->n++] = json_string_value(id);
	}
}

static void every_ruled_entry_has_its_rule(void **state)
{
	(void)state;
	int ruled_entries = 0;
	each_line(DATA "catalogue-2025.jsonl", check_entry, &ruled_entries);
	assert_true(ruled_entries >= 40);
}

static void deleted_items_are_kept_until_deletion(void **state)
{
	(void)state;
	each_line(DATA "catalogue-2025-changes.jsonl", check_deleted, NULL);
}

static void no_rule_without_an_entry(void **state)
{
	(void)state;
	idset s = {.keep = json_array()};
	each_line(DATA "catalogue-2025.jsonl", collect_ids, &s);
	each_line(DATA "catalogue-2025-changes.jsonl", collect_ids, &s);
	for (size_t i = 0; i < pack->nitems; i++) {
		bool found = false;
		for (size_t k = 0; k < s.n && !found; k++)
			found = strcmp(s.ids[k], pack->items[i].id) == 0;
		if (!found)
			fail_msg("rule %s has no entry in the Catalogue data",
				 pack->items[i].id);
	}
	json_decref(s.keep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_ruled_entry_has_its_rule),
		cmocka_unit_test(deleted_items_are_kept_until_deletion),
		cmocka_unit_test(no_rule_without_an_entry),
	};
	return cmocka_run_group_tests_name("pack and data", tests, setup, teardown);
}
