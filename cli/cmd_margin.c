/* SPDX-License-Identifier: MIT */
/*
 * cmd_margin.c -- `teller margin` (audit.md 2, 8.2): count, then the
 * margin of victory with its witness; one line, or with --json the
 * result JSON with a "margin" object. --budget is timed here (the
 * library has no clock).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "cli.h"
#include "opts.h"

#define SYNOPSIS "teller margin [-m METHOD] [-s SEATS] [-f FORMAT] " \
	"[--adds-only | --deletes-only] [--max-nodes N] [--budget SECS] " \
	"[--json FILE] FILE..."

struct margin_args {
	const char *method;
	int seats, format, threads;
	teller_margin_opts o;
	int adds, deletes;
	double budget;       /* seconds; 0: none */
	struct timespec t0;
	const char *json;
};

static double
since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int
out_of_time(void *ud)
{
	const struct margin_args *a = ud;

	return a->budget > 0 && since(&a->t0) >= a->budget;
}

static int
on_opt(void *ud, int id, const char *arg)
{
	struct margin_args *a = ud;
	char *end;
	long long v;
	double d;

	switch (id) {
	case 'm':
		if (!teller_method_known(arg)) {
			fprintf(stderr, "teller: unknown method '%s' (see "
			    "teller margin --help)\n", arg);
			return -1;
		}
		a->method = arg;
		return 0;
	case 's':
		errno = 0;
		v = strtoll(arg, &end, 10);
		if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
		    v <= 0 || v > 100000) {
			fprintf(stderr, "teller: --seats: '%s' is not a "
			    "positive number\n", arg);
			return -1;
		}
		a->seats = (int)v;
		return 0;
	case 'f':
		if ((a->format = teller_format_parse(arg)) < 0) {
			fprintf(stderr, "teller: unknown format '%s'\n", arg);
			return -1;
		}
		return 0;
	case OPT_ADDS_ONLY: a->adds = 1; return 0;
	case OPT_DELETES_ONLY: a->deletes = 1; return 0;
	case OPT_MAX_NODES:
		errno = 0;
		v = strtoll(arg, &end, 10);
		if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
		    v <= 0 || v > 2000000000) {
			fprintf(stderr, "teller: --max-nodes: '%s' is not a "
			    "positive whole number\n", arg);
			return -1;
		}
		a->o.max_nodes = (long)v;
		return 0;
	case OPT_BUDGET:
		errno = 0;
		d = strtod(arg, &end);
		if (*arg == '\0' || *end != '\0' || errno != 0 || !(d > 0) ||
		    d > 1e9) {
			fprintf(stderr, "teller: --budget: '%s' is not a "
			    "positive number of seconds\n", arg);
			return -1;
		}
		a->budget = d;
		return 0;
	case OPT_JSON: a->json = arg; return 0;
	case 'j': return cli_threads(arg, &a->threads);
	case 'h':
		cli_help(stdout, SYNOPSIS, margin_opts);
		exit(0);
	default:
		return -1;
	}
}

static int
run(teller_ctx *ctx, struct margin_args *a, char **files, int n)
{
	teller_contest *c;
	teller_profile *p;
	teller_result *r;
	teller_margin *m;
	teller_rules rules;
	const char *meth = a->method;
	FILE *f;
	int rc, status;

	if ((status = cli_read_inputs(ctx, NULL, a->format, files, n, NULL,
	    &c, &p)) != 0)
		return status;
	if (meth == NULL)
		meth = (a->seats > 1 || (a->seats == 0 &&
		    teller_contest_seats(c) > 1)) ? "block" : "irv";
	teller_rules_init(&rules, meth);
	rules.seats = a->seats;
	if (teller_margin_find(ctx, c, p, &rules, &a->o, &r, &m) != TELLER_OK)
		return cli_report_error(ctx);
	if (a->json == NULL)
		f = stdout;
	else if ((f = strcmp(a->json, "-") == 0 ? stdout :
	    fopen(a->json, "w")) == NULL) {
		perror(a->json);
		return 3;
	}
	rc = teller_margin_report(ctx, r, m, a->json != NULL, cli_write_file,
	    f);
	if ((f == stdout ? fflush(f) : fclose(f)) != 0 && rc == TELLER_OK) {
		fprintf(stderr, "teller: %s: write failed\n", a->json ?
		    a->json : "standard output");
		return 3;
	}
	return rc == TELLER_OK ? 0 : cli_report_error(ctx);
}

int
cmd_margin(int argc, char **argv)
{
	struct margin_args a;
	teller_ctx *ctx;
	int first, status;

	memset(&a, 0, sizeof(a));
	a.threads = 1;
	teller_margin_opts_init(&a.o);
	clock_gettime(CLOCK_MONOTONIC, &a.t0);
	first = cli_getopt(argc, argv, margin_opts, on_opt, &a);
	if (first >= 0 && a.adds && a.deletes) {
		fprintf(stderr, "teller: --adds-only and --deletes-only "
		    "exclude each other\n");
		first = -1;
	}
	if (first < 0) {
		fprintf(stderr, "usage: %s\n", SYNOPSIS);
		return 2;
	}
	if (first >= argc) {
		fprintf(stderr, "teller: margin: no input file\nusage: %s\n",
		    SYNOPSIS);
		return 2;
	}
	a.o.model = a.adds ? TELLER_MARGIN_ADD : a.deletes ?
	    TELLER_MARGIN_DELETE : TELLER_MARGIN_CHANGE;
	a.o.stop = out_of_time;
	a.o.stop_ud = &a;
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	teller_ctx_set_threads(ctx, a.threads);
	status = run(ctx, &a, argv + first, argc - first);
	teller_ctx_free(ctx);
	return status;
}
