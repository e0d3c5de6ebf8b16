/* dmatopo lint: one line per finding. */
#include "cli.h"

#include <stdlib.h>

static void lint_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo lint [--profile linux|spec] [--format viot|vtopo|dtb]\n"
		"                    [--vtopo-version 2|3] [--iommu SSSS:BB:DD.F] FILE\n\n"
		"Check a VIOT table, vtopo blob or DTB. One line per finding:\n"
		"  SEVERITY Label @0xOFFSET: message [clause]\n"
		"Labels are stable CamelCase names; SEVERITY is error, warning or info; the\n"
		"clause is the spec section, binding or kernel function the check rests on.\n"
		"A closing '#' line says what the chosen profile makes of the input (how many\n"
		"nodes it would use). Exit status: 0 without error-level findings, 1 with any,\n"
		"2 on usage or I/O errors.\n");
}

static size_t count_active(const struct dmt_topo *t, enum dmt_profile p, size_t *total)
{
	size_t n = 0;

	*total = t->nranges + t->nmmio;
	for (size_t i = 0; i < t->nranges; i++)
		n += !!(t->ranges[i].active & DMT_ACTIVE(p));
	for (size_t i = 0; i < t->nmmio; i++)
		n += !!(t->mmio[i].active & DMT_ACTIVE(p));
	return n;
}

static const char *bus_word(enum dmt_dt_bus b)
{
	switch (b) {
	case DMT_DT_BUS_PCI: return "PCI host bridge";
	case DMT_DT_BUS_FSL_MC: return "fsl-mc bus";
	case DMT_DT_BUS_HOST1X: return "host1x";
	default: return "bus with a map";
	}
}

/* Which segment each host bridge became, as Linux numbers them, so that a PCI
 * answer can be read back to a node; disabled ones and other buses say why not. */
static void print_bridges(FILE *out, const struct dmt_topo *t)
{
	int32_t *dom = calloc(t->nbridges ? t->nbridges : 1, sizeof(*dom));
	if (!dom)
		return;
	dmt_dt_linux_domains(t, dom);
	for (size_t i = 0; i < t->nbridges; i++) {
		const struct dmt_dt_bridge *b = &t->bridges[i];

		fprintf(out, "# %s %s -> ", bus_word(b->bus), b->path);
		if (b->bus != DMT_DT_BUS_PCI)
			fprintf(out, "no segment (not PCI)\n");
		else if (b->disabled)
			fprintf(out, "no segment (disabled: never probed)\n");
		else if (dom[i] < 0)
			fprintf(out, "no segment (linux,pci-domain 0x%x taken: fails to probe)\n",
				b->domain);
		else
			fprintf(out, "segment %04x (%s), buses %02x-%02x\n", (unsigned)dom[i],
				b->has_domain ? "linux,pci-domain" : "probe order", b->bus_start,
				b->bus_end);
	}
	free(dom);
}

static void print_profile_summary(FILE *out, const struct dmt_loaded *l, enum dmt_profile p)
{
	size_t total, active = count_active(&l->topo, p, &total);

	fprintf(out, "# %s: %zu finding(s), %zu error(s)", dmt_profile_name(p),
		l->findings.count + l->findings.dropped, dmt_findings_errors(&l->findings));
	if (l->topo.format == DMT_FMT_DTB) {
		fprintf(out, "; %zu host bridge(s), %zu device node(s), %zu IOMMU/MSI target(s)\n",
			l->topo.nbridges, l->topo.nnodes, l->topo.niommus);
		print_bridges(out, &l->topo);
		return;
	}
	fprintf(out, "; %zu of %zu endpoint node(s) used, %zu IOMMU(s)", active, total,
		l->topo.niommus);
	if (p == DMT_PROFILE_LINUX && l->topo.linux_walk_stop != SIZE_MAX)
		fprintf(out, "; walk stops at node #%zu", l->topo.linux_walk_stop);
	fputc('\n', out);
}

int cmd_lint(int argc, char **argv, FILE *out, FILE *err)
{
	struct dmt_input_opts io = { 0 };
	struct dmt_loaded l;
	const char *path = NULL;
	int rc;

	rc = dmt_file_args(argc, argv, &io, &path, lint_help, out, err);
	if (rc >= 0)
		return rc;
	if (dmt_load(path, &io, &l, err))
		return DMT_EXIT_USAGE;
	for (size_t i = 0; i < l.findings.count; i++)
		dmt_print_finding(out, &l.findings.items[i]);
	if (l.findings.dropped)
		fprintf(out, "# %zu more finding(s) not listed (limit %u)\n", l.findings.dropped,
			DMT_FINDINGS_MAX);
	print_profile_summary(out, &l, io.profile);
	rc = dmt_findings_errors(&l.findings) || !l.decoded ? DMT_EXIT_FINDINGS : DMT_EXIT_OK;
	dmt_unload(&l);
	return rc;
}
