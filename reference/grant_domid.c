/* Which domain runs a device's grant DMA backend: xen_grant_init_backend_domid in
 * drivers/xen/grant-dma-ops.c, on the device-tree model.
 *
 * A platform device uses its first `iommus` specifier; a PCI device goes through
 * its host bridge's iommu-map with RID = bus<<8 | devfn (no segment, no DMA alias
 * walk). The target must be compatible "xen,grant-dma"; its one cell is the domid,
 * truncated to domid_t (u16). Every DT failure is -ESRCH. A device without a DT
 * node gets dom0 only in a guest that is not dom0 itself (since the 2026 fix) and
 * has CONFIG_XEN_VIRTIO_FORCE_GRANT or is PV. */
#include "grant.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int none(struct dmt_gnt_domid *out, enum dmt_label reason, const char *via)
{
	out->found = false;
	out->reason = reason;
	snprintf(out->via, sizeof(out->via), "%.*s", DMT_VIA_MAX - 1, via);
	return 0;
}

static int found(struct dmt_gnt_domid *out, uint32_t cell, bool from_dt, const char *via,
		 struct dmt_findings *f)
{
	if (cell > 0xffff)
		dmt_report(f, DMT_L_GrantDomidTruncated, DMT_NO_OFFSET,
			   "backend cell 0x%x becomes domid %u (%s)", cell, cell & 0xffff, via);
	out->found = true;
	out->domid = (uint16_t)cell;
	out->from_dt = from_dt;
	snprintf(out->via, sizeof(out->via), "%.*s", DMT_VIA_MAX - 1, via);
	return 0;
}

/* No DT node for the device: the dom0 default, or nothing. */
static int no_dt_node(const struct dmt_gnt_guest *gu, struct dmt_gnt_domid *out)
{
	bool wants = gu->force_grant || gu->pv;

	if (!wants)
		return none(out, DMT_L_GrantNoBackendNotForced, "no-dt-node");
	if (gu->dom0 && !gu->before_2026)
		return none(out, DMT_L_GrantNoBackendInDom0, "no-dt-node");
	return found(out, 0, false, "no-dt-node dom0-default", NULL);
}

int dmt_gnt_domid_no_node(const struct dmt_gnt_guest *gu, struct dmt_gnt_domid *out)
{
	if (!gu || !out)
		return -1;
	memset(out, 0, sizeof(*out));
	out->reason = DMT_L_NONE;
	return no_dt_node(gu, out);
}

static const struct dmt_dt_node *find_node(const struct dmt_topo *t, const struct dmt_device *d)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct dmt_dt_node *n = &t->nodes[i];

		if (d->kind == DMT_DEV_PATH && strcmp(n->path, d->path) == 0)
			return n;
		if (d->kind == DMT_DEV_MMIO && n->has_reg && n->reg_base == d->mmio)
			return n;
	}
	return NULL;
}

/* Defined in dt_resolve.c: the PCI domain Linux gives each host bridge (-1: none).
 * No shared header declares it yet. */

/* The host bridge whose Linux domain and bus range hold the device; first in DT
 * order, as the DT resolver picks it. */
static const struct dmt_dt_bridge *find_bridge(const struct dmt_topo *t,
					       const struct dmt_device *d)
{
	int32_t *dom = calloc(t->nbridges ? t->nbridges : 1, sizeof(*dom));
	const struct dmt_dt_bridge *found = NULL;
	uint32_t bus = d->rid >> 8;

	if (!dom)
		return NULL;
	dmt_dt_linux_domains(t, dom);
	for (size_t i = 0; i < t->nbridges && !found; i++) {
		const struct dmt_dt_bridge *b = &t->bridges[i];

		if (dom[i] == (int32_t)d->segment && bus >= b->bus_start && bus <= b->bus_end)
			found = b;
	}
	free(dom);
	return found;
}

static int platform_domid(const struct dmt_topo *t, const struct dmt_dt_node *n,
			  struct dmt_gnt_domid *out, struct dmt_findings *f)
{
	const struct dmt_iommu_spec *s;
	const struct dmt_iommu *iommu;
	char via[DMT_VIA_MAX];

	if (n->niommus == 0)
		return none(out, DMT_L_GrantCannotParseIommus, n->iommus_bad_length ?
			    "iommus shorter than one specifier" : "no iommus");
	s = &n->iommus[0];
	if (s->target < 0 || (size_t)s->target >= t->niommus)
		return none(out, DMT_L_GrantCannotParseIommus, "iommus[0] phandle dangles");
	iommu = &t->iommus[s->target];
	if (iommu->iommu_cells < 0)
		return none(out, DMT_L_GrantCannotParseIommus, "iommus[0] target has no #iommu-cells");
	if (s->ncells < (uint32_t)iommu->iommu_cells)
		return none(out, DMT_L_GrantCannotParseIommus, "iommus[0] shorter than #iommu-cells");
	if (!iommu->xen_grant || iommu->iommu_cells != 1)
		return none(out, DMT_L_GrantIncompatibleIommu, iommu->name);
	snprintf(via, sizeof(via), "iommus[0]->%.80s", iommu->name);
	return found(out, s->cells[0], true, via, f);
}

static int pci_domid(const struct dmt_topo *t, const struct dmt_dt_bridge *b,
		     const struct dmt_device *d, struct dmt_gnt_domid *out,
		     struct dmt_findings *f)
{
	const struct dmt_iommu *iommu;
	int32_t target = -1, entry = -1;
	uint32_t id = 0;
	char via[DMT_VIA_MAX];
	int rc;

	/* of_map_id with a target pointer: no map at all is -ENODEV. */
	if (!b->iommu_map.present)
		return none(out, DMT_L_GrantCannotTranslateId, "no iommu-map");
	rc = dmt_map_id(t, &b->iommu_map, DMT_PROFILE_LINUX, d->rid, -1, &target, &id, &entry, f);
	if (rc < 0) {
		snprintf(via, sizeof(via), "of_map_id %s", rc == -EFAULT ? "-EFAULT" :
			 rc == -ENODEV ? "-ENODEV" : rc == -EINVAL ? "-EINVAL" : "error");
		return none(out, DMT_L_GrantCannotTranslateId, via);
	}
	/* No entry matched: of_map_id succeeds but leaves the target NULL. */
	if (target < 0 || (size_t)target >= t->niommus)
		return none(out, DMT_L_GrantIncompatibleIommu, "no iommu-map entry matches");
	iommu = &t->iommus[target];
	if (!iommu->xen_grant)
		return none(out, DMT_L_GrantIncompatibleIommu, iommu->name);
	if (iommu->iommu_cells != 1)
		dmt_report(f, DMT_L_GrantCellsUnchecked, DMT_NO_OFFSET,
			   "%s has #iommu-cells %d; Linux takes the iommu-map output as the domid anyway",
			   iommu->name, iommu->iommu_cells);
	snprintf(via, sizeof(via), "iommu-map[%d]->%.70s", entry, iommu->name);
	return found(out, id, true, via, f);
}

int dmt_gnt_domid(const struct dmt_topo *t, const struct dmt_device *d, bool node_exists,
		  const struct dmt_gnt_guest *gu, struct dmt_gnt_domid *out,
		  struct dmt_findings *f)
{
	const struct dmt_dt_node *n;
	const struct dmt_dt_bridge *b;

	if (!t || !d || !gu || !out)
		return -1;
	memset(out, 0, sizeof(*out));
	out->reason = DMT_L_NONE;
	if (d->kind == DMT_DEV_PCI) {
		b = find_bridge(t, d);
		return b ? pci_domid(t, b, d, out, f) : no_dt_node(gu, out);
	}
	n = find_node(t, d);
	if (n)
		return platform_domid(t, n, out, f);
	/* A node the decoder kept nothing of has no iommus either. */
	if (d->kind == DMT_DEV_PATH && node_exists)
		return none(out, DMT_L_GrantCannotParseIommus, "no iommus");
	return no_dt_node(gu, out);
}

int dmt_gnt_domid_dtb(const uint8_t *buf, size_t len, const struct dmt_device *d,
		      const struct dmt_gnt_guest *gu, struct dmt_gnt_domid *out,
		      struct dmt_findings *f)
{
	struct dmt_decode_opts o;
	struct dmt_topo t;
	bool exists = false;
	int rc;

	if (!buf || !d || !gu || !out)
		return -1;
	memset(&o, 0, sizeof(o));
	o.format = DMT_FMT_DTB;
	if (dmt_decode(buf, len, &o, &t, f) != 0) {
		dmt_topo_free(&t);
		return -1;
	}
	if (d->kind == DMT_DEV_PATH && len >= sizeof(struct fdt_header) &&
	    fdt_check_header(buf) == 0 && fdt_totalsize(buf) <= len)
		exists = fdt_path_offset(buf, d->path) >= 0;
	rc = dmt_gnt_domid(&t, d, exists, gu, out, f);
	dmt_topo_free(&t);
	return rc;
}

const struct dmt_dt_bridge *dmt_gnt_pci_bridge(const struct dmt_topo *t, const struct dmt_device *d)
{
	return find_bridge(t, d);
}
