/*
 * cli.h: the catscan command line. main.c dispatches the commands; each
 * command lives in its own file.
 */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>

/* Exit codes (the contract in DESIGN.md): */
enum {
	CLI_EXIT_CLEAR = 0,   /* every file clear */
	CLI_EXIT_FLAGGED = 1, /* something prohibited, restricted or review */
	CLI_EXIT_ERROR = 2,   /* an error, or an unscannable file */
};

/*
 * Prints one result object (docs/result.md) for file: the JSON on one line
 * when as_json, else a readable summary. Returns the exit code this result
 * calls for.
 */
int cli_print_result(const char *json, bool as_json);

struct sc_engine;
/*
 * Loads the pack at rules (NULL: built-in) and makes an in-process engine,
 * printing what went wrong. 0 on success, else an exit code.
 */
int cli_engine(const char *rules, struct sc_engine **engine);

/* catscan audit (audit.c): every file under some folders, resumable. */
int cmd_audit(int argc, char **argv);

/* Commands that talk to a running daemon (client.c). */
/* endpoint, server_key, key: NULL to take them from the environment or
 * the config file (see docs/operations.md). */
int cmd_scan_remote(const char *endpoint, const char *server_key,
		    const char *key, bool as_json, const char *as_of,
		    char **files, int nfiles);
int cmd_watch(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_keygen(int argc, char **argv);

#endif
