/* Grant op scripts: any text through the script runner; the runner itself checks
 * every invariant after each operation and reports breakage as a finding, which
 * is a bug here, so it aborts. */
#include <stdio.h>
#include <stdlib.h>

#include "grant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmt_gnt_config c;
	struct dmt_gnt_script_stats st = { 0 };
	struct dmt_findings f;
	struct dmt_gnt g;

	dmt_gnt_default_config(&c);
	if (dmt_gnt_init(&g, &c) != DMT_GNT_OK)
		return 0;
	dmt_findings_init(&f);
	dmt_gnt_script_run(data, size, &g, NULL, NULL, &f, &st);
	if (st.invariant_failures) {
		fprintf(stderr, "grant: %zu invariant failure(s)\n", st.invariant_failures);
		abort();
	}
	dmt_findings_free(&f);
	dmt_gnt_free_all(&g);
	return 0;
}
