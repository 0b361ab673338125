/*
 * ocrdist: character accuracy of an OCR reading against its source text.
 *
 *   ocrdist REFERENCE READING
 *
 * Prints "chars errors accuracy": the number of characters of REFERENCE,
 * the edit distance (insertions, deletions, substitutions of Unicode code
 * points) between the two texts, and 1 - errors / chars. Whitespace is
 * removed first from both, since OCR puts spaces between Chinese
 * characters and the normaliser drops them. Only the benchmark uses this.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BYTES (1 << 22)

/* Reads path as code points without whitespace; returns the count. */
static size_t load(const char *path, uint32_t **out)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	unsigned char *s = malloc(MAX_BYTES);
	size_t n = fread(s, 1, MAX_BYTES, f);
	fclose(f);
	uint32_t *cp = malloc((n + 1) * sizeof *cp);
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		uint32_t c = s[i];
		int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
		if (extra)
			c &= 0x3f >> extra;
		i++;
		for (int e = 0; e < extra && i < n; e++, i++)
			c = c << 6 | (s[i] & 0x3f);
		/* ASCII space family and the ideographic space */
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f' || c == '\v' || c == 0x3000)
			continue;
		cp[k++] = c;
	}
	free(s);
	*out = cp;
	return k;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: ocrdist REFERENCE READING\n");
		return 2;
	}
	uint32_t *a, *b;
	size_t n = load(argv[1], &a), m = load(argv[2], &b);
	/* Two rows of the Levenshtein table. */
	size_t *prev = malloc((m + 1) * sizeof *prev);
	size_t *cur = malloc((m + 1) * sizeof *cur);
	for (size_t j = 0; j <= m; j++)
		prev[j] = j;
	for (size_t i = 1; i <= n; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			cur[j] = best;
		}
		size_t *t = prev;
		prev = cur;
		cur = t;
	}
	size_t errors = prev[m];
	printf("%zu %zu %.4f\n", n, errors,
	       n ? 1.0 - (double)errors / (double)n : 0.0);
	free(prev);
	free(cur);
	free(a);
	free(b);
	return 0;
}
