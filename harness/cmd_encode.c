/* dmatopo encode: topology language (or a vector) to VIOT, vtopo blob or DTB. */
#include "cli.h"
#include "vector.h"

#include <stdlib.h>
#include <string.h>

static void encode_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo encode --to viot|vtopo|dtb [--vtopo-version 2|3]\n"
		"                      [--builder qemu|cloud-hypervisor|crosvm|acpi-tables] FILE -o OUT\n\n"
		"Write the topology FILE describes (the language of vectors/README.md; a *.vec\n"
		"vector works too, its vector statements are ignored here) as a VIOT table with\n"
		"a correct checksum, a virtio-iommu config blob with the built-in topology, or a\n"
		"DTB, applying the file's patch lines for that encoding. Exit status 0 when\n"
		"written, 1 when the encoding cannot express the topology, 2 on usage, syntax or\n"
		"I/O errors.\n\n"
		"--builder writes, with --to viot, the VIOT that VMM writes for the file's\n"
		"`viommu NAME pci SBDF` and `vmm-dev SBDF` list (`vmm-hotplug BUS` for crosvm,\n"
		"`vmm-bridge FIRST LAST` host bridges for QEMU): its header IDs, revision,\n"
		"node order and endpoint numbering.\n");
}

int dmt_write_file(const char *path, const uint8_t *buf, size_t len, FILE *err)
{
	FILE *fp = fopen(path, "wb");

	if (!fp || fwrite(buf, 1, len, fp) != len) {
		fprintf(err, "dmatopo: cannot write %s\n", path);
		if (fp)
			fclose(fp);
		return -1;
	}
	if (fclose(fp)) {
		fprintf(err, "dmatopo: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

/* A vector (strict) or topology file parsed, with its syntax errors said on err. */
static int load_text(const char *path, struct dmt_vector *v, FILE *err, bool strict)
{
	struct dmt_lang_error e = { 0 };
	uint8_t *buf;
	size_t len;
	int rc;

	if (dmt_read_file(path, &buf, &len, err))
		return -1;
	rc = strict ? dmt_vector_parse((const char *)buf, len, v, &e)
		    : dmt_topology_parse((const char *)buf, len, v, &e);
	free(buf);
	if (rc)
		fprintf(err, "%s:%u: %s\n", path, e.line, e.msg);
	return rc;
}

int dmt_load_vector(const char *path, struct dmt_vector *v, FILE *err)
{
	return load_text(path, v, err, true);
}

int dmt_load_topology(const char *path, struct dmt_vector *v, FILE *err)
{
	return load_text(path, v, err, false);
}

int cmd_encode(int argc, char **argv, FILE *out, FILE *err)
{
	const char *path = NULL, *outp = NULL;
	enum dmt_format fmt = DMT_FMT_UNKNOWN;
	unsigned version = 0;
	enum dmt_viot_builder builder = DMT_VB_NONE;
	struct dmt_vector *v;
	char why[DMT_WHY_MAX] = "";
	uint8_t *bytes;
	size_t len;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (dmt_is_help(argv[i])) {
			encode_help(out);
			return DMT_EXIT_OK;
		} else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc) {
			if (dmt_format_parse(argv[++i], &fmt)) {
				fprintf(err, "dmatopo encode: --to takes viot, vtopo or dtb\n");
				return DMT_EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--builder") == 0 && i + 1 < argc) {
			if (dmt_viot_builder_parse(argv[++i], &builder)) {
				fprintf(err, "dmatopo encode: --builder takes qemu, cloud-hypervisor, crosvm or acpi-tables\n");
				return DMT_EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			outp = argv[++i];
		} else if (argv[i][0] != '-' && !path) {
			path = argv[i];
		} else if (strcmp(argv[i], "--vtopo-version") == 0 && i + 1 < argc) {
			const char *n = argv[++i];

			if (strcmp(n, "2") && strcmp(n, "3")) {
				fprintf(err, "dmatopo encode: --vtopo-version takes 2 or 3\n");
				return DMT_EXIT_USAGE;
			}
			version = (unsigned)(n[0] - '0');
		} else {
			fprintf(err, "dmatopo encode: unexpected argument '%s'\n", argv[i]);
			return DMT_EXIT_USAGE;
		}
	}
	if (!path || !outp || fmt == DMT_FMT_UNKNOWN) {
		encode_help(err);
		return DMT_EXIT_USAGE;
	}
	v = malloc(sizeof(*v));
	if (!v)
		return DMT_EXIT_USAGE;
	if (dmt_load_topology(path, v, err)) {
		free(v);
		return DMT_EXIT_USAGE;
	}
	if (version)
		v->enc_opts.vtopo_version = version;
	if (builder != DMT_VB_NONE)
		v->enc_opts.viot_builder = builder;
	if (dmt_vector_input(v, fmt, &bytes, &len, why, sizeof(why))) {
		fprintf(err, "dmatopo encode: %s: cannot encode as %s: %s\n", path, dmt_format_name(fmt), why);
		rc = DMT_EXIT_FINDINGS;
	} else {
		rc = dmt_write_file(outp, bytes, len, err) ? DMT_EXIT_USAGE : DMT_EXIT_OK;
		free(bytes);
	}
	dmt_vector_free(v);
	free(v);
	return rc;
}
