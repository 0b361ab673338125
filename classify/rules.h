/*
 * rules.h: rule packs: the Catalogue as data a compliance engineer edits,
 * parsed, checked and compiled into one immutable object that every scan
 * shares (the language: docs/rules.md).
 *
 * Loading is all or nothing: a pack with one error is refused whole, and
 * the error says file:line:col. A loaded pack never changes; reloading
 * means loading a new pack and swapping.
 */
#ifndef RL_RULES_H
#define RL_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "cs.h"

/* One rule file held in memory (the built-in pack is an array of them). */
typedef struct rl_source {
	const char *name;
	const char *text;
	size_t len;
} rl_source;

/* The built-in pack, compiled into the binary (generated at build time). */
extern const rl_source rl_builtin[];
extern const size_t rl_builtin_count;

typedef struct rl_pack rl_pack;

/*
 * Compiles n sources into a pack. label names the pack in results ("built-in"
 * or a path). On any error nothing is returned and err holds the first
 * error as "file:line:col: message"; with errors != NULL every error found
 * is appended there, one per line (for `catscan rules check`).
 * Errors: CS_ESYNTAX, CS_ERULES, CS_EBACKEND (matcher compile), CS_ENOMEM.
 */
cs_code rl_pack_compile(const rl_source *src, size_t n, const char *label,
			rl_pack **out, cs_buf *errors, cs_error *err);

/*
 * Loads the pack at path: one rule file, or a folder whose *.rules files
 * are read in name order. path NULL loads the built-in pack.
 * Errors: as rl_pack_compile, plus CS_EIO.
 */
cs_code rl_pack_load(const char *path, rl_pack **out, cs_buf *errors,
		     cs_error *err);

void rl_pack_free(rl_pack *p);

/* Pack metadata. Strings are owned by the pack. */
const char *rl_pack_label(const rl_pack *p);
const char *rl_pack_name(const rl_pack *p);
const char *rl_pack_version(const rl_pack *p);
/* Hex SHA-256 over the pack's sources, for audit trails. */
const char *rl_pack_hash(const rl_pack *p);
/* Items in the current edition as the pack header declares (132). */
int rl_pack_items_in_edition(const rl_pack *p);
/* Items of class cls ("prohibited", "restricted") in the current edition,
 * or -1 when the pack header does not say. */
int rl_pack_items_in_class(const rl_pack *p, const char *cls);
size_t rl_pack_item_count(const rl_pack *p);
/* What coverage reports need to know of one item. */
typedef struct rl_item_info {
	const char *id;
	const char *code;        /* NULL for a provisional id */
	const char *cls;         /* "prohibited" or "restricted" */
	const char *name_zh, *name_en;   /* name_zh may be NULL */
	const char *industry_zh, *industry_en; /* may be NULL */
	const char *confidence;
	const char *since, *until; /* "YYYY-MM-DD" or NULL */
	size_t points;           /* control points (numbered or ?K) */
	bool subject_only;       /* no control point known */
	size_t params;
	bool derived;            /* terms derived from the official text */
	bool english_terms;      /* some term is in Latin script */
	size_t examples, counters;
	char since_buf[11], until_buf[11];
} rl_item_info;

/* Fills info for item i (0 <= i < rl_pack_item_count). Strings are owned
 * by the pack, except since/until which point into info's own buffers. */
void rl_pack_item(const rl_pack *p, size_t i, rl_item_info *info);

/*
 * Checks the pack against the ids of the Catalogue data it claims to
 * encode: every item whose id is not among the n ids is reported in
 * errors as "file:line:col: item X is not in the Catalogue data". Returns
 * how many items were missing.
 */
size_t rl_pack_check_ids(const rl_pack *p, const char *const *ids, size_t n,
			 cs_buf *errors);

/* The distinct normalised phrases the matcher looks for. */
size_t rl_pack_phrase_count(const rl_pack *p);
const char *rl_pack_phrase(const rl_pack *p, size_t i);
/* The label of the edition in force on date (YYYY-MM-DD), or NULL. */
const char *rl_pack_edition(const rl_pack *p, const char *date);

#endif
