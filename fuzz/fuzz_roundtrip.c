/* Differential: encode -> decode -> encode is the identity. For VIOT and vtopo the
 * bytes must come back exactly; a DTB decodes to a model in device-tree terms (no
 * longer the abstract one), so there the second and third generations must resolve
 * every probe identically (trivially so when the first two have the same bytes).
 * A mismatch aborts like a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "fuzz_model.h"
#include "fuzz_probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode_or_die(const uint8_t *buf, size_t len, enum dmt_format fmt, const struct dmt_topo *m,
			  struct dmt_topo *out)
{
	struct dmt_decode_opts o = { .format = fmt, .vtopo_version = 2, .vtopo_iommu_known = true,
				     .vtopo_iommu_segment = m->iommus[0].segment,
				     .vtopo_iommu_bdf = m->iommus[0].bdf };

	if (dmt_decode(buf, len, &o, out, NULL)) {
		fprintf(stderr, "roundtrip: our own %s encoding did not decode\n", dmt_format_name(fmt));
		abort();
	}
}

static void same_answers_or_die(const struct dmt_topo *a, const struct dmt_topo *b)
{
	static struct dmt_device probes[FUZZ_MAX_PROBES];
	size_t n = probes_from_topo(a, probes);

	for (size_t i = 0; i < n; i++) {
		for (int p = 0; p < DMT_PROFILE_COUNT; p++) {
			struct dmt_answer x, y;

			dmt_resolve(a, (enum dmt_profile)p, &probes[i], &x, NULL);
			dmt_resolve(b, (enum dmt_profile)p, &probes[i], &y, NULL);
			if (x.found != y.found || x.nids != y.nids ||
			    memcmp(x.ids, y.ids, x.nids * sizeof(x.ids[0])) ||
			    (!x.found && x.reason != y.reason)) {
				fprintf(stderr, "roundtrip: DTB generations disagree on probe %zu\n", i);
				abort();
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dmt_format fmts[] = { DMT_FMT_VIOT, DMT_FMT_VTOPO, DMT_FMT_DTB };
	struct fuzz_bytes b = { data, size, 0 };
	enum dmt_format fmt = fmts[fb_take(&b, 1) % 3];
	struct dmt_encode_opts eo = { .vtopo_version = 2 };
	struct dmt_topo m, d1, d2;
	uint8_t *b1 = NULL, *b2 = NULL, *b3 = NULL;
	size_t l1, l2, l3;

	if (fuzz_build_model(&b, &m, fmt != DMT_FMT_VTOPO))
		abort();
	dmt_topo_init(&d1);
	dmt_topo_init(&d2);
	if (dmt_encode(&m, fmt, &eo, &b1, &l1, NULL, 0))
		goto out;	/* not expressible in this encoding */
	decode_or_die(b1, l1, fmt, &m, &d1);
	if (dmt_encode(&d1, fmt, &eo, &b2, &l2, NULL, 0)) {
		fprintf(stderr, "roundtrip: a decoded %s model could not be re-encoded\n", dmt_format_name(fmt));
		abort();
	}
	if (fmt != DMT_FMT_DTB) {
		if (l1 != l2 || memcmp(b1, b2, l1)) {
			fprintf(stderr, "roundtrip: %s bytes changed after decode+encode\n", dmt_format_name(fmt));
			abort();
		}
	} else if (l1 == l2 && !memcmp(b1, b2, l1)) {
		/* Generation 2 has generation 1's bytes, so decoding it again gives d1
		 * and generation 3 would agree by construction: only d1's probes are
		 * resolved (the resolver still runs; decode, encode and the resolves
		 * are deterministic). Most DTB inputs land here, at half the cost. */
		resolve_probes(&d1);
	} else {
		decode_or_die(b2, l2, fmt, &m, &d2);
		same_answers_or_die(&d1, &d2);
		if (dmt_encode(&d2, fmt, &eo, &b3, &l3, NULL, 0) || l3 != l2 || memcmp(b2, b3, l2)) {
			fprintf(stderr, "roundtrip: DTB bytes changed between generations 2 and 3\n");
			abort();
		}
	}
out:
	free(b1);
	free(b2);
	free(b3);
	dmt_topo_free(&m);
	dmt_topo_free(&d1);
	dmt_topo_free(&d2);
	return 0;
}
