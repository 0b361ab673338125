/*
 * rules_import.c: `catscan rules import` (the official text of the
 * Catalogue, or an adjustment notice, into a rule pack) and `catscan rules
 * coverage` (what a pack covers). The work is in classify/import.h and
 * classify/coverage.h; this file reads and writes the files, extracts the
 * official text with catscan's own extraction (so a PDF or a scan works),
 * checks and tests the pack it wrote, and reports.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "classify.h"
#include "cli.h"
#include "coverage.h"
#include "extract.h"
#include "import.h"
#include "rules.h"
#include "rules_cmd.h"

/* Larger than any Catalogue or notice; a rule pack's ceiling. */
#define MAX_TEXT (64u << 20)
#define MAX_REPORT (16u << 20)

static void import_usage(FILE *f)
{
	fputs("usage: catscan rules import OFFICIAL.pdf|.txt [--edition "
	      "YYYY-MM-DD] "
	      "[--label TEXT]\n"
	      "                              [--curated PACK | --no-curated] "
	      "[--text FILE] -o PACK\n"
	      "       catscan rules import --amend NOTICE.txt [--edition "
	      "YYYY-MM-DD] "
	      "-o PACK [FROM]\n",
	      f);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* ---- packs as sources ---------------------------------------------------- */

typedef struct sources {
	rl_source *src;
	size_t n;
	bool owned;
} sources;

static void sources_free(sources *s)
{
	if (s->owned)
		for (size_t i = 0; i < s->n; i++) {
			free((char *)s->src[i].name);
			free((char *)s->src[i].text);
		}
	if (s->owned)
		free(s->src);
	memset(s, 0, sizeof *s);
}

static int only_rules(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 6 &&
	       strcmp(d->d_name + n - 6, ".rules") == 0;
}

/* The pack at path (a file or a folder of *.rules), or the built-in one. */
static int read_sources(const char *path, sources *s)
{
	memset(s, 0, sizeof *s);
	if (!path) {
		s->src = (rl_source *)rl_builtin;
		s->n = rl_builtin_count;
		return 0;
	}
	s->owned = true;
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "catscan: %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct dirent **names = NULL;
	int n = 1;
	if (S_ISDIR(st.st_mode)) {
		n = scandir(path, &names, only_rules, alphasort);
		if (n <= 0) {
			fprintf(stderr, "catscan: %s: no *.rules files\n",
				path);
			free(names);
			return -1;
		}
	}
	s->src = calloc((size_t)n, sizeof *s->src);
	int rc = s->src ? 0 : -1;
	for (int i = 0; i < n && rc == 0; i++) {
		char *file;
		if (names) {
			size_t len =
			    strlen(path) + strlen(names[i]->d_name) + 2;
			file = malloc(len);
			if (file)
				snprintf(file, len, "%s/%s", path,
					 names[i]->d_name);
		} else {
			file = cs_strdup(path);
		}
		char *text = NULL;
		size_t len = 0;
		cs_error err;
		if (!file) {
			rc = -1;
		} else if (cs_read_file(file, MAX_TEXT, &text, &len, &err) !=
			   CS_OK) {
			fprintf(stderr, "catscan: %s\n", err.msg);
			free(file);
			rc = -1;
		} else {
			s->src[s->n++] = (rl_source){file, text, len};
		}
	}
	for (int i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	if (rc != 0)
		sources_free(s);
	return rc;
}

/* ---- the official text --------------------------------------------------- */

/*
 * Extracts the text of the file at path, pages separated by form feeds.
 * Sets *partial when part of it could not be read (reported). Returns 0,
 * or -1 when nothing usable came out.
 */
static int extract_text(const char *path, cs_buf *text, bool *partial)
{
	char *data = NULL;
	size_t len = 0;
	cs_error err;
	ex_ctx *ctx = NULL;
	ex_doc *doc = NULL;
	int rc = -1;
	ex_limits limits = {0};
	ex_limits_defaults(&limits);
	*partial = false;
	if (cs_read_file(path, limits.max_input, &data, &len, &err) != CS_OK) {
		fprintf(stderr, "catscan: %s\n", err.msg);
		goto done;
	}
	if (ex_ctx_new(NULL, &ctx, &err) != CS_OK ||
	    ex_extract(ctx, data, len, base_name(path), &doc, &err) != CS_OK) {
		fprintf(stderr, "catscan: %s: %s\n", path, err.msg);
		goto done;
	}
	for (size_t i = 0; i < ex_doc_part_count(doc); i++) {
		const ex_part *p = ex_doc_part(doc, i);
		if (p->status == EX_OK)
			continue;
		*partial = true;
		printf("%s: %s: %s\n", p->path, ex_status_name(p->status),
		       p->reason ? p->reason : "no reason given");
	}
	int page = -1;
	bool ocr = false;
	for (size_t i = 0; i < ex_doc_segment_count(doc); i++) {
		const ex_segment *g = ex_doc_segment(doc, i);
		const char *sep = text->len == 0    ? ""
				  : g->page != page ? "\f"
						    : "\n";
		ocr |= g->ocr;
		if (cs_buf_adds(text, sep) != CS_OK ||
		    cs_buf_add(text, g->text, g->len) != CS_OK) {
			fprintf(stderr,
				"catscan: %s: text larger than %u bytes\n",
				path, MAX_TEXT);
			goto done;
		}
		page = g->page;
	}
	if (ocr)
		printf("%s: read by OCR: check the report below for lines it "
		       "could "
		       "not place\n",
		       path);
	if (!text->len) {
		fprintf(stderr, "catscan: %s: no text could be read\n", path);
		goto done;
	}
	rc = 0;
done:
	ex_doc_free(doc);
	ex_ctx_free(ctx);
	free(data);
	return rc;
}

/* ---- writing and checking the pack ------------------------------------------
 */

/* Compiles and tests the pack text; prints what fails. 0 ok, 1 examples
 * fail, 2 the pack does not compile. */
static int check_pack(const char *name, const char *text, size_t len)
{
	rl_pack *pack = NULL;
	cs_error err;
	cs_buf errors, report;
	cs_buf_init(&errors, MAX_REPORT);
	cs_buf_init(&report, MAX_REPORT);
	rl_source src = {name, text, len};
	int rc = 0;
	if (rl_pack_compile(&src, 1, name, &pack, &errors, &err) != CS_OK) {
		fprintf(stderr,
			"catscan: the pack written does not compile (a bug "
			"of the import; please report it):\n%s",
			errors.len ? errors.data : err.msg);
		rc = 2;
		goto done;
	}
	size_t passed = 0, failed = 0;
	if (cl_pack_test(pack, &report, &passed, &failed, &err) != CS_OK) {
		fprintf(stderr, "catscan: %s\n", err.msg);
		rc = 2;
		goto done;
	}
	printf("rules check: %zu items, %zu phrases: ok\n",
	       rl_pack_item_count(pack), rl_pack_phrase_count(pack));
	printf("rules test: %zu passed, %zu failed\n", passed, failed);
	if (report.len)
		fputs(report.data, stdout);
	rc = failed ? 1 : 0;
done:
	rl_pack_free(pack);
	cs_buf_free(&errors);
	cs_buf_free(&report);
	return rc;
}

/* Writes data to path (a file, or catalogue.rules in a folder) through a
 * temporary file, so a failed write never leaves half a pack. */
static int write_pack(const char *path, const char *data, size_t len)
{
	struct stat st;
	char *file = NULL, *tmp = NULL;
	int rc = -1;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		size_t n = strlen(path) + 32;
		file = malloc(n);
		if (file)
			snprintf(file, n, "%s/catalogue.rules", path);
	} else {
		file = cs_strdup(path);
	}
	if (!file)
		goto done;
	size_t n = strlen(file) + 8;
	tmp = malloc(n);
	if (!tmp)
		goto done;
	snprintf(tmp, n, "%s.tmp", file);
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		fprintf(stderr, "catscan: %s: %s\n", tmp, strerror(errno));
		goto done;
	}
	bool ok = fwrite(data, 1, len, f) == len;
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, file) != 0) {
		fprintf(stderr, "catscan: %s: %s\n", file, strerror(errno));
		remove(tmp);
		goto done;
	}
	printf("wrote %s\n", file);
	rc = 0;
done:
	free(file);
	free(tmp);
	return rc;
}

static bool valid_date(const char *s)
{
	int y, m, d;
	char tail;
	return s && strlen(s) == 10 &&
	       sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3;
}

/* ---- import -----------------------------------------------------------------
 */

typedef struct import_opts {
	const char *input, *edition, *label, *curated, *out, *text_out, *amend;
	const char *from;
	bool no_curated;
} import_opts;

/* Prints report's lines under a heading, indented. */
static void print_notes(const char *heading, const cs_buf *report)
{
	if (!report->len)
		return;
	printf("%s:\n", heading);
	for (const char *l = report->data; l && *l;) {
		const char *nl = strchr(l, '\n');
		printf("  %.*s\n", (int)(nl ? nl - l : (long)strlen(l)), l);
		l = nl ? nl + 1 : NULL;
	}
}

/* Checks the pack text and writes it to out: 0 clean, 1 written with
 * problems reported, 2 not written. */
static int check_and_write(const char *out, const cs_buf *pack)
{
	int chk = check_pack(base_name(out), pack->data, pack->len);
	if (chk == 2)
		return 2;
	if (write_pack(out, pack->data, pack->len) != 0)
		return 2;
	return chk;
}

static int do_import(const import_opts *o)
{
	cs_buf text, pack, report;
	cs_buf_init(&text, MAX_TEXT);
	cs_buf_init(&pack, MAX_TEXT);
	cs_buf_init(&report, MAX_REPORT);
	im_catalogue *cat = NULL;
	sources cur = {0};
	cs_error err;
	int rc = CLI_EXIT_ERROR;
	bool partial = false;
	if (extract_text(o->input, &text, &partial) != 0)
		goto done;
	if (o->text_out) {
		FILE *f = fopen(o->text_out, "wb");
		if (!f || fwrite(text.data, 1, text.len, f) != text.len) {
			fprintf(stderr, "catscan: %s: %s\n", o->text_out,
				strerror(errno));
			if (f)
				fclose(f);
			goto done;
		}
		fclose(f);
	}
	if (im_parse(text.data, text.len, &cat, &err) != CS_OK) {
		fprintf(stderr, "catscan: %s: %s\n", o->input, err.msg);
		goto done;
	}
	if (!o->no_curated && read_sources(o->curated, &cur) != 0)
		goto done;
	im_options opt = {.edition = o->edition,
			  .label = o->label,
			  .source_name = base_name(o->input),
			  .curated = o->no_curated ? NULL : cur.src,
			  .ncurated = o->no_curated ? 0 : cur.n};
	im_stats st;
	if (im_write_pack(cat, &opt, &pack, &report, &st, &err) != CS_OK) {
		fprintf(stderr, "catscan: %s\n", err.msg);
		goto done;
	}
	printf("%s: %zu items (%zu prohibited, %zu restricted), %zu control "
	       "points, %zu parameter conditions\n",
	       o->input, st.items, st.prohibited, st.restricted, st.points,
	       st.params);
	printf(
	    "rules: %zu items with derived terms only, %zu overlaid with "
	    "curated rules (%zu by code, %zu by name), %zu curated items with "
	    "no counterpart kept\n",
	    st.derived, st.overlaid, st.by_code, st.by_name, st.curated_kept);
	size_t np = im_problem_count(cat);
	if (np) {
		printf("%zu lines or items to check in the text%s:\n", np,
		       o->text_out ? "" : " (see them with --text FILE)");
		for (size_t i = 0; i < np; i++)
			printf("  %s\n", im_problem(cat, i));
	}
	print_notes("notes on the pack", &report);
	int chk = check_and_write(o->out, &pack);
	if (chk == 2)
		goto done;
	rc = chk || np || partial ? CLI_EXIT_FLAGGED : CLI_EXIT_CLEAR;
done:
	im_catalogue_free(cat);
	sources_free(&cur);
	cs_buf_free(&text);
	cs_buf_free(&pack);
	cs_buf_free(&report);
	return rc;
}

static int do_amend(const import_opts *o)
{
	cs_buf notice, pack, report;
	cs_buf_init(&notice, MAX_TEXT);
	cs_buf_init(&pack, MAX_TEXT);
	cs_buf_init(&report, MAX_REPORT);
	sources from = {0};
	cs_error err;
	int rc = CLI_EXIT_ERROR;
	bool partial = false;
	if (extract_text(o->amend, &notice, &partial) != 0)
		goto done;
	if (read_sources(o->from, &from) != 0)
		goto done;
	im_amend_stats st;
	if (im_amend(from.src, from.n, notice.data, notice.len, o->edition,
		     &pack, &report, &st, &err) != CS_OK) {
		fprintf(stderr, "catscan: %s: %s\n", o->amend, err.msg);
		if (report.len)
			fputs(report.data, stderr);
		goto done;
	}
	printf("%s applied to %s: %zu items deleted, %zu added, %zu renamed; "
	       "control points: %zu changed, %zu added, %zu deleted\n",
	       o->amend, o->from ? o->from : "the built-in pack", st.deleted,
	       st.added, st.renamed, st.points_changed, st.points_added,
	       st.points_deleted);
	print_notes("notes", &report);
	int chk = check_and_write(o->out, &pack);
	if (chk == 2)
		goto done;
	rc = chk || st.unparsed || partial ? CLI_EXIT_FLAGGED : CLI_EXIT_CLEAR;
done:
	sources_free(&from);
	cs_buf_free(&notice);
	cs_buf_free(&pack);
	cs_buf_free(&report);
	return rc;
}

int cmd_rules_import(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"edition", required_argument, NULL, 'e'},
	    {"label", required_argument, NULL, 'l'},
	    {"curated", required_argument, NULL, 'c'},
	    {"no-curated", no_argument, NULL, 'n'},
	    {"text", required_argument, NULL, 't'},
	    {"amend", required_argument, NULL, 'a'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	import_opts o = {0};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			o.edition = optarg;
			break;
		case 'l':
			o.label = optarg;
			break;
		case 'c':
			o.curated = optarg;
			break;
		case 'n':
			o.no_curated = true;
			break;
		case 't':
			o.text_out = optarg;
			break;
		case 'a':
			o.amend = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'h':
			import_usage(stdout);
			return 0;
		default:
			import_usage(stderr);
			return CLI_EXIT_ERROR;
		}
	}
	if (!o.out) {
		fprintf(stderr, "catscan rules import: -o PACK is required\n");
		import_usage(stderr);
		return CLI_EXIT_ERROR;
	}
	if (o.edition && !valid_date(o.edition)) {
		fprintf(stderr, "catscan: --edition '%s' is not YYYY-MM-DD\n",
			o.edition);
		return CLI_EXIT_ERROR;
	}
	if (o.amend) {
		if (argc - optind > 1) {
			import_usage(stderr);
			return CLI_EXIT_ERROR;
		}
		o.from = optind < argc ? argv[optind] : NULL;
		return do_amend(&o);
	}
	if (argc - optind != 1) {
		import_usage(stderr);
		return CLI_EXIT_ERROR;
	}
	if (o.curated && o.no_curated) {
		fprintf(stderr,
			"catscan: --curated and --no-curated exclude each "
			"other\n");
		return CLI_EXIT_ERROR;
	}
	if (!o.edition) {
		fprintf(stderr,
			"catscan rules import: --edition YYYY-MM-DD is "
			"required: the day from which the imported text is "
			"in force\n");
		return CLI_EXIT_ERROR;
	}
	o.input = argv[optind];
	return do_import(&o);
}

/* ---- coverage
 * ------------------------------------------------------------------ */

int cmd_rules_coverage(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"as-of", required_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	bool as_json = false;
	const char *as_of = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			as_json = true;
			break;
		case 'a':
			as_of = optarg;
			break;
		case 'h':
			puts("usage: catscan rules coverage [PACK] [--json] "
			     "[--as-of YYYY-MM-DD]");
			return 0;
		default:
			fputs("usage: catscan rules coverage [PACK] [--json] "
			      "[--as-of YYYY-MM-DD]\n",
			      stderr);
			return CLI_EXIT_ERROR;
		}
	}
	if (argc - optind > 1 || (as_of && !valid_date(as_of))) {
		fputs("usage: catscan rules coverage [PACK] [--json] "
		      "[--as-of YYYY-MM-DD]\n",
		      stderr);
		return CLI_EXIT_ERROR;
	}
	const char *path = optind < argc ? argv[optind] : NULL;
	rl_pack *pack = NULL;
	cv_report *r = NULL;
	cs_error err;
	cs_buf errors, out;
	cs_buf_init(&errors, MAX_REPORT);
	cs_buf_init(&out, MAX_REPORT);
	int rc = CLI_EXIT_ERROR;
	if (rl_pack_load(path, &pack, &errors, &err) != CS_OK) {
		fputs(errors.len ? errors.data : err.msg, stderr);
		fprintf(stderr, "%scatscan: rule pack %s refused\n",
			errors.len ? "" : "\n", path ? path : "built-in");
		goto done;
	}
	if (cv_compute(pack, as_of, &r, &err) != CS_OK) {
		fprintf(stderr, "catscan: %s\n", err.msg);
		goto done;
	}
	if (as_json) {
		json_t *j = cv_json(r);
		char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (!s) {
			fprintf(stderr, "catscan: out of memory\n");
			goto done;
		}
		puts(s);
		free(s);
	} else {
		if (cv_text(r, &out) != CS_OK) {
			fprintf(stderr, "catscan: out of memory\n");
			goto done;
		}
		fputs(out.data, stdout);
	}
	rc = CLI_EXIT_CLEAR;
done:
	cv_report_free(r);
	rl_pack_free(pack);
	cs_buf_free(&errors);
	cs_buf_free(&out);
	return rc;
}
