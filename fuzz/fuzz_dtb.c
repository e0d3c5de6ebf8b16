/* DTB: decode with its maps, print, and resolve paths, MMIO bases and PCI RIDs
 * taken from the decoded bridges and nodes. */
#include <stdio.h>

#include "cli.h"
#include "fuzz_probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct dmt_decode_opts o = { .format = DMT_FMT_DTB };
	struct dmt_findings f;
	struct dmt_topo t;

	if (!sink)
		sink = fopen("/dev/null", "w");
	dmt_findings_init(&f);
	if (dmt_decode(data, size, &o, &t, &f) == 0) {
		resolve_probes(&t);
		if (sink)
			dmt_print_dt(sink, data, size);
	}
	dmt_topo_free(&t);
	dmt_findings_free(&f);
	return 0;
}
