/* The topology model: what any of the three encodings (VIOT, the virtio-iommu
 * built-in topology, device tree) says about which IOMMU translates which device.
 * Decoders record what the bytes say, with the byte offset each fact came from and
 * whether each profile would use it; the resolver applies the profile's rules. */
#ifndef DMT_MODEL_H
#define DMT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"

enum dmt_format { DMT_FMT_UNKNOWN, DMT_FMT_VIOT, DMT_FMT_VTOPO, DMT_FMT_DTB };

enum dmt_profile { DMT_PROFILE_LINUX, DMT_PROFILE_SPEC, DMT_PROFILE_COUNT };

/* Bit per profile: a fact the profile's reader would act on. */
#define DMT_ACTIVE(p) (1u << (p))
#define DMT_ACTIVE_ALL (DMT_ACTIVE(DMT_PROFILE_LINUX) | DMT_ACTIVE(DMT_PROFILE_SPEC))

/* Hard ceilings on what one input can put in the model; each array grows on demand
 * but never past this, whatever a length field claims. */
#define DMT_MAX_ITEMS 65536u
#define DMT_NAME_MAX 128

enum dmt_iommu_kind {
	DMT_IOMMU_VIRTIO_PCI,	/* VIOT type 3, or the vtopo device itself */
	DMT_IOMMU_VIRTIO_MMIO,	/* VIOT type 4 */
	DMT_IOMMU_DT,		/* a device-tree node referenced by phandle */
};

struct dmt_iommu {
	enum dmt_iommu_kind kind;
	uint16_t segment, bdf;		/* VIRTIO_PCI (bdf_known false: vtopo without --iommu) */
	bool bdf_known;
	uint64_t base;			/* VIRTIO_MMIO */
	uint64_t src_offset;		/* VIOT node offset or FDT node offset */
	/* device tree */
	uint32_t phandle;
	int32_t iommu_cells;		/* -1 when #iommu-cells is absent */
	bool virtio_pci_iommu;		/* compatible "virtio,pci-iommu" */
	bool xen_grant;			/* compatible "xen,grant-dma" */
	bool msi_controller;		/* has msi-controller: a valid msi-map target */
	bool disabled;			/* DT status is not "okay": of_iommu_xlate gives NO_IOMMU */
	char name[DMT_NAME_MAX];	/* printable: "virtio-pci@0000:00:02.0", a DT path */
};

/* VIOT type 1, vtopo type 1. vtopo has one segment: seg_start == seg_end. */
struct dmt_pci_range {
	uint16_t seg_start, seg_end, bdf_start, bdf_end;
	uint32_t endpoint_start;
	int32_t iommu;			/* index into iommus, -1 when it resolves to none */
	uint16_t output_node;		/* VIOT: as written */
	uint32_t ordinal;		/* position among the input's nodes/items, from 0 */
	uint64_t src_offset;
	uint8_t active;			/* DMT_ACTIVE bits */
};

/* VIOT type 2, vtopo type 2. */
struct dmt_mmio_ep {
	uint64_t base;
	uint32_t endpoint;
	int32_t iommu;
	uint16_t output_node;
	uint32_t ordinal;
	uint64_t src_offset;
	uint8_t active;
};

/* One <id-base phandle out-base length> entry of iommu-map or msi-map. */
struct dmt_map_entry {
	uint32_t id_base, phandle, out_base, length;
	int32_t target;			/* index into iommus (or msi_ctrls), -1 dangling */
	uint64_t src_offset;		/* offset of the entry in the DTB */
};

struct dmt_idmap {
	bool present;
	uint32_t raw_len;		/* property length in bytes as found */
	bool has_mask;
	uint32_t mask;			/* 0xffffffff when absent */
	struct dmt_map_entry *e;
	size_t n;
	uint64_t src_offset;		/* offset of the property value in the DTB */
};

/* A PCI host bridge node (device_type = "pci"). */
/* What kind of bus a node with iommu-map/msi-map is. Linux reads the maps of all
 * of them with of_map_id; only PCI host bridges get a domain (segment). */
enum dmt_dt_bus {
	DMT_DT_BUS_PCI,			/* device_type = "pci": RID = bus << 8 | devfn */
	DMT_DT_BUS_FSL_MC,		/* "fsl,qoriq-mc": the ID is the ICID (of_dma_configure_id) */
	DMT_DT_BUS_HOST1X,		/* tegra host1x: the ID is the context's stream ID */
	DMT_DT_BUS_OTHER,		/* any other node with a map */
};

struct dmt_dt_bridge {
	char path[DMT_NAME_MAX];
	int node_offset;
	enum dmt_dt_bus bus;
	bool disabled;			/* status not "okay": Linux never probes it */
	bool has_domain;
	uint32_t domain;		/* linux,pci-domain */
	uint32_t bus_start, bus_end;	/* bus-range, 0..0xff when absent */
	struct dmt_idmap iommu_map, msi_map;
	uint32_t msi_parent;		/* phandle, 0 when absent */
	int32_t msi_parent_target;	/* index into iommus, -1 */
	/* dmt_dt_linux_domains' answer, kept by the DT decoder once the bridges are
	 * final (every lookup needs it); a model built otherwise has it unset. */
	int32_t linux_domain;
	bool linux_domain_kept;
};

struct dmt_iommu_spec {
	uint32_t phandle;
	int32_t target;			/* index into iommus, -1 dangling */
	uint32_t ncells;		/* cells that followed the phandle */
	uint32_t cells[4];
	uint64_t src_offset;
};

/* A non-bridge node with `iommus`, `reg` or `msi-parent` (platform device). */
struct dmt_dt_node {
	char path[DMT_NAME_MAX];
	int node_offset;
	bool disabled;			/* status not "okay": Linux never probes the device */
	bool has_reg;
	uint64_t reg_base;		/* first reg address, as a CPU address (ancestors' ranges) */
	bool reg_raw_only;		/* an ancestor without `ranges`: reg_base is bus-local */
	bool pci_fn;			/* a PCI function's node under a host bridge: */
	uint32_t pci_bridge;		/* that bridge (index into bridges) */
	uint16_t pci_rid;		/* and its RID, reg phys.hi bits 23:8 */
	struct dmt_iommu_spec *iommus;
	size_t niommus;
	bool iommus_bad_length;		/* length not a multiple of the specifier size */
	uint32_t msi_parent;
};

struct dmt_struct_ref {
	const struct dmt_layout *layout;
	uint64_t offset;
	uint32_t length;		/* bytes of the structure inside the input */
};

struct dmt_topo {
	enum dmt_format format;
	unsigned vtopo_version;		/* 2 (Feb-2020 v2 layout) or 3 (Aug-2020 draft) */

	struct dmt_iommu *iommus;	size_t niommus, cap_iommus;
	struct dmt_pci_range *ranges;	size_t nranges, cap_ranges;
	struct dmt_mmio_ep *mmio;	size_t nmmio, cap_mmio;
	struct dmt_dt_bridge *bridges;	size_t nbridges, cap_bridges;
	struct dmt_dt_node *nodes;	size_t nnodes, cap_nodes;

	/* Every structure the decoder recognised, in input order, for the printer. */
	struct dmt_struct_ref *structs; size_t nstructs, cap_structs;

	/* linux profile: the VIOT walk stopped at this node ordinal (SIZE_MAX: it didn't). */
	size_t linux_walk_stop;

	/* How ordinals rank overlapping entries under Linux: false when a higher ordinal
	 * wins (VIOT, and the topology language), true when the first match wins (a
	 * decoded vtopo blob). Encoders reverse the order when their format ranks the
	 * other way, so one model means one answer in every encoding. */
	bool first_match_order;
};

void dmt_topo_init(struct dmt_topo *t);
void dmt_topo_free(struct dmt_topo *t);

/* Grow-and-append: returns a zeroed new element, or NULL at DMT_MAX_ITEMS or when
 * memory runs out (the caller reports ModelLimit/OutOfMemory). */
void *dmt_push(void **items, size_t *n, size_t *cap, size_t elsize);
#define DMT_PUSH(t, arr) \
	(dmt_push((void **)&(t)->arr, &(t)->n##arr, &(t)->cap_##arr, sizeof(*(t)->arr)))

/* Record a recognised structure for the printer; silently bounded. */
void dmt_note_struct(struct dmt_topo *t, const struct dmt_layout *l, uint64_t off,
		     uint32_t length);

#endif
