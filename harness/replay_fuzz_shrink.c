/* Making a disagreeing case smaller, and naming the disagreement. A shrink step drops
 * one thing (a map entry, a range, a VIOT lie, a mask, a device) or makes one value
 * plainer (an output base to the RID, a length to one); the caller keeps a step only
 * when the disagreement it had is still there. */
#include "replay_fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DROP(arr, n, i)                                                        \
	do {                                                                   \
		memmove(&(arr)[i], &(arr)[(i) + 1], ((n) - (i) - 1) * sizeof((arr)[0])); \
		(n)--;                                                         \
	} while (0)

/* The steps in order: removals first (they shrink the most), then plainer values. */
bool fz_shrink_step(const struct fz_case *c, unsigned step, struct fz_case *s)
{
	unsigned k = step;

	*s = *c;
	if (k < s->nmap) {
		DROP(s->map, s->nmap, k);
		s->cut_bytes = s->nmap ? s->cut_bytes : 0;
		return true;
	}
	k -= (unsigned)c->nmap;
	/* a corpus file's map or VIOT: whole 16-byte map entries, then the donor itself */
	if (c->arch == REPLAY_ARM64 && k < c->ndonor / 16 && c->ndonor >= 32) {
		memmove(s->donor + 16 * k, s->donor + 16 * (k + 1), s->ndonor - 16 * (k + 1));
		s->ndonor -= 16;
		return true;
	}
	k -= c->arch == REPLAY_ARM64 && c->ndonor >= 32 ? (unsigned)(c->ndonor / 16) : 0;
	if (k == 0 && c->ndonor) {
		s->ndonor = 0;
		return true;
	}
	k -= c->ndonor ? 1 : 0;
	if (k < s->nmsi) {
		DROP(s->msi, s->nmsi, k);
		s->has_msi_mask = s->nmsi && s->has_msi_mask;
		return true;
	}
	k -= (unsigned)c->nmsi;
	if (k < s->nranges) {
		DROP(s->range, s->nranges, k);
		return true;
	}
	k -= (unsigned)c->nranges;
	if (k < s->npatch) {
		DROP(s->patch, s->npatch, k);
		return true;
	}
	k -= (unsigned)c->npatch;
	if (k < s->ndevs) {
		if (s->dev[k].place == FZ_ROOT_PORT)
			s->root_port = false;
		if (s->dev[k].place == FZ_PCI_BRIDGE)
			s->pci_bridge = false;
		DROP(s->dev, s->ndevs, k);
		return true;
	}
	k -= (unsigned)c->ndevs;
	/* the optional bits, one step each */
	if (k == 0 && c->has_mask) {
		s->has_mask = false;
		return true;
	}
	if (k == 1 && c->has_msi_mask) {
		s->has_msi_mask = false;
		return true;
	}
	if (k == 2 && c->cut_bytes) {
		s->cut_bytes = 0;
		return true;
	}
	if (k < 3)
		return fz_shrink_step(c, step + 1, s);	/* nothing to drop here: next step */
	k -= 3;
	/* plainer values: identity output, length one */
	if (k < 2 * c->nmap) {
		struct fz_entry *e = &s->map[k / 2];

		if (k % 2 == 0 && e->out != e->rid)
			e->out = e->rid;
		else if (k % 2 == 1 && e->len != 1)
			e->len = 1;
		else
			return fz_shrink_step(c, step + 1, s);
		return true;
	}
	k -= 2 * (unsigned)c->nmap;
	if (k < c->nranges) {
		if (s->range[k].ep == s->range[k].bdf_start)
			return fz_shrink_step(c, step + 1, s);
		s->range[k].ep = s->range[k].bdf_start;
		return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* What kind of difference one failing check is. */
static void check_kind(const struct replay_check *c, char *out, size_t len)
{
	const char *sp = strchr(c->what, ' ');

	if (!c->is_device) {
		snprintf(out, len, "%.*s", (int)(sp ? sp - c->what : (long)strlen(c->what)), c->what);
		return;
	}
	if (c->nkernel && c->nref)
		snprintf(out, len, "ids%s", c->nkernel == c->nref ? "!=ids" : "!=more-or-fewer-ids");
	else if (c->nkernel)
		snprintf(out, len, "ids!=none:%s", c->ref_reason[0] ? c->ref_reason : "?");
	else
		snprintf(out, len, "none!=ids%s", strstr(c->note, REPLAY_NOTE_IOMMU_MISSING) ? ":iommu-not-on-machine" : "");
}

void fz_signature(const struct replay_verdict *v, char *out, size_t len)
{
	char kinds[64][64];
	const char *sorted[64];
	size_t n = 0, used;

	out[0] = '\0';
	for (size_t i = 0; i < v->checks.n && n < 64; i++) {
		const struct replay_check *c = &v->checks.c[i];

		if (c->status == REPLAY_FAIL)
			check_kind(c, kinds[n], sizeof(kinds[n]));
		else if (replay_device_failed(c))	/* the device side: QEMU, not the kernel */
			snprintf(kinds[n], sizeof(kinds[n]), "%s",
				 c->qside.qemu == QSIDE_DIFFER ? "qemu-differs" : "e2e-broken");
		else
			continue;
		sorted[n] = kinds[n];
		n++;
	}
	if (!n)
		return;
	qsort(sorted, n, sizeof(sorted[0]), cmp_str);
	used = (size_t)snprintf(out, len, "%s", v->arch);
	for (size_t i = 0; i < n && used < len; i++)
		if (i == 0 || strcmp(sorted[i], sorted[i - 1]))
			used += (size_t)snprintf(out + used, len - used, "|%s", sorted[i]);
}
