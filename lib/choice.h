/* SPDX-License-Identifier: MIT */
/*
 * choice.h -- helpers shared by the runoff family, the exhaustive ballot
 * and the college (choice.c): the choice reading of methods.md 1.2 as
 * clean preference lists, exact rationals in 128 bits, and the
 * earlier-stage rule for ties (methods.md 1.3).
 */
#ifndef TL_CHOICE_H
#define TL_CHOICE_H

#include "tl_int.h"

/* The ballots of a profile read by choice (methods.md 1.2): pattern k's
 * preferences are ids[k * ncand .. + n[k]); over[k] when the list stopped
 * at a rank naming several candidates. Only the first maxranks ranks as
 * marked are read (0: all). */
struct tl_choice {
	size_t npat;
	int ncand;
	tl_cid *ids;
	int *n;
	bool *over;
};
int tl_choice_read(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, int maxranks, struct tl_choice *out);
/* Pattern k's highest preference for which live[] is true, or -1. */
int tl_choice_top(const struct tl_choice *ch, size_t k, const bool *live);

/* An exact rational n/d, d > 0, kept reduced; 128-bit integers of the
 * numeric module (num.h). */
struct tl_choice_q {
	struct tl_wide n, d;
};
struct tl_choice_q tl_choice_q(int64_t n, int64_t d);
/* a + b, a * b; EOVERFLOW beyond 128 bits. */
int tl_choice_add(teller_ctx *ctx, struct tl_choice_q a,
    struct tl_choice_q b, struct tl_choice_q *out);
int tl_choice_mul(teller_ctx *ctx, struct tl_choice_q a,
    struct tl_choice_q b, struct tl_choice_q *out);
int tl_choice_div(teller_ctx *ctx, struct tl_choice_q a,
    struct tl_choice_q b, struct tl_choice_q *out);
/* -1, 0, 1 (exact; EOVERFLOW through *rc, else *rc untouched). */
int tl_choice_cmp(struct tl_choice_q a, struct tl_choice_q b, int *rc);
/* a >= 0 rounded half up to dp places, as a fixed-point number. */
int tl_choice_round(teller_ctx *ctx, struct tl_choice_q a, int dp,
    tl_fix *out);

/*
 * One college round from each section's tally (methods.md 4.2 steps
 * 2-3): section k of ns has weight w[k], live votes v[k][0..nc) (at one
 * fixed-point scale) totalling live[k], of valid[k] valid ballots.
 * Fills ss[k] (valid = live, non-transferable = valid - live; votes
 * copied; percent and points rounded half up to 3 places, -1 for a
 * candidate with !cont[i]) and pts[i], the exact college points; a
 * section with no live ballot is left out and the others rescaled.
 */
int tl_choice_college(teller_ctx *ctx, int ns, int nc,
    const struct tl_choice_q *w, tl_fix *const *v, const tl_fix *live,
    const tl_fix *valid, const bool *cont, struct tl_sect_stage *ss,
    struct tl_choice_q *pts);

/*
 * The one of tied[0..n) to drop: fewest at the previous round of
 * hist (hist[s * ncand + cand], rounds 0..now-1), then the round before,
 * back to the first; then by lot among the rest (against them).
 * Records the tie at stage now + 1 with kind; for TL_TIEK_ELECT (two
 * left, equal) the one chosen is the other. *how_lot: a lot was drawn.
 */
int tl_choice_lowest(teller_ctx *ctx, struct teller_result *r,
    struct tl_lots *lots, const struct tl_choice_q *hist, int ncand,
    int now, const int *tied, int n, enum tl_tie_kind kind, int *loser);

#endif /* TL_CHOICE_H */
