/* SPDX-License-Identifier: MIT */
/*
 * t_rctab_out.c -- the RCTab summary writers (rctab_out.c) on a view
 * built by hand: a sum that does not fit (Total Number of Ballots, the
 * Active Ballots, a transfer) makes the writer fail with EOVERFLOW
 * instead of printing a wrapped number, and the same view with small
 * numbers writes.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "rctab.h"

static int
w_null(void *ud, const char *p, size_t n)
{
	(void)ud;
	(void)p;
	(void)n;
	return 0;
}

/* The largest value a decimal holds, scale 0. */
static struct tl_dec
dmax(void)
{
	struct tl_dec d = tl_dec_int(0);

	d.v.lo = UINT64_MAX;
	d.v.hi = UINT64_MAX >> 1;
	return d;
}

struct fixture {
	struct tl_rctab_cfg cfg;
	struct tl_rround rounds[2];
	struct tl_dec tally[2][2], st[2][TL_ST_N], locked[2];
	uint8_t present[2];
	bool excluded[2], won_tie[2], elim_tie[2];
	int won[2], elim[2], roworder[2];
	const char *names[2];
	struct tl_rview v;
};

static void
fixture(struct fixture *f)
{
	int r, i;

	memset(f, 0, sizeof *f);
	f->cfg.contest = "T";
	f->cfg.mode = TL_WM_SINGLE;
	f->cfg.dp = 4;
	f->names[0] = "A";
	f->names[1] = "B";
	for (r = 0; r < 2; r++) {
		for (i = 0; i < 2; i++)
			f->tally[r][i] = tl_dec_int(r == 0 ? 3 - i : 3 + i);
		for (i = 0; i < TL_ST_N; i++)
			f->st[r][i] = tl_dec_int(0);
		f->st[r][TL_ST_ACTIVE] = tl_dec_int(5);
		f->locked[r] = tl_dec_int(0);
		f->rounds[r].tally = f->tally[r];
		f->rounds[r].present = f->present;
		f->rounds[r].st = f->st[r];
		f->rounds[r].locked = &f->locked[r];
		f->rounds[r].threshold = tl_dec_int(3);
		f->rounds[r].residual = tl_dec_int(0);
	}
	f->present[0] = f->present[1] = 1;
	f->won[1] = 2;
	f->elim[0] = 2;
	f->roworder[0] = 1;
	f->roworder[1] = 0;
	f->v.cfg = &f->cfg;
	f->v.ncand = 2;
	f->v.names = f->names;
	f->v.uwi = -1;
	f->v.seats = 1;
	f->v.excluded = f->excluded;
	f->v.won = f->won;
	f->v.elim = f->elim;
	f->v.won_tie = f->won_tie;
	f->v.elim_tie = f->elim_tie;
	f->v.nround = 2;
	f->v.rounds = f->rounds;
	f->v.roworder = f->roworder;
	f->v.nrow = 2;
}

/* Write the CSV of f; the code, with ctx's error agreeing. */
static int
csv(struct fixture *f)
{
	teller_ctx *ctx;
	int rc;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return -1;
	rc = tl_rctab_write_csv(ctx, &f->v, 0, NULL, NULL, false, w_null,
	    NULL);
	CHECK_INT(teller_errcode(ctx), rc);
	teller_ctx_free(ctx);
	return rc;
}

int
main(void)
{
	static struct fixture f;

	fixture(&f);
	CHECK_INT(csv(&f), TELLER_OK);
	/* Total Number of Ballots: active + undervotes overflows */
	fixture(&f);
	f.st[0][TL_ST_ACTIVE] = dmax();
	f.st[0][TL_ST_UNDERVOTE] = tl_dec_int(1);
	CHECK_INT(csv(&f), TELLER_EOVERFLOW);
	/* Active Ballots of round 2: active + locked-in winners */
	fixture(&f);
	f.st[1][TL_ST_ACTIVE] = dmax();
	f.locked[1] = tl_dec_int(1);
	CHECK_INT(csv(&f), TELLER_EOVERFLOW);
	/* a transfer: round 2 minus round 1 of a tally */
	fixture(&f);
	f.tally[0][0] = tl_dec_int(-1);
	f.tally[1][0] = dmax();
	CHECK_INT(csv(&f), TELLER_EOVERFLOW);
	/* % of vote over active ballots too large for the exact quotient:
	 * refused, not an endless loop */
	{
		char buf[TL_DEC_BUFSZ];
		CHECK_INT(tl_dec_pct(buf, tl_dec_int(1), dmax()), 0);
		CHECK_INT(tl_dec_pct(buf, dmax(), dmax()), 0);
		CHECK(tl_dec_pct(buf, tl_dec_int(1), tl_dec_int(3)) > 0 &&
		    strcmp(buf, "33.33") == 0, "%s", buf);
	}
	fixture(&f);
	f.st[0][TL_ST_ACTIVE] = dmax();
	f.st[1][TL_ST_ACTIVE] = dmax();
	CHECK_INT(csv(&f), TELLER_EOVERFLOW);
	/* Inactive Ballots Total: overvotes + skipped */
	fixture(&f);
	f.st[1][TL_ST_OVERVOTE] = dmax();
	f.st[1][TL_ST_SKIPPED] = tl_dec_int(1);
	CHECK_INT(csv(&f), TELLER_EOVERFLOW);
	return h_done();
}
