/* SPDX-License-Identifier: MIT */
/*
 * cmd_canon.c -- `teller canon`: write exactly the bytes a manifest's
 * hash is taken over (audit.md 4.3, 8.6): the contest, the marked or
 * effective profile, or the rules, so anyone can re-derive the hashes
 * with sha256sum.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "opts.h"

#define SYNOPSIS "teller canon [-m METHOD] [-s SEATS] [-f FORMAT] " \
	"(--contest | --profile marked|effective | --rules) FILE...\n" \
	"       teller canon --ballot-ids CONFIG.json"

struct canon_args {
	const char *method;
	int seats;
	int format;
	enum teller_canon_kind kind; /* if has_kind */
	bool has_kind;
	bool ids;                    /* --ballot-ids */
};

static int
set_kind(struct canon_args *a, enum teller_canon_kind kind)
{
	if ((a->has_kind && a->kind != kind) || a->ids) {
		fprintf(stderr, "teller: canon: give one of --contest, "
		    "--profile and --rules\n");
		return -1;
	}
	a->kind = kind;
	a->has_kind = true;
	return 0;
}

static int
on_opt(void *ud, int id, const char *arg)
{
	struct canon_args *a = ud;
	char *end;
	long v;

	switch (id) {
	case 'm':
		if (!teller_method_known(arg)) {
			fprintf(stderr, "teller: unknown method '%s' (see "
			    "teller canon --help)\n", arg);
			return -1;
		}
		a->method = arg;
		return 0;
	case 's':
		v = strtol(arg, &end, 10);
		if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || v < 1 ||
		    v > 100000) {
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
	case OPT_CONTEST:
		return set_kind(a, TELLER_CANON_CONTEST);
	case OPT_RULES:
		return set_kind(a, TELLER_CANON_RULES);
	case OPT_BALLOT_IDS:
		if (a->has_kind) {
			fprintf(stderr, "teller: canon: give one of "
			    "--contest, --profile, --rules and "
			    "--ballot-ids\n");
			return -1;
		}
		a->ids = true;
		a->has_kind = true;
		return 0;
	case OPT_PROFILE:
		if (strcmp(arg, "marked") == 0)
			return set_kind(a, TELLER_CANON_MARKED);
		if (strcmp(arg, "effective") == 0)
			return set_kind(a, TELLER_CANON_EFFECTIVE);
		fprintf(stderr, "teller: --profile: '%s' is not marked or "
		    "effective\n", arg);
		return -1;
	case 'h':
		cli_help(stdout, SYNOPSIS, canon_opts);
		exit(0);
	default:
		return -1;
	}
}

/* --ballot-ids: only CVR inputs carry ballot ids (an RCTab config and
 * its CVR files); a ballot file (BLT, CSV...) has none. */
static int
canon_ids(const struct canon_args *a, int n, char **files)
{
	int rc;

	if (n != 1 || a->method != NULL || a->seats != 0 ||
	    a->format != TELLER_FMT_AUTO) {
		fprintf(stderr, "teller: canon: --ballot-ids takes one RCTab "
		    "config and no -m, -s or -f\n");
		return 2;
	}
	if (!cli_is_rctab_config(files[0])) {
		fprintf(stderr, "teller: %s: no ballot ids: only CVR input "
		    "(an RCTab config) carries them\n", files[0]);
		return 1;
	}
	rc = cli_rctab_ballot_ids(files[0], NULL, TELLER_HART_SIG_CHECK,
	    cli_write_file, stdout);
	if (rc == 0 && fflush(stdout) != 0) {
		fprintf(stderr, "teller: standard output: write failed\n");
		rc = 3;
	}
	return rc;
}

int
cmd_canon(int argc, char **argv)
{
	struct canon_args a = { NULL, 0, TELLER_FMT_AUTO,
	    TELLER_CANON_CONTEST, false, false };
	teller_ctx *ctx = NULL;
	teller_contest *c;
	teller_profile *p;
	teller_rules rules;
	int first, status;

	first = cli_getopt(argc, argv, canon_opts, on_opt, &a);
	if (first < 0 || !a.has_kind || first >= argc) {
		if (first >= 0)
			fprintf(stderr, "teller: canon: %s\n", !a.has_kind ?
			    "give --contest, --profile KIND, --rules or "
			    "--ballot-ids" :
			    "no input file");
		fprintf(stderr, "usage: %s\n", SYNOPSIS);
		return 2;
	}
	if (a.ids)
		return canon_ids(&a, argc - first, argv + first);
	if (argc - first == 1 && a.kind != TELLER_CANON_RULES &&
	    a.format == TELLER_FMT_AUTO && cli_is_rctab_config(argv[first])) {
		/* an RCTab config: its contest and profiles under its own
		 * rules (what teller rctab's manifest hashes) */
		if (a.method != NULL || a.seats != 0) {
			fprintf(stderr, "teller: canon: an RCTab config takes "
			    "no -m or -s (its rules are in it)\n");
			return 2;
		}
		status = cli_rctab_canon(argv[first], NULL,
		    TELLER_HART_SIG_CHECK, (int)a.kind, cli_write_file,
		    stdout);
		if (status == 0 && fflush(stdout) != 0) {
			fprintf(stderr, "teller: standard output: write "
			    "failed\n");
			status = 3;
		}
		return status;
	}
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	status = cli_read_inputs(ctx, NULL, a.format, argv + first,
	    argc - first, NULL, &c, &p);
	if (status == 0) {
		/* the default method as teller count takes it */
		teller_rules_init(&rules, a.method != NULL ? a.method :
		    (a.seats > 1 || (a.seats == 0 &&
		    teller_contest_seats(c) > 1)) ? "stv-scottish" : "irv");
		rules.seats = a.seats;
		if (teller_canon(ctx, c, p, &rules, a.kind, cli_write_file,
		    stdout) != TELLER_OK)
			status = cli_report_error(ctx);
		else if (fflush(stdout) != 0) {
			fprintf(stderr, "teller: standard output: write "
			    "failed\n");
			status = 3;
		}
	}
	teller_ctx_free(ctx);
	return status;
}
