/* libFuzzer target: the normaliser on any bytes. Its offset map must stay
 * inside the input and never go backwards, and a text reused from the
 * previous input (nz_normalize_into) must come out the same as a fresh
 * one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nz_text *t = NULL;
	if (nz_normalize((const char *)data, size, 4 * size + 16, &t, NULL) != CS_OK)
		return 0;
	size_t len = nz_text_len(t);
	size_t prev = 0;
	for (size_t i = 0; i <= len; i++) {
		size_t o = nz_text_origin(t, i);
		if (o > size || o < prev)
			abort();
		prev = o;
	}
	if (nz_text_origin(t, len) != size)
		abort();

	static nz_text *reused;
	if (!reused && !(reused = nz_text_new()))
		abort();
	if (nz_normalize_into(reused, (const char *)data, size, 4 * size + 16,
			      NULL) != CS_OK ||
	    nz_text_len(reused) != len ||
	    memcmp(nz_text_data(reused), nz_text_data(t), len) != 0)
		abort();
	for (size_t i = 0; i <= len; i++)
		if (nz_text_origin(reused, i) != nz_text_origin(t, i))
			abort();
	nz_text_free(t);
	return 0;
}
