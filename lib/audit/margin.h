/* SPDX-License-Identifier: MIT */
/*
 * margin.h -- margins of victory (margin.c) and the IRV branch and bound
 * (irv_bb.c).
 */
#ifndef TL_MARGIN_H
#define TL_MARGIN_H

#include "audit.h"

/* The IRV branch and bound's inputs and outputs. */
struct tl_bb {
	int winner;          /* reported winner, local id */
	int model;           /* enum teller_margin_model */
	int64_t lower;       /* in: proven lower bound (RAIRE); out: final */
	int64_t upper;       /* in: verified upper bound (LRM); out: best */
	struct tl_chg *ch;   /* in/out: the witness of upper */
	size_t nch;
	long max_nodes;
	int (*stop)(void *ud);
	void *stop_ud;
	long nodes, lps;     /* out: work done */
	const char *stopped_by; /* out: NULL (complete), "max-nodes",
				 * "budget" */
};

/* Search from io's bounds; on return io->lower == io->upper iff the
 * search completed. */
int tl_bb_run(teller_ctx *ctx, const struct tl_ab *b, struct tl_bb *io);

/*
 * The cheap bound b2 of suffix seq[0..k) (audit.md 2.4.3), fp the first
 * preferences: every e outside the suffix goes before every c in it,
 * holding at least fp[e] while c holds at most the papers whose first
 * member of seq + {e} is c; so at least ceil((fp[e] - that) / 2)
 * changes (model change; not halved for additions or deletions only).
 * The largest over e and c, or 0. Exposed for t_margin.
 */
int64_t tl_bb_b2(const struct tl_ab *b, const int64_t *fp, int model,
    const uint8_t *seq, int k);

/* witness.c: the witness of an integer DistanceTo solution x over (p for
 * classes colcls[0..np), then m for classes colcls[np..ncol)) under
 * suffix seq[0..k): papers out of a class are taken from its real
 * rankings (mask[] gives each ranking's class), papers into class
 * {j1 < j2 < ...} get ranking seq[j1], seq[j2], .... */
int tl_witness_from_bb(teller_ctx *ctx, const struct tl_ab *b,
    const uint8_t *seq, int k, const uint32_t *mask, const int *colcls,
    int np, int ncol, const int64_t *x, struct tl_chg **ch, size_t *nch);

/* witness.c: apply ch to b; check winner is then not the sure winner
 * (EINTERNAL otherwise: a witness that fails is a bug). */
int tl_witness_check(teller_ctx *ctx, const struct tl_ab *b, int winner,
    const struct tl_chg *ch, size_t nch);

/* One change of a reported witness, in contest ids. */
struct tl_mchg {
	int64_t papers;
	int *from;   /* the effective ranking (or marks) changed */
	int nfrom;   /* -1: null (papers added) */
	int *to;     /* the new ranking */
	int nto;     /* -1: null (papers removed) */
};

enum tl_proof {
	TL_PROOF_NONE = 0, TL_PROOF_CLOSED, TL_PROOF_RAIRE, TL_PROOF_BNB
};

struct teller_margin {
	const char *method;
	int model;                 /* enum teller_margin_model */
	const struct teller_profile *profile;
	const struct teller_result *result;
	int winner;                /* first reported winner, contest id */
	int winner_local;          /* IRV: its local id */
	int64_t lower, upper;      /* papers; upper -1: none known */
	int64_t strict;            /* fptp, block: -1 if none */
	int64_t lrm;               /* irv: last-round margin; -1 none */
	struct tl_vec *changes;    /* of struct tl_mchg: the witness */
	int64_t upper_papers;      /* sum of the changes' papers */
	int *after;                /* who can win after the witness */
	int nafter;
	bool by_lot;               /* ... when lots go either way */
	bool bound_only;           /* STV: upper is a bound, never exact
				    * unless it meets lower */
	enum tl_proof proof;
	struct tl_raire raire;     /* TL_PROOF_RAIRE: the assertions */
	int64_t min_votes;         /* their smallest margin */
	const struct tl_ab *ab;    /* the effective profile (names) */
	long nodes, lps;
	bool complete;
	const char *stopped_by;
};

/* Closed forms for fptp and block (plurality.c), exact from the papers'
 * marks, with a witness re-counted through teller_count. */
int tl_m_plurality_margin(teller_ctx *ctx, const struct teller_contest *c,
    const teller_rules *rules, struct teller_margin *m);

/* STV: an upper bound from re-counted manipulations (stv_margin.c). */
int tl_m_stv_margin(teller_ctx *ctx, const struct teller_contest *c,
    const teller_rules *rules, struct teller_margin *m);

/* witness.c: copy witness ch (local ids of b) into m->changes. */
int tl_witness_keep(teller_ctx *ctx, struct teller_margin *m,
    const struct tl_ab *b, const struct tl_chg *ch, size_t nch);

/* The exact SV margin (sv.c), with strict and the last-round figure. */
int tl_m_sv_margin(teller_ctx *ctx, const struct teller_contest *c,
    const teller_rules *rules, struct teller_margin *m);

#endif /* TL_MARGIN_H */
