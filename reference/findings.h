/* Findings: one per problem, FWTS style. A label is a stable CamelCase name that
 * scripts and vectors match on; its severity and the clause it rests on are fixed
 * in the label tables (reference/labels/, one file per area), never chosen at the report site. */
#ifndef DMT_FINDINGS_H
#define DMT_FINDINGS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum dmt_severity { DMT_SEV_INFO, DMT_SEV_WARNING, DMT_SEV_ERROR };

/* Every label of every area, from the per-area tables. */
enum dmt_label {
	DMT_L_NONE = 0,
#define DMT_LABEL(name, sev, clause, summary) DMT_L_##name,
#include "labels/all.def"
#undef DMT_LABEL
	DMT_L_COUNT
};

struct dmt_label_info {
	const char *name;
	enum dmt_severity severity;
	const char *clause;	/* spec clause, binding or kernel source it rests on */
	const char *summary;	/* one line: what the label means */
};

#define DMT_NO_OFFSET UINT64_MAX
#define DMT_MSG_MAX 192

struct dmt_finding {
	enum dmt_label label;
	uint64_t offset;	/* byte offset in the input, or DMT_NO_OFFSET */
	char msg[DMT_MSG_MAX];
};

/* A bounded list: past DMT_FINDINGS_MAX the rest are counted in `dropped` so that a
 * hostile table with a million bad nodes cannot make us allocate without limit. */
#define DMT_FINDINGS_MAX 4096

struct dmt_findings {
	struct dmt_finding *items;
	size_t count, cap;
	size_t dropped;
	size_t by_severity[3];	/* including dropped ones */
};

const struct dmt_label_info *dmt_label_info(enum dmt_label l);
const char *dmt_label_name(enum dmt_label l);
/* DMT_L_NONE when the name is unknown. */
enum dmt_label dmt_label_lookup(const char *name);
const char *dmt_severity_name(enum dmt_severity s);

void dmt_findings_init(struct dmt_findings *f);
void dmt_findings_free(struct dmt_findings *f);
/* f may be NULL: callers that only want the model pass no findings list. */
void dmt_report(struct dmt_findings *f, enum dmt_label l, uint64_t offset,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void dmt_vreport(struct dmt_findings *f, enum dmt_label l, uint64_t offset,
		 const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
size_t dmt_findings_errors(const struct dmt_findings *f);
/* True when a finding with this label was recorded (dropped ones excluded). */
int dmt_findings_has(const struct dmt_findings *f, enum dmt_label l);

#endif
