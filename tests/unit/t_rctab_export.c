/* SPDX-License-Identifier: MIT */
/*
 * t_rctab_export.c -- what a run of an RCTab config writes besides the
 * report: RCTab's simplified CVR export rctab_cvr.csv (rctab.md 8.6),
 * the --convert-to-cdf run (8.7, no tabulation), and config numbers
 * written as JSON numbers (3: Jackson hands them to string fields as the
 * text written).
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
static char got[4][65536];
static char names[4][64];
static size_t gotn[4];
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
	if (nopen >= 4)
		return 1;
	snprintf(names[nopen], sizeof names[nopen], "%s", name);
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

/* Run config text cfg (written to DIR/config.json); the files land in
 * got[] in the order opened, their names in names[]. */
static int
run(const char *cfg, bool csv, bool convert, long *line)
{
	char path[128];
	struct tl_rctab_cfg *c;
	struct tl_rctab_opts o;
	teller_ctx *ctx;
	int rc;

	put("config.json", cfg);
	snprintf(path, sizeof path, "%s/config.json", dir);
	if (tt_ctx_new(NULL, &ctx) != TELLER_OK)
		return -1;
	memset(&o, 0, sizeof o);
	o.cvr_csv = csv;
	o.convert_cdf = convert;
	o.sink.open = s_open;
	o.sink.close = s_close;
	nopen = 0;
	rc = tl_rctab_config_load(ctx, path, &c);
	if (rc == TELLER_OK)
		rc = tl_rctab_run(ctx, c, &o);
	if (rc != TELLER_OK)
		fprintf(stderr, "  (%s)\n", teller_errmsg(ctx));
	if (line != NULL)
		*line = rc != TELLER_OK ? ctx->line : 0;
	teller_ctx_free(ctx);
	return rc;
}

#define HEAD "{\"tabulatorVersion\":\"TEST\",\"outputSettings\":{" \
	"\"contestName\":\"T\"},\"cvrFileSources\":[{\"filePath\":" \
	"\"cvr.csv\",\"provider\":\"genericCsv\",\"idColumnIndex\":\"1\"," \
	"\"firstVoteColumnIndex\":\"2\",\"firstVoteRowIndex\":\"2\"," \
	"\"undeclaredWriteInLabel\":\"W\"}]," \
	"\"candidates\":[{\"name\":\"Ann\",\"aliases\":[\"A\"]}," \
	"{\"name\":\"B\"},{\"name\":\"C\"}],\"rules\":{" \
	"\"tiebreakMode\":\"useCandidateOrder\"," \
	"\"overvoteRule\":\"alwaysSkipToNextRank\"," \
	"\"winnerElectionMode\":\"singleWinnerMajority\","

static const char *
cfgtext(char *buf, size_t n, const char *rules)
{
	snprintf(buf, n, "%s%s}}", HEAD, rules);
	return buf;
}

int
main(void)
{
	char cfg[4096];
	long line;

	snprintf(dir, sizeof dir, "/tmp/t_rctab_export.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	/* an alias column, a skipped rank, an overvote at rank 2, the
	 * write-in column, and a ballot with no rankings */
	put("cvr.csv", "id,A,B,C,W\n"
	    "x1,1,2,,\n"
	    "x2,,1,3,\n"
	    "x3,1,2,2,\n"
	    "x4,2,,,1\n"
	    "x5,,,,\n");

	/* the export: header with maxRankingsAllowed rank columns, one
	 * row per CVR in reading order, canonical names, the source's own
	 * write-in label, the overvote as a two-line cell, "undervote" */
	CHECK_INT(run(cfgtext(cfg, sizeof cfg,
	    "\"numberOfWinners\":\"1\","
	    "\"decimalPlacesForVoteArithmetic\":\"4\","
	    "\"maxSkippedRanksAllowed\":\"unlimited\","
	    "\"maxRankingsAllowed\":\"3\""), true, false, NULL), TELLER_OK);
	CHECK_STR(names[0], "rctab_cvr.csv");
	CHECK_STR(got[0],
	    "Source Filepath,CVR Provider,Contest Id,RCTab CVR Id,"
	    "Tabulator Id,Batch Id,Vendor Id,Precinct,Precinct Portion,"
	    "Rank 1,Rank 2,Rank 3\n"
	    "cvr.csv,genericCsv,,1,,,x1,,,Ann,B,undervote\n"
	    "cvr.csv,genericCsv,,2,,,x2,,,B,undervote,C\n"
	    "cvr.csv,genericCsv,,3,,,x3,,,Ann,\"B\nC\",undervote\n"
	    "cvr.csv,genericCsv,,4,,,x4,,,W,Ann,undervote\n"
	    "cvr.csv,genericCsv,,5,,,x5,,,undervote,undervote,undervote\n");
	CHECK_STR(names[1], "summary.json");
	CHECK_INT(nopen, 3);
	/* "max": one rank column per declared candidate */
	CHECK_INT(run(cfgtext(cfg, sizeof cfg,
	    "\"numberOfWinners\":\"1\","
	    "\"decimalPlacesForVoteArithmetic\":\"4\","
	    "\"maxSkippedRanksAllowed\":\"unlimited\","
	    "\"maxRankingsAllowed\":\"max\""), true, false, NULL), TELLER_OK);
	CHECK(strstr(got[0], "Rank 3\n") != NULL &&
	    strstr(got[0], "Rank 4") == NULL, "%.120s", got[0]);
	/* without cvr_csv the report comes first, as before */
	CHECK_INT(run(cfgtext(cfg, sizeof cfg,
	    "\"numberOfWinners\":\"1\","
	    "\"decimalPlacesForVoteArithmetic\":\"4\","
	    "\"maxSkippedRanksAllowed\":\"unlimited\","
	    "\"maxRankingsAllowed\":\"3\""), false, false, NULL), TELLER_OK);
	CHECK_STR(names[0], "summary.json");

	/* --convert-to-cdf: the export and the CDF with the original
	 * snapshots only, no report */
	CHECK_INT(run(cfgtext(cfg, sizeof cfg,
	    "\"numberOfWinners\":\"1\","
	    "\"decimalPlacesForVoteArithmetic\":\"4\","
	    "\"maxSkippedRanksAllowed\":\"unlimited\","
	    "\"maxRankingsAllowed\":\"3\""), true, true, NULL), TELLER_OK);
	CHECK_INT(nopen, 2);
	CHECK_STR(names[0], "rctab_cvr.csv");
	CHECK_STR(names[1], "cdf_cvr.json");
	CHECK(strstr(got[1], "\"CurrentSnapshotId\" : \"ballot-1\"") != NULL,
	    "%.300s", got[1]);
	CHECK(strstr(got[1], "interpreted") == NULL, "no rounds");
	CHECK(strstr(got[1], "\"Type\" : \"original\"") != NULL, "original");

	/* config numbers as JSON numbers: taken as their text */
	CHECK_INT(run(cfgtext(cfg, sizeof cfg,
	    "\"numberOfWinners\":1,\"decimalPlacesForVoteArithmetic\":4,"
	    "\"minimumVoteThreshold\":0.5,\"randomSeed\":-12,"
	    "\"maxSkippedRanksAllowed\":1,\"maxRankingsAllowed\":3"),
	    false, false, NULL), TELLER_OK);
	/* bottoms-up percentage 12.5 is exactly 0.125 (no double) */
	CHECK_INT(run(
	    "{\"tabulatorVersion\":\"TEST\",\"outputSettings\":{"
	    "\"contestName\":\"T\"},\"cvrFileSources\":[{\"filePath\":"
	    "\"cvr.csv\",\"provider\":\"genericCsv\",\"idColumnIndex\":1,"
	    "\"firstVoteColumnIndex\":2,\"firstVoteRowIndex\":2,"
	    "\"undeclaredWriteInLabel\":\"W\"}],"
	    "\"candidates\":[{\"name\":\"Ann\",\"aliases\":[\"A\"]},"
	    "{\"name\":\"B\"},{\"name\":\"C\"}],\"rules\":{"
	    "\"tiebreakMode\":\"useCandidateOrder\","
	    "\"overvoteRule\":\"alwaysSkipToNextRank\","
	    "\"winnerElectionMode\":\"bottomsUpUsingPercentageThreshold\","
	    "\"numberOfWinners\":0,"
	    "\"multiSeatBottomsUpPercentageThreshold\":12.5,"
	    "\"decimalPlacesForVoteArithmetic\":4,"
	    "\"maxSkippedRanksAllowed\":\"unlimited\","
	    "\"maxRankingsAllowed\":3}}", false, false, NULL), TELLER_OK);
	CHECK(strstr(got[1], "over the 12.5% threshold") != NULL,
	    "%.400s", got[1]);
	/* where RCTab's Integer.parseInt refuses the text, so do we */
	CHECK_INT(run(cfgtext(cfg, sizeof cfg,
	    "\"numberOfWinners\":1,\"decimalPlacesForVoteArithmetic\":4.0,"
	    "\"maxSkippedRanksAllowed\":1,\"maxRankingsAllowed\":3"),
	    false, false, NULL), TELLER_ECONFIG);
	/* a JSON error is placed in the file as written */
	CHECK_INT(run("{\"tabulatorVersion\":\"TEST\",\n\"a\":1.5,\n"
	    "\"b\":12x}", false, false, &line), TELLER_EPARSE);
	CHECK_INT(line, 3);

	/* ids quoted when a comma, quote or line end is anywhere in them:
	 * in the first 8 bytes, in a later 8-byte block, in the tail, or
	 * nowhere (cvx_has_special reads 8 bytes at a time) */
	put("cvr.csv", "id,A,B,C,W\n"
	    "\"abc,defghijklmnop\",1,,,\n"
	    "\"abcdefghij\"\"klmnop\",1,,,\n"
	    "\"abcdefghi\njklmnopqr\",1,,,\n"
	    "\"ab\rcdefghijklmnopq\",1,,,\n"
	    "abcdefghijklmnopqrstuvwxyz,1,,,\n");
	CHECK_INT(run(cfgtext(cfg, sizeof cfg,
	    "\"numberOfWinners\":\"1\","
	    "\"decimalPlacesForVoteArithmetic\":\"4\","
	    "\"maxSkippedRanksAllowed\":\"unlimited\","
	    "\"maxRankingsAllowed\":\"1\""), true, false, NULL), TELLER_OK);
	CHECK(strstr(got[0], ",1,,,\"abc,defghijklmnop\",,,Ann\n") != NULL &&
	    strstr(got[0], ",2,,,\"abcdefghij\"\"klmnop\",,,Ann\n") !=
	    NULL &&
	    strstr(got[0], ",3,,,\"abcdefghi\njklmnopqr\",,,Ann\n") != NULL &&
	    strstr(got[0], ",4,,,\"ab\rcdefghijklmnopq\",,,Ann\n") != NULL &&
	    strstr(got[0], ",5,,,abcdefghijklmnopqrstuvwxyz,,,Ann\n") !=
	    NULL, "%.900s", got[0]);

	/* a record's rank fields are made once per source and reused for
	 * its later rows (issue 17): not across sources, whose write-in
	 * labels differ and whose kept fields start again */
	put("cvr.csv", "id,A,B,C,W\n"
	    "x1,1,2,,\n"
	    "x2,,,,1\n"
	    "x3,1,2,,\n"
	    "x4,,,,1\n");
	put("cvr2.csv", "id,A,B,C,X\n"
	    "y1,,1,,\n"
	    "y2,,,,1\n"
	    "y3,1,2,,\n"
	    "y4,,1,,\n");
	CHECK_INT(run(
	    "{\"tabulatorVersion\":\"TEST\",\"outputSettings\":{"
	    "\"contestName\":\"T\"},\"cvrFileSources\":[{\"filePath\":"
	    "\"cvr.csv\",\"provider\":\"genericCsv\",\"idColumnIndex\":1,"
	    "\"firstVoteColumnIndex\":2,\"firstVoteRowIndex\":2,"
	    "\"undeclaredWriteInLabel\":\"W\"},{\"filePath\":"
	    "\"cvr2.csv\",\"provider\":\"genericCsv\",\"idColumnIndex\":1,"
	    "\"firstVoteColumnIndex\":2,\"firstVoteRowIndex\":2,"
	    "\"undeclaredWriteInLabel\":\"X\"}],"
	    "\"candidates\":[{\"name\":\"Ann\",\"aliases\":[\"A\"]},"
	    "{\"name\":\"B\"},{\"name\":\"C\"}],\"rules\":{"
	    "\"tiebreakMode\":\"useCandidateOrder\","
	    "\"overvoteRule\":\"alwaysSkipToNextRank\","
	    "\"winnerElectionMode\":\"singleWinnerMajority\","
	    "\"numberOfWinners\":1,\"decimalPlacesForVoteArithmetic\":4,"
	    "\"maxSkippedRanksAllowed\":\"unlimited\","
	    "\"maxRankingsAllowed\":2}}", true, false, NULL), TELLER_OK);
	CHECK(strstr(got[0], "Rank 2\n"
	    "cvr.csv,genericCsv,,1,,,x1,,,Ann,B\n"
	    "cvr.csv,genericCsv,,2,,,x2,,,W,undervote\n"
	    "cvr.csv,genericCsv,,3,,,x3,,,Ann,B\n"
	    "cvr.csv,genericCsv,,4,,,x4,,,W,undervote\n"
	    "cvr2.csv,genericCsv,,1,,,y1,,,B,undervote\n"
	    "cvr2.csv,genericCsv,,2,,,y2,,,X,undervote\n"
	    "cvr2.csv,genericCsv,,3,,,y3,,,Ann,B\n"
	    "cvr2.csv,genericCsv,,4,,,y4,,,B,undervote\n") != NULL,
	    "%.900s", got[0]);

	put("config.json", "");
	{
		char path[128];
		snprintf(path, sizeof path, "%s/cvr2.csv", dir);
		unlink(path);
		snprintf(path, sizeof path, "%s/cvr.csv", dir);
		unlink(path);
		snprintf(path, sizeof path, "%s/config.json", dir);
		unlink(path);
		rmdir(dir);
	}
	return h_done();
}
