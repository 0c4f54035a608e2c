/* SPDX-License-Identifier: MIT */
/*
 * t_cvr_csv_memo.c -- the generic CSV reader's fast path (memoized vote
 * cells, stable slots, merged repeats; lib/cvr_csv.c) gives the records
 * the plain parse gives: quoted cells, CRLF, lone CR, blank lines, a last
 * line without newline, errors on a late line; and merged repeats add up
 * to the ballots read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "cli.h"
#include "rctab_cvr.h"

/* A context whose inputs come from the file system, as the teller
 * command's do (cli/files.c): the library reads no file itself. */
static int
tt_ctx_new(const teller_alloc *alloc, teller_ctx **ctx)
{
	int rc = teller_ctx_new(alloc, ctx);

	if (rc == TELLER_OK)
		teller_ctx_set_input(*ctx, &cli_files);
	return rc;
}

static char log_[8192];
static size_t logn;
static long long total;

/* Append one record as "id/prec/line/weight:rank=names;...|" to log_. */
static int
rec(teller_ctx *ctx, void *ud, const struct tl_cvr *r)
{
	int s, j;
	long long w = r->weight > 0 ? r->weight : 1;

	(void)ctx;
	(void)ud;
	total += w;
	logn += (size_t)snprintf(log_ + logn, sizeof log_ - logn,
	    "%s/%s/%ld/%lld:", r->supplied_id ? r->supplied_id : "-",
	    r->precinct ? r->precinct : "-", r->line, w);
	for (s = 0; s < r->nslots && logn < sizeof log_; s++) {
		logn += (size_t)snprintf(log_ + logn, sizeof log_ - logn,
		    "%d=", r->slots[s].rank);
		for (j = 0; j < r->slots[s].n && logn < sizeof log_; j++)
			logn += (size_t)snprintf(log_ + logn,
			    sizeof log_ - logn, "%s%s", j ? "+" : "",
			    r->slots[s].cands[j]);
		if (logn < sizeof log_)
			log_[logn++] = ';';
	}
	if (logn < sizeof log_ - 1)
		log_[logn++] = '|';
	log_[logn < sizeof log_ ? logn : sizeof log_ - 1] = '\0';
	return TELLER_OK;
}

static char path[64];

/* Read text as a CVR with or without merge; returns the code. */
static int
readcsv(const char *text, bool merge, char *err, size_t errn)
{
	struct tl_cvr_source src;
	teller_ctx *ctx;
	FILE *f = fopen(path, "w");
	int rc;

	if (f == NULL)
		return -1;
	fputs(text, f);
	fclose(f);
	memset(&src, 0, sizeof src);
	src.provider = "genericCsv";
	src.path = path;
	src.contest_id = src.overvote_delimiter = src.overvote_label = "";
	src.skipped_rank_label = src.uwi_label = "";
	src.first_vote_col = 3;
	src.first_vote_row = 2;
	src.id_col = 1;
	src.precinct_col = 2;
	src.merge = merge;
	logn = 0;
	log_[0] = '\0';
	total = 0;
	if (tt_ctx_new(NULL, &ctx) != TELLER_OK)
		return -1;
	rc = tl_cvr_read_csv(ctx, &src, rec, NULL);
	if (err != NULL)
		snprintf(err, errn, "%s", rc ? teller_errmsg(ctx) : "");
	teller_ctx_free(ctx);
	return rc;
}

int
main(void)
{
	static const char firsts[] = "a/P1/2/1:1=A;2=B;|"
	    "c/P1/4/1:1=A;2=B;|e/P3/5/1:1=B+C;2=A;|";
	char err[256];
	int fd;

	snprintf(path, sizeof path, "/tmp/t_cvr_csv_memo.XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);

	/* repeats of "1,2," in every shape the reader must agree on */
	CHECK_INT(readcsv("id,p,A,B,C\n"
	    "a,P1,1,2,\n"
	    "b,P2,1,2,\r\n"
	    "\n\n"
	    "c,P1,\"1\",2,\n"
	    "d,,1,2,\r"
	    "e,P3,2,1,1\n"
	    "f,P1,1,2,\n"
	    "g,P2,2,1,1", false, NULL, 0), TELLER_OK);
	CHECK_STR(log_,
	    "a/P1/2/1:1=A;2=B;|b/P2/3/1:1=A;2=B;|c/P1/6/1:1=A;2=B;|"
	    "d/no precinct id/7/1:1=A;2=B;|e/P3/7/1:1=B+C;2=A;|"
	    "f/P1/8/1:1=A;2=B;|g/P2/9/1:1=B+C;2=A;|");
	CHECK_INT((int)total, 7);

	/* merged: first sights in order, then the repeats, weighted */
	CHECK_INT(readcsv("id,p,A,B,C\n"
	    "a,P1,1,2,\n"
	    "b,P2,1,2,\n"
	    "c,P1,\"1\",2,\n"
	    "e,P3,2,1,1\n"
	    "f,P1,1,2,\n"
	    "g,P2,2,1,1\n", true, NULL, 0), TELLER_OK);
	CHECK_INT((int)total, 6);
	CHECK(strncmp(log_, firsts, strlen(firsts)) == 0, "merged log %s",
	    log_);
	CHECK(strstr(log_, "-/-/2/2:1=A;2=B;|") != NULL, "A>B x2: %s",
	    log_);
	CHECK(strstr(log_, "-/-/5/1:1=B+C;2=A;|") != NULL, "B+C x1: %s",
	    log_);

	/* an error after many repeats names its own line, merged or not */
	CHECK_INT(readcsv("id,p,A,B,C\n1,x,1,,\n2,x,1,,\n3,x,1,,\n"
	    "4,x,1,,\n5,x,x,,\n", true, err, sizeof err), TELLER_EPARSE);
	CHECK(strstr(err, "Row 5 expected number at column 3") != NULL,
	    "merged error: %s", err);
	CHECK_INT(readcsv("id,p,A,B,C\n1,x,1,,\n2,x,1,,\n3,x,1,,\n"
	    "4,x,1,,\n5,x,x,,\n", false, err, sizeof err), TELLER_EPARSE);
	CHECK(strstr(err, "Row 5 expected number at column 3") != NULL,
	    "plain error: %s", err);

	/* a value past the header, after a memoized row of the same cells
	 * but shorter: not the same key, so it is still refused */
	CHECK_INT(readcsv("id,p,A,B\n1,x,1,2\n2,x,1,2,5\n", true, err,
	    sizeof err), TELLER_EPARSE);
	CHECK(strstr(err, "has a value but no header") != NULL, "extra: %s",
	    err);

	unlink(path);
	return h_done();
}
