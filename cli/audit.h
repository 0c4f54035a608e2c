/* SPDX-License-Identifier: MIT */
/*
 * audit.h -- what `teller count`, `canon` and `verify` share (cli/audit.c):
 * reading and merging the inputs with their hashes, paths relative to a
 * manifest's folder, sha256sum sidecars; and a small JSON reader for
 * manifests (cli/mjson.c).
 */
#ifndef AUDIT_H
#define AUDIT_H

#include <pthread.h>
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

/* ---- RCTab runs (cli/rctab_audit.c) ---- */

/* Input callbacks over cli_files that record the path of every file
 * opened (once each, in the order first opened; safe from several
 * threads). in is what teller_ctx_set_input takes. Each file is also
 * hashed (SHA-256) by a thread of its own while the run reads it, so
 * the manifest does not read the inputs again after the count. */
struct cli_rec {
	teller_input in;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	char **paths;
	char (*hex)[65];	/* per path; "" until hashed or failed */
	unsigned long long *bytes;
	int n, cap, hashed;		/* hashed: paths[0..hashed) are done */
	int started, stop;
	int oom;
};
void cli_rec_init(struct cli_rec *r);
/* Wait for the hashing thread to finish every path recorded. */
void cli_rec_finish(struct cli_rec *r);
/* The hash and size of recorded path, once cli_rec_finish returned:
 * 0, or -1 when it was not recorded or could not be hashed. */
int cli_rec_sha256(const struct cli_rec *r, const char *path,
    char hex[65], unsigned long long *bytes);
void cli_rec_free(struct cli_rec *r);

/* A growing text buffer; oom set when a write failed. */
struct cli_buf {
	char *s;
	size_t n, cap;
	int oom;
};
int cli_buf_add(struct cli_buf *b, const char *p, size_t n);
/* cli_buf_add as a teller_write_fn (ud: the struct cli_buf). */
int cli_buf_write(void *ud, const char *p, size_t n);
void cli_buf_str(struct cli_buf *b, const char *s);
/* s as a JSON string (RFC 8785 escapes); "null" for NULL. */
void cli_buf_jstr(struct cli_buf *b, const char *s);

/* The manifest's rules of an RCTab run as RFC 8785 JCS text: method
 * "rctab" and every option that changes the outputs' bytes. */
void cli_rctab_rules(struct cli_buf *b, const teller_rctab_options *o);
/* --hart-signatures NAME as a teller_hart_sig (NULL: check); -1 if not
 * a mode. */
int cli_rctab_sig_mode(const char *name);
/* The manifest's writer name of an output the library named name. */
const char *cli_rctab_writer(const char *name, bool html);

struct cli_rctab_lots;

/* One output of a re-run: its name relative to the output folder (the
 * HTML report: html as given) and the SHA-256 of its bytes. */
struct cli_rctab_out {
	char *name;
	char hex[65];
};
/* Run config with o (its output fields, html and output_dir set here)
 * into memory; html: the HTML report's name, or NULL. Returns an exit
 * status (the error printed); *outs (free with cli_rctab_outs_free)
 * holds what was written; lots (or NULL) gets the seed and every lot. */
int cli_rctab_rerun(const char *config, teller_rctab_options *o,
    const char *html, struct cli_rctab_out **outs, int *nout,
    struct cli_rctab_lots *lots);
void cli_rctab_outs_free(struct cli_rctab_out *outs, int n);

/* Point o at outputs that discard what is written (an RCTab run read
 * for its observer or ballot ids only). */
void cli_null_output(teller_output *o);
/* Is path an RCTab contest config (a JSON object naming
 * cvrFileSources)? */
bool cli_is_rctab_config(const char *path);
/* The canonical ballot-id text of config's CVRs (audit.md 4.3; teller
 * canon --ballot-ids) through w, or its SHA-256. Return an exit status
 * (the error printed). */
int cli_rctab_ballot_ids(const char *config, const char *hart_key,
    int hart_sig, teller_write_fn w, void *ud);
int cli_rctab_ballot_ids_sha256(const char *config, const char *hart_key,
    int hart_sig, char hex[65]);
/* The canonical text of kind (a teller_canon_kind, or CLI_CANON_IDS:
 * the ballot ids) of config's CVRs through w; an exit status. */
#define CLI_CANON_IDS (-1)
int cli_rctab_canon(const char *config, const char *hart_key, int hart_sig,
    int kind, teller_write_fn w, void *ud);
/* The manifest's "contest": {...} and "profile": {...} members of an
 * RCTab run (ids: with sha256_ballot_ids) onto b; an exit status. */
int cli_rctab_canon_json(const char *config, const char *hart_key,
    int hart_sig, bool ids, struct cli_buf *b);
/* The same members from the canonical texts already made: t[0] the
 * contest, t[1] the marked and t[2] the effective profile, t[3] the
 * ballot ids (read with ids only); an exit status. */
int cli_rctab_canon_json_of(struct cli_buf t[4], bool ids,
    struct cli_buf *b);

/* The lots of an RCTab run, collected by cli_rctab_lot (the options' lot
 * callback, ud: this) as the manifest's lots[] members; seed: the
 * config's randomSeed (malloc'd) or NULL. */
struct cli_rctab_lots {
	struct cli_buf b;
	int n, draws;  /* lots; those drawn from the seed */
	char *seed;
};
int cli_rctab_lot(void *ud, const teller_rctab_lot *l);
/* "randomness": {...} and "lots": [...] onto b. */
void cli_rctab_lots_json(const struct cli_rctab_lots *k, struct cli_buf *b);
void cli_rctab_lots_free(struct cli_rctab_lots *k);

/* teller raire of an RCTab config (audit.md 3.6): its effective
 * rankings as a contest and profile read into ctx (a single-winner IRV
 * config only; papers with no effective ranking kept as blank ones, so
 * every paper read is auditable); and --cvr-level DIR: DIR/ballots.csv,
 * "ballot_id,prefs", prefs the candidate indices of the problem JSON
 * (space-separated, most preferred first). Exit statuses. */
int cli_rctab_irv_read(teller_ctx *ctx, const char *config,
    teller_contest **c, teller_profile **p);
int cli_rctab_cvr_level(const char *config, const char *dir);

#endif
