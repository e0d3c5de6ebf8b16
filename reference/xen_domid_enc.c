/* Seed 002's domid encodings: layouts, decode, lookup, encode (see the header).
 * The wire formats are dmatopo's experimental drafts, not a standard: they exist
 * so spec authors can compare what each place in the thread can express. */
#include "xen_domid_enc.h"
#include "model.h"

#include <stdlib.h>
#include <string.h>

/* The part of a type 0/1 config header every function has. */
enum { H_VENDOR, H_DEVICE, H_COMMAND, H_STATUS, H_CLASS, H_HEADER_TYPE, H_CAP_PTR };
static const struct dmt_field pci_header_fields[] = {
	{ "Vendor ID", 0x00, 2, DMT_F_UINT },
	{ "Device ID", 0x02, 2, DMT_F_UINT },
	{ "Command", 0x04, 2, DMT_F_UINT },
	{ "Status", 0x06, 2, DMT_F_UINT },
	{ "Class Code", 0x09, 3, DMT_F_UINT },
	{ "Header Type", 0x0e, 1, DMT_F_UINT },
	{ "Capabilities Pointer", 0x34, 1, DMT_F_UINT },
};
const struct dmt_layout dmt_xd_pci_header_layout =
	DMT_LAYOUT("PCI Configuration Header", 64, pci_header_fields);

/* host-bridge and dummy-dev: a PCI vendor-specific capability holding a backend
 * map shaped like iommu-map, so one structure gives a domid per RID range. */
enum { M_ID, M_NEXT, M_LENGTH, M_VERSION, M_XEN_VENDOR, M_MASK, M_COUNT, M_RESERVED };
static const struct dmt_field map_cap_fields[] = {
	{ "Capability ID", 0, 1, DMT_F_UINT },
	{ "Next Pointer", 1, 1, DMT_F_UINT },
	{ "Length", 2, 1, DMT_F_UINT },
	{ "Version", 3, 1, DMT_F_UINT },
	{ "Xen Vendor ID", 4, 2, DMT_F_UINT },
	{ "RID Mask", 6, 2, DMT_F_UINT },
	{ "Entry Count", 8, 1, DMT_F_UINT },
	{ "Reserved", 9, 3, DMT_F_RESERVED },
};
const struct dmt_layout dmt_xd_map_cap_layout =
	DMT_LAYOUT("Xen Backend Map Capability", 12, map_cap_fields);

enum { E_RID_BASE, E_LENGTH, E_DOMID_BASE, E_RESERVED };
static const struct dmt_field map_entry_fields[] = {
	{ "RID Base", 0, 2, DMT_F_BDF },
	{ "Length", 2, 2, DMT_F_UINT },
	{ "Domid Base", 4, 2, DMT_F_UINT },
	{ "Reserved", 6, 2, DMT_F_RESERVED },
};
const struct dmt_layout dmt_xd_map_entry_layout =
	DMT_LAYOUT("Xen Backend Map Entry", 8, map_entry_fields);

/* device-cap: struct virtio_pci_vndr_data (cfg_type 9) with the domid as data. */
enum { V_CAP_VNDR, V_CAP_NEXT, V_CAP_LEN, V_CFG_TYPE, V_VENDOR, V_DOMID };
static const struct dmt_field vndr_cap_fields[] = {
	{ "Cap Vndr", 0, 1, DMT_F_UINT },
	{ "Cap Next", 1, 1, DMT_F_UINT },
	{ "Cap Len", 2, 1, DMT_F_UINT },
	{ "Cfg Type", 3, 1, DMT_F_UINT },
	{ "Vendor ID", 4, 2, DMT_F_UINT },
	{ "Backend Domid", 6, 2, DMT_F_UINT },
};
const struct dmt_layout dmt_xd_vndr_cap_layout =
	DMT_LAYOUT("Virtio Vendor Data Capability (Xen)", 8, vndr_cap_fields);

/* viommu-config: struct virtio_iommu_config (virtio 1.2 5.13.4) plus one field. */
enum { C_PAGE_SIZE_MASK, C_INPUT_START, C_INPUT_END, C_DOMAIN_START, C_DOMAIN_END,
       C_PROBE_SIZE, C_BYPASS, C_RESERVED, C_DOMID, C_RESERVED2 };
static const struct dmt_field viommu_cfg_fields[] = {
	{ "Page Size Mask", 0, 8, DMT_F_UINT },
	{ "Input Range Start", 8, 8, DMT_F_UINT },
	{ "Input Range End", 16, 8, DMT_F_UINT },
	{ "Domain Range Start", 24, 4, DMT_F_UINT },
	{ "Domain Range End", 28, 4, DMT_F_UINT },
	{ "Probe Size", 32, 4, DMT_F_UINT },
	{ "Bypass", 36, 1, DMT_F_UINT },
	{ "Reserved", 37, 3, DMT_F_RESERVED },
	{ "Backend Domid", 40, 2, DMT_F_UINT },
	{ "Reserved", 42, 2, DMT_F_RESERVED },
};
const struct dmt_layout dmt_xd_viommu_cfg_layout =
	DMT_LAYOUT("virtio-iommu config (Xen backend domid)", 44, viommu_cfg_fields);

static const char *const kind_names[DMT_XD_COUNT] = {
	"host-bridge", "device-cap", "dummy-dev", "viommu-config",
};

int dmt_xd_kind_parse(const char *name, enum dmt_xd_kind *out)
{
	for (int k = 0; k < DMT_XD_COUNT; k++) {
		if (strcmp(name, kind_names[k]) == 0) {
			*out = (enum dmt_xd_kind)k;
			return 0;
		}
	}
	return -1;
}

const char *dmt_xd_kind_name(enum dmt_xd_kind k)
{
	return (unsigned)k < DMT_XD_COUNT ? kind_names[k] : "?";
}

static uint64_t get(const struct dmt_layout *l, size_t idx, const uint8_t *b, size_t len,
		    uint64_t base)
{
	uint64_t v = 0;

	dmt_field_get(l, idx, b, len, base, &v);
	return v;
}

/* ---- decode ---------------------------------------------------------------- */

static int bad(struct dmt_findings *f, enum dmt_label l, uint64_t off, const char *msg)
{
	dmt_report(f, l, off, "%s", msg);
	return -1;
}

static int not_found(struct dmt_findings *f, const char *msg)
{
	dmt_report(f, DMT_L_XenDomidNotFound, DMT_NO_OFFSET, "%s", msg);
	return 0;
}

/* The map capability at off: its entries into out, bounded by its Length byte
 * and by the config space. */
static int decode_map(const uint8_t *cfg, size_t len, size_t off, struct dmt_xd_enc *out,
		      struct dmt_findings *f)
{
	const struct dmt_layout *l = &dmt_xd_map_cap_layout;
	size_t caplen = get(l, M_LENGTH, cfg, len, off), n = get(l, M_COUNT, cfg, len, off);
	size_t need = l->size + n * dmt_xd_map_entry_layout.size;

	if (off + l->size > len || caplen < need || off + need > len || n > DMT_XD_MAX_ENTRIES)
		return bad(f, DMT_L_XenDomidCapTruncated, off,
			   "backend map capability: its entries run past its Length or past config space");
	out->mask = (uint16_t)get(l, M_MASK, cfg, len, off);
	for (size_t i = 0; i < n; i++) {
		uint64_t b = off + l->size + i * dmt_xd_map_entry_layout.size;

		out->e[i].rid_base = (uint16_t)get(&dmt_xd_map_entry_layout, E_RID_BASE, cfg, len, b);
		out->e[i].length = (uint16_t)get(&dmt_xd_map_entry_layout, E_LENGTH, cfg, len, b);
		out->e[i].domid_base = (uint16_t)get(&dmt_xd_map_entry_layout, E_DOMID_BASE, cfg, len, b);
	}
	out->n = n;
	out->found = true;
	out->cap_off = (uint16_t)off;
	return 0;
}

static int decode_vndr(const uint8_t *cfg, size_t len, size_t off, struct dmt_xd_enc *out,
		       struct dmt_findings *f)
{
	const struct dmt_layout *l = &dmt_xd_vndr_cap_layout;

	if (off + l->size > len || get(l, V_CAP_LEN, cfg, len, off) < l->size)
		return bad(f, DMT_L_XenDomidCapTruncated, off,
			   "vendor data capability: Cap Len or config space ends before Backend Domid");
	out->domid = (uint16_t)get(l, V_DOMID, cfg, len, off);
	out->cap_off = (uint16_t)off;
	out->found = true;
	dmt_report(f, DMT_L_XenDomidVendorDataDebug, off,
		   "the domid is read from a virtio vendor data capability, which the spec reserves for debugging and reporting");
	dmt_report(f, DMT_L_XenDomidBackendControlled, off + 6,
		   "the device's config space is emulated by the backend whose domid it gives");
	return 0;
}

/* Is the capability at off the one kind k looks for? */
static bool is_ours(enum dmt_xd_kind k, const uint8_t *cfg, size_t len, size_t off)
{
	if (get(&dmt_xd_map_cap_layout, M_ID, cfg, len, off) != DMT_XD_CAP_ID)
		return false;
	if (k == DMT_XD_DEVICE_CAP)
		return get(&dmt_xd_vndr_cap_layout, V_CFG_TYPE, cfg, len, off) == DMT_XD_VIRTIO_VENDOR_CFG &&
		       get(&dmt_xd_vndr_cap_layout, V_VENDOR, cfg, len, off) == DMT_XD_XEN_VENDOR;
	return get(&dmt_xd_map_cap_layout, M_VERSION, cfg, len, off) == DMT_XD_MAP_VERSION &&
	       get(&dmt_xd_map_cap_layout, M_XEN_VENDOR, cfg, len, off) == DMT_XD_XEN_VENDOR;
}

/* Walk the capability list (PCI 3.0 6.7): pointers are dword aligned, never into
 * the header, and a list longer than the space can hold loops. */
static int walk_caps(enum dmt_xd_kind k, const uint8_t *cfg, size_t len, struct dmt_xd_enc *out,
		     struct dmt_findings *f)
{
	const struct dmt_layout *h = &dmt_xd_pci_header_layout;
	size_t off = get(h, H_CAP_PTR, cfg, len, 0) & 0xfc;

	if (!(get(h, H_STATUS, cfg, len, 0) & 0x10) || off == 0)
		return not_found(f, "no capability list");
	for (unsigned steps = 0; off; steps++) {
		if (off < 0x40 || steps >= 48)
			return bad(f, DMT_L_XenDomidCapLoop, off, "capability pointer into the header, or a loop");
		if (off + 2 > len)
			return bad(f, DMT_L_XenDomidCapTruncated, off, "capability past the end of config space");
		if (is_ours(k, cfg, len, off))
			return k == DMT_XD_DEVICE_CAP ? decode_vndr(cfg, len, off, out, f)
						      : decode_map(cfg, len, off, out, f);
		off = cfg[off + 1] & 0xfc;
	}
	return not_found(f, "no Xen capability in the list");
}

static int decode_viommu(const uint8_t *cfg, size_t len, struct dmt_xd_enc *out,
			 struct dmt_findings *f)
{
	const struct dmt_layout *l = &dmt_xd_viommu_cfg_layout;

	if (len < viommu_cfg_fields[C_DOMID].offset)
		return bad(f, DMT_L_XenDomidBadConfig, 0, "shorter than struct virtio_iommu_config");
	if (len < l->size)
		return not_found(f, "virtio-iommu config without the backend_domid field");
	out->domid = (uint16_t)get(l, C_DOMID, cfg, len, 0);
	out->found = true;
	return 0;
}

int dmt_xd_decode(enum dmt_xd_kind k, const uint8_t *cfg, size_t len, struct dmt_xd_enc *out,
		  struct dmt_findings *f)
{
	const struct dmt_layout *h = &dmt_xd_pci_header_layout;

	if (!out || (!cfg && len) || (unsigned)k >= DMT_XD_COUNT)
		return -1;
	memset(out, 0, sizeof(*out));
	out->kind = k;
	out->mask = 0xffff;
	if (k == DMT_XD_VIOMMU_CFG)
		return decode_viommu(cfg, len, out, f);
	if (len < h->size || get(h, H_VENDOR, cfg, len, 0) == 0xffff)
		return bad(f, DMT_L_XenDomidBadConfig, 0, "not a function's config space");
	if (k == DMT_XD_DUMMY_DEV && (get(h, H_VENDOR, cfg, len, 0) != DMT_XD_XEN_VENDOR ||
				      get(h, H_DEVICE, cfg, len, 0) != DMT_XD_DUMMY_DEVICE))
		return not_found(f, "not the Xen backend dummy device (5853:d0d1)");
	return walk_caps(k, cfg, len, out, f);
}

/* ---- lookup ---------------------------------------------------------------- */

/* The entry covering rid after the mask, first match first, as of_map_id does. */
static const struct dmt_xd_entry *match(const struct dmt_xd_enc *e, uint16_t rid)
{
	uint32_t m = rid & e->mask;

	for (size_t i = 0; i < e->n; i++)
		if (m >= e->e[i].rid_base && m < (uint32_t)e->e[i].rid_base + e->e[i].length)
			return &e->e[i];
	return NULL;
}

bool dmt_xd_lookup(const struct dmt_xd_enc *e, uint16_t rid, uint16_t *domid, enum dmt_label *reason)
{
	const struct dmt_xd_entry *x;

	*reason = DMT_L_XenDomidNotFound;
	if (!e->found)
		return false;
	*reason = DMT_L_XenDomidNoEntry;
	if (e->kind == DMT_XD_DEVICE_CAP) {
		*domid = e->domid;
		return true;
	}
	x = match(e, rid);
	/* viommu-config: entries (when known) only say which RIDs the IOMMU covers. */
	if (e->kind == DMT_XD_VIOMMU_CFG) {
		if (e->n && !x)
			return false;
		*domid = e->domid;
		return true;
	}
	if (!x)
		return false;
	/* The RID offset is added, as iommu-map adds it to the xen,grant-dma cell. */
	*domid = (uint16_t)(x->domid_base + ((rid & e->mask) - x->rid_base));
	return true;
}

/* ---- encode ---------------------------------------------------------------- */

static void put_header(uint8_t *cfg, uint16_t vendor, uint16_t device, uint32_t class, bool caps)
{
	const struct dmt_layout *h = &dmt_xd_pci_header_layout;

	dmt_field_put(h, H_VENDOR, cfg, 0, vendor);
	dmt_field_put(h, H_DEVICE, cfg, 0, device);
	dmt_field_put(h, H_CLASS, cfg, 0, class);
	dmt_field_put(h, H_STATUS, cfg, 0, caps ? 0x10 : 0);
	dmt_field_put(h, H_CAP_PTR, cfg, 0, caps ? 0x40 : 0);
}

static void put_map(uint8_t *cfg, const struct dmt_xd_enc *map)
{
	const struct dmt_layout *l = &dmt_xd_map_cap_layout, *el = &dmt_xd_map_entry_layout;
	size_t n = map->n < DMT_XD_MAX_ENTRIES ? map->n : DMT_XD_MAX_ENTRIES;

	dmt_field_put(l, M_ID, cfg, 0x40, DMT_XD_CAP_ID);
	dmt_field_put(l, M_LENGTH, cfg, 0x40, l->size + n * el->size);
	dmt_field_put(l, M_VERSION, cfg, 0x40, DMT_XD_MAP_VERSION);
	dmt_field_put(l, M_XEN_VENDOR, cfg, 0x40, DMT_XD_XEN_VENDOR);
	dmt_field_put(l, M_MASK, cfg, 0x40, map->mask);
	dmt_field_put(l, M_COUNT, cfg, 0x40, n);
	for (size_t i = 0; i < n; i++) {
		uint64_t b = 0x40 + l->size + i * el->size;

		dmt_field_put(el, E_RID_BASE, cfg, b, map->e[i].rid_base);
		dmt_field_put(el, E_LENGTH, cfg, b, map->e[i].length);
		dmt_field_put(el, E_DOMID_BASE, cfg, b, map->e[i].domid_base);
	}
}

static void put_vndr(uint8_t *cfg, uint16_t domid)
{
	const struct dmt_layout *l = &dmt_xd_vndr_cap_layout;

	dmt_field_put(l, V_CAP_VNDR, cfg, 0x40, DMT_XD_CAP_ID);
	dmt_field_put(l, V_CAP_LEN, cfg, 0x40, l->size);
	dmt_field_put(l, V_CFG_TYPE, cfg, 0x40, DMT_XD_VIRTIO_VENDOR_CFG);
	dmt_field_put(l, V_VENDOR, cfg, 0x40, DMT_XD_XEN_VENDOR);
	dmt_field_put(l, V_DOMID, cfg, 0x40, domid);
}

/* One value for the whole IOMMU: say so when the map gave RIDs different domids
 * (several entries, or one entry whose RID offset changes the domid). */
static void put_viommu(uint8_t *cfg, const struct dmt_xd_enc *map, struct dmt_findings *f)
{
	const struct dmt_layout *l = &dmt_xd_viommu_cfg_layout;
	bool several = false;

	for (size_t i = 0; i < map->n; i++)
		several |= map->e[i].length > 1 || map->e[i].domid_base != map->e[0].domid_base;
	if (several)
		dmt_report(f, DMT_L_XenDomidOneForAll, 40,
			   "the map gives different domids per RID; the field holds domid %u for all",
			   map->n ? map->e[0].domid_base : 0);
	dmt_field_put(l, C_PAGE_SIZE_MASK, cfg, 0, 0xfffffffffffff000ull);
	dmt_field_put(l, C_INPUT_END, cfg, 0, UINT64_MAX);
	dmt_field_put(l, C_DOMAIN_END, cfg, 0, UINT32_MAX);
	dmt_field_put(l, C_PROBE_SIZE, cfg, 0, 0x200);
	dmt_field_put(l, C_DOMID, cfg, 0, map->n ? map->e[0].domid_base : 0);
}

int dmt_xd_encode(enum dmt_xd_kind k, const struct dmt_xd_enc *map, uint16_t rid, uint8_t **out,
		  size_t *len, struct dmt_findings *f)
{
	size_t n = k == DMT_XD_VIOMMU_CFG ? dmt_xd_viommu_cfg_layout.size : 256;
	uint8_t *cfg = calloc(1, n);
	uint16_t domid = 0;
	enum dmt_label why;

	if (!cfg)
		return -1;
	switch (k) {
	case DMT_XD_HOST_BRIDGE:	/* QEMU q35's host bridge IDs */
		put_header(cfg, 0x8086, 0x29c0, 0x060000, true);
		put_map(cfg, map);
		break;
	case DMT_XD_DUMMY_DEV:		/* "other system peripheral" */
		put_header(cfg, DMT_XD_XEN_VENDOR, DMT_XD_DUMMY_DEVICE, 0x088000, true);
		put_map(cfg, map);
		break;
	case DMT_XD_DEVICE_CAP:		/* a modern virtio-net function */
		put_header(cfg, 0x1af4, 0x1041, 0x020000, dmt_xd_lookup(map, rid, &domid, &why));
		if (cfg[0x34])
			put_vndr(cfg, domid);
		break;
	default:
		put_viommu(cfg, map, f);
		break;
	}
	*out = cfg;
	*len = n;
	return 0;
}

void dmt_xd_map_from_dt(const struct dmt_topo *t, const struct dmt_dt_bridge *b, struct dmt_xd_enc *map)
{
	memset(map, 0, sizeof(*map));
	map->kind = DMT_XD_HOST_BRIDGE;
	map->found = true;
	map->mask = b->iommu_map.has_mask ? (uint16_t)b->iommu_map.mask : 0xffff;
	for (size_t i = 0; i < b->iommu_map.n && map->n < DMT_XD_MAX_ENTRIES; i++) {
		const struct dmt_map_entry *m = &b->iommu_map.e[i];

		if (m->target < 0 || (size_t)m->target >= t->niommus || !t->iommus[m->target].xen_grant)
			continue;
		map->e[map->n].rid_base = (uint16_t)m->id_base;
		map->e[map->n].length = (uint16_t)(m->length > 0xffff ? 0xffff : m->length);
		map->e[map->n++].domid_base = (uint16_t)m->out_base;
	}
}
