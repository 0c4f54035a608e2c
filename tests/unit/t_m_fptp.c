/* SPDX-License-Identifier: MIT */
/*
 * t_m_fptp.c -- first past the post (LEPAR 2006 Sch.2 rr.46, 47, 49): one
 * vote per paper wherever marked, rejection heads, a lot on equality, and
 * seats > 1 refused.
 */
#include <stdlib.h>

#include "harness.h"
#include "tl_int.h"
#include "testlib.h"

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
	/* a file that says 3 seats is refused by a one-seat method, unless
	 * -s 1 says so aloud */
	bx_init(&b, "AB");
	b.c->seats = 3;
	bx_add(&b, "B", 1);
	CHECK_INT(bx_count(&b, "fptp", 0, 1), TELLER_EINVAL);
	CHECK(strstr(teller_errmsg(b.ctx), "says 3 seats") != NULL, "%s",
	    teller_errmsg(b.ctx));
	CHECK_INT(bx_count(&b, "fptp", 1, 1), TELLER_OK);
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
