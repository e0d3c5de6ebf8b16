/* What the dom0 kernel did for Xen grant DMA, from its console. The replay defines
 * these kprobe events on the dom0 command line (replay_xen_dom0_args):
 *   xgacc   xen_virtio_restricted_mem_acc entry: the virtio device's index
 *   xgstore __xa_store while it runs: the xen_grant_dma_data stored, i.e. the
 *           backend domid chosen for the transport device
 *   xgaccr  its return: 1 when the device got the grant DMA ops
 *   xgalloc xen_grant_dma_alloc, xgmap xen_grant_dma_map_page (device, offset, size,
 *           direction), xgmapr the DMA address map_page returned
 *   xgref   gnttab_grant_foreign_access_ref: each grant entry written
 * dom0 runs on one vCPU, so a map's grants are the xgref lines between its xgmap
 * and the next map event. The agent's "DMT virtio" lines join a virtio index to its
 * transport device. */
#include "blob_rx.h"
#include "replay.h"

#include <stdlib.h>
#include <string.h>

struct xen_parse {
	struct replay_xen_obs *x;
	struct replay_xen_virtio *acc;		/* inside xen_virtio_restricted_mem_acc */
	struct replay_xen_map *open;		/* the map whose grants come next */
};

/* The number after " key=" in a probe line (any base); false when absent. The space
 * keeps "domid=" from matching inside "backend_domid=". */
static bool num_after(const char *line, const char *key, unsigned long *out)
{
	char pat[32];

	snprintf(pat, sizeof(pat), " %s=", key);
	return blob_rx_field(line, pat, 0, out);
}

/* dev="NAME" of a probe line, bounded; false when absent. */
static bool dev_after(const char *line, char *out, size_t len)
{
	const char *p = strstr(line, " dev=\""), *q;

	if (!p)
		return false;
	p += 6;
	q = strchr(p, '"');
	if (!q || (size_t)(q - p) >= len || q == p)
		return false;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return true;
}

static struct replay_xen_virtio *virtio_by_index(struct replay_xen_obs *x, int index, bool add)
{
	for (size_t i = 0; i < x->nvirtio; i++)
		if (x->virtio[i].index == index)
			return &x->virtio[i];
	if (!add)
		return NULL;
	if (x->nvirtio == REPLAY_XEN_MAX_VIRTIO) {
		x->virtio_overflow = true;
		return NULL;
	}
	memset(&x->virtio[x->nvirtio], 0, sizeof(x->virtio[0]));
	x->virtio[x->nvirtio].index = index;
	return &x->virtio[x->nvirtio++];
}

/* "DMT virtio virtio0 index=0 parent=a003e00.virtio_mmio driver=virtio_rng" */
static void agent_virtio(struct xen_parse *s, const char *line)
{
	unsigned long index;
	const char *p = strstr(line, " parent="), *d = strstr(line, " driver=");
	struct replay_xen_virtio *v;

	if (!num_after(line, "index", &index) || index > 0xffff || !p || !d || d < p)
		return;
	v = virtio_by_index(s->x, (int)index, true);
	if (!v)
		return;
	v->listed = true;
	replay_fmt(v->parent, sizeof(v->parent), "%.*s", (int)(d - p - 8), p + 8);
	replay_fmt(v->driver, sizeof(v->driver), "%s", d + 8);
}

static void new_map(struct xen_parse *s, const char *line, bool alloc)
{
	struct replay_xen_obs *x = s->x;
	struct replay_xen_map *m;
	unsigned long off = 0, size = 0, dir = 0;

	s->open = NULL;
	if (x->nmaps == REPLAY_XEN_MAX_MAPS) {
		x->maps_dropped++;
		return;
	}
	m = &x->map[x->nmaps];
	memset(m, 0, sizeof(*m));
	if (!dev_after(line, m->dev, sizeof(m->dev)) || !num_after(line, "size", &size) ||
	    (!alloc && (!num_after(line, "off", &off) || !num_after(line, "dir", &dir))))
		return;		/* a line cut by the console: not a map we can judge */
	m->alloc = alloc;
	m->offset = off;
	m->size = size;
	m->dir = alloc ? -1 : (int)dir;
	x->nmaps++;
	s->open = m;
}

static void grant(struct xen_parse *s, const char *line)
{
	unsigned long ref, domid, frame, ro;
	struct replay_xen_map *m = s->open;

	if (!num_after(line, "ref", &ref) || !num_after(line, "domid", &domid) ||
	    !num_after(line, "frame", &frame) || !num_after(line, "ro", &ro))
		return;
	if (!m) {
		s->x->stray_grants++;
		return;
	}
	if (m->ngrants == REPLAY_XEN_MAX_GRANTS) {
		m->grants_overflow = true;
		return;
	}
	m->grant[m->ngrants++] = (struct replay_xen_grant){
		(uint32_t)ref, (uint16_t)domid, frame, (int)ro,
	};
}

static void probe_line(struct xen_parse *s, const char *line)
{
	unsigned long n;
	char dev[64];

	if (strstr(line, "xgacc: (") && num_after(line, "idx", &n) && n <= 0xffff) {
		s->acc = virtio_by_index(s->x, (int)n, true);
		if (s->acc)
			s->acc->probed = true;
	} else if (strstr(line, "xgstore: (") && s->acc && num_after(line, "domid", &n) &&
		   dev_after(line, dev, sizeof(dev))) {
		/* __xa_store runs for other arrays too; only one inside mem_acc counts */
		s->acc->stored = true;
		s->acc->domid = (uint16_t)n;
	} else if (strstr(line, "xgaccr: (") && s->acc && num_after(line, "ret", &n)) {
		s->acc->have_ret = true;
		s->acc->ret = n != 0;
		s->acc = NULL;
	} else if (strstr(line, "xgalloc: (")) {
		new_map(s, line, true);
	} else if (strstr(line, "xgmap: (")) {
		new_map(s, line, false);
	} else if (strstr(line, "xgmapr: (") && num_after(line, "ret", &n)) {
		if (s->open && !s->open->alloc) {
			s->open->have_dma = true;
			s->open->dma = n;
		}
		s->open = NULL;
	} else if (strstr(line, "xgref: (")) {
		grant(s, line);
	}
}

static void xen_line(const char *line, void *ctx)
{
	struct xen_parse *s = ctx;
	const char *p;

	if (strncmp(line, "DMT virtio ", 11) == 0) {
		agent_virtio(s, line);
		return;
	}
	if (strncmp(line, "(XEN)", 5) == 0) {
		s->x->xen_seen = true;
		if (strstr(line, "LOADING DOMAIN 0"))
			s->x->dom0_loaded = true;
		if (!s->x->xen_panic[0] && (p = strstr(line, "Panic on CPU")))
			replay_fmt(s->x->xen_panic, sizeof(s->x->xen_panic), "%s", line);
		return;
	}
	if (strstr(line, ": (") && strstr(line, "xg"))
		probe_line(s, line);
}

void replay_xen_parse(const char *text, size_t len, struct replay_xen_obs *x)
{
	struct xen_parse s = { x, NULL, NULL };

	memset(x, 0, sizeof(*x));
	replay_each_line(text, len, xen_line, &s);
}
