/* SPDX-License-Identifier: MIT */
/*
 * cmd_profile.c -- `teller profile FILES... -o PART` reads inputs of any
 * format into one compact profile file; `teller merge PARTS... -o ALL`
 * sums profile files exactly. Candidates must agree by name and order.
 * Uses the library's internal profile API (merge and write).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tl_int.h"

static int
usage(FILE *f, bool merge)
{
	if (merge)
		fprintf(f, "usage: teller merge [-o OUT] PART.tp...\n"
		    "  Sum profile files exactly into one (OUT, default "
		    "stdout).\n");
	else
		fprintf(f, "usage: teller profile [-f FORMAT] [-o OUT] "
		    "FILE...\n  Read ballots (blt, csv, preflib, profile) "
		    "into one profile file\n  (OUT, default stdout).\n");
	return f == stdout ? 0 : 2;
}

/* Does contest c list the same candidates in the same order as c0? */
static int
same_cands(const struct teller_contest *c0, const char *f0,
    const struct teller_contest *c, const char *f)
{
	int i;

	if (c0->ncand != c->ncand) {
		fprintf(stderr, "teller: %s: %d candidates, but %s has %d\n",
		    f, c->ncand, f0, c0->ncand);
		return 1;
	}
	for (i = 0; i < c->ncand; i++)
		if (strcmp(TL_CAND(c0, i)->name, TL_CAND(c, i)->name) != 0) {
			fprintf(stderr, "teller: %s: candidate %d is \"%s\", "
			    "but in %s it is \"%s\"\n", f, i + 1,
			    TL_CAND(c, i)->name, f0, TL_CAND(c0, i)->name);
			return 1;
		}
	if (c0->seats != 0 && c->seats != 0 && c0->seats != c->seats) {
		fprintf(stderr, "teller: %s: %d seats, but %s has %d\n", f,
		    c->seats, f0, c0->seats);
		return 1;
	}
	return 0;
}

static int
run(int argc, char **argv, bool merge)
{
	const char *out = "-", *first = NULL;
	enum teller_format fmt = merge ? TELLER_FMT_PROFILE : TELLER_FMT_AUTO;
	struct teller_contest *c0 = NULL;
	struct teller_profile *p0 = NULL;
	teller_ctx *ctx;
	int i, nfiles = 0, rc = 0;
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return usage(stdout, merge);
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (!merge && strcmp(argv[i], "-f") == 0 &&
		    i + 1 < argc) {
			int v = teller_format_parse(argv[++i]);
			if (v < 0) {
				fprintf(stderr, "teller: unknown format "
				    "'%s'\n", argv[i]);
				return 2;
			}
			fmt = (enum teller_format)v;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "teller: unknown option '%s'\n",
			    argv[i]);
			return usage(stderr, merge);
		} else {
			argv[++nfiles] = argv[i]; /* compact in place */
		}
	}
	if (nfiles == 0)
		return usage(stderr, merge);
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "teller: out of memory\n");
		return 3;
	}
	for (i = 1; i <= nfiles && rc == 0; i++) {
		teller_contest *c;
		teller_profile *p;
		char *buf;
		size_t len;

		if (cli_slurp(argv[i], &buf, &len) != 0) {
			rc = 1;
			break;
		}
		if (teller_read(ctx, fmt, argv[i], buf, len, &c, &p) !=
		    TELLER_OK)
			rc = cli_report_error(ctx);
		free(buf);
		if (rc != 0)
			break;
		if (c0 == NULL) {
			c0 = c;
			p0 = p;
			first = argv[i];
			continue;
		}
		if (same_cands(c0, first, c, argv[i]) != 0) {
			rc = 1;
			break;
		}
		if (c0->seats == 0)
			c0->seats = c->seats;
		ctx->file = argv[i];
		if (tl_profile_merge(ctx, p0, p) != TELLER_OK)
			rc = cli_report_error(ctx);
	}
	if (rc == 0) {
		f = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
		if (f == NULL) {
			perror(out);
			rc = 3;
		} else {
			ctx->file = out;
			if (tl_profile_write(ctx, c0, p0, cli_write_file, f) !=
			    TELLER_OK)
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
