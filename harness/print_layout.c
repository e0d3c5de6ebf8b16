/* The table printer behind `decode`: walks the structures a decoder noted and
 * prints each field of each layout with its absolute offset, in the manner of
 * `iasl -d`: [hex offset, decimal offset, width] name : value. */
#include "cli.h"
#include "bytes.h"

#include <ctype.h>

static void print_value(FILE *out, const struct dmt_field *fl, const uint8_t *buf,
			size_t len, uint64_t off)
{
	uint64_t v = 0;

	if (!dmt_in_bounds(len, off, fl->width)) {
		fprintf(out, "<past end of input>\n");
		return;
	}
	switch (fl->kind) {
	case DMT_F_UINT:
		dmt_get_le(buf, len, off, fl->width, &v);
		fprintf(out, "%0*llX\n", fl->width * 2, (unsigned long long)v);
		return;
	case DMT_F_BDF:
		dmt_get_le(buf, len, off, fl->width, &v);
		fprintf(out, "%04llX (%02llx:%02llx.%llx)\n", (unsigned long long)v,
			(unsigned long long)(v >> 8) & 0xff, (unsigned long long)(v >> 3) & 0x1f,
			(unsigned long long)v & 7);
		return;
	case DMT_F_ASCII:
		fputc('"', out);
		for (unsigned i = 0; i < fl->width; i++) {
			uint8_t c = buf[off + i];

			if (isprint(c) && c != '"' && c != '\\')
				fputc(c, out);
			else
				fprintf(out, "\\x%02x", c);
		}
		fprintf(out, "\"\n");
		return;
	default:
		for (unsigned i = 0; i < fl->width; i++)
			fprintf(out, "%s%02X", i ? " " : "", buf[off + i]);
		fputc('\n', out);
		return;
	}
}

/* A field that starts inside a structure but runs past its end (a node whose length
 * field is short): show only the bytes that belong to the structure, as the
 * little-endian value they make, and say it is cut. Printing the whole width would
 * show the next structure's bytes as if they were this field's. */
static void print_cut(FILE *out, const struct dmt_field *fl, const uint8_t *buf, size_t len,
		      uint64_t off, unsigned inside)
{
	uint64_t v = 0;

	if (!dmt_in_bounds(len, off, inside)) {
		fprintf(out, "<past end of input>\n");
		return;
	}
	if (fl->kind == DMT_F_UINT || fl->kind == DMT_F_BDF) {
		dmt_get_le(buf, len, off, inside, &v);
		fprintf(out, "%0*llX", inside * 2, (unsigned long long)v);
	} else {
		for (unsigned i = 0; i < inside; i++)
			fprintf(out, "%s%02X", i ? " " : "", buf[off + i]);
	}
	fprintf(out, " <cut: %u of %u bytes lie inside the structure and the table>\n", inside, fl->width);
}

void dmt_print_struct(FILE *out, const struct dmt_struct_ref *r, const uint8_t *buf,
		      size_t len)
{
	const struct dmt_layout *l = r->layout;

	fprintf(out, "\n/* %s at 0x%llx, %u bytes */\n", l->name,
		(unsigned long long)r->offset, r->length);
	for (size_t i = 0; i < l->nfields; i++) {
		const struct dmt_field *fl = &l->fields[i];
		uint64_t off = r->offset + fl->offset;

		/* A structure may be shorter in the input than its layout (a node whose
		 * length field says so): stop at its end rather than read a neighbour. */
		if (fl->offset >= r->length)
			break;
		fprintf(out, "[%03llXh %04llu %3u] %28s : ", (unsigned long long)off,
			(unsigned long long)off, fl->width, fl->name);
		if (fl->offset + fl->width > r->length)
			print_cut(out, fl, buf, len, off, r->length - fl->offset);
		else
			print_value(out, fl, buf, len, off);
	}
}
