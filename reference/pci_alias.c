/* pci_for_each_dma_alias on a list of functions (see pci_alias.h). */
#include "pci_alias.h"

/* A bus loop in hostile facts (bridge A behind B behind A) must end: no real
 * hierarchy is deeper than the bus numbers. */
#define MAX_BUS_DEPTH 256

/* The bridge whose secondary bus is `bus` in this segment, or NULL on a root bus.
 * A bridge that names its own bus (or bus 0) as secondary leads nowhere. */
static const struct dmt_pci_fn *upstream_bridge(const struct dmt_pci_fn *fns, size_t n,
						uint16_t seg, unsigned bus)
{
	for (size_t i = 0; i < n; i++) {
		const struct dmt_pci_fn *b = &fns[i];

		if (b->is_bridge && b->segment == seg && b->secondary == bus && b->secondary != 0 &&
		    b->secondary != (b->rid >> 8))
			return b;
	}
	return NULL;
}

size_t dmt_pci_dma_aliases(const struct dmt_pci_fn *fns, size_t n, const struct dmt_pci_fn *dev,
			   uint16_t *aliases, size_t max)
{
	unsigned bus = dev->rid >> 8;
	size_t count = 0;

	for (int depth = 0; depth < MAX_BUS_DEPTH; depth++) {
		const struct dmt_pci_fn *b = upstream_bridge(fns, n, dev->segment, bus);

		if (!b)
			break;
		if (b->pcie_type == DMT_PCIE_TO_PCI_BRIDGE) {
			/* PCIe-to-PCI bridges take ownership with (secondary bus, devfn 0). */
			if (count < max)
				aliases[count++] = (uint16_t)(b->secondary << 8);
		} else if (b->pcie_type == DMT_PCI_TO_PCIE_BRIDGE || b->pcie_type < 0) {
			if (count < max)
				aliases[count++] = b->rid;
		}
		/* Root and switch ports forward the requester ID unchanged. */
		bus = b->rid >> 8;
	}
	return count;
}
