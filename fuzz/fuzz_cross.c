/* Differential: one random topology written as VIOT, vtopo and DTB must give every
 * PCI device the same answer under the linux profile. Left out, because the
 * encodings legitimately differ there: DMA aliases (the vtopo proposal uses the
 * device's own RID only), the IOMMU's own BDF, MMIO devices (the v2 proposal has no
 * platform support) and the reasons given for "none". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "fuzz_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NPROBE 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dmt_format fmts[] = { DMT_FMT_VIOT, DMT_FMT_VTOPO, DMT_FMT_DTB };
	struct fuzz_bytes b = { data, size, 0 };
	struct dmt_encode_opts eo = { .vtopo_version = 2 };
	struct dmt_topo m, d[3];
	struct dmt_device probes[NPROBE];
	size_t np = 0;

	if (fuzz_build_model(&b, &m, false))
		abort();
	for (size_t i = 0; i < m.nranges && np + 3 <= NPROBE; i++) {
		const struct dmt_pci_range *r = &m.ranges[i];
		uint16_t rids[3] = { r->bdf_start, r->bdf_end, (uint16_t)(r->bdf_start + (r->bdf_end - r->bdf_start) / 2) };

		for (int k = 0; k < 3; k++) {
			if (r->seg_start == m.iommus[0].segment && rids[k] == m.iommus[0].bdf)
				continue;
			memset(&probes[np], 0, sizeof(probes[np]));
			probes[np].kind = DMT_DEV_PCI;
			probes[np].segment = r->seg_start;
			probes[np].rid = rids[k];
			np++;
		}
	}
	for (int k = 0; k < 3; k++) {
		struct dmt_decode_opts o = { .format = fmts[k], .vtopo_version = 2, .vtopo_iommu_known = true,
					     .vtopo_iommu_segment = m.iommus[0].segment,
					     .vtopo_iommu_bdf = m.iommus[0].bdf };
		uint8_t *buf;
		size_t len;

		dmt_topo_init(&d[k]);
		/* Some models have no form in some encoding (two MMIO endpoints at one
		 * address cannot be two DT nodes): those are skipped, not failures. */
		if (dmt_encode(&m, fmts[k], &eo, &buf, &len, NULL, 0)) {
			for (int j = 0; j < k; j++)
				dmt_topo_free(&d[j]);
			dmt_topo_free(&m);
			return 0;
		}
		if (dmt_decode(buf, len, &o, &d[k], NULL)) {
			fprintf(stderr, "cross: %s could not carry a model every encoding can express\n",
				dmt_format_name(fmts[k]));
			abort();
		}
		free(buf);
	}
	for (size_t i = 0; i < np; i++) {
		struct dmt_answer a[3];

		for (int k = 0; k < 3; k++)
			dmt_resolve(&d[k], DMT_PROFILE_LINUX, &probes[i], &a[k], NULL);
		for (int k = 1; k < 3; k++) {
			if (a[k].found != a[0].found || a[k].nids != a[0].nids ||
			    memcmp(a[k].ids, a[0].ids, a[0].nids * sizeof(a[0].ids[0]))) {
				fprintf(stderr, "cross: %04x:%04x viot %s 0x%x, %s %s 0x%x\n", probes[i].segment,
					probes[i].rid, a[0].found ? "found" : "none", a[0].nids ? a[0].ids[0] : 0,
					dmt_format_name(fmts[k]), a[k].found ? "found" : "none",
					a[k].nids ? a[k].ids[0] : 0);
				abort();
			}
		}
	}
	for (int k = 0; k < 3; k++)
		dmt_topo_free(&d[k]);
	dmt_topo_free(&m);
	return 0;
}
