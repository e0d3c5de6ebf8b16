/* A seed-002 encoding made from a device tree and read back: what a frontend
 * would get from each encoding if the toolstack wrote the same backend map that
 * the tree's iommu-map gives, so vectors can check that the encodings agree. */
#include "xen_domid_enc.h"
#include "dmatopo.h"
#include "grant.h"

#include <stdlib.h>
#include <string.h>

static void damage(uint8_t *buf, size_t *len, const struct dmt_xd_damage *dmg)
{
	if (!dmg)
		return;
	for (size_t i = 0; i < dmg->patch_n; i++)
		if (dmg->patch_off + i < *len)
			buf[dmg->patch_off + i] = dmg->patch[i];
	if (dmg->truncate && dmg->truncate < *len)
		*len = dmg->truncate;
}

static void read_back(enum dmt_xd_kind k, const struct dmt_xd_enc *map, const struct dmt_device *d,
		      uint8_t *buf, size_t n, struct dmt_xd_answer *out, struct dmt_findings *f)
{
	struct dmt_xd_enc dec;

	if (dmt_xd_decode(k, buf, n, &dec, f) != 0) {
		out->found = false;
		out->reason = DMT_L_XenDomidNotFound;
		return;
	}
	/* Which RIDs the virtio-iommu covers is the VIOT's (or DT's) business: take
	 * the map's ranges for that. */
	if (k == DMT_XD_VIOMMU_CFG && dec.found) {
		dec.n = map->n;
		dec.mask = map->mask;
		memcpy(dec.e, map->e, sizeof(dec.e));
	}
	out->found = dmt_xd_lookup(&dec, d->rid, &out->domid, &out->reason);
}

/* Decode the DTB and build the map of d's host bridge (empty when none). */
static int map_of(const uint8_t *dtb, size_t len, const struct dmt_device *d, struct dmt_xd_enc *map)
{
	struct dmt_decode_opts o = { .format = DMT_FMT_DTB };
	struct dmt_findings ignored;
	const struct dmt_dt_bridge *b;
	struct dmt_topo t;
	int rc = -1;

	memset(map, 0, sizeof(*map));
	map->mask = 0xffff;
	dmt_findings_init(&ignored);	/* the DTB's own findings belong to `lint` */
	if (dmt_decode(dtb, len, &o, &t, &ignored) == 0) {
		b = d->kind == DMT_DEV_PCI ? dmt_gnt_pci_bridge(&t, d) : NULL;
		if (b)
			dmt_xd_map_from_dt(&t, b, map);
		rc = 0;
	}
	dmt_topo_free(&t);
	dmt_findings_free(&ignored);
	return rc;
}

int dmt_xd_encode_dtb(const uint8_t *dtb, size_t len, enum dmt_xd_kind k, const struct dmt_device *d,
		      uint8_t **out, size_t *outlen, struct dmt_findings *f)
{
	struct dmt_xd_enc map;

	if (map_of(dtb, len, d, &map))
		return -1;
	return dmt_xd_encode(k, &map, d->rid, out, outlen, f);
}

int dmt_xd_answer_dtb(const uint8_t *dtb, size_t len, enum dmt_xd_kind k, const struct dmt_device *d,
		      const struct dmt_xd_damage *dmg, struct dmt_xd_answer *out, struct dmt_findings *f)
{
	struct dmt_xd_enc map;
	uint8_t *buf;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (map_of(dtb, len, d, &map) || dmt_xd_encode(k, &map, d->rid, &buf, &n, f))
		return -1;
	damage(buf, &n, dmg);
	read_back(k, &map, d, buf, n, out, f);
	free(buf);
	return 0;
}
