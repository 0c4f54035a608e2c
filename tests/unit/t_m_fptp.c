/* SPDX-License-Identifier: MIT */
/*
 * t_m_fptp.c -- first past the post (LEPAR 2006 Sch.2 rr.46, 47, 49): one
 * vote per paper wherever marked, rejection heads, a lot on equality, and
 * seats > 1 refused.
 */
#include <stdlib.h>

#include "harness.h"
#include "tl_int.h"

/* ---- a small profile builder (same in each UK method test) ---- */

struct bx {
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	teller_result *r;
	int rc;
};

/* Candidates named by the letters of names ("ABCD"); '?' adds a write-in
 * pseudo-candidate (an uncertain mark on a UK paper); a lower-case letter
 * adds a withdrawn candidate. */
static inline void
bx_init(struct bx *b, const char *names)
{
	const char *s;

	memset(b, 0, sizeof(*b));
	if (teller_ctx_new(NULL, &b->ctx) != TELLER_OK)
		abort();
	b->c = tl_contest_new(b->ctx);
	for (s = names; *s; s++) {
		int id = tl_contest_add(b->ctx, b->c, s, 1, NULL, 0);
		if (id < 0)
			abort();
		TL_CAND(b->c, id)->writein = *s == '?';
		TL_CAND(b->c, id)->withdrawn = *s >= 'a' && *s <= 'z';
	}
	b->p = tl_profile_new(b->ctx, b->c->ncand);
	if (b->p == NULL)
		abort();
}

static inline void
bx_free(struct bx *b)
{
	teller_ctx_free(b->ctx);
}

/* Add w ballots marked as spec: ranks split by ',', marks at one rank by
 * '|', an empty rank is skipped; "" is a ballot with no ranks at all. */
static inline void
bx_add(struct bx *b, const char *spec, int64_t w)
{
	tl_cid marks[64];
	const char *s = spec;
	int n = 0;

	if (tl_profile_begin(b->ctx, b->p) != TELLER_OK)
		abort();
	if (*s == '\0') {
		if (tl_profile_end(b->ctx, b->p, w) != TELLER_OK)
			abort();
		return;
	}
	for (;; s++) {
		if (*s == ',' || *s == '\0') {
			if (tl_profile_rank(b->ctx, b->p, marks, n) != 0)
				abort();
			n = 0;
			if (*s == '\0')
				break;
		} else if (*s != '|') {
			int id = tl_contest_find(b->c, s, 1);
			if (id < 0)
				abort();
			marks[n++] = (tl_cid)id;
		}
	}
	if (tl_profile_end(b->ctx, b->p, w) != TELLER_OK)
		abort();
}

/* Count under method with seats and seed; sets b->r and b->rc. */
static inline int
bx_count(struct bx *b, const char *method, int seats, uint64_t seed)
{
	teller_rules ru;

	teller_rules_init(&ru, method);
	ru.seats = seats;
	ru.seed = seed;
	b->r = NULL;
	b->rc = teller_count(b->ctx, b->c, b->p, &ru, &b->r);
	if (b->rc != TELLER_OK)
		fprintf(stderr, "  count: %s\n", teller_errmsg(b->ctx));
	return b->rc;
}

/* Candidate id of a one-letter name. */
static inline int
bx_id(const struct bx *b, char name)
{
	return tl_contest_find(b->c, &name, 1);
}

/* Votes of candidate `name` at stage number s (1-based), or -1. */
static inline long long
bx_votes(const struct bx *b, int s, char name)
{
	if (b->r == NULL || s < 1 || (size_t)s > b->r->stages->len)
		return -1;
	return (long long)TL_STAGE(b->r, s - 1)->votes[bx_id(b, name)];
}

/* Number of stages, or -1 without a result. */
static inline int
bx_nstages(const struct bx *b)
{
	return b->r != NULL ? (int)b->r->stages->len : -1;
}

/* Names of the elected, in order, as a string ("AB"). */
static inline const char *
bx_elected(const struct bx *b)
{
	static char buf[64];
	size_t i, n = 0;

	buf[0] = '\0';
	if (b->r == NULL)
		return "(none)";
	for (i = 0; i < b->r->elected->len && n + 1 < sizeof(buf); i++)
		buf[n++] = TL_CAND(b->c, TL_VEC_AT(b->r->elected, int, i))
		    ->name[0];
	buf[n] = '\0';
	return buf;
}

/* The tally named name among the rejected (rej) or the notes, or -1. */
static inline long long
bx_tally(const struct bx *b, bool rej, const char *name)
{
	const struct tl_vec *v;
	size_t i;

	if (b->r == NULL)
		return -1;
	v = rej ? b->r->rejected : b->r->notes;
	for (i = 0; i < v->len; i++) {
		const struct tl_tally *t = &TL_VEC_AT(v, struct tl_tally, i);
		if (strcmp(t->name, name) == 0)
			return (long long)t->n;
	}
	return -1;
}

/* Number of ties recorded. */
static inline int
bx_nties(const struct bx *b)
{
	return b->r != NULL ? (int)b->r->ties->len : -1;
}

/* The i-th tie. */
static inline const struct tl_tie *
bx_tie(const struct bx *b, size_t i)
{
	return &TL_VEC_AT(b->r->ties, struct tl_tie, i);
}

static void
basics(void)
{
	struct bx b;

	bx_init(&b, "ABCD?");
	bx_add(&b, "A", 10);
	bx_add(&b, ",B", 7);      /* rank ignored: a mark for B */
	bx_add(&b, "C,C", 3);     /* one vote for C */
	bx_add(&b, "A|B", 4);     /* two marks: too many */
	bx_add(&b, "A,B", 2);     /* two marks on two ranks: too many */
	bx_add(&b, "", 5);        /* unmarked */
	bx_add(&b, "?", 1);       /* void for uncertainty */
	bx_add(&b, "D|?", 1);     /* D and an uncertain mark: void */
	CHECK_INT(bx_count(&b, "fptp", 0, 1), TELLER_OK);
	CHECK_STR(b.r->method, "fptp");
	CHECK_INT(b.r->seats, 1);
	CHECK_INT(b.r->dp, 0);
	CHECK_INT(bx_nstages(&b), 1);
	CHECK_INT(bx_votes(&b, 1, 'A'), 10);
	CHECK_INT(bx_votes(&b, 1, 'B'), 7);
	CHECK_INT(bx_votes(&b, 1, 'C'), 3);
	CHECK_INT(bx_votes(&b, 1, 'D'), 0);
	CHECK_INT(b.r->valid, 20);
	CHECK_INT(TL_STAGE(b.r, 0)->nontrans, 0);
	CHECK_STR(bx_elected(&b), "A");
	CHECK_INT(TL_STAGE(b.r, 0)->nelected, 1);
	CHECK_INT(bx_tally(&b, true, "voting for more candidates than "
	    "entitled"), 6);
	CHECK_INT(bx_tally(&b, true, "unmarked or wholly void for "
	    "uncertainty"), 7);
	CHECK_INT(bx_tally(&b, false, "rejected in part (counted)"), -1);
	CHECK_INT(bx_nties(&b), 0);
	bx_free(&b);

	/* seats: 1 is fine, more is a usage error */
	bx_init(&b, "AB");
	bx_add(&b, "A", 1);
	CHECK_INT(bx_count(&b, "fptp", 1, 1), TELLER_OK);
	bx_free(&b);
	bx_init(&b, "AB");
	bx_add(&b, "A", 1);
	CHECK_INT(bx_count(&b, "fptp", 2, 1), TELLER_EINVAL);
	bx_free(&b);
	/* the file's seat count is not fptp's concern */
	bx_init(&b, "AB");
	b.c->seats = 3;
	bx_add(&b, "B", 1);
	CHECK_INT(bx_count(&b, "fptp", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "B");
	bx_free(&b);
	/* no candidate standing */
	bx_init(&b, "a");
	CHECK_INT(bx_count(&b, "fptp", 0, 1), TELLER_ERULE);
	bx_free(&b);
	/* weights with decimals */
	bx_init(&b, "AB");
	if (tl_profile_set_wdp(b.ctx, b.p, 3) != TELLER_OK)
		abort();
	bx_add(&b, "A", 1500);
	bx_add(&b, "B", 1501);
	CHECK_INT(bx_count(&b, "fptp", 0, 1), TELLER_OK);
	CHECK_INT(b.r->dp, 3);
	CHECK_STR(bx_elected(&b), "B");
	CHECK_INT(b.r->valid, 3001);
	bx_free(&b);
}

static void
ties(void)
{
	struct bx b;
	int seed, n[3] = { 0, 0, 0 };

	for (seed = 1; seed <= 60; seed++) {
		bx_init(&b, "ABCD");
		bx_add(&b, "A", 5);
		bx_add(&b, "B", 5);
		bx_add(&b, "C", 5);
		bx_add(&b, "D", 4);
		CHECK_INT(bx_count(&b, "fptp", 0, (uint64_t)seed), TELLER_OK);
		CHECK_INT(bx_nties(&b), 1);
		if (bx_nties(&b) == 1) {
			const struct tl_tie *t = bx_tie(&b, 0);
			CHECK_INT(t->ntied, 3);
			CHECK_INT(t->how, TL_TIE_LOT);
			CHECK(t->draw < 3, "draw %llu",
			    (unsigned long long)t->draw);
			CHECK_INT(t->chosen, t->tied[t->draw]);
			CHECK_INT(t->stage, 1);
		}
		if (b.r != NULL && b.r->elected->len == 1)
			n[TL_VEC_AT(b.r->elected, int, 0) % 3]++;
		bx_free(&b);
	}
	CHECK(n[0] > 0 && n[1] > 0 && n[2] > 0, "lots: %d %d %d", n[0], n[1],
	    n[2]);
	CHECK_INT(n[0] + n[1] + n[2], 60);
}

int
main(void)
{
	basics();
	ties();
	return h_done();
}
