/* SPDX-License-Identifier: MIT */
/*
 * t_rctab_trace.c -- the per-ballot observer of an RCTab tabulation
 * (teller_rctab_trace, audit.md 6) and the canonical ballot ids
 * (teller_rctab_ballot_ids, audit.md 4.3), on a contest in memory: every
 * ballot is reported with its id, ranking and pattern; every change of
 * holder or status with its round; the outputs are byte for byte those
 * of a run without the observer; a callback that says stop stops it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "teller.h"

#define CONFIG \
	"{\"tabulatorVersion\":\"TEST\",\"outputSettings\":{" \
	"\"contestName\":\"T\",\"outputDirectory\":\"out\"}," \
	"\"cvrFileSources\":[{\"filePath\":\"cvr.csv\"," \
	"\"provider\":\"genericCsv\",\"idColumnIndex\":\"1\"," \
	"\"firstVoteColumnIndex\":\"2\",\"firstVoteRowIndex\":\"2\"}]," \
	"\"candidates\":[{\"name\":\"A\"},{\"name\":\"B\"},{\"name\":\"C\"}]," \
	"\"rules\":{\"tiebreakMode\":\"useCandidateOrder\"," \
	"\"overvoteRule\":\"exhaustImmediately\"," \
	"\"winnerElectionMode\":\"singleWinnerMajority\"," \
	"\"numberOfWinners\":\"1\",\"decimalPlacesForVoteArithmetic\":\"4\"," \
	"\"maxSkippedRanksAllowed\":\"unlimited\"," \
	"\"maxRankingsAllowed\":\"max\"}}"

/* A > B 4, B > A 3, C > B 2, C alone 1, an overvote 1: C goes in
 * round 1; its C > B papers go to B, the C-only paper is exhausted;
 * B wins 5-4 */
#define CVR "id,A,B,C\nv1,1,2,\nv2,1,2,\nv3,1,2,\nv4,1,2,\n" \
	"v5,2,1,\nv6,2,1,\nv7,2,1,\nv8,,2,1\nv9,,2,1\nv10,,,1\n" \
	"v11,1,1,\n"

static const char *texts[] = { CONFIG, CVR };
static const char *paths[] = { "mem/config.json", "mem/cvr.csv" };

static int
m_open(void *ud, const char *path, const char **buf, size_t *len,
    void **h)
{
	int i;

	(void)ud;
	for (i = 0; i < 2; i++)
		if (strcmp(paths[i], path) == 0) {
			*buf = texts[i];
			*len = strlen(texts[i]);
			*h = NULL;
			return 0;
		}
	return ENOENT;
}

static void
m_close(void *ud, void *h)
{
	(void)ud;
	(void)h;
}

static int
m_list(void *ud, const char *dir, int (*fn)(void *, const char *),
    void *fud)
{
	(void)ud;
	(void)dir;
	(void)fn;
	(void)fud;
	return ENOTDIR;
}

static int
m_kind(void *ud, const char *path)
{
	(void)ud;
	return strcmp(path, paths[0]) == 0 || strcmp(path, paths[1]) == 0 ?
	    TELLER_PATH_FILE : TELLER_PATH_NONE;
}

static const teller_input mem_input = {
	m_open, NULL, m_close, m_list, m_kind, NULL
};

/* The outputs: summary.json is kept, the rest dropped. */
static char summary[2][8192];
static size_t nsum[2];
static int run_no;

static int
o_write(void *ud, const char *p, size_t n)
{
	if (ud == NULL)
		return 0;
	if (nsum[run_no] + n >= sizeof summary[run_no])
		return 1;
	memcpy(summary[run_no] + nsum[run_no], p, n);
	nsum[run_no] += n;
	return 0;
}

static int
o_open(void *ud, const char *path, teller_write_fn *w, void **wud)
{
	(void)ud;
	*w = o_write;
	*wud = strcmp(path, "summary.json") == 0 ? (void *)summary : NULL;
	return 0;
}

static int
o_close(void *ud, void *wud)
{
	(void)ud;
	(void)wud;
	return 0;
}

/* What the observer was told. */
static char ids[16][8], rankings[16][32];
static size_t pats[16];
static int nballot;
static char evtext[32][64];
static int nev, stop_at = -1, passes, rounds;

static int
on_ballot(void *ud, const char *id, const char *ranking, size_t pattern)
{
	(void)ud;
	if (nballot >= 16)
		return 1;
	snprintf(ids[nballot], sizeof ids[nballot], "%s", id);
	snprintf(rankings[nballot], sizeof rankings[nballot], "%s", ranking);
	pats[nballot++] = pattern;
	return nballot == stop_at;
}

static int
on_event(void *ud, int pass, int round, size_t pattern, const char *holder,
    const char *reason, const char *tv)
{
	(void)ud;
	if (nev >= 32)
		return 1;
	snprintf(evtext[nev++], sizeof evtext[0], "%d.%d p%zu %s %s", pass,
	    round, pattern, holder != NULL ? holder : reason, tv);
	return 0;
}

static int
on_pass_end(void *ud, int pass, int nround)
{
	(void)ud;
	passes += pass + 1;
	rounds = nround;
	return 0;
}

/* Is there an event with this text? */
static int
has_event(const char *s)
{
	int i;

	for (i = 0; i < nev; i++)
		if (strcmp(evtext[i], s) == 0)
			return 1;
	return 0;
}

static int
run(const teller_rctab_trace *tr, int want)
{
	teller_rctab_options o;
	teller_rctab *r = NULL;
	teller_ctx *ctx;
	int rc;

	teller_rctab_options_init(&o);
	o.output.open = o_open;
	o.output.close = o_close;
	o.output_dir = "";
	o.no_cvr_export = 1;
	o.trace = tr;
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return -1;
	teller_ctx_set_input(ctx, &mem_input);
	rc = teller_rctab_load(ctx, "mem/config.json", &o, &r);
	if (rc == TELLER_OK)
		rc = teller_rctab_run(ctx, r);
	teller_rctab_free(r);
	CHECK(rc == want, "run: %d, want %d: %s", rc, want,
	    teller_errmsg(ctx));
	teller_ctx_free(ctx);
	return rc;
}

static int
buf_write(void *ud, const char *p, size_t n)
{
	char *b = ud;
	size_t k = strlen(b);

	if (k + n >= 1024)
		return 1;
	memcpy(b + k, p, n);
	b[k + n] = '\0';
	return 0;
}

int
main(void)
{
	teller_rctab_trace tr = { on_ballot, on_event, on_pass_end, NULL };
	teller_rctab_options o;
	teller_rctab *r = NULL;
	teller_ctx *ctx;
	char text[1024] = "";
	int i;

	/* without the observer, then with it: the same report */
	run_no = 0;
	run(NULL, TELLER_OK);
	run_no = 1;
	run(&tr, TELLER_OK);
	CHECK(nsum[0] > 0 && nsum[0] == nsum[1] &&
	    memcmp(summary[0], summary[1], nsum[0]) == 0,
	    "the observer changes no output");
	CHECK(strstr(summary[1], "\"B\" : \"5\"") != NULL, "B wins 5-4");

	/* every ballot, in reading order, identical ones sharing a
	 * pattern */
	CHECK_INT(nballot, 11);
	CHECK_STR(ids[0], "v1");
	CHECK_STR(ids[10], "v11");
	CHECK_STR(rankings[0], "A>B");
	CHECK_STR(rankings[7], "C>B");
	CHECK_STR(rankings[9], "C");
	CHECK_STR(rankings[10], "A=B");
	for (i = 1; i < 4; i++)
		CHECK(pats[i] == pats[0], "v%d shares v1's pattern", i + 1);
	CHECK(pats[4] != pats[0] && pats[8] == pats[7], "patterns");

	/* round 1 every pattern; round 2 only what moved */
	CHECK(has_event("0.1 p0 A 1"), "A>B counted for A");
	CHECK(has_event("0.1 p2 C 1"), "C>B counted for C");
	CHECK(has_event("0.1 p4 overvote 1"), "the overvote");
	CHECK(has_event("0.2 p2 B 1"), "C>B transferred to B");
	CHECK(has_event("0.2 p3 exhausted choices 1"), "C alone exhausted");
	CHECK(!has_event("0.2 p0 A 1"), "a paper that stays is not told");
	CHECK_INT(passes, 1);
	CHECK_INT(rounds, 2);

	/* a callback that says stop stops the run */
	nballot = nev = 0;
	stop_at = 3;
	run(&tr, TELLER_EINVAL);
	CHECK_INT(nballot, 3);
	CHECK_INT(nev, 0);

	/* the canonical ballot ids: sorted lines, effective ranks */
	teller_rctab_options_init(&o);
	o.output.open = o_open;
	o.output.close = o_close;
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return 1;
	teller_ctx_set_input(ctx, &mem_input);
	CHECK_INT(teller_rctab_load(ctx, "mem/config.json", &o, &r),
	    TELLER_OK);
	CHECK_INT(r != NULL ? teller_rctab_ballot_ids(ctx, r, buf_write,
	    text) : -1, TELLER_OK);
	teller_rctab_free(r);
	teller_ctx_free(ctx);
	CHECK_STR(text, "teller-ballot-ids/1\nc\t0\tA\nc\t1\tB\nc\t2\tC\n"
	    "v1\t0\t1\nv10\t2\nv11\nv2\t0\t1\nv3\t0\t1\nv4\t0\t1\n"
	    "v5\t1\t0\nv6\t1\t0\nv7\t1\t0\nv8\t2\t1\nv9\t2\t1\n");
	return h_done();
}
