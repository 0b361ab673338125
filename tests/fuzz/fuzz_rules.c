/* libFuzzer target: the rule compiler on any text. It either compiles a
 * pack or refuses it with an error; it never crashes or leaks. */
#include <stdint.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rl_source src = {"fuzz.rules", (const char *)data, size};
	rl_pack *pack = NULL;
	cs_buf errors;
	cs_buf_init(&errors, 1 << 20);
	if (rl_pack_compile(&src, 1, "fuzz", &pack, &errors, NULL) == CS_OK)
		rl_pack_free(pack);
	cs_buf_free(&errors);
	return 0;
}
