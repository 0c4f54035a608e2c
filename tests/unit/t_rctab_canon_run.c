/* SPDX-License-Identifier: MIT */
/*
 * t_rctab_canon_run.c -- the manifest's canonical texts (audit.md 4.3)
 * made by a run from its own read of the CVRs (teller_rctab_options
 * canon_marked, canon_effective, canon_ids): the same bytes as the
 * separate read of teller_rctab_canon_profiles and
 * teller_rctab_ballot_ids, with the CVR opened once; a caller's trace
 * still sees every ballot beside the ids; a failing write fails the run;
 * and a run that asks for none leaves the outputs as they were.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "teller.h"

/* C excluded (withdrawn): left out of the effective profile */
#define CONFIG \
	"{\"tabulatorVersion\":\"TEST\",\"outputSettings\":{" \
	"\"contestName\":\"T\\tab\",\"outputDirectory\":\"out\"}," \
	"\"cvrFileSources\":[{\"filePath\":\"cvr.csv\"," \
	"\"provider\":\"genericCsv\",\"firstVoteColumnIndex\":\"2\"," \
	"\"firstVoteRowIndex\":\"2\",\"idColumnIndex\":\"1\"}]," \
	"\"candidates\":[{\"name\":\"B\"},{\"name\":\"A\"}," \
	"{\"name\":\"D\"},{\"name\":\"C\",\"excluded\":true}]," \
	"\"rules\":{\"tiebreakMode\":\"useCandidateOrder\"," \
	"\"overvoteRule\":\"alwaysSkipToNextRank\"," \
	"\"winnerElectionMode\":\"singleWinnerMajority\"," \
	"\"numberOfWinners\":\"1\",\"decimalPlacesForVoteArithmetic\":\"4\"," \
	"\"maxSkippedRanksAllowed\":\"1\"," \
	"\"maxRankingsAllowed\":\"max\"}}"

/* repeats (merged into one pattern), an overvote at rank 1, a skipped
 * rank, skips past the limit, an excluded candidate first, a blank */
#define CVR "id,A,B,C,D\n" \
	"x1,1,2,,\n" "x2,1,2,,\n" "x3,1,2,,\n" \
	"y1,2,1,,3\n" "y2,2,1,,3\n" \
	"z1,1,1,2,\n" "z2,,3,,1\n" "z3,,4,,1\n" \
	"w1,,2,1,\n" "w2,,,,\n" "w3,3,,1,2\n"
#define NBALLOTS 11

struct mem {
	const char *path, *text;
	int opens;
};

static struct mem files[] = {
	{ "mem/config.json", CONFIG, 0 },
	{ "mem/cvr.csv", CVR, 0 },
};
#define NFILES ((int)(sizeof files / sizeof files[0]))

static int
m_open(void *ud, const char *path, const char **buf, size_t *len,
    void **h)
{
	int i;

	(void)ud;
	for (i = 0; i < NFILES; i++) {
		if (strcmp(files[i].path, path) == 0) {
			files[i].opens++;
			*buf = files[i].text;
			*len = strlen(files[i].text);
			*h = &files[i];
			return 0;
		}
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
	int i;

	(void)ud;
	for (i = 0; i < NFILES; i++)
		if (strcmp(files[i].path, path) == 0)
			return TELLER_PATH_FILE;
	return strcmp(path, "mem") == 0 ? TELLER_PATH_DIR : TELLER_PATH_NONE;
}

static const teller_input mem_input = {
	m_open, NULL, m_close, m_list, m_kind, NULL
};

/* A growing text; fail: refuse writes */
struct text {
	char s[8192];
	size_t n;
	int fail;
};

static int
t_write(void *ud, const char *p, size_t n)
{
	struct text *t = ud;

	if (t->fail || t->n + n >= sizeof t->s)
		return 1;
	memcpy(t->s + t->n, p, n);
	t->n += n;
	t->s[t->n] = '\0';
	return 0;
}

/* The outputs: summary.json kept, the rest counted */
static struct text summary;
static int nout;

static int
o_open(void *ud, const char *path, teller_write_fn *w, void **wud)
{
	const char *slash = strrchr(path, '/');

	(void)ud;
	nout++;
	*w = t_write;
	if (strcmp(slash != NULL ? slash + 1 : path, "summary.json") == 0) {
		summary.n = 0;
		summary.s[0] = '\0';
		*wud = &summary;
	} else {
		static struct text sink;
		sink.n = 0;
		*wud = &sink;
	}
	return 0;
}

static int
o_close(void *ud, void *wud)
{
	(void)ud;
	(void)wud;
	return 0;
}

static int traced;

static int
tr_ballot(void *ud, const char *id, const char *ranking, size_t pattern)
{
	(void)ud;
	(void)id;
	(void)ranking;
	(void)pattern;
	traced++;
	return 0;
}

static void
opts(teller_rctab_options *o)
{
	teller_rctab_options_init(o);
	o->output.open = o_open;
	o->output.close = o_close;
	o->no_cvr_export = 1;
}

static teller_ctx *
ctx_new(void)
{
	teller_ctx *ctx;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	teller_ctx_set_input(ctx, &mem_input);
	return ctx;
}

static struct text m0, e0, i0, m1, e1, i1;

int
main(void)
{
	teller_rctab_options o;
	teller_rctab_trace tr;
	teller_rctab *r = NULL;
	teller_ctx *ctx;
	struct text plain;

	/* the separate read, as teller canon and teller verify make them */
	opts(&o);
	ctx = ctx_new();
	CHECK_INT(teller_rctab_load(ctx, "mem/config.json", &o, &r),
	    TELLER_OK);
	CHECK_INT(teller_rctab_canon_profiles(ctx, r, t_write, &m0, t_write,
	    &e0), TELLER_OK);
	CHECK_INT(teller_rctab_ballot_ids(ctx, r, t_write, &i0), TELLER_OK);
	teller_ctx_free(ctx);
	CHECK(strncmp(m0.s, "teller-profile/1\n", 17) == 0, "%s", m0.s);
	CHECK(strstr(m0.s, "\n3\t0\t1\n") != NULL, "x merged: %s", m0.s);
	CHECK(strstr(e0.s, "\tC\n") == NULL, "C withdrawn: %s", e0.s);
	CHECK(strncmp(i0.s, "teller-ballot-ids/1\n", 20) == 0, "%s", i0.s);

	/* a plain run: the outputs, asking for no canonical text */
	opts(&o);
	ctx = ctx_new();
	files[1].opens = 0;
	CHECK_INT(teller_rctab_load(ctx, "mem/config.json", &o, &r),
	    TELLER_OK);
	CHECK_INT(teller_rctab_run(ctx, r), TELLER_OK);
	CHECK_INT(files[1].opens, 1);
	teller_ctx_free(ctx);
	memcpy(&plain, &summary, sizeof plain);
	CHECK(plain.n > 0, "a summary");

	/* the run makes all three from its own read: the same bytes, the
	 * CVR opened once, the outputs unchanged */
	opts(&o);
	o.canon_marked = t_write;
	o.canon_marked_ud = &m1;
	o.canon_effective = t_write;
	o.canon_effective_ud = &e1;
	o.canon_ids = t_write;
	o.canon_ids_ud = &i1;
	ctx = ctx_new();
	files[1].opens = 0;
	CHECK_INT(teller_rctab_load(ctx, "mem/config.json", &o, &r),
	    TELLER_OK);
	CHECK_INT(teller_rctab_run(ctx, r), TELLER_OK);
	CHECK_INT(files[1].opens, 1);
	teller_ctx_free(ctx);
	CHECK_STR(m1.s, m0.s);
	CHECK_STR(e1.s, e0.s);
	CHECK_STR(i1.s, i0.s);
	CHECK_STR(summary.s, plain.s);

	/* the profiles only: merged reading, the same bytes */
	m1.n = e1.n = 0;
	o.canon_ids = NULL;
	ctx = ctx_new();
	CHECK_INT(teller_rctab_load(ctx, "mem/config.json", &o, &r),
	    TELLER_OK);
	CHECK_INT(teller_rctab_run(ctx, r), TELLER_OK);
	teller_ctx_free(ctx);
	CHECK_STR(m1.s, m0.s);
	CHECK_STR(e1.s, e0.s);
	CHECK_STR(summary.s, plain.s);

	/* with the caller's own trace: it sees every ballot, the ids are
	 * the same */
	memset(&tr, 0, sizeof tr);
	tr.ballot = tr_ballot;
	o.trace = &tr;
	o.canon_ids = t_write;
	i1.n = 0;
	ctx = ctx_new();
	CHECK_INT(teller_rctab_load(ctx, "mem/config.json", &o, &r),
	    TELLER_OK);
	CHECK_INT(teller_rctab_run(ctx, r), TELLER_OK);
	teller_ctx_free(ctx);
	CHECK_INT(traced, NBALLOTS);
	CHECK_STR(i1.s, i0.s);
	o.trace = NULL;

	/* a canonical text that cannot be written fails the run */
	e1.fail = 1;
	ctx = ctx_new();
	CHECK_INT(teller_rctab_load(ctx, "mem/config.json", &o, &r),
	    TELLER_OK);
	CHECK(teller_rctab_run(ctx, r) != TELLER_OK, "a failed write");
	teller_ctx_free(ctx);
	return h_done();
}
