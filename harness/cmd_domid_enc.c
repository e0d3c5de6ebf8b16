/* dmatopo grant domid-enc: seed 002's experimental domid encodings from and to
 * raw config-space bytes (reference/xen_domid_enc.c). */
#include "cli.h"
#include "lspci.h"
#include "lspci_check.h"
#include "xen_domid_enc.h"

#include <stdlib.h>
#include <string.h>

static void help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo grant domid-enc decode ENC CONFIG [DEVICE...]\n"
		"       dmatopo grant domid-enc decode ENC --lspci DUMP SSSS:BB:DD.F [DEVICE...]\n"
		"       dmatopo grant domid-enc encode ENC FILE.dtb DEVICE -o OUT\n\n"
		"ENC is host-bridge, device-cap, dummy-dev or viommu-config (seed 002; see\n"
		"docs/seed-002-encodings.md). decode reads one function's raw config space\n"
		"(256 or 4096 bytes; for viommu-config the device config), prints the findings\n"
		"and the structure, then `DEVICE domid=N` or `DEVICE none reason=Label` for each\n"
		"DEVICE (device-cap and viommu-config: one `domid=N` line without DEVICE).\n"
		"With --lspci the config space is the function SSSS:BB:DD.F of an lspci -xxx or\n"
		"-xxxx dump (the host bridge, the device, or the dummy device that holds the\n"
		"encoding); viommu-config lives in the virtio device's own config structure, not\n"
		"in PCI config space, and cannot come from a dump.\n"
		"encode writes what a toolstack would put there for DEVICE from the DTB's\n"
		"xen,grant-dma iommu-map. Exit status 0, 1 with error findings, 2 on usage or\n"
		"I/O errors.\n");
}

static void print_fields(FILE *out, const struct dmt_xd_enc *e, const uint8_t *cfg, size_t len)
{
	struct dmt_struct_ref r = { &dmt_xd_pci_header_layout, 0, 64 };

	if (e->kind == DMT_XD_VIOMMU_CFG) {
		r.layout = &dmt_xd_viommu_cfg_layout;
		r.length = (uint32_t)(len < r.layout->size ? len : r.layout->size);
	} else if (len < r.length) {
		return;
	}
	dmt_print_struct(out, &r, cfg, len);
	if (!e->cap_off)
		return;
	r.offset = e->cap_off;
	r.layout = e->kind == DMT_XD_DEVICE_CAP ? &dmt_xd_vndr_cap_layout : &dmt_xd_map_cap_layout;
	r.length = r.layout->size;
	dmt_print_struct(out, &r, cfg, len);
	for (size_t i = 0; e->kind != DMT_XD_DEVICE_CAP && i < e->n; i++) {
		r.layout = &dmt_xd_map_entry_layout;
		r.offset = e->cap_off + dmt_xd_map_cap_layout.size + i * r.layout->size;
		r.length = r.layout->size;
		dmt_print_struct(out, &r, cfg, len);
	}
}

static void print_answer(FILE *out, const char *dev, const struct dmt_xd_enc *e, uint16_t rid)
{
	enum dmt_label why;
	uint16_t domid;

	if (dmt_xd_lookup(e, rid, &domid, &why))
		fprintf(out, "%s%sdomid=%u\n", dev, dev[0] ? " " : "", domid);
	else
		fprintf(out, "%s%snone reason=%s\n", dev, dev[0] ? " " : "", dmt_label_name(why));
}

/* --lspci DUMP SSSS:BB:DD.F: that function's config bytes from the dump, so an
 * encoding that lives in config space is read from what a guest or host shows. */
static int config_from_dump(enum dmt_xd_kind k, int argc, char **argv, uint8_t **buf,
			    size_t *len, FILE *out, FILE *err)
{
	struct dmt_findings f;
	struct dmt_device d;
	uint8_t *text;
	size_t tlen;
	char why[200];
	int rc;

	if (k == DMT_XD_VIOMMU_CFG) {
		fprintf(err, "dmatopo grant domid-enc: viommu-config is in the virtio-iommu's device config (a BAR), not in PCI config space: an lspci dump cannot hold it\n");
		return DMT_EXIT_USAGE;
	}
	if (argc < 3 || dmt_device_parse(argv[2], &d) || d.kind != DMT_DEV_PCI || d.naliases) {
		fprintf(err, "dmatopo grant domid-enc: --lspci DUMP needs SSSS:BB:DD.F, the function that holds the encoding\n");
		return DMT_EXIT_USAGE;
	}
	if (dmt_read_file(argv[1], &text, &tlen, err))
		return DMT_EXIT_USAGE;
	*buf = calloc(1, DMT_LSPCI_CONFIG_EXT);
	if (!*buf) {
		free(text);
		return DMT_EXIT_USAGE;
	}
	dmt_findings_init(&f);
	rc = dmt_lspci_config(text, tlen, d.segment, d.rid, *buf, DMT_LSPCI_CONFIG_EXT, len, &f, why,
			      sizeof(why));
	for (size_t i = 0; i < f.count; i++)
		dmt_print_finding(out, &f.items[i]);
	dmt_findings_free(&f);
	free(text);
	if (rc) {
		fprintf(err, "dmatopo grant domid-enc: %s: %s\n", argv[1], why);
		free(*buf);
		*buf = NULL;
		return DMT_EXIT_FINDINGS;
	}
	return DMT_EXIT_OK;
}

static int do_decode(enum dmt_xd_kind k, int argc, char **argv, FILE *out, FILE *err)
{
	struct dmt_findings f;
	struct dmt_xd_enc e;
	struct dmt_device d;
	uint8_t *buf;
	size_t len;
	int rc = DMT_EXIT_OK;

	if (strcmp(argv[0], "--lspci") == 0) {
		rc = config_from_dump(k, argc, argv, &buf, &len, out, err);
		if (rc)
			return rc;
		argc -= 2;
		argv += 2;
	} else if (dmt_read_file(argv[0], &buf, &len, err)) {
		return DMT_EXIT_USAGE;
	}
	dmt_findings_init(&f);
	dmt_xd_decode(k, buf, len, &e, &f);
	for (size_t i = 0; i < f.count; i++)
		dmt_print_finding(out, &f.items[i]);
	print_fields(out, &e, buf, len);
	if (k == DMT_XD_DEVICE_CAP || k == DMT_XD_VIOMMU_CFG)
		print_answer(out, "", &e, 0);
	for (int i = 1; i < argc; i++) {
		if (dmt_device_parse(argv[i], &d) || d.kind != DMT_DEV_PCI) {
			fprintf(err, "dmatopo grant domid-enc: bad DEVICE '%s'\n", argv[i]);
			rc = DMT_EXIT_USAGE;
			break;
		}
		print_answer(out, argv[i], &e, d.rid);
	}
	if (rc == DMT_EXIT_OK && dmt_findings_errors(&f))
		rc = DMT_EXIT_FINDINGS;
	dmt_findings_free(&f);
	free(buf);
	return rc;
}

static int do_encode(enum dmt_xd_kind k, int argc, char **argv, FILE *out, FILE *err)
{
	struct dmt_findings f;
	struct dmt_device d;
	uint8_t *dtb, *bytes;
	size_t len, n;
	int rc;

	if (argc != 4 || strcmp(argv[2], "-o") || dmt_device_parse(argv[1], &d) || d.kind != DMT_DEV_PCI) {
		help(err);
		return DMT_EXIT_USAGE;
	}
	if (dmt_read_file(argv[0], &dtb, &len, err))
		return DMT_EXIT_USAGE;
	dmt_findings_init(&f);
	rc = dmt_xd_encode_dtb(dtb, len, k, &d, &bytes, &n, &f);
	free(dtb);
	if (rc) {
		fprintf(err, "dmatopo grant domid-enc: %s: not a usable DTB\n", argv[0]);
		dmt_findings_free(&f);
		return DMT_EXIT_FINDINGS;
	}
	for (size_t i = 0; i < f.count; i++)
		dmt_print_finding(out, &f.items[i]);
	rc = dmt_write_file(argv[3], bytes, n, err) ? DMT_EXIT_USAGE : DMT_EXIT_OK;
	free(bytes);
	dmt_findings_free(&f);
	return rc;
}

int dmt_cmd_grant_domid_enc(int argc, char **argv, FILE *out, FILE *err)
{
	enum dmt_xd_kind k;

	if (argc > 1 && (dmt_is_help(argv[1]) || strcmp(argv[1], "help") == 0)) {
		help(out);
		return DMT_EXIT_OK;
	}
	if (argc < 4 || dmt_xd_kind_parse(argv[2], &k)) {
		help(err);
		return DMT_EXIT_USAGE;
	}
	if (strcmp(argv[1], "decode") == 0)
		return do_decode(k, argc - 3, argv + 3, out, err);
	if (strcmp(argv[1], "encode") == 0)
		return do_encode(k, argc - 3, argv + 3, out, err);
	help(err);
	return DMT_EXIT_USAGE;
}
