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

/* VIOT and vtopo give a device one IOMMU: every ID is filed under it. */
static int one_iommu(int rc, struct dmt_answer *a)
{
	for (size_t i = 0; i < a->nids; i++)
		a->id_iommu[i] = a->iommu;
	return rc;
}

int dmt_resolve(const struct dmt_topo *t, enum dmt_profile p,
		const struct dmt_device *d, struct dmt_answer *a,
		struct dmt_findings *f)
{
	if (!t || !d || !a || (unsigned)p >= DMT_PROFILE_COUNT)
		return -1;
	memset(a, 0, sizeof(*a));
	a->iommu = -1;
	a->bridge = -1;
	switch (t->format) {
	case DMT_FMT_VIOT:
		return one_iommu(dmt_viot_resolve(t, p, d, a, f), a);
	case DMT_FMT_VTOPO:
		return one_iommu(dmt_vtopo_resolve(t, p, d, a, f), a);
	case DMT_FMT_DTB:
		return dmt_dt_resolve(t, p, d, a, f);
	default:
		a->reason = DMT_L_InputFormatUnknown;
		return 0;
	}
}
