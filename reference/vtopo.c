/* Decoder and lint for the virtio-iommu built-in topology (vtopo.h says where
 * each layout was pinned from). The blob is the device-specific config space,
 * starting at struct virtio_iommu_config; the blob length stands for what the
 * driver may read (v3 Linux bounds its reads by the BAR, v2 Linux reads blindly).
 *
 * Profiles:
 *  linux - what the proposal's own parser (viommu_parse_topology) keeps.
 *  spec  - a strict reading of the proposed text: whole, aligned items outside the
 *          fixed config fields, of a known type, laid out without wrapping. */
#include "vtopo.h"

#include "bytes.h"
#include "dmatopo.h"

#include <stdio.h>
#include <string.h>

/* ---- layouts --------------------------------------------------------------- */

#define VIRTIO_IOMMU_CONFIG_HEAD \
	{ "Page Size Mask", 0, 8, DMT_F_UINT }, \
	{ "Input Range Start", 8, 8, DMT_F_UINT }, \
	{ "Input Range End", 16, 8, DMT_F_UINT }, \
	{ "Domain Range Start", 24, 4, DMT_F_UINT }, \
	{ "Domain Range End", 28, 4, DMT_F_UINT }, \
	{ "Probe Size", 32, 4, DMT_F_UINT }

static const struct dmt_field vtopo2_config_fields[] = {
	VIRTIO_IOMMU_CONFIG_HEAD,
	[DMT_VTOPO2_CFG_TOPO_OFFSET] = { "Topology Offset", 36, 4, DMT_F_UINT },
	[DMT_VTOPO2_CFG_NUM_ITEMS] = { "Topology Num Items", 40, 4, DMT_F_UINT },
	[DMT_VTOPO2_CFG_ITEM_LENGTH] = { "Topology Item Length", 44, 4, DMT_F_UINT },
};

static const struct dmt_field vtopo2_pci_range_fields[] = {
	[DMT_VTOPO2_PCI_TYPE] = { "Type", 0, 2, DMT_F_UINT },
	[DMT_VTOPO2_PCI_HIERARCHY] = { "Hierarchy", 2, 2, DMT_F_UINT },
	[DMT_VTOPO2_PCI_REQUESTER_START] = { "Requester Start", 4, 2, DMT_F_BDF },
	[DMT_VTOPO2_PCI_REQUESTER_END] = { "Requester End", 6, 2, DMT_F_BDF },
	[DMT_VTOPO2_PCI_ENDPOINT_START] = { "Endpoint Start", 8, 4, DMT_F_UINT },
};

static const struct dmt_field vtopo2_endpoint_fields[] = {
	[DMT_VTOPO2_EP_TYPE] = { "Type", 0, 2, DMT_F_UINT },
	[DMT_VTOPO2_EP_RESERVED] = { "Reserved", 2, 2, DMT_F_RESERVED },
	[DMT_VTOPO2_EP_ENDPOINT] = { "Endpoint", 4, 4, DMT_F_UINT },
	[DMT_VTOPO2_EP_ADDRESS] = { "Address", 8, 8, DMT_F_UINT },
};

static const struct dmt_field vtopo2_item_fields[] = {
	[DMT_VTOPO2_ITEM_TYPE] = { "Type", 0, 2, DMT_F_UINT },
};

static const struct dmt_field vtopo3_config_fields[] = {
	VIRTIO_IOMMU_CONFIG_HEAD,
	[DMT_VTOPO3_CFG_COUNT] = { "Topology Count", 36, 2, DMT_F_UINT },
	[DMT_VTOPO3_CFG_OFFSET] = { "Topology Offset", 38, 2, DMT_F_UINT },
};

static const struct dmt_field vtopo3_header_fields[] = {
	[DMT_VTOPO3_HDR_TYPE] = { "Type", 0, 1, DMT_F_UINT },
	[DMT_VTOPO3_HDR_RESERVED] = { "Reserved", 1, 1, DMT_F_RESERVED },
	[DMT_VTOPO3_HDR_LENGTH] = { "Length", 2, 2, DMT_F_UINT },
};

static const struct dmt_field vtopo3_pci_range_fields[] = {
	[DMT_VTOPO3_PCI_TYPE] = { "Type", 0, 1, DMT_F_UINT },
	[DMT_VTOPO3_PCI_RESERVED] = { "Reserved", 1, 1, DMT_F_RESERVED },
	[DMT_VTOPO3_PCI_LENGTH] = { "Length", 2, 2, DMT_F_UINT },
	[DMT_VTOPO3_PCI_ENDPOINT_START] = { "Endpoint Start", 4, 4, DMT_F_UINT },
	[DMT_VTOPO3_PCI_SEGMENT] = { "PCI Segment", 8, 2, DMT_F_UINT },
	[DMT_VTOPO3_PCI_BDF_START] = { "BDF Start", 10, 2, DMT_F_BDF },
	[DMT_VTOPO3_PCI_BDF_END] = { "BDF End", 12, 2, DMT_F_BDF },
	[DMT_VTOPO3_PCI_PADDING] = { "Padding", 14, 2, DMT_F_RESERVED },
};

static const struct dmt_field vtopo3_mmio_fields[] = {
	[DMT_VTOPO3_MMIO_TYPE] = { "Type", 0, 1, DMT_F_UINT },
	[DMT_VTOPO3_MMIO_RESERVED] = { "Reserved", 1, 1, DMT_F_RESERVED },
	[DMT_VTOPO3_MMIO_LENGTH] = { "Length", 2, 2, DMT_F_UINT },
	[DMT_VTOPO3_MMIO_ENDPOINT] = { "Endpoint", 4, 4, DMT_F_UINT },
	[DMT_VTOPO3_MMIO_ADDRESS] = { "Address", 8, 8, DMT_F_UINT },
};

const struct dmt_layout dmt_vtopo2_config_layout =
	DMT_LAYOUT("virtio-iommu Config (vtopo v2)", DMT_VTOPO2_CONFIG_SIZE, vtopo2_config_fields);
const struct dmt_layout dmt_vtopo2_pci_range_layout =
	DMT_LAYOUT("vtopo v2 PCI Range Item", DMT_VTOPO2_PCI_RANGE_SIZE, vtopo2_pci_range_fields);
const struct dmt_layout dmt_vtopo2_endpoint_layout =
	DMT_LAYOUT("vtopo v2 Endpoint Item", DMT_VTOPO2_ENDPOINT_SIZE, vtopo2_endpoint_fields);
const struct dmt_layout dmt_vtopo2_item_layout =
	DMT_LAYOUT("vtopo v2 Item (unknown type)", 2, vtopo2_item_fields);
const struct dmt_layout dmt_vtopo3_config_layout =
	DMT_LAYOUT("virtio-iommu Config (vtopo v3)", DMT_VTOPO3_CONFIG_SIZE, vtopo3_config_fields);
const struct dmt_layout dmt_vtopo3_header_layout =
	DMT_LAYOUT("vtopo v3 Item Header (unknown type)", DMT_VTOPO3_HEADER_SIZE, vtopo3_header_fields);
const struct dmt_layout dmt_vtopo3_pci_range_layout =
	DMT_LAYOUT("vtopo v3 PCI Range", DMT_VTOPO3_PCI_RANGE_SIZE, vtopo3_pci_range_fields);
const struct dmt_layout dmt_vtopo3_mmio_layout =
	DMT_LAYOUT("vtopo v3 MMIO Endpoint", DMT_VTOPO3_MMIO_SIZE, vtopo3_mmio_fields);

const struct dmt_layout *dmt_vtopo_config_layout(unsigned version)
{
	if (version == 2)
		return &dmt_vtopo2_config_layout;
	if (version == 3)
		return &dmt_vtopo3_config_layout;
	return NULL;
}

const struct dmt_layout *dmt_vtopo_item_layout(unsigned version, unsigned type)
{
	if (version == 2 && type == DMT_VTOPO2_TYPE_PCI_RANGE)
		return &dmt_vtopo2_pci_range_layout;
	if (version == 2 && type == DMT_VTOPO2_TYPE_ENDPOINT)
		return &dmt_vtopo2_endpoint_layout;
	if (version == 3 && type == DMT_VTOPO3_TYPE_PCI_RANGE)
		return &dmt_vtopo3_pci_range_layout;
	if (version == 3 && type == DMT_VTOPO3_TYPE_MMIO)
		return &dmt_vtopo3_mmio_layout;
	return NULL;
}

/* ---- shared helpers --------------------------------------------------------- */

struct vtopo_ctx {
	const uint8_t *buf;
	size_t len;
	struct dmt_topo *t;
	struct dmt_findings *f;
	size_t first_range, first_mmio;	/* this decode's items start here */
	bool stopped;			/* the model is full: stop walking */
};

static uint64_t field(const struct dmt_layout *l, size_t idx, const uint8_t *buf,
		      size_t len, uint64_t base)
{
	uint64_t v = 0;

	if (!dmt_field_get(l, idx, buf, len, base, &v))
		return 0;
	return v;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static void report_push_failure(struct vtopo_ctx *c, size_t n, uint64_t off)
{
	if (n >= DMT_MAX_ITEMS)
		dmt_report(c->f, DMT_L_ModelLimit, off,
			   "more than %u vtopo items; the rest were not decoded", DMT_MAX_ITEMS);
	else
		dmt_report(c->f, DMT_L_OutOfMemory, off, "no memory for vtopo item");
	c->stopped = true;
}

static void push_range(struct vtopo_ctx *c, uint32_t ordinal, uint64_t off, uint16_t seg,
		       uint16_t start, uint16_t end, uint32_t ep, uint8_t active)
{
	struct dmt_pci_range *r = DMT_PUSH(c->t, ranges);

	if (!r) {
		report_push_failure(c, c->t->nranges, off);
		return;
	}
	r->seg_start = r->seg_end = seg;
	r->bdf_start = start;
	r->bdf_end = end;
	r->endpoint_start = ep;
	r->iommu = 0;
	r->ordinal = ordinal;
	r->src_offset = off;
	r->active = active;
}

static void push_mmio(struct vtopo_ctx *c, uint32_t ordinal, uint64_t off, uint64_t base,
		      uint32_t ep, uint8_t active)
{
	struct dmt_mmio_ep *m = DMT_PUSH(c->t, mmio);

	if (!m) {
		report_push_failure(c, c->t->nmmio, off);
		return;
	}
	m->base = base;
	m->endpoint = ep;
	m->iommu = 0;
	m->ordinal = ordinal;
	m->src_offset = off;
	m->active = active;
}

/* The blob cannot say where its own device sits; the caller may. */
static int add_self_iommu(struct vtopo_ctx *c, const struct dmt_decode_opts *o)
{
	struct dmt_iommu *io = DMT_PUSH(c->t, iommus);

	if (!io) {
		dmt_report(c->f, DMT_L_OutOfMemory, DMT_NO_OFFSET, "no memory for the IOMMU");
		return -1;
	}
	io->kind = DMT_IOMMU_VIRTIO_PCI;
	io->bdf_known = o->vtopo_iommu_known;
	io->iommu_cells = -1;
	if (io->bdf_known) {
		io->segment = o->vtopo_iommu_segment;
		io->bdf = o->vtopo_iommu_bdf;
		snprintf(io->name, sizeof(io->name), "virtio-pci@%04x:%02x:%02x.%x",
			 io->segment, io->bdf >> 8, (io->bdf >> 3) & 0x1f, io->bdf & 7);
	} else {
		snprintf(io->name, sizeof(io->name), "vtopo-device");
	}
	return 0;
}

static void clear_profile(struct vtopo_ctx *c, enum dmt_profile p)
{
	for (size_t i = c->first_range; i < c->t->nranges; i++)
		c->t->ranges[i].active &= (uint8_t)~DMT_ACTIVE(p);
	for (size_t i = c->first_mmio; i < c->t->nmmio; i++)
		c->t->mmio[i].active &= (uint8_t)~DMT_ACTIVE(p);
}

static bool config_fits(struct vtopo_ctx *c, const struct dmt_layout *cfg)
{
	dmt_note_struct(c->t, cfg, 0, (uint32_t)(c->len < cfg->size ? c->len : cfg->size));
	if (c->len >= cfg->size)
		return true;
	dmt_report(c->f, DMT_L_VTOPOBlobTooShort, 0,
		   "%zu bytes: %s needs %u", c->len, cfg->name, cfg->size);
	return false;
}

/* ---- v2 ------------------------------------------------------------------- */

struct vtopo2_table {
	uint32_t offset, num_items, item_length;
	uint32_t copy;			/* bytes Linux copies per item */
	bool linux_keeps;		/* the allocation succeeds and copies are accepted */
	bool reported_short[3];		/* per item type, once */
	bool reported_in_config;
};

/* The proposal copies min(item_length, 16) bytes into a zeroed slot: fields past
 * the copy read as zero. */
static void copy_item(const uint8_t *buf, size_t len, uint64_t off, uint32_t n,
		      uint8_t item[DMT_VTOPO2_COPY_MAX])
{
	memset(item, 0, DMT_VTOPO2_COPY_MAX);
	for (uint32_t i = 0; i < n && i < DMT_VTOPO2_COPY_MAX; i++) {
		uint64_t v = 0;

		if (dmt_get_le(buf, len, off + i, 1, &v))
			item[i] = (uint8_t)v;
	}
}

static void v2_check_alloc(struct vtopo_ctx *c, struct vtopo2_table *tb)
{
	uint64_t bytes = DMT_VTOPO2_LINUX_SPEC_HDR + (uint64_t)tb->num_items * DMT_VTOPO2_COPY_MAX;
	uint64_t bytes32 = DMT_VTOPO2_LINUX_SPEC_HDR_32 +
			   (uint64_t)tb->num_items * DMT_VTOPO2_COPY_MAX;

	if (bytes > DMT_VTOPO2_LINUX_KMALLOC_MAX) {
		dmt_report(c->f, DMT_L_VTOPOAllocTooLarge, 40,
			   "num_items %u: Linux asks kzalloc for %llu bytes (max %u) and ignores the table",
			   tb->num_items, (unsigned long long)bytes, DMT_VTOPO2_LINUX_KMALLOC_MAX);
		tb->linux_keeps = false;
	}
	if (bytes32 > UINT32_MAX)
		dmt_report(c->f, DMT_L_VTOPOAllocOverflow32, 40,
			   "num_items %u: 24 + num_items * 16 = 0x%llx wraps to %u bytes on 32-bit",
			   tb->num_items, (unsigned long long)bytes32, (uint32_t)bytes32);
}

static void v2_check_table(struct vtopo_ctx *c, struct vtopo2_table *tb)
{
	uint64_t last = tb->offset + (uint64_t)(tb->num_items - 1) * tb->item_length;

	if (tb->offset < DMT_VTOPO2_CONFIG_SIZE)
		dmt_report(c->f, DMT_L_VTOPOOffsetInConfig, 36,
			   "offset 0x%x lies inside the %u-byte config", tb->offset,
			   DMT_VTOPO2_CONFIG_SIZE);
	if (tb->offset % DMT_VTOPO2_ALIGN)
		dmt_report(c->f, DMT_L_VTOPOOffsetUnaligned, 36,
			   "offset 0x%x is not a multiple of %u", tb->offset, DMT_VTOPO2_ALIGN);
	if (tb->item_length % DMT_VTOPO2_ALIGN)
		dmt_report(c->f, DMT_L_VTOPOItemLengthUnaligned, 44,
			   "item_length %u is not a multiple of %u", tb->item_length,
			   DMT_VTOPO2_ALIGN);
	if (tb->copy % DMT_VTOPO2_ALIGN) {
		dmt_report(c->f, DMT_L_VTOPOItemCopyDropped, 44,
			   "item_length %u: Linux refuses to copy %u bytes per item and sees no item",
			   tb->item_length, tb->copy);
		tb->linux_keeps = false;
	}
	if (last > UINT32_MAX)
		dmt_report(c->f, DMT_L_VTOPOTableWrap, 40,
			   "offset 0x%x + (%u - 1) * item_length 0x%x = 0x%llx passes 4 GiB",
			   tb->offset, tb->num_items, tb->item_length, (unsigned long long)last);
	if (tb->num_items > DMT_MAX_ITEMS)
		dmt_report(c->f, DMT_L_ModelLimit, 40,
			   "num_items %u: at most the first %u items are decoded", tb->num_items,
			   DMT_MAX_ITEMS);
	v2_check_alloc(c, tb);
}

static uint32_t v2_type_size(uint64_t type)
{
	if (type == DMT_VTOPO2_TYPE_PCI_RANGE)
		return DMT_VTOPO2_PCI_RANGE_SIZE;
	if (type == DMT_VTOPO2_TYPE_ENDPOINT)
		return DMT_VTOPO2_ENDPOINT_SIZE;
	return 0;
}

/* Whole, aligned, outside the fixed config, not wrapped: what the spec profile
 * accepts, with a finding the first time each reason is met. */
static bool v2_spec_accepts(struct vtopo_ctx *c, struct vtopo2_table *tb, uint32_t i,
			    uint32_t off, uint64_t type, bool wrapped)
{
	uint32_t size = v2_type_size(type);
	bool ok = size != 0 && !wrapped && off % DMT_VTOPO2_ALIGN == 0;

	if (size && tb->item_length < size) {
		if (!tb->reported_short[type]) {
			dmt_report(c->f, DMT_L_VTOPOItemTooShort, off,
				   "item #%u: item_length %u < %u bytes of a type-%u item",
				   i, tb->item_length, size, (unsigned)type);
			tb->reported_short[type] = true;
		}
		ok = false;
	}
	if (off < DMT_VTOPO2_CONFIG_SIZE) {
		if (!tb->reported_in_config && (i > 0 || tb->offset >= DMT_VTOPO2_CONFIG_SIZE))
			dmt_report(c->f, DMT_L_VTOPOOffsetInConfig, off,
				   "item #%u at 0x%x overlaps the %u-byte config", i, off,
				   DMT_VTOPO2_CONFIG_SIZE);
		tb->reported_in_config = true;
		ok = false;
	}
	return ok;
}

static void v2_lint_item(struct vtopo_ctx *c, const uint8_t *item, uint32_t off, uint64_t type)
{
	uint64_t bad = 0;

	if (type == DMT_VTOPO2_TYPE_ENDPOINT &&
	    !dmt_reserved_zero(&dmt_vtopo2_endpoint_layout, item, DMT_VTOPO2_COPY_MAX, 0, &bad))
		dmt_report(c->f, DMT_L_VTOPOReservedNonZero, off + bad,
			   "endpoint item at 0x%x: reserved byte +%llu is not zero", off,
			   (unsigned long long)bad);
	if (type == DMT_VTOPO2_TYPE_PCI_RANGE) {
		const struct dmt_layout *l = &dmt_vtopo2_pci_range_layout;
		uint64_t s = field(l, DMT_VTOPO2_PCI_REQUESTER_START, item, DMT_VTOPO2_COPY_MAX, 0);
		uint64_t e = field(l, DMT_VTOPO2_PCI_REQUESTER_END, item, DMT_VTOPO2_COPY_MAX, 0);

		if (e < s)
			dmt_report(c->f, DMT_L_VTOPORequesterReversed, off + 6,
				   "requester_end 0x%04llx < requester_start 0x%04llx",
				   (unsigned long long)e, (unsigned long long)s);
	}
}

static void v2_note_item(struct vtopo_ctx *c, struct vtopo2_table *tb, uint32_t off,
			 uint64_t type)
{
	const struct dmt_layout *l = dmt_vtopo_item_layout(2, (unsigned)type);
	uint32_t n;

	if (!l)
		l = &dmt_vtopo2_item_layout;
	n = min_u32(l->size, tb->item_length);
	if ((uint64_t)off + n > c->len)
		n = (uint32_t)(c->len - off);
	dmt_note_struct(c->t, l, off, n);
}

static void v2_item(struct vtopo_ctx *c, struct vtopo2_table *tb, uint32_t i, uint32_t off,
		    bool wrapped)
{
	uint8_t item[DMT_VTOPO2_COPY_MAX];
	uint64_t type;
	uint8_t active = 0;

	copy_item(c->buf, c->len, off, tb->copy, item);
	type = field(&dmt_vtopo2_item_layout, DMT_VTOPO2_ITEM_TYPE, item, sizeof(item), 0);
	v2_note_item(c, tb, off, type);
	if (!v2_type_size(type)) {
		dmt_report(c->f, DMT_L_VTOPOItemTypeUnknown, off,
			   "item #%u at 0x%x has type %llu", i, off, (unsigned long long)type);
		return;
	}
	v2_lint_item(c, item, off, type);
	if (tb->linux_keeps)
		active |= DMT_ACTIVE(DMT_PROFILE_LINUX);
	if (v2_spec_accepts(c, tb, i, off, type, wrapped))
		active |= DMT_ACTIVE(DMT_PROFILE_SPEC);
	if (type == DMT_VTOPO2_TYPE_PCI_RANGE) {
		const struct dmt_layout *l = &dmt_vtopo2_pci_range_layout;

		push_range(c, i, off,
			   (uint16_t)field(l, DMT_VTOPO2_PCI_HIERARCHY, item, sizeof(item), 0),
			   (uint16_t)field(l, DMT_VTOPO2_PCI_REQUESTER_START, item, sizeof(item), 0),
			   (uint16_t)field(l, DMT_VTOPO2_PCI_REQUESTER_END, item, sizeof(item), 0),
			   (uint32_t)field(l, DMT_VTOPO2_PCI_ENDPOINT_START, item, sizeof(item), 0),
			   active);
	} else {
		const struct dmt_layout *l = &dmt_vtopo2_endpoint_layout;

		push_mmio(c, i, off, field(l, DMT_VTOPO2_EP_ADDRESS, item, sizeof(item), 0),
			  (uint32_t)field(l, DMT_VTOPO2_EP_ENDPOINT, item, sizeof(item), 0),
			  active);
	}
}

/* The proposal's walk: a u32 offset that starts at topo_config.offset and grows by
 * item_length, wrapping at 4 GiB. Bounded here by the blob and the model. */
static void v2_walk(struct vtopo_ctx *c, struct vtopo2_table *tb)
{
	uint32_t n = tb->num_items < DMT_MAX_ITEMS ? tb->num_items : DMT_MAX_ITEMS;
	uint32_t off = tb->offset;
	bool wrapped = false;

	for (uint32_t i = 0; i < n && !c->stopped; i++) {
		if (i > 0) {
			uint64_t next = (uint64_t)off + tb->item_length;

			wrapped |= next > UINT32_MAX;
			off = (uint32_t)next;
		}
		if (!dmt_in_bounds(c->len, off, tb->copy)) {
			dmt_report(c->f, DMT_L_VTOPOItemsPastEnd, off,
				   "item #%u at 0x%x needs %u bytes, the blob has %zu; %u items not decoded",
				   i, off, tb->copy, c->len, tb->num_items - i);
			return;
		}
		v2_item(c, tb, i, off, wrapped);
	}
}

static int vtopo2_decode(struct vtopo_ctx *c)
{
	const struct dmt_layout *l = &dmt_vtopo2_config_layout;
	struct vtopo2_table tb = { .linux_keeps = true };

	if (!config_fits(c, l))
		return -1;
	tb.offset = (uint32_t)field(l, DMT_VTOPO2_CFG_TOPO_OFFSET, c->buf, c->len, 0);
	tb.num_items = (uint32_t)field(l, DMT_VTOPO2_CFG_NUM_ITEMS, c->buf, c->len, 0);
	tb.item_length = (uint32_t)field(l, DMT_VTOPO2_CFG_ITEM_LENGTH, c->buf, c->len, 0);
	if (!tb.offset || !tb.num_items || !tb.item_length) {
		dmt_report(c->f, DMT_L_VTOPOTopologyAbsent, 36,
			   "offset 0x%x, num_items %u, item_length %u: no topology",
			   tb.offset, tb.num_items, tb.item_length);
		return 0;
	}
	tb.copy = min_u32(tb.item_length, DMT_VTOPO2_COPY_MAX);
	v2_check_table(c, &tb);
	if (tb.offset >= c->len) {
		dmt_report(c->f, DMT_L_VTOPOOffsetPastEnd, 36,
			   "offset 0x%x, the blob has %zu bytes", tb.offset, c->len);
		return 0;
	}
	v2_walk(c, &tb);
	return 0;
}

/* ---- v3 ------------------------------------------------------------------- */

struct vtopo3_table {
	uint16_t count, offset;
	bool linux_discards;		/* -EOVERFLOW or -EINVAL: Linux keeps nothing */
};

static bool v3_spec_accepts(struct vtopo_ctx *c, uint32_t i, uint64_t off)
{
	if (off < DMT_VTOPO3_CONFIG_SIZE)
		return false;	/* reported once for the table start */
	if (off % DMT_VTOPO3_ALIGN) {
		if (i > 0)
			dmt_report(c->f, DMT_L_VTOPOOffsetUnaligned, off,
				   "item #%u at 0x%llx is not 8-byte aligned", i,
				   (unsigned long long)off);
		return false;
	}
	return true;
}

static void v3_lint_item(struct vtopo_ctx *c, const struct dmt_layout *l, uint64_t off,
			 uint64_t length)
{
	uint64_t bad = 0;

	if (!dmt_reserved_zero(l, c->buf, c->len, off, &bad))
		dmt_report(c->f, DMT_L_VTOPOReservedNonZero, bad,
			   "item at 0x%llx: reserved byte at 0x%llx is not zero",
			   (unsigned long long)off, (unsigned long long)bad);
	if (length % DMT_VTOPO3_ALIGN)
		dmt_report(c->f, DMT_L_VTOPOItemLengthUnaligned, off + 2,
			   "item at 0x%llx: length %llu is not a multiple of %u",
			   (unsigned long long)off, (unsigned long long)length, DMT_VTOPO3_ALIGN);
}

static void v3_known_item(struct vtopo_ctx *c, uint32_t i, uint64_t off, uint64_t type)
{
	const struct dmt_layout *l = dmt_vtopo_item_layout(3, (unsigned)type);
	uint8_t active = DMT_ACTIVE(DMT_PROFILE_LINUX);

	if (v3_spec_accepts(c, i, off))
		active |= DMT_ACTIVE(DMT_PROFILE_SPEC);
	if (type == DMT_VTOPO3_TYPE_PCI_RANGE) {
		uint64_t s = field(l, DMT_VTOPO3_PCI_BDF_START, c->buf, c->len, off);
		uint64_t e = field(l, DMT_VTOPO3_PCI_BDF_END, c->buf, c->len, off);

		if (e < s)
			dmt_report(c->f, DMT_L_VTOPORequesterReversed, off + 12,
				   "bdf_end 0x%04llx < bdf_start 0x%04llx",
				   (unsigned long long)e, (unsigned long long)s);
		push_range(c, i, off, (uint16_t)field(l, DMT_VTOPO3_PCI_SEGMENT, c->buf, c->len, off),
			   (uint16_t)s, (uint16_t)e,
			   (uint32_t)field(l, DMT_VTOPO3_PCI_ENDPOINT_START, c->buf, c->len, off),
			   active);
	} else {
		push_mmio(c, i, off, field(l, DMT_VTOPO3_MMIO_ADDRESS, c->buf, c->len, off),
			  (uint32_t)field(l, DMT_VTOPO3_MMIO_ENDPOINT, c->buf, c->len, off),
			  active);
	}
}

/* v3 Linux checks the header, then the whole item, against the config length and
 * fails the parse (-EOVERFLOW) when either passes it. */
static bool v3_item_in_bounds(struct vtopo_ctx *c, struct vtopo3_table *tb, uint32_t i,
			      uint64_t off)
{
	uint64_t length = field(&dmt_vtopo3_header_layout, DMT_VTOPO3_HDR_LENGTH, c->buf,
				c->len, off);

	if (dmt_in_bounds(c->len, off, DMT_VTOPO3_HEADER_SIZE) &&
	    dmt_in_bounds(c->len, off, length))
		return true;
	dmt_report(c->f, DMT_L_VTOPOItemsPastEnd, off,
		   "item #%u at 0x%llx (length %llu) passes the %zu-byte blob; %u items not decoded",
		   i, (unsigned long long)off, (unsigned long long)length, c->len, tb->count - i);
	tb->linux_discards = true;
	return false;
}

/* One item; false when the walk cannot go on. */
static bool v3_item(struct vtopo_ctx *c, struct vtopo3_table *tb, uint32_t i, uint64_t off,
		    uint64_t *length)
{
	const struct dmt_layout *h = &dmt_vtopo3_header_layout;
	const struct dmt_layout *l, *shown;
	uint64_t type;

	if (!v3_item_in_bounds(c, tb, i, off))
		return false;
	type = field(h, DMT_VTOPO3_HDR_TYPE, c->buf, c->len, off);
	*length = field(h, DMT_VTOPO3_HDR_LENGTH, c->buf, c->len, off);
	l = dmt_vtopo_item_layout(3, (unsigned)type);
	shown = l ? l : h;
	dmt_note_struct(c->t, shown, off, (uint32_t)(*length < shown->size ? *length : shown->size));
	v3_lint_item(c, shown, off, *length);
	if (!l) {
		dmt_report(c->f, DMT_L_VTOPOItemTypeUnknown, off, "item #%u at 0x%llx has type %llu",
			   i, (unsigned long long)off, (unsigned long long)type);
	} else if (*length < l->size) {
		/* viommu_parse_node: -EINVAL, and the whole topology goes. */
		dmt_report(c->f, DMT_L_VTOPOItemTooShort, off + 2,
			   "item #%u: length %llu < %u bytes of a type-%llu item", i,
			   (unsigned long long)*length, l->size, (unsigned long long)type);
		tb->linux_discards = true;
	} else {
		v3_known_item(c, i, off, type);
	}
	if (*length >= DMT_VTOPO3_HEADER_SIZE)
		return true;
	if (!l)
		dmt_report(c->f, DMT_L_VTOPOItemTooShort, off + 2,
			   "item #%u: length %llu is shorter than the 4-byte header", i,
			   (unsigned long long)*length);
	/* Linux steps by length: 0 rereads this same item count times. */
	return *length != 0;
}

/* The v3 walk: a size_t offset stepping by each item's own length. count is a
 * u16, so the walk is short whatever the lengths say. */
static void v3_walk(struct vtopo_ctx *c, struct vtopo3_table *tb)
{
	uint64_t off = tb->offset, length = 0;

	for (uint32_t i = 0; i < tb->count && !c->stopped; i++) {
		if (!v3_item(c, tb, i, off, &length))
			return;
		off += length;
	}
}

static int vtopo3_decode(struct vtopo_ctx *c)
{
	const struct dmt_layout *l = &dmt_vtopo3_config_layout;
	struct vtopo3_table tb = { 0 };

	if (!config_fits(c, l))
		return -1;
	tb.count = (uint16_t)field(l, DMT_VTOPO3_CFG_COUNT, c->buf, c->len, 0);
	tb.offset = (uint16_t)field(l, DMT_VTOPO3_CFG_OFFSET, c->buf, c->len, 0);
	if (!tb.count || !tb.offset) {
		dmt_report(c->f, DMT_L_VTOPOTopologyAbsent, 36, "count %u, offset 0x%x: no topology",
			   tb.count, tb.offset);
		return 0;
	}
	if (tb.offset < DMT_VTOPO3_CONFIG_SIZE)
		dmt_report(c->f, DMT_L_VTOPOOffsetInConfig, 38,
			   "offset 0x%x lies inside the %u-byte config", tb.offset,
			   DMT_VTOPO3_CONFIG_SIZE);
	if (tb.offset % DMT_VTOPO3_ALIGN)
		dmt_report(c->f, DMT_L_VTOPOOffsetUnaligned, 38,
			   "offset 0x%x is not a multiple of %u", tb.offset, DMT_VTOPO3_ALIGN);
	if (tb.offset >= c->len) {
		dmt_report(c->f, DMT_L_VTOPOOffsetPastEnd, 38,
			   "offset 0x%x, the blob has %zu bytes", tb.offset, c->len);
		tb.linux_discards = true;
	} else {
		v3_walk(c, &tb);
	}
	if (tb.linux_discards) {
		dmt_report(c->f, DMT_L_VTOPOTableDiscarded, 36,
			   "v3 Linux fails the topology parse and keeps none of its items");
		clear_profile(c, DMT_PROFILE_LINUX);
	}
	return 0;
}

/* ---- version choice and entry point --------------------------------------- */

static bool v2_plausible(const uint8_t *buf, size_t len)
{
	const struct dmt_layout *l = &dmt_vtopo2_config_layout;
	uint64_t off = field(l, DMT_VTOPO2_CFG_TOPO_OFFSET, buf, len, 0);
	uint64_t n = field(l, DMT_VTOPO2_CFG_NUM_ITEMS, buf, len, 0);
	uint64_t il = field(l, DMT_VTOPO2_CFG_ITEM_LENGTH, buf, len, 0);

	if (len < DMT_VTOPO2_CONFIG_SIZE || off < DMT_VTOPO2_CONFIG_SIZE || !n ||
	    il < DMT_VTOPO2_PCI_RANGE_SIZE || il % DMT_VTOPO2_ALIGN || off % DMT_VTOPO2_ALIGN ||
	    off + n * il > len)
		return false;
	for (uint64_t i = 0; i < n; i++)
		if (!v2_type_size(field(&dmt_vtopo2_item_layout, DMT_VTOPO2_ITEM_TYPE, buf, len,
					off + i * il)))
			return false;
	return true;
}

static bool v3_plausible(const uint8_t *buf, size_t len)
{
	const struct dmt_layout *l = &dmt_vtopo3_config_layout;
	const struct dmt_layout *h = &dmt_vtopo3_header_layout;
	uint64_t n = field(l, DMT_VTOPO3_CFG_COUNT, buf, len, 0);
	uint64_t off = field(l, DMT_VTOPO3_CFG_OFFSET, buf, len, 0);

	if (len < DMT_VTOPO3_CONFIG_SIZE || !n || off < DMT_VTOPO3_CONFIG_SIZE ||
	    off % DMT_VTOPO3_ALIGN)
		return false;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t type = field(h, DMT_VTOPO3_HDR_TYPE, buf, len, off);
		uint64_t length = field(h, DMT_VTOPO3_HDR_LENGTH, buf, len, off);

		if (!dmt_in_bounds(len, off, DMT_VTOPO3_HEADER_SIZE) ||
		    !dmt_vtopo_item_layout(3, (unsigned)type) || length < DMT_VTOPO3_PCI_RANGE_SIZE ||
		    !dmt_in_bounds(len, off, length))
			return false;
		off += length;
	}
	return true;
}

static unsigned guess_version(struct vtopo_ctx *c)
{
	bool v2 = v2_plausible(c->buf, c->len), v3 = v3_plausible(c->buf, c->len);
	/* A blob too short for v2's 48-byte config but long enough for v3's 40 can only
	 * be v3, whether or not it carries items. */
	bool v3_only = c->len >= DMT_VTOPO3_CONFIG_SIZE && c->len < DMT_VTOPO2_CONFIG_SIZE;
	unsigned v = (v3 && !v2) || v3_only ? 3 : 2;

	dmt_report(c->f, DMT_L_VTOPOVersionGuessed, 36,
		   "read as v%u (v2 layout %s, v3 layout %s)", v, v2 ? "fits" : "does not fit",
		   v3 ? "fits" : "does not fit");
	return v;
}

int dmt_vtopo_decode(const uint8_t *buf, size_t len, const struct dmt_decode_opts *o,
		     struct dmt_topo *t, struct dmt_findings *f)
{
	static const struct dmt_decode_opts defaults;
	struct vtopo_ctx c = { .buf = buf, .len = len, .t = t, .f = f };
	unsigned version;
	int rc;

	if (!t)
		return -1;
	if (!o)
		o = &defaults;
	if (!buf)
		c.len = 0;
	t->format = DMT_FMT_VTOPO;
	c.first_range = t->nranges;
	c.first_mmio = t->nmmio;
	version = o->vtopo_version ? o->vtopo_version : guess_version(&c);
	if (version != 2 && version != 3) {
		dmt_report(f, DMT_L_VTOPOVersionUnknown, DMT_NO_OFFSET,
			   "vtopo version %u: only 2 and 3 exist", version);
		return -1;
	}
	t->vtopo_version = version;
	if (add_self_iommu(&c, o))
		return -1;
	rc = version == 3 ? vtopo3_decode(&c) : vtopo2_decode(&c);
	dmt_lint_ranges(t, f);
	return rc;
}
