/* Pieces every subcommand shares: reading an input file, printing findings and
 * JSON strings, and the options every table-reading subcommand accepts. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int dmt_read_file(const char *path, uint8_t **buf, size_t *len, FILE *err)
{
	FILE *fp = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	uint8_t *b;

	if (!fp) {
		fprintf(err, "dmatopo: %s: %s\n", path, strerror(errno));
		return -1;
	}
	b = malloc(cap);
	while (b) {
		size_t got = fread(b + n, 1, cap - n, fp);

		n += got;
		if (got == 0 || n > DMT_INPUT_MAX)
			break;
		if (n == cap) {
			uint8_t *nb = realloc(b, cap * 2);

			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
	}
	if (!b || ferror(fp)) {
		fprintf(err, "dmatopo: %s: read failed\n", path);
		free(b);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	*buf = b;
	*len = n;
	return 0;
}

void dmt_print_finding(FILE *out, const struct dmt_finding *fi)
{
	const struct dmt_label_info *li = dmt_label_info(fi->label);

	fprintf(out, "%s %s ", dmt_severity_name(li->severity), li->name);
	if (fi->offset == DMT_NO_OFFSET)
		fprintf(out, "@-");
	else
		fprintf(out, "@0x%llx", (unsigned long long)fi->offset);
	fprintf(out, ": %s [%s]\n", fi->msg, li->clause);
}

void dmt_xml_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			/* XML 1.0 has no escape for control characters: drop them. */
			if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
				fputc(*s, out);
		}
	}
}

void dmt_print_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

int dmt_input_opt(struct dmt_input_opts *io, int argc, char **argv, int *i, FILE *err)
{
	const char *opt = argv[*i];
	const char *val = *i + 1 < argc ? argv[*i + 1] : NULL;

	if (strcmp(opt, "--format") == 0) {
		if (!val || dmt_format_parse(val, &io->decode.format)) {
			fprintf(err, "dmatopo: --format takes viot, vtopo or dtb\n");
			return -1;
		}
	} else if (strcmp(opt, "--profile") == 0) {
		if (!val || dmt_profile_parse(val, &io->profile)) {
			fprintf(err, "dmatopo: --profile takes linux or spec\n");
			return -1;
		}
	} else if (strcmp(opt, "--vtopo-version") == 0) {
		if (!val || (strcmp(val, "2") && strcmp(val, "3"))) {
			fprintf(err, "dmatopo: --vtopo-version takes 2 or 3\n");
			return -1;
		}
		io->decode.vtopo_version = (unsigned)(val[0] - '0');
	} else if (strcmp(opt, "--iommu") == 0) {
		struct dmt_device d;

		if (!val || dmt_device_parse(val, &d) || d.kind != DMT_DEV_PCI || d.naliases) {
			fprintf(err, "dmatopo: --iommu takes SSSS:BB:DD.F\n");
			return -1;
		}
		io->decode.vtopo_iommu_known = true;
		io->decode.vtopo_iommu_segment = d.segment;
		io->decode.vtopo_iommu_bdf = d.rid;
	} else {
		return 0;	/* not ours */
	}
	(*i)++;
	return 1;
}

int dmt_load(const char *path, const struct dmt_input_opts *io, struct dmt_loaded *l,
	     FILE *err)
{
	memset(l, 0, sizeof(*l));
	dmt_findings_init(&l->findings);
	dmt_topo_init(&l->topo);
	if (dmt_read_file(path, &l->buf, &l->len, err))
		return -1;
	l->decoded = dmt_decode(l->buf, l->len, &io->decode, &l->topo, &l->findings) == 0;
	return 0;
}

void dmt_unload(struct dmt_loaded *l)
{
	dmt_topo_free(&l->topo);
	dmt_findings_free(&l->findings);
	free(l->buf);
	memset(l, 0, sizeof(*l));
}

bool dmt_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int dmt_file_args(int argc, char **argv, struct dmt_input_opts *io, const char **path,
		  void (*help)(FILE *), FILE *out, FILE *err)
{
	*path = NULL;
	for (int i = 1; i < argc; i++) {
		int r;

		if (dmt_is_help(argv[i])) {
			help(out);
			return DMT_EXIT_OK;
		}
		r = dmt_input_opt(io, argc, argv, &i, err);
		if (r < 0)
			return DMT_EXIT_USAGE;
		if (r > 0)
			continue;
		if (argv[i][0] == '-' || *path) {
			fprintf(err, "dmatopo %s: unexpected argument '%s'\n", argv[0], argv[i]);
			return DMT_EXIT_USAGE;
		}
		*path = argv[i];
	}
	if (!*path) {
		help(err);
		return DMT_EXIT_USAGE;
	}
	return -1;
}

void dmt_file_stem(const char *path, const char *ext, char *out, size_t outlen)
{
	const char *b = strrchr(path, '/');
	size_t n, e = strlen(ext);

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n > e && strcmp(b + n - e, ext) == 0)
		n -= e;
	snprintf(out, outlen, "%.*s", (int)n, b);
}
