/* SPDX-License-Identifier: MIT */
/*
 * scot_all.c -- count every BLT file named on the command line in one
 * process (one context each) under a method, as the benchmark of "all
 * Scottish elections in one process". Prints files counted and seats.
 * usage: scot_all METHOD FILE...
 */
#include <stdio.h>
#include <stdlib.h>

#include "teller.h"

int
main(int argc, char **argv)
{
	int i, done = 0, seats = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: scot_all METHOD FILE...\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		teller_ctx *ctx;
		teller_contest *c;
		teller_profile *p;
		teller_result *r;
		teller_rules rules;
		FILE *f = fopen(argv[i], "rb");
		char *buf;
		long len;

		if (f == NULL || fseek(f, 0, SEEK_END) != 0 ||
		    (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
			perror(argv[i]);
			return 1;
		}
		buf = malloc((size_t)len + 1);
		if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len)
			return 3;
		fclose(f);
		if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
			return 3;
		teller_rules_init(&rules, argv[1]);
		if (teller_read(ctx, TELLER_FMT_BLT, argv[i], buf, (size_t)len,
		    &c, &p) != TELLER_OK ||
		    teller_count(ctx, c, p, &rules, &r) != TELLER_OK) {
			fprintf(stderr, "%s: %s\n", argv[i], teller_errmsg(ctx));
			return 1;
		}
		seats += teller_result_nelected(r);
		done++;
		teller_ctx_free(ctx);
		free(buf);
	}
	fprintf(stderr, "%d files counted, %d seats filled\n", done, seats);
	return 0;
}
