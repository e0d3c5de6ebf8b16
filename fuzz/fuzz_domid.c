/* Seed 002's domid encodings: byte 0 picks the encoding, the rest is one
 * function's config space (or a virtio-iommu config). Decode, look up every
 * requester ID, and for a backend map write it out and read it back: the same
 * map must come back, and every RID must get the same answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xen_domid_enc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const struct dmt_xd_enc *e)
{
	struct dmt_findings f;
	struct dmt_xd_enc back;
	uint8_t *buf;
	size_t n;

	dmt_findings_init(&f);
	if (dmt_xd_encode(e->kind, e, 0, &buf, &n, &f))
		abort();
	if (dmt_xd_decode(e->kind, buf, n, &back, &f) || back.n != e->n || back.mask != e->mask ||
	    memcmp(back.e, e->e, e->n * sizeof(e->e[0]))) {
		fprintf(stderr, "domid: %s map did not survive encode/decode\n", dmt_xd_kind_name(e->kind));
		abort();
	}
	for (uint32_t rid = 0; rid <= 0xffff; rid += 0x101) {
		uint16_t a = 0, b = 0;
		enum dmt_label ra, rb;

		if (dmt_xd_lookup(e, (uint16_t)rid, &a, &ra) != dmt_xd_lookup(&back, (uint16_t)rid, &b, &rb) || a != b)
			abort();
	}
	free(buf);
	dmt_findings_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmt_findings f;
	struct dmt_xd_enc e;
	enum dmt_xd_kind k;
	enum dmt_label why;
	uint16_t domid;

	if (size < 1)
		return 0;
	k = (enum dmt_xd_kind)(data[0] % DMT_XD_COUNT);
	dmt_findings_init(&f);
	if (dmt_xd_decode(k, data + 1, size - 1, &e, &f) == 0) {
		for (uint32_t rid = 0; rid <= 0xffff; rid += 0x3f)
			(void)dmt_xd_lookup(&e, (uint16_t)rid, &domid, &why);
		if (e.found && (k == DMT_XD_HOST_BRIDGE || k == DMT_XD_DUMMY_DEV))
			roundtrip(&e);
	}
	dmt_findings_free(&f);
	return 0;
}
