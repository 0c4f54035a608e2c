/* SPDX-License-Identifier: MIT */
/*
 * count.c -- the smallest complete use of libteller, using only
 * <teller.h>: read a BLT election from memory, count it under the
 * Scottish STV rules, print the declaration. Built and run by make check.
 */
#include <stdio.h>
#include <string.h>

#include "teller.h"

static const char blt[] =
    "4 2\n"
    "30 1 2 0\n"
    "25 2 1 0\n"
    "20 3 4 0\n"
    "15 4 3 0\n"
    "10 1 3 0\n"
    "0\n"
    "\"Ann\"\n\"Bob\"\n\"Cat\"\n\"Dan\"\n"
    "\"Example ward\"\n";

static int
to_stdout(void *ud, const char *p, size_t n)
{
	(void)ud;
	return fwrite(p, 1, n, stdout) != n;
}

int
main(void)
{
	teller_ctx *ctx;
	teller_contest *contest;
	teller_profile *profile;
	teller_result *result;
	teller_rules rules;
	int rc;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return 3;
	rc = teller_read(ctx, TELLER_FMT_AUTO, "example.blt", blt,
	    strlen(blt), &contest, &profile);
	if (rc == TELLER_OK) {
		teller_rules_init(&rules, "stv-scottish");
		rc = teller_count(ctx, contest, profile, &rules, &result);
	}
	if (rc == TELLER_OK)
		rc = teller_report(ctx, result, TELLER_REP_TEXT, to_stdout,
		    NULL);
	if (rc != TELLER_OK)
		fprintf(stderr, "example: %s\n", teller_errmsg(ctx));
	else
		printf("elected first: %s\n", teller_result_elected(result, 0));
	teller_ctx_free(ctx);
	return rc == TELLER_OK ? 0 : 1;
}
