/* SPDX-License-Identifier: MIT */
/*
 * cmd_compare.c -- `teller compare` (methods.md 8): read the ballots
 * once, count them by every method of a list, each from the same seed
 * (so each result is the one `teller count -m M --seed N` gives), and
 * write the comparison as text or JSON. No counting logic here.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

#define SYNOPSIS "teller compare [-m LIST] [-s SEATS] [-f FORMAT] " \
	"[--seed S] [--strength KIND] [-r text|json] [--json FILE] FILE..."
#define MAXM 64

/* methods.md 8's default list; those not in the method table are left
 * out (a build without them). */
static const char *const defaults[] = { "fptp", "irv", "contingent",
	"plurality-runoff", "borda", "borda-dowdall", "condorcet",
	"copeland", "minimax", "schulze", "ranked-pairs", "coombs",
	"bucklin" };

struct cmp_args {
	char *list;          /* -m, or NULL */
	const char *m[MAXM]; /* the methods, in order */
	int nm;
	int seats, format, json_out;
	const char *json;
	const char *seed; /* rivest-sha256 seed string */
	const char *strength; /* --strength, or NULL (methods.md 6.5-6.6) */
	/* exhaustive in the list with several files: the files are its
	 * rounds (methods.md 3.3), the rest count the first */
	bool rounds;
	teller_contest **rc;
	teller_profile **rp;
	int nr;
};

static int
split(struct cmp_args *a)
{
	char *s, *save = NULL;
	size_t i;

	if (a->list == NULL) {
		for (i = 0; i < sizeof(defaults) / sizeof(*defaults); i++)
			if (teller_method_known(defaults[i]))
				a->m[a->nm++] = defaults[i];
		return 0;
	}
	for (s = strtok_r(a->list, ",", &save); s != NULL;
	    s = strtok_r(NULL, ",", &save)) {
		if (!teller_method_known(s)) {
			fprintf(stderr, "teller: compare: unknown method '%s' "
			    "(see teller methods)\n", s);
			return -1;
		}
		if (a->nm == MAXM) {
			fprintf(stderr, "teller: compare: at most %d "
			    "methods\n", MAXM);
			return -1;
		}
		a->m[a->nm++] = s;
	}
	if (a->nm == 0) {
		fprintf(stderr, "teller: compare: -m names no method\n");
		return -1;
	}
	return 0;
}

static int
on_opt(void *ud, int id, const char *arg)
{
	struct cmp_args *a = ud;
	char *end;
	unsigned long long v;

	switch (id) {
	case 'm':
		free(a->list);
		if ((a->list = strdup(arg)) == NULL)
			return -1;
		break;
	case 's':
		errno = 0;
		v = strtoull(arg, &end, 10);
		if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || v == 0 ||
		    v > 100000 || errno != 0) {
			fprintf(stderr, "teller: --seats: '%s' is not a "
			    "positive number\n", arg);
			return -1;
		}
		a->seats = (int)v;
		break;
	case 'f':
		if ((a->format = teller_format_parse(arg)) < 0) {
			fprintf(stderr, "teller: unknown format '%s'\n", arg);
			return -1;
		}
		break;
	case OPT_SEED:
		if (arg[0] == '\0') {
			fprintf(stderr, "teller: --seed: the seed is empty\n");
			return -1;
		}
		a->seed = arg;
		break;
	case OPT_STRENGTH:
		if (strcmp(arg, "winning") != 0 && strcmp(arg, "margin") != 0) {
			fprintf(stderr, "teller: --strength: '%s': say winning "
			    "or margin\n", arg);
			return -1;
		}
		a->strength = arg;
		break;
	case 'r':
		if (strcmp(arg, "text") != 0 && strcmp(arg, "json") != 0) {
			fprintf(stderr, "teller: compare: -r text or json, "
			    "not '%s'\n", arg);
			return -1;
		}
		a->json_out = strcmp(arg, "json") == 0;
		break;
	case OPT_JSON:
		a->json = arg;
		break;
	case 'h':
		cli_help(stdout, SYNOPSIS, compare_opts);
		exit(0);
	default:
		return -1;
	}
	return 0;
}

/* Read and merge the files; their hashes into hashes[i] (malloc'd). */
static int
read_all(teller_ctx *ctx, const struct cmp_args *a, char **files, int n,
    char **hashes, teller_contest **contest, teller_profile **profile)
{
	int i, status = 0;

	for (i = 0; i < n && status == 0; i++) {
		teller_contest *c;
		teller_profile *p;
		struct cli_input in;

		if (cli_load(files[i], &in) != 0)
			return 1;
		if ((hashes[i] = malloc(65)) != NULL)
			cli_sha256_hex(&in, hashes[i]);
		teller_ctx_set_release(ctx, cli_release, &in);
		if (teller_read(ctx, (enum teller_format)a->format, files[i],
		    in.buf, in.len, &c, &p) != TELLER_OK ||
		    (*contest != NULL && !a->rounds &&
		    teller_profile_merge(ctx, *contest, *profile, c, p) !=
		    TELLER_OK)) {
			status = cli_report_error(ctx);
		} else if (a->rounds) {
			/* one file per round, each read on its own */
			a->rc[i] = c;
			a->rp[i] = p;
			*contest = a->rc[0];
			*profile = a->rp[0];
		} else if (*contest == NULL) {
			*contest = c;
			*profile = p;
		}
		teller_ctx_set_release(ctx, NULL, NULL);
		cli_unload(&in);
	}
	return status;
}

/* Count by method m into *res; a count that fails for its own reason
 * (no valid paper for it, say) gives *err and status 0; a usage error
 * (a one-seat method given -s 2) status 2. */
static int
count_one(teller_ctx *ctx, const struct cmp_args *a, const char *m,
    int seats, const teller_contest *c, const teller_profile *p,
    teller_result **res, char **err)
{
	teller_rules rules;
	int code;

	teller_rules_init(&rules, m);
	rules.seats = seats;
	rules.seed = a->seed;
	rules.strength = a->strength;
	if (a->rounds && strcmp(m, "exhaustive") == 0) {
		rules.round_contests = (const teller_contest *const *)a->rc + 1;
		rules.round_profiles = (const teller_profile *const *)a->rp + 1;
		rules.nrounds = a->nr - 1;
	}
	*res = NULL;
	*err = NULL;
	if (teller_count(ctx, c, p, &rules, res) == TELLER_OK)
		return 0;
	code = teller_errcode(ctx);
	if (code == TELLER_EINVAL || code == TELLER_ENOMEM ||
	    code == TELLER_EINTERNAL)
		return cli_report_error(ctx);
	*err = strdup(teller_errmsg(ctx));
	*res = NULL;
	teller_errclear(ctx);
	return 0;
}

static int
write_out(teller_ctx *ctx, const char *path, const teller_result *pw,
    const struct cmp_args *a, teller_result **res, char **errs, int json)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int rc;

	if (f == NULL) {
		perror(path);
		return 3;
	}
	rc = teller_compare_report(ctx, pw, a->seats > 0 ? a->seats : 1,
	    a->m, (const teller_result *const *)res,
	    (const char *const *)errs, a->nm, json, cli_write_file, f);
	if (f != stdout ? fclose(f) != 0 : fflush(f) != 0)
		rc = rc != TELLER_OK ? rc : TELLER_EWRITE;
	if (rc != TELLER_OK)
		return teller_errcode(ctx) != TELLER_OK ?
		    cli_report_error(ctx) : 3;
	return 0;
}

static int
run(teller_ctx *ctx, struct cmp_args *a, char **files, int nfiles,
    char **hashes, teller_result **res, char **errs)
{
	teller_contest *c = NULL;
	teller_profile *p = NULL;
	teller_result *pw = NULL;
	char *pwerr = NULL;
	int i, k, status;

	if ((status = read_all(ctx, a, files, nfiles, hashes, &c, &p)))
		return status;
	if ((status = count_one(ctx, a, "condorcet", 1, c, p, &pw, &pwerr)))
		return status;
	if (pw == NULL) {
		fprintf(stderr, "teller: compare: %s\n", pwerr);
		free(pwerr);
		return 4;
	}
	for (i = 0; i < a->nm && status == 0; i++)
		status = count_one(ctx, a, a->m[i], a->seats, c, p, &res[i],
		    &errs[i]);
	for (i = -1; status == 0 && i < a->nm; i++)
		for (k = 0; status == 0 && k < nfiles; k++) {
			teller_result *r = i < 0 ? pw : res[i];
			/* with rounds, only exhaustive reads past round 1 */
			if (a->rounds && k > 0 && (i < 0 ||
			    strcmp(a->m[i], "exhaustive") != 0))
				break;
			if (r != NULL && teller_result_add_input(ctx, r,
			    files[k], hashes[k] != NULL ? hashes[k] : "") !=
			    TELLER_OK)
				status = cli_report_error(ctx);
		}
	if (status == 0 && (a->json == NULL || strcmp(a->json, "-") != 0))
		status = write_out(ctx, "-", pw, a, res, errs, a->json_out);
	if (status == 0 && a->json != NULL)
		status = write_out(ctx, a->json, pw, a, res, errs, 1);
	return status;
}

int
cmd_compare(int argc, char **argv)
{
	struct cmp_args a;
	teller_ctx *ctx = NULL;
	teller_result *res[MAXM] = { NULL };
	char *errs[MAXM] = { NULL }, **hashes = NULL;
	int first, nfiles, i, status;

	memset(&a, 0, sizeof(a));
	a.seed = "1";
	first = cli_getopt(argc, argv, compare_opts, on_opt, &a);
	if (first < 0 || split(&a) != 0 || (nfiles = argc - first) < 1) {
		if (first >= 0 && argc - first < 1 && a.nm > 0)
			fprintf(stderr, "teller: compare: no input file\n");
		fprintf(stderr, "usage: %s\n", SYNOPSIS);
		free(a.list);
		return 2;
	}
	for (i = 0; i < a.nm; i++)
		if (strcmp(a.m[i], "exhaustive") == 0 && nfiles > 1)
			a.rounds = true;
	a.nr = nfiles;
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK ||
	    (hashes = calloc((size_t)nfiles, sizeof(*hashes))) == NULL ||
	    (a.rc = calloc((size_t)nfiles, sizeof(*a.rc))) == NULL ||
	    (a.rp = calloc((size_t)nfiles, sizeof(*a.rp))) == NULL) {
		fprintf(stderr, "teller: out of memory\n");
		teller_ctx_free(ctx);
		free(hashes);
		free(a.rc);
		free(a.rp);
		free(a.list);
		return 3;
	}
	status = run(ctx, &a, argv + first, nfiles, hashes, res, errs);
	for (i = 0; i < nfiles; i++)
		free(hashes[i]);
	for (i = 0; i < a.nm; i++)
		free(errs[i]);
	free(hashes);
	free(a.rc);
	free(a.rp);
	free(a.list);
	teller_ctx_free(ctx);
	return status;
}
