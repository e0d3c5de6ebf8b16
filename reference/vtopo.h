/* The virtio-iommu built-in topology ("vtopo"): a topology description the
 * device itself carried in its config space, proposed in 2020 and never merged
 * (VIOT replaced it; feature bit 6 went to BYPASS_CONFIG). Two wire encodings:
 *
 * v2, Feb 2020: "[PATCH v2 1/3] iommu/virtio: Add topology description to
 *   virtio-iommu config space", Jean-Philippe Brucker, 2020-02-28, linux-pci
 *   (the seed 003_5716367ca7a49691.txt). topo_config = {u32 offset, u32 num_items,
 *   u32 item_length} after probe_size; an array of num_items items, item_length
 *   bytes apart, each a u16-typed PCI range (12 bytes) or endpoint (16 bytes).
 *
 * v3, Aug 2020: "[PATCH v3 4/6] iommu/virtio: Add topology definitions",
 *   Message-Id <20200821131540.2801801-5-jean-philippe@linaro.org> (iommu,
 *   virtualization, virtio-dev, linux-pci lists, 2020-08-21; archived at
 *   https://www.mail-archive.com/iommu@lists.linux-foundation.org/msg43545.html),
 *   with its parser in "[PATCH v3 5/6] iommu/virtio: Support topology description
 *   in config space" (<20200821131540.2801801-6-jean-philippe@linaro.org>) and the
 *   lookup in "[PATCH v3 2/6] iommu/virtio: Add topology helpers"
 *   (<20200821131540.2801801-3-jean-philippe@linaro.org>). topo_config = {u16 count,
 *   u16 offset} after probe_size, offset "aligned on 8 bytes"; VIOT-like items
 *   {u8 type, u8 reserved, u16 length, ...}, each 16 bytes, walked by length.
 *
 * All fields little-endian. Offsets are from the start of struct
 * virtio_iommu_config, which is where a vtopo blob starts. */
#ifndef DMT_VTOPO_H
#define DMT_VTOPO_H

#include "layout.h"

/* ---- common to both: struct virtio_iommu_config up to probe_size ---------- */
#define DMT_VTOPO_CONFIG_BASE_SIZE 36u

/* ---- v2 (Feb 2020) ------------------------------------------------------- */
#define DMT_VTOPO2_CONFIG_SIZE 48u
#define DMT_VTOPO2_TYPE_PCI_RANGE 1u
#define DMT_VTOPO2_TYPE_ENDPOINT 2u
#define DMT_VTOPO2_PCI_RANGE_SIZE 12u
#define DMT_VTOPO2_ENDPOINT_SIZE 16u
/* sizeof(union viommu_topo_cfg) in the proposal's parser: it copies at most
 * this many bytes of each item. */
#define DMT_VTOPO2_COPY_MAX 16u
/* viommu_ccopy copies 32-bit words only. */
#define DMT_VTOPO2_ALIGN 4u

enum dmt_vtopo2_config_field {
	DMT_VTOPO2_CFG_PAGE_SIZE_MASK,
	DMT_VTOPO2_CFG_INPUT_START,
	DMT_VTOPO2_CFG_INPUT_END,
	DMT_VTOPO2_CFG_DOMAIN_START,
	DMT_VTOPO2_CFG_DOMAIN_END,
	DMT_VTOPO2_CFG_PROBE_SIZE,
	DMT_VTOPO2_CFG_TOPO_OFFSET,
	DMT_VTOPO2_CFG_NUM_ITEMS,
	DMT_VTOPO2_CFG_ITEM_LENGTH,
};

enum dmt_vtopo2_pci_range_field {
	DMT_VTOPO2_PCI_TYPE,
	DMT_VTOPO2_PCI_HIERARCHY,
	DMT_VTOPO2_PCI_REQUESTER_START,
	DMT_VTOPO2_PCI_REQUESTER_END,
	DMT_VTOPO2_PCI_ENDPOINT_START,
};

enum dmt_vtopo2_endpoint_field {
	DMT_VTOPO2_EP_TYPE,
	DMT_VTOPO2_EP_RESERVED,
	DMT_VTOPO2_EP_ENDPOINT,
	DMT_VTOPO2_EP_ADDRESS,
};

/* An item whose type is neither of the above: only its type is known. */
enum dmt_vtopo2_item_field { DMT_VTOPO2_ITEM_TYPE };

extern const struct dmt_layout dmt_vtopo2_config_layout;
extern const struct dmt_layout dmt_vtopo2_pci_range_layout;
extern const struct dmt_layout dmt_vtopo2_endpoint_layout;
extern const struct dmt_layout dmt_vtopo2_item_layout;

/* ---- v3 (Aug 2020 draft) ------------------------------------------------- */
#define DMT_VTOPO3_CONFIG_SIZE 40u
#define DMT_VTOPO3_TYPE_PCI_RANGE 1u
#define DMT_VTOPO3_TYPE_MMIO 2u
#define DMT_VTOPO3_HEADER_SIZE 4u
#define DMT_VTOPO3_PCI_RANGE_SIZE 16u
#define DMT_VTOPO3_MMIO_SIZE 16u
#define DMT_VTOPO3_ALIGN 8u

/* Indices 0..5 are the v2 ones (the shared virtio_iommu_config head). */
enum dmt_vtopo3_config_field {
	DMT_VTOPO3_CFG_PAGE_SIZE_MASK,
	DMT_VTOPO3_CFG_INPUT_START,
	DMT_VTOPO3_CFG_INPUT_END,
	DMT_VTOPO3_CFG_DOMAIN_START,
	DMT_VTOPO3_CFG_DOMAIN_END,
	DMT_VTOPO3_CFG_PROBE_SIZE,
	DMT_VTOPO3_CFG_COUNT,
	DMT_VTOPO3_CFG_OFFSET,
};

enum dmt_vtopo3_header_field {
	DMT_VTOPO3_HDR_TYPE,
	DMT_VTOPO3_HDR_RESERVED,
	DMT_VTOPO3_HDR_LENGTH,
};

enum dmt_vtopo3_pci_range_field {
	DMT_VTOPO3_PCI_TYPE,
	DMT_VTOPO3_PCI_RESERVED,
	DMT_VTOPO3_PCI_LENGTH,
	DMT_VTOPO3_PCI_ENDPOINT_START,
	DMT_VTOPO3_PCI_SEGMENT,
	DMT_VTOPO3_PCI_BDF_START,
	DMT_VTOPO3_PCI_BDF_END,
	DMT_VTOPO3_PCI_PADDING,
};

enum dmt_vtopo3_mmio_field {
	DMT_VTOPO3_MMIO_TYPE,
	DMT_VTOPO3_MMIO_RESERVED,
	DMT_VTOPO3_MMIO_LENGTH,
	DMT_VTOPO3_MMIO_ENDPOINT,
	DMT_VTOPO3_MMIO_ADDRESS,
};

extern const struct dmt_layout dmt_vtopo3_config_layout;
extern const struct dmt_layout dmt_vtopo3_header_layout;
extern const struct dmt_layout dmt_vtopo3_pci_range_layout;
extern const struct dmt_layout dmt_vtopo3_mmio_layout;

/* The config layout of a version (2 or 3), NULL for any other. */
const struct dmt_layout *dmt_vtopo_config_layout(unsigned version);
/* The layout of an item of this type in this version; NULL for an unknown
 * type or version (encoders) — the decoder notes unknown items with the
 * v2 item / v3 header layouts. */
const struct dmt_layout *dmt_vtopo_item_layout(unsigned version, unsigned type);

/* ---- Linux model constants ------------------------------------------------ */
/* v2 viommu_parse_topology allocates sizeof(struct viommu_spec) +
 * num_items * sizeof(union viommu_topo_cfg) with kzalloc. On x86_64 the header
 * is 48 bytes, and kmalloc refuses anything above KMALLOC_MAX_SIZE (4 MiB with
 * 4 KiB pages and MAX_ORDER 11, Linux 5.6): the whole table is then dropped. */
#define DMT_VTOPO2_LINUX_SPEC_HDR 48u
#define DMT_VTOPO2_LINUX_KMALLOC_MAX (4u << 20)
/* On a 32-bit kernel the header is 24 bytes and size_t is 32 bits wide. */
#define DMT_VTOPO2_LINUX_SPEC_HDR_32 24u

#endif
