/* Reading what the guest said: the kernel's kprobe lines (one per endpoint ID given
 * to iommu_fwspec_add_ids), the agent's DMT lines (devices, bridges, binds, groups,
 * the firmware blob in hex with its CRC), panics, and QEMU's attach trace. The
 * console is untrusted text: every number is range-checked, every copy bounded. */
#include "blob_rx.h"
#include "replay.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

#define LINE_MAX_CHARS 1024

void replay_obs_free(struct replay_obs *o)
{
	free(o->blob);
	o->blob = NULL;
	o->blob_len = 0;
}

void replay_each_line(const char *text, size_t len, void (*fn)(const char *, void *), void *ctx)
{
	size_t i = 0;

	while (i < len) {
		char line[LINE_MAX_CHARS];
		size_t n = 0;

		for (; i < len && text[i] != '\n'; i++)
			if (text[i] != '\r' && text[i] != '\0' && n + 1 < sizeof(line))
				line[n++] = text[i];
		line[n] = '\0';
		i++;
		fn(line, ctx);
	}
}

static bool parse_sbdf(const char *s, uint16_t *seg, uint16_t *rid)
{
	unsigned a, b, d, f;
	char tail;

	if (sscanf(s, "%4x:%2x:%2x.%1x%c", &a, &b, &d, &f, &tail) < 4)
		return false;
	if (a > 0xffff || b > 0xff || d > 0x1f || f > 7)
		return false;
	*seg = (uint16_t)a;
	*rid = (uint16_t)(b << 8 | d << 3 | f);
	return true;
}

struct replay_dev *replay_find_dev(struct replay_obs *o, uint16_t seg, uint16_t rid)
{
	for (size_t i = 0; i < o->ndevs; i++)
		if (o->devs[i].segment == seg && o->devs[i].rid == rid)
			return &o->devs[i];
	return NULL;
}

/* Value of "key=" in line as an unsigned number in base; false when absent. */
static bool field(const char *line, const char *key, int base, unsigned long *out)
{
	return blob_rx_field(line, key, base, out);
}

static void add_dev(struct replay_obs *o, const char *rest)
{
	uint16_t seg, rid;
	unsigned long hdr = 0;
	const char *pcie;
	struct replay_dev *d;

	if (!parse_sbdf(rest, &seg, &rid) || replay_find_dev(o, seg, rid))
		return;
	if (o->ndevs == REPLAY_MAX_DEVS) {
		o->devs_overflow = true;
		return;
	}
	d = &o->devs[o->ndevs++];
	memset(d, 0, sizeof(*d));
	d->segment = seg;
	d->rid = rid;
	d->group = -1;
	field(rest, "hdr=", 10, &hdr);
	d->hdr = (int)(hdr & 0x7f);
	pcie = strstr(rest, "pcie=");
	d->pcie_type = -1;
	if (pcie && pcie[5] != '-') {
		unsigned long t;

		if (field(pcie, "pcie=", 16, &t) && t <= 0xf)
			d->pcie_type = (int)t;
	}
}

static void add_bridge(struct replay_obs *o, const char *rest)
{
	uint16_t seg, rid;
	unsigned long p, s, u;
	struct replay_dev *d;

	if (!parse_sbdf(rest, &seg, &rid) || !(d = replay_find_dev(o, seg, rid)))
		return;
	if (!field(rest, "primary=", 16, &p) || !field(rest, "secondary=", 16, &s) ||
	    !field(rest, "subordinate=", 16, &u) || p > 0xff || s > 0xff || u > 0xff)
		return;
	d->is_bridge = true;
	d->primary = (uint8_t)p;
	d->secondary = (uint8_t)s;
	d->subordinate = (uint8_t)u;
}

static void note_error(struct replay_obs *o, const char *rest)
{
	uint16_t seg, rid;

	if (strncmp(rest, "bind ", 5) == 0 && parse_sbdf(rest + 5, &seg, &rid) &&
	    o->nbind_errors < REPLAY_MAX_DEVS)
		o->bind_error[o->nbind_errors++] = (uint32_t)seg << 16 | rid;
	if (o->nerror_lines < sizeof(o->error_line) / sizeof(o->error_line[0]))
		replay_fmt(o->error_line[o->nerror_lines++], sizeof(o->error_line[0]), "%s", rest);
}

/* "DMT bind SBDF driver=pci-stub": the device has no driver of its own. */
static void note_stub(struct replay_obs *o, const char *rest)
{
	uint16_t seg, rid;

	if (strstr(rest, " driver=pci-stub") && parse_sbdf(rest, &seg, &rid) &&
	    o->nstubbed < REPLAY_MAX_DEVS)
		o->stubbed[o->nstubbed++] = (uint32_t)seg << 16 | rid;
}

/* ---- line dispatch ------------------------------------------------------- */

struct parse_state {
	struct replay_obs *o;
	struct blob_rx blob;		/* the firmware blob; moved into o at the end */
};

static void dmt_line(struct parse_state *s, const char *rest)
{
	struct replay_obs *o = s->o;
	unsigned long n;

	if (strncmp(rest, "agent ", 6) == 0) {
		o->agent_started = true;
	} else if (strncmp(rest, "dev ", 4) == 0) {
		add_dev(o, rest + 4);
	} else if (strncmp(rest, "bridge ", 7) == 0) {
		add_bridge(o, rest + 7);
	} else if (strncmp(rest, "error ", 6) == 0) {
		note_error(o, rest + 6);
	} else if (strncmp(rest, "bind ", 5) == 0) {
		note_stub(o, rest + 5);
	} else if (strncmp(rest, "deferred ", 9) == 0) {
		uint16_t seg, rid;

		/* The binds come before the device list: apply once it is read. */
		if (parse_sbdf(rest + 9, &seg, &rid) && o->ndeferred < REPLAY_MAX_DEVS)
			o->deferred[o->ndeferred++] = (uint32_t)seg << 16 | rid;
	} else if (strncmp(rest, "group ", 6) == 0) {
		uint16_t seg, rid;
		struct replay_dev *d;

		if (parse_sbdf(rest + 6, &seg, &rid) && (d = replay_find_dev(o, seg, rid)) &&
		    field(rest + 6, " ", 10, &n) && n < 1u << 20) {
			d->group = (int)n;
			o->any_group = true;
		}
	} else if (strncmp(rest, "blob", 4) == 0) {
		if (strncmp(rest, "blob-begin name=VIOT", 20) == 0)
			o->nviot_tables++;
		blob_rx_line(&s->blob, rest);
	} else if (strncmp(rest, "done ", 5) == 0 && field(rest, "errors=", 10, &n)) {
		o->done = true;
		o->agent_errors = (unsigned)(n > 1000000 ? 1000000 : n);
	}
}

static void first_pass(const char *line, void *ctx)
{
	struct parse_state *s = ctx;
	const char *p;

	if (strncmp(line, "DMT ", 4) == 0)
		dmt_line(s, line + 4);
	if (strstr(line, "VIOT: Could not find PCI IOMMU") || strstr(line, "VIOT: Could not find MMIO IOMMU"))
		s->o->viot_iommu_missing = true;
	if (!s->o->panic && ((p = strstr(line, "Kernel panic")) || (p = strstr(line, "Oops")))) {
		s->o->panic = true;
		replay_fmt(s->o->panic_line, sizeof(s->o->panic_line), "%s", p);
	}
}

/* `epid: (iommu_fwspec_add_ids+0x0/0x88) dev="0000:02:03.0" id=536 n=0x1` */
static void epid_line(const char *line, void *ctx)
{
	struct replay_obs *o = ctx;
	const char *p = strstr(line, "epid: ("), *q;
	unsigned long id;
	uint16_t seg, rid;
	struct replay_dev *d;

	if (!p || !(q = strstr(p, " dev=\"")) || !field(q, " id=", 10, &id) || id > 0xffffffffUL)
		return;
	q += 6;
	if (!parse_sbdf(q, &seg, &rid) || q[12] != '"')
		return;
	d = replay_find_dev(o, seg, rid);
	if (!d) {
		if (o->nstray < sizeof(o->stray) / sizeof(o->stray[0]))
			replay_fmt(o->stray[o->nstray++], sizeof(o->stray[0]), "%.12s id=0x%lx", q, id);
		return;
	}
	if (d->nkids == REPLAY_MAX_KIDS) {
		d->kids_overflow = true;
		return;
	}
	d->kids[d->nkids++] = (uint32_t)id;
}

/* The MSI probes come in pairs on the one vCPU:
 * `msiin: (of_msi_map_id+0x0/0x1c) dev="0000:00:05.0" rid=40`, then
 * `msiid: (pci_msi_domain_get_msi_rid+0x7c/0x90 <- of_msi_map_id) id=65576`.
 * An entry whose return never follows marks that device's observation broken. */
struct msi_state {
	struct replay_obs *o;
	struct replay_dev *pending;	/* the device of the last unanswered msiin */
	bool pending_stray;		/* an msiin for a device the agent did not list */
};

static void msi_unanswered(struct msi_state *m)
{
	if (m->pending)
		m->pending->msi_broken = true;
	m->pending = NULL;
	m->pending_stray = false;
}

static void msi_entry(struct msi_state *m, const char *q)
{
	uint16_t seg, rid;

	msi_unanswered(m);
	q += 6;
	if (!parse_sbdf(q, &seg, &rid) || q[12] != '"')
		return;
	m->pending = replay_find_dev(m->o, seg, rid);
	m->pending_stray = m->pending == NULL;
}

static void msi_return(struct msi_state *m, unsigned long id)
{
	struct replay_dev *d = m->pending;

	m->pending = NULL;
	if (m->pending_stray || !d) {
		m->pending_stray = false;
		return;
	}
	if (d->nmsi == REPLAY_MAX_KIDS) {
		d->msi_broken = true;
		return;
	}
	d->msi[d->nmsi++] = (uint32_t)id;
	m->o->nmsi_seen++;
}

static void msi_line(const char *line, void *ctx)
{
	struct msi_state *m = ctx;
	const char *p, *q;
	unsigned long id;

	if ((p = strstr(line, "msiin: (")) && (q = strstr(p, " dev=\""))) {
		msi_entry(m, q);
	} else if ((p = strstr(line, "msiid: (")) && strstr(p, "<- of_msi_map_id)")) {
		if (field(p, " id=", 10, &id) && id <= 0xffffffffUL)
			msi_return(m, id);
		else
			msi_unanswered(m);
	}
}

void replay_parse_console(const char *text, size_t len, const char *want, struct replay_obs *o)
{
	struct parse_state s;
	struct msi_state m = { 0 };

	memset(o, 0, sizeof(*o));
	memset(&s, 0, sizeof(s));
	s.o = o;
	blob_rx_init(&s.blob, want);
	replay_each_line(text, len, first_pass, &s);
	/* sysfs numbers the tables when there are several: VIOT1 is the one the kernel used. */
	if (!s.blob.ok && !s.blob.ended && strcmp(want, "VIOT") == 0 && o->nviot_tables > 1) {
		blob_rx_free(&s.blob);
		memset(o, 0, sizeof(*o));
		blob_rx_init(&s.blob, "VIOT1");
		replay_each_line(text, len, first_pass, &s);
	}
	o->blob = s.blob.buf;
	o->blob_len = s.blob.len;
	o->blob_ok = s.blob.ok;
	replay_fmt(o->blob_problem, sizeof(o->blob_problem), "%s", s.blob.problem);
	for (size_t i = 0; i < o->nbind_errors; i++) {
		struct replay_dev *d = replay_find_dev(o, (uint16_t)(o->bind_error[i] >> 16),
						       (uint16_t)o->bind_error[i]);

		if (d)
			d->bind_error = true;
	}
	for (size_t i = 0; i < o->ndeferred; i++) {
		struct replay_dev *d = replay_find_dev(o, (uint16_t)(o->deferred[i] >> 16),
						       (uint16_t)o->deferred[i]);

		if (d)
			d->deferred = true;
	}
	for (size_t i = 0; i < o->nstubbed; i++) {
		struct replay_dev *d = replay_find_dev(o, (uint16_t)(o->stubbed[i] >> 16),
						       (uint16_t)o->stubbed[i]);

		if (d)
			d->stubbed = true;
	}
	if (!o->blob_ok && !o->blob_problem[0])
		replay_fmt(o->blob_problem, sizeof(o->blob_problem), "no %s blob on the console",
			 s.blob.want);
	if (s.blob.in && !o->blob_ok)
		replay_fmt(o->blob_problem, sizeof(o->blob_problem), "%s blob never ended", s.blob.want);
	replay_fmt(o->blob_name, sizeof(o->blob_name), "%s", s.blob.want);
	replay_each_line(text, len, epid_line, o);
	m.o = o;
	replay_each_line(text, len, msi_line, &m);
	msi_unanswered(&m);
}

static void trace_line(const char *line, void *ctx)
{
	struct replay_obs *o = ctx;
	const char *p = strstr(line, "virtio_iommu_attach ");
	unsigned long e;

	replay_qtrace_line(line, &o->qtrace);
	if (!p || !field(p, "endpoint=", 10, &e) || e > 0xffffffffUL)
		return;
	for (size_t i = 0; i < o->nattach; i++)
		if (o->attach[i] == e)
			return;
	if (o->nattach < REPLAY_MAX_ATTACH)
		o->attach[o->nattach++] = (uint32_t)e;
}

void replay_parse_trace(const char *text, size_t len, struct replay_obs *o)
{
	replay_each_line(text, len, trace_line, o);
}
