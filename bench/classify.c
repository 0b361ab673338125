/*
 * bench/classify: classification throughput on one large text.
 *
 *   classify TEXTFILE [PACK]
 *
 * Prints rule-pack compile time and memory, then MB/s of (a) the full
 * classifier (normalisation, one matcher pass, windows, parameters) and
 * (b) a bare Hyperscan pass of the same phrases over the raw text, with
 * no normalisation and no rule logic: the floor the classifier is measured
 * against. bench/run.sh prints them beside grep and ripgrep.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "classify.h"
#include "match.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long maxrss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static int count_match(unsigned id, size_t end, void *ctx)
{
	(void)id;
	(void)end;
	(*(size_t *)ctx)++;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: classify TEXTFILE [PACK]\n");
		return 2;
	}
	cs_error err;
	long rss0 = maxrss_kb();
	double t0 = now();
	rl_pack *pack = NULL;
	if (rl_pack_load(argc > 2 ? argv[2] : NULL, &pack, NULL, &err) != CS_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	double t_compile = now() - t0;
	long rss_pack = maxrss_kb() - rss0;

	char *text = NULL;
	size_t len = 0;
	if (cs_read_file(argv[1], (size_t)4 << 30, &text, &len, &err) != CS_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	double mb = (double)len / (1 << 20);
	printf("pack: %zu items, %zu phrases, compiled in %.3f s, "
	       "%ld KiB resident\n",
	       rl_pack_item_count(pack), rl_pack_phrase_count(pack), t_compile,
	       rss_pack);

	/* The document as extraction hands it over: one segment per 1 MiB
	 * block, as a long text would be split into pages. */
	ex_doc *doc = ex_doc_new();
	ex_doc_add_part(doc, argv[1], "text/plain", len, NULL);
	const size_t block = 1 << 20;
	for (size_t off = 0; off < len;) {
		size_t n = len - off < block ? len - off : block;
		while (off + n < len && ((unsigned char)text[off + n] & 0xC0) == 0x80)
			n++; /* keep characters whole */
		ex_doc_add_text(doc, 0, 0, false, 0, text + off, n);
		off += n;
	}

	cl_scanner *s = NULL;
	if (cl_scanner_new(pack, &s, &err) != CS_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	double t1 = now();
	cl_result *r = NULL;
	if (cl_classify(s, doc, NULL, &r, &err) != CS_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	double t_cl = now() - t1;
	printf("classifier: %.1f MB in %.3f s = %.1f MB/s, %zu hits, verdict %s\n",
	       mb, t_cl, mb / t_cl, cl_result_hit_count(r),
	       sc_verdict_name(cl_result_verdict(r)));

	/* bare Hyperscan: the same phrases, raw bytes, matches only counted */
	size_t n = rl_pack_phrase_count(pack);
	const char **phr = malloc(n * sizeof *phr);
	size_t *lens = malloc(n * sizeof *lens);
	for (size_t i = 0; i < n; i++) {
		phr[i] = rl_pack_phrase(pack, i);
		lens[i] = strlen(phr[i]);
	}
	mt_db *db = NULL;
	mt_scratch *scr = NULL;
	if (mt_db_compile(phr, lens, n, &db, &err) != CS_OK ||
	    mt_scratch_new(db, &scr, &err) != CS_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	size_t matches = 0;
	double t2 = now();
	mt_scan(db, scr, text, len, count_match, &matches, &err);
	double t_hs = now() - t2;
	printf("bare hyperscan: %.1f MB in %.3f s = %.1f MB/s, %zu matches\n", mb,
	       t_hs, mb / t_hs, matches);
	printf("ratio classifier / bare hyperscan: %.2f\n", t_hs / t_cl);
	printf("peak resident memory: %ld KiB\n", maxrss_kb());

	mt_scratch_free(scr);
	mt_db_free(db);
	free(phr);
	free(lens);
	cl_result_free(r);
	cl_scanner_free(s);
	ex_doc_free(doc);
	rl_pack_free(pack);
	free(text);
	return 0;
}
