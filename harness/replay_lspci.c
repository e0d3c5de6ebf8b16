/* The guest's own lspci dump against the replay: the agent sends `lspci -D -n -xxx`
 * of its guest as the blob "lspci"; it is saved as lspci.txt and resolved the way
 * `dmatopo resolve --lspci lspci.txt firmware.bin` does, and every device must get
 * the replay's reference answer (the same IDs, or the same reason for none). A
 * difference is a FAIL with both sides: the dump path and the agent's facts would
 * give the kernel's alias walk different inputs. */
#include "cli.h"
#include "lspci.h"
#include "replay.h"

#include <stdlib.h>
#include <string.h>

#define PATH_CHARS 4096

struct tally {
	size_t agree, differ;
	char first[REPLAY_DIAG];
};

static struct replay_check *lspci_check_add(struct replay_checks *cs, enum replay_status st)
{
	struct replay_check *c = replay_checks_add(cs);

	if (c) {
		c->status = st;
		replay_fmt(c->what, sizeof(c->what), "lspci");
	}
	return c;
}

/* "0x218 0x200 (via +52:00.0)" or "none reason=Label". */
static void side(char *out, size_t len, bool found, const uint32_t *ids, size_t n,
		 const char *reason, const uint16_t *al, size_t nal)
{
	size_t used;

	out[0] = '\0';
	if (!found)
		replay_fmt(out, len, "none reason=%s", reason);
	for (size_t i = 0; found && i < n; i++)
		replay_fmt(out + strlen(out), len - strlen(out), "%s0x%x", i ? " " : "", ids[i]);
	used = strlen(out);
	replay_fmt(out + used, len - used, " (aliases");
	for (size_t i = 0; i < nal; i++)
		replay_fmt(out + strlen(out), len - strlen(out), " +%02x:%02x.%x", al[i] >> 8,
			   (al[i] >> 3) & 0x1f, al[i] & 7);
	replay_fmt(out + strlen(out), len - strlen(out), "%s)", nal ? "" : " none");
}

static bool same_answer(const struct dmt_answer *a, const struct replay_check *c)
{
	if (a->found != (c->ref_reason[0] == '\0'))
		return false;
	if (!a->found)
		return strcmp(dmt_label_name(a->reason), c->ref_reason) == 0;
	return a->nids == c->nref && memcmp(a->ids, c->ref, a->nids * sizeof(a->ids[0])) == 0;
}

static void differ(struct tally *t, const char *what, const char *dump, const char *replay)
{
	if (!t->differ++)
		replay_fmt(t->first, sizeof(t->first), "device %s: lspci dump %s; replay reference %s",
			   what, dump, replay);
}

/* One device the replay judged, resolved again from the dump. */
static void one_device(const struct dmt_lspci_set *s, bool *seen, const struct dmt_topo *t,
		       const struct replay_check *c, struct tally *tl)
{
	char dump[200], replay[200];
	struct dmt_device d;
	struct dmt_answer a;
	long i;

	side(replay, sizeof(replay), c->ref_reason[0] == '\0', c->ref, c->nref, c->ref_reason,
	     c->aliases, c->naliases);
	if (dmt_device_parse(c->what, &d) || (i = dmt_lspci_index(s, d.segment, d.rid)) < 0) {
		differ(tl, c->what, "has no such device", replay);
		return;
	}
	seen[i] = true;
	dmt_lspci_device(s, (size_t)i, &d);
	memset(&a, 0, sizeof(a));
	if (dmt_resolve(t, DMT_PROFILE_LINUX, &d, &a, NULL)) {
		differ(tl, c->what, "could not be resolved", replay);
		return;
	}
	side(dump, sizeof(dump), a.found, a.ids, a.nids, dmt_label_name(a.reason), d.aliases,
	     d.naliases);
	if (same_answer(&a, c) && d.naliases == c->naliases &&
	    memcmp(d.aliases, c->aliases, d.naliases * sizeof(d.aliases[0])) == 0)
		tl->agree++;
	else
		differ(tl, c->what, dump, replay);
}

static void compare_all(const struct dmt_lspci_set *s, const struct dmt_topo *t,
			struct replay_checks *cs, struct tally *tl)
{
	bool *seen = calloc(s->n ? s->n : 1, sizeof(*seen));
	char name[24];

	if (!seen)
		return;
	for (size_t k = 0; k < cs->n; k++)
		if (cs->c[k].is_device)
			one_device(s, seen, t, &cs->c[k], tl);
	for (size_t i = 0; i < s->n; i++) {
		if (seen[i])
			continue;
		replay_fmt(name, sizeof(name), "%04x:%02x:%02x.%x", s->fn[i].segment,
			   s->fn[i].rid >> 8, (s->fn[i].rid >> 3) & 0x1f, s->fn[i].rid & 7);
		differ(tl, name, "lists it", "has no such device (the agent did not list it)");
	}
	free(seen);
}

/* The blob from the console, saved as lspci.txt; 0, or -1 with an ERROR check. */
static int fetch_dump(const char *dir, struct replay_obs *lo, struct replay_checks *cs)
{
	char path[PATH_CHARS];
	uint8_t *text = NULL;
	size_t len = 0;
	FILE *quiet = fopen("/dev/null", "w");
	struct replay_check *c;
	int rc;

	replay_fmt(path, sizeof(path), "%s/console.log", dir);
	rc = dmt_read_file(path, &text, &len, quiet ? quiet : stderr);
	replay_parse_console(rc ? "" : (const char *)text, rc ? 0 : len, "lspci", lo);
	free(text);
	if (lo->blob_ok) {
		replay_fmt(path, sizeof(path), "%s/lspci.txt", dir);
		dmt_write_file(path, lo->blob, lo->blob_len, quiet ? quiet : stderr);
	} else if ((c = lspci_check_add(cs, REPLAY_ERROR))) {
		replay_fmt(c->diag, sizeof(c->diag), "the guest's lspci dump: %s", lo->blob_problem);
	}
	if (quiet)
		fclose(quiet);
	return lo->blob_ok ? 0 : -1;
}

void replay_lspci_check(const char *dir, const struct dmt_topo *t, struct replay_checks *cs)
{
	struct replay_obs *lo = calloc(1, sizeof(*lo));
	struct dmt_lspci_set s;
	struct dmt_findings f;
	struct tally tl = { 0 };
	struct replay_check *c;
	char why[256];

	if (!lo || fetch_dump(dir, lo, cs)) {
		if (lo)
			replay_obs_free(lo);
		free(lo);
		return;
	}
	dmt_findings_init(&f);
	if (dmt_lspci_read(lo->blob, lo->blob_len, &s, &f, why, sizeof(why))) {
		if ((c = lspci_check_add(cs, REPLAY_ERROR)))
			replay_fmt(c->diag, sizeof(c->diag), "%s/lspci.txt is not a usable dump: %s%s%s",
				   dir, f.count ? dmt_label_name(f.items[0].label) : why,
				   f.count ? " " : "", f.count ? f.items[0].msg : "");
	} else {
		compare_all(&s, t, cs, &tl);
		c = lspci_check_add(cs, tl.differ ? REPLAY_FAIL : REPLAY_PASS);
		if (c && tl.differ)
			replay_fmt(c->diag, sizeof(c->diag), "%zu of %zu devices differ; first: %s",
				   tl.differ, tl.agree + tl.differ, tl.first);
		else if (c)
			replay_fmt(c->diag, sizeof(c->diag),
				   "%zu devices: resolving the guest's lspci.txt gives the replay's reference answer for each",
				   tl.agree);
		dmt_lspci_set_free(&s);
	}
	dmt_findings_free(&f);
	replay_obs_free(lo);
	free(lo);
}
