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
 * Count fptp or block (m_plurality.c): a paper's votes are the set of
 * candidates marked anywhere on it (LEPAR 2006 Sch.2 r.46); the top
 * `seats` are elected; a tie at the seat boundary is decided by lot
 * (r.49). One stage.
 */
int tl_plurality_count(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *method, int seats, struct teller_result **out) TL_MUST_CHECK;

/* Can candidate i stand in a UK count (not withdrawn, not a write-in)? */
bool tl_uk_standing(const struct teller_contest *c, int i);

#endif /* TL_UK_PAPER_H */
