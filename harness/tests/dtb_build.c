/* Test helper: sequential-write DTB builder with sticky errors (see dtb_build.h). */
#include "dtb_build.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

static int keep(struct dtb_build *b, int rc)
{
	if (rc < 0 && !b->err)
		b->err = rc;
	return b->err;
}

int dtb_begin(struct dtb_build *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap ? cap : DTB_BUILD_DEFAULT_CAP;
	if (b->cap > INT32_MAX)
		return keep(b, -FDT_ERR_NOSPACE);
	b->buf = calloc(1, b->cap);
	if (!b->buf)
		return keep(b, -FDT_ERR_NOSPACE);
	if (keep(b, fdt_create(b->buf, (int)b->cap)) ||
	    keep(b, fdt_finish_reservemap(b->buf)))
		return b->err;
	return dtb_node(b, "");
}

int dtb_node(struct dtb_build *b, const char *name)
{
	if (b->err)
		return b->err;
	if (!keep(b, fdt_begin_node(b->buf, name)))
		b->depth++;
	return b->err;
}

int dtb_end(struct dtb_build *b)
{
	if (b->err)
		return b->err;
	if (b->depth == 0)
		return keep(b, -FDT_ERR_BADSTRUCTURE);
	if (!keep(b, fdt_end_node(b->buf)))
		b->depth--;
	return b->err;
}

int dtb_prop(struct dtb_build *b, const char *name, const void *val, size_t len)
{
	if (b->err)
		return b->err;
	if (len > INT32_MAX)
		return keep(b, -FDT_ERR_BADVALUE);
	return keep(b, fdt_property(b->buf, name, val, (int)len));
}

int dtb_flag(struct dtb_build *b, const char *name)
{
	return dtb_prop(b, name, NULL, 0);
}

int dtb_u32(struct dtb_build *b, const char *name, uint32_t v)
{
	if (b->err)
		return b->err;
	return keep(b, fdt_property_u32(b->buf, name, v));
}

int dtb_cells(struct dtb_build *b, const char *name, const uint32_t *cells, size_t n)
{
	void *val;

	if (b->err)
		return b->err;
	if (n > INT32_MAX / 4)
		return keep(b, -FDT_ERR_BADVALUE);
	if (keep(b, fdt_property_placeholder(b->buf, name, (int)(n * 4), &val)))
		return b->err;
	for (size_t i = 0; i < n; i++) {
		fdt32_t be = cpu_to_fdt32(cells[i]);

		memcpy((uint8_t *)val + 4 * i, &be, 4);
	}
	return 0;
}

int dtb_string(struct dtb_build *b, const char *name, const char *s)
{
	return dtb_prop(b, name, s, strlen(s) + 1);
}

uint8_t *dtb_finish(struct dtb_build *b, size_t *len)
{
	uint8_t *out;

	while (!b->err && b->depth > 0)
		dtb_end(b);
	if (!b->err)
		keep(b, fdt_finish(b->buf));
	if (b->err) {
		dtb_abort(b);
		return NULL;
	}
	out = b->buf;
	if (len)
		*len = fdt_totalsize(out);
	memset(b, 0, sizeof(*b));
	return out;
}

void dtb_abort(struct dtb_build *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}
