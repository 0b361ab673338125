/*
 * audit.c: `catscan audit`, a whole archive of past deals in one run.
 *
 *   catscan audit [--report FILE] [--as-of DATE | --as-of-mtime]
 *                 [--rules PACK] PATH...
 *
 * Every regular file under the paths (links are not followed) is scanned
 * in-process and its result appended to the report, one JSON object per
 * line, with the file's size and modification time. The report is the
 * audit's memory: run again with the same report and the files already in
 * it, unchanged (same size and mtime), are skipped, so an interrupted
 * audit of millions of files resumes where it stopped (a file changed
 * since gets a new line; the newest line for a path is its result, and
 * the summary counts lines). A file that cannot
 * be read still gets its line (verdict unscannable, with the error):
 * nothing is lost. --as-of-mtime screens each document against the
 * edition in force on the day it was last modified. A summary by verdict
 * and item closes the run; the exit status is scan's.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "rules.h"
#include "scan.h"

/* Folders deeper than this are reported, not entered. */
#define AUDIT_MAX_DEPTH 64

typedef struct audit {
	sc_engine *engine;
	FILE *report;
	GHashTable *done;   /* "size mtime path" of files already reported */
	const char *as_of;
	bool as_of_mtime;
	size_t max_input;
	/* summary */
	size_t scanned, reported, by_verdict[SC_UNSCANNABLE + 1];
	GHashTable *items;  /* item id -> files flagged */
	int worst;
} audit;

static char *done_key(const char *path, long long size, long long mtime)
{
	return g_strdup_printf("%lld %lld %s", size, mtime, path);
}

static void count(audit *a, json_t *result);

/* Reads the report's lines into a->done; a torn last line is ignored. */
static void load_report(audit *a, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		json_t *file = json_object_get(o, "file");
		json_t *audit_info = json_object_get(o, "audit");
		if (json_is_string(file) && audit_info) {
			g_hash_table_add(
				a->done,
				done_key(json_string_value(file),
					 json_integer_value(json_object_get(audit_info, "size")),
					 json_integer_value(json_object_get(audit_info, "mtime"))));
			/* the summary and exit status cover the whole report */
			count(a, o);
			a->reported++;
		}
		json_decref(o);
	}
	free(line);
	fclose(f);
}

static void count(audit *a, json_t *result)
{
	const char *v = json_string_value(json_object_get(result, "verdict"));
	sc_verdict verdict = SC_UNSCANNABLE;
	for (int i = SC_CLEAR; i <= SC_UNSCANNABLE; i++)
		if (v && strcmp(v, sc_verdict_name((sc_verdict)i)) == 0)
			verdict = (sc_verdict)i;
	a->by_verdict[verdict]++;
	int code = verdict == SC_UNSCANNABLE ? CLI_EXIT_ERROR
		   : verdict == SC_CLEAR     ? CLI_EXIT_CLEAR
					     : CLI_EXIT_FLAGGED;
	if (code == CLI_EXIT_ERROR || (code == CLI_EXIT_FLAGGED && a->worst == 0))
		a->worst = code;
	size_t i;
	json_t *h;
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	json_array_foreach(json_object_get(result, "hits"), i, h) {
		const char *item = json_string_value(json_object_get(h, "item"));
		if (!item || g_hash_table_contains(seen, item))
			continue;
		g_hash_table_add(seen, (gpointer)item);
		gpointer n = g_hash_table_lookup(a->items, item);
		g_hash_table_replace(a->items, g_strdup(item),
				     GSIZE_TO_POINTER(GPOINTER_TO_SIZE(n) + 1));
	}
	g_hash_table_destroy(seen);
}

/* Writes one line; flushed at once so that a killed audit loses nothing. */
static void write_line(audit *a, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s) {
		fprintf(a->report, "%s\n", s);
		fflush(a->report);
		free(s);
	}
	count(a, o);
}

static void unreadable(audit *a, const char *path, const struct stat *st,
		       const char *why)
{
	json_t *o = json_pack("{s:s, s:s, s:[], s:s, s:{s:I, s:I}}", "file", path,
			      "verdict", "unscannable", "hits", "error", why, "audit",
			      "size", (json_int_t)st->st_size, "mtime",
			      (json_int_t)st->st_mtime);
	write_line(a, o);
	json_decref(o);
}

static void scan_file(audit *a, const char *path, const struct stat *st)
{
	char *key = done_key(path, (long long)st->st_size, (long long)st->st_mtime);
	bool seen = g_hash_table_contains(a->done, key);
	g_free(key);
	if (seen)
		return;
	a->scanned++;
	cs_error err;
	char *data = NULL, *json = NULL;
	size_t len = 0;
	sc_verdict verdict;
	char day[11];
	const char *as_of = a->as_of;
	if (a->as_of_mtime) {
		/* the day in China, where the Catalogue's dates are kept */
		time_t t = st->st_mtime + 8 * 3600;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
		as_of = day;
	}
	if (cs_read_file(path, a->max_input, &data, &len, &err) != CS_OK) {
		unreadable(a, path, st, err.msg);
		return;
	}
	if (sc_scan(a->engine, data, len, &(sc_options){.as_of = as_of, .name = path},
		    &json, &verdict, &err) != CS_OK) {
		unreadable(a, path, st, err.msg);
		free(data);
		return;
	}
	free(data);
	json_t *o = json_loads(json, 0, NULL);
	free(json);
	if (!o) {
		unreadable(a, path, st, "malformed result");
		return;
	}
	json_object_set_new(o, "audit",
			    json_pack("{s:I, s:I}", "size", (json_int_t)st->st_size,
				      "mtime", (json_int_t)st->st_mtime));
	write_line(a, o);
	json_decref(o);
}

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void walk(audit *a, const char *path, int depth)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		fprintf(stderr, "catscan audit: %s: %s\n", path, strerror(errno));
		a->worst = CLI_EXIT_ERROR;
		return;
	}
	if (S_ISREG(st.st_mode)) {
		scan_file(a, path, &st);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return; /* links, devices, sockets: not documents */
	if (depth >= AUDIT_MAX_DEPTH) {
		unreadable(a, path, &st, "folder nesting limit reached; not entered");
		return;
	}
	DIR *d = opendir(path);
	if (!d) {
		unreadable(a, path, &st, strerror(errno));
		return;
	}
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			g_ptr_array_add(names, g_strdup(e->d_name));
	closedir(d);
	/* name order, so that two runs over the same tree agree */
	qsort(names->pdata, names->len, sizeof(char *), by_name);
	for (guint i = 0; i < names->len; i++) {
		char *child = g_build_filename(path, (char *)names->pdata[i], NULL);
		walk(a, child, depth + 1);
		g_free(child);
	}
	g_ptr_array_free(names, TRUE);
}

/* Rows of (item id, count) pairs, in item order. */
static int by_item(const void *x, const void *y)
{
	const gpointer *a = x, *b = y;
	return strcmp((const char *)a[0], (const char *)b[0]);
}

static void summary(audit *a, const char *report)
{
	printf("audit: %zu files in the report %s (%zu scanned in this run, %zu "
	       "from earlier runs)\n",
	       a->scanned + a->reported, report, a->scanned, a->reported);
	printf("  prohibited %zu, restricted %zu, review %zu, clear %zu, "
	       "unscannable %zu\n",
	       a->by_verdict[SC_PROHIBITED], a->by_verdict[SC_RESTRICTED],
	       a->by_verdict[SC_REVIEW], a->by_verdict[SC_CLEAR],
	       a->by_verdict[SC_UNSCANNABLE]);
	guint n = g_hash_table_size(a->items);
	gpointer *rows = g_new(gpointer, 2 * (size_t)n + 2);
	GHashTableIter it;
	gpointer k, v;
	guint i = 0;
	g_hash_table_iter_init(&it, a->items);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		rows[2 * i] = k;
		rows[2 * i + 1] = v;
		i++;
	}
	qsort(rows, n, 2 * sizeof(gpointer), by_item);
	for (i = 0; i < n; i++)
		printf("  %-45s %zu files\n", (const char *)rows[2 * i],
		       GPOINTER_TO_SIZE(rows[2 * i + 1]));
	g_free(rows);
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{"report", required_argument, NULL, 'o'},
		{"as-of", required_argument, NULL, 'a'},
		{"as-of-mtime", no_argument, NULL, 'm'},
		{"rules", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	audit a = {0};
	const char *report = "catscan-audit.jsonl", *rules = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			report = optarg;
			break;
		case 'a':
			a.as_of = optarg;
			break;
		case 'm':
			a.as_of_mtime = true;
			break;
		case 'r':
			rules = optarg;
			break;
		case 'h':
			printf("usage: catscan audit [--report FILE] [--as-of DATE | "
			       "--as-of-mtime] [--rules PACK] PATH...\n");
			return 0;
		default:
			return CLI_EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "catscan audit: no path given\n");
		return CLI_EXIT_ERROR;
	}
	if (a.as_of && !cs_date_valid(a.as_of)) {
		fprintf(stderr, "catscan audit: --as-of '%s' is not YYYY-MM-DD\n",
			a.as_of);
		return CLI_EXIT_ERROR;
	}
	if (a.as_of && a.as_of_mtime) {
		fprintf(stderr, "catscan audit: --as-of and --as-of-mtime exclude "
				"each other\n");
		return CLI_EXIT_ERROR;
	}
	if (cli_engine(rules, &a.engine) != 0)
		return CLI_EXIT_ERROR;
	ex_limits limits = {0};
	ex_limits_defaults(&limits);
	a.max_input = limits.max_input;
	a.done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	a.items = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	load_report(&a, report);
	a.report = fopen(report, "a");
	if (!a.report) {
		fprintf(stderr, "catscan audit: %s: %s\n", report, strerror(errno));
		a.worst = CLI_EXIT_ERROR;
		goto done;
	}
	for (int i = optind; i < argc; i++)
		walk(&a, argv[i], 0);
	summary(&a, report);
done:
	if (a.report)
		fclose(a.report);
	g_hash_table_destroy(a.done);
	g_hash_table_destroy(a.items);
	sc_engine_free(a.engine);
	return a.worst;
}
