/*
 * ocrbench: catscan's side of bench/ocr.sh, on the library as the daemon
 * uses it.
 *
 *   ocrbench text FILE.pdf [ROUNDS]   extract a PDF ROUNDS times (default
 *                                     5); prints "pages seconds pages/s"
 *   ocrbench ocr OUTDIR IMAGE...      OCR each image with one engine,
 *                                     writing OUTDIR/<name>.txt; prints
 *                                     "images seconds init_seconds"
 *   ocrbench doc OUTDIR FILE          extract FILE end to end, writing each
 *                                     page's text to OUTDIR/page-NN.txt;
 *                                     prints "pages seconds status"
 *   ocrbench norm FILE                prints FILE as the matcher sees it
 *
 * Seconds are wall-clock. Only the benchmark runs this.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract.h"
#include "normalize.h"
#include "ocr.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
	char *data;
	cs_error err;
	if (cs_read_file(path, (size_t)1 << 30, &data, len, &err) != CS_OK) {
		fprintf(stderr, "ocrbench: %s\n", err.msg);
		exit(1);
	}
	return data;
}

static ex_doc *extract(ex_ctx *ctx, const char *path, const char *data,
		       size_t len)
{
	ex_doc *doc;
	cs_error err;
	if (ex_extract(ctx, data, len, path, &doc, &err) != CS_OK) {
		fprintf(stderr, "ocrbench: %s: %s\n", path, err.msg);
		exit(1);
	}
	return doc;
}

static int pages_of(const ex_doc *d)
{
	int pages = 0;
	for (size_t i = 0; i < ex_doc_segment_count(d); i++)
		if (ex_doc_segment(d, i)->page > pages)
			pages = ex_doc_segment(d, i)->page;
	return pages;
}

static int cmd_text(const char *path, int rounds)
{
	size_t len;
	char *data = slurp(path, &len);
	ex_ctx *ctx;
	cs_error err;
	if (ex_ctx_new(NULL, &ctx, &err) != CS_OK) {
		fprintf(stderr, "ocrbench: %s\n", err.msg);
		return 1;
	}
	int pages = 0;
	double t0 = now();
	for (int r = 0; r < rounds; r++) {
		ex_doc *d = extract(ctx, path, data, len);
		pages += pages_of(d);
		ex_doc_free(d);
	}
	double s = now() - t0;
	printf("%d %.4f %.1f\n", pages, s, pages / s);
	ex_ctx_free(ctx);
	free(data);
	return 0;
}

/* OUTDIR/<base of path without extension><suffix> */
static void out_path(char *buf, size_t size, const char *dir, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	int n = dot ? (int)(dot - base) : (int)strlen(base);
	snprintf(buf, size, "%s/%.*s.txt", dir, n, base);
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static int cmd_ocr(const char *dir, int n, char **images)
{
	ex_ocr *ocr;
	cs_error err;
	double t0 = now();
	if (ex_ocr_new(NULL, NULL, &ocr, &err) != CS_OK) {
		fprintf(stderr, "ocrbench: %s\n", err.msg);
		return 1;
	}
	double init = now() - t0, total = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		char *text;
		float conf;
		double t1 = now();
		PIX *pix = pixRead(images[i]);
		if (!pix ||
		    ex_ocr_pix(ocr, pix, 0, &text, &conf, &err) != CS_OK) {
			fprintf(stderr, "ocrbench: %s: %s\n", images[i],
				pix ? err.msg : "cannot read");
			return 1;
		}
		total += now() - t1;
		out_path(path, sizeof path, dir, images[i]);
		write_file(path, text, strlen(text));
		free(text);
		pixDestroy(&pix);
	}
	printf("%d %.3f %.3f\n", n, total, init);
	ex_ocr_free(ocr);
	return 0;
}

static int cmd_doc(const char *dir, const char *path)
{
	size_t len;
	char *data = slurp(path, &len);
	ex_ctx *ctx;
	cs_error err;
	if (ex_ctx_new(NULL, &ctx, &err) != CS_OK) {
		fprintf(stderr, "ocrbench: %s\n", err.msg);
		return 1;
	}
	double t0 = now();
	ex_doc *d = extract(ctx, path, data, len);
	double s = now() - t0;
	int pages = pages_of(d);
	for (int p = 1; p <= pages; p++) {
		char out[4096];
		cs_buf b;
		cs_buf_init(&b, (size_t)1 << 30);
		for (size_t i = 0; i < ex_doc_segment_count(d); i++) {
			const ex_segment *g = ex_doc_segment(d, i);
			if (g->page == p &&
			    cs_buf_add(&b, g->text, g->len) != CS_OK)
				return 1;
		}
		snprintf(out, sizeof out, "%s/page-%02d.txt", dir, p);
		write_file(out, b.data ? b.data : "", b.len);
		cs_buf_free(&b);
	}
	printf("%d %.3f %s\n", pages, s, ex_status_name(ex_doc_status(d)));
	ex_doc_free(d);
	ex_ctx_free(ctx);
	free(data);
	return 0;
}

static int cmd_norm(const char *path)
{
	size_t len;
	char *data = slurp(path, &len);
	char *n = nz_normalize_str(data);
	if (!n)
		return 1;
	fputs(n, stdout);
	free(n);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "text"))
		return cmd_text(argv[2], argc > 3 ? atoi(argv[3]) : 5);
	if (argc >= 4 && !strcmp(argv[1], "ocr"))
		return cmd_ocr(argv[2], argc - 3, argv + 3);
	if (argc == 4 && !strcmp(argv[1], "doc"))
		return cmd_doc(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "norm"))
		return cmd_norm(argv[2]);
	fprintf(stderr, "usage: ocrbench text FILE.pdf [ROUNDS] | ocr OUTDIR "
			"IMAGE... | doc OUTDIR FILE | norm FILE\n");
	return 2;
}
