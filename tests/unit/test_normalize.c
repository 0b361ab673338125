/*
 * The normaliser: each rule, the offset map, limits, broken input, and two
 * broad checks: every case is also normalised a second time (which must
 * change nothing) and checked for valid UTF-8 and a sane map; and random
 * texts without spacing rules are compared with utf8proc's own
 * NFKC_Casefold followed by the t2s table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "normalize.h"
#include "t2s_table.h"

/* --- helpers ------------------------------------------------------------- */

static int valid_utf8(const char *s, size_t n)
{
	utf8proc_int32_t cp;
	for (size_t i = 0; i < n;) {
		utf8proc_ssize_t k =
		    utf8proc_iterate((const utf8proc_uint8_t *)s + i,
				     (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0)
			return 0;
		i += (size_t)k;
	}
	return 1;
}

/* Invariants every result must keep, whatever the input. */
static void check_text(const nz_text *t, size_t in_len)
{
	size_t n = nz_text_len(t);
	const char *d = nz_text_data(t);
	assert_non_null(d);
	assert_int_equal(d[n], '\0');
	assert_true(valid_utf8(d, n));
	assert_int_equal(nz_text_origin(t, n), in_len);
	size_t prev = 0;
	for (size_t i = 0; i <= n; i++) {
		size_t o = nz_text_origin(t, i);
		assert_true(o >= prev);
		assert_true(o <= in_len);
		prev = o;
	}
}

static nz_text *norm(const char *in, size_t len)
{
	nz_text *t = NULL;
	cs_error err;
	cs_code rc = nz_normalize(in, len, (size_t)1 << 30, &t, &err);
	if (rc != CS_OK)
		fail_msg("nz_normalize: %s", err.msg);
	check_text(t, len);
	return t;
}

/* Normalises in (len bytes), expects want, and expects a second pass to
 * leave want unchanged. */
static void expect_norm(const char *in, size_t len, const char *want)
{
	nz_text *t = norm(in, len);
	if (strcmp(nz_text_data(t), want) != 0)
		fail_msg("normalised [%.*s] to [%s], want [%s]", (int)len, in,
			 nz_text_data(t), want);
	assert_int_equal(nz_text_len(t), strlen(want));
	nz_text *t2 = norm(nz_text_data(t), nz_text_len(t));
	if (strcmp(nz_text_data(t2), want) != 0)
		fail_msg("not idempotent: [%s] -> [%s]", want,
			 nz_text_data(t2));
	nz_text_free(t2);
	nz_text_free(t);
}

#define NZ(in, want) expect_norm(in, sizeof(in) - 1, want)

/* The input offsets of output offsets 0..n, compared with want[]. */
static void expect_origins(const char *in, size_t len, const size_t *want,
			   size_t nwant)
{
	nz_text *t = norm(in, len);
	assert_int_equal(nz_text_len(t) + 1, nwant);
	for (size_t i = 0; i < nwant; i++)
		if (nz_text_origin(t, i) != want[i])
			fail_msg("origin(%zu) of [%s] is %zu, want %zu", i,
				 nz_text_data(t), nz_text_origin(t, i),
				 want[i]);
	nz_text_free(t);
}

#define ORIGINS(in, ...)                                                       \
	do {                                                                   \
		static const size_t want_[] = {__VA_ARGS__};                   \
		expect_origins(in, sizeof(in) - 1, want_,                      \
			       sizeof want_ / sizeof want_[0]);                \
	} while (0)

/* The input text behind output bytes [a, b) of t. */
static char *span_of(const nz_text *t, const char *in, size_t a, size_t b)
{
	size_t s = nz_text_origin(t, a), e = nz_text_origin(t, b);
	char *r = malloc(e - s + 1);
	assert_non_null(r);
	memcpy(r, in + s, e - s);
	r[e - s] = '\0';
	return r;
}

/* --- the rules ----------------------------------------------------------- */

static void test_empty(void **state)
{
	(void)state;
	nz_text *t = norm("", 0);
	assert_int_equal(nz_text_len(t), 0);
	assert_string_equal(nz_text_data(t), "");
	assert_int_equal(nz_text_origin(t, 0), 0);
	nz_text_free(t);

	t = NULL;
	assert_int_equal(nz_normalize(NULL, 0, 16, &t, NULL), CS_OK);
	assert_int_equal(nz_text_len(t), 0);
	nz_text_free(t);

	NZ(" \t\r\n\xe3\x80\x80 ", "");
}

static void test_bad_arguments(void **state)
{
	(void)state;
	nz_text *t = NULL;
	cs_error err;
	assert_int_equal(nz_normalize(NULL, 3, 16, &t, &err), CS_EINVAL);
	assert_null(t);
	assert_int_equal(nz_normalize("abc", 3, 16, NULL, &err), CS_EINVAL);
}

static void test_ascii_case(void **state)
{
	(void)state;
	NZ("Hello WORLD", "hello world");
	NZ("LiFePO4 ABCXYZ abcxyz @[`{", "lifepo4 abcxyz abcxyz @[`{");
	NZ("X", "x");
	/* Long enough for the eight-byte blocks, with every kind of break. */
	NZ("The Quick Brown Fox Jumps Over The Lazy Dog, Twice: AGAIN!",
	   "the quick brown fox jumps over the lazy dog, twice: again!");
}

static void test_fullwidth(void **state)
{
	(void)state;
	NZ("ＡＢＣ１２３ｘｙｚ", "abc123xyz");
	NZ("％＞＜＝（）［］｛｝！？", "%><=()[]{}!?");
	NZ("ＬｉＦｅＰＯ４", "lifepo4");
}

static void test_compatibility(void **state)
{
	(void)state;
	NZ("㎏", "kg");
	NZ("m² m³", "m2 m3");
	NZ("①②⑩", "1210");
	NZ("µm", "μm"); /* micro sign to Greek mu */
	NZ("ΜΜ", "μμ");
	NZ("≥ ≤ ±", "≥ ≤ ±");
	NZ("5０％", "50%");
	NZ("ﬁle", "file");
	NZ("Ⅻ", "xii");
	NZ("700℃", "700°c");
}

static void test_unicode_case_folding(void **state)
{
	(void)state;
	NZ("ΣΑΣ", "σασ");
	NZ("Straße", "strasse");
	NZ("ПРИВЕТ", "привет");
	NZ("\xe2\x84\xaa", "k"); /* KELVIN SIGN */
	NZ("ÉCOLE", "école");
}

static void test_combining_marks(void **state)
{
	(void)state;
	NZ("e\xcc\x81", "é");		      /* e + COMBINING ACUTE */
	NZ("E\xcc\x81", "é");		      /* folded, then composed */
	NZ("\xef\xbc\xa5\xcc\x81", "é");      /* full-width E + acute */
	NZ("=\xcc\xb8", "≠");		      /* ASCII composes too */
	NZ("a\xcc\xa3\xcc\x82", "ậ");	      /* marks reordered */
	NZ("\xef\xbd\xb6\xef\xbe\x9e", "ガ"); /* half-width kana + voicing */
	NZ("\xe1\x84\x80\xe1\x85\xa1", "가"); /* conjoining jamo */
}

static void test_traditional(void **state)
{
	(void)state;
	NZ("鐵", "铁");
	NZ("鋰", "锂");
	NZ("雷射", "雷射");
	NZ("體", "体");
	NZ("導", "导");
	NZ("軟體", "软体");
	NZ("積體電路製造", "积体电路制造");
	NZ("简体不变", "简体不变");
	/* A compatibility ideograph: NFKC to 豈, then simplified. */
	NZ("\xef\xa4\x80", "岂");
	/* Mapped to a character outside the BMP. */
	NZ("\xe3\x91\xae", "\xf0\xab\x9d\x88");
}

static void test_t2s_table(void **state)
{
	(void)state;
	size_t n = CS_ARRAY_LEN(nz_t2s_pairs);
	assert_true(n > 3000);
	for (size_t i = 1; i < n; i++)
		assert_true(nz_t2s_pairs[i - 1].from < nz_t2s_pairs[i].from);
	/* Idempotent: no target is itself mapped. */
	for (size_t i = 0; i < n; i++) {
		uint32_t to = nz_t2s_pairs[i].to;
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (nz_t2s_pairs[mid].from < to)
				lo = mid + 1;
			else
				hi = mid;
		}
		assert_false(lo < n && nz_t2s_pairs[lo].from == to);
	}
}

static void test_whitespace_runs(void **state)
{
	(void)state;
	NZ("a \t\r\n  b", "a b");
	NZ("a\u00a0\u00a0b", "a b"); /* no-break space */
	NZ("a\u3000b", "a b");	     /* ideographic space */
	NZ("a\u2003\u2028b", "a b"); /* em space, line separator */
	NZ("a\u200bb", "a b");	     /* zero-width space */
	NZ("  lead and trail \n", "lead and trail");
	NZ("a\v\fb", "a b");
}

static void test_cjk_spacing(void **state)
{
	(void)state;
	NZ("中 文", "中文");
	NZ("激 光 雷 达", "激光雷达");
	NZ("中\r\n文", "中文");
	NZ("中\xe3\x80\x80\xe3\x80\x80文", "中文");
	NZ("技术 。", "技术。");
	NZ("「 技术 」", "「技术」");
	NZ("技术 ， 方法", "技术,方法"); /* full-width comma counts as CJK */
	NZ("技术 LiDAR 方法", "技术 lidar 方法");
	NZ("第 3 条", "第 3 条");
	NZ("技术 , 方法", "技术 , 方法"); /* an ASCII comma is not CJK */
}

static void test_hyphen_join(void **state)
{
	(void)state;
	NZ("trans-\nmission", "transmission");
	NZ("trans-\r\nmission", "transmission");
	NZ("trans- \n  mission", "transmission");
	NZ("trans-\n\nmission", "transmission");
	NZ("Trans-\nmission", "transmission");
	NZ("soft\xc2\xad\nware", "software"); /* soft hyphen */
	NZ("soft\xc2\xadware", "software");
	NZ("trans\xe2\x80\x90\nmission", "transmission"); /* U+2010 */
	NZ("ｔｒａｎｓ－\nｍｉｓｓｉｏｎ", "transmission");
}

static void test_hyphen_kept(void **state)
{
	(void)state;
	NZ("x-ray", "x-ray");
	NZ("rare-earth magnets", "rare-earth magnets");
	NZ("trans-\nMission", "trans- mission");   /* capital after the break */
	NZ("trans- mission", "trans- mission");	   /* no line break */
	NZ("2-\nmethyl", "2- methyl");		   /* no letter before */
	NZ("trans -\nmission", "trans - mission"); /* space before */
	NZ("end-\n", "end-");
	NZ("-\nstart", "- start");
	NZ("a--\nb", "a-- b");
	NZ("中-\n文", "中- 文");
	NZ("a-\n1", "a- 1");
	NZ("-- --", "-- --");
}

static void test_nul_bytes(void **state)
{
	(void)state;
	expect_norm("a\0b", 3, "a\ufffdb");
	expect_norm("\0", 1, "\xef\xbf\xbd");
	expect_norm("\0\0", 2, "\xef\xbf\xbd\xef\xbf\xbd");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
#define FFFD "\xef\xbf\xbd"
	/* Octal escapes, which cannot run into the letter after them. */
	NZ("a\300\257b", "a" FFFD FFFD "b");	      /* overlong '/' */
	NZ("a\340\200\257b", "a" FFFD FFFD FFFD "b"); /* overlong, 3 bytes */
	NZ("a\355\240\200b", "a" FFFD FFFD FFFD "b"); /* surrogate */
	NZ("a\xf4\x90\x80\x80", "a" FFFD FFFD FFFD FFFD); /* above U+10FFFF */
	NZ("a\xe4\xb8", "a" FFFD);			  /* truncated at end */
	NZ("\344\270a", FFFD "a");			  /* truncated inside */
	NZ("\xf0\x9f\x98", FFFD);
	NZ("\x80\xbf", FFFD FFFD); /* stray continuations */
	NZ("\xff\xfe", FFFD FFFD);
	NZ("中\xe4文", "中" FFFD "文");
#undef FFFD
}

/* --- the offset map ------------------------------------------------------ */

static void test_origin_identity(void **state)
{
	(void)state;
	ORIGINS("abc", 0, 1, 2, 3);
	ORIGINS("中文", 0, 1, 2, 3, 4, 5, 6);
}

static void test_origin_fullwidth(void **state)
{
	(void)state;
	ORIGINS("ＡＢ", 0, 3, 6);
	ORIGINS("a，b", 0, 1, 4, 5);
	ORIGINS("技，术", 0, 1, 2, 3, 6, 7, 8, 9);
}

static void test_origin_removed_spaces(void **state)
{
	(void)state;
	ORIGINS("中 文", 0, 1, 2, 4, 5, 6, 7);
	ORIGINS("a  \n b", 0, 1, 5, 6);
	ORIGINS("  ab  ", 2, 3, 6);
	ORIGINS("a\u3000b", 0, 1, 4, 5);
}

static void test_origin_hyphen(void **state)
{
	(void)state;
	ORIGINS("ab-\ncd", 0, 1, 4, 5, 6);
	static const char in[] = "trans- \nmission ok";
	nz_text *t = norm(in, sizeof in - 1);
	assert_string_equal(nz_text_data(t), "transmission ok");
	char *s = span_of(t, in, 0, 12);
	assert_string_equal(s, "trans- \nmission");
	free(s);
	nz_text_free(t);
}

static void test_origin_traditional(void **state)
{
	(void)state;
	static const char in[] = "使用軟體設計";
	nz_text *t = norm(in, sizeof in - 1);
	assert_string_equal(nz_text_data(t), "使用软体设计");
	char *s = span_of(t, in, 6, 12);
	assert_string_equal(s, "軟體");
	free(s);
	nz_text_free(t);
}

static void test_origin_invalid_and_expanding(void **state)
{
	(void)state;
	/* One invalid byte becomes three: all three map to it. */
	ORIGINS("a\377b", 0, 1, 1, 1, 2, 3);
	/* ㎏ (three bytes) becomes "kg": both map to its start. */
	ORIGINS("5㎏!", 0, 1, 1, 4, 5);
	/* ½ (two bytes) becomes "1⁄2" (five): all map to its start. */
	ORIGINS("½x", 0, 0, 0, 0, 0, 2, 3);
}

static void test_origin_spans(void **state)
{
	(void)state;
	static const char in[] = "Ｌｉ 鐵 电池\n  正极-\nmaterial ㎏ ";
	nz_text *t = norm(in, sizeof in - 1);
	const char *d = nz_text_data(t);
	const char *hit = strstr(d, "铁电池");
	assert_non_null(hit);
	size_t a = (size_t)(hit - d);
	/* A span takes the white space dropped after it, up to the next
	 * character that was kept. */
	char *s = span_of(t, in, a, a + strlen("铁电池"));
	assert_string_equal(s, "鐵 电池\n  ");
	free(s);
	hit = strstr(d, "li");
	s = span_of(t, in, (size_t)(hit - d), (size_t)(hit - d) + 2);
	assert_string_equal(s, "Ｌｉ");
	free(s);
	hit = strstr(d, "kg");
	s = span_of(t, in, (size_t)(hit - d), (size_t)(hit - d) + 2);
	assert_string_equal(s, "㎏ ");
	free(s);
	nz_text_free(t);
}

/* A limit above 4 GiB stores the map in its wide form: same origins. */
static void test_origin_wide_map(void **state)
{
	(void)state;
	static const char in[] = "ＡａＢｂ 中 文 ㎏½ trans-\nmission\xff 鐵";
	nz_text *a = norm(in, sizeof in - 1), *b = NULL;
	assert_int_equal(nz_normalize(in, sizeof in - 1, SIZE_MAX, &b, NULL),
			 CS_OK);
	check_text(b, sizeof in - 1);
	assert_string_equal(nz_text_data(a), nz_text_data(b));
	for (size_t i = 0; i <= nz_text_len(a); i++)
		assert_int_equal(nz_text_origin(a, i), nz_text_origin(b, i));
	nz_text_free(a);
	nz_text_free(b);
}

/* --- limits and scale ---------------------------------------------------- */

static void test_max_out(void **state)
{
	(void)state;
	nz_text *t = NULL;
	cs_error err;
	assert_int_equal(nz_normalize("abcdef", 6, 6, &t, &err), CS_OK);
	assert_string_equal(nz_text_data(t), "abcdef");
	nz_text_free(t);

	t = NULL;
	assert_int_equal(nz_normalize("abcdefg", 7, 6, &t, &err), CS_ELIMIT);
	assert_null(t);
	assert_int_equal(err.code, CS_ELIMIT);
	assert_non_null(strstr(err.msg, "limit of 6 bytes"));

	/* Dropped spaces do not count; an expansion does. */
	assert_int_equal(nz_normalize("ab   cd  ", 9, 5, &t, &err), CS_OK);
	nz_text_free(t);
	t = NULL;
	assert_int_equal(nz_normalize("㎏㎏㎏", 9, 5, &t, &err), CS_ELIMIT);
	assert_int_equal(nz_normalize("中文中文", 12, 11, &t, &err), CS_ELIMIT);
	assert_int_equal(nz_normalize("x", 1, 0, &t, &err), CS_ELIMIT);
	assert_int_equal(nz_normalize("", 0, 0, &t, &err), CS_OK);
	nz_text_free(t);
}

/* A large input of each hard kind finishes and keeps its invariants. */
static void test_large_inputs(void **state)
{
	(void)state;
	size_t n = (size_t)4 << 20;
	char *in = malloc(n);
	assert_non_null(in);

	/* One long run of white space. */
	memset(in, ' ', n);
	in[0] = 'a';
	in[n - 1] = 'b';
	nz_text *t = norm(in, n);
	assert_string_equal(nz_text_data(t), "a b");
	nz_text_free(t);

	/* A letter and two million combining marks: clusters are capped. */
	in[0] = 'a';
	for (size_t i = 1; i + 1 < n; i += 2) {
		in[i] = (char)0xcc;
		in[i + 1] = (char)(i % 4 == 1 ? 0x81 : 0xa3);
	}
	in[n - 1] = 'b';
	t = norm(in, n);
	assert_true(nz_text_len(t) > n / 2);
	nz_text_free(t);

	/* Alternating full-width and ASCII: a breakpoint per character. */
	for (size_t i = 0; i + 4 <= n; i += 4)
		memcpy(in + i, "\uff21a", 4);
	t = norm(in, n);
	assert_int_equal(nz_text_len(t), n / 2);
	assert_int_equal(nz_text_origin(t, 101), 203);
	nz_text_free(t);
	free(in);
}

/* --- broad checks -------------------------------------------------------- */

static void test_idempotent_mixed(void **state)
{
	(void)state;
	static const char in[] =
	    "第三條　軟體與積體電路 ：雷射（LiDAR）探測距離≥200ｍ，"
	    "角分辨率±0.1°。\r\n  Rare-\nearth   permanent magnets, 5㎏, "
	    "①②③ — “quoted” Straße ΣΑΣ ｶﾞ\t\xe2\x80\x8b end-\n";
	nz_text *t = norm(in, sizeof in - 1);
	nz_text *t2 = norm(nz_text_data(t), nz_text_len(t));
	assert_string_equal(nz_text_data(t), nz_text_data(t2));
	assert_non_null(strstr(nz_text_data(t), "软体与积体电路:雷射(lidar)"));
	assert_non_null(strstr(nz_text_data(t), "rareearth permanent"));
	nz_text_free(t2);
	nz_text_free(t);
}

/* Characters for random texts: no white space, hyphens or other
 * characters with context rules, so the result must be utf8proc's
 * NFKC_Casefold with the t2s table applied. */
/* clang-format off */
static const char *const alphabet[] = {
	"a", "Z", "e", "=", "<", "7", "@", "é", "É", "ß", "Σ", "ς", "İ",
	"\xcc\x81", "\xcc\xa3", "\xcc\xb8", "\xcd\x85", "\xe3\x82\x99",
	"中", "鐵", "體", "导", "㑮", "\xef\xa4\x80", "\xf0\xa0\x80\x80",
	"。", "「", "、", "〶", "〸", "ＡＢ", "ｅ", "％", "＝", "，",
	"㎏", "①", "½", "ﬁ", "µ", "Ⅻ", "\xe2\x84\xaa", "℃", "…",
	"ｶ", "\xef\xbe\x9e", "か", "\xe1\x84\x80", "\xe1\x85\xa1",
	"\xe1\x86\xa8", "가", "\xef\xbe\xa1", "\xef\xbf\x82",
	"\xe2\x80\x8d", "\xef\xb8\x8f", "\xef\xbf\xbd", "ǅ", "ﷺ",
	"°", "±", "×", "—", "“", "→", "≥", "·", "〜", "～",
};
/* clang-format on */

static char *t2s_string(const char *s)
{
	size_t n = strlen(s);
	char *r = malloc(2 * n + 1); /* 㑮 (three bytes) -> 𫝈 (four) */
	assert_non_null(r);
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k =
		    utf8proc_iterate((const utf8proc_uint8_t *)s + i,
				     (utf8proc_ssize_t)(n - i), &cp);
		assert_true(k > 0);
		size_t lo = 0, hi = CS_ARRAY_LEN(nz_t2s_pairs);
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (nz_t2s_pairs[mid].from < (uint32_t)cp)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < CS_ARRAY_LEN(nz_t2s_pairs) &&
		    nz_t2s_pairs[lo].from == (uint32_t)cp)
			cp = (utf8proc_int32_t)nz_t2s_pairs[lo].to;
		o +=
		    (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)r + o);
		i += (size_t)k;
	}
	r[o] = '\0';
	return r;
}

static void test_matches_utf8proc(void **state)
{
	(void)state;
	unsigned seed = 12345;
	char in[512];
	for (int round = 0; round < 3000; round++) {
		size_t n = 0;
		int parts = 1 + (int)(seed % 12);
		for (int k = 0; k < parts; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *a =
			    alphabet[(seed >> 8) % CS_ARRAY_LEN(alphabet)];
			size_t m = strlen(a);
			memcpy(in + n, a, m);
			n += m;
		}
		in[n] = '\0';
		utf8proc_uint8_t *ref =
		    utf8proc_NFKC_Casefold((const utf8proc_uint8_t *)in);
		assert_non_null(ref);
		char *want = t2s_string((const char *)ref);
		nz_text *t = norm(in, n);
		if (strcmp(nz_text_data(t), want) != 0)
			fail_msg("[%s]: got [%s], utf8proc says [%s]", in,
				 nz_text_data(t), want);
		nz_text *t2 = norm(nz_text_data(t), nz_text_len(t));
		assert_string_equal(nz_text_data(t2), want);
		nz_text_free(t2);
		nz_text_free(t);
		free(want);
		free(ref);
	}
}

/* Pieces with every context rule in play, and broken bytes. */
/* clang-format off */
static const char *const pieces[] = {
	"a", "B", "-", "\n", " ", "\t", "\r\n", "中", "鐵", "，", "。", "ｅ",
	"Ｅ", "\xcc\x81", "\xe3\x82\x99", "か", "ｶ", "\xef\xbe\x9e", "㎏", "½",
	"\u00ad", "\u200b", "\u2010", "\u00a0", "\u3000", "\xff", "\xe4\xb8",
	"ß", "İ", "\xcd\x85", "ﷺ", "…", "\xe1\x84\x80", "\xe1\x85\xa1", "=",
	"\xcc\xb8", "1", "－", "Σ", "\u200d", "\xf0\xa0\x80\x80", "\u2028",
	"\x85", "\xc2\x85", "\ufe20", "\ufe10", "°", "—", "\x01",
};
/* clang-format on */

/* Random texts keep every invariant and are stable under a second pass. */
static void test_random_texts(void **state)
{
	(void)state;
	unsigned seed = 777;
	char in[256];
	for (int round = 0; round < 20000; round++) {
		size_t n = 0;
		seed = seed * 1103515245u + 12345u;
		int parts = 1 + (int)((seed >> 8) % 20);
		for (int k = 0; k < parts; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *p =
			    pieces[(seed >> 8) % CS_ARRAY_LEN(pieces)];
			size_t m = strlen(p);
			memcpy(in + n, p, m);
			n += m;
			if ((seed >> 20) % 16 == 0)
				in[n++] = '\0';
		}
		nz_text *t = norm(in, n);
		nz_text *t2 = norm(nz_text_data(t), nz_text_len(t));
		if (strcmp(nz_text_data(t), nz_text_data(t2)) != 0)
			fail_msg("not idempotent: [%s] -> [%s]",
				 nz_text_data(t), nz_text_data(t2));
		nz_text_free(t2);
		nz_text_free(t);
	}
}

/* The fast paths agree with utf8proc for every character they take. */
static void test_fast_paths_match_utf8proc(void **state)
{
	(void)state;
	static const uint32_t ranges[][2] = {
	    {0x3001, 0x303F}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
	    {0xFF01, 0xFF5E}, {0x21, 0x7E},
	};
	for (size_t r = 0; r < CS_ARRAY_LEN(ranges); r++) {
		for (uint32_t cp = ranges[r][0]; cp <= ranges[r][1]; cp++) {
			if (cp == '-' || cp == 0xFF0D)
				continue; /* hyphens have their own rule */
			/* Inside ASCII, inside CJK, and alone. */
			char in[16], b[4];
			size_t k = (size_t)utf8proc_encode_char(
			    (utf8proc_int32_t)cp, (utf8proc_uint8_t *)b);
			const char *ctx[] = {"x", "中", ""};
			for (size_t c = 0; c < CS_ARRAY_LEN(ctx); c++) {
				size_t cl = strlen(ctx[c]);
				memcpy(in, ctx[c], cl);
				memcpy(in + cl, b, k);
				memcpy(in + cl + k, ctx[c], cl);
				in[2 * cl + k] = '\0';
				utf8proc_uint8_t *ref = utf8proc_NFKC_Casefold(
				    (const utf8proc_uint8_t *)in);
				char *want = t2s_string((const char *)ref);
				nz_text *t = norm(in, 2 * cl + k);
				if (strcmp(nz_text_data(t), want) != 0)
					fail_msg("U+%04X in [%s]: got [%s], "
						 "want [%s]",
						 cp, in, nz_text_data(t), want);
				nz_text_free(t);
				free(want);
				free(ref);
			}
		}
	}
}

static void test_normalize_str(void **state)
{
	(void)state;
	char *s = nz_normalize_str("  激光 雷達 ＬｉＤＡＲ ");
	assert_non_null(s);
	assert_string_equal(s, "激光雷达 lidar");
	free(s);
	s = nz_normalize_str("");
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	s = nz_normalize_str("鋰電池-\nprocess");
	assert_string_equal(s, "锂电池- process");
	free(s);
}

/* One text filled again and again gives what fresh ones give, and an
 * error leaves it empty but usable. */
static void test_into_reuses_buffers(void **state)
{
	(void)state;
	static const char *const inputs[] = {
		"ＬＦＰ的制備工藝", "", "Rare-\nEarth  Magnets\xff", "磷 酸 铁 锂",
		"a much longer English line to grow the buffer, then shrink again",
		"中",
	};
	nz_text *reused = nz_text_new();
	assert_non_null(reused);
	for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
		size_t len = strlen(inputs[i]);
		nz_text *fresh = NULL;
		assert_int_equal(nz_normalize(inputs[i], len, 1024, &fresh, NULL), CS_OK);
		assert_int_equal(nz_normalize_into(reused, inputs[i], len, 1024, NULL),
				 CS_OK);
		assert_int_equal(nz_text_len(reused), nz_text_len(fresh));
		assert_memory_equal(nz_text_data(reused), nz_text_data(fresh),
				    nz_text_len(fresh) + 1);
		for (size_t off = 0; off <= nz_text_len(fresh); off++)
			assert_int_equal(nz_text_origin(reused, off),
					 nz_text_origin(fresh, off));
		nz_text_free(fresh);
	}
	assert_int_equal(nz_normalize_into(reused, "toolong", 7, 3, NULL), CS_ELIMIT);
	assert_int_equal(nz_text_len(reused), 0);
	assert_int_equal(nz_normalize_into(reused, "ok", 2, 16, NULL), CS_OK);
	assert_string_equal(nz_text_data(reused), "ok");
	nz_text_trim(reused, 0);
	assert_int_equal(nz_normalize_into(reused, "AB", 2, 16, NULL), CS_OK);
	assert_string_equal(nz_text_data(reused), "ab");
	nz_text_free(reused);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_into_reuses_buffers),
		cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_bad_arguments),
	    cmocka_unit_test(test_ascii_case),
	    cmocka_unit_test(test_fullwidth),
	    cmocka_unit_test(test_compatibility),
	    cmocka_unit_test(test_unicode_case_folding),
	    cmocka_unit_test(test_combining_marks),
	    cmocka_unit_test(test_traditional),
	    cmocka_unit_test(test_t2s_table),
	    cmocka_unit_test(test_whitespace_runs),
	    cmocka_unit_test(test_cjk_spacing),
	    cmocka_unit_test(test_hyphen_join),
	    cmocka_unit_test(test_hyphen_kept),
	    cmocka_unit_test(test_nul_bytes),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_origin_identity),
	    cmocka_unit_test(test_origin_fullwidth),
	    cmocka_unit_test(test_origin_removed_spaces),
	    cmocka_unit_test(test_origin_hyphen),
	    cmocka_unit_test(test_origin_traditional),
	    cmocka_unit_test(test_origin_invalid_and_expanding),
	    cmocka_unit_test(test_origin_spans),
	    cmocka_unit_test(test_origin_wide_map),
	    cmocka_unit_test(test_max_out),
	    cmocka_unit_test(test_large_inputs),
	    cmocka_unit_test(test_idempotent_mixed),
	    cmocka_unit_test(test_matches_utf8proc),
	    cmocka_unit_test(test_random_texts),
	    cmocka_unit_test(test_fast_paths_match_utf8proc),
	    cmocka_unit_test(test_normalize_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
