/* SPDX-License-Identifier: MIT */
/* opts.h -- the option tables of the teller command (opts.c): one table
 * per subcommand builds getopt_long's arrays and renders --help. */
#ifndef OPTS_H
#define OPTS_H

#include <stdio.h>

struct cli_opt {
	const char *lng;   /* long name, without "--" */
	int shrt;          /* short letter, or a value > 255 if none */
	const char *arg;   /* argument name, NULL if none */
	const char *help;  /* one line */
};

/* Option ids for `teller count`. */
enum {
	OPT_JSON = 256, OPT_CSV, OPT_HTML, OPT_STAGES, OPT_SEED, OPT_HELP2,
	OPT_LOT, OPT_LOTS, OPT_NO_SEED, OPT_MANIFEST, OPT_NO_MANIFEST,
	OPT_DATE, OPT_CONTEST, OPT_PROFILE, OPT_RULES, OPT_INPUTS_DIR,
	OPT_OUTPUTS_DIR, OPT_STRENGTH, OPT_LAYOUT, OPT_REGIME,
	OPT_RANKS, OPT_VOTES, OPT_MIN_SHARE, /* methods.md 2-3 */
	OPT_SECTION, /* methods.md 4.3 c */
	OPT_ELECTORATE, OPT_LANG, OPT_META,
	OPT_BALLOT_IDS, /* audit.md 4.3: canon, rctab */
	OPT_CERTIFICATE, /* audit.md 5 */
	OPT_SENSITIVITY, OPT_ROUNDING /* audit.md 7 */
};

/* Option ids for `teller rctab`. */
enum {
	OPT_TIEBREAK = 300, OPT_CRLF, OPT_THREADS, OPT_NO_CVR_EXPORT,
	OPT_HART_SIGS, OPT_HART_KEY, OPT_RHTML
};

/* The tables: count, rctab, profile and merge (opts.c). */
extern const struct cli_opt count_opts[];
extern const struct cli_opt canon_opts[];  /* teller canon */
extern const struct cli_opt verify_opts[]; /* teller verify */
/* teller trace --pattern | --ranking (cmd_trace_pattern.c) */
extern const struct cli_opt trace_pattern_opts[];
extern const struct cli_opt rctab_opts[];
extern const struct cli_opt profile_opts[];
extern const struct cli_opt merge_opts[];

/* Option ids for `teller margin` and `teller raire` (cmd_margin.c,
 * cmd_raire.c). */
enum {
	OPT_ADDS_ONLY = 300, OPT_DELETES_ONLY, OPT_MAX_NODES, OPT_BUDGET,
	OPT_AUDIT, OPT_AUDITABLE, OPT_RISK_LIMIT, OPT_ERROR_INFLATION,
	OPT_TRIM, OPT_ASSERTIONS, OPT_CHECK, OPT_RFORMAT, OPT_TIMING,
	OPT_CVR_LEVEL /* audit.md 3.6 item 1 */
};

/* Option ids for `teller trace` (cmd_trace.c; --pattern, --ranking and
 * --format also cmd_trace_pattern.c). */
enum {
	OPT_BALLOT_ID = 500, OPT_RANKING, OPT_PATTERN, OPT_TFORMAT,
	OPT_TTIEBREAK, OPT_TTHREADS
};
extern const struct cli_opt trace_opts[];

extern const struct cli_opt margin_opts[];
extern const struct cli_opt raire_opts[];
extern const struct cli_opt compare_opts[];

/* Option ids for `teller ties` (cmd_ties.c; --json is OPT_JSON). */
enum { OPT_MAX_BRANCHES = 400 };
extern const struct cli_opt ties_opts[];

/* Parse argv against table (NULL-lng terminated). Calls fn(ud, id, arg)
 * for each option; returns the index of the first operand, or -1 after
 * printing a usage error (exit 2). */
int cli_getopt(int argc, char **argv, const struct cli_opt *table,
    int (*fn)(void *ud, int id, const char *arg), void *ud);

/* Parse the argument of --threads (0..1024, 0 = one per CPU) into *out.
 * Returns 0, or prints "teller: --threads: ..." and returns -1. */
int cli_threads(const char *arg, int *out);

/* Print the table as --help text ("%m" in a help line: the method
 * list, from the library's method table). */
void cli_help(FILE *f, const char *synopsis, const struct cli_opt *table);

#endif
