/* Line and token scanning for the text formats (topology language, vectors, grant
 * scripts): bounded, no allocation, no locale. */
#ifndef DMT_TEXT_H
#define DMT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DMT_TOK_MAX 32		/* tokens per line */
#define DMT_LINE_MAX 1024	/* bytes per line */

struct dmt_tok {
	const char *s;
	size_t n;
};

struct dmt_line {
	unsigned lineno;	/* from 1 */
	size_t ntok;
	struct dmt_tok tok[DMT_TOK_MAX];
	bool too_long, too_many;
};

struct dmt_lines {
	const char *buf;
	size_t len, pos;
	unsigned lineno;
};

void dmt_lines_init(struct dmt_lines *it, const char *buf, size_t len);
/* Next line with its tokens (comments after '#' dropped); false at the end. A line
 * with no tokens is returned too (ntok == 0) so callers can count lines. */
bool dmt_lines_next(struct dmt_lines *it, struct dmt_line *out);

/* Make room for need bytes in a growing buffer (capacity doubling from first),
 * never past max: 0, -1 when max would be exceeded, -2 when memory runs out. */
int dmt_reserve(void **buf, size_t *cap, size_t need, size_t first, size_t max);

/* 0..15 for a hexadecimal digit, -1 otherwise. */
int dmt_hex_digit(char c);

bool dmt_tok_eq(const struct dmt_tok *t, const char *word);
/* Copy a token into a NUL-terminated buffer; false if it does not fit. */
bool dmt_tok_copy(const struct dmt_tok *t, char *out, size_t outlen);
/* Decimal or 0x-hex, no sign, at most max; false otherwise (overflow included). */
bool dmt_tok_u64(const struct dmt_tok *t, uint64_t max, uint64_t *v);
/* "key=value": true when the token starts with key= ; *val gets the rest. */
bool dmt_tok_kv(const struct dmt_tok *t, const char *key, struct dmt_tok *val);

#endif
