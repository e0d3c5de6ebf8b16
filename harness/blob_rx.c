/* The agent's blob framing, received (blob_rx.h). A line out of order, bad hex, data
 * past the announced length, a short blob or a CRC-32 that differs each leave the
 * blob not ok with the problem said once; nothing from the console is trusted. */
#include "blob_rx.h"
#include "crc32.h"
#include "dmatopo.h"
#include "replay.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

void blob_rx_init(struct blob_rx *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	replay_fmt(b->want, sizeof(b->want), "%s", name);
}

void blob_rx_free(struct blob_rx *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = 0;
}

bool blob_rx_field(const char *line, const char *key, int base, unsigned long *out)
{
	const char *p = strstr(line, key);
	char *end;

	if (!p)
		return false;
	p += strlen(key);
	*out = strtoul(p, &end, base);
	return end != p;
}

static void fail(struct blob_rx *b, const char *why, size_t off)
{
	if (!b->problem[0])
		replay_fmt(b->problem, sizeof(b->problem), "%s %s at 0x%zx", b->want, why, off);
	b->in = false;
}

/* path= runs to the end of the line; an over-long one is cut, and the cut is said. */
static void take_path(struct blob_rx *b, const char *rest)
{
	const char *p = strstr(rest, " path=");

	b->path[0] = '\0';
	if (!p)
		return;
	p += 6;
	if (strlen(p) >= sizeof(b->path))
		fail(b, "path= too long", 0);
	else
		replay_fmt(b->path, sizeof(b->path), "%s", p);
}

static void begin(struct blob_rx *b, const char *rest)
{
	unsigned long len, crc;

	if (!blob_rx_field(rest, "len=", 10, &len) || !blob_rx_field(rest, "crc32=", 16, &crc) ||
	    len == 0 || len > DMT_INPUT_MAX) {
		fail(b, "blob-begin has no usable len/crc32", 0);
		return;
	}
	/* a blob that failed earlier may begin again: its first buffer goes */
	blob_rx_free(b);
	b->buf = calloc(1, len);
	if (!b->buf) {
		fail(b, "out of memory", 0);
		return;
	}
	b->len = len;
	b->crc = (uint32_t)crc;
	b->next = 0;
	b->in = true;
	take_path(b, rest);
}

static void data(struct blob_rx *b, const char *rest)
{
	unsigned long off;
	char *end;
	const char *hex;
	size_t n = 0;

	off = strtoul(rest, &end, 16);
	if (end == rest || *end != ' ' || off != b->next) {
		fail(b, "line out of order", b->next);
		return;
	}
	for (hex = end + 1; hex[0] && hex[1]; hex += 2) {
		int hi = dmt_hex_digit(hex[0]), lo = dmt_hex_digit(hex[1]);

		if (hi < 0 || lo < 0 || b->next + n >= b->len) {
			fail(b, "bad hex or data past len", b->next + n);
			return;
		}
		b->buf[b->next + n++] = (uint8_t)(hi << 4 | lo);
	}
	if (*hex) {
		fail(b, "odd hex digit count", b->next);
		return;
	}
	b->next += n;
}

static void zero(struct blob_rx *b, const char *rest)
{
	unsigned long off, n;
	char *end;

	off = strtoul(rest, &end, 16);
	if (end == rest || off != b->next) {
		fail(b, "zero run out of order", b->next);
		return;
	}
	n = strtoul(end, NULL, 16);
	if (n > b->len - b->next) {
		fail(b, "zero run past len", b->next);
		return;
	}
	b->next += n;			/* calloc'd: the bytes are already zero */
}

static void end_blob(struct blob_rx *b)
{
	uint32_t got;

	b->in = false;
	b->ended = true;
	if (b->next != b->len) {
		fail(b, "ended short", b->next);
		return;
	}
	got = dmt_crc32(b->buf, b->len);
	if (got != b->crc) {
		replay_fmt(b->problem, sizeof(b->problem), "%s crc32 %08x, announced %08x", b->want,
			   got, b->crc);
		return;
	}
	b->ok = true;
}

static bool names_this(const struct blob_rx *b, const char *rest)
{
	char name[16];

	return sscanf(rest, "name=%15s", name) == 1 && strcmp(name, b->want) == 0;
}

bool blob_rx_line(struct blob_rx *b, const char *rest)
{
	if (strncmp(rest, "blob-begin ", 11) == 0) {
		if (!names_this(b, rest + 11) || b->ended || b->in)
			return false;
		begin(b, rest + 11);
	} else if (strncmp(rest, "blob ", 5) == 0 && b->in) {
		data(b, rest + 5);
	} else if (strncmp(rest, "blob-zero ", 10) == 0 && b->in) {
		zero(b, rest + 10);
	} else if (strncmp(rest, "blob-end ", 9) == 0 && b->in) {
		end_blob(b);
	} else {
		return false;
	}
	return true;
}
