/*
 * test_quantity.c: the quantity parser (classify/quantity.h).
 *
 * Most cases are one line in a table and run as one cmocka test each, so a
 * failure names the text that failed. The text is written as the
 * normaliser leaves it: lower-case Latin, half-width digits and signs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "quantity.h"

#define INF INFINITY
#define DEG 0.017453292519943295

static bool near(double got, double want)
{
	if (isinf(want) || isinf(got))
		return got == want;
	return fabs(got - want) <= 1e-9 * fabs(want) + 1e-30;
}

static void assert_near(double got, double want, const char *what,
			const char *text)
{
	if (!near(got, want))
		fail_msg("%s: %s is %.17g, want %.17g", text, what, got, want);
}

/* ---- one quantity in a text ------------------------------------------- */

typedef struct scan_case {
	const char *text;
	qp_dim dim;
	double lo, hi;
} scan_case;

/* clang-format off */
/* The text holds exactly one quantity, of dimension D, [LO, HI]. */
#define Q(text, d, lo, hi) {text, QP_DIM_##d, lo, hi}
/* The same, for a single value. */
#define Q1(text, d, v) {text, QP_DIM_##d, v, v}

static scan_case scan_cases[] = {
	/* numbers as documents write them */
	Q1("功率为1,500 w", POWER, 1500),
	Q1("1,500,000 w", POWER, 1.5e6),
	Q1("0.75 w", POWER, 0.75),
	Q1("1.5e3 w", POWER, 1500),
	Q1("1.5×103 w", POWER, 1500),
	Q1("1.5×10^3 w", POWER, 1500),
	Q1("2x10^-3 m", LENGTH, 2e-3),
	Q("漏率≤1×10-9 pa", PRESSURE, -INF, 1e-9),
	Q1("三千瓦", POWER, 3000),
	Q1("两百米", LENGTH, 200),
	Q1("三千五百瓦", POWER, 3500),
	Q1("十二小时", TIME, 43200),
	Q1("一万二千吨", MASS, 1.2e7),
	Q1("两百五十克", MASS, 0.25),
	Q1("1.5万千瓦", POWER, 1.5e7),
	Q1("装机容量3亿千瓦", POWER, 3e11),
	Q1("三点五米", LENGTH, 3.5),
	Q1("三四米", LENGTH, 4),
	Q1("十分钟", TIME, 600),
	Q1("百分之九十九", RATIO, 99),
	Q1("千分之五", RATIO, 0.5),
	Q1("零下四十摄氏度", TEMPERATURE, 233.15),
	Q1("零下40℃", TEMPERATURE, 233.15),

	/* length */
	Q1("波长1064 nm", LENGTH, 1.064e-6),
	Q1("5 μm", LENGTH, 5e-6),
	Q1("5 µm", LENGTH, 5e-6),
	Q1("5 um", LENGTH, 5e-6),
	Q1("3 km", LENGTH, 3000),
	Q1("5 mm", LENGTH, 5e-3),
	Q1("5 m", LENGTH, 5),
	Q1("0.5毫米", LENGTH, 5e-4),
	Q1("20微米", LENGTH, 2e-5),
	Q1("5公里", LENGTH, 5000),
	Q1("12英寸", LENGTH, 0.3048),
	Q1("12 inches", LENGTH, 0.3048),
	Q1("0.5 pm", LENGTH, 5e-13),
	/* mass */
	Q1("5 kg", MASS, 5),
	Q1("20 mg", MASS, 2e-5),
	Q1("3 t", MASS, 3000),
	Q1("10 tons", MASS, 1e4),
	Q1("10吨", MASS, 1e4),
	Q1("500克", MASS, 0.5),
	Q1("2公斤", MASS, 2),
	Q1("5毫克", MASS, 5e-6),
	/* time */
	Q1("脉宽10 ns", TIME, 1e-8),
	Q1("100 fs", TIME, 1e-13),
	Q1("5 ps", TIME, 5e-12),
	Q1("5 μs", TIME, 5e-6),
	Q1("3 ms", TIME, 3e-3),
	Q1("2 h", TIME, 7200),
	Q1("30 min", TIME, 1800),
	Q1("20 seconds", TIME, 20),
	Q1("50飞秒", TIME, 5e-14),
	Q1("10皮秒", TIME, 1e-11),
	Q1("2小时", TIME, 7200),
	/* power; "mw" is milliwatt */
	Q1("5 mw", POWER, 5e-3),
	Q1("10 kw", POWER, 1e4),
	Q1("1 gw", POWER, 1e9),
	Q1("10 tw", POWER, 1e13),
	Q1("3兆瓦", POWER, 3e6),
	Q1("500毫瓦", POWER, 0.5),
	Q1("100 watts", POWER, 100),
	/* energy */
	Q1("10 mj", ENERGY, 0.01),
	Q1("5 kwh", ENERGY, 1.8e7),
	Q1("100 j", ENERGY, 100),
	Q1("3千瓦时", ENERGY, 1.08e7),
	Q1("200度电", ENERGY, 7.2e8),
	Q1("10 kev", ENERGY, 1.602176634e-15),
	Q1("10焦耳", ENERGY, 10),
	/* voltage */
	Q1("220 v", VOLTAGE, 220),
	Q1("220 vac", VOLTAGE, 220),
	Q1("10 kv", VOLTAGE, 1e4),
	Q1("5 mv", VOLTAGE, 5e-3),
	Q1("35千伏", VOLTAGE, 35000),
	/* current */
	Q1("5 a", CURRENT, 5),
	Q1("20 ma", CURRENT, 0.02),
	Q1("100 ka", CURRENT, 1e5),
	Q1("300毫安", CURRENT, 0.3),
	Q1("额定电流16安", CURRENT, 16),
	/* frequency */
	Q1("2.4 ghz", FREQUENCY, 2.4e9),
	Q1("100 mhz", FREQUENCY, 1e8),
	Q1("10 khz", FREQUENCY, 1e4),
	Q1("1 thz", FREQUENCY, 1e12),
	Q1("915兆赫", FREQUENCY, 9.15e8),
	Q1("6000 rpm", FREQUENCY, 100),
	Q1("10 gsa/s", FREQUENCY, 1e10),
	/* pressure; "mpa" is megapascal */
	Q1("10 mpa", PRESSURE, 1e7),
	Q1("1 bar", PRESSURE, 1e5),
	Q1("1 atm", PRESSURE, 101325),
	Q1("760 torr", PRESSURE, 101325),
	Q1("1e-5 pa", PRESSURE, 1e-5),
	Q1("35兆帕", PRESSURE, 3.5e7),
	Q1("100 psi", PRESSURE, 689475.7293168361),
	/* temperature */
	Q1("-40 °c", TEMPERATURE, 233.15),
	Q1("100℃", TEMPERATURE, 373.15),
	Q1("25 ° c", TEMPERATURE, 298.15),
	Q1("77 k", TEMPERATURE, 77),
	Q1("212 °f", TEMPERATURE, 373.15),
	Q1("1200摄氏度", TEMPERATURE, 1473.15),
	/* density */
	Q1("2.6 g/cm3", DENSITY, 2600),
	Q1("2.6 g/cm^3", DENSITY, 2600),
	Q1("1.8 g/cc", DENSITY, 1800),
	Q1("1000 kg/m3", DENSITY, 1000),
	Q1("2.5 g·cm-3", DENSITY, 2500),
	Q1("2.5 g cm-3", DENSITY, 2500),
	Q1("2.6克/立方厘米", DENSITY, 2600),
	/* specific capacity */
	Q1("161 mah/g", SPECIFIC_CAPACITY, 161),
	Q1("160毫安时/克", SPECIFIC_CAPACITY, 160),
	Q1("150 ah/kg", SPECIFIC_CAPACITY, 150),
	/* ratio */
	Q1("纯度99.99%", RATIO, 99.99),
	Q1("5‰", RATIO, 0.5),
	Q1("10 ppm", RATIO, 1e-3),
	Q1("6n", RATIO, 99.9999),
	Q1("4n5", RATIO, 99.995),
	/* data */
	Q1("10 gbps", DATA_RATE, 1e10),
	Q1("100 mbit/s", DATA_RATE, 1e8),
	Q1("25 gb/s", DATA_RATE, 2.5e10),
	Q1("10兆比特/秒", DATA_RATE, 1e7),
	Q1("16 bit", DATA_SIZE, 16),
	Q1("16-bit", DATA_SIZE, 16),
	Q1("64 gb", DATA_SIZE, 5.12e11),
	/* angle and angular rate */
	Q1("10 μrad", ANGLE, 1e-5),
	Q1("1 mrad", ANGLE, 1e-3),
	Q1("30°", ANGLE, 30 * DEG),
	Q1("rotate 30° clockwise", ANGLE, 30 * DEG),
	Q1("5 arcsec", ANGLE, 5 * DEG / 3600),
	Q1("2角秒", ANGLE, 2 * DEG / 3600),
	Q1("零偏稳定性0.01°/h", ANGULAR_RATE, 0.01 * DEG / 3600),
	/* area and volume */
	Q1("5 m2", AREA, 5),
	Q1("100 mm2", AREA, 1e-4),
	Q1("3平方米", AREA, 3),
	Q1("5 l", VOLUME, 5e-3),
	Q1("100 ml", VOLUME, 1e-4),
	Q1("3 cm3", VOLUME, 3e-6),
	Q1("2立方米", VOLUME, 2),
	Q1("5升", VOLUME, 5e-3),
	/* speed: "km/h" is not a length */
	Q1("3 km/h", SPEED, 3 / 3.6),
	Q1("10 m/s", SPEED, 10),
	Q1("340米/秒", SPEED, 340),
	Q1("5马赫", SPEED, 5 * 340.3),
	/* battery and electrochemistry */
	Q1("300 wh/kg", ENERGY_DENSITY, 300),
	Q1("250瓦时/千克", ENERGY_DENSITY, 250),
	Q1("700 wh/l", VOLUMETRIC_ENERGY_DENSITY, 700),
	Q1("500 w/kg", SPECIFIC_POWER, 500),
	Q1("2 a/cm2", CURRENT_DENSITY, 2e4),
	Q1("10 ma/cm2", CURRENT_DENSITY, 100),
	Q1("0.1c放电", C_RATE, 0.1),
	/* counts */
	Q1("128层", COUNT, 128),
	Q1("5-axis", COUNT, 5),
	Q1("五轴联动", COUNT, 5),
	Q1("64 cores", COUNT, 64),
	Q1("功率5 kw/台", POWER, 5000),

	/* ranges */
	Q("10-20 kw", POWER, 1e4, 2e4),
	Q("10–20kw", POWER, 1e4, 2e4),
	Q("10~20 kw", POWER, 1e4, 2e4),
	Q("10 to 20 kw", POWER, 1e4, 2e4),
	Q("10至20千瓦", POWER, 1e4, 2e4),
	Q("10到20千瓦", POWER, 1e4, 2e4),
	Q("10 kw - 20 kw", POWER, 1e4, 2e4),
	Q("10千瓦至20千瓦", POWER, 1e4, 2e4),
	Q("压实密度2.5-2.6 g/cm3", DENSITY, 2500, 2600),
	Q("1 kw-1500 w", POWER, 1000, 1500),
	Q("20-10 kw", POWER, 1e4, 2e4),
	Q("-40~85℃", TEMPERATURE, 233.15, 358.15),
	Q("-40 °c to +85 °c", TEMPERATURE, 233.15, 358.15),
	Q("between 10 and 20 kw", POWER, 1e4, 2e4),
	Q("介于10和20千瓦之间", POWER, 1e4, 2e4),
	Q("百分之十至百分之二十", RATIO, 10, 20),
	Q("100±5 w", POWER, 95, 105),
	Q("2.6±0.05 g/cm3", DENSITY, 2550, 2650),
	Q("100 w ±5%", POWER, 95, 105),
	Q("±40℃", TEMPERATURE, 233.15, 313.15),
	Q1("±5%", RATIO, 5),
	Q1("精度±0.1 mm", LENGTH, 1e-4),

	/* comparison words, before */
	Q("不低于5 w", POWER, 5, INF),
	Q("不小于5 w", POWER, 5, INF),
	Q("不少于5 w", POWER, 5, INF),
	Q("大于5 w", POWER, 5, INF),
	Q("高于5 w", POWER, 5, INF),
	Q("超过5 w", POWER, 5, INF),
	Q("至少5 w", POWER, 5, INF),
	Q("≥5 w", POWER, 5, INF),
	Q(">=5 w", POWER, 5, INF),
	Q("> 5 w", POWER, 5, INF),
	Q("功率: ≥ 5 w", POWER, 5, INF),
	Q("不超过5 w", POWER, -INF, 5),
	Q("不大于5 w", POWER, -INF, 5),
	Q("小于5 w", POWER, -INF, 5),
	Q("低于5 w", POWER, -INF, 5),
	Q("最高5 w", POWER, -INF, 5),
	Q("最大5 w", POWER, -INF, 5),
	Q("≤5 w", POWER, -INF, 5),
	Q("<=5 w", POWER, -INF, 5),
	Q("< 5 w", POWER, -INF, 5),
	Q("at least 5 w", POWER, 5, INF),
	Q("more than 5 w", POWER, 5, INF),
	Q("greater than 5 w", POWER, 5, INF),
	Q("over 5 w", POWER, 5, INF),
	Q("above 5 w", POWER, 5, INF),
	Q("exceeding 5 w", POWER, 5, INF),
	Q("no less than 5 w", POWER, 5, INF),
	Q("min. 5 w", POWER, 5, INF),
	Q("minimum 5 w", POWER, 5, INF),
	Q("up to 5 w", POWER, -INF, 5),
	Q("less than 5 w", POWER, -INF, 5),
	Q("below 5 w", POWER, -INF, 5),
	Q("under 5 w", POWER, -INF, 5),
	Q("no more than 5 w", POWER, -INF, 5),
	Q("max. 5 w", POWER, -INF, 5),
	Q("maximum 5 w", POWER, -INF, 5),
	Q("turnover 5 w", POWER, 5, 5),
	/* comparison words, after */
	Q("100 w以上", POWER, 100, INF),
	Q("100 w及以上", POWER, 100, INF),
	Q("100 w以下", POWER, -INF, 100),
	Q("5 w or more", POWER, 5, INF),
	Q("5 w or less", POWER, -INF, 5),
	Q("5 w max", POWER, -INF, 5),
	Q("5 w min.", POWER, 5, INF),
	/* "better than": smaller is better for sizes, larger for the rest */
	Q("better than 1 nm resolution", LENGTH, -INF, 1e-9),
	Q("分辨率优于1 nm", LENGTH, -INF, 1e-9),
	Q("效率优于97%", RATIO, 97, INF),
	Q("better than 1 ppm", RATIO, -INF, 1e-4),
	Q("真空度优于1e-5 pa", PRESSURE, -INF, 1e-5),
	Q("better than 1 w", POWER, 1, INF),
};
/* clang-format on */

static void run_scan_case(void **state)
{
	const scan_case *c = *state;
	qp_quantity q[4];
	size_t n = qp_scan(c->text, strlen(c->text), q, 4);
	if (n != 1)
		fail_msg("%s: %zu quantities, want 1", c->text, n);
	if (q[0].dim != c->dim)
		fail_msg("%s: dimension %s, want %s", c->text,
			 qp_dim_name(q[0].dim), qp_dim_name(c->dim));
	assert_near(q[0].lo, c->lo, "lo", c->text);
	assert_near(q[0].hi, c->hi, "hi", c->text);
	assert_true(q[0].start < q[0].end);
	assert_true(q[0].end <= strlen(c->text));
}

/* ---- texts with no quantity ------------------------------------------- */

/* clang-format off */
static const char *none_cases[] = {
	"5 months",
	"2 mains",
	"5 apples",
	"5 a day",
	"第一章",
	"统一规划",
	"三安光电",
	"六安市",
	"5g基站",
	"meet at 5 pm",
	"每千克50元",
	"2023年3月",
	"gb/t 1234-2008",
	"型号a100",
	"pt100",
	"温度升至30",
	"软件升级2次",
	"5 kva",
	"10 m3/h",
	"100 w/sr",
	"1,5 w",
	"version 2.0",
	"iso 9001",
	"一种激光器",
	"聚焦3次",
	"统一核算",
	"三伏天",
	"焦距3焦距",
	"千克",
	"",
};
/* clang-format on */

static void run_none_case(void **state)
{
	const char *text = *(const char *const *)*state;
	qp_quantity q[4];
	size_t n = qp_scan(text, strlen(text), q, 4);
	if (n != 0)
		fail_msg("%s: %zu quantities (first %s [%g, %g]), want none",
			 text, n, qp_dim_name(q[0].dim), q[0].lo, q[0].hi);
}

/* ---- qp_number -------------------------------------------------------- */

typedef struct number_case {
	const char *text;
	double value;
	size_t used; /* bytes consumed; 0: no number */
} number_case;

/* clang-format off */
#define N(text, v, used) {text, v, used}

static number_case number_cases[] = {
	N("1,500", 1500, 5),
	N("1,500,000", 1.5e6, 9),
	N("1,5", 1, 1),
	N("1,5000", 1, 1),
	N("12.5", 12.5, 4),
	N(".5", 0.5, 2),
	N("0.1", 0.1, 3),
	N("1.5e3", 1500, 5),
	N("1.5e-3", 1.5e-3, 6),
	N("1.5×103", 1500, 8),
	N("1.5×10^3", 1500, 9),
	N("1.5x10^3", 1500, 8),
	N("2×10−3", 2e-3, 9),
	N("3×100", 3, 1),
	N("5x10", 5, 1),
	N("10^6", 1e6, 4),
	N("5ev", 5, 1),
	N("三千", 3000, 6),
	N("两百", 200, 6),
	N("三千五百", 3500, 12),
	N("三千五", 3500, 9),
	N("十二", 12, 6),
	N("十", 10, 3),
	N("一万二千", 12000, 12),
	N("一万二", 12000, 9),
	N("两百五", 250, 9),
	N("三千零五", 3005, 12),
	N("一百零八", 108, 12),
	N("二十万", 2e5, 9),
	N("一亿五千万", 1.5e8, 15),
	N("二〇二三", 2023, 12),
	N("三四", 3, 3),
	N("一一一", 1, 3),
	N("壹佰", 100, 6),
	N("零", 0, 3),
	N("1.5万", 15000, 6),
	N("3亿", 3e8, 4),
	N("5千万", 5e7, 7),
	N("三点五", 3.5, 9),
	N("三点五万", 35000, 12),
	N("一点", 1, 3),
	N("-40", -40, 3),
	N("+5", 5, 2),
	N("−2.5", -2.5, 6),
	N("", 0, 0),
	N("abc", 0, 0),
	N("千", 0, 0),
	N("万", 0, 0),
	N(".", 0, 0),
	N("-", 0, 0),
	N("e5", 0, 0),
	N("点五", 0, 0),
};
/* clang-format on */

static void run_number_case(void **state)
{
	const number_case *c = *state;
	double v = -12345;
	size_t n = qp_number(c->text, strlen(c->text), &v);
	if (n != c->used)
		fail_msg("%s: consumed %zu bytes, want %zu", c->text, n,
			 c->used);
	if (n)
		assert_near(v, c->value, "value", c->text);
}

/* ---- qp_unit ---------------------------------------------------------- */

typedef struct unit_case {
	const char *unit;
	bool known;
	qp_dim dim;
	double scale, offset;
} unit_case;

/* clang-format off */
#define UN(u, d, s, o) {u, true, QP_DIM_##d, s, o}
#define UNKNOWN(u) {u, false, QP_DIM_NONE, 0, 0}

static unit_case unit_cases[] = {
	UN("g/cm3", DENSITY, 1000, 0),
	UN("g/cm³", DENSITY, 1000, 0),
	UN("g/cc", DENSITY, 1000, 0),
	UN("kg/m3", DENSITY, 1, 0),
	UN("nm", LENGTH, 1e-9, 0),
	UN("μm", LENGTH, 1e-6, 0),
	UN("µm", LENGTH, 1e-6, 0),
	UN("千瓦", POWER, 1000, 0),
	UN("kW", POWER, 1000, 0),
	UN("MW", POWER, 1e6, 0),
	UN("mW", POWER, 1e-3, 0),
	UN("MJ", ENERGY, 1e6, 0),
	UN("mJ", ENERGY, 1e-3, 0),
	UN("watts", POWER, 1, 0),
	UN("%", RATIO, 1, 0),
	UN("ppm", RATIO, 1e-4, 0),
	UN("mAh/g", SPECIFIC_CAPACITY, 1, 0),
	UN("°C", TEMPERATURE, 1, 273.15),
	UN("℃", TEMPERATURE, 1, 273.15),
	UN("°F", TEMPERATURE, 5.0 / 9, 255.37222222222223),
	UN("K", TEMPERATURE, 1, 0),
	UN("MPa", PRESSURE, 1e6, 0),
	UN("GHz", FREQUENCY, 1e9, 0),
	UN("Wh/kg", ENERGY_DENSITY, 1, 0),
	UN("Wh/L", VOLUMETRIC_ENERGY_DENSITY, 1, 0),
	UN("W/kg", SPECIFIC_POWER, 1, 0),
	UN("A/cm2", CURRENT_DENSITY, 1e4, 0),
	UN("Gbps", DATA_RATE, 1e9, 0),
	UN("bit/s", DATA_RATE, 1, 0),
	UN("mrad", ANGLE, 1e-3, 0),
	UN("°/h", ANGULAR_RATE, DEG / 3600, 0),
	UN("C", C_RATE, 1, 0),
	UN(" kV ", VOLTAGE, 1000, 0),
	UN("层", COUNT, 1, 0),
	UNKNOWN("furlong"),
	UNKNOWN("kw/furlong"),
	UNKNOWN("xyz"),
	UNKNOWN(""),
	UNKNOWN("   "),
	UNKNOWN("xs"),
	UNKNOWN("百分之"),
	UNKNOWN("kilowattkilowattkilowattkilowattkilowattkilowattkilowattkilowatt"),
};
/* clang-format on */

static void run_unit_case(void **state)
{
	const unit_case *c = *state;
	qp_dim dim = QP_DIM_NONE;
	double scale = 0, offset = -1;
	bool known = qp_unit(c->unit, &dim, &scale, &offset);
	if (known != c->known)
		fail_msg("'%s': known %d, want %d", c->unit, known, c->known);
	if (!known)
		return;
	if (dim != c->dim)
		fail_msg("'%s': dimension %s, want %s", c->unit,
			 qp_dim_name(dim), qp_dim_name(c->dim));
	assert_near(scale, c->scale, "scale", c->unit);
	assert_near(offset, c->offset, "offset", c->unit);
}

/* ---- several quantities, spans, limits ----------------------------------- */

static void test_several_zh(void **state)
{
	const char *t = "乙方转让磷酸铁锂正极材料制备工艺，产品压实密度≥2.60 "
			"g/cm3，0.1c放电比容量≥161 mah/g，首次库伦效率≥97.5%。";
	qp_quantity q[8];
	size_t n = qp_scan(t, strlen(t), q, 8);
	assert_int_equal(n, 4);
	assert_int_equal(q[0].dim, QP_DIM_DENSITY);
	assert_near(q[0].lo, 2600, "lo", t);
	assert_true(isinf(q[0].hi));
	assert_int_equal(q[1].dim, QP_DIM_C_RATE);
	assert_int_equal(q[2].dim, QP_DIM_SPECIFIC_CAPACITY);
	assert_near(q[2].lo, 161, "lo", t);
	assert_int_equal(q[3].dim, QP_DIM_RATIO);
	assert_near(q[3].lo, 97.5, "lo", t);
	for (size_t i = 1; i < n; i++)
		assert_true(q[i - 1].end <= q[i].start);
}

static void test_several_en(void **state)
{
	const char *t = "the laser delivers at least 1.5 kw at 1064 nm with "
			"10-20 ns pulses, 5 months warranty";
	qp_quantity q[8];
	size_t n = qp_scan(t, strlen(t), q, 8);
	assert_int_equal(n, 3);
	assert_int_equal(q[0].dim, QP_DIM_POWER);
	assert_near(q[0].lo, 1500, "lo", t);
	assert_int_equal(q[1].dim, QP_DIM_LENGTH);
	assert_near(q[1].lo, 1.064e-6, "lo", t);
	assert_int_equal(q[2].dim, QP_DIM_TIME);
	assert_near(q[2].lo, 1e-8, "lo", t);
	assert_near(q[2].hi, 2e-8, "hi", t);
}

/* The span covers the comparison word and the unit, nothing else. */
static void test_spans(void **state)
{
	const char *t = "要求功率不低于1500瓦。";
	qp_quantity q[2];
	assert_int_equal(qp_scan(t, strlen(t), q, 2), 1);
	assert_string_equal(t + q[0].start, "不低于1500瓦。");
	assert_int_equal(q[0].end, strlen(t) - strlen("。"));

	const char *r = "range 10 to 20 kw.";
	assert_int_equal(qp_scan(r, strlen(r), q, 2), 1);
	assert_int_equal(q[0].start, 6);
	assert_int_equal(q[0].end, strlen(r) - 1);
}

/* A comparison word belongs to the quantity right after it only. */
static void test_comparison_not_shared(void **state)
{
	const char *t = "不低于5 w, 10 w";
	qp_quantity q[4];
	assert_int_equal(qp_scan(t, strlen(t), q, 4), 2);
	assert_true(isinf(q[0].hi));
	assert_near(q[1].lo, 10, "lo", t);
	assert_near(q[1].hi, 10, "hi", t);
}

/* The text is not NUL-terminated: len is the end. */
static void test_len_bound(void **state)
{
	const char t[] = "5 kwh";
	qp_quantity q[2];
	assert_int_equal(qp_scan(t, 1, q, 2), 0);
	assert_int_equal(qp_scan(t, 4, q, 2), 1);
	assert_int_equal(q[0].dim, QP_DIM_POWER);
	assert_int_equal(q[0].end, 4);
	assert_int_equal(qp_scan(t, 5, q, 2), 1);
	assert_int_equal(q[0].dim, QP_DIM_ENERGY);
}

static void test_max_truncation(void **state)
{
	const char *t = "1 w, 2 w, 3 w, 4 w, 5 w";
	qp_quantity q[3];
	memset(q, 0, sizeof q);
	q[2].lo = 42;
	assert_int_equal(qp_scan(t, strlen(t), q, 2), 5);
	assert_near(q[0].lo, 1, "lo", t);
	assert_near(q[1].lo, 2, "lo", t);
	assert_near(q[2].lo, 42, "untouched", t);
	assert_int_equal(qp_scan(t, strlen(t), NULL, 0), 5);
	assert_int_equal(qp_scan(NULL, 10, q, 2), 0);
}

static char *repeat(const char *pat, size_t total)
{
	size_t pl = strlen(pat);
	char *b = malloc(total + 1);
	assert_non_null(b);
	for (size_t i = 0; i < total; i++)
		b[i] = pat[i % pl];
	b[total] = '\0';
	return b;
}

#define MB ((size_t)1 << 20)

/* A megabyte of digits is one number too large to report. */
static void test_long_digits(void **state)
{
	char *b = repeat("1", MB);
	double v = 0;
	assert_int_equal(qp_number(b, MB, &v), MB);
	assert_true(isinf(v));
	qp_quantity q[2];
	assert_int_equal(qp_scan(b, MB, q, 2), 0);
	memcpy(b + MB - 2, " w", 2);
	assert_int_equal(qp_scan(b, MB, q, 2), 0);
	free(b);
}

/* Pathological repetitions finish, and count what they hold. */
static void test_long_garbage(void **state)
{
	static const struct {
		const char *pat;
		size_t want;
	} cases[] = {
	    /* clang-format off */
		{"1-", 0},	{"一", 0},	{"±", 0},   {"零下", 0},
		{"1×10", 0},	{"1,", 0},	{"1e", 0},  {"不低于", 0},
		{"1 w ", MB / 4}, {"一千瓦，", MB / 12},
	    /* clang-format on */
	};
	for (size_t k = 0; k < CS_ARRAY_LEN(cases); k++) {
		char *b = repeat(cases[k].pat, MB);
		qp_quantity q[4];
		size_t n = qp_scan(b, MB, q, 4);
		free(b);
		if (n != cases[k].want)
			fail_msg("'%s' x 1 MB: %zu quantities, want %zu",
				 cases[k].pat, n, cases[k].want);
	}
	/* random bytes: anything may be found, nothing may be read out of
	 * bounds (ASan watches) */
	char *r = malloc(MB);
	assert_non_null(r);
	uint32_t x = 12345;
	for (size_t i = 0; i < MB; i++) {
		x = x * 1103515245u + 12345u;
		r[i] = (char)(x >> 24);
	}
	qp_quantity q[4];
	size_t n = qp_scan(r, MB, q, 4);
	for (size_t i = 0; i < n && i < 4; i++) {
		assert_true(q[i].start < q[i].end && q[i].end <= MB);
		assert_true(q[i].lo <= q[i].hi);
	}
	free(r);
}

static void test_null_args(void **state)
{
	double v = 7;
	qp_dim d;
	double s, o;
	assert_int_equal(qp_number(NULL, 5, &v), 0);
	assert_int_equal(qp_number("5", 1, NULL), 0);
	assert_false(qp_unit(NULL, &d, &s, &o));
	assert_true(qp_unit("kw", NULL, NULL, NULL));
}

static void test_dim_names(void **state)
{
	for (int i = 0; i < QP_DIM__COUNT; i++) {
		const char *a = qp_dim_name((qp_dim)i);
		assert_non_null(a);
		assert_string_not_equal(a, "unknown");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(a, qp_dim_name((qp_dim)j));
	}
	assert_string_equal(qp_dim_name(QP_DIM__COUNT), "unknown");
	assert_string_equal(qp_dim_name(QP_DIM_POWER), "power");
}

/* Every unit qp_unit knows scans in a text, and to the same value. */
static void test_rule_units_scan(void **state)
{
	static const char *const units[] = {"g/cm3", "nm", "千瓦", "%",
					    "mah/g", "°c", "mpa",  "wh/kg"};
	for (size_t k = 0; k < CS_ARRAY_LEN(units); k++) {
		qp_dim d;
		double s, o;
		assert_true(qp_unit(units[k], &d, &s, &o));
		char t[64];
		snprintf(t, sizeof t, "2.5 %s", units[k]);
		qp_quantity q[2];
		assert_int_equal(qp_scan(t, strlen(t), q, 2), 1);
		assert_int_equal(q[0].dim, d);
		assert_near(q[0].lo, 2.5 * s + o, "lo", t);
	}
}

/* ---- runner ------------------------------------------------------------ */

static int run_table(const char *group, void *rows, size_t n, size_t size,
		     const char *(*name)(const void *), CMUnitTestFunction fn)
{
	struct CMUnitTest *t = calloc(n, sizeof *t);
	if (!t)
		return 1;
	for (size_t i = 0; i < n; i++) {
		void *row = (char *)rows + i * size;
		t[i] = (struct CMUnitTest){name(row), fn, NULL, NULL, row};
	}
	int failed = _cmocka_run_group_tests(group, t, n, NULL, NULL);
	free(t);
	return failed;
}

static const char *scan_name(const void *r)
{
	return ((const scan_case *)r)->text;
}

static const char *number_name(const void *r)
{
	return ((const number_case *)r)->text;
}

static const char *unit_name(const void *r)
{
	return ((const unit_case *)r)->unit;
}

static const char *none_name(const void *r)
{
	return *(const char *const *)r;
}

int main(void)
{
	const struct CMUnitTest other[] = {
	    cmocka_unit_test(test_several_zh),
	    cmocka_unit_test(test_several_en),
	    cmocka_unit_test(test_spans),
	    cmocka_unit_test(test_comparison_not_shared),
	    cmocka_unit_test(test_len_bound),
	    cmocka_unit_test(test_max_truncation),
	    cmocka_unit_test(test_long_digits),
	    cmocka_unit_test(test_long_garbage),
	    cmocka_unit_test(test_null_args),
	    cmocka_unit_test(test_dim_names),
	    cmocka_unit_test(test_rule_units_scan),
	};
	int failed = 0;
	failed += run_table("qp_scan", scan_cases, CS_ARRAY_LEN(scan_cases),
			    sizeof scan_cases[0], scan_name, run_scan_case);
	failed += run_table("qp_scan, no quantity", none_cases,
			    CS_ARRAY_LEN(none_cases), sizeof none_cases[0],
			    none_name, run_none_case);
	failed +=
	    run_table("qp_number", number_cases, CS_ARRAY_LEN(number_cases),
		      sizeof number_cases[0], number_name, run_number_case);
	failed += run_table("qp_unit", unit_cases, CS_ARRAY_LEN(unit_cases),
			    sizeof unit_cases[0], unit_name, run_unit_case);
	failed += cmocka_run_group_tests_name("quantity", other, NULL, NULL);
	return failed ? 1 : 0;
}
