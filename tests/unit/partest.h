/* SPDX-License-Identifier: MIT */
/*
 * partest.h -- what the tests of the parallel readers share (t_rctab_par,
 * t_xlsx_par): a growable text buffer; an allocator that counts the calls
 * made from threads other than main's (so a test can see that a worker
 * ran); and a whole RCTab run of the config in dir, its outputs kept in
 * memory and joined, so that runs with 1 and n threads can be compared
 * byte for byte. One test program includes it once: its state is static.
 * The test sets main_tid = pthread_self() first.
 */
#ifndef PARTEST_H
#define PARTEST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rctab.h"

/* ---- a growable text buffer (always NUL-terminated) ---- */

struct buf {
	char *p;
	size_t n, cap;
};

static inline void
b_put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t c = (b->n + n + 1) * 2;
		char *q = realloc(b->p, c);
		if (q == NULL)
			abort();
		b->p = q;
		b->cap = c;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static inline void
b_str(struct buf *b, const char *s)
{
	b_put(b, s, strlen(s));
}

/* ---- an allocator that notes calls from threads other than main's ---- */

static pthread_t main_tid;
static atomic_long other_calls;

static inline void *
a_realloc(void *ud, void *p, size_t old, size_t sz)
{
	(void)ud;
	(void)old;
	if (!pthread_equal(pthread_self(), main_tid))
		atomic_fetch_add(&other_calls, 1);
	if (sz == 0) {
		free(p);
		return NULL;
	}
	return realloc(p, sz);
}

static const teller_alloc alloc = { a_realloc, NULL };

/* A context with alloc whose inputs come from the file system, as the
 * teller command's do (cli/files.c): the library reads no file itself. */
static inline int
pt_ctx_new(teller_ctx **ctx)
{
	int rc = teller_ctx_new(&alloc, ctx);

	if (rc == TELLER_OK)
		teller_ctx_set_input(*ctx, &cli_files);
	return rc;
}

/* ---- a whole RCTab run, its outputs in memory ---- */

/* The rules every run's config uses (a JSON member, no comma around). */
#define PT_RULES "\"rules\":{" \
	"\"overvoteRule\":\"alwaysSkipToNextRank\",\"winnerElectionMode\":" \
	"\"singleWinnerMajority\",\"numberOfWinners\":\"1\"," \
	"\"tiebreakMode\":\"useCandidateOrder\"," \
	"\"decimalPlacesForVoteArithmetic\":\"4\"," \
	"\"maxSkippedRanksAllowed\":\"unlimited\",\"maxRankingsAllowed\":" \
	"\"max\"}"

static char dir[64];         /* the run's directory: config.json */
static struct buf outs[8];   /* each output: its name, a newline, bytes */
static int nopen;
/* the write function of rctab_cvr.csv, when a test wants its own (its
 * ud is the output's struct buf); NULL: kept as the others are */
static teller_write_fn pt_cvx_write;

static inline int
w_mem(void *ud, const char *p, size_t n)
{
	b_put(ud, p, n);
	return 0;
}

static inline int
s_open(void *ud, const char *name, teller_write_fn *w, void **wud)
{
	size_t n = strlen(name);

	(void)ud;
	if (nopen >= 8)
		return 1;
	outs[nopen].n = 0;
	b_str(&outs[nopen], name);
	b_str(&outs[nopen], "\n");
	*w = pt_cvx_write != NULL && n >= 13 &&
	    strcmp(name + n - 13, "rctab_cvr.csv") == 0 ? pt_cvx_write :
	    w_mem;
	*wud = &outs[nopen++];
	return 0;
}

static inline int
s_close(void *ud, void *wud)
{
	(void)ud;
	(void)wud;
	return 0;
}

/* Write cfg as dir/config.json; false if it cannot be. */
static inline bool
pt_write_config(const char *cfg)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/config.json", dir);
	if ((f = fopen(path, "w")) == NULL)
		return false;
	fputs(cfg, f);
	return fclose(f) == 0;
}

/* Run the config in dir with nt threads (cvr_csv: rctab_cvr.csv too);
 * the outputs joined into all, "FILE:LINE:COL: message" into msg; the
 * run's code. */
static inline int
pt_run(int nt, bool cvr_csv, struct buf *all, char *msg, size_t msgn)
{
	char cfgpath[128];
	struct tl_rctab_cfg *c;
	struct tl_rctab_opts o;
	teller_ctx *ctx;
	const char *file;
	long line, col;
	int rc, i;

	snprintf(cfgpath, sizeof cfgpath, "%s/config.json", dir);
	if (pt_ctx_new(&ctx) != TELLER_OK)
		return -1;
	teller_ctx_set_threads(ctx, nt);
	memset(&o, 0, sizeof o);
	o.sink.open = s_open;
	o.sink.close = s_close;
	o.cvr_csv = cvr_csv;
	nopen = 0;
	rc = tl_rctab_config_load(ctx, cfgpath, &c);
	if (rc == TELLER_OK)
		rc = tl_rctab_run(ctx, c, &o);
	teller_errpos(ctx, &file, &line, &col);
	snprintf(msg, msgn, "%s:%ld:%ld: %s", file != NULL ? file : "-",
	    line, col, teller_errmsg(ctx));
	teller_ctx_free(ctx);
	all->n = 0;
	b_str(all, "");
	for (i = 0; i < nopen; i++)
		b_put(all, outs[i].p, outs[i].n);
	return rc;
}

#endif
