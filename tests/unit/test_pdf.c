/*
 * PDF: the real ex_extract() on PDFs made by tests/make-scans.sh: a
 * born-digital text layer, scans, a page of outlined text, a scan under a
 * junk text layer, encryption with and without a user password, a
 * truncated file, an attachment, and fifty pages for speed.
 *
 * The fixtures live in $CATSCAN_FIXTURES (default build/fixtures) and are
 * made there when scans.stamp is missing or older than the script; run
 * from the top of the source tree. OCR text is compared after the
 * project's normaliser with spaces removed, as the matcher sees it.
 * CATSCAN_SKIP_OCR=1 skips the cases that run Tesseract's recognition
 * (slow under ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "extract.h"
#include "normalize.h"

#include "scan_fixtures.h"

/* True when the text of part's page (0: any page) holds phrase. */
static bool page_has(const ex_doc *d, size_t part, int page, const char *phrase)
{
	char *want = squeeze(phrase);
	bool found = false;
	for (size_t i = 0; i < ex_doc_segment_count(d) && !found; i++) {
		const ex_segment *g = ex_doc_segment(d, i);
		if (g->part != part || (page && g->page != page))
			continue;
		char *got = squeeze(g->text);
		found = strstr(got, want) != NULL;
		free(got);
	}
	free(want);
	return found;
}

/* The one segment of page in part 0, or fails. */
static const ex_segment *page_segment(const ex_doc *d, int page)
{
	const ex_segment *found = NULL;
	for (size_t i = 0; i < ex_doc_segment_count(d); i++) {
		const ex_segment *g = ex_doc_segment(d, i);
		if (g->part == 0 && g->page == page) {
			if (found) {
				dump(d);
				fail_msg("two segments for page %d", page);
			}
			found = g;
		}
	}
	if (!found) {
		dump(d);
		fail_msg("no segment for page %d", page);
	}
	return found;
}

#define READS(d, page, phrase)                                                 \
	do {                                                                   \
		if (!page_has(d, 0, page, phrase)) {                           \
			dump(d);                                               \
			fail_msg("page %d does not read [%s]", page, phrase);  \
		}                                                              \
	} while (0)

/* page is OCR text with a confidence that reads well. */
static void ocr_page(const ex_doc *d, int page)
{
	const ex_segment *g = page_segment(d, page);
	assert_true(g->ocr);
	assert_true(g->ocr_confidence >= 60 && g->ocr_confidence <= 100);
}

#define ZH1 "稀土萃取分离工艺技术"
#define ZH1_EXACT                                                                                                \
	"本合同项下乙方向甲方转让稀土萃取分离工艺技术及钕铁硼永磁材料制备技术" \
	"。"
#define EN1                                                                    \
	"Licensor shall transfer the lithium iron phosphate cathode "          \
	"preparation process."
#define ZH2 "无人机飞行控制技术"
#define EN2 "Scope of the licensed technology"

/* --- setup --------------------------------------------------------------- */


/* --- text layers --------------------------------------------------------- */

static void test_text_layer(void **state)
{
	ex_doc *d = extract("text.pdf");
	assert_string_equal(ex_doc_part(d, 0)->type, "application/pdf");
	STATUS(d, EX_OK);
	assert_null(ex_doc_part(d, 0)->reason);
	assert_int_equal(ex_doc_segment_count(d), 2);
	const ex_segment *p1 = page_segment(d, 1), *p2 = page_segment(d, 2);
	assert_false(p1->ocr || p2->ocr);
	/* Exact, not merely close: no OCR was involved. */
	assert_non_null(strstr(p1->text, ZH1_EXACT));
	assert_non_null(strstr(p1->text, EN1));
	assert_non_null(
	    strstr(p2->text, "附件二：许可技术范围包括无人机飞行控制技术"));
	assert_null(strstr(p1->text, "附件二"));
	if (last_seconds > 1.0 * SLOWDOWN)
		fail_msg("took %.3f s", last_seconds);
	ex_doc_free(d);
}

/* Born-digital PDFs never need the OCR engine: one that cannot load
 * changes nothing. */
static void test_text_layer_needs_no_ocr(void **state)
{
	ex_ctx *c = ctx_with((ex_limits){0}, "zzz");
	ex_doc *d = extract_with(c, "text.pdf");
	STATUS(d, EX_OK);
	assert_int_equal(ex_doc_segment_count(d), 2);
	ex_doc_free(d);
	ex_ctx_free(c);
}

static void test_fifty_pages_fast(void **state)
{
	ex_doc *d = extract("bench-text.pdf");
	STATUS(d, EX_OK);
	assert_int_equal(ex_doc_segment_count(d), 50);
	for (int p = 1; p <= 50; p++)
		assert_false(page_segment(d, p)->ocr);
	/* Pages 1 and 11 hold the same text (the ten pages repeat). */
	assert_string_equal(page_segment(d, 1)->text,
			    page_segment(d, 11)->text);
	assert_string_not_equal(page_segment(d, 1)->text,
				page_segment(d, 2)->text);
	if (last_seconds > 1.0 * SLOWDOWN)
		fail_msg("took %.3f s", last_seconds);
	ex_doc_free(d);
}

static void test_page_limit(void **state)
{
	ex_ctx *c = ctx_with((ex_limits){.max_pages = 1}, NULL);
	ex_doc *d = extract_with(c, "text.pdf");
	STATUS(d, EX_PARTIAL);
	assert_string_equal(
	    ex_doc_part(d, 0)->reason,
	    "page limit (max_pages 1) reached; 1 of 2 pages read");
	assert_int_equal(ex_doc_segment_count(d), 1);
	assert_int_equal(ex_doc_segment(d, 0)->page, 1);
	ex_doc_free(d);
	ex_ctx_free(c);
}

/* --- refusals ------------------------------------------------------------ */

static void test_encrypted(void **state)
{
	ex_doc *d = extract("encrypted.pdf");
	STATUS(d, EX_UNSCANNABLE);
	assert_string_equal(ex_doc_part(d, 0)->reason, "encrypted");
	assert_int_equal(ex_doc_segment_count(d), 0);
	ex_doc_free(d);
}

/* An owner password alone restricts editing, not reading. */
static void test_empty_user_password_opens(void **state)
{
	ex_doc *d = extract("owner-only.pdf");
	STATUS(d, EX_OK);
	assert_int_equal(ex_doc_segment_count(d), 2);
	assert_non_null(strstr(page_segment(d, 1)->text, ZH1_EXACT));
	ex_doc_free(d);
}

static void test_truncated(void **state)
{
	ex_doc *d = extract("truncated.pdf");
	STATUS(d, EX_UNSCANNABLE);
	const char *r = ex_doc_part(d, 0)->reason;
	assert_non_null(r);
	assert_memory_equal(r, "corrupt: ", 9);
	assert_true(strlen(r) > 9); /* poppler's own words follow */
	ex_doc_free(d);
}

static void test_garbage_after_header(void **state)
{
	static const char junk[] = "%PDF-1.7\n1 0 obj << /Type /Catalog >>\n"
				   "this is not a PDF body at all\n";
	ex_doc *d = extract_bytes(ctx, "junk.pdf", junk, sizeof junk - 1);
	STATUS(d, EX_UNSCANNABLE);
	REASON(d, "corrupt: ");
	ex_doc_free(d);
}

static void test_attachment(void **state)
{
	ex_doc *d = extract("attach.pdf");
	STATUS(d, EX_OK);
	assert_int_equal(ex_doc_part_count(d), 2);
	assert_string_equal(ex_doc_part(d, 1)->path, "attach.pdf > notes.txt");
	assert_int_equal(ex_doc_part(d, 1)->status, EX_OK);
	assert_true(
	    page_has(d, 0, 1, "Technical annex, see the attached notes."));
	assert_true(page_has(d, 1, 0, "附件说明：稀土萃取分离工艺技术参数表"));
	ex_doc_free(d);
}

/* A scan with no OCR engine: nothing could be read, and it says why. */
static void test_scan_without_ocr_is_unscannable(void **state)
{
	ex_ctx *c = ctx_with((ex_limits){0}, "zzz");
	ex_doc *d = extract_with(c, "scan.pdf");
	STATUS(d, EX_UNSCANNABLE);
	REASON(d, "no page could be read");
	REASON(d, "OCR unavailable");
	assert_int_equal(ex_doc_segment_count(d), 0);
	ex_doc_free(d);
	ex_ctx_free(c);
}

/* --- OCR of scanned pages ------------------------------------------------ */

static void test_scanned_pages(void **state)
{
	NEEDS_OCR();
	ex_doc *d = extract("scan.pdf");
	STATUS(d, EX_OK);
	assert_int_equal(ex_doc_segment_count(d), 2);
	ocr_page(d, 1);
	ocr_page(d, 2);
	READS(d, 1, ZH1);
	READS(d, 1, EN1);
	READS(d, 2, ZH2);
	READS(d, 2, EN2);
	ex_doc_free(d);
}

/*
 * Page 1 has text, page 2 text drawn as outlines (rendered, then OCR),
 * page 3 a scan under a layer of private-use junk (the junk dropped, the
 * scan OCRed), page 4 a plain scan.
 */
static void test_mixed_pages(void **state)
{
	NEEDS_OCR();
	ex_doc *d = extract("mixed.pdf");
	STATUS(d, EX_OK);
	assert_int_equal(ex_doc_segment_count(d), 4);
	assert_false(page_segment(d, 1)->ocr);
	assert_non_null(strstr(page_segment(d, 1)->text, ZH1_EXACT));
	ocr_page(d, 2);
	READS(d, 2, "许可技术范围");
	READS(d, 2, EN2);
	ocr_page(d, 3);
	READS(d, 3, ZH1);
	READS(d, 3, EN1);
	ocr_page(d, 4);
	READS(d, 4, ZH2);
	/* U+E000 is EE 80 80 in UTF-8: none of the junk got through. */
	for (size_t i = 0; i < ex_doc_segment_count(d); i++)
		assert_null(strstr(ex_doc_segment(d, i)->text, "\xee\x80"));
	ex_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_layer),
	    cmocka_unit_test(test_text_layer_needs_no_ocr),
	    cmocka_unit_test(test_fifty_pages_fast),
	    cmocka_unit_test(test_page_limit),
	    cmocka_unit_test(test_encrypted),
	    cmocka_unit_test(test_empty_user_password_opens),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_garbage_after_header),
	    cmocka_unit_test(test_attachment),
	    cmocka_unit_test(test_scan_without_ocr_is_unscannable),
	    cmocka_unit_test(test_scanned_pages),
	    cmocka_unit_test(test_mixed_pages),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
