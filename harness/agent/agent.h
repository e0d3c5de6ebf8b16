/* The dmatopo guest agent: runs as the only program of a throwaway guest, makes every
 * PCI endpoint observable (pci-stub), and prints what the guest kernel saw as
 * "DMT ..." lines on the console for the host to parse. Not part of reference/. */
#ifndef DMT_AGENT_H
#define DMT_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "crc32.h"

#define DMT_AGENT_VERSION 1

/* Console lines: each is written with a single write(2) so the kernel's own console
 * messages cannot land inside it. The count of error lines goes into "DMT done". */
void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void emit_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
unsigned emit_error_count(void);

/* Bind every PCI device that has no driver to pci-stub. */
void bind_driverless_to_stub(void);

/* "DMT dev" and "DMT bridge" lines from libpci, sorted by address, then the
 * guest's lspci dump as the blob "lspci". */
void print_pci_devices(void);

struct pci_dev;
/* The device's lines of `lspci -D -n -xxx`, kept until lspci_send() frames them as
 * the blob "lspci". */
void lspci_add(struct pci_dev *d);
void lspci_send(void);

/* "DMT virtio NAME index=N parent=DEVICE driver=D" for each virtio device. */
void print_virtio_devices(void);
/* "DMT group DEVICE N" from /sys/kernel/iommu_groups. */
void print_iommu_groups(void);

/* The firmware description the kernel used: the VIOT tables (ACPI) or the flattened
 * device tree, as framed hex with length and CRC-32. */
void dump_firmware_blobs(void);

/* A whole file, read to EOF (sysfs and debugfs sizes are not always right): its
 * length, or -errno; *out is malloc'd. */
long read_blob(const char *path, unsigned char **out);

/* Coverage kernels: every .gcda under /sys/kernel/debug/gcov as a blob "gcda" whose
 * path is the file's path below that folder, then "DMT gcov files=N". */
void dump_gcov_data(void);

/* One blob as "blob-begin", "blob"/"blob-zero" lines of 32 bytes, "blob-end". */
void print_blob(const char *name, const char *path, const unsigned char *buf, size_t len);

/* Checks the CRC and the blob framing against known answers; 0 when all pass. */
int agent_self_test(void);

#endif
