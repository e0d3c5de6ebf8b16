/* A bounded reader for one flat JSON object per line, the form the replay's summary
 * (replay_summary_jsonl) writes: string, number, true/false/null values, no nesting.
 * The shard merge reads other machines' files with it, so it is untrusted input:
 * every copy is bounded and anything else (nesting, a duplicate key, trailing bytes,
 * a bad escape) is refused with the reason. */
#include "summary_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cursor {
	const char *p, *end;
	char *why;
	size_t whylen;
};

static int fail(struct cursor *c, const char *what)
{
	snprintf(c->why, c->whylen, "%s at byte %ld", what, (long)(c->end - c->p));
	return -1;
}

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r'))
		c->p++;
}

static int hex4(struct cursor *c, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++, c->p++) {
		char h = c->p < c->end ? *c->p : 0;
		int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 :
			h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;

		if (v < 0)
			return -1;
		*out = *out << 4 | (unsigned)v;
	}
	return 0;
}

/* One escape after the backslash; non-ASCII code points are kept as '?'. */
static int unescape(struct cursor *c, char *ch)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	unsigned u;

	if (c->p >= c->end)
		return fail(c, "escape cut short");
	if (*c->p == 'u') {
		c->p++;
		if (hex4(c, &u))
			return fail(c, "bad \\u escape");
		*ch = u >= 0x20 && u < 0x7f ? (char)u : '?';
		return 0;
	}
	if (!*c->p || !(k = strchr(from, *c->p)))
		return fail(c, "unknown escape");
	*ch = to[k - from];
	c->p++;
	return 0;
}

static int string(struct cursor *c, char *out, size_t outlen)
{
	size_t n = 0;

	if (c->p >= c->end || *c->p != '"')
		return fail(c, "string expected");
	c->p++;
	while (c->p < c->end && *c->p != '"') {
		char ch = *c->p++;

		if ((unsigned char)ch < 0x20)
			return fail(c, "control character in a string");
		if (ch == '\\' && unescape(c, &ch))
			return -1;
		if (n + 1 >= outlen)
			return fail(c, "string too long");
		out[n++] = ch;
	}
	if (c->p >= c->end)
		return fail(c, "unterminated string");
	c->p++;
	out[n] = '\0';
	return 0;
}

static int literal(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

static int number(struct cursor *c, double *out)
{
	char buf[40], *endp;
	size_t n = 0;

	while (c->p + n < c->end && n + 1 < sizeof(buf) && strchr("+-.0123456789eE", c->p[n]) &&
	       c->p[n])
		n++;
	memcpy(buf, c->p, n);
	buf[n] = '\0';
	*out = strtod(buf, &endp);
	if (n == 0 || endp != buf + n)
		return fail(c, "bad number");
	c->p += n;
	return 0;
}

static int value(struct cursor *c, struct dmt_jfield *f)
{
	if (c->p >= c->end)
		return fail(c, "value expected");
	if (*c->p == '"') {
		f->kind = DMT_J_STR;
		return string(c, f->str, sizeof(f->str));
	}
	if (*c->p == '{' || *c->p == '[')
		return fail(c, "nested value (the summary is flat)");
	if (literal(c, "null") == 0) {
		f->kind = DMT_J_NULL;
		return 0;
	}
	if (literal(c, "true") == 0 || literal(c, "false") == 0) {
		f->kind = DMT_J_BOOL;
		f->num = c->p[-1] == 'e' && c->p[-2] == 'u';
		return 0;
	}
	f->kind = DMT_J_NUM;
	return number(c, &f->num);
}

static int member(struct cursor *c, struct dmt_jobj *o)
{
	struct dmt_jfield *f;

	if (o->n == DMT_JOBJ_MAX)
		return fail(c, "too many keys");
	f = &o->f[o->n];
	memset(f, 0, sizeof(*f));
	skip_ws(c);
	if (string(c, f->key, sizeof(f->key)))
		return -1;
	if (dmt_json_get(o, f->key))
		return fail(c, "duplicate key");
	skip_ws(c);
	if (c->p >= c->end || *c->p++ != ':')
		return fail(c, "':' expected");
	skip_ws(c);
	if (value(c, f))
		return -1;
	o->n++;
	skip_ws(c);
	return 0;
}

int dmt_json_flat_parse(const char *line, size_t len, struct dmt_jobj *o, char *why,
			size_t whylen)
{
	struct cursor c = { line, line + len, why, whylen };

	o->n = 0;
	skip_ws(&c);
	if (c.p >= c.end || *c.p++ != '{')
		return fail(&c, "'{' expected");
	skip_ws(&c);
	if (c.p < c.end && *c.p == '}') {
		c.p++;
	} else {
		for (;;) {
			if (member(&c, o))
				return -1;
			if (c.p < c.end && *c.p == ',') {
				c.p++;
				continue;
			}
			if (c.p < c.end && *c.p == '}') {
				c.p++;
				break;
			}
			return fail(&c, "',' or '}' expected");
		}
	}
	skip_ws(&c);
	return c.p == c.end ? 0 : fail(&c, "bytes after the object");
}

const struct dmt_jfield *dmt_json_get(const struct dmt_jobj *o, const char *key)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->f[i].key, key) == 0)
			return &o->f[i];
	return NULL;
}
