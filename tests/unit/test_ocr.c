/*
 * OCR and pictures: the real ex_extract() and ex_ocr on page images made
 * by tests/make-scans.sh (PNG, a tilted noisy JPEG, a screen-resolution
 * PNG, a two-page TIFF, GIF, WebP, a blurred JPEG) and on hostile headers.
 *
 * The fixtures live in $CATSCAN_FIXTURES (default build/fixtures) and are
 * made there when scans.stamp is missing or older than the script; run
 * from the top of the source tree. OCR text is compared after the
 * project's normaliser and with spaces removed, as the matcher sees it, so
 * that a traditional form or a space Tesseract puts between words does not
 * fail a test; a misread character still does.
 *
 * CATSCAN_SKIP_OCR=1 skips the cases that run Tesseract's recognition
 * (slow under ASan); header checks and failures still run.
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
#include "ocr.h"

#include "scan_fixtures.h"

/* True when the text of page (0: any) holds phrase, as squeeze() sees it. */
static bool page_has(const ex_doc *d, int page, const char *phrase)
{
	char *want = squeeze(phrase);
	bool found = false;
	for (size_t i = 0; i < ex_doc_segment_count(d) && !found; i++) {
		const ex_segment *g = ex_doc_segment(d, i);
		if (page && g->page != page)
			continue;
		char *got = squeeze(g->text);
		found = strstr(got, want) != NULL;
		free(got);
	}
	free(want);
	return found;
}

#define READS(d, page, phrase)                                                 \
	do {                                                                   \
		if (!page_has(d, page, phrase)) {                              \
			dump(d);                                               \
			fail_msg("page %d does not read [%s]", page, phrase);  \
		}                                                              \
	} while (0)

/* Every segment is OCR of a page, with a confidence that reads well. */
static void all_ocr(const ex_doc *d, size_t want_segments)
{
	if (ex_doc_segment_count(d) != want_segments) {
		dump(d);
		fail_msg("%zu segments, not %zu", ex_doc_segment_count(d),
			 want_segments);
	}
	for (size_t i = 0; i < want_segments; i++) {
		const ex_segment *g = ex_doc_segment(d, i);
		assert_true(g->ocr);
		assert_int_equal(g->page, (int)i + 1);
		assert_true(g->ocr_confidence >= 60 &&
			    g->ocr_confidence <= 100);
	}
}

#define ZH1 "稀土萃取分离工艺技术"
#define ZH1B "永磁材料制备技术"
#define EN1 "lithium iron phosphate cathode preparation process"
#define ZH2 "无人机飞行控制技术"
#define EN2 "Scope of the licensed technology"

/* --- setup --------------------------------------------------------------- */


/* --- hostile headers: refused before decoding ---------------------------- */

static void test_huge_png_refused_from_header(void **state)
{
	ex_doc *d = extract("huge.png");
	STATUS(d, EX_UNSCANNABLE);
	assert_string_equal(
	    ex_doc_part(d, 0)->reason,
	    "image too large (10000000000 pixels, limit 100000000)");
	assert_int_equal(ex_doc_segment_count(d), 0);
	if (last_seconds > 0.05 * SLOWDOWN)
		fail_msg("took %.3f s", last_seconds);
	ex_doc_free(d);
}

static void test_huge_gif_frame_refused(void **state)
{
	ex_doc *d = extract("huge.gif");
	STATUS(d, EX_UNSCANNABLE);
	REASON(d, "image too large (4294836481 pixels, limit 100000000)");
	if (last_seconds > 0.05 * SLOWDOWN)
		fail_msg("took %.3f s", last_seconds);
	ex_doc_free(d);
}

static void test_pixel_limit_configured(void **state)
{
	ex_ctx *c = ctx_with((ex_limits){.max_pixels = 1000000}, NULL);
	ex_doc *d = extract_with(c, "page1.png");
	STATUS(d, EX_UNSCANNABLE);
	/* A4 at 300 dpi */
	assert_string_equal(ex_doc_part(d, 0)->reason,
			    "image too large (8699840 pixels, limit 1000000)");
	ex_doc_free(d);
	ex_ctx_free(c);
}

static void test_truncated_png_is_corrupt(void **state)
{
	size_t len;
	char *data = fixture_bytes("page1.png", &len);
	ex_doc *d = extract_bytes(ctx, "cut.png", data, 300);
	assert_string_equal(ex_doc_part(d, 0)->type, "image/png");
	STATUS(d, EX_UNSCANNABLE);
	REASON(d, "corrupt: ");
	assert_int_equal(ex_doc_segment_count(d), 0);
	ex_doc_free(d);
	free(data);
}

static void test_missing_language_data(void **state)
{
	ex_ocr *ocr = NULL;
	cs_error err;
	cs_error_clear(&err);
	assert_int_equal(ex_ocr_new("zzz", NULL, &ocr, &err), CS_EBACKEND);
	assert_null(ocr);
	assert_non_null(strstr(err.msg, "\"zzz\""));

	/* Through extraction: the picture is unscannable, with the cause. */
	ex_ctx *c = ctx_with((ex_limits){0}, "zzz");
	ex_doc *d = extract_with(c, "page1.png");
	STATUS(d, EX_UNSCANNABLE);
	REASON(d, "OCR unavailable: ");
	REASON(d, "zzz");
	ex_doc_free(d);
	ex_ctx_free(c);
}

/* --- OCR ----------------------------------------------------------------- */

static void test_png_page(void **state)
{
	NEEDS_OCR();
	ex_doc *d = extract("page1.png");
	assert_string_equal(ex_doc_part(d, 0)->type, "image/png");
	STATUS(d, EX_OK);
	all_ocr(d, 1);
	READS(d, 1, ZH1);
	READS(d, 1, ZH1B);
	READS(d, 1, EN1);
	READS(d, 1, "技术转让合同");
	ex_doc_free(d);
}

static void test_photo_tilted_noisy(void **state)
{
	NEEDS_OCR();
	ex_doc *d = extract("photo.jpg");
	assert_string_equal(ex_doc_part(d, 0)->type, "image/jpeg");
	STATUS(d, EX_OK);
	all_ocr(d, 1);
	READS(d, 1, ZH1);
	READS(d, 1, EN1);
	ex_doc_free(d);
}

static void test_small_image_scaled_up(void **state)
{
	NEEDS_OCR();
	ex_doc *d = extract("small.png");
	STATUS(d, EX_OK);
	all_ocr(d, 1);
	READS(d, 1, ZH1);
	READS(d, 1, "lithium iron phosphate");
	ex_doc_free(d);
}

static void test_tiff_pages(void **state)
{
	NEEDS_OCR();
	ex_doc *d = extract("pages.tif");
	assert_string_equal(ex_doc_part(d, 0)->type, "image/tiff");
	STATUS(d, EX_OK);
	all_ocr(d, 2);
	READS(d, 1, ZH1);
	READS(d, 1, EN1);
	READS(d, 2, ZH2);
	READS(d, 2, EN2);
	assert_false(page_has(d, 1, ZH2));
	ex_doc_free(d);
}

static void test_tiff_page_limit(void **state)
{
	NEEDS_OCR();
	ex_ctx *c = ctx_with((ex_limits){.max_pages = 1}, NULL);
	ex_doc *d = extract_with(c, "pages.tif");
	STATUS(d, EX_PARTIAL);
	REASON(d, "page limit (max_pages 1) reached");
	all_ocr(d, 1);
	READS(d, 1, ZH1);
	ex_doc_free(d);
	ex_ctx_free(c);
}

static void test_gif_and_webp(void **state)
{
	NEEDS_OCR();
	static const char *const names[] = {"page1.gif", "page1.webp"};
	for (size_t i = 0; i < CS_ARRAY_LEN(names); i++) {
		ex_doc *d = extract(names[i]);
		STATUS(d, EX_OK);
		all_ocr(d, 1);
		READS(d, 1, ZH1);
		READS(d, 1, EN1);
		ex_doc_free(d);
	}
}

static void test_low_confidence_is_reported(void **state)
{
	NEEDS_OCR();
	ex_doc *d = extract("blurred.jpg");
	/* The doubtful text is kept, and the doubt is on the part. */
	STATUS(d, EX_PARTIAL);
	REASON(d, "low OCR confidence (");
	REASON(d, ") on page 1");
	assert_true(ex_doc_segment_count(d) >= 1);
	const ex_segment *g = ex_doc_segment(d, 0);
	assert_true(g->ocr && g->page == 1);
	assert_true(g->ocr_confidence >= 0 && g->ocr_confidence < 60);
	ex_doc_free(d);
}

static void test_truncated_jpeg_reads_what_is_there(void **state)
{
	NEEDS_OCR();
	size_t len;
	char *data = fixture_bytes("photo.jpg", &len);
	/* Half the file: the top of the page, where the text is. */
	ex_doc *d = extract_bytes(ctx, "cut.jpg", data, len / 2);
	STATUS(d, EX_PARTIAL);
	REASON(d, "corrupt: damaged JPEG data (");
	READS(d, 1, "技术转让合同");
	READS(d, 1, "Licensor shall transfer");
	ex_doc_free(d);
	free(data);
}

/* The engine directly: a deadline, then the same engine reused. */
static void test_ocr_deadline_and_reuse(void **state)
{
	NEEDS_OCR();
	char path[700];
	snprintf(path, sizeof path, "%s/page1.png", fixtures);
	PIX *pix = pixRead(path);
	assert_non_null(pix);
	ex_ocr *ocr = NULL;
	cs_error err;
	char *text = NULL;
	float conf = -1;
	assert_int_equal(ex_ocr_new(NULL, NULL, &ocr, &err), CS_OK);

	assert_int_equal(ex_ocr_pix(ocr, pix, 0.001, &text, &conf, &err),
			 CS_ETIMEOUT);
	assert_null(text);
	assert_non_null(strstr(err.msg, "time limit"));

	/* A deadline passed does not stick to the next page. */
	assert_int_equal(ex_ocr_pix(ocr, pix, 60, &text, &conf, &err), CS_OK);
	char *got = squeeze(text), *want = squeeze(ZH1);
	assert_non_null(strstr(got, want));
	assert_true(conf >= 60 && conf <= 100);
	free(got);
	free(want);
	free(text);

	/* No bound at all, and a picture of another depth (1 bpp). */
	PIX *bin = pixConvertTo1(pix, 128);
	assert_int_equal(ex_ocr_pix(ocr, bin, 0, &text, &conf, &err), CS_OK);
	got = squeeze(text);
	want = squeeze(EN1);
	assert_non_null(strstr(got, want));
	free(got);
	free(want);
	free(text);

	pixDestroy(&bin);
	pixDestroy(&pix);
	ex_ocr_free(ocr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_huge_png_refused_from_header),
	    cmocka_unit_test(test_huge_gif_frame_refused),
	    cmocka_unit_test(test_pixel_limit_configured),
	    cmocka_unit_test(test_truncated_png_is_corrupt),
	    cmocka_unit_test(test_missing_language_data),
	    cmocka_unit_test(test_png_page),
	    cmocka_unit_test(test_photo_tilted_noisy),
	    cmocka_unit_test(test_small_image_scaled_up),
	    cmocka_unit_test(test_tiff_pages),
	    cmocka_unit_test(test_tiff_page_limit),
	    cmocka_unit_test(test_gif_and_webp),
	    cmocka_unit_test(test_low_confidence_is_reported),
	    cmocka_unit_test(test_truncated_jpeg_reads_what_is_there),
	    cmocka_unit_test(test_ocr_deadline_and_reuse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
