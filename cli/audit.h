/* SPDX-License-Identifier: MIT */
/*
 * audit.h -- what `teller count`, `canon` and `verify` share (cli/audit.c):
 * reading and merging the inputs with their hashes, paths relative to a
 * manifest's folder, sha256sum sidecars; and a small JSON reader for
 * manifests (cli/mjson.c).
 */
#ifndef AUDIT_H
#define AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "mjson.h"
#include "teller.h"

/* What a manifest records of one input. */
struct cli_in_info {
	char sha256[65];          /* hex; "" if not taken */
	unsigned long long bytes;
	const char *format;       /* format name read with (static) */
};

/*
 * Read paths[0..n) (fmts[i] each, or fmt for all when fmts is NULL) and
 * merge them into *c, *p. With info, hash each input into info[i].
 * Returns an exit status (0, or 1/3 after printing the error).
 */
int cli_read_inputs(teller_ctx *ctx, const int *fmts, int fmt,
    char *const *paths, int n, struct cli_in_info *info, teller_contest **c,
    teller_profile **p);

/* Called on each input as read (fmt: the format asked for, else the one
 * detected), before it is merged; returns 0 or an exit status (after
 * printing the error). */
typedef int (*cli_fix_fn)(void *ud, teller_ctx *ctx, const char *path,
    int fmt, teller_contest *c, teller_profile *p);
/* cli_read_inputs with fix(ud, ...) on each input (NULL: none). */
int cli_read_inputs_fix(teller_ctx *ctx, const int *fmts, int fmt,
    char *const *paths, int n, struct cli_in_info *info, cli_fix_fn fix,
    void *ud, teller_contest **c, teller_profile **p);

/* SHA-256 (hex) and size of the file at path. Returns 0, or -1 if it
 * cannot be read (errno kept). */
int cli_file_sha256(const char *path, char hex[65], unsigned long long *bytes);

/* SHA-256 (hex) of (buf, len). */
void cli_mem_sha256(const char *buf, size_t len, char hex[65]);

/* Write PATH.sha256: "<hex>  <base name of path>\n". Returns 0 or -1
 * after printing the error. */
int cli_write_sidecar(const char *path, const char *hex);

/* The folder of path ("." if none), malloc'd. */
char *cli_dirname(const char *path);

/* path relative to folder dir, '/'-separated (both resolved through
 * realpath; path must exist), malloc'd; "-" stays "-". NULL if either
 * cannot be resolved. */
char *cli_relpath(const char *dir, const char *path);

/* dir "/" rel, malloc'd (rel as is when absolute or dir is "."). */
char *cli_join(const char *dir, const char *rel);

/* Is s a date YYYY-MM-DD (month 01-12, day 01-31)? */
bool cli_date_ok(const char *s);

/* SOURCE_DATE_EPOCH's UTC day as YYYY-MM-DD in buf, or NULL if it is not
 * set or not a number (reproducible-builds.org). */
const char *cli_source_date(char buf[16]);

/* mjson.c: a small JSON tree, enough for a manifest: see mjson.h. */

/* --meta FILE: a JSON object of the declaration's facts (reports.md 2),
 * each member a string or a number, set on r. Returns an exit status. */
int cli_apply_meta(teller_ctx *ctx, teller_result *r, const char *path);

#endif
