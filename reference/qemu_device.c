/* The virtio-iommu device's answers per profile (see qemu_device.h). */
#include "qemu_device.h"

#include <string.h>

static const char *const profile_names[DMT_QDEV_PROFILE_COUNT] = {
	[DMT_QDEV_QEMU_7_2] = "qemu-7.2",
	[DMT_QDEV_SPEC] = "spec",
};

const char *dmt_qdev_profile_name(enum dmt_qdev_profile p)
{
	return (unsigned)p < DMT_QDEV_PROFILE_COUNT ? profile_names[p] : "?";
}

int dmt_qdev_profile_parse(const char *s, enum dmt_qdev_profile *p)
{
	for (unsigned i = 0; i < DMT_QDEV_PROFILE_COUNT; i++) {
		if (strcmp(s, profile_names[i]) == 0) {
			*p = (enum dmt_qdev_profile)i;
			return 0;
		}
	}
	return -1;
}

const char *dmt_qdev_status_name(enum dmt_qdev_status s)
{
	switch (s) {
	case DMT_QDEV_OK: return "OK";
	case DMT_QDEV_NOENT: return "NOENT";
	case DMT_QDEV_NOT_SENT: return "not sent";
	}
	return "?";
}

const char *dmt_e2e_name(enum dmt_e2e e)
{
	switch (e) {
	case DMT_E2E_TRANSLATED: return "translated";
	case DMT_E2E_BYPASSING: return "bypassing";
	case DMT_E2E_BROKEN: return "broken";
	}
	return "?";
}

void dmt_qdev_init(struct dmt_qdev_machine *m, enum dmt_qdev_profile p)
{
	memset(m, 0, sizeof(*m));
	m->profile = p;
	for (size_t i = 0; i < 256; i++)
		m->cache[i] = -1;
}

static int bus_now(const struct dmt_qdev_machine *m, uint8_t number)
{
	for (size_t i = 0; i < m->nbuses; i++)
		if (m->bus[i].number == number)
			return (int)i;
	return -1;
}

int dmt_qdev_register(struct dmt_qdev_machine *m, uint16_t rid)
{
	int b = bus_now(m, (uint8_t)(rid >> 8));
	uint8_t devfn = (uint8_t)rid;

	if (b < 0) {
		if (m->nbuses == DMT_QDEV_MAX_BUSES)
			return -1;
		b = (int)m->nbuses++;
		m->bus[b].number = (uint8_t)(rid >> 8);
	}
	m->bus[b].devfn[devfn >> 3] |= (uint8_t)(1u << (devfn & 7));
	return 0;
}

int dmt_qdev_renumber(struct dmt_qdev_machine *m, uint8_t from, uint8_t to)
{
	int b = bus_now(m, from);

	if (b < 0)
		return -1;
	m->bus[b].number = to;
	return 0;
}

uint16_t dmt_qdev_key(const struct dmt_pci_fn *fns, size_t n, const struct dmt_pci_fn *dev)
{
	uint16_t aliases[DMT_QDEV_MAX_IDS];
	size_t na = dmt_pci_dma_aliases(fns, n, dev, aliases, DMT_QDEV_MAX_IDS);

	/* QEMU keeps overwriting (bus, devfn) on the way up: the top-most alias wins. */
	return na ? aliases[na - 1] : dev->rid;
}

/* qemu-7.2 virtio_iommu_mr(): the bus from bits 15:8 through the cache (filled on a
 * hit only, never refreshed), the devfn from bits 7:0; bits 31:16 never looked at.
 * Returns the requester ID of the address space found, or -1. */
static int32_t qemu72_lookup(struct dmt_qdev_machine *m, uint32_t id)
{
	uint8_t number = (uint8_t)(id >> 8), devfn = (uint8_t)id;
	int b = m->cache[number];

	if (b < 0) {
		b = bus_now(m, number);
		if (b < 0)
			return -1;
		m->cache[number] = (int16_t)b;
	}
	if (!(m->bus[b].devfn[devfn >> 3] & (1u << (devfn & 7))))
		return -1;
	return (int32_t)((uint32_t)m->bus[b].number << 8 | devfn);
}

static bool listed(const uint32_t *ids, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* One request's answer: OK or NOENT, and whether it acts on the device itself. */
static void answer_one(struct dmt_qdev_machine *m, uint16_t dev_key, const uint32_t *fw_ids,
		       size_t nfw, struct dmt_qdev_request *r)
{
	if (m->profile == DMT_QDEV_SPEC) {
		bool ok = listed(fw_ids, nfw, r->endpoint);

		r->status = ok ? DMT_QDEV_OK : DMT_QDEV_NOENT;
		r->reaches_device = ok;
		return;
	}
	int32_t found = qemu72_lookup(m, r->endpoint);

	r->status = found < 0 ? DMT_QDEV_NOENT : DMT_QDEV_OK;
	r->reaches_device = found == (int32_t)dev_key;
}

void dmt_qdev_answer(struct dmt_qdev_machine *m, const uint32_t *ids, size_t nids,
		     uint16_t dev_key, const uint32_t *fw_ids, size_t nfw,
		     struct dmt_qdev_answer *a)
{
	bool failed = false, reaches = false;

	memset(a, 0, sizeof(*a));
	if (nids > DMT_QDEV_MAX_IDS)
		nids = DMT_QDEV_MAX_IDS;
	if (nids == 0)
		return;
	/* PROBE carries the first ID only; then one ATTACH per ID. */
	a->req[0].type = DMT_QDEV_PROBE;
	a->req[0].endpoint = ids[0];
	for (size_t i = 0; i < nids; i++) {
		a->req[i + 1].type = DMT_QDEV_ATTACH;
		a->req[i + 1].endpoint = ids[i];
	}
	a->nreq = nids + 1;
	for (size_t i = 0; i < a->nreq; i++) {
		struct dmt_qdev_request *r = &a->req[i];

		/* The kernel stops at the first failure: a failed PROBE gives up on the
		 * device (no IOMMU group), a failed ATTACH fails the domain attach. */
		if (failed) {
			r->status = DMT_QDEV_NOT_SENT;
			continue;
		}
		answer_one(m, dev_key, fw_ids, nfw, r);
		failed = r->status != DMT_QDEV_OK;
		reaches = reaches || (r->type == DMT_QDEV_ATTACH && r->reaches_device);
	}
	a->attached = !failed;
	a->translated = a->attached && reaches;
}

enum dmt_e2e dmt_qdev_e2e(size_t nids, const struct dmt_qdev_answer *a)
{
	if (nids == 0)
		return DMT_E2E_BYPASSING;
	return a->translated ? DMT_E2E_TRANSLATED : DMT_E2E_BROKEN;
}
