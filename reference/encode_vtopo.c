/* vtopo encoder: the virtio-iommu config space of ONE IOMMU with its built-in
 * topology appended. v2 (Feb 2020 series): fixed item_length, items after the
 * 48-byte config; v3 (Aug 2020 draft): {count, offset} and self-sized items,
 * 8-byte aligned. Items are written in the reverse of statement order (see below). */
#include "encode.h"
#include "vtopo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V2_ITEM_LENGTH 16u

static int check_expressible(const struct dmt_topo *t, char *why, size_t whylen)
{
	if (t->nbridges || t->nnodes)
		return dmt_encode_refuse(why, whylen, "device-tree bridges and nodes have no vtopo form");
	if (t->niommus != 1)
		return dmt_encode_refuse(why, whylen, "a vtopo blob describes the topology of exactly one IOMMU (this has %zu)", t->niommus);
	if (t->iommus[0].kind == DMT_IOMMU_DT)
		return dmt_encode_refuse(why, whylen, "the IOMMU is a device-tree node, not a virtio-iommu");
	for (size_t i = 0; i < t->nranges; i++) {
		if (t->ranges[i].seg_start != t->ranges[i].seg_end)
			return dmt_encode_refuse(why, whylen, "range %zu spans segments %u..%u; a vtopo PCI range has one hierarchy",
				      i, t->ranges[i].seg_start, t->ranges[i].seg_end);
	}
	if (t->nranges + t->nmmio > 4096)
		return dmt_encode_refuse(why, whylen, "more than 4096 items");
	return 0;
}

static void put_config_common(const struct dmt_layout *l, uint8_t *buf, unsigned version)
{
	/* Plausible device values: 4K pages, 48-bit input range, 32-bit domains. */
	dmt_field_put(l, version == 2 ? DMT_VTOPO2_CFG_PAGE_SIZE_MASK : DMT_VTOPO3_CFG_PAGE_SIZE_MASK,
		      buf, 0, 0xfffffffffffff000ull);
	dmt_field_put(l, version == 2 ? DMT_VTOPO2_CFG_INPUT_END : DMT_VTOPO3_CFG_INPUT_END,
		      buf, 0, 0xffffffffffffull);
	dmt_field_put(l, version == 2 ? DMT_VTOPO2_CFG_DOMAIN_END : DMT_VTOPO3_CFG_DOMAIN_END,
		      buf, 0, 0xffffffffull);
}

static void put_item_v2(const struct dmt_topo *t, bool is_range, size_t i, uint8_t *buf, size_t off)
{
	if (is_range) {
		const struct dmt_layout *l = &dmt_vtopo2_pci_range_layout;
		const struct dmt_pci_range *r = &t->ranges[i];

		dmt_field_put(l, DMT_VTOPO2_PCI_TYPE, buf, off, DMT_VTOPO2_TYPE_PCI_RANGE);
		dmt_field_put(l, DMT_VTOPO2_PCI_HIERARCHY, buf, off, r->seg_start);
		dmt_field_put(l, DMT_VTOPO2_PCI_REQUESTER_START, buf, off, r->bdf_start);
		dmt_field_put(l, DMT_VTOPO2_PCI_REQUESTER_END, buf, off, r->bdf_end);
		dmt_field_put(l, DMT_VTOPO2_PCI_ENDPOINT_START, buf, off, r->endpoint_start);
	} else {
		const struct dmt_layout *l = &dmt_vtopo2_endpoint_layout;
		const struct dmt_mmio_ep *m = &t->mmio[i];

		dmt_field_put(l, DMT_VTOPO2_EP_TYPE, buf, off, DMT_VTOPO2_TYPE_ENDPOINT);
		dmt_field_put(l, DMT_VTOPO2_EP_ENDPOINT, buf, off, m->endpoint);
		dmt_field_put(l, DMT_VTOPO2_EP_ADDRESS, buf, off, m->base);
	}
}

static void put_item_v3(const struct dmt_topo *t, bool is_range, size_t i, uint8_t *buf, size_t off)
{
	if (is_range) {
		const struct dmt_layout *l = &dmt_vtopo3_pci_range_layout;
		const struct dmt_pci_range *r = &t->ranges[i];

		dmt_field_put(l, DMT_VTOPO3_PCI_TYPE, buf, off, DMT_VTOPO3_TYPE_PCI_RANGE);
		dmt_field_put(l, DMT_VTOPO3_PCI_LENGTH, buf, off, DMT_VTOPO3_PCI_RANGE_SIZE);
		dmt_field_put(l, DMT_VTOPO3_PCI_ENDPOINT_START, buf, off, r->endpoint_start);
		dmt_field_put(l, DMT_VTOPO3_PCI_SEGMENT, buf, off, r->seg_start);
		dmt_field_put(l, DMT_VTOPO3_PCI_BDF_START, buf, off, r->bdf_start);
		dmt_field_put(l, DMT_VTOPO3_PCI_BDF_END, buf, off, r->bdf_end);
	} else {
		const struct dmt_layout *l = &dmt_vtopo3_mmio_layout;
		const struct dmt_mmio_ep *m = &t->mmio[i];

		dmt_field_put(l, DMT_VTOPO3_MMIO_TYPE, buf, off, DMT_VTOPO3_TYPE_MMIO);
		dmt_field_put(l, DMT_VTOPO3_MMIO_LENGTH, buf, off, DMT_VTOPO3_MMIO_SIZE);
		dmt_field_put(l, DMT_VTOPO3_MMIO_ENDPOINT, buf, off, m->endpoint);
		dmt_field_put(l, DMT_VTOPO3_MMIO_ADDRESS, buf, off, m->base);
	}
}

int dmt_encode_vtopo(const struct dmt_topo *t, const struct dmt_encode_opts *o, uint8_t **out,
		     size_t *len, char *why, size_t whylen)
{
	unsigned version = o && o->vtopo_version ? o->vtopo_version : 2;
	size_t items = t->nranges + t->nmmio, off, size, step;
	struct dmt_entry_ref *order;
	const struct dmt_layout *cfg;
	uint8_t *buf;

	if (version != 2 && version != 3)
		return dmt_encode_refuse(why, whylen, "vtopo version %u is neither 2 nor 3", version);
	if (check_expressible(t, why, whylen))
		return -1;
	cfg = dmt_vtopo_config_layout(version);
	off = version == 2 ? DMT_VTOPO2_CONFIG_SIZE : DMT_VTOPO3_CONFIG_SIZE;
	step = version == 2 ? V2_ITEM_LENGTH : DMT_VTOPO3_PCI_RANGE_SIZE;
	size = off + items * step;
	buf = calloc(1, size);
	if (!buf)
		return dmt_encode_refuse(why, whylen, "out of memory");
	put_config_common(cfg, buf, version);
	if (version == 2) {
		dmt_field_put(cfg, DMT_VTOPO2_CFG_TOPO_OFFSET, buf, 0, items ? off : 0);
		dmt_field_put(cfg, DMT_VTOPO2_CFG_NUM_ITEMS, buf, 0, items);
		dmt_field_put(cfg, DMT_VTOPO2_CFG_ITEM_LENGTH, buf, 0, items ? V2_ITEM_LENGTH : 0);
	} else {
		dmt_field_put(cfg, DMT_VTOPO3_CFG_COUNT, buf, 0, items);
		dmt_field_put(cfg, DMT_VTOPO3_CFG_OFFSET, buf, 0, items ? off : 0);
	}
	/* The proposal's lookup takes the first match: see dmt_encode_reverse. */
	order = dmt_entry_order(t, dmt_encode_reverse(t));
	if (!order && items) {
		free(buf);
		return dmt_encode_refuse(why, whylen, "out of memory");
	}
	for (size_t k = 0; k < items; k++) {
		if (version == 2)
			put_item_v2(t, order[k].is_range, order[k].idx, buf, off);
		else
			put_item_v3(t, order[k].is_range, order[k].idx, buf, off);
		off += step;
	}
	free(order);
	*out = buf;
	*len = size;
	return 0;
}
