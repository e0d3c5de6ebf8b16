/* DTB encoder, on libfdt's sequential-write API. Nodes are written in path order
 * with an explicit stack of open nodes (no recursion), so any set of paths from
 * the language becomes one well-formed tree with its intermediate nodes. */
#include "encode.h"

#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DT_MAX_PATHS 4096
#define DT_MAX_DEPTH 64
#define DT_MAX_SEGMENT_SPAN 256

enum dt_kind { DT_IOMMU, DT_BRIDGE, DT_NODE, DT_SYN_BRIDGE, DT_MMIO_EP };

struct dt_item {
	char path[DMT_NAME_MAX + 32];
	enum dt_kind kind;
	size_t idx;			/* into iommus / bridges / nodes / mmio, or segment */
};

struct dt_enc {
	const struct dmt_topo *t;
	struct dt_item *items;
	size_t n, cap;
	/* synthesized bridges: one per segment the abstract part uses */
	uint16_t segs[DT_MAX_PATHS];
	size_t nsegs;
	void *fdt;
	char *why;
	size_t whylen;
};

static int refuse(struct dt_enc *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(struct dt_enc *e, const char *fmt, ...)
{
	va_list ap;

	if (e->why && e->whylen) {
		va_start(ap, fmt);
		vsnprintf(e->why, e->whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int add_item(struct dt_enc *e, enum dt_kind kind, size_t idx, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int add_item(struct dt_enc *e, enum dt_kind kind, size_t idx, const char *fmt, ...)
{
	va_list ap;
	struct dt_item *it;

	if (e->n == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 32;
		struct dt_item *p;

		if (ncap > DT_MAX_PATHS)
			return refuse(e, "more than %u device-tree nodes", DT_MAX_PATHS);
		p = realloc(e->items, ncap * sizeof(*p));
		if (!p)
			return refuse(e, "out of memory");
		e->items = p;
		e->cap = ncap;
	}
	it = &e->items[e->n++];
	it->kind = kind;
	it->idx = idx;
	va_start(ap, fmt);
	vsnprintf(it->path, sizeof(it->path), fmt, ap);
	va_end(ap);
	return 0;
}

/* The segment's synthesized bridge, or an explicit bridge with that domain. */
static bool explicit_bridge_for(const struct dmt_topo *t, uint16_t seg, size_t *bi)
{
	for (size_t i = 0; i < t->nbridges; i++) {
		if ((t->bridges[i].has_domain ? t->bridges[i].domain : 0) == seg) {
			*bi = i;
			return true;
		}
	}
	return false;
}

static int note_segment(struct dt_enc *e, uint16_t seg)
{
	size_t bi;

	if (explicit_bridge_for(e->t, seg, &bi))
		return 0;
	for (size_t i = 0; i < e->nsegs; i++)
		if (e->segs[i] == seg)
			return 0;
	if (e->nsegs == DT_MAX_PATHS)
		return refuse(e, "too many segments");
	e->segs[e->nsegs++] = seg;
	return add_item(e, DT_SYN_BRIDGE, seg, "/pcie@%x", seg);
}

/* Where the host bridge of a segment sits, for the virtio-iommu node under it. */
static const char *bridge_path(struct dt_enc *e, uint16_t seg, char *buf, size_t len)
{
	size_t bi;

	if (explicit_bridge_for(e->t, seg, &bi))
		return e->t->bridges[bi].path;
	snprintf(buf, len, "/pcie@%x", seg);
	return buf;
}

static int collect(struct dt_enc *e)
{
	const struct dmt_topo *t = e->t;
	char b[64];

	for (size_t i = 0; i < t->nranges; i++) {
		const struct dmt_pci_range *r = &t->ranges[i];

		if (r->seg_end >= r->seg_start && r->seg_end - r->seg_start >= DT_MAX_SEGMENT_SPAN)
			return refuse(e, "range %zu spans more than %u segments", i, DT_MAX_SEGMENT_SPAN);
		for (uint32_t s = r->seg_start; s <= r->seg_end; s++)
			if (note_segment(e, (uint16_t)s))
				return -1;
	}
	for (size_t i = 0; i < t->niommus; i++) {
		const struct dmt_iommu *m = &t->iommus[i];
		int rc = 0;

		if (m->kind == DMT_IOMMU_DT) {
			rc = add_item(e, DT_IOMMU, i, "%s", m->name);
		} else if (m->kind == DMT_IOMMU_VIRTIO_MMIO) {
			rc = add_item(e, DT_IOMMU, i, "/virtio_mmio@%llx", (unsigned long long)m->base);
		} else {
			if (!m->bdf_known)
				return refuse(e, "IOMMU %zu has no known BDF", i);
			rc = note_segment(e, m->segment);
			if (!rc)
				rc = add_item(e, DT_IOMMU, i, "%s/virtio_iommu@%x,%x",
					      bridge_path(e, m->segment, b, sizeof(b)),
					      (m->bdf >> 3) & 0x1f, m->bdf & 7);
		}
		if (rc)
			return -1;
	}
	for (size_t i = 0; i < t->nbridges; i++)
		if (add_item(e, DT_BRIDGE, i, "%s", t->bridges[i].path))
			return -1;
	for (size_t i = 0; i < t->nnodes; i++)
		if (add_item(e, DT_NODE, i, "%s", t->nodes[i].path))
			return -1;
	for (size_t i = 0; i < t->nmmio; i++)
		if (add_item(e, DT_MMIO_EP, i, "/dev@%llx", (unsigned long long)t->mmio[i].base))
			return -1;
	return 0;
}

/* Path order in which every node comes right after its ancestors: compare
 * component by component ('/' sorts before any other character). */
static int path_cmp(const void *a, const void *b)
{
	const unsigned char *p = (const unsigned char *)((const struct dt_item *)a)->path;
	const unsigned char *q = (const unsigned char *)((const struct dt_item *)b)->path;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	/* One node, two items (a device node that is also a bridge or an IOMMU): the
	 * device's properties come last, into the node the other item opened. */
	if (*p == *q)
		return (int)((const struct dt_item *)a)->kind - (int)((const struct dt_item *)b)->kind;
	if (!*p || !*q)
		return !*p ? -1 : 1;
	if (*p == '/')
		return -1;
	if (*q == '/')
		return 1;
	return *p < *q ? -1 : 1;
}

/* Longest cell property the encoder writes: iommus with DMT_MAX_IDS + 1
 * specifiers of a phandle and 4 cells each fit. */
#define DT_ENC_MAX_CELLS 1024

static int prop_cells(struct dt_enc *e, const char *name, const uint32_t *cells, size_t n)
{
	fdt32_t buf[DT_ENC_MAX_CELLS];

	if (n > DT_ENC_MAX_CELLS)
		return refuse(e, "property %s too long", name);
	for (size_t i = 0; i < n; i++)
		buf[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(e->fdt, name, buf, (int)(n * 4)) ? refuse(e, "libfdt: %s", name) : 0;
}

static int prop_u32(struct dt_enc *e, const char *name, uint32_t v)
{
	return fdt_property_u32(e->fdt, name, v) ? refuse(e, "libfdt: %s", name) : 0;
}

static int prop_str(struct dt_enc *e, const char *name, const char *v)
{
	return fdt_property_string(e->fdt, name, v) ? refuse(e, "libfdt: %s", name) : 0;
}

static int write_map(struct dt_enc *e, const char *name, const struct dmt_idmap *m)
{
	int rc;
	fdt32_t *buf;

	if (!m->present)
		return 0;
	buf = calloc(m->n ? m->n * 4 : 1, sizeof(*buf));
	if (!buf)
		return refuse(e, "out of memory");
	for (size_t i = 0; i < m->n; i++) {
		buf[4 * i] = cpu_to_fdt32(m->e[i].id_base);
		buf[4 * i + 1] = cpu_to_fdt32(m->e[i].phandle);
		buf[4 * i + 2] = cpu_to_fdt32(m->e[i].out_base);
		buf[4 * i + 3] = cpu_to_fdt32(m->e[i].length);
	}
	rc = fdt_property(e->fdt, name, buf, (int)(m->n * 16));
	free(buf);
	return rc ? refuse(e, "libfdt: %s", name) : 0;
}

static int bridge_common(struct dt_enc *e)
{
	if (prop_str(e, "device_type", "pci") ||
	    prop_str(e, "compatible", "pci-host-ecam-generic") ||
	    prop_u32(e, "#address-cells", 3) || prop_u32(e, "#size-cells", 2))
		return -1;
	return 0;
}

/* One range's entries in a segment's map: one, or two around the IOMMU's own
 * RID when the range covers it. A VIOT may cover it (Linux never lets the IOMMU
 * translate itself), but a DT map must leave it out: under Linux a virtio-iommu
 * mapped through itself never probes (bindings/virtio/pci-iommu.yaml, and QEMU
 * arm virt writes its map that way). Returns the new cell count. */
static size_t map_range(const struct dmt_topo *t, const struct dmt_pci_range *r, uint16_t seg,
			uint32_t *cells, size_t n)
{
	const struct dmt_iommu *m = &t->iommus[r->iommu];
	uint32_t base = r->endpoint_start + ((uint32_t)(seg - r->seg_start) << 16);
	uint32_t len = r->bdf_end >= r->bdf_start ? (uint32_t)(r->bdf_end - r->bdf_start + 1) : 0;
	bool self = m->kind == DMT_IOMMU_VIRTIO_PCI && m->bdf_known && m->segment == seg &&
		    len && m->bdf >= r->bdf_start && m->bdf <= r->bdf_end;
	uint32_t before = self ? (uint32_t)(m->bdf - r->bdf_start) : len;

	if (before || !self) {
		cells[n++] = r->bdf_start;
		cells[n++] = m->phandle;
		cells[n++] = base;
		cells[n++] = before;
	}
	if (self && m->bdf < r->bdf_end) {
		cells[n++] = (uint32_t)m->bdf + 1;
		cells[n++] = m->phandle;
		cells[n++] = base + before + 1;
		cells[n++] = len - before - 1;
	}
	return n;
}

/* The iommu-map a synthesized bridge gets: one entry per range in that segment,
 * ordered for a first-match lookup (see dmt_encode_reverse). */
static int write_synth_map(struct dt_enc *e, uint16_t seg)
{
	const struct dmt_topo *t = e->t;
	uint32_t *cells;
	size_t n = 0;
	int rc;

	cells = calloc(t->nranges ? t->nranges * 8 : 1, sizeof(*cells));
	if (!cells)
		return refuse(e, "out of memory");
	for (size_t j = 0; j < t->nranges; j++) {
		size_t k = dmt_encode_reverse(t) ? t->nranges - 1 - j : j;
		const struct dmt_pci_range *r = &t->ranges[k];

		if (seg < r->seg_start || seg > r->seg_end || r->iommu < 0)
			continue;
		n = map_range(t, r, seg, cells, n);
	}
	rc = 0;
	if (n) {
		fdt32_t *buf = calloc(n, sizeof(*buf));

		if (!buf) {
			free(cells);
			return refuse(e, "out of memory");
		}
		for (size_t i = 0; i < n; i++)
			buf[i] = cpu_to_fdt32(cells[i]);
		rc = fdt_property(e->fdt, "iommu-map", buf, (int)(n * 4)) ? refuse(e, "libfdt: iommu-map") : 0;
		free(buf);
	}
	free(cells);
	return rc;
}

/* sharing: the kind of the item whose node this one shares (the items came in path
 * order, equal paths by kind), or this item's own kind when the node is its own. */
static int write_item_props(struct dt_enc *e, const struct dt_item *it, enum dt_kind sharing)
{
	const struct dmt_topo *t = e->t;

	switch (it->kind) {
	case DT_SYN_BRIDGE: {
		uint32_t bus[2] = { 0, 0xff };

		if (bridge_common(e) || prop_u32(e, "linux,pci-domain", (uint32_t)it->idx) ||
		    prop_cells(e, "bus-range", bus, 2))
			return -1;
		return write_synth_map(e, (uint16_t)it->idx);
	}
	case DT_BRIDGE: {
		const struct dmt_dt_bridge *b = &t->bridges[it->idx];
		uint32_t bus[2] = { b->bus_start, b->bus_end };

		if (bridge_common(e) || (b->has_domain && prop_u32(e, "linux,pci-domain", b->domain)) ||
		    prop_cells(e, "bus-range", bus, 2) || write_map(e, "iommu-map", &b->iommu_map) ||
		    (b->iommu_map.has_mask && prop_u32(e, "iommu-map-mask", b->iommu_map.mask)) ||
		    write_map(e, "msi-map", &b->msi_map) ||
		    (b->msi_map.has_mask && prop_u32(e, "msi-map-mask", b->msi_map.mask)) ||
		    (b->msi_parent && prop_u32(e, "msi-parent", b->msi_parent)))
			return -1;
		if (!b->iommu_map.present && e->t->nranges)
			return write_synth_map(e, (uint16_t)(b->has_domain ? b->domain : 0));
		return 0;
	}
	case DT_IOMMU: {
		const struct dmt_iommu *m = &t->iommus[it->idx];

		/* A virtio-iommu decoded from a DTB comes back as a DT node that still
		 * knows it is one: write it the same way either time. */
		if (m->kind == DMT_IOMMU_VIRTIO_PCI || m->virtio_pci_iommu) {
			uint32_t reg[5] = { (uint32_t)m->bdf << 8, 0, 0, 0, 0 };

			/* Both items, as bindings/virtio/pci-iommu.yaml and QEMU have them. */
			static const char compat[] = "virtio,pci-iommu\0pci1af4,1057";

			if (fdt_property(e->fdt, "compatible", compat, sizeof(compat)) ||
			    (m->bdf_known && prop_cells(e, "reg", reg, 5)))
				return -1;
		} else if (m->kind == DMT_IOMMU_VIRTIO_MMIO) {
			uint32_t reg[4] = { (uint32_t)(m->base >> 32), (uint32_t)m->base, 0, 0x200 };

			if (prop_str(e, "compatible", "virtio,mmio") || prop_cells(e, "reg", reg, 4))
				return -1;
		} else if (m->xen_grant && prop_str(e, "compatible", "xen,grant-dma")) {
			return -1;
		}
		if (m->iommu_cells >= 0 && prop_u32(e, "#iommu-cells", (uint32_t)m->iommu_cells))
			return -1;
		if (m->msi_controller && fdt_property(e->fdt, "msi-controller", NULL, 0))
			return refuse(e, "libfdt: msi-controller");
		if (m->phandle && prop_u32(e, "phandle", m->phandle))
			return -1;
		return 0;
	}
	case DT_NODE: {
		const struct dmt_dt_node *n = &t->nodes[it->idx];
		uint32_t cells[DT_ENC_MAX_CELLS];
		size_t nc = 0;

		/* an IOMMU item writes its own reg; a PCI function's reg is phys.hi */
		if (sharing == DT_IOMMU) {
			/* nothing: the IOMMU item wrote reg */
		} else if (n->pci_fn) {
			uint32_t reg[5] = { (uint32_t)n->pci_rid << 8, 0, 0, 0, 0 };

			if (prop_cells(e, "reg", reg, 5))
				return -1;
		} else if (n->has_reg) {
			uint32_t reg[4] = { (uint32_t)(n->reg_base >> 32), (uint32_t)n->reg_base, 0, 0x1000 };

			if (prop_cells(e, "reg", reg, 4))
				return -1;
		}
		for (size_t i = 0; i < n->niommus; i++) {
			if (nc + 5 > DT_ENC_MAX_CELLS)
				return refuse(e, "iommus longer than %d cells", DT_ENC_MAX_CELLS);
			cells[nc++] = n->iommus[i].phandle;
			for (uint32_t c = 0; c < n->iommus[i].ncells && c < 4; c++)
				cells[nc++] = n->iommus[i].cells[c];
		}
		if (n->niommus && prop_cells(e, "iommus", cells, nc))
			return -1;
		if (n->msi_parent && prop_u32(e, "msi-parent", n->msi_parent))
			return -1;
		return 0;
	}
	case DT_MMIO_EP: {
		const struct dmt_mmio_ep *m = &t->mmio[it->idx];
		uint32_t reg[4] = { (uint32_t)(m->base >> 32), (uint32_t)m->base, 0, 0x1000 };
		uint32_t spec[2] = { m->iommu >= 0 ? t->iommus[m->iommu].phandle : 0, m->endpoint };

		return prop_cells(e, "reg", reg, 4) || prop_cells(e, "iommus", spec, 2) ? -1 : 0;
	}
	}
	return 0;
}

/* Length of the first k components of path, e.g. k=1 of "/a/b" is 2 ("/a"). */
static size_t component_end(const char *path, size_t k)
{
	size_t i = 0;

	for (size_t c = 0; c < k; c++) {
		i++;			/* the '/' */
		while (path[i] && path[i] != '/')
			i++;
	}
	return i;
}

static size_t depth_of(const char *path)
{
	size_t d = 0;

	for (const char *p = path; *p; p++)
		d += *p == '/';
	return path[1] ? d : 0;
}

static int begin_node(struct dt_enc *e, const char *path, size_t from, size_t to)
{
	char name[DMT_NAME_MAX + 32];
	size_t n = to - from - 1;

	if (n == 0 || n >= sizeof(name))
		return refuse(e, "bad path '%s'", path);
	memcpy(name, path + from + 1, n);
	name[n] = '\0';
	if (fdt_begin_node(e->fdt, name))
		return refuse(e, "libfdt: node %s", name);
	return 0;
}

/* Paths the tree can be built from: absolute, no empty component, not too deep,
 * each once. Checked before writing so that a write failure can only mean the
 * buffer was too small. */
static int check_paths(struct dt_enc *e)
{
	for (size_t i = 0; i < e->n; i++) {
		const char *p = e->items[i].path;

		if (p[0] != '/' || !p[1] || depth_of(p) > DT_MAX_DEPTH || strstr(p, "//") ||
		    p[strlen(p) - 1] == '/')
			return refuse(e, "bad node path '%s'", p);
		if (i && strcmp(p, e->items[i - 1].path) == 0 &&
		    (e->items[i].kind != DT_NODE ||
		     (e->items[i - 1].kind != DT_BRIDGE && e->items[i - 1].kind != DT_IOMMU)))
			return refuse(e, "two nodes at path '%s'", p);
	}
	return 0;
}

/* Open and close nodes so the stack matches each path in turn. */
static int emit_tree(struct dt_enc *e)
{
	const char *open = "/";
	size_t open_depth = 0;

	for (size_t i = 0; i < e->n; i++) {
		const char *p = e->items[i].path;
		size_t d = depth_of(p), common = 0;

		if (i && strcmp(p, e->items[i - 1].path) == 0) {
			if (write_item_props(e, &e->items[i], e->items[i - 1].kind))
				return -1;
			continue;
		}
		while (common < open_depth && common < d &&
		       component_end(p, common + 1) == component_end(open, common + 1) &&
		       strncmp(p, open, component_end(p, common + 1)) == 0)
			common++;
		for (size_t k = open_depth; k > common; k--)
			if (fdt_end_node(e->fdt))
				return refuse(e, "libfdt: end node");
		for (size_t k = common; k < d; k++) {
			if (begin_node(e, p, component_end(p, k), component_end(p, k + 1)))
				return -1;
			/* an intermediate bus node, as real trees write it: its children's
			 * addresses are CPU addresses (an empty `ranges` is 1:1), so reg
			 * translates through it as of_translate_address does */
			if (k + 1 < d && (prop_u32(e, "#address-cells", 2) || prop_u32(e, "#size-cells", 2) ||
					  fdt_property(e->fdt, "ranges", NULL, 0)))
				return -1;
		}
		if (write_item_props(e, &e->items[i], e->items[i].kind))
			return -1;
		open = p;
		open_depth = d;
	}
	for (size_t k = open_depth; k > 0; k--)
		if (fdt_end_node(e->fdt))
			return refuse(e, "libfdt: end node");
	return 0;
}

int dmt_encode_dtb(const struct dmt_topo *t, uint8_t **out, size_t *len, char *why, size_t whylen)
{
	struct dt_enc e = { .t = t, .why = why, .whylen = whylen };
	size_t size = 4096;
	int rc = -1;

	if (collect(&e))
		goto done;
	if (e.n)
		qsort(e.items, e.n, sizeof(*e.items), path_cmp);
	if (check_paths(&e))
		goto done;
	for (;;) {
		e.fdt = malloc(size);
		if (!e.fdt) {
			refuse(&e, "out of memory");
			goto done;
		}
		/* No name dedup: libfdt would search the whole strings block for every
		 * property name (a memcmp per byte offset), the dominant cost of encoding;
		 * repeated names are still a valid DTB. */
		if (fdt_create_with_flags(e.fdt, (int)size, FDT_CREATE_FLAG_NO_NAME_DEDUP) == 0 &&
		    fdt_finish_reservemap(e.fdt) == 0 &&
		    fdt_begin_node(e.fdt, "") == 0 && prop_u32(&e, "#address-cells", 2) == 0 &&
		    prop_u32(&e, "#size-cells", 2) == 0 &&
		    prop_str(&e, "compatible", "dmatopo,test") == 0) {
			if (emit_tree(&e) == 0 && fdt_end_node(e.fdt) == 0 && fdt_finish(e.fdt) == 0)
				break;
		}
		free(e.fdt);
		e.fdt = NULL;
		/* Sequential write fails with -FDT_ERR_NOSPACE when the buffer is small;
		 * any other failure already said why. Grow a bounded number of times. */
		if (size >= DMT_INPUT_MAX) {
			refuse(&e, "the device tree would exceed %u bytes", DMT_INPUT_MAX);
			goto done;
		}
		size *= 4;
	}
	fdt_pack(e.fdt);
	*out = e.fdt;
	*len = fdt_totalsize(e.fdt);
	rc = 0;
done:
	free(e.items);
	return rc;
}
