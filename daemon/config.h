/*
 * config.h: catscand's settings, one table (name, type, default, bounds,
 * help) after Redis's static_configs[]. The same table reads the config
 * file, reads `--name value` flags (which override the file), prints the
 * effective settings (--print-config) and documents itself (--help).
 */
#ifndef CD_CONFIG_H
#define CD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "cs.h"

#define CD_CONFIG_FILE "/etc/catscan/catscand.conf"

/* Verdicts as bits, for publish_verdicts. */
enum {
	CD_V_CLEAR = 1u << 0,
	CD_V_REVIEW = 1u << 1,
	CD_V_RESTRICTED = 1u << 2,
	CD_V_PROHIBITED = 1u << 3,
	CD_V_UNSCANNABLE = 1u << 4,
};

typedef struct cd_config {
	char *submit;       /* client endpoints (ROUTER), comma-separated */
	char *publish;      /* result endpoints (XPUB) */
	char *work;         /* worker endpoints (ROUTER) */
	char *connect;      /* worker mode: the broker's work endpoint */
	char *runtime_dir;  /* where the default ipc sockets live */
	long long workers;  /* local worker processes; -1 (auto): one per core */
	long long queue_max;
	long long max_message;
	long long job_timeout;   /* seconds of wall time per job */
	long long worker_cpu;    /* seconds of CPU per job */
	long long worker_memory; /* bytes of address space per worker */
	long long retries;
	long long heartbeat;     /* milliseconds */
	long long drain_timeout; /* seconds */
	long long hwm;           /* ZeroMQ high-water mark, messages */
	long long log_level;
	char *user;
	char *rules;
	char *languages;
	char *tessdata;
	char *publish_verdicts;
	unsigned publish_mask; /* derived from publish_verdicts */
	char *curve_secret_key;
	char *curve_clients;
	char *curve_workers;
	char *curve_server_key;
	char *curve_key;
} cd_config;

/* What the command line asked for besides settings. */
typedef struct cd_args {
	const char *config_file; /* -c FILE; NULL: the default, if it exists */
	bool worker;             /* --worker: workers only, joining a broker */
	bool child;              /* --child: one worker process (internal) */
	bool help;
	bool version;
	bool print_config;
} cd_args;

/* Fills c with every default. Errors: CS_ENOMEM. Free with cd_config_free. */
cs_code cd_config_init(cd_config *c, cs_error *err);
void cd_config_free(cd_config *c);

/*
 * Sets the setting name (dashes may stand for underscores) from its text
 * form, checking type and bounds. Errors: CS_EINVAL (unknown name, bad
 * value), CS_ENOMEM.
 */
cs_code cd_config_set(cd_config *c, const char *name, const char *value,
		      cs_error *err);

/*
 * Reads `name = value` lines from text (len bytes); '#' starts a comment.
 * origin names the text in messages ("file:line: ..."). Errors: as
 * cd_config_set, CS_ESYNTAX.
 */
cs_code cd_config_parse(cd_config *c, const char *text, size_t len,
			const char *origin, cs_error *err);

/* Reads the file at path. Errors: CS_EIO, and as cd_config_parse. */
cs_code cd_config_load(cd_config *c, const char *path, cs_error *err);

/*
 * Reads the command line: first the config file (-c FILE, else the default
 * one when it exists), then every `--name value` / `--name=value` over it.
 * Errors: CS_EINVAL (unknown flag, missing value), and as cd_config_load.
 */
cs_code cd_config_args(cd_config *c, cd_args *a, int argc, char **argv,
		       cs_error *err);

/*
 * Fills in what derives from other settings (endpoints under runtime_dir,
 * workers from the core count) and checks that the settings fit together.
 * Errors: CS_EINVAL.
 */
cs_code cd_config_finish(cd_config *c, cs_error *err);

/* Appends the settings in config-file form; with help, each with its help. */
cs_code cd_config_print(const cd_config *c, bool help, cs_buf *out);

/* The table, for documentation and tests. */
size_t cd_config_count(void);
const char *cd_config_name(size_t i);
const char *cd_config_default(size_t i);

/* CD_V_* bit of a verdict name, 0 if it names none. */
unsigned cd_verdict_bit(const char *name);

#endif
