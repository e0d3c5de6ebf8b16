/* VIOT: decode, lint, print and resolve whatever bytes come in. */
#include <stdio.h>

#include "cli.h"
#include "fuzz_probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct dmt_decode_opts o = { .format = DMT_FMT_VIOT };
	struct dmt_findings f;
	struct dmt_topo t;

	if (!sink)
		sink = fopen("/dev/null", "w");
	dmt_findings_init(&f);
	if (dmt_decode(data, size, &o, &t, &f) == 0) {
		resolve_probes(&t);
		for (size_t i = 0; sink && i < t.nstructs; i++)
			dmt_print_struct(sink, &t.structs[i], data, size);
	}
	for (size_t i = 0; sink && i < f.count; i++)
		dmt_print_finding(sink, &f.items[i]);
	dmt_topo_free(&t);
	dmt_findings_free(&f);
	return 0;
}
