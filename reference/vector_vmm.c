/* Vector statements for real-input work (vectors/README.md): the `vmm-*` and
 * `viot-builder` device list a VMM builder turns into its own VIOT
 * (reference/encode_viot_vmm.c), and `domid-patch`/`domid-truncate`, damage to
 * the seed-002 domid encodings (reference/xen_domid_enc.c). */
#include "vector.h"

#include <string.h>

static int full(struct dmt_lang_error *e, const struct dmt_line *ln)
{
	return dmt_lang_fail(e, ln, "more than %u vmm-* entries of one kind", DMT_VMM_MAX);
}

/* vmm-dev SSSS:BB:DD.F: attached to the IOMMU, in attach order. */
static int st_dev(struct dmt_vmm_list *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	char buf[32];
	struct dmt_device d;

	if (ln->ntok != 2 || !dmt_tok_copy(&ln->tok[1], buf, sizeof(buf)) ||
	    dmt_device_parse(buf, &d) || d.kind != DMT_DEV_PCI || d.naliases)
		return dmt_lang_fail(e, ln, "usage: vmm-dev SSSS:BB:DD.F");
	if (l->ndevs == DMT_VMM_MAX)
		return full(e, ln);
	l->dev_seg[l->ndevs] = d.segment;
	l->dev_bdf[l->ndevs++] = d.rid;
	return 0;
}

/* vmm-hotplug BUS: a hot-plug root port whose secondary bus is BUS (crosvm). */
static int st_hotplug(struct dmt_vmm_list *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	uint64_t bus;

	if (ln->ntok != 2 || !dmt_tok_u64(&ln->tok[1], 0xff, &bus))
		return dmt_lang_fail(e, ln, "usage: vmm-hotplug BUS");
	if (l->nhotplug == DMT_VMM_MAX)
		return full(e, ln);
	l->hotplug_bus[l->nhotplug++] = (uint8_t)bus;
	return 0;
}

/* vmm-bridge FIRST LAST: a host bridge's bus span, segment 0 (QEMU). */
static int st_bridge(struct dmt_vmm_list *l, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	uint64_t a, b;

	if (ln->ntok != 3 || !dmt_tok_u64(&ln->tok[1], 0xff, &a) ||
	    !dmt_tok_u64(&ln->tok[2], 0xff, &b) || b < a)
		return dmt_lang_fail(e, ln, "usage: vmm-bridge FIRST-BUS LAST-BUS");
	if (l->nbridges == DMT_VMM_MAX)
		return full(e, ln);
	l->bridge_first[l->nbridges] = (uint8_t)a;
	l->bridge_last[l->nbridges++] = (uint8_t)b;
	return 0;
}

static int st_builder(struct dmt_encode_opts *o, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	char name[32];

	if (ln->ntok != 2 || !dmt_tok_copy(&ln->tok[1], name, sizeof(name)) ||
	    dmt_viot_builder_parse(name, &o->viot_builder))
		return dmt_lang_fail(e, ln, "usage: viot-builder qemu|cloud-hypervisor|crosvm|acpi-tables");
	return 0;
}

/* domid-patch OFFSET HEX: overwrite the seed-002 encoding's bytes (one patch). */
static int st_xd_patch(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	uint64_t off;
	const struct dmt_tok *t;

	if (ln->ntok != 3 || !dmt_tok_u64(&ln->tok[1], 0xfff, &off) || ln->tok[2].n % 2 ||
	    ln->tok[2].n / 2 > sizeof(v->xd_patch))
		return dmt_lang_fail(e, ln, "usage: domid-patch OFFSET HEXBYTES (at most %zu bytes)", sizeof(v->xd_patch));
	t = &ln->tok[2];
	for (size_t i = 0; i < t->n; i += 2) {
		int hi = dmt_hex_digit(t->s[i]), lo = dmt_hex_digit(t->s[i + 1]);

		if (hi < 0 || lo < 0)
			return dmt_lang_fail(e, ln, "domid-patch: not hex digits");
		v->xd_patch[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	v->xd_patch_off = (uint32_t)off;
	v->xd_patch_n = t->n / 2;
	return 0;
}

/* domid-truncate LEN: keep only the first LEN bytes of the encoding. */
static int st_xd_truncate(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	uint64_t n;

	if (ln->ntok != 2 || !dmt_tok_u64(&ln->tok[1], 0x1000, &n) || n == 0)
		return dmt_lang_fail(e, ln, "usage: domid-truncate LEN (1..4096)");
	v->xd_truncate = (uint32_t)n;
	return 0;
}

int dmt_vmm_stmt(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	const struct dmt_tok *w = &ln->tok[0];
	int rc;

	if (dmt_tok_eq(w, "vmm-dev"))
		rc = st_dev(&v->enc_opts.vmm, ln, e);
	else if (dmt_tok_eq(w, "vmm-hotplug"))
		rc = st_hotplug(&v->enc_opts.vmm, ln, e);
	else if (dmt_tok_eq(w, "vmm-bridge"))
		rc = st_bridge(&v->enc_opts.vmm, ln, e);
	else if (dmt_tok_eq(w, "viot-builder"))
		rc = st_builder(&v->enc_opts, ln, e);
	else if (dmt_tok_eq(w, "domid-patch"))
		rc = st_xd_patch(v, ln, e);
	else if (dmt_tok_eq(w, "domid-truncate"))
		rc = st_xd_truncate(v, ln, e);
	else
		return 0;
	return rc ? -1 : 1;
}
