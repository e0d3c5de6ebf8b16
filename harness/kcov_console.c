/* The gcda blobs of one console (kcov.h). Each blob is received with the same framing
 * and CRC-32 check as the firmware blob (blob_rx.c); what can go wrong is said with a
 * label, once per file. */
#include "blob_rx.h"
#include "kcov.h"
#include "replay.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct kcov_state {
	struct kcov_console *c;
	struct blob_rx rx;
};

static void problem(struct kcov_console *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct kcov_console *c, const char *fmt, ...)
{
	va_list ap;

	if (c->nproblems < KCOV_MAX_PROBLEMS) {
		va_start(ap, fmt);
		vsnprintf(c->problem[c->nproblems], sizeof(c->problem[0]), fmt, ap);
		va_end(ap);
	}
	c->nproblems++;
}

/* The host writes a file at this path (below its own folder): nothing may climb out. */
static bool path_ok(const char *p)
{
	size_t n = strlen(p);

	if (p[0] != '/' || n < 6 || strcmp(p + n - 5, ".gcda") != 0 || strstr(p, "/../") ||
	    strstr(p, "//"))
		return false;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("/._-+", *p)))
			return false;
	return true;
}

static void keep(struct kcov_state *s)
{
	struct kcov_console *c = s->c;
	struct kcov_file *f;

	if (!s->rx.ok) {
		problem(c, "GcdaCorrupt: %s: %s", s->rx.path[0] ? s->rx.path : "(no path)", s->rx.problem);
		return;
	}
	if (!path_ok(s->rx.path)) {
		problem(c, "GcdaBadPath: '%s' is not an absolute .gcda path", s->rx.path);
		return;
	}
	if (c->nfiles == KCOV_MAX_FILES) {
		problem(c, "GcdaTooMany: more than %d files; %s dropped", KCOV_MAX_FILES, s->rx.path);
		return;
	}
	f = &c->file[c->nfiles++];
	replay_fmt(f->path, sizeof(f->path), "%s", s->rx.path);
	f->buf = s->rx.buf;
	f->len = s->rx.len;
	s->rx.buf = NULL;
}

/* A blob that began and never ended is cut short: said before the next one starts. */
static void unfinished(struct kcov_state *s)
{
	if (s->rx.in)
		problem(s->c, "GcdaCorrupt: %s: never ended", s->rx.path[0] ? s->rx.path : "(no path)");
	blob_rx_free(&s->rx);
	blob_rx_init(&s->rx, "gcda");
}

static void line(const char *l, void *ctx)
{
	struct kcov_state *s = ctx;
	const char *rest = strncmp(l, "DMT ", 4) == 0 ? l + 4 : NULL;
	char *end;

	if (!rest)
		return;
	if (strncmp(rest, "blob-begin name=gcda ", 21) == 0)
		unfinished(s);
	if (strncmp(rest, "blob", 4) == 0 && blob_rx_line(&s->rx, rest) && s->rx.ended) {
		keep(s);
		unfinished(s);
	} else if (strncmp(rest, "gcov files=", 11) == 0) {
		long n = strtol(rest + 11, &end, 10);

		s->c->announced = end != rest + 11 && n >= 0 && n <= 1000000 ? n : -1;
	} else if (strncmp(rest, "error gcda", 10) == 0) {
		problem(s->c, "GcdaAgentError: the agent said: %.200s", rest + 6);
	}
}

void kcov_parse_console(const char *text, size_t len, struct kcov_console *c)
{
	struct kcov_state s;

	memset(c, 0, sizeof(*c));
	c->announced = -1;
	memset(&s, 0, sizeof(s));
	s.c = c;
	blob_rx_init(&s.rx, "gcda");
	replay_each_line(text, len, line, &s);
	unfinished(&s);
	blob_rx_free(&s.rx);
	if (c->announced < 0)
		problem(c, "GcdaNone: no 'DMT gcov files=N' line (not a gcov kernel, or the agent never got there)");
	else if ((size_t)c->announced != c->nfiles)
		problem(c, "GcdaMissing: the agent sent %ld .gcda file(s), %zu arrived whole", c->announced,
			c->nfiles);
}

void kcov_console_free(struct kcov_console *c)
{
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->file[i].buf);
	c->nfiles = 0;
}
