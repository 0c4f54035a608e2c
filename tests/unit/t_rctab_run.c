/* SPDX-License-Identifier: MIT */
/*
 * t_rctab_run.c -- end-to-end checks of the RCTab engine on small
 * contests written to a temporary folder: the threshold formulas (Droop,
 * Hare, non-integer "HB"), surplus fractions, the write-in rule, an
 * interactive tie that stops the count, and config refusals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "cli.h"
#include "rctab.h"

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

static char dir[64];
static char got[8][65536];
static size_t gotn[8];
static int nopen;

static int
w_mem(void *ud, const char *p, size_t n)
{
	size_t *k = ud;
	int i = (int)(k - gotn);

	if (gotn[i] + n >= sizeof got[i])
		return 1;
	memcpy(got[i] + gotn[i], p, n);
	gotn[i] += n;
	got[i][gotn[i]] = '\0';
	return 0;
}

static int
s_open(void *ud, const char *name, teller_write_fn *w, void **wud)
{
	(void)ud;
	(void)name;
	if (nopen >= 8)
		return 1;
	gotn[nopen] = 0;
	got[nopen][0] = '\0';
	*w = w_mem;
	*wud = &gotn[nopen++];
	return 0;
}

static int
s_close(void *ud, void *wud)
{
	(void)ud;
	(void)wud;
	return 0;
}

static void
put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/* Run a config whose rules are `rules` over cvr.csv; returns the code,
 * the JSON in got[0] and the CSV in got[1]. */
static int
run(const char *rules, int seats, const char *mode, const char *uwi,
    const char *const *ties, int nties)
{
	char cfg[4096], path[128];
	struct tl_rctab_cfg *c;
	struct tl_rctab_opts o;
	teller_ctx *ctx;
	int rc;

	snprintf(cfg, sizeof cfg,
	    "{\"tabulatorVersion\":\"TEST\",\"outputSettings\":{"
	    "\"contestName\":\"T\"},\"cvrFileSources\":[{\"filePath\":"
	    "\"cvr.csv\",\"provider\":\"genericCsv\","
	    "\"firstVoteColumnIndex\":\"2\",\"firstVoteRowIndex\":\"2\","
	    "\"undeclaredWriteInLabel\":\"%s\"}],"
	    "\"candidates\":[{\"name\":\"A\"},{\"name\":\"B\"},"
	    "{\"name\":\"C\"},{\"name\":\"D\"}],\"rules\":{"
	    "\"overvoteRule\":\"alwaysSkipToNextRank\",\"winnerElectionMode\":"
	    "\"%s\",\"numberOfWinners\":\"%d\","
	    "\"decimalPlacesForVoteArithmetic\":\"4\","
	    "\"maxSkippedRanksAllowed\":\"unlimited\",\"maxRankingsAllowed\":"
	    "\"max\",%s}}", uwi, mode, seats, rules);
	put("config.json", cfg);
	snprintf(path, sizeof path, "%s/config.json", dir);
	if (tt_ctx_new(NULL, &ctx) != TELLER_OK)
		return -1;
	memset(&o, 0, sizeof o);
	o.ties = ties;
	o.nties = nties;
	o.sink.open = s_open;
	o.sink.close = s_close;
	nopen = 0;
	rc = tl_rctab_config_load(ctx, path, &c);
	if (rc == TELLER_OK)
		rc = tl_rctab_run(ctx, c, &o);
	if (rc != TELLER_OK)
		fprintf(stderr, "  (%s)\n", teller_errmsg(ctx));
	teller_ctx_free(ctx);
	return rc;
}

int
main(void)
{
	static const char *const ans[] = { "C" };

	snprintf(dir, sizeof dir, "/tmp/t_rctab_run.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	/* 10 ballots, A 5, B 3, C 2; ranks: A>B, B>C, C>B */
	put("cvr.csv", "id,A,B,C,D,W\n"
	    "1,1,2,,,\n2,1,2,,,\n3,1,2,,,\n4,1,2,,,\n5,1,2,,,\n"
	    "6,,1,2,,\n7,,1,2,,\n8,,1,2,,\n9,,2,1,,\n10,,2,1,,\n");
	/* Droop with 3 seats: floor(10/4) + 1 = 3; A's surplus 2/5 */
	CHECK_INT(run("\"tiebreakMode\":\"useCandidateOrder\"", 3,
	    "multiWinnerAllowMultipleWinnersPerRound", "", NULL, 0),
	    TELLER_OK);
	CHECK(strstr(got[0], "\"threshold\" : \"3\"") != NULL, "droop");
	/* A (5) and B (3) both reach it; A's ballots keep 5 x 0.6000 and
	 * their surplus 5 x 0.4000 finds B elected: exhausted */
	CHECK(strstr(got[0], "\"exhausted\" : \"2.0000\"") != NULL,
	    "surplus 2.0000 exhausted");
	CHECK(strstr(got[0], "\"A\" : \"3.0000\"") != NULL,
	    "A keeps exactly the threshold");
	CHECK(strstr(got[1], "Winner(s),\"A, B, C\"") != NULL, "winners");
	/* Hare: ceil(10/3) = 4 */
	CHECK_INT(run("\"tiebreakMode\":\"useCandidateOrder\",\"hareQuota\":"
	    "true", 3, "multiWinnerAllowMultipleWinnersPerRound", "", NULL,
	    0), TELLER_OK);
	CHECK(strstr(got[0], "\"threshold\" : \"4\"") != NULL, "hare");
	/* HB: 10/4 at 4 places + 0.0001 = 2.5001 */
	CHECK_INT(run("\"tiebreakMode\":\"useCandidateOrder\","
	    "\"nonIntegerWinningThreshold\":true", 3,
	    "multiWinnerAllowMultipleWinnersPerRound", "", NULL, 0),
	    TELLER_OK);
	CHECK(strstr(got[0], "\"threshold\" : \"2.5001\"") != NULL, "HB");
	/* IRV: majority of 10 is 6; C (2) goes first, both to B: B 5 */
	CHECK_INT(run("\"tiebreakMode\":\"useCandidateOrder\"", 1,
	    "singleWinnerMajority", "W", NULL, 0), TELLER_OK);
	CHECK(strstr(got[0], "\"threshold\" : \"6\"") != NULL, "majority");
	CHECK(strstr(got[1], "Number of Candidates,5") != NULL,
	    "write-in counts as a candidate");
	/* A and B tie 5-5 in the last round: stopCountingAndAsk stops */
	CHECK_INT(run("\"tiebreakMode\":\"stopCountingAndAsk\"", 1,
	    "singleWinnerMajority", "", NULL, 0), TELLER_ETIE);
	/* ...and an answer among the tied settles it; C and D tie at 0
	 * first, so the first question is for the loser */
	CHECK_INT(run("\"tiebreakMode\":\"stopCountingAndAsk\"", 1,
	    "singleWinnerMajority", "", ans, 1), TELLER_ETIE);
	/* refusals name the field */
	CHECK_INT(run("\"tiebreakMode\":\"random\"", 1,
	    "singleWinnerMajority", "", NULL, 0), TELLER_ECONFIG);
	CHECK_INT(run("\"tiebreakMode\":\"useCandidateOrder\"", 2,
	    "singleWinnerMajority", "", NULL, 0) == TELLER_OK, 1);
	CHECK_INT(run("\"tiebreakMode\":\"useCandidateOrder\"", 1,
	    "bottomsUp", "", NULL, 0), TELLER_ECONFIG);
	put("config.json", "");
	{
		char path[128];
		snprintf(path, sizeof path, "%s/cvr.csv", dir);
		unlink(path);
		snprintf(path, sizeof path, "%s/config.json", dir);
		unlink(path);
		rmdir(dir);
	}
	return h_done();
}
