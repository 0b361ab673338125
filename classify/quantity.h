/*
 * quantity.h: numbers with units, as Chinese and English technical texts
 * write them, turned into one value per dimension.
 *
 * A datasheet says "压实密度≥2.6 g/cm³", a contract "不低于一千五百瓦", an
 * English spec "at least 1.5 kW" or "10-20 kW". Parameter rules compare such
 * values with thresholds written in any unit of the same dimension, so the
 * parser reduces each quantity to its dimension's base unit (qp_dim) and a
 * closed interval [lo, hi]: a single value has lo == hi, a range has both
 * ends, a comparison word widens one side ("at least 5 W" is [5, +inf)).
 *
 * The parser works on normalised text (see normalize.h): half-width digits,
 * lower-case Latin letters, simplified Chinese, single spaces.
 */
#ifndef QP_QUANTITY_H
#define QP_QUANTITY_H

#include <stdbool.h>
#include <stddef.h>

/* Base unit of each dimension in the comment. Append only. */
typedef enum qp_dim {
	QP_DIM_NONE = 0,
	QP_DIM_LENGTH,       /* m (wavelength, resolution, size, distance) */
	QP_DIM_MASS,         /* kg */
	QP_DIM_TIME,         /* s (pulse width, duration) */
	QP_DIM_POWER,        /* W */
	QP_DIM_ENERGY,       /* J */
	QP_DIM_VOLTAGE,      /* V */
	QP_DIM_CURRENT,      /* A */
	QP_DIM_FREQUENCY,    /* Hz */
	QP_DIM_PRESSURE,     /* Pa */
	QP_DIM_TEMPERATURE,  /* K (°C and °F are converted) */
	QP_DIM_DENSITY,      /* kg/m3 (g/cm3, g/cc, g/ml) */
	QP_DIM_SPECIFIC_CAPACITY, /* mAh/g */
	QP_DIM_RATIO,        /* percent (%, ‰, ppm converted to percent) */
	QP_DIM_DATA_RATE,    /* bit/s */
	QP_DIM_DATA_SIZE,    /* bit */
	QP_DIM_ANGLE,        /* rad (mrad, °, arcsec) */
	QP_DIM_AREA,         /* m2 */
	QP_DIM_VOLUME,       /* m3 */
	QP_DIM_SPEED,        /* m/s */
	QP_DIM_ENERGY_DENSITY, /* Wh/kg */
	QP_DIM_CURRENT_DENSITY, /* A/m2 */
	QP_DIM_COUNT,        /* a bare number with a count word (层, cores...) */
	QP_DIM_C_RATE,       /* C (battery charge or discharge rate: "0.1c") */
	QP_DIM_VOLUMETRIC_ENERGY_DENSITY, /* Wh/L */
	QP_DIM_SPECIFIC_POWER, /* W/kg */
	QP_DIM_ANGULAR_RATE, /* rad/s (gyro drift: °/h) */
	QP_DIM__COUNT
} qp_dim;

typedef struct qp_quantity {
	double lo, hi;   /* in the dimension's base unit; lo <= hi */
	qp_dim dim;
	size_t start;    /* byte span in the scanned text, comparison words */
	size_t end;      /* and unit included */
} qp_quantity;

/*
 * Parses a unit as a rule file writes it ("g/cm3", "nm", "千瓦", "%").
 * On success sets *dim and the affine map to the base unit:
 * base = value * *scale + *offset. Returns false for an unknown unit.
 * Case is folded as in documents, except that a leading capital M reads
 * as mega where lower case reads as milli ("MW" against "mW"), since a
 * rule file, unlike a case-folded document, still says which one it means.
 * Superscripts, µ and ℃ are accepted in their raw forms ("g/cm³").
 */
bool qp_unit(const char *unit, qp_dim *dim, double *scale, double *offset);

/* The dimension's name ("power", "length"...). */
const char *qp_dim_name(qp_dim dim);

/*
 * Finds the quantities (numbers followed by a known unit) in len bytes of
 * normalised text. Writes at most max of them to out, in text order, and
 * returns how many were found in all (which may exceed max). Bounded by
 * len: every byte is looked at a constant number of times.
 *
 * A range ("10-20 kw", "10至20千瓦") gives its two ends; a comparison word
 * opens one side: "at least 5 w" and "5 w以上" give [5, +inf), "up to
 * 5 w" and "不超过5瓦" give (-inf, 5]. Strict and non-strict comparisons
 * give the same closed interval. A number without a unit is not reported;
 * a number too large for a double is not reported either. docs/units.md
 * lists every unit and word, and the ambiguous cases ("mw" is milliwatt).
 */
size_t qp_scan(const char *text, size_t len, qp_quantity *out, size_t max);

/*
 * Parses a number as written in text at [s, s + len): Arabic digits with
 * thousands separators, decimals and exponents, Chinese numerals (三千,
 * 两百, 1.5万, 十二). Returns the bytes consumed (0 when there is no number
 * at s) and sets *value. A leading sign (+, -, −) is accepted; an
 * overflowing number gives an infinite *value.
 */
size_t qp_number(const char *s, size_t len, double *value);

#endif
