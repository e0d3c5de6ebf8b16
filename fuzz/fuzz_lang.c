/* The topology language: parse any text; whatever parses is encoded every way
 * and decoded back, which must always succeed for what the encoder produced. */
#include <stdlib.h>

#include "vector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dmt_format fmts[] = { DMT_FMT_VIOT, DMT_FMT_VTOPO, DMT_FMT_DTB };
	static struct dmt_vector v;
	struct dmt_lang_error e;

	if (dmt_topology_parse((const char *)data, size, &v, &e) == 0) {
		for (size_t k = 0; k < 3; k++) {
			char why[DMT_WHY_MAX];
			struct dmt_topo t;
			uint8_t *buf;
			size_t len;

			if (dmt_vector_input(&v, fmts[k], &buf, &len, why, sizeof(why)))
				continue;
			/* Our own encoder's output must decode (patches may break it). */
			if (dmt_decode(buf, len, &(struct dmt_decode_opts){ .format = fmts[k],
					 .vtopo_version = v.enc_opts.vtopo_version }, &t, NULL) &&
			    v.lang.npatches == 0 && v.lang.raw_format == DMT_FMT_UNKNOWN)
				abort();
			dmt_topo_free(&t);
			free(buf);
		}
	}
	dmt_vector_free(&v);
	return 0;
}
