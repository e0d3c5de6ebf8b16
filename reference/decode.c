/* Format detection and the decode entry point. */
#include "dmatopo.h"

#include <string.h>

#define FDT_MAGIC_BE 0xd00dfeedu

enum dmt_format dmt_detect(const uint8_t *buf, size_t len)
{
	if (!buf)
		return DMT_FMT_UNKNOWN;
	if (len >= 4 && memcmp(buf, "VIOT", 4) == 0)
		return DMT_FMT_VIOT;
	if (len >= 4 && ((uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
			 (uint32_t)buf[2] << 8 | buf[3]) == FDT_MAGIC_BE)
		return DMT_FMT_DTB;
	return DMT_FMT_UNKNOWN;
}

const char *dmt_format_name(enum dmt_format f)
{
	switch (f) {
	case DMT_FMT_VIOT: return "viot";
	case DMT_FMT_VTOPO: return "vtopo";
	case DMT_FMT_DTB: return "dtb";
	default: return "unknown";
	}
}

int dmt_decode(const uint8_t *buf, size_t len, const struct dmt_decode_opts *o,
	       struct dmt_topo *t, struct dmt_findings *f)
{
	static const struct dmt_decode_opts defaults;
	enum dmt_format fmt;

	if (!t)
		return -1;
	dmt_topo_init(t);
	if (!o)
		o = &defaults;
	if (!buf || len == 0) {
		dmt_report(f, DMT_L_InputEmpty, 0, "the input is empty");
		return -1;
	}
	if (len > DMT_INPUT_MAX) {
		dmt_report(f, DMT_L_InputTooLarge, DMT_NO_OFFSET,
			   "%zu bytes is more than the %u accepted", len, DMT_INPUT_MAX);
		return -1;
	}
	fmt = o->format != DMT_FMT_UNKNOWN ? o->format : dmt_detect(buf, len);
	t->format = fmt;
	switch (fmt) {
	case DMT_FMT_VIOT:
		return dmt_viot_decode(buf, len, t, f);
	case DMT_FMT_VTOPO: {
		int rc = dmt_vtopo_decode(buf, len, o, t, f);

		t->first_match_order = true;
		return rc;
	}
	case DMT_FMT_DTB:
		return dmt_dt_decode(buf, len, t, f);
	default:
		dmt_report(f, DMT_L_InputFormatUnknown, 0,
			   "no VIOT signature or FDT magic at offset 0; a vtopo blob needs --format vtopo");
		return -1;
	}
}

int dmt_format_parse(const char *s, enum dmt_format *f)
{
	static const enum dmt_format all[] = { DMT_FMT_VIOT, DMT_FMT_VTOPO, DMT_FMT_DTB };

	for (size_t i = 0; s && i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(s, dmt_format_name(all[i])) == 0) {
			*f = all[i];
			return 0;
		}
	}
	return -1;
}
