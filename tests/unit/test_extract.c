/*
 * Extraction end to end: the real ex_extract() on documents of every
 * format the core and its non-PDF handlers read, and on the hostile ones
 * it must survive. The documents are made by tests/make-fixtures.sh into
 * $CATSCAN_FIXTURES when that is set, else into a fresh temporary folder
 * (removed afterwards); run from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extract.h"

static char fixtures[512];
static bool made_here;
static ex_ctx *ctx;

/* --- helpers ------------------------------------------------------------- */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double last_seconds;

/* Time bounds are for the optimised build; sanitizers run code 2-5x slower. */
#if defined(__SANITIZE_ADDRESS__)
#define SLOWDOWN 5.0
#else
#define SLOWDOWN 1.0
#endif
#define UNDER_A_SECOND()                                                        \
	do {                                                                    \
		if (last_seconds >= 1.0 * SLOWDOWN)                             \
			fail_msg("took %.3f s", last_seconds);                  \
	} while (0)

/* Extracts fixture name with c (NULL: the shared context). */
static ex_doc *extract_with(ex_ctx *c, const char *name)
{
	char path[1024];
	char *data = NULL;
	size_t len = 0;
	cs_error err;
	ex_doc *doc = NULL;
	snprintf(path, sizeof path, "%s/%s", fixtures, name);
	if (cs_read_file(path, (size_t)1 << 30, &data, &len, &err) != CS_OK)
		fail_msg("%s", err.msg);
	double t0 = now();
	if (ex_extract(c ? c : ctx, data, len, name, &doc, &err) != CS_OK)
		fail_msg("ex_extract %s: %s", name, err.msg);
	last_seconds = now() - t0;
	free(data);
	return doc;
}

static ex_doc *extract(const char *name)
{
	return extract_with(NULL, name);
}

/* The index of the part at path, or fails. */
static size_t part_at(const ex_doc *d, const char *path)
{
	for (size_t i = 0; i < ex_doc_part_count(d); i++)
		if (strcmp(ex_doc_part(d, i)->path, path) == 0)
			return i;
	for (size_t i = 0; i < ex_doc_part_count(d); i++)
		print_message("part: %s\n", ex_doc_part(d, i)->path);
	fail_msg("no part %s", path);
	return 0;
}

/* True when some segment (of part, or of any part when part is -1) holds s. */
static bool has_text_in(const ex_doc *d, long part, const char *s)
{
	for (size_t i = 0; i < ex_doc_segment_count(d); i++) {
		const ex_segment *g = ex_doc_segment(d, i);
		if ((part < 0 || g->part == (size_t)part) && strstr(g->text, s))
			return true;
	}
	return false;
}

static bool has_text(const ex_doc *d, const char *s)
{
	return has_text_in(d, -1, s);
}

static void dump(const ex_doc *d)
{
	for (size_t i = 0; i < ex_doc_segment_count(d); i++)
		print_message("segment %zu (part %zu): [%s]\n", i,
			      ex_doc_segment(d, i)->part, ex_doc_segment(d, i)->text);
}

#define TEXT(d, s)                                                              \
	do {                                                                    \
		if (!has_text(d, s)) {                                          \
			dump(d);                                                \
			fail_msg("text not found: %s", s);                      \
		}                                                               \
	} while (0)
#define NO_TEXT(d, s) assert_false(has_text(d, s))
#define TYPE(d, i, t) assert_string_equal(ex_doc_part(d, i)->type, t)
#define STATUS(d, i, s) assert_int_equal(ex_doc_part(d, i)->status, s)
#define REASON(d, i, s)                                                         \
	do {                                                                    \
		assert_non_null(ex_doc_part(d, i)->reason);                     \
		if (!strstr(ex_doc_part(d, i)->reason, s))                      \
			fail_msg("reason [%s] lacks [%s]",                      \
				 ex_doc_part(d, i)->reason, s);                  \
	} while (0)

/* One document read in full: its text, its type, status ok. */
static void check_plain(const char *name, const char *type, const char *text)
{
	ex_doc *d = extract(name);
	TYPE(d, 0, type);
	assert_string_equal(ex_doc_part(d, 0)->path, name);
	STATUS(d, 0, EX_OK);
	assert_null(ex_doc_part(d, 0)->reason);
	TEXT(d, text);
	ex_doc_free(d);
}

#define OOXML "application/vnd.openxmlformats-officedocument."
#define ODF "application/vnd.oasis.opendocument."
#define ZH_SIMP "本技术涉及稀土萃取分离工艺，包括离子型稀土原矿堆浸提取技术。"

/* --- setup --------------------------------------------------------------- */

static int setup(void **state)
{
	const char *env = getenv("CATSCAN_FIXTURES");
	char cmd[1200];
	cs_error err;
	if (env && *env) {
		snprintf(fixtures, sizeof fixtures, "%s", env);
	} else {
		snprintf(fixtures, sizeof fixtures, "/tmp/catscan-fixtures-XXXXXX");
		if (!mkdtemp(fixtures))
			return -1;
		made_here = true;
	}
	snprintf(cmd, sizeof cmd, "sh tests/make-fixtures.sh '%s' >/dev/null", fixtures);
	if (system(cmd) != 0) {
		print_error("cannot make the fixtures (run from the source tree)\n");
		return -1;
	}
	return ex_ctx_new(NULL, &ctx, &err) == CS_OK ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[1200];
	ex_ctx_free(ctx);
	if (made_here) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", fixtures);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

/* --- limits -------------------------------------------------------------- */

static void test_limits_defaults(void **state)
{
	ex_limits l = {0};
	ex_limits_defaults(&l);
	assert_int_equal(l.max_input, (size_t)256 << 20);
	assert_int_equal(l.max_expanded, (size_t)1 << 30);
	assert_true(l.max_ratio == 100);
	assert_int_equal(l.max_depth, 10);
	assert_int_equal(l.max_parts, 10000);
	assert_int_equal(l.max_pages, 2000);
	assert_int_equal(l.max_pixels, 100000000);
	assert_int_equal(l.max_text, (size_t)256 << 20);
	assert_true(l.ocr_seconds == 60 && l.wall_seconds == 600);
	ex_limits set = {.max_depth = 3, .max_ratio = 7};
	ex_limits_defaults(&set);
	assert_int_equal(set.max_depth, 3);
	assert_true(set.max_ratio == 7);
	assert_int_equal(set.max_parts, 10000);
}

/* Extracts name under limits l; the caller frees the document. */
static ex_doc *extract_limited(const char *name, ex_limits l)
{
	ex_config cfg = {.limits = l};
	ex_ctx *c;
	cs_error err;
	assert_int_equal(ex_ctx_new(&cfg, &c, &err), CS_OK);
	ex_doc *d = extract_with(c, name);
	ex_ctx_free(c);
	return d;
}

static void test_limit_input(void **state)
{
	ex_doc *d = extract_limited("zh.txt", (ex_limits){.max_input = 10});
	STATUS(d, 0, EX_UNSCANNABLE);
	REASON(d, 0, "max_input");
	assert_int_equal(ex_doc_segment_count(d), 0);
	ex_doc_free(d);
}

static void test_limit_text(void **state)
{
	ex_doc *d = extract_limited("zh.txt", (ex_limits){.max_text = 10});
	STATUS(d, 0, EX_PARTIAL);
	REASON(d, 0, "max_text");
	/* Cut on a character boundary: three 3-byte characters. */
	assert_int_equal(ex_doc_segment(d, 0)->len, 9);
	assert_memory_equal(ex_doc_segment(d, 0)->text, "本技术", 9);
	ex_doc_free(d);
}

static void test_limit_expanded(void **state)
{
	ex_doc *d = extract_limited("zh.zip", (ex_limits){.max_expanded = 100});
	size_t en = part_at(d, "zh.zip > docs/en.txt");
	STATUS(d, en, EX_UNSCANNABLE);
	REASON(d, en, "max_expanded");
	assert_int_equal(ex_doc_status(d), EX_UNSCANNABLE);
	TEXT(d, ZH_SIMP);
	ex_doc_free(d);
}

static void test_limit_parts(void **state)
{
	ex_doc *d = extract_limited("zh.zip", (ex_limits){.max_parts = 2});
	assert_int_equal(ex_doc_part_count(d), 2);
	STATUS(d, 0, EX_PARTIAL);
	REASON(d, 0, "max_parts");
	ex_doc_free(d);
}

static void test_limit_wall_time(void **state)
{
	ex_doc *d = extract_limited("zh.txt", (ex_limits){.wall_seconds = 1e-9});
	STATUS(d, 0, EX_UNSCANNABLE);
	REASON(d, 0, "wall_seconds");
	ex_doc_free(d);
}

/* --- plain text ---------------------------------------------------------- */

static void test_text_charsets(void **state)
{
	check_plain("en.txt", "text/plain", "rare earth extraction and separation");
	check_plain("zh.txt", "text/plain", ZH_SIMP);
	check_plain("zh-utf8-bom.txt", "text/plain", ZH_SIMP);
	check_plain("zh-utf16le-bom.txt", "text/plain", ZH_SIMP);
	check_plain("zh-utf16be-bom.txt", "text/plain", ZH_SIMP);
	check_plain("zh-utf16le.txt", "text/plain", ZH_SIMP);
	check_plain("zh-utf16be.txt", "text/plain", ZH_SIMP);
	check_plain("zh-gb18030.txt", "text/plain", ZH_SIMP);
	check_plain("zh-big5.txt", "text/plain", "本技術涉及稀土萃取分離工藝");
}

static void test_text_bom_dropped(void **state)
{
	ex_doc *d = extract("zh-utf8-bom.txt");
	assert_memory_equal(ex_doc_segment(d, 0)->text, "本", 3);
	ex_doc_free(d);
}

static void test_empty(void **state)
{
	ex_doc *d = extract("empty.txt");
	assert_int_equal(ex_doc_part_count(d), 1);
	STATUS(d, 0, EX_OK);
	assert_int_equal(ex_doc_segment_count(d), 0);
	ex_doc_free(d);
}

static void test_garbage_unsupported(void **state)
{
	ex_doc *d = extract("garbage.bin");
	STATUS(d, 0, EX_UNSCANNABLE);
	REASON(d, 0, "unsupported format: application/octet-stream");
	assert_int_equal(ex_doc_segment_count(d), 0);
	ex_doc_free(d);
}

/* --- markup -------------------------------------------------------------- */

static void test_html(void **state)
{
	const char *files[] = {"zh.html", "zh-gbk.html"};
	for (size_t i = 0; i < 2; i++) {
		ex_doc *d = extract(files[i]);
		TYPE(d, 0, "text/html");
		STATUS(d, 0, EX_OK);
		TEXT(d, "标题：稀土\n");
		/* Entities decoded, numeric reference 萃 included. */
		TEXT(d, "正文：稀土萃取分离 & refining <tech>");
		TEXT(d, "离子型稀土原矿");
		TEXT(d, "nbsp here");
		NO_TEXT(d, "脚本不应出现");
		NO_TEXT(d, "样式不应出现");
		ex_doc_free(d);
	}
}

static void test_xml(void **state)
{
	check_plain("zh.xml", "text/xml", "稀土萃取分离\nSeparation & purification 稀土");
	check_plain("zh-gbk.xml", "text/xml", "声明编码：稀土冶炼");
}

static void test_xml_entities_not_loaded(void **state)
{
	ex_doc *d = extract("xxe.xml");
	STATUS(d, 0, EX_OK);
	TEXT(d, "before 内部实体：稀土");
	/* The external entity names a file that is never read. */
	char *host = NULL;
	size_t n;
	if (cs_read_file("/etc/hostname", 4096, &host, &n, NULL) == CS_OK && n > 3) {
		host[strcspn(host, "\n")] = '\0';
		NO_TEXT(d, host);
	}
	free(host);
	ex_doc_free(d);
}

static void test_xml_billion_laughs(void **state)
{
	ex_doc *d = extract("laughs.xml");
	UNDER_A_SECOND();
	assert_int_not_equal(ex_doc_status(d), EX_OK);
	size_t total = 0;
	for (size_t i = 0; i < ex_doc_segment_count(d); i++)
		total += ex_doc_segment(d, i)->len;
	assert_true(total < 10000);
	ex_doc_free(d);
}

/* --- office -------------------------------------------------------------- */

static void test_docx(void **state)
{
	ex_doc *d = extract("zh.docx");
	TYPE(d, 0, OOXML "wordprocessingml.document");
	STATUS(d, 0, EX_OK);
	/* Runs joined within a word; a tab; a table row on one line. */
	TEXT(d, "正文：稀土萃取分离\t工艺\n");
	TEXT(d, "表格：钕铁硼\t最大磁能积 50 MGOe");
	TEXT(d, "Body: rare earth separation & refining");
	TEXT(d, "删除：离子吸附型");
	TEXT(d, "文本框：选择");
	NO_TEXT(d, "文本框：备用");
	TEXT(d, "页眉：出口管制");
	TEXT(d, "页脚：机密");
	TEXT(d, "脚注：离子型稀土");
	TEXT(d, "尾注：稀土冶炼");
	TEXT(d, "批注：请审核出口许可");
	size_t img = part_at(d, "zh.docx > word/media/image1.png");
	TYPE(d, img, "image/png");
	size_t xl = part_at(d, "zh.docx > word/embeddings/Microsoft_Excel_Worksheet.xlsx");
	TYPE(d, xl, OOXML "spreadsheetml.sheet");
	assert_true(has_text_in(d, (long)xl, "表格：稀土分离纯度\t99.999"));
	assert_false(has_text_in(d, 0, "表格：稀土分离纯度"));
	ex_doc_free(d);
}

static void test_xlsx(void **state)
{
	ex_doc *d = extract("zh.xlsx");
	TYPE(d, 0, OOXML "spreadsheetml.sheet");
	STATUS(d, 0, EX_OK);
	/* Shared strings looked up in place, beside the cell values. */
	TEXT(d, "表格：稀土分离纯度\t99.999");
	TEXT(d, "Sheet: separation purity\t内联：萃取");
	NO_TEXT(d, "ふりがな");
	ex_doc_free(d);
}

/* The page of the segment holding s, or -1. */
static int page_of(const ex_doc *d, const char *s)
{
	for (size_t i = 0; i < ex_doc_segment_count(d); i++)
		if (strstr(ex_doc_segment(d, i)->text, s))
			return ex_doc_segment(d, i)->page;
	return -1;
}

static void test_pptx(void **state)
{
	ex_doc *d = extract("zh.pptx");
	TYPE(d, 0, OOXML "presentationml.presentation");
	STATUS(d, 0, EX_OK);
	assert_int_equal(page_of(d, "幻灯片一：稀土萃取"), 1);
	assert_int_equal(page_of(d, "Slide two: separation"), 2);
	assert_int_equal(page_of(d, "幻灯片十：冶炼"), 10);
	assert_int_equal(page_of(d, "备注：出口前审核"), 1);
	/* Slides in document order: 2 before 10. */
	assert_true(strstr(ex_doc_segment(d, 1)->text, "Slide two") != NULL);
	TYPE(d, part_at(d, "zh.pptx > ppt/media/image1.png"), "image/png");
	ex_doc_free(d);
}

static void test_odf(void **state)
{
	ex_doc *d = extract("zh.odt");
	TYPE(d, 0, ODF "text");
	STATUS(d, 0, EX_OK);
	TEXT(d, "标题：稀土分离\n");
	TEXT(d, "正文：稀土萃取分离 工艺");
	TEXT(d, "Body text\tseparation");
	TEXT(d, "批注：审核");
	TEXT(d, "表格：钕\t铁硼");
	TEXT(d, "页眉：出口管制");
	TYPE(d, part_at(d, "zh.odt > Pictures/1.png"), "image/png");
	ex_doc_free(d);

	d = extract("zh.ods");
	TYPE(d, 0, ODF "spreadsheet");
	TEXT(d, "表格：稀土纯度\t99.99");
	ex_doc_free(d);

	d = extract("zh.odp");
	TYPE(d, 0, ODF "presentation");
	assert_int_equal(page_of(d, "幻灯片一：稀土"), 1);
	assert_int_equal(page_of(d, "备注：分离"), 1);
	assert_int_equal(page_of(d, "幻灯片二：冶炼"), 2);
	ex_doc_free(d);
}

/* --- RTF ----------------------------------------------------------------- */

static void test_rtf(void **state)
{
	ex_doc *d = extract("zh.rtf");
	TYPE(d, 0, "text/rtf");
	STATUS(d, 0, EX_OK);
	TEXT(d, "正文：稀土\n");       /* \'hh bytes in GBK */
	TEXT(d, "萃取分离\n");         /* \uN with \uc1 fallbacks skipped */
	NO_TEXT(d, "?");
	TEXT(d, "English: rare earth {braces} separation\tdone");
	TEXT(d, "link text");
	TEXT(d, "结尾：冶炼");
	NO_TEXT(d, "HYPERLINK");
	NO_TEXT(d, "Riched20");
	NO_TEXT(d, "Arial");
	NO_TEXT(d, "宋体");
	TYPE(d, part_at(d, "zh.rtf > image-1.png"), "image/png");
	ex_doc_free(d);
	check_plain("big5.rtf", "text/rtf", "繁體：稀土分離");
}

/* --- mail ---------------------------------------------------------------- */

static void test_mail(void **state)
{
	ex_doc *d = extract("mail.eml");
	TYPE(d, 0, "message/rfc822");
	STATUS(d, 0, EX_OK);
	assert_true(has_text_in(d, 0, "Subject: 主题：稀土分离报价"));
	assert_true(has_text_in(d, 0, "From: 张三 <zhang@example.invalid>"));
	assert_true(has_text_in(d, 0, "To: buyer@example.invalid"));
	assert_true(has_text_in(d, 0, "纯文本：稀土萃取技术")); /* base64, GBK */
	assert_true(has_text_in(d, 0, "网页：离子型稀土"));     /* QP HTML */
	NO_TEXT(d, "x=1");
	size_t zip = part_at(d, "mail.eml > specs.zip");
	TYPE(d, zip, "application/zip");
	size_t docx = part_at(d, "mail.eml > specs.zip > laser.docx");
	TYPE(d, docx, OOXML "wordprocessingml.document");
	assert_true(has_text_in(d, (long)docx, "附件正文：激光稀土"));
	size_t unnamed = part_at(d, "mail.eml > part-4");
	assert_true(has_text_in(d, (long)unnamed, "无名附件：钕铁硼"));
	size_t inner = part_at(d, "mail.eml > part-5.eml");
	TYPE(d, inner, "message/rfc822");
	assert_true(has_text_in(d, (long)inner, "转发邮件：稀土冶炼"));
	assert_int_equal(ex_doc_status(d), EX_OK);
	ex_doc_free(d);
}

static void test_mail_signed(void **state)
{
	ex_doc *d = extract("signed.eml");
	TEXT(d, "签名邮件：稀土分离");
	/* The signature is not a document: no part, no failure. */
	assert_int_equal(ex_doc_part_count(d), 1);
	assert_int_equal(ex_doc_status(d), EX_OK);
	ex_doc_free(d);
}

static void test_mail_encrypted(void **state)
{
	ex_doc *d = extract("encrypted.eml");
	TEXT(d, "Subject: encrypted");
	STATUS(d, 0, EX_UNSCANNABLE);
	REASON(d, 0, "encrypted (multipart/encrypted)");
	ex_doc_free(d);
}

static void test_mail_many_parts(void **state)
{
	ex_doc *d = extract("many.eml");
	UNDER_A_SECOND();
	assert_int_equal(ex_doc_part_count(d), 10000);
	STATUS(d, 0, EX_PARTIAL);
	REASON(d, 0, "max_parts");
	assert_true(has_text_in(d, (long)part_at(d, "many.eml > p0.txt"), "part 0"));
	ex_doc_free(d);
}

/* --- archives ------------------------------------------------------------ */

static void check_archive(const char *name, const char *type)
{
	char path[256];
	ex_doc *d = extract(name);
	TYPE(d, 0, type);
	STATUS(d, 0, EX_OK);
	snprintf(path, sizeof path, "%s > docs/zh.txt", name);
	size_t zh = part_at(d, path);
	TYPE(d, zh, "text/plain");
	assert_true(has_text_in(d, (long)zh, ZH_SIMP));
	snprintf(path, sizeof path, "%s > docs/en.txt", name);
	assert_true(has_text_in(d, (long)part_at(d, path), "rare earth"));
	assert_int_equal(ex_doc_status(d), EX_OK);
	ex_doc_free(d);
}

static void check_stream(const char *name, const char *type)
{
	char path[256];
	ex_doc *d = extract(name);
	TYPE(d, 0, type);
	snprintf(path, sizeof path, "%s > zh.txt", name);
	assert_true(has_text_in(d, (long)part_at(d, path), ZH_SIMP));
	assert_int_equal(ex_doc_status(d), EX_OK);
	ex_doc_free(d);
}

static void test_archives(void **state)
{
	check_archive("zh.zip", "application/zip");
	check_archive("zh.tar", "application/x-tar");
	check_archive("zh.tar.gz", "application/gzip");
	check_archive("zh.tar.bz2", "application/x-bzip2");
	check_archive("zh.tar.xz", "application/x-xz");
	check_archive("zh.7z", "application/x-7z-compressed");
	check_stream("zh.txt.gz", "application/gzip");
	check_stream("zh.txt.bz2", "application/x-bzip2");
	check_stream("zh.txt.xz", "application/x-xz");
}

static void test_zip_bomb(void **state)
{
	ex_doc *d = extract("bomb.zip");
	UNDER_A_SECOND();
	size_t z = part_at(d, "bomb.zip > zeros.bin");
	STATUS(d, z, EX_UNSCANNABLE);
	REASON(d, z, "expansion ratio limit (max_ratio 100)");
	assert_int_equal(ex_doc_status(d), EX_UNSCANNABLE);
	ex_doc_free(d);
}

static void test_nested_zip(void **state)
{
	ex_doc *d = extract("nested.zip");
	UNDER_A_SECOND();
	/* The outer zip and ten levels are read; the eleventh is not. */
	assert_int_equal(ex_doc_part_count(d), 12);
	STATUS(d, 10, EX_OK);
	STATUS(d, 11, EX_UNSCANNABLE);
	REASON(d, 11, "nesting depth limit (max_depth 10)");
	TYPE(d, 11, "application/zip");
	NO_TEXT(d, "最深处");
	ex_doc_free(d);
}

static void test_truncated_zip(void **state)
{
	ex_doc *d = extract("truncated.zip");
	UNDER_A_SECOND();
	assert_int_not_equal(ex_doc_status(d), EX_OK);
	REASON(d, 0, "corrupt");
	/* What came before the damage is still read. */
	TEXT(d, ZH_SIMP);
	ex_doc_free(d);
}

static void test_encrypted_zip(void **state)
{
	ex_doc *d = extract("encrypted.zip");
	size_t s = part_at(d, "encrypted.zip > secret.txt");
	STATUS(d, s, EX_UNSCANNABLE);
	REASON(d, s, "encrypted");
	assert_int_equal(ex_doc_status(d), EX_UNSCANNABLE);
	ex_doc_free(d);
}

/* --- detection ----------------------------------------------------------- */

static void test_type_from_bytes_not_name(void **state)
{
	char path[1024];
	char *data;
	size_t len;
	ex_doc *d;
	snprintf(path, sizeof path, "%s/zh.docx", fixtures);
	assert_int_equal(cs_read_file(path, 1 << 20, &data, &len, NULL), CS_OK);
	assert_int_equal(ex_extract(ctx, data, len, "notes.txt", &d, NULL), CS_OK);
	TYPE(d, 0, OOXML "wordprocessingml.document");
	assert_string_equal(ex_doc_part(d, 0)->path, "notes.txt");
	ex_doc_free(d);
	assert_int_equal(ex_extract(ctx, data, len, NULL, &d, NULL), CS_OK);
	assert_string_equal(ex_doc_part(d, 0)->path, "");
	ex_doc_free(d);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits_defaults),
		cmocka_unit_test(test_limit_input),
		cmocka_unit_test(test_limit_text),
		cmocka_unit_test(test_limit_expanded),
		cmocka_unit_test(test_limit_parts),
		cmocka_unit_test(test_limit_wall_time),
		cmocka_unit_test(test_text_charsets),
		cmocka_unit_test(test_text_bom_dropped),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_garbage_unsupported),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_xml),
		cmocka_unit_test(test_xml_entities_not_loaded),
		cmocka_unit_test(test_xml_billion_laughs),
		cmocka_unit_test(test_docx),
		cmocka_unit_test(test_xlsx),
		cmocka_unit_test(test_pptx),
		cmocka_unit_test(test_odf),
		cmocka_unit_test(test_rtf),
		cmocka_unit_test(test_mail),
		cmocka_unit_test(test_mail_signed),
		cmocka_unit_test(test_mail_encrypted),
		cmocka_unit_test(test_mail_many_parts),
		cmocka_unit_test(test_archives),
		cmocka_unit_test(test_zip_bomb),
		cmocka_unit_test(test_nested_zip),
		cmocka_unit_test(test_truncated_zip),
		cmocka_unit_test(test_encrypted_zip),
		cmocka_unit_test(test_type_from_bytes_not_name),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
