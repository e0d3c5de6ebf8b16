/* dmatopo grant: Xen grant DMA addresses, op scripts against the grant-table
 * model, and the backend domid a device tree gives a device. */
#include "cli.h"
#include "grant.h"
#include "lspci.h"

#include <stdlib.h>
#include <string.h>

static void grant_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo grant encode REF [OFFSET]\n"
		"       dmatopo grant decode [--frames N] ADDR\n"
		"       dmatopo grant run FILE\n"
		"       dmatopo grant domid [--dom0] [--force-grant] [--pv] [--before-2026] FILE.dtb DEVICE...\n"
		"       dmatopo grant domid [options] --lspci DUMP FILE.dtb [SSSS:BB:DD.F...]\n"
		"       dmatopo grant domid-enc decode|encode ENC ...   (seed 002 encodings)\n\n"
		"Xen grant DMA as Linux drivers/xen/grant-dma-ops.c does it: a DMA address is\n"
		"1<<63 | ref<<12 | offset%%4096, grants are 4K whatever the guest page size.\n"
		"'dmatopo grant SUBCOMMAND --help' describes each subcommand.\n"
		"Numbers are decimal or 0x-hex. Exit status: 0 ok, 1 findings or failed\n"
		"operations, 2 usage or I/O errors.\n");
}

static void encode_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo grant encode REF [OFFSET]\n\n"
		"Print the DMA address grant_to_dma(REF) + OFFSET%%4096 as 0x%%016x.\n"
		"REF is a 32-bit grant reference; OFFSET defaults to 0.\n");
}

static void decode_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo grant decode [--frames N] ADDR\n\n"
		"Print 'ref=0xHEX offset=0xHEX' for a grant DMA address, or the findings\n"
		"(GrantDmaNoTopBit, GrantRefReserved, GrantRefBeyondTable) and exit 1.\n"
		"--frames N: the table limit the ref is checked against (default 64).\n");
}

static void run_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo grant run FILE\n\n"
		"Run an op script against the grant-table model; one statement a line:\n"
		"  device [domid=N] [page=4k|64k] [frames=N] [guest=domu|dom0]   (header, before any op)\n"
		"  map pfn=N offset=N size=N dir=to-device|from-device|bidirectional\n"
		"  unmap dma=N size=N\n"
		"  alloc size=N [pfn=N]\n"
		"  free dma=N size=N\n"
		"  backend-map ref=N [rw|ro]\n"
		"  backend-unmap ref=N\n"
		"  expect-fail OP...          OP must fail\n"
		"'#' starts a comment. Defaults: domid 0, 4k pages, 64 frames (Xen's default);\n"
		"guest= is only echoed (the ops behave the same in dom0).\n"
		"Prints one line per statement, e.g.\n"
		"  map dma=0x8000000000008800 refs=8-9 frames=0x1001,0x1002 flags=0x5\n"
		"then the table: a summary line and one 'entry' line per non-zero entry.\n"
		"Bad lines, unexpected failures and broken invariants are reported on stderr\n"
		"with their line number; the exit status is then 1.\n");
}

static void domid_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo grant domid [--dom0] [--force-grant] [--pv] [--before-2026] FILE.dtb DEVICE...\n"
		"       dmatopo grant domid [options] --lspci DUMP FILE.dtb [SSSS:BB:DD.F...]\n\n"
		"The backend domain Linux picks for each device (xen_grant_init_backend_domid):\n"
		"  DEVICE domid=N\n"
		"  DEVICE none reason=Label\n"
		"DEVICE is SSSS:BB:DD.F (through the host bridge's iommu-map, RID = bus<<8|devfn),\n"
		"mmio:0xADDR or /path/to/node (first iommus specifier). The target must be\n"
		"compatible \"xen,grant-dma\" with one cell. A device with no DT node gets dom0\n"
		"only with --force-grant or --pv, and never with --dom0 (unless --before-2026).\n"
		"--lspci DUMP takes the devices from lspci -xxx output: every one, or those named\n"
		"(a dump that is not lspci output, or a named device not in it: exit 1).\n");
}

static int parse_num(const char *s, uint64_t max, uint64_t *v)
{
	return !s || dmt_gnt_parse_u64(s, strlen(s), v) || *v > max ? -1 : 0;
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (dmt_is_help(argv[i]))
			return true;
	return false;
}

static int do_encode(int argc, char **argv, FILE *out, FILE *err)
{
	uint64_t ref, off = 0;

	if (wants_help(argc, argv)) {
		encode_help(out);
		return DMT_EXIT_OK;
	}
	if (argc < 2 || argc > 3 || parse_num(argv[1], UINT32_MAX, &ref) ||
	    (argc == 3 && parse_num(argv[2], UINT64_MAX, &off))) {
		fprintf(err, "dmatopo grant encode: takes REF (32 bits) and an optional OFFSET\n");
		encode_help(err);
		return DMT_EXIT_USAGE;
	}
	fprintf(out, "0x%016llx\n", (unsigned long long)dmt_gnt_dma_encode((uint32_t)ref, off));
	return DMT_EXIT_OK;
}

static int do_decode(int argc, char **argv, FILE *out, FILE *err)
{
	const char *addr = NULL;
	uint64_t dma, frames = DMT_GNT_DEFAULT_FRAMES;
	struct dmt_findings f;
	struct dmt_gnt_dma d;
	int rc = DMT_EXIT_OK;

	if (wants_help(argc, argv)) {
		decode_help(out);
		return DMT_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--frames") == 0) {
			if (++i == argc || parse_num(argv[i], DMT_GNT_MAX_FRAMES, &frames) || !frames)
				goto usage;
		} else if (!addr) {
			addr = argv[i];
		} else {
			goto usage;
		}
	}
	if (!addr || parse_num(addr, UINT64_MAX, &dma))
		goto usage;
	dmt_findings_init(&f);
	if (dmt_gnt_dma_lint(dma, (uint32_t)frames, &f)) {
		for (size_t i = 0; i < f.count; i++)
			dmt_print_finding(out, &f.items[i]);
		rc = DMT_EXIT_FINDINGS;
	} else {
		dmt_gnt_dma_decode(dma, &d);
		fprintf(out, "ref=0x%llx offset=0x%x\n", (unsigned long long)d.ref, d.offset);
	}
	dmt_findings_free(&f);
	return rc;
usage:
	fprintf(err, "dmatopo grant decode: takes one ADDR (64-bit number) and --frames 1..%u\n",
		DMT_GNT_MAX_FRAMES);
	decode_help(err);
	return DMT_EXIT_USAGE;
}

static void emit_line(void *ctx, const char *line)
{
	fprintf((FILE *)ctx, "%s\n", line);
}

static int do_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct dmt_gnt_config cfg;
	struct dmt_findings f;
	struct dmt_gnt g;
	uint8_t *buf;
	size_t len;
	int rc;

	if (wants_help(argc, argv)) {
		run_help(out);
		return DMT_EXIT_OK;
	}
	if (argc != 2) {
		fprintf(err, "dmatopo grant run: takes one FILE\n");
		run_help(err);
		return DMT_EXIT_USAGE;
	}
	if (dmt_read_file(argv[1], &buf, &len, err))
		return DMT_EXIT_USAGE;
	if (len > DMT_INPUT_MAX) {
		fprintf(err, "dmatopo: %s: larger than %u bytes\n", argv[1], DMT_INPUT_MAX);
		free(buf);
		return DMT_EXIT_USAGE;
	}
	dmt_gnt_default_config(&cfg);
	if (dmt_gnt_init(&g, &cfg) != DMT_GNT_OK) {
		fprintf(err, "dmatopo grant run: out of memory\n");
		free(buf);
		return DMT_EXIT_USAGE;
	}
	dmt_findings_init(&f);
	rc = dmt_gnt_script_run(buf, len, &g, emit_line, out, &f, NULL);
	dmt_gnt_emit_table(&g, emit_line, out);
	for (size_t i = 0; i < f.count; i++)
		dmt_print_finding(err, &f.items[i]);
	if (f.dropped)
		fprintf(err, "dmatopo grant run: %zu more findings dropped\n", f.dropped);
	dmt_findings_free(&f);
	dmt_gnt_free_all(&g);
	free(buf);
	return rc ? DMT_EXIT_FINDINGS : DMT_EXIT_OK;
}

static int guest_opt(const char *a, struct dmt_gnt_guest *gu)
{
	if (strcmp(a, "--dom0") == 0)
		gu->dom0 = true;
	else if (strcmp(a, "--force-grant") == 0)
		gu->force_grant = true;
	else if (strcmp(a, "--pv") == 0)
		gu->pv = true;
	else if (strcmp(a, "--before-2026") == 0)
		gu->before_2026 = true;
	else
		return 0;
	return 1;
}

static void print_domid(FILE *out, const char *dev, const struct dmt_gnt_domid *a)
{
	if (a->found)
		fprintf(out, "%s domid=%u\n", dev, a->domid);
	else
		fprintf(out, "%s none reason=%s\n", dev, dmt_label_name(a->reason));
}

struct domid_ctx {
	const uint8_t *buf;
	size_t len;
	const char *file;
	const struct dmt_gnt_guest *gu;
	FILE *out, *err;
};

/* One device: its domid, or 1 when the DTB is not usable (the caller stops). */
static int domid_one(void *arg, const char *name, const struct dmt_device *d)
{
	struct domid_ctx *c = arg;
	struct dmt_findings f;
	struct dmt_gnt_domid a;
	int rc = DMT_EXIT_OK;

	dmt_findings_init(&f);
	if (dmt_gnt_domid_dtb(c->buf, c->len, d, c->gu, &a, &f) != 0) {
		fprintf(c->err, "dmatopo grant domid: %s: not a usable DTB\n", c->file);
		rc = DMT_EXIT_FINDINGS;
	} else {
		print_domid(c->out, name, &a);
	}
	for (size_t k = 0; k < f.count; k++)
		if (rc || f.items[k].label == DMT_L_GrantDomidTruncated ||
		    f.items[k].label == DMT_L_GrantCellsUnchecked)
			dmt_print_finding(c->err, &f.items[k]);
	dmt_findings_free(&f);
	return rc;
}

static int do_domid(int argc, char **argv, FILE *out, FILE *err)
{
	struct dmt_gnt_guest gu;
	struct domid_ctx ctx;
	const char *file = NULL, *lspci = NULL;
	uint8_t *buf = NULL;
	size_t len, ndev = 0;
	int rc = DMT_EXIT_OK;
	char **devs;

	if (wants_help(argc, argv)) {
		domid_help(out);
		return DMT_EXIT_OK;
	}
	memset(&gu, 0, sizeof(gu));
	devs = calloc((size_t)argc, sizeof(*devs));
	if (!devs)
		return DMT_EXIT_USAGE;
	for (int i = 1; i < argc; i++) {
		struct dmt_device d;

		if (guest_opt(argv[i], &gu))
			continue;
		if (strcmp(argv[i], "--lspci") == 0 && i + 1 < argc) {
			lspci = argv[++i];
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] == '-') {
			fprintf(err, "dmatopo grant domid: unknown option '%s'\n", argv[i]);
			goto usage;
		}
		if (!file) {
			file = argv[i];
			continue;
		}
		if (dmt_device_parse(argv[i], &d)) {
			fprintf(err, "dmatopo grant domid: bad DEVICE '%s'\n", argv[i]);
			goto usage;
		}
		devs[ndev++] = argv[i];
	}
	if (!file || (!ndev && !lspci))
		goto usage;
	if (dmt_read_file(file, &buf, &len, err)) {
		free(devs);
		return DMT_EXIT_USAGE;
	}
	ctx = (struct domid_ctx){ buf, len, file, &gu, out, err };
	if (lspci)
		rc = dmt_lspci_each("dmatopo grant domid", lspci, devs, ndev, domid_one, &ctx, err);
	for (size_t i = 0; !lspci && i < ndev && rc == DMT_EXIT_OK; i++) {
		struct dmt_device d;

		dmt_device_parse(devs[i], &d);
		rc = domid_one(&ctx, devs[i], &d);
	}
	free(buf);
	free(devs);
	return rc;
usage:
	domid_help(err);
	free(devs);
	return DMT_EXIT_USAGE;
}

int cmd_grant(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **, FILE *, FILE *);
	} subs[] = {
		{ "encode", do_encode },
		{ "decode", do_decode },
		{ "run", do_run },
		{ "domid", do_domid },
		{ "domid-enc", dmt_cmd_grant_domid_enc },
	};

	if (argc < 2) {
		grant_help(err);
		return DMT_EXIT_USAGE;
	}
	if (dmt_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		grant_help(out);
		return DMT_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(argc - 1, argv + 1, out, err);
	fprintf(err, "dmatopo grant: unknown subcommand '%s'\n", argv[1]);
	grant_help(err);
	return DMT_EXIT_USAGE;
}
