/* SPDX-License-Identifier: MIT */
/*
 * tie.h -- tie-break: the seeded stream, lots by hand, the input's tie
 * order (tie.c).
 */
#ifndef TL_TIE_H
#define TL_TIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

/* How a tie was settled, and what it was about (kept in the result). */
enum tl_tie_how {
	TL_TIE_EARLIER = 0, /* settled by an earlier stage's totals */
	TL_TIE_LOT,         /* settled by lot (rivest-sha256 sampler) */
	TL_TIE_ORDER,       /* settled by input order (rule says so) */
	TL_TIE_FIRSTPREF,   /* settled by first preferences */
	TL_TIE_HAND,        /* settled by a lot drawn by hand (--lot) */
	TL_TIE_TIEORDER,    /* settled by the input's tie order ([tie]) */
	TL_TIE_PENDING      /* not settled: the count stopped for a lot
			     * (a tally count; chosen is -1) */
};
#define TL_TIE_HOW_COUNT (TL_TIE_PENDING + 1)

enum tl_tie_kind {
	TL_TIEK_EXCLUDE = 0, /* who is excluded */
	TL_TIEK_SURPLUS,     /* whose surplus goes first */
	TL_TIEK_ELECT,       /* who is elected (last seat, final stage) */
	TL_TIEK_ORDER,       /* order of election among equals */
	TL_TIEK_PAIR_ORDER,  /* ranked-pairs: a ranking drawn once (6.6) */
	TL_TIEK_FINALIST     /* who goes to a runoff (methods.md 3.2) */
};
/* The tables of names by kind check their length against these. */
#define TL_TIEK_COUNT (TL_TIEK_FINALIST + 1)

/* The rivest-sha256 sampler: documented in tie.c and teller.3. */
struct tl_rng {
	const char *seed; /* borrowed; never NULL after tl_tie_seed */
	uint64_t tries;   /* the counter: tries so far */
};
/* Start the stream of seed (NULL: "1") at try 0. */
void tl_tie_seed(struct tl_rng *r, const char *seed);
/* The next try's 256-bit number, big-endian, into k. */
void tl_tie_next(struct tl_rng *r, unsigned char k[32]);
/* Uniform index in [0, n) by rejection sampling (1 <= n < 2^31). */
int tl_tie_lot(struct tl_rng *r, int n);

/*
 * Lots in one count: the returning officer's, drawn by hand and given in
 * order (teller_rules.lots, audit.md 4.4), else the seeded generator, or
 * with rules->no_seed a stop (TELLER_ETIE) that prints the --lot syntax.
 */
struct tl_hand_lot {
	int stage;    /* the stage the tie is recorded at; 0: any (a
		       * tally's lot, which names no stage) */
	int n;
	int *order;   /* candidate ids in increasing favour */
	const char *spec;
};
struct tl_lots {
	struct tl_rng rng;
	const struct teller_contest *c;
	const teller_rules *rules;
	struct tl_hand_lot *hand; /* [rules->nlots], parsed */
	int used;                 /* hand lots used so far */
	/* for teller_lot_pending, set by a method that can say (irv):
	 * its continuing set and result, when with the stages' totals they
	 * are the whole state of the count, else NULL; and whether the next
	 * lot cannot change who is elected (the bulk-exclusion rule) */
	const bool *cont;
	const struct teller_result *r;
	bool free_order;
};
/* Parse lot spec s against contest c into *out (EINVAL naming the spec
 * on a bad stage, an unknown or repeated name, fewer than two names). */
int tl_lot_parse(teller_ctx *ctx, const struct teller_contest *c,
    const char *s, struct tl_hand_lot *out) TL_MUST_CHECK;
/* Seed the generator and parse the hand lots of rules. */
int tl_lots_init(teller_ctx *ctx, struct tl_lots *l,
    const struct teller_contest *c, const teller_rules *rules) TL_MUST_CHECK;
/*
 * Settle by lot a tie of kind among cand[0..n) (n >= 2, input order) at
 * stage: *idx is the index in cand the lot falls on, against it (against:
 * the one excluded or passed over) or for it. After the hand lots, an
 * input's tie order (Droop [tie]) settles it as Droop does: the earliest
 * listed is the one excluded, or the one favoured. A seeded draw takes the
 * same stream as tl_tie_lot. *draw is what the result records: the lot
 * index, or for a hand lot its number (1-based) in rules->lots. Errors:
 * ESTOP (the next hand lot is for another tie), ETIE (no_seed and no
 * hand lot left).
 */
int tl_lots_draw(teller_ctx *ctx, struct tl_lots *l, int stage,
    enum tl_tie_kind kind, bool against, const int *cand, int n, int *idx,
    uint64_t *draw, enum tl_tie_how *how) TL_MUST_CHECK;
/* Forget the lot the last count stopped at (teller_count starts so). */
void tl_lots_forget(teller_ctx *ctx);
/* Index in cand[0..n) of the candidate earliest in c's tie order (Droop
 * [tie]), or -1 if c has none. */
int tl_tie_order_first(const struct teller_contest *c, const int *cand,
    int n);

#endif /* TL_TIE_H */
