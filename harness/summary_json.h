/* One flat JSON object per line (the replay summary's form), read back bounded. */
#ifndef DMT_SUMMARY_JSON_H
#define DMT_SUMMARY_JSON_H

#include <stddef.h>

#define DMT_JOBJ_MAX 32

enum dmt_jkind { DMT_J_STR, DMT_J_NUM, DMT_J_BOOL, DMT_J_NULL };

struct dmt_jfield {
	char key[32];
	enum dmt_jkind kind;
	char str[512];			/* DMT_J_STR, NUL-terminated, escapes undone */
	double num;			/* DMT_J_NUM; DMT_J_BOOL as 0/1 */
};

struct dmt_jobj {
	struct dmt_jfield f[DMT_JOBJ_MAX];
	size_t n;
};

/* Parse exactly one object from line[0..len) (no newline). 0, or -1 with why. */
int dmt_json_flat_parse(const char *line, size_t len, struct dmt_jobj *o, char *why,
			size_t whylen);
/* The field named key, or NULL. */
const struct dmt_jfield *dmt_json_get(const struct dmt_jobj *o, const char *key);

#endif
