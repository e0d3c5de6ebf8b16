#include "text.h"

#include <stdlib.h>
#include <string.h>

void dmt_lines_init(struct dmt_lines *it, const char *buf, size_t len)
{
	it->buf = buf;
	it->len = buf ? len : 0;
	it->pos = 0;
	it->lineno = 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

bool dmt_lines_next(struct dmt_lines *it, struct dmt_line *out)
{
	size_t end, i;
	bool in_comment = false;

	if (it->pos >= it->len)
		return false;
	end = it->pos;
	while (end < it->len && it->buf[end] != '\n')
		end++;
	memset(out, 0, sizeof(*out));
	out->lineno = ++it->lineno;
	out->too_long = end - it->pos > DMT_LINE_MAX;
	for (i = it->pos; i < end && !in_comment;) {
		size_t start;

		if (is_space(it->buf[i])) {
			i++;
			continue;
		}
		if (it->buf[i] == '#') {
			in_comment = true;
			break;
		}
		start = i;
		while (i < end && !is_space(it->buf[i]) && it->buf[i] != '#')
			i++;
		if (out->ntok == DMT_TOK_MAX) {
			out->too_many = true;
			break;
		}
		out->tok[out->ntok].s = it->buf + start;
		out->tok[out->ntok].n = i - start;
		out->ntok++;
	}
	it->pos = end < it->len ? end + 1 : end;
	return true;
}

bool dmt_tok_eq(const struct dmt_tok *t, const char *word)
{
	size_t n = strlen(word);

	return t->n == n && memcmp(t->s, word, n) == 0;
}

bool dmt_tok_copy(const struct dmt_tok *t, char *out, size_t outlen)
{
	if (t->n >= outlen)
		return false;
	memcpy(out, t->s, t->n);
	out[t->n] = '\0';
	return true;
}

int dmt_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int digit_value(char c, unsigned base)
{
	int v = dmt_hex_digit(c);

	return v >= 0 && (unsigned)v < base ? v : -1;
}

bool dmt_tok_u64(const struct dmt_tok *t, uint64_t max, uint64_t *v)
{
	unsigned base = 10;
	size_t i = 0;
	uint64_t acc = 0;

	if (t->n >= 2 && t->s[0] == '0' && (t->s[1] == 'x' || t->s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == t->n)
		return false;
	for (; i < t->n; i++) {
		int d = digit_value(t->s[i], base);

		if (d < 0 || acc > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		acc = acc * base + (uint64_t)d;
	}
	if (acc > max)
		return false;
	*v = acc;
	return true;
}

bool dmt_tok_kv(const struct dmt_tok *t, const char *key, struct dmt_tok *val)
{
	size_t n = strlen(key);

	if (t->n <= n || memcmp(t->s, key, n) != 0 || t->s[n] != '=')
		return false;
	val->s = t->s + n + 1;
	val->n = t->n - n - 1;
	return true;
}

int dmt_reserve(void **buf, size_t *cap, size_t need, size_t first, size_t max)
{
	size_t ncap = *cap ? *cap : first;
	void *p;

	if (need <= *cap)
		return 0;
	while (ncap < need && ncap <= max)
		ncap *= 2;
	if (ncap > max)
		return -1;
	p = realloc(*buf, ncap);
	if (!p)
		return -2;
	*buf = p;
	*cap = ncap;
	return 0;
}
