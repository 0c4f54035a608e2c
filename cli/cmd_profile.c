/* SPDX-License-Identifier: MIT */
/*
 * cmd_profile.c -- `teller profile FILES... -o PART` reads inputs of any
 * format into one compact profile file; `teller merge PARTS... -o ALL`
 * sums profile files exactly. Candidates must agree by name and order.
 * Uses the library's internal profile API (merge and write).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

#define PROFILE_SYNOPSIS "teller profile [-f FORMAT] [-o OUT] [-j N] " \
	"FILE..."
#define MERGE_SYNOPSIS "teller merge [-o OUT] PART..."

struct pargs {
	const char *out;
	enum teller_format fmt;
	int threads; /* teller_ctx_set_threads: 0 = one per CPU */
	bool help;
};

static int
on_opt(void *ud, int id, const char *arg)
{
	struct pargs *a = ud;
	int v;

	switch (id) {
	case 'o':
		a->out = arg;
		break;
	case 'f':
		if ((v = teller_format_parse(arg)) < 0) {
			fprintf(stderr, "teller: unknown format '%s'\n", arg);
			return 1;
		}
		a->fmt = (enum teller_format)v;
		break;
	case 'j':
		return cli_threads(arg, &a->threads) != 0;
	case 'h':
		a->help = true;
		break;
	}
	return 0;
}

static int
run(int argc, char **argv, bool merge)
{
	struct pargs a = { "-", TELLER_FMT_AUTO, 0, false };
	const char *out;
	const char *syn = merge ? MERGE_SYNOPSIS : PROFILE_SYNOPSIS;
	const struct cli_opt *tab = merge ? merge_opts : profile_opts;
	enum teller_format fmt;
	teller_contest *c0 = NULL;
	teller_profile *p0 = NULL;
	teller_ctx *ctx;
	int i, first_file, rc = 0;
	FILE *f;

	if ((first_file = cli_getopt(argc, argv, tab, on_opt, &a)) < 0)
		return 2;
	if (a.help) {
		cli_help(stdout, syn, tab);
		return 0;
	}
	if (first_file >= argc) {
		fprintf(stderr, "teller: %s: no input files\n", argv[0]);
		cli_help(stderr, syn, tab);
		return 2;
	}
	out = a.out;
	fmt = merge ? TELLER_FMT_PROFILE : a.fmt;
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	teller_ctx_set_threads(ctx, a.threads);
	for (i = first_file; i < argc && rc == 0; i++) {
		teller_contest *c;
		teller_profile *p;
		struct cli_input in;

		if (cli_load(argv[i], &in) != 0) {
			rc = 1;
			break;
		}
		teller_ctx_set_release(ctx, cli_release, &in);
		if (teller_read(ctx, fmt, argv[i], in.buf, in.len, &c, &p) !=
		    TELLER_OK)
			rc = cli_report_error(ctx);
		teller_ctx_set_release(ctx, NULL, NULL);
		cli_unload(&in);
		if (rc != 0)
			break;
		if (c0 == NULL) {
			c0 = c;
			p0 = p;
			continue;
		}
		/* errors name argv[i], the input just read */
		if (teller_profile_merge(ctx, c0, p0, c, p) != TELLER_OK)
			rc = cli_report_error(ctx);
	}
	if (rc == 0) {
		f = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
		if (f == NULL) {
			perror(out);
			rc = 3;
		} else {
			if (teller_profile_write(ctx, c0, p0, cli_write_file,
			    f) != TELLER_OK)
				rc = cli_report_error(ctx);
			if (f != stdout ? fclose(f) != 0 : fflush(f) != 0) {
				fprintf(stderr, "teller: %s: write failed\n",
				    out);
				rc = 3;
			}
			if (rc != 0 && f != stdout)
				remove(out);
		}
	}
	teller_ctx_free(ctx);
	return rc;
}

int
cmd_profile(int argc, char **argv)
{
	return run(argc, argv, false);
}

int
cmd_merge(int argc, char **argv)
{
	return run(argc, argv, true);
}
