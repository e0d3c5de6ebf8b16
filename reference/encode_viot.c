/* VIOT encoder: IOMMU nodes first (as QEMU lays them out), then the endpoint nodes
 * in statement order, since that order is what decides overlaps under Linux. */
#include "encode.h"
#include "viot.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dmt_acpi_fix_checksum(uint8_t *buf, size_t len)
{
	uint32_t tlen;
	uint8_t sum = 0;

	if (len < 36)
		return;
	tlen = (uint32_t)buf[4] | (uint32_t)buf[5] << 8 | (uint32_t)buf[6] << 16 |
	       (uint32_t)buf[7] << 24;
	if (tlen > len)
		tlen = (uint32_t)len;
	buf[9] = 0;
	for (uint32_t i = 0; i < tlen; i++)
		sum = (uint8_t)(sum + buf[i]);
	buf[9] = (uint8_t)(0x100 - sum);
}

static int check_expressible(const struct dmt_topo *t, char *why, size_t whylen)
{
	if (t->nbridges || t->nnodes)
		return dmt_encode_refuse(why, whylen, "device-tree bridges and nodes have no VIOT form");
	for (size_t i = 0; i < t->niommus; i++) {
		const struct dmt_iommu *m = &t->iommus[i];

		if (m->kind == DMT_IOMMU_DT)
			return dmt_encode_refuse(why, whylen, "IOMMU %zu is a device-tree node; VIOT has virtio-pci and virtio-mmio IOMMUs only", i);
		if (m->kind == DMT_IOMMU_VIRTIO_PCI && !m->bdf_known)
			return dmt_encode_refuse(why, whylen, "IOMMU %zu has no known BDF", i);
	}
	if (1 + t->niommus + t->nranges + t->nmmio > 0xffff)
		return dmt_encode_refuse(why, whylen, "more nodes than the 16-bit Node Count holds");
	return 0;
}

static uint16_t iommu_node_size(const struct dmt_iommu *m)
{
	return m->kind == DMT_IOMMU_VIRTIO_PCI ? DMT_VIOT_VIRTIO_PCI_SIZE : DMT_VIOT_VIRTIO_MMIO_SIZE;
}

static void put_node_header(const struct dmt_layout *l, uint8_t *buf, size_t off, unsigned type)
{
	dmt_field_put(l, DMT_VIOT_N_TYPE, buf, off, type);
	dmt_field_put(l, DMT_VIOT_N_LENGTH, buf, off, l->size);
}

void dmt_viot_put_iommu(const struct dmt_iommu *m, uint8_t *buf, size_t off)
{
	if (m->kind == DMT_IOMMU_VIRTIO_PCI) {
		const struct dmt_layout *l = &dmt_viot_virtio_pci_layout;

		put_node_header(l, buf, off, DMT_VIOT_NODE_VIRTIO_PCI);
		dmt_field_put(l, DMT_VIOT_VP_SEGMENT, buf, off, m->segment);
		dmt_field_put(l, DMT_VIOT_VP_BDF, buf, off, m->bdf);
	} else {
		const struct dmt_layout *l = &dmt_viot_virtio_mmio_layout;

		put_node_header(l, buf, off, DMT_VIOT_NODE_VIRTIO_MMIO);
		dmt_field_put(l, DMT_VIOT_VM_BASE_ADDRESS, buf, off, m->base);
	}
}

void dmt_viot_put_range(const struct dmt_pci_range *r, uint16_t out_node, uint8_t *buf, size_t off)
{
	const struct dmt_layout *l = &dmt_viot_pci_range_layout;

	put_node_header(l, buf, off, DMT_VIOT_NODE_PCI_RANGE);
	dmt_field_put(l, DMT_VIOT_PR_ENDPOINT_START, buf, off, r->endpoint_start);
	dmt_field_put(l, DMT_VIOT_PR_SEGMENT_START, buf, off, r->seg_start);
	dmt_field_put(l, DMT_VIOT_PR_SEGMENT_END, buf, off, r->seg_end);
	dmt_field_put(l, DMT_VIOT_PR_BDF_START, buf, off, r->bdf_start);
	dmt_field_put(l, DMT_VIOT_PR_BDF_END, buf, off, r->bdf_end);
	dmt_field_put(l, DMT_VIOT_PR_OUTPUT_NODE, buf, off, out_node);
}

static void put_mmio(const struct dmt_mmio_ep *m, uint16_t out_node, uint8_t *buf, size_t off)
{
	const struct dmt_layout *l = &dmt_viot_mmio_ep_layout;

	put_node_header(l, buf, off, DMT_VIOT_NODE_MMIO);
	dmt_field_put(l, DMT_VIOT_ME_ENDPOINT, buf, off, m->endpoint);
	dmt_field_put(l, DMT_VIOT_ME_BASE_ADDRESS, buf, off, m->base);
	dmt_field_put(l, DMT_VIOT_ME_OUTPUT_NODE, buf, off, out_node);
}

void dmt_viot_put_header(uint8_t *buf, size_t len, size_t nodes, const struct dmt_viot_ids *ids)
{
	const struct dmt_layout *l = &dmt_viot_header_layout;

	dmt_field_put_bytes(l, DMT_VIOT_H_SIGNATURE, buf, 0, "VIOT", 4);
	dmt_field_put(l, DMT_VIOT_H_LENGTH, buf, 0, len);
	dmt_field_put(l, DMT_VIOT_H_REVISION, buf, 0, ids->revision);
	dmt_field_put_bytes(l, DMT_VIOT_H_OEM_ID, buf, 0, ids->oem_id, 6);
	dmt_field_put_bytes(l, DMT_VIOT_H_OEM_TABLE_ID, buf, 0, ids->oem_table_id, 8);
	dmt_field_put(l, DMT_VIOT_H_OEM_REVISION, buf, 0, ids->oem_revision);
	dmt_field_put_bytes(l, DMT_VIOT_H_CREATOR_ID, buf, 0, ids->creator_id, 4);
	dmt_field_put(l, DMT_VIOT_H_CREATOR_REVISION, buf, 0, ids->creator_revision);
	dmt_field_put(l, DMT_VIOT_H_NODE_COUNT, buf, 0, nodes);
	dmt_field_put(l, DMT_VIOT_H_NODE_OFFSET, buf, 0, DMT_VIOT_HEADER_SIZE);
}

static const struct dmt_viot_ids own_ids = {
	.revision = DMT_VIOT_REVISION, .oem_id = "DMTOPO", .oem_table_id = "DMATOPO ",
	.creator_id = "DMT ", .oem_revision = 1, .creator_revision = 1,
};

int dmt_encode_viot(const struct dmt_topo *t, uint8_t **out, size_t *len, char *why, size_t whylen)
{
	size_t size = DMT_VIOT_HEADER_SIZE, off;
	struct dmt_entry_ref *order;
	uint16_t *iommu_off;
	uint8_t *buf;

	if (check_expressible(t, why, whylen))
		return -1;
	for (size_t i = 0; i < t->niommus; i++)
		size += iommu_node_size(&t->iommus[i]);
	size += t->nranges * DMT_VIOT_PCI_RANGE_SIZE + t->nmmio * DMT_VIOT_MMIO_EP_SIZE;
	if (size > 0xffff)
		return dmt_encode_refuse(why, whylen, "%zu bytes: node offsets are 16-bit, the table must stay below 64 KiB", size);
	/* A later VIOT node wins under Linux: a first-match model is written from its end. */
	order = dmt_entry_order(t, t->first_match_order);
	buf = calloc(1, size);
	iommu_off = calloc(t->niommus + 1, sizeof(*iommu_off));
	if (!buf || !iommu_off || (!order && t->nranges + t->nmmio)) {
		free(order);
		free(buf);
		free(iommu_off);
		return dmt_encode_refuse(why, whylen, "out of memory");
	}
	off = DMT_VIOT_HEADER_SIZE;
	for (size_t i = 0; i < t->niommus; i++) {
		iommu_off[i] = (uint16_t)off;
		dmt_viot_put_iommu(&t->iommus[i], buf, off);
		off += iommu_node_size(&t->iommus[i]);
	}
	for (size_t k = 0; order && k < t->nranges + t->nmmio; k++) {
		if (order[k].is_range) {
			const struct dmt_pci_range *r = &t->ranges[order[k].idx];

			dmt_viot_put_range(r, r->iommu >= 0 ? iommu_off[r->iommu] : 0, buf, off);
			off += DMT_VIOT_PCI_RANGE_SIZE;
		} else {
			const struct dmt_mmio_ep *m = &t->mmio[order[k].idx];

			put_mmio(m, m->iommu >= 0 ? iommu_off[m->iommu] : 0, buf, off);
			off += DMT_VIOT_MMIO_EP_SIZE;
		}
	}
	free(order);
	dmt_viot_put_header(buf, size, t->niommus + t->nranges + t->nmmio, &own_ids);
	dmt_acpi_fix_checksum(buf, size);
	free(iommu_off);
	*out = buf;
	*len = size;
	return 0;
}
