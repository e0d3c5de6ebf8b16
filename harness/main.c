/* dmatopo: the command-line front end. Subcommands live one per file (cmd_*.c). */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const struct dmt_cmd commands[] = {
	{ "decode", cmd_decode, "print every field of a VIOT, vtopo blob or DTB with its offset" },
	{ "lint", cmd_lint, "report findings with labels, severities, clauses and offsets" },
	{ "resolve", cmd_resolve, "which IOMMU and endpoint IDs a device gets" },
	{ "grant", cmd_grant, "Xen grant DMA: encode, decode, run op scripts, backend domid" },
	{ "encode", cmd_encode, "write a topology (the vector language) as VIOT, vtopo blob or DTB" },
	{ "vectors", cmd_vectors, "run golden vectors: KTAP on stdout, JUnit XML on request" },
	{ "replay", cmd_replay, "boot vectors in QEMU and compare the kernel's endpoint IDs with the reference" },
	{ "replay-fuzz", cmd_replay_fuzz, "generated topologies booted under the real kernel and judged like the replay" },
	{ "merge", cmd_merge, "one verdict over gate shards and kernels (their replay summaries)" },
	{ "corpus", cmd_corpus, "judge a corpus of device trees: lint, resolve both profiles, waivers, time bound" },
	{ "gcda", cmd_gcda, "write the kernel coverage (.gcda files) a gcov guest sent over its console" },
	{ "extract", cmd_extract, "find an ACPI table in a memory dump and write it out" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: dmatopo COMMAND [OPTIONS] ARGS...\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'dmatopo COMMAND --help' describes each; see also dmatopo(1).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return DMT_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1, stdout, stderr);
	fprintf(stderr, "dmatopo: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return DMT_EXIT_USAGE;
}
