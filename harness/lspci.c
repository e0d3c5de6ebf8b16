/* lspci dumps through libpci (see lspci.h). libpci's error callback must not
 * return: it jumps back here. The check in reference/lspci_check.c closes every error
 * path of libpci's dump reader, so the jump is a second line of defence (it leaks
 * the FILE libpci had open, once, on a path no checked text takes). */
#include "lspci.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "libpci_fn.h"
#include "lspci_check.h"

static _Thread_local jmp_buf *libpci_escape;
static _Thread_local char libpci_said[200];

static void on_error(char *msg, ...) __attribute__((format(printf, 1, 2), noreturn));
static void on_quiet(char *msg, ...) __attribute__((format(printf, 1, 2)));

static void on_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(libpci_said, sizeof(libpci_said), msg, ap);
	va_end(ap);
	longjmp(*libpci_escape, 1);
}

/* Warnings and debug lines: the check already said what matters about the text. */
static void on_quiet(char *msg, ...)
{
	(void)msg;
}

static int by_address(const void *a, const void *b)
{
	const struct dmt_pci_fn *x = a, *y = b;
	uint32_t kx = (uint32_t)x->segment << 16 | x->rid, ky = (uint32_t)y->segment << 16 | y->rid;

	return kx < ky ? -1 : kx > ky;
}

/* What to do with libpci's view of a dump once it has scanned it. */
typedef int (*libpci_fn)(struct pci_access *pacc, void *ctx, char *why, size_t whylen);

/* Open the dump named `name` with libpci's dump method, scan it and hand it to fn;
 * libpci's errors jump back here instead of exiting the program. */
static int libpci_open(const char *name, libpci_fn fn, void *ctx, char *why, size_t whylen)
{
	struct pci_access *pacc = pci_alloc();
	jmp_buf jb;
	int rc;

	pacc->method = PCI_ACCESS_DUMP;
	pacc->error = on_error;
	pacc->warning = on_quiet;
	pacc->debug = on_quiet;
	libpci_escape = &jb;
	if (setjmp(jb)) {
		snprintf(why, whylen, "libpci: %s", libpci_said);
		pci_cleanup(pacc);
		return -1;
	}
	pci_set_param(pacc, "dump.name", (char *)name);
	pci_init(pacc);
	pci_scan_bus(pacc);
	rc = fn(pacc, ctx, why, whylen);
	pci_cleanup(pacc);
	return rc;
}

/* Every function libpci found in the dump. */
static int collect_fns(struct pci_access *pacc, void *ctx, char *why, size_t whylen)
{
	struct dmt_lspci_set *s = ctx;
	size_t n = 0;

	for (struct pci_dev *d = pacc->devices; d; d = d->next)
		n++;
	s->fn = calloc(n ? n : 1, sizeof(*s->fn));
	if (!s->fn) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	for (struct pci_dev *d = pacc->devices; d; d = d->next)
		dmt_libpci_fn(d, &s->fn[s->n++]);
	qsort(s->fn, s->n, sizeof(*s->fn), by_address);
	return 0;
}

/* libpci reads a file by name: hand it an unnamed copy of the checked bytes, so that
 * what it reads is exactly what dmt_lspci_check accepted. */
static int libpci_run(const uint8_t *buf, size_t len, libpci_fn fn, void *ctx, char *why,
		      size_t whylen)
{
	FILE *copy = tmpfile();
	char name[64];
	int rc = -1;

	if (!copy || fwrite(buf, 1, len, copy) != len || fflush(copy)) {
		snprintf(why, whylen, "cannot write a private copy of the dump");
	} else {
		snprintf(name, sizeof(name), "/proc/self/fd/%d", fileno(copy));
		rc = libpci_open(name, fn, ctx, why, whylen);
	}
	if (copy)
		fclose(copy);
	return rc;
}

/* libpci and the check must see the same devices. */
static int same_devices(const struct dmt_lspci *chk, const struct dmt_lspci_set *s, char *why,
			size_t whylen)
{
	if (chk->n != s->n) {
		snprintf(why, whylen, "libpci read %zu devices, the check %zu", s->n, chk->n);
		return -1;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (!dmt_lspci_find(chk, s->fn[i].segment, s->fn[i].rid)) {
			snprintf(why, whylen, "libpci read a device the check did not (%04x:%04x)",
				 s->fn[i].segment, s->fn[i].rid);
			return -1;
		}
	}
	return 0;
}

int dmt_lspci_read(const uint8_t *buf, size_t len, struct dmt_lspci_set *s,
		   struct dmt_findings *f, char *why, size_t whylen)
{
	struct dmt_lspci chk;
	int rc;

	memset(s, 0, sizeof(*s));
	why[0] = '\0';
	if (dmt_lspci_check(buf, len, &chk, f)) {
		dmt_lspci_free(&chk);
		return -1;
	}
	rc = libpci_run(buf, len, collect_fns, s, why, whylen);
	if (rc == 0)
		rc = same_devices(&chk, s, why, whylen);
	dmt_lspci_free(&chk);
	if (rc)
		dmt_lspci_set_free(s);
	return rc;
}

void dmt_lspci_set_free(struct dmt_lspci_set *s)
{
	free(s->fn);
	s->fn = NULL;
	s->n = 0;
}

long dmt_lspci_index(const struct dmt_lspci_set *s, uint16_t seg, uint16_t rid)
{
	struct dmt_pci_fn key = { .segment = seg, .rid = rid };
	const struct dmt_pci_fn *hit;

	if (!s->n)
		return -1;
	hit = bsearch(&key, s->fn, s->n, sizeof(*s->fn), by_address);
	return hit ? hit - s->fn : -1;
}

void dmt_lspci_device(const struct dmt_lspci_set *s, size_t i, struct dmt_device *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = DMT_DEV_PCI;
	d->segment = s->fn[i].segment;
	d->rid = s->fn[i].rid;
	d->naliases = dmt_pci_dma_aliases(s->fn, s->n, &s->fn[i], d->aliases, DMT_MAX_ALIASES);
}

/* The named devices must be plain PCI addresses, each in the dump. Returns the exit
 * status: 0 when all are there. */
static int check_names(const char *cmd, const char *path, const struct dmt_lspci_set *s,
		       char **names, size_t nnames, FILE *err)
{
	int rc = DMT_EXIT_OK;

	for (size_t i = 0; i < nnames; i++) {
		struct dmt_device d;

		if (dmt_device_parse(names[i], &d) || d.kind != DMT_DEV_PCI || d.naliases) {
			fprintf(err, "%s: with --lspci, DEVICE is SSSS:BB:DD.F ('%s'); the dump gives the aliases\n",
				cmd, names[i]);
			return DMT_EXIT_USAGE;
		}
		if (dmt_lspci_index(s, d.segment, d.rid) < 0) {
			fprintf(err, "%s: %s is not in the lspci dump %s (%zu devices)\n", cmd, names[i],
				path, s->n);
			rc = DMT_EXIT_FINDINGS;
		}
	}
	return rc;
}

static int load_dump(const char *cmd, const char *path, struct dmt_lspci_set *s, FILE *err)
{
	struct dmt_findings f;
	uint8_t *buf;
	size_t len;
	char why[256];
	int rc;

	if (dmt_read_file(path, &buf, &len, err))
		return DMT_EXIT_USAGE;
	dmt_findings_init(&f);
	rc = dmt_lspci_read(buf, len, s, &f, why, sizeof(why));
	for (size_t i = 0; i < f.count; i++)
		dmt_print_finding(err, &f.items[i]);
	if (rc)
		fprintf(err, "%s: %s is not a usable lspci -xxx dump%s%s\n", cmd, path,
			why[0] ? ": " : "", why);
	dmt_findings_free(&f);
	free(buf);
	return rc ? DMT_EXIT_FINDINGS : DMT_EXIT_OK;
}

static int call_one(const struct dmt_lspci_set *s, size_t i, dmt_lspci_each_fn each, void *ctx)
{
	struct dmt_device d;
	char name[DMT_NAME_MAX];

	dmt_lspci_device(s, i, &d);
	dmt_device_format(&d, name, sizeof(name));
	return each(ctx, name, &d);
}

int dmt_lspci_each(const char *cmd, const char *path, char **names, size_t nnames,
		   dmt_lspci_each_fn each, void *ctx, FILE *err)
{
	struct dmt_lspci_set s;
	int rc = load_dump(cmd, path, &s, err), r;

	if (rc)
		return rc;
	rc = check_names(cmd, path, &s, names, nnames, err);
	for (size_t i = 0; rc == DMT_EXIT_OK && i < (nnames ? nnames : s.n); i++) {
		struct dmt_device d;
		size_t k = i;

		if (nnames) {
			dmt_device_parse(names[i], &d);
			k = (size_t)dmt_lspci_index(&s, d.segment, d.rid);
		}
		r = call_one(&s, k, each, ctx);
		rc = r > rc ? r : rc;
	}
	dmt_lspci_set_free(&s);
	return rc;
}

/* One function's config bytes, as the dump shows them (checked first, then read by
 * libpci: pci_read_block on the dump method). n is what the dump holds: 256 for
 * lspci -xxx, 4096 for -xxxx. */
struct config_read {
	uint16_t seg, rid;
	uint8_t *out;
	size_t n;
};

static int read_config(struct pci_access *pacc, void *ctx, char *why, size_t whylen)
{
	struct config_read *c = ctx;

	for (struct pci_dev *d = pacc->devices; d; d = d->next) {
		if (d->domain != c->seg || d->bus != (c->rid >> 8) || d->dev != ((c->rid >> 3) & 0x1f) ||
		    d->func != (c->rid & 7))
			continue;
		if (pci_read_block(d, 0, c->out, (int)c->n))
			return 0;
		snprintf(why, whylen, "libpci could not read the config space");
		return -1;
	}
	snprintf(why, whylen, "libpci did not list the function");
	return -1;
}

int dmt_lspci_config(const uint8_t *buf, size_t len, uint16_t seg, uint16_t rid, uint8_t *out,
		     size_t max, size_t *got, struct dmt_findings *f, char *why, size_t whylen)
{
	struct dmt_lspci chk;
	const struct dmt_lspci_entry *e;
	struct config_read c;
	int rc;

	why[0] = '\0';
	*got = 0;
	if (dmt_lspci_check(buf, len, &chk, f)) {
		dmt_lspci_free(&chk);
		snprintf(why, whylen, "not a usable lspci -xxx dump");
		return -1;
	}
	e = dmt_lspci_find(&chk, seg, rid);
	if (!e) {
		snprintf(why, whylen, "%04x:%02x:%02x.%x is not in the dump (%zu devices)", seg,
			 rid >> 8, (rid >> 3) & 0x1f, rid & 7, chk.n);
		dmt_lspci_free(&chk);
		return -1;
	}
	*got = e->nbytes < max ? e->nbytes : max;
	c = (struct config_read){ seg, rid, out, *got };
	rc = libpci_run(buf, len, read_config, &c, why, whylen);
	dmt_lspci_free(&chk);
	return rc;
}
