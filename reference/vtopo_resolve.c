/* Endpoint-ID resolution on a decoded vtopo blob.
 *
 * linux: the proposal's virt_iommu_setup. A PCI device is looked up by its own
 *   requester ID only (pci_dev_id(pdev): no DMA alias walk), items in table order,
 *   first match wins; endpoint = rid - requester_start + endpoint_start in u32.
 *   v2 gives non-PCI devices nothing; the v3 helpers match a platform device whose
 *   first MEM resource starts exactly at an MMIO item's address, first match wins.
 *   The IOMMU itself is never translated.
 * spec: the same arithmetic on the items a strict reader accepts; endpoint items
 *   are matched by address in both versions, and more than one matching item is
 *   ambiguous (the text never says which wins). */
#include "dmatopo.h"

#include <stdio.h>
#include <string.h>

#define MAX_MATCHES 2	/* the first, and proof that there is another */

static bool is_active(uint8_t active, enum dmt_profile p)
{
	return (active & DMT_ACTIVE(p)) != 0;
}

static bool is_self(const struct dmt_topo *t, const struct dmt_device *d)
{
	return t->niommus > 0 && t->iommus[0].bdf_known &&
	       t->iommus[0].segment == d->segment && t->iommus[0].bdf == d->rid;
}

static bool range_matches(const struct dmt_pci_range *r, const struct dmt_device *d)
{
	return d->segment >= r->seg_start && d->segment <= r->seg_end &&
	       d->rid >= r->bdf_start && d->rid <= r->bdf_end;
}

static void set_answer(const struct dmt_topo *t, struct dmt_answer *a, int32_t iommu,
		       uint32_t id, uint32_t ordinal, uint64_t off)
{
	if (iommu < 0 || (size_t)iommu >= t->niommus) {
		a->reason = DMT_L_IommuUnavailable;
		return;
	}
	a->found = true;
	a->nids = 1;
	a->ids[0] = id;
	a->iommu = iommu;
	snprintf(a->iommu_name, sizeof(a->iommu_name), "%s", t->iommus[iommu].name);
	snprintf(a->via[0], sizeof(a->via[0]), "vtopo-item#%u@0x%llx", ordinal,
		 (unsigned long long)off);
}

static void report_ambiguous(struct dmt_findings *f, const char *what, uint32_t ord0,
			     uint64_t off0, uint32_t ord1, uint64_t off1)
{
	dmt_report(f, DMT_L_AmbiguousMatch, off1,
		   "%s matches vtopo items #%u@0x%llx and #%u@0x%llx", what, ord0,
		   (unsigned long long)off0, ord1, (unsigned long long)off1);
}

/* The first range at or after `from` that profile p uses and that holds d;
 * t->nranges when none does. A table can hold thousands of items, so the scan
 * does nothing else. */
static size_t next_range(const struct dmt_topo *t, enum dmt_profile p,
			 const struct dmt_device *d, size_t from)
{
	for (size_t i = from; i < t->nranges; i++)
		if (is_active(t->ranges[i].active, p) && range_matches(&t->ranges[i], d))
			return i;
	return t->nranges;
}

static size_t next_mmio(const struct dmt_topo *t, enum dmt_profile p,
			const struct dmt_device *d, size_t from)
{
	for (size_t i = from; i < t->nmmio; i++)
		if (is_active(t->mmio[i].active, p) && t->mmio[i].base == d->mmio)
			return i;
	return t->nmmio;
}

static int resolve_pci(const struct dmt_topo *t, enum dmt_profile p,
		       const struct dmt_device *d, struct dmt_answer *a, struct dmt_findings *f)
{
	const struct dmt_pci_range *m[MAX_MATCHES];
	size_t n = 0, want = p == DMT_PROFILE_LINUX ? 1 : MAX_MATCHES;

	/* linux stops at the first match; spec looks for a second one */
	for (size_t i = next_range(t, p, d, 0); i < t->nranges; i = next_range(t, p, d, i + 1)) {
		m[n++] = &t->ranges[i];
		if (n == want)
			break;
	}
	if (n == 0) {
		a->reason = DMT_L_NoTranslation;
		return 0;
	}
	if (is_self(t, d)) {
		a->reason = DMT_L_IommuIsSelf;
		return 0;
	}
	if (n > 1) {
		char dev[40];

		snprintf(dev, sizeof(dev), "%04x:%02x:%02x.%x", d->segment, d->rid >> 8,
			 (d->rid >> 3) & 0x1f, d->rid & 7);
		report_ambiguous(f, dev, m[0]->ordinal, m[0]->src_offset, m[1]->ordinal,
				 m[1]->src_offset);
		a->reason = DMT_L_AmbiguousMatch;
		return 0;
	}
	/* The proposal computes in u32 and wraps; the strict reading gives no ID past
	 * the 32-bit endpoint space, as for VIOT. */
	if (p == DMT_PROFILE_SPEC &&
	    (uint64_t)(d->rid - m[0]->bdf_start) + m[0]->endpoint_start > UINT32_MAX) {
		a->reason = DMT_L_EndpointIdWrap;
		return 0;
	}
	set_answer(t, a, m[0]->iommu, (uint32_t)(d->rid - m[0]->bdf_start) + m[0]->endpoint_start,
		   m[0]->ordinal, m[0]->src_offset);
	return 0;
}

static int resolve_mmio(const struct dmt_topo *t, enum dmt_profile p,
			const struct dmt_device *d, struct dmt_answer *a, struct dmt_findings *f)
{
	const struct dmt_mmio_ep *m[MAX_MATCHES];
	size_t n = 0, want = p == DMT_PROFILE_LINUX ? 1 : MAX_MATCHES;

	if (p == DMT_PROFILE_LINUX && t->vtopo_version != 3) {
		a->reason = DMT_L_VTOPOPlatformUnsupported;
		return 0;
	}
	for (size_t i = next_mmio(t, p, d, 0); i < t->nmmio; i = next_mmio(t, p, d, i + 1)) {
		m[n++] = &t->mmio[i];
		if (n == want)
			break;
	}
	if (n == 0) {
		a->reason = DMT_L_NoTranslation;
		return 0;
	}
	if (n > 1) {
		char dev[40];

		snprintf(dev, sizeof(dev), "mmio:0x%llx", (unsigned long long)d->mmio);
		report_ambiguous(f, dev, m[0]->ordinal, m[0]->src_offset, m[1]->ordinal,
				 m[1]->src_offset);
		a->reason = DMT_L_AmbiguousMatch;
		return 0;
	}
	set_answer(t, a, m[0]->iommu, m[0]->endpoint, m[0]->ordinal, m[0]->src_offset);
	return 0;
}

int dmt_vtopo_resolve(const struct dmt_topo *t, enum dmt_profile p,
		      const struct dmt_device *d, struct dmt_answer *a, struct dmt_findings *f)
{
	switch (d->kind) {
	case DMT_DEV_PCI:
		return resolve_pci(t, p, d, a, f);
	case DMT_DEV_MMIO:
		return resolve_mmio(t, p, d, a, f);
	default:
		a->reason = DMT_L_DeviceKindMismatch;
		return 0;
	}
}
