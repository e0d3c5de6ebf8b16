/* Encoder dispatch. */
#include "encode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int dmt_encode_refuse(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int dmt_encode(const struct dmt_topo *t, enum dmt_format fmt, const struct dmt_encode_opts *o,
	       uint8_t **out, size_t *len, char *why, size_t whylen)
{
	switch (fmt) {
	case DMT_FMT_VIOT:
		if (o && o->viot_builder != DMT_VB_NONE)
			return dmt_encode_viot_vmm(t, o, out, len, why, whylen);
		return dmt_encode_viot(t, out, len, why, whylen);
	case DMT_FMT_VTOPO:
		return dmt_encode_vtopo(t, o, out, len, why, whylen);
	case DMT_FMT_DTB:
		return dmt_encode_dtb(t, out, len, why, whylen);
	default:
		return dmt_encode_refuse(why, whylen, "no encoder for format %d", (int)fmt);
	}
}

static int cmp_entry(const struct dmt_topo *t, const struct dmt_entry_ref *a,
		     const struct dmt_entry_ref *b)
{
	uint32_t oa = a->is_range ? t->ranges[a->idx].ordinal : t->mmio[a->idx].ordinal;
	uint32_t ob = b->is_range ? t->ranges[b->idx].ordinal : t->mmio[b->idx].ordinal;

	return oa < ob ? -1 : oa > ob;
}

struct dmt_entry_ref *dmt_entry_order(const struct dmt_topo *t, bool reverse)
{
	size_t n = t->nranges + t->nmmio, ri = 0, mi = 0;
	struct dmt_entry_ref *out;

	if (n == 0)
		return NULL;
	out = calloc(n, sizeof(*out));
	if (!out)
		return NULL;
	/* Both arrays are already in ordinal order: merge them. */
	for (size_t k = 0; k < n; k++) {
		struct dmt_entry_ref r = { true, ri }, m = { false, mi };

		if (mi == t->nmmio || (ri < t->nranges && cmp_entry(t, &r, &m) <= 0)) {
			out[k] = r;
			ri++;
		} else {
			out[k] = m;
			mi++;
		}
	}
	for (size_t k = 0; reverse && k < n / 2; k++) {
		struct dmt_entry_ref tmp = out[k];

		out[k] = out[n - 1 - k];
		out[n - 1 - k] = tmp;
	}
	return out;
}
