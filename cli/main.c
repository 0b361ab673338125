/*
 * catscan: the command line.
 *
 *   catscan scan [--local] [--connect EP] [--json] [--as-of DATE]
 *                [--rules PACK] FILE...
 *   catscan audit [--report FILE] [--as-of-mtime] PATH...   (audit.c)
 *   catscan rules check [PACK] [--data DIR]   parse, check and compile a
 *                                  pack; with the data, every item in it
 *   catscan rules test [PACK]      run every example and counter-example
 *   catscan rules phrases [PACK]   the phrases the matcher looks for
 *   catscan rules coverage ...     what a pack covers (rules_import.c)
 *   catscan rules import ...       a pack from the official text
 *   catscan watch | status | keygen ...   (talk to a daemon; see client.c)
 */
#include <dirent.h>
#include <getopt.h>
#include <glib.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "cli.h"
#include "rules.h"
#include "rules_cmd.h"
#include "scan.h"

static void usage(FILE *f)
{
	fputs("usage: catscan scan [--local] [--connect ENDPOINT] [--json] "
	      "[--as-of YYYY-MM-DD] [--rules PACK]\n"
	      "                   [--server-key KEY --key KEY] FILE...\n"
	      "       catscan audit [--report FILE] [--as-of DATE | --as-of-mtime] "
	      "[--rules PACK] PATH...\n"
	      "       catscan rules check [PACK] [--data DIR]\n"
	      "       catscan rules test|phrases [PACK]\n"
	      "       catscan rules coverage [PACK] [--json] [--as-of DATE]\n"
	      "       catscan rules import OFFICIAL.pdf|.txt --edition DATE "
	      "[--label TEXT] [--curated PACK|--no-curated] [--text FILE] -o PACK\n"
	      "       catscan rules import --amend NOTICE.txt [--edition DATE] "
	      "-o PACK [FROM]\n"
	      "       catscan watch [--connect ENDPOINT] [--verdict V] [--item CODE] "
	      "[--count N] [--json]\n"
	      "       catscan status [--connect ENDPOINT] [--json]\n"
	      "       catscan keygen DIR [NAME]\n",
	      f);
}

static int exit_for(const char *verdict)
{
	if (!verdict || strcmp(verdict, "unscannable") == 0)
		return CLI_EXIT_ERROR;
	if (strcmp(verdict, "clear") == 0)
		return CLI_EXIT_CLEAR;
	return CLI_EXIT_FLAGGED;
}

static void print_hit(json_t *h)
{
	json_t *ev = json_object_get(h, "evidence");
	json_t *point = json_object_get(h, "point");
	const char *code = json_string_value(json_object_get(h, "code"));
	const char *item = json_string_value(json_object_get(h, "item"));
	const char *name = json_string_value(json_object_get(h, "name_zh"));
	if (!name)
		name = json_string_value(json_object_get(h, "name_en"));
	printf("  %s %s [%s, %s, confidence %s]\n", code ? code : item,
	       name ? name : "", json_string_value(json_object_get(h, "class")),
	       json_string_value(json_object_get(h, "verdict")),
	       json_string_value(json_object_get(h, "confidence")));
	if (!code)
		printf("    (no official code known; provisional id %s)\n", item);
	const char *pt = json_string_value(json_object_get(h, "point_text"));
	if (json_is_integer(point))
		printf("    control point %lld: %s\n",
		       (long long)json_integer_value(point), pt ? pt : "");
	else if (pt)
		printf("    control point (number unknown): %s\n", pt);
	printf("    evidence (%s", json_string_value(json_object_get(ev, "part")));
	json_int_t page = json_integer_value(json_object_get(ev, "page"));
	if (page > 0)
		printf(", page %lld", (long long)page);
	if (json_is_true(json_object_get(ev, "ocr")))
		printf(", OCR");
	printf(", bytes %lld-%lld): %s\n",
	       (long long)json_integer_value(json_object_get(ev, "start")),
	       (long long)json_integer_value(json_object_get(ev, "end")),
	       json_string_value(json_object_get(ev, "snippet")));
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(h, "params"), i, p) {
		const char *found = json_string_value(json_object_get(p, "found"));
		char threshold[64];
		json_t *t = json_object_get(p, "threshold");
		if (json_is_array(t))
			snprintf(threshold, sizeof threshold, "%g .. %g",
				 json_number_value(json_array_get(t, 0)),
				 json_number_value(json_array_get(t, 1)));
		else
			snprintf(threshold, sizeof threshold, "%g",
				 json_number_value(t));
		printf("    parameter %s %s %s %s: %s%s\n",
		       json_string_value(json_object_get(p, "name")),
		       json_string_value(json_object_get(p, "op")), threshold,
		       json_string_value(json_object_get(p, "unit")),
		       found ? found : "no value found",
		       found ? (json_is_true(json_object_get(p, "met")) ? " (met)"
									 : " (not met)")
			     : "");
	}
	const char *reason = json_string_value(json_object_get(h, "reason"));
	if (reason)
		printf("    why review: %s\n", reason);
}

int cli_print_result(const char *json, bool as_json)
{
	json_error_t jerr;
	json_t *root = json_loads(json, 0, &jerr);
	if (!root) {
		fprintf(stderr, "catscan: malformed result: %s\n", jerr.text);
		return CLI_EXIT_ERROR;
	}
	const char *verdict = json_string_value(json_object_get(root, "verdict"));
	int code = exit_for(verdict);
	if (as_json) {
		puts(json);
		json_decref(root);
		return code;
	}
	json_t *cat = json_object_get(root, "catalogue");
	printf("%s: %s\n", json_string_value(json_object_get(root, "file")),
	       verdict ? verdict : "?");
	printf("  catalogue: %s, as of %s (pack %s %s, rules for %lld of %lld "
	       "items)\n",
	       json_string_value(json_object_get(cat, "edition")),
	       json_string_value(json_object_get(cat, "as_of")),
	       json_string_value(json_object_get(cat, "pack")),
	       json_string_value(json_object_get(cat, "pack_version")),
	       (long long)json_integer_value(json_object_get(
		       json_object_get(cat, "coverage"), "items_with_rules")),
	       (long long)json_integer_value(json_object_get(
		       json_object_get(cat, "coverage"), "items_in_edition")));
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(root, "hits"), i, v)
		print_hit(v);
	json_array_foreach(json_object_get(root, "other_editions"), i, v) {
		const char *other = json_string_value(json_object_get(v, "code"));
		const char *since = json_string_value(json_object_get(v, "since"));
		const char *until = json_string_value(json_object_get(v, "until"));
		printf("  another edition would flag %s %s (%s)%s%s%s%s\n",
		       other ? other : json_string_value(json_object_get(v, "item")),
		       json_string_value(json_object_get(v, "name_zh"))
			       ? json_string_value(json_object_get(v, "name_zh"))
			       : json_string_value(json_object_get(v, "name_en")),
		       json_string_value(json_object_get(v, "verdict")),
		       since ? ": in force from " : "", since ? since : "",
		       until ? ", deleted on " : "", until ? until : "");
	}
	json_array_foreach(json_object_get(root, "parts"), i, v) {
		const char *status = json_string_value(json_object_get(v, "status"));
		if (status && strcmp(status, "ok") != 0)
			printf("  part %s: %s: %s\n",
			       json_string_value(json_object_get(v, "path")), status,
			       json_string_value(json_object_get(v, "reason")));
	}
	printf("  next step: %s\n",
	       json_string_value(json_object_get(root, "next_step")));
	json_decref(root);
	return code;
}

static int load_pack(const char *path, rl_pack **pack)
{
	cs_error err;
	cs_buf errors;
	cs_buf_init(&errors, 1 << 20);
	cs_code rc = rl_pack_load(path, pack, &errors, &err);
	if (rc != CS_OK) {
		if (errors.len)
			fputs(errors.data, stderr);
		else
			fprintf(stderr, "catscan: %s\n", err.msg);
		fprintf(stderr, "catscan: rule pack %s refused\n",
			path ? path : "built-in");
	}
	cs_buf_free(&errors);
	return rc == CS_OK ? 0 : CLI_EXIT_ERROR;
}

int cli_engine(const char *rules, sc_engine **engine)
{
	rl_pack *pack = NULL;
	cs_error err;
	if (load_pack(rules, &pack) != 0)
		return CLI_EXIT_ERROR;
	if (sc_engine_new(pack, NULL, engine, &err) != CS_OK) {
		fprintf(stderr, "catscan: %s\n", err.msg);
		return CLI_EXIT_ERROR;
	}
	return 0;
}

static int scan_local(const char *rules, bool as_json, const char *as_of,
		      char **files, int nfiles)
{
	sc_engine *engine = NULL;
	cs_error err;
	int worst = CLI_EXIT_CLEAR;
	if (cli_engine(rules, &engine) != 0)
		return CLI_EXIT_ERROR;
	ex_limits limits = {0};
	ex_limits_defaults(&limits);
	for (int i = 0; i < nfiles; i++) {
		char *data = NULL;
		size_t len = 0;
		char *json = NULL;
		sc_verdict verdict;
		int code;
		if (cs_read_file(files[i], limits.max_input, &data, &len, &err) !=
		    CS_OK) {
			fprintf(stderr, "catscan: %s\n", err.msg);
			code = CLI_EXIT_ERROR;
		} else if (sc_scan(engine, data, len,
				   &(sc_options){.as_of = as_of, .name = files[i]},
				   &json, &verdict, &err) != CS_OK) {
			fprintf(stderr, "catscan: %s: %s\n", files[i], err.msg);
			code = CLI_EXIT_ERROR;
		} else {
			code = cli_print_result(json, as_json);
		}
		free(json);
		free(data);
		if (code == CLI_EXIT_ERROR || (code == CLI_EXIT_FLAGGED &&
					       worst == CLI_EXIT_CLEAR))
			worst = code;
	}
	sc_engine_free(engine);
	return worst;
}

static int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{"local", no_argument, NULL, 'l'},
		{"connect", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"as-of", required_argument, NULL, 'a'},
		{"rules", required_argument, NULL, 'r'},
		{"server-key", required_argument, NULL, 's'},
		{"key", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	bool local = false, as_json = false;
	const char *endpoint = NULL, *as_of = NULL, *rules = NULL;
	const char *server_key = NULL, *key = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			local = true;
			break;
		case 'c':
			endpoint = optarg;
			break;
		case 'j':
			as_json = true;
			break;
		case 'a':
			as_of = optarg;
			break;
		case 'r':
			rules = optarg;
			break;
		case 's':
			server_key = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return CLI_EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "catscan scan: no file given\n");
		usage(stderr);
		return CLI_EXIT_ERROR;
	}
	/* refuse a bad date before any work, with the date named */
	if (as_of && !cs_date_valid(as_of)) {
		fprintf(stderr, "catscan: --as-of '%s' is not YYYY-MM-DD\n", as_of);
		return CLI_EXIT_ERROR;
	}
	if (local)
		return scan_local(rules, as_json, as_of, argv + optind,
				  argc - optind);
	if (rules) {
		fprintf(stderr, "catscan: --rules applies to --local scans; the "
				"daemon scans with its own pack\n");
		return CLI_EXIT_ERROR;
	}
	/* NULL: the endpoint of the config file, else the default */
	return cmd_scan_remote(endpoint, server_key, key, as_json, as_of,
			       argv + optind, argc - optind);
}

static int only_jsonl(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 6 && strcmp(d->d_name + n - 6, ".jsonl") == 0;
}

/*
 * The ids of the Catalogue data in folder dir (its *.jsonl files: each
 * line's "id", else its "code") against the pack's items. Prints what is
 * missing; returns how many, or -1 when the data cannot be read.
 */
static long check_against_data(const rl_pack *pack, const char *dir)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, only_jsonl, alphasort);
	if (n <= 0) {
		fprintf(stderr, "catscan: %s: no Catalogue data (*.jsonl)\n", dir);
		free(names);
		return -1;
	}
	json_t *keep = json_array();
	GPtrArray *ids = g_ptr_array_new();
	long missing = 0;
	for (int i = 0; i < n; i++) {
		char *path = g_build_filename(dir, names[i]->d_name, NULL);
		FILE *f = fopen(path, "r");
		char *line = NULL;
		size_t cap = 0;
		for (int lineno = 1; f && getline(&line, &cap, f) > 0; lineno++) {
			json_t *o = json_loads(line, 0, NULL);
			json_t *id = json_object_get(o, "id");
			if (!json_is_string(id))
				id = json_object_get(o, "code");
			if (json_is_string(id)) {
				json_array_append(keep, id);
				g_ptr_array_add(ids, (gpointer)json_string_value(id));
			} else if (!o) {
				fprintf(stderr, "catscan: %s:%d: not JSON\n", path, lineno);
				missing = -1;
			}
			json_decref(o);
		}
		if (!f) {
			fprintf(stderr, "catscan: %s: cannot read\n", path);
			missing = -1;
		} else {
			fclose(f);
		}
		free(line);
		g_free(path);
		free(names[i]);
	}
	free(names);
	if (missing == 0) {
		cs_buf errors;
		cs_buf_init(&errors, 1 << 20);
		missing = (long)rl_pack_check_ids(pack, (const char *const *)ids->pdata,
						  ids->len, &errors);
		if (errors.len)
			fputs(errors.data, stderr);
		cs_buf_free(&errors);
	}
	g_ptr_array_free(ids, TRUE);
	json_decref(keep);
	return missing;
}

static int cmd_rules(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "import") == 0)
		return cmd_rules_import(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "coverage") == 0)
		return cmd_rules_coverage(argc - 1, argv + 1);
	const char *data = NULL;
	/* check ... --data DIR: also against the Catalogue data */
	if (argc >= 4 && strcmp(argv[argc - 2], "--data") == 0) {
		data = argv[argc - 1];
		argc -= 2;
	}
	if (argc < 2 || argc > 3 || (data && strcmp(argv[1], "check") != 0)) {
		usage(stderr);
		return CLI_EXIT_ERROR;
	}
	const char *sub = argv[1];
	const char *path = argc == 3 ? argv[2] : NULL;
	rl_pack *pack = NULL;
	if (strcmp(sub, "check") && strcmp(sub, "test") && strcmp(sub, "phrases")) {
		usage(stderr);
		return CLI_EXIT_ERROR;
	}
	if (load_pack(path, &pack) != 0)
		return CLI_EXIT_ERROR;
	int code = 0;
	if (strcmp(sub, "check") == 0 && data &&
	    check_against_data(pack, data) != 0) {
		fprintf(stderr, "catscan: rule pack %s refused\n",
			path ? path : "built-in");
		code = CLI_EXIT_ERROR;
	} else if (strcmp(sub, "check") == 0) {
		printf("%s: pack %s %s: %zu items, %zu phrases: ok\n",
		       path ? path : "built-in", rl_pack_name(pack),
		       rl_pack_version(pack), rl_pack_item_count(pack),
		       rl_pack_phrase_count(pack));
	} else if (strcmp(sub, "phrases") == 0) {
		for (size_t i = 0; i < rl_pack_phrase_count(pack); i++)
			puts(rl_pack_phrase(pack, i));
	} else {
		cs_buf report;
		cs_error err;
		size_t passed = 0, failed = 0;
		cs_buf_init(&report, 1 << 20);
		if (cl_pack_test(pack, &report, &passed, &failed, &err) != CS_OK) {
			fprintf(stderr, "catscan: %s\n", err.msg);
			code = CLI_EXIT_ERROR;
		} else {
			if (report.len)
				fputs(report.data, stdout);
			printf("rules: %zu passed, %zu failed\n", passed, failed);
			code = failed ? CLI_EXIT_FLAGGED : 0;
		}
		cs_buf_free(&report);
	}
	rl_pack_free(pack);
	return code;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_ERROR;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "scan") == 0)
		return cmd_scan(argc - 1, argv + 1);
	if (strcmp(cmd, "rules") == 0)
		return cmd_rules(argc - 1, argv + 1);
	if (strcmp(cmd, "audit") == 0)
		return cmd_audit(argc - 1, argv + 1);
	if (strcmp(cmd, "watch") == 0)
		return cmd_watch(argc - 1, argv + 1);
	if (strcmp(cmd, "status") == 0)
		return cmd_status(argc - 1, argv + 1);
	if (strcmp(cmd, "keygen") == 0)
		return cmd_keygen(argc - 1, argv + 1);
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "catscan: unknown command '%s'\n", cmd);
	usage(stderr);
	return CLI_EXIT_ERROR;
}
