/* The facts of one PCI function that the DMA alias walk needs, read through libpci
 * whatever its access method: sysfs in the guest agent, an lspci dump on the host.
 * Built into both the agent and the dmatopo CLI. */
#ifndef DMT_LIBPCI_FN_H
#define DMT_LIBPCI_FN_H

#include <pci/pci.h>

#include "pci_alias.h"

/* Header type (low 7 bits) as the function's config space gives it. */
int dmt_libpci_header_type(struct pci_dev *d);
/* Address, PCIe Device/Port Type and, for a bridge, its bus numbers. */
void dmt_libpci_fn(struct pci_dev *d, struct dmt_pci_fn *fn);

#endif
