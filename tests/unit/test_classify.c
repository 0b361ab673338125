/* The classifier's verdicts on small texts against a small pack: windows,
 * exclusions, review, parameters, dates, confidence, normalisation and the
 * evidence offsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"

static const char pack_text[] =
	"pack t\nversion 1\nitems 132\n"
	"edition 2023-12-21 | 2023\nedition 2025-07-15 | 2023 as adjusted 2025\n"
	"item 252604X\nclass restricted\nname-zh 电池正极材料制备技术\n"
	"name-en Cathodes\nconfidence partial\nsince 2025-07-15\n"
	"point 1\ntext-zh 电池用磷酸铁锂制备技术\n"
	"terms lfp 3 : 磷酸铁锂 | LiFePO4 | lithium iron phosphate | lithium-iron-phosphate | LFP\n"
	"terms prep 1 : 制备 | 工艺 | preparation | process\n"
	"match all(lfp, prep) within 60\nreview 3\n"
	"exclude 电池回收\n"
	"param density >= 2.58 g/cm3 near 压实密度 | compaction density\n"
	"example 1 : 磷酸铁锂制备工艺，压实密度2.6 g/cm3\ncounter : 正极材料采购合同，电池回收另议\n"
	"item x-X-laser\nclass restricted\nname-en Laser\nconfidence partial\n"
	"exclude 激光打印机 | laser printer\n"
	"subject\nterms laser : 激光 | laser\nterms tech : 技术 | technology\n"
	"match all(laser, tech) within 20\n"
	"example subject : 激光技术\ncounter : 激光打印机技术支持\n"
	"item 085001J\nclass prohibited\nname-en Traditional architecture\n"
	"confidence partial\nuntil 2025-07-15\n"
	"subject\nterms a : 传统建筑\nterms b : 营造技艺 | 技术\nmatch all(a, b)\n"
	"example subject : 传统建筑营造技艺\ncounter : 现代建筑\n"
	"item x-X-sensor\nclass restricted\nname-en Sensors\nconfidence unverified\n"
	"subject\nterms a : 传感器\nterms b : 制造工艺 | 芯片设计\nterms c : 敏感元件\n"
	"match 2 of (a, b, c)\n"
	"example subject : 传感器制造工艺\ncounter : 传感器采购\n";

static rl_pack *pack;

static int setup(void **state)
{
	(void)state;
	rl_source src = {"t.rules", pack_text, sizeof pack_text - 1};
	cs_error err;
	if (rl_pack_compile(&src, 1, "test", &pack, NULL, &err) != CS_OK) {
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

typedef struct outcome {
	sc_verdict verdict;
	json_t *hits;
} outcome;

static outcome classify_text(const char *text, size_t len, const char *as_of)
{
	cl_scanner *s = NULL;
	cs_error err;
	assert_int_equal(cl_scanner_new(pack, &s, &err), CS_OK);
	ex_doc *doc = ex_doc_new();
	assert_int_equal(ex_doc_add_part(doc, "doc.txt", "text/plain", len, NULL),
			 CS_OK);
	assert_int_equal(ex_doc_add_text(doc, 0, 0, false, 0, text, len), CS_OK);
	cl_result *r = NULL;
	assert_int_equal(cl_classify(s, doc, as_of, &r, &err), CS_OK);
	outcome o = {cl_result_verdict(r), cl_result_hits_json(r, doc)};
	cl_result_free(r);
	ex_doc_free(doc);
	cl_scanner_free(s);
	return o;
}

static sc_verdict verdict_of(const char *text, const char *as_of)
{
	outcome o = classify_text(text, strlen(text), as_of);
	json_decref(o.hits);
	return o.verdict;
}

#define NOW "2026-01-01"
#define CASE(name, text, as_of, want)                     \
	static void name(void **state)                        \
	{                                                     \
		(void)state;                                      \
		assert_int_equal(verdict_of(text, as_of), want);  \
	}

CASE(terms_in_window_hit, "乙方转让磷酸铁锂制备工艺，压实密度2.60 g/cm³。", NOW,
     SC_RESTRICTED)
CASE(terms_beyond_window_do_not, "磷酸铁锂。这里是一段很长的无关文字，"
     "用来把两个词拉开到窗口之外的距离，再加一些字。这里是一段很长的无关文字，"
     "用来把两个词拉开到窗口之外的距离，再加一些字。制备", NOW, SC_REVIEW)
CASE(lone_term_without_review_score_is_clear, "制备工艺说明", NOW, SC_CLEAR)
CASE(lone_strong_term_gives_review, "磷酸铁锂电池模组 200 套", NOW, SC_REVIEW)
CASE(exclusion_vetoes_term, "激光打印机技术支持服务", NOW, SC_CLEAR)
CASE(exclusion_only_where_it_stands, "激光打印机以外，另转让激光技术", NOW,
     SC_RESTRICTED)
CASE(english_laser_printer_excluded, "Lease of laser printers and technology support",
     NOW, SC_CLEAR)
CASE(parameter_below_threshold_is_review,
     "LFP preparation process, compaction density 2.40 g/cm3", NOW, SC_REVIEW)
CASE(parameter_missing_is_review, "LFP preparation process for export", NOW,
     SC_REVIEW)
CASE(parameter_other_unit_meets, "LFP preparation process; compaction density: 2600 kg/m3",
     NOW, SC_RESTRICTED)
CASE(parameter_comparison_word_meets, "磷酸铁锂制备工艺，压实密度不低于2.6g/cc", NOW,
     SC_RESTRICTED)
CASE(item_not_yet_in_force, "磷酸铁锂制备工艺，压实密度2.60 g/cm3", "2024-06-01",
     SC_CLEAR)
CASE(deleted_item_found_before_deletion, "传统建筑营造技艺传承合作", "2024-06-01",
     SC_PROHIBITED)
CASE(deleted_item_gone_after_deletion, "传统建筑营造技艺传承合作", "2025-07-15",
     SC_CLEAR)
CASE(unverified_item_is_review, "传感器制造工艺转让", NOW, SC_REVIEW)
CASE(at_least_n_needs_n, "传感器采购合同", NOW, SC_CLEAR)
CASE(latin_whole_words_only, "ALFPX preparation", NOW, SC_CLEAR)
CASE(latin_plural_accepted, "LFPs preparation, compaction density 2.7 g/cm3", NOW,
     SC_RESTRICTED)
CASE(case_folded, "LITHIUM IRON PHOSPHATE PREPARATION, compaction density 2.7 g/cm3",
     NOW, SC_RESTRICTED)
CASE(traditional_text_matches, "轉讓雷射技術與激光技術", NOW, SC_RESTRICTED)
CASE(fullwidth_text_matches, "ＬＦＰ　ｐｒｅｐａｒａｔｉｏｎ，compaction density ２．７ g/cm3",
     NOW, SC_RESTRICTED)
CASE(ocr_spaces_between_hanzi, "磷 酸 铁 锂 制 备 工 艺 ， 压 实 密 度 2.6 g/cm3", NOW,
     SC_RESTRICTED)
CASE(hyphenated_line_break_joined, "lithium iron phos-\nphate preparation, "
     "compaction density 2.7 g/cm3", NOW, SC_RESTRICTED)
CASE(compound_broken_at_its_hyphen, "lithium-iron-\nphosphate preparation, "
     "compaction density 2.7 g/cm3", NOW, SC_RESTRICTED)
CASE(empty_text_is_clear, "", NOW, SC_CLEAR)

static void invalid_utf8_and_nul_do_not_stop_matching(void **state)
{
	(void)state;
	const char text[] = "\xff\xfe\x00 激光\x80技术 \xc3";
	outcome o = classify_text(text, sizeof text - 1, NOW);
	/* \x80 between the terms stands for one character: still in window */
	assert_int_equal(o.verdict, SC_RESTRICTED);
	json_decref(o.hits);
}

static void evidence_offsets_point_into_the_original(void **state)
{
	(void)state;
	const char *text = "合同正文。ＬＦＰ的制备工艺，压实密度2.6 g/cm3。";
	outcome o = classify_text(text, strlen(text), NOW);
	assert_int_equal(o.verdict, SC_RESTRICTED);
	json_t *ev = json_object_get(json_array_get(o.hits, 0), "evidence");
	size_t start = (size_t)json_integer_value(json_object_get(ev, "start"));
	size_t end = (size_t)json_integer_value(json_object_get(ev, "end"));
	assert_true(end <= strlen(text));
	/* the window runs from the full-width ＬＦＰ to the first process word */
	assert_int_equal(strncmp(text + start, "ＬＦＰ", strlen("ＬＦＰ")), 0);
	assert_string_equal(json_string_value(json_object_get(ev, "text")),
			    "ＬＦＰ的制备");
	json_t *param = json_array_get(json_object_get(json_array_get(o.hits, 0),
						       "params"), 0);
	assert_true(json_is_true(json_object_get(param, "met")));
	assert_string_equal(json_string_value(json_object_get(param, "found")),
			    "2.6 g/cm3");
	json_decref(o.hits);
}

static void hit_names_item_class_and_point(void **state)
{
	(void)state;
	const char *text = "磷酸铁锂制备工艺，压实密度2.6 g/cm3";
	outcome o = classify_text(text, strlen(text), NOW);
	json_t *h = json_array_get(o.hits, 0);
	assert_string_equal(json_string_value(json_object_get(h, "item")), "252604X");
	assert_string_equal(json_string_value(json_object_get(h, "code")), "252604X");
	assert_string_equal(json_string_value(json_object_get(h, "class")),
			    "restricted");
	assert_int_equal(json_integer_value(json_object_get(h, "point")), 1);
	assert_string_equal(json_string_value(json_object_get(h, "confidence")),
			    "partial");
	assert_non_null(strstr(json_string_value(json_object_get(h, "next_step")),
			       "Letter of Intent"));
	json_decref(o.hits);
}

static void provisional_id_is_never_a_code(void **state)
{
	(void)state;
	const char *text = "激光技术";
	outcome o = classify_text(text, strlen(text), NOW);
	json_t *h = json_array_get(o.hits, 0);
	assert_string_equal(json_string_value(json_object_get(h, "item")), "x-X-laser");
	assert_true(json_is_null(json_object_get(h, "code")));
	assert_true(json_is_null(json_object_get(h, "point")));
	json_decref(o.hits);
}

static void other_edition_hits_are_listed_apart(void **state)
{
	(void)state;
	cl_scanner *s = NULL;
	cs_error err;
	const char *text = "磷酸铁锂制备工艺，压实密度2.6 g/cm3";
	assert_int_equal(cl_scanner_new(pack, &s, &err), CS_OK);
	ex_doc *doc = ex_doc_new();
	assert_int_equal(ex_doc_add_part(doc, "doc.txt", "text/plain", 0, NULL), CS_OK);
	assert_int_equal(ex_doc_add_text(doc, 0, 0, false, 0, text, strlen(text)),
			 CS_OK);
	cl_result *r = NULL;
	assert_int_equal(cl_classify(s, doc, "2024-06-01", &r, &err), CS_OK);
	assert_int_equal(cl_result_verdict(r), SC_CLEAR);
	assert_int_equal(cl_result_hit_count(r), 0);
	json_t *other = cl_result_other_editions_json(r, doc);
	assert_int_equal(json_array_size(other), 1);
	json_t *o = json_array_get(other, 0);
	assert_string_equal(json_string_value(json_object_get(o, "item")), "252604X");
	assert_string_equal(json_string_value(json_object_get(o, "since")),
			    "2025-07-15");
	assert_string_equal(json_string_value(json_object_get(o, "verdict")),
			    "restricted");
	json_decref(other);
	cl_result_free(r);
	ex_doc_free(doc);
	cl_scanner_free(s);
}

static void bad_date_is_an_error(void **state)
{
	(void)state;
	cl_scanner *s = NULL;
	cs_error err;
	assert_int_equal(cl_scanner_new(pack, &s, &err), CS_OK);
	ex_doc *doc = ex_doc_new();
	cl_result *r = NULL;
	assert_int_equal(cl_classify(s, doc, "2025-13-01", &r, &err), CS_EINVAL);
	assert_null(r);
	ex_doc_free(doc);
	cl_scanner_free(s);
}

static void pack_examples_pass(void **state)
{
	(void)state;
	cs_buf report;
	cs_error err;
	size_t passed, failed;
	cs_buf_init(&report, 1 << 16);
	assert_int_equal(cl_pack_test(pack, &report, &passed, &failed, &err), CS_OK);
	if (failed)
		fail_msg("%s", report.data);
	assert_int_equal(passed, 8);
	cs_buf_free(&report);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(terms_in_window_hit),
		cmocka_unit_test(terms_beyond_window_do_not),
		cmocka_unit_test(lone_term_without_review_score_is_clear),
		cmocka_unit_test(lone_strong_term_gives_review),
		cmocka_unit_test(exclusion_vetoes_term),
		cmocka_unit_test(exclusion_only_where_it_stands),
		cmocka_unit_test(english_laser_printer_excluded),
		cmocka_unit_test(parameter_below_threshold_is_review),
		cmocka_unit_test(parameter_missing_is_review),
		cmocka_unit_test(parameter_other_unit_meets),
		cmocka_unit_test(parameter_comparison_word_meets),
		cmocka_unit_test(item_not_yet_in_force),
		cmocka_unit_test(deleted_item_found_before_deletion),
		cmocka_unit_test(deleted_item_gone_after_deletion),
		cmocka_unit_test(unverified_item_is_review),
		cmocka_unit_test(at_least_n_needs_n),
		cmocka_unit_test(latin_whole_words_only),
		cmocka_unit_test(latin_plural_accepted),
		cmocka_unit_test(case_folded),
		cmocka_unit_test(traditional_text_matches),
		cmocka_unit_test(fullwidth_text_matches),
		cmocka_unit_test(ocr_spaces_between_hanzi),
		cmocka_unit_test(hyphenated_line_break_joined),
		cmocka_unit_test(compound_broken_at_its_hyphen),
		cmocka_unit_test(empty_text_is_clear),
		cmocka_unit_test(invalid_utf8_and_nul_do_not_stop_matching),
		cmocka_unit_test(evidence_offsets_point_into_the_original),
		cmocka_unit_test(hit_names_item_class_and_point),
		cmocka_unit_test(provisional_id_is_never_a_code),
		cmocka_unit_test(other_edition_hits_are_listed_apart),
		cmocka_unit_test(bad_date_is_an_error),
		cmocka_unit_test(pack_examples_pass),
	};
	return cmocka_run_group_tests_name("classify", tests, setup, teardown);
}
