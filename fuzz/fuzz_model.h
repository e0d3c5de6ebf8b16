/* Random abstract topologies built from fuzz bytes, for the differential targets.
 * Reading past the input gives zeros, so every input builds some model. */
#ifndef DMT_FUZZ_MODEL_H
#define DMT_FUZZ_MODEL_H

#include <stdio.h>
#include <string.h>

#include "dmatopo.h"

struct fuzz_bytes {
	const uint8_t *p;
	size_t n, pos;
};

static inline uint64_t fb_take(struct fuzz_bytes *b, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint64_t)(b->pos < b->n ? b->p[b->pos++] : 0) << (8 * i);
	return v;
}

/* One virtio-pci IOMMU (segment 0..3), up to 8 PCI ranges each within one
 * segment, up to 4 MMIO endpoints. `multi_segment` lets ranges span segments. */
static inline int fuzz_build_model(struct fuzz_bytes *b, struct dmt_topo *t, bool multi_segment)
{
	struct dmt_iommu *m;
	unsigned nranges, nmmio;
	uint32_t ordinal = 0;

	dmt_topo_init(t);
	m = DMT_PUSH(t, iommus);
	if (!m)
		return -1;
	m->kind = DMT_IOMMU_VIRTIO_PCI;
	m->segment = (uint16_t)(fb_take(b, 1) & 3);
	m->bdf = (uint16_t)fb_take(b, 2);
	m->bdf_known = true;
	m->virtio_pci_iommu = true;
	m->iommu_cells = 1;
	m->phandle = 1;
	snprintf(m->name, sizeof(m->name), "virtio-pci@%04x:%02x:%02x.%x", m->segment,
		 m->bdf >> 8, (m->bdf >> 3) & 0x1f, m->bdf & 7);
	nranges = (unsigned)fb_take(b, 1) % 9;
	nmmio = (unsigned)fb_take(b, 1) % 5;
	for (unsigned i = 0; i < nranges; i++) {
		struct dmt_pci_range *r = DMT_PUSH(t, ranges);
		uint8_t segs = (uint8_t)fb_take(b, 1);

		if (!r)
			return -1;
		r->seg_start = segs & 3;
		r->seg_end = multi_segment ? (uint16_t)(r->seg_start + ((segs >> 2) & 3)) : r->seg_start;
		r->bdf_start = (uint16_t)fb_take(b, 2);
		/* Mostly sane ranges, sometimes reversed ones. */
		r->bdf_end = (segs & 0x80) ? (uint16_t)fb_take(b, 2)
					   : (uint16_t)(r->bdf_start + (fb_take(b, 1) << ((segs >> 4) & 7)));
		r->endpoint_start = (uint32_t)fb_take(b, 4);
		r->iommu = 0;
		r->ordinal = ordinal++;
		r->active = DMT_ACTIVE_ALL;
	}
	for (unsigned i = 0; i < nmmio; i++) {
		struct dmt_mmio_ep *e = DMT_PUSH(t, mmio);

		if (!e)
			return -1;
		e->base = fb_take(b, 8);
		e->endpoint = (uint32_t)fb_take(b, 4);
		e->iommu = 0;
		e->ordinal = ordinal++;
		e->active = DMT_ACTIVE_ALL;
	}
	return 0;
}

#endif
