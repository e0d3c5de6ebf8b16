/* lspci -xxx / -xxxx dumps through libpci's dump access method (PCI_ACCESS_DUMP):
 * checked first by reference/lspci_check.c, then read by libpci from a private copy of the
 * checked bytes (so what libpci reads is what was checked), each function's facts
 * taken with libpci_fn.c and its DMA aliases computed with reference/pci_alias.c. */
#ifndef DMT_HARNESS_LSPCI_H
#define DMT_HARNESS_LSPCI_H

#include <stdio.h>

#include "dmatopo.h"
#include "pci_alias.h"

struct dmt_lspci_set {
	struct dmt_pci_fn *fn;		/* every function of the dump, by address */
	size_t n;
};

/* 0 with s filled; -1 when the text is not a usable dump (findings in f) or libpci
 * failed on it (why, and no finding). */
int dmt_lspci_read(const uint8_t *buf, size_t len, struct dmt_lspci_set *s,
		   struct dmt_findings *f, char *why, size_t whylen);
void dmt_lspci_set_free(struct dmt_lspci_set *s);
/* Index of the function at this address, or -1. */
long dmt_lspci_index(const struct dmt_lspci_set *s, uint16_t seg, uint16_t rid);
/* Function i as a device to resolve: its RID and its DMA aliases. */
void dmt_lspci_device(const struct dmt_lspci_set *s, size_t i, struct dmt_device *d);

/* What a subcommand does with one device of the dump; returns an exit status. name
 * is the device with its aliases, as dmt_device_parse reads it. */
typedef int (*dmt_lspci_each_fn)(void *ctx, const char *name, const struct dmt_device *d);

/* The CLI's --lspci DUMP: read the dump, then call each() on every device in it, or
 * on the devices named (SSSS:BB:DD.F, no aliases: the dump gives them). Findings and
 * devices missing from the dump are said on err with `cmd` and give 1, nothing
 * resolved; usage and I/O errors give 2. Otherwise the worst status each() gave. */
int dmt_lspci_each(const char *cmd, const char *path, char **names, size_t nnames,
		   dmt_lspci_each_fn each, void *ctx, FILE *err);

/* The config-space bytes of one function of a dump (256 or 4096, at most max) into
 * out, *got set: for decoders of structures that live in config space (seed 002's
 * domid encodings). 0, or -1 with findings in f and why. */
int dmt_lspci_config(const uint8_t *buf, size_t len, uint16_t seg, uint16_t rid, uint8_t *out,
		     size_t max, size_t *got, struct dmt_findings *f, char *why, size_t whylen);

#endif
