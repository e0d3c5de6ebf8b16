/* The replay summary's JSON lines as `dmatopo merge` reads them from other machines:
 * any bytes, split at newlines, each line through the bounded flat-object reader, and
 * every field of an accepted line looked up again (the lookup must find what it kept). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "summary_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dmt_jobj o;
	char why[160];
	size_t pos = 0;

	while (pos < size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : size - pos;

		if (dmt_json_flat_parse((const char *)data + pos, n, &o, why, sizeof(why)) == 0)
			for (size_t i = 0; i < o.n; i++)
				if (dmt_json_get(&o, o.f[i].key) != &o.f[i])
					abort();
		pos += n + 1;
	}
	return 0;
}
