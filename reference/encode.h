/* Encoders: an abstract topology model (from the topology language, or a decoded
 * input) written out as VIOT bytes, a vtopo config blob, or a DTB. Each encoder
 * uses the same layouts its decoder reads with. No I/O. */
#ifndef DMT_ENCODE_H
#define DMT_ENCODE_H

#include "dmatopo.h"

#define DMT_WHY_MAX 192

struct dmt_encode_opts {
	unsigned vtopo_version;		/* 2 (default) or 3 */
};

/* 0 with *out (malloc'd, caller frees) and *len set; -1 with why[] saying what the
 * encoding cannot express (e.g. an MMIO IOMMU in a vtopo blob). */
int dmt_encode(const struct dmt_topo *t, enum dmt_format fmt, const struct dmt_encode_opts *o,
	       uint8_t **out, size_t *len, char *why, size_t whylen);

int dmt_encode_viot(const struct dmt_topo *t, uint8_t **out, size_t *len, char *why, size_t whylen);
int dmt_encode_vtopo(const struct dmt_topo *t, const struct dmt_encode_opts *o, uint8_t **out,
		     size_t *len, char *why, size_t whylen);
int dmt_encode_dtb(const struct dmt_topo *t, uint8_t **out, size_t *len, char *why, size_t whylen);

/* The endpoint entries (PCI ranges and MMIO endpoints) of a model in ordinal
 * order, or in the reverse of it. */
struct dmt_entry_ref {
	bool is_range;
	size_t idx;
};

/* A malloc'd array of t->nranges + t->nmmio entries (NULL on failure or when
 * there are none). The order a format's Linux lookup ranks entries by decides
 * `reverse`: see dmt_encode_reverse. */
struct dmt_entry_ref *dmt_entry_order(const struct dmt_topo *t, bool reverse);

/* Whether a format that takes the FIRST match (vtopo, DT maps) must write this
 * model's entries from the end; the VIOT encoder writes from the end exactly
 * when this is false. */
static inline bool dmt_encode_reverse(const struct dmt_topo *t)
{
	return !t->first_match_order;
}

/* Say in why[] what an encoding cannot express; returns -1. */
int dmt_encode_refuse(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Recompute the ACPI checksum byte of a table in place (length from the header). */
void dmt_acpi_fix_checksum(uint8_t *buf, size_t len);

#endif
