/* The resolve entry point: profile names and dispatch by the model's format. */
#include "dmatopo.h"

#include <string.h>

const char *dmt_profile_name(enum dmt_profile p)
{
	return p == DMT_PROFILE_SPEC ? "spec" : "linux";
}

int dmt_profile_parse(const char *s, enum dmt_profile *p)
{
	if (s && strcmp(s, "linux") == 0)
		*p = DMT_PROFILE_LINUX;
	else if (s && strcmp(s, "spec") == 0)
		*p = DMT_PROFILE_SPEC;
	else
		return -1;
	return 0;
}

int dmt_resolve(const struct dmt_topo *t, enum dmt_profile p,
		const struct dmt_device *d, struct dmt_answer *a,
		struct dmt_findings *f)
{
	if (!t || !d || !a || (unsigned)p >= DMT_PROFILE_COUNT)
		return -1;
	memset(a, 0, sizeof(*a));
	a->iommu = -1;
	switch (t->format) {
	case DMT_FMT_VIOT:
		return dmt_viot_resolve(t, p, d, a, f);
	case DMT_FMT_VTOPO:
		return dmt_vtopo_resolve(t, p, d, a, f);
	case DMT_FMT_DTB:
		return dmt_dt_resolve(t, p, d, a, f);
	default:
		a->reason = DMT_L_InputFormatUnknown;
		return 0;
	}
}
