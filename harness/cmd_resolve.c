/* dmatopo resolve: which IOMMU and endpoint IDs each device gets. */
#include "cli.h"

#include <string.h>

static void resolve_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo resolve [--profile linux|spec] [--json] [--format viot|vtopo|dtb]\n"
		"                       [--vtopo-version 2|3] [--iommu SSSS:BB:DD.F] FILE DEVICE...\n\n"
		"DEVICE is one of:\n"
		"  SSSS:BB:DD.F[+BB:DD.F...]  a PCI device; each '+' adds a DMA alias, in the order\n"
		"                             pci_for_each_dma_alias visits them\n"
		"  mmio:0xADDR                a platform device by its first MMIO address\n"
		"  /path/to/node              a device-tree node\n\n"
		"One line per device:\n"
		"  DEVICE endpoint=0xHEX [endpoint=0xHEX...] iommu=NAME via=WHAT[,WHAT...] [msi=0xHEX msi-via=WHAT]\n"
		"  DEVICE none reason=Label\n"
		"--json prints one JSON object per device instead. The linux profile is what\n"
		"Linux 6.1 computes; spec is the strict reading of the specification.\n"
		"Exit status 0 when every device was resolved (with or without an IOMMU), 1 when\n"
		"the input could not be decoded at all, 2 on usage or I/O errors.\n");
}

static void print_text(FILE *out, const char *dev, const struct dmt_answer *a)
{
	fprintf(out, "%s", dev);
	if (!a->found) {
		fprintf(out, " none reason=%s", dmt_label_name(a->reason));
	} else {
		for (size_t i = 0; i < a->nids; i++)
			fprintf(out, " endpoint=0x%x", a->ids[i]);
		fprintf(out, " iommu=%s via=", a->iommu_name);
		for (size_t i = 0; i < a->nids; i++)
			fprintf(out, "%s%s", i ? "," : "", a->via[i]);
	}
	if (a->has_msi)
		fprintf(out, " msi=0x%x msi-via=%s", a->msi_id, a->msi_via);
	fputc('\n', out);
}

static void print_json(FILE *out, const char *dev, enum dmt_profile p,
		       const struct dmt_answer *a)
{
	fprintf(out, "{\"device\":");
	dmt_print_json_string(out, dev);
	fprintf(out, ",\"profile\":\"%s\",\"found\":%s", dmt_profile_name(p),
		a->found ? "true" : "false");
	if (a->found) {
		fprintf(out, ",\"endpoints\":[");
		for (size_t i = 0; i < a->nids; i++)
			fprintf(out, "%s%u", i ? "," : "", a->ids[i]);
		fprintf(out, "],\"iommu\":");
		dmt_print_json_string(out, a->iommu_name);
		fprintf(out, ",\"via\":[");
		for (size_t i = 0; i < a->nids; i++) {
			fprintf(out, "%s", i ? "," : "");
			dmt_print_json_string(out, a->via[i]);
		}
		fputc(']', out);
	} else {
		fprintf(out, ",\"reason\":\"%s\"", dmt_label_name(a->reason));
	}
	if (a->has_msi) {
		fprintf(out, ",\"msi\":%u,\"msi_via\":", a->msi_id);
		dmt_print_json_string(out, a->msi_via);
	}
	fprintf(out, "}\n");
}

int cmd_resolve(int argc, char **argv, FILE *out, FILE *err)
{
	struct dmt_input_opts io = { 0 };
	struct dmt_loaded l;
	const char *path = NULL;
	bool json = false;
	int first_dev = 0, rc = DMT_EXIT_OK;

	for (int i = 1; i < argc && !first_dev; i++) {
		int r;

		if (dmt_is_help(argv[i])) {
			resolve_help(out);
			return DMT_EXIT_OK;
		}
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
			continue;
		}
		r = dmt_input_opt(&io, argc, argv, &i, err);
		if (r < 0)
			return DMT_EXIT_USAGE;
		if (r > 0)
			continue;
		if (argv[i][0] == '-' && argv[i][1] == '-') {
			fprintf(err, "dmatopo resolve: unknown option '%s'\n", argv[i]);
			return DMT_EXIT_USAGE;
		}
		if (!path)
			path = argv[i];
		else
			first_dev = i;
	}
	if (!path || !first_dev) {
		resolve_help(err);
		return DMT_EXIT_USAGE;
	}
	/* Check every designator before doing any work, so a typo costs nothing. */
	for (int i = first_dev; i < argc; i++) {
		struct dmt_device d;

		if (dmt_device_parse(argv[i], &d)) {
			fprintf(err, "dmatopo resolve: bad DEVICE '%s' (want SSSS:BB:DD.F[+BB:DD.F], mmio:0xADDR or /path)\n",
				argv[i]);
			return DMT_EXIT_USAGE;
		}
	}
	if (dmt_load(path, &io, &l, err))
		return DMT_EXIT_USAGE;
	if (!l.decoded) {
		for (size_t i = 0; i < l.findings.count; i++)
			dmt_print_finding(err, &l.findings.items[i]);
		dmt_unload(&l);
		return DMT_EXIT_FINDINGS;
	}
	for (int i = first_dev; i < argc; i++) {
		struct dmt_device d;
		struct dmt_answer a;

		dmt_device_parse(argv[i], &d);
		if (dmt_resolve(&l.topo, io.profile, &d, &a, &l.findings)) {
			fprintf(err, "dmatopo resolve: internal error on '%s'\n", argv[i]);
			rc = DMT_EXIT_USAGE;
			continue;
		}
		if (json)
			print_json(out, argv[i], io.profile, &a);
		else
			print_text(out, argv[i], &a);
	}
	if (dmt_findings_errors(&l.findings))
		fprintf(err, "dmatopo resolve: %s has %zu error-level finding(s); see dmatopo lint\n",
			path, dmt_findings_errors(&l.findings));
	dmt_unload(&l);
	return rc;
}
