/* The VIOT each VMM writes for a device list, so a table can be checked against
 * what the guest on that VMM really gets. Facts from each VMM's source (FACTS §7,
 * §8); the node writers are the ones dmatopo's own encoder uses.
 *
 * All four put the virtio-pci IOMMU node first, at offset 48, and the PCI range
 * nodes after it; they differ in header IDs, revision, how many ranges, their
 * order and the endpoint numbering. */
#include "encode.h"
#include "viot.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	struct dmt_viot_ids ids;
} builders[] = {
	[DMT_VB_NONE] = { "dmatopo", { 0, "DMTOPO", "DMATOPO ", "DMT ", 1, 1 } },
	/* acpi_table_begin: OEM revision 1, creator BXPC revision 1 */
	[DMT_VB_QEMU] = { "qemu", { 0, "BOCHS ", "BXPC    ", "BXPC", 1, 1 } },
	/* Sdt::new(*b"VIOT", 36, 0, *b"CLOUDH", *b"CHVIOT  ", 0). The creator ID and
	 * revision come from its acpi_tables Sdt and were not checked here: RVAT 1 is
	 * a stand-in (Linux and lint ignore both). */
	[DMT_VB_CLOUD_HV] = { "cloud-hypervisor", { 0, "CLOUDH", "CHVIOT  ", "RVAT", 0, 1 } },
	/* devices/src/virtio/iommu.rs generate_acpi: OEM_REVISION 1; dmesg shows CROS 0 */
	[DMT_VB_CROSVM] = { "crosvm", { 0, "CROSVM", "CROSVMDT", "CROS", 1, 0 } },
	/* acpi_tables::viot::VIOT::new: revision 1; the OEM fields are the caller's,
	 * written here as cloud-hypervisor's, the creator as above (a stand-in) */
	[DMT_VB_ACPI_TABLES] = { "acpi-tables", { 1, "CLOUDH", "CHVIOT  ", "RVAT", 0, 1 } },
};

int dmt_viot_builder_parse(const char *name, enum dmt_viot_builder *out)
{
	for (size_t i = 1; i < sizeof(builders) / sizeof(builders[0]); i++) {
		if (strcmp(name, builders[i].name) == 0) {
			*out = (enum dmt_viot_builder)i;
			return 0;
		}
	}
	return -1;
}

const char *dmt_viot_builder_name(enum dmt_viot_builder b)
{
	return (size_t)b < sizeof(builders) / sizeof(builders[0]) ? builders[b].name : "?";
}

/* A growing list of ranges in node order. */
struct plan {
	struct dmt_pci_range r[2 * DMT_VMM_MAX];
	size_t n;
};

static void add(struct plan *p, uint16_t seg, uint16_t first, uint16_t last, uint32_t ep)
{
	struct dmt_pci_range *r = &p->r[p->n++];

	memset(r, 0, sizeof(*r));
	r->seg_start = r->seg_end = seg;
	r->bdf_start = first;
	r->bdf_end = last;
	r->endpoint_start = ep;
}

/* QEMU writes segment 0 only; a device elsewhere has no form in its table. */
static int only_segment0(const struct dmt_vmm_list *l, char *why, size_t whylen)
{
	for (size_t i = 0; i < l->ndevs; i++)
		if (l->dev_seg[i])
			return dmt_encode_refuse(why, whylen, "device %zu is on segment %u; this VMM's VIOT has segment 0 only",
						 i, l->dev_seg[i]);
	return 0;
}

/* hw/acpi/viot.c: one range per host bridge over its bus span, sorted by first
 * bus (since 7.1), endpoint_start = bdf_start, so endpoint = RID. With no
 * `vmm-bridge` given, pcie.0 spans bus 0 to the highest bus of the devices. */
static void plan_qemu(const struct dmt_vmm_list *l, struct plan *p)
{
	uint8_t first[DMT_VMM_MAX], last[DMT_VMM_MAX];
	size_t n = l->nbridges;

	memcpy(first, l->bridge_first, sizeof(first));
	memcpy(last, l->bridge_last, sizeof(last));
	if (n == 0) {
		first[0] = last[0] = 0;
		for (size_t i = 0; i < l->ndevs; i++)
			if (l->dev_bdf[i] >> 8 > last[0])
				last[0] = (uint8_t)(l->dev_bdf[i] >> 8);
		n = 1;
	}
	for (size_t i = 1; i < n; i++)	/* insertion sort: a handful of bridges */
		for (size_t j = i; j > 0 && first[j] < first[j - 1]; j--) {
			uint8_t a = first[j], b = last[j];

			first[j] = first[j - 1], last[j] = last[j - 1];
			first[j - 1] = a, last[j - 1] = b;
		}
	for (size_t i = 0; i < n; i++)
		add(p, 0, (uint16_t)(first[i] << 8), (uint16_t)(last[i] << 8 | 0xff),
		    (uint32_t)first[i] << 8);
}

/* vmm/src/acpi.rs create_viot_table: attach order, endpoint = seg<<16 | BDF. */
static void plan_cloud_hv(const struct dmt_vmm_list *l, struct plan *p)
{
	for (size_t i = 0; i < l->ndevs; i++)
		add(p, l->dev_seg[i], l->dev_bdf[i], l->dev_bdf[i],
		    (uint32_t)l->dev_seg[i] << 16 | l->dev_bdf[i]);
}

/* crosvm keeps its endpoints in a BTreeMap keyed by BDF: sorted, not attach
 * order. A hot-plug port's range end is masked down to sub:00.0. */
static void plan_crosvm(const struct dmt_vmm_list *l, struct plan *p)
{
	uint16_t bdf[DMT_VMM_MAX];

	memcpy(bdf, l->dev_bdf, sizeof(bdf));
	for (size_t i = 1; i < l->ndevs; i++)
		for (size_t j = i; j > 0 && bdf[j] < bdf[j - 1]; j--) {
			uint16_t a = bdf[j];

			bdf[j] = bdf[j - 1];
			bdf[j - 1] = a;
		}
	for (size_t i = 0; i < l->ndevs; i++)
		if (i == 0 || bdf[i] != bdf[i - 1])	/* a map key appears once */
			add(p, 0, bdf[i], bdf[i], bdf[i]);
	for (size_t i = 0; i < l->nhotplug; i++)
		add(p, 0, (uint16_t)(l->hotplug_bus[i] << 8), (uint16_t)(l->hotplug_bus[i] << 8),
		    (uint32_t)l->hotplug_bus[i] << 8);
}

/* acpi_tables' PciRange node takes the BDF as endpoint_start: the segment is
 * dropped, so two segments can hand out the same ID (lint: EndpointIdCollision). */
static void plan_acpi_tables(const struct dmt_vmm_list *l, struct plan *p)
{
	for (size_t i = 0; i < l->ndevs; i++)
		add(p, l->dev_seg[i], l->dev_bdf[i], l->dev_bdf[i], l->dev_bdf[i]);
}

static int plan(const struct dmt_encode_opts *o, struct plan *p, char *why, size_t whylen)
{
	const struct dmt_vmm_list *l = &o->vmm;

	p->n = 0;
	switch (o->viot_builder) {
	case DMT_VB_QEMU:
		if (only_segment0(l, why, whylen))
			return -1;
		plan_qemu(l, p);
		return 0;
	case DMT_VB_CLOUD_HV:
		plan_cloud_hv(l, p);
		return 0;
	case DMT_VB_CROSVM:
		if (only_segment0(l, why, whylen))
			return -1;
		plan_crosvm(l, p);
		return 0;
	case DMT_VB_ACPI_TABLES:
		plan_acpi_tables(l, p);
		return 0;
	default:
		return dmt_encode_refuse(why, whylen, "no such VIOT builder");
	}
}

/* Every one of these VMMs has exactly one virtio-pci IOMMU and writes only the
 * ranges it derives itself. */
static int check_topo(const struct dmt_topo *t, char *why, size_t whylen)
{
	if (t->niommus != 1 || t->iommus[0].kind != DMT_IOMMU_VIRTIO_PCI || !t->iommus[0].bdf_known)
		return dmt_encode_refuse(why, whylen, "a VMM builder needs exactly one `viommu NAME pci SBDF`");
	if (t->nranges || t->nmmio || t->nbridges || t->nnodes)
		return dmt_encode_refuse(why, whylen, "a VMM builder writes its own ranges: list `vmm-dev` devices instead of range/mmio-ep/DT statements");
	return 0;
}

int dmt_encode_viot_vmm(const struct dmt_topo *t, const struct dmt_encode_opts *o, uint8_t **out,
			size_t *len, char *why, size_t whylen)
{
	struct plan *p;
	size_t size, off = DMT_VIOT_HEADER_SIZE;
	uint8_t *buf;

	if (check_topo(t, why, whylen))
		return -1;
	p = malloc(sizeof(*p));
	if (!p)
		return dmt_encode_refuse(why, whylen, "out of memory");
	if (plan(o, p, why, whylen)) {
		free(p);
		return -1;
	}
	size = DMT_VIOT_HEADER_SIZE + DMT_VIOT_VIRTIO_PCI_SIZE + p->n * DMT_VIOT_PCI_RANGE_SIZE;
	buf = calloc(1, size);
	if (!buf) {
		free(p);
		return dmt_encode_refuse(why, whylen, "out of memory");
	}
	dmt_viot_put_iommu(&t->iommus[0], buf, off);
	off += DMT_VIOT_VIRTIO_PCI_SIZE;
	for (size_t i = 0; i < p->n; i++, off += DMT_VIOT_PCI_RANGE_SIZE)
		dmt_viot_put_range(&p->r[i], DMT_VIOT_HEADER_SIZE, buf, off);
	dmt_viot_put_header(buf, size, 1 + p->n, &builders[o->viot_builder].ids);
	dmt_acpi_fix_checksum(buf, size);
	free(p);
	*out = buf;
	*len = size;
	return 0;
}
