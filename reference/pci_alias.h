/* PCI DMA aliases, the way Linux pci_for_each_dma_alias (drivers/pci/search.c) walks
 * up from a device to its root bus. The facts come from wherever the caller read
 * them: the replay agent's bridge lines, or an lspci dump through libpci. */
#ifndef DMT_PCI_ALIAS_H
#define DMT_PCI_ALIAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* PCI Express Device/Port Types (PCIe base spec, Express Capabilities register). */
enum {
	DMT_PCIE_ROOT_PORT = 4,
	DMT_PCIE_UPSTREAM = 5,
	DMT_PCIE_DOWNSTREAM = 6,
	DMT_PCIE_TO_PCI_BRIDGE = 7,
	DMT_PCI_TO_PCIE_BRIDGE = 8,
};

/* What the alias walk needs to know about one PCI function. */
struct dmt_pci_fn {
	uint16_t segment, rid;		/* rid: bus<<8 | dev<<3 | fn */
	int pcie_type;			/* Device/Port Type, -1: no PCIe capability */
	bool is_bridge;			/* header type 1 (PCI-to-PCI) or 2 (CardBus) */
	uint8_t primary, secondary, subordinate;
};

/* The DMA aliases of dev after its own RID, in the order the kernel visits them,
 * given every function of the machine in fns: walking up through the bridge whose
 * secondary bus is the device's bus, a PCIe-to-PCI bridge adds (secondary bus,
 * devfn 0), a PCI-to-PCIe or conventional bridge adds its own RID, root and switch
 * ports add nothing; the walk ends on a bus no bridge leads to (a root bus).
 * Left out, as the model has no place for them: the devfn quirks (dma_alias_mask,
 * PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS, BRIDGE_XLATE_ROOT, pci_real_dma_dev).
 * Returns the count (at most max). */
size_t dmt_pci_dma_aliases(const struct dmt_pci_fn *fns, size_t n, const struct dmt_pci_fn *dev,
			   uint16_t *aliases, size_t max);

#endif
