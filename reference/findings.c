#include "findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct dmt_label_info label_table[DMT_L_COUNT] = {
	[DMT_L_NONE] = { "None", DMT_SEV_INFO, "", "no finding" },
#define DMT_LABEL(n, sev, clause, summary) [DMT_L_##n] = { #n, DMT_SEV_##sev, clause, summary },
#include "labels/all.def"
#undef DMT_LABEL
};

const struct dmt_label_info *dmt_label_info(enum dmt_label l)
{
	if ((unsigned)l >= DMT_L_COUNT)
		return &label_table[DMT_L_NONE];
	return &label_table[l];
}

const char *dmt_label_name(enum dmt_label l)
{
	return dmt_label_info(l)->name;
}

enum dmt_label dmt_label_lookup(const char *name)
{
	for (unsigned i = 1; name && i < DMT_L_COUNT; i++)
		if (strcmp(label_table[i].name, name) == 0)
			return (enum dmt_label)i;
	return DMT_L_NONE;
}

const char *dmt_severity_name(enum dmt_severity s)
{
	switch (s) {
	case DMT_SEV_ERROR: return "error";
	case DMT_SEV_WARNING: return "warning";
	default: return "info";
	}
}

void dmt_findings_init(struct dmt_findings *f)
{
	memset(f, 0, sizeof(*f));
}

void dmt_findings_free(struct dmt_findings *f)
{
	free(f->items);
	dmt_findings_init(f);
}

static struct dmt_finding *findings_slot(struct dmt_findings *f)
{
	if (f->count == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 16;
		struct dmt_finding *n;

		if (f->cap >= DMT_FINDINGS_MAX)
			return NULL;
		if (ncap > DMT_FINDINGS_MAX)
			ncap = DMT_FINDINGS_MAX;
		n = realloc(f->items, ncap * sizeof(*n));
		if (!n)
			return NULL;
		f->items = n;
		f->cap = ncap;
	}
	return &f->items[f->count++];
}

void dmt_vreport(struct dmt_findings *f, enum dmt_label l, uint64_t offset,
		 const char *fmt, va_list ap)
{
	struct dmt_finding *s;

	if (!f)
		return;
	f->by_severity[dmt_label_info(l)->severity]++;
	s = findings_slot(f);
	if (!s) {
		f->dropped++;
		return;
	}
	s->label = l;
	s->offset = offset;
	vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
}

void dmt_report(struct dmt_findings *f, enum dmt_label l, uint64_t offset,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dmt_vreport(f, l, offset, fmt, ap);
	va_end(ap);
}

size_t dmt_findings_errors(const struct dmt_findings *f)
{
	return f ? f->by_severity[DMT_SEV_ERROR] : 0;
}

int dmt_findings_has(const struct dmt_findings *f, enum dmt_label l)
{
	for (size_t i = 0; f && i < f->count; i++)
		if (f->items[i].label == l)
			return 1;
	return 0;
}
