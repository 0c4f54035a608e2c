/* SPDX-License-Identifier: MIT */
/*
 * result.h -- a count's result: stages, events, ties, tallies, and the
 * conservation check (result.c).
 */
#ifndef TL_RESULT_H
#define TL_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "num.h"
#include "profile.h"
#include "tie.h"

enum tl_stage_kind {
	TL_STAGE_FIRST = 0,  /* first preferences / the poll */
	TL_STAGE_SURPLUS,    /* transfer of a surplus */
	TL_STAGE_EXCLUSION,  /* exclusion of one or more candidates */
	TL_STAGE_SECOND,     /* SV: second preferences of the excluded */
	TL_STAGE_ITERATION,  /* Meek: one converged round */
	TL_STAGE_FINAL,      /* last vacancies filled, no transfer */
	/* methods.md 5-7 (positional, pairwise, bucklin) */
	TL_STAGE_SCORES,     /* one stage of scores (borda*) */
	TL_STAGE_PAIRWISE,   /* one stage from the pairwise matrix */
	TL_STAGE_ROUND,      /* bucklin: a round; exhaustive: a ballot */
	/* methods.md 2-4: the runoff and plurality families, the college */
	TL_STAGE_TRANSFER,   /* contingent: the excluded's ballots move */
	TL_STAGE_RUNOFF,     /* plurality-runoff: the two finalists */
	TL_STAGE_VOTES       /* limited, sntv, approval: the one stage */
};
#define TL_STAGE_KIND_COUNT (TL_STAGE_VOTES + 1)

/* A college section's figures at one stage (methods.md 4.4): votes
 * exact at the result's dp, percent and points rounded half up to 3
 * places (TL_COLLEGE_DP); entries of excluded candidates are -1. */
#define TL_COLLEGE_DP 3
struct tl_sect_stage {
	tl_fix valid;       /* V_s: live ballots this round */
	tl_fix nontrans;    /* the section's valid ballots not live */
	tl_fix *votes;      /* [ncand] */
	tl_fix *percent;    /* [ncand] at TL_COLLEGE_DP */
	tl_fix *points;     /* [ncand] at TL_COLLEGE_DP */
};

struct tl_sens;

struct tl_tie {
	int stage;      /* stage number at which it was decided */
	enum tl_tie_kind kind;
	enum tl_tie_how how;
	int ntied;
	int *tied;      /* candidate ids */
	int chosen;     /* the candidate chosen */
	uint64_t draw;  /* for TL_TIE_LOT: the lot index drawn */
};

/* Votes moved at a stage: to a candidate, or to TL_TO_NONTRANS /
 * TL_TO_LOSS (reports.md 12). */
#define TL_TO_NONTRANS (-1)
#define TL_TO_LOSS (-2)
#define TL_TO_OTHERS (-3) /* the report's own: not said to whom */
struct tl_transfer {
	int from;       /* candidate id */
	int to;         /* candidate id, TL_TO_NONTRANS or TL_TO_LOSS */
	tl_fix votes;   /* at the result's dp */
};

struct tl_stage {
	int number;         /* 1-based */
	enum tl_stage_kind kind;
	int subject;        /* candidate whose surplus/papers moved, or -1 */
	tl_fix *votes;      /* [ncand] totals at the end of the stage */
	tl_fix nontrans;    /* cumulative non-transferable (exhausted) */
	tl_fix loss;        /* cumulative loss by fractions */
	tl_fix value;       /* transfer value used, if any (else -1) */
	int *elected;       /* candidates elected at this stage */
	int nelected;
	int *excluded;      /* candidates excluded at this stage */
	int nexcluded;
	const char *note;   /* clause or remark, "" if none */
	tl_fix *last;       /* [ncand] coombs: last places, or NULL */
	struct tl_vec *transfers; /* of struct tl_transfer, or NULL: the
				   * votes moved at this stage */
	struct tl_vec *nt_why; /* of struct tl_tally, or NULL: the
				* cumulative non-transferable by reason */
	/* methods.md additions; zero unless a method sets them */
	struct tl_sect_stage *sect; /* [result's nsect] or NULL */
	bool has_round;     /* exhaustive: valid and rejected below */
	tl_fix round_valid;
	tl_fix round_unmarked, round_over; /* rejected by reason */
	int *withdrawn;     /* exhaustive: left since the last round */
	int nwithdrawn;
};

/* A named count of rejected or non-transferable ballots. */
struct tl_tally {
	const char *name;   /* e.g. "unmarked or void for uncertainty" */
	const char *cite;   /* clause, "" if none */
	tl_fix n;           /* at the result's dp */
};

struct tl_input {
	const char *path;
	const char *sha256;
};

struct teller_result {
	const char *method;
	const char *method_title; /* e.g. "Supplementary Vote (LGA 2000
				   * Sch.2)" */
	const struct teller_contest *contest;
	int ncand;
	int seats;
	int dp;             /* decimal places of every number */
	bool has_quota;
	tl_fix quota;
	tl_fix valid;       /* valid ballots (weight) at dp */
	tl_fix papers;      /* ballot papers read (weight) at dp; set by
			     * teller_count from the profile */
	tl_fix valid_papers; /* papers that count: valid for single-vote
			      * methods, set by the method otherwise (block:
			      * papers, not votes); -1 = same as valid */
	const char *seed;   /* the lots' seed string (a copy) */
	struct tl_vec *stages;   /* of struct tl_stage */
	struct tl_vec *elected;  /* of int, in order of election */
	struct tl_vec *excluded; /* of int, in order of exclusion */
	struct tl_vec *ties;     /* of struct tl_tie */
	struct tl_vec *rejected; /* of struct tl_tally: rejected ballots */
	struct tl_vec *notes;    /* of struct tl_tally: other counts (SV) */
	struct tl_vec *inputs;   /* of struct tl_input */
	const char **lots;       /* the hand lots given (copies), [nlots] */
	int nlots;
	int status;              /* enum teller_status: FINAL unless a
				  * tally count stopped short */
	bool *remain;            /* [ncand] SV: remaining for stage 2, or
				  * NULL (no second stage) */
	/* methods.md 1.4, 6 (pairwise methods, borda*, coombs, bucklin):
	 * all NULL when the method has none */
	const char *stopped;     /* why nobody was elected, or NULL */
	tl_fix *pairwise;        /* [ncand * ncand] d(X,Y) at dp */
	bool *smith, *schwartz;  /* [ncand] the two sets */
	tl_fix *paths;           /* [ncand * ncand] schulze p(X,Y), -1 none */
	struct tl_vec *locked;   /* of struct tl_lock: ranked-pairs */
	int regime;              /* SV: index in m_sv.c's regimes (0 =
				  * borough mayor, the default) */
	const char *regime_title; /* SV: the regime in words, or NULL */
	tl_fix *crosstab;        /* SV: [ncand][ncand + 1] first x second
				  * preference over valid papers, column
				  * ncand = no usable second; or NULL */
	const struct tl_vec *sects; /* of struct tl_section (college),
				     * or NULL: one section "all" */
	int nsect;               /* sections in stages' sect (0: none) */
	int sect_vdp;            /* places of the sections' votes (the
				  * weights'); they are kept at dp */
	tl_fix *sect_valid;      /* [nsect] valid ballots per section */
	tl_fix *sect_unmarked, *sect_over; /* [nsect] rejected */
	int64_t electorate;      /* declaration (decl.c): 0 if unknown */
	struct tl_meta *meta;    /* --meta facts (decl.c), or NULL */
	struct tl_sens *sens;    /* --sensitivity (sens.h), or NULL */
};

/* Facts of the declaration the ballots do not hold (reports.md 2,
 * --meta): NULL strings and 0 numbers when not given. */
struct tl_meta {
	const char *authority, *election, *area, *date, *officer, *place;
	int64_t issued;          /* ballot papers issued */
	const char **desc;       /* [ncand] candidates' descriptions, NULL
				  * entries where not given; or NULL */
};

/* A ranked-pairs pair in the order taken (methods.md 6.6). */
struct tl_lock {
	int winner, loser;
	tl_fix margin;      /* at the result's dp */
	bool locked;
};
#define TL_STAGE(r, i) (&TL_VEC_AT((r)->stages, struct tl_stage, (i)))

/* New empty result for method over contest, numbers at dp places. */
struct teller_result *tl_result_new(teller_ctx *ctx,
    const struct teller_contest *c, const char *method, int seats, int dp)
    TL_MUST_CHECK;
/* Append a stage with a copy of votes[ncand]; returns it or NULL. */
struct tl_stage *tl_result_stage(teller_ctx *ctx, struct teller_result *r,
    enum tl_stage_kind kind, int subject, const tl_fix *votes,
    tl_fix nontrans, tl_fix loss) TL_MUST_CHECK;
/* Record events on the newest stage and in the result's order lists. */
int tl_result_elect(teller_ctx *ctx, struct teller_result *r, int cand)
    TL_MUST_CHECK;
int tl_result_exclude(teller_ctx *ctx, struct teller_result *r, int cand)
    TL_MUST_CHECK;
/* Record a tie (tied copied). */
int tl_result_tie(teller_ctx *ctx, struct teller_result *r,
    enum tl_tie_kind kind, enum tl_tie_how how, const int *tied, int ntied,
    int chosen, uint64_t draw) TL_MUST_CHECK;
int tl_result_tally(teller_ctx *ctx, struct teller_result *r, bool rejected,
    const char *name, const char *cite, tl_fix n) TL_MUST_CHECK;
/* Record a tie the count stopped at, unsettled (TL_TIE_PENDING), and
 * set r's status to TELLER_STATUS_LOT_NEEDED. */
int tl_result_pending(teller_ctx *ctx, struct teller_result *r,
    enum tl_tie_kind kind, const int *tied, int ntied) TL_MUST_CHECK;
/* Add votes moved from -> to on the newest stage (summed with an earlier
 * record of the same pair); zero votes record nothing. */
int tl_result_transfer(teller_ctx *ctx, struct teller_result *r, int from,
    int to, tl_fix votes) TL_MUST_CHECK;
/* Set the newest stage's cumulative non-transferable under reason why
 * (a static string). */
int tl_result_nt_why(teller_ctx *ctx, struct teller_result *r,
    const char *why, tl_fix n) TL_MUST_CHECK;
/* For every stage after the first that records no transfers and whose
 * votes left exactly one candidate: its transfers from the differences
 * between the stages (every gain, and the growth of non-transferable and
 * of loss by fractions, which may be negative). Run once the method is
 * done. */
int tl_result_derive_transfers(teller_ctx *ctx, struct teller_result *r)
    TL_MUST_CHECK;
/* Conservation: sum(votes) + nontrans + loss == valid at the newest stage;
 * else TELLER_EINTERNAL naming the stage. */
int tl_result_check(teller_ctx *ctx, const struct teller_result *r)
    TL_MUST_CHECK;

#endif /* TL_RESULT_H */
