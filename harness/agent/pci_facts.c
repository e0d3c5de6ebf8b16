#include "agent.h"
#include "libpci_fn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Enough for any QEMU machine; past this the listing says it stopped. */
#define MAX_DEVICES 4096

static void pci_error(char *msg, ...) __attribute__((format(printf, 1, 2), noreturn));
static void pci_warning(char *msg, ...) __attribute__((format(printf, 1, 2)));
static void pci_debug(char *msg, ...) __attribute__((format(printf, 1, 2)));

/* libpci's error callback must not return: report, close the run, stop. */
static void pci_error(char *msg, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, msg);
	vsnprintf(text, sizeof(text), msg, ap);
	va_end(ap);
	emit_error("libpci: %s", text);
	emit("done errors=%u", emit_error_count());
	_exit(1);
}

static void pci_warning(char *msg, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, msg);
	vsnprintf(text, sizeof(text), msg, ap);
	va_end(ap);
	emit("warning libpci: %s", text);
}

static void pci_debug(char *msg, ...)
{
	(void)msg;
}

static int by_address(const void *a, const void *b)
{
	const struct pci_dev *x = *(struct pci_dev *const *)a;
	const struct pci_dev *y = *(struct pci_dev *const *)b;

	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->func < y->func ? -1 : x->func > y->func;
}

static void print_device(struct pci_dev *d)
{
	struct dmt_pci_fn fn;
	char pcie[8];

	dmt_libpci_fn(d, &fn);
	if (fn.pcie_type < 0)
		snprintf(pcie, sizeof(pcie), "-");
	else
		snprintf(pcie, sizeof(pcie), "%x", (unsigned)fn.pcie_type & 0xf);
	emit("dev %04x:%02x:%02x.%d vendor=%04x device=%04x class=%04x hdr=%d pcie=%s",
	     d->domain, d->bus, d->dev, d->func, d->vendor_id, d->device_id,
	     d->device_class, dmt_libpci_header_type(d), pcie);
	if (fn.is_bridge)
		emit("bridge %04x:%02x:%02x.%d primary=%02x secondary=%02x subordinate=%02x",
		     d->domain, d->bus, d->dev, d->func, fn.primary, fn.secondary, fn.subordinate);
	lspci_add(d);
}

void print_pci_devices(void)
{
	struct pci_access *pacc = pci_alloc();
	struct pci_dev **list;
	struct pci_dev *d;
	size_t n = 0;

	pacc->error = pci_error;
	pacc->warning = pci_warning;
	pacc->debug = pci_debug;
	pci_init(pacc);
	pci_scan_bus(pacc);
	list = calloc(MAX_DEVICES, sizeof(*list));
	if (!list) {
		emit_error("out of memory listing PCI devices");
		pci_cleanup(pacc);
		return;
	}
	for (d = pacc->devices; d && n < MAX_DEVICES; d = d->next) {
		pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CAPS);
		list[n++] = d;
	}
	if (d)
		emit_error("more than %d PCI devices; the rest are not listed", MAX_DEVICES);
	if (n == 0)
		emit_error("libpci found no PCI devices");
	qsort(list, n, sizeof(*list), by_address);
	for (size_t i = 0; i < n; i++)
		print_device(list[i]);
	lspci_send();
	free(list);
	pci_cleanup(pacc);
}
