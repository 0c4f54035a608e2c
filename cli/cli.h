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
int cmd_canon(int argc, char **argv);   /* cli/cmd_canon.c */
int cmd_verify(int argc, char **argv);  /* cli/cmd_verify.c */
int cmd_margin(int argc, char **argv);  /* cli/cmd_margin.c */
int cmd_raire(int argc, char **argv);   /* cli/cmd_raire.c */
int cmd_methods(int argc, char **argv); /* cli/cmd_methods.c */
int cmd_compare(int argc, char **argv); /* cli/cmd_compare.c */
int cmd_trace(int argc, char **argv);   /* cli/cmd_trace.c */
/* teller trace --pattern N | --ranking R (cli/cmd_trace_pattern.c) */
int cmd_trace_pattern(int argc, char **argv);
int cmd_ties(int argc, char **argv);    /* cli/cmd_ties.c */

/* Print "teller: FILE:LINE:COL: message" (or "teller: message") for the
 * context's error and return its exit status (cli/util.c). */
int cli_report_error(const teller_ctx *ctx);

/* Read a whole file (or "-" for stdin) into a malloc'd buffer. Returns 0,
 * or prints "teller: PATH: reason" and returns 1. */
int cli_slurp(const char *path, char **buf, size_t *len);

/*
 * One input as the library reads it: a regular non-empty file is mapped
 * read-only (so its pages can be dropped as they are consumed); stdin,
 * pipes and empty files are read into memory (cli_slurp).
 */
struct cli_input {
	const char *buf; /* the bytes: len of them */
	size_t len;
	char *mem;       /* the malloc'd buffer, or NULL if mapped */
	char *map;       /* the mapping (len bytes), or NULL */
	size_t page;     /* page size, for cli_release */
};

/* Load path into *in. Returns 0, or prints "teller: PATH: reason" and
 * returns 1 (*in is then empty and cli_unload is a no-op). */
int cli_load(const char *path, struct cli_input *in);

/* Unmap or free what cli_load made. */
void cli_unload(struct cli_input *in);

/* teller_release_fn for teller_ctx_set_release, ud the struct cli_input:
 * drops the pages wholly inside [p, p + n) of a mapping (MADV_DONTNEED);
 * nothing for memory input or pointers outside the mapping. Lock-free,
 * safe from several threads at once. */
void cli_release(void *ud, const char *p, size_t n);

/* SHA-256 of the input as 64 hex digits (out[64] = NUL); "" if libcrypto
 * fails. A mapping is hashed 4 MiB at a time, each piece's pages dropped
 * behind it, so hashing never makes the whole file resident. */
void cli_sha256_hex(const struct cli_input *in, char out[65]);

/* The input callbacks over the file system (cli/files.c): regular files
 * mapped, their pages dropped as released (cli_release), folders listed.
 * For teller_ctx_set_input. */
extern const teller_input cli_files;

/* Set in a thread whose errors another reports: cli_report_error and
 * the readers' "out of memory" then print nothing. */
extern _Thread_local int cli_quiet;

/* The allocator of `teller rctab` (teller_ctx_new): libc's, but a
 * block of 4 MiB and more asked fresh (an inflated xlsx sheet) is an
 * anonymous mapping of its own in 2 MiB pages where the kernel allows,
 * so that first touching it costs a few page faults, not one per 4 KiB
 * (dear in a virtual machine: issue 17). Thread-safe. */
extern const teller_alloc cli_alloc;

/* stdio writer callback for teller_report (ud is a FILE *). */
int cli_write_file(void *ud, const char *p, size_t n);

/* A file written through cli_hfile_write (a teller_write_fn, ud the
 * handle) and hashed (SHA-256) on the way, so its hash needs no second
 * read. open: NULL with errno set; close: 0 and hex, or 1 when a write,
 * the close or the hash failed (hex ""). */
struct cli_hfile;
struct cli_hfile *cli_hfile_open(const char *path);
int cli_hfile_write(void *ud, const char *p, size_t n);
int cli_hfile_close(struct cli_hfile *h, char hex[65]);

#endif
