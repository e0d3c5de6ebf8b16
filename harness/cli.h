/* Shared pieces of the dmatopo subcommands. Every subcommand takes its argv
 * (argv[0] is the subcommand name) and the two streams, so tests can run it
 * in-process and read what it printed. */
#ifndef DMT_CLI_H
#define DMT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dmatopo.h"

enum { DMT_EXIT_OK = 0, DMT_EXIT_FINDINGS = 1, DMT_EXIT_USAGE = 2 };

typedef int (*dmt_cmd_fn)(int argc, char **argv, FILE *out, FILE *err);

struct dmt_cmd {
	const char *name;
	dmt_cmd_fn fn;
	const char *summary;
};

int cmd_decode(int argc, char **argv, FILE *out, FILE *err);
int cmd_lint(int argc, char **argv, FILE *out, FILE *err);
int cmd_resolve(int argc, char **argv, FILE *out, FILE *err);
int cmd_grant(int argc, char **argv, FILE *out, FILE *err);
/* `grant domid-enc`: harness/cmd_domid_enc.c */
int dmt_cmd_grant_domid_enc(int argc, char **argv, FILE *out, FILE *err);
int cmd_extract(int argc, char **argv, FILE *out, FILE *err);
int cmd_encode(int argc, char **argv, FILE *out, FILE *err);
int cmd_vectors(int argc, char **argv, FILE *out, FILE *err);
int cmd_replay(int argc, char **argv, FILE *out, FILE *err);
int cmd_corpus(int argc, char **argv, FILE *out, FILE *err);
int cmd_merge(int argc, char **argv, FILE *out, FILE *err);
int cmd_replay_fuzz(int argc, char **argv, FILE *out, FILE *err);
int cmd_gcda(int argc, char **argv, FILE *out, FILE *err);

struct dmt_vector;
/* Read and parse a vector (strict: cite and expect required) or a topology file;
 * syntax errors are said on err with file and line. 0 or -1. */
int dmt_load_vector(const char *path, struct dmt_vector *v, FILE *err);
int dmt_load_topology(const char *path, struct dmt_vector *v, FILE *err);
int dmt_write_file(const char *path, const uint8_t *buf, size_t len, FILE *err);
/* mkdir -p (harness/cmd_replay.c): 0, or -1 with errno set. */
int dmt_mkdir_p(const char *path);

/* Read a whole file (at most DMT_INPUT_MAX + 1 bytes, so oversize is detectable).
 * Returns 0, or -1 with a message on err. *buf is malloc'd. */
int dmt_read_file(const char *path, uint8_t **buf, size_t *len, FILE *err);

/* Print a DTB the way `decode` prints tables: nodes, properties and decoded maps. */
void dmt_print_dt(FILE *out, const uint8_t *buf, size_t len);

/* Print each field of one noted structure with its absolute offset. */
void dmt_print_struct(FILE *out, const struct dmt_struct_ref *r, const uint8_t *buf,
		      size_t len);

/* Print one finding as `SEVERITY Label @0xOFFSET: message [clause]`. */
void dmt_print_finding(FILE *out, const struct dmt_finding *fi);

/* Options shared by decode, lint and resolve. */
struct dmt_input_opts {
	struct dmt_decode_opts decode;
	enum dmt_profile profile;
};

/* If argv[*i] is a shared option, consume it (and its value) and return 1; 0 when
 * it is not one; -1 with a message on a bad value. */
int dmt_input_opt(struct dmt_input_opts *io, int argc, char **argv, int *i, FILE *err);

/* A decoded input file. */
struct dmt_loaded {
	uint8_t *buf;
	size_t len;
	bool decoded;		/* dmt_decode returned 0 */
	struct dmt_topo topo;
	struct dmt_findings findings;
};

/* Read and decode; -1 only on I/O errors (decode problems are findings). */
int dmt_load(const char *path, const struct dmt_input_opts *io, struct dmt_loaded *l, FILE *err);
void dmt_unload(struct dmt_loaded *l);

void dmt_print_json_string(FILE *out, const char *s);
/* s with XML's five special characters escaped and control characters dropped. */
void dmt_xml_escaped(FILE *out, const char *s);
bool dmt_is_help(const char *arg);
/* The file name of path without its directories and without ext (".vec", ".dtb")
 * when it ends so: "vectors/replay/x86/q35-bare.vec" -> "q35-bare". */
void dmt_file_stem(const char *path, const char *ext, char *out, size_t outlen);

/* The arguments of a subcommand that reads one input: shared options and FILE.
 * Returns -1 to go on with *path set, or the exit status to return (help
 * printed: 0; a usage error said on err: 2). argv[0] names the subcommand. */
int dmt_file_args(int argc, char **argv, struct dmt_input_opts *io, const char **path,
		  void (*help)(FILE *), FILE *out, FILE *err);

#endif
