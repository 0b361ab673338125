/*
 * normalize.c: one pass from document text to the canonical form the
 * matcher sees.
 *
 * The problem. NFKC, case folding and traditional -> simplified mapping are
 * per character; the white-space and hyphenation rules need one character
 * of context on each side; and all of it runs over every byte of every
 * document, so a general Unicode normaliser per character would dominate
 * the scan.
 *
 * The idea. Almost every byte is either ASCII or a BMP CJK ideograph, and
 * for both NFKC with case folding is trivial: ASCII only lower-cases, an
 * ideograph is already NFKC and only needs the traditional -> simplified
 * table (t2s_table.h, a bitmap with ranks, so one lookup with no search).
 * Two tight loops copy runs of those straight into the output. Everything
 * else goes through utf8proc, one "cluster" at a time: a character plus the
 * combining marks (and the like) that follow it, which is the smallest unit
 * NFKC can change as a whole. ASCII letters and full-width forms can take a
 * following combining mark ("e" + U+0301 -> "é"), so the fast loops look one
 * byte ahead and leave such a letter to the cluster path. A cluster is cut
 * at 32 characters, as in the Unicode stream-safe format, so a hostile run
 * of marks cannot make the canonical reordering quadratic.
 *
 * What comes out of either path is fed to a small writer that knows the
 * context rules: a run of white space is held back until the next visible
 * character shows whether it becomes one space or nothing (nothing at the
 * start and end, and between two CJK characters), and a hyphen after a
 * letter is held back until we know whether a line break and a lower-case
 * letter follow it, in which case both disappear.
 *
 * The offset map. The writer records a breakpoint (output offset, input
 * offset) only when the difference between the two changes, so plain ASCII
 * or Chinese costs nothing and each full-width character, dropped space or
 * joined hyphen costs one. A character whose output is longer than its
 * input (㎏ -> kg) gets a "flat" breakpoint that maps all its bytes to its
 * first input byte, so the origin never runs past the character. The map
 * has at most one breakpoint per output character, 8 bytes each (16 when
 * the input passes 2 GiB or max_out 4 GiB), so max_out also bounds its
 * size; ordinary Chinese text with full-width punctuation needs about one
 * per 20 characters.
 */
#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "t2s_table.h"

/* Unicode's stream-safe limit on a run of non-starters, plus the starter. */
#define NZ_CLUSTER_MAX 32
/* The longest NFKC + case-fold expansion of one character is 18 (U+FDFA). */
#define NZ_DECOMP_MAX (NZ_CLUSTER_MAX * 18)

#define NZ_REPLACEMENT 0xFFFDu
/* Marks a breakpoint whose every output byte maps to the same input byte. */
#define NZ_FLAT ((uint64_t)1 << 63)
#define NZ_FLAT32 ((uint32_t)1 << 31)

/*
 * Flags of an output character, for the context rules: CJK (an ideograph or
 * CJK punctuation: no space is kept beside another), LETTER (a non-CJK
 * letter: may precede a joinable hyphen), LOWER (lower case in the input:
 * may follow one).
 */
#define NZ_F_CJK 1u
#define NZ_F_LETTER 2u
#define NZ_F_LOWER 4u

/* COMPOSE here too: utf8proc decomposes and reorders marks only when asked
 * for a normal form. */
#define NZ_DECOMPOSE_OPTS                                                      \
	(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |                \
	 UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)
#define NZ_COMPOSE_OPTS (UTF8PROC_STABLE | UTF8PROC_COMPOSE)

typedef struct nz_bp {
	uint64_t out;
	uint64_t in; /* NZ_FLAT or'ed in for a flat breakpoint */
} nz_bp;

/* The same in half the memory, for inputs below 2 GiB and outputs below
 * 4 GiB, which is every text a scan sees in practice. */
typedef struct nz_bp32 {
	uint32_t out;
	uint32_t in; /* NZ_FLAT32 or'ed in for a flat breakpoint */
} nz_bp32;

struct nz_text {
	char *data;
	size_t len;
	void *map; /* nz_bp when wide, else nz_bp32 */
	size_t nmap;
	int wide;
	size_t in_len;
	size_t data_cap, map_cap; /* kept for nz_normalize_into */
};

typedef struct nz_writer {
	cs_buf out;
	cs_buf map; /* an array of nz_bp or nz_bp32 */
	int wide;
	nz_bp last; /* the newest breakpoint, valid when have_bp */
	int have_bp;

	int ws;	   /* a run of white space is pending */
	int ws_nl; /* ... and it holds a line break */
	size_t ws_in;

	int hy;		/* a hyphen after a letter is pending */
	uint32_t hy_cp; /* 0 for a soft hyphen, which prints nothing */
	size_t hy_in, hy_len;

	int have_prev; /* something has been written */
	unsigned prev; /* NZ_F_* of the last character written */
} nz_writer;

/* --- small character helpers --------------------------------------------- */

static int is_ideograph(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0x20000 && cp <= 0x323AF);
}

/* The fast loop's ideographs: NFKC-stable, three bytes, in the bitmap. */
static int is_bmp_ideograph(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

/*
 * U+3001..U+303F that NFKC leaves alone and that never combine: all but the
 * tone marks U+302A..U+302F and the compatibility forms U+3036, U+3038..A.
 * Bit n stands for U+3000 + n.
 */
#define NZ_CJK_PUNCT_FAST 0xF8BF03FFFFFFFFFEull
static int is_fast_cjk_punct(uint32_t cp)
{
	return cp >= 0x3000 && cp <= 0x303F &&
	       ((NZ_CJK_PUNCT_FAST >> (cp - 0x3000)) & 1);
}

/*
 * CJK characters after normalisation: no space is kept between two. Not
 * the combining marks among them (U+302A..F, U+3099, U+309A): a space
 * dropped before a mark would let it combine on the next pass.
 */
static int is_cjk(uint32_t cp)
{
	if (is_ideograph(cp))
		return 1;
	if (cp < 0x3001 || cp > 0x31FF)
		return 0;
	return cp <= 0x3029 || (cp >= 0x3030 && cp <= 0x3098) ||
	       (cp >= 0x309B && cp <= 0x30FF) || cp >= 0x31F0;
}

/*
 * Punctuation that is CJK in the input but ASCII after NFKC (full-width
 * "，" becomes ","): it still counts as CJK for the space rule.
 */
static int is_cjk_source_punct(uint32_t cp)
{
	/* Vertical, compatibility and small forms, but not the combining
	 * half marks U+FE20..U+FE2F among them. */
	if (cp >= 0xFE10 && cp <= 0xFE6F)
		return cp < 0xFE20 || cp > 0xFE2F;
	if (cp < 0xFF01 || cp > 0xFF65)
		return 0;
	uint32_t a = cp - 0xFEE0;
	return !((a >= '0' && a <= '9') || (a >= 'A' && a <= 'Z') ||
		 (a >= 'a' && a <= 'z'));
}

static int is_line_break(uint32_t cp)
{
	return (cp >= '\n' && cp <= '\r') || cp == 0x85 || cp == 0x2028 ||
	       cp == 0x2029;
}

/* White space as it can appear after NFKC (which has made most of it ' '). */
static int is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || is_line_break(cp) || cp == 0x1680 ||
	       cp == 0x200B;
}

/* Set bits in x; the builtin becomes a library call without -mpopcnt. */
static unsigned popcount64(uint64_t x)
{
	x = x - ((x >> 1) & UINT64_C(0x5555555555555555));
	x = (x & UINT64_C(0x3333333333333333)) +
	    ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0F0F0F0F0F0F0F0F);
	return (unsigned)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* cp's simplified form, for cp in the bitmap range. */
static inline uint32_t t2s_bmp(uint32_t cp)
{
	uint32_t off = cp - NZ_T2S_BITS_LO;
	uint64_t word = nz_t2s_bits[off >> 6];
	if (!((word >> (off & 63)) & 1))
		return cp;
	uint64_t below = word & ((UINT64_C(1) << (off & 63)) - 1);
	return nz_t2s_pairs[nz_t2s_rank[off >> 6] + popcount64(below)].to;
}

static uint32_t t2s(uint32_t cp)
{
	if (cp >= NZ_T2S_BITS_LO && cp <= NZ_T2S_BITS_HI)
		return t2s_bmp(cp);
	size_t lo = 0, hi = CS_ARRAY_LEN(nz_t2s_pairs);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (nz_t2s_pairs[mid].from < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < CS_ARRAY_LEN(nz_t2s_pairs) && nz_t2s_pairs[lo].from == cp)
		return nz_t2s_pairs[lo].to;
	return cp;
}

static size_t utf8_encode(uint32_t cp, char *dst)
{
	unsigned char *d = (unsigned char *)dst;
	if (cp < 0x80) {
		d[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (unsigned char)(0xC0 | (cp >> 6));
		d[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (unsigned char)(0xE0 | (cp >> 12));
		d[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		d[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	d[0] = (unsigned char)(0xF0 | (cp >> 18));
	d[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	d[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	d[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Decodes one character at s (n > 0 bytes). Returns the bytes it takes and
 * sets *cp, or -1 for an invalid sequence, in which case the return is the
 * length of its maximal valid prefix (at least 1), so each broken sequence
 * becomes one U+FFFD as Unicode recommends. Rejects overlong forms,
 * surrogates and values above U+10FFFF.
 */
static size_t utf8_decode(const unsigned char *s, size_t n, int32_t *cp)
{
	unsigned c = s[0];
	size_t need;
	unsigned lo = 0x80, hi = 0xBF;
	uint32_t v;

	*cp = -1;
	if (c < 0x80) {
		*cp = (int32_t)c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 1;
	}
	for (size_t k = 1; k <= need; k++) {
		if (k >= n)
			return k;
		unsigned b = s[k];
		if (b < lo || b > hi)
			return k;
		lo = 0x80;
		hi = 0xBF;
		v = (v << 6) | (b & 0x3F);
	}
	*cp = (int32_t)v;
	return need + 1;
}

/*
 * Whether NFKC with case folding leaves cp alone when nothing attaches to
 * it: no decomposition, no case folding, not ignorable. Most symbols and
 * punctuation outside the fast paths (°, ±, ×, quotes, dashes, arrows) are
 * such, and skip utf8proc's decomposition. The UINT16_MAX "none" is
 * utf8proc's own convention for these two fields.
 */
static int stable_alone(const utf8proc_property_t *p)
{
	return p->decomp_seqindex == UINT16_MAX &&
	       p->casefold_seqindex == UINT16_MAX && !p->ignorable;
}

static int is_mark(const utf8proc_property_t *p)
{
	return p->combining_class != 0 || p->category == UTF8PROC_CATEGORY_MN ||
	       p->category == UTF8PROC_CATEGORY_MC ||
	       p->category == UTF8PROC_CATEGORY_ME;
}

/*
 * Whether cp, following another character, may change it under NFKC: it is
 * (or starts with, once decomposed) a combining mark, or a Hangul vowel or
 * final consonant jamo, or it vanishes. Nothing below U+0300 and none of
 * the fast-path characters does.
 */
static int attaches(int32_t cp)
{
	if (cp < 0x300 || is_bmp_ideograph((uint32_t)cp) || cp == 0x200B)
		return 0; /* U+200B is a word break here, not an ignorable */
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return 0;
	const utf8proc_property_t *p = utf8proc_get_property(cp);
	if (p->ignorable)
		return 1;
	int32_t first = cp;
	if (!stable_alone(p)) {
		utf8proc_int32_t d[32];
		utf8proc_ssize_t n = utf8proc_decompose_char(
		    cp, d, (utf8proc_ssize_t)CS_ARRAY_LEN(d), NZ_DECOMPOSE_OPTS,
		    NULL);
		if (n <= 0 || n > (utf8proc_ssize_t)CS_ARRAY_LEN(d))
			return n == 0;
		first = d[0];
		p = utf8proc_get_property(first);
	}
	return is_mark(p) || (first >= 0x1160 && first <= 0x11FF);
}

/*
 * How many bytes from in[i] join the character before them under NFKC: one
 * attaching character, with any soft hyphens in front of it (invisible and
 * dropped by NFKC, they must not keep a mark from its base); 0 if none.
 */
static size_t attached_len(const unsigned char *in, size_t len, size_t i)
{
	size_t j = i;
	for (int k = 0; k < NZ_CLUSTER_MAX && j + 1 < len && in[j] == 0xC2 &&
			in[j + 1] == 0xAD;
	     k++)
		j += 2;
	if (j >= len || in[j] < 0xCC) /* U+0300 starts at 0xCC 0x80 */
		return 0;
	int32_t cp;
	size_t n = utf8_decode(in + j, len - j, &cp);
	if (cp < 0 || !attaches(cp))
		return 0;
	return j + n - i;
}

static int next_attaches(const unsigned char *in, size_t len, size_t i)
{
	return attached_len(in, len, i) != 0;
}

/* --- the writer ----------------------------------------------------------- */

static cs_code writer_fail(cs_code rc, size_t max_out, cs_error *err)
{
	if (rc == CS_ELIMIT)
		return cs_fail(err, CS_ELIMIT,
			       "normalised text exceeds the limit of %zu bytes",
			       max_out);
	return cs_fail(err, rc, "normalising text: %s", cs_strerror(rc));
}

/*
 * Notes that n_out output bytes at output offset o come from n_in input
 * bytes at in_pos, adding a breakpoint when the newest one does not already
 * say so.
 */
static cs_code map_note_at(nz_writer *w, uint64_t o, size_t in_pos,
			   size_t n_out, size_t n_in)
{
	int flat = n_out > 1 && n_out > n_in;

	if (w->have_bp) {
		int last_flat = (w->last.in & NZ_FLAT) != 0;
		uint64_t last_in = w->last.in & ~NZ_FLAT;
		if (!flat && !last_flat &&
		    last_in + (o - w->last.out) == in_pos)
			return CS_OK;
		if (flat && last_flat && last_in == in_pos)
			return CS_OK;
	}
	nz_bp bp = {o, (uint64_t)in_pos | (flat ? NZ_FLAT : 0)};
	if (w->map.cap - w->map.len <= sizeof bp) {
		/* cs_buf doubles its capacity, so this stays amortised. */
		cs_code rc = cs_buf_reserve(&w->map, 16 * sizeof bp);
		if (rc != CS_OK)
			return rc;
	}
	/* The map is an array, not a string: no terminator is kept. */
	if (w->wide) {
		memcpy(w->map.data + w->map.len, &bp, sizeof bp);
		w->map.len += sizeof bp;
	} else {
		nz_bp32 c = {(uint32_t)o,
			     (uint32_t)in_pos | (flat ? NZ_FLAT32 : 0)};
		memcpy(w->map.data + w->map.len, &c, sizeof c);
		w->map.len += sizeof c;
	}
	w->last = bp;
	w->have_bp = 1;
	return CS_OK;
}

static cs_code map_note(nz_writer *w, size_t in_pos, size_t n_out, size_t n_in)
{
	return map_note_at(w, w->out.len, in_pos, n_out, n_in);
}

static cs_code put(nz_writer *w, const char *s, size_t n, size_t in_pos,
		   size_t n_in)
{
	/* Checked first so that a refused write leaves no breakpoint behind. */
	if (n > w->out.max - w->out.len)
		return CS_ELIMIT;
	cs_code rc = map_note(w, in_pos, n, n_in);
	if (rc != CS_OK)
		return rc;
	if (w->out.cap - w->out.len <= n)
		return cs_buf_add(&w->out, s, n);
	/* The usual case, with room reserved up front; the terminator is
	 * written once at the end. */
	memcpy(w->out.data + w->out.len, s, n);
	w->out.len += n;
	return CS_OK;
}

/*
 * Settles what is pending before a character with flags next (0 for a
 * hyphen or the end): the held hyphen is dropped with the white space after
 * it when that space holds a line break and next was lower case, printed
 * otherwise; the held space is printed unless it is leading or sits between
 * two CJK characters.
 */
static cs_code flush_pending(nz_writer *w, unsigned next)
{
	cs_code rc = CS_OK;

	if (w->hy) {
		w->hy = 0;
		if (w->ws && w->ws_nl && (next & NZ_F_LOWER)) {
			w->ws = 0;
			return CS_OK;
		}
		if (w->hy_cp) {
			char b[4];
			size_t n = utf8_encode(w->hy_cp, b);
			rc = put(w, b, n, w->hy_in, w->hy_len);
			if (rc != CS_OK)
				return rc;
			w->prev = 0;
		}
	}
	if (w->ws) {
		w->ws = 0;
		if (w->have_prev &&
		    !((w->prev & NZ_F_CJK) && (next & NZ_F_CJK)))
			rc = put(w, " ", 1, w->ws_in, 1);
		w->prev = 0;
	}
	return rc;
}

static void unit_space(nz_writer *w, size_t in_pos, int nl)
{
	if (!w->ws) {
		w->ws = 1;
		w->ws_nl = 0;
		w->ws_in = in_pos;
	}
	w->ws_nl |= nl;
}

/* cp is '-', U+2010, or 0 for a soft hyphen. */
static cs_code unit_hyphen(nz_writer *w, uint32_t cp, size_t in_pos,
			   size_t n_in)
{
	/* A soft hyphen anywhere but right after a letter is nothing at all:
	 * it must not settle a pending space. */
	if (!cp &&
	    (w->ws || w->hy || !w->have_prev || !(w->prev & NZ_F_LETTER)))
		return CS_OK;
	cs_code rc = flush_pending(w, 0);
	if (rc != CS_OK)
		return rc;
	if (w->have_prev && (w->prev & NZ_F_LETTER)) {
		w->hy = 1;
		w->hy_cp = cp;
		w->hy_in = in_pos;
		w->hy_len = n_in;
		return CS_OK;
	}
	if (!cp)
		return CS_OK;
	char b[4];
	size_t n = utf8_encode(cp, b);
	rc = put(w, b, n, in_pos, n_in);
	w->have_prev = 1;
	w->prev = 0;
	return rc;
}

static cs_code unit_char(nz_writer *w, const char *s, size_t n, size_t in_pos,
			 size_t n_in, unsigned flags)
{
	cs_code rc = CS_OK;
	if (w->ws || w->hy)
		rc = flush_pending(w, flags);
	if (rc == CS_OK)
		rc = put(w, s, n, in_pos, n_in);
	w->have_prev = 1;
	w->prev = flags;
	return rc;
}

static cs_code unit_cp(nz_writer *w, uint32_t cp, size_t in_pos, size_t n_in,
		       unsigned flags)
{
	char b[4];
	size_t n = utf8_encode(cp, b);
	return unit_char(w, b, n, in_pos, n_in, flags);
}

/* One ASCII character (or the full-width form NFKC turns into it). */
static cs_code unit_ascii(nz_writer *w, unsigned c, size_t in_pos, size_t n_in,
			  unsigned flags)
{
	if (c == ' ' || c == '\t' || (c >= '\n' && c <= '\r')) {
		unit_space(w, in_pos, c != ' ' && c != '\t');
		return CS_OK;
	}
	if (c == '-')
		return unit_hyphen(w, '-', in_pos, n_in);
	if (c == 0)
		return unit_cp(w, NZ_REPLACEMENT, in_pos, n_in, 0);
	if (c >= 'A' && c <= 'Z') {
		c += 'a' - 'A';
		flags |= NZ_F_LETTER;
	} else if (c >= 'a' && c <= 'z') {
		flags |= NZ_F_LETTER | NZ_F_LOWER;
	}
	char b = (char)c;
	return unit_char(w, &b, 1, in_pos, n_in, flags);
}

/*
 * One code point out of utf8proc. first says it is the first of its
 * cluster, whose first input character was src. n_in is the cluster's
 * length when this is its only code point, else 0, so that all of them map
 * flat onto the cluster's start (a linear map of "°" out of "℃" would
 * point past where the "c" after it points).
 */
static cs_code unit_normalised(nz_writer *w, uint32_t cp, int first,
			       int32_t src, size_t in_pos, size_t n_in)
{
	if (is_space(cp)) {
		unit_space(w, in_pos, is_line_break(cp));
		return CS_OK;
	}
	if (cp == '-' || cp == 0x2010)
		return unit_hyphen(w, cp, in_pos, n_in);

	unsigned flags = 0;
	if (is_ideograph(cp)) {
		cp = t2s(cp);
		flags |= NZ_F_CJK;
	} else if (is_cjk(cp) || is_cjk_source_punct((uint32_t)src)) {
		flags |= NZ_F_CJK;
	} else {
		utf8proc_category_t cat =
		    utf8proc_category((utf8proc_int32_t)cp);
		if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO)
			flags |= NZ_F_LETTER;
	}
	if (first && utf8proc_category(src) == UTF8PROC_CATEGORY_LL)
		flags |= NZ_F_LOWER;
	if (cp == 0)
		cp = NZ_REPLACEMENT;
	return unit_cp(w, cp, in_pos, n_in, flags);
}

/*
 * The general path for the character at in[*pi] that the caller has
 * decoded as src (n bytes): gathers it with the characters that attach to
 * it, runs utf8proc's NFKC with case folding over the cluster and feeds the
 * result to the writer.
 */
static cs_code do_cluster(nz_writer *w, const unsigned char *in, size_t len,
			  size_t *pi, int32_t src, size_t n)
{
	size_t i = *pi, j = i + n;
	utf8proc_int32_t buf[NZ_DECOMP_MAX];
	cs_code rc = CS_OK;

	for (int count = 1; j < len && count < NZ_CLUSTER_MAX; count++) {
		size_t m = attached_len(in, len, j);
		if (m == 0)
			break;
		j += m;
	}
	utf8proc_ssize_t r = utf8proc_decompose_custom(
	    in + i, (utf8proc_ssize_t)(j - i), buf, NZ_DECOMP_MAX,
	    NZ_DECOMPOSE_OPTS, NULL, NULL);
	if (r > NZ_DECOMP_MAX) {
		/* Cannot happen with the cap above: one character fits. */
		j = i + n;
		r = utf8proc_decompose_custom(in + i, (utf8proc_ssize_t)n, buf,
					      NZ_DECOMP_MAX, NZ_DECOMPOSE_OPTS,
					      NULL, NULL);
	}
	if (r >= 0 && r <= NZ_DECOMP_MAX)
		r = utf8proc_normalize_utf32(buf, r, NZ_COMPOSE_OPTS);
	*pi = j;
	if (r < 0 || r > NZ_DECOMP_MAX)
		return unit_cp(w, NZ_REPLACEMENT, i, j - i, 0);
	for (utf8proc_ssize_t k = 0; k < r && rc == CS_OK; k++)
		rc = unit_normalised(w, (uint32_t)buf[k], k == 0, src, i,
				     r == 1 ? j - i : 0);
	return rc;
}

/* One character (or cluster) at in[*pi], outside the fast loops. */
static cs_code step(nz_writer *w, const unsigned char *in, size_t len,
		    size_t *pi)
{
	size_t i = *pi;
	unsigned c = in[i];

	if (c < 0x80) {
		/* Only a visible character can take a combining mark. */
		if (c > ' ' && c != '-' && next_attaches(in, len, i + 1))
			return do_cluster(w, in, len, pi, (int32_t)c, 1);
		*pi = i + 1;
		return unit_ascii(w, c, i, 1, 0);
	}

	int32_t cp;
	size_t n = utf8_decode(in + i, len - i, &cp);
	uint32_t u = (uint32_t)cp;
	if (cp < 0) {
		*pi = i + n;
		return unit_cp(w, NZ_REPLACEMENT, i, n, 0);
	}
	if (is_bmp_ideograph(u)) {
		*pi = i + n;
		return unit_cp(w, t2s(u), i, n, NZ_F_CJK);
	}
	if (is_fast_cjk_punct(u)) {
		*pi = i + n;
		return unit_char(w, (const char *)in + i, n, i, n, NZ_F_CJK);
	}
	/* White space: NFKC makes most of it ' ' and drops U+200B. */
	if (u == 0xA0 || u == 0x3000 || u == 0x200B || u == 0x1680 ||
	    (u >= 0x2000 && u <= 0x200A) || u == 0x202F || u == 0x205F ||
	    u == 0x85 || u == 0x2028 || u == 0x2029) {
		*pi = i + n;
		unit_space(w, i, is_line_break(u));
		return CS_OK;
	}
	if (u == 0xAD) {
		*pi = i + n;
		return unit_hyphen(w, 0, i, n);
	}
	if (u >= 0xFF01 && u <= 0xFF5E && !next_attaches(in, len, i + n)) {
		*pi = i + n;
		return unit_ascii(
		    w, u - 0xFEE0, i, n,
		    (is_cjk_source_punct(u) ? NZ_F_CJK : 0) |
			(u >= 0xFF41 && u <= 0xFF5A ? NZ_F_LOWER : 0));
	}
	if (!next_attaches(in, len, i + n) &&
	    stable_alone(utf8proc_get_property(cp))) {
		*pi = i + n;
		return unit_normalised(w, u, 1, cp, i, n);
	}
	return do_cluster(w, in, len, pi, cp, n);
}

/* --- the fast loops ------------------------------------------------------ */

/*
 * Makes room for up to want more output bytes without passing max_out and
 * returns how many there are; 0 leaves the next write to report the limit.
 */
static size_t room_for(nz_writer *w, size_t want, cs_code *rc)
{
	size_t left = w->out.max - w->out.len;
	if (want > left)
		want = left;
	if (want == 0)
		return 0;
	if (w->out.cap > w->out.len && w->out.cap - w->out.len > want)
		return want; /* the usual case: the first reserve was enough */
	*rc = cs_buf_reserve(&w->out, want);
	return *rc == CS_OK ? want : 0;
}

/*
 * The ASCII loop's test, as two tables so that each byte costs two loads
 * and an AND: a byte c may be copied when nz_need[c] & nz_offer[d] for the
 * byte d after it. Visible characters (need 2) may be followed by anything
 * that cannot be a combining mark: ASCII, a continuation byte, a lead byte
 * below U+0300 (0xCC) or of an ideograph (0xE4..0xE9); but not 0xC2, which
 * may be a soft hyphen in front of a mark. A space or hyphen
 * (need 4) only by a visible character, so that runs of space and hyphens
 * before a line break go to the writer's rules.
 */
/* clang-format off */
#define NZ_R4(v) v, v, v, v
#define NZ_R16(v) NZ_R4(v), NZ_R4(v), NZ_R4(v), NZ_R4(v)
static const unsigned char nz_need[256] = {
	NZ_R16(0), NZ_R16(0),
	4, NZ_R4(2), NZ_R4(2), NZ_R4(2), 4, 2, 2, /* 0x20..0x2F */
	NZ_R16(2), NZ_R16(2), NZ_R16(2), NZ_R16(2), NZ_R16(2),
	/* 0x80..0xFF stay 0 */
};
static const unsigned char nz_offer[256] = {
	NZ_R16(2), NZ_R16(2),                     /* 0x00..0x1F */
	2, 6, 6, 6, NZ_R4(6), NZ_R4(6), NZ_R4(6), /* 0x20..0x2F */
	NZ_R16(6), NZ_R16(6), NZ_R16(6), NZ_R16(6), NZ_R16(6),
	NZ_R16(2), NZ_R16(2), NZ_R16(2), NZ_R16(2), /* 0x80..0xBF */
	2, 2, 0, 2, NZ_R4(2), NZ_R4(2), NZ_R4(0),     /* 0xC0..0xCF */
	NZ_R16(0),                                    /* 0xD0..0xDF */
	0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, /* 0xE0..0xEF */
	NZ_R16(0),
};
/* clang-format on */

#define NZ_ONES UINT64_C(0x0101010101010101)
#define NZ_HIGH UINT64_C(0x8080808080808080)

/* 0x80 in each byte of x that is zero, exactly (no borrow between bytes). */
static inline uint64_t zero_bytes(uint64_t x)
{
	uint64_t low7 = x & ~NZ_HIGH;
	return ~((low7 + ~NZ_HIGH) | x) & NZ_HIGH;
}

/*
 * The block tests below look at bytes one by one, and at neighbours only
 * through sp & (sp >> 8), which is the same test in either byte order, so
 * x can be loaded and stored with memcpy whatever the machine's order.
 *
 * Whether the eight bytes x (then `after`) can be copied as a block: all
 * visible ASCII or spaces, no hyphen, no two spaces together, and the last
 * byte allowed before `after` by the byte-wise test.
 */
static inline int block_ok(uint64_t x, unsigned last, unsigned after)
{
	if (x & NZ_HIGH)
		return 0;
	uint64_t ctrl = ~(x + 0x60 * NZ_ONES) & NZ_HIGH; /* bytes < 0x20 */
	uint64_t hy = zero_bytes(x ^ ('-' * NZ_ONES));
	uint64_t sp = zero_bytes(x ^ (' ' * NZ_ONES));
	return !(ctrl | hy | (sp & (sp >> 8))) &&
	       (nz_need[last] & nz_offer[after]);
}

/* ASCII lower case of eight bytes below 0x80, in place. */
static inline uint64_t lower8(uint64_t x)
{
	uint64_t ge_a = x + (0x80 - 'A') * NZ_ONES;
	uint64_t gt_z = x + (0x80 - 'Z' - 1) * NZ_ONES;
	return x | ((ge_a & ~gt_z & NZ_HIGH) >> 2);
}

/*
 * Copies a run of ASCII that needs no context rule: visible characters,
 * lower-cased, and single spaces and hyphens between visible characters;
 * eight bytes at a time where it can. Stops one byte before the end so the
 * look-ahead byte is always there.
 */
static size_t ascii_run(nz_writer *w, const unsigned char *in, size_t len,
			size_t i, cs_code *rc)
{
	size_t room = room_for(w, len - 1 - i, rc);
	if (room == 0)
		return i;

	const unsigned char *p = in + i, *end = p + room;
	unsigned char *out = (unsigned char *)w->out.data + w->out.len;
	for (;;) {
		if (end - p >= 8) {
			uint64_t x;
			memcpy(&x, p, 8);
			if (block_ok(x, p[7], p[8])) {
				x = lower8(x);
				memcpy(out, &x, 8);
				out += 8;
				p += 8;
				continue;
			}
		}
		/* Byte by byte to the next chance of a block. */
		const unsigned char *stop = end - p > 8 ? p + 8 : end;
		while (p < stop && (nz_need[p[0]] & nz_offer[p[1]])) {
			unsigned c = *p++;
			*out++ = (unsigned char)(c + ((c - 'A' < 26u) << 5));
		}
		if (p != stop || p == end)
			break;
	}
	size_t n = (size_t)(p - (in + i));
	if (n == 0)
		return i;
	*rc = map_note(w, i, 1, 1);
	if (*rc != CS_OK)
		return i;
	w->out.len += n;
	w->out.data[w->out.len] = '\0';
	unsigned last = out[-1];
	w->have_prev = 1;
	w->prev = (last >= 'a' && last <= 'z') ? NZ_F_LETTER : 0;
	return i + n;
}

/*
 * Full-width forms the CJK loop may take: punctuation and digits, which
 * NFKC makes ASCII and nothing can combine with. Not the letters (they need
 * the look-ahead), the hyphen (a context rule) or ＜＝＞ (they combine with
 * U+0338). Bit n stands for U+FF00 + n.
 */
#define NZ_FW_FAST_LO 0x8FFFDFFEull	    /* U+FF01..U+FF1F */
#define NZ_FW_FAST_HI 0x78000001F8000001ull /* U+FF40..U+FF5E, with U+FF20 */

static int fw_fast(uint32_t cp, unsigned *flags)
{
	uint32_t n = cp - 0xFF00;
	int ok;
	if (n < 0x20)
		ok = (NZ_FW_FAST_LO >> n) & 1;
	else if (n < 0x60)
		ok = (NZ_FW_FAST_HI >> (n - 0x20)) & 1;
	else
		return 0;
	*flags = (n >= 0x10 && n <= 0x19) ? 0 : NZ_F_CJK;
	return ok;
}

/*
 * Copies a run of BMP ideographs (mapped to simplified), CJK punctuation
 * and the full-width forms above. Characters are copied four bytes at a
 * time, three kept (room_for leaves a byte for the NUL, which takes the
 * fourth), so the run stops while four input bytes remain. An inner loop
 * takes the common case, an ideograph with no simplified form; the outer
 * one takes the rest and keeps the offset map.
 */
static size_t cjk_run(nz_writer *w, const unsigned char *in, size_t len,
		      size_t i, cs_code *rc)
{
	if (len - i < 4)
		return i;
	size_t room = room_for(w, len - i, rc);
	if (room < 3)
		return i;

	/* Output never advances faster than input here, so bounding the input
	 * by the room bounds the output too. */
	const unsigned char *p = in + i, *p0 = p;
	const unsigned char *end = in + len - 3;
	if ((size_t)(end - p) > room - 2)
		end = p + room - 2;
	char *out = w->out.data + w->out.len;
	unsigned flags = NZ_F_CJK;
	int moved = 1; /* the in/out distance may have changed */
	while (p < end) {
		uint16_t tail;
		if (!moved) {
			while (p < end) {
				unsigned c = p[0];
				memcpy(&tail, p + 1, 2);
				if (c - 0xE4u > 5u || (tail & 0xC0C0) != 0x8080)
					break;
				uint32_t cp = ((c & 0x0F) << 12) |
					      ((uint32_t)(p[1] & 0x3F) << 6) |
					      (p[2] & 0x3F);
				/* U+4000..U+9FFF but the hexagrams
				 * U+4DC0..U+4DFF */
				uint32_t off = cp - NZ_T2S_BITS_LO;
				if (cp - 0x4DC0u < 0x40u ||
				    ((nz_t2s_bits[off >> 6] >> (off & 63)) & 1))
					break;
				memcpy(out, p, 4);
				out += 3;
				p += 3;
				flags = NZ_F_CJK;
			}
			if (p >= end)
				break;
		}
		unsigned c = p[0];
		memcpy(&tail, p + 1, 2);
		if ((tail & 0xC0C0) != 0x8080)
			break;
		uint32_t cp = ((c & 0x0F) << 12) |
			      ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
		uint32_t s = cp;
		unsigned f = NZ_F_CJK;
		if (c - 0xE3u <= 6u) {
			if (is_bmp_ideograph(cp))
				s = t2s_bmp(cp);
			else if (!is_fast_cjk_punct(cp))
				break;
			if (s > 0xFFFF)
				break; /* four bytes out: the general path */
		} else if (c == 0xEF && fw_fast(cp, &f)) {
			s = cp - 0xFEE0;
		} else {
			break;
		}
		if (moved) {
			*rc =
			    map_note_at(w, (uint64_t)(out - w->out.data),
					(size_t)(p - in), s < 0x80 ? 1 : 3, 3);
			if (*rc != CS_OK)
				break;
		}
		if (s == cp) {
			memcpy(out, p, 4);
			out += 3;
			moved = 0;
		} else if (s < 0x80) {
			*out++ = (char)s;
			moved = 1;
		} else {
			out += utf8_encode(s, out);
			moved = 0;
		}
		flags = f;
		p += 3;
	}
	if (p == p0)
		return i;
	w->out.len = (size_t)(out - w->out.data);
	w->out.data[w->out.len] = '\0';
	w->have_prev = 1;
	w->prev = flags;
	return (size_t)(p - in);
}

/* --- the public functions ------------------------------------------------ */

static cs_code normalise(nz_writer *w, const unsigned char *in, size_t len)
{
	size_t i = 0;
	cs_code rc = CS_OK;

	/* Each pass takes at least one byte, so this ends after len passes. */
	while (i < len && rc == CS_OK) {
		size_t before = i;
		if (!w->ws && !w->hy && w->have_prev) {
			if (in[i] < 0x80)
				i = ascii_run(w, in, len, i, &rc);
			else if (in[i] >= 0xE3 && in[i] <= 0xEF)
				i = cjk_run(w, in, len, i, &rc);
		}
		if (i == before && rc == CS_OK)
			rc = step(w, in, len, &i);
	}
	if (rc == CS_OK && w->hy) {
		w->ws = 0; /* trailing space goes, a trailing hyphen stays */
		rc = flush_pending(w, 0);
	}
	return rc;
}

/*
 * Normalises into t, whose buffers (from an earlier call) are reused: a
 * scanner normalises every segment of every document, and fresh buffers
 * each time cost more in page faults than the normalising itself.
 */
static cs_code run(nz_text *t, const char *in, size_t len, size_t max_out,
		   cs_error *err)
{
	nz_writer w;
	memset(&w, 0, sizeof w);
	w.out = (cs_buf){t->data, 0, t->data_cap, max_out};
	w.map = (cs_buf){t->map, 0, t->map_cap, SIZE_MAX};
	w.wide = len > 0x7FFFFFFF || max_out > UINT32_MAX;
	t->data = NULL;
	t->map = NULL;

	/* The output is about as long as the input; reserving once saves
	 * copying a large document several times while it grows. */
	cs_code rc = cs_buf_reserve(&w.out, len < max_out ? len : max_out);
	if (rc == CS_OK)
		rc = normalise(&w, (const unsigned char *)in, len);
	if (rc == CS_OK)
		rc = cs_buf_reserve(&w.map, 0); /* never NULL, even when empty */

	t->data = w.out.data;
	t->data_cap = w.out.cap;
	t->map = w.map.data;
	t->map_cap = w.map.cap;
	t->in_len = len;
	t->wide = w.wide;
	if (rc != CS_OK) {
		t->len = t->nmap = 0;
		return writer_fail(rc, max_out, err);
	}
	w.out.data[w.out.len] = '\0'; /* not yet written when nothing was */
	t->len = w.out.len;
	t->nmap = w.map.len / (w.wide ? sizeof(nz_bp) : sizeof(nz_bp32));
	return CS_OK;
}

cs_code nz_normalize(const char *in, size_t len, size_t max_out, nz_text **out,
		     cs_error *err)
{
	if (!out || (!in && len))
		return cs_fail(err, CS_EINVAL, "nz_normalize: no %s",
			       out ? "input" : "output");
	*out = NULL;
	nz_text *t = nz_text_new();
	if (!t)
		return writer_fail(CS_ENOMEM, max_out, err);
	cs_code rc = run(t, in, len, max_out, err);
	if (rc != CS_OK) {
		nz_text_free(t);
		return rc;
	}
	*out = t;
	return CS_OK;
}

nz_text *nz_text_new(void)
{
	return calloc(1, sizeof(nz_text));
}

cs_code nz_normalize_into(nz_text *t, const char *in, size_t len,
			  size_t max_out, cs_error *err)
{
	if (!t || (!in && len))
		return cs_fail(err, CS_EINVAL, "nz_normalize_into: no %s",
			       t ? "input" : "output");
	return run(t, in, len, max_out, err);
}

void nz_text_trim(nz_text *t, size_t keep)
{
	if (t->data_cap <= keep && t->map_cap <= keep)
		return;
	free(t->data);
	free(t->map);
	memset(t, 0, sizeof *t);
}

void nz_text_free(nz_text *t)
{
	if (!t)
		return;
	free(t->data);
	free(t->map);
	free(t);
}

const char *nz_text_data(const nz_text *t)
{
	return t->data;
}

size_t nz_text_len(const nz_text *t)
{
	return t->len;
}

/* Breakpoint k of t, in the wide form whatever the stored one. */
static nz_bp bp_at(const nz_text *t, size_t k)
{
	if (t->wide)
		return ((const nz_bp *)t->map)[k];
	const nz_bp32 *c = (const nz_bp32 *)t->map + k;
	nz_bp bp = {c->out, c->in & ~NZ_FLAT32};
	if (c->in & NZ_FLAT32)
		bp.in |= NZ_FLAT;
	return bp;
}

size_t nz_text_origin(const nz_text *t, size_t off)
{
	if (off >= t->len || t->nmap == 0)
		return t->in_len;
	/* The last breakpoint at or before off; the first is at 0. */
	size_t lo = 0, hi = t->nmap;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (bp_at(t, mid).out <= off)
			lo = mid;
		else
			hi = mid;
	}
	nz_bp bp = bp_at(t, lo);
	if (bp.in & NZ_FLAT)
		return (size_t)(bp.in & ~NZ_FLAT);
	return (size_t)(bp.in + (off - bp.out));
}

char *nz_normalize_str(const char *s)
{
	nz_text *t = NULL;
	/* A term never comes near 4 GiB: the compact map will do. */
	if (nz_normalize(s, strlen(s), UINT32_MAX, &t, NULL) != CS_OK)
		return NULL;
	char *r = t->data;
	t->data = NULL;
	nz_text_free(t);
	return r;
}
