/* Table-driven wire layouts, in the manner of ACPICA's field descriptions: each
 * structure is written down once, and decoders, encoders and the `decode` printer
 * all use that one description, so they cannot disagree about an offset. */
#ifndef DMT_LAYOUT_H
#define DMT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dmt_field_kind {
	DMT_F_UINT,	/* unsigned integer, printed in hex */
	DMT_F_ASCII,	/* fixed-size character field (signature, OEM ID) */
	DMT_F_RESERVED,	/* must be zero; printed as raw bytes */
	DMT_F_BDF,	/* 16-bit PCI requester ID, printed as bus:dev.fn too */
	DMT_F_BYTES,	/* opaque bytes */
};

struct dmt_field {
	const char *name;	/* human name, as the printer shows it */
	uint16_t offset;	/* from the start of the structure */
	uint16_t width;		/* bytes; <= 8 for integers */
	uint8_t kind;		/* enum dmt_field_kind */
};

struct dmt_layout {
	const char *name;	/* e.g. "VIOT PCI Range Node" */
	uint16_t size;		/* bytes the structure occupies when whole */
	const struct dmt_field *fields;
	size_t nfields;
};

#define DMT_LAYOUT(lname, lsize, farray) \
	{ .name = (lname), .size = (lsize), .fields = (farray), \
	  .nfields = sizeof(farray) / sizeof((farray)[0]) }

/* Read field idx of a structure starting at base; false if any byte of the field
 * lies outside buf[0..len). Integer kinds only (width <= 8). */
bool dmt_field_get(const struct dmt_layout *l, size_t idx, const uint8_t *buf,
		   size_t len, uint64_t base, uint64_t *out);

/* Write an integer field; the caller owns a buffer of at least base + l->size. */
void dmt_field_put(const struct dmt_layout *l, size_t idx, uint8_t *buf,
		   uint64_t base, uint64_t v);

/* Copy n bytes (at most the field width; the rest of the field is zeroed) into a
 * character or byte field. */
void dmt_field_put_bytes(const struct dmt_layout *l, size_t idx, uint8_t *buf,
			 uint64_t base, const void *src, size_t n);

/* True when every byte of every DMT_F_RESERVED field that lies inside the buffer
 * is zero; *first_bad gets the absolute offset of the first non-zero byte. */
bool dmt_reserved_zero(const struct dmt_layout *l, const uint8_t *buf, size_t len,
		       uint64_t base, uint64_t *first_bad);

#endif
