/* libFuzzer target: a whole scan (detection, every format handler,
 * classification, the result JSON) on any bytes, with small limits so
 * that each input stays fast. OCR is left out: its cost is Tesseract's. */
#include <stdint.h>
#include <stdlib.h>

#include "scan.h"

static sc_engine *engine;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!engine) {
		rl_pack *pack = NULL;
		ex_config cfg = {.limits = {.max_pixels = 1, .max_expanded = 8 << 20,
					    .max_parts = 200, .max_pages = 5,
					    .wall_seconds = 5}};
		if (rl_pack_load(NULL, &pack, NULL, NULL) != CS_OK ||
		    sc_engine_new(pack, &cfg, &engine, NULL) != CS_OK)
			abort();
	}
	char *json = NULL;
	sc_verdict v;
	if (sc_scan(engine, data, size, &(sc_options){.name = "fuzz"}, &json, &v,
		    NULL) == CS_OK && !json)
		abort();
	free(json);
	return 0;
}
