/*
 * scan.h: one document in, one result out. The piece the CLI's --local
 * mode, the daemon's workers and the tests all call.
 *
 * An sc_engine owns a compiled rule pack, an extraction context and a
 * classifier scratch; it is made once and reused for every document (rule
 * packs and OCR models are costly to load). One engine per thread.
 */
#ifndef SC_SCAN_H
#define SC_SCAN_H

#include <stddef.h>

#include "cs.h"
#include "extract.h"
#include "rules.h"

typedef enum sc_verdict {
	SC_CLEAR = 0,
	SC_REVIEW = 1,
	SC_RESTRICTED = 2,
	SC_PROHIBITED = 3,
	SC_UNSCANNABLE = 4,
} sc_verdict;

const char *sc_verdict_name(sc_verdict v);

typedef struct sc_engine sc_engine;

/*
 * Makes an engine that scans with pack. The engine takes ownership of
 * pack and frees it. cfg may be NULL for the defaults.
 * Errors: CS_ENOMEM, CS_EBACKEND.
 */
cs_code sc_engine_new(rl_pack *pack, const ex_config *cfg, sc_engine **out,
		      cs_error *err);
void sc_engine_free(sc_engine *e);
const rl_pack *sc_engine_pack(const sc_engine *e);

typedef struct sc_options {
	const char *as_of;  /* "YYYY-MM-DD"; NULL: today in China (UTC+8) */
	const char *name;   /* display name of the document */
} sc_options;

/*
 * Scans len bytes at data. On success *json is the result object (see
 * docs/result.md), a NUL-terminated string the caller frees with free(),
 * and *verdict is its verdict. A document that cannot be read is a result
 * (verdict unscannable), not an error. Errors: CS_ENOMEM, CS_EINVAL (a
 * malformed as_of date).
 */
cs_code sc_scan(sc_engine *e, const void *data, size_t len,
		const sc_options *opt, char **json, sc_verdict *verdict,
		cs_error *err);

#endif
