/* The MSI DeviceID verdict (arm64): what of_msi_map_id returned for a device, which is
 * the ID the GICv3 ITS gets (pci_msi_domain_get_msi_rid, Linux 6.1 and 6.12), against
 * the reference's msi= answer on the DT the guest saw. Only devices whose driver
 * allocated MSIs call it (virtio-pci, pcieport; pci-stub does not), so a device with no
 * observation has no check; a vector that declares an msi-map itself must observe at
 * least one, or it was not judged on the map it is about. (QEMU's own identity msi-map
 * is in every arm virt DT; a vector whose IOMMU never probes, or whose msi-map
 * translates no device, has no driver ask, and is judged on its endpoint IDs alone.) */
#include "model.h"
#include "replay.h"

#include <string.h>

static bool topo_has_msi_map(const struct dmt_topo *t)
{
	for (size_t i = 0; i < t->nbridges; i++)
		if (t->bridges[i].msi_map.present)
			return true;
	return false;
}

static void fill(struct replay_check *c, enum replay_status st, const char *name)
{
	c->status = st;
	replay_fmt(c->what, sizeof(c->what), "msi %s", name);
}

/* Every MSI ID the kernel computed for d must be the reference's (a device asks again
 * after a deferred probe: the same answer each time). */
static void msi_device(const struct replay_obs *o, const struct dmt_topo *t,
		       const struct replay_dev *d, struct replay_check *c)
{
	struct dmt_device dev = { .kind = DMT_DEV_PCI, .segment = d->segment, .rid = d->rid };
	struct dmt_answer a;
	char name[16];
	uint32_t bad = 0;
	bool differs = false;

	replay_fmt(name, sizeof(name), "%04x:%02x:%02x.%x", d->segment, d->rid >> 8,
		   (d->rid >> 3) & 0x1f, d->rid & 7);
	dev.naliases = replay_dma_aliases(o, d, dev.aliases, DMT_MAX_ALIASES);
	memset(&a, 0, sizeof(a));
	if (dmt_resolve(t, DMT_PROFILE_LINUX, &dev, &a, NULL)) {
		fill(c, REPLAY_ERROR, name);
		replay_fmt(c->diag, sizeof(c->diag), "the reference could not resolve %s", name);
		return;
	}
	for (size_t i = 0; i < d->nmsi && !differs; i++) {
		differs = !a.has_msi || d->msi[i] != a.msi_id;
		bad = d->msi[i];
	}
	if (d->msi_broken) {
		fill(c, REPLAY_ERROR, name);
		replay_fmt(c->diag, sizeof(c->diag),
			   "device %s: an of_msi_map_id entry without its return (or too many); %zu answer(s) read",
			   name, d->nmsi);
		return;
	}
	fill(c, differs ? REPLAY_FAIL : REPLAY_PASS, name);
	if (!a.has_msi)
		replay_fmt(c->diag, sizeof(c->diag),
			   "device %s: kernel MSI DeviceID 0x%x; reference (linux) no MSI translation",
			   name, bad);
	else
		replay_fmt(c->diag, sizeof(c->diag),
			   "device %s: kernel MSI DeviceID 0x%x; reference (linux) msi=0x%x (%s)", name,
			   differs ? bad : d->msi[0], a.msi_id, a.msi_via);
	if (d->nmsi > 1 && !differs)
		replay_fmt(c->note, sizeof(c->note), "of_msi_map_id ran %zu times, same ID each time",
			   d->nmsi);
}

/* Whether the kernel had to ask of_msi_map_id at all: some device that is not held
 * deferred (an IOMMU that never probes defers everything behind it) is one the msi-map
 * translates (with no translation Linux finds no MSI domain for it and falls back to
 * INTx without asking). Both found by replay-fuzz. */
static bool msi_expected(const struct replay_obs *o, const struct dmt_topo *t)
{
	for (size_t i = 0; i < o->ndevs; i++) {
		const struct replay_dev *d = &o->devs[i];
		struct dmt_device dev = { .kind = DMT_DEV_PCI, .segment = d->segment, .rid = d->rid };
		struct dmt_answer a;

		if (d->deferred || d->stubbed)
			continue;	/* no driver of its own allocates MSIs */
		dev.naliases = replay_dma_aliases(o, d, dev.aliases, DMT_MAX_ALIASES);
		memset(&a, 0, sizeof(a));
		/* "identity (no msi-map entry)": Linux finds no MSI domain and never asks */
		if (dmt_resolve(t, DMT_PROFILE_LINUX, &dev, &a, NULL) == 0 && a.has_msi &&
		    strncmp(a.msi_via, "msi-map", 7) == 0)
			return true;
	}
	return false;
}

void replay_msi_check(const struct replay_obs *o, const struct dmt_topo *t,
		      const struct dmt_topo *declared, struct replay_checks *cs)
{
	struct replay_check *c;

	for (size_t i = 0; i < o->ndevs; i++) {
		if (!o->devs[i].nmsi && !o->devs[i].msi_broken)
			continue;
		if (!(c = replay_checks_add(cs)))
			return;
		msi_device(o, t, &o->devs[i], c);
	}
	if (o->nmsi_seen || !topo_has_msi_map(declared) || !msi_expected(o, t))
		return;
	if (!(c = replay_checks_add(cs)))
		return;
	c->status = REPLAY_ERROR;
	replay_fmt(c->what, sizeof(c->what), "msi");
	replay_fmt(c->diag, sizeof(c->diag),
		   "the vector declares an msi-map but the console has no of_msi_map_id answer (msiin/msiid kprobe lines): the msi-map was not observed");
}
