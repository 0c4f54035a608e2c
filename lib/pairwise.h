/* SPDX-License-Identifier: MIT */
/*
 * pairwise.h -- the preference reading of a ballot, the pairwise matrix,
 * the Smith and Schwartz sets, and choosing the best by score with lots
 * (pairwise.c; methods.md 1.2, 1.3, 6.1, 6.7). Used by m_borda*.c, the
 * Condorcet methods, coombs and bucklin.
 */
#ifndef TL_PAIRWISE_H
#define TL_PAIRWISE_H

#include "tl_int.h"

struct tl_pw {
	int n;            /* candidates in the contest */
	int nstand;       /* not withdrawn */
	int dp;           /* scale of d and valid */
	tl_fix *d;        /* [n * n] d(X,Y): weight ranking X above Y */
	tl_fix valid;     /* weight of ballots with a mark */
	tl_fix unmarked;  /* weight of ballots with none */
	bool *smith, *schwartz; /* [n] */
};
#define TL_PW_D(pw, x, y) ((pw)->d[(size_t)(x) * (size_t)(pw)->n + \
	(size_t)(y)])

/*
 * Preference reading of pat (methods.md 1.2): lev[c] is the group of
 * candidate c (0 the highest); a rank with no live mark is passed over, a
 * repeat is ignored, several at one rank share a group; candidates not
 * ranked get the returned number of groups, withdrawn ones -1. size[g]
 * (may be NULL; [ncand + 1]) is how many share group g. Returns the
 * number of groups ranked (0: no mark).
 */
int tl_pw_levels(const struct teller_contest *c,
    const struct teller_profile *p, const struct tl_pat *pat, int *lev,
    int *size);
/* A pattern's weight at scale dp (>= the profile's). */
int tl_pw_weight(teller_ctx *ctx, const struct teller_profile *p,
    const struct tl_pat *pat, int dp, tl_fix *out);
/* Build the matrix at scale dp, valid, unmarked and the two sets. */
int tl_pw_build(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, int dp, struct tl_pw *pw);
/* New result for a preference-reading method: valid, the rejected
 * "unmarked" head, and pairwise, smith and schwartz copied in. */
struct teller_result *tl_pw_result(teller_ctx *ctx,
    const struct teller_contest *c, const struct tl_pw *pw,
    const char *method, int seats);
/*
 * Elect seats candidates among ok[] by key (highest first, or lowest
 * with low), into r's newest stage in that order; equals in input order,
 * a tie at the last seat by lot (kind election), recorded.
 */
int tl_pw_elect_best(teller_ctx *ctx, struct teller_result *r,
    struct tl_lots *lots, const struct tl_wide *key, const bool *ok,
    bool low,
    int seats);

#endif /* TL_PAIRWISE_H */

/*
 * Positional scoring (methods.md 5): pts(ud, n, m, pos, k) is the points,
 * in units of 1/unit, of each of the k candidates sharing 1-based
 * positions pos..pos+k-1 of a ballot ranking m of the n standing (the
 * unranked: pos = m + 1, k = n - m). Counts rules->seats (default 1)
 * into *out: one stage of scores at dp, exact, rounded half up only for
 * printing; equals at the last seat by lot.
 */
typedef struct tl_wide (*tl_pw_points)(void *ud, int n, int m, int pos,
    int k);
int tl_pw_positional(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *method, int dp, struct tl_wide unit, tl_pw_points pts,
    void *ud,
    struct teller_result **out);

/* Start a one-stage pairwise method (methods.md 6): matrix at the
 * profile's scale (plus one place with half), result, lots. */
int tl_pw_start(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *method, bool half, struct tl_pw *pw,
    struct teller_result **r, struct tl_lots *lots);
/*
 * A one-stage pairwise method scored by the matrix (methods.md 6):
 * score(c, pw, x, vote, key) gives candidate x's shown score (*vote, at
 * pw->dp) and its key, for each standing, electable x (the others score
 * 0). One stage (note), then the best by key (the lowest with low)
 * wins, equals by lot. half as for tl_pw_start.
 */
typedef void (*tl_pw_score)(const struct teller_contest *c,
    const struct tl_pw *pw, int x, tl_fix *vote, struct tl_wide *key);
int tl_pw_scored(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *method, bool half, tl_pw_score score, const char *note,
    bool low, struct teller_result **out);
/* Add the one stage (kind pairwise, votes) to r. */
int tl_pw_stage(teller_ctx *ctx, struct teller_result *r,
    const tl_fix *votes, const char *note);
/* Standing and electable candidates into ok[ncand]. */
void tl_pw_ok(const struct teller_contest *c, bool *ok);
/* "winning" (true) or "margin" strength from rules, def if unset;
 * EINVAL for anything else. */
int tl_pw_strength(teller_ctx *ctx, const teller_rules *rules,
    const char *method, bool def, bool *winning);
