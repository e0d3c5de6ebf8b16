#include "libpci_fn.h"

#include <string.h>

int dmt_libpci_header_type(struct pci_dev *d)
{
	return pci_read_byte(d, PCI_HEADER_TYPE) & 0x7f;
}

/* PCIe Device/Port Type, or -1 for a conventional PCI function: the kernel's alias
 * walk (pci_for_each_dma_alias) depends on it. */
static int pcie_port_type(struct pci_dev *d)
{
	struct pci_cap *cap = pci_find_cap(d, PCI_CAP_ID_EXP, PCI_CAP_NORMAL);

	if (!cap)
		return -1;
	return (pci_read_word(d, cap->addr + PCI_EXP_FLAGS) & PCI_EXP_FLAGS_TYPE) >> 4;
}

void dmt_libpci_fn(struct pci_dev *d, struct dmt_pci_fn *fn)
{
	int hdr = dmt_libpci_header_type(d);

	memset(fn, 0, sizeof(*fn));
	fn->segment = (uint16_t)d->domain;
	fn->rid = (uint16_t)(d->bus << 8 | d->dev << 3 | d->func);
	fn->pcie_type = pcie_port_type(d);
	/* CardBus bridges keep primary, CardBus and subordinate bus at the same offsets. */
	fn->is_bridge = hdr == PCI_HEADER_TYPE_BRIDGE || hdr == PCI_HEADER_TYPE_CARDBUS;
	if (fn->is_bridge) {
		fn->primary = pci_read_byte(d, PCI_PRIMARY_BUS);
		fn->secondary = pci_read_byte(d, PCI_SECONDARY_BUS);
		fn->subordinate = pci_read_byte(d, PCI_SUBORDINATE_BUS);
	}
}
