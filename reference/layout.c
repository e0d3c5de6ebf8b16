#include "layout.h"
#include "bytes.h"

#include <string.h>

bool dmt_field_get(const struct dmt_layout *l, size_t idx, const uint8_t *buf,
		   size_t len, uint64_t base, uint64_t *out)
{
	const struct dmt_field *f;

	if (!l || idx >= l->nfields)
		return false;
	f = &l->fields[idx];
	if (f->width > 8 || base > UINT64_MAX - f->offset)
		return false;
	return dmt_get_le(buf, len, base + f->offset, f->width, out);
}

void dmt_field_put(const struct dmt_layout *l, size_t idx, uint8_t *buf,
		   uint64_t base, uint64_t v)
{
	const struct dmt_field *f;

	if (!l || idx >= l->nfields)
		return;
	f = &l->fields[idx];
	if (f->width <= 8)
		dmt_put_le(buf, base + f->offset, f->width, v);
}

bool dmt_reserved_zero(const struct dmt_layout *l, const uint8_t *buf, size_t len,
		       uint64_t base, uint64_t *first_bad)
{
	for (size_t i = 0; i < l->nfields; i++) {
		const struct dmt_field *f = &l->fields[i];

		if (f->kind != DMT_F_RESERVED)
			continue;
		for (uint64_t b = 0; b < f->width; b++) {
			uint64_t off = base + f->offset + b;

			if (off >= len)
				break;
			if (buf[off]) {
				if (first_bad)
					*first_bad = off;
				return false;
			}
		}
	}
	return true;
}

void dmt_field_put_bytes(const struct dmt_layout *l, size_t idx, uint8_t *buf,
			 uint64_t base, const void *src, size_t n)
{
	const struct dmt_field *f;

	if (!l || idx >= l->nfields)
		return;
	f = &l->fields[idx];
	if (n > f->width)
		n = f->width;
	memset(buf + base + f->offset, 0, f->width);
	memcpy(buf + base + f->offset, src, n);
}
