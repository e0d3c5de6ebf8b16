/* The gate's verdict, decided here and nowhere else: each vector's outcome against
 * the list of known divergences, and whether the whole run passes. ci/gate only
 * propagates the exit status this produces; ci/report only formats what the replay
 * wrote. A known divergence must keep diverging: one that starts agreeing (XPASS)
 * is as red as a new disagreement, so the list cannot rot. */
#include "replay.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const char *replay_gate_name(enum replay_gate g)
{
	static const char *const names[] = {
		[GATE_PASS] = "pass", [GATE_FAIL] = "fail", [GATE_ERROR] = "error",
		[GATE_SKIP] = "skip", [GATE_XFAIL] = "known", [GATE_XPASS] = "xpass",
	};

	return (unsigned)g < sizeof(names) / sizeof(names[0]) ? names[g] : "?";
}

/* ---- the device side ------------------------------------------------------ */

bool replay_device_failed(const struct replay_check *c)
{
	const struct replay_qside *q = &c->qside;

	if (q->qemu == QSIDE_DIFFER)
		return true;
	/* A rewritten firmware QEMU never saw is the test's doing, not QEMU's; IDs the
	 * kernel got wrong are the kernel's (its own FAIL, or known divergence). */
	return q->qemu != QSIDE_NONE && q->e2e == DMT_E2E_BROKEN && !q->blind && !q->waiver &&
	       c->status == REPLAY_PASS;
}

/* A device QEMU cannot know the firmware of (a rewritten DT, an upgraded VIOT) is not
 * judged end to end at all, so its waiver neither excuses nor passes: the same vector
 * replayed on QEMU's own table (the plain gate) is where the waiver holds. */
bool replay_e2e_xpass(const struct replay_check *c)
{
	return c->qside.waiver && c->qside.qemu != QSIDE_NONE && c->qside.e2e != DMT_E2E_BROKEN &&
	       !c->qside.blind;
}

size_t replay_device_failures(const struct replay_verdict *v)
{
	size_t n = 0;

	for (size_t i = 0; i < v->checks.n; i++)
		n += replay_device_failed(&v->checks.c[i]);
	return n;
}

static size_t e2e_xpasses(const struct replay_verdict *v)
{
	size_t n = v->e2e_stale;

	for (size_t i = 0; i < v->checks.n; i++)
		n += replay_e2e_xpass(&v->checks.c[i]);
	return n;
}

enum replay_gate replay_gate_of(const struct replay_verdict *v, bool known)
{
	if (v->skipped)
		return GATE_SKIP;
	/* Nothing observed is never a pass, and never excused by the list either: a
	 * known divergence is a disagreement the kernel keeps making, not a crash. */
	if (v->checks.n == 0 || replay_count(v, REPLAY_ERROR))
		return GATE_ERROR;
	/* QEMU answering otherwise than the model, or a new end-to-end failure, is red
	 * whatever the kernel does: the known-divergence list is about the kernel. */
	if (replay_device_failures(v))
		return GATE_FAIL;
	if (replay_count(v, REPLAY_FAIL))
		return known ? GATE_XFAIL : GATE_FAIL;
	if (e2e_xpasses(v))
		return GATE_XPASS;
	return known ? GATE_XPASS : GATE_PASS;
}

void replay_tally_add(struct replay_tally *t, enum replay_gate g)
{
	switch (g) {
	case GATE_PASS: t->pass++; break;
	case GATE_FAIL: t->fail++; break;
	case GATE_ERROR: t->error++; break;
	case GATE_SKIP: t->skip++; break;
	case GATE_XFAIL: t->xfail++; break;
	case GATE_XPASS: t->xpass++; break;
	}
}

bool replay_tally_ok(const struct replay_tally *t)
{
	size_t replayed = t->pass + t->fail + t->error + t->xfail + t->xpass;

	/* A run that replayed nothing proves nothing. */
	return replayed > 0 && t->fail == 0 && t->error == 0 && t->xpass == 0;
}

/* ---- the known-divergence list ------------------------------------------- */

void replay_known_free(struct replay_known *k)
{
	free(k->e);
	k->e = NULL;
	k->n = 0;
}

static const char *skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static int known_add(struct replay_known *k, const char *name, size_t nlen, const char *reason,
		     size_t rlen, unsigned line, char *why, size_t whylen)
{
	struct replay_known_entry *ne;

	if (nlen >= sizeof(ne->vector) || rlen >= sizeof(ne->reason)) {
		replay_fmt(why, whylen, "line %u: vector or reason too long", line);
		return -1;
	}
	for (size_t i = 0; i < k->n; i++) {
		if (strlen(k->e[i].vector) == nlen && memcmp(k->e[i].vector, name, nlen) == 0) {
			replay_fmt(why, whylen, "line %u: %.*s is listed twice (first on line %u)", line,
				   (int)nlen, name, k->e[i].line);
			return -1;
		}
	}
	if (k->n == REPLAY_MAX_KNOWN) {
		replay_fmt(why, whylen, "line %u: more than %d known divergences", line,
			   REPLAY_MAX_KNOWN);
		return -1;
	}
	ne = realloc(k->e, (k->n + 1) * sizeof(*ne));
	if (!ne) {
		replay_fmt(why, whylen, "out of memory");
		return -1;
	}
	k->e = ne;
	ne = &k->e[k->n++];
	memset(ne, 0, sizeof(*ne));
	memcpy(ne->vector, name, nlen);
	memcpy(ne->reason, reason, rlen);
	ne->line = line;
	return 0;
}

/* One line: VECTOR REASON..., or blank, or a comment. */
static int known_line(struct replay_known *k, const char *p, const char *end, unsigned line,
		      char *why, size_t whylen)
{
	const char *name, *reason;

	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	p = skip_blank(p, end);
	if (p == end || *p == '#')
		return 0;
	name = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	reason = skip_blank(p, end);
	if (reason == end) {
		replay_fmt(why, whylen, "line %u: %.*s has no reason (write why the kernel differs)",
			   line, (int)(p - name), name);
		return -1;
	}
	for (const char *c = name; c < end; c++) {
		if ((unsigned char)*c < 0x20 && *c != '\t') {
			replay_fmt(why, whylen, "line %u: control character", line);
			return -1;
		}
	}
	return known_add(k, name, (size_t)(p - name), reason, (size_t)(end - reason), line, why,
			 whylen);
}

int replay_known_parse(const char *text, size_t len, struct replay_known *k, char *why,
		       size_t whylen)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;

	memset(k, 0, sizeof(*k));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		line++;
		if (memchr(p, '\0', (size_t)(eol - p))) {
			replay_fmt(why, whylen, "line %u: NUL byte", line);
			replay_known_free(k);
			return -1;
		}
		if (known_line(k, p, eol, line, why, whylen)) {
			replay_known_free(k);
			return -1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* An entry names a vector by its path as given, or by a tail of it that starts
 * after a '/' ("x86/q35-bare.vec" names "vectors/replay/x86/q35-bare.vec"), so the
 * list holds whether the gate is pointed at vectors/replay or at one file. */
static bool names_vector(const char *entry, const char *vector)
{
	size_t el = strlen(entry), vl = strlen(vector);

	if (el > vl)
		return false;
	if (strcmp(vector + vl - el, entry) != 0)
		return false;
	return el == vl || vector[vl - el - 1] == '/';
}

struct replay_known_entry *replay_known_find(struct replay_known *k, const char *vector)
{
	for (size_t i = 0; i < k->n; i++)
		if (names_vector(k->e[i].vector, vector))
			return &k->e[i];
	return NULL;
}

/* ---- known end-to-end failures ------------------------------------------- */

/* "VECTOR@DEVICE" split at the last '@'; false when there is none. */
static bool split_at(const char *entry, char *vector, size_t vlen, const char **device)
{
	const char *at = strrchr(entry, '@');

	if (!at || (size_t)(at - entry) >= vlen)
		return false;
	memcpy(vector, entry, (size_t)(at - entry));
	vector[at - entry] = '\0';
	*device = at + 1;
	return true;
}

int replay_e2e_known_parse(const char *text, size_t len, struct replay_known *k, char *why,
			   size_t whylen)
{
	if (replay_known_parse(text, len, k, why, whylen))
		return -1;
	for (size_t i = 0; i < k->n; i++) {
		char vector[256];
		const char *device;
		struct dmt_device d;

		if (!split_at(k->e[i].vector, vector, sizeof(vector), &device) || !vector[0] ||
		    dmt_device_parse(device, &d) || d.kind != DMT_DEV_PCI || d.naliases) {
			replay_fmt(why, whylen, "line %u: %s is not VECTOR@SSSS:BB:DD.F", k->e[i].line,
				   k->e[i].vector);
			replay_known_free(k);
			return -1;
		}
	}
	return 0;
}

static bool has_device(const struct replay_verdict *v, const char *device)
{
	for (size_t i = 0; i < v->checks.n; i++)
		if (v->checks.c[i].is_device && strcmp(v->checks.c[i].what, device) == 0)
			return true;
	return false;
}

void replay_e2e_waive(struct replay_known *k, struct replay_verdict *v)
{
	for (size_t i = 0; i < v->checks.n; i++) {
		struct replay_check *c = &v->checks.c[i];
		char key[4096 + 80];
		struct replay_known_entry *e;

		if (!c->is_device)
			continue;
		replay_fmt(key, sizeof(key), "%s@%s", v->vector, c->what);
		if ((e = replay_known_find(k, key))) {
			e->used = true;
			c->qside.waiver = e->reason;
		}
	}
	for (size_t i = 0; i < k->n; i++) {
		char vector[256];
		const char *device;

		if (!split_at(k->e[i].vector, vector, sizeof(vector), &device) ||
		    !names_vector(vector, v->vector) || has_device(v, device))
			continue;
		k->e[i].used = true;
		if (!v->e2e_stale++)
			replay_fmt(v->e2e_stale_first, sizeof(v->e2e_stale_first), "%s", device);
	}
}
