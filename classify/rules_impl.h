/*
 * rules_impl.h: the compiled form of a rule pack, shared by the compiler
 * (rules.c) and the classifier (classify.c) only. Nothing outside classify/
 * includes this file.
 *
 * Every distinct normalised phrase of the pack (term, exclusion, parameter
 * anchor) is one pattern of the matcher; a pattern carries the list of
 * places that use it (refs), so one pass over the text serves every rule.
 */
#ifndef RL_RULES_IMPL_H
#define RL_RULES_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "match.h"
#include "quantity.h"
#include "rules.h"

typedef enum rl_class { RL_PROHIBITED, RL_RESTRICTED } rl_class;
typedef enum rl_conf { RL_VERIFIED, RL_PARTIAL, RL_UNVERIFIED } rl_conf;
typedef enum rl_need { RL_ALL, RL_ANY, RL_ATLEAST } rl_need;
typedef enum rl_cmp { RL_GE, RL_GT, RL_LE, RL_LT, RL_IN } rl_cmp;
typedef enum rl_refkind { RL_REF_GROUP, RL_REF_EXCLUDE, RL_REF_ANCHOR } rl_refkind;

/* A date as days since 1970-01-01; RL_NO_DATE when absent. */
#define RL_NO_DATE INT32_MIN
typedef int32_t rl_date;

/* Parses "YYYY-MM-DD" (a real calendar date) into *d. */
bool rl_date_parse(const char *s, rl_date *d);
/* Formats d as "YYYY-MM-DD" into buf (at least 11 bytes). */
void rl_date_format(rl_date d, char *buf);
/* Today in China (UTC+8), where the Catalogue's notices take effect. */
rl_date rl_date_today(void);

typedef struct rl_ref {
	uint32_t point;   /* index into pack->points */
	uint16_t kind;    /* rl_refkind */
	uint16_t index;   /* group or param index within the point */
} rl_ref;

typedef struct rl_pattern {
	char *text;       /* normalised */
	size_t len;       /* bytes */
	size_t chars;     /* characters */
	bool word_start;  /* starts with a Latin letter or digit: whole words */
	bool word_end;
	uint32_t first_ref, nrefs;
} rl_pattern;

/* Term groups of one point: the classifier keeps one bit per group. */
#define RL_MAX_GROUPS 64

typedef struct rl_group {
	char *name;
	int weight;
	size_t nterms;
	char **terms;     /* as written, for evidence */
} rl_group;

typedef struct rl_param {
	char *name;
	rl_cmp cmp;
	double value, value2;  /* thresholds in the unit as written */
	char *unit;
	qp_dim dim;
	double scale, offset;  /* unit -> base unit */
	double lo, hi;         /* thresholds in base units */
	int within;            /* characters between anchor and quantity */
} rl_param;

typedef struct rl_point {
	uint32_t item;
	int number;        /* official number; 0 when unknown */
	int ordinal;       /* K of "?K"; 0 for numbered points and subjects */
	bool subject;
	char *text_zh, *text_en;
	rl_date since, until;
	rl_group *groups;
	size_t ngroups;
	rl_need need;
	int need_n;        /* for RL_ATLEAST */
	int within;        /* characters; 0: the whole segment */
	int review;        /* score for a review hit; 0: none */
	rl_param *params;
	size_t nparams;
	int line;          /* where it is declared, for messages */
	const char *file;
} rl_point;

typedef enum rl_example_kind { RL_EX_MATCH, RL_EX_REVIEW, RL_EX_COUNTER } rl_example_kind;

typedef struct rl_example {
	rl_example_kind kind;
	int point;         /* index into the item's points, or -1 */
	char *text;
	int line;
	const char *file;
} rl_example;

typedef struct rl_item {
	char *id;
	bool official;     /* id is an official code */
	rl_class cls;
	char *name_zh, *name_en, *industry_zh, *industry_en, *note;
	rl_conf conf;
	rl_date since, until;
	bool derived;      /* terms derived from the official text */
	uint32_t first_point, npoints;
	rl_example *examples;
	size_t nexamples;
	int line;
	const char *file;
} rl_item;

typedef struct rl_edition {
	rl_date from;
	char *label;
} rl_edition;

struct rl_pack {
	char *label, *name, *version, *hash;
	int items_in_edition;
	int items_prohibited, items_restricted; /* 0: not given */
	rl_edition *editions;
	size_t neditions;
	rl_item *items;
	size_t nitems;
	rl_point *points;
	size_t npoints;
	rl_pattern *patterns;
	size_t npatterns;
	rl_ref *refs;
	size_t nrefs;
	char **files;      /* source names, owned; items point into them */
	size_t nfiles;
	mt_db *db;
};

const char *rl_class_name(rl_class c);
const char *rl_conf_name(rl_conf c);

#endif
