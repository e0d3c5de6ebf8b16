/* replay-fuzz without QEMU: cases follow from their seed and number, every generated
 * case is a vector the reference itself passes (its expectations are the reference's
 * answers), shrink steps only ever remove or simplify, and signatures name the kind
 * of disagreement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"
#include "replay_fuzz.h"
#include "vector.h"

static void count_failures(const struct dmt_result *r, void *ctx)
{
	if (!r->ok) {
		(*(size_t *)ctx)++;
		print_message("  %s: %s\n", r->what, r->diag);
	}
}

static void test_same_seed_same_case(void **state)
{
	struct fz_case a, b;

	(void)state;
	for (uint64_t i = 0; i < 50; i++) {
		fz_generate(42, i, i % 2 ? REPLAY_X86_64 : REPLAY_ARM64, &a);
		fz_generate(42, i, i % 2 ? REPLAY_X86_64 : REPLAY_ARM64, &b);
		assert_memory_equal(&a, &b, sizeof(a));
	}
	fz_generate(42, 1, REPLAY_ARM64, &a);
	fz_generate(43, 1, REPLAY_ARM64, &b);
	assert_memory_not_equal(&a, &b, sizeof(a));
}

/* Every case of a few hundred is a vector that parses and that the reference passes. */
static void test_cases_are_vectors(void **state)
{
	char *text = malloc(FZ_TEXT_MAX), why[256];
	size_t failures = 0, cut = 0, patched = 0;

	(void)state;
	assert_non_null(text);
	for (uint64_t i = 0; i < 400; i++) {
		struct dmt_vector *v = calloc(1, sizeof(*v));
		struct dmt_lang_error e;
		struct fz_case c;

		assert_non_null(v);
		fz_generate(7, i, i % 2 ? REPLAY_X86_64 : REPLAY_ARM64, &c);
		cut += c.cut_bytes != 0;
		patched += c.npatch != 0;
		if (fz_vector_text(&c, "# a note", text, FZ_TEXT_MAX, why, sizeof(why)))
			fail_msg("case %llu: %s", (unsigned long long)i, why);
		if (dmt_vector_parse(text, strlen(text), v, &e))
			fail_msg("case %llu does not parse: line %u: %s\n%s", (unsigned long long)i, e.line,
				 e.msg, text);
		dmt_vector_run(v, DMT_ACTIVE(DMT_PROFILE_LINUX), count_failures, &failures, NULL);
		dmt_vector_free(v);
		free(v);
	}
	assert_int_equal(failures, 0);
	/* the malformations happen */
	assert_true(cut > 0);
	assert_true(patched > 0);
	free(text);
}

/* A corpus file's topology: its iommu-map bytes on arm64, its VIOT on x86_64; the case
 * is still a vector the reference passes. */
static void test_donate(void **state)
{
	static const char dt_text[] =
		"dt-iommu smmu /smmu cells 1\n"
		"bridge /pci@40000000 domain 0\n"
		"iommu-map 0x10 smmu 0x1000 0x8\n"
		"iommu-map-mask 0xfff8\n";
	static const char viot_text[] =
		"viommu v pci 0000:00:02.0\n"
		"range v bdf 00:00.0..00:1f.7 ep 0\n";
	char *text = malloc(FZ_TEXT_MAX), why[256];
	struct fz_case c;
	size_t failures = 0;

	(void)state;
	assert_non_null(text);
	for (int arch = 0; arch < 2; arch++) {
		struct dmt_vector *v = calloc(1, sizeof(*v));
		struct dmt_lang_error e;

		assert_non_null(v);
		fz_generate(5, 2, arch ? REPLAY_X86_64 : REPLAY_ARM64, &c);
		assert_int_equal(fz_donate(&c, (const uint8_t *)(arch ? viot_text : dt_text),
					   strlen(arch ? viot_text : dt_text), "seed.vec"), 0);
		assert_true(c.ndonor > 0);
		if (!arch)
			assert_true(c.has_mask && c.mask == 0xfff8);
		assert_int_equal(fz_vector_text(&c, NULL, text, FZ_TEXT_MAX, why, sizeof(why)), 0);
		assert_non_null(strstr(text, arch ? "raw viot" : "raw dtb"));
		assert_non_null(strstr(text, "corpus file seed.vec"));
		assert_int_equal(dmt_vector_parse(text, strlen(text), v, &e), 0);
		dmt_vector_run(v, DMT_ACTIVE(DMT_PROFILE_LINUX), count_failures, &failures, NULL);
		dmt_vector_free(v);
		free(v);
	}
	assert_int_equal(failures, 0);
	/* nothing usable: the case stays as it was */
	fz_generate(5, 2, REPLAY_ARM64, &c);
	assert_int_equal(fz_donate(&c, (const uint8_t *)"not a topology at all", 21, "x"), -1);
	assert_int_equal(c.ndonor, 0);
	free(text);
}

/* Corpus DTBs that are malformed on purpose (libfdt loops or walks past the end on
 * them) are refused, in bounded time, not walked: replay-fuzz once hung on these. */
static void test_donate_malformed_dtb(void **state)
{
	static const char *const files[] = {
		"vectors/regress/dt-libfdt-check-full-loop.vec",
		"vectors/regress/dt-struct-walk-ends.vec",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct dmt_vector *v = calloc(1, sizeof(*v));
		uint8_t *dtb = NULL;
		size_t n = 0;
		char why[128];
		struct fz_case c;
		FILE *quiet = fopen("/dev/null", "w");

		assert_non_null(v);
		if (dmt_load_vector(files[i], v, quiet ? quiet : stderr))
			fail_msg("cannot load %s (run from the repository root)", files[i]);
		if (quiet)
			fclose(quiet);
		assert_int_equal(dmt_vector_input(v, DMT_FMT_DTB, &dtb, &n, why, sizeof(why)), 0);
		fz_generate(1, 2, REPLAY_ARM64, &c);
		assert_int_equal(fz_donate(&c, dtb, n, files[i]), -1);
		free(dtb);
		dmt_vector_free(v);
		free(v);
	}
}

static void test_shrink_steps_make_smaller(void **state)
{
	struct fz_case c, s;
	unsigned steps = 0;

	(void)state;
	fz_generate(9, 3, REPLAY_ARM64, &c);
	c.nmap = 2;
	c.has_mask = true;
	while (fz_shrink_step(&c, steps, &s)) {
		size_t before = c.nmap + c.nmsi + c.ndevs + c.has_mask + c.has_msi_mask + (c.cut_bytes != 0);
		size_t after = s.nmap + s.nmsi + s.ndevs + s.has_mask + s.has_msi_mask + (s.cut_bytes != 0);

		assert_true(after <= before);
		assert_true(memcmp(&c, &s, sizeof(c)) != 0);	/* every step changes something */
		steps++;
		assert_true(steps < 100);
	}
	assert_true(steps >= 3);	/* two entries and the mask at least */
}

static void test_signature(void **state)
{
	struct replay_verdict *v = calloc(1, sizeof(*v));
	struct replay_check *c;
	char sig[128];

	(void)state;
	assert_non_null(v);
	snprintf(v->arch, sizeof(v->arch), "arm64");
	fz_signature(v, sig, sizeof(sig));
	assert_string_equal(sig, "");
	c = replay_checks_add(&v->checks);
	c->status = REPLAY_FAIL;
	c->is_device = true;
	c->nkernel = 1;
	c->nref = 0;
	snprintf(c->ref_reason, sizeof(c->ref_reason), "NoTranslation");
	c = replay_checks_add(&v->checks);
	c->status = REPLAY_FAIL;
	snprintf(c->what, sizeof(c->what), "msi 0000:00:02.0");
	c = replay_checks_add(&v->checks);
	c->status = REPLAY_PASS;
	c->is_device = true;
	fz_signature(v, sig, sizeof(sig));
	assert_string_equal(sig, "arm64|ids!=none:NoTranslation|msi");
	/* a device left without IDs because the table's IOMMU is not on the machine */
	c = replay_checks_add(&v->checks);
	c->status = REPLAY_FAIL;
	c->is_device = true;
	c->nref = 1;
	snprintf(c->note, sizeof(c->note), "%s", REPLAY_NOTE_IOMMU_MISSING);
	fz_signature(v, sig, sizeof(sig));
	assert_string_equal(sig, "arm64|ids!=none:NoTranslation|msi|none!=ids:iommu-not-on-machine");
	replay_checks_free(&v->checks);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_case),
		cmocka_unit_test(test_cases_are_vectors),
		cmocka_unit_test(test_donate),
		cmocka_unit_test(test_donate_malformed_dtb),
		cmocka_unit_test(test_shrink_steps_make_smaller),
		cmocka_unit_test(test_signature),
	};

	return cmocka_run_group_tests_name("replay_fuzz", tests, NULL, NULL);
}
