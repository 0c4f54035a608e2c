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
	struct teller_result *r;
	struct tl_uk_seen seen;
	struct tl_uk_sv_paper pp;
	tl_fix *first, *fin, too_many = 0, unmarked = 0, uncertain = 0;
	tl_fix fate[TL_SVX_UNCERTAIN + 1], col2[TL_UK_SAME + 1];
	bool *remain, *standing;
	int *tied, nstand = 0, i, rc;
	size_t pi;
	struct tl_lots lots;

	*out = NULL;
	if (rules->seats > 1)
		return tl_fail(ctx, TELLER_EINVAL, "sv elects one candidate, "
		    "not %d", rules->seats);
	first = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_fix));
	fin = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_fix));
	remain = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(bool));
	standing = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(bool));
	tied = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	r = tl_result_new(ctx, c, "sv", 1, p->wdp);
	if (first == NULL || fin == NULL || remain == NULL ||
	    standing == NULL || tied == NULL || r == NULL ||
	    tl_uk_seen_init(ctx, &seen, c->ncand) != TELLER_OK)
		return TELLER_ENOMEM;
	if ((rc = tl_lots_init(ctx, &lots, c, rules)) != TELLER_OK)
		return rc;
	for (i = 0; i < c->ncand; i++)
		if ((standing[i] = tl_uk_standing(c, i)))
			nstand++;
	if (nstand == 0)
		return tl_fail(ctx, TELLER_ERULE, "sv: no candidate standing");
	/* strict: an SV paper has two columns (LGA 2000 Sch.2 para 1) */
	for (pi = 0; rules->strict && pi < p->pats->len; pi++)
		if (TL_PAT(p, pi)->nranks > 2)
			return tl_fail(ctx, TELLER_ERULE, "sv: a ballot has %u "
			    "preferences; a Supplementary Vote paper has two "
			    "columns", (unsigned)TL_PAT(p, pi)->nranks);

	/* the first count: r.48 */
	memset(col2, 0, sizeof(col2));
	for (pi = 0; pi < p->pats->len; pi++) {
		const struct tl_pat *pat = TL_PAT(p, pi);

		if ((rc = tl_uk_sv_paper(ctx, c, p, pat, 0, &seen, &pp)) != 0)
			return rc;
		switch (pp.first_head) {
		case TL_UK_VALID:
			rc = addw(ctx, &first[pp.first], pat->w);
			if (rc == TELLER_OK)
				rc = addw(ctx, &col2[pp.second_head], pat->w);
			break;
		case TL_UK_TOO_MANY:
			rc = addw(ctx, &too_many, pat->w);
			break;
		case TL_UK_UNMARKED:
			rc = addw(ctx, &unmarked, pat->w);
			break;
		default:
			rc = addw(ctx, &uncertain, pat->w);
			break;
		}
		if (rc != TELLER_OK)
			return rc;
	}
	r->valid = 0;
	for (i = 0; i < c->ncand; i++)
		if (addw(ctx, &r->valid, first[i]) != TELLER_OK)
			return TELLER_EOVERFLOW;
	if (tl_result_stage(ctx, r, TL_STAGE_FIRST, -1, first, 0, 0) == NULL)
		return TELLER_ENOMEM;
	{
		tl_fix voidall;
		if (tl_num_add(ctx, unmarked, uncertain, &voidall))
			return TELLER_EOVERFLOW;
		/* r.48(5) heads; PCC Order 2012 Sch.3 r.53 and the GLRO
		 * print unmarked and uncertain apart: kept as notes */
		if (tl_result_tally(ctx, r, true, "voting for more than one "
		    "candidate as to the first preference vote",
		    "MER 2007 Sch.1 r.48(1)(b), (5)(b)", too_many) ||
		    tl_result_tally(ctx, r, true, "unmarked or void for "
		    "uncertainty as to the first preference vote",
		    "MER 2007 Sch.1 r.48(1)(d), (5)(d)", voidall) ||
		    tl_result_tally(ctx, r, false, "rejected first "
		    "preference, of which unmarked", "PCC Order 2012 Sch.3 "
		    "r.53", unmarked) ||
		    tl_result_tally(ctx, r, false, "rejected first "
		    "preference, of which void for uncertainty",
		    "PCC Order 2012 Sch.3 r.53", uncertain))
			return TELLER_ENOMEM;
	}
	if ((rc = tl_result_check(ctx, r)) != TELLER_OK)
		return rc;

	if (nstand <= 2) {
		/* r.51(4)-(5): two candidates, a simple majority */
		TL_STAGE(r, 0)->note = "MER 2007 Sch.1 r.51(4)-(5)";
		if ((rc = elect_most(ctx, r, first, standing, c->ncand,
		    &lots, tied)) != TELLER_OK)
			return rc;
		*out = r;
		return TELLER_OK;
	}
	TL_STAGE(r, 0)->note = "LGA 2000 Sch.2 para 2";
	for (i = 0; i < c->ncand; i++) {
		tl_fix others;

		if (tl_num_sub(ctx, r->valid, first[i], &others))
			return TELLER_EOVERFLOW;
		if (standing[i] && first[i] > others) {
			/* para 2: more than half of the first preferences */
			if ((rc = tl_result_elect(ctx, r, i)) != TELLER_OK)
				return rc;
			*out = r;
			return TELLER_OK;
		}
	}

	/* para 3(2)-(3): the top two remain, and all tied with them */
	{
		tl_fix top = -1, second = -1;
		int ntop = 0;

		for (i = 0; i < c->ncand; i++)
			if (standing[i] && first[i] > top)
				top = first[i];
		for (i = 0; i < c->ncand; i++) {
			if (!standing[i])
				continue;
			if (first[i] == top)
				ntop++;
			else if (first[i] > second)
				second = first[i];
		}
		for (i = 0; i < c->ncand; i++)
			remain[i] = standing[i] && (first[i] == top ||
			    (ntop == 1 && first[i] == second));
	}

	/* para 3(5)-(6): second preferences of the others' papers */
	memset(fate, 0, sizeof(fate));
	for (i = 0; i < c->ncand; i++)
		fin[i] = remain[i] ? first[i] : 0;
	for (pi = 0; pi < p->pats->len; pi++) {
		const struct tl_pat *pat = TL_PAT(p, pi);
		enum tl_uk_sv_fate f;

		if ((rc = tl_uk_sv_paper(ctx, c, p, pat, 0, &seen, &pp)) != 0)
			return rc;
		if (pp.first_head != TL_UK_VALID)
			continue;
		f = tl_uk_sv_fate(&pp, remain);
		if (f == TL_SVX_TRANSFER)
			rc = addw(ctx, &fin[pp.second], pat->w);
		else
			rc = addw(ctx, &fate[f], pat->w);
		if (rc != TELLER_OK)
			return rc;
	}
	{
		struct tl_stage *st;
		tl_fix nt = 0;
		int nex = 0, ex = -1;

		for (i = TL_SVX_UNMARKED; i <= TL_SVX_UNCERTAIN; i++)
			if (addw(ctx, &nt, fate[i]) != TELLER_OK)
				return TELLER_EOVERFLOW;
		for (i = 0; i < c->ncand; i++)
			if (standing[i] && !remain[i]) {
				nex++;
				ex = i;
			}
		st = tl_result_stage(ctx, r, TL_STAGE_SECOND,
		    nex == 1 ? ex : -1, fin, nt, 0);
		if (st == NULL)
			return TELLER_ENOMEM;
		st->note = "LGA 2000 Sch.2 para 3";
		/* para 3(4): the others are eliminated, their papers
		 * examined at this stage */
		for (i = 0; i < c->ncand; i++)
			if (standing[i] && !remain[i] &&
			    (rc = tl_result_exclude(ctx, r, i)) != TELLER_OK)
				return rc;
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
		if ((rc = all_seconds(ctx, r, col2)) != TELLER_OK ||
		    (rc = tl_result_check(ctx, r)) != TELLER_OK)
			return rc;
	}
	/* para 3(7)-(8): the most votes wins; an equality by lot */
	if ((rc = elect_most(ctx, r, fin, remain, c->ncand, &lots,
	    tied)) != TELLER_OK)
		return rc;
	*out = r;
	return TELLER_OK;
}
