/* A guest console as the replay reads it: the endpoint-ID and MSI kprobe lines, the
 * agent's DMT lines and framed blobs, QEMU's trace, and the Xen grant-DMA probe lines,
 * then the Xen verdict on whatever device tree blob the console carried, and the gcda
 * blobs of a coverage kernel (kcov_console.c). The console
 * comes from a guest the replay does not control, so none of it may crash the host. */
#include <stdlib.h>
#include <string.h>

#include "kcov.h"
#include "replay.h"
#include "vector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay_obs *o = calloc(1, sizeof(*o));
	struct replay_xen_obs *x = calloc(1, sizeof(*x));
	struct dmt_vector *v = calloc(1, sizeof(*v));
	struct replay_checks cs = { 0 };
	struct kcov_console *k = calloc(1, sizeof(*k));

	if (!o || !x || !v || !k)
		goto out;
	replay_parse_console((const char *)data, size, "fdt", o);
	replay_parse_trace((const char *)data, size, o);
	replay_xen_parse((const char *)data, size, x);
	if (o->blob_ok)
		replay_xen_compare(x, o->blob, o->blob_len, v, &cs);
	replay_checks_free(&cs);
	replay_obs_free(o);
	kcov_parse_console((const char *)data, size, k);
	kcov_console_free(k);
out:
	free(k);
	free(o);
	free(x);
	free(v);
	return 0;
}
