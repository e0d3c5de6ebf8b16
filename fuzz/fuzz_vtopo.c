/* vtopo: the first byte picks the layout version and whether the IOMMU's own BDF
 * is known (the next two bytes); the rest is the config-space blob. */
#include <stdio.h>

#include "cli.h"
#include "fuzz_probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Structs printed from each end of the table: every item goes through the same
 * layout-driven printer, and printing all of a table of thousands of items to
 * /dev/null was a third of this target's time. */
#define PRINT_EDGE 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct dmt_decode_opts o = { .format = DMT_FMT_VTOPO };
	struct dmt_findings f;
	struct dmt_topo t;

	if (size < 3)
		return 0;
	if (!sink)
		sink = fopen("/dev/null", "w");
	o.vtopo_version = (unsigned[]){ 0, 2, 3, 2 }[data[0] & 3];
	o.vtopo_iommu_known = data[0] & 4;
	o.vtopo_iommu_bdf = (uint16_t)(data[1] | data[2] << 8);
	dmt_findings_init(&f);
	if (dmt_decode(data + 3, size - 3, &o, &t, &f) == 0) {
		resolve_probes(&t);
		for (size_t i = 0; sink && i < t.nstructs; i++)
			if (i < PRINT_EDGE || i >= t.nstructs - PRINT_EDGE)
				dmt_print_struct(sink, &t.structs[i], data + 3, size - 3);
	}
	dmt_topo_free(&t);
	dmt_findings_free(&f);
	return 0;
}
