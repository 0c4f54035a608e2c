/* SPDX-License-Identifier: MIT */
/*
 * t_rctab_par.c -- the parallel read of a generic CSV CVR (lib/cvr_csv.c,
 * "the parallel read"): with 2, 3 and 4 threads the reader hands over
 * exactly the records one thread hands over (ids, lines, weights, slots,
 * in order) on generated files large enough to be cut, plain and with
 * quirks near the cut (quotes, a quoted field across it, blank lines,
 * CRLF, lone CR, a full memo), and stops with the same error code, line,
 * column and message (bad cell, bad UTF-8 or NUL on either side of the
 * cut, a callback refusing a record), also on a 17 MB file read past the
 * page drops. A whole RCTab run writes the same summary files with 1 and
 * 2 threads.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "partest.h"

/* ------------------------------------------------------------------ */
/* reading a CSV with n threads                                        */

struct got {
	int rc;
	long line, col;
	char msg[256];
	struct buf log;
	long long total;
	const char *fail_id; /* the callback refuses this computed id */
};

/* Log a record as "cid/id/prec/line/weight:rank=names;...|". */
static int
rec(teller_ctx *ctx, void *ud, const struct tl_cvr *r)
{
	struct got *g = ud;
	char tmp[256];
	int s, j;
	long long w = r->weight > 0 ? r->weight : 1;

	g->total += w;
	snprintf(tmp, sizeof tmp, "%s/%s/%s/%s/%ld/%lld%s:", r->computed_id,
	    r->supplied_id ? r->supplied_id : "-",
	    r->precinct ? r->precinct : "-", r->batch ? r->batch : "-",
	    r->line, w, r->stable ? "s" : "");
	b_str(&g->log, tmp);
	for (s = 0; s < r->nslots; s++) {
		snprintf(tmp, sizeof tmp, "%d=", r->slots[s].rank);
		b_str(&g->log, tmp);
		for (j = 0; j < r->slots[s].n; j++) {
			if (j > 0)
				b_str(&g->log, "+");
			b_str(&g->log, r->slots[s].cands[j]);
		}
		b_str(&g->log, ";");
	}
	b_str(&g->log, "|\n");
	if (g->fail_id != NULL && strcmp(r->computed_id, g->fail_id) == 0)
		return tl_fail_at(ctx, TELLER_EPARSE, r->line, 0,
		    "refused record %s", r->computed_id);
	return TELLER_OK;
}

static char path[128];

static void
put_file(const char *text, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		abort();
	if (fwrite(text, 1, n, f) != n)
		abort();
	fclose(f);
}

/* Read path with nt threads (merge as given) into g. */
static void
readcsv(int nt, bool merge, const char *fail_id, struct got *g)
{
	struct tl_cvr_source src;
	teller_ctx *ctx;
	const char *file = NULL;

	memset(g, 0, sizeof *g);
	g->fail_id = fail_id;
	b_str(&g->log, "");
	memset(&src, 0, sizeof src);
	src.provider = "genericCsv";
	src.path = path;
	src.contest_id = src.overvote_delimiter = src.overvote_label = "";
	src.skipped_rank_label = "";
	src.uwi_label = "W";
	src.first_vote_col = 3;
	src.first_vote_row = 2;
	src.id_col = 1;
	src.precinct_col = 2;
	src.merge = merge;
	if (pt_ctx_new(&ctx) != TELLER_OK)
		abort();
	teller_ctx_set_threads(ctx, nt);
	g->rc = tl_cvr_read_csv(ctx, &src, rec, g);
	snprintf(g->msg, sizeof g->msg, "%s", teller_errmsg(ctx));
	teller_errpos(ctx, &file, &g->line, &g->col);
	teller_ctx_free(ctx);
}

/* Check that 2, 3 and 4 threads give what one gives; returns the
 * one-thread code. */
static int
same_read(const char *what, bool merge, const char *fail_id)
{
	struct got one, more;
	int nt;

	readcsv(1, merge, fail_id, &one);
	for (nt = 2; nt <= 4; nt++) {
		readcsv(nt, merge, fail_id, &more);
		CHECK(one.rc == more.rc, "%s, %d threads: rc %d vs %d (%s / "
		    "%s)", what, nt, one.rc, more.rc, one.msg, more.msg);
		CHECK(one.line == more.line && one.col == more.col,
		    "%s, %d threads: at %ld:%ld vs %ld:%ld", what, nt,
		    one.line, one.col, more.line, more.col);
		CHECK_STR(one.msg, more.msg);
		CHECK(one.log.n == more.log.n &&
		    memcmp(one.log.p, more.log.p, one.log.n) == 0,
		    "%s, %d threads: records differ (%zu vs %zu bytes)", what,
		    nt, one.log.n, more.log.n);
		CHECK(one.total == more.total, "%s, %d threads: %lld vs %lld "
		    "ballots", what, nt, one.total, more.total);
		free(more.log.p);
	}
	free(one.log.p);
	return one.rc;
}

/* ------------------------------------------------------------------ */
/* generated CVRs                                                      */

static uint64_t rng_s;

static unsigned
rnd(unsigned n)
{
	rng_s = rng_s * 6364136223846793005u + 1442695040888963407u;
	return (unsigned)((rng_s >> 33) % n);
}

#define NC 8

/* One record: id, precinct, NC vote cells; `spread` picks how many
 * distinct rankings there are (small: a few hundred; large: most
 * records new). */
static void
gen_record(struct buf *b, long i, bool spread)
{
	char tmp[64];
	int cell[NC] = { 0 }, k, nr, c;

	snprintf(tmp, sizeof tmp, "B%07ld,P%03u", i, rnd(40));
	b_str(b, tmp);
	nr = 1 + (int)rnd(spread ? 6 : 3);
	for (k = 1; k <= nr; k++) {
		c = (int)rnd(spread ? NC : 4);
		if (cell[c] == 0)
			cell[c] = k;
	}
	if (spread)		/* big ranks make many more patterns */
		cell[rnd(NC)] = 10 + (int)rnd(90);
	for (c = 0; c < NC; c++) {
		if (cell[c] != 0)
			snprintf(tmp, sizeof tmp, ",%d", cell[c]);
		else
			snprintf(tmp, sizeof tmp, ",");
		b_str(b, tmp);
	}
}

/* A CVR of n records; quirk(b, i) may replace record i (return true). */
typedef bool (*quirk_fn)(struct buf *b, long i, long n);

static void
gen(struct buf *b, long n, bool spread, quirk_fn q)
{
	long i;

	b->n = 0;
	b_str(b, "Ballot ID,Precinct,A,B,C,D,E,F,G,W\n");
	rng_s = 42;
	for (i = 1; i <= n; i++) {
		if (q == NULL || !q(b, i, n))
			gen_record(b, i, spread);
		b_str(b, "\n");
	}
	put_file(b->p, b->n);
}

#define N 90000L /* about 2.7 MB: cut in two to four parts */

static long at_rec;  /* where the quirk goes */

static bool
q_quote(struct buf *b, long i, long n)
{
	(void)n;
	if (i != at_rec)
		return false;
	b_str(b, "\"Q,1\",P001,\"1\",,2,,,,,");
	return true;
}

/* a quoted id with many newlines around record i: the cut falls inside
 * it for some thread counts */
static bool
q_multiline(struct buf *b, long i, long n)
{
	int k;

	(void)n;
	if (i != at_rec)
		return false;
	b_str(b, "\"M");
	for (k = 0; k < 3000; k++)
		b_str(b, "\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	b_str(b, "\",P002,1,2,,,,,,");
	return true;
}

static bool
q_blank(struct buf *b, long i, long n)
{
	(void)n;
	if (i % 997 == 0) {
		b_str(b, "\n\r\n");
		gen_record(b, i, false);
		return true;
	}
	if (i % 1009 == 0) {
		gen_record(b, i, false);
		b_str(b, "\r");
		return true;
	}
	if (i == at_rec) {	/* a lone CR between two records */
		gen_record(b, i, false);
		b_str(b, "\r");
		gen_record(b, i + 1000000, false);
		return true;
	}
	return false;
}

static bool
q_badcell(struct buf *b, long i, long n)
{
	(void)n;
	if (i != at_rec)
		return false;
	b_str(b, "X1,P001,1,2,zz,,,,,");
	return true;
}

static bool
q_utf8(struct buf *b, long i, long n)
{
	(void)n;
	if (i != at_rec)
		return false;
	b_str(b, "X2,P\xC3\xA9\xFF,1,2,,,,,,");
	return true;
}

static bool
q_nul(struct buf *b, long i, long n)
{
	(void)n;
	if (i != at_rec)
		return false;
	b_put(b, "X3,P0\0,1,,,,,,,", 15);
	return true;
}

static bool
q_nohead(struct buf *b, long i, long n)
{
	(void)n;
	if (i != at_rec)
		return false;
	b_str(b, "X4,P001,1,,,,,,,,7");
	return true;
}

/* a new ranking right after the cut, with a rank the other records
 * never use (its first sight comes from a worker) */
static bool
q_late(struct buf *b, long i, long n)
{
	(void)n;
	if (i != at_rec)
		return false;
	b_str(b, "L1,P001,77,1,,,,,,");
	return true;
}

/* ------------------------------------------------------------------ */
/* a whole RCTab run                                                   */

static void
same_run(const char *what)
{
	struct buf a = { 0 }, b = { 0 };
	char ma[256], mb[256];
	int ra, rb;

	ra = pt_run(1, false, &a, ma, sizeof ma);
	rb = pt_run(2, false, &b, mb, sizeof mb);
	CHECK(ra == rb, "%s: run rc %d vs %d", what, ra, rb);
	CHECK_STR(ma, mb);
	CHECK((ra != TELLER_OK || a.n > 100) && a.n == b.n &&
	    memcmp(a.p, b.p, a.n) == 0, "%s: outputs differ (%zu vs %zu "
	    "bytes)", what, a.n, b.n);
	free(a.p);
	free(b.p);
}

int
main(void)
{
	struct buf b = { 0 };
	char cfg[2048], cfgpath[128];
	long cuts[] = { N / 2, N / 3 + 1, N / 4 + 2, 2 * N / 3, 3 * N / 4 };
	size_t k;
	int fd;

	main_tid = pthread_self();
	snprintf(path, sizeof path, "/tmp/t_rctab_par.XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);

	/* plain: the workers run (allocations off the main thread) */
	gen(&b, N, false, NULL);
	atomic_store(&other_calls, 0);
	CHECK_INT(same_read("plain merged", true, NULL), TELLER_OK);
	CHECK(atomic_load(&other_calls) > 0, "no worker thread ran");
	CHECK_INT(same_read("plain unmerged", false, NULL), TELLER_OK);
	/* the callback refuses a record seen first by a worker */
	at_rec = N / 2 + 7;
	gen(&b, N, false, q_late);
	CHECK_INT(same_read("late new ranking", true, NULL), TELLER_OK);
	{
		char id[32];
		snprintf(id, sizeof id, "%ld", at_rec);
		CHECK_INT(same_read("callback refuses", true, id),
		    TELLER_EPARSE);
	}
	/* more rankings than the memo holds */
	gen(&b, N, true, NULL);
	CHECK_INT(same_read("memo full", true, NULL), TELLER_OK);

	for (k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
		char what[64];
		at_rec = cuts[k];
		snprintf(what, sizeof what, "quote at %ld", at_rec);
		gen(&b, N, false, q_quote);
		CHECK_INT(same_read(what, true, NULL), TELLER_OK);
		snprintf(what, sizeof what, "multiline at %ld", at_rec);
		gen(&b, N, false, q_multiline);
		CHECK_INT(same_read(what, true, NULL), TELLER_OK);
		snprintf(what, sizeof what, "blank/CR at %ld", at_rec);
		gen(&b, N, false, q_blank);
		CHECK_INT(same_read(what, true, NULL), TELLER_OK);
		snprintf(what, sizeof what, "bad cell at %ld", at_rec);
		gen(&b, N, false, q_badcell);
		CHECK_INT(same_read(what, true, NULL), TELLER_EPARSE);
		snprintf(what, sizeof what, "bad UTF-8 at %ld", at_rec);
		gen(&b, N, false, q_utf8);
		CHECK_INT(same_read(what, true, NULL), TELLER_EENCODING);
		snprintf(what, sizeof what, "NUL at %ld", at_rec);
		gen(&b, N, false, q_nul);
		CHECK_INT(same_read(what, true, NULL), TELLER_EENCODING);
		snprintf(what, sizeof what, "no header at %ld", at_rec);
		gen(&b, N, false, q_nohead);
		CHECK_INT(same_read(what, true, NULL), TELLER_EPARSE);
	}
	/* bad text just before the first cut, and early in the file */
	for (at_rec = N / 2 - 40; at_rec < N / 2 + 40; at_rec += 13) {
		gen(&b, N, false, q_utf8);
		CHECK_INT(same_read("bad UTF-8 near the cut", true, NULL),
		    TELLER_EENCODING);
	}
	at_rec = 5;
	gen(&b, N, false, q_utf8);
	CHECK_INT(same_read("bad UTF-8 early", true, NULL), TELLER_EENCODING);
	/* past the page drops (every 8 MiB, 4 MiB in a worker) */
	gen(&b, 8 * N, false, NULL);
	CHECK(b.n > ((size_t)16 << 20), "big file: %zu bytes", b.n);
	CHECK_INT(same_read("big plain", true, NULL), TELLER_OK);
	at_rec = 8 * N - 100;
	gen(&b, 8 * N, false, q_utf8);
	CHECK_INT(same_read("big, bad UTF-8 late", true, NULL),
	    TELLER_EENCODING);

	/* a whole run: same summary files with 1 and 2 threads */
	snprintf(dir, sizeof dir, "/tmp/t_rctab_par_d.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(cfg, sizeof cfg,
	    "{\"tabulatorVersion\":\"TEST\",\"outputSettings\":{"
	    "\"contestName\":\"P\"},\"cvrFileSources\":[{\"filePath\":"
	    "\"cvr.csv\",\"provider\":\"genericCsv\","
	    "\"firstVoteColumnIndex\":\"3\",\"firstVoteRowIndex\":\"2\","
	    "\"idColumnIndex\":\"1\",\"precinctColumnIndex\":\"2\","
	    "\"undeclaredWriteInLabel\":\"W\"}],"
	    "\"candidates\":[{\"name\":\"A\"},{\"name\":\"B\"},"
	    "{\"name\":\"C\"},{\"name\":\"D\"},{\"name\":\"E\"},"
	    "{\"name\":\"F\"},{\"name\":\"G\"}]," PT_RULES "}");
	if (!pt_write_config(cfg))
		return 1;
	snprintf(cfgpath, sizeof cfgpath, "%s/config.json", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/cvr.csv", dir);
	gen(&b, N, false, NULL);
	same_run("run plain");
	at_rec = 2 * N / 3;
	gen(&b, N, false, q_blank);
	same_run("run blank/CR");
	gen(&b, N, false, q_quote);
	same_run("run quote");
	gen(&b, N, false, q_badcell);
	same_run("run bad cell");

	unlink(cfgpath);
	rmdir(dir);
	unlink(path);
	free(b.p);
	for (k = 0; k < 8; k++)
		free(outs[k].p);
	return h_done();
}
