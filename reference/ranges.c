/* Model-level checks on PCI ranges and MMIO endpoints, shared by the VIOT and
 * vtopo decoders: they look only at t->ranges, t->mmio and t->iommus.
 *
 * Only nodes some profile would use (active != 0) take part in the pairwise
 * checks. Pairwise work is swept over a sorted order and capped by a budget,
 * so a table of 65535 ranges costs a bounded time; hitting the cap is itself
 * reported (RangeLintPartial). */
#include "dmatopo.h"

#include <stdarg.h>
#include <stdlib.h>

/* Pair comparisons allowed per input, over all pairwise checks: far above what a
 * real table needs (a few hundred ranges), low enough that a fuzzer is not slowed
 * to a crawl by inputs with thousands of overlapping ranges. */
#define RANGE_LINT_BUDGET (1u << 18)

/* Findings per label that are listed one by one; the rest are counted, so a
 * table of thousands of overlapping ranges gives a readable list. */
#define LINT_LIST_MAX 64u

struct lint {
	const struct dmt_topo *t;
	struct dmt_findings *f;
	uint64_t budget;
	bool partial;
	uint32_t seen[DMT_L_COUNT];
};

static void lint_report(struct lint *l, enum dmt_label lab, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void lint_report(struct lint *l, enum dmt_label lab, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	if (l->seen[lab]++ >= LINT_LIST_MAX)
		return;
	va_start(ap, fmt);
	dmt_vreport(l->f, lab, off, fmt, ap);
	va_end(ap);
}

static void lint_report_unlisted(struct lint *l)
{
	for (unsigned i = 0; i < DMT_L_COUNT; i++)
		if (l->seen[i] > LINT_LIST_MAX)
			dmt_report(l->f, (enum dmt_label)i, DMT_NO_OFFSET,
				   "%u more findings like this were not listed",
				   l->seen[i] - LINT_LIST_MAX);
}

static bool spend(struct lint *l)
{
	if (l->budget == 0) {
		l->partial = true;
		return false;
	}
	l->budget--;
	return true;
}

/* k comparisons that cannot report anything, paid at once: false (and partial)
 * where the pair loop would have run out of budget among them. */
static bool spend_n(struct lint *l, uint64_t k)
{
	uint64_t take = k < l->budget ? k : l->budget;

	l->budget -= take;
	if (take < k)
		l->partial = true;
	return take == k;
}

static bool range_empty(const struct dmt_pci_range *r)
{
	return r->seg_end < r->seg_start || r->bdf_end < r->bdf_start;
}

static const char *iommu_label(const struct dmt_topo *t, int32_t idx)
{
	return idx >= 0 && (size_t)idx < t->niommus ? t->iommus[idx].name : "no IOMMU";
}

/* ---- per range ------------------------------------------------------------ */

/* Highest ID of a non-empty range: ((seg_end - seg_start) << 16) + bdf_end -
 * bdf_start + endpoint_start, computed wide. */
static uint64_t range_max_id(const struct dmt_pci_range *r)
{
	return ((uint64_t)(r->seg_end - r->seg_start) << 16) +
	       (uint64_t)(r->bdf_end - r->bdf_start) + r->endpoint_start;
}

static void lint_each_range(struct lint *l)
{
	for (size_t i = 0; i < l->t->nranges; i++) {
		const struct dmt_pci_range *r = &l->t->ranges[i];

		if (range_empty(r)) {
			lint_report(l, DMT_L_RangeEmpty, r->src_offset,
				   "range #%u: segments %04x..%04x, BDFs %04x..%04x: it matches nothing",
				   r->ordinal, r->seg_start, r->seg_end, r->bdf_start, r->bdf_end);
			continue;
		}
		if (range_max_id(r) > UINT32_MAX)
			lint_report(l, DMT_L_EndpointIdWrap, r->src_offset,
				   "range #%u: endpoint IDs 0x%x..0x%llx pass 0xffffffff",
				   r->ordinal, r->endpoint_start,
				   (unsigned long long)range_max_id(r));
	}
}

/* ---- pairwise checks over a sorted copy ----------------------------------- */

/* A range's ID set is {base + k*65536 + j : 0 <= k < count, 0 <= j < width}
 * with width <= 65536, computed wide (wrapping is its own finding). IDs relate
 * to devices as id = (seg << 16 | bdf) + shift, so two sets with the same shift
 * give equal IDs only to the same device. */
struct idset {
	int64_t base, width, count, shift;
};

/* One active, non-empty range with the keys qsort needs (no globals: the
 * library may run in several threads). */
struct entry {
	const struct dmt_pci_range *r;
	struct idset ids;
	size_t shift_run_end;	/* collision order: first later entry with another shift */
};

static struct idset range_ids(const struct dmt_pci_range *r)
{
	struct idset s = {
		.base = r->endpoint_start,
		.width = (int64_t)r->bdf_end - r->bdf_start + 1,
		.count = (int64_t)r->seg_end - r->seg_start + 1,
	};

	s.shift = (int64_t)r->endpoint_start - ((int64_t)r->seg_start << 16) - r->bdf_start;
	return s;
}

static int by_seg_then_bdf(const void *pa, const void *pb)
{
	const struct dmt_pci_range *a = ((const struct entry *)pa)->r;
	const struct dmt_pci_range *b = ((const struct entry *)pb)->r;

	if (a->seg_start != b->seg_start)
		return a->seg_start < b->seg_start ? -1 : 1;
	if (a->bdf_start != b->bdf_start)
		return a->bdf_start < b->bdf_start ? -1 : 1;
	return a->ordinal < b->ordinal ? -1 : a->ordinal > b->ordinal;
}

static int by_iommu_then_min_id(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	if (a->r->iommu != b->r->iommu)
		return a->r->iommu < b->r->iommu ? -1 : 1;
	if (a->ids.base != b->ids.base)
		return a->ids.base < b->ids.base ? -1 : 1;
	return a->r->ordinal < b->r->ordinal ? -1 : a->r->ordinal > b->r->ordinal;
}

static bool boxes_meet(const struct dmt_pci_range *a, const struct dmt_pci_range *b)
{
	return a->seg_start <= b->seg_end && b->seg_start <= a->seg_end &&
	       a->bdf_start <= b->bdf_end && b->bdf_start <= a->bdf_end;
}

static void report_overlap(struct lint *l, const struct dmt_pci_range *a,
			   const struct dmt_pci_range *b)
{
	const struct dmt_pci_range *later = a->ordinal > b->ordinal ? a : b;
	const struct dmt_pci_range *earlier = later == a ? b : a;
	uint16_t s0 = a->seg_start > b->seg_start ? a->seg_start : b->seg_start;
	uint16_t b0 = a->bdf_start > b->bdf_start ? a->bdf_start : b->bdf_start;
	uint16_t b1 = a->bdf_end < b->bdf_end ? a->bdf_end : b->bdf_end;

	lint_report(l, DMT_L_RangeOverlap, later->src_offset,
		   "ranges #%u@0x%llx and #%u@0x%llx both cover %04x:%04x..%04x%s",
		   earlier->ordinal, (unsigned long long)earlier->src_offset,
		   later->ordinal, (unsigned long long)later->src_offset, s0, b0, b1,
		   l->t->format == DMT_FMT_VIOT ? "; Linux uses the later one" : "");
}

/* In (segment start, BDF start) order a later range can meet this one only
 * while its first segment is not past this one's last; for a one-segment range
 * the search also ends at the first range of that segment starting past it. */
static bool past_overlaps(const struct dmt_pci_range *a, const struct dmt_pci_range *b)
{
	return b->seg_start > a->seg_end ||
	       (b->seg_start == a->seg_start && b->bdf_start > a->bdf_end &&
		a->seg_start == a->seg_end);
}

/* past_overlaps only turns true once along the sorted order: the first j in
 * (i, n) where it holds, by bisection. */
static size_t overlap_end(const struct entry *e, size_t i, size_t n)
{
	size_t lo = i + 1, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (past_overlaps(e[i].r, e[mid].r))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Once RangeOverlap is listed LINT_LIST_MAX times only its count changes. A
 * one-segment range meets every range of its window (same segment, starting
 * within it), so the window is counted and paid for at once, exactly as the
 * pair loop would: the budget stops it at the same pair. */
static bool count_window(struct lint *l, const struct dmt_pci_range *a, size_t from, size_t end)
{
	uint64_t want = end - from, take;

	if (l->seen[DMT_L_RangeOverlap] < LINT_LIST_MAX || a->seg_start != a->seg_end)
		return false;
	take = want < l->budget ? want : l->budget;
	spend_n(l, want);
	l->seen[DMT_L_RangeOverlap] += (uint32_t)take;
	return true;
}

static void lint_overlaps(struct lint *l, const struct entry *e, size_t n)
{
	for (size_t i = 0; i < n && !l->partial; i++) {
		const struct dmt_pci_range *a = e[i].r;
		size_t end = overlap_end(e, i, n);

		for (size_t j = i + 1; j < end; j++) {
			const struct dmt_pci_range *b = e[j].r;

			if (count_window(l, a, j, end))
				break;
			if (!spend(l))
				break;
			if (boxes_meet(a, b))
				report_overlap(l, a, b);
		}
	}
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Whether base_a + ka*S + ja == base_b + kb*S + jb has a solution in range:
 * with m = ka - kb, d - m*S must fall in [-(wb-1), wa-1], d = base_b - base_a. */
static bool idsets_meet(const struct idset *a, const struct idset *b)
{
	const int64_t S = 65536;
	int64_t d = b->base - a->base;
	int64_t mlo = -floor_div((a->width - 1) - d, S);	/* ceil((d - (wa-1)) / S) */
	int64_t mhi = floor_div(d + b->width - 1, S);

	if (mlo < -(b->count - 1))
		mlo = -(b->count - 1);
	if (mhi > a->count - 1)
		mhi = a->count - 1;
	return mlo <= mhi;
}

static int64_t idset_max(const struct idset *s)
{
	return s->base + (s->count - 1) * 65536 + s->width - 1;
}

/* The end of the run of a's shift that starts at j, cut where the window of i
 * ends (another IOMMU, or IDs past a's): within one IOMMU the order is by first
 * ID, so the window's end is the first entry past it, found by bisection. */
static size_t collision_run_stop(const struct entry *e, size_t i, size_t j, size_t n)
{
	size_t lo = j, hi = e[j].shift_run_end < n ? e[j].shift_run_end : n;
	int64_t max = idset_max(&e[i].ids);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e[mid].r->iommu != e[i].r->iommu || e[mid].ids.base > max)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Ranges with a's shift give its IDs to the same devices: no collision. Runs of
 * them are skipped (and paid for) at once, so many copies of one range cost
 * little more than one. */
static void mark_shift_runs(struct entry *e, size_t n)
{
	for (size_t j = n; j-- > 0;)
		e[j].shift_run_end = j + 1 < n && e[j + 1].ids.shift == e[j].ids.shift
					     ? e[j + 1].shift_run_end
					     : j + 1;
}

static void lint_range_collisions(struct lint *l, struct entry *e, size_t n)
{
	qsort(e, n, sizeof(*e), by_iommu_then_min_id);
	mark_shift_runs(e, n);
	for (size_t i = 0; i < n && !l->partial; i++) {
		const struct dmt_pci_range *a = e[i].r;

		if (a->iommu < 0)
			continue;
		for (size_t j = i + 1; j < n; j++) {
			const struct dmt_pci_range *b = e[j].r;

			if (b->iommu != a->iommu || e[j].ids.base > idset_max(&e[i].ids))
				break;
			if (e[j].ids.shift == e[i].ids.shift && e[j].shift_run_end > j + 1) {
				size_t stop = collision_run_stop(e, i, j, n);

				if (!spend_n(l, stop - j))
					break;
				j = stop - 1;
				continue;
			}
			if (!spend(l))
				break;
			if (e[i].ids.shift != e[j].ids.shift && idsets_meet(&e[i].ids, &e[j].ids))
				lint_report(l, DMT_L_EndpointIdCollision, b->src_offset,
					   "ranges #%u@0x%llx and #%u@0x%llx give the same endpoint ID to different devices on %s",
					   a->ordinal, (unsigned long long)a->src_offset, b->ordinal,
					   (unsigned long long)b->src_offset,
					   iommu_label(l->t, a->iommu));
		}
	}
}

/* MMIO endpoints against each other and against ranges: few in practice, but
 * still within the budget. */
static void lint_mmio(struct lint *l)
{
	const struct dmt_topo *t = l->t;

	for (size_t i = 0; i < t->nmmio && !l->partial; i++) {
		const struct dmt_mmio_ep *a = &t->mmio[i];

		if (!a->active)
			continue;
		for (size_t j = i + 1; j < t->nmmio && spend(l); j++) {
			const struct dmt_mmio_ep *b = &t->mmio[j];

			if (!b->active)
				continue;
			if (a->base == b->base)
				lint_report(l, DMT_L_EndpointAddressDuplicate, b->src_offset,
					   "MMIO endpoints #%u and #%u both at 0x%llx%s", a->ordinal,
					   b->ordinal, (unsigned long long)a->base,
					   t->format == DMT_FMT_VIOT ? "; Linux uses the later one" : "");
			else if (a->iommu >= 0 && a->iommu == b->iommu && a->endpoint == b->endpoint)
				lint_report(l, DMT_L_EndpointIdCollision, b->src_offset,
					   "MMIO endpoints #%u and #%u both use endpoint ID 0x%x on %s",
					   a->ordinal, b->ordinal, a->endpoint,
					   iommu_label(t, a->iommu));
		}
		for (size_t j = 0; j < t->nranges && spend(l); j++) {
			const struct dmt_pci_range *r = &t->ranges[j];
			struct idset s, one;

			if (!r->active || range_empty(r) || r->iommu < 0 || r->iommu != a->iommu)
				continue;
			s = range_ids(r);
			one = (struct idset){ .base = a->endpoint, .width = 1, .count = 1 };
			if (idsets_meet(&s, &one))
				lint_report(l, DMT_L_EndpointIdCollision, a->src_offset,
					   "MMIO endpoint #%u and range #%u both use endpoint ID 0x%x on %s",
					   a->ordinal, r->ordinal, a->endpoint,
					   iommu_label(t, a->iommu));
		}
	}
}

/* ---- IOMMUs inside ranges -------------------------------------------------- */

/* Two nodes naming one PCI device are one IOMMU: that is not "another". */
static bool same_pci_iommu(const struct dmt_iommu *a, const struct dmt_iommu *b)
{
	return b->kind == DMT_IOMMU_VIRTIO_PCI && b->bdf_known &&
	       a->segment == b->segment && a->bdf == b->bdf;
}

static void lint_iommu_placement(struct lint *l)
{
	const struct dmt_topo *t = l->t;

	for (size_t k = 0; k < t->niommus && !l->partial; k++) {
		const struct dmt_iommu *m = &t->iommus[k];

		for (size_t i = 0; i < t->nranges && m->kind == DMT_IOMMU_VIRTIO_PCI &&
				   m->bdf_known && spend(l); i++) {
			const struct dmt_pci_range *r = &t->ranges[i];

			if (!r->active || m->segment < r->seg_start || m->segment > r->seg_end ||
			    m->bdf < r->bdf_start || m->bdf > r->bdf_end)
				continue;
			if (r->iommu < 0 || (size_t)r->iommu >= t->niommus)
				continue;
			if (r->iommu == (int32_t)k)
				lint_report(l, DMT_L_IommuInOwnRange, r->src_offset,
					   "%s lies in range #%u, which targets it", m->name,
					   r->ordinal);
			else if (!same_pci_iommu(m, &t->iommus[r->iommu]))
				lint_report(l, DMT_L_IommuTranslatedByOther, r->src_offset,
					   "%s lies in range #%u of %s", m->name, r->ordinal,
					   iommu_label(t, r->iommu));
		}
		for (size_t i = 0; i < t->nmmio && m->kind == DMT_IOMMU_VIRTIO_MMIO && spend(l);
		     i++) {
			const struct dmt_mmio_ep *e = &t->mmio[i];

			if (e->active && e->base == m->base && e->iommu == (int32_t)k)
				lint_report(l, DMT_L_IommuInOwnRange, e->src_offset,
					   "%s is MMIO endpoint #%u, which targets it", m->name,
					   e->ordinal);
		}
	}
}

void dmt_lint_ranges(const struct dmt_topo *t, struct dmt_findings *f)
{
	struct lint l = { .t = t, .f = f, .budget = RANGE_LINT_BUDGET };
	struct entry *e = NULL;
	size_t n = 0;

	if (!t)
		return;
	lint_each_range(&l);
	if (t->nranges) {
		e = malloc(t->nranges * sizeof(*e));
		if (!e) {
			dmt_report(f, DMT_L_OutOfMemory, DMT_NO_OFFSET,
				   "no memory for the pairwise range checks");
			return;
		}
	}
	for (size_t i = 0; i < t->nranges; i++) {
		const struct dmt_pci_range *r = &t->ranges[i];

		if (r->active && !range_empty(r)) {
			e[n].r = r;
			e[n].ids = range_ids(r);
			n++;
		}
	}
	if (n) {
		qsort(e, n, sizeof(*e), by_seg_then_bdf);
		lint_overlaps(&l, e, n);
		lint_range_collisions(&l, e, n);
	}
	lint_mmio(&l);
	lint_iommu_placement(&l);
	lint_report_unlisted(&l);
	if (l.partial)
		dmt_report(f, DMT_L_RangeLintPartial, DMT_NO_OFFSET,
			   "stopped after %u pair comparisons; later pairs were not checked",
			   RANGE_LINT_BUDGET);
	free(e);
}
