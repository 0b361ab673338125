/*
 * match.h: one pass over a text for every phrase of every rule.
 *
 * The phrases are literals in normalised form, so they go into one
 * Hyperscan literal database (hs_compile_lit_multi), compiled once when a
 * pack loads and shared read-only by every scan. Each scanning thread has
 * its own scratch (mt_scratch). Matches come back as (pattern, end offset);
 * the start is end minus the pattern's length, known to the caller, which
 * spares Hyperscan the cost of start-of-match tracking.
 */
#ifndef MT_MATCH_H
#define MT_MATCH_H

#include <stddef.h>

#include "cs.h"

typedef struct mt_db mt_db;
typedef struct mt_scratch mt_scratch;

/*
 * Compiles n literals (text[i] of len[i] bytes; pattern id = i).
 * Errors: CS_EBACKEND with Hyperscan's message, CS_ENOMEM.
 */
cs_code mt_db_compile(const char *const *text, const size_t *len, size_t n,
		      mt_db **out, cs_error *err);
void mt_db_free(mt_db *db);
/* Bytes the compiled database takes. */
size_t mt_db_size(const mt_db *db);

cs_code mt_scratch_new(const mt_db *db, mt_scratch **out, cs_error *err);
void mt_scratch_free(mt_scratch *s);

/* Called for each match; return nonzero to stop the scan. */
typedef int (*mt_on_match)(unsigned id, size_t end, void *ctx);

/*
 * Scans len bytes. Hyperscan's block mode takes less than 4 GiB at once,
 * far above any text limit; a longer text fails with CS_ELIMIT.
 * Errors: CS_EBACKEND, CS_ELIMIT.
 */
cs_code mt_scan(const mt_db *db, mt_scratch *s, const char *text, size_t len,
		mt_on_match cb, void *ctx, cs_error *err);

#endif
