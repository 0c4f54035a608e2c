/* SPDX-License-Identifier: MIT */
/*
 * t_closest.c -- closest calls (closest.c, audit.md 7): the gap behind
 * each exclusion, surplus order, order of election and the final seat,
 * and "lot" where a lot settled a gap of 0.
 */
#include "harness.h"
#include "tl_int.h"
#include "testlib.h"
#include "closest.h"

/* The calls of b's last result as "stage:decision:a>b:gap:L" joined by
 * spaces (L: lot), into a static buffer. */
static const char *
calls(struct bx *b)
{
	static char buf[1024];
	struct tl_vec *v;
	size_t i, at = 0;

	buf[0] = '\0';
	if (b->r == NULL || tl_closest(b->ctx, b->r, &v) != TELLER_OK)
		return "(error)";
	for (i = 0; i < v->len; i++) {
		const struct tl_call *c = &TL_VEC_AT(v, struct tl_call, i);
		char g[TL_NUM_BUFSZ];
		int k;

		CHECK(i == 0 || c[-1].stage <= c->stage, "call %zu: stage %d "
		    "after %d", i, c->stage, c[-1].stage);

		tl_num_fmt(g, c->gap, b->r->dp);
		k = snprintf(buf + at, sizeof(buf) - at, "%s%d:%s:%s>%s:%s%s",
		    i > 0 ? " " : "", c->stage, tl_closest_name(c->kind),
		    TL_CAND(b->c, c->a)->name, TL_CAND(b->c, c->b)->name, g,
		    c->lot ? ":L" : "");
		if (k < 0 || (size_t)k >= sizeof(buf) - at)
			break;
		at += (size_t)k;
	}
	return buf;
}

static void
irv(void)
{
	struct bx b;

	/* D 15 < C 20 by 5; C and B tie at 30 (earlier stage: no lot);
	 * B wins 50 to 35 */
	bx_init(&b, "ABCD");
	bx_add(&b, "A,B", 35);
	bx_add(&b, "B,C", 30);
	bx_add(&b, "C,B,A", 20);
	bx_add(&b, "D,C", 10);
	bx_add(&b, "D", 5);
	CHECK_INT(bx_count(&b, "irv", 1, 1), TELLER_OK);
	CHECK_STR(calls(&b), "1:exclusion:D>C:5 2:exclusion:C>B:0 "
	    "3:final-seat:B>A:15");
	bx_free(&b);

	/* C and D tie at 3 from the start: a lot, gap 0 */
	bx_init(&b, "ABCD");
	bx_add(&b, "A", 10);
	bx_add(&b, "B", 9);
	bx_add(&b, "C,B", 3);
	bx_add(&b, "D,A", 3);
	CHECK_INT(bx_count(&b, "irv", 1, 1), TELLER_OK);
	CHECK_STR(calls(&b), "1:exclusion:C>D:0:L 2:exclusion:D>A:7 "
	    "3:final-seat:A>B:1");
	bx_free(&b);
}

static void
fptp_block(void)
{
	struct bx b;

	bx_init(&b, "AB");
	bx_add(&b, "A", 10);
	bx_add(&b, "B", 10);
	CHECK_INT(bx_count(&b, "fptp", 1, 1), TELLER_OK);
	CHECK(strstr(calls(&b), "1:final-seat:") == calls(&b) &&
	    strstr(calls(&b), ":0:L") != NULL, "%s", calls(&b));
	bx_free(&b);

	/* block, 2 seats: order A 30 > B 20, B over C 12 by 8 */
	bx_init(&b, "ABC");
	bx_add(&b, "A|B", 20);
	bx_add(&b, "A|C", 10);
	bx_add(&b, "C", 2);
	CHECK_INT(bx_count(&b, "block", 2, 1), TELLER_OK);
	CHECK_STR(calls(&b), "1:election:A>B:10 1:final-seat:B>C:8");
	bx_free(&b);
}

static void
stv(void)
{
	struct bx b;

	/* quota 26 of 100 for 3 seats: A 40 and B 30 both over it at
	 * stage 1; A's surplus (14) goes before B's (4), gap 10 */
	bx_init(&b, "ABCDE");
	bx_add(&b, "A,C", 40);
	bx_add(&b, "B,D", 30);
	bx_add(&b, "C", 12);
	bx_add(&b, "D", 10);
	bx_add(&b, "E", 8);
	CHECK_INT(bx_count(&b, "stv-scottish", 3, 1), TELLER_OK);
	CHECK(strstr(calls(&b), "1:surplus-order:A>B:10.00000") != NULL,
	    "%s", calls(&b));
	CHECK(strstr(calls(&b), "1:election:A>B:10.00000") != NULL, "%s",
	    calls(&b));
	bx_free(&b);
}

/* The last seat filled at the stage that excludes the runner-up: the
 * final seat is decided on the stage before and listed in stage order. */
static void
last_by_exclusion(void)
{
	struct bx b;

	/* 3 seats, quota 26: A elected; D excluded at stage 3 and B and C
	 * elected with it, the last seat decided on stage 2 */
	bx_init(&b, "ABCD");
	bx_add(&b, "A", 40);
	bx_add(&b, "B", 25);
	bx_add(&b, "C", 24);
	bx_add(&b, "D", 11);
	CHECK_INT(bx_count(&b, "stv-scottish", 3, 1), TELLER_OK);
	CHECK_STR(calls(&b), "2:exclusion:D>C:13.00000 "
	    "2:final-seat:C>D:13.00000 3:election:B>C:1.00000");
	bx_free(&b);
}

static void
pairwise(void)
{
	struct bx b;

	/* no decision on stage votes: none */
	bx_init(&b, "ABC");
	bx_add(&b, "A,B,C", 5);
	bx_add(&b, "B,C,A", 4);
	bx_add(&b, "C,A,B", 2);
	CHECK_INT(bx_count(&b, "schulze", 1, 1), TELLER_OK);
	CHECK_STR(calls(&b), "");
	bx_free(&b);
}

int
main(void)
{
	irv();
	fptp_block();
	stv();
	last_by_exclusion();
	pairwise();
	return h_done();
}
