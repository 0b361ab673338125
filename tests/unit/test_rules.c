/* The rule compiler: what it accepts, and every error it must report with
 * file:line:col. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

static const char header[] =
	"pack t\nversion 1\nitems 132\nedition 2023-12-21 | 2023\n";

/* A minimal valid item; tests splice errors into copies of it. */
#define ITEM_OK                                                              \
	"item 252604X\nclass restricted\nname-en Cathodes\nconfidence partial\n" \
	"point 1\nterms a : 磷酸铁锂 | LFP\nterms b : 制备 | preparation\n"       \
	"match all(a, b) within 50\n"                                            \
	"example 1 : 磷酸铁锂的制备工艺\ncounter : 磷酸铁锂电池采购\n"

static cs_code compile(const char *body, cs_buf *errors, rl_pack **pack)
{
	size_t n = strlen(header) + strlen(body);
	char *text = malloc(n + 1);
	assert_non_null(text);
	strcpy(text, header);
	strcat(text, body);
	rl_source src = {"t.rules", text, n};
	cs_error err;
	cs_code rc = rl_pack_compile(&src, 1, "test", pack, errors, &err);
	free(text);
	return rc;
}

/* Compiling body must fail with an error containing want. */
static void expect_error(const char *body, const char *want)
{
	cs_buf errors;
	cs_buf_init(&errors, 1 << 16);
	rl_pack *pack = NULL;
	cs_code rc = compile(body, &errors, &pack);
	if (rc == CS_OK || !errors.data || !strstr(errors.data, want))
		fail_msg("wanted error '%s', got rc %d:\n%s", want, rc,
			 errors.data ? errors.data : "(none)");
	assert_null(pack);
	cs_buf_free(&errors);
}

#define ERR(name, body, want)                 \
	static void name(void **state)            \
	{                                         \
		(void)state;                          \
		expect_error(body, want);             \
	}

ERR(unknown_keyword, ITEM_OK "colour blue\n", "t.rules:15:1: unknown keyword 'colour'")
ERR(duplicate_item, ITEM_OK ITEM_OK, "duplicate item '252604X'")
ERR(bad_id, "item 12345X\nclass restricted\nname-en x\nconfidence partial\n",
    "is neither a code")
ERR(class_contradicts_id,
    "item x-J-thing\nclass restricted\nname-en x\nconfidence partial\n"
    "subject\nterms a : x\nmatch any(a)\nexample subject : x\ncounter : y\n",
    "class restricted contradicts its id")
ERR(empty_entry, "item 252604X\nclass restricted\nname-en x\nconfidence partial\n"
		 "point 1\nterms a : LFP | | x\n", "empty entry in group 'a'")
ERR(undeclared_group,
    "item 252604X\nclass restricted\nname-en x\nconfidence partial\npoint 1\n"
    "terms a : LFP\nmatch all(a, zz)\nexample 1 : LFP\ncounter : no\n",
    "undeclared group 'zz'")
ERR(unused_group,
    "item 252604X\nclass restricted\nname-en x\nconfidence partial\npoint 1\n"
    "terms a : LFP\nterms b : x\nmatch any(a)\nexample 1 : LFP\ncounter : no\n",
    "every declared group must be used")
ERR(bad_unit, ITEM_OK "param d >= 2.58 furlongs/fortnight near 压实密度\n",
    "unknown unit 'furlongs/fortnight'")
ERR(bad_date, ITEM_OK "since 2025-02-30\n", "needs a date YYYY-MM-DD")
ERR(until_before_since,
    "item 252604X\nclass restricted\nname-en x\nconfidence partial\n"
    "since 2025-07-15\nuntil 2024-01-01\npoint 1\nterms a : LFP\nmatch any(a)\n"
    "example 1 : LFP\ncounter : no\n",
    "until is not after since")
ERR(no_example,
    "item 252604X\nclass restricted\nname-en x\nconfidence partial\npoint 1\n"
    "terms a : LFP\nmatch any(a)\ncounter : no\n",
    "has no example")
ERR(no_counter,
    "item 252604X\nclass restricted\nname-en x\nconfidence partial\npoint 1\n"
    "terms a : LFP\nmatch any(a)\nexample 1 : LFP\n",
    "has no counter-example")
ERR(example_unknown_point, ITEM_OK "example 7 : LFP\n",
    "names point '7', which item 252604X does not have")
ERR(no_match,
    "item 252604X\nclass restricted\nname-en x\nconfidence partial\npoint 1\n"
    "terms a : LFP\nexample 1 : LFP\ncounter : no\n",
    "point has no 'match'")
ERR(too_many_needed,
    "item 252604X\nclass restricted\nname-en x\nconfidence partial\npoint 1\n"
    "terms a : LFP\nmatch 2 of (a)\nexample 1 : LFP\ncounter : no\n",
    "match needs 2 of only 1 groups")
ERR(duplicate_point, ITEM_OK "point 1\nterms a : x\nmatch any(a)\n",
    "duplicate point '1'")
ERR(missing_class,
    "item 252604X\nname-en x\nconfidence partial\npoint 1\nterms a : LFP\n"
    "match any(a)\nexample 1 : LFP\ncounter : no\n",
    "has no class")
ERR(bad_operator, ITEM_OK "param d => 2 g/cm3 near x\n", "unknown operator '=>'")
ERR(field_outside_item, "class restricted\n", "'class' outside an item")
/* once read past the end of a short id while checking its class */
ERR(short_bad_id, "item x\nclass restricted\nname-en x\nconfidence partial\n",
    "item id 'x' is neither a code")
ERR(items_classes_must_add_up, "items 132 prohibited 23 restricted 100\n" ITEM_OK,
    "with P + R = N")
ERR(terms_outside_point,
    "item 252604X\nterms a : x\n", "'terms' outside a point or subject")

static void valid_pack_compiles(void **state)
{
	(void)state;
	rl_pack *pack = NULL;
	cs_buf errors;
	cs_buf_init(&errors, 1 << 16);
	assert_int_equal(compile(ITEM_OK, &errors, &pack), CS_OK);
	assert_non_null(pack);
	assert_int_equal(rl_pack_item_count(pack), 1);
	/* 磷酸铁锂, lfp, 制备, preparation */
	assert_int_equal(rl_pack_phrase_count(pack), 4);
	assert_string_equal(rl_pack_edition(pack, "2024-01-01"), "2023");
	assert_null(rl_pack_edition(pack, "2020-01-01"));
	assert_int_equal(strlen(rl_pack_hash(pack)), 64);
	rl_pack_free(pack);
	cs_buf_free(&errors);
}

static void traditional_terms_fold_into_simplified(void **state)
{
	(void)state;
	rl_pack *pack = NULL;
	const char *body =
		"item 252604X\nclass restricted\nname-en x\nconfidence partial\n"
		"point 1\nterms a : 磷酸铁锂 | 磷酸鐵鋰 | LFP | lfp\n"
		"match any(a)\nexample 1 : LFP\ncounter : no\n";
	assert_int_equal(compile(body, NULL, &pack), CS_OK);
	assert_int_equal(rl_pack_phrase_count(pack), 2);
	rl_pack_free(pack);
}

static void all_errors_are_reported(void **state)
{
	(void)state;
	cs_buf errors;
	cs_buf_init(&errors, 1 << 16);
	rl_pack *pack = NULL;
	assert_int_not_equal(compile("bogus 1\nitem 1\nfoo\n", &errors, &pack), CS_OK);
	assert_non_null(strstr(errors.data, "t.rules:5:1: unknown keyword 'bogus'"));
	assert_non_null(strstr(errors.data, "t.rules:6:6: item id '1'"));
	assert_non_null(strstr(errors.data, "t.rules:7:1: unknown keyword 'foo'"));
	cs_buf_free(&errors);
}

/* A point changed by a later edition: one number, two wordings, each with
 * its dates. */
static void changed_point_keeps_its_number(void **state)
{
	(void)state;
	rl_pack *pack = NULL;
	cs_buf errors;
	cs_buf_init(&errors, 1 << 16);
	const char *body =
		"item 252604X\nclass restricted\nname-en x\nconfidence partial\n"
		"point 1\nuntil 2025-07-15\nterms a : LFP\nmatch any(a)\n"
		"point 1\nsince 2025-07-15\nterms a : LMFP\nmatch any(a)\n"
		"example 1 : LMFP\ncounter : no\n";
	if (compile(body, &errors, &pack) != CS_OK)
		fail_msg("%s", errors.data ? errors.data : "");
	rl_pack_free(pack);
	cs_buf_free(&errors);
}

static void builtin_pack_loads(void **state)
{
	(void)state;
	rl_pack *pack = NULL;
	cs_error err;
	assert_int_equal(rl_pack_load(NULL, &pack, NULL, &err), CS_OK);
	assert_true(rl_pack_item_count(pack) > 0);
	rl_pack_free(pack);
}

static void missing_folder_is_an_error(void **state)
{
	(void)state;
	rl_pack *pack = NULL;
	cs_error err;
	assert_int_equal(rl_pack_load("/nonexistent/pack.rules", &pack, NULL, &err),
			 CS_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/pack.rules"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_pack_compiles),
		cmocka_unit_test(traditional_terms_fold_into_simplified),
		cmocka_unit_test(all_errors_are_reported),
		cmocka_unit_test(changed_point_keeps_its_number),
		cmocka_unit_test(builtin_pack_loads),
		cmocka_unit_test(missing_folder_is_an_error),
		cmocka_unit_test(unknown_keyword),
		cmocka_unit_test(duplicate_item),
		cmocka_unit_test(bad_id),
		cmocka_unit_test(class_contradicts_id),
		cmocka_unit_test(empty_entry),
		cmocka_unit_test(undeclared_group),
		cmocka_unit_test(unused_group),
		cmocka_unit_test(bad_unit),
		cmocka_unit_test(bad_date),
		cmocka_unit_test(until_before_since),
		cmocka_unit_test(no_example),
		cmocka_unit_test(no_counter),
		cmocka_unit_test(example_unknown_point),
		cmocka_unit_test(no_match),
		cmocka_unit_test(too_many_needed),
		cmocka_unit_test(duplicate_point),
		cmocka_unit_test(missing_class),
		cmocka_unit_test(bad_operator),
		cmocka_unit_test(field_outside_item),
		cmocka_unit_test(terms_outside_point),
		cmocka_unit_test(items_classes_must_add_up),
		cmocka_unit_test(short_bad_id),
	};
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
