/*
 * quantity.c: numbers with units in normalised Chinese and English text.
 *
 * The problem. Parameter rules compare values such as "压实密度≥2.6 g/cm3",
 * "不低于一千五百瓦" or "10-20 kw" with thresholds. A regular expression per
 * rule would have to know every way of writing a number, a unit and a
 * comparison; one parser that reduces each quantity to a dimension and an
 * interval in base units lets every rule share that knowledge.
 *
 * The idea. The scanner walks the text once. Where a number can start (an
 * Arabic digit not glued to a word, a Chinese numeral, a sign, a percent
 * phrase such as 百分之) it reads one "side": number, optional space, unit.
 * It then looks ahead for a range ("-", "~", "至", "to") or a tolerance
 * ("±") and a second side, and looks back a few bytes for a comparison word
 * ("不低于", "at least"). The unit decides: no unit, no quantity. Units come
 * from one table; the longest entry that ends on a word boundary wins, so
 * "5 mm" is millimetres, "3 km/h" is a speed and "5 months" is nothing.
 *
 * The trade-offs. The text is case-folded, so "mw" cannot tell MW from mW;
 * each such unit takes the reading most common in the Catalogue's fields
 * (see docs/units.md). Chinese has no word boundaries, so single-character
 * units carry short lists of characters that must not follow them (升 is
 * not litres in 升级), and the Chinese numerals 百, 千, 万 never start a
 * number (千克 is a unit, not "1000 克"). Lookahead and lookback are bounded
 * by constants, and the scanner never goes back over a number it has read,
 * so each byte is looked at a constant number of times.
 */
#include "quantity.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <threads.h>

#include "cs.h"

/* Decimal exponents beyond this overflow or underflow a double anyway. */
#define QP_EXP_CLAMP 100000L
/* Bytes looked back from a number for a comparison word: the longest word
 * ("greater than or equal to") plus a separator. */
#define QP_LOOKBACK 40

/* ---- bytes and characters -------------------------------------------- */

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(unsigned char c)
{
	return is_digit(c) || is_alpha(c);
}

/* Byte at i, or 0 past the end, so that look-ahead needs no bounds test. */
static unsigned char at(const char *s, size_t len, size_t i)
{
	return i < len ? (unsigned char)s[i] : 0;
}

/* Whether the text at i starts with lit (not empty). */
static bool has(const char *s, size_t len, size_t i, const char *lit)
{
	if (i >= len || s[i] != lit[0])
		return false;
	size_t n = strlen(lit);
	return n <= len - i && memcmp(s + i, lit, n) == 0;
}

static size_t u8_step(unsigned char c)
{
	if (c >= 0xF0)
		return 4;
	if (c >= 0xE0)
		return 3;
	if (c >= 0xC0)
		return 2;
	return 1;
}

/* Skips at most one space: normalised text has no runs of them. */
static size_t skip_sp(const char *s, size_t len, size_t i)
{
	return at(s, len, i) == ' ' ? i + 1 : i;
}

/* Length of a product sign (· ⋅ • ∙ *) at i, or 0. */
static size_t product_sign(const char *s, size_t len, size_t i)
{
	static const char *const signs[] = {"·", "⋅", "•", "∙", "*"};
	for (size_t k = 0; k < CS_ARRAY_LEN(signs); k++)
		if (has(s, len, i, signs[k]))
			return strlen(signs[k]);
	return 0;
}

/* Length of a minus sign (- or −) at i, or 0. */
static size_t minus_sign(const char *s, size_t len, size_t i)
{
	if (at(s, len, i) == '-')
		return 1;
	return has(s, len, i, "−") ? strlen("−") : 0;
}

/* ---- numbers ----------------------------------------------------------- */

/* clang-format off */
static const double pow10_exact[] = {
	1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};
/* clang-format on */

/* m * 10^e, exact for the powers a double holds exactly. */
static double scale10(double m, long e)
{
	if (e >= 0 && e <= 22)
		return m * pow10_exact[e];
	if (e < 0 && e >= -22)
		return m / pow10_exact[-e];
	return m * pow(10.0, (double)e);
}

/*
 * Decimal digits gathered into a 64-bit mantissa and an exponent, so that
 * "0.1" is 1/10 rather than a sum of rounded steps, and a megabyte of
 * digits only moves the exponent.
 */
typedef struct digits {
	uint64_t mant;
	long exp;
	int sig;
} digits;

static void dig_add(digits *d, int v, bool frac)
{
	if (d->sig < 19) {
		d->mant = d->mant * 10 + (uint64_t)v;
		if (d->mant)
			d->sig++;
		if (frac && d->exp > -QP_EXP_CLAMP)
			d->exp--;
	} else if (!frac && d->exp < QP_EXP_CLAMP) {
		d->exp++;
	}
}

/* Reads [+-]digits at i into *e (clamped); returns bytes read or 0. */
static size_t read_exponent(const char *s, size_t len, size_t i, long *e)
{
	size_t j = i;
	long sign = 1;
	size_t m = minus_sign(s, len, j);
	if (m) {
		sign = -1;
		j += m;
	} else if (at(s, len, j) == '+') {
		j++;
	}
	if (!is_digit(at(s, len, j)))
		return 0;
	long v = 0;
	while (is_digit(at(s, len, j))) {
		if (v < QP_EXP_CLAMP)
			v = v * 10 + (at(s, len, j) - '0');
		j++;
	}
	*e = sign * v;
	return j - i;
}

/*
 * "×10^3", "x10^-3", "×103" (a superscript exponent after normalisation)
 * after a mantissa at i. Without a caret only × counts and the exponent
 * must be one or two digits and not 0, so "3×100 mm" stays a size.
 */
static size_t times_ten(const char *s, size_t len, size_t i, long *e)
{
	size_t j = skip_sp(s, len, i);
	bool times = false;
	if (has(s, len, j, "×")) {
		j += strlen("×");
		times = true;
	} else if (at(s, len, j) == 'x' || at(s, len, j) == '*') {
		j++;
	} else {
		return 0;
	}
	j = skip_sp(s, len, j);
	if (!has(s, len, j, "10"))
		return 0;
	j += 2;
	if (at(s, len, j) == '^') {
		size_t n = read_exponent(s, len, j + 1, e);
		return n ? j + 1 + n - i : 0;
	}
	if (!times)
		return 0;
	size_t n = read_exponent(s, len, j, e);
	size_t nd = 0;
	for (size_t k = j; k < j + n; k++)
		nd += is_digit(at(s, len, k));
	if (n == 0 || nd > 2 || *e == 0)
		return 0;
	return j + n - i;
}

/* Chinese large-number multipliers written after Arabic digits: 1.5万. */
/* clang-format off */
static const struct {
	const char *s;
	double v;
} arabic_mult[] = {
	{"万亿", 1e12}, {"千亿", 1e11}, {"百亿", 1e10}, {"千万", 1e7},
	{"百万", 1e6},  {"亿", 1e8},    {"万", 1e4},
};
/* clang-format on */

static size_t arabic_number(const char *s, size_t len, double *value)
{
	digits d = {0, 0, 0};
	size_t i = 0;
	while (is_digit(at(s, len, i)))
		dig_add(&d, at(s, len, i++) - '0', false);
	size_t run = i;
	if (run == 0 && !(at(s, len, 0) == '.' && is_digit(at(s, len, 1))))
		return 0;
	/* 1,500,000: groups of exactly three; "1,5" stops at the comma. */
	if (run >= 1 && run <= 3) {
		while (at(s, len, i) == ',' && is_digit(at(s, len, i + 1)) &&
		       is_digit(at(s, len, i + 2)) &&
		       is_digit(at(s, len, i + 3)) &&
		       !is_digit(at(s, len, i + 4))) {
			for (size_t k = 1; k <= 3; k++)
				dig_add(&d, at(s, len, i + k) - '0', false);
			i += 4;
		}
	}
	bool frac = false;
	if (at(s, len, i) == '.' && is_digit(at(s, len, i + 1))) {
		frac = true;
		i++;
		while (is_digit(at(s, len, i)))
			dig_add(&d, at(s, len, i++) - '0', true);
	}
	long e = 0;
	size_t n = 0;
	if ((at(s, len, i) == 'e' || at(s, len, i) == 'E') &&
	    (n = read_exponent(s, len, i + 1, &e)) > 0) {
		i += 1 + n;
	} else if ((n = times_ten(s, len, i, &e)) > 0) {
		i += n;
	} else if (run == 2 && !frac && d.mant == 10 && at(s, len, i) == '^' &&
		   (n = read_exponent(s, len, i + 1, &e)) > 0) {
		/* 10^6 */
		d.mant = 1;
		d.exp = 0;
		i += 1 + n;
	}
	double v = scale10((double)d.mant, d.exp + e);
	for (size_t k = 0; k < CS_ARRAY_LEN(arabic_mult); k++)
		if (has(s, len, i, arabic_mult[k].s)) {
			v *= arabic_mult[k].v;
			i += strlen(arabic_mult[k].s);
			break;
		}
	*value = v;
	return i;
}

/* clang-format off */
static const struct {
	const char *s;
	int v;
} cn_digits[] = {
	{"零", 0}, {"〇", 0}, {"一", 1}, {"二", 2}, {"两", 2}, {"三", 3},
	{"四", 4}, {"五", 5}, {"六", 6}, {"七", 7}, {"八", 8}, {"九", 9},
	{"壹", 1}, {"贰", 2}, {"叁", 3}, {"肆", 4}, {"伍", 5}, {"陆", 6},
	{"柒", 7}, {"捌", 8}, {"玖", 9},
};
/* clang-format on */

/* clang-format off */
static const struct {
	const char *s;
	double v;
} cn_units[] = {
	{"十", 10},   {"拾", 10},   {"百", 100}, {"佰", 100},
	{"千", 1000}, {"仟", 1000}, {"万", 1e4}, {"亿", 1e8},
};
/* clang-format on */

/* Every Chinese numeral character is three bytes of UTF-8. */
#define CN_CHAR 3

static int cn_digit_at(const char *s, size_t len, size_t i)
{
	for (size_t k = 0; k < CS_ARRAY_LEN(cn_digits); k++)
		if (has(s, len, i, cn_digits[k].s))
			return cn_digits[k].v;
	return -1;
}

static double cn_unit_at(const char *s, size_t len, size_t i)
{
	for (size_t k = 0; k < CS_ARRAY_LEN(cn_units); k++)
		if (has(s, len, i, cn_units[k].s))
			return cn_units[k].v;
	return 0;
}

/* The state of a Chinese numeral being read, one section per 万 and 亿. */
typedef struct cn_state {
	double big, mid, sec, cur;
	double last_unit; /* the last 十百千万亿 read, 0 before any */
	int after_unit;	  /* digits since it, -1 once 零 intervened */
	bool cur_set;	  /* a digit run is open */
	bool zero_run;	  /* it holds 零 or 〇 */
	bool any;
} cn_state;

/*
 * Applies a digit; false when it cannot belong to this number. Digits
 * follow one another only in positional strings with a zero (二〇二三,
 * 三千零五): 三四米 is "three or four metres", not 34.
 */
static bool cn_digit(cn_state *st, int d)
{
	if (st->cur_set && d != 0 && !st->zero_run)
		return false;
	st->zero_run = st->cur_set ? st->zero_run || d == 0 : d == 0;
	st->cur = st->cur_set ? st->cur * 10 + d : d;
	st->cur_set = true;
	st->any = true;
	if (d == 0)
		st->after_unit = -1;
	else if (st->after_unit >= 0)
		st->after_unit++;
	return true;
}

/* Applies a unit character; false when it cannot belong to this number. */
static bool cn_unit(cn_state *st, double u)
{
	bool digit = st->cur_set && st->cur != 0;
	if (u < 1e4) {
		/* 百 and 千 need a digit before them (千克 is a unit); 十 does
		 * not (十二). */
		if (u >= 100 && !digit)
			return false;
		st->sec += (digit ? st->cur : 1) * u;
	} else if (!st->any) {
		return false;
	} else if (u == 1e4) {
		double part = st->sec + st->cur;
		st->mid += (part != 0 ? part : 1) * u;
		st->sec = 0;
	} else {
		double part = st->mid + st->sec + st->cur;
		st->big += (part != 0 ? part : 1) * u;
		st->mid = st->sec = 0;
	}
	st->cur = 0;
	st->cur_set = false;
	st->last_unit = u;
	st->after_unit = 0;
	st->any = true;
	return true;
}

static double cn_total(const cn_state *st)
{
	double cur = st->cur;
	/* 两百五 is 250 and 一万二 is 12000: a lone digit right after 百 or a
	 * larger unit counts in the next unit down. */
	if (st->after_unit == 1 && st->last_unit >= 100)
		cur *= st->last_unit / 10;
	return st->big + st->mid + st->sec + cur;
}

/*
 * Reads a Chinese numeral at s. *tail is set to the offset of a final 千
 * (so that the caller can give it back when "三千卡" turns out to be
 * 三 + 千卡), or 0.
 */
static size_t cn_number(const char *s, size_t len, double *value, size_t *tail)
{
	cn_state st = {0, 0, 0, 0, 0, -1, false, false, false};
	size_t i = 0, good = 0;
	*tail = 0;
	while (i < len) {
		int d = cn_digit_at(s, len, i);
		if (d >= 0) {
			if (!cn_digit(&st, d))
				break;
		} else {
			double u = cn_unit_at(s, len, i);
			if (u == 0 || !cn_unit(&st, u))
				break;
		}
		i += CN_CHAR;
		good = i;
	}
	if (!st.any)
		return 0;
	if (st.last_unit == 1000 && !st.cur_set && good >= CN_CHAR)
		*tail = good - CN_CHAR;
	double v = cn_total(&st);
	/* 三点五: decimals after 点, then an optional 万 or 亿. */
	if (has(s, len, good, "点") &&
	    cn_digit_at(s, len, good + CN_CHAR) >= 0) {
		size_t j = good + CN_CHAR;
		double frac = 0;
		size_t k = 1;
		int fd;
		while ((fd = cn_digit_at(s, len, j)) >= 0) {
			if (k < CS_ARRAY_LEN(pow10_exact))
				frac += fd / pow10_exact[k++];
			j += CN_CHAR;
		}
		v += frac;
		if (has(s, len, j, "万") || has(s, len, j, "亿")) {
			v *= has(s, len, j, "万") ? 1e4 : 1e8;
			j += CN_CHAR;
		}
		good = j;
		*tail = 0;
	}
	*value = v;
	return good;
}

size_t qp_number(const char *s, size_t len, double *value)
{
	if (!s || !value)
		return 0;
	size_t i = 0;
	double sign = 1;
	size_t m = minus_sign(s, len, 0);
	if (m || at(s, len, 0) == '+') {
		sign = m ? -1 : 1;
		i = m ? m : 1;
		if (!is_digit(at(s, len, i)) && at(s, len, i) != '.')
			return 0;
	}
	size_t tail;
	size_t n = arabic_number(s + i, len - i, value);
	if (n == 0 && i == 0)
		n = cn_number(s, len, value, &tail);
	if (n == 0)
		return 0;
	*value *= sign;
	return i + n;
}

/* ---- units ------------------------------------------------------------ */

enum {
	U_PL = 1,      /* an English word that may take a plural s */
	U_TIGHT = 2,   /* only written against the number: "0.1c" */
	U_ARABIC = 4,  /* only after Arabic digits (三安 is a company) */
	U_MILLI = 8,   /* "m" read as milli; a rule's capital M means mega */
	U_NOWORD = 16, /* not when a word follows after a space: "5 a day" */
};

typedef struct unit_def {
	const char *text; /* normalised; · stands for any product sign */
	size_t len;
	qp_dim dim;
	double scale;
	double offset;
	unsigned flags;
	const char *stop; /* characters that must not follow (CJK words) */
} unit_def;

/* clang-format off */
#define U(t, d, s) {t, sizeof(t) - 1, QP_DIM_##d, s, 0, 0, NULL}
#define UF(t, d, s, f) {t, sizeof(t) - 1, QP_DIM_##d, s, 0, f, NULL}
#define US(t, d, s, f, stop) {t, sizeof(t) - 1, QP_DIM_##d, s, 0, f, stop}
/* An affine unit: base = value * s + o */
#define UO(t, d, s, o) {t, sizeof(t) - 1, QP_DIM_##d, s, o, 0, NULL}

#define DEG 0.017453292519943295       /* π/180 */
#define ARCSEC 4.84813681109536e-06    /* π/648000 */
#define ARCMIN 2.908882086657216e-04   /* π/10800 */
#define EV 1.602176634e-19
#define PSI 6894.757293168361
#define TORR 133.32236842105263
#define C_OFFSET 273.15
#define F_OFFSET 255.37222222222223 /* 273.15 - 32 × 5/9 */
/* clang-format on */

/*
 * Stop lists: 升级 (upgrade), 升温 (heating), 克拉 (carat, and 克隆
 * clone), 安装 (install), 埃及 (Egypt), 帕金森, 轴承 (bearing), 层次,
 * 核算 (accounting), 三伏天 (the hottest days), 焦距 (focal length).
 */
/* clang-format off */
static const unit_def units[] = {
	/* length, m */
	U("m", LENGTH, 1), U("mm", LENGTH, 1e-3), U("cm", LENGTH, 1e-2),
	U("dm", LENGTH, 0.1), U("km", LENGTH, 1e3), U("μm", LENGTH, 1e-6),
	U("um", LENGTH, 1e-6), U("nm", LENGTH, 1e-9), U("pm", LENGTH, 1e-12),
	U("å", LENGTH, 1e-10), UF("angstrom", LENGTH, 1e-10, U_PL),
	UF("micron", LENGTH, 1e-6, U_PL), UF("meter", LENGTH, 1, U_PL),
	UF("metre", LENGTH, 1, U_PL), UF("millimeter", LENGTH, 1e-3, U_PL),
	UF("millimetre", LENGTH, 1e-3, U_PL),
	UF("micrometer", LENGTH, 1e-6, U_PL),
	UF("micrometre", LENGTH, 1e-6, U_PL),
	UF("nanometer", LENGTH, 1e-9, U_PL), UF("nanometre", LENGTH, 1e-9, U_PL),
	UF("kilometer", LENGTH, 1e3, U_PL), UF("kilometre", LENGTH, 1e3, U_PL),
	U("inch", LENGTH, 0.0254), U("inches", LENGTH, 0.0254),
	U("ft", LENGTH, 0.3048), U("feet", LENGTH, 0.3048),
	U("foot", LENGTH, 0.3048), UF("mile", LENGTH, 1609.344, U_PL),
	U("米", LENGTH, 1), U("毫米", LENGTH, 1e-3), U("厘米", LENGTH, 1e-2),
	U("分米", LENGTH, 0.1), U("微米", LENGTH, 1e-6), U("纳米", LENGTH, 1e-9),
	U("皮米", LENGTH, 1e-12), U("千米", LENGTH, 1e3), U("公里", LENGTH, 1e3),
	U("英寸", LENGTH, 0.0254), U("英尺", LENGTH, 0.3048),
	U("海里", LENGTH, 1852), US("埃", LENGTH, 1e-10, 0, "及"),

	/* mass, kg */
	U("kg", MASS, 1), U("g", MASS, 1e-3), U("mg", MASS, 1e-6),
	U("μg", MASS, 1e-9), U("ug", MASS, 1e-9), U("ng", MASS, 1e-12),
	U("t", MASS, 1e3), UF("ton", MASS, 1e3, U_PL),
	UF("tonne", MASS, 1e3, U_PL), UF("gram", MASS, 1e-3, U_PL),
	UF("kilogram", MASS, 1, U_PL), U("lb", MASS, 0.45359237),
	U("lbs", MASS, 0.45359237), US("克", MASS, 1e-3, 0, "拉隆服罗莱里"),
	U("千克", MASS, 1), U("公斤", MASS, 1), U("毫克", MASS, 1e-6),
	U("微克", MASS, 1e-9), U("纳克", MASS, 1e-12), U("吨", MASS, 1e3),
	U("公吨", MASS, 1e3), U("斤", MASS, 0.5),

	/* time, s */
	U("s", TIME, 1), U("ms", TIME, 1e-3), U("μs", TIME, 1e-6),
	U("us", TIME, 1e-6), U("ns", TIME, 1e-9), U("ps", TIME, 1e-12),
	U("fs", TIME, 1e-15), U("sec", TIME, 1), U("secs", TIME, 1),
	UF("second", TIME, 1, U_PL), U("min", TIME, 60), U("mins", TIME, 60),
	UF("minute", TIME, 60, U_PL), U("h", TIME, 3600), U("hr", TIME, 3600),
	U("hrs", TIME, 3600), UF("hour", TIME, 3600, U_PL),
	UF("nanosecond", TIME, 1e-9, U_PL), UF("picosecond", TIME, 1e-12, U_PL),
	UF("femtosecond", TIME, 1e-15, U_PL), U("秒", TIME, 1),
	U("秒钟", TIME, 1), U("毫秒", TIME, 1e-3), U("微秒", TIME, 1e-6),
	U("纳秒", TIME, 1e-9), U("皮秒", TIME, 1e-12), U("飞秒", TIME, 1e-15),
	U("阿秒", TIME, 1e-18), U("分钟", TIME, 60), U("小时", TIME, 3600),

	/* power, W */
	U("w", POWER, 1), U("kw", POWER, 1e3), UF("mw", POWER, 1e-3, U_MILLI),
	U("gw", POWER, 1e9), U("tw", POWER, 1e12), U("pw", POWER, 1e15),
	U("μw", POWER, 1e-6), U("uw", POWER, 1e-6), U("nw", POWER, 1e-9),
	UF("watt", POWER, 1, U_PL), UF("kilowatt", POWER, 1e3, U_PL),
	UF("megawatt", POWER, 1e6, U_PL), UF("milliwatt", POWER, 1e-3, U_PL),
	UF("gigawatt", POWER, 1e9, U_PL), UF("terawatt", POWER, 1e12, U_PL),
	UF("petawatt", POWER, 1e15, U_PL), U("hp", POWER, 745.6998715822702),
	U("瓦", POWER, 1), U("瓦特", POWER, 1), U("千瓦", POWER, 1e3),
	U("兆瓦", POWER, 1e6), U("吉瓦", POWER, 1e9), U("太瓦", POWER, 1e12),
	U("拍瓦", POWER, 1e15), U("毫瓦", POWER, 1e-3), U("微瓦", POWER, 1e-6),
	U("纳瓦", POWER, 1e-9), U("马力", POWER, 745.6998715822702),

	/* energy, J */
	U("j", ENERGY, 1), U("kj", ENERGY, 1e3), UF("mj", ENERGY, 1e-3, U_MILLI),
	U("μj", ENERGY, 1e-6), U("uj", ENERGY, 1e-6), U("nj", ENERGY, 1e-9),
	U("gj", ENERGY, 1e9), UF("joule", ENERGY, 1, U_PL),
	UF("kilojoule", ENERGY, 1e3, U_PL), UF("millijoule", ENERGY, 1e-3, U_PL),
	UF("megajoule", ENERGY, 1e6, U_PL), U("wh", ENERGY, 3600),
	U("kwh", ENERGY, 3.6e6), U("mwh", ENERGY, 3.6e9),
	U("gwh", ENERGY, 3.6e12), U("twh", ENERGY, 3.6e15),
	U("w·h", ENERGY, 3600), U("kw·h", ENERGY, 3.6e6), U("ev", ENERGY, EV),
	U("kev", ENERGY, EV * 1e3), U("mev", ENERGY, EV * 1e6),
	U("gev", ENERGY, EV * 1e9), U("tev", ENERGY, EV * 1e12),
	U("cal", ENERGY, 4.184), U("kcal", ENERGY, 4184), U("焦耳", ENERGY, 1),
	US("焦", ENERGY, 1, 0, "距点炭化油虑躁糖"),
	U("千焦", ENERGY, 1e3), U("千焦耳", ENERGY, 1e3), U("毫焦", ENERGY, 1e-3),
	U("毫焦耳", ENERGY, 1e-3), U("微焦", ENERGY, 1e-6),
	U("微焦耳", ENERGY, 1e-6), U("纳焦", ENERGY, 1e-9), U("兆焦", ENERGY, 1e6),
	U("兆焦耳", ENERGY, 1e6), U("吉焦", ENERGY, 1e9), U("瓦时", ENERGY, 3600),
	U("瓦·时", ENERGY, 3600), U("千瓦时", ENERGY, 3.6e6),
	U("千瓦·时", ENERGY, 3.6e6), U("兆瓦时", ENERGY, 3.6e9),
	U("吉瓦时", ENERGY, 3.6e12), U("度电", ENERGY, 3.6e6),
	U("电子伏", ENERGY, EV), U("电子伏特", ENERGY, EV),
	U("千电子伏", ENERGY, EV * 1e3), U("兆电子伏", ENERGY, EV * 1e6),
	U("吉电子伏", ENERGY, EV * 1e9), U("千卡", ENERGY, 4184),

	/* voltage, V */
	U("v", VOLTAGE, 1), U("kv", VOLTAGE, 1e3),
	UF("mv", VOLTAGE, 1e-3, U_MILLI), U("μv", VOLTAGE, 1e-6),
	U("vac", VOLTAGE, 1), U("vdc", VOLTAGE, 1), U("kvac", VOLTAGE, 1e3),
	U("kvdc", VOLTAGE, 1e3), UF("volt", VOLTAGE, 1, U_PL),
	UF("kilovolt", VOLTAGE, 1e3, U_PL), UF("millivolt", VOLTAGE, 1e-3, U_PL),
	US("伏", VOLTAGE, 1, 0, "天"), U("伏特", VOLTAGE, 1), U("千伏", VOLTAGE, 1e3),
	U("毫伏", VOLTAGE, 1e-3), U("微伏", VOLTAGE, 1e-6),
	U("兆伏", VOLTAGE, 1e6),

	/* current, A */
	UF("a", CURRENT, 1, U_NOWORD), U("ka", CURRENT, 1e3),
	UF("ma", CURRENT, 1e-3, U_MILLI), U("μa", CURRENT, 1e-6),
	U("ua", CURRENT, 1e-6), U("na", CURRENT, 1e-9),
	UF("amp", CURRENT, 1, U_PL), UF("ampere", CURRENT, 1, U_PL),
	UF("milliamp", CURRENT, 1e-3, U_PL),
	UF("milliampere", CURRENT, 1e-3, U_PL),
	US("安", CURRENT, 1, U_ARABIC, "装全排置防检徽卓保"),
	U("安培", CURRENT, 1), U("千安", CURRENT, 1e3), U("毫安", CURRENT, 1e-3),
	U("微安", CURRENT, 1e-6), U("纳安", CURRENT, 1e-9),

	/* frequency, Hz (rotation and sample rates too) */
	U("hz", FREQUENCY, 1), U("khz", FREQUENCY, 1e3),
	U("mhz", FREQUENCY, 1e6), U("ghz", FREQUENCY, 1e9),
	U("thz", FREQUENCY, 1e12), U("hertz", FREQUENCY, 1),
	U("kilohertz", FREQUENCY, 1e3), U("megahertz", FREQUENCY, 1e6),
	U("gigahertz", FREQUENCY, 1e9), U("terahertz", FREQUENCY, 1e12),
	U("rpm", FREQUENCY, 1.0 / 60), U("r/min", FREQUENCY, 1.0 / 60),
	U("rps", FREQUENCY, 1), U("r/s", FREQUENCY, 1), U("sps", FREQUENCY, 1),
	U("ksps", FREQUENCY, 1e3), U("msps", FREQUENCY, 1e6),
	U("gsps", FREQUENCY, 1e9), U("sa/s", FREQUENCY, 1),
	U("ksa/s", FREQUENCY, 1e3), U("msa/s", FREQUENCY, 1e6),
	U("gsa/s", FREQUENCY, 1e9), U("fps", FREQUENCY, 1),
	U("赫兹", FREQUENCY, 1), U("赫", FREQUENCY, 1), U("千赫", FREQUENCY, 1e3),
	U("千赫兹", FREQUENCY, 1e3), U("兆赫", FREQUENCY, 1e6),
	U("兆赫兹", FREQUENCY, 1e6), U("吉赫", FREQUENCY, 1e9),
	U("吉赫兹", FREQUENCY, 1e9), U("千兆赫", FREQUENCY, 1e9),
	U("千兆赫兹", FREQUENCY, 1e9), U("太赫兹", FREQUENCY, 1e12),
	U("转/分", FREQUENCY, 1.0 / 60), U("转/分钟", FREQUENCY, 1.0 / 60),
	U("转每分钟", FREQUENCY, 1.0 / 60), U("转/秒", FREQUENCY, 1),

	/* pressure, Pa */
	U("pa", PRESSURE, 1), U("kpa", PRESSURE, 1e3), U("mpa", PRESSURE, 1e6),
	U("gpa", PRESSURE, 1e9), U("hpa", PRESSURE, 100),
	U("bar", PRESSURE, 1e5), U("mbar", PRESSURE, 100),
	U("kbar", PRESSURE, 1e8), U("atm", PRESSURE, 101325),
	U("psi", PRESSURE, PSI), U("ksi", PRESSURE, PSI * 1e3),
	U("torr", PRESSURE, TORR), U("mtorr", PRESSURE, TORR * 1e-3),
	U("mmhg", PRESSURE, 133.322387415), U("kgf/cm2", PRESSURE, 98066.5),
	U("kg/cm2", PRESSURE, 98066.5), U("n/m2", PRESSURE, 1),
	U("n/mm2", PRESSURE, 1e6), UF("pascal", PRESSURE, 1, U_PL),
	US("帕", PRESSURE, 1, 0, "金"), U("帕斯卡", PRESSURE, 1),
	U("百帕", PRESSURE, 100), U("千帕", PRESSURE, 1e3),
	U("兆帕", PRESSURE, 1e6), U("吉帕", PRESSURE, 1e9),
	U("毫巴", PRESSURE, 100), U("大气压", PRESSURE, 101325),

	/* temperature, K */
	UO("°c", TEMPERATURE, 1, C_OFFSET),
	UO("° c", TEMPERATURE, 1, C_OFFSET),
	UO("℃", TEMPERATURE, 1, C_OFFSET),
	UO("摄氏度", TEMPERATURE, 1, C_OFFSET),
	UO("celsius", TEMPERATURE, 1, C_OFFSET),
	UO("degc", TEMPERATURE, 1, C_OFFSET),
	UO("deg c", TEMPERATURE, 1, C_OFFSET),
	UO("degree c", TEMPERATURE, 1, C_OFFSET),
	UO("degrees c", TEMPERATURE, 1, C_OFFSET),
	UO("degree celsius", TEMPERATURE, 1, C_OFFSET),
	UO("degrees celsius", TEMPERATURE, 1, C_OFFSET),
	UO("°f", TEMPERATURE, 5.0 / 9, F_OFFSET),
	UO("℉", TEMPERATURE, 5.0 / 9, F_OFFSET),
	UO("华氏度", TEMPERATURE, 5.0 / 9, F_OFFSET),
	UO("degrees fahrenheit", TEMPERATURE, 5.0 / 9, F_OFFSET),
	U("k", TEMPERATURE, 1), U("°k", TEMPERATURE, 1),
	U("kelvin", TEMPERATURE, 1), U("mk", TEMPERATURE, 1e-3),
	U("μk", TEMPERATURE, 1e-6), U("开尔文", TEMPERATURE, 1),

	/* density, kg/m3 */
	U("g/cm3", DENSITY, 1e3), U("g/cc", DENSITY, 1e3),
	U("g/ml", DENSITY, 1e3), U("g/l", DENSITY, 1), U("kg/m3", DENSITY, 1),
	U("kg/l", DENSITY, 1e3), U("kg/dm3", DENSITY, 1e3),
	U("t/m3", DENSITY, 1e3), U("mg/cm3", DENSITY, 1),
	U("mg/ml", DENSITY, 1), U("mg/l", DENSITY, 1e-3),
	U("g·cm-3", DENSITY, 1e3), U("kg·m-3", DENSITY, 1),
	U("克/立方厘米", DENSITY, 1e3), U("克/厘米3", DENSITY, 1e3),
	U("克每立方厘米", DENSITY, 1e3), U("千克/立方米", DENSITY, 1),
	U("公斤/立方米", DENSITY, 1), U("千克每立方米", DENSITY, 1),
	U("吨/立方米", DENSITY, 1e3), U("克/毫升", DENSITY, 1e3),
	U("克/升", DENSITY, 1), U("毫克/升", DENSITY, 1e-3),

	/* specific capacity, mAh/g */
	U("mah/g", SPECIFIC_CAPACITY, 1), U("mah·g-1", SPECIFIC_CAPACITY, 1),
	U("ah/kg", SPECIFIC_CAPACITY, 1), U("ah/g", SPECIFIC_CAPACITY, 1e3),
	U("毫安时/克", SPECIFIC_CAPACITY, 1),
	U("毫安·时/克", SPECIFIC_CAPACITY, 1),
	U("毫安时每克", SPECIFIC_CAPACITY, 1),

	/* ratio, percent */
	U("%", RATIO, 1), U("‰", RATIO, 0.1), U("ppm", RATIO, 1e-4),
	U("ppb", RATIO, 1e-7), U("percent", RATIO, 1), U("per cent", RATIO, 1),
	U("wt%", RATIO, 1), U("wt.%", RATIO, 1), U("at%", RATIO, 1),
	U("at.%", RATIO, 1), U("vol%", RATIO, 1), U("mol%", RATIO, 1),

	/* data rate, bit/s; b/s is bits, as in line rates */
	U("bps", DATA_RATE, 1), U("kbps", DATA_RATE, 1e3),
	U("mbps", DATA_RATE, 1e6), U("gbps", DATA_RATE, 1e9),
	U("tbps", DATA_RATE, 1e12), U("bit/s", DATA_RATE, 1),
	U("bits/s", DATA_RATE, 1), U("kbit/s", DATA_RATE, 1e3),
	U("mbit/s", DATA_RATE, 1e6), U("gbit/s", DATA_RATE, 1e9),
	U("tbit/s", DATA_RATE, 1e12), U("b/s", DATA_RATE, 1),
	U("kb/s", DATA_RATE, 1e3), U("mb/s", DATA_RATE, 1e6),
	U("gb/s", DATA_RATE, 1e9), U("tb/s", DATA_RATE, 1e12),
	U("byte/s", DATA_RATE, 8), U("bytes/s", DATA_RATE, 8),
	U("mbyte/s", DATA_RATE, 8e6), U("gbyte/s", DATA_RATE, 8e9),
	U("比特/秒", DATA_RATE, 1), U("比特每秒", DATA_RATE, 1),
	U("千比特/秒", DATA_RATE, 1e3), U("兆比特/秒", DATA_RATE, 1e6),
	U("吉比特/秒", DATA_RATE, 1e9),

	/* data size, bit; kb, mb, gb are bytes, decimal prefixes */
	UF("bit", DATA_SIZE, 1, U_PL), U("kbit", DATA_SIZE, 1e3),
	U("mbit", DATA_SIZE, 1e6), U("gbit", DATA_SIZE, 1e9),
	U("tbit", DATA_SIZE, 1e12), UF("byte", DATA_SIZE, 8, U_PL),
	U("kb", DATA_SIZE, 8e3), U("mb", DATA_SIZE, 8e6),
	U("gb", DATA_SIZE, 8e9), U("tb", DATA_SIZE, 8e12),
	U("pb", DATA_SIZE, 8e15), U("kib", DATA_SIZE, 8192),
	U("mib", DATA_SIZE, 8388608), U("gib", DATA_SIZE, 8589934592.0),
	U("tib", DATA_SIZE, 8796093022208.0), U("比特", DATA_SIZE, 1),
	U("字节", DATA_SIZE, 8), U("千字节", DATA_SIZE, 8e3),
	U("兆字节", DATA_SIZE, 8e6), U("吉字节", DATA_SIZE, 8e9),
	U("太字节", DATA_SIZE, 8e12),

	/* angle, rad */
	U("rad", ANGLE, 1), U("mrad", ANGLE, 1e-3), U("μrad", ANGLE, 1e-6),
	U("urad", ANGLE, 1e-6), U("nrad", ANGLE, 1e-9), U("°", ANGLE, DEG),
	U("deg", ANGLE, DEG), UF("degree", ANGLE, DEG, U_PL),
	UF("radian", ANGLE, 1, U_PL), UF("milliradian", ANGLE, 1e-3, U_PL),
	UF("microradian", ANGLE, 1e-6, U_PL), UF("arcsec", ANGLE, ARCSEC, U_PL),
	UF("arcsecond", ANGLE, ARCSEC, U_PL), UF("arcmin", ANGLE, ARCMIN, U_PL),
	UF("arcminute", ANGLE, ARCMIN, U_PL), U("″", ANGLE, ARCSEC),
	U("′′", ANGLE, ARCSEC), U("角秒", ANGLE, ARCSEC),
	U("弧秒", ANGLE, ARCSEC), U("角分", ANGLE, ARCMIN),
	U("弧分", ANGLE, ARCMIN), U("弧度", ANGLE, 1),
	U("毫弧度", ANGLE, 1e-3), U("微弧度", ANGLE, 1e-6),

	/* angular rate, rad/s */
	U("°/h", ANGULAR_RATE, DEG / 3600), U("°/hr", ANGULAR_RATE, DEG / 3600),
	U("°/min", ANGULAR_RATE, DEG / 60), U("°/s", ANGULAR_RATE, DEG),
	U("deg/h", ANGULAR_RATE, DEG / 3600),
	U("deg/hr", ANGULAR_RATE, DEG / 3600), U("deg/s", ANGULAR_RATE, DEG),
	U("rad/s", ANGULAR_RATE, 1), U("mrad/s", ANGULAR_RATE, 1e-3),
	U("度/小时", ANGULAR_RATE, DEG / 3600), U("度/时", ANGULAR_RATE, DEG / 3600),
	U("度/秒", ANGULAR_RATE, DEG),

	/* area, m2 */
	U("m2", AREA, 1), U("mm2", AREA, 1e-6), U("cm2", AREA, 1e-4),
	U("dm2", AREA, 1e-2), U("km2", AREA, 1e6), U("μm2", AREA, 1e-12),
	U("um2", AREA, 1e-12), U("nm2", AREA, 1e-18),
	UF("hectare", AREA, 1e4, U_PL), UF("acre", AREA, 4046.8564224, U_PL),
	U("平方米", AREA, 1), U("平方毫米", AREA, 1e-6),
	U("平方厘米", AREA, 1e-4), U("平方公里", AREA, 1e6),
	U("平方千米", AREA, 1e6), U("平方微米", AREA, 1e-12),
	U("平方纳米", AREA, 1e-18), U("亩", AREA, 10000.0 / 15),
	U("公顷", AREA, 1e4),

	/* volume, m3 */
	U("m3", VOLUME, 1), U("cm3", VOLUME, 1e-6), U("mm3", VOLUME, 1e-9),
	U("dm3", VOLUME, 1e-3), U("cc", VOLUME, 1e-6), U("l", VOLUME, 1e-3),
	U("ml", VOLUME, 1e-6), U("μl", VOLUME, 1e-9), U("ul", VOLUME, 1e-9),
	U("nl", VOLUME, 1e-12), UF("liter", VOLUME, 1e-3, U_PL),
	UF("litre", VOLUME, 1e-3, U_PL), UF("milliliter", VOLUME, 1e-6, U_PL),
	UF("millilitre", VOLUME, 1e-6, U_PL), U("立方米", VOLUME, 1),
	U("立方厘米", VOLUME, 1e-6), U("立方毫米", VOLUME, 1e-9),
	U("立方分米", VOLUME, 1e-3),
	US("升", VOLUME, 1e-3, 0, "级高温压至到为降华值幅起空"),
	U("毫升", VOLUME, 1e-6), U("微升", VOLUME, 1e-9), U("纳升", VOLUME, 1e-12),

	/* speed, m/s */
	U("m/s", SPEED, 1), U("km/s", SPEED, 1e3), U("km/h", SPEED, 1 / 3.6),
	U("kmh", SPEED, 1 / 3.6), U("kph", SPEED, 1 / 3.6),
	U("cm/s", SPEED, 1e-2), U("mm/s", SPEED, 1e-3), U("μm/s", SPEED, 1e-6),
	U("um/s", SPEED, 1e-6), U("mm/min", SPEED, 1e-3 / 60),
	U("m/min", SPEED, 1.0 / 60), U("m·s-1", SPEED, 1),
	U("km·h-1", SPEED, 1 / 3.6), U("mph", SPEED, 0.44704),
	UF("knot", SPEED, 0.5144444444444445, U_PL), U("米/秒", SPEED, 1),
	U("米每秒", SPEED, 1), U("米/分", SPEED, 1.0 / 60),
	U("米/分钟", SPEED, 1.0 / 60), U("千米/秒", SPEED, 1e3),
	U("千米/时", SPEED, 1 / 3.6), U("千米/小时", SPEED, 1 / 3.6),
	U("公里/时", SPEED, 1 / 3.6), U("公里/小时", SPEED, 1 / 3.6),
	U("毫米/秒", SPEED, 1e-3), U("毫米/分", SPEED, 1e-3 / 60),
	U("毫米/分钟", SPEED, 1e-3 / 60), U("厘米/秒", SPEED, 1e-2),
	U("马赫", SPEED, 340.3),

	/* energy density, Wh/kg */
	U("wh/kg", ENERGY_DENSITY, 1), U("kwh/kg", ENERGY_DENSITY, 1e3),
	U("wh·kg-1", ENERGY_DENSITY, 1), U("j/kg", ENERGY_DENSITY, 1 / 3600.0),
	U("kj/kg", ENERGY_DENSITY, 1 / 3.6), U("mj/kg", ENERGY_DENSITY, 1e3 / 3.6),
	U("j/g", ENERGY_DENSITY, 1 / 3.6), U("kj/g", ENERGY_DENSITY, 1e3 / 3.6),
	U("瓦时/千克", ENERGY_DENSITY, 1), U("瓦时/公斤", ENERGY_DENSITY, 1),
	U("瓦时每千克", ENERGY_DENSITY, 1), U("瓦·时/千克", ENERGY_DENSITY, 1),

	/* volumetric energy density, Wh/L */
	U("wh/l", VOLUMETRIC_ENERGY_DENSITY, 1),
	U("kwh/l", VOLUMETRIC_ENERGY_DENSITY, 1e3),
	U("wh/dm3", VOLUMETRIC_ENERGY_DENSITY, 1),
	U("wh·l-1", VOLUMETRIC_ENERGY_DENSITY, 1),
	U("瓦时/升", VOLUMETRIC_ENERGY_DENSITY, 1),
	U("瓦时每升", VOLUMETRIC_ENERGY_DENSITY, 1),

	/* specific power, W/kg */
	U("w/kg", SPECIFIC_POWER, 1), U("kw/kg", SPECIFIC_POWER, 1e3),
	U("w/g", SPECIFIC_POWER, 1e3), U("w·kg-1", SPECIFIC_POWER, 1),
	U("瓦/千克", SPECIFIC_POWER, 1), U("瓦/公斤", SPECIFIC_POWER, 1),
	U("千瓦/千克", SPECIFIC_POWER, 1e3), U("瓦每千克", SPECIFIC_POWER, 1),

	/* current density, A/m2 */
	U("a/m2", CURRENT_DENSITY, 1), U("a/cm2", CURRENT_DENSITY, 1e4),
	U("ma/cm2", CURRENT_DENSITY, 10), U("μa/cm2", CURRENT_DENSITY, 1e-2),
	U("a/mm2", CURRENT_DENSITY, 1e6), U("a/dm2", CURRENT_DENSITY, 1e2),
	U("ka/m2", CURRENT_DENSITY, 1e3), U("a·cm-2", CURRENT_DENSITY, 1e4),
	U("ma·cm-2", CURRENT_DENSITY, 10), U("安/平方厘米", CURRENT_DENSITY, 1e4),
	U("毫安/平方厘米", CURRENT_DENSITY, 10),
	U("安/平方米", CURRENT_DENSITY, 1), U("安/平方分米", CURRENT_DENSITY, 1e2),

	/* counts */
	US("层", COUNT, 1, 0, "次面"), US("核", COUNT, 1, 0, "电心能酸素算查实对准定发"),
	US("轴", COUNT, 1, 0, "承"), U("通道", COUNT, 1), U("量子比特", COUNT, 1),
	UF("layer", COUNT, 1, U_PL), UF("core", COUNT, 1, U_PL),
	U("axis", COUNT, 1), U("axes", COUNT, 1), UF("channel", COUNT, 1, U_PL),
	UF("qubit", COUNT, 1, U_PL),

	/* C-rate: "c" alone is never Celsius (that needs °) */
	UF("c", C_RATE, 1, U_TIGHT),
};
/* clang-format on */

/* Percent phrases that stand before their number: 百分之九十九. */
/* clang-format off */
static const unit_def prefix_units[] = {
	U("百分之", RATIO, 1),
	U("千分之", RATIO, 0.1),
	U("万分之", RATIO, 0.01),
};
/* clang-format on */

/* Purity written as nines: 5n is 99.999 %, 4n5 is 99.995 %. */
static const unit_def purity_unit = U("n", RATIO, 1);

/*
 * Matches pattern pat against the text at i; returns the bytes of text
 * matched, or 0. In pat, · matches any product sign, a space or a dot; μ
 * matches µ too; - matches −; a digit may have a caret before it (cm^3).
 */
static size_t pat_match(const char *s, size_t len, size_t i, const char *pat)
{
	const unsigned char *p = (const unsigned char *)pat;
	size_t j = i;
	while (*p) {
		if (p[0] == 0xC2 && p[1] == 0xB7) {
			size_t n = product_sign(s, len, j);
			if (!n &&
			    (at(s, len, j) == ' ' || at(s, len, j) == '.'))
				n = 1;
			if (!n)
				return 0;
			j += n;
			p += 2;
			continue;
		}
		if (p[0] == 0xCE && p[1] == 0xBC && has(s, len, j, "µ")) {
			j += 2;
			p += 2;
			continue;
		}
		if (*p == '-') {
			size_t n = minus_sign(s, len, j);
			if (!n)
				return 0;
			j += n;
			p++;
			continue;
		}
		if (is_digit(*p) && p != (const unsigned char *)pat &&
		    at(s, len, j) == '^')
			j++;
		if (at(s, len, j) != *p)
			return 0;
		j++;
		p++;
	}
	return j - i;
}

/*
 * Whether a unit u may end at e. A Latin unit must not run into a letter
 * or digit ("5 months"); no unit may run into a compound this table does
 * not know ("w/kg" when only "w" matched, "瓦每..."); a CJK unit must not
 * be followed by a character on its stop list.
 */
static bool unit_end_ok(const char *s, size_t len, size_t e, const unit_def *u)
{
	unsigned char c = at(s, len, e);
	if (c == 0)
		return true;
	const char *t = u->text;
	if (is_alnum((unsigned char)t[u->len - 1]) && is_alnum(c))
		return false;
	size_t n = product_sign(s, len, e);
	if (!n && (c == '/' || c == '^'))
		n = 1;
	if (n) {
		/* "5 kw/台" is still a power: per piece, not a compound */
		/* clang-format off */
		static const char *const per_piece[] = {
			"台", "套", "个", "只", "件", "片", "块", "支", "根",
			"组", "颗", "pc", "unit", "piece"};
		/* clang-format on */
		unsigned char d = at(s, len, e + n);
		bool piece = false;
		for (size_t k = 0; k < CS_ARRAY_LEN(per_piece) && c == '/'; k++)
			piece = piece || has(s, len, e + 1, per_piece[k]);
		if (d && d != ' ' && !is_digit(d) && !piece)
			return false;
	}
	if (has(s, len, e, "每"))
		return false;
	for (const char *p = u->stop; p && *p;) {
		size_t cl = u8_step((unsigned char)*p);
		if (len - e >= cl && memcmp(s + e, p, cl) == 0)
			return false;
		p += cl;
	}
	if ((u->flags & U_NOWORD) && c == ' ' && is_alpha(at(s, len, e + 1)))
		return false;
	return true;
}

/*
 * The table indexed by first byte, so that a number followed by text that
 * starts no unit costs one lookup. Built once, on first use, for all
 * threads.
 */
static struct {
	uint16_t start[257];
	uint16_t order[CS_ARRAY_LEN(units)];
} unit_index;
static once_flag unit_index_once = ONCE_FLAG_INIT;

_Static_assert(CS_ARRAY_LEN(units) < UINT16_MAX, "unit index is 16-bit");

static void unit_index_build(void)
{
	uint16_t fill[256];
	for (size_t k = 0; k < CS_ARRAY_LEN(units); k++)
		unit_index.start[(unsigned char)units[k].text[0] + 1]++;
	for (size_t c = 0; c < 256; c++) {
		unit_index.start[c + 1] += unit_index.start[c];
		fill[c] = unit_index.start[c];
	}
	for (size_t k = 0; k < CS_ARRAY_LEN(units); k++)
		unit_index.order[fill[(unsigned char)units[k].text[0]]++] =
		    (uint16_t)k;
}

/*
 * The end of the longest unit at i (0 when none) and the unit in *out.
 * spaced: a space stood between number and unit; arabic: the number was
 * written in Arabic digits.
 */
static size_t unit_at(const char *s, size_t len, size_t i, bool spaced,
		      bool arabic, const unit_def **out)
{
	call_once(&unit_index_once, unit_index_build);
	/* µ (micro sign) is looked up as μ (Greek mu), which the table uses */
	unsigned char c = has(s, len, i, "µ") ? 0xCE : at(s, len, i);
	size_t best = 0;
	for (size_t k = unit_index.start[c]; k < unit_index.start[c + 1]; k++) {
		const unit_def *u = &units[unit_index.order[k]];
		if ((spaced && (u->flags & U_TIGHT)) ||
		    (!arabic && (u->flags & U_ARABIC)))
			continue;
		size_t n = pat_match(s, len, i, u->text);
		if (!n)
			continue;
		size_t e = i + n;
		if ((u->flags & U_PL) && at(s, len, e) == 's' &&
		    unit_end_ok(s, len, e + 1, u))
			e++;
		else if (!unit_end_ok(s, len, e, u))
			continue;
		if (e > best) {
			best = e;
			*out = u;
		}
	}
	return best;
}

/* ---- one side: number and unit ----------------------------------------- */

typedef struct side {
	size_t start;	   /* first byte, sign or percent phrase included */
	size_t num_end;	   /* end of the number */
	size_t end;	   /* end of the unit, or of the number without one */
	double v;	   /* the number, signed, in the unit's scale */
	const unit_def *u; /* NULL without a unit */
} side;

/* A sign at i that belongs to the number after it; returns its length. */
static size_t sign_at(const char *s, size_t len, size_t i, double *sign)
{
	size_t n = 0;
	bool words = false; /* 零下 and 负 may stand before 四十 too */
	*sign = 1;
	if (has(s, len, i, "零下")) {
		n = 2 * CN_CHAR;
		*sign = -1;
		words = true;
	} else if (has(s, len, i, "负")) {
		n = CN_CHAR;
		*sign = -1;
		words = true;
	} else if ((n = minus_sign(s, len, i)) > 0) {
		*sign = -1;
	} else if (at(s, len, i) == '+') {
		n = 1;
	}
	if (n &&
	    (is_digit(at(s, len, i + n)) ||
	     (at(s, len, i + n) == '.' && is_digit(at(s, len, i + n + 1))) ||
	     (words &&
	      (cn_digit_at(s, len, i + n) >= 0 || has(s, len, i + n, "十")))))
		return n;
	*sign = 1;
	return 0;
}

/*
 * Units that read otherwise after certain numbers: "5g" is the network,
 * "5 pm" a time of day.
 */
static bool unit_misread(const side *o, const char *num, size_t nlen,
			 bool spaced)
{
	const char *t = o->u->text;
	bool integer = memchr(num, '.', nlen) == NULL;
	if (strcmp(t, "g") == 0 && !spaced && nlen == 1 && o->v >= 3 &&
	    o->v <= 6)
		return true;
	if (strcmp(t, "pm") == 0 && integer && o->v >= 1 && o->v <= 12)
		return true;
	return false;
}

/* 5n, 4n5 after a single digit; returns the end or 0. */
static size_t purity_at(const char *s, size_t len, size_t i, side *o)
{
	if (o->num_end - i != 1 || o->v < 2 || o->v > 9 ||
	    at(s, len, o->num_end) != 'n')
		return 0;
	size_t e = o->num_end + 1;
	double part = 1;
	if (is_digit(at(s, len, e)) && at(s, len, e) != '0') {
		part = (10 - (at(s, len, e) - '0')) / 10.0;
		e++;
	}
	if (is_alnum(at(s, len, e)))
		return 0;
	o->v = 100 - scale10(part, 2 - (long)o->v);
	o->u = &purity_unit;
	return e;
}

/* Reads the unit after the number of o; false when there is none. */
static bool side_unit(const char *s, size_t len, size_t num, size_t tail,
		      side *o)
{
	bool arabic = is_digit(at(s, len, num)) || at(s, len, num) == '.';
	size_t k = o->num_end;
	bool spaced = at(s, len, k) == ' ';
	size_t e = unit_at(s, len, skip_sp(s, len, k), spaced, arabic, &o->u);
	if (!e && !spaced && at(s, len, k) == '-' &&
	    is_alpha(at(s, len, k + 1))) {
		/* 5-axis, 16-bit */
		e = unit_at(s, len, k + 1, true, arabic, &o->u);
		if (e && e - (k + 1) < 2)
			e = 0;
	}
	if (!e && tail == CN_CHAR) {
		/* 三千卡: 三 and 千卡, the same value either way */
		double v;
		size_t n = cn_number(s + num, tail, &v, &(size_t){0});
		size_t e2 =
		    n == tail ? unit_at(s, len, num + tail, false, false, &o->u)
			      : 0;
		if (e2) {
			o->v = v;
			o->num_end = num + tail;
			e = e2;
		}
	}
	if (!e || unit_misread(o, s + num, o->num_end - num, spaced)) {
		o->u = NULL;
		return false;
	}
	o->end = e;
	return true;
}

/*
 * Reads sign, percent phrase, number and unit at i. o->num_end is set
 * whenever a number was read, even one too large to use, so that the
 * scan can step over it.
 */
static bool parse_side(const char *s, size_t len, size_t i, side *o)
{
	double sign;
	size_t j = i + sign_at(s, len, i, &sign);
	*o = (side){i, 0, 0, 0, NULL};
	for (size_t k = 0; k < CS_ARRAY_LEN(prefix_units); k++)
		if (has(s, len, j, prefix_units[k].text)) {
			o->u = &prefix_units[k];
			j += prefix_units[k].len;
			break;
		}
	size_t tail = 0;
	size_t n = arabic_number(s + j, len - j, &o->v);
	if (n == 0)
		n = cn_number(s + j, len - j, &o->v, &tail);
	if (n == 0)
		return false;
	o->num_end = o->end = j + n;
	if (!isfinite(o->v))
		return false;
	if (!o->u) {
		size_t e = purity_at(s, len, j, o);
		if (e)
			o->end = e;
		else
			side_unit(s, len, j, tail, o);
	}
	o->v *= sign;
	return true;
}

/* ---- comparison words and ranges -------------------------------------- */

typedef enum cmp_kind {
	CMP_NONE,
	CMP_GE,
	CMP_LE,
	CMP_BETTER,
	CMP_BETWEEN
} cmp_kind;

typedef struct word {
	const char *s;
	size_t len;
	cmp_kind k;
} word;

#define W(s, k)                                                                \
	{                                                                      \
		s, sizeof(s) - 1, CMP_##k                                      \
	}

/* Words before a number. The longest match wins: "no more than" over
 * "more than", "不超过" over "超过". */
/* clang-format off */
static const word pre_words[] = {
	W("≥", GE), W(">=", GE), W(">", GE), W("⩾", GE),
	W("≧", GE), W("≮", GE), W("不低于", GE), W("不小于", GE),
	W("不少于", GE), W("不短于", GE), W("大于", GE),
	W("大于等于", GE), W("大于或等于", GE), W("高于", GE),
	W("超过", GE), W("多于", GE), W("至少", GE), W("最低", GE),
	W("最小", GE), W("最少", GE), W("at least", GE),
	W("more than", GE), W("greater than", GE),
	W("greater than or equal to", GE), W("higher than", GE),
	W("larger than", GE), W("over", GE), W("above", GE),
	W("exceeding", GE), W("in excess of", GE),
	W("no less than", GE), W("not less than", GE),
	W("no lower than", GE), W("not lower than", GE),
	W("not below", GE), W("min.", GE), W("min", GE),
	W("minimum", GE), W("minimum of", GE), W("a minimum of", GE),

	W("≤", LE), W("<=", LE), W("<", LE), W("⩽", LE),
	W("≦", LE), W("≯", LE), W("不超过", LE), W("不大于", LE),
	W("不高于", LE), W("不多于", LE), W("不长于", LE),
	W("小于", LE), W("小于等于", LE), W("小于或等于", LE),
	W("低于", LE), W("少于", LE), W("最高", LE), W("最大", LE),
	W("最多", LE), W("至多", LE), W("最高可达", LE),
	W("最大可达", LE), W("可达", LE), W("高达", LE),
	W("up to", LE), W("less than", LE),
	W("less than or equal to", LE), W("lower than", LE),
	W("smaller than", LE), W("below", LE), W("under", LE),
	W("no more than", LE), W("not more than", LE),
	W("no greater than", LE), W("not greater than", LE),
	W("no higher than", LE), W("not higher than", LE),
	W("not exceeding", LE), W("not to exceed", LE),
	W("not above", LE), W("not over", LE), W("at most", LE),
	W("max.", LE), W("max", LE), W("maximum", LE),
	W("maximum of", LE), W("a maximum of", LE),

	W("优于", BETTER), W("better than", BETTER),

	W("between", BETWEEN), W("介于", BETWEEN),
};
/* clang-format on */

/* Words after a quantity. */
/* clang-format off */
static const word post_words[] = {
	W("以上", GE), W("及以上", GE), W("或以上", GE),
	W("或更高", GE), W("或更大", GE), W("或更多", GE),
	W("or more", GE), W("or higher", GE), W("or greater", GE),
	W("or above", GE), W("or larger", GE), W("and above", GE),
	W("and up", GE), W("and higher", GE), W("min.", GE),
	W("min", GE), W("minimum", GE), W("(min)", GE),
	W("以下", LE), W("及以下", LE), W("或以下", LE),
	W("以内", LE), W("或更低", LE), W("或更小", LE),
	W("或更少", LE), W("or less", LE), W("or lower", LE),
	W("or below", LE), W("or fewer", LE), W("or smaller", LE),
	W("and below", LE), W("and under", LE), W("and less", LE),
	W("max.", LE), W("max", LE), W("maximum", LE),
	W("(max)", LE), W("or better", BETTER),
};
/* clang-format on */

/*
 * The comparison word that ends just before i (spaces and a colon
 * between allowed), not reaching back before floor. Sets *start.
 */
static cmp_kind find_pre(const char *s, size_t i, size_t floor, size_t *start)
{
	size_t q = i;
	for (int k = 0;
	     k < 3 && q > floor && (s[q - 1] == ' ' || s[q - 1] == ':'); k++)
		q--;
	size_t lim = q - floor < QP_LOOKBACK ? q - floor : QP_LOOKBACK;
	size_t best = 0;
	cmp_kind kind = CMP_NONE;
	for (size_t k = 0; k < CS_ARRAY_LEN(pre_words); k++) {
		size_t n = pre_words[k].len;
		if (n > lim || n <= best || s[q - 1] != pre_words[k].s[n - 1] ||
		    memcmp(s + q - n, pre_words[k].s, n))
			continue;
		if (is_alpha((unsigned char)pre_words[k].s[0]) &&
		    q - n > floor && is_alpha((unsigned char)s[q - n - 1]))
			continue;
		best = n;
		kind = pre_words[k].k;
	}
	*start = kind == CMP_NONE ? i : q - best;
	return kind;
}

/* The comparison word at i (after one optional space); sets *end. */
static cmp_kind find_post(const char *s, size_t len, size_t i, size_t *end)
{
	size_t j = skip_sp(s, len, i);
	size_t best = 0;
	cmp_kind kind = CMP_NONE;
	for (size_t k = 0; k < CS_ARRAY_LEN(post_words); k++) {
		const char *w = post_words[k].s;
		size_t n = post_words[k].len;
		if (n <= best || !has(s, len, j, w))
			continue;
		if (is_alpha((unsigned char)w[n - 1]) &&
		    is_alpha(at(s, len, j + n)))
			continue;
		/* Latin words need the space: "5 wmax" is not a word. */
		if (is_alpha((unsigned char)w[0]) && j == i &&
		    is_alpha(at(s, len, i - 1)))
			continue;
		best = n;
		kind = post_words[k].k;
	}
	*end = kind == CMP_NONE ? i : j + best;
	return kind;
}

/*
 * A range separator at i; returns the offset of the second number, or 0.
 * *and_sep tells a separator ("and", 和, 与) that only makes a range after
 * "between" or 介于.
 */
static size_t range_sep(const char *s, size_t len, size_t i, bool *and_sep)
{
	static const char *const seps[] = {"-",	 "–",  "—",  "−", "~",
					   "～", "〜", "至", "到"};
	size_t j = skip_sp(s, len, i);
	size_t n = 0;
	for (size_t k = 0; k < CS_ARRAY_LEN(seps) && !n; k++)
		if (has(s, len, j, seps[k]))
			n = strlen(seps[k]);
	if (!n && has(s, len, j, "to") && !is_alpha(at(s, len, j + 2)))
		n = 2;
	*and_sep = false;
	if (!n) {
		if (has(s, len, j, "and") && !is_alpha(at(s, len, j + 3)))
			n = 3;
		else if (has(s, len, j, "和") || has(s, len, j, "与"))
			n = CN_CHAR;
		*and_sep = n > 0;
	}
	return n ? skip_sp(s, len, j + n) : 0;
}

/* ---- quantities ------------------------------------------------------- */

static double to_base(const unit_def *u, double v)
{
	return v * u->scale + u->offset;
}

/*
 * Which side "better than" opens: smaller is better for sizes and
 * resolutions, times (pulse widths), angles (divergence, accuracy),
 * pressures (vacuum) and small ratios (impurities, errors); larger is
 * better for everything else.
 */
static bool smaller_is_better(qp_dim dim, double base)
{
	switch (dim) {
	case QP_DIM_LENGTH:
	case QP_DIM_TIME:
	case QP_DIM_ANGLE:
	case QP_DIM_ANGULAR_RATE:
	case QP_DIM_PRESSURE:
		return true;
	case QP_DIM_RATIO:
		return base < 1;
	default:
		return false;
	}
}

static void apply_cmp(qp_quantity *q, cmp_kind k)
{
	if (k == CMP_BETTER)
		k = smaller_is_better(q->dim, q->lo) ? CMP_LE : CMP_GE;
	if (k == CMP_GE)
		q->hi = INFINITY;
	else if (k == CMP_LE)
		q->lo = -INFINITY;
}

static void set_interval(qp_quantity *q, qp_dim dim, double lo, double hi)
{
	q->dim = dim;
	q->lo = lo < hi ? lo : hi;
	q->hi = lo < hi ? hi : lo;
}

/* "±0.1 mm" alone: a tolerance, kept as its size; for a temperature
 * ("±40 °c") the span around zero. */
static bool parse_pm_alone(const char *s, size_t len, size_t i, qp_quantity *q)
{
	side a;
	size_t j = skip_sp(s, len, i + strlen("±"));
	if (!parse_side(s, len, j, &a) || !a.u)
		return false;
	double v = fabs(a.v);
	if (a.u->dim == QP_DIM_TEMPERATURE)
		set_interval(q, a.u->dim, to_base(a.u, -v), to_base(a.u, v));
	else
		set_interval(q, a.u->dim, to_base(a.u, v), to_base(a.u, v));
	q->start = i;
	q->end = a.end;
	return true;
}

/* "100 ± 5 w", "2.6±0.05 g/cm3", "100 w ±5%" after side a. */
static bool parse_pm(const char *s, size_t len, const side *a, size_t k,
		     qp_quantity *q)
{
	side b;
	if (!parse_side(s, len, skip_sp(s, len, k + strlen("±")), &b))
		return false;
	const unit_def *u = a->u ? a->u : b.u;
	if (!u)
		return false;
	double dev = fabs(b.v);
	if (b.u && b.u->dim != u->dim) {
		if (b.u->dim != QP_DIM_RATIO)
			return false;
		dev = fabs(a->v) * dev / 100;
	} else if (b.u) {
		/* the deviation in a's unit; no offset: it is a difference */
		dev = dev * b.u->scale / u->scale;
	}
	set_interval(q, u->dim, to_base(u, a->v - dev), to_base(u, a->v + dev));
	q->end = b.u ? b.end : b.num_end;
	return true;
}

/*
 * "10-20 kw", "10 kw to 20 kw", "10至20千瓦", "between 10 and 20 kw" after
 * side a, which starts at i; k is where a's unit (or number) ends.
 */
static bool parse_range(const char *s, size_t len, const side *a, size_t k,
			size_t floor, qp_quantity *q)
{
	bool and_sep;
	size_t j = range_sep(s, len, k, &and_sep);
	size_t start = a->start;
	if (!j ||
	    (and_sep && find_pre(s, a->start, floor, &start) != CMP_BETWEEN))
		return false;
	side b;
	if (!parse_side(s, len, j, &b) || !b.u)
		return false;
	const unit_def *ua = a->u ? a->u : b.u;
	if (ua->dim != b.u->dim)
		return false;
	set_interval(q, ua->dim, to_base(ua, a->v), to_base(b.u, b.v));
	q->start = start;
	q->end = b.end;
	if (has(s, len, b.end, "之间"))
		q->end += strlen("之间");
	return true;
}

/*
 * Reads the quantity whose number starts at i. On failure *next is where
 * the scan goes on: past the first number, never back before it.
 */
static bool parse_quantity(const char *s, size_t len, size_t i, size_t floor,
			   qp_quantity *q, size_t *next)
{
	side a;
	*next = i + u8_step((unsigned char)s[i]);
	if (has(s, len, i, "±"))
		return parse_pm_alone(s, len, i, q);
	bool ok = parse_side(s, len, i, &a);
	if (a.num_end > i)
		*next = a.num_end;
	if (!ok)
		return false;
	size_t k = skip_sp(s, len, a.end);
	q->start = i;
	if (has(s, len, k, "±") && parse_pm(s, len, &a, k, q))
		return true;
	if (parse_range(s, len, &a, a.u ? a.end : a.num_end, floor, q))
		return true;
	if (!a.u)
		return false;
	set_interval(q, a.u->dim, to_base(a.u, a.v), to_base(a.u, a.v));
	q->end = a.end;
	size_t pre_start;
	cmp_kind pre = find_pre(s, i, floor, &pre_start);
	if (pre != CMP_NONE && pre != CMP_BETWEEN) {
		q->start = pre_start;
		apply_cmp(q, pre);
	} else {
		apply_cmp(q, find_post(s, len, a.end, &q->end));
	}
	return true;
}

/* Whether a number (or a sign, ± or percent phrase before one) starts at
 * i: not inside a word or another number ("a100", "1.2.3"). */
static bool can_start(const char *s, size_t len, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	unsigned char prev = i ? (unsigned char)s[i - 1] : 0;
	double sign;
	if (c < 0x80) {
		if (is_alnum(prev) || prev == '.' || prev == '_')
			return false;
		/* "1,5" is not 5: a decimal comma, or a list glued together */
		if (prev == ',' && i >= 2 && is_digit((unsigned char)s[i - 2]))
			return false;
		if (is_digit(c))
			return true;
		if (c == '.')
			return is_digit(at(s, len, i + 1));
		return (c == '+' || c == '-') && prev != ')' &&
		       sign_at(s, len, i, &sign) > 0;
	}
	if (c < 0xC0)
		return false;
	if (has(s, len, i, "±"))
		return true;
	if (has(s, len, i, "−"))
		return !is_alnum(prev) && prev != '.' &&
		       sign_at(s, len, i, &sign);
	if (sign_at(s, len, i, &sign))
		return true;
	for (size_t k = 0; k < CS_ARRAY_LEN(prefix_units); k++)
		if (has(s, len, i, prefix_units[k].text))
			return true;
	return cn_digit_at(s, len, i) >= 0 || has(s, len, i, "十") ||
	       has(s, len, i, "拾");
}

size_t qp_scan(const char *text, size_t len, qp_quantity *out, size_t max)
{
	size_t found = 0, floor = 0, i = 0;
	if (!text)
		return 0;
	while (i < len) {
		if (!can_start(text, len, i)) {
			i++;
			continue;
		}
		qp_quantity q;
		size_t next;
		if (parse_quantity(text, len, i, floor, &q, &next)) {
			if (out && found < max)
				out[found] = q;
			found++;
			floor = q.end;
			i = q.end > i ? q.end : next;
		} else {
			i = next;
		}
	}
	return found;
}

/* ---- rule-file units ---------------------------------------------------- */

/*
 * Rewrites a unit as a rule file may write it into the normalised form:
 * lower case, ³ ² as digits, µ as μ, Å as å. False when it does not fit.
 */
static bool fold_unit(const char *u, char *buf, size_t cap)
{
	static const struct {
		const char *from, *to;
	} maps[] = {{"³", "3"}, {"²", "2"},  {"µ", "μ"},
		    {"Å", "å"}, {"／", "/"}, {"％", "%"}};
	size_t n = 0, len = strlen(u);
	for (size_t i = 0; i < len;) {
		const char *rep = NULL;
		size_t adv = 1;
		for (size_t k = 0; k < CS_ARRAY_LEN(maps) && !rep; k++)
			if (has(u, len, i, maps[k].from)) {
				rep = maps[k].to;
				adv = strlen(maps[k].from);
			}
		char one[2] = {u[i], 0};
		if (!rep) {
			if (one[0] >= 'A' && one[0] <= 'Z')
				one[0] = (char)(one[0] - 'A' + 'a');
			rep = one;
		}
		size_t rl = strlen(rep);
		if (n + rl >= cap)
			return false;
		memcpy(buf + n, rep, rl);
		n += rl;
		i += adv;
	}
	buf[n] = '\0';
	return true;
}

bool qp_unit(const char *unit, qp_dim *dim, double *scale, double *offset)
{
	char buf[64];
	if (!unit)
		return false;
	while (*unit == ' ')
		unit++;
	size_t ulen = strlen(unit);
	while (ulen && unit[ulen - 1] == ' ')
		ulen--;
	char raw[64];
	if (ulen == 0 || ulen >= sizeof raw)
		return false;
	memcpy(raw, unit, ulen);
	raw[ulen] = '\0';
	if (!fold_unit(raw, buf, sizeof buf))
		return false;
	size_t len = strlen(buf);
	const unit_def *best = NULL;
	for (size_t k = 0; k < CS_ARRAY_LEN(units); k++) {
		size_t n = pat_match(buf, len, 0, units[k].text);
		if ((units[k].flags & U_PL) && n && n + 1 == len &&
		    buf[n] == 's')
			n++;
		if (n == len) {
			best = &units[k];
			break;
		}
	}
	if (!best)
		return false;
	double s = best->scale;
	if ((best->flags & U_MILLI) && raw[0] == 'M')
		s *= 1e9;
	if (dim)
		*dim = best->dim;
	if (scale)
		*scale = s;
	if (offset)
		*offset = best->offset;
	return true;
}

const char *qp_dim_name(qp_dim dim)
{
	static const char *const names[QP_DIM__COUNT] = {
	    [QP_DIM_NONE] = "none",
	    [QP_DIM_LENGTH] = "length",
	    [QP_DIM_MASS] = "mass",
	    [QP_DIM_TIME] = "time",
	    [QP_DIM_POWER] = "power",
	    [QP_DIM_ENERGY] = "energy",
	    [QP_DIM_VOLTAGE] = "voltage",
	    [QP_DIM_CURRENT] = "current",
	    [QP_DIM_FREQUENCY] = "frequency",
	    [QP_DIM_PRESSURE] = "pressure",
	    [QP_DIM_TEMPERATURE] = "temperature",
	    [QP_DIM_DENSITY] = "density",
	    [QP_DIM_SPECIFIC_CAPACITY] = "specific capacity",
	    [QP_DIM_RATIO] = "ratio",
	    [QP_DIM_DATA_RATE] = "data rate",
	    [QP_DIM_DATA_SIZE] = "data size",
	    [QP_DIM_ANGLE] = "angle",
	    [QP_DIM_AREA] = "area",
	    [QP_DIM_VOLUME] = "volume",
	    [QP_DIM_SPEED] = "speed",
	    [QP_DIM_ENERGY_DENSITY] = "energy density",
	    [QP_DIM_CURRENT_DENSITY] = "current density",
	    [QP_DIM_COUNT] = "count",
	    [QP_DIM_C_RATE] = "c-rate",
	    [QP_DIM_VOLUMETRIC_ENERGY_DENSITY] = "volumetric energy density",
	    [QP_DIM_SPECIFIC_POWER] = "specific power",
	    [QP_DIM_ANGULAR_RATE] = "angular rate",
	};
	if ((unsigned)dim >= QP_DIM__COUNT || !names[dim])
		return "unknown";
	return names[dim];
}
