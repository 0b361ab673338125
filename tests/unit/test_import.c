/* Importing the official text of the Catalogue: the parser on the
 * official-layout fixtures (every item, control point and threshold the
 * data knows), the thresholds, the derived rules on realistic documents
 * and near misses, the curated overlay, adjustment notices, and
 * coverage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "coverage.h"
#include "import.h"
#include "quantity.h"
#include "rules_impl.h"

#define FIX "tests/fixtures/official/"
#define DATA "rules/data/catalogue-2025.jsonl"
#define NOW "2026-01-01"

/* ---- helpers ------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	char *text = NULL;
	cs_error err;
	if (cs_read_file(path, 1 << 24, &text, len, &err) != CS_OK)
		fail_msg("%s", err.msg);
	return text;
}

static im_catalogue *parse_text(const char *text)
{
	im_catalogue *c = NULL;
	cs_error err;
	if (im_parse(text, strlen(text), &c, &err) != CS_OK)
		fail_msg("im_parse: %s", err.msg);
	return c;
}

static im_catalogue *parse_file(const char *path)
{
	size_t len;
	char *text = slurp(path, &len);
	im_catalogue *c = NULL;
	cs_error err;
	if (im_parse(text, len, &c, &err) != CS_OK)
		fail_msg("%s: %s", path, err.msg);
	free(text);
	return c;
}

static long find(const im_catalogue *c, const char *code)
{
	for (size_t i = 0; i < im_item_count(c); i++) {
		im_item_info in;
		im_item(c, i, &in);
		if (strcmp(in.code, code) == 0)
			return (long)i;
	}
	return -1;
}

static bool has_problem(const im_catalogue *c, const char *part)
{
	for (size_t i = 0; i < im_problem_count(c); i++)
		if (strstr(im_problem(c, i), part))
			return true;
	return false;
}

/* Compiles the pack text named name; it must compile and pass its own
 * examples. */
static rl_pack *compile_named(const char *name, const char *text, size_t len)
{
	rl_source src = {name, text, len};
	rl_pack *p = NULL;
	cs_buf errors;
	cs_buf_init(&errors, 1 << 20);
	cs_error err;
	if (rl_pack_compile(&src, 1, name, &p, &errors, &err) != CS_OK)
		fail_msg("%s does not compile:\n%s\n%s", name,
			 errors.data ? errors.data : err.msg, text);
	cs_buf_free(&errors);
	size_t passed, failed;
	cs_buf rep;
	cs_buf_init(&rep, 1 << 20);
	assert_int_equal(cl_pack_test(p, &rep, &passed, &failed, &err), CS_OK);
	if (failed)
		fail_msg("examples of %s fail:\n%s", name, rep.data);
	cs_buf_free(&rep);
	return p;
}

static rl_pack *compile_text(const char *text)
{
	return compile_named("amended.rules", text, strlen(text));
}

/* Writes c as a pack (with the curated sources, if any) and compiles it;
 * the pack must compile and pass its own examples. */
static rl_pack *build(const im_catalogue *c, const rl_source *cur, size_t ncur,
		      char **text_out, cs_buf *report)
{
	cs_buf out;
	cs_buf_init(&out, 1 << 26);
	cs_error err;
	im_options opt = {.edition = "2025-07-15",
			  .source_name = "fixture",
			  .curated = cur,
			  .ncurated = ncur};
	if (im_write_pack(c, &opt, &out, report, NULL, &err) != CS_OK)
		fail_msg("im_write_pack: %s", err.msg);
	rl_pack *p = compile_named("imported.rules", out.data, out.len);
	if (text_out)
		*text_out = cs_buf_steal(&out, NULL);
	cs_buf_free(&out);
	return p;
}

typedef struct hit {
	char item[64];
	int point; /* official number, 0 unnumbered */
	sc_verdict verdict;
} hit;

/* The hits of text against pack as of a date (at most max). */
static size_t scan(const rl_pack *p, const char *text, const char *as_of,
		   hit *hits, size_t max)
{
	cl_scanner *s = NULL;
	cs_error err;
	assert_int_equal(cl_scanner_new(p, &s, &err), CS_OK);
	ex_doc *doc = ex_doc_new();
	assert_int_equal(
	    ex_doc_add_part(doc, "doc.txt", "text/plain", strlen(text), NULL),
	    CS_OK);
	assert_int_equal(
	    ex_doc_add_text(doc, 0, 0, false, 0, text, strlen(text)), CS_OK);
	cl_result *r = NULL;
	assert_int_equal(cl_classify(s, doc, as_of, &r, &err), CS_OK);
	size_t n = cl_result_hit_count(r), k = 0;
	for (size_t i = 0; i < n && k < max; i++) {
		cl_hit_info h;
		cl_result_hit(r, i, &h);
		const rl_item *it = NULL;
		for (size_t j = 0; j < p->nitems; j++)
			if (strcmp(p->items[j].id, h.item) == 0)
				it = &p->items[j];
		assert_non_null(it);
		snprintf(hits[k].item, sizeof hits[k].item, "%s", h.item);
		hits[k].point =
		    p->points[it->first_point + (uint32_t)h.point_index].number;
		hits[k].verdict = h.verdict;
		k++;
	}
	cl_result_free(r);
	ex_doc_free(doc);
	cl_scanner_free(s);
	return k;
}

static sc_verdict verdict_on(const rl_pack *p, const char *text,
			     const char *item, int point, const char *as_of)
{
	hit hits[64];
	size_t n = scan(p, text, as_of, hits, 64);
	sc_verdict best = SC_CLEAR;
	for (size_t i = 0; i < n; i++)
		if (strcmp(hits[i].item, item) == 0 &&
		    (point < 0 || hits[i].point == point) &&
		    hits[i].verdict > best)
			best = hits[i].verdict;
	return best;
}

static double base_of(double v, const char *unit)
{
	qp_dim d;
	double scale, offset;
	if (!qp_unit(unit, &d, &scale, &offset))
		fail_msg("unit '%s' is not one qp_unit reads", unit);
	return v * scale + offset;
}

/* ---- the parser against the Catalogue data ------------------------------- */

/*
 * Every current entry of the data that has an official code is in the
 * fixture: the import must find it with its class, industry and name,
 * every numbered control point with its text, and every threshold.
 */
static void check_against_data(const im_catalogue *c)
{
	FILE *f = fopen(DATA, "r");
	assert_non_null(f);
	char line[1 << 16];
	int entries = 0, points = 0, params = 0;
	while (fgets(line, sizeof line, f)) {
		json_error_t jerr;
		json_t *e = json_loads(line, 0, &jerr);
		assert_non_null(e);
		const char *code =
		    json_string_value(json_object_get(e, "code"));
		if (!code) {
			json_decref(e);
			continue;
		}
		entries++;
		long i = find(c, code);
		if (i < 0)
			fail_msg("item %s of the data not imported", code);
		im_item_info in;
		im_item(c, (size_t)i, &in);
		assert_string_equal(
		    in.cls, json_string_value(json_object_get(e, "class")));
		assert_string_equal(
		    in.name_zh,
		    json_string_value(json_object_get(e, "name_zh")));
		assert_non_null(in.industry_zh);
		assert_string_equal(
		    in.industry_zh,
		    json_string_value(json_object_get(e, "industry_zh")));
		size_t k;
		json_t *p;
		json_array_foreach(json_object_get(e, "points"), k, p)
		{
			json_t *n = json_object_get(p, "n");
			if (!json_is_integer(n))
				continue; /* not numbered in the data: not in
					     the fixture */
			points++;
			const char *zh =
			    json_string_value(json_object_get(p, "zh"));
			bool found = false;
			for (size_t q = 0; q < in.points && !found; q++) {
				im_point_info pi;
				im_point(c, (size_t)i, q, &pi);
				if (pi.number != json_integer_value(n))
					continue;
				found = true;
				/* the data has the point's heading; the
				 * official text may go on with its conditions
				 */
				if (strncmp(pi.text_zh, zh, strlen(zh)) != 0)
					fail_msg("%s point %d: \"%s\", the "
						 "data \"%s\"",
						 code, pi.number, pi.text_zh,
						 zh);
			}
			if (!found)
				fail_msg("%s: control point %lld not imported",
					 code,
					 (long long)json_integer_value(n));
		}
		json_array_foreach(json_object_get(e, "params"), k, p)
		{
			params++;
			int pn = (int)json_integer_value(
			    json_object_get(p, "point"));
			const char *op =
			    json_string_value(json_object_get(p, "op"));
			double want = base_of(
			    json_number_value(json_object_get(p, "value")),
			    json_string_value(json_object_get(p, "unit")));
			bool found = false;
			for (size_t q = 0; q < in.points && !found; q++) {
				im_point_info pi;
				im_point(c, (size_t)i, q, &pi);
				for (size_t a = 0;
				     pi.number == pn && a < pi.params; a++) {
					im_param_info pa;
					im_param(c, (size_t)i, q, a, &pa);
					found |=
					    strcmp(pa.op, op) == 0 &&
					    fabs(base_of(pa.value, pa.unit) -
						 want) < 1e-6 * fabs(want);
				}
			}
			if (!found)
				fail_msg(
				    "%s point %d: threshold %s %g not imported",
				    code, pn, op,
				    json_number_value(
					json_object_get(p, "value")));
		}
		json_decref(e);
	}
	fclose(f);
	/* what the data knows with codes: 7 items, 24 numbered points, 8
	 * thresholds (rules/data/README) */
	assert_int_equal(entries, 7);
	assert_int_equal(points, 24);
	assert_int_equal(params, 8);
}

static void table_layout_recovers_every_item_point_and_threshold(void **state)
{
	(void)state;
	im_catalogue *c = parse_file(FIX "catalogue-2025.txt");
	assert_int_equal(im_item_count(c), 7);
	check_against_data(c);
	im_item_info in;
	im_item(c, (size_t)find(c, "203912X"), &in);
	assert_int_equal(in.seq, 71);
	/* the name cell wrapped over lines, and over a point's number */
	im_item(c, (size_t)find(c, "252604X"), &in);
	assert_string_equal(in.name_zh, "电池正极材料制备技术");
	assert_int_equal(in.params, 8);
	im_item(c, (size_t)find(c, "086502X"), &in);
	assert_string_equal(in.name_zh, "计算机通用软件编制技术");
	/* a row continued after a page break and a repeated table header */
	im_item(c, (size_t)find(c, "083201X"), &in);
	assert_int_equal(in.points, 6);
	/* what could not be read is said, never dropped */
	assert_true(
	    has_problem(c, "\"≥0\" compares with a number that has no unit"));
	assert_true(
	    has_problem(c, "item 083201X: control points 1, 3-8 not found"));
	assert_true(has_problem(c, "item 083915X: no control point found"));
	im_catalogue_free(c);
}

static void labelled_layout_reads_the_same_points(void **state)
{
	(void)state;
	im_catalogue *a = parse_file(FIX "catalogue-2023.txt");
	im_catalogue *b = parse_file(FIX "catalogue-2025.txt");
	assert_int_equal(im_item_count(a), 9);
	im_item_info in;
	im_item(a, (size_t)find(a, "085001J"), &in);
	assert_string_equal(in.cls, "prohibited");
	assert_string_equal(in.industry_zh, "建筑装饰、装修和其他建筑业");
	im_item(a, (size_t)find(a, "203912X"), &in);
	assert_int_equal(in.seq, 71);
	/* （1） numbering in one, 1． in the other, a page break inside */
	long ia = find(a, "086501X"), ib = find(b, "086501X");
	im_item_info x, y;
	im_item(a, (size_t)ia, &x);
	im_item(b, (size_t)ib, &y);
	assert_int_equal(x.points, 14);
	assert_int_equal(x.points, y.points);
	for (size_t k = 0; k < x.points; k++) {
		im_point_info p, q;
		im_point(a, (size_t)ia, k, &p);
		im_point(b, (size_t)ib, k, &q);
		assert_int_equal(p.number, q.number);
		assert_string_equal(p.text_zh, q.text_zh);
	}
	im_catalogue_free(a);
	im_catalogue_free(b);
}

/* One case per line: text, code, points expected, name expected. */
#define LAYOUT(name, text, code, npoints, nm)                                  \
	static void name(void **state)                                         \
	{                                                                      \
		(void)state;                                                   \
		im_catalogue *c = parse_text(text);                            \
		long i = find(c, code);                                        \
		assert_true(i >= 0);                                           \
		im_item_info in;                                               \
		im_item(c, (size_t)i, &in);                                    \
		assert_int_equal(in.points, npoints);                          \
		assert_string_equal(in.name_zh, nm);                           \
		im_catalogue_free(c);                                          \
	}

LAYOUT(code_before_name,
       "二、限制出口部分\n083201X 有色金属冶金技术 12．卤水提锂技术\n"
       "13．含锂净化液制备技术\n",
       "083201X", 2, "有色金属冶金技术")
LAYOUT(name_wrapped_before_points,
       "二、限制出口部分\n有色金属冶 083201X 12．卤水提锂\n"
       "金技术 技术\n13．含锂净化液制备技术\n",
       "083201X", 2, "有色金属冶金技术")
LAYOUT(paren_numbers,
       "二、限制出口部分\n无人机技术 203912X （5）无人机飞行控制系统"
       "（自主导航、路径及避障规划等相关的算法及软件）\n",
       "203912X", 1, "无人机技术")
LAYOUT(decimals_never_start_a_point,
       "二、限制出口部分\n电池正极材料制备技术 252604X "
       "3．磷酸盐正极原材料制备技术，振实密度大于\n1.2g/cm³。\n",
       "252604X", 1, "电池正极材料制备技术")
LAYOUT(serial_on_its_own_line,
       "二、限制出口部分\n71\n无人机技术 203912X 5.无人机飞行"
       "控制系统（自主导航、路径及避障规划等相关的算法及软件）\n— 3 —\n",
       "203912X", 1, "无人机技术")

static void headings_and_sub_conditions(void **state)
{
	(void)state;
	im_catalogue *c = parse_text(
	    "二、限制出口部分\n（一）有色金属冶炼和压延加工业\n"
	    "有色金属冶金技术 083201X 1．含锂净化液制备技术，满足以下条件：\n"
	    "（一）锂含量不低于5%\n"
	    "（二）软件和信息技术服务业\n"
	    "信息处理技术 086501X "
	    "14．用于计算机汉字输入识别方法中的汉语语料库\n"
	    "（三）卫生\n"
	    "中医医疗技术 086502X 1．针麻开颅手术的关键穴位\n");
	im_item_info in;
	im_point_info p;
	/* a "（一）" that lists a condition stays in its point */
	im_item(c, 0, &in);
	assert_string_equal(in.industry_zh, "有色金属冶炼和压延加工业");
	assert_int_equal(in.params, 1);
	im_point(c, 0, 0, &p);
	assert_string_equal(
	    p.text_zh,
	    "含锂净化液制备技术，满足以下条件：（一）锂含量不低于5%");
	/* a copy that starts at point 14; a heading after an open point */
	im_item(c, 1, &in);
	assert_string_equal(in.industry_zh, "软件和信息技术服务业");
	im_point(c, 1, 0, &p);
	assert_int_equal(p.number, 14);
	assert_string_equal(p.text_zh,
			    "用于计算机汉字输入识别方法中的汉语语料库");
	im_item(c, 2, &in);
	assert_string_equal(in.industry_zh, "卫生");
	im_catalogue_free(c);
}

static void lone_unnumbered_point_is_point_1(void **state)
{
	(void)state;
	im_catalogue *c =
	    parse_text("二、限制出口部分\n（一）有色金属冶炼和压延加工业\n"
		       "有色金属冶金技术 083201X 卤水提锂技术\n");
	im_point_info p;
	im_point(c, 0, 0, &p);
	assert_int_equal(p.number, 0);
	assert_string_equal(p.text_zh, "卤水提锂技术");
	char *text = NULL;
	rl_pack *k = build(c, NULL, 0, &text, NULL);
	assert_non_null(strstr(text, "point 1\ntext-zh  卤水提锂技术"));
	free(text);
	rl_pack_free(k);
	im_catalogue_free(c);
}

static void what_fits_nowhere_is_reported_by_line(void **state)
{
	(void)state;
	im_catalogue *c = parse_text(
	    "中国禁止出口限制出口技术目录\n"
	    "本目录由两部分组成。\n" /* line 2 */
	    "二、限制出口部分\n"
	    "无法归类的一行文字\n" /* line 4 */
	    "有色金属冶金技术 083201X 12．卤水提锂技术\n"
	    "注：本条说明不属于任何条目。\n" /* line 6 */
	    "信息处理技术 086501X 1．智能汉字语音开发工具技术\n"
	    "有色金属冶金技术 083201X 13．含锂净化液制备技术\n"	   /* line 8 */
	    "信息处理技术 086501J 1．智能汉字语音开发工具技术\n"); /* line 9 */
	assert_true(has_problem(c, "line 2: before the Catalogue table"));
	assert_true(has_problem(c, "line 4: not part of any item"));
	assert_true(has_problem(c, "line 6: note not read"));
	assert_true(has_problem(c, "line 8: item 083201X appears again"));
	assert_true(
	    has_problem(c, "line 9: item 086501J is prohibited by its code"));
	assert_int_equal(im_item_count(c), 3);
	im_catalogue_free(c);
	cs_error err;
	assert_int_equal(im_parse("nothing here", 12, &c, &err), CS_EINVAL);
}

/* ---- thresholds ------------------------------------------------------------
 */

typedef struct want_param {
	const char *text, *op;
	double value, value2;
	const char *unit, *anchor;
} want_param;

static void thresholds_become_parameters(void **state)
{
	(void)state;
	static const want_param cases[] = {
	    {"压实密度≥2.58g/cm³", ">=", 2.58, 0, "g/cm³", "压实密度"},
	    {"放电比容量不低于160mAh/g", ">=", 160, 0, "mAh/g", "放电比容量"},
	    {"振实密度大于1.2 g/cm3", ">", 1.2, 0, "g/cm3", "振实密度"},
	    {"磁性异物含量小于10ppm", "<", 10, 0, "ppm", "磁性异物含量"},
	    {"杂质含量不超过5%", "<=", 5, 0, "%", "杂质含量"},
	    {"输出功率10～20kW", "in", 10, 20, "kW", "输出功率"},
	    {"工作温度在-40℃以上", ">=", -40, 0, "℃", "工作温度"},
	};
	for (size_t i = 0; i < CS_ARRAY_LEN(cases); i++) {
		char text[512];
		snprintf(text, sizeof text,
			 "二、限制出口部分\n测试技术 252604X "
			 "1．某材料制备技术，%s\n",
			 cases[i].text);
		im_catalogue *c = parse_text(text);
		im_item_info in;
		im_item(c, 0, &in);
		if (in.params != 1)
			fail_msg("\"%s\": %zu parameters", cases[i].text,
				 in.params);
		im_param_info p;
		im_param(c, 0, 0, 0, &p);
		assert_string_equal(p.op, cases[i].op);
		assert_true(
		    fabs(base_of(p.value, p.unit) -
			 base_of(cases[i].value, cases[i].unit)) <
		    1e-9 + 1e-9 * fabs(base_of(cases[i].value, cases[i].unit)));
		if (strcmp(p.op, "in") == 0)
			assert_true(fabs(base_of(p.value2, p.unit) -
					 base_of(cases[i].value2,
						 cases[i].unit)) < 1e-6);
		if (strncmp(p.anchors, cases[i].anchor,
			    strlen(cases[i].anchor)) != 0)
			fail_msg("\"%s\": anchors \"%s\"", cases[i].text,
				 p.anchors);
		im_catalogue_free(c);
	}
}

static void test_conditions_are_not_thresholds(void **state)
{
	(void)state;
	im_catalogue *c = parse_text(
	    "二、限制出口部分\n测试技术 252604X 1．某材料制备技术，"
	    "220MPa下粉体压实密度≥2.58g/cm³，0.1C放电比容量≥160mAh/g\n");
	im_item_info in;
	im_item(c, 0, &in);
	assert_int_equal(in.params, 2); /* not 220MPa, not 0.1C */
	im_param_info p;
	im_param(c, 0, 0, 0, &p);
	assert_string_equal(p.anchors, "粉体压实密度 | 压实密度");
	im_param(c, 0, 0, 1, &p);
	assert_string_equal(p.anchors, "放电比容量 | 比容量");
	im_catalogue_free(c);
}

/* ---- derived rules
 * ------------------------------------------------------------ */

static rl_pack *derived_2025(char **text)
{
	im_catalogue *c = parse_file(FIX "catalogue-2025.txt");
	rl_pack *p = build(c, NULL, 0, text, NULL);
	im_catalogue_free(c);
	return p;
}

static void derived_terms_are_cores_not_generic_words(void **state)
{
	(void)state;
	char *text = NULL;
	rl_pack *p = derived_2025(&text);
	/* every item derived, none with a curated term */
	for (size_t i = 0; i < p->nitems; i++)
		assert_true(p->items[i].derived);
	/* the cores of some points, as the official text phrases them */
	static const char *const lines[] = {
	    "terms c1 2 : 锂辉石\nterms c2 2 : 碳酸锂\n",
	    "terms c1 2 : 离子交换法 | 树脂法\nterms c2 2 : 氧化铝母液\nterms "
	    "c3 2 : 金属镓\n",
	    "terms c1 2 : 汉字压缩 | 汉字还原\n",
	    "terms c1 2 : 汉语 | 少数民族语言\nterms c2 2 : 语音识别\n",
	    "terms c1 2 : videotex | 可视图文\nterms c2 2 : 汉字处理 | "
	    "网间控制\n",
	    "terms c1 2 : 卤水提锂\n",
	    "terms c1 2 : 磷酸铁锂\n",
	};
	for (size_t i = 0; i < CS_ARRAY_LEN(lines); i++)
		if (!strstr(text, lines[i]))
			fail_msg("derived pack lacks:\n%s", lines[i]);
	/* no concept group is a generic word alone */
	static const char *const generic[] = {
	    " : 技术\n", " : 工艺\n", " : 方法\n",   " : 系统\n",
	    " : 还原\n", " : 算法\n", " : 计算机\n", " : cad\n"};
	for (size_t i = 0; i < CS_ARRAY_LEN(generic); i++)
		assert_null(strstr(text, generic[i]));
	free(text);
	rl_pack_free(p);
}

typedef struct doc_case {
	const char *text, *item;
	int point;
	sc_verdict want;
} doc_case;

/* Documents about items the shipped pack has no curated rule for (the
 * import is made without the overlay), and near misses. */
static void
derived_rules_flag_documents_and_stay_quiet_on_near_misses(void **state)
{
	(void)state;
	rl_pack *p = derived_2025(NULL);
	static const doc_case docs[] = {
	    {"第二条 "
	     "合作内容：乙方向印尼某氧化铝厂提供用树脂法从氧化铝母液中提取"
	     "金属镓的全套工艺技术，包括吸附、淋洗和电解工序的技术资料。",
	     "083201X", 2, SC_RESTRICTED},
	    {"技术许可协议：许可方授权被许可方在阿根廷使用其盐湖卤水提锂技术，"
	     "并提供"
	     "吸附剂配方。",
	     "083201X", 12, SC_RESTRICTED},
	    {"乙方以锂辉石精矿为原料生产电池级碳酸锂，甲方向乙方转让焙烧浸出工"
	     "艺。",
	     "083201X", 9, SC_RESTRICTED},
	    {"甲方委托乙方开发维吾尔语等少数民族语言的语音识别技术，并交付源代"
	     "码。",
	     "086501X", 9, SC_RESTRICTED},
	    {"本合同项下，乙方向境外公司转让无人机飞行控制系统软件，包括自主导"
	     "航与避障"
	     "规划算法。",
	     "203912X", 5, SC_RESTRICTED},
	    {"乙方向甲方转让电池用磷酸铁锂的制备工艺，产品压实密度2.60 "
	     "g/cm³，放电比"
	     "容量161 mAh/g，首次库伦效率97.5%。",
	     "252604X", 1, SC_RESTRICTED},
	    {"乙方提供磷酸铁锂制备工艺，压实密度2.40 g/cm³，放电比容量158 "
	     "mAh/g，首次"
	     "库伦效率96%。",
	     "252604X", 1, SC_REVIEW},
	};
	for (size_t i = 0; i < CS_ARRAY_LEN(docs); i++) {
		sc_verdict v = verdict_on(p, docs[i].text, docs[i].item,
					  docs[i].point, NOW);
		if (v != docs[i].want)
			fail_msg("%s point %d: %s, not %s, on \"%s\"",
				 docs[i].item, docs[i].point,
				 sc_verdict_name(v),
				 sc_verdict_name(docs[i].want), docs[i].text);
	}
	/* near misses: the classifier's own, the shipped pack's counters,
	 * and neighbours of the documents above */
	static const char *const near[] = {
	    "磷酸铁锂电池模组 200 套",
	    "制备工艺说明",
	    "激光打印机技术支持服务",
	    "Lease of laser printers and technology support",
	    "传感器采购",
	    "碳酸锂现货价格：电池级碳酸锂7.5万元/吨，锂辉石精矿价格持平。",
	    "采购合同：氧化铝500吨，交货地点青岛港。",
	    "无人机航拍服务合同：乙方为婚礼提供航拍服务。",
	    "英语语音识别软件采购订单，共计50套。",
	    "汉字输入法软件用户手册",
	    "盐湖旅游线路推荐：卤水湖观光一日游。",
	    "本公司生产计算机应用软件，欢迎洽谈。",
	};
	hit hits[64];
	for (size_t i = 0; i < CS_ARRAY_LEN(near); i++) {
		size_t n = scan(p, near[i], NOW, hits, 64);
		if (n)
			fail_msg("near miss \"%s\" hits %s point %d", near[i],
				 hits[0].item, hits[0].point);
	}
	rl_pack *shipped = NULL;
	cs_error err;
	assert_int_equal(rl_pack_load(NULL, &shipped, NULL, &err), CS_OK);
	size_t counters = 0;
	for (size_t i = 0; i < shipped->nitems; i++)
		for (size_t e = 0; e < shipped->items[i].nexamples; e++) {
			const rl_example *ex = &shipped->items[i].examples[e];
			if (ex->kind != RL_EX_COUNTER)
				continue;
			counters++;
			size_t n = scan(p, ex->text, NOW, hits, 64);
			if (n)
				fail_msg("counter-example \"%s\" of %s hits "
					 "derived %s "
					 "point %d",
					 ex->text, shipped->items[i].id,
					 hits[0].item, hits[0].point);
		}
	assert_true(counters >= 40);
	rl_pack_free(shipped);
	rl_pack_free(p);
}

/* ---- the curated overlay ----------------------------------------------------
 */

static const char curated[] =
    "pack curated\nversion 1\nitems 132\n"
    "edition 2023-12-21 | 2023 (Announcement 2023 No. 57)\n"
    "edition 2025-07-15 | 2023 as adjusted by Announcement 2025 No. 28\n"
    /* by code: point 2 curated with English terms, point 9 not */
    "item 083201X\nclass restricted\nname-zh 有色金属冶金\nname-en Non-ferrous "
    "metallurgy\n"
    "confidence partial\n"
    "point 2\ntext-zh "
    "通过离子交换法、树脂法等方法从氧化铝母液中提取金属镓的技术和工艺\n"
    "terms ga 2 : 镓 | gallium\nterms src 2 : 氧化铝母液 | Bayer liquor\n"
    "match all(ga, src) within 200\n"
    "example 2 : The licensor shall extract gallium from Bayer liquor at the "
    "plant.\n"
    "point ?1\ntext-zh 一条官方文本中没有的要点\nterms x : 不存在的术语\nmatch "
    "all(x)\n"
    "example ?1 : 不存在的术语\n"
    "counter : 氧化铝采购合同\n"
    /* by name and class, with a provisional id and an unverified review
     * example */
    "item x-X-uav\nclass restricted\nname-zh 无人机技术\nname-en UAV "
    "technology\n"
    "confidence unverified\n"
    "subject\nterms uav : 无人机 | drone | UAV\nterms tech : 飞控 | flight "
    "control\n"
    "match all(uav, tech) within 50\n"
    "example-review subject : The drone flight control firmware is licensed "
    "abroad.\n"
    "counter : 无人机航拍服务\n"
    /* no counterpart */
    "item x-X-other\nclass restricted\nname-zh 官方文本中没有的条目\nname-en "
    "Other\n"
    "confidence partial\nsubject\nterms a : 不存在的条目\nmatch all(a)\n"
    "example subject : 不存在的条目\ncounter : 无关\n";

/*
 * The classifier's own test set (tests/fixtures/text): the derived rules
 * flag its Chinese documents about items of the fixture, as the curated
 * rules do, and no document it expects clear.
 */
static void derived_rules_on_the_classifiers_test_set(void **state)
{
	(void)state;
	rl_pack *p = derived_2025(NULL);
	static const struct {
		const char *file, *item;
		sc_verdict want;
	} flagged[] = {
	    {"lfp-transfer-zh.txt", "252604X", SC_RESTRICTED},
	    {"lmfp-below-threshold-zh.txt", "252604X", SC_REVIEW},
	    {"spodumene-lithium-zh.txt", "083201X", SC_RESTRICTED},
	    /* in traditional characters */
	    {"ocr-source-licence-zh-hant.txt", "086501X", SC_RESTRICTED},
	};
	char path[512];
	for (size_t i = 0; i < CS_ARRAY_LEN(flagged); i++) {
		snprintf(path, sizeof path, "tests/fixtures/text/%s",
			 flagged[i].file);
		size_t len;
		char *text = slurp(path, &len);
		sc_verdict v = verdict_on(p, text, flagged[i].item, -1, NOW);
		if (v != flagged[i].want)
			fail_msg("%s: %s on %s, not %s", flagged[i].file,
				 sc_verdict_name(v), flagged[i].item,
				 sc_verdict_name(flagged[i].want));
		free(text);
	}
	FILE *f = fopen("tests/fixtures/text/expected.tsv", "r");
	assert_non_null(f);
	char line[1024];
	size_t clear = 0;
	hit hits[64];
	while (fgets(line, sizeof line, f)) {
		char file[256], verdict[32];
		if (line[0] == '#' ||
		    sscanf(line, "%255s %31s", file, verdict) != 2 ||
		    strcmp(verdict, "clear") != 0)
			continue;
		snprintf(path, sizeof path, "tests/fixtures/text/%s", file);
		size_t len;
		char *text = slurp(path, &len);
		size_t n = scan(p, text, NOW, hits, 64);
		if (n)
			fail_msg(
			    "%s, clear for the classifier, hits derived %s "
			    "point %d",
			    file, hits[0].item, hits[0].point);
		free(text);
		clear++;
	}
	fclose(f);
	assert_true(clear >= 10);
	rl_pack_free(p);
}

static void curated_rules_overlay_the_official_text(void **state)
{
	(void)state;
	im_catalogue *c = parse_file(FIX "catalogue-2025.txt");
	rl_source cur = {"curated.rules", curated, sizeof curated - 1};
	cs_buf report;
	cs_buf_init(&report, 1 << 20);
	im_stats st;
	cs_buf out;
	cs_buf_init(&out, 1 << 26);
	cs_error err;
	im_options opt = {.edition = "2025-07-15",
			  .source_name = "fixture",
			  .curated = &cur,
			  .ncurated = 1};
	assert_int_equal(im_write_pack(c, &opt, &out, &report, &st, &err),
			 CS_OK);
	assert_int_equal(st.items, 7);
	assert_int_equal(st.overlaid, 2);
	assert_int_equal(st.by_code, 1);
	assert_int_equal(st.by_name, 1);
	assert_int_equal(st.curated_kept, 1);
	assert_int_equal(st.derived, 5);
	assert_int_equal(st.points, 24);
	assert_int_equal(st.params, 8);
	cs_buf_free(&out);
	char *text = NULL;
	rl_pack *p = build(c, &cur, 1, &text, NULL);
	/* the official name wins; the item takes the code; the edition label
	 * of the curated header is kept */
	assert_non_null(strstr(
	    text,
	    "item 083201X\nclass restricted\nname-zh     有色金属冶金技术\n"));
	assert_null(strstr(text, "x-X-uav"));
	assert_non_null(strstr(text,
			       "edition    2025-07-15 | 2023 as adjusted by "
			       "Announcement 2025 No. 28"));
	assert_non_null(strstr(report.data, "curated item x-X-other"));
	assert_non_null(strstr(report.data, "curated point ?1"));
	/* curated terms add to derived ones: an English document hits the
	 * curated point 2, a Chinese one the derived point 12 of the same item
	 */
	assert_int_equal(
	    verdict_on(p,
		       "The licensor shall extract gallium from Bayer "
		       "liquor at the plant.",
		       "083201X", 2, NOW),
	    SC_RESTRICTED);
	assert_int_equal(
	    verdict_on(p, "许可使用盐湖卤水提锂技术", "083201X", 12, NOW),
	    SC_RESTRICTED);
	/* the unverified item, now verified by the official text, flags in
	 * full: its review example became an example */
	assert_int_equal(
	    verdict_on(p,
		       "The drone flight control firmware is licensed "
		       "abroad.",
		       "203912X", -1, NOW),
	    SC_RESTRICTED);
	/* derived and merged items are told apart */
	rl_item_info in;
	for (size_t i = 0; i < rl_pack_item_count(p); i++) {
		rl_pack_item(p, i, &in);
		if (strcmp(in.id, "083201X") == 0 ||
		    strcmp(in.id, "203912X") == 0)
			assert_false(in.derived);
		else if (in.code)
			assert_true(in.derived);
		else
			assert_string_equal(in.id, "x-X-other");
	}
	free(text);
	rl_pack_free(p);
	cs_buf_free(&report);
	im_catalogue_free(c);
}

static void shipped_pack_overlays_the_fixture(void **state)
{
	(void)state;
	im_catalogue *c = parse_file(FIX "catalogue-2025.txt");
	im_stats st;
	cs_buf out, report;
	cs_buf_init(&out, 1 << 26);
	cs_buf_init(&report, 1 << 20);
	cs_error err;
	im_options opt = {.edition = "2025-07-15",
			  .curated = rl_builtin,
			  .ncurated = rl_builtin_count};
	assert_int_equal(im_write_pack(c, &opt, &out, &report, &st, &err),
			 CS_OK);
	/* every item of the fixture has a curated rule in the shipped pack */
	assert_int_equal(st.overlaid, 7);
	assert_int_equal(st.by_code, 7);
	cs_buf_free(&out);
	cs_buf_free(&report);
	rl_pack *p = build(c, rl_builtin, rl_builtin_count, NULL, NULL);
	rl_pack_free(p);
	im_catalogue_free(c);
}

/* ---- adjustment notices
 * ---------------------------------------------------------- */

static char *amend(const char *pack_text, const char *notice, cs_buf *report,
		   im_amend_stats *st)
{
	rl_source src = {"pack.rules", pack_text, strlen(pack_text)};
	cs_buf out;
	cs_buf_init(&out, 1 << 26);
	cs_error err;
	if (im_amend(&src, 1, notice, strlen(notice), NULL, &out, report, st,
		     &err) != CS_OK)
		fail_msg("im_amend: %s\n%s", err.msg,
			 report->data ? report->data : "");
	return cs_buf_steal(&out, NULL);
}

static const rl_item *item_of(const rl_pack *p, const char *id)
{
	for (size_t i = 0; i < p->nitems; i++)
		if (strcmp(p->items[i].id, id) == 0)
			return &p->items[i];
	return NULL;
}

static bool in_force(const rl_pack *p, const rl_item *it, const char *date)
{
	rl_date d;
	(void)p;
	assert_true(rl_date_parse(date, &d));
	return (it->since == RL_NO_DATE || it->since <= d) &&
	       (it->until == RL_NO_DATE || d < it->until);
}

static void notice_turns_2023_into_2025(void **state)
{
	(void)state;
	im_catalogue *c = parse_file(FIX "catalogue-2023.txt");
	cs_buf out;
	cs_buf_init(&out, 1 << 26);
	cs_error err;
	im_options opt = {.edition = "2023-12-21",
			  .label = "2023 (Announcement 2023 No. 57)"};
	assert_int_equal(im_write_pack(c, &opt, &out, NULL, NULL, &err), CS_OK);
	im_catalogue_free(c);
	size_t nlen;
	char *notice = slurp(FIX "notice-2025.txt", &nlen);
	cs_buf report;
	cs_buf_init(&report, 1 << 20);
	im_amend_stats st;
	char *amended = amend(out.data, notice, &report, &st);
	assert_int_equal(st.deleted, 3);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.points_added,
			 6); /* 9-13, and 2 the 2023 fixture lacks */
	assert_int_equal(st.unparsed, 0);
	assert_non_null(
	    strstr(report.data, "item 083201X has no control point 2"));
	assert_non_null(strstr(amended,
			       "edition    2025-07-15 | as adjusted by "
			       "Announcement 2025 No. 28"));
	assert_non_null(strstr(amended, "items       7\n"));
	rl_pack *a = compile_text(amended);

	/* the expected pack: the 2025 text imported directly */
	im_catalogue *c25 = parse_file(FIX "catalogue-2025.txt");
	cs_buf out25;
	cs_buf_init(&out25, 1 << 26);
	opt.edition = "2025-07-15";
	assert_int_equal(im_write_pack(c25, &opt, &out25, NULL, NULL, &err),
			 CS_OK);
	rl_pack *b = compile_text(out25.data);
	size_t in_a = 0;
	for (size_t i = 0; i < a->nitems; i++)
		in_a += in_force(a, &a->items[i], "2025-07-15");
	assert_int_equal(in_a, b->nitems);
	for (size_t i = 0; i < b->nitems; i++) {
		const rl_item *y = &b->items[i];
		const rl_item *x = item_of(a, y->id);
		if (!x || !in_force(a, x, "2025-07-15"))
			fail_msg("%s not in force after the notice", y->id);
		/* every numbered point, its text and its thresholds */
		for (uint32_t k = 0; k < y->npoints; k++) {
			const rl_point *q = &b->points[y->first_point + k];
			if (!q->number)
				continue;
			const rl_point *pp = NULL;
			for (uint32_t j = 0; j < x->npoints; j++)
				if (a->points[x->first_point + j].number ==
				    q->number)
					pp = &a->points[x->first_point + j];
			if (!pp)
				fail_msg("%s point %d missing after the notice",
					 y->id, q->number);
			assert_string_equal(pp->text_zh, q->text_zh);
			assert_int_equal(pp->nparams, q->nparams);
			for (size_t m = 0; m < q->nparams; m++) {
				assert_int_equal(pp->params[m].cmp,
						 q->params[m].cmp);
				assert_true(fabs(pp->params[m].lo -
						 q->params[m].lo) < 1e-9);
			}
		}
	}
	/* deleted items screen as of a date before the notice only */
	const rl_item *j = item_of(a, "085001J");
	assert_non_null(j);
	assert_true(in_force(a, j, "2025-07-14"));
	assert_false(in_force(a, j, "2025-07-15"));
	assert_int_equal(verdict_on(a,
				    "甲方向境外转让中国传统建筑技术及营造工艺",
				    "085001J", -1, "2024-06-01"),
			 SC_PROHIBITED);
	assert_int_equal(verdict_on(a,
				    "甲方向境外转让中国传统建筑技术及营造工艺",
				    "085001J", -1, "2025-08-01"),
			 SC_CLEAR);
	/* the added item and the added points from their date on */
	const char *doc = "许可使用盐湖卤水提锂技术";
	assert_int_equal(verdict_on(a, doc, "083201X", 12, "2025-08-01"),
			 SC_RESTRICTED);
	assert_int_equal(verdict_on(a, doc, "083201X", 12, "2024-06-01"),
			 SC_CLEAR);
	rl_pack_free(a);
	rl_pack_free(b);
	im_catalogue_free(c25);
	cs_buf_free(&out25);
	free(amended);
	free(notice);
	cs_buf_free(&out);
	cs_buf_free(&report);
}

static void changed_point_keeps_its_old_text_until_the_date(void **state)
{
	(void)state;
	im_catalogue *c = parse_file(FIX "catalogue-2025.txt");
	cs_buf out;
	cs_buf_init(&out, 1 << 26);
	cs_error err;
	im_options opt = {.edition = "2025-07-15"};
	assert_int_equal(im_write_pack(c, &opt, &out, NULL, NULL, &err), CS_OK);
	im_catalogue_free(c);
	static const char notice[] =
	    "商务部 科技部公告2030年第1号\n"
	    "一、将有色金属冶金技术（编号：083201X）控制要点12修改为：“盐湖卤水"
	    "直接提锂技术”。\n"
	    "二、删去信息处理技术（编号：086501X）控制要点10。\n"
	    "三、将信息处理技术（编号：086501X）名称修改为：“中文信息处理技术”"
	    "。\n"
	    "四、对某技术（编号：206503X）作出说明。\n"
	    "2030年1月1日\n";
	cs_buf report;
	cs_buf_init(&report, 1 << 20);
	im_amend_stats st;
	char *amended = amend(out.data, notice, &report, &st);
	assert_int_equal(st.points_changed, 1);
	assert_int_equal(st.points_deleted, 1);
	assert_int_equal(st.renamed, 1);
	assert_int_equal(st.unparsed, 1);
	assert_non_null(strstr(report.data, "line 5: not understood"));
	rl_pack *p = compile_text(amended);
	const rl_item *it = item_of(p, "083201X");
	const rl_point *now = NULL, *before = NULL;
	for (uint32_t k = 0; k < it->npoints; k++) {
		const rl_point *q = &p->points[it->first_point + k];
		/* one number, two wordings, each with its dates */
		if (q->number == 12 && q->until == RL_NO_DATE)
			now = q;
		if (q->number == 12 && q->until != RL_NO_DATE &&
		    strcmp(q->text_zh, "卤水提锂技术") == 0)
			before = q;
	}
	assert_non_null(now);
	assert_non_null(before);
	assert_string_equal(now->text_zh, "盐湖卤水直接提锂技术");
	char d[11];
	rl_date_format(before->until, d);
	assert_string_equal(d, "2030-01-01");
	assert_string_equal(item_of(p, "086501X")->name_zh, "中文信息处理技术");
	rl_pack_free(p);
	free(amended);
	cs_buf_free(&out);
	cs_buf_free(&report);
}

/* ---- coverage
 * --------------------------------------------------------------------- */

static void coverage_of_the_shipped_pack_is_partial(void **state)
{
	(void)state;
	rl_pack *p = NULL;
	cs_error err;
	assert_int_equal(rl_pack_load(NULL, &p, NULL, &err), CS_OK);
	cv_report *r = NULL;
	assert_int_equal(cv_compute(p, NOW, &r, &err), CS_OK);
	cv_counts t;
	cv_total(r, &t);
	assert_false(cv_complete(r));
	assert_int_equal(t.in_edition, 132);
	assert_true(t.with_rules > 0 && t.with_rules < 132);
	assert_int_equal(t.derived, 0);
	assert_int_equal(t.curated, t.with_rules);
	/* per class, the edition's count comes from the pack header; per
	 * industry it is not known to this pack */
	const char *cls, *ind;
	cv_counts rc;
	cv_row(r, 0, &cls, &ind, &rc);
	assert_string_equal(cls, "prohibited");
	assert_null(ind);
	assert_int_equal(rc.in_edition, 23);
	cv_row(r, 1, &cls, &ind, &rc);
	assert_non_null(ind);
	assert_int_equal(rc.in_edition, -1);
	cs_buf text;
	cs_buf_init(&text, 1 << 20);
	assert_int_equal(cv_text(r, &text), CS_OK);
	assert_non_null(strstr(text.data, "Items in the edition: 132."));
	assert_non_null(strstr(text.data, "which this pack cannot name"));
	cs_buf_free(&text);
	cv_counts quick;
	bool complete = true;
	cv_count(p, NOW, &quick, &complete);
	assert_false(complete);
	assert_int_equal(quick.with_rules, t.with_rules);
	assert_int_equal(quick.in_edition, 132);
	json_t *s = cv_summary_json(r);
	assert_int_equal(
	    json_integer_value(json_object_get(s, "items_in_edition")), 132);
	assert_false(json_is_true(json_object_get(s, "complete")));
	json_decref(s);
	cv_report_free(r);
	rl_pack_free(p);
}

static void coverage_of_an_imported_pack_is_complete(void **state)
{
	(void)state;
	rl_pack *p = derived_2025(NULL);
	cv_report *r = NULL;
	cs_error err;
	assert_int_equal(cv_compute(p, NOW, &r, &err), CS_OK);
	assert_true(cv_complete(r));
	cv_counts t;
	cv_total(r, &t);
	assert_int_equal(t.in_edition, 7);
	assert_int_equal(t.with_rules, 7);
	assert_int_equal(t.derived, 7);
	assert_int_equal(t.examples, 0); /* generated ones do not count */
	json_t *j = cv_json(r);
	assert_non_null(j);
	assert_true(json_is_true(json_object_get(j, "complete")));
	json_t *items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 7);
	size_t i;
	json_t *it;
	size_t points = 0, params = 0;
	json_array_foreach(items, i, it)
	{
		assert_true(json_is_string(json_object_get(it, "id")));
		assert_true(json_is_string(json_object_get(it, "code")));
		assert_string_equal(
		    json_string_value(json_object_get(it, "class")),
		    "restricted");
		assert_true(json_is_string(json_object_get(it, "name_zh")));
		assert_true(json_is_true(json_object_get(it, "derived")));
		points +=
		    (size_t)json_integer_value(json_object_get(it, "points"));
		params +=
		    (size_t)json_integer_value(json_object_get(it, "params"));
	}
	assert_int_equal(points, 24);
	assert_int_equal(params, 8);
	json_t *cls = json_array_get(json_object_get(j, "classes"), 0);
	assert_int_equal(
	    json_integer_value(json_object_get(cls, "items_in_edition")), 7);
	assert_int_equal(json_array_size(json_object_get(cls, "industries")),
			 4);
	json_decref(j);
	cv_report_free(r);
	rl_pack_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
		table_layout_recovers_every_item_point_and_threshold),
	    cmocka_unit_test(labelled_layout_reads_the_same_points),
	    cmocka_unit_test(code_before_name),
	    cmocka_unit_test(name_wrapped_before_points),
	    cmocka_unit_test(paren_numbers),
	    cmocka_unit_test(decimals_never_start_a_point),
	    cmocka_unit_test(serial_on_its_own_line),
	    cmocka_unit_test(headings_and_sub_conditions),
	    cmocka_unit_test(lone_unnumbered_point_is_point_1),
	    cmocka_unit_test(what_fits_nowhere_is_reported_by_line),
	    cmocka_unit_test(thresholds_become_parameters),
	    cmocka_unit_test(test_conditions_are_not_thresholds),
	    cmocka_unit_test(derived_terms_are_cores_not_generic_words),
	    cmocka_unit_test(
		derived_rules_flag_documents_and_stay_quiet_on_near_misses),
	    cmocka_unit_test(derived_rules_on_the_classifiers_test_set),
	    cmocka_unit_test(curated_rules_overlay_the_official_text),
	    cmocka_unit_test(shipped_pack_overlays_the_fixture),
	    cmocka_unit_test(notice_turns_2023_into_2025),
	    cmocka_unit_test(changed_point_keeps_its_old_text_until_the_date),
	    cmocka_unit_test(coverage_of_the_shipped_pack_is_partial),
	    cmocka_unit_test(coverage_of_an_imported_pack_is_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
