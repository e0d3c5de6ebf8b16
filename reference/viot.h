/* ACPI VIOT (ACPI 6.5 5.2.33; ACPICA actbl3.h): the wire layouts, written down
 * once for the decoder, the `decode` printer and the encoder. Little-endian,
 * packed. Field indices below are the positions in each layout's field array. */
#ifndef DMT_VIOT_H
#define DMT_VIOT_H

#include "layout.h"

#define DMT_VIOT_SIGNATURE "VIOT"
#define DMT_VIOT_ACPI_HEADER_SIZE 36u
#define DMT_VIOT_HEADER_SIZE 48u
#define DMT_VIOT_NODE_HEADER_SIZE 4u
#define DMT_VIOT_PCI_RANGE_SIZE 24u
#define DMT_VIOT_MMIO_EP_SIZE 24u
#define DMT_VIOT_VIRTIO_PCI_SIZE 16u
#define DMT_VIOT_VIRTIO_MMIO_SIZE 16u
/* The revision QEMU writes; rust-vmm writes 1. */
#define DMT_VIOT_REVISION 0u

enum dmt_viot_node_type {
	DMT_VIOT_NODE_RESERVED0 = 0,
	DMT_VIOT_NODE_PCI_RANGE = 1,
	DMT_VIOT_NODE_MMIO = 2,
	DMT_VIOT_NODE_VIRTIO_PCI = 3,
	DMT_VIOT_NODE_VIRTIO_MMIO = 4,
	/* 5..255 are reserved */
};

/* 36-byte ACPI header + VIOT fields, 48 bytes. */
enum dmt_viot_header_field {
	DMT_VIOT_H_SIGNATURE,
	DMT_VIOT_H_LENGTH,
	DMT_VIOT_H_REVISION,
	DMT_VIOT_H_CHECKSUM,
	DMT_VIOT_H_OEM_ID,
	DMT_VIOT_H_OEM_TABLE_ID,
	DMT_VIOT_H_OEM_REVISION,
	DMT_VIOT_H_CREATOR_ID,
	DMT_VIOT_H_CREATOR_REVISION,
	DMT_VIOT_H_NODE_COUNT,
	DMT_VIOT_H_NODE_OFFSET,
	DMT_VIOT_H_RESERVED,
};

/* The 4 bytes every node starts with; also the first fields of each node layout. */
enum dmt_viot_node_header_field {
	DMT_VIOT_N_TYPE,
	DMT_VIOT_N_RESERVED,
	DMT_VIOT_N_LENGTH,
};

enum dmt_viot_pci_range_field {
	DMT_VIOT_PR_TYPE,
	DMT_VIOT_PR_RESERVED0,
	DMT_VIOT_PR_LENGTH,
	DMT_VIOT_PR_ENDPOINT_START,
	DMT_VIOT_PR_SEGMENT_START,
	DMT_VIOT_PR_SEGMENT_END,
	DMT_VIOT_PR_BDF_START,
	DMT_VIOT_PR_BDF_END,
	DMT_VIOT_PR_OUTPUT_NODE,
	DMT_VIOT_PR_RESERVED,
};

enum dmt_viot_mmio_ep_field {
	DMT_VIOT_ME_TYPE,
	DMT_VIOT_ME_RESERVED0,
	DMT_VIOT_ME_LENGTH,
	DMT_VIOT_ME_ENDPOINT,
	DMT_VIOT_ME_BASE_ADDRESS,
	DMT_VIOT_ME_OUTPUT_NODE,
	DMT_VIOT_ME_RESERVED,
};

enum dmt_viot_virtio_pci_field {
	DMT_VIOT_VP_TYPE,
	DMT_VIOT_VP_RESERVED0,
	DMT_VIOT_VP_LENGTH,
	DMT_VIOT_VP_SEGMENT,
	DMT_VIOT_VP_BDF,
	DMT_VIOT_VP_RESERVED,
};

enum dmt_viot_virtio_mmio_field {
	DMT_VIOT_VM_TYPE,
	DMT_VIOT_VM_RESERVED0,
	DMT_VIOT_VM_LENGTH,
	DMT_VIOT_VM_RESERVED,
	DMT_VIOT_VM_BASE_ADDRESS,
};

extern const struct dmt_layout dmt_viot_header_layout;
extern const struct dmt_layout dmt_viot_node_header_layout;
extern const struct dmt_layout dmt_viot_pci_range_layout;
extern const struct dmt_layout dmt_viot_mmio_ep_layout;
extern const struct dmt_layout dmt_viot_virtio_pci_layout;
extern const struct dmt_layout dmt_viot_virtio_mmio_layout;

/* The layout of a node of this type, or NULL for a reserved type. */
const struct dmt_layout *dmt_viot_node_layout(unsigned type);

#endif
