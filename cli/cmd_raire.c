/* SPDX-License-Identifier: MIT */
/*
 * cmd_raire.c -- `teller raire` (audit.md 3, 8.3): the RAIRE problem JSON
 * of the effective profile, or with --assertions the solution (or
 * SHANGRLA's JSON), or with --check SOLUTION an independent check that
 * a solution proves the winner (exit 5 if not). The difficulty formulas
 * of the four audit types (raire-rs audit_type.rs) are here: the library
 * decides in integers and has no floating point.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "opts.h"

#define SYNOPSIS "teller raire [-f FORMAT] [--audit TYPE] [--auditable N] " \
	"[--risk-limit ALPHA] [--error-inflation GAMMA] [--trim ALGO] " \
	"[--assertions] [--check SOLUTION] [--format raire|shangrla] " \
	"[--cvr-level DIR] [--timing] [-o FILE] FILE..."

struct raire_args {
	int format;
	int threads;
	teller_raire_opts o;
	double alpha, gamma;
	char alpha_s[32], gamma_s[32];
	int assertions;
	int audit_given;            /* --audit: --check compares difficulty */
	const char *check, *out;
	const char *cvr_level;      /* --cvr-level DIR */
};

/* The difficulty of tallies (w, l) under a's audit type: infinite for a
 * margin <= 0. */
static double
diff(const struct raire_args *a, int64_t papers, int64_t w, int64_t l)
{
	double n = (double)papers, dw = (double)w, dl = (double)l;
	double v = dw - dl, s;

	if (w <= l)
		return INFINITY;
	switch (a->o.audit) {
	case TELLER_RAIRE_ONE_ON_MARGIN_SQ:
		return (n / v) * (n / v);
	case TELLER_RAIRE_MACRO:
		return -log(a->alpha) * 2.0 * a->gamma * n / v;
	case TELLER_RAIRE_BRAVO:
		s = dw / (dw + dl);
		return (0.5 * log(2.0 * s) - log(a->alpha)) /
		    ((dw * log(2.0 * s) + dl * log(2.0 - 2.0 * s)) / n);
	default:
		return n / v;
	}
}

static int
diff_cmp(void *ud, int64_t n, int64_t w1, int64_t l1, int64_t w2,
    int64_t l2)
{
	double x = diff(ud, n, w1, l1), y = diff(ud, n, w2, l2);

	return x < y ? -1 : x > y;
}

/* x as the shortest decimal that reads back as x, with ".0" when it
 * would look like an integer (as raire-rs's Rust prints an f64). */
static int
num_text(double x, char *buf, size_t n)
{
	int p;

	if (!isfinite(x))
		return -1;
	for (p = 1; p <= 17; p++) {
		snprintf(buf, n, "%.*g", p, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	if (strpbrk(buf, ".en") == NULL && strlen(buf) + 3 <= n)
		strcat(buf, ".0");
	return 0;
}

static int
diff_text(void *ud, int64_t n, int64_t w, int64_t l, char *buf, size_t size)
{
	return num_text(diff(ud, n, w, l), buf, size);
}

/* --check with --audit: a stated difficulty agrees with the ballots' to
 * 1e-9, relative (raire-rs and raire-java print doubles their own way). */
static int
diff_same(void *ud, int64_t n, int64_t w, int64_t l, const char *s,
    size_t len)
{
	char buf[64], *end;
	double x, y = diff(ud, n, w, l);

	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	x = strtod(buf, &end);
	if (*end != '\0' || !isfinite(x) || !isfinite(y))
		return 0;
	return fabs(x - y) <= 1e-9 * fmax(fabs(x), fabs(y));
}

/* A positive real option into *v and its JSON text into s. */
static int
real_opt(const char *name, const char *arg, double min, double *v, char *s)
{
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	if (*arg == '\0' || *end != '\0' || errno != 0 || !isfinite(*v) ||
	    *v < min || *v <= 0) {
		fprintf(stderr, "teller: --%s: '%s' is not a number %s\n",
		    name, arg, min > 0 ? ">= 1" : "> 0");
		return -1;
	}
	return num_text(*v, s, 32);
}

static int
on_opt(void *ud, int id, const char *arg)
{
	static const char *const audits[] = { "OneOnMargin", "OneOnMarginSq",
		"BRAVO", "MACRO", "Margin", "MarginSq" };
	static const char *const trims[] = { "None", "MinimizeTree",
		"MinimizeAssertions" };
	struct raire_args *a = ud;
	char *end;
	long long n;
	int i;

	switch (id) {
	case 'f':
		if ((a->format = teller_format_parse(arg)) < 0) {
			fprintf(stderr, "teller: unknown format '%s'\n", arg);
			return -1;
		}
		return 0;
	case OPT_AUDIT:
		for (i = 0; i < 6 && strcmp(arg, audits[i]) != 0; i++)
			;
		if (i == 6) {
			fprintf(stderr, "teller: --audit: unknown type '%s'\n",
			    arg);
			return -1;
		}
		a->o.audit = i < 4 ? i : i - 4;
		a->audit_given = 1;
		return 0;
	case OPT_AUDITABLE:
		errno = 0;
		n = strtoll(arg, &end, 10);
		if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
		    n <= 0) {
			fprintf(stderr, "teller: --auditable: '%s' is not a "
			    "positive whole number\n", arg);
			return -1;
		}
		a->o.auditable = n;
		return 0;
	case OPT_RISK_LIMIT:
		if (real_opt("risk-limit", arg, 0, &a->alpha, a->alpha_s))
			return -1;
		a->o.risk_limit = a->alpha_s;
		return 0;
	case OPT_ERROR_INFLATION:
		if (real_opt("error-inflation", arg, 1, &a->gamma,
		    a->gamma_s))
			return -1;
		a->o.error_inflation = a->gamma_s;
		return 0;
	case OPT_TRIM:
		for (i = 0; i < 3 && strcmp(arg, trims[i]) != 0; i++)
			;
		if (i == 3) {
			fprintf(stderr, "teller: --trim: unknown algorithm "
			    "'%s'\n", arg);
			return -1;
		}
		a->o.trim = i;
		return 0;
	case OPT_ASSERTIONS: a->assertions = 1; return 0;
	case OPT_CHECK: a->check = arg; return 0;
	case OPT_RFORMAT:
		if (strcmp(arg, "raire") != 0 && strcmp(arg, "shangrla") != 0) {
			fprintf(stderr, "teller: --format: raire or shangrla, "
			    "not '%s' (the input format is -f)\n", arg);
			return -1;
		}
		a->o.shangrla = strcmp(arg, "shangrla") == 0;
		return 0;
	case OPT_TIMING: a->o.timing = 1; return 0;
	case OPT_CVR_LEVEL: a->cvr_level = arg; return 0;
	case 'o': a->out = arg; return 0;
	case 'j': return cli_threads(arg, &a->threads);
	case 'h':
		cli_help(stdout, SYNOPSIS, raire_opts);
		exit(0);
	default:
		return -1;
	}
}

/* Options that need others. Returns 0 or prints why and returns -1. */
static int
validate(const struct raire_args *a)
{
	if ((a->o.audit == TELLER_RAIRE_BRAVO ||
	    a->o.audit == TELLER_RAIRE_MACRO) && a->o.risk_limit == NULL) {
		fprintf(stderr, "teller: --audit BRAVO and MACRO need "
		    "--risk-limit\n");
		return -1;
	}
	if (a->o.audit == TELLER_RAIRE_MACRO && a->o.error_inflation ==
	    NULL) {
		fprintf(stderr, "teller: --audit MACRO needs "
		    "--error-inflation\n");
		return -1;
	}
	if (a->o.shangrla && !a->assertions) {
		fprintf(stderr, "teller: --format shangrla needs "
		    "--assertions\n");
		return -1;
	}
	return 0;
}

/* --check SOLUTION. Returns an exit status. */
static int
check(teller_ctx *ctx, const struct raire_args *a, const teller_contest *c,
    const teller_profile *p, const teller_rules *rules)
{
	struct cli_input in;
	int rc;

	if (cli_load(a->check, &in) != 0)
		return 1;
	rc = teller_raire_check(ctx, c, p, rules, &a->o, a->check, in.buf,
	    in.len);
	cli_unload(&in);
	if (rc != TELLER_OK)
		return cli_report_error(ctx);
	printf("%s: sufficient: the assertions prove the winner\n",
	    a->check);
	return 0;
}

static int
run(teller_ctx *ctx, struct raire_args *a, char **files, int n)
{
	teller_contest *c;
	teller_profile *p;
	teller_rules rules;
	FILE *f;
	int rc, status;

	/* an RCTab config: its effective rankings, read from its CVRs */
	bool rctab = n == 1 && a->format == TELLER_FMT_AUTO &&
	    cli_is_rctab_config(files[0]);

	if (a->cvr_level != NULL && !rctab) {
		fprintf(stderr, "teller: %s: --cvr-level: no ballot ids: only "
		    "CVR input (an RCTab config) carries them\n", files[0]);
		return 1;
	}
	if ((status = rctab ? cli_rctab_irv_read(ctx, files[0], &c, &p) :
	    cli_read_inputs(ctx, NULL, a->format, files, n, NULL, &c, &p)) !=
	    0)
		return status;
	teller_rules_init(&rules, "irv");
	if (a->check != NULL)
		return check(ctx, a, c, p, &rules);
	f = a->out == NULL || strcmp(a->out, "-") == 0 ? stdout :
	    fopen(a->out, "w");
	if (f == NULL) {
		perror(a->out);
		return 3;
	}
	if (a->assertions)
		rc = teller_raire_solve(ctx, c, p, &rules, &a->o,
		    cli_write_file, f);
	else
		rc = teller_raire_problem(ctx, c, p, &rules, &a->o,
		    cli_write_file, f);
	if ((f == stdout ? fflush(f) : fclose(f)) != 0 && rc == TELLER_OK) {
		fprintf(stderr, "teller: %s: write failed\n", a->out ?
		    a->out : "standard output");
		return 3;
	}
	if (rc != TELLER_OK)
		return cli_report_error(ctx);
	/* --cvr-level DIR: each ballot's id and effective ranking */
	if (a->cvr_level != NULL)
		return cli_rctab_cvr_level(files[0], a->cvr_level);
	return 0;
}

int
cmd_raire(int argc, char **argv)
{
	struct raire_args a;
	teller_ctx *ctx;
	int first, status;

	memset(&a, 0, sizeof(a));
	a.threads = 1;
	teller_raire_opts_init(&a.o);
	first = cli_getopt(argc, argv, raire_opts, on_opt, &a);
	if (first < 0 || validate(&a) != 0) {
		fprintf(stderr, "usage: %s\n", SYNOPSIS);
		return 2;
	}
	if (first >= argc) {
		fprintf(stderr, "teller: raire: no input file\nusage: %s\n",
		    SYNOPSIS);
		return 2;
	}
	if (a.o.audit == TELLER_RAIRE_BRAVO)
		a.o.cmp = diff_cmp;
	a.o.text = diff_text;
	if (a.audit_given)
		a.o.same = diff_same;
	a.o.ud = &a;
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	teller_ctx_set_threads(ctx, a.threads);
	status = run(ctx, &a, argv + first, argc - first);
	teller_ctx_free(ctx);
	return status;
}
