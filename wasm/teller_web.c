/* SPDX-License-Identifier: MIT */
/*
 * teller_web.c -- the counting page's one entry point (make wasm): the
 * files the user chose, read, merged and counted as `teller count` does
 * (cli/cmd_count.c), and the report rendered into memory for the page to
 * show. Only <teller.h>; built by emcc, never into libteller.
 */
#include <stdlib.h>
#include <string.h>

#include "teller.h"

static char *out;        /* the report, or the error line */
static size_t out_len, out_cap;

static int
put(void *ud, const char *p, size_t n)
{
	(void)ud;
	if (n > ((size_t)-1) / 2 - out_len)
		return 1;
	if (out_len + n + 1 > out_cap) {
		size_t cap = out_cap ? out_cap : 4096;
		char *np;

		while (cap < out_len + n + 1)
			cap *= 2;
		if ((np = realloc(out, cap)) == NULL)
			return 1;
		out = np;
		out_cap = cap;
	}
	memcpy(out + out_len, p, n);
	out_len += n;
	out[out_len] = '\0';
	return 0;
}

/* The error as the command prints it, without "teller: ":
 * NAME:LINE:COL: message. Returns its exit status. */
static int
error(teller_ctx *ctx)
{
	const char *file, *msg = teller_errmsg(ctx);
	long line, col;
	char num[48];

	out_len = 0;
	teller_errpos(ctx, &file, &line, &col);
	if (file != NULL) {
		put(NULL, file, strlen(file));
		if (line > 0) {
			int k = 0;
			long v[2];

			v[0] = line;
			v[1] = col > 0 ? col : 1;
			for (k = 0; k < 2; k++) {
				size_t i = sizeof num;
				long x = v[k];

				num[--i] = '\0';
				do
					num[--i] = (char)('0' + x % 10);
				while ((x /= 10) > 0);
				num[--i] = ':';
				put(NULL, num + i, strlen(num + i));
			}
		}
		put(NULL, ": ", 2);
	}
	put(NULL, msg, strlen(msg));
	return teller_exit_status(teller_errcode(ctx));
}

const char *tw_output(void);
size_t tw_output_len(void);
int tw_count(int n, const char *const *names, const char *const *bufs,
    const size_t *lens, const char *method, int seats, const char *seed,
    int kind);

/* The report or error of the last tw_count, and its length. */
const char *
tw_output(void)
{
	return out != NULL ? out : "";
}

size_t
tw_output_len(void)
{
	return out_len;
}

/* Read the n inputs (names[i], bufs[i], lens[i]), merged (or one round
 * each for exhaustive), count under method (NULL or "": irv, or
 * stv-scottish for several seats), seats (0: from the input) and seed,
 * and render report kind (enum teller_report_kind). Returns the exit
 * status the command would give: 0, 1, 2, 3, 4 (the report is written
 * and the count stopped: tw_output has the report). */
int
tw_count(int n, const char *const *names, const char *const *bufs,
    const size_t *lens, const char *method, int seats, const char *seed,
    int kind)
{
	teller_contest **c = calloc((size_t)(n > 0 ? n : 1), sizeof(*c));
	teller_profile **p = calloc((size_t)(n > 0 ? n : 1), sizeof(*p));
	teller_ctx *ctx = NULL;
	teller_result *res;
	teller_rules rules;
	int i, rc = 0, rounds;

	out_len = 0;
	if (c == NULL || p == NULL || teller_ctx_new(NULL, &ctx) != 0) {
		put(NULL, "out of memory", 13);
		rc = 3;
		goto done;
	}
	if (n < 1) {
		put(NULL, "count: no input file", 20);
		rc = 2;
		goto done;
	}
	if (method != NULL && method[0] == '\0')
		method = NULL;
	rounds = method != NULL && strcmp(method, "exhaustive") == 0;
	for (i = 0; i < n && rc == 0; i++)
		if (teller_read(ctx, TELLER_FMT_AUTO, names[i], bufs[i],
		    lens[i], &c[i], &p[i]) != TELLER_OK || (i > 0 && !rounds &&
		    teller_profile_merge(ctx, c[0], p[0], c[i], p[i]) !=
		    TELLER_OK))
			rc = error(ctx);
	if (rc != 0)
		goto done;
	if (method == NULL)
		method = seats > 1 || (seats == 0 &&
		    teller_contest_seats(c[0]) > 1) ? "stv-scottish" : "irv";
	teller_rules_init(&rules, method);
	rules.seats = seats;
	rules.seed = seed != NULL && seed[0] != '\0' ? seed : "1";
	if (rounds) {
		rules.round_contests = (const teller_contest *const *)c + 1;
		rules.round_profiles = (const teller_profile *const *)p + 1;
		rules.nrounds = n - 1;
	}
	if (teller_count(ctx, c[0], p[0], &rules, &res) != TELLER_OK) {
		rc = error(ctx);
		goto done;
	}
	if ((kind == TELLER_REP_HTML ? teller_report_html(ctx, res, NULL, put,
	    NULL) : teller_report(ctx, res, (enum teller_report_kind)kind,
	    put, NULL)) != TELLER_OK) {
		rc = error(ctx);
		goto done;
	}
	if (teller_result_stopped(res) != NULL)
		rc = 4;
done:
	teller_ctx_free(ctx);
	free(c);
	free(p);
	return rc;
}
