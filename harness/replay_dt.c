/* Rewriting QEMU's arm virt device tree with a vector's maps. The vector's own DTB
 * (what the reference encoder makes of it) names its nodes by path; those paths must
 * be QEMU's (vectors/README.md, "Replay against a real kernel"): the host bridge
 * /pcie@10000000, the virtio-iommu /pcie@10000000/virtio_iommu@1,0, the ITS
 * /intc@8000000/its@8080000. Every phandle in a copied map is translated through
 * that path to QEMU's phandle for the node, so QEMU's nodes are what the maps
 * point at. */
#include "replay.h"

#include <libfdt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define DT_SLACK (64u << 10)
#define ENTRY_CELLS 4

void replay_dt_say(struct replay_dt_job *j, const char *fmt, ...)
{
	size_t used = strlen(j->log);
	va_list ap;

	if (used + 2 >= j->loglen)
		return;
	va_start(ap, fmt);
	vsnprintf(j->log + used, j->loglen - used, fmt, ap);
	va_end(ap);
	used = strlen(j->log);
	if (used + 1 < j->loglen) {
		j->log[used] = '\n';
		j->log[used + 1] = '\0';
	}
}

/* A phandle QEMU's DT does not use: what a `dangling` map target becomes. */
static uint32_t unused_phandle(const uint8_t *q, uint32_t hint)
{
	uint32_t max = 0, p;

	fdt_find_max_phandle(q, &max);
	p = max + 0x100 + (hint & 0xff);
	while (fdt_node_offset_by_phandle(q, p) >= 0)
		p++;
	return p;
}

/* QEMU's phandle for the node the vector's phandle vph names; 0 on error. */
static uint32_t translate_phandle(struct replay_dt_job *j, uint32_t vph)
{
	int voff = fdt_node_offset_by_phandle(j->v, vph);
	char path[256];
	uint32_t qph;
	int qoff;

	if (voff < 0)
		return unused_phandle(j->q, vph);
	if (fdt_get_path(j->v, voff, path, sizeof(path)) < 0) {
		replay_fmt(j->why, j->whylen, "vector DTB: no path for phandle 0x%x", vph);
		return 0;
	}
	qoff = fdt_path_offset(j->q, path);
	if (qoff < 0) {
		replay_fmt(j->why, j->whylen,
			 "the vector's node %s is not in QEMU's DT (name QEMU's node path)", path);
		return 0;
	}
	qph = fdt_get_phandle(j->q, qoff);
	if (qph)
		return qph;
	if (fdt_generate_phandle(j->q, &qph) || fdt_setprop_u32(j->q, qoff, "phandle", qph)) {
		replay_fmt(j->why, j->whylen, "cannot give QEMU's %s a phandle", path);
		return 0;
	}
	replay_dt_say(j, "%s: phandle 0x%x added", path, qph);
	return qph;
}

uint32_t replay_dt_phandle(struct replay_dt_job *j, uint32_t vph)
{
	return translate_phandle(j, vph);
}

/* The map property `name` of the vector's bridge, with phandles translated, set on
 * QEMU's node at `path`. A remainder past whole entries is copied as it is. */
static int copy_map(struct replay_dt_job *j, const char *path, const uint32_t *cells, int len,
		    const char *name)
{
	uint32_t *val = malloc(len > 0 ? (size_t)len : 1);
	size_t ncells = (size_t)len / 4;
	int qoff, rc;

	if (!val) {
		replay_fmt(j->why, j->whylen, "out of memory");
		return -1;
	}
	memcpy(val, cells, (size_t)len);
	for (size_t e = 0; e + ENTRY_CELLS <= ncells; e += ENTRY_CELLS) {
		uint32_t q = translate_phandle(j, fdt32_to_cpu(val[e + 1]));

		if (!q) {
			free(val);
			return -1;
		}
		val[e + 1] = cpu_to_fdt32(q);
	}
	qoff = fdt_path_offset(j->q, path);
	rc = qoff < 0 ? qoff : fdt_setprop(j->q, qoff, name, val, len);
	free(val);
	if (rc) {
		replay_fmt(j->why, j->whylen, "%s: cannot set %s: %s", path, name, fdt_strerror(rc));
		return -1;
	}
	replay_dt_say(j, "%s: %s set from the vector (%d bytes)", path, name, len);
	return 0;
}

static int copy_plain(struct replay_dt_job *j, const char *path, const void *val, int len,
		      const char *name)
{
	int qoff = fdt_path_offset(j->q, path);
	int rc = qoff < 0 ? qoff : fdt_setprop(j->q, qoff, name, val, len);

	if (rc) {
		replay_fmt(j->why, j->whylen, "%s: cannot set %s: %s", path, name, fdt_strerror(rc));
		return -1;
	}
	replay_dt_say(j, "%s: %s set from the vector", path, name);
	return 0;
}

static void drop(struct replay_dt_job *j, const char *path, const char *name)
{
	int qoff = fdt_path_offset(j->q, path);

	if (qoff >= 0 && fdt_delprop(j->q, qoff, name) == 0)
		replay_dt_say(j, "%s: QEMU's %s removed (the vector has none)", path, name);
}

/* One property: copied when the vector has it; otherwise removed or kept. */
static int rewrite_prop(struct replay_dt_job *j, int voff, const char *path, const char *name,
			bool is_map, bool drop_when_absent)
{
	int len;
	const void *val = fdt_getprop(j->v, voff, name, &len);

	if (!val) {
		if (drop_when_absent)
			drop(j, path, name);
		return 0;
	}
	return is_map ? copy_map(j, path, val, len, name) : copy_plain(j, path, val, len, name);
}

static int rewrite_bridge(struct replay_dt_job *j, int voff)
{
	char path[256];

	if (fdt_get_path(j->v, voff, path, sizeof(path)) < 0) {
		replay_fmt(j->why, j->whylen, "vector DTB: a bridge without a path");
		return -1;
	}
	if (fdt_path_offset(j->q, path) < 0) {
		replay_fmt(j->why, j->whylen,
			 "the vector's host bridge %s is not in QEMU's DT (QEMU's is /pcie@10000000)",
			 path);
		return -1;
	}
	/* The vector describes the bridge's IOMMU map completely; an MSI map only when it
	 * says one (the guest needs QEMU's ITS map for nothing the replay observes). */
	if (rewrite_prop(j, voff, path, "iommu-map", true, true) ||
	    rewrite_prop(j, voff, path, "iommu-map-mask", false, true) ||
	    rewrite_prop(j, voff, path, "msi-map", true, false) ||
	    rewrite_prop(j, voff, path, "msi-map-mask", false, false))
		return -1;
	return 0;
}

static bool is_pci_bridge(const uint8_t *fdt, int off)
{
	int len;
	const char *type = fdt_getprop(fdt, off, "device_type", &len);

	return type && len >= 4 && strncmp(type, "pci", (size_t)len) == 0;
}

int replay_dt_open(struct replay_dt_job *j, const uint8_t *qemu, size_t qlen, size_t vlen)
{
	size_t cap = qlen + DT_SLACK;

	if (j->loglen)
		j->log[0] = '\0';
	j->q = NULL;
	if (qlen < 40 || fdt_check_header(qemu) || fdt_totalsize(qemu) > qlen) {
		replay_fmt(j->why, j->whylen, "QEMU's DT does not parse");
		return -1;
	}
	if (vlen < 40 || fdt_check_header(j->v) || fdt_totalsize(j->v) > vlen) {
		replay_fmt(j->why, j->whylen, "the vector's DTB does not parse");
		return -1;
	}
	j->q = malloc(cap);
	if (!j->q || fdt_open_into(qemu, j->q, (int)cap)) {
		free(j->q);
		j->q = NULL;
		replay_fmt(j->why, j->whylen, "cannot open QEMU's DT for writing");
		return -1;
	}
	return 0;
}

int replay_dt_rewrite(const uint8_t *qemu, size_t qlen, const uint8_t *vdtb, size_t vlen,
		      uint8_t **out, size_t *outlen, char *log, size_t loglen, char *why,
		      size_t whylen)
{
	struct replay_dt_job j = { NULL, vdtb, log, loglen, why, whylen };
	unsigned bridges = 0;
	int off, depth = 0;

	if (replay_dt_open(&j, qemu, qlen, vlen))
		return -1;
	for (off = fdt_next_node(vdtb, -1, &depth); off >= 0; off = fdt_next_node(vdtb, off, &depth)) {
		if (!is_pci_bridge(vdtb, off))
			continue;
		bridges++;
		if (rewrite_bridge(&j, off)) {
			free(j.q);
			return -1;
		}
	}
	if (bridges == 0) {
		free(j.q);
		replay_fmt(why, whylen, "the vector's DTB has no host bridge to copy maps from");
		return -1;
	}
	fdt_pack(j.q);
	*out = j.q;
	*outlen = fdt_totalsize(j.q);
	return 0;
}
