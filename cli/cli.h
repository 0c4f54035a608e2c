/* SPDX-License-Identifier: MIT */
/* cli.h -- subcommands of the teller command, one file each. Each takes
 * argv after the subcommand name and returns the process exit status. */
#ifndef CLI_H
#define CLI_H

#include "teller.h"

int cmd_count(int argc, char **argv);   /* cli/cmd_count.c */
int cmd_rctab(int argc, char **argv);   /* cli/cmd_rctab.c */
int cmd_profile(int argc, char **argv); /* cli/cmd_profile.c */
int cmd_merge(int argc, char **argv);   /* cli/cmd_profile.c */

/* Print "teller: FILE:LINE:COL: message" (or "teller: message") for the
 * context's error and return its exit status (cli/util.c). */
int cli_report_error(const teller_ctx *ctx);

/* Read a whole file (or "-" for stdin) into a malloc'd buffer. Returns 0,
 * or prints "teller: PATH: reason" and returns 1. */
int cli_slurp(const char *path, char **buf, size_t *len);

/* stdio writer callback for teller_report (ud is a FILE *). */
int cli_write_file(void *ud, const char *p, size_t n);

#endif
