/* Seed 002's four ways of telling a PCI frontend its Xen backend domid without a
 * device tree, as experimental encodings (docs/seed-002-encodings.md):
 *
 *   host-bridge    a Xen backend map capability in the host bridge's config space
 *   device-cap     a virtio vendor data capability (cap_vndr 0x09) on the device
 *   dummy-dev      the same backend map in an extra dummy PCI function
 *   viommu-config  a backend_domid field after struct virtio_iommu_config
 *
 * Each layout is written once below and drives the encoder, the decoder and the
 * lookup. The decoders take raw config-space bytes, so an lspci -xxx reader can
 * hand them a function's 256 (or 4096) bytes. No I/O. */
#ifndef DMT_XEN_DOMID_ENC_H
#define DMT_XEN_DOMID_ENC_H

#include "findings.h"
#include "layout.h"

enum dmt_xd_kind {
	DMT_XD_HOST_BRIDGE,
	DMT_XD_DEVICE_CAP,
	DMT_XD_DUMMY_DEV,
	DMT_XD_VIOMMU_CFG,
	DMT_XD_COUNT,
};

#define DMT_XD_XEN_VENDOR 0x5853u	/* XenSource's PCI vendor ID */
#define DMT_XD_DUMMY_DEVICE 0xd0d1u	/* experimental: no ID is assigned */
#define DMT_XD_CAP_ID 0x09u		/* PCI vendor-specific capability */
#define DMT_XD_VIRTIO_VENDOR_CFG 9u	/* VIRTIO_PCI_CAP_VENDOR_CFG */
#define DMT_XD_MAP_VERSION 1u
#define DMT_XD_MAX_ENTRIES 22u		/* what fits a cap at 0x40 in 256 bytes */

/* One <rid-base domid-base length> entry, as in iommu-map. */
struct dmt_xd_entry {
	uint16_t rid_base, length, domid_base;
};

/* What a decoded encoding says. A map (host-bridge, dummy-dev) is looked up like
 * of_map_id: masked RID, first entry that matches, domid = base + offset. A
 * single value (device-cap, viommu-config) answers for the one device, or for
 * every RID the map entries the IOMMU translates cover. */
struct dmt_xd_enc {
	enum dmt_xd_kind kind;
	bool found;			/* the structure is there and whole */
	uint16_t mask;			/* 0xffff: none */
	size_t n;
	struct dmt_xd_entry e[DMT_XD_MAX_ENTRIES];
	uint16_t domid;			/* device-cap, viommu-config */
	uint16_t cap_off;		/* where the capability was found (0: none) */
};

extern const struct dmt_layout dmt_xd_pci_header_layout;
extern const struct dmt_layout dmt_xd_map_cap_layout;
extern const struct dmt_layout dmt_xd_map_entry_layout;
extern const struct dmt_layout dmt_xd_vndr_cap_layout;
extern const struct dmt_layout dmt_xd_viommu_cfg_layout;

/* "host-bridge" ... to the enum; -1 when unknown. */
int dmt_xd_kind_parse(const char *name, enum dmt_xd_kind *out);
const char *dmt_xd_kind_name(enum dmt_xd_kind k);

/* Decode one function's config space (or a virtio-iommu device config blob).
 * 0 with *out filled (out->found false when there is no Xen structure: a
 * XenDomidNotFound finding says so); -1 on malformed input, with a finding. */
int dmt_xd_decode(enum dmt_xd_kind k, const uint8_t *cfg, size_t len, struct dmt_xd_enc *out,
		  struct dmt_findings *f);

/* The domid for requester ID rid: true with *domid, false with *reason. */
bool dmt_xd_lookup(const struct dmt_xd_enc *e, uint16_t rid, uint16_t *domid, enum dmt_label *reason);

/* Write encoding k of a backend map (the device tree's iommu-map to xen,grant-dma
 * nodes) as config bytes: a 256-byte config space, or for viommu-config the
 * 44-byte device config. device-cap is written for the function rid (its domid
 * is the map's answer for it; none: no capability). What the encoding cannot
 * carry is reported (XenDomidOneForAll). 0, or -1 when memory runs out. */
int dmt_xd_encode(enum dmt_xd_kind k, const struct dmt_xd_enc *map, uint16_t rid, uint8_t **out,
		  size_t *len, struct dmt_findings *f);

/* The backend map a device tree gives through host bridge b's iommu-map: the
 * entries whose target is xen,grant-dma, cells truncated to 16 bits as Linux does. */
struct dmt_topo;
struct dmt_dt_bridge;
void dmt_xd_map_from_dt(const struct dmt_topo *t, const struct dmt_dt_bridge *b, struct dmt_xd_enc *map);

/* Damage a test applies to the encoded bytes before they are decoded again. */
struct dmt_xd_damage {
	uint32_t patch_off;
	size_t patch_n;
	const uint8_t *patch;
	uint32_t truncate;		/* 0: none */
};

struct dmt_xd_answer {
	bool found;
	uint16_t domid;
	enum dmt_label reason;
};

/* The whole round trip for device d: decode the DTB, take the xen,grant-dma map
 * of the host bridge holding d, write it as encoding k, damage it (dmg may be
 * NULL), decode those bytes and look d up. Findings of the encoder and decoder go
 * to f. 0, or -1 when the DTB cannot be decoded or memory runs out. */
/* The bytes encoding k of that map is for device d (what a toolstack would write). */
struct dmt_device;
int dmt_xd_encode_dtb(const uint8_t *dtb, size_t len, enum dmt_xd_kind k, const struct dmt_device *d,
		      uint8_t **out, size_t *outlen, struct dmt_findings *f);
int dmt_xd_answer_dtb(const uint8_t *dtb, size_t len, enum dmt_xd_kind k, const struct dmt_device *d,
		      const struct dmt_xd_damage *dmg, struct dmt_xd_answer *out, struct dmt_findings *f);

#endif
