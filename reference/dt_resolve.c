/* Device-tree resolution: which IOMMU and endpoint IDs Linux 6.1's
 * of_iommu_configure() gives a device, and which MSI ID its msi-map yields.
 *
 * PCI (drivers/iommu/of_iommu.c, drivers/pci/search.c):
 * - The host bridge is the first whose domain equals the segment and whose
 *   bus-range holds the bus. Domains follow of_pci_bus_find_domain_nr(): a
 *   linux,pci-domain is taken as u16 and a repeated one makes the later bridge
 *   fail to probe; bridges without one get the lowest number no bridge claims,
 *   in blob order (standing in for probe order). `spec` does the same but flags
 *   an unnumbered bridge as AmbiguousMatch when there is more than one bridge,
 *   since the binding calls such numbers unstable.
 * - pci_for_each_dma_alias visits the RID then each alias; the callback maps the
 *   16-bit RID through iommu-map. Any non-zero return stops the walk, and Linux
 *   then gives the device no IOMMU: an error (-EINVAL, -EFAULT), a dangling
 *   phandle (-ENODEV turned into NO_IOMMU) and a bypass (no target, so
 *   of_iommu_xlate returns NO_IOMMU) all end it. IDs added before the stop are
 *   left in the answer (the kernel's fwspec saw them) but `found` is false.
 *   `spec` instead keeps every RID that maps and reports AmbiguousMatch when
 *   some RIDs map and others bypass.
 * - RIDs reaching a different IOMMU: iommu_fwspec_init accepts the same driver
 *   (the ID lands on the first IOMMU) and refuses another (-EINVAL). Two targets
 *   count as one driver when their virtio-iommu and xen,grant-dma kinds agree.
 * - The IOMMU never translates itself: a device whose segment:RID is a PCI
 *   IOMMU's gets IommuIsSelf before any map is read.
 * - MSI: pci_msi_domain_get_msi_rid takes an alias only across a bus or from a
 *   bridge (msi_rid below). Then of_msi_map_id: a lookup error or a bypass leaves
 *   the RID unchanged; without msi-map the DeviceID is the RID (msi-parent alone).
 * Platform (of_iommu_configure_dev): every `iommus` specifier adds its first cell
 * as an ID; parsing stops at the first entry of_parse_phandle_with_args rejects,
 * keeping the IDs already added.
 * xen,grant-dma targets: the ID is the backend domid. Linux's IOMMU layer itself
 * gives NO_IOMMU (the grant-dma-iommu stub has no of_xlate) and grant-dma-ops reads
 * the device RID (PCI, no alias) or `iommus` entry 0 (platform) into a u16 domid_t,
 * so the walk stops after that one ID and `linux` truncates it to 16 bits. */
#include "dmatopo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The static domains (linux,pci-domain of every PCI node, disabled ones
 * included), sorted and unique, each with whether a probing bridge took it. A
 * sorted list instead of two 64K-bit maps: this runs once per PCI lookup, and
 * clearing 16 KB each time was most of a DTB lookup's cost. */
struct static_doms {
	uint16_t *v;
	bool *claimed;
	size_t n;
};

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x > y) - (x < y);
}

/* Trees have a handful of static domains: insertion sort spares qsort's setup,
 * which dominated here; a long list still goes to qsort. */
static void sort_u16(uint16_t *v, size_t n)
{
	if (n > 16) {
		qsort(v, n, sizeof(*v), cmp_u16);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		uint16_t x = v[i];
		size_t j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void static_doms_fill(const struct dmt_topo *t, struct static_doms *s)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nbridges; i++)
		if (t->bridges[i].bus == DMT_DT_BUS_PCI && t->bridges[i].has_domain)
			s->v[n++] = (uint16_t)t->bridges[i].domain;
	sort_u16(s->v, n);
	s->n = 0;
	for (size_t i = 0; i < n; i++)
		if (s->n == 0 || s->v[s->n - 1] != s->v[i])
			s->v[s->n++] = s->v[i];
	memset(s->claimed, 0, s->n * sizeof(*s->claimed));
}

/* A static domain goes to the first probing bridge that asks for it. */
static bool static_dom_take(struct static_doms *s, uint16_t d)
{
	const uint16_t *at = bsearch(&d, s->v, s->n, sizeof(*s->v), cmp_u16);
	bool *c = &s->claimed[at - s->v];	/* every static value is in the list */
	bool first = !*c;

	*c = true;
	return first;
}

/* The dynamic IDA hands out the lowest number neither reserved statically nor
 * handed out before: next only grows, stepping over the sorted static values. */
static int32_t dynamic_dom_next(const struct static_doms *s, size_t *pos, uint32_t *next)
{
	while (*next < 0x10000 && *pos < s->n && s->v[*pos] == *next) {
		(*next)++;
		(*pos)++;
	}
	if (*next >= 0x10000)
		return -1;
	return (int32_t)(*next)++;
}

/* Bridges beyond this take the heap for the static-domain list. */
#define DOMS_ON_STACK 32

/* of_pci_bus_find_domain_nr, run for the bridges that probe, in blob order:
 * - first, every PCI node's linux,pci-domain is reserved in the dynamic IDA,
 *   disabled bridges' included (of_pci_reserve_static_domain_nr walks all
 *   device_type "pci" nodes);
 * - a probing bridge with linux,pci-domain takes it from the static IDA, where a
 *   repeat fails (-1: the bridge does not probe);
 * - a probing bridge without one takes the lowest number the dynamic IDA has free.
 * A disabled bridge, or a bus that is not PCI, gets no domain. */
static void number_domains(const struct dmt_topo *t, int32_t *dom)
{
	uint16_t v_stack[DOMS_ON_STACK];
	bool c_stack[DOMS_ON_STACK];
	bool heap = t->nbridges > DOMS_ON_STACK;
	struct static_doms s = {
		.v = heap ? malloc(t->nbridges * sizeof(*s.v)) : v_stack,
		.claimed = heap ? malloc(t->nbridges * sizeof(*s.claimed)) : c_stack,
	};
	uint32_t next = 0;
	size_t pos = 0;

	for (size_t i = 0; i < t->nbridges; i++)
		dom[i] = -1;
	if (!s.v || !s.claimed) {
		for (size_t i = 0; i < t->nbridges; i++)
			if (t->bridges[i].bus == DMT_DT_BUS_PCI && !t->bridges[i].disabled &&
			    t->bridges[i].has_domain)
				dom[i] = (uint16_t)t->bridges[i].domain;
		goto out;
	}
	static_doms_fill(t, &s);
	for (size_t i = 0; i < t->nbridges; i++) {
		const struct dmt_dt_bridge *b = &t->bridges[i];

		if (b->bus != DMT_DT_BUS_PCI || b->disabled)
			continue;
		if (b->has_domain)
			dom[i] = static_dom_take(&s, (uint16_t)b->domain) ? (uint16_t)b->domain : -1;
		else
			dom[i] = dynamic_dom_next(&s, &pos, &next);
	}
out:
	if (heap) {
		free(s.v);
		free(s.claimed);
	}
}

void dmt_dt_linux_domains(const struct dmt_topo *t, int32_t *dom)
{
	if (!t->nbridges || !t->bridges[0].linux_domain_kept) {
		number_domains(t, dom);
		return;
	}
	for (size_t i = 0; i < t->nbridges; i++)
		dom[i] = t->bridges[i].linux_domain;
}

static enum dmt_label reason_of(int rc)
{
	switch (rc) {
	case -EINVAL: return DMT_L_DTMapBadLength;
	case -EFAULT: return DMT_L_DTMapMaskIgnoresBase;
	case -ENODEV: return DMT_L_DTDanglingPhandle;
	case -ERANGE: return DMT_L_DTMapOutputWrap;
	default: return DMT_L_IommuUnavailable;
	}
}

static bool same_driver(const struct dmt_iommu *a, const struct dmt_iommu *b)
{
	return a->virtio_pci_iommu == b->virtio_pci_iommu && a->xen_grant == b->xen_grant;
}

/* May an ID for `target` join an answer whose first IOMMU is a->iommu?
 * iommu_fwspec_init accepts a second IOMMU of the same driver (its of_xlate then
 * sees that IOMMU's specifier) and refuses another driver with -EINVAL. `iommus`
 * naming several IOMMUs is the binding's "multiple master interfaces (to one or
 * more IOMMU devices)", so only RIDs and aliases reaching different IOMMUs are a
 * conflict worth a finding. Returns 0 or -EINVAL. */
static int join_target(const struct dmt_topo *t, enum dmt_profile p, const struct dmt_answer *a,
		       int32_t target, const char *via, uint64_t off, bool multi_master,
		       struct dmt_findings *f)
{
	bool same = same_driver(&t->iommus[target], &t->iommus[a->iommu]);
	bool ok = multi_master ? (p == DMT_PROFILE_SPEC || same) : (p == DMT_PROFILE_LINUX && same);

	if (multi_master && same)
		return 0;
	/* The binding allows it, Linux does not: say so under both profiles. */
	if (multi_master) {
		dmt_report(f, DMT_L_DTIommusMixedDrivers, off,
			   "%s names %s, another driver than %s's: iommu_fwspec_init refuses it%s", via,
			   t->iommus[target].name, a->iommu_name,
			   ok ? "" : " and the device gets no IOMMU");
		return ok ? 0 : -EINVAL;
	}
	dmt_report(f, DMT_L_DTAliasIommuConflict, off, "%s leads to %s, but earlier IDs went to %s%s",
		   via, t->iommus[target].name, a->iommu_name,
		   ok ? "; Linux files the ID under the first" : "");
	return ok ? 0 : -EINVAL;
}

/* The IOMMU a specifier or map entry names, the way iommu_fwspec_init takes it:
 * the first one is the device's. Returns 0, or -EINVAL when refused. */
static int claim_iommu(const struct dmt_topo *t, enum dmt_profile p, struct dmt_answer *a,
		       int32_t target, const char *via, uint64_t off, bool multi_master,
		       struct dmt_findings *f)
{
	if (a->iommu < 0) {
		a->iommu = target;
		snprintf(a->iommu_name, sizeof(a->iommu_name), "%s", t->iommus[target].name);
		return 0;
	}
	return target == a->iommu ? 0 : join_target(t, p, a, target, via, off, multi_master, f);
}

/* Add one endpoint ID the way iommu_fwspec_init + of_xlate would. Returns 0, or
 * -EINVAL when the target's driver differs from the first one's. */
static int add_id(const struct dmt_topo *t, enum dmt_profile p, struct dmt_answer *a,
		  int32_t target, uint32_t id, const char *via, uint64_t off, bool multi_master,
		  struct dmt_findings *f)
{
	if (claim_iommu(t, p, a, target, via, off, multi_master, f))
		return -EINVAL;
	if (a->nids == DMT_MAX_IDS) {
		dmt_report(f, DMT_L_TooManyIds, off, "more than %d IDs; %s dropped", DMT_MAX_IDS, via);
		return 0;
	}
	/* grant-dma-ops keeps the backend domid in a domid_t. */
	a->ids[a->nids] = p == DMT_PROFILE_LINUX && t->iommus[target].xen_grant ? (uint16_t)id : id;
	a->id_iommu[a->nids] = target;
	a->id_ncells[a->nids] = 1;
	snprintf(a->via[a->nids], DMT_VIA_MAX, "%s", via);
	a->nids++;
	return 0;
}

/* ---- PCI ----------------------------------------------------------------- */

/* The host bridge a PCI device sits under: the probing one whose domain is the
 * segment and whose bus-range holds the bus. `spec` takes a linux,pci-domain as
 * written; without one both profiles number bridges in probe (blob) order, which
 * the binding calls unstable: lint's bridge summary says so once per tree. */
static bool bus_candidate(const struct dmt_topo *t, uint8_t bus)
{
	for (size_t i = 0; i < t->nbridges; i++)
		if (bus >= t->bridges[i].bus_start && bus <= t->bridges[i].bus_end)
			return true;
	return false;
}

static int32_t find_bridge(const struct dmt_topo *t, enum dmt_profile p,
			   const struct dmt_device *d)
{
	int32_t stack[DOMS_ON_STACK];
	uint8_t bus = (uint8_t)(d->rid >> 8);
	int32_t *dom, found = -1;

	/* Numbering the domains costs more than the rest of a lookup: not when no
	 * bridge's bus range can hold the device anyway. */
	if (!bus_candidate(t, bus))
		return -1;
	dom = t->nbridges <= DOMS_ON_STACK ? stack : calloc(t->nbridges, sizeof(*dom));
	if (!dom)
		return -1;
	dmt_dt_linux_domains(t, dom);
	for (size_t i = 0; i < t->nbridges && found < 0; i++) {
		const struct dmt_dt_bridge *b = &t->bridges[i];
		bool dom_ok = p == DMT_PROFILE_SPEC && b->has_domain && dom[i] >= 0
				      ? b->domain == d->segment
				      : dom[i] == d->segment;

		if (dom_ok && bus >= b->bus_start && bus <= b->bus_end)
			found = (int32_t)i;
	}
	if (dom != stack)
		free(dom);
	return found;
}

static bool is_self(const struct dmt_topo *t, const struct dmt_device *d)
{
	for (size_t i = 0; i < t->niommus; i++)
		if (t->iommus[i].bdf_known && t->iommus[i].segment == d->segment &&
		    t->iommus[i].bdf == d->rid)
			return true;
	return false;
}

static void map_via(char *out, const char *name, const struct dmt_idmap *m, int32_t entry)
{
	snprintf(out, DMT_VIA_MAX, "%s[%d]@0x%llx", name, entry,
		 (unsigned long long)m->e[entry].src_offset);
}

/* pci_msi_domain_get_msi_rid: get_msi_id_cb starts from the device's RID and
 * takes an alias when the device visited (pdev) or the alias sits on another bus
 * than the RID held so far. A bridge's alias always has pdev on another bus; the
 * device's own quirk aliases (pdev = the device) switch only across buses. The
 * device string does not say who made an alias, so a same-bus alias is taken as
 * a PCIe-to-PCI bridge's exactly when it has devfn 0 and the device does not sit
 * in slot 0 (where a function-0 alias is the usual quirk): a limit of the model. */
static uint16_t msi_rid(const struct dmt_device *d)
{
	uint16_t rid = d->rid;

	for (size_t i = 0; i < d->naliases; i++) {
		uint16_t al = d->aliases[i];
		bool other_bus = (al >> 8) != (rid >> 8);
		bool bridge_alias = (al >> 8) == (d->rid >> 8) && (al & 0xff) == 0 &&
				    (d->rid & 0xf8) != 0;

		if (other_bus || bridge_alias)
			rid = al;
	}
	return rid;
}

static void resolve_msi(const struct dmt_topo *t, enum dmt_profile p,
			const struct dmt_dt_bridge *b, const struct dmt_device *d,
			struct dmt_answer *a, struct dmt_findings *f)
{
	uint16_t rid = msi_rid(d);
	int32_t tgt, entry;
	uint32_t out;
	int rc;

	if (!b->msi_map.present) {
		/* msi-parent alone: of_msi_map_id finds no map and the DeviceID is the RID */
		if (b->msi_parent_target >= 0) {
			a->has_msi = true;
			a->msi_id = rid;
			snprintf(a->msi_via, DMT_VIA_MAX, "identity (msi-parent, no msi-map)");
		}
		return;
	}
	rc = dmt_map_id(t, &b->msi_map, p, rid, -1, &tgt, &out, &entry, f);
	/* The first match picks the MSI domain; a target that is no MSI controller has
	 * none, the bus falls back to msi-parent's, and of_msi_map_id then looks for
	 * entries naming that controller only. */
	if (rc == 0 && tgt >= 0 && !t->iommus[tgt].msi_controller && b->msi_parent_target >= 0)
		rc = dmt_map_id(t, &b->msi_map, p, rid, b->msi_parent_target, &tgt, &out,
				&entry, f);
	a->has_msi = true;
	if (rc == 0 && tgt >= 0) {
		a->msi_id = out;
		map_via(a->msi_via, "msi-map", &b->msi_map, entry);
	} else {
		a->msi_id = rid;
		snprintf(a->msi_via, DMT_VIA_MAX, rc ? "identity (msi-map error %d)"
					     : "identity (no msi-map entry)", rc);
	}
}

/* One RID through iommu-map. >0: stop without IOMMU, <0: error, 0: continue. */
static int map_one_rid(const struct dmt_topo *t, enum dmt_profile p,
		       const struct dmt_dt_bridge *b, uint16_t rid, struct dmt_answer *a,
		       struct dmt_findings *f)
{
	int32_t tgt, entry;
	uint32_t out;
	char via[DMT_VIA_MAX];
	int rc = dmt_map_id(t, &b->iommu_map, p, rid, -1, &tgt, &out, &entry, f);

	if (rc) {
		a->reason = reason_of(rc);
		return rc;
	}
	if (tgt < 0) {
		a->reason = DMT_L_NoTranslation;
		return 1;
	}
	if (t->iommus[tgt].disabled) {
		/* of_iommu_xlate: an unavailable IOMMU node is NO_IOMMU for the device. */
		a->reason = DMT_L_IommuUnavailable;
		return -ENODEV;
	}
	map_via(via, "iommu-map", &b->iommu_map, entry);
	if (add_id(t, p, a, tgt, out, via, b->iommu_map.e[entry].src_offset, false, f)) {
		a->reason = DMT_L_DTAliasIommuConflict;
		return -EINVAL;
	}
	return 0;
}

static void walk_aliases(const struct dmt_topo *t, enum dmt_profile p,
			 const struct dmt_dt_bridge *b, const struct dmt_device *d,
			 struct dmt_answer *a, struct dmt_findings *f)
{
	size_t bypassed = 0;

	for (size_t i = 0; i <= d->naliases; i++) {
		uint16_t rid = i == 0 ? d->rid : d->aliases[i - 1];
		int rc = map_one_rid(t, p, b, rid, a, f);

		if (rc < 0)
			return;
		if (rc > 0 && p == DMT_PROFILE_LINUX)
			return;
		bypassed += rc > 0;
		if (rc == 0 && a->nids && t->iommus[a->iommu].xen_grant)
			break;	/* grant DMA reads the device RID only */
	}
	if (p == DMT_PROFILE_SPEC && bypassed && a->nids)
		dmt_report(f, DMT_L_AmbiguousMatch, b->iommu_map.src_offset,
			   "%zu of the device's %zu RIDs bypass the map while the others map",
			   bypassed, d->naliases + 1);
	a->found = a->nids > 0;
	if (a->found)
		a->reason = DMT_L_NONE;
}

/* Under Linux a virtio-iommu whose own RID its bridge's iommu-map sends to
 * itself never probes: of_iommu_xlate finds no ops for it yet and defers, and
 * every device behind it then waits for those ops forever (measured by the
 * replay on 6.1). True when IOMMU x is in that state. */
static bool iommu_defers_forever(const struct dmt_topo *t, int32_t x)
{
	const struct dmt_iommu *m = &t->iommus[x];
	struct dmt_device self = { .kind = DMT_DEV_PCI };
	int32_t bi, tgt, entry;
	uint32_t out;

	if (!m->virtio_pci_iommu || !m->bdf_known)
		return false;
	self.segment = m->segment;
	self.rid = m->bdf;
	bi = find_bridge(t, DMT_PROFILE_LINUX, &self);
	if (bi < 0 || !t->bridges[bi].iommu_map.present)
		return false;
	return dmt_map_id(t, &t->bridges[bi].iommu_map, DMT_PROFILE_LINUX, m->bdf, -1, &tgt, &out,
			  &entry, NULL) == 0 && tgt == x;
}

/* The answer Linux gives once the IOMMU is known: none when it never probes. */
static void check_deferral(const struct dmt_topo *t, enum dmt_profile p, struct dmt_answer *a,
			   struct dmt_findings *f)
{
	if (p != DMT_PROFILE_LINUX || !a->found || a->iommu < 0 || !iommu_defers_forever(t, a->iommu))
		return;
	dmt_report(f, DMT_L_DTIommuProbeDeferred, t->iommus[a->iommu].src_offset,
		   "%s maps its own RID 0x%x through itself: its probe defers forever",
		   t->iommus[a->iommu].name, t->iommus[a->iommu].bdf);
	a->found = false;
	a->nids = 0;
	a->reason = DMT_L_DTIommuProbeDeferred;
}

static void resolve_pci(const struct dmt_topo *t, enum dmt_profile p,
			const struct dmt_device *d, struct dmt_answer *a,
			struct dmt_findings *f)
{
	int32_t bi = find_bridge(t, p, d);
	const struct dmt_dt_bridge *b;

	if (bi < 0) {
		a->reason = DMT_L_DTNoHostBridge;
		return;
	}
	b = &t->bridges[bi];
	a->bridge = bi;
	resolve_msi(t, p, b, d, a, f);
	if (is_self(t, d)) {
		a->reason = DMT_L_IommuIsSelf;
		return;
	}
	if (!b->iommu_map.present) {
		a->reason = DMT_L_NoTranslation;
		return;
	}
	walk_aliases(t, p, b, d, a, f);
	check_deferral(t, p, a, f);
}

/* ---- platform devices ---------------------------------------------------- */

/* A path names a node; mmio:ADDR the node whose first reg, translated to a CPU
 * address through its ancestors' ranges, is ADDR (a node Linux cannot translate
 * has no MMIO resource and is never named so). */
static const struct dmt_dt_node *find_node(const struct dmt_topo *t, const struct dmt_device *d)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct dmt_dt_node *n = &t->nodes[i];

		if (d->kind == DMT_DEV_PATH ? strcmp(n->path, d->path) == 0
					    : n->has_reg && !n->reg_raw_only && n->reg_base == d->mmio)
			return n;
	}
	return NULL;
}

/* A node under a host bridge describes a PCI function: of_iommu_configure takes
 * the PCI path for it, through the bridge's iommu-map with the node's RID. */
static void resolve_pci_node(const struct dmt_topo *t, enum dmt_profile p,
			     const struct dmt_dt_node *n, struct dmt_answer *a,
			     struct dmt_findings *f)
{
	int32_t *dom = calloc(t->nbridges ? t->nbridges : 1, sizeof(*dom));
	struct dmt_device pd = { .kind = DMT_DEV_PCI, .rid = n->pci_rid };
	int32_t seg = -1;

	if (dom) {
		dmt_dt_linux_domains(t, dom);
		seg = n->pci_bridge < t->nbridges ? dom[n->pci_bridge] : -1;
		free(dom);
	}
	if (seg < 0) {
		a->reason = DMT_L_DTNoHostBridge;
		return;
	}
	pd.segment = (uint16_t)seg;
	resolve_pci(t, p, &pd, a, f);
}

/* One iommus specifier: its first cell is the ID and every cell is kept (an
 * arm-smmu SMR mask is the second); 0 cells name the IOMMU alone. */
static int add_spec(const struct dmt_topo *t, enum dmt_profile p, struct dmt_answer *a,
		    const struct dmt_iommu_spec *s, size_t i, struct dmt_findings *f)
{
	char via[DMT_VIA_MAX];
	size_t k = a->nids;

	snprintf(via, sizeof(via), "iommus[%zu]@0x%llx", i, (unsigned long long)s->src_offset);
	if (s->ncells == 0)
		return claim_iommu(t, p, a, s->target, via, s->src_offset, true, f);
	if (add_id(t, p, a, s->target, s->cells[0], via, s->src_offset, true, f))
		return -EINVAL;
	if (a->nids == k)
		return 0;	/* dropped: TooManyIds */
	a->id_ncells[k] = s->ncells;
	for (uint32_t c = 1; c < s->ncells && c < 4; c++)
		a->id_more[k][c - 1] = s->cells[c];
	return 0;
}

static void resolve_platform(const struct dmt_topo *t, enum dmt_profile p,
			     const struct dmt_device *d, struct dmt_answer *a,
			     struct dmt_findings *f)
{
	const struct dmt_dt_node *n = find_node(t, d);

	if (!n) {
		a->reason = DMT_L_DTNodeNotFound;
		return;
	}
	/* Linux never probes it; the answer is what it would get if it did. */
	a->node_disabled = n->disabled;
	if (n->pci_fn) {
		resolve_pci_node(t, p, n, a, f);
		return;
	}
	a->reason = DMT_L_NoTranslation;
	for (size_t i = 0; i < n->niommus; i++) {
		const struct dmt_iommu_spec *s = &n->iommus[i];

		if (s->target < 0)
			break;	/* of_parse_phandle_with_args fails: the loop ends */
		/* of_iommu_xlate gives NO_IOMMU for a disabled node, which ends the loop
		 * and leaves the device without IOMMU; grant-dma-ops refuses a
		 * xen,grant-dma specifier that is not exactly one cell (-ESRCH). */
		if (t->iommus[s->target].disabled ||
		    (t->iommus[s->target].xen_grant && s->ncells != 1)) {
			a->nids = 0;
			a->iommu = -1;
			a->reason = DMT_L_IommuUnavailable;
			return;
		}
		if (add_spec(t, p, a, s, i, f)) {
			a->reason = DMT_L_DTIommusMixedDrivers;
			return;
		}
		if (t->iommus[s->target].xen_grant)
			break;	/* of_iommu_xlate: NO_IOMMU; grant DMA reads entry 0 only */
	}
	/* #iommu-cells = 0 gives an IOMMU without IDs (the driver needs none). */
	a->found = a->iommu >= 0;
	if (a->found)
		a->reason = DMT_L_NONE;
	check_deferral(t, p, a, f);
}

int dmt_dt_resolve(const struct dmt_topo *t, enum dmt_profile p,
		   const struct dmt_device *d, struct dmt_answer *a, struct dmt_findings *f)
{
	if (d->kind == DMT_DEV_PCI)
		resolve_pci(t, p, d, a, f);
	else
		resolve_platform(t, p, d, a, f);
	return 0;
}
