/* Vector files: parse any text, and run whatever parses through the runner. */
#include "vector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dmt_vector v;
	static bool seen[DMT_L_COUNT];
	struct dmt_lang_error e;

	if (dmt_vector_parse((const char *)data, size, &v, &e) == 0)
		dmt_vector_run(&v, DMT_ACTIVE_ALL, NULL, NULL, seen);
	dmt_vector_free(&v);
	return 0;
}
