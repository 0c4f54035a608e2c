/* SPDX-License-Identifier: MIT */
/*
 * t_profile.c -- the contest and the ballot profile: identical ballots
 * merged, overvotes / skips / empties kept distinct, weights and their
 * rescaling, merging profiles, rank iteration and cleaning, the name
 * checks, every limit as ELIMIT, and (TELLER_OOM=1) each allocation
 * failing in turn while a profile is built and merged.
 */
#include <stdlib.h>

#include "harness.h"
#include "oom.h"
#include "tl_int.h"

/* Add a pattern given as text: ranks separated by ',', marks by '|',
 * candidates as letters A.., '-' or empty for a skipped rank. */
static int
add(teller_ctx *ctx, struct teller_profile *p, const char *s, int64_t w)
{
	tl_cid marks[32];
	int n = 0, rc;

	if ((rc = tl_profile_begin(ctx, p)) != TELLER_OK)
		return rc;
	for (; *s != '\0'; s++) { /* "" is a ballot with no ranks */
		if (*s >= 'A' && *s <= 'Z') {
			marks[n++] = (tl_cid)(*s - 'A');
		} else if (*s == ',') {
			if ((rc = tl_profile_rank(ctx, p, marks, n)) !=
			    TELLER_OK)
				return rc;
			n = 0;
		}
		if (s[1] == '\0' &&
		    (rc = tl_profile_rank(ctx, p, marks, n)) != TELLER_OK)
			return rc;
	}
	return tl_profile_end(ctx, p, w);
}

static int64_t
weight_of(const struct teller_profile *p, const char *want, size_t nmarks)
{
	size_t i;

	(void)nmarks;
	for (i = 0; i < p->pats->len; i++) {
		const struct tl_pat *pat = TL_PAT(p, i);
		char buf[128];
		size_t m = 0;
		struct tl_rank r;
		int k;

		for (r = tl_rank_first(p, pat); r.cells != NULL;
		     r = tl_rank_next(r)) {
			if (m > 0)
				buf[m++] = ',';
			for (k = 0; k < r.n; k++)
				buf[m++] = (char)('A' + r.ids[k]);
		}
		buf[m] = '\0';
		if (strcmp(buf, want) == 0)
			return pat->w;
	}
	return -1;
}

static void
merging(void)
{
	teller_ctx *ctx;
	struct teller_profile *p;

	teller_ctx_new(NULL, &ctx);
	p = tl_profile_new(ctx, 4);
	CHECK(p != NULL, "new");
	add(ctx, p, "A,B,C", 1);
	add(ctx, p, "A,B,C", 2);
	add(ctx, p, "A,B", 1);
	add(ctx, p, "AB,C", 1);   /* overvote at rank 1 */
	add(ctx, p, "A,,C", 1);   /* skipped rank 2 */
	add(ctx, p, "A,C", 1);
	add(ctx, p, "", 4);       /* empty ballot */
	add(ctx, p, "A,B,C", 1);
	add(ctx, p, "A,A", 1);    /* repeat kept */
	CHECK_INT(teller_errcode(ctx), TELLER_OK);
	CHECK_INT(p->pats->len, 7);
	CHECK_INT(weight_of(p, "A,B,C", 0), 4);
	CHECK_INT(weight_of(p, "AB,C", 0), 1);
	CHECK_INT(weight_of(p, "A,,C", 0), 1);
	CHECK_INT(weight_of(p, "A,C", 0), 1);
	CHECK_INT(weight_of(p, "", 0), 4);
	CHECK_INT(weight_of(p, "A,A", 0), 1);
	CHECK_INT(p->total, 13);
	CHECK_INT(p->lines, 9);
	CHECK_INT(p->empty, 4);
	CHECK_INT(TL_PAT(p, 0)->nranks, 3);
	CHECK_INT(teller_profile_npatterns(p), 7);

	/* a refused ballot leaves nothing half-open behind */
	CHECK_INT(add(ctx, p, "B,C", 0), TELLER_ERANGE);
	teller_errclear(ctx);
	CHECK_INT(add(ctx, p, "B,D", -3), TELLER_ERANGE);
	teller_errclear(ctx);
	add(ctx, p, "C", 1);
	CHECK_INT(weight_of(p, "C", 0), 1);
	CHECK_INT(weight_of(p, "B,C", 0), -1);
	CHECK_INT(p->total, 14);
	CHECK_INT(p->lines, 10);

	/* many distinct patterns (the table grows), then all again */
	{
		int i, ok = 1;
		size_t before = p->pats->len;
		tl_cid ids[3];
		for (i = 0; i < 3000; i++) {
			ids[0] = (tl_cid)(i % 4);
			ids[1] = (tl_cid)((i / 4) % 4);
			ids[2] = (tl_cid)(i / 16);
			if (tl_profile_add_simple(ctx, p, ids, 3, 1) !=
			    TELLER_OK)
				ok = 0;
		}
		for (i = 0; i < 3000; i++) {
			ids[0] = (tl_cid)(i % 4);
			ids[1] = (tl_cid)((i / 4) % 4);
			ids[2] = (tl_cid)(i / 16);
			if (tl_profile_add_simple(ctx, p, ids, 3, 2) !=
			    TELLER_OK)
				ok = 0;
		}
		CHECK(ok, "adds: %s", teller_errmsg(ctx));
		CHECK(p->pats->len <= before + 3000, "patterns %zu",
		    p->pats->len);
		CHECK_INT(p->total, 14 + 9000);
	}
	teller_ctx_free(ctx);
}

static void
weights(void)
{
	teller_ctx *ctx;
	struct teller_profile *p, *q;

	teller_ctx_new(NULL, &ctx);
	p = tl_profile_new(ctx, 3);
	add(ctx, p, "A,B", 3);
	add(ctx, p, "", 1);
	CHECK_INT(tl_profile_set_wdp(ctx, p, 2), TELLER_OK);
	CHECK_INT(p->wdp, 2);
	CHECK_INT(weight_of(p, "A,B", 0), 300);
	CHECK_INT(p->total, 400);
	CHECK_INT(p->empty, 100);
	CHECK_INT(tl_profile_set_wdp(ctx, p, 1), TELLER_OK); /* no-op */
	CHECK_INT(p->wdp, 2);
	CHECK_INT(tl_profile_set_wdp(ctx, p, 10), TELLER_ELIMIT);
	teller_errclear(ctx);
	add(ctx, p, "A,B", 25); /* 0.25 */
	CHECK_INT(weight_of(p, "A,B", 0), 325);

	/* merge: q at 3 places into p at 2 -> p at 3 */
	q = tl_profile_new(ctx, 3);
	q->wdp = 3;
	add(ctx, q, "A,B", 1500);
	add(ctx, q, "C", 5);
	add(ctx, q, "C", 5);
	CHECK_INT(tl_profile_merge(ctx, p, q), TELLER_OK);
	CHECK_INT(p->wdp, 3);
	CHECK_INT(weight_of(p, "A,B", 0), 3250 + 1500);
	CHECK_INT(weight_of(p, "C", 0), 10);
	CHECK_INT(p->total, 4250 + 1510);
	CHECK_INT(p->lines, 3 + 3);
	CHECK_INT(p->empty, 1000);
	/* q is unchanged */
	CHECK_INT(q->total, 1510);
	CHECK_INT(q->wdp, 3);

	/* different candidate counts */
	q = tl_profile_new(ctx, 4);
	CHECK_INT(tl_profile_merge(ctx, p, q), TELLER_EINVAL);
	teller_errclear(ctx);

	/* overflow while rescaling */
	p = tl_profile_new(ctx, 2);
	ctx->lim.ballots = INT64_MAX;
	add(ctx, p, "A", INT64_C(1) << 60);
	CHECK_INT(tl_profile_set_wdp(ctx, p, 5), TELLER_EOVERFLOW);
	teller_ctx_free(ctx);
}

static void
limits(void)
{
	teller_ctx *ctx;
	struct teller_profile *p;
	struct teller_contest *c;
	tl_cid ids[8] = { 0, 1, 2, 0, 1, 2, 0, 1 };
	int i;

	teller_ctx_new(NULL, &ctx);
	ctx->lim.ranks = 5;
	ctx->lim.patterns = 3;
	ctx->lim.ballots = 100;
	ctx->lim.candidates = 3;
	p = tl_profile_new(ctx, 3);
	CHECK_INT(tl_profile_add_simple(ctx, p, ids, 5, 1), TELLER_OK);
	CHECK_INT(tl_profile_add_simple(ctx, p, ids, 6, 1), TELLER_ELIMIT);
	teller_errclear(ctx);
	CHECK_INT(tl_profile_add_simple(ctx, p, ids, 2, 1), TELLER_OK);
	CHECK_INT(tl_profile_add_simple(ctx, p, ids, 1, 1), TELLER_OK);
	CHECK_INT(tl_profile_add_simple(ctx, p, ids, 3, 1), TELLER_ELIMIT);
	teller_errclear(ctx);
	CHECK_INT(tl_profile_add_simple(ctx, p, ids, 1, 97), TELLER_OK);
	CHECK_INT(tl_profile_add_simple(ctx, p, ids, 1, 2), TELLER_ELIMIT);
	teller_errclear(ctx);
	CHECK_INT(p->total, 100);
	CHECK_INT(tl_profile_rank(ctx, p, ids, 5000), TELLER_ELIMIT);
	teller_errclear(ctx);

	c = tl_contest_new(ctx);
	for (i = 0; i < 3; i++)
		CHECK_INT(tl_contest_add(ctx, c, &"ABC"[i], 1, NULL, 0), i);
	CHECK_INT(tl_contest_add(ctx, c, "D", 1, NULL, 0), -1);
	CHECK_INT(teller_errcode(ctx), TELLER_ELIMIT);
	teller_ctx_free(ctx);
}

static void
contest(void)
{
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	tl_cid out[8];
	bool eq;
	int n;

	teller_ctx_new(NULL, &ctx);
	c = tl_contest_new(ctx);
	CHECK_INT(tl_contest_add(ctx, c, "Ann Lee", 3, "Red", 3), 0); /* Ann */
	CHECK_INT(tl_contest_add(ctx, c, "Bob", 3, NULL, 0), 1);
	CHECK_INT(tl_contest_add(ctx, c, "Cy", 2, "", 0), 2);
	CHECK_INT(teller_contest_ncand(c), 3);
	CHECK_STR(teller_contest_name(c, 0), "Ann");
	CHECK_STR(teller_contest_party(c, 0), "Red");
	CHECK_STR(teller_contest_party(c, 1), "");
	CHECK(teller_contest_name(c, 3) == NULL, "out of range");
	CHECK(teller_contest_name(c, -1) == NULL, "negative");
	CHECK_INT(tl_contest_find(c, "Bob", 3), 1);
	CHECK_INT(tl_contest_find(c, "Bo", 2), -1);
	CHECK_INT(tl_contest_check_names(ctx, c), TELLER_OK);

	/* cleaning: withdrawn skipped, repeats dropped, overvote stops */
	p = tl_profile_new(ctx, 3);
	add(ctx, p, "B,,A,B,C", 1);
	add(ctx, p, "A,BC,A", 1);
	TL_CAND(c, 1)->withdrawn = true;
	n = tl_pat_clean(c, p, TL_PAT(p, 0), out, 8, &eq);
	CHECK(n == 2 && out[0] == 0 && out[1] == 2 && !eq, "clean 1: %d", n);
	n = tl_pat_clean(c, p, TL_PAT(p, 1), out, 8, &eq);
	CHECK(n == 2 && out[0] == 0 && out[1] == 2 && !eq,
	    "withdrawn B leaves C alone at rank 2: %d", n);
	TL_CAND(c, 1)->withdrawn = false;
	n = tl_pat_clean(c, p, TL_PAT(p, 1), out, 8, &eq);
	CHECK(n == 1 && out[0] == 0 && eq, "overvote: %d", n);
	n = tl_pat_clean(c, p, TL_PAT(p, 0), out, 1, NULL);
	CHECK(n == 1 && out[0] == 1, "max respected");

	CHECK_INT(tl_contest_add(ctx, c, "Bob", 3, NULL, 0), 3);
	CHECK_INT(tl_contest_check_names(ctx, c), TELLER_EDUP);
	teller_ctx_free(ctx);

	teller_ctx_new(NULL, &ctx);
	c = tl_contest_new(ctx);
	CHECK_INT(tl_contest_add(ctx, c, "", 0, NULL, 0), 0);
	CHECK_INT(tl_contest_check_names(ctx, c), TELLER_EPARSE);
	teller_ctx_free(ctx);
	teller_ctx_new(NULL, &ctx);
	c = tl_contest_new(ctx);
	CHECK_INT(tl_contest_add(ctx, c, "Zo\xc3", 3, NULL, 0), 0);
	CHECK_INT(tl_contest_check_names(ctx, c), TELLER_EENCODING);
	teller_ctx_free(ctx);
	teller_ctx_new(NULL, &ctx);
	c = tl_contest_new(ctx);
	/* a surrogate */
	CHECK_INT(tl_contest_add(ctx, c, "\xed\xa0\x80", 3, NULL, 0), 0);
	CHECK_INT(tl_contest_check_names(ctx, c), TELLER_EENCODING);
	teller_ctx_free(ctx);
}

/* What readers set through profile.c rather than by hand: ncand grows
 * only, lines, and the ids (made once, taken once). */
static void
readers(void)
{
	teller_ctx *ctx;
	struct teller_profile *p;
	struct tl_strtab *ids, mine;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return;
	p = tl_profile_new(ctx, 2);
	CHECK(p != NULL, "profile");
	if (p == NULL) {
		teller_ctx_free(ctx);
		return;
	}
	tl_profile_set_ncand(p, 4);
	CHECK_INT(p->ncand, 4);
	tl_profile_set_ncand(p, 3);
	CHECK_INT(p->ncand, 4);
	CHECK_INT(add(ctx, p, "A", 3), TELLER_OK);
	CHECK_INT(p->lines, 1);
	tl_profile_set_lines(p, 3);
	CHECK_INT(p->lines, 3);
	CHECK(p->ids == NULL, "no ids before they are asked for");
	ids = tl_profile_ids(ctx, p);
	CHECK(ids != NULL && ids == p->ids, "ids made");
	CHECK(ids != NULL && tl_strtab_add(ctx, ids, "x", 1) == 0, "id");
	CHECK(tl_profile_ids(ctx, p) == ids, "the same ids again");
	CHECK(tl_strtab_init(ctx, &mine) == TELLER_OK, "strtab");
	CHECK_INT(tl_profile_take_ids(ctx, p, &mine), TELLER_EINTERNAL);
	teller_ctx_free(ctx);
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return;
	p = tl_profile_new(ctx, 2);
	CHECK(p != NULL && tl_strtab_init(ctx, &mine) == TELLER_OK &&
	    tl_strtab_add(ctx, &mine, "y", 1) == 0, "setup");
	CHECK(p != NULL && tl_profile_take_ids(ctx, p, &mine) == TELLER_OK &&
	    p->ids != NULL && tl_strtab_find(p->ids, "y", 1) == 0, "taken");
	teller_ctx_free(ctx);
}

static int
oom_build(teller_ctx *ctx, void *arg)
{
	struct teller_profile *p = tl_profile_new(ctx, 5), *q;
	struct teller_contest *c = tl_contest_new(ctx);
	tl_cid ids[3];
	int i, rc;

	(void)arg;
	if (p == NULL || c == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < 5; i++)
		if (tl_contest_add(ctx, c, &"ABCDE"[i], 1, "p", 1) < 0)
			return teller_errcode(ctx);
	for (i = 0; i < 700; i++) {
		ids[0] = (tl_cid)(i % 5);
		ids[1] = (tl_cid)((i / 5) % 5);
		ids[2] = (tl_cid)((i / 25) % 5);
		if ((rc = tl_profile_add_simple(ctx, p, ids, 3, 1)) !=
		    TELLER_OK)
			return rc;
	}
	if ((q = tl_profile_new(ctx, 5)) == NULL)
		return TELLER_ENOMEM;
	q->wdp = 1;
	if ((rc = add(ctx, q, "A,BC", 5)) != TELLER_OK ||
	    (rc = tl_profile_merge(ctx, q, p)) != TELLER_OK)
		return rc;
	return tl_contest_check_names(ctx, c);
}

int
main(void)
{
	if (oom_enabled()) {
		oom_loop("profile build+merge", oom_build, NULL);
		return h_done();
	}
	merging();
	weights();
	limits();
	contest();
	readers();
	return h_done();
}
