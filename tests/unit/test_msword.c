/*
 * Legacy Word (.doc) end to end: documents made by tests/gen/mkdoc.py
 * (a compound file with a FIB and a piece table, built from the
 * specifications) are read with the real ex_extract(): UTF-16 and 8-bit
 * pieces, pieces stored out of order, Word's control characters and
 * fields, and the damaged ones it must survive: encrypted, truncated, a
 * compound file with no WordDocument stream, every byte of the FIB and
 * the Clx overwritten. The documents go to a fresh temporary folder
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
#include <unistd.h>

#include "extract.h"

#define MSWORD "application/msword"
#define ZH "本合同项下乙方向甲方转让稀土萃取分离工艺技术及全套工艺文件。"
#define EN "Licensor shall transfer the rare earth solvent extraction separation process know-how."

/* Where mkdoc.py puts the streams: header, FAT, directory, then 8 sectors
 * of WordDocument, then 1Table; the Clx is at the start of 1Table. */
#define WD_AT (3 * 512)
#define TABLE_AT (11 * 512)
#define FIB_BYTES 0x1b0
#define CLX_BYTES 64

static char dir[64];
static ex_ctx *ctx;

/* Writes name in the fixture folder with mkdoc.py's options and text. */
static void make(const char *name, const char *opts, const char *text)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "python3 tests/gen/mkdoc.py %s '%s/%s' '%s'", opts, dir,
		 name, text);
	if (system(cmd) != 0)
		fail_msg("cannot run: %s", cmd);
}

static void load(const char *name, char **data, size_t *len)
{
	char path[256];
	cs_error err;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (cs_read_file(path, (size_t)1 << 24, data, len, &err) != CS_OK)
		fail_msg("%s", err.msg);
}

static ex_doc *extract_bytes(const char *data, size_t len, const char *name)
{
	ex_doc *d = NULL;
	cs_error err;
	if (ex_extract(ctx, data, len, name, &d, &err) != CS_OK)
		fail_msg("ex_extract %s: %s", name, err.msg);
	return d;
}

static ex_doc *extract(const char *name)
{
	char *data;
	size_t len;
	load(name, &data, &len);
	ex_doc *d = extract_bytes(data, len, name);
	free(data);
	return d;
}

/* All text of the document, segments joined; the caller frees it. */
static char *all_text(const ex_doc *d)
{
	cs_buf b;
	cs_buf_init(&b, (size_t)1 << 24);
	for (size_t i = 0; i < ex_doc_segment_count(d); i++)
		assert_int_equal(cs_buf_add(&b, ex_doc_segment(d, i)->text,
					    ex_doc_segment(d, i)->len), CS_OK);
	assert_int_equal(cs_buf_adds(&b, ""), CS_OK);
	return cs_buf_steal(&b, NULL);
}

/* name reads in full as a .doc and gives exactly text. */
static void check_text(const char *name, const char *text)
{
	ex_doc *d = extract(name);
	assert_string_equal(ex_doc_part(d, 0)->type, MSWORD);
	if (ex_doc_part(d, 0)->reason)
		fail_msg("%s: %s", name, ex_doc_part(d, 0)->reason);
	assert_int_equal(ex_doc_part(d, 0)->status, EX_OK);
	char *t = all_text(d);
	assert_string_equal(t, text);
	free(t);
	ex_doc_free(d);
}

/* name is not ok, with a reason that holds why. */
static void check_bad(ex_doc *d, ex_status status, const char *why)
{
	const ex_part *p = ex_doc_part(d, 0);
	assert_int_equal(p->status, status);
	assert_non_null(p->reason);
	if (!strstr(p->reason, why))
		fail_msg("reason [%s] lacks [%s]", p->reason, why);
}

#define TEXT(name, opts, in, out)                                               \
	do {                                                                    \
		make(name, opts, in);                                           \
		check_text(name, out);                                          \
	} while (0)

/* --- setup --------------------------------------------------------------- */

static int setup(void **state)
{
	cs_error err;
	snprintf(dir, sizeof dir, "/tmp/catscan-msword-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return ex_ctx_new(NULL, &ctx, &err) == CS_OK ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	ex_ctx_free(ctx);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* --- text ---------------------------------------------------------------- */

static void test_utf16(void **state)
{
	TEXT("zh.doc", "", ZH, ZH "\n");
}

static void test_compressed(void **state)
{
	TEXT("en.doc", "--compressed", EN, EN "\n");
	/* cp1252 beyond ASCII: curly quotes, e acute, the euro sign. */
	TEXT("cp1252.doc", "--compressed", "“café” €",
	     "\xe2\x80\x9c" "caf\xc3\xa9\xe2\x80\x9d \xe2\x82\xac\n");
}

/* Pieces stored in reverse order are read in CP order. */
static void test_pieces(void **state)
{
	TEXT("zh2.doc", "--pieces 2", ZH, ZH "\n");
	TEXT("en3.doc", "--compressed --pieces 3", EN, EN "\n");
	TEXT("mixed.doc", "--pieces 4 --mixed", EN, EN "\n");
}

static void test_controls(void **state)
{
	/* Paragraph, line and page breaks; a table row of two cells. */
	TEXT("breaks.doc", "", "a\\x0db\\x0bc\\x0cd", "a\nb\nc\nd\n");
	TEXT("table.doc", "--compressed", "x\\x07y\\x07\\x07z", "x\ty\t\nz\n");
	/* Field instructions dropped, results kept, nested fields too. */
	TEXT("field.doc", "",
	     "see \\x13 HYPERLINK \"http://x\" \\x14稀土\\x15 here",
	     "see 稀土 here\n");
	TEXT("nested.doc", "--compressed",
	     "A\\x13 IF \\x13 PAGE \\x14 1\\x15 = 1 \\x14B\\x15C", "ABC\n");
	/* Other controls dropped; the non-breaking hyphen is a hyphen. */
	TEXT("misc.doc", "", "x\\x01y\\x02z\\x1fw\\x1ev", "xyzw-v\n");
	/* Stray field marks are ignored. */
	TEXT("stray.doc", "", "a\\x14b\\x15c", "abc\n");
}

/* --- damage -------------------------------------------------------------- */

static void test_encrypted(void **state)
{
	make("enc.doc", "--encrypted", ZH);
	ex_doc *d = extract("enc.doc");
	assert_string_equal(ex_doc_part(d, 0)->type, MSWORD);
	check_bad(d, EX_UNSCANNABLE, "encrypted");
	assert_int_equal(ex_doc_segment_count(d), 0);
	ex_doc_free(d);
}

/* A compound file that is not a Word document is not taken for one. */
static void test_no_word_stream(void **state)
{
	make("noword.doc", "--no-word", ZH);
	ex_doc *d = extract("noword.doc");
	assert_string_not_equal(ex_doc_part(d, 0)->type, MSWORD);
	check_bad(d, EX_UNSCANNABLE, "unsupported format");
	ex_doc_free(d);
}

/* Cut anywhere, a .doc is unscannable or partial, never read as ok. */
static void test_truncated(void **state)
{
	static const size_t cuts[] = {600, 1536, 2000, 3000, 5632, 6000, 9000};
	char *data;
	size_t len;
	make("cut.doc", "", ZH);
	load("cut.doc", &data, &len);
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		assert_true(cuts[i] < len);
		ex_doc *d = extract_bytes(data, cuts[i], "cut.doc");
		const ex_part *p = ex_doc_part(d, 0);
		if (p->status == EX_OK)
			fail_msg("cut at %zu read as ok", cuts[i]);
		if (strcmp(p->type, MSWORD) == 0 &&
		    strncmp(p->reason, "corrupt: ", 9) != 0)
			fail_msg("cut at %zu: reason [%s]", cuts[i], p->reason);
		ex_doc_free(d);
	}
	free(data);
}

/* A named damage gives its reason. */
static void test_damage_named(void **state)
{
	char *data;
	size_t len;
	make("dmg.doc", "", ZH);
	load("dmg.doc", &data, &len);
	/* wIdent */
	data[WD_AT] = 0;
	ex_doc *d = extract_bytes(data, len, "dmg.doc");
	check_bad(d, EX_UNSCANNABLE, "corrupt: no Word FIB");
	ex_doc_free(d);
	data[WD_AT] = (char)0xec;
	/* lcbClx larger than the table stream */
	data[WD_AT + 0x1a6 + 2] = 0x7f;
	d = extract_bytes(data, len, "dmg.doc");
	check_bad(d, EX_UNSCANNABLE, "corrupt: the Clx");
	ex_doc_free(d);
	data[WD_AT + 0x1a6 + 2] = 0;
	/* no Clx at all */
	char lcb = data[WD_AT + 0x1a6];
	data[WD_AT + 0x1a6] = 0;
	d = extract_bytes(data, len, "dmg.doc");
	check_bad(d, EX_UNSCANNABLE, "corrupt: the FIB gives no Clx");
	ex_doc_free(d);
	data[WD_AT + 0x1a6] = lcb;
	/* the piece's fc far past the stream */
	data[TABLE_AT + 6 + 5 + 8 + 5] = 0x3f;
	d = extract_bytes(data, len, "dmg.doc");
	check_bad(d, EX_PARTIAL, "corrupt: piece 1 runs past the end");
	ex_doc_free(d);
	free(data);
}

/* Every byte of the FIB and the Clx set to 0x00 and to 0xff in turn. */
static void test_every_byte(void **state)
{
	char *data;
	size_t len;
	make("fuzz.doc", "--pieces 2", ZH);
	load("fuzz.doc", &data, &len);
	for (size_t i = 0; i < FIB_BYTES + CLX_BYTES; i++) {
		size_t at = i < FIB_BYTES ? WD_AT + i : TABLE_AT + i - FIB_BYTES;
		char keep = data[at];
		for (int v = 0; v < 2; v++) {
			data[at] = v ? (char)0xff : 0;
			ex_doc *d = extract_bytes(data, len, "fuzz.doc");
			ex_doc_free(d);
		}
		data[at] = keep;
	}
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_compressed),
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_no_word_stream),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_damage_named),
		cmocka_unit_test(test_every_byte),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
