/* PLACEHOLDER until the replay lands. */
#include "cli.h"
int cmd_replay(int argc, char **argv, FILE *out, FILE *err)
{ (void)argc; (void)argv; (void)out; fprintf(err, "dmatopo replay: not built yet\n"); return DMT_EXIT_USAGE; }
