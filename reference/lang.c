/* The topology language: one statement per line, applied to an abstract model.
 * The grammar is in vectors/README.md; every refusal names the line. */
#include "lang.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DMT_DANGLING_PHANDLE 0xdeadu

void dmt_lang_init(struct dmt_lang *l)
{
	memset(l, 0, sizeof(*l));
	dmt_topo_init(&l->topo);
	l->last_bridge = l->last_node = -1;
	l->next_phandle = 1;
}

void dmt_lang_free(struct dmt_lang *l)
{
	dmt_topo_free(&l->topo);
	free(l->raw);
	dmt_lang_init(l);
}

int dmt_lang_fail(struct dmt_lang_error *e, const struct dmt_line *ln, const char *fmt, ...)
{
	va_list ap;

	if (e) {
		e->line = ln ? ln->lineno : 0;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

int32_t dmt_lang_lookup(const struct dmt_lang *l, const char *name)
{
	for (size_t i = 0; i < l->nnames; i++)
		if (strcmp(l->names[i].name, name) == 0)
			return l->names[i].iommu;
	return -1;
}

const char *dmt_lang_name_of(const struct dmt_lang *l, int32_t iommu)
{
	for (size_t i = 0; i < l->nnames; i++)
		if (l->names[i].iommu == iommu)
			return l->names[i].name;
	return NULL;
}

static bool valid_name(const struct dmt_tok *t)
{
	if (t->n == 0 || t->n >= DMT_LANG_NAME_MAX)
		return false;
	for (size_t i = 0; i < t->n; i++) {
		char c = t->s[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

		if (!alpha && !(i > 0 && ((c >= '0' && c <= '9') || c == '-')))
			return false;
	}
	return true;
}

static bool valid_path(const struct dmt_tok *t)
{
	if (t->n == 0 || t->n >= DMT_NAME_MAX || t->s[0] != '/')
		return false;
	for (size_t i = 0; i < t->n; i++)
		if ((unsigned char)t->s[i] <= ' ' || (unsigned char)t->s[i] >= 0x7f)
			return false;
	return true;
}

/* BB:DD.F or SSSS:BB:DD.F through the device designator parser. */
static bool tok_bdf(const struct dmt_tok *t, bool allow_seg, uint16_t *seg, uint16_t *rid)
{
	char buf[24];
	struct dmt_device d;

	if (!dmt_tok_copy(t, buf, sizeof(buf)) || dmt_device_parse(buf, &d) ||
	    d.kind != DMT_DEV_PCI || d.naliases)
		return false;
	if (!allow_seg && strchr(buf, ':') != strrchr(buf, ':'))
		return false;
	if (seg)
		*seg = d.segment;
	*rid = d.rid;
	return true;
}

/* Split "A..B" into two tokens; a single value gives a == b. */
static void tok_range(const struct dmt_tok *t, struct dmt_tok *a, struct dmt_tok *b)
{
	for (size_t i = 0; i + 1 < t->n; i++) {
		if (t->s[i] == '.' && t->s[i + 1] == '.') {
			a->s = t->s;
			a->n = i;
			b->s = t->s + i + 2;
			b->n = t->n - i - 2;
			return;
		}
	}
	*a = *b = *t;
}

static int add_name(struct dmt_lang *l, const struct dmt_line *ln, const struct dmt_tok *t,
		    int32_t iommu, struct dmt_lang_error *e)
{
	char name[DMT_LANG_NAME_MAX];

	if (!valid_name(t) || !dmt_tok_copy(t, name, sizeof(name)))
		return dmt_lang_fail(e, ln, "'%.*s' is not a NAME", (int)t->n, t->s);
	if (dmt_tok_eq(t, "dangling"))
		return dmt_lang_fail(e, ln, "'dangling' is reserved for map entries that point nowhere");
	if (dmt_lang_lookup(l, name) >= 0)
		return dmt_lang_fail(e, ln, "NAME '%s' is defined twice", name);
	if (l->nnames == DMT_LANG_MAX_NAMES)
		return dmt_lang_fail(e, ln, "more than %u NAMEs", DMT_LANG_MAX_NAMES);
	strcpy(l->names[l->nnames].name, name);
	l->names[l->nnames].iommu = iommu;
	l->nnames++;
	return 0;
}

static int32_t ref_name(const struct dmt_lang *l, const struct dmt_tok *t)
{
	char name[DMT_LANG_NAME_MAX];

	if (!dmt_tok_copy(t, name, sizeof(name)))
		return -1;
	return dmt_lang_lookup(l, name);
}

static struct dmt_iommu *new_iommu(struct dmt_lang *l)
{
	struct dmt_iommu *m = DMT_PUSH(&l->topo, iommus);

	if (m) {
		m->iommu_cells = 1;
		m->phandle = l->next_phandle++;
	}
	return m;
}

/* viommu NAME pci SBDF | viommu NAME mmio ADDR */
static int st_viommu(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	struct dmt_iommu *m;
	uint64_t v;

	if (ln->ntok != 4)
		return dmt_lang_fail(e, ln, "usage: viommu NAME pci SSSS:BB:DD.F | viommu NAME mmio ADDR");
	if (add_name(l, ln, &ln->tok[1], (int32_t)l->topo.niommus, e))
		return -1;
	m = new_iommu(l);
	if (!m)
		return dmt_lang_fail(e, ln, "too many IOMMUs");
	m->virtio_pci_iommu = false;
	if (dmt_tok_eq(&ln->tok[2], "pci")) {
		if (!tok_bdf(&ln->tok[3], true, &m->segment, &m->bdf))
			return dmt_lang_fail(e, ln, "'%.*s' is not SSSS:BB:DD.F", (int)ln->tok[3].n, ln->tok[3].s);
		m->kind = DMT_IOMMU_VIRTIO_PCI;
		m->bdf_known = true;
		m->virtio_pci_iommu = true;
		snprintf(m->name, sizeof(m->name), "virtio-pci@%04x:%02x:%02x.%x", m->segment,
			 m->bdf >> 8, (m->bdf >> 3) & 0x1f, m->bdf & 7);
	} else if (dmt_tok_eq(&ln->tok[2], "mmio")) {
		if (!dmt_tok_u64(&ln->tok[3], UINT64_MAX, &v))
			return dmt_lang_fail(e, ln, "'%.*s' is not an address", (int)ln->tok[3].n, ln->tok[3].s);
		m->kind = DMT_IOMMU_VIRTIO_MMIO;
		m->base = v;
		snprintf(m->name, sizeof(m->name), "virtio-mmio@0x%llx", (unsigned long long)v);
	} else {
		return dmt_lang_fail(e, ln, "viommu transport must be pci or mmio");
	}
	l->uses_abstract = true;
	return 1;
}

/* range NAME [seg S[..E]] bdf BDF..BDF ep N */
static int st_range(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	struct dmt_pci_range r = { 0 };
	bool have_bdf = false, have_ep = false;
	struct dmt_pci_range *slot;
	struct dmt_tok a, b;
	uint64_t v1, v2;
	size_t i;

	if (ln->ntok < 2 || (r.iommu = ref_name(l, &ln->tok[1])) < 0)
		return dmt_lang_fail(e, ln, "usage: range NAME [seg S[..E]] bdf BB:DD.F..BB:DD.F ep N (NAME defined before)");
	for (i = 2; i + 1 < ln->ntok; i += 2) {
		const struct dmt_tok *k = &ln->tok[i], *val = &ln->tok[i + 1];

		tok_range(val, &a, &b);
		if (dmt_tok_eq(k, "seg")) {
			if (!dmt_tok_u64(&a, 0xffff, &v1) || !dmt_tok_u64(&b, 0xffff, &v2))
				return dmt_lang_fail(e, ln, "seg takes N or N..M, 16-bit");
			r.seg_start = (uint16_t)v1;
			r.seg_end = (uint16_t)v2;
		} else if (dmt_tok_eq(k, "bdf")) {
			if (!tok_bdf(&a, false, NULL, &r.bdf_start) || !tok_bdf(&b, false, NULL, &r.bdf_end))
				return dmt_lang_fail(e, ln, "bdf takes BB:DD.F..BB:DD.F");
			have_bdf = true;
		} else if (dmt_tok_eq(k, "ep")) {
			if (!dmt_tok_u64(val, UINT32_MAX, &v1))
				return dmt_lang_fail(e, ln, "ep takes a 32-bit endpoint ID");
			r.endpoint_start = (uint32_t)v1;
			have_ep = true;
		} else {
			return dmt_lang_fail(e, ln, "unknown range keyword '%.*s'", (int)k->n, k->s);
		}
	}
	if (i != ln->ntok || !have_bdf || !have_ep)
		return dmt_lang_fail(e, ln, "range needs bdf and ep, each with a value");
	slot = DMT_PUSH(&l->topo, ranges);
	if (!slot)
		return dmt_lang_fail(e, ln, "too many ranges");
	r.ordinal = l->next_ordinal++;
	r.active = DMT_ACTIVE_ALL;
	*slot = r;
	l->uses_abstract = true;
	return 1;
}

/* mmio-ep NAME ADDR ep N */
static int st_mmio_ep(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	struct dmt_mmio_ep *m;
	int32_t iommu;
	uint64_t addr, ep;

	if (ln->ntok != 5 || (iommu = ref_name(l, &ln->tok[1])) < 0 ||
	    !dmt_tok_u64(&ln->tok[2], UINT64_MAX, &addr) || !dmt_tok_eq(&ln->tok[3], "ep") ||
	    !dmt_tok_u64(&ln->tok[4], UINT32_MAX, &ep))
		return dmt_lang_fail(e, ln, "usage: mmio-ep NAME ADDR ep N (NAME defined before, N 32-bit)");
	m = DMT_PUSH(&l->topo, mmio);
	if (!m)
		return dmt_lang_fail(e, ln, "too many MMIO endpoints");
	m->iommu = iommu;
	m->base = addr;
	m->endpoint = (uint32_t)ep;
	m->ordinal = l->next_ordinal++;
	m->active = DMT_ACTIVE_ALL;
	l->uses_abstract = true;
	return 1;
}

/* dt-iommu NAME PATH [cells N] [xen-grant] [msi-controller] [no-phandle] */
static int st_dt_iommu(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	struct dmt_iommu *m;
	uint64_t v;

	if (ln->ntok < 3 || !valid_path(&ln->tok[2]))
		return dmt_lang_fail(e, ln, "usage: dt-iommu NAME PATH [cells N] [xen-grant] [msi-controller] [no-phandle]");
	if (add_name(l, ln, &ln->tok[1], (int32_t)l->topo.niommus, e))
		return -1;
	m = new_iommu(l);
	if (!m)
		return dmt_lang_fail(e, ln, "too many IOMMUs");
	m->kind = DMT_IOMMU_DT;
	dmt_tok_copy(&ln->tok[2], m->name, sizeof(m->name));
	for (size_t i = 3; i < ln->ntok; i++) {
		if (dmt_tok_eq(&ln->tok[i], "cells") && i + 1 < ln->ntok) {
			if (!dmt_tok_u64(&ln->tok[++i], 8, &v))
				return dmt_lang_fail(e, ln, "cells takes 0..8");
			m->iommu_cells = (int32_t)v;
		} else if (dmt_tok_eq(&ln->tok[i], "no-cells")) {
			m->iommu_cells = -1;
		} else if (dmt_tok_eq(&ln->tok[i], "xen-grant")) {
			m->xen_grant = true;
		} else if (dmt_tok_eq(&ln->tok[i], "msi-controller")) {
			m->msi_controller = true;
		} else if (dmt_tok_eq(&ln->tok[i], "no-phandle")) {
			m->phandle = 0;
		} else {
			return dmt_lang_fail(e, ln, "unknown dt-iommu keyword '%.*s'", (int)ln->tok[i].n, ln->tok[i].s);
		}
	}
	l->uses_dt = true;
	return 1;
}

/* bridge PATH [domain N] [bus N..M] */
static int st_bridge(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	struct dmt_dt_bridge *b;
	struct dmt_tok lo, hi;
	uint64_t v1, v2;

	if (ln->ntok < 2 || ln->ntok % 2 || !valid_path(&ln->tok[1]))
		return dmt_lang_fail(e, ln, "usage: bridge PATH [domain N] [bus N..M]");
	b = DMT_PUSH(&l->topo, bridges);
	if (!b)
		return dmt_lang_fail(e, ln, "too many bridges");
	dmt_tok_copy(&ln->tok[1], b->path, sizeof(b->path));
	b->bus_end = 0xff;
	b->msi_parent_target = -1;
	b->iommu_map.mask = b->msi_map.mask = 0xffffffffu;
	for (size_t i = 2; i + 1 < ln->ntok; i += 2) {
		if (dmt_tok_eq(&ln->tok[i], "domain")) {
			if (!dmt_tok_u64(&ln->tok[i + 1], UINT32_MAX, &v1))
				return dmt_lang_fail(e, ln, "domain takes a 32-bit number");
			b->has_domain = true;
			b->domain = (uint32_t)v1;
		} else if (dmt_tok_eq(&ln->tok[i], "bus")) {
			tok_range(&ln->tok[i + 1], &lo, &hi);
			if (!dmt_tok_u64(&lo, 0xff, &v1) || !dmt_tok_u64(&hi, 0xff, &v2))
				return dmt_lang_fail(e, ln, "bus takes N..M, 0..0xff");
			b->bus_start = (uint32_t)v1;
			b->bus_end = (uint32_t)v2;
		} else {
			return dmt_lang_fail(e, ln, "unknown bridge keyword '%.*s'", (int)ln->tok[i].n, ln->tok[i].s);
		}
	}
	l->last_bridge = (int32_t)(l->topo.nbridges - 1);
	l->last_node = -1;
	l->uses_dt = true;
	return 1;
}

/* iommu-map / msi-map RID NAME OUT LEN on the last bridge */
static int st_map(struct dmt_lang *l, const struct dmt_line *ln, bool msi,
		  struct dmt_lang_error *e)
{
	struct dmt_idmap *m;
	struct dmt_map_entry *ne;
	uint64_t rid, out, len;
	int32_t target = -1;
	uint32_t phandle = DMT_DANGLING_PHANDLE;

	if (l->last_bridge < 0)
		return dmt_lang_fail(e, ln, "%s needs a bridge statement before it", msi ? "msi-map" : "iommu-map");
	if (ln->ntok != 5 || !dmt_tok_u64(&ln->tok[1], UINT32_MAX, &rid) ||
	    !dmt_tok_u64(&ln->tok[3], UINT32_MAX, &out) || !dmt_tok_u64(&ln->tok[4], UINT32_MAX, &len))
		return dmt_lang_fail(e, ln, "usage: %s RID NAME OUT LEN (32-bit numbers)", msi ? "msi-map" : "iommu-map");
	if (!dmt_tok_eq(&ln->tok[2], "dangling")) {
		target = ref_name(l, &ln->tok[2]);
		if (target < 0)
			return dmt_lang_fail(e, ln, "unknown NAME '%.*s' (or write 'dangling')", (int)ln->tok[2].n, ln->tok[2].s);
		phandle = l->topo.iommus[target].phandle;
	}
	m = msi ? &l->topo.bridges[l->last_bridge].msi_map : &l->topo.bridges[l->last_bridge].iommu_map;
	if (m->n >= 4096)
		return dmt_lang_fail(e, ln, "more than 4096 map entries");
	ne = realloc(m->e, (m->n + 1) * sizeof(*ne));
	if (!ne)
		return dmt_lang_fail(e, ln, "out of memory");
	m->e = ne;
	memset(&ne[m->n], 0, sizeof(ne[m->n]));
	ne[m->n].id_base = (uint32_t)rid;
	ne[m->n].phandle = phandle;
	ne[m->n].out_base = (uint32_t)out;
	ne[m->n].length = (uint32_t)len;
	ne[m->n].target = target;
	m->n++;
	m->present = true;
	m->raw_len = (uint32_t)(m->n * 16);
	l->uses_dt = true;
	return 1;
}

static int st_map_mask(struct dmt_lang *l, const struct dmt_line *ln, bool msi,
		       struct dmt_lang_error *e)
{
	struct dmt_idmap *m;
	uint64_t v;

	if (l->last_bridge < 0)
		return dmt_lang_fail(e, ln, "a map mask needs a bridge statement before it");
	if (ln->ntok != 2 || !dmt_tok_u64(&ln->tok[1], UINT32_MAX, &v))
		return dmt_lang_fail(e, ln, "usage: %s MASK (32-bit)", msi ? "msi-map-mask" : "iommu-map-mask");
	m = msi ? &l->topo.bridges[l->last_bridge].msi_map : &l->topo.bridges[l->last_bridge].iommu_map;
	m->has_mask = true;
	m->mask = (uint32_t)v;
	l->uses_dt = true;
	return 1;
}

static int st_msi_parent(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	int32_t target;

	if (ln->ntok != 2 || (target = ref_name(l, &ln->tok[1])) < 0)
		return dmt_lang_fail(e, ln, "usage: msi-parent NAME (NAME defined before)");
	if (l->last_node >= 0) {
		l->topo.nodes[l->last_node].msi_parent = l->topo.iommus[target].phandle;
	} else if (l->last_bridge >= 0) {
		l->topo.bridges[l->last_bridge].msi_parent = l->topo.iommus[target].phandle;
		l->topo.bridges[l->last_bridge].msi_parent_target = target;
	} else {
		return dmt_lang_fail(e, ln, "msi-parent needs a bridge or node statement before it");
	}
	l->uses_dt = true;
	return 1;
}

/* node PATH [reg ADDR] */
static int st_node(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	struct dmt_dt_node *n;
	uint64_t v;

	if ((ln->ntok != 2 && ln->ntok != 4) || !valid_path(&ln->tok[1]))
		return dmt_lang_fail(e, ln, "usage: node PATH [reg ADDR]");
	n = DMT_PUSH(&l->topo, nodes);
	if (!n)
		return dmt_lang_fail(e, ln, "too many nodes");
	dmt_tok_copy(&ln->tok[1], n->path, sizeof(n->path));
	if (ln->ntok == 4) {
		if (!dmt_tok_eq(&ln->tok[2], "reg") || !dmt_tok_u64(&ln->tok[3], UINT64_MAX, &v))
			return dmt_lang_fail(e, ln, "usage: node PATH [reg ADDR]");
		n->has_reg = true;
		n->reg_base = v;
	}
	l->last_node = (int32_t)(l->topo.nnodes - 1);
	l->last_bridge = -1;
	l->uses_dt = true;
	return 1;
}

/* iommus NAME [CELL...] on the last node */
static int st_iommus(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	struct dmt_dt_node *n;
	struct dmt_iommu_spec *s;
	int32_t target = -1;
	uint64_t v;

	if (l->last_node < 0)
		return dmt_lang_fail(e, ln, "iommus needs a node statement before it");
	if (ln->ntok < 2 || ln->ntok > 6)
		return dmt_lang_fail(e, ln, "usage: iommus NAME [CELL...] (at most 4 cells)");
	if (!dmt_tok_eq(&ln->tok[1], "dangling") && (target = ref_name(l, &ln->tok[1])) < 0)
		return dmt_lang_fail(e, ln, "unknown NAME '%.*s'", (int)ln->tok[1].n, ln->tok[1].s);
	n = &l->topo.nodes[l->last_node];
	if (n->niommus > DMT_MAX_IDS)
		return dmt_lang_fail(e, ln, "more than %d iommus specifiers", DMT_MAX_IDS + 1);
	s = realloc(n->iommus, (n->niommus + 1) * sizeof(*s));
	if (!s)
		return dmt_lang_fail(e, ln, "out of memory");
	n->iommus = s;
	s = &n->iommus[n->niommus++];
	memset(s, 0, sizeof(*s));
	s->target = target;
	s->phandle = target >= 0 ? l->topo.iommus[target].phandle : DMT_DANGLING_PHANDLE;
	for (size_t i = 2; i < ln->ntok; i++) {
		if (!dmt_tok_u64(&ln->tok[i], UINT32_MAX, &v))
			return dmt_lang_fail(e, ln, "cells are 32-bit numbers");
		s->cells[s->ncells++] = (uint32_t)v;
	}
	l->uses_dt = true;
	return 1;
}

static int parse_format(const struct dmt_tok *t, enum dmt_format *f)
{
	char word[8];

	return dmt_tok_copy(t, word, sizeof(word)) ? dmt_format_parse(word, f) : -1;
}

/* Append the bytes a hex token spells; even digit count, no 0x. */
static int hex_bytes(const struct dmt_tok *t, uint8_t *out, size_t cap, size_t *n)
{
	if (t->n % 2)
		return -1;
	for (size_t i = 0; i < t->n; i += 2) {
		int hi = dmt_hex_digit(t->s[i]), lo = dmt_hex_digit(t->s[i + 1]);

		if (hi < 0 || lo < 0 || *n == cap)
			return -1;
		out[(*n)++] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int st_raw(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	if (ln->ntok != 2 || parse_format(&ln->tok[1], &l->raw_format))
		return dmt_lang_fail(e, ln, "usage: raw viot|vtopo|dtb");
	return 1;
}

static int st_hex(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	if (l->raw_format == DMT_FMT_UNKNOWN)
		return dmt_lang_fail(e, ln, "hex lines need a raw statement before them");
	for (size_t i = 1; i < ln->ntok; i++) {
		int r = dmt_reserve((void **)&l->raw, &l->raw_cap, l->raw_len + ln->tok[i].n / 2, 256,
				    DMT_LANG_RAW_MAX);

		if (r)
			return r == -1 ? dmt_lang_fail(e, ln, "raw input larger than %u bytes", DMT_LANG_RAW_MAX)
				       : dmt_lang_fail(e, ln, "out of memory");
		if (hex_bytes(&ln->tok[i], l->raw, l->raw_cap, &l->raw_len))
			return dmt_lang_fail(e, ln, "'%.*s' is not an even number of hex digits", (int)ln->tok[i].n, ln->tok[i].s);
	}
	return 1;
}

/* patch ENCODING OFFSET HEXBYTES... */
static int st_patch(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	struct dmt_lang_patch *p;
	uint64_t off;

	if (l->npatches == DMT_LANG_MAX_PATCHES)
		return dmt_lang_fail(e, ln, "more than %u patches", DMT_LANG_MAX_PATCHES);
	p = &l->patches[l->npatches];
	memset(p, 0, sizeof(*p));
	if (ln->ntok < 4 || parse_format(&ln->tok[1], &p->enc) ||
	    !dmt_tok_u64(&ln->tok[2], DMT_INPUT_MAX, &off))
		return dmt_lang_fail(e, ln, "usage: patch viot|vtopo|dtb OFFSET HEXBYTES...");
	p->offset = (uint32_t)off;
	for (size_t i = 3; i < ln->ntok; i++)
		if (hex_bytes(&ln->tok[i], p->bytes, sizeof(p->bytes), &p->n))
			return dmt_lang_fail(e, ln, "patch bytes: even hex digits, at most %u bytes", DMT_LANG_PATCH_BYTES);
	l->npatches++;
	return 1;
}

struct stmt {
	const char *word;
	int (*fn)(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e);
};

static int st_iommu_map(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	return st_map(l, ln, false, e);
}

static int st_msi_map(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	return st_map(l, ln, true, e);
}

static int st_iommu_map_mask(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	return st_map_mask(l, ln, false, e);
}

static int st_msi_map_mask(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	return st_map_mask(l, ln, true, e);
}

static int st_fix_checksum(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	if (ln->ntok != 1)
		return dmt_lang_fail(e, ln, "fix-checksum takes no arguments");
	l->fix_checksum = true;
	return 1;
}

static const struct stmt statements[] = {
	{ "viommu", st_viommu },
	{ "range", st_range },
	{ "mmio-ep", st_mmio_ep },
	{ "dt-iommu", st_dt_iommu },
	{ "bridge", st_bridge },
	{ "iommu-map", st_iommu_map },
	{ "iommu-map-mask", st_iommu_map_mask },
	{ "msi-map", st_msi_map },
	{ "msi-map-mask", st_msi_map_mask },
	{ "msi-parent", st_msi_parent },
	{ "node", st_node },
	{ "iommus", st_iommus },
	{ "raw", st_raw },
	{ "hex", st_hex },
	{ "patch", st_patch },
	{ "fix-checksum", st_fix_checksum },
};

int dmt_lang_stmt(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	if (ln->too_long)
		return dmt_lang_fail(e, ln, "line longer than %u bytes", DMT_LINE_MAX);
	if (ln->too_many)
		return dmt_lang_fail(e, ln, "more than %u tokens on a line", DMT_TOK_MAX);
	if (ln->ntok == 0)
		return 1;
	for (size_t i = 0; i < sizeof(statements) / sizeof(statements[0]); i++)
		if (dmt_tok_eq(&ln->tok[0], statements[i].word))
			return statements[i].fn(l, ln, e);
	return 0;
}

int dmt_lang_finish(struct dmt_lang *l, struct dmt_lang_error *e)
{
	if (l->raw_format != DMT_FMT_UNKNOWN) {
		if (l->uses_abstract || l->uses_dt)
			return dmt_lang_fail(e, NULL, "a raw input cannot also have topology statements");
		return 0;
	}
	if (!l->uses_abstract && !l->uses_dt)
		return dmt_lang_fail(e, NULL, "no topology: no viommu, range, mmio-ep, bridge, node or raw statement");
	return 0;
}
