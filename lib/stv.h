/* SPDX-License-Identifier: MIT */
/*
 * stv.h -- helpers shared by stv-ers97, stv-wigm and stv-meek (stv.c):
 * the ballots as clean preference lists (withdrawn candidates and skipped
 * ranks removed, empty ballots dropped), the seat count, candidate states.
 */
#ifndef TL_STV_H
#define TL_STV_H

#include "tl_int.h"

enum stv_state {
	STV_HOPEFUL = 0,  /* continuing */
	STV_ELECTED,
	STV_DEFEATED,     /* excluded */
	STV_WITHDRAWN
};

/* Clean ballots: ranking k is ids[off[k] .. off[k+1]), weight w[k]. */
struct stv_ballots {
	size_t n;
	uint32_t *off;   /* [n + 1] */
	tl_cid *ids;
	int64_t *w;      /* whole ballots (weights must be integers) */
	uint32_t *pat;   /* [n] the profile pattern each came from */
	int64_t total;   /* valid ballots: sum of w (with eq below) */
	int64_t unmarked; /* rejected: no preference for a candidate */
	int64_t over1;    /* rejected: more than one first preference */
	/* Ballots with equal rankings, when the method accepts them:
	 * ballot k has ranks eqrank[eqoff[k] .. eqoff[k+1]), rank r holds
	 * the candidates eqids[eqrank[r] .. eqrank[r+1]). */
	size_t neq;
	struct tl_vec *eqoff;  /* of uint32_t, neq + 1 */
	struct tl_vec *eqrank; /* of uint32_t */
	struct tl_vec *eqids;  /* of tl_cid */
	struct tl_vec *eqw;    /* of int64_t */
};

/*
 * Read the profile for an STV count: seats from rules (if > 0) or the
 * contest; the clean rankings; refuse fractional ballot weights (ERULE)
 * and no seats (EINVAL). A paper with no mark for a standing candidate,
 * or with several at its first preference, is rejected (counted in
 * unmarked, over1). Unless allow_equal, a paper ranking candidates equal
 * after its first preference is valid and becomes non-transferable at
 * that rank (ERS97 5.2.5; Droop); with allow_equal such papers are kept
 * apart in the eq* fields: withdrawn candidates, repeats and empty ranks
 * removed.
 */
int tl_stv_prepare(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *method, bool allow_equal, struct stv_ballots *b,
    int *seats) TL_MUST_CHECK;

/* Record b's rejected papers on r (at dp places, weights whole). */
int tl_stv_rejected(teller_ctx *ctx, struct teller_result *r,
    const struct stv_ballots *b) TL_MUST_CHECK;

/* Initial states: STV_WITHDRAWN or STV_HOPEFUL; returns the hopefuls. */
int tl_stv_states(const struct teller_contest *c, int *state);

#endif /* TL_STV_H */
