/* lspci -x text checked line by line, with the line forms libpci's dump reader
 * accepts written down once (see lspci.h for why this runs before libpci). */
#include "lspci_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

enum line_kind { LINE_DEVICE, LINE_CONFIG };

/* libpci lib/dump.c, dump_init(): '#' is a hex digit, anything else itself. A device
 * line is "[DOMAIN:]BB:DD.F " and a description; a config line "OFFSET: " and bytes. */
static const struct line_form {
	const char *pattern;
	enum line_kind kind;
	unsigned domain_digits;		/* LINE_DEVICE */
} forms[] = {
	{ "##:##.# ", LINE_DEVICE, 0 },
	{ "####:##:##.# ", LINE_DEVICE, 4 },
	{ "#####:##:##.# ", LINE_DEVICE, 5 },
	{ "##: ", LINE_CONFIG, 0 },
	{ "###: ", LINE_CONFIG, 0 },
	{ "####: ", LINE_CONFIG, 0 },
	{ "#####: ", LINE_CONFIG, 0 },
	{ "######: ", LINE_CONFIG, 0 },
	{ "#######: ", LINE_CONFIG, 0 },
	{ "########: ", LINE_CONFIG, 0 },
};

#define NFORMS (sizeof(forms) / sizeof(forms[0]))

struct scan {
	const char *s;			/* the line, without '\r' and '\n' */
	size_t n;
	unsigned lineno;
	uint64_t at;			/* offset of the line in the text */
	struct dmt_lspci *d;
	struct dmt_findings *f;
	struct dmt_lspci_entry *cur;	/* the device block the line is in */
	bool stop;			/* the text is not a dump: read no further */
};

static bool matches(const char *s, size_t n, const char *pat)
{
	size_t i = 0;

	for (; pat[i]; i++) {
		if (i >= n)
			return false;
		if (pat[i] == '#' ? dmt_hex_digit(s[i]) < 0 : pat[i] != s[i])
			return false;
	}
	return true;
}

static const struct line_form *classify(const char *s, size_t n)
{
	for (size_t i = 0; i < NFORMS; i++)
		if (matches(s, n, forms[i].pattern))
			return &forms[i];
	return NULL;
}

static uint32_t hex_at(const char *s, size_t digits)
{
	uint32_t v = 0;

	for (size_t i = 0; i < digits; i++)
		v = v << 4 | (uint32_t)dmt_hex_digit(s[i]);
	return v;
}

static void not_a_dump(struct scan *sc, const char *why)
{
	dmt_report(sc->f, DMT_L_LspciNotADump, sc->at, "line %u: %s", sc->lineno, why);
	sc->stop = true;
}

static void name_of(const struct dmt_lspci_entry *e, char *out, size_t len)
{
	snprintf(out, len, "%04x:%02x:%02x.%x", e->segment, e->rid >> 8, (e->rid >> 3) & 0x1f,
		 e->rid & 7);
}

/* A device block ends: its config space must be whole. */
static void end_device(struct scan *sc)
{
	struct dmt_lspci_entry *e = sc->cur;
	char name[16];

	sc->cur = NULL;
	if (!e || e->cut || e->nbytes == DMT_LSPCI_CONFIG || e->nbytes == DMT_LSPCI_CONFIG_EXT)
		return;
	name_of(e, name, sizeof(name));
	e->cut = true;
	dmt_report(sc->f, DMT_L_LspciTruncated, e->offset,
		   "%s (line %u): %u bytes of config space; lspci -xxx gives %u, -xxxx %u%s", name,
		   e->line, e->nbytes, DMT_LSPCI_CONFIG, DMT_LSPCI_CONFIG_EXT,
		   e->nbytes == 64 ? " (lspci -x, or lspci -xxx run as a user, shows 64)" : "");
}

static void device_line(struct scan *sc, const struct line_form *form)
{
	const char *p = sc->s + (form->domain_digits ? form->domain_digits + 1 : 0);
	uint32_t domain = hex_at(sc->s, form->domain_digits);
	uint32_t bus = hex_at(p, 2), dev = hex_at(p + 3, 2);
	struct dmt_lspci_entry *e;

	/* libpci reads the function with %d: only 0..7 name a function. */
	if (p[6] < '0' || p[6] > '7' || dev > 0x1f || domain > 0xffff) {
		not_a_dump(sc, p[6] < '0' || p[6] > '7' ? "function number is not 0..7"
			   : dev > 0x1f ? "device number above 0x1f" : "PCI domain above 0xffff");
		return;
	}
	if (sc->d->n == DMT_LSPCI_MAX_DEVS) {
		dmt_report(sc->f, DMT_L_ModelLimit, sc->at, "more than %u devices in the dump",
			   DMT_LSPCI_MAX_DEVS);
		sc->stop = true;
		return;
	}
	if (dmt_reserve((void **)&sc->d->dev, &sc->d->cap, (sc->d->n + 1) * sizeof(*e),
			64 * sizeof(*e), (size_t)DMT_LSPCI_MAX_DEVS * 2 * sizeof(*e))) {
		dmt_report(sc->f, DMT_L_OutOfMemory, sc->at, "no memory for the device list");
		sc->stop = true;
		return;
	}
	e = &sc->d->dev[sc->d->n++];
	memset(e, 0, sizeof(*e));
	e->segment = (uint16_t)domain;
	e->rid = (uint16_t)(bus << 8 | dev << 3 | (uint32_t)(p[6] - '0'));
	e->line = sc->lineno;
	e->offset = sc->at;
	sc->cur = e;
}

/* The bytes after "OFFSET: ": two hex digits each, one space between, as libpci's
 * loop takes them (a trailing space is allowed). Returns the count, or -1. */
static long config_bytes(const char *s, size_t n)
{
	size_t pos = 0;
	long count = 0;

	while (pos < n) {
		if (pos + 1 >= n || dmt_hex_digit(s[pos]) < 0 || dmt_hex_digit(s[pos + 1]) < 0 ||
		    (pos + 2 < n && s[pos + 2] != ' '))
			return -1;
		count++;
		pos += pos + 2 < n ? 3 : 2;
	}
	return count;
}

static void config_line(struct scan *sc)
{
	const char *colon = memchr(sc->s, ':', sc->n);
	size_t digits = (size_t)(colon - sc->s);
	struct dmt_lspci_entry *e = sc->cur;
	uint32_t off;
	long k;
	char name[16];

	if (!e) {
		not_a_dump(sc, "config-space bytes outside a device block");
		return;
	}
	k = config_bytes(colon + 2, sc->n - digits - 2);
	if (k < 0) {
		not_a_dump(sc, "config-space bytes are not two hex digits each, one space apart");
		return;
	}
	/* Up to 8 digits fit in 32 bits (libpci reads them into an int, which overflows). */
	off = hex_at(sc->s, digits);
	if (off < e->nbytes) {
		not_a_dump(sc, "config-space offset goes back");
		return;
	}
	if (off > DMT_LSPCI_CONFIG_EXT || (uint64_t)off + (uint64_t)k > DMT_LSPCI_CONFIG_EXT) {
		not_a_dump(sc, "config space past 4096 bytes");
		return;
	}
	if (off > e->nbytes && !e->cut) {
		name_of(e, name, sizeof(name));
		e->cut = true;
		dmt_report(sc->f, DMT_L_LspciTruncated, sc->at,
			   "line %u: %s config space skips 0x%x..0x%x", sc->lineno, name, e->nbytes,
			   off - 1);
	}
	e->nbytes = off + (uint32_t)k;
}

/* lspci prints text: a control character other than a tab means binary input. */
static bool has_control(const struct scan *sc)
{
	for (size_t i = 0; i < sc->n; i++)
		if ((unsigned char)sc->s[i] < 0x20 && sc->s[i] != '\t')
			return true;
	return false;
}

static void one_line(struct scan *sc)
{
	const struct line_form *form;

	if (sc->n == 0) {
		end_device(sc);
		return;
	}
	if (has_control(sc)) {
		not_a_dump(sc, "control character (binary data?)");
		return;
	}
	form = classify(sc->s, sc->n);
	if (form && form->kind == LINE_DEVICE) {
		end_device(sc);
		device_line(sc, form);
	} else if (form) {
		config_line(sc);
	} else if (!sc->cur || (sc->s[0] != '\t' && sc->s[0] != ' ')) {
		/* lspci -v adds indented lines inside a block; libpci skips those. */
		not_a_dump(sc, sc->cur ? "neither a config-space line nor an indented detail"
			   : "not a device line ([DOMAIN:]BB:DD.F description)");
	}
}

static int by_address(const void *a, const void *b)
{
	const struct dmt_lspci_entry *x = a, *y = b;
	uint32_t kx = (uint32_t)x->segment << 16 | x->rid, ky = (uint32_t)y->segment << 16 | y->rid;

	return kx < ky ? -1 : kx > ky;
}

static void duplicates(struct dmt_lspci *d, struct dmt_findings *f)
{
	char name[16];

	if (d->n)
		qsort(d->dev, d->n, sizeof(d->dev[0]), by_address);
	for (size_t i = 1; i < d->n; i++) {
		if (by_address(&d->dev[i - 1], &d->dev[i]))
			continue;
		name_of(&d->dev[i], name, sizeof(name));
		dmt_report(f, DMT_L_LspciDuplicateDevice, d->dev[i].offset,
			   "%s is listed on line %u and again on line %u", name,
			   d->dev[i - 1].line < d->dev[i].line ? d->dev[i - 1].line : d->dev[i].line,
			   d->dev[i - 1].line < d->dev[i].line ? d->dev[i].line : d->dev[i - 1].line);
	}
}

/* One physical line from pos: sc gets it without '\n' and one trailing '\r' (what
 * libpci strips). Returns the offset after it, or len with *cut set when the text
 * ends without a newline. */
static size_t next_line(const char *text, size_t len, size_t pos, struct scan *sc, bool *cut,
			size_t *physical)
{
	const char *nl = memchr(text + pos, '\n', len - pos);
	size_t end = nl ? (size_t)(nl - text) : len;

	*cut = !nl;
	*physical = end - pos;
	sc->s = text + pos;
	sc->n = end - pos;
	if (sc->n && sc->s[sc->n - 1] == '\r')
		sc->n--;
	return nl ? end + 1 : len;
}

int dmt_lspci_check(const uint8_t *buf, size_t len, struct dmt_lspci *d,
		    struct dmt_findings *f)
{
	const char *text = (const char *)buf;
	struct scan sc;
	size_t pos = 0, errors = dmt_findings_errors(f);

	memset(d, 0, sizeof(*d));
	memset(&sc, 0, sizeof(sc));
	sc.d = d;
	sc.f = f;
	while (pos < len && !sc.stop) {
		bool cut;
		size_t physical;

		sc.at = pos;
		sc.lineno++;
		pos = next_line(text, len, pos, &sc, &cut, &physical);
		if (cut && (!d->n || has_control(&sc))) {
			not_a_dump(&sc, d->n ? "control character (binary data?)" : "not a device line");
		} else if (cut) {
			dmt_report(f, DMT_L_LspciTruncated, sc.at, "line %u: the text ends inside it (no newline)",
				   sc.lineno);
			sc.stop = true;
		} else if (physical > DMT_LSPCI_LINE_MAX) {
			not_a_dump(&sc, "longer than the 253 characters libpci reads");
		} else {
			one_line(&sc);
		}
	}
	if (!sc.stop)
		end_device(&sc);
	if (!sc.stop && d->n == 0)
		dmt_report(f, DMT_L_LspciNotADump, 0, "no device line ([DOMAIN:]BB:DD.F description)");
	duplicates(d, f);
	return d->n && dmt_findings_errors(f) == errors && !sc.stop ? 0 : -1;
}

void dmt_lspci_free(struct dmt_lspci *d)
{
	free(d->dev);
	memset(d, 0, sizeof(*d));
}

const struct dmt_lspci_entry *dmt_lspci_find(const struct dmt_lspci *d, uint16_t seg,
					     uint16_t rid)
{
	struct dmt_lspci_entry key = { .segment = seg, .rid = rid };

	if (!d->n)
		return NULL;
	return bsearch(&key, d->dev, d->n, sizeof(d->dev[0]), by_address);
}
