/* SPDX-License-Identifier: MIT */
/*
 * t_cvr_cb_memo.c -- the Clear Ballot reader's memo (lib/rctab/
 * cvr_clearballot.c, issue 17): rows whose choice cells repeat reuse the
 * slots converted the first time (stable), and with src->merge come as
 * one weighted record after the file; a hit gives exactly what parsing
 * would (other contests' cells, quotes, CRLF, trailing empty fields,
 * short rows), and errors name their own line, merged or not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "cli.h"
#include "rctab_cvr.h"

static char log_[8192];
static size_t logn;
static long long total;
static const void *slots_of[16]; /* by line */
static bool stable_of[16];

/* Append one record as "id/prec/tab/line/weight:rank=names;...|". */
static int
rec(teller_ctx *ctx, void *ud, const struct tl_cvr *r)
{
	int s, j;
	long long w = r->weight > 0 ? r->weight : 1;

	(void)ctx;
	(void)ud;
	total += w;
	if (r->line >= 0 && r->line < 16) {
		slots_of[r->line] = r->slots;
		stable_of[r->line] = r->stable;
	}
	logn += (size_t)snprintf(log_ + logn, sizeof log_ - logn,
	    "%s/%s/%s/%ld/%lld:", r->supplied_id ? r->supplied_id : "-",
	    r->precinct ? r->precinct : "-",
	    r->tabulator_id ? r->tabulator_id : "-", r->line, w);
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

/* Read text as a Clear Ballot CVR of contest Mayor, with or without
 * merge; the code, the message in err. */
static int
readcb(const char *text, bool merge, char *err, size_t errn)
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
	src.provider = "clearBallot";
	src.path = path;
	src.contest_id = "Mayor";
	src.overvote_delimiter = src.overvote_label = "";
	src.skipped_rank_label = src.uwi_label = "";
	src.merge = merge;
	logn = 0;
	log_[0] = '\0';
	total = 0;
	memset(slots_of, 0, sizeof slots_of);
	memset(stable_of, 0, sizeof stable_of);
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return -1;
	teller_ctx_set_input(ctx, &cli_files);
	rc = tl_cvr_read_clearballot(ctx, &src, rec, NULL);
	if (err != NULL) {
		long line, col;

		teller_errpos(ctx, NULL, &line, &col);
		snprintf(err, errn, "%ld:%ld: %s", line, col,
		    rc ? teller_errmsg(ctx) : "");
	}
	teller_ctx_free(ctx);
	return rc;
}

#define HEAD "RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,"            \
	"BallotStyleID,PrecinctStyleName,ScanComputerName,Status,Remade,"   \
	"Choice_1_1:Mayor:1:Vote For 1:Ann:Dem,"                            \
	"Choice_9_1:Council:1:Vote For 1:Zed:Dem,"                          \
	"Choice_2_1:Mayor:1:Vote For 1:Bob:Rep,"                            \
	"Choice_3_1:Mayor:2:Vote For 1:Ann:Dem,"                            \
	"Choice_4_1:Mayor:2:Vote For 1:Bob:Rep,"                            \
	"Choice_8_1:Council:1:Vote For 1:Yan:Rep\n"

/* Rows 2 to 7 of the file: the same Mayor cells (1,0,0,0,1) with other
 * cells after them, none, a trailing empty field, CRLF, and a quoted
 * ballot id (never keyed); row 5 differs. */
#define ROWS "1,b,1,id1,P1,s,n,sc1,ok,0,1,0,0,0,1,1\n"                      \
	"2,b,2,id2,P2,s,n,sc2,ok,0,1,0,0,0,1,0\r\n"                         \
	"3,b,3,\"id,3\",P3,s,n,sc3,ok,0,1,0,0,0,1\n"                        \
	"4,b,4,id4,P4,s,n,sc4,ok,0,0,1,1,1,0\n"                             \
	"5,b,5,id5,P5,s,n,sc5,ok,0,1,0,0,0,1\n"                             \
	"6,b,6,id6,P6,s,n,sc6,ok,0,1,0,0,0,1,\n"

int
main(void)
{
	static const char firsts[] = "id1/P1/sc1/2/1:1=Ann;2=Bob;|"
	    "\"id,3\"/P3/sc3/4/1:1=Ann;2=Bob;|"
	    "id4/P4/sc4/5/1:1=Bob;2=Ann;|";
	char err[256];
	int fd;

	snprintf(path, sizeof path, "/tmp/t_cvr_cb_memo.XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);

	CHECK_INT(readcb(HEAD ROWS, false, NULL, 0), TELLER_OK);
	CHECK_STR(log_, "id1/P1/sc1/2/1:1=Ann;2=Bob;|"
	    "id2/P2/sc2/3/1:1=Ann;2=Bob;|"
	    "\"id,3\"/P3/sc3/4/1:1=Ann;2=Bob;|"
	    "id4/P4/sc4/5/1:1=Bob;2=Ann;|"
	    "id5/P5/sc5/6/1:1=Ann;2=Bob;|"
	    "id6/P6/sc6/7/1:1=Ann;2=Bob;|");
	CHECK_INT((int)total, 6);
	/* repeats of the first row's cells: its slots, stable */
	CHECK(stable_of[2] && stable_of[3] && stable_of[6] && stable_of[7],
	    "stable %d %d %d %d", stable_of[2], stable_of[3], stable_of[6],
	    stable_of[7]);
	CHECK(slots_of[3] == slots_of[2] && slots_of[6] == slots_of[2] &&
	    slots_of[7] == slots_of[2], "slots not reused");
	CHECK(!stable_of[4], "a quoted row is parsed");

	/* a hit reads only the ids' fields (issue 17): empty ones too */
	CHECK_INT(readcb(HEAD "1,b,1,id1,P1,s,n,sc1,ok,0,1,0,0,0,1\n"
	    "2,b,,,,s,,sc2,,,1,0,0,0,1\n"
	    "3,b,3,id3,P3,s,n,sc3,ok,0,1,0,0,0,1\n", false, NULL, 0),
	    TELLER_OK);
	CHECK_STR(log_, "id1/P1/sc1/2/1:1=Ann;2=Bob;|"
	    "//sc2/3/1:1=Ann;2=Bob;|id3/P3/sc3/4/1:1=Ann;2=Bob;|");
	CHECK(stable_of[3] && slots_of[3] == slots_of[2] &&
	    slots_of[4] == slots_of[2], "hits not reused");

	/* merged: first sights in order, then the repeats, weighted */
	CHECK_INT(readcb(HEAD ROWS, true, NULL, 0), TELLER_OK);
	CHECK_INT((int)total, 6);
	CHECK(strncmp(log_, firsts, strlen(firsts)) == 0, "merged log %s",
	    log_);
	CHECK(strstr(log_, "-/-/-/2/3:1=Ann;2=Bob;|") != NULL,
	    "Ann>Bob x3: %s", log_);

	/* an error after repeats names its own line, merged or not; so
	 * does a row whose last choice cell is empty */
	CHECK_INT(readcb(HEAD ROWS "7,b,7,id7,P7,s,n,sc7,ok,0,1,0,0,0,x\n",
	    true, err, sizeof err), TELLER_EPARSE);
	CHECK(strstr(err, "8:35: choice column 15: 'x' is not an integer")
	    != NULL, "merged error: %s", err);
	CHECK_INT(readcb(HEAD ROWS "7,b,7,id7,P7,s,n,sc7,ok,0,1,0,0,0,x\n",
	    false, err, sizeof err), TELLER_EPARSE);
	CHECK(strstr(err, "8:35: choice column 15: 'x' is not an integer")
	    != NULL, "plain error: %s", err);
	CHECK_INT(readcb(HEAD ROWS "7,b,7,id7,P7,s,n,sc7,ok,0,1,0,0,0,\n",
	    true, err, sizeof err), TELLER_EPARSE);
	CHECK(strstr(err, ":8:: choice column 15") != NULL ||
	    strstr(err, "no choice column 15") != NULL, "empty cell: %s",
	    err);
	CHECK_INT(readcb(HEAD ROWS "7,b,7,id7,P7,s,n,sc7,ok,0,1,0,0\n",
	    true, err, sizeof err), TELLER_EPARSE);
	CHECK(strstr(err, "13 fields, no choice column 14") != NULL,
	    "short row: %s", err);

	unlink(path);
	return h_done();
}
