/* SPDX-License-Identifier: MIT */
/*
 * closest.h -- the closest calls of a count (audit.md 7, 8.4): the gap
 * behind each decision, read from the result's stages (closest.c).
 */
#ifndef TL_CLOSEST_H
#define TL_CLOSEST_H

#include <stdbool.h>

#include "num.h"
#include "result.h"

enum tl_call_kind {
	TL_CALL_EXCLUSION = 0, /* the highest excluded vs the lowest kept */
	TL_CALL_ELECTION,      /* order of election among equals in time */
	TL_CALL_SURPLUS,       /* the surplus moved vs the next largest */
	TL_CALL_FINAL          /* the last elected vs the runner-up */
};
#define TL_CALL_KIND_COUNT (TL_CALL_FINAL + 1)

struct tl_call {
	int stage;      /* the stage whose totals decided it (as ties) */
	enum tl_call_kind kind;
	int a, b;       /* a: the one the decision fell on (excluded,
			 * elected, whose surplus went first); b: the
			 * nearest other */
	tl_fix gap;     /* votes(b) - votes(a) for an exclusion, else
			 * votes(a) - votes(b); >= 0, at the result's dp */
	bool lot;       /* gap 0 and a lot (seeded, by hand, or the
			 * input's tie order) settled it */
};

/* The closest calls of r in stage order into a new
 * vector of struct tl_call (freed with ctx). Decisions not taken on the
 * stages' votes (pairwise methods, coombs's last places, college points)
 * are left out, as is any whose gap would be negative. ENOMEM. */
int tl_closest(teller_ctx *ctx, const struct teller_result *r,
    struct tl_vec **out) TL_MUST_CHECK;
/* "exclusion", "election", "surplus-order", "final-seat". */
const char *tl_closest_name(enum tl_call_kind k);

#endif /* TL_CLOSEST_H */
