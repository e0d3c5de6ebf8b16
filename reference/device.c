/* Device designators: how a user, a vector or the replay names the device to
 * resolve. Strict: anything that is not exactly the grammar is refused. */
#include "dmatopo.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

/* Exactly ndigits..maxdigits hex digits; advances *s. */
static int parse_hex(const char **s, unsigned mindigits, unsigned maxdigits, uint64_t *v)
{
	uint64_t acc = 0;
	unsigned n = 0;

	while (dmt_hex_digit(**s) >= 0) {
		if (n == maxdigits)
			return -1;
		acc = acc << 4 | (uint64_t)dmt_hex_digit(**s);
		(*s)++;
		n++;
	}
	if (n < mindigits)
		return -1;
	*v = acc;
	return 0;
}

/* [SSSS:]BB:DD.F with the segment optional when allow_noseg. */
static int parse_bdf(const char **s, bool allow_noseg, bool *has_seg, uint16_t *seg,
		     uint16_t *rid)
{
	const char *save = *s;
	uint64_t a, b, dev, fn;

	if (parse_hex(s, 1, 4, &a) || **s != ':')
		return -1;
	(*s)++;
	if (parse_hex(s, 1, 2, &b))
		return -1;
	if (**s == ':') {		/* a was the segment */
		(*s)++;
		if (parse_hex(s, 1, 2, &dev))
			return -1;
		*has_seg = true;
		*seg = (uint16_t)a;
	} else {
		if (!allow_noseg || a > 0xff) {
			*s = save;
			return -1;
		}
		dev = b;
		b = a;
		*has_seg = false;
	}
	if (**s != '.')
		return -1;
	(*s)++;
	if (parse_hex(s, 1, 1, &fn) || dev > 0x1f || fn > 7 || b > 0xff)
		return -1;
	*rid = (uint16_t)(b << 8 | dev << 3 | fn);
	return 0;
}

int dmt_device_parse(const char *s, struct dmt_device *d)
{
	bool has_seg;
	uint16_t seg = 0;

	if (!s || !d)
		return -1;
	memset(d, 0, sizeof(*d));
	if (s[0] == '/') {
		if (strlen(s) >= sizeof(d->path))
			return -1;
		d->kind = DMT_DEV_PATH;
		strcpy(d->path, s);
		return 0;
	}
	if (strncmp(s, "mmio:", 5) == 0) {
		uint64_t v;

		s += 5;
		if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
			return -1;
		s += 2;
		if (parse_hex(&s, 1, 16, &v) || *s)
			return -1;
		d->kind = DMT_DEV_MMIO;
		d->mmio = v;
		return 0;
	}
	d->kind = DMT_DEV_PCI;
	if (parse_bdf(&s, true, &has_seg, &seg, &d->rid))
		return -1;
	d->segment = has_seg ? seg : 0;
	while (*s == '+') {
		uint16_t aseg = 0, arid;

		s++;
		if (d->naliases == DMT_MAX_ALIASES ||
		    parse_bdf(&s, true, &has_seg, &aseg, &arid))
			return -1;
		/* An alias lives in the device's segment: the hierarchy is one tree. */
		if (has_seg && aseg != d->segment)
			return -1;
		d->aliases[d->naliases++] = arid;
	}
	return *s ? -1 : 0;
}

static void fmt_bdf(char *out, size_t len, uint16_t rid)
{
	snprintf(out, len, "%02x:%02x.%x", rid >> 8, (rid >> 3) & 0x1f, rid & 7);
}

void dmt_device_format(const struct dmt_device *d, char *out, size_t outlen)
{
	size_t used;
	char b[16];

	if (!outlen)
		return;
	switch (d->kind) {
	case DMT_DEV_PATH:
		snprintf(out, outlen, "%s", d->path);
		return;
	case DMT_DEV_MMIO:
		snprintf(out, outlen, "mmio:0x%llx", (unsigned long long)d->mmio);
		return;
	case DMT_DEV_PCI:
		fmt_bdf(b, sizeof(b), d->rid);
		snprintf(out, outlen, "%04x:%s", d->segment, b);
		for (size_t i = 0; i < d->naliases; i++) {
			used = strlen(out);
			fmt_bdf(b, sizeof(b), d->aliases[i]);
			snprintf(out + used, outlen - used, "+%s", b);
		}
		return;
	}
}
