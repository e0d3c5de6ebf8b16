/* ACPI VIOT decoder and structural lint (ACPI 6.5 5.2.33).
 *
 * One walk serves both profiles. `linux` follows Linux 6.1 acpi_viot_init():
 * Node Count nodes from Node Offset stepping by each node's Length; only the
 * 4-byte node header is bounds-checked (against the header's Length, from
 * max(48, Node Offset)); a header out of bounds, a Length below 4 or a PCI
 * range/MMIO node shorter than 24 ends the walk but keeps earlier nodes;
 * unknown types are skipped; IOMMU nodes are only looked at when an endpoint
 * node names them, wherever they sit; no checksum, revision or reserved check.
 * `spec` is the strict reading: the VIOT signature, a Length that fits the
 * input, a valid checksum and a Node Offset past the header, or no node at all;
 * then the Node Count nodes, each at least as long as its type (a longer node
 * is accepted, as ACPI lets later revisions grow nodes, but reported) with its
 * fields inside the table; a node running past the end is reported and ends
 * the walk; an Output Node must be the offset of a usable IOMMU node of the
 * walk. A Node Count that disagrees with the table is reported, and the nodes
 * that fit are used. Reserved bytes and the revision are reported only.
 * Bytes past the end of the input read as zero and are reported. */
#include "dmatopo.h"
#include "viot.h"
#include "bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct dmt_field viot_header_fields[] = {
	[DMT_VIOT_H_SIGNATURE] = { "Signature", 0, 4, DMT_F_ASCII },
	[DMT_VIOT_H_LENGTH] = { "Table Length", 4, 4, DMT_F_UINT },
	[DMT_VIOT_H_REVISION] = { "Revision", 8, 1, DMT_F_UINT },
	[DMT_VIOT_H_CHECKSUM] = { "Checksum", 9, 1, DMT_F_UINT },
	[DMT_VIOT_H_OEM_ID] = { "OEM ID", 10, 6, DMT_F_ASCII },
	[DMT_VIOT_H_OEM_TABLE_ID] = { "OEM Table ID", 16, 8, DMT_F_ASCII },
	[DMT_VIOT_H_OEM_REVISION] = { "OEM Revision", 24, 4, DMT_F_UINT },
	[DMT_VIOT_H_CREATOR_ID] = { "Creator ID", 28, 4, DMT_F_ASCII },
	[DMT_VIOT_H_CREATOR_REVISION] = { "Creator Revision", 32, 4, DMT_F_UINT },
	[DMT_VIOT_H_NODE_COUNT] = { "Node Count", 36, 2, DMT_F_UINT },
	[DMT_VIOT_H_NODE_OFFSET] = { "Node Offset", 38, 2, DMT_F_UINT },
	[DMT_VIOT_H_RESERVED] = { "Reserved", 40, 8, DMT_F_RESERVED },
};

static const struct dmt_field viot_node_header_fields[] = {
	[DMT_VIOT_N_TYPE] = { "Type", 0, 1, DMT_F_UINT },
	[DMT_VIOT_N_RESERVED] = { "Reserved", 1, 1, DMT_F_RESERVED },
	[DMT_VIOT_N_LENGTH] = { "Length", 2, 2, DMT_F_UINT },
};

static const struct dmt_field viot_pci_range_fields[] = {
	[DMT_VIOT_PR_TYPE] = { "Type", 0, 1, DMT_F_UINT },
	[DMT_VIOT_PR_RESERVED0] = { "Reserved", 1, 1, DMT_F_RESERVED },
	[DMT_VIOT_PR_LENGTH] = { "Length", 2, 2, DMT_F_UINT },
	[DMT_VIOT_PR_ENDPOINT_START] = { "Endpoint Start", 4, 4, DMT_F_UINT },
	[DMT_VIOT_PR_SEGMENT_START] = { "PCI Segment Start", 8, 2, DMT_F_UINT },
	[DMT_VIOT_PR_SEGMENT_END] = { "PCI Segment End", 10, 2, DMT_F_UINT },
	[DMT_VIOT_PR_BDF_START] = { "PCI BDF Start", 12, 2, DMT_F_BDF },
	[DMT_VIOT_PR_BDF_END] = { "PCI BDF End", 14, 2, DMT_F_BDF },
	[DMT_VIOT_PR_OUTPUT_NODE] = { "Output Node", 16, 2, DMT_F_UINT },
	[DMT_VIOT_PR_RESERVED] = { "Reserved", 18, 6, DMT_F_RESERVED },
};

static const struct dmt_field viot_mmio_ep_fields[] = {
	[DMT_VIOT_ME_TYPE] = { "Type", 0, 1, DMT_F_UINT },
	[DMT_VIOT_ME_RESERVED0] = { "Reserved", 1, 1, DMT_F_RESERVED },
	[DMT_VIOT_ME_LENGTH] = { "Length", 2, 2, DMT_F_UINT },
	[DMT_VIOT_ME_ENDPOINT] = { "Endpoint", 4, 4, DMT_F_UINT },
	[DMT_VIOT_ME_BASE_ADDRESS] = { "Base Address", 8, 8, DMT_F_UINT },
	[DMT_VIOT_ME_OUTPUT_NODE] = { "Output Node", 16, 2, DMT_F_UINT },
	[DMT_VIOT_ME_RESERVED] = { "Reserved", 18, 6, DMT_F_RESERVED },
};

static const struct dmt_field viot_virtio_pci_fields[] = {
	[DMT_VIOT_VP_TYPE] = { "Type", 0, 1, DMT_F_UINT },
	[DMT_VIOT_VP_RESERVED0] = { "Reserved", 1, 1, DMT_F_RESERVED },
	[DMT_VIOT_VP_LENGTH] = { "Length", 2, 2, DMT_F_UINT },
	[DMT_VIOT_VP_SEGMENT] = { "PCI Segment", 4, 2, DMT_F_UINT },
	[DMT_VIOT_VP_BDF] = { "PCI BDF", 6, 2, DMT_F_BDF },
	[DMT_VIOT_VP_RESERVED] = { "Reserved", 8, 8, DMT_F_RESERVED },
};

static const struct dmt_field viot_virtio_mmio_fields[] = {
	[DMT_VIOT_VM_TYPE] = { "Type", 0, 1, DMT_F_UINT },
	[DMT_VIOT_VM_RESERVED0] = { "Reserved", 1, 1, DMT_F_RESERVED },
	[DMT_VIOT_VM_LENGTH] = { "Length", 2, 2, DMT_F_UINT },
	[DMT_VIOT_VM_RESERVED] = { "Reserved", 4, 4, DMT_F_RESERVED },
	[DMT_VIOT_VM_BASE_ADDRESS] = { "Base Address", 8, 8, DMT_F_UINT },
};

const struct dmt_layout dmt_viot_header_layout =
	DMT_LAYOUT("VIOT Header", DMT_VIOT_HEADER_SIZE, viot_header_fields);
const struct dmt_layout dmt_viot_node_header_layout =
	DMT_LAYOUT("VIOT Node Header", DMT_VIOT_NODE_HEADER_SIZE, viot_node_header_fields);
const struct dmt_layout dmt_viot_pci_range_layout =
	DMT_LAYOUT("VIOT PCI Range Node", DMT_VIOT_PCI_RANGE_SIZE, viot_pci_range_fields);
const struct dmt_layout dmt_viot_mmio_ep_layout =
	DMT_LAYOUT("VIOT Single MMIO Endpoint Node", DMT_VIOT_MMIO_EP_SIZE, viot_mmio_ep_fields);
const struct dmt_layout dmt_viot_virtio_pci_layout =
	DMT_LAYOUT("VIOT virtio-pci IOMMU Node", DMT_VIOT_VIRTIO_PCI_SIZE, viot_virtio_pci_fields);
const struct dmt_layout dmt_viot_virtio_mmio_layout =
	DMT_LAYOUT("VIOT virtio-mmio IOMMU Node", DMT_VIOT_VIRTIO_MMIO_SIZE, viot_virtio_mmio_fields);

const struct dmt_layout *dmt_viot_node_layout(unsigned type)
{
	switch (type) {
	case DMT_VIOT_NODE_PCI_RANGE: return &dmt_viot_pci_range_layout;
	case DMT_VIOT_NODE_MMIO: return &dmt_viot_mmio_ep_layout;
	case DMT_VIOT_NODE_VIRTIO_PCI: return &dmt_viot_virtio_pci_layout;
	case DMT_VIOT_NODE_VIRTIO_MMIO: return &dmt_viot_virtio_mmio_layout;
	default: return NULL;
	}
}

/* Output Node is a u16, so only offsets below this can be named by an endpoint. */
#define VIOT_REF_SPAN 65536u

struct viot_ctx {
	const uint8_t *buf;
	size_t len;
	struct dmt_topo *t;
	struct dmt_findings *f;
	uint64_t length;		/* the header's Length: Linux's table end */
	uint16_t node_count, node_offset;
	uint8_t table_active;		/* profiles that would read this table at all */
	bool full;			/* the model refused an item: reported once */
	/* Per offset below span = min(VIOT_REF_SPAN, Length), the only offsets an
	 * Output Node can usefully name: 1 + node ordinal of a walked node
	 * starting there, and 1 + index into t->iommus of the IOMMU there. */
	size_t span;
	uint32_t *node_at;
	int32_t *iommu_at;
};

/* A node's bytes as Linux would see them: bytes past the input read as zero
 * (the input was cut short: VIOTTruncated already says so). */
static void node_bytes(const struct viot_ctx *c, uint64_t off, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = 0;

		dmt_get_le(c->buf, c->len, off + i, 1, &v);
		out[i] = (uint8_t)v;
	}
}

static uint64_t field(const struct dmt_layout *l, size_t idx, const uint8_t *node)
{
	uint64_t v = 0;

	dmt_field_get(l, idx, node, l->size, 0, &v);
	return v;
}

static void model_full(struct viot_ctx *c, uint64_t off)
{
	if (c->full)
		return;
	c->full = true;
	dmt_report(c->f, DMT_L_ModelLimit, off,
		   "the model holds no more items (limit %u or out of memory); later nodes are not decoded",
		   DMT_MAX_ITEMS);
}

/* Bytes of the structure at off that lie inside both the table and the input. */
static uint32_t bytes_inside(const struct viot_ctx *c, uint64_t off, uint64_t n)
{
	uint64_t end = c->length < c->len ? c->length : c->len;

	if (off >= end)
		return 0;
	if (n > end - off)
		n = end - off;
	return (uint32_t)n;
}

/* ---- table header ------------------------------------------------------- */

/* The ACPI checksum over the table's first n bytes: missing bytes read as zero, so a
 * truncated table is checked over the bytes it has (what a consumer that reads past
 * the input would sum, and what ACPICA sums over a table it was handed short). */
static bool checksum_ok(const uint8_t *buf, uint64_t n)
{
	uint8_t sum = 0;

	for (uint64_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + buf[i]);
	return sum == 0;
}

/* Reports VIOTBadChecksum; true when it did. */
static bool check_checksum(struct dmt_findings *f, const uint8_t *buf, size_t len,
			   uint64_t length)
{
	uint64_t n = length < len ? length : len;

	if (len < 10 || checksum_ok(buf, n))
		return false;
	if (n < length)
		dmt_report(f, DMT_L_VIOTBadChecksum, 9,
			   "the %llu bytes present (of %llu) do not sum to zero (checksum field 0x%02x)",
			   (unsigned long long)n, (unsigned long long)length, buf[9]);
	else
		dmt_report(f, DMT_L_VIOTBadChecksum, 9,
			   "bytes 0..%llu do not sum to zero (checksum field 0x%02x)",
			   (unsigned long long)length, buf[9]);
	return true;
}

static void check_reserved(struct viot_ctx *c, const struct dmt_layout *l, uint64_t off,
			   uint64_t nbytes, const char *what)
{
	uint64_t bad = 0;
	uint64_t lim = off + nbytes;

	if (lim > c->len)
		lim = c->len;
	if (!dmt_reserved_zero(l, c->buf, (size_t)lim, off, &bad))
		dmt_report(c->f, DMT_L_VIOTReservedNonZero, bad,
			   "%s: reserved byte at 0x%llx is 0x%02x", what,
			   (unsigned long long)bad, c->buf[bad]);
}

static void decode_header(struct viot_ctx *c)
{
	const struct dmt_layout *l = &dmt_viot_header_layout;
	uint64_t length = 0, rev = 0, count = 0, noff = 0;
	bool sig_ok = memcmp(c->buf, DMT_VIOT_SIGNATURE, 4) == 0;
	bool spec_ok = sig_ok;

	dmt_field_get(l, DMT_VIOT_H_LENGTH, c->buf, c->len, 0, &length);
	dmt_field_get(l, DMT_VIOT_H_REVISION, c->buf, c->len, 0, &rev);
	dmt_field_get(l, DMT_VIOT_H_NODE_COUNT, c->buf, c->len, 0, &count);
	dmt_field_get(l, DMT_VIOT_H_NODE_OFFSET, c->buf, c->len, 0, &noff);
	c->length = length;
	c->node_count = (uint16_t)count;
	c->node_offset = (uint16_t)noff;
	dmt_note_struct(c->t, l, 0, DMT_VIOT_HEADER_SIZE);

	if (!sig_ok)
		dmt_report(c->f, DMT_L_VIOTBadSignature, 0,
			   "signature %02x %02x %02x %02x is not \"VIOT\"",
			   c->buf[0], c->buf[1], c->buf[2], c->buf[3]);
	if (length < DMT_VIOT_HEADER_SIZE) {
		dmt_report(c->f, DMT_L_VIOTLengthTooSmall, 4,
			   "Length %llu is below the %u-byte VIOT header",
			   (unsigned long long)length, DMT_VIOT_HEADER_SIZE);
		spec_ok = false;
	}
	if (length > c->len) {
		dmt_report(c->f, DMT_L_VIOTTruncated, c->len,
			   "Length says %llu bytes, the input holds %zu; the rest reads as zero",
			   (unsigned long long)length, c->len);
		spec_ok = false;
	} else if (c->len > length && length >= DMT_VIOT_HEADER_SIZE) {
		dmt_report(c->f, DMT_L_VIOTTrailingBytes, length,
			   "%llu bytes follow the %llu-byte table",
			   (unsigned long long)(c->len - length), (unsigned long long)length);
	}
	if (check_checksum(c->f, c->buf, c->len, length))
		spec_ok = false;
	if (rev != DMT_VIOT_REVISION)
		dmt_report(c->f, DMT_L_VIOTRevision, 8,
			   "Revision %llu (QEMU, cloud-hypervisor and crosvm write 0; only rust-vmm acpi_tables' viot builder writes 1)",
			   (unsigned long long)rev);
	check_reserved(c, l, 0, DMT_VIOT_HEADER_SIZE, "VIOT header");
	if (c->node_count > 0 &&
	    (c->node_offset < DMT_VIOT_HEADER_SIZE ||
	     (uint64_t)c->node_offset + DMT_VIOT_NODE_HEADER_SIZE > length)) {
		dmt_report(c->f, DMT_L_VIOTNodeOffsetInvalid, 38,
			   "Node Offset 0x%x is outside 0x%x..0x%llx: no node is read",
			   c->node_offset, DMT_VIOT_HEADER_SIZE,
			   (unsigned long long)(length >= 4 ? length - 4 : 0));
		spec_ok = false;
	}
	c->table_active = (uint8_t)((sig_ok ? DMT_ACTIVE(DMT_PROFILE_LINUX) : 0) |
				    (spec_ok ? DMT_ACTIVE(DMT_PROFILE_SPEC) : 0));
}

/* ---- IOMMU nodes --------------------------------------------------------- */

/* Linux viot_check_bounds(): only the node header must lie in the table. */
static bool linux_header_in_bounds(const struct viot_ctx *c, uint64_t off)
{
	uint64_t start = c->node_offset > DMT_VIOT_HEADER_SIZE ? c->node_offset
							       : DMT_VIOT_HEADER_SIZE;

	return off >= start && off + DMT_VIOT_NODE_HEADER_SIZE <= c->length;
}

static void iommu_name(struct dmt_iommu *m)
{
	if (m->kind == DMT_IOMMU_VIRTIO_PCI)
		snprintf(m->name, sizeof(m->name), "virtio-pci@%04x:%02x:%02x.%x",
			 m->segment, m->bdf >> 8, (m->bdf >> 3) & 0x1f, m->bdf & 7);
	else
		snprintf(m->name, sizeof(m->name), "virtio-mmio@0x%llx",
			 (unsigned long long)m->base);
}

/* The IOMMU recorded for the node at off, adding it on first sight (Linux
 * caches IOMMUs by node offset too). The node must be a whole-enough type 3/4. */
static int32_t iommu_for_node(struct viot_ctx *c, uint64_t off, unsigned type)
{
	uint8_t node[DMT_VIOT_VIRTIO_PCI_SIZE];
	struct dmt_iommu *m;

	if (off < c->span && c->iommu_at[off])
		return c->iommu_at[off] - 1;
	m = DMT_PUSH(c->t, iommus);
	if (!m) {
		model_full(c, off);
		return -1;
	}
	node_bytes(c, off, node, sizeof(node));
	m->src_offset = off;
	m->iommu_cells = -1;
	if (type == DMT_VIOT_NODE_VIRTIO_PCI) {
		m->kind = DMT_IOMMU_VIRTIO_PCI;
		m->segment = (uint16_t)field(&dmt_viot_virtio_pci_layout, DMT_VIOT_VP_SEGMENT, node);
		m->bdf = (uint16_t)field(&dmt_viot_virtio_pci_layout, DMT_VIOT_VP_BDF, node);
		m->bdf_known = true;
		m->virtio_pci_iommu = true;
	} else {
		m->kind = DMT_IOMMU_VIRTIO_MMIO;
		m->base = field(&dmt_viot_virtio_mmio_layout, DMT_VIOT_VM_BASE_ADDRESS, node);
	}
	iommu_name(m);
	if (off < c->span)
		c->iommu_at[off] = (int32_t)c->t->niommus;
	return (int32_t)c->t->niommus - 1;
}

/* What Linux viot_get_iommu() finds at an Output Node: an IOMMU index, or -1
 * with *why set to a short reason. */
static int32_t linux_output_iommu(struct viot_ctx *c, uint16_t out, const char **why)
{
	uint8_t hdr[DMT_VIOT_NODE_HEADER_SIZE];
	uint64_t type, nlen;

	if (!linux_header_in_bounds(c, out)) {
		*why = "its header is outside the table";
		return -1;
	}
	node_bytes(c, out, hdr, sizeof(hdr));
	type = field(&dmt_viot_node_header_layout, DMT_VIOT_N_TYPE, hdr);
	nlen = field(&dmt_viot_node_header_layout, DMT_VIOT_N_LENGTH, hdr);
	if (nlen < DMT_VIOT_NODE_HEADER_SIZE) {
		*why = "its Length is below 4";
		return -1;
	}
	if (type != DMT_VIOT_NODE_VIRTIO_PCI && type != DMT_VIOT_NODE_VIRTIO_MMIO) {
		*why = "it is not a virtio-iommu node (type 3 or 4)";
		return -1;
	}
	if (nlen < DMT_VIOT_VIRTIO_PCI_SIZE) {
		*why = "the IOMMU node is shorter than 16 bytes";
		return -1;
	}
	return iommu_for_node(c, out, (unsigned)type);
}

/* ---- endpoint nodes ------------------------------------------------------ */

struct walk_state {
	uint32_t ordinal;
	uint64_t off;
	uint8_t active;		/* profiles whose walk reached this node and would use it */
};

static void add_range(struct viot_ctx *c, const struct walk_state *w)
{
	const struct dmt_layout *l = &dmt_viot_pci_range_layout;
	uint8_t node[DMT_VIOT_PCI_RANGE_SIZE];
	struct dmt_pci_range *r = DMT_PUSH(c->t, ranges);

	if (!r) {
		model_full(c, w->off);
		return;
	}
	node_bytes(c, w->off, node, sizeof(node));
	r->endpoint_start = (uint32_t)field(l, DMT_VIOT_PR_ENDPOINT_START, node);
	r->seg_start = (uint16_t)field(l, DMT_VIOT_PR_SEGMENT_START, node);
	r->seg_end = (uint16_t)field(l, DMT_VIOT_PR_SEGMENT_END, node);
	r->bdf_start = (uint16_t)field(l, DMT_VIOT_PR_BDF_START, node);
	r->bdf_end = (uint16_t)field(l, DMT_VIOT_PR_BDF_END, node);
	r->output_node = (uint16_t)field(l, DMT_VIOT_PR_OUTPUT_NODE, node);
	r->iommu = -1;
	r->ordinal = w->ordinal;
	r->src_offset = w->off;
	r->active = w->active;
}

static void add_mmio(struct viot_ctx *c, const struct walk_state *w)
{
	const struct dmt_layout *l = &dmt_viot_mmio_ep_layout;
	uint8_t node[DMT_VIOT_MMIO_EP_SIZE];
	struct dmt_mmio_ep *e = DMT_PUSH(c->t, mmio);

	if (!e) {
		model_full(c, w->off);
		return;
	}
	node_bytes(c, w->off, node, sizeof(node));
	e->endpoint = (uint32_t)field(l, DMT_VIOT_ME_ENDPOINT, node);
	e->base = field(l, DMT_VIOT_ME_BASE_ADDRESS, node);
	e->output_node = (uint16_t)field(l, DMT_VIOT_ME_OUTPUT_NODE, node);
	e->iommu = -1;
	e->ordinal = w->ordinal;
	e->src_offset = w->off;
	e->active = w->active;
}

/* Resolve one endpoint node's Output Node the way Linux does, and lint it
 * against the strict reading (it must be the offset of an IOMMU node of the
 * table). Returns the IOMMU index or -1. */
static int32_t resolve_output(struct viot_ctx *c, uint32_t ordinal, uint16_t out,
			      uint64_t field_off)
{
	const char *why = "";
	int32_t idx = linux_output_iommu(c, out, &why);
	uint32_t walked = out < c->span ? c->node_at[out] : 0;

	if (!walked) {
		if (idx >= 0)
			dmt_report(c->f, DMT_L_VIOTOutputNodeDangling, field_off,
				   "node #%u: Output Node 0x%x is not the start of a node; Linux still finds %s there",
				   ordinal, out, c->t->iommus[idx].name);
		else
			dmt_report(c->f, DMT_L_VIOTOutputNodeDangling, field_off,
				   "node #%u: Output Node 0x%x is not the start of a node (%s); Linux skips this node",
				   ordinal, out, why);
	} else if (idx < 0) {
		dmt_report(c->f, DMT_L_VIOTOutputNodeNotIommu, field_off,
			   "node #%u: Output Node 0x%x is node #%u, but %s; Linux skips this node",
			   ordinal, out, walked - 1, why);
	}
	return idx;
}

static void resolve_outputs(struct viot_ctx *c)
{
	struct dmt_topo *t = c->t;

	for (size_t i = 0; i < t->nranges; i++) {
		struct dmt_pci_range *r = &t->ranges[i];

		r->iommu = resolve_output(c, r->ordinal, r->output_node, r->src_offset +
					  dmt_viot_pci_range_layout.fields[DMT_VIOT_PR_OUTPUT_NODE].offset);
		if (r->iommu < 0)
			r->active &= (uint8_t)~DMT_ACTIVE(DMT_PROFILE_LINUX);
	}
	for (size_t i = 0; i < t->nmmio; i++) {
		struct dmt_mmio_ep *e = &t->mmio[i];

		e->iommu = resolve_output(c, e->ordinal, e->output_node, e->src_offset +
					  dmt_viot_mmio_ep_layout.fields[DMT_VIOT_ME_OUTPUT_NODE].offset);
		if (e->iommu < 0)
			e->active &= (uint8_t)~DMT_ACTIVE(DMT_PROFILE_LINUX);
	}
}

/* ---- the walk ------------------------------------------------------------ */

struct walk {
	bool linux_on, spec_on;
	uint32_t i;
	uint64_t off;
};

static const char *type_name(unsigned type)
{
	const struct dmt_layout *l = dmt_viot_node_layout(type);

	return l ? l->name : "reserved type";
}

/* Length checks that depend on the type. Returns false when the node cannot be
 * used by either profile. */
static bool check_node_length(struct viot_ctx *c, struct walk *wk, unsigned type,
			      uint16_t nlen)
{
	const struct dmt_layout *l = dmt_viot_node_layout(type);

	if (!l)
		return true;
	if (nlen < l->size) {
		bool fatal = type == DMT_VIOT_NODE_PCI_RANGE || type == DMT_VIOT_NODE_MMIO;

		dmt_report(c->f, DMT_L_VIOTNodeTooShort, wk->off + 2,
			   "node #%u (%s): Length %u, the type needs %u%s", wk->i,
			   type_name(type), nlen, l->size,
			   fatal && wk->linux_on ? "; the Linux walk stops here" :
			   fatal ? "" : "; Linux cannot use this IOMMU");
		if (fatal && wk->linux_on) {
			wk->linux_on = false;
			c->t->linux_walk_stop = wk->i;
		}
		return false;
	}
	if (nlen > l->size)
		dmt_report(c->f, DMT_L_VIOTNodeLengthMismatch, wk->off + 2,
			   "node #%u (%s): Length %u, the type is %u bytes; the extra %u are ignored",
			   wk->i, type_name(type), nlen, l->size, nlen - l->size);
	return true;
}

/* The spec profile uses a node whose fields (its type's size) lie inside the
 * table; a declared Length running further is reported (VIOTNodeOverflow) and
 * ends the walk, but the bytes a reader of this revision needs are all there.
 * The same rule decides whether an IOMMU node is usable (viot_resolve.c reads
 * it back from the noted length). */
static bool fields_inside(const struct viot_ctx *c, uint64_t off, unsigned type,
			  uint16_t nlen)
{
	const struct dmt_layout *l = dmt_viot_node_layout(type);
	uint64_t need = l && l->size < nlen ? l->size : nlen;

	return off + need <= c->length;
}

static void visit_node(struct viot_ctx *c, struct walk *wk, unsigned type, uint16_t nlen)
{
	const struct dmt_layout *l = dmt_viot_node_layout(type);
	struct walk_state w = { .ordinal = wk->i, .off = wk->off };
	bool usable;

	dmt_note_struct(c->t, l ? l : &dmt_viot_node_header_layout, wk->off,
			bytes_inside(c, wk->off, nlen));
	if (wk->off < c->span)
		c->node_at[wk->off] = wk->i + 1;
	if (!l) {
		dmt_report(c->f, DMT_L_VIOTNodeTypeUnknown, wk->off,
			   "node #%u: type %u is reserved; skipped", wk->i, type);
		check_reserved(c, &dmt_viot_node_header_layout, wk->off, nlen, "node header");
		return;
	}
	/* Reserved bytes past a short node's Length belong to the next node. */
	check_reserved(c, l, wk->off, nlen < l->size ? nlen : l->size, type_name(type));
	usable = check_node_length(c, wk, type, nlen);
	if (wk->linux_on)
		w.active |= DMT_ACTIVE(DMT_PROFILE_LINUX);
	if (wk->spec_on && fields_inside(c, wk->off, type, nlen))
		w.active |= DMT_ACTIVE(DMT_PROFILE_SPEC);
	w.active &= c->table_active;
	if (!usable)
		return;
	switch (type) {
	case DMT_VIOT_NODE_PCI_RANGE:
		add_range(c, &w);
		break;
	case DMT_VIOT_NODE_MMIO:
		add_mmio(c, &w);
		break;
	default:
		iommu_for_node(c, wk->off, type);
		break;
	}
}

/* One step; false when the walk cannot go on for either profile. */
static bool walk_step(struct viot_ctx *c, struct walk *wk)
{
	uint8_t hdr[DMT_VIOT_NODE_HEADER_SIZE];
	uint64_t type, nlen;
	bool whole;

	if (!linux_header_in_bounds(c, wk->off)) {
		if (wk->i == 0 && (c->node_offset < DMT_VIOT_HEADER_SIZE ||
				   wk->off + DMT_VIOT_NODE_HEADER_SIZE > c->length))
			; /* VIOTNodeOffsetInvalid said it */
		else if (wk->off >= c->length)
			dmt_report(c->f, DMT_L_VIOTNodeCountTooLarge, 36,
				   "Node Count %u, but the table ends after %u nodes",
				   c->node_count, wk->i);
		else
			dmt_report(c->f, DMT_L_VIOTNodeHeaderOverflow, wk->off,
				   "node #%u header at 0x%llx runs past the table end 0x%llx",
				   wk->i, (unsigned long long)wk->off,
				   (unsigned long long)c->length);
		return false;
	}
	node_bytes(c, wk->off, hdr, sizeof(hdr));
	type = field(&dmt_viot_node_header_layout, DMT_VIOT_N_TYPE, hdr);
	nlen = field(&dmt_viot_node_header_layout, DMT_VIOT_N_LENGTH, hdr);
	if (nlen < DMT_VIOT_NODE_HEADER_SIZE) {
		dmt_note_struct(c->t, &dmt_viot_node_header_layout, wk->off,
				bytes_inside(c, wk->off, DMT_VIOT_NODE_HEADER_SIZE));
		dmt_report(c->f, DMT_L_VIOTNodeEmpty, wk->off + 2,
			   "node #%u: Length %llu is below 4; the walk stops", wk->i,
			   (unsigned long long)nlen);
		return false;
	}
	whole = wk->off + nlen <= c->length;
	if (!whole)
		dmt_report(c->f, DMT_L_VIOTNodeOverflow, wk->off,
			   "node #%u (%s) at 0x%llx, Length %llu, ends at 0x%llx past the table end 0x%llx%s",
			   wk->i, type_name((unsigned)type), (unsigned long long)wk->off,
			   (unsigned long long)nlen, (unsigned long long)(wk->off + nlen),
			   (unsigned long long)c->length,
			   wk->linux_on ? "; Linux reads it anyway" : "");
	visit_node(c, wk, (unsigned)type, (uint16_t)nlen);
	if (!whole)
		wk->spec_on = false;
	wk->off += nlen;
	return true;
}

static void walk_nodes(struct viot_ctx *c)
{
	struct walk wk = { .linux_on = true, .spec_on = true, .i = 0, .off = c->node_offset };

	for (; wk.i < c->node_count && (wk.linux_on || wk.spec_on) && !c->full; wk.i++) {
		if (!walk_step(c, &wk)) {
			if (wk.linux_on)
				c->t->linux_walk_stop = wk.i;
			return;
		}
	}
	/* With no node counted, anything after the header is left over. */
	if (c->node_count == 0)
		wk.off = DMT_VIOT_HEADER_SIZE;
	if (wk.i == c->node_count && wk.off < c->length && !c->full)
		dmt_report(c->f, DMT_L_VIOTNodeCountTooSmall, wk.off,
			   "Node Count %u, but %llu bytes follow the last counted node",
			   c->node_count, (unsigned long long)(c->length - wk.off));
}

int dmt_viot_decode(const uint8_t *buf, size_t len, struct dmt_topo *t, struct dmt_findings *f)
{
	struct viot_ctx c = { .buf = buf, .len = len, .t = t, .f = f };

	if (!buf || !t)
		return -1;
	t->format = DMT_FMT_VIOT;
	if (len < DMT_VIOT_HEADER_SIZE) {
		uint64_t length = 0;

		dmt_report(f, DMT_L_VIOTHeaderTruncated, 0,
			   "%zu bytes, the VIOT header alone is %u", len, DMT_VIOT_HEADER_SIZE);
		if (dmt_get_le(buf, len, 4, 4, &length))
			check_checksum(f, buf, len, length);
		return -1;
	}
	decode_header(&c);
	c.span = c.length < VIOT_REF_SPAN ? (size_t)c.length + 1 : VIOT_REF_SPAN;
	c.node_at = calloc(c.span, sizeof(*c.node_at));
	c.iommu_at = calloc(c.span, sizeof(*c.iommu_at));
	if (!c.node_at || !c.iommu_at) {
		free(c.node_at);
		free(c.iommu_at);
		dmt_report(f, DMT_L_OutOfMemory, DMT_NO_OFFSET, "no memory for the VIOT walk");
		return -1;
	}
	walk_nodes(&c);
	resolve_outputs(&c);
	/* Linux never asks for a table without the VIOT signature. */
	if (!(c.table_active & DMT_ACTIVE(DMT_PROFILE_LINUX)))
		t->linux_walk_stop = 0;
	free(c.node_at);
	free(c.iommu_at);
	dmt_lint_ranges(t, f);
	return 0;
}
