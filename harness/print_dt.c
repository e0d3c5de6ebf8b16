/* `decode` for device trees: every node and property with its byte offset in the
 * blob, in the manner of `iasl -d` (offset column, name, value). iommu-map,
 * msi-map and iommus are decoded entry by entry with their targets' paths. */
#include "cli.h"

#include <ctype.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#define PRINT_MAX_DEPTH 32
#define PRINT_MAX_CELLS 64

static void indent(FILE *out, int depth)
{
	if (depth > PRINT_MAX_DEPTH)
		depth = PRINT_MAX_DEPTH;
	for (int i = 0; i < depth; i++)
		fputs("  ", out);
}

static uint32_t be32_at(const void *v, int i)
{
	const uint8_t *p = (const uint8_t *)v + 4 * i;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One or more NUL-terminated printable strings filling the value exactly. */
static bool is_strings(const char *v, int len)
{
	if (len <= 0 || v[len - 1] != '\0' || v[0] == '\0')
		return false;
	for (int i = 0; i < len; i++) {
		if (v[i] == '\0') {
			if (i > 0 && v[i - 1] == '\0')
				return false;
			continue;
		}
		if (!isprint((unsigned char)v[i]))
			return false;
	}
	return true;
}

static void print_target(FILE *out, const void *fdt, uint32_t ph)
{
	char path[DMT_NAME_MAX];
	int node = ph ? fdt_node_offset_by_phandle(fdt, ph) : -FDT_ERR_NOTFOUND;

	if (node < 0 || fdt_get_path(fdt, node, path, sizeof(path)) < 0)
		fprintf(out, "&<dangling 0x%x>", ph);
	else
		fprintf(out, "&%s", path);
}

static void print_map(FILE *out, const void *fdt, uint64_t voff, const void *v, int len, int depth)
{
	int n = len / 16;

	fprintf(out, "%d entr%s%s\n", n, n == 1 ? "y" : "ies",
		len % 16 || len == 0 ? " (length not a non-zero multiple of 16)" : "");
	for (int i = 0; i < n; i++) {
		fprintf(out, "[%08llx] ", (unsigned long long)(voff + 16u * (unsigned)i));
		indent(out, depth + 1);
		fprintf(out, "[%d] <rid-base 0x%x -> ", i, be32_at(v, 4 * i));
		print_target(out, fdt, be32_at(v, 4 * i + 1));
		fprintf(out, " out 0x%x len 0x%x>\n", be32_at(v, 4 * i + 2), be32_at(v, 4 * i + 3));
	}
}

static void print_iommus(FILE *out, const void *fdt, uint64_t voff, const void *v, int len, int depth)
{
	int ncells = len / 4, i = 0, idx = 0;

	fputs("specifiers\n", out);
	while (i < ncells) {
		uint32_t ph = be32_at(v, i);
		int node = ph ? fdt_node_offset_by_phandle(fdt, ph) : -1;
		int clen = 0;
		const void *cp = node >= 0 ? fdt_getprop(fdt, node, "#iommu-cells", &clen) : NULL;
		uint32_t cells = cp && clen >= 4 ? be32_at(cp, 0) : 0;

		fprintf(out, "[%08llx] ", (unsigned long long)(voff + 4u * (unsigned)i));
		indent(out, depth + 1);
		fprintf(out, "[%d] <", idx++);
		print_target(out, fdt, ph);
		if (!cp || cells > (uint32_t)(ncells - i - 1)) {
			fprintf(out, "> (%s; parsing stops)\n",
				node < 0 ? "no such node" : !cp ? "no #iommu-cells" : "specifier truncated");
			return;
		}
		for (uint32_t k = 0; k < cells; k++)
			fprintf(out, " 0x%x", be32_at(v, i + 1 + (int)k));
		fputs(">\n", out);
		i += 1 + (int)cells;
	}
}

static void print_value(FILE *out, const void *v, int len)
{
	if (len == 0) {
		fputs("(empty)\n", out);
		return;
	}
	if (is_strings(v, len)) {
		const char *s = v;

		for (int pos = 0; pos < len; pos += (int)strlen(s + pos) + 1)
			fprintf(out, "%s\"%s\"", pos ? ", " : "", s + pos);
		fputc('\n', out);
		return;
	}
	if (len % 4 == 0) {
		int n = len / 4;

		fputc('<', out);
		for (int i = 0; i < n && i < PRINT_MAX_CELLS; i++)
			fprintf(out, "%s0x%x", i ? " " : "", be32_at(v, i));
		fprintf(out, "%s>\n", n > PRINT_MAX_CELLS ? " ..." : "");
		return;
	}
	fputc('[', out);
	for (int i = 0; i < len && i < 4 * PRINT_MAX_CELLS; i++)
		fprintf(out, "%s%02x", i ? " " : "", ((const uint8_t *)v)[i]);
	fprintf(out, "%s]\n", len > 4 * PRINT_MAX_CELLS ? " ..." : "");
}

static void print_props(FILE *out, const void *fdt, int node, int depth)
{
	uint64_t sbase = fdt_off_dt_struct(fdt);
	int po;

	fdt_for_each_property_offset(po, fdt, node) {
		const char *name;
		int len;
		const void *v = fdt_getprop_by_offset(fdt, po, &name, &len);
		uint64_t voff;

		if (!v || !name || len < 0)
			continue;
		voff = (uint64_t)((const uint8_t *)v - (const uint8_t *)fdt);
		fprintf(out, "[%08llx] ", (unsigned long long)(sbase + (unsigned)po));
		indent(out, depth + 1);
		fprintf(out, "%s (%d bytes) = ", name, len);
		if (!strcmp(name, "iommu-map") || !strcmp(name, "msi-map"))
			print_map(out, fdt, voff, v, len, depth);
		else if (!strcmp(name, "iommus"))
			print_iommus(out, fdt, voff, v, len, depth);
		else
			print_value(out, v, len);
	}
}

void dmt_print_dt(FILE *out, const uint8_t *buf, size_t len)
{
	uint8_t *fdt;
	int depth = -1, rc;
	struct dmt_findings fs;

	if (!buf || len < FDT_V1_SIZE || len > DMT_INPUT_MAX) {
		fprintf(out, "not a valid DTB: %zu bytes\n", len);
		return;
	}
	/* libfdt wants 8-byte alignment; zero padding to a whole header keeps
	 * fdt_check_header's reads inside the copy when the input is shorter. */
	fdt = calloc(len < 64 ? 64 : len, 1);
	if (!fdt) {
		fprintf(out, "not printed: out of memory\n");
		return;
	}
	memcpy(fdt, buf, len);
	/* The same bounded check the decoder makes (libfdt 1.6.1's own can crash
	 * or loop on hostile blobs). */
	dmt_findings_init(&fs);
	rc = dmt_fdt_check(fdt, len, &fs);
	if (rc) {
		fprintf(out, "not a valid DTB: %s\n", fs.count ? fs.items[0].msg : "refused");
		dmt_findings_free(&fs);
		free(fdt);
		return;
	}
	dmt_findings_free(&fs);
	fprintf(out, "[%08x] FDT header: version %u, totalsize 0x%x, struct @0x%x (0x%x bytes), strings @0x%x (0x%x bytes), boot cpu %u\n",
		0, fdt_version(fdt), fdt_totalsize(fdt), fdt_off_dt_struct(fdt),
		fdt_size_dt_struct(fdt), fdt_off_dt_strings(fdt), fdt_size_dt_strings(fdt),
		fdt_boot_cpuid_phys(fdt));
	for (int n = fdt_next_node(fdt, -1, &depth); n >= 0; n = fdt_next_node(fdt, n, &depth)) {
		int nlen = 0;
		const char *name = fdt_get_name(fdt, n, &nlen);

		if (depth < 0)
			break;	/* past the root's end */
		fprintf(out, "[%08llx] ", (unsigned long long)(fdt_off_dt_struct(fdt) + (unsigned)n));
		indent(out, depth);
		fprintf(out, "node %.*s\n", name && nlen > 0 ? nlen : 1, name && nlen > 0 ? name : "/");
		print_props(out, fdt, n, depth);
	}
	free(fdt);
}
