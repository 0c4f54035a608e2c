/* SPDX-License-Identifier: MIT */
/*
 * cmd_count.c -- `teller count`: read one or more input files (merged into
 * one profile), count under a method, write the declaration and any of
 * JSON, CSV, HTML and the stage sheet. No counting logic here.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "lots.h"
#include "opts.h"

#define SYNOPSIS "teller count [-m METHOD] [-s SEATS] [-f FORMAT] " \
	"[-r KIND] [--json FILE] [--csv FILE] [--html FILE] [--stages FILE] " \
	"[--seed N] [--lot SPEC]... [--lots FILE] [--no-seed] [-j N] FILE..."

struct count_args {
	const char *method;
	int seats;
	int format;
	int report; /* teller_report_kind, or -1 for none */
	const char *json, *csv, *html, *stages;
	const char *layout; /* --layout, or NULL: by method */
	const char *regime; /* --regime, or NULL: the default */
	unsigned long long seed;
	int threads; /* teller_ctx_set_threads: 0 = one per CPU */
	char **lots; /* --lot and --lots specs, in order (malloc'd) */
	int nlots;
	int no_seed;
};

static int
parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
add_lot(struct count_args *a, const char *s, size_t n)
{
	char **l = realloc(a->lots, ((size_t)a->nlots + 1) * sizeof(*l));

	if (l == NULL)
		return -1;
	a->lots = l;
	if ((l[a->nlots] = strndup(s, n)) == NULL)
		return -1;
	a->nlots++;
	return 0;
}

static int
on_lot(void *ud, const char *spec, size_t n)
{
	return add_lot(ud, spec, n);
}

/* --lots FILE (cli/lots.c: SPEC lines or a JSON lots[] array). */
static int
read_lots(struct count_args *a, const char *path)
{
	struct cli_input in;
	int rc;

	if (cli_load(path, &in) != 0)
		return -1;
	rc = cli_lots_parse(path, in.buf, in.len, on_lot, a);
	cli_unload(&in);
	return rc;
}

static int
on_opt(void *ud, int id, const char *arg)
{
	struct count_args *a = ud;
	unsigned long long v;

	switch (id) {
	case 'm':
		if (!teller_method_known(arg)) {
			fprintf(stderr, "teller: unknown method '%s' (see "
			    "teller count --help)\n", arg);
			return -1;
		}
		a->method = arg;
		break;
	case 's':
		if (parse_uint(arg, 100000, &v) != 0 || v == 0) {
			fprintf(stderr, "teller: --seats: '%s' is not a "
			    "positive number\n", arg);
			return -1;
		}
		a->seats = (int)v;
		break;
	case 'f':
		a->format = teller_format_parse(arg);
		if (a->format < 0) {
			fprintf(stderr, "teller: unknown format '%s'\n", arg);
			return -1;
		}
		break;
	case 'r':
		if (strcmp(arg, "text") == 0)
			a->report = TELLER_REP_TEXT;
		else if (strcmp(arg, "stages") == 0)
			a->report = TELLER_REP_STAGESHEET;
		else if (strcmp(arg, "json") == 0)
			a->report = TELLER_REP_JSON;
		else if (strcmp(arg, "csv") == 0)
			a->report = TELLER_REP_CSV;
		else if (strcmp(arg, "html") == 0)
			a->report = TELLER_REP_HTML;
		else if (strcmp(arg, "none") == 0)
			a->report = -1;
		else {
			fprintf(stderr, "teller: unknown report '%s'\n", arg);
			return -1;
		}
		break;
	case OPT_JSON: a->json = arg; break;
	case OPT_CSV: a->csv = arg; break;
	case OPT_HTML: a->html = arg; break;
	case OPT_LAYOUT: a->layout = arg; break;
	case OPT_REGIME: a->regime = arg; break;
	case OPT_STAGES: a->stages = arg; break;
	case OPT_SEED:
		if (parse_uint(arg, ULLONG_MAX, &v) != 0) {
			fprintf(stderr, "teller: --seed: '%s' is not a "
			    "whole number from 0 to %llu\n", arg, ULLONG_MAX);
			return -1;
		}
		a->seed = v;
		break;
	case 'j':
		return cli_threads(arg, &a->threads);
	case OPT_LOT:
		return add_lot(a, arg, strlen(arg));
	case OPT_LOTS:
		return read_lots(a, arg);
	case OPT_NO_SEED:
		a->no_seed = 1;
		break;
	case 'h':
		cli_help(stdout, SYNOPSIS, count_opts);
		exit(0);
	default:
		return -1;
	}
	return 0;
}

/* Write report kind to path ("-" = stdout). Returns an exit status. */
static int
write_report(teller_ctx *ctx, const teller_result *r,
    enum teller_report_kind kind, const char *path, const char *layout)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int rc;

	if (f == NULL) {
		perror(path);
		return 3;
	}
	rc = kind == TELLER_REP_HTML ? teller_report_html(ctx, r, layout,
	    cli_write_file, f) : teller_report(ctx, r, kind, cli_write_file,
	    f);
	if (f != stdout) {
		if (fclose(f) != 0 && rc == TELLER_OK)
			rc = TELLER_EWRITE;
	} else if (fflush(f) != 0 && rc == TELLER_OK) {
		rc = TELLER_EWRITE;
	}
	if (rc != TELLER_OK) {
		if (teller_errcode(ctx) != TELLER_OK)
			return cli_report_error(ctx);
		fprintf(stderr, "teller: %s: write failed\n", path);
		return 3;
	}
	return 0;
}

/* Is output path out one of the inputs (same name, or the same file)?
 * Writing it would destroy the ballots. */
static bool
is_input(const char *out, char **in, int n)
{
	struct stat so, si;
	bool have;
	int i;

	if (out == NULL || strcmp(out, "-") == 0)
		return false;
	have = stat(out, &so) == 0;
	for (i = 0; i < n; i++)
		if (strcmp(out, in[i]) == 0 || (have && stat(in[i], &si) == 0 &&
		    si.st_dev == so.st_dev && si.st_ino == so.st_ino))
			return true;
	return false;
}

static void
free_lots(struct count_args *a)
{
	int i;

	for (i = 0; i < a->nlots; i++)
		free(a->lots[i]);
	free(a->lots);
}

static bool
to_stdout(const char *p)
{
	return p != NULL && strcmp(p, "-") == 0;
}

/* Count the merged profile under a's options (the method by default irv,
 * or stv-scottish for several seats). Returns an exit status. */
static int
count(teller_ctx *ctx, const struct count_args *a,
    const teller_contest *contest, const teller_profile *profile,
    teller_result **res)
{
	const char *m = a->method;
	teller_rules rules;

	if (m == NULL)
		m = (a->seats > 1 || (a->seats == 0 &&
		    teller_contest_seats(contest) > 1)) ? "stv-scottish" :
		    "irv";
	teller_rules_init(&rules, m);
	rules.seats = a->seats;
	rules.seed = a->seed;
	rules.lots = (const char *const *)a->lots;
	rules.nlots = a->nlots;
	rules.no_seed = a->no_seed;
	rules.regime = a->regime;
	if (a->seats > 0 && teller_contest_seats(contest) > 0 &&
	    a->seats != teller_contest_seats(contest))
		fprintf(stderr, "teller: note: the input says %d seat%s; "
		    "counting %d as -s says\n", teller_contest_seats(contest),
		    teller_contest_seats(contest) == 1 ? "" : "s", a->seats);
	if (teller_count(ctx, contest, profile, &rules, res) != TELLER_OK)
		return cli_report_error(ctx);
	return 0;
}

/* Write every report a asks for; the one on standard output first.
 * Returns an exit status. */
static int
write_reports(teller_ctx *ctx, const teller_result *res,
    const struct count_args *a)
{
	int status = 0;

	if (a->report >= 0 && !to_stdout(a->json) && !to_stdout(a->csv) &&
	    !to_stdout(a->html) && !to_stdout(a->stages))
		status = write_report(ctx, res, a->report, "-",
		    a->layout);
	if (status == 0 && a->json != NULL)
		status = write_report(ctx, res, TELLER_REP_JSON, a->json,
		    a->layout);
	if (status == 0 && a->csv != NULL)
		status = write_report(ctx, res, TELLER_REP_CSV, a->csv,
		    a->layout);
	if (status == 0 && a->html != NULL)
		status = write_report(ctx, res, TELLER_REP_HTML, a->html,
		    a->layout);
	if (status == 0 && a->stages != NULL)
		status = write_report(ctx, res, TELLER_REP_STAGESHEET,
		    a->stages, a->layout);
	return status;
}

int
cmd_count(int argc, char **argv)
{
	struct count_args a = { NULL, 0, TELLER_FMT_AUTO, TELLER_REP_TEXT,
		NULL, NULL, NULL, NULL, NULL, NULL, 1, 0, NULL, 0, 0 };
	teller_ctx *ctx = NULL;
	teller_contest *contest = NULL;
	teller_profile *profile = NULL;
	teller_result *res = NULL;
	char **hashes;
	int first, i, nfiles, status = 0;

	first = cli_getopt(argc, argv, count_opts, on_opt, &a);
	if (first < 0) {
		fprintf(stderr, "usage: %s\n", SYNOPSIS);
		free_lots(&a);
		return 2;
	}
	nfiles = argc - first;
	if (nfiles < 1) {
		fprintf(stderr, "teller: count: no input file\nusage: %s\n",
		    SYNOPSIS);
		free_lots(&a);
		return 2;
	}
	{
		const char *outs[] = { a.json, a.csv, a.html, a.stages };
		const char *flag[] = { "json", "csv", "html", "stages" };
		for (i = 0; i < 4; i++)
			if (is_input(outs[i], argv + first, nfiles)) {
				fprintf(stderr, "teller: --%s %s: that is an "
				    "input file; refusing to overwrite it\n",
				    flag[i], outs[i]);
				free_lots(&a);
				return 2;
			}
	}
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	teller_ctx_set_threads(ctx, a.threads);
	hashes = calloc((size_t)nfiles, sizeof(*hashes));
	if (hashes == NULL) {
		teller_ctx_free(ctx);
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	for (i = 0; i < nfiles && status == 0; i++) {
		const char *path = argv[first + i];
		teller_contest *c;
		teller_profile *p;
		struct cli_input in;

		if (cli_load(path, &in) != 0) {
			status = 1;
			break;
		}
		/* hash first, dropping pages behind; the reader then drops
		 * what it has consumed (cli_release). Only the result JSON
		 * shows the hashes (rep_json.c): without it none is taken
		 * (a writer that shows them must be added here). */
		if (a.report == TELLER_REP_JSON || a.json != NULL) {
			hashes[i] = malloc(65);
			if (hashes[i] != NULL)
				cli_sha256_hex(&in, hashes[i]);
		}
		teller_ctx_set_release(ctx, cli_release, &in);
		if (teller_read(ctx, (enum teller_format)a.format, path,
		    in.buf, in.len, &c, &p) != TELLER_OK ||
		    (contest != NULL && teller_profile_merge(ctx, contest,
		    profile, c, p) != TELLER_OK)) {
			status = cli_report_error(ctx);
		} else if (contest == NULL) {
			contest = c;
			profile = p;
		}
		teller_ctx_set_release(ctx, NULL, NULL);
		cli_unload(&in);
	}
	if (status == 0)
		status = count(ctx, &a, contest, profile, &res);
	for (i = 0; status == 0 && i < nfiles; i++)
		if (teller_result_add_input(ctx, res, argv[first + i],
		    hashes[i] != NULL ? hashes[i] : "") != TELLER_OK)
			status = cli_report_error(ctx);
	if (status == 0)
		status = write_reports(ctx, res, &a);
	for (i = 0; i < nfiles; i++)
		free(hashes[i]);
	free(hashes);
	free_lots(&a);
	teller_ctx_free(ctx);
	return status;
}
