/* SPDX-License-Identifier: MIT */
/*
 * m_sv.c -- the statutory UK Supplementary Vote, as it stood 2000-2022
 * (LGA 2000 Sch.2; GLAA 1999 Sch.2 Part I; MER 2007 Sch.1 rr.48, 51, 52).
 * Only ranks 1 and 2 of a pattern exist: the first- and second-choice
 * columns. Papers are classified in uk_paper.c (tl_uk_sv_paper).
 */
#include <string.h>

#include "uk_paper.h"

static const char R52[] = "MER 2007 Sch.1 r.52; LGA 2000 Sch.2 para 3(5)";

/* Elect the candidate with most votes among cand[i] with in[i] set; an
 * equality by lot among the tied in input order (para 3(8); r.51(5)). */
static int
elect_most(teller_ctx *ctx, struct teller_result *r, const tl_fix *votes,
    const bool *in, int ncand, struct tl_lots *lots, int *tied)
{
	tl_fix best = -1;
	int i, n = 0, who, d, rc;
	enum tl_tie_how how;
	uint64_t draw;

	for (i = 0; i < ncand; i++)
		if (in[i] && votes[i] > best)
			best = votes[i];
	for (i = 0; i < ncand; i++)
		if (in[i] && votes[i] == best)
			tied[n++] = i;
	if (n == 0)
		return tl_fail(ctx, TELLER_EINTERNAL, "sv: no candidate left");
	if (n == 1)
		return tl_result_elect(ctx, r, tied[0]);
	/* each equality draws afresh from the seed */
	tl_tie_seed(&lots->rng, lots->rules->seed);
	if ((rc = tl_lots_draw(ctx, lots, (int)r->stages->len,
	    TL_TIEK_ELECT, false, tied, n, &d, &draw, &how)) != TELLER_OK)
		return rc;
	who = tied[d];
	if (tl_result_tie(ctx, r, TL_TIEK_ELECT, how, tied, n, who,
	    draw) != TELLER_OK)
		return TELLER_ENOMEM;
	return tl_result_elect(ctx, r, who);
}

/*
 * The second column of every valid paper, as the Greater London returning
 * officer declares it after an e-count (GLA Rules 2007 Sch.3 r.57(2)(e);
 * London 2021: good 2,203,377 of which same as first 265,343, unmarked
 * 319,978, rejected 965 + 7,037). A manual count examines only the
 * eliminated candidates' papers; these figures are then for information.
 */
static int
all_seconds(teller_ctx *ctx, struct teller_result *r, const tl_fix *col2)
{
	static const char cite[] = "GLA Rules 2007 Sch.3 r.57(2)(e)";
	tl_fix good;

	if (tl_num_add(ctx, col2[TL_UK_VALID], col2[TL_UK_SAME], &good))
		return TELLER_EOVERFLOW;
	if (tl_result_tally(ctx, r, false, "all valid papers: second "
	    "preference good", cite, good) ||
	    tl_result_tally(ctx, r, false, "all valid papers: second "
	    "preference good, of which same as first", cite,
	    col2[TL_UK_SAME]) ||
	    tl_result_tally(ctx, r, false, "all valid papers: second "
	    "preference unmarked", cite, col2[TL_UK_UNMARKED]) ||
	    tl_result_tally(ctx, r, false, "all valid papers: second "
	    "preference rejected, void for uncertainty", cite,
	    col2[TL_UK_UNCERTAIN]) ||
	    tl_result_tally(ctx, r, false, "all valid papers: second "
	    "preference rejected, voting for too many", cite,
	    col2[TL_UK_TOO_MANY]))
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* Add w to *a, checked. */
static int
addw(teller_ctx *ctx, tl_fix *a, tl_fix w)
{
	return tl_num_add(ctx, *a, w, a);
}

/* One SV count: the profile and what the stages build. */
struct sv {
	teller_ctx *ctx;
	const struct teller_contest *c;
	const struct teller_profile *p;
	struct teller_result *r;
	struct tl_uk_seen seen;
	struct tl_lots lots;
	tl_fix *first;     /* [ncand] valid first preferences (stage 1) */
	tl_fix *fin;       /* [ncand] totals after stage 2 */
	bool *remain;      /* [ncand] remaining after stage 1 */
	bool *standing;    /* [ncand] standing in a UK count */
	int *tied;         /* [ncand] scratch for elect_most */
	int nstand;
	tl_fix col2[TL_UK_SAME + 1]; /* valid papers by their second column */
};

/* Allocate s's arrays and result; find who stands. */
static int
sv_init(struct sv *s, const teller_rules *rules)
{
	const struct teller_contest *c = s->c;
	teller_ctx *ctx = s->ctx;
	size_t pi;
	int i, rc;

	s->first = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_fix));
	s->fin = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_fix));
	s->remain = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(bool));
	s->standing = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(bool));
	s->tied = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	s->r = tl_result_new(ctx, c, "sv", 1, s->p->wdp);
	if (s->first == NULL || s->fin == NULL || s->remain == NULL ||
	    s->standing == NULL || s->tied == NULL || s->r == NULL ||
	    tl_uk_seen_init(ctx, &s->seen, c->ncand) != TELLER_OK)
		return TELLER_ENOMEM;
	if ((rc = tl_lots_init(ctx, &s->lots, c, rules)) != TELLER_OK)
		return rc;
	for (i = 0; i < c->ncand; i++)
		if ((s->standing[i] = tl_uk_standing(c, i)))
			s->nstand++;
	if (s->nstand == 0)
		return tl_fail(ctx, TELLER_ERULE, "sv: no candidate standing");
	/* strict: an SV paper has two columns (LGA 2000 Sch.2 para 1) */
	for (pi = 0; rules->strict && pi < s->p->pats->len; pi++)
		if (TL_PAT(s->p, pi)->nranks > 2)
			return tl_fail(ctx, TELLER_ERULE, "sv: a ballot has %u "
			    "preferences; a Supplementary Vote paper has two "
			    "columns", (unsigned)TL_PAT(s->p, pi)->nranks);
	return TELLER_OK;
}

/* The rejected papers of the first count: r.48(5) heads; PCC Order 2012
 * Sch.3 r.53 and the GLRO print unmarked and uncertain apart (notes). */
static int
first_rejected(struct sv *s, tl_fix too_many, tl_fix unmarked,
    tl_fix uncertain)
{
	tl_fix voidall;

	if (tl_num_add(s->ctx, unmarked, uncertain, &voidall))
		return TELLER_EOVERFLOW;
	if (tl_result_tally(s->ctx, s->r, true, "voting for more than one "
	    "candidate as to the first preference vote",
	    "MER 2007 Sch.1 r.48(1)(b), (5)(b)", too_many) ||
	    tl_result_tally(s->ctx, s->r, true, "unmarked or void for "
	    "uncertainty as to the first preference vote",
	    "MER 2007 Sch.1 r.48(1)(d), (5)(d)", voidall) ||
	    tl_result_tally(s->ctx, s->r, false, "rejected first "
	    "preference, of which unmarked", "PCC Order 2012 Sch.3 "
	    "r.53", unmarked) ||
	    tl_result_tally(s->ctx, s->r, false, "rejected first "
	    "preference, of which void for uncertainty",
	    "PCC Order 2012 Sch.3 r.53", uncertain))
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* Stage 1, the first count (r.48): valid first preferences, and the
 * second column of each valid paper (for all_seconds). */
static int
first_count(struct sv *s)
{
	tl_fix too_many = 0, unmarked = 0, uncertain = 0;
	struct tl_uk_sv_paper pp;
	size_t pi;
	int i, rc;

	memset(s->col2, 0, sizeof(s->col2));
	for (pi = 0; pi < s->p->pats->len; pi++) {
		const struct tl_pat *pat = TL_PAT(s->p, pi);

		if ((rc = tl_uk_sv_paper(s->ctx, s->c, s->p, pat, 0, &s->seen,
		    &pp)) != 0)
			return rc;
		switch (pp.first_head) {
		case TL_UK_VALID:
			rc = addw(s->ctx, &s->first[pp.first], pat->w);
			if (rc == TELLER_OK)
				rc = addw(s->ctx, &s->col2[pp.second_head],
				    pat->w);
			break;
		case TL_UK_TOO_MANY:
			rc = addw(s->ctx, &too_many, pat->w);
			break;
		case TL_UK_UNMARKED:
			rc = addw(s->ctx, &unmarked, pat->w);
			break;
		default:
			rc = addw(s->ctx, &uncertain, pat->w);
			break;
		}
		if (rc != TELLER_OK)
			return rc;
	}
	s->r->valid = 0;
	for (i = 0; i < s->c->ncand; i++)
		if (addw(s->ctx, &s->r->valid, s->first[i]) != TELLER_OK)
			return TELLER_EOVERFLOW;
	if (tl_result_stage(s->ctx, s->r, TL_STAGE_FIRST, -1, s->first, 0,
	    0) == NULL)
		return TELLER_ENOMEM;
	if ((rc = first_rejected(s, too_many, unmarked, uncertain)) !=
	    TELLER_OK)
		return rc;
	return tl_result_check(s->ctx, s->r);
}

/* para 3(2)-(3): the top two remain, and all tied with them. */
static void
pick_remaining(struct sv *s)
{
	tl_fix top = -1, second = -1;
	int ntop = 0, i;

	for (i = 0; i < s->c->ncand; i++)
		if (s->standing[i] && s->first[i] > top)
			top = s->first[i];
	for (i = 0; i < s->c->ncand; i++) {
		if (!s->standing[i])
			continue;
		if (s->first[i] == top)
			ntop++;
		else if (s->first[i] > second)
			second = s->first[i];
	}
	for (i = 0; i < s->c->ncand; i++)
		s->remain[i] = s->standing[i] && (s->first[i] == top ||
		    (ntop == 1 && s->first[i] == second));
}

/* The papers stage 2 does not transfer, by why (r.52). */
static int
not_transferred(struct sv *s, const tl_fix *fate)
{
	teller_ctx *ctx = s->ctx;
	struct teller_result *r = s->r;

	if (tl_result_tally(ctx, r, false, "not transferred: second "
	    "preference unmarked", R52, fate[TL_SVX_UNMARKED]) ||
	    tl_result_tally(ctx, r, false, "not transferred: second "
	    "preference same as first", R52, fate[TL_SVX_SAME]) ||
	    tl_result_tally(ctx, r, false, "not transferred: second "
	    "preference for an eliminated candidate", R52,
	    fate[TL_SVX_ELIMINATED]) ||
	    tl_result_tally(ctx, r, false, "not transferred: "
	    "rejected on second preference, voting for too many", R52,
	    fate[TL_SVX_TOO_MANY]) ||
	    tl_result_tally(ctx, r, false, "not transferred: "
	    "rejected on second preference, void for uncertainty", R52,
	    fate[TL_SVX_UNCERTAIN]))
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* Stage 2, para 3(4)-(6): the others are eliminated, and the second
 * preferences on their papers for a remaining candidate are added. */
static int
second_count(struct sv *s)
{
	tl_fix fate[TL_SVX_UNCERTAIN + 1], nt = 0;
	struct tl_uk_sv_paper pp;
	struct tl_stage *st;
	int i, rc, nex = 0, ex = -1;
	size_t pi;

	memset(fate, 0, sizeof(fate));
	for (i = 0; i < s->c->ncand; i++)
		s->fin[i] = s->remain[i] ? s->first[i] : 0;
	for (pi = 0; pi < s->p->pats->len; pi++) {
		const struct tl_pat *pat = TL_PAT(s->p, pi);
		enum tl_uk_sv_fate f;

		if ((rc = tl_uk_sv_paper(s->ctx, s->c, s->p, pat, 0, &s->seen,
		    &pp)) != 0)
			return rc;
		if (pp.first_head != TL_UK_VALID)
			continue;
		f = tl_uk_sv_fate(&pp, s->remain);
		if (f == TL_SVX_TRANSFER)
			rc = addw(s->ctx, &s->fin[pp.second], pat->w);
		else
			rc = addw(s->ctx, &fate[f], pat->w);
		if (rc != TELLER_OK)
			return rc;
	}
	for (i = TL_SVX_UNMARKED; i <= TL_SVX_UNCERTAIN; i++)
		if (addw(s->ctx, &nt, fate[i]) != TELLER_OK)
			return TELLER_EOVERFLOW;
	for (i = 0; i < s->c->ncand; i++)
		if (s->standing[i] && !s->remain[i]) {
			nex++;
			ex = i;
		}
	st = tl_result_stage(s->ctx, s->r, TL_STAGE_SECOND,
	    nex == 1 ? ex : -1, s->fin, nt, 0);
	if (st == NULL)
		return TELLER_ENOMEM;
	st->note = "LGA 2000 Sch.2 para 3";
	/* para 3(4): the others are eliminated, their papers examined at
	 * this stage */
	for (i = 0; i < s->c->ncand; i++)
		if (s->standing[i] && !s->remain[i] &&
		    (rc = tl_result_exclude(s->ctx, s->r, i)) != TELLER_OK)
			return rc;
	if ((rc = not_transferred(s, fate)) != TELLER_OK ||
	    (rc = all_seconds(s->ctx, s->r, s->col2)) != TELLER_OK)
		return rc;
	return tl_result_check(s->ctx, s->r);
}

/*
 * Count the profile. Stage 1 (TL_STAGE_FIRST): valid first preferences;
 * a candidate with more than half of them is returned (para 2). Else the
 * two with most first preferences remain, with every candidate tied for
 * second (or all tied for first) (para 3(2)-(3)); the rest are eliminated
 * at once (para 3(4)); stage 2 (TL_STAGE_SECOND) adds the second
 * preferences for remaining candidates on papers whose first preference
 * is for none of them (para 3(5)-(6)); the most votes wins, an equality
 * by lot (para 3(7)-(8)). With two candidates standing: a simple majority,
 * an equality by lot (MER 2007 Sch.1 r.51(4)-(5)); second columns are
 * ignored. Ranks after the second are never read; with rules->strict a
 * ballot that has them is refused (TELLER_ERULE).
 */
int
tl_m_sv(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct sv s;
	int i, rc;

	*out = NULL;
	if (rules->seats > 1)
		return tl_fail(ctx, TELLER_EINVAL, "sv elects one candidate, "
		    "not %d", rules->seats);
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.c = c;
	s.p = p;
	if ((rc = sv_init(&s, rules)) != TELLER_OK ||
	    (rc = first_count(&s)) != TELLER_OK)
		return rc;
	if (s.nstand <= 2) {
		/* r.51(4)-(5): two candidates, a simple majority */
		TL_STAGE(s.r, 0)->note = "MER 2007 Sch.1 r.51(4)-(5)";
		if ((rc = elect_most(ctx, s.r, s.first, s.standing, c->ncand,
		    &s.lots, s.tied)) != TELLER_OK)
			return rc;
		*out = s.r;
		return TELLER_OK;
	}
	TL_STAGE(s.r, 0)->note = "LGA 2000 Sch.2 para 2";
	for (i = 0; i < c->ncand; i++) {
		tl_fix others;

		if (tl_num_sub(ctx, s.r->valid, s.first[i], &others))
			return TELLER_EOVERFLOW;
		if (s.standing[i] && s.first[i] > others) {
			/* para 2: more than half of the first preferences */
			if ((rc = tl_result_elect(ctx, s.r, i)) != TELLER_OK)
				return rc;
			*out = s.r;
			return TELLER_OK;
		}
	}
	pick_remaining(&s);
	if ((rc = second_count(&s)) != TELLER_OK)
		return rc;
	/* para 3(7)-(8): the most votes wins; an equality by lot */
	if ((rc = elect_most(ctx, s.r, s.fin, s.remain, c->ncand, &s.lots,
	    s.tied)) != TELLER_OK)
		return rc;
	*out = s.r;
	return TELLER_OK;
}
