/* Encoders: an abstract topology model (from the topology language, or a decoded
 * input) written out as VIOT bytes, a vtopo config blob, or a DTB. Each encoder
 * uses the same layouts its decoder reads with. No I/O. */
#ifndef DMT_ENCODE_H
#define DMT_ENCODE_H

#include "dmatopo.h"

#define DMT_WHY_MAX 192

/* Which VMM's VIOT `encode --to viot` imitates (reference/encode_viot_vmm.c). */
enum dmt_viot_builder {
	DMT_VB_NONE,		/* dmatopo's own: the topology's ranges as written */
	DMT_VB_QEMU,		/* hw/acpi/viot.c: one range per host bridge, endpoint = RID */
	DMT_VB_CLOUD_HV,	/* one single-BDF range per device, endpoint = seg<<16 | BDF */
	DMT_VB_CROSVM,		/* single-BDF ranges by BDF, then one per hot-plug port */
	DMT_VB_ACPI_TABLES,	/* rust-vmm acpi_tables viot: revision 1, endpoint = BDF */
};

#define DMT_VMM_MAX 64

/* The device list a VMM builder works from (`vmm-*` statements). */
struct dmt_vmm_list {
	size_t ndevs;
	uint16_t dev_seg[DMT_VMM_MAX], dev_bdf[DMT_VMM_MAX];	/* attach order */
	size_t nhotplug;
	uint8_t hotplug_bus[DMT_VMM_MAX];	/* crosvm: secondary bus of each hot-plug port */
	size_t nbridges;
	uint8_t bridge_first[DMT_VMM_MAX], bridge_last[DMT_VMM_MAX];	/* QEMU host bridges */
};

struct dmt_encode_opts {
	unsigned vtopo_version;		/* 2 (default) or 3 */
	enum dmt_viot_builder viot_builder;
	struct dmt_vmm_list vmm;
};

/* "qemu" ... to the enum; -1 for an unknown name. */
int dmt_viot_builder_parse(const char *name, enum dmt_viot_builder *out);
const char *dmt_viot_builder_name(enum dmt_viot_builder b);
int dmt_encode_viot_vmm(const struct dmt_topo *t, const struct dmt_encode_opts *o, uint8_t **out,
			size_t *len, char *why, size_t whylen);

/* What a VIOT header says about its writer. */
struct dmt_viot_ids {
	uint8_t revision;
	const char *oem_id, *oem_table_id, *creator_id;	/* 6, 8, 4 characters */
	uint32_t oem_revision, creator_revision;
};

/* Node writers shared by dmatopo's own VIOT encoder and the VMM builders. */
struct dmt_iommu;
struct dmt_pci_range;
void dmt_viot_put_iommu(const struct dmt_iommu *m, uint8_t *buf, size_t off);
void dmt_viot_put_range(const struct dmt_pci_range *r, uint16_t out_node, uint8_t *buf, size_t off);
void dmt_viot_put_header(uint8_t *buf, size_t len, size_t nodes, const struct dmt_viot_ids *ids);

/* 0 with *out (malloc'd, caller frees) and *len set; -1 with why[] saying what the
 * encoding cannot express (e.g. an MMIO IOMMU in a vtopo blob). */
int dmt_encode(const struct dmt_topo *t, enum dmt_format fmt, const struct dmt_encode_opts *o,
	       uint8_t **out, size_t *len, char *why, size_t whylen);

int dmt_encode_viot(const struct dmt_topo *t, uint8_t **out, size_t *len, char *why, size_t whylen);
int dmt_encode_vtopo(const struct dmt_topo *t, const struct dmt_encode_opts *o, uint8_t **out,
		     size_t *len, char *why, size_t whylen);
int dmt_encode_dtb(const struct dmt_topo *t, uint8_t **out, size_t *len, char *why, size_t whylen);

/* The endpoint entries (PCI ranges and MMIO endpoints) of a model in ordinal
 * order, or in the reverse of it. */
struct dmt_entry_ref {
	bool is_range;
	size_t idx;
};

/* A malloc'd array of t->nranges + t->nmmio entries (NULL on failure or when
 * there are none). The order a format's Linux lookup ranks entries by decides
 * `reverse`: see dmt_encode_reverse. */
struct dmt_entry_ref *dmt_entry_order(const struct dmt_topo *t, bool reverse);

/* Whether a format that takes the FIRST match (vtopo, DT maps) must write this
 * model's entries from the end; the VIOT encoder writes from the end exactly
 * when this is false. */
static inline bool dmt_encode_reverse(const struct dmt_topo *t)
{
	return !t->first_match_order;
}

/* Say in why[] what an encoding cannot express; returns -1. */
int dmt_encode_refuse(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Recompute the ACPI checksum byte of a table in place (length from the header). */
void dmt_acpi_fix_checksum(uint8_t *buf, size_t len);

#endif
