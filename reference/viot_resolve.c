/* Which IOMMU translates a device, and under which endpoint IDs, from a decoded
 * VIOT.
 *
 * linux (6.1 viot_iommu_configure): the device's RID and then each DMA alias in
 * pci_for_each_dma_alias order; for each, the ranges are searched from the one
 * latest in the table (Linux pushes them at the list head) and the first match
 * gives epid = ((segment - segment_start) << 16) + rid - bdf_start +
 * endpoint_start in u32. The alias walk stops at the first RID that matches no
 * range (-ENODEV) or whose IOMMU is the device itself (-EINVAL); IDs added
 * before that stay in the fwspec.
 *
 * spec (ACPI 6.5 5.2.33): a range is a box, each segment of
 * [segment_start, segment_end] times [bdf_start, bdf_end]. The text gives no
 * precedence between nodes, so when more than one spec-usable node matches we
 * answer nothing (AmbiguousMatch) rather than pick one. The text maps requester
 * BDFs and never mentions DMA aliases, so spec resolves the device's own RID
 * only and reports the aliases it ignored (VIOTAliasIgnored). An ID that leaves
 * the 32-bit space gets no answer (EndpointIdWrap). The IOMMU never translates
 * itself in either profile: a virtio-iommu cannot sit behind its own
 * translation, and Linux refuses it. */
#include "dmatopo.h"
#include "viot.h"

#include <stdio.h>
#include <string.h>

#define LINUX DMT_ACTIVE(DMT_PROFILE_LINUX)
#define SPEC DMT_ACTIVE(DMT_PROFILE_SPEC)

static bool range_covers(const struct dmt_pci_range *r, uint16_t seg, uint16_t rid)
{
	return seg >= r->seg_start && seg <= r->seg_end &&
	       rid >= r->bdf_start && rid <= r->bdf_end;
}

/* The spec formula without truncation; the caller decides what to do with bits
 * above 31. */
static uint64_t range_epid_wide(const struct dmt_pci_range *r, uint16_t seg, uint16_t rid)
{
	return ((uint64_t)(seg - r->seg_start) << 16) + (uint64_t)(rid - r->bdf_start) +
	       r->endpoint_start;
}

/* Linux computes the same sum in u32, so it wraps. */
static uint32_t range_epid_u32(const struct dmt_pci_range *r, uint16_t seg, uint16_t rid)
{
	uint32_t d = (uint32_t)seg - r->seg_start;

	return (d << 16) + (uint32_t)rid - r->bdf_start + r->endpoint_start;
}

static void set_via(struct dmt_answer *a, size_t slot, uint32_t ordinal, uint64_t off)
{
	snprintf(a->via[slot], sizeof(a->via[slot]), "viot-node#%u@0x%llx", ordinal,
		 (unsigned long long)off);
}

static void set_iommu(const struct dmt_topo *t, struct dmt_answer *a, int32_t idx)
{
	a->iommu = idx;
	snprintf(a->iommu_name, sizeof(a->iommu_name), "%s", t->iommus[idx].name);
}

/* Two nodes naming the same device are one IOMMU to Linux (one fwnode). */
static bool same_iommu_device(const struct dmt_iommu *a, const struct dmt_iommu *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == DMT_IOMMU_VIRTIO_PCI)
		return a->segment == b->segment && a->bdf == b->bdf;
	return a->base == b->base;
}

static bool iommu_is_pci_dev(const struct dmt_iommu *m, uint16_t seg, uint16_t rid)
{
	return m->kind == DMT_IOMMU_VIRTIO_PCI && m->bdf_known && m->segment == seg &&
	       m->bdf == rid;
}

static void fmt_rid(char *out, size_t n, uint16_t seg, uint16_t rid)
{
	snprintf(out, n, "%04x:%02x:%02x.%x", seg, rid >> 8, (rid >> 3) & 0x1f, rid & 7);
}

/* The spec profile accepts an IOMMU only when it is a node the walk noted,
 * wholly inside the table and at least as long as its type: an Output Node
 * into the middle of a node, past the walk or past the table end names no node
 * of the table, even when Linux finds IOMMU bytes there. */
static bool iommu_spec_usable(const struct dmt_topo *t, int32_t idx)
{
	const struct dmt_iommu *m;
	size_t lo = 0, hi = t->nstructs;

	if (idx < 0 || (size_t)idx >= t->niommus)
		return false;
	m = &t->iommus[idx];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->structs[mid].offset < m->src_offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->nstructs || t->structs[lo].offset != m->src_offset)
		return false;
	if (t->structs[lo].layout != &dmt_viot_virtio_pci_layout &&
	    t->structs[lo].layout != &dmt_viot_virtio_mmio_layout)
		return false;
	return t->structs[lo].length >= t->structs[lo].layout->size;
}

/* ---- linux --------------------------------------------------------------- */

/* The range Linux finds first for (seg, rid): the latest in the table. */
static const struct dmt_pci_range *linux_find_range(const struct dmt_topo *t, uint16_t seg,
						    uint16_t rid)
{
	for (size_t i = t->nranges; i-- > 0;) {
		const struct dmt_pci_range *r = &t->ranges[i];

		if ((r->active & LINUX) && r->iommu >= 0 && range_covers(r, seg, rid))
			return r;
	}
	return NULL;
}

static void linux_stopped(struct dmt_answer *a, struct dmt_findings *f, enum dmt_label why,
			  uint16_t seg, uint16_t rid)
{
	char b[24];

	if (a->nids == 0) {
		a->reason = why;
		return;
	}
	a->walk_stopped = true;
	a->walk_stopped_rid = rid;
	fmt_rid(b, sizeof(b), seg, rid);
	dmt_report(f, DMT_L_VIOTAliasWalkStopped, DMT_NO_OFFSET,
		   "%s: %s after %zu ID(s); pci_for_each_dma_alias stops and acpi_iommu_configure_id reports failure",
		   b, why == DMT_L_IommuIsSelf ? "the IOMMU itself" : "no range matches", a->nids);
}

static void linux_resolve_pci(const struct dmt_topo *t, const struct dmt_device *d,
			      struct dmt_answer *a, struct dmt_findings *f)
{
	size_t naliases = d->naliases < DMT_MAX_ALIASES ? d->naliases : DMT_MAX_ALIASES;

	for (size_t k = 0; k <= naliases; k++) {
		uint16_t rid = k == 0 ? d->rid : d->aliases[k - 1];
		const struct dmt_pci_range *r = linux_find_range(t, d->segment, rid);
		const struct dmt_iommu *m;

		if (!r) {
			linux_stopped(a, f, DMT_L_NoTranslation, d->segment, rid);
			return;
		}
		m = &t->iommus[r->iommu];
		/* viot_dev_iommu_init compares the original device, not the alias. */
		if (iommu_is_pci_dev(m, d->segment, d->rid)) {
			linux_stopped(a, f, DMT_L_IommuIsSelf, d->segment, rid);
			return;
		}
		if (a->nids == DMT_MAX_IDS) {
			dmt_report(f, DMT_L_TooManyIds, DMT_NO_OFFSET,
				   "more than %d endpoint IDs; the rest are not listed", DMT_MAX_IDS);
			return;
		}
		if (a->nids == 0) {
			set_iommu(t, a, r->iommu);
		} else if (!same_iommu_device(m, &t->iommus[a->iommu])) {
			dmt_report(f, DMT_L_VIOTAliasIommuMismatch, r->src_offset,
				   "alias %04x:%02x:%02x.%x matches node #%u of %s, but the fwspec already belongs to %s",
				   d->segment, rid >> 8, (rid >> 3) & 0x1f, rid & 7, r->ordinal,
				   m->name, a->iommu_name);
		}
		a->ids[a->nids] = range_epid_u32(r, d->segment, rid);
		set_via(a, a->nids, r->ordinal, r->src_offset);
		a->nids++;
		a->found = true;
	}
}

static void linux_resolve_mmio(const struct dmt_topo *t, const struct dmt_device *d,
			       struct dmt_answer *a)
{
	for (size_t i = t->nmmio; i-- > 0;) {
		const struct dmt_mmio_ep *e = &t->mmio[i];
		const struct dmt_iommu *m;

		if (!(e->active & LINUX) || e->iommu < 0 || e->base != d->mmio)
			continue;
		m = &t->iommus[e->iommu];
		if (m->kind == DMT_IOMMU_VIRTIO_MMIO && m->base == d->mmio) {
			a->reason = DMT_L_IommuIsSelf;
			return;
		}
		set_iommu(t, a, e->iommu);
		a->ids[0] = e->endpoint;
		set_via(a, 0, e->ordinal, e->src_offset);
		a->nids = 1;
		a->found = true;
		return;
	}
	a->reason = DMT_L_NoTranslation;
}

/* ---- spec ---------------------------------------------------------------- */

/* Give the answer for the one node that matched, checking its IOMMU. */
static void spec_answer(const struct dmt_topo *t, struct dmt_answer *a, int32_t iommu,
			bool self, uint64_t epid, uint32_t ordinal, uint64_t off)
{
	if (!iommu_spec_usable(t, iommu)) {
		a->reason = DMT_L_IommuUnavailable;
		return;
	}
	if (self) {
		a->reason = DMT_L_IommuIsSelf;
		return;
	}
	if (epid > UINT32_MAX) {
		a->reason = DMT_L_EndpointIdWrap;
		return;
	}
	set_iommu(t, a, iommu);
	a->ids[0] = (uint32_t)epid;
	set_via(a, 0, ordinal, off);
	a->nids = 1;
	a->found = true;
}

static void report_ambiguous(struct dmt_findings *f, const char *what, size_t n,
			     const uint64_t *offs)
{
	char list[96] = "";
	size_t used = 0;

	for (size_t i = 0; i < n && i < 4 && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s0x%llx",
					 i ? ", " : "", (unsigned long long)offs[i]);
	dmt_report(f, DMT_L_AmbiguousMatch, offs[0],
		   "%s matches %zu nodes (at %s%s); the text gives no precedence", what, n, list,
		   n > 4 ? ", ..." : "");
}

static void spec_resolve_pci(const struct dmt_topo *t, const struct dmt_device *d,
			     struct dmt_answer *a, struct dmt_findings *f)
{
	const struct dmt_pci_range *hit = NULL;
	uint64_t offs[4];
	size_t n = 0;
	char b[24];

	fmt_rid(b, sizeof(b), d->segment, d->rid);
	if (d->naliases)
		dmt_report(f, DMT_L_VIOTAliasIgnored, DMT_NO_OFFSET,
			   "%s: %zu DMA alias(es) not used; VIOT maps requester BDFs only", b,
			   d->naliases);
	for (size_t i = 0; i < t->nranges; i++) {
		const struct dmt_pci_range *r = &t->ranges[i];

		if (!(r->active & SPEC) || !range_covers(r, d->segment, d->rid))
			continue;
		if (n < 4)
			offs[n] = r->src_offset;
		n++;
		hit = r;
	}
	if (n == 0) {
		a->reason = DMT_L_NoTranslation;
		return;
	}
	if (n > 1) {
		report_ambiguous(f, b, n, offs);
		a->reason = DMT_L_AmbiguousMatch;
		return;
	}
	spec_answer(t, a, hit->iommu,
		    hit->iommu >= 0 && iommu_is_pci_dev(&t->iommus[hit->iommu], d->segment, d->rid),
		    range_epid_wide(hit, d->segment, d->rid), hit->ordinal, hit->src_offset);
}

static void spec_resolve_mmio(const struct dmt_topo *t, const struct dmt_device *d,
			      struct dmt_answer *a, struct dmt_findings *f)
{
	const struct dmt_mmio_ep *hit = NULL;
	uint64_t offs[4];
	size_t n = 0;
	char b[32];

	for (size_t i = 0; i < t->nmmio; i++) {
		const struct dmt_mmio_ep *e = &t->mmio[i];

		if (!(e->active & SPEC) || e->base != d->mmio)
			continue;
		if (n < 4)
			offs[n] = e->src_offset;
		n++;
		hit = e;
	}
	if (n == 0) {
		a->reason = DMT_L_NoTranslation;
		return;
	}
	if (n > 1) {
		snprintf(b, sizeof(b), "mmio:0x%llx", (unsigned long long)d->mmio);
		report_ambiguous(f, b, n, offs);
		a->reason = DMT_L_AmbiguousMatch;
		return;
	}
	spec_answer(t, a, hit->iommu,
		    hit->iommu >= 0 && t->iommus[hit->iommu].kind == DMT_IOMMU_VIRTIO_MMIO &&
			    t->iommus[hit->iommu].base == d->mmio,
		    hit->endpoint, hit->ordinal, hit->src_offset);
}

int dmt_viot_resolve(const struct dmt_topo *t, enum dmt_profile p,
		     const struct dmt_device *d, struct dmt_answer *a, struct dmt_findings *f)
{
	switch (d->kind) {
	case DMT_DEV_PCI:
		if (p == DMT_PROFILE_LINUX)
			linux_resolve_pci(t, d, a, f);
		else
			spec_resolve_pci(t, d, a, f);
		break;
	case DMT_DEV_MMIO:
		if (p == DMT_PROFILE_LINUX)
			linux_resolve_mmio(t, d, a);
		else
			spec_resolve_mmio(t, d, a, f);
		break;
	default:
		a->reason = DMT_L_DeviceKindMismatch;
		break;
	}
	return 0;
}
