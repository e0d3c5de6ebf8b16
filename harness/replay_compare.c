/* The verdict per device: the reference resolves each device the guest enumerated,
 * with the DMA aliases the kernel's pci_for_each_dma_alias would visit, on the
 * firmware description the guest saw, under the linux profile; the kernel's endpoint
 * IDs (kprobe lines, in the order it added them) must be the same list. */
#include "pci_alias.h"
#include "replay.h"

#include <stdlib.h>
#include <string.h>

struct replay_check *replay_checks_add(struct replay_checks *cs)
{
	if (cs->n == cs->cap) {
		size_t ncap = cs->cap ? cs->cap * 2 : 16;
		struct replay_check *p = realloc(cs->c, ncap * sizeof(*p));

		if (!p)
			return NULL;
		cs->c = p;
		cs->cap = ncap;
	}
	memset(&cs->c[cs->n], 0, sizeof(cs->c[0]));
	return &cs->c[cs->n++];
}

void replay_checks_free(struct replay_checks *cs)
{
	free(cs->c);
	cs->c = NULL;
	cs->n = cs->cap = 0;
}

/* The agent's facts as the shared alias walk takes them (the same rule as for an
 * lspci dump, pci_alias.c). */
void replay_pci_fn(const struct replay_dev *d, struct dmt_pci_fn *fn)
{
	fn->segment = d->segment;
	fn->rid = d->rid;
	fn->pcie_type = d->pcie_type;
	fn->is_bridge = d->is_bridge;
	fn->primary = d->primary;
	fn->secondary = d->secondary;
	fn->subordinate = d->subordinate;
}

size_t replay_dma_aliases(const struct replay_obs *o, const struct replay_dev *dev,
			  uint16_t *aliases, size_t max)
{
	struct dmt_pci_fn fns[REPLAY_MAX_DEVS];
	struct dmt_pci_fn self;

	for (size_t i = 0; i < o->ndevs; i++)
		replay_pci_fn(&o->devs[i], &fns[i]);
	replay_pci_fn(dev, &self);
	return dmt_pci_dma_aliases(fns, o->ndevs, &self, aliases, max);
}

static void format_ids(char *out, size_t len, const uint32_t *ids, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	if (n == 0) {
		replay_fmt(out, len, "(none)");
		return;
	}
	for (size_t i = 0; i < n && used + 1 < len; i++) {
		int w = snprintf(out + used, len - used, "%s0x%x", i ? " " : "", ids[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static bool same_ids(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0);
}

/* A deferred probe starts the fwspec again from scratch: the kernel's list is then
 * one attempt repeated. Returns the length of that attempt (na when it is not one). */
static size_t one_attempt(const uint32_t *a, size_t na, unsigned *times)
{
	*times = 1;
	for (size_t p = 1; p < na; p++) {
		if (na % p || a[p] != a[0])
			continue;
		bool repeats = true;

		for (size_t i = p; i < na && repeats; i++)
			repeats = a[i] == a[i % p];
		if (repeats) {
			*times = (unsigned)(na / p);
			return p;
		}
	}
	return na;
}

/* of_iommu_configure keeps the IDs an earlier alias added when a later one bypasses
 * (NO_IOMMU), and returns no IOMMU: the kprobe saw IDs, the device has none. A device
 * without an IOMMU group was left untranslated when groups form in this boot, or when
 * its own driver bound (an IOMMU that had not probed would have held it deferred).
 * The second case found by replay-fuzz (seed 20261129 case 346: the only mapped
 * device, behind a PCIe-to-PCI bridge whose alias has no entry). */
static bool abandoned(const struct replay_obs *o, const struct replay_dev *d, size_t nref)
{
	return nref == 0 && d->nkids > 0 && d->group < 0 &&
	       (o->any_group || (!d->deferred && !d->bind_error));
}

/* VIOT: when the alias walk stops after IDs were added (the reference's walk_stopped;
 * Linux 6.1 drivers/acpi/viot.c viot_pci_dev_iommu_init returns -ENODEV or -EINVAL and
 * pci_for_each_dma_alias passes it on), acpi_iommu_configure_id sees the error and
 * never calls iommu_probe_device (drivers/acpi/scan.c, 6.1 and 6.12 alike): the IDs
 * stay in the fwspec, the IOMMU driver is handed none, and no PROBE or ATTACH reaches
 * the device. Trusted only when the kernel added what the reference did. */
static void mark_never_probed(struct replay_check *c, const struct dmt_answer *a,
			      const uint32_t *once_ids, size_t once, const char *kside)
{
	uint16_t r = a->walk_stopped_rid;
	size_t used = strlen(c->note);

	c->walk_stopped = a->found && a->walk_stopped && same_ids(once_ids, once, a->ids, a->nids);
	c->walk_stopped_rid = r;
	if (c->walk_stopped)
		replay_fmt(c->note + used, sizeof(c->note) - used,
			   "%sthe alias walk stopped at %02x:%02x.%x: acpi_iommu_configure_id reports failure and never probes the device on the IOMMU, so the IDs (%s) stay unused in the fwspec",
			   used ? "; " : "", r >> 8, (r >> 3) & 0x1f, r & 7, kside);
}

void replay_device_name(const struct replay_dev *d, char *out, size_t len)
{
	replay_fmt(out, len, "%04x:%02x:%02x.%x", d->segment, d->rid >> 8, (d->rid >> 3) & 0x1f,
		 d->rid & 7);
}

static void reference_side(const struct dmt_answer *a, char *out, size_t len)
{
	char ids[160];

	if (!a->found) {
		replay_fmt(out, len, "none reason=%s", dmt_label_name(a->reason));
		return;
	}
	format_ids(ids, sizeof(ids), a->ids, a->nids);
	replay_fmt(out, len, "%s (%s%s%s)", ids, a->iommu_name, a->nids ? ", via " : "",
		 a->nids ? a->via[0] : "");
}

static void compare_device(const struct replay_obs *o, const struct dmt_topo *t,
			   const struct replay_dev *d, struct replay_check *c)
{
	struct dmt_device dev = { .kind = DMT_DEV_PCI, .segment = d->segment, .rid = d->rid };
	struct dmt_answer a;
	struct dmt_findings f;
	char kside[192], rside[320], al[64] = "";
	const uint32_t *ref_ids;
	unsigned times;
	size_t nref, once;

	c->is_device = true;
	replay_device_name(d, c->what, sizeof(c->what));
	dev.naliases = replay_dma_aliases(o, d, dev.aliases, DMT_MAX_ALIASES);
	c->naliases = dev.naliases;
	memcpy(c->aliases, dev.aliases, sizeof(c->aliases));
	for (size_t i = 0; i < dev.naliases; i++)
		replay_fmt(al + strlen(al), sizeof(al) - strlen(al), "+%02x:%02x.%x",
			 dev.aliases[i] >> 8, (dev.aliases[i] >> 3) & 0x1f, dev.aliases[i] & 7);
	memset(&a, 0, sizeof(a));
	dmt_findings_init(&f);
	if (dmt_resolve(t, DMT_PROFILE_LINUX, &dev, &a, &f)) {
		c->status = REPLAY_ERROR;
		replay_fmt(c->diag, sizeof(c->diag), "the reference could not resolve %s%s", c->what, al);
		dmt_findings_free(&f);
		return;
	}
	dmt_findings_free(&f);
	ref_ids = a.found ? a.ids : NULL;
	nref = a.found ? a.nids : 0;
	c->nref = nref;
	if (nref)
		memcpy(c->ref, a.ids, nref * sizeof(a.ids[0]));
	replay_fmt(c->ref_reason, sizeof(c->ref_reason), "%s",
		 a.found ? "" : dmt_label_name(a.reason));
	c->nkernel = d->nkids;
	memcpy(c->kernel, d->kids, d->nkids * sizeof(d->kids[0]));
	format_ids(kside, sizeof(kside), d->kids, d->nkids);
	reference_side(&a, rside, sizeof(rside));
	if (d->bind_error || d->kids_overflow) {
		c->status = REPLAY_ERROR;
		replay_fmt(c->diag, sizeof(c->diag), "no complete observation (%s); kernel %s, reference %s",
			 d->bind_error ? "the agent could not bind a driver" : "too many epid lines",
			 kside, rside);
		return;
	}
	once = one_attempt(d->kids, d->nkids, &times);
	if (same_ids(d->kids, d->nkids, ref_ids, nref)) {
		c->status = REPLAY_PASS;
		if (d->deferred && !d->nkids)
			replay_fmt(c->note, sizeof(c->note),
				   "the kernel holds its probe deferred: no driver, no IOMMU");
	} else if (times > 1 && same_ids(d->kids, once, ref_ids, nref)) {
		c->status = REPLAY_PASS;
		replay_fmt(c->note, sizeof(c->note), "the kernel configured it %u times (deferred probe), same IDs each time",
			 times);
	} else if (abandoned(o, d, nref)) {
		c->status = REPLAY_PASS;
		replay_fmt(c->note, sizeof(c->note),
			   "the kernel added %s, then gave the device no IOMMU (no IOMMU group, its driver bound or other devices have one): the final state agrees with none",
			   kside);
	} else {
		c->status = REPLAY_FAIL;
		/* the table names an IOMMU this machine does not have: Linux drops its
		 * ranges, the reference (the table alone) does not know (replay-fuzz) */
		if (o->viot_iommu_missing && !d->nkids && nref)
			replay_fmt(c->note, sizeof(c->note), "%s", REPLAY_NOTE_IOMMU_MISSING);
	}
	replay_fmt(c->diag, sizeof(c->diag), "device %s%s: kernel %s; reference (linux) %s", c->what,
		 al, kside, rside);
	mark_never_probed(c, &a, d->kids, once, kside);
	/* What the IOMMU driver was handed: one attempt's IDs, none once abandoned or
	 * never probed. */
	c->nsent = abandoned(o, d, nref) || c->walk_stopped ? 0 : once;
}

void replay_compare(const struct replay_obs *o, const struct dmt_topo *t,
		    struct replay_checks *cs)
{
	for (size_t i = 0; i < o->ndevs; i++) {
		struct replay_check *c = replay_checks_add(cs);

		if (!c)
			return;
		compare_device(o, t, &o->devs[i], c);
	}
}
