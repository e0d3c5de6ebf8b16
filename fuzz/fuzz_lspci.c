/* lspci -x text: the check (reference/lspci_check.c) on any bytes, and on every text
 * it accepts, libpci's dump method and the alias walk of every device. The check
 * promises that libpci never fails on what it accepts: a refusal there aborts. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "lspci.h"
#include "lspci_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmt_findings f;
	struct dmt_lspci chk;
	struct dmt_lspci_set s;
	struct dmt_device d;
	char why[256];
	int accepted;

	dmt_findings_init(&f);
	accepted = dmt_lspci_check(data, size, &chk, &f) == 0;
	dmt_lspci_free(&chk);
	if (accepted && dmt_lspci_read(data, size, &s, &f, why, sizeof(why))) {
		fprintf(stderr, "fuzz_lspci: checked text refused: %s\n", why);
		abort();
	}
	for (size_t i = 0; accepted && i < s.n; i++)
		dmt_lspci_device(&s, i, &d);
	if (accepted)
		dmt_lspci_set_free(&s);
	dmt_findings_free(&f);
	return 0;
}
