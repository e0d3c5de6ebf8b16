/* dmatopo decode: print every field of the input with its offset. */
#include "cli.h"

#include <string.h>


static void decode_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo decode [--format viot|vtopo|dtb] [--vtopo-version 2|3]\n"
		"                      [--iommu SSSS:BB:DD.F] FILE\n\n"
		"Print every field of a VIOT table, a virtio-iommu config-space blob with the\n"
		"built-in topology (vtopo) or a flattened device tree, each with its byte offset\n"
		"([hex offset, decimal offset, width] name : value, as iasl -d does). The format\n"
		"is detected from the ACPI signature or the FDT magic; a vtopo blob has neither\n"
		"and needs --format vtopo. Error-level findings met while decoding follow the\n"
		"fields; exit status 0 without them, 1 with any, 2 on usage or I/O errors.\n");
}

int cmd_decode(int argc, char **argv, FILE *out, FILE *err)
{
	struct dmt_input_opts io = { 0 };
	struct dmt_loaded l;
	const char *path = NULL;
	int rc;

	rc = dmt_file_args(argc, argv, &io, &path, decode_help, out, err);
	if (rc >= 0)
		return rc;
	if (dmt_load(path, &io, &l, err))
		return DMT_EXIT_USAGE;

	fprintf(out, "/* %s: %s, %zu bytes */\n", path, dmt_format_name(l.topo.format), l.len);
	if (l.topo.format == DMT_FMT_DTB && l.decoded)
		dmt_print_dt(out, l.buf, l.len);
	for (size_t i = 0; i < l.topo.nstructs; i++)
		dmt_print_struct(out, &l.topo.structs[i], l.buf, l.len);
	if (dmt_findings_errors(&l.findings)) {
		fprintf(out, "\n/* errors met while decoding (dmatopo lint lists every finding) */\n");
		for (size_t i = 0; i < l.findings.count; i++)
			if (dmt_label_info(l.findings.items[i].label)->severity == DMT_SEV_ERROR)
				dmt_print_finding(out, &l.findings.items[i]);
	}
	rc = dmt_findings_errors(&l.findings) || !l.decoded ? DMT_EXIT_FINDINGS : DMT_EXIT_OK;
	dmt_unload(&l);
	return rc;
}
