/* Differential: wherever the strict `spec` profile answers without a single
 * finding, `linux` must give the same answer: Linux's leniencies only matter for
 * inputs the spec has something to say about. The first byte picks the format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dmt_format fmts[] = { DMT_FMT_VIOT, DMT_FMT_VTOPO, DMT_FMT_DTB };
	static struct dmt_device probes[FUZZ_MAX_PROBES];
	struct dmt_decode_opts o = { 0 };
	struct dmt_findings f;
	struct dmt_topo t;

	if (size < 1)
		return 0;
	o.format = fmts[data[0] % 3];
	dmt_findings_init(&f);
	if (dmt_decode(data + 1, size - 1, &o, &t, &f) == 0 && f.count == 0 && f.dropped == 0) {
		size_t n = probes_from_topo(&t, probes);

		for (size_t i = 0; i < n; i++) {
			struct dmt_answer s, l;

			dmt_resolve(&t, DMT_PROFILE_SPEC, &probes[i], &s, &f);
			if (f.count || !s.found)
				continue;
			dmt_resolve(&t, DMT_PROFILE_LINUX, &probes[i], &l, NULL);
			if (!l.found || l.nids != s.nids || memcmp(l.ids, s.ids, s.nids * sizeof(s.ids[0]))) {
				fprintf(stderr, "profiles: spec found 0x%x without findings, linux says %s\n",
					s.ids[0], l.found ? "another ID" : "none");
				abort();
			}
		}
	}
	dmt_topo_free(&t);
	dmt_findings_free(&f);
	return 0;
}
