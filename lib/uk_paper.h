/* SPDX-License-Identifier: MIT */
/*
 * uk_paper.h -- what the UK statutory methods share (uk_paper.c):
 * classifying one ballot paper under the statutory heads of rejection
 * (block vote and FPTP: LEPAR 2006 Sch.2 r.47; Supplementary Vote: MER
 * 2007 Sch.1 rr.48, 52) and the plurality count behind fptp and block.
 */
#ifndef TL_UK_PAPER_H
#define TL_UK_PAPER_H

#include "tl_int.h"

/*
 * How a paper (or, for SV, one column of it) is treated. The statutory
 * heads are tested in the order the rules list them, so a paper falls
 * under the first head that applies.
 */
enum tl_uk_head {
	TL_UK_VALID = 0,     /* counted in full */
	TL_UK_PART,          /* block: counted, "rejected in part" */
	TL_UK_NO_OFFICIAL,   /* want of official mark */
	TL_UK_TOO_MANY,      /* more candidates than entitled / than one */
	TL_UK_IDENTIFYING,   /* writing or mark identifying the voter */
	TL_UK_UNMARKED,      /* no mark at all (in that column) */
	TL_UK_UNCERTAIN,     /* void for uncertainty */
	TL_UK_SAME           /* SV second column: same as the first */
};

/* Physical facts about a paper that a ballot profile cannot hold: the
 * count desk knows them; a profile's papers have neither. */
#define TL_PAPER_NO_OFFICIAL_MARK 1u
#define TL_PAPER_IDENTIFYING 2u

/*
 * Scratch for reading marks: one stamp per candidate so repeated marks
 * for one candidate count once, in time linear in the marks.
 */
struct tl_uk_seen {
	uint32_t *seen; /* [ncand] */
	int *ids;       /* [ncand] scratch for candidate ids */
	uint32_t stamp;
	int ncand;
};
int tl_uk_seen_init(teller_ctx *ctx, struct tl_uk_seen *s, int ncand)
    TL_MUST_CHECK;

/*
 * The marks of ranks [from, to) of pat (to < 0: every rank), as a UK
 * count reads them: a mark for a withdrawn candidate is ignored (the
 * name is not on the paper); a mark for a write-in pseudo-candidate is
 * an uncertain mark (a UK paper has no write-in line, so such a mark
 * shows no nominated candidate); repeated marks for one candidate are
 * one mark. Sets *k distinct certain candidates (their ids, first seen
 * first, into ids[] when ids != NULL), *u uncertain marks, *any marks of
 * any kind. Returns TELLER_OK, or TELLER_EINTERNAL for an id that is not
 * a candidate.
 */
int tl_uk_marks(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const struct tl_pat *pat, int from,
    int to, struct tl_uk_seen *s, int *ids, int *k, int *u, int *any)
    TL_MUST_CHECK;

/*
 * Block vote / FPTP paper with k certain and u uncertain marks, seats to
 * fill, flags TL_PAPER_*. LEPAR 2006 Sch.2 r.47 [wording not verified,
 * uk-rules.md 2.2]: no official mark; k > seats: voting for more
 * candidates than entitled; identifying mark; k == 0: unmarked (u == 0)
 * or wholly void for uncertainty; an uncertain mark that could take the
 * paper past its entitlement (k + u > seats) voids it for uncertainty;
 * otherwise the certain marks count, and a paper with uncertain marks
 * is "rejected in part".
 */
enum tl_uk_head tl_uk_block_head(int k, int u, int seats, unsigned flags);

/* An SV paper read under MER 2007 Sch.1 rr.48, 52. */
struct tl_uk_sv_paper {
	enum tl_uk_head first_head;  /* TL_UK_VALID or why rejected */
	int first;                   /* the first preference, or -1 */
	enum tl_uk_head second_head; /* VALID (a good second preference for
				      * another candidate), UNMARKED, SAME,
				      * TOO_MANY, UNCERTAIN; UNMARKED when
				      * the first is rejected */
	int second;                  /* the second preference, or -1 */
};

/*
 * Classify an SV paper: rank 1 is the first-preference column, rank 2 the
 * second; rank 3 onwards is never looked at. r.48(1): no official mark;
 * (b) more than one first preference; (c) identifying mark; (d) unmarked
 * or void for uncertainty (a first column whose only marks are uncertain,
 * or a clear mark beside an uncertain one, is void for uncertainty; a
 * paper with no mark anywhere is unmarked, one with marks elsewhere but
 * none in the first column is void for uncertainty). r.48(3): a valid
 * first preference stands whatever the second column holds. r.52(2): the
 * second counts only if not more than one is marked and the first is
 * valid. Returns TELLER_OK or TELLER_EINTERNAL (bad id).
 */
int tl_uk_sv_paper(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const struct tl_pat *pat,
    unsigned flags, struct tl_uk_seen *s, struct tl_uk_sv_paper *out)
    TL_MUST_CHECK;

/* What stage 2 does with a paper whose first preference is valid, given
 * remain[cand] (the candidates remaining after stage 1). */
enum tl_uk_sv_fate {
	TL_SVX_REMAINS = 0, /* first preference remains: not examined */
	TL_SVX_TRANSFER,    /* second preference added to a remaining one */
	TL_SVX_UNMARKED,    /* not transferred: second column unmarked */
	TL_SVX_SAME,        /* not transferred: second same as first */
	TL_SVX_ELIMINATED,  /* not transferred: second for an eliminated */
	TL_SVX_TOO_MANY,    /* rejected on second preference: too many */
	TL_SVX_UNCERTAIN    /* rejected on second preference: uncertain */
};
/* LGA 2000 Sch.2 para 3(5); MER 2007 Sch.1 r.52(1)-(3). */
enum tl_uk_sv_fate tl_uk_sv_fate(const struct tl_uk_sv_paper *pp,
    const bool *remain);

/*
 * The statutory regime whose heads of rejection a count prints (docs/
 * desk.md 2.8): the rules for English local elections (LEPAR 2006, and
 * LEPCR 2006 for parishes), UK Parliamentary (RPA 1983), FPTP mayors
 * from 2023, and SV mayors (MER 2007). A profile count of fptp or block
 * prints LEPAR's, of sv MER's.
 */
enum tl_uk_regime {
	TL_REG_LEPAR2006 = 0,
	TL_REG_LEPCR2006,
	TL_REG_RPA1983,
	TL_REG_MER_FPTP_2023,
	TL_REG_MER2007_SV
};
/* The regime named name ("lepar2006"...), or -1. */
int tl_uk_regime_find(const char *name);
/* Can a count of method ("fptp", "block", "sv") use regime? */
bool tl_uk_regime_fits(enum tl_uk_regime regime, const char *method);

/* Papers by head of rejection (rejected in part: TL_UK_PART, counted
 * among the valid papers). The heads for too many and unmarked or void
 * are always printed; want of official mark and identifying mark only
 * when given, as a profile cannot know them. */
struct tl_uk_rejected {
	tl_fix n[TL_UK_SAME + 1]; /* papers by enum tl_uk_head */
	unsigned given;           /* 1u << head: print this optional head */
};

/*
 * Record the rejected papers of a plurality count on r under regime's
 * heads (LEPAR 2006 Sch.2 r.47 and its like), and with several seats
 * the valid papers and those rejected in part (votes are not papers).
 */
int tl_plurality_rejected(teller_ctx *ctx, struct teller_result *r,
    enum tl_uk_regime regime, const struct tl_uk_rejected *rj,
    tl_fix papers);

/*
 * Elect the `seats` standing candidates of c with most votes (r.46), an
 * equality at the seat boundary by lots (r.49, one draw a seat). If a
 * lot is needed and none is left (TELLER_ETIE), the tie is recorded on
 * r unsettled (tl_result_pending) before returning.
 */
int tl_plurality_elect(teller_ctx *ctx, struct teller_result *r,
    const struct teller_contest *c, const tl_fix *votes, int seats,
    struct tl_lots *lots);

/*
 * The one stage of a count of votes (m_plurality.c): r's valid is the sum
 * of votes[ncand], its valid papers papers; the stage (kind, note) holds
 * votes.
 */
int tl_plurality_stage(teller_ctx *ctx, struct teller_result *r,
    const struct teller_contest *c, int kind, const tl_fix *votes,
    tl_fix papers, const char *note);

/*
 * Count fptp or block (m_plurality.c): a paper's votes are the set of
 * candidates marked anywhere on it (LEPAR 2006 Sch.2 r.46); the top
 * `seats` are elected; a tie at the seat boundary is decided by lot
 * (r.49). One stage.
 */
int tl_plurality_count(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *method, int seats, struct teller_result **out) TL_MUST_CHECK;

/*
 * The Supplementary Vote's decisions (m_sv.c), shared by the profile
 * count and the tally count: the caller fills first[] (valid first
 * preferences), calls tl_sv_first_stage, then tl_sv_decide; if not done,
 * fills fin[] (first preferences of the remaining candidates plus the
 * second preferences transferred to them, 0 for the others) and calls
 * tl_sv_second_stage, optionally tl_sv_all_seconds, and tl_sv_elect.
 */
struct tl_sv {
	teller_ctx *ctx;
	const struct teller_contest *c;
	struct teller_result *r;
	struct tl_lots lots; /* initialised by the caller */
	tl_fix *first;       /* [ncand] valid first preferences (stage 1) */
	tl_fix *fin;         /* [ncand] totals after stage 2 */
	bool *remain;        /* [ncand] remaining after stage 1 */
	bool *standing;      /* [ncand] standing in a UK count */
	int *tied;           /* [ncand] scratch for the election */
	int nstand;
};
/* Set r's regime (m_sv.c): "borough-mayor" (NULL too), "london", "pcc"
 * or "ca-mayor", whose rules the statements cite; else EINVAL. */
int tl_sv_regime(teller_ctx *ctx, struct teller_result *r,
    const char *name);
/* Allocate s and its result over c at dp places (ERULE: no one stands). */
int tl_sv_init(teller_ctx *ctx, struct tl_sv *s,
    const struct teller_contest *c, int dp);
/* Stage 1 (r.48): the valid votes, the stage, the rejected papers by
 * head (MER 2007 Sch.1 r.48(5)), the conservation check. */
int tl_sv_first_stage(struct tl_sv *s, const struct tl_uk_rejected *rj);
/* After stage 1: with two standing, elect by simple majority (r.51(4)-
 * (5)); else elect one with more than half the valid first preferences
 * (para 2); else mark the remaining (para 3(2)-(3), r->remain) and set
 * *done false. A lot needed and not given: TELLER_ETIE, tie recorded. */
int tl_sv_decide(struct tl_sv *s, bool *done);
/* Stage 2 (para 3(4)-(6)) from fin[] and the papers not transferred by
 * fate[enum tl_uk_sv_fate]: the stage, the eliminated, r.52's notes. */
int tl_sv_second_stage(struct tl_sv *s, const tl_fix *fate);
/* The second column of every valid paper by head (col2[enum
 * tl_uk_head]: VALID, SAME, UNMARKED, UNCERTAIN, TOO_MANY), as notes. */
int tl_sv_all_seconds(teller_ctx *ctx, struct teller_result *r,
    const tl_fix *col2);
/* The conservation check, then the most votes among the remaining wins,
 * an equality by lot (para 3(7)-(8)); TELLER_ETIE as tl_sv_decide. */
int tl_sv_elect(struct tl_sv *s);

/* Can candidate i stand in a UK count (not withdrawn, not a write-in)? */
bool tl_uk_standing(const struct teller_contest *c, int i);

#endif /* TL_UK_PAPER_H */
