/* dmatopo resolve: which IOMMU and endpoint IDs each device gets. */
#include "cli.h"
#include "lspci.h"

#include <string.h>

static void resolve_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo resolve [--profile linux|spec] [--json] [--format viot|vtopo|dtb]\n"
		"                       [--vtopo-version 2|3] [--iommu SSSS:BB:DD.F] FILE DEVICE...\n"
		"       dmatopo resolve [options] --lspci DUMP FILE [SSSS:BB:DD.F...]\n\n"
		"DEVICE is one of:\n"
		"  SSSS:BB:DD.F[+BB:DD.F...]  a PCI device; each '+' adds a DMA alias, in the order\n"
		"                             pci_for_each_dma_alias visits them\n"
		"  mmio:0xADDR                a platform device by its first MMIO address\n"
		"  /path/to/node              a device-tree node\n\n"
		"One line per device:\n"
		"  DEVICE endpoint=0xHEX [endpoint=0xHEX...] iommu=NAME via=WHAT[,WHAT...] [msi=0xHEX msi-via=WHAT]\n"
		"  DEVICE none reason=Label\n"
		"--lspci DUMP reads lspci -xxx or -xxxx output (libpci's dump method) and resolves\n"
		"every device in it, or those named, with the DMA aliases its bridges give\n"
		"(pci_for_each_dma_alias; devfn quirks left out); a dump that is not lspci output\n"
		"or is cut short gives a finding and exit 1, as does a named device not in it.\n"
		"--json prints one JSON object per device instead. The linux profile is what\n"
		"Linux 6.1 computes; spec is the strict reading of the specification.\n"
		"For VIOT, linux follows \"ACPI: VIOT: Initialize the correct IOMMU fwspec\"\n"
		"(47d26684185d, v6.4, backported to 6.1.y from about 6.1.28; Debian's 6.1.192 has\n"
		"it): an alias's endpoint ID goes to the device's own fwspec, not the bridge's.\n"
		"Older 6.1 releases filed it under the bridge. When the alias walk stops at an\n"
		"alias no range matches, after IDs were added, the answer says walk-stopped=BDF:\n"
		"Linux then reports the device's IOMMU configuration as failed.\n"
		"Exit status 0 when every device was resolved (with or without an IOMMU), 1 when\n"
		"the input could not be decoded at all or a path or mmio: address names no node,\n"
		"2 on usage or I/O errors.\n");
}

/* "BB:DD.F" of a requester ID. */
static void bdf_text(uint16_t rid, char *out, size_t len)
{
	snprintf(out, len, "%02x:%02x.%x", rid >> 8, (rid >> 3) & 0x1f, rid & 7);
}

/* True when the IDs go to more than one IOMMU (`iommus` naming several). */
static bool several_iommus(const struct dmt_answer *a)
{
	for (size_t i = 1; i < a->nids; i++)
		if (a->id_iommu[i] != a->id_iommu[0])
			return true;
	return false;
}

static const char *iommu_name_of(const struct dmt_topo *t, int32_t i)
{
	return i >= 0 && (size_t)i < t->niommus ? t->iommus[i].name : "?";
}

/* endpoint=ID, and the whole specifier when it has more cells than the ID
 * (a driver such as arm-smmu reads the SMR mask from the second). */
static void print_endpoint(FILE *out, const struct dmt_answer *a, size_t i)
{
	fprintf(out, " endpoint=0x%x", a->ids[i]);
	if (a->id_ncells[i] <= 1)
		return;
	fprintf(out, " specifier=0x%x", a->ids[i]);
	for (uint32_t c = 1; c < a->id_ncells[i] && c < 4; c++)
		fprintf(out, ",0x%x", a->id_more[i][c - 1]);
}

static void print_text(FILE *out, const struct dmt_topo *t, const char *dev,
		       const struct dmt_answer *a)
{
	fprintf(out, "%s", dev);
	if (!a->found) {
		fprintf(out, " none reason=%s", dmt_label_name(a->reason));
	} else {
		for (size_t i = 0; i < a->nids; i++)
			print_endpoint(out, a, i);
		fprintf(out, " iommu=%s", a->iommu_name);
		/* The first IOMMU alone would hide the others: name each ID's. */
		for (size_t i = 0; several_iommus(a) && i < a->nids; i++)
			fprintf(out, "%s%s", i ? "," : " iommus=", iommu_name_of(t, a->id_iommu[i]));
		fprintf(out, " via=");
		for (size_t i = 0; i < a->nids; i++)
			fprintf(out, "%s%s", i ? "," : "", a->via[i]);
	}
	if (a->bridge >= 0 && (size_t)a->bridge < t->nbridges)
		fprintf(out, " bridge=%s", t->bridges[a->bridge].path);
	if (a->node_disabled)
		fprintf(out, " node-disabled");
	if (a->walk_stopped) {
		char bdf[16];

		bdf_text(a->walk_stopped_rid, bdf, sizeof(bdf));
		fprintf(out, " walk-stopped=%s (Linux fails the device's IOMMU configuration)", bdf);
	}
	if (a->has_msi)
		fprintf(out, " msi=0x%x msi-via=%s", a->msi_id, a->msi_via);
	fputc('\n', out);
}

static void print_json(FILE *out, const struct dmt_topo *t, const char *dev, enum dmt_profile p,
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
		fprintf(out, ",\"iommus\":[");
		for (size_t i = 0; i < a->nids; i++) {
			fprintf(out, "%s", i ? "," : "");
			dmt_print_json_string(out, iommu_name_of(t, a->id_iommu[i]));
		}
		fputc(']', out);
		fprintf(out, ",\"via\":[");
		for (size_t i = 0; i < a->nids; i++) {
			fprintf(out, "%s", i ? "," : "");
			dmt_print_json_string(out, a->via[i]);
		}
		/* every cell of each ID's specifier (the first is the ID) */
		fprintf(out, "],\"specifiers\":[");
		for (size_t i = 0; i < a->nids; i++) {
			fprintf(out, "%s[%u", i ? "," : "", a->ids[i]);
			for (uint32_t c = 1; c < a->id_ncells[i] && c < 4; c++)
				fprintf(out, ",%u", a->id_more[i][c - 1]);
			fputc(']', out);
		}
		fputc(']', out);
	} else {
		fprintf(out, ",\"reason\":\"%s\"", dmt_label_name(a->reason));
	}
	if (a->bridge >= 0 && (size_t)a->bridge < t->nbridges) {
		fprintf(out, ",\"bridge\":");
		dmt_print_json_string(out, t->bridges[a->bridge].path);
	}
	if (a->node_disabled)
		fprintf(out, ",\"node_disabled\":true");
	if (a->walk_stopped) {
		char bdf[16];

		bdf_text(a->walk_stopped_rid, bdf, sizeof(bdf));
		fprintf(out, ",\"walk_stopped\":\"%s\",\"linux_configures\":false", bdf);
	}
	if (a->has_msi) {
		fprintf(out, ",\"msi\":%u,\"msi_via\":", a->msi_id);
		dmt_print_json_string(out, a->msi_via);
	}
	fprintf(out, "}\n");
}

struct resolve_ctx {
	struct dmt_loaded *l;
	const struct dmt_input_opts *io;
	bool json;
	FILE *out, *err;
};

/* One device, named as the user wrote it (or as the lspci dump gives it). */
static int resolve_one(void *arg, const char *name, const struct dmt_device *d)
{
	struct resolve_ctx *c = arg;
	struct dmt_answer a;

	if (dmt_resolve(&c->l->topo, c->io->profile, d, &a, &c->l->findings)) {
		fprintf(c->err, "dmatopo resolve: internal error on '%s'\n", name);
		return DMT_EXIT_USAGE;
	}
	if (c->json)
		print_json(c->out, &c->l->topo, name, c->io->profile, &a);
	else
		print_text(c->out, &c->l->topo, name, &a);
	/* A node that is not there is a mistake in the question, not "no IOMMU". */
	if (!a.found && a.reason == DMT_L_DTNodeNotFound) {
		fprintf(c->err, "dmatopo resolve: %s: no such node in %s\n", name,
			d->kind == DMT_DEV_PATH ? "the tree" : "the tree (first reg after ranges)");
		return DMT_EXIT_FINDINGS;
	}
	return DMT_EXIT_OK;
}

int cmd_resolve(int argc, char **argv, FILE *out, FILE *err)
{
	struct resolve_ctx ctx;
	const char *lspci = NULL;
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
		if (strcmp(argv[i], "--lspci") == 0) {
			if (++i == argc) {
				fprintf(err, "dmatopo resolve: --lspci takes a DUMP\n");
				return DMT_EXIT_USAGE;
			}
			lspci = argv[i];
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
	if (!path || (!first_dev && !lspci)) {
		resolve_help(err);
		return DMT_EXIT_USAGE;
	}
	/* Check every designator before doing any work, so a typo costs nothing. */
	for (int i = first_dev; first_dev && i < argc; i++) {
		struct dmt_device d;

		if (dmt_device_parse(argv[i], &d)) {
			size_t plus = 0;

			for (const char *c = argv[i]; *c; c++)
				plus += *c == '+';
			if (plus > DMT_MAX_ALIASES)
				fprintf(err, "dmatopo resolve: '%s' lists %zu DMA aliases; dmatopo holds at most %d\n",
					argv[i], plus, DMT_MAX_ALIASES);
			else
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
	ctx = (struct resolve_ctx){ &l, &io, json, out, err };
	if (lspci)
		rc = dmt_lspci_each("dmatopo resolve", lspci, argv + first_dev,
				    (size_t)(first_dev ? argc - first_dev : 0), resolve_one, &ctx, err);
	for (int i = first_dev; !lspci && i < argc; i++) {
		struct dmt_device d;
		int r;

		dmt_device_parse(argv[i], &d);
		r = resolve_one(&ctx, argv[i], &d);
		rc = r > rc ? r : rc;
	}
	if (dmt_findings_errors(&l.findings))
		fprintf(err, "dmatopo resolve: %s has %zu error-level finding(s); see dmatopo lint\n",
			path, dmt_findings_errors(&l.findings));
	dmt_unload(&l);
	return rc;
}
