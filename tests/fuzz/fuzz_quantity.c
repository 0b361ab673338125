/* libFuzzer target: the quantity parser on any bytes. Spans stay inside
 * the text, intervals are ordered, and numbers parse without reading past
 * the end. */
#include <stdint.h>
#include <stdlib.h>

#include "quantity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	qp_quantity q[64];
	size_t n = qp_scan((const char *)data, size, q, 64);
	for (size_t i = 0; i < n && i < 64; i++)
		if (q[i].start > q[i].end || q[i].end > size || q[i].lo > q[i].hi)
			abort();
	double v;
	if (qp_number((const char *)data, size, &v) > size)
		abort();
	return 0;
}
