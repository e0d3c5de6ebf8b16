/* Shared by the fuzz targets: devices worth asking about, taken from the decoded
 * model itself (range edges, IOMMU locations, MMIO bases, DT paths) so that the
 * resolvers' matching paths are reached, not just their "no match" exits. */
#ifndef DMT_FUZZ_PROBE_H
#define DMT_FUZZ_PROBE_H

#include <stdlib.h>
#include <string.h>

#include "dmatopo.h"

#define FUZZ_MAX_PROBES 64

static inline void probe_pci(struct dmt_device *d, size_t *n, uint16_t seg, uint16_t rid,
			     const uint16_t *alias, size_t nalias)
{
	struct dmt_device *p;

	if (*n == FUZZ_MAX_PROBES)
		return;
	p = &d[(*n)++];
	memset(p, 0, sizeof(*p));
	p->kind = DMT_DEV_PCI;
	p->segment = seg;
	p->rid = rid;
	for (size_t i = 0; i < nalias && i < DMT_MAX_ALIASES; i++)
		p->aliases[p->naliases++] = alias[i];
}

static inline void probe_mmio(struct dmt_device *d, size_t *n, uint64_t base)
{
	if (*n == FUZZ_MAX_PROBES)
		return;
	memset(&d[*n], 0, sizeof(d[*n]));
	d[*n].kind = DMT_DEV_MMIO;
	d[*n].mmio = base;
	(*n)++;
}

static inline void probe_path(struct dmt_device *d, size_t *n, const char *path)
{
	if (*n == FUZZ_MAX_PROBES || strlen(path) >= sizeof(d[0].path))
		return;
	memset(&d[*n], 0, sizeof(d[*n]));
	d[*n].kind = DMT_DEV_PATH;
	strcpy(d[*n].path, path);
	(*n)++;
}

static inline size_t probes_from_topo(const struct dmt_topo *t, struct dmt_device *d)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nranges && n < FUZZ_MAX_PROBES - 4; i++) {
		const struct dmt_pci_range *r = &t->ranges[i];
		uint16_t alias[2] = { r->bdf_start, (uint16_t)(r->bdf_end & 0xff00) };

		probe_pci(d, &n, r->seg_start, r->bdf_start, NULL, 0);
		probe_pci(d, &n, r->seg_end, r->bdf_end, alias, 2);
		probe_pci(d, &n, r->seg_start, (uint16_t)(r->bdf_start - 1), NULL, 0);
	}
	for (size_t i = 0; i < t->niommus; i++)
		probe_pci(d, &n, t->iommus[i].segment, t->iommus[i].bdf, NULL, 0);
	for (size_t i = 0; i < t->nmmio; i++)
		probe_mmio(d, &n, t->mmio[i].base);
	for (size_t i = 0; i < t->nbridges; i++) {
		const struct dmt_dt_bridge *b = &t->bridges[i];
		uint16_t alias = (uint16_t)(b->bus_start << 8);

		probe_pci(d, &n, (uint16_t)b->domain, (uint16_t)(b->bus_start << 8 | 0x10), &alias, 1);
		for (size_t k = 0; k < b->iommu_map.n && k < 4; k++)
			probe_pci(d, &n, (uint16_t)b->domain, (uint16_t)b->iommu_map.e[k].id_base, NULL, 0);
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		probe_path(d, &n, t->nodes[i].path);
		if (t->nodes[i].has_reg)
			probe_mmio(d, &n, t->nodes[i].reg_base);
	}
	probe_path(d, &n, "/no/such/node");
	probe_mmio(d, &n, 0);
	return n;
}

/* Resolve every probe under both profiles; findings are collected and dropped. */
static inline void resolve_probes(const struct dmt_topo *t)
{
	static struct dmt_device probes[FUZZ_MAX_PROBES];
	struct dmt_findings f;
	struct dmt_answer a;
	size_t n = probes_from_topo(t, probes);

	dmt_findings_init(&f);
	for (size_t i = 0; i < n; i++)
		for (int p = 0; p < DMT_PROFILE_COUNT; p++)
			if (dmt_resolve(t, (enum dmt_profile)p, &probes[i], &a, &f) == 0 && a.found &&
			    ((a.nids == 0 && a.iommu < 0) || a.nids > DMT_MAX_IDS))
				abort();	/* an answer names an IOMMU (#iommu-cells 0: no ID) */
	dmt_findings_free(&f);
}

#endif
