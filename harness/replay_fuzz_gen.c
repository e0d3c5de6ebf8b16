/* A replay-fuzz case from (seed, index), and its vector text. Everything a case is
 * follows from the two numbers through splitmix64, so a run can be replayed from its
 * seed and one case from its number. The values lean on the places the kernel and the
 * reference were seen to differ before: bases at device RIDs and their aliases, zero
 * and wrapping lengths, output bases near 2^32, masks that cut the base, dangling
 * targets, maps cut short of a whole entry, and VIOT nodes whose lengths, counts,
 * types and output offsets lie. */
#include "replay_fuzz.h"
#include "vector.h"

#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(next(r) % n) : 0;
}

/* True with probability pct percent. */
static bool chance(struct rng *r, unsigned pct)
{
	return below(r, 100) < pct;
}

/* The PCI layout: the IOMMU's own slot (1 on arm virt, 2 on q35), a root port at 5.0
 * with a device at 01:00.0, a PCIe-to-PCI bridge at 6.0 with a device at 02:03.0. */
#define PORT_SLOT 5
#define BRIDGE_SLOT 6

static uint8_t iommu_slot(enum replay_arch a)
{
	return a == REPLAY_ARM64 ? 1 : 2;
}

/* Buses are numbered in slot order: the root port's is 1, the PCIe-to-PCI bridge's
 * is 2 after a root port and 1 without one. */
static uint8_t bridge_bus(const struct fz_case *c)
{
	return c->root_port ? 2 : 1;
}

static uint16_t dev_rid(const struct fz_case *c, const struct fz_dev *d)
{
	switch (d->place) {
	case FZ_ROOT_PORT:
		return 0x100;
	case FZ_PCI_BRIDGE:
		return (uint16_t)(bridge_bus(c) << 8 | d->slot << 3);
	default:
		return (uint16_t)(d->slot << 3 | d->fn);
	}
}

static void gen_devices(struct rng *r, struct fz_case *c)
{
	static const uint8_t slots[] = { 3, 4, 7, 8 };
	size_t n = 1 + below(r, 3);

	for (size_t i = 0; i < n && c->ndevs < FZ_MAX_DEVS; i++) {
		struct fz_dev *d = &c->dev[c->ndevs++];

		d->place = FZ_ROOT_BUS;
		d->slot = slots[below(r, sizeof(slots))];
		d->fn = 0;
		for (size_t k = 0; k + 1 < c->ndevs; k++)
			if (c->dev[k].place == FZ_ROOT_BUS && c->dev[k].slot == d->slot)
				d->fn = (uint8_t)(c->dev[k].fn + 1);	/* another function */
		if (d->fn > 7)
			c->ndevs--;
	}
	c->root_port = chance(r, 40);
	if (c->root_port)
		c->dev[c->ndevs++] = (struct fz_dev){ FZ_ROOT_PORT, 0, 0 };
	c->pci_bridge = chance(r, 30);
	if (c->pci_bridge && c->ndevs < FZ_MAX_DEVS)
		c->dev[c->ndevs++] = (struct fz_dev){ FZ_PCI_BRIDGE, 3, 0 };
}

/* A RID worth asking about: a device's, a bridge's, an alias, or anything. */
static uint32_t some_rid(struct rng *r, const struct fz_case *c)
{
	uint32_t k = below(r, 10);

	if (k < 5 && c->ndevs)
		return dev_rid(c, &c->dev[below(r, (uint32_t)c->ndevs)]);
	if (k == 5)
		return c->pci_bridge ? (uint32_t)bridge_bus(c) << 8 : PORT_SLOT << 3;
	if (k == 6)
		return BRIDGE_SLOT << 3;
	if (k == 7)
		return 0;
	return below(r, 0x10000);
}

static void gen_entry(struct rng *r, const struct fz_case *c, struct fz_entry *e)
{
	static const uint32_t lens[] = { 1, 2, 8, 0x100, 0x10000, 0x20000 };
	uint32_t k = below(r, 20);

	e->rid = some_rid(r, c);
	if (k == 0)
		e->len = 0;					/* zero length */
	else if (k == 1)
		e->len = (uint32_t)(0x100000000ull - e->rid + below(r, 0x20));	/* u32 wrap */
	else if (k < 4)
		e->len = below(r, 0x20000);
	else
		e->len = lens[below(r, sizeof(lens) / sizeof(lens[0]))];
	k = below(r, 10);
	e->out = k < 5 ? e->rid : k < 7 ? 0 : k < 8 ? 0xfffffff0u + below(r, 16) : (uint32_t)next(r);
	e->dangling = chance(r, 8);
}

static uint32_t gen_mask(struct rng *r)
{
	static const uint32_t masks[] = { 0xfff8, 0xff00, 0x00ff, 0xffff, 0x0, 0xffffffff, 0x7 };

	return chance(r, 80) ? masks[below(r, sizeof(masks) / sizeof(masks[0]))] : (uint32_t)next(r);
}

static void gen_arm64(struct rng *r, struct fz_case *c)
{
	c->nmap = chance(r, 10) ? 0 : 1 + below(r, 4);
	for (size_t i = 0; i < c->nmap; i++)
		gen_entry(r, c, &c->map[i]);
	c->has_mask = chance(r, 40);
	if (c->has_mask)
		c->mask = gen_mask(r);
	c->nmsi = chance(r, 30) ? 1 + below(r, 2) : 0;
	for (size_t i = 0; i < c->nmsi; i++)
		gen_entry(r, c, &c->msi[i]);
	c->has_msi_mask = c->nmsi && chance(r, 20);
	if (c->has_msi_mask)
		c->msi_mask = gen_mask(r);
	/* a map that is not a whole number of 16-byte entries */
	if (c->nmap && chance(r, 15))
		c->cut_bytes = 4 * (1 + below(r, 3));
}

static void gen_range(struct rng *r, const struct fz_case *c, struct fz_range *g)
{
	uint32_t k = below(r, 10), start = some_rid(r, c), span;

	span = k < 3 ? 0 : k < 6 ? 0xff : k < 8 ? below(r, 0x400) : 0xffff;
	g->bdf_start = (uint16_t)start;
	g->bdf_end = (uint16_t)(start + span > 0xffff ? 0xffff : start + span);
	if (chance(r, 8)) {					/* reversed */
		uint16_t t = g->bdf_start;

		g->bdf_start = g->bdf_end;
		g->bdf_end = t;
	}
	k = below(r, 10);
	g->ep = k < 5 ? start : k < 7 ? 0 : k < 8 ? 0xfffffff0u + below(r, 16) : (uint32_t)next(r);
	g->seg_start = chance(r, 10) ? (uint16_t)below(r, 2) : 0;
	g->seg_end = chance(r, 10) ? (uint16_t)(g->seg_start + below(r, 2)) : g->seg_start;
}

/* Lies in the encoded VIOT: the IOMMU node is at 48, range i at 64 + 24 * i. */
static void gen_patch(struct rng *r, const struct fz_case *c, struct fz_patch *p)
{
	uint32_t node = 64 + 24 * below(r, (uint32_t)(c->nranges ? c->nranges : 1));
	static const uint16_t lengths[] = { 0, 4, 16, 23, 25, 48 };
	static const uint16_t types[] = { 0, 2, 5, 0xff };
	static const uint16_t outputs[] = { 0, 47, 49, 64, 0xffff };
	static const uint16_t offsets[] = { 0, 36, 47, 52 };

	/* without a range only the header's fields can lie */
	switch (c->nranges ? below(r, 5) : 4 * below(r, 2)) {
	case 0:	/* node count */
		*p = (struct fz_patch){ 36, (uint16_t)(c->nranges + 1 + (chance(r, 50) ? 1 : 0) - 2 * chance(r, 30)), 2 };
		break;
	case 1:	/* a node's length */
		*p = (struct fz_patch){ node + 2, lengths[below(r, 6)], 2 };
		break;
	case 2:	/* a node's type */
		*p = (struct fz_patch){ node, types[below(r, 4)], 1 };
		break;
	case 3:	/* a range's output node offset */
		*p = (struct fz_patch){ node + 16, outputs[below(r, 5)], 2 };
		break;
	default: /* the first node's offset */
		*p = (struct fz_patch){ 38, offsets[below(r, 4)], 2 };
		break;
	}
}

static void gen_x86(struct rng *r, struct fz_case *c)
{
	c->nranges = chance(r, 5) ? 0 : 1 + below(r, 4);
	for (size_t i = 0; i < c->nranges; i++)
		gen_range(r, c, &c->range[i]);
	c->npatch = chance(r, 25) ? 1 + below(r, 2) : 0;
	for (size_t i = 0; i < c->npatch; i++)
		gen_patch(r, c, &c->patch[i]);
}

void fz_generate(uint64_t seed, uint64_t index, enum replay_arch arch, struct fz_case *c)
{
	struct rng r = { seed ^ (index * 0xd1b54a32d192ed03ull) ^ (arch == REPLAY_ARM64 ? 0xa5 : 0x5a) };

	memset(c, 0, sizeof(*c));
	c->arch = arch;
	c->seed = seed;
	c->index = index;
	next(&r);
	gen_devices(&r, c);
	if (arch == REPLAY_ARM64)
		gen_arm64(&r, c);
	else
		gen_x86(&r, c);
}

/* ---- corpus files ------------------------------------------------------------- */

/* The first iommu-map (and its mask) anywhere in a DTB. */
static int donate_map(struct fz_case *c, const uint8_t *dtb, size_t len)
{
	int depth = 0;

	struct dmt_findings f;
	int bad;

	/* corpus DTBs are malformed on purpose: libfdt may walk some forever (found by
	 * replay-fuzz: regress_dt-libfdt-check-full-loop.dtb), so the reference's own
	 * bounded check comes first, as in the decoder */
	dmt_findings_init(&f);
	bad = dmt_fdt_check(dtb, len, &f);
	dmt_findings_free(&f);
	if (bad)
		return -1;
	for (int off = fdt_next_node(dtb, -1, &depth); off >= 0; off = fdt_next_node(dtb, off, &depth)) {
		int plen;
		const void *map = fdt_getprop(dtb, off, "iommu-map", &plen);
		const fdt32_t *mask;

		if (!map || plen <= 0 || (size_t)plen > sizeof(c->donor))
			continue;
		memcpy(c->donor, map, (size_t)plen);
		c->ndonor = (size_t)plen;
		mask = fdt_getprop(dtb, off, "iommu-map-mask", &plen);
		c->has_mask = mask && plen == 4;
		if (c->has_mask)
			c->mask = fdt32_to_cpu(*mask);
		return 0;
	}
	return -1;
}

int fz_donate(struct fz_case *c, const uint8_t *file, size_t len, const char *name)
{
	enum dmt_format fmt = c->arch == REPLAY_ARM64 ? DMT_FMT_DTB : DMT_FMT_VIOT;
	struct fz_case d = *c;
	uint8_t *bytes = NULL;
	size_t n = 0;
	char why[128];
	int rc = -1;

	if (len >= 4 && memcmp(file, "VIOT", 4) == 0) {
		bytes = malloc(len);
		if (bytes)
			memcpy(bytes, file, len);
		n = len;
	} else if (len >= 4 && fdt_magic(file) == FDT_MAGIC) {
		bytes = malloc(len);
		if (bytes)
			memcpy(bytes, file, len);
		n = len;
	} else {
		/* a vector-language text: its topology in the case's encoding */
		struct dmt_vector *v = calloc(1, sizeof(*v));
		struct dmt_lang_error e;

		if (v && dmt_topology_parse((const char *)file, len, v, &e) == 0)
			dmt_vector_input(v, fmt, &bytes, &n, why, sizeof(why));
		if (v)
			dmt_vector_free(v);
		free(v);
	}
	if (!bytes)
		return -1;
	if (c->arch == REPLAY_ARM64) {
		rc = donate_map(&d, bytes, n);
	} else if (n >= 36 && memcmp(bytes, "VIOT", 4) == 0 && n <= sizeof(d.donor)) {
		memcpy(d.donor, bytes, n);
		d.ndonor = n;
		rc = 0;
	}
	free(bytes);
	if (rc)
		return -1;
	snprintf(d.donor_name, sizeof(d.donor_name), "%s", name);
	*c = d;
	return 0;
}

/* ---- text ------------------------------------------------------------------- */

struct text {
	char *buf;
	size_t len, used;
	bool full;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->len - t->used)
		t->full = true;
	else
		t->used += (size_t)n;
}

static bool has_fn(const struct fz_case *c, uint8_t slot, uint8_t fn)
{
	for (size_t i = 0; i < c->ndevs; i++)
		if (c->dev[i].place == FZ_ROOT_BUS && c->dev[i].slot == slot && c->dev[i].fn == fn)
			return true;
	return false;
}

/* One virtio-rng at most, the first device on the root bus; the others are
 * pci-testdev, which only pci-stub binds. Found by replay-fuzz (seed 20261129 case 34):
 * QEMU's ITS takes the RID as the DeviceID whatever a rewritten msi-map says, so a
 * device the msi-map moves never gets its interrupt; an rng without interrupts holds
 * the hwrng core's reading_mutex forever, and a second rng's registration then hangs
 * the boot. The IOMMU side is observed the same way on a stub device. */
static const char *model_of(const struct fz_case *c, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (c->dev[k].place == FZ_ROOT_BUS)
			return "pci-testdev";
	return c->dev[i].place == FZ_ROOT_BUS ? "virtio-rng-pci" : "pci-testdev";
}

static void put_devices(struct text *t, const struct fz_case *c)
{
	for (size_t i = 0; i < c->ndevs; i++) {
		const struct fz_dev *d = &c->dev[i];
		const char *model = model_of(c, i);

		if (d->place == FZ_ROOT_PORT)
			put(t, "qemu-device pcie-root-port,id=rp0,chassis=1,addr=%x.0\n"
			    "qemu-device %s,bus=rp0\n", PORT_SLOT, model);
		else if (d->place == FZ_PCI_BRIDGE)
			put(t, "qemu-device pcie-pci-bridge,id=ppb,addr=%x.0\n"
			    "qemu-device %s,bus=ppb,addr=%x.0\n", BRIDGE_SLOT, model, d->slot);
		else
			put(t, "qemu-device %s,addr=%x.%x%s\n", model, d->slot, d->fn,
			    d->fn == 0 && has_fn(c, d->slot, 1) ? ",multifunction=on" : "");
	}
}

static void put_entries(struct text *t, const char *what, const char *target, const struct fz_entry *e,
			size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(t, "%s 0x%x %s 0x%x 0x%x\n", what, e[i].rid, e[i].dangling ? "dangling" : target,
		    e[i].out, e[i].len);
}

static void put_topology(struct text *t, const struct fz_case *c)
{
	if (c->arch == REPLAY_ARM64) {
		put(t, "viommu viommu pci 0000:00:0%x.0\n", iommu_slot(c->arch));
		if (c->nmsi)
			put(t, "dt-iommu its /intc@8000000/its@8080000 no-cells msi-controller\n");
		put(t, "bridge /pcie@10000000 domain 0 bus 0..0xff\n");
		if (c->ndonor)
			put(t, "iommu-map 0x0 viommu 0x0 0x1\n");	/* replaced by the donor's bytes */
		else
			put_entries(t, "iommu-map", "viommu", c->map, c->nmap);
		if (c->has_mask)
			put(t, "iommu-map-mask 0x%x\n", c->mask);
		put_entries(t, "msi-map", "its", c->msi, c->nmsi);
		if (c->has_msi_mask)
			put(t, "msi-map-mask 0x%x\n", c->msi_mask);
		return;
	}
	if (c->ndonor)
		return;		/* the corpus file's VIOT is the whole topology */
	put(t, "viommu v pci 0000:00:0%x.0\n", iommu_slot(c->arch));
	for (size_t i = 0; i < c->nranges; i++) {
		const struct fz_range *g = &c->range[i];

		put(t, "range v seg %u..%u bdf %02x:%02x.%x..%02x:%02x.%x ep 0x%x\n", g->seg_start,
		    g->seg_end, g->bdf_start >> 8, (g->bdf_start >> 3) & 0x1f, g->bdf_start & 7,
		    g->bdf_end >> 8, (g->bdf_end >> 3) & 0x1f, g->bdf_end & 7, g->ep);
	}
	for (size_t i = 0; i < c->npatch; i++) {
		const struct fz_patch *p = &c->patch[i];

		if (p->width == 1)
			put(t, "patch viot %u %02x\n", p->off, p->val & 0xff);
		else
			put(t, "patch viot %u %02x%02x\n", p->off, p->val & 0xff, p->val >> 8);
	}
	if (c->npatch)
		put(t, "fix-checksum\n");
}

/* The devices the expectations name, aliases written as the reference reads them. */
static size_t device_names(const struct fz_case *c, char names[][40], size_t max)
{
	size_t n = 0;

	snprintf(names[n++], 40, "0000:00:00.0");
	snprintf(names[n++], 40, "0000:00:%02x.0", iommu_slot(c->arch));
	for (size_t i = 0; i < c->ndevs && n + 2 <= max; i++) {
		const struct fz_dev *d = &c->dev[i];

		if (d->place == FZ_ROOT_PORT) {
			snprintf(names[n++], 40, "0000:00:%02x.0", PORT_SLOT);
			snprintf(names[n++], 40, "0000:01:00.0");
		} else if (d->place == FZ_PCI_BRIDGE) {
			snprintf(names[n++], 40, "0000:00:%02x.0", BRIDGE_SLOT);
			snprintf(names[n++], 40, "0000:%02x:%02x.0+%02x:00.0", bridge_bus(c), d->slot,
				 bridge_bus(c));
		} else {
			snprintf(names[n++], 40, "0000:00:%02x.%x", d->slot, d->fn);
		}
	}
	return n;
}

/* The arm64 DTB whose iommu-map is the donor's bytes (each entry's phandle made the
 * virtio-iommu's, as the donor's target means nothing here) and/or cut short of a
 * whole entry: written as raw bytes. */
static int raw_map(const struct fz_case *c, const uint8_t *dtb, size_t len, uint8_t **out,
		   size_t *outlen)
{
	size_t cap = len + 4096;
	uint8_t *b = malloc(cap), *val = NULL;
	const void *cur;
	int off, plen = 0, iommu;

	if (!b || fdt_open_into(dtb, b, (int)cap))
		goto fail;
	off = fdt_path_offset(b, "/pcie@10000000");
	cur = off >= 0 ? fdt_getprop(b, off, "iommu-map", &plen) : NULL;
	if (!cur)
		goto fail;
	if (c->ndonor) {
		uint32_t ph;

		iommu = fdt_path_offset(b, "/pcie@10000000/virtio_iommu@1,0");
		ph = iommu >= 0 ? fdt_get_phandle(b, iommu) : 0;
		plen = (int)c->ndonor;
		val = malloc(c->ndonor);
		if (!val)
			goto fail;
		memcpy(val, c->donor, c->ndonor);
		for (size_t e = 4; ph && e + 8 <= c->ndonor; e += 16) {
			fdt32_t be = cpu_to_fdt32(ph);

			memcpy(val + e, &be, 4);
		}
	} else {
		/* setprop may move the tree under cur */
		val = malloc((size_t)plen);
		if (!val)
			goto fail;
		memcpy(val, cur, (size_t)plen);
	}
	if (plen < (int)c->cut_bytes || fdt_setprop(b, off, "iommu-map", val, plen - (int)c->cut_bytes))
		goto fail;
	free(val);
	fdt_pack(b);
	*out = b;
	*outlen = fdt_totalsize(b);
	return 0;
fail:
	free(val);
	free(b);
	return -1;
}

/* The bytes the replay will hand QEMU or the kernel for the case's topology. */
static int body_bytes(const char *body, enum dmt_format fmt, uint8_t **bytes, size_t *n, char *why,
		      size_t whylen)
{
	struct dmt_vector *v = calloc(1, sizeof(*v));
	struct dmt_lang_error e;
	int rc = -1;

	if (!v) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	if (dmt_topology_parse(body, strlen(body), v, &e))
		snprintf(why, whylen, "generated text does not parse: line %u: %s", e.line, e.msg);
	else
		rc = dmt_vector_input(v, fmt, bytes, n, why, whylen);
	dmt_vector_free(v);
	free(v);
	return rc;
}

static void put_expectations(struct text *t, const struct fz_case *c, const uint8_t *bytes, size_t n)
{
	struct dmt_decode_opts opts = { 0 };
	struct dmt_findings f;
	struct dmt_topo topo;
	char names[FZ_MAX_DEVS * 2 + 2][40], ans[256];
	size_t nn = device_names(c, names, sizeof(names) / sizeof(names[0]));

	opts.format = c->arch == REPLAY_ARM64 ? DMT_FMT_DTB : DMT_FMT_VIOT;
	dmt_findings_init(&f);
	if (dmt_decode(bytes, n, &opts, &topo, &f) == 0) {
		for (size_t i = 0; i < nn; i++) {
			struct dmt_device d;
			struct dmt_answer a;

			memset(&a, 0, sizeof(a));
			if (dmt_device_parse(names[i], &d) || dmt_resolve(&topo, DMT_PROFILE_LINUX, &d, &a, NULL))
				continue;
			dmt_answer_text(&a, ans, sizeof(ans));
			put(t, "expect linux %s %s\n", names[i], ans);
		}
	} else {
		/* the reference refuses the table: what its lint says is the expectation */
		put(t, "expect linux 0000:00:00.0 none reason=NoTranslation\n");
	}
	dmt_topo_free(&topo);
	dmt_findings_free(&f);
}

static void put_raw(struct text *t, const char *fmt, const uint8_t *b, size_t n)
{
	put(t, "raw %s\n", fmt);
	for (size_t i = 0; i < n; i += 32) {
		put(t, "hex ");
		for (size_t k = i; k < n && k < i + 32; k++)
			put(t, "%02x", b[k]);
		put(t, "\n");
	}
}

int fz_vector_text(const struct fz_case *c, const char *note, char *out, size_t len, char *why,
		   size_t whylen)
{
	struct text head = { out, len, 0, false }, topo;
	char *topo_buf = malloc(FZ_TEXT_MAX);
	uint8_t *bytes = NULL, *cut = NULL;
	size_t n = 0, cutlen = 0;
	int rc = -1;

	if (!topo_buf) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	topo = (struct text){ topo_buf, FZ_TEXT_MAX, 0, false };
	put(&head, "# replay-fuzz seed %llu case %llu (%s)%s%s\n", (unsigned long long)c->seed,
	    (unsigned long long)c->index, replay_arch_name(c->arch), note && *note ? "\n" : "",
	    note ? note : "");
	put(&head, "cite replay-fuzz: generated (dmatopo replay-fuzz --seed %llu --case %llu)\n",
	    (unsigned long long)c->seed, (unsigned long long)c->index);
	put(&head, "replay %s\n", replay_arch_name(c->arch));
	/* the one encoding the replay hands the kernel, which the expectations are on */
	put(&head, "encode %s\n", c->arch == REPLAY_ARM64 ? "dtb" : "viot");
	put_devices(&head, c);
	put_topology(&topo, c);
	if (topo.full || head.full) {
		snprintf(why, whylen, "case text too long");
		goto out;
	}
	if (!(c->arch == REPLAY_X86_64 && c->ndonor) &&
	    body_bytes(topo_buf, c->arch == REPLAY_ARM64 ? DMT_FMT_DTB : DMT_FMT_VIOT, &bytes, &n, why,
		       whylen))
		goto out;
	if (c->arch == REPLAY_X86_64 && c->ndonor) {
		put(&head, "# the VIOT of corpus file %s\n", c->donor_name);
		put_raw(&head, "viot", c->donor, c->ndonor);
		put_expectations(&head, c, c->donor, c->ndonor);
	} else if (c->arch == REPLAY_ARM64 && (c->cut_bytes || c->ndonor)) {
		if (raw_map(c, bytes, n, &cut, &cutlen)) {
			snprintf(why, whylen, "cannot write iommu-map (donor %zu bytes, cut %u)", c->ndonor,
				 c->cut_bytes);
			goto out;
		}
		if (c->ndonor)
			put(&head, "# iommu-map: the %zu bytes of corpus file %s's first iommu-map\n",
			    c->ndonor, c->donor_name);
		if (c->cut_bytes)
			put(&head, "# iommu-map cut %u bytes short of whole entries\n", c->cut_bytes);
		put(&head, "# made from:\n");
		for (char *l = topo_buf; *l;) {
			char *nl = strchr(l, '\n');

			put(&head, "#   %.*s\n", (int)(nl ? nl - l : (long)strlen(l)), l);
			l = nl ? nl + 1 : l + strlen(l);
		}
		put_raw(&head, "dtb", cut, cutlen);
		put_expectations(&head, c, cut, cutlen);
	} else {
		put(&head, "%s", topo_buf);
		put_expectations(&head, c, bytes, n);
	}
	if (head.full) {
		snprintf(why, whylen, "case text too long");
		goto out;
	}
	rc = 0;
out:
	free(bytes);
	free(cut);
	free(topo_buf);
	return rc;
}
