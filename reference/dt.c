/* Device-tree decoder: which nodes are IOMMUs (or MSI controllers), which are PCI
 * host bridges with iommu-map/msi-map, and which platform nodes name an IOMMU in
 * `iommus`, read through libfdt from a validated copy of the blob. Lint of the
 * decoded maps and specifiers follows in the second half of the file.
 *
 * Decisions (documented for vectors):
 * - A host bridge is a node with device_type = "pci" that has no ancestor with
 *   device_type = "pci"; PCI-PCI bridges described under it are not host bridges,
 *   and no node under a host bridge has an MMIO reg (its reg is a PCI address).
 * - reg is read with the parent's #address-cells/#size-cells (DTSpec defaults
 *   2 and 1) and translated to a CPU address through every ancestor's `ranges`, as
 *   of_translate_address does; an ancestor without `ranges` leaves it untranslatable
 *   (Linux gives such a device no MMIO resource), so `mmio:` never names it.
 * - A node whose status is not "okay", or that sits under such a node, is disabled:
 *   Linux never probes it. A disabled host bridge gets no domain and its maps are
 *   never read, so they are not linted either.
 * - A node under a host bridge with a `reg` is a PCI function: its RID is reg's
 *   phys.hi bits 23:8, and it resolves through the bridge's iommu-map like the PCI
 *   device it describes.
 * - Maps on other buses (fsl-mc, tegra host1x, any node with iommu-map/msi-map that
 *   is not a PCI host bridge) are decoded and linted like a bridge's: Linux reads
 *   them with of_map_id too. They get no PCI domain.
 * - Phandles resolve through "phandle" (or legacy "linux,phandle"); with duplicates
 *   the first node in blob order wins, as Linux's lookup does.
 * - An IOMMU-like node sitting under a host bridge is a PCI function: its BDF is
 *   reg's phys.hi bits 23:8 and its segment the bridge's Linux domain. */
#include "dmatopo.h"
#include "bytes.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DT_MAX_DEPTH 64
#define DT_FDT_PROP_HDR 12u	/* tag, len, nameoff before a property value */
#define XEN_DOMID_FIRST_RESERVED 0x7FF0u
#define DT_HEADER_PAD 64u

/* Defined in dt_resolve.c: the domain number Linux gives each host bridge. */

enum dt_prop {
	P_DEVICE_TYPE, P_COMPATIBLE, P_IOMMU_CELLS, P_MSI_CONTROLLER, P_PCI_DOMAIN,
	P_BUS_RANGE, P_IOMMU_MAP, P_IOMMU_MAP_MASK, P_MSI_MAP, P_MSI_MAP_MASK,
	P_MSI_PARENT, P_IOMMUS, P_REG, P_ADDRESS_CELLS, P_SIZE_CELLS, P_STATUS,
	P_RANGES, P_COUNT
};

static const char *const prop_names[P_COUNT] = {
	[P_DEVICE_TYPE] = "device_type", [P_COMPATIBLE] = "compatible",
	[P_IOMMU_CELLS] = "#iommu-cells", [P_MSI_CONTROLLER] = "msi-controller",
	[P_PCI_DOMAIN] = "linux,pci-domain", [P_BUS_RANGE] = "bus-range",
	[P_IOMMU_MAP] = "iommu-map", [P_IOMMU_MAP_MASK] = "iommu-map-mask",
	[P_MSI_MAP] = "msi-map", [P_MSI_MAP_MASK] = "msi-map-mask",
	[P_MSI_PARENT] = "msi-parent", [P_IOMMUS] = "iommus", [P_REG] = "reg",
	[P_ADDRESS_CELLS] = "#address-cells", [P_SIZE_CELLS] = "#size-cells",
	[P_STATUS] = "status", [P_RANGES] = "ranges",
};

struct prop_ref {
	bool present;
	uint32_t len;
	uint64_t val;		/* offset of the value in the blob */
	uint64_t tag;		/* offset of the property (FDT_PROP tag) in the blob */
};

struct node_props {
	struct prop_ref p[P_COUNT];
};

struct phandle_ent {
	uint32_t phandle;
	int node;
	int32_t iommu;		/* index into t->iommus once the node is recorded */
};

struct dt_ctx {
	const uint8_t *fdt;
	size_t len;
	struct dmt_topo *t;
	struct dmt_findings *f;
	struct phandle_ent *ph;
	size_t nph, cap_ph;
	int32_t *iommu_bridge;	/* per iommu: enclosing host bridge, -1 */
	size_t cap_ib;
	bool limit_reported;
};

/* ---- small readers --------------------------------------------------------- */

static bool cell_at(const struct dt_ctx *c, const struct prop_ref *r, uint32_t i,
		    uint32_t *v)
{
	if (!r->present || (uint64_t)i * 4 + 4 > r->len)
		return false;
	return dmt_get_be32(c->fdt, c->len, r->val + (uint64_t)i * 4, v);
}

/* True when one of the NUL-separated strings of the property equals s. */
static bool has_string(const struct dt_ctx *c, const struct prop_ref *r, const char *s)
{
	size_t slen = strlen(s);
	uint64_t pos = 0;

	if (!r->present || !dmt_in_bounds(c->len, r->val, r->len))
		return false;
	while (pos < r->len) {
		const char *str = (const char *)c->fdt + r->val + pos;
		size_t left = r->len - pos;
		size_t n = strnlen(str, left);

		if (n == slen && n < left && memcmp(str, s, n) == 0)
			return true;
		pos += n + 1;
	}
	return false;
}

static bool status_okay(const struct dt_ctx *c, const struct prop_ref *r)
{
	return !r->present || has_string(c, r, "okay") || has_string(c, r, "ok");
}

static void model_limit(struct dt_ctx *c, uint64_t off, const char *what)
{
	if (c->limit_reported)
		return;
	c->limit_reported = true;
	dmt_report(c->f, DMT_L_ModelLimit, off, "no room for another %s; the rest were dropped", what);
}

static void read_props(const struct dt_ctx *c, int node, struct node_props *np)
{
	uint64_t sbase = fdt_off_dt_struct(c->fdt);
	int po;

	memset(np, 0, sizeof(*np));
	fdt_for_each_property_offset(po, c->fdt, node) {
		const char *name;
		int vlen;
		const void *v = fdt_getprop_by_offset(c->fdt, po, &name, &vlen);

		if (!v || !name || vlen < 0)
			continue;
		for (int i = 0; i < P_COUNT; i++) {
			struct prop_ref *r = &np->p[i];

			/* Linux's of_find_property takes the first of duplicate names. The
			 * first byte is tested before strcmp: most names differ there, and a
			 * fuzzer's strcmp is a costly call. */
			if (r->present || name[0] != prop_names[i][0] || strcmp(name, prop_names[i]) != 0)
				continue;
			r->present = true;
			r->len = (uint32_t)vlen;
			r->val = (uint64_t)((const uint8_t *)v - c->fdt);
			r->tag = sbase + (uint64_t)po;
			break;
		}
	}
}

/* ---- phandles -------------------------------------------------------------- */

static int ph_cmp(const void *a, const void *b)
{
	const struct phandle_ent *x = a, *y = b;

	if (x->phandle != y->phandle)
		return x->phandle < y->phandle ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

static void collect_phandles(struct dt_ctx *c)
{
	int depth = -1;	/* fdt_next_node counts the root as one level below this */

	for (int n = fdt_next_node(c->fdt, -1, &depth); n >= 0;
	     n = fdt_next_node(c->fdt, n, &depth)) {
		uint32_t ph;
		struct phandle_ent *e;

		if (depth < 0)
			break;	/* past the root's end */
		ph = fdt_get_phandle(c->fdt, n);
		if (ph == 0 || ph == UINT32_MAX)
			continue;
		e = dmt_push((void **)&c->ph, &c->nph, &c->cap_ph, sizeof(*c->ph));
		if (!e) {
			model_limit(c, DMT_NO_OFFSET, "phandle");
			break;
		}
		e->phandle = ph;
		e->node = n;
		e->iommu = -1;
	}
	if (c->nph > 1)
		qsort(c->ph, c->nph, sizeof(*c->ph), ph_cmp);
	for (size_t i = 1; i < c->nph; i++)
		if (c->ph[i].phandle == c->ph[i - 1].phandle)
			dmt_report(c->f, DMT_L_DTDuplicatePhandle,
				   fdt_off_dt_struct(c->fdt) + (uint64_t)c->ph[i].node,
				   "phandle 0x%x is on nodes at struct offsets 0x%x and 0x%x",
				   c->ph[i].phandle, c->ph[i - 1].node, c->ph[i].node);
}

/* The first node carrying the phandle (entries are sorted by phandle, then offset). */
static struct phandle_ent *ph_find(struct dt_ctx *c, uint32_t ph)
{
	size_t lo = 0, hi = c->nph;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->ph[mid].phandle < ph)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nph && c->ph[lo].phandle == ph ? &c->ph[lo] : NULL;
}

/* ---- node paths, built while walking (fdt_get_path would rescan the tree) ---- */

struct path_stack {
	char buf[DMT_NAME_MAX];
	size_t len[DT_MAX_DEPTH + 1];
	bool truncated[DT_MAX_DEPTH + 1];
};

static void path_enter(struct path_stack *ps, const struct dt_ctx *c, int node, int depth)
{
	size_t base = depth > 0 ? ps->len[depth - 1] : 0;
	bool trunc = depth > 0 ? ps->truncated[depth - 1] : false;
	int nlen = 0;
	const char *name = fdt_get_name(c->fdt, node, &nlen);

	if (depth == 0) {
		strcpy(ps->buf, "/");
		ps->len[0] = 1;
		ps->truncated[0] = false;
		return;
	}
	if (!name || nlen < 0)
		nlen = 0;
	/* The root's "/" is already the separator for its children. */
	if (base > 1 && base + 1 < sizeof(ps->buf))
		ps->buf[base++] = '/';
	else if (base > 1)
		trunc = true;
	for (int i = 0; i < nlen; i++) {
		if (base + 1 >= sizeof(ps->buf)) {
			trunc = true;
			break;
		}
		ps->buf[base++] = name[i];
	}
	ps->buf[base] = '\0';
	ps->len[depth] = base;
	ps->truncated[depth] = trunc;
}

/* ---- IOMMU-like nodes ---------------------------------------------------- */

static int32_t push_iommu(struct dt_ctx *c, int node, const char *path,
			  const struct node_props *np)
{
	struct dmt_iommu *m = DMT_PUSH(c->t, iommus);
	const struct prop_ref *compat = &np->p[P_COMPATIBLE];
	uint32_t cells;
	int32_t idx;

	if (!m) {
		model_limit(c, fdt_off_dt_struct(c->fdt) + (uint64_t)node, "IOMMU");
		return -1;
	}
	idx = (int32_t)(c->t->niommus - 1);
	m->kind = DMT_IOMMU_DT;
	m->src_offset = (uint64_t)node;
	m->phandle = fdt_get_phandle(c->fdt, node);
	m->iommu_cells = cell_at(c, &np->p[P_IOMMU_CELLS], 0, &cells) &&
			 cells <= INT32_MAX ? (int32_t)cells : -1;
	m->virtio_pci_iommu = has_string(c, compat, "virtio,pci-iommu") ||
			      has_string(c, compat, "pci1af4,1057");
	m->xen_grant = has_string(c, compat, "xen,grant-dma");
	m->msi_controller = np->p[P_MSI_CONTROLLER].present;
	snprintf(m->name, sizeof(m->name), "%s", path);
	if (c->t->niommus > c->cap_ib) {
		int32_t *nb = realloc(c->iommu_bridge, c->t->cap_iommus * sizeof(*nb));

		if (!nb) {
			dmt_report(c->f, DMT_L_OutOfMemory, DMT_NO_OFFSET, "IOMMU bridge table");
			c->t->niommus--;
			return -1;
		}
		c->iommu_bridge = nb;
		c->cap_ib = c->t->cap_iommus;
	}
	c->iommu_bridge[idx] = -1;
	return idx;
}

static void node_path_of(const struct dt_ctx *c, int node, char *out, size_t outlen)
{
	if (fdt_get_path(c->fdt, node, out, (int)outlen) < 0)
		snprintf(out, outlen, "<node@0x%x>", node);
}

/* Index into t->iommus of the node with this phandle, recording the node on first
 * reference; -1 when the phandle names no node. */
static int32_t iommu_by_phandle(struct dt_ctx *c, uint32_t ph)
{
	struct phandle_ent *e = ph == 0 || ph == UINT32_MAX ? NULL : ph_find(c, ph);
	struct node_props np;
	char path[DMT_NAME_MAX];

	if (!e)
		return -1;
	if (e->iommu < 0) {
		read_props(c, e->node, &np);
		node_path_of(c, e->node, path, sizeof(path));
		e->iommu = push_iommu(c, e->node, path, &np);
	}
	return e->iommu;
}


/* ---- the walk ------------------------------------------------------------ */

struct walk_state {
	struct path_stack ps;
	uint32_t addr_cells[DT_MAX_DEPTH + 1];	/* what the node at each depth says of its children */
	uint32_t size_cells[DT_MAX_DEPTH + 1];
	struct prop_ref ranges[DT_MAX_DEPTH + 1];	/* each ancestor's `ranges` */
	int off_depth;				/* depth of the shallowest disabled ancestor, -1 */
	bool disabled;				/* the node being visited is, or is under, one */
	int pci_depth;				/* depth of the enclosing host bridge, -1 outside */
	int32_t bridge;				/* its index in t->bridges */
	size_t iommu_cursor;			/* IOMMU-like nodes met so far */
	size_t collected;			/* t->niommus after the first pass */
	bool first_pass;
	bool too_deep_reported;
};

typedef void (*visit_fn)(struct dt_ctx *c, struct walk_state *w, int node, int depth,
			 const struct node_props *np);

static void walk(struct dt_ctx *c, struct walk_state *w, visit_fn visit)
{
	struct node_props np;
	int depth = -1;	/* fdt_next_node counts the root as one level below this */

	w->pci_depth = -1;
	w->bridge = -1;
	w->off_depth = -1;
	for (int n = fdt_next_node(c->fdt, -1, &depth); n >= 0;
	     n = fdt_next_node(c->fdt, n, &depth)) {
		uint32_t v;

		if (depth < 0)
			break;
		if (depth > DT_MAX_DEPTH) {
			if (!w->too_deep_reported && !w->first_pass) {
				dmt_report(c->f, DMT_L_DTTooDeep, fdt_off_dt_struct(c->fdt) + (uint64_t)n,
					   "nodes below depth %d are not decoded", DT_MAX_DEPTH);
				w->too_deep_reported = true;
			}
			continue;
		}
		if (w->pci_depth >= 0 && depth <= w->pci_depth) {
			w->pci_depth = -1;
			w->bridge = -1;
		}
		if (w->off_depth >= 0 && depth <= w->off_depth)
			w->off_depth = -1;
		path_enter(&w->ps, c, n, depth);
		read_props(c, n, &np);
		w->addr_cells[depth] = cell_at(c, &np.p[P_ADDRESS_CELLS], 0, &v) ? v : 2;
		w->size_cells[depth] = cell_at(c, &np.p[P_SIZE_CELLS], 0, &v) ? v : 1;
		w->ranges[depth] = np.p[P_RANGES];
		if (w->off_depth < 0 && !status_okay(c, &np.p[P_STATUS]))
			w->off_depth = depth;
		w->disabled = w->off_depth >= 0;
		visit(c, w, n, depth, &np);
	}
}

static bool iommu_like(const struct node_props *np)
{
	return np->p[P_IOMMU_CELLS].present || np->p[P_MSI_CONTROLLER].present;
}

static void visit_collect(struct dt_ctx *c, struct walk_state *w, int node, int depth,
			  const struct node_props *np)
{
	uint32_t ph;
	struct phandle_ent *e;
	int32_t idx;

	(void)depth;
	if (!iommu_like(np) || c->limit_reported)
		return;
	idx = push_iommu(c, node, w->ps.buf, np);
	if (idx < 0)
		return;
	ph = fdt_get_phandle(c->fdt, node);
	e = ph ? ph_find(c, ph) : NULL;
	if (e && e->node == node)
		e->iommu = idx;
}

/* ---- host bridges -------------------------------------------------------- */

static uint64_t tag_of(const struct prop_ref *r)
{
	return r->tag;
}

static void decode_mask(struct dt_ctx *c, const struct prop_ref *r, const char *name,
			struct dmt_idmap *m)
{
	uint32_t v;

	m->mask = 0xffffffffu;
	if (!r->present)
		return;
	if (cell_at(c, r, 0, &v)) {
		m->has_mask = true;
		m->mask = v;
	}
	if (r->len != 4)
		dmt_report(c->f, DMT_L_DTMapMaskBadLength, tag_of(r),
			   "%s is %u bytes, not 4: Linux %s", name, r->len,
			   r->len < 4 ? "ignores it and uses 0xffffffff" : "uses the first cell");
}

static void decode_map(struct dt_ctx *c, const struct prop_ref *r, const struct prop_ref *mask,
		       const char *mask_name, struct dmt_idmap *m)
{
	size_t n;

	decode_mask(c, mask, mask_name, m);
	if (!r->present)
		return;
	m->present = true;
	m->raw_len = r->len;
	m->src_offset = r->val;
	n = r->len / 16;
	if (n > DMT_MAX_ITEMS) {
		model_limit(c, r->tag, "map entry");
		n = DMT_MAX_ITEMS;
	}
	if (n == 0)
		return;
	m->e = calloc(n, sizeof(*m->e));
	if (!m->e) {
		dmt_report(c->f, DMT_L_OutOfMemory, r->tag, "%zu map entries", n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct dmt_map_entry *e = &m->e[i];
		uint32_t base = (uint32_t)(4 * i);

		if (!cell_at(c, r, base, &e->id_base) || !cell_at(c, r, base + 1, &e->phandle) ||
		    !cell_at(c, r, base + 2, &e->out_base) || !cell_at(c, r, base + 3, &e->length))
			break;
		e->target = iommu_by_phandle(c, e->phandle);
		e->src_offset = r->val + 16 * (uint64_t)i;
		m->n = i + 1;
	}
}

static void decode_bus_range(struct dt_ctx *c, const struct prop_ref *r, struct dmt_dt_bridge *b)
{
	uint32_t s, e;

	b->bus_start = 0;
	b->bus_end = 0xff;
	if (!r->present)
		return;
	if (!cell_at(c, r, 0, &s) || !cell_at(c, r, 1, &e)) {
		dmt_report(c->f, DMT_L_DTBusRangeBad, r->tag,
			   "bus-range is %u bytes, not 8: Linux uses buses 0x0-0xff", r->len);
		return;
	}
	b->bus_start = s;
	b->bus_end = e;
	if (r->len != 8 || s > e || e > 0xff)
		dmt_report(c->f, DMT_L_DTBusRangeBad, r->tag,
			   "bus-range <0x%x 0x%x> (%u bytes) is not a range of 8-bit bus numbers",
			   s, e, r->len);
}

static void decode_msi_parent(struct dt_ctx *c, const struct prop_ref *r, uint32_t *ph,
			      int32_t *target)
{
	*ph = 0;
	if (target)
		*target = -1;
	if (!cell_at(c, r, 0, ph))
		return;
	{
		int32_t t = iommu_by_phandle(c, *ph);

		if (target)
			*target = t;
		if (t < 0)
			dmt_report(c->f, DMT_L_DTDanglingPhandle, r->tag,
				   "msi-parent phandle 0x%x names no node", *ph);
		else if (!c->t->iommus[t].msi_controller)
			dmt_report(c->f, DMT_L_DTMsiTargetNotController, r->tag,
				   "msi-parent %s has no msi-controller", c->t->iommus[t].name);
	}
}

static void report_path(struct dt_ctx *c, const struct walk_state *w, int node, int depth)
{
	if (w->ps.truncated[depth])
		dmt_report(c->f, DMT_L_DTPathTooLong, fdt_off_dt_struct(c->fdt) + (uint64_t)node,
			   "path kept as %s", w->ps.buf);
}

static enum dmt_dt_bus bus_of(const struct dt_ctx *c, const struct node_props *np)
{
	const struct prop_ref *compat = &np->p[P_COMPATIBLE];

	if (has_string(c, &np->p[P_DEVICE_TYPE], "pci"))
		return DMT_DT_BUS_PCI;
	if (has_string(c, compat, "fsl,qoriq-mc"))
		return DMT_DT_BUS_FSL_MC;
	/* every tegra host1x compatible reads "nvidia,tegraNNN-host1x" */
	for (uint64_t pos = 0; compat->present && pos < compat->len;) {
		const char *str = (const char *)c->fdt + compat->val + pos;
		size_t n = strnlen(str, compat->len - pos);

		if (n > 14 && n < compat->len - pos && strncmp(str, "nvidia,", 7) == 0 &&
		    strcmp(str + n - 7, "-host1x") == 0)
			return DMT_DT_BUS_HOST1X;
		pos += n + 1;
	}
	return DMT_DT_BUS_OTHER;
}

static void decode_bridge(struct dt_ctx *c, struct walk_state *w, int node, int depth,
			  const struct node_props *np)
{
	struct dmt_dt_bridge *b = DMT_PUSH(c->t, bridges);
	uint32_t v;

	if (!b) {
		model_limit(c, fdt_off_dt_struct(c->fdt) + (uint64_t)node, "host bridge");
		return;
	}
	b->bus = bus_of(c, np);
	b->disabled = w->disabled;
	if (b->bus == DMT_DT_BUS_PCI) {
		w->pci_depth = depth;
		w->bridge = (int32_t)(c->t->nbridges - 1);
	}
	report_path(c, w, node, depth);
	snprintf(b->path, sizeof(b->path), "%s", w->ps.buf);
	b->node_offset = node;
	b->msi_parent_target = -1;
	if (b->bus == DMT_DT_BUS_PCI && cell_at(c, &np->p[P_PCI_DOMAIN], 0, &v)) {
		b->has_domain = true;
		b->domain = v;
		if (v > 0xffff)
			dmt_report(c->f, DMT_L_DTDomainTruncated, np->p[P_PCI_DOMAIN].tag,
				   "linux,pci-domain 0x%x becomes 0x%x", v, v & 0xffff);
	}
	decode_bus_range(c, &np->p[P_BUS_RANGE], b);
	decode_map(c, &np->p[P_IOMMU_MAP], &np->p[P_IOMMU_MAP_MASK], "iommu-map-mask", &b->iommu_map);
	decode_map(c, &np->p[P_MSI_MAP], &np->p[P_MSI_MAP_MASK], "msi-map-mask", &b->msi_map);
	decode_msi_parent(c, &np->p[P_MSI_PARENT], &b->msi_parent, &b->msi_parent_target);
}

/* ---- platform nodes ------------------------------------------------------ */

/* n cells (1..4) at cell index i as one number, keeping the low 64 bits: no CPU bus
 * here is wider, and a PCI address's phys.hi falls off the top. */
static bool cells_u64(const struct dt_ctx *c, const struct prop_ref *r, uint32_t i, uint32_t n,
		      uint64_t *v)
{
	uint32_t lo, hi = 0;

	if (n == 0 || n > 4 || !cell_at(c, r, i + n - 1, &lo) ||
	    (n >= 2 && !cell_at(c, r, i + n - 2, &hi)))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

/* One level of of_translate_address: the bus node at depth k maps its children's
 * addresses to its parent's through `ranges` (child, parent, size triples). Empty
 * ranges is 1:1; no ranges, or no entry covering the address, is untranslatable. */
static bool translate_one(const struct dt_ctx *c, const struct walk_state *w, int k,
			  uint64_t *addr)
{
	const struct prop_ref *r = &w->ranges[k];
	uint32_t ca = w->addr_cells[k], pa = w->addr_cells[k - 1], sc = w->size_cells[k];
	uint32_t per = ca + pa + sc;

	if (!r->present)
		return false;
	if (r->len == 0)
		return true;
	if (per == 0 || ca > 4 || pa > 4 || sc > 2)
		return false;
	for (uint32_t i = 0; (uint64_t)(i + per) * 4 <= r->len; i += per) {
		uint64_t child, parent, size = 0;

		if (!cells_u64(c, r, i, ca, &child) || !cells_u64(c, r, i + ca, pa, &parent) ||
		    (sc && !cells_u64(c, r, i + ca + pa, sc, &size)))
			return false;
		if (*addr >= child && *addr - child < size) {
			*addr = *addr - child + parent;
			return true;
		}
	}
	return false;
}

static void decode_reg(struct dt_ctx *c, const struct walk_state *w, int depth,
		       const struct prop_ref *r, struct dmt_dt_node *nd)
{
	uint32_t ac = depth > 0 ? w->addr_cells[depth - 1] : 2;
	uint64_t addr;

	if (!r->present || (uint64_t)ac * 4 > r->len || !cells_u64(c, r, 0, ac, &addr))
		return;
	nd->has_reg = true;
	for (int k = depth - 1; k >= 1; k--) {
		if (!translate_one(c, w, k, &addr)) {
			nd->reg_raw_only = true;
			break;
		}
	}
	nd->reg_base = addr;
}

/* Parse `iommus` the way of_parse_phandle_with_args does: each specifier is a
 * phandle and then as many cells as the target's #iommu-cells; a phandle of 0 is an
 * empty entry. Parsing stops at the first entry Linux cannot parse. */
static void decode_iommus(struct dt_ctx *c, const struct prop_ref *r, struct dmt_dt_node *nd)
{
	uint32_t ncells = r->len / 4, i = 0;
	size_t cap = 0;

	if (!r->present)
		return;
	if (r->len % 4)
		nd->iommus_bad_length = true;
	while (i < ncells) {
		struct dmt_iommu_spec *s;
		uint32_t ph = 0, want;
		int32_t tgt;

		if (!cell_at(c, r, i, &ph))
			break;
		tgt = iommu_by_phandle(c, ph);
		if (tgt >= 0 && c->t->iommus[tgt].iommu_cells < 0) {
			dmt_report(c->f, DMT_L_DTIommuCellsMissing, r->val + 4 * (uint64_t)i,
				   "iommus target %s has no #iommu-cells", c->t->iommus[tgt].name);
			nd->iommus_bad_length = true;
			return;
		}
		want = tgt >= 0 ? (uint32_t)c->t->iommus[tgt].iommu_cells : 0;
		if (tgt >= 0 && want > ncells - i - 1) {
			dmt_report(c->f, DMT_L_DTIommusShort, r->val + 4 * (uint64_t)i,
				   "iommus entry needs %u cells after the phandle, %u remain",
				   want, ncells - i - 1);
			nd->iommus_bad_length = true;
			return;
		}
		s = dmt_push((void **)&nd->iommus, &nd->niommus, &cap, sizeof(*s));
		if (!s) {
			model_limit(c, r->tag, "iommus entry");
			return;
		}
		s->phandle = ph;
		s->target = tgt;
		s->src_offset = r->val + 4 * (uint64_t)i;
		if (tgt < 0) {
			/* Linux parses no further: of_parse_phandle_with_args fails here. */
			if (ph != 0)
				dmt_report(c->f, DMT_L_DTDanglingPhandle, s->src_offset,
					   "iommus phandle 0x%x names no node", ph);
			return;
		}
		s->ncells = want;
		for (uint32_t k = 0; k < want && k < 4; k++)
			cell_at(c, r, i + 1 + k, &s->cells[k]);
		i += 1 + want;
	}
}

/* pci_host: the node is also a host bridge, whose msi-parent is read (and linted)
 * with its maps by decode_bridge. */
static void decode_node(struct dt_ctx *c, struct walk_state *w, int node, int depth,
			const struct node_props *np, bool pci_host)
{
	struct dmt_dt_node *nd = DMT_PUSH(c->t, nodes);
	uint32_t hi;

	if (!nd) {
		model_limit(c, fdt_off_dt_struct(c->fdt) + (uint64_t)node, "node");
		return;
	}
	report_path(c, w, node, depth);
	snprintf(nd->path, sizeof(nd->path), "%s", w->ps.buf);
	nd->node_offset = node;
	nd->disabled = w->disabled;
	if (w->pci_depth < 0) {
		decode_reg(c, w, depth, &np->p[P_REG], nd);
	} else if (w->bridge >= 0 && cell_at(c, &np->p[P_REG], 0, &hi)) {
		/* PCI bus binding: phys.hi = npt000ss bbbbbbbb dddddfff rrrrrrrr */
		nd->pci_fn = true;
		nd->pci_bridge = (uint32_t)w->bridge;
		nd->pci_rid = (uint16_t)(hi >> 8);
	}
	decode_iommus(c, &np->p[P_IOMMUS], nd);
	if (!pci_host)
		decode_msi_parent(c, &np->p[P_MSI_PARENT], &nd->msi_parent, NULL);
}

/* An IOMMU node met again on the main walk: where it sits on PCI, whether usable. */
static void place_iommu(struct dt_ctx *c, struct walk_state *w, int node,
			const struct node_props *np)
{
	size_t idx = w->iommu_cursor++;
	struct dmt_iommu *m;
	uint32_t hi;

	if (idx >= w->collected || c->t->iommus[idx].src_offset != (uint64_t)node)
		return;
	m = &c->t->iommus[idx];
	/* of_iommu_xlate checks the IOMMU node's own status; whether anyone uses it
	 * decides whether that is worth a finding (lint_disabled_iommus). */
	m->disabled = !status_okay(c, &np->p[P_STATUS]);
	if (w->pci_depth < 0 || !cell_at(c, &np->p[P_REG], 0, &hi))
		return;
	m->bdf = (uint16_t)(hi >> 8);
	m->bdf_known = true;
	c->iommu_bridge[idx] = w->bridge;
}

static void visit_main(struct dt_ctx *c, struct walk_state *w, int node, int depth,
		       const struct node_props *np)
{
	bool pci_host = w->pci_depth < 0 && has_string(c, &np->p[P_DEVICE_TYPE], "pci");
	bool map_bus = w->pci_depth < 0 && (np->p[P_IOMMU_MAP].present || np->p[P_MSI_MAP].present);

	if (iommu_like(np))
		place_iommu(c, w, node, np);
	/* A host bridge is a device too: its own `iommus` (tegra, zynqmp) and reg
	 * resolve like any node's, so it is recorded before it opens the PCI scope. */
	if (pci_host || np->p[P_IOMMUS].present || np->p[P_MSI_PARENT].present ||
	    np->p[P_REG].present)
		decode_node(c, w, node, depth, np, pci_host);
	if (pci_host || map_bus)
		decode_bridge(c, w, node, depth, np);
}

/* ---- lint ---------------------------------------------------------------- */

static const char *map_name(const struct dmt_dt_bridge *b, const struct dmt_idmap *m)
{
	return m == &b->msi_map ? "msi-map" : "iommu-map";
}

/* Any domid in [lo, lo + len) that Linux, truncating to u16, would see as reserved. */
static bool domids_hit_reserved(uint64_t lo, uint64_t len)
{
	uint64_t first = lo & 0xffff;

	if (len == 0)
		return false;
	if (len >= 0x10000)
		return true;
	/* Below 0x7FF0 the run must climb through 0x7FF0 before it can wrap. */
	if (first >= XEN_DOMID_FIRST_RESERVED)
		return true;
	return first + len > XEN_DOMID_FIRST_RESERVED;
}

static void lint_xen_domids(struct dt_ctx *c, uint64_t off, uint64_t lo, uint64_t len,
			    const char *what)
{
	if (len && lo + len - 1 > 0xffff)
		dmt_report(c->f, DMT_L_DTXenDomidTruncated, off,
			   "%s: domid 0x%llx..0x%llx does not fit 16 bits", what,
			   (unsigned long long)lo, (unsigned long long)(lo + len - 1));
	if (domids_hit_reserved(lo, len))
		dmt_report(c->f, DMT_L_DTXenDomidReserved, off,
			   "%s: domids from 0x%llx (as u16 0x%llx) reach the reserved 0x7ff0..0xffff",
			   what, (unsigned long long)lo, (unsigned long long)(lo & 0xffff));
}

static void lint_entry(struct dt_ctx *c, const struct dmt_dt_bridge *b,
		       const struct dmt_idmap *m, size_t i)
{
	const struct dmt_map_entry *e = &m->e[i];
	const char *mn = map_name(b, m);
	bool is_iommu_map = m == &b->iommu_map;

	if (e->id_base & ~m->mask)
		dmt_report(c->f, DMT_L_DTMapMaskIgnoresBase, e->src_offset,
			   "%s[%zu] on %s: rid-base 0x%x has bits outside mask 0x%x", mn, i, b->path,
			   e->id_base, m->mask);
	if (e->length == 0)
		dmt_report(c->f, DMT_L_DTMapEntryEmpty, e->src_offset, "%s[%zu] on %s has length 0", mn,
			   i, b->path);
	/* Linux computes the end in u32: an end of exactly 2^32 is 0 and the entry
	 * never matches, so that counts as a wrap too. */
	if ((uint64_t)e->id_base + e->length >= 0x100000000ull)
		dmt_report(c->f, DMT_L_DTMapWrap, e->src_offset,
			   "%s[%zu]: 0x%x + 0x%x reaches 2^32", mn, i, e->id_base, e->length);
	if ((uint64_t)e->out_base + e->length > 0x100000000ull)
		dmt_report(c->f, DMT_L_DTMapOutputWrap, e->src_offset,
			   "%s[%zu]: out 0x%x + 0x%x passes 2^32", mn, i, e->out_base, e->length);
	if (e->target < 0) {
		dmt_report(c->f, DMT_L_DTDanglingPhandle, e->src_offset + 4,
			   "%s[%zu]: phandle 0x%x names no node", mn, i, e->phandle);
		return;
	}
	{
		const struct dmt_iommu *tg = &c->t->iommus[e->target];

		if (is_iommu_map && tg->iommu_cells < 0)
			dmt_report(c->f, DMT_L_DTIommuCellsMissing, e->src_offset + 4,
				   "iommu-map[%zu] target %s has no #iommu-cells", i, tg->name);
		if (!is_iommu_map && !tg->msi_controller)
			dmt_report(c->f, DMT_L_DTMsiTargetNotController, e->src_offset + 4,
				   "msi-map[%zu] target %s has no msi-controller", i, tg->name);
		if (is_iommu_map && tg->xen_grant)
			lint_xen_domids(c, e->src_offset + 8, e->out_base, e->length, "iommu-map");
	}
}

static int entry_cmp(const void *a, const void *b)
{
	const struct dmt_map_entry *x = *(const struct dmt_map_entry *const *)a;
	const struct dmt_map_entry *y = *(const struct dmt_map_entry *const *)b;

	if (x->id_base != y->id_base)
		return x->id_base < y->id_base ? -1 : 1;
	return x->src_offset < y->src_offset ? -1 : x->src_offset > y->src_offset;
}

/* Overlaps in O(n log n): sort by base and sweep, remembering the entry that
 * reaches furthest. Lengths are taken without wrap (a wrapped entry is its own finding). */
static void lint_overlap(struct dt_ctx *c, const struct dmt_dt_bridge *b, const struct dmt_idmap *m)
{
	const struct dmt_map_entry **v;
	const struct dmt_map_entry *far = NULL;
	uint64_t far_end = 0;
	size_t reported = 0;

	if (m->n < 2)
		return;
	v = calloc(m->n, sizeof(*v));
	if (!v)
		return;
	for (size_t i = 0; i < m->n; i++)
		v[i] = &m->e[i];
	qsort(v, m->n, sizeof(*v), entry_cmp);
	for (size_t i = 0; i < m->n && reported < 16; i++) {
		uint64_t end = (uint64_t)v[i]->id_base + v[i]->length;

		if (v[i]->length == 0)
			continue;
		if (far && v[i]->id_base < far_end) {
			const struct dmt_map_entry *first = far->src_offset < v[i]->src_offset ? far : v[i];
			const struct dmt_map_entry *later = first == far ? v[i] : far;

			dmt_report(c->f, DMT_L_DTMapOverlap, later->src_offset,
				   "%s[%zu] overlaps %s[%zu] (rid 0x%x..); Linux uses the first",
				   map_name(b, m), (size_t)(later - m->e), map_name(b, m),
				   (size_t)(first - m->e), v[i]->id_base);
			reported++;
		}
		if (!far || end > far_end) {
			far = v[i];
			far_end = end;
		}
	}
	free(v);
}

/* An iommu-map whose targets have #iommu-cells other than 1: Linux reads 4-cell
 * entries regardless and hands of_xlate one cell (arm-smmu takes the SMR mask from
 * stream-match-mask instead), so the answer is right; one note per map, not one per
 * entry, since shipped trees do this on purpose. */
static void lint_map_cells(struct dt_ctx *c, const struct dmt_dt_bridge *b)
{
	const struct dmt_idmap *m = &b->iommu_map;
	size_t n = 0, first = 0;

	for (size_t i = 0; i < m->n; i++) {
		const struct dmt_map_entry *e = &m->e[i];

		if (e->target < 0 || c->t->iommus[e->target].iommu_cells < 0 ||
		    c->t->iommus[e->target].iommu_cells == 1)
			continue;
		if (n++ == 0)
			first = i;
	}
	if (n)
		dmt_report(c->f, DMT_L_DTMapCellsMismatch, m->e[first].src_offset + 4,
			   "iommu-map on %s: %zu of %zu entries name a target whose #iommu-cells is not 1 (first: %s, %d); Linux reads 4-cell entries and passes one cell",
			   b->path, n, m->n, c->t->iommus[m->e[first].target].name,
			   c->t->iommus[m->e[first].target].iommu_cells);
}

static void lint_map(struct dt_ctx *c, const struct dmt_dt_bridge *b, const struct dmt_idmap *m)
{
	if (!m->present)
		return;
	if (m->raw_len == 0 || m->raw_len % 16)
		dmt_report(c->f, DMT_L_DTMapBadLength, m->src_offset - DT_FDT_PROP_HDR,
			   "%s on %s is %u bytes: Linux wants a non-zero multiple of 16",
			   map_name(b, m), b->path, m->raw_len);
	for (size_t i = 0; i < m->n; i++)
		lint_entry(c, b, m, i);
	lint_overlap(c, b, m);
	if (m == &b->iommu_map)
		lint_map_cells(c, b);
}

/* The first enabled user of IOMMU idx through `iommus` or an enabled bus's
 * iommu-map, and how many there are; msi-map and msi-parent targets are MSI
 * controllers (a GIC ITS), not IOMMUs, and do not count. */
static const char *iommu_users(const struct dt_ctx *c, int32_t idx, size_t *count)
{
	const char *first = NULL;

	*count = 0;
	for (size_t n = 0; n < c->t->nnodes; n++) {
		const struct dmt_dt_node *nd = &c->t->nodes[n];

		for (size_t k = 0; k < nd->niommus && !nd->disabled; k++) {
			if (nd->iommus[k].target != idx)
				continue;
			first = first ? first : nd->path;
			(*count)++;
			break;
		}
	}
	for (size_t i = 0; i < c->t->nbridges; i++) {
		const struct dmt_dt_bridge *b = &c->t->bridges[i];

		for (size_t k = 0; k < b->iommu_map.n && !b->disabled; k++) {
			if (b->iommu_map.e[k].target != idx)
				continue;
			first = first ? first : b->path;
			(*count)++;
			break;
		}
	}
	return first;
}

/* A disabled IOMMU matters only to the devices that name it: say which. Unused
 * disabled IOMMUs (most of them, in shipped trees) are not worth a line. */
static void lint_disabled_iommus(struct dt_ctx *c)
{
	for (size_t i = 0; i < c->t->niommus; i++) {
		const struct dmt_iommu *m = &c->t->iommus[i];
		size_t users;
		const char *first;

		if (!m->disabled)
			continue;
		first = iommu_users(c, (int32_t)i, &users);
		if (!first)
			continue;
		dmt_report(c->f, DMT_L_DTIommuDisabled, fdt_off_dt_struct(c->fdt) + m->src_offset,
			   "%s is not status = \"okay\": %s%s gets no IOMMU", m->name, first,
			   users > 1 ? " and others" : "");
	}
}

static void lint_iommus(struct dt_ctx *c)
{
	for (size_t i = 0; i < c->t->niommus; i++) {
		const struct dmt_iommu *m = &c->t->iommus[i];

		if ((m->virtio_pci_iommu || m->xen_grant) && m->iommu_cells != 1)
			dmt_report(c->f, DMT_L_DTIommuCellsNotOne,
				   fdt_off_dt_struct(c->fdt) + m->src_offset,
				   "%s (%s) has #iommu-cells = %d", m->name,
				   m->xen_grant ? "xen,grant-dma" : "virtio-iommu", m->iommu_cells);
	}
	for (size_t n = 0; n < c->t->nnodes; n++) {
		const struct dmt_dt_node *nd = &c->t->nodes[n];

		for (size_t k = 0; k < nd->niommus; k++) {
			const struct dmt_iommu_spec *s = &nd->iommus[k];

			if (s->target >= 0 && c->t->iommus[s->target].xen_grant && s->ncells >= 1)
				lint_xen_domids(c, s->src_offset + 4, s->cells[0], 1, "iommus");
		}
	}
}

static void lint_domains(struct dt_ctx *c)
{
	size_t with = 0, pci = 0, probing = 0;

	for (size_t i = 0; i < c->t->nbridges; i++) {
		const struct dmt_dt_bridge *b = &c->t->bridges[i];

		if (b->bus != DMT_DT_BUS_PCI)
			continue;
		pci++;
		probing += !b->disabled;
		if (!b->has_domain)
			continue;
		with++;
		for (size_t j = 0; j < i; j++)
			if (c->t->bridges[j].bus == DMT_DT_BUS_PCI && c->t->bridges[j].has_domain &&
			    !c->t->bridges[j].disabled && !b->disabled &&
			    (uint16_t)c->t->bridges[j].domain == (uint16_t)b->domain) {
				dmt_report(c->f, DMT_L_DTDomainDuplicate,
					   fdt_off_dt_struct(c->fdt) + (uint64_t)b->node_offset,
					   "%s and %s both claim domain 0x%x", c->t->bridges[j].path,
					   b->path, (uint16_t)b->domain);
				break;
			}
	}
	if (with && with < pci)
		dmt_report(c->f, DMT_L_DTDomainMixed, DMT_NO_OFFSET,
			   "%zu of %zu host bridges have linux,pci-domain", with, pci);
	/* Once per tree rather than once per device resolved: the binding calls
	 * probe-order numbers unstable, which matters only with several bridges. */
	if (!with && probing > 1)
		dmt_report(c->f, DMT_L_DTDomainProbeOrder, DMT_NO_OFFSET,
			   "%zu probing host bridges and none has linux,pci-domain: segments follow probe order (blob order here)",
			   probing);
}

/* Segments of PCI IOMMUs, once every bridge's domain is known; then whether a
 * bridge's iommu-map would send the IOMMU's own RID to an IOMMU. */
static void place_pci_iommus(struct dt_ctx *c)
{
	int32_t *dom;

	if (!c->t->nbridges)
		return;
	dom = calloc(c->t->nbridges, sizeof(*dom));
	if (!dom)
		return;
	dmt_dt_linux_domains(c->t, dom);
	for (size_t i = 0; i < c->t->nbridges; i++) {
		c->t->bridges[i].linux_domain = dom[i];
		c->t->bridges[i].linux_domain_kept = true;
	}
	for (size_t i = 0; i < c->t->niommus; i++) {
		struct dmt_iommu *m = &c->t->iommus[i];
		int32_t b = i < c->cap_ib ? c->iommu_bridge[i] : -1;
		int32_t tgt, entry;
		uint32_t out;

		if (!m->bdf_known || b < 0)
			continue;
		m->segment = dom[b] >= 0 ? (uint16_t)dom[b] : 0;
		if (dmt_map_id(c->t, &c->t->bridges[b].iommu_map, DMT_PROFILE_LINUX, m->bdf, -1,
			       &tgt, &out, &entry, NULL) == 0 && tgt >= 0)
			dmt_report(c->f, DMT_L_DTIommuMapsSelf, c->t->bridges[b].iommu_map.e[entry].src_offset,
				   "%s at %02x:%02x.%x is mapped by iommu-map[%d] to 0x%x",
				   m->name, m->bdf >> 8, (m->bdf >> 3) & 0x1f, m->bdf & 7, entry, out);
	}
	free(dom);
}

static void lint(struct dt_ctx *c)
{
	for (size_t i = 0; i < c->t->nbridges; i++) {
		/* Linux never probes a disabled bus and never reads its maps. */
		if (c->t->bridges[i].disabled)
			continue;
		lint_map(c, &c->t->bridges[i], &c->t->bridges[i].iommu_map);
		lint_map(c, &c->t->bridges[i], &c->t->bridges[i].msi_map);
	}
	lint_iommus(c);
	lint_disabled_iommus(c);
	lint_domains(c);
	place_pci_iommus(c);
}

/* ---- entry point --------------------------------------------------------- */

int dmt_dt_decode(const uint8_t *buf, size_t len, struct dmt_topo *t, struct dmt_findings *f)
{
	struct dt_ctx c = { .t = t, .f = f };
	struct walk_state *w;
	uint8_t *copy;

	if (!buf || !t)
		return -1;
	t->format = DMT_FMT_DTB;
	if (len > DMT_INPUT_MAX) {
		dmt_report(f, DMT_L_InputTooLarge, DMT_NO_OFFSET, "%zu bytes", len);
		return -1;
	}
	/* libfdt wants the blob 8-byte aligned; the caller's buffer need not be. The
	 * copy is padded with zeros to a whole v17 header because fdt_check_header
	 * reads one before it can compare totalsize with anything. */
	copy = calloc(len < DT_HEADER_PAD ? DT_HEADER_PAD : len, 1);
	w = calloc(1, sizeof(*w));
	if (!copy || !w) {
		free(copy);
		free(w);
		dmt_report(f, DMT_L_OutOfMemory, DMT_NO_OFFSET, "copy of a %zu-byte DTB", len);
		return -1;
	}
	memcpy(copy, buf, len);
	if (dmt_fdt_check(copy, len, f)) {
		free(copy);
		free(w);
		return -1;
	}
	c.fdt = copy;
	c.len = fdt_totalsize(copy);
	collect_phandles(&c);
	w->first_pass = true;
	walk(&c, w, visit_collect);
	w->collected = t->niommus;
	w->first_pass = false;
	w->iommu_cursor = 0;
	walk(&c, w, visit_main);
	lint(&c);
	free(c.ph);
	free(c.iommu_bridge);
	free(copy);
	free(w);
	return 0;
}
