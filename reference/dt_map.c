/* iommu-map / msi-map lookup: Linux 6.1 of_map_id() and the strict reading of
 * Documentation/devicetree/bindings/pci/pci-iommu.txt and pci-msi.txt.
 *
 * Where the `spec` profile parts from Linux, and why:
 * - Empty map: the binding allows "an arbitrary number of tuples", so zero tuples
 *   associate no RID (bypass); Linux fails with -EINVAL. A length that is not a
 *   whole number of 4-cell tuples cannot be parsed by either (-EINVAL).
 * - Mask rule: the binding only says the mask is applied to the RID first. An entry
 *   whose rid-base has bits outside the mask is not an error; it is tested like
 *   any other. Linux aborts the whole lookup with -EFAULT on reaching it.
 * - Interval: [rid-base, rid-base + length) is arithmetic, so it does not wrap at
 *   2^32; Linux computes the end in u32, and a wrapped entry never matches.
 *   Likewise an output past 2^32 is refused (-ERANGE) instead of wrapping.
 * - Several matching entries: Linux takes the first silently. The binding says a
 *   device masters through one IOMMU, so when matches disagree (target or output)
 *   `spec` reports AmbiguousMatch and answers with the first.
 * - Common to both: a matching entry with a dangling phandle → -ENODEV; with
 *   want_target >= 0 entries that name another node are stepped over. */
#include "dmatopo.h"

#include <errno.h>

static void result_bypass(uint32_t id, int32_t *target, uint32_t *out, int32_t *entry)
{
	*target = -1;
	*out = id;
	*entry = -1;
}

static int map_id_linux(const struct dmt_idmap *m, uint32_t id, int32_t want_target,
			int32_t *target, uint32_t *out, int32_t *entry)
{
	uint32_t masked;

	if (m->raw_len == 0 || m->raw_len % 16)
		return -EINVAL;
	masked = id & m->mask;
	for (size_t i = 0; i < m->n; i++) {
		const struct dmt_map_entry *e = &m->e[i];
		uint32_t end = e->id_base + e->length;	/* u32, wraps as in Linux */

		if (e->id_base & ~m->mask)
			return -EFAULT;
		if (masked < e->id_base || masked >= end)
			continue;
		if (e->target < 0)
			return -ENODEV;
		if (want_target >= 0 && e->target != want_target)
			continue;
		*target = e->target;
		*out = masked - e->id_base + e->out_base;
		*entry = (int32_t)i;
		return 0;
	}
	return 0;
}

static bool spec_match(const struct dmt_map_entry *e, uint32_t masked)
{
	return masked >= e->id_base && (uint64_t)masked < (uint64_t)e->id_base + e->length;
}

static int map_id_spec(const struct dmt_idmap *m, uint32_t id, int32_t want_target,
		       int32_t *target, uint32_t *out, int32_t *entry,
		       struct dmt_findings *f)
{
	uint32_t masked;
	uint64_t first_out = 0;
	int32_t first = -1;

	if (m->raw_len % 16)
		return -EINVAL;
	masked = id & m->mask;
	for (size_t i = 0; i < m->n; i++) {
		const struct dmt_map_entry *e = &m->e[i];
		uint64_t o;

		if (!spec_match(e, masked))
			continue;
		if (want_target >= 0 && e->target >= 0 && e->target != want_target)
			continue;
		o = (uint64_t)masked - e->id_base + e->out_base;
		if (first < 0) {
			if (e->target < 0)
				return -ENODEV;
			first = (int32_t)i;
			first_out = o;
			continue;
		}
		if (e->target != m->e[first].target || o != first_out) {
			dmt_report(f, DMT_L_AmbiguousMatch, e->src_offset,
				   "id 0x%x (masked 0x%x) matches entries %d and %zu with different results",
				   id, masked, first, i);
			break;
		}
	}
	if (first < 0)
		return 0;
	if (first_out > UINT32_MAX)
		return -ERANGE;
	*target = m->e[first].target;
	*out = (uint32_t)first_out;
	*entry = first;
	return 0;
}

int dmt_map_id(const struct dmt_topo *t, const struct dmt_idmap *m, enum dmt_profile p,
	       uint32_t id, int32_t want_target, int32_t *target, uint32_t *out,
	       int32_t *entry, struct dmt_findings *f)
{
	int32_t tgt_dummy, entry_dummy;
	uint32_t out_dummy;

	if (!target)
		target = &tgt_dummy;
	if (!out)
		out = &out_dummy;
	if (!entry)
		entry = &entry_dummy;
	result_bypass(id, target, out, entry);
	(void)t;
	/* Linux with a target pointer and no property: -ENODEV. */
	if (!m || !m->present)
		return -ENODEV;
	if (m->n && !m->e)
		return -ENOMEM;
	if (p == DMT_PROFILE_SPEC)
		return map_id_spec(m, id, want_target, target, out, entry, f);
	return map_id_linux(m, id, want_target, target, out, entry);
}
