/* The device side of virtio-iommu: what the IOMMU device answers when a kernel sends
 * it the endpoint IDs it computed for one device. Linux sends PROBE for the first ID,
 * then one ATTACH per ID, and stops at the first failure (drivers/iommu/virtio-iommu.c
 * viommu_probe_endpoint, viommu_attach_dev). Two profiles:
 *   qemu-7.2  QEMU 7.2 hw/virtio/virtio-iommu.c: an endpoint ID is looked up as
 *             bus = (id >> 8) & 0xff, devfn = id & 0xff (virtio_iommu_mr; bits 31:16
 *             ignored); QEMU has an address space only for the requester ID it registered
 *             the device under (hw/pci/pci.c pci_device_iommu_address_space: behind a
 *             PCIe-to-PCI bridge, the alias (secondary bus, devfn 0) only); bus numbers
 *             are cached at the first lookup of each number (iommu_find_iommu_pcibus), so
 *             a bus renumbered later is still found under its old number.
 *   spec      the device accepts exactly the IDs the firmware description it goes with
 *             gives the device, and nothing else.
 * Pure: no I/O; the machine's bus cache is the only state a lookup changes. */
#ifndef DMT_QEMU_DEVICE_H
#define DMT_QEMU_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci_alias.h"

enum dmt_qdev_profile { DMT_QDEV_QEMU_7_2, DMT_QDEV_SPEC, DMT_QDEV_PROFILE_COUNT };

/* virtio spec status values (FACTS.md §5) the model gives, plus "never sent". */
enum dmt_qdev_status { DMT_QDEV_OK = 0, DMT_QDEV_NOENT = 6, DMT_QDEV_NOT_SENT = -1 };

enum dmt_qdev_req { DMT_QDEV_PROBE, DMT_QDEV_ATTACH };

/* End to end, for one device: its DMA goes through an attached address space
 * (translated), the kernel gave the IOMMU no ID (bypassing), or the kernel gave IDs
 * and the device did not end up translated (broken). */
enum dmt_e2e { DMT_E2E_TRANSLATED, DMT_E2E_BYPASSING, DMT_E2E_BROKEN };

#define DMT_QDEV_MAX_BUSES 256
#define DMT_QDEV_MAX_IDS 32

/* One PCI bus as QEMU knows it: its number now, and the devfns QEMU made an IOMMU
 * address space for on it. */
struct dmt_qdev_bus {
	uint8_t number;
	uint8_t devfn[32];		/* bitmap of registered devfns */
};

struct dmt_qdev_machine {
	enum dmt_qdev_profile profile;
	size_t nbuses;
	struct dmt_qdev_bus bus[DMT_QDEV_MAX_BUSES];
	int16_t cache[256];		/* bus number -> index in bus[]; -1 not looked up yet */
};

struct dmt_qdev_request {
	enum dmt_qdev_req type;
	uint32_t endpoint;
	enum dmt_qdev_status status;
	bool reaches_device;		/* OK, and it acts on the device's own address space */
};

struct dmt_qdev_answer {
	size_t nreq;			/* PROBE + one ATTACH per ID (NOT_SENT after a failure) */
	struct dmt_qdev_request req[DMT_QDEV_MAX_IDS + 1];
	bool attached;			/* every request the kernel makes succeeded */
	bool translated;		/* attached, and the device's own DMA is among them */
};

const char *dmt_qdev_profile_name(enum dmt_qdev_profile p);
/* "qemu-7.2" / "spec" -> 0, else -1. */
int dmt_qdev_profile_parse(const char *s, enum dmt_qdev_profile *p);
const char *dmt_qdev_status_name(enum dmt_qdev_status s);
const char *dmt_e2e_name(enum dmt_e2e e);

void dmt_qdev_init(struct dmt_qdev_machine *m, enum dmt_qdev_profile p);
/* QEMU made an address space for requester ID rid (bus number as it is now).
 * 0, or -1 when the machine has no room for another bus. */
int dmt_qdev_register(struct dmt_qdev_machine *m, uint16_t rid);
/* The guest renumbered the bus now numbered `from` to `to` (the bus-number cache
 * keeps what it looked up before). 0, or -1 when no bus has that number. */
int dmt_qdev_renumber(struct dmt_qdev_machine *m, uint8_t from, uint8_t to);

/* The requester ID QEMU 7.2 registers dev under: the last DMA alias the walk up from
 * it meets (the bridge nearest the root decides, as in pci_device_iommu_address_space),
 * else its own RID. */
uint16_t dmt_qdev_key(const struct dmt_pci_fn *fns, size_t n, const struct dmt_pci_fn *dev);

/* The device's answers to the kernel's IDs (ids, in the order the kernel added them;
 * at most DMT_QDEV_MAX_IDS are used). dev_key: the requester ID the device's DMA
 * uses (dmt_qdev_key). fw_ids: the IDs the firmware description gives the device
 * (the spec profile accepts exactly these; qemu-7.2 ignores them). No IDs: no request. */
void dmt_qdev_answer(struct dmt_qdev_machine *m, const uint32_t *ids, size_t nids,
		     uint16_t dev_key, const uint32_t *fw_ids, size_t nfw,
		     struct dmt_qdev_answer *a);

/* The end-to-end state of a device given the kernel's ID count and the answer. */
enum dmt_e2e dmt_qdev_e2e(size_t nids, const struct dmt_qdev_answer *a);

#endif
