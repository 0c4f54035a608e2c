/* SPDX-License-Identifier: MIT */
/*
 * m_runoff.c -- the runoff family on one ranked ballot (methods.md 3.1,
 * 3.2): the contingent vote (the UK Supplementary Vote's count, LGA 2000
 * Sch.2 paras 2, 3(2)-(8), on a full preferential ballot; Queensland
 * 1892-1942) and plurality with runoff (exactly two finalists).
 */
#include <string.h>

#include "choice.h"

struct runoff {
	teller_ctx *ctx;
	const struct teller_contest *c;
	const struct teller_profile *p;
	struct teller_result *r;
	struct tl_lots lots;
	struct tl_choice ch;
	tl_fix *votes;     /* [ncand] */
	bool *live;        /* [ncand] standing, then the finalists */
	int *ids;          /* [ncand] scratch */
};

/* Stage 1: first preferences; ballots with none are rejected. */
static int
first_prefs(struct runoff *v)
{
	teller_ctx *ctx = v->ctx;
	tl_fix unmarked = 0, over = 0;
	size_t k;
	int i, who;

	for (k = 0; k < v->ch.npat; k++) {
		tl_fix w = TL_PAT(v->p, k)->w;
		tl_fix *to;

		who = tl_choice_top(&v->ch, k, v->live);
		to = who >= 0 ? &v->votes[who] : v->ch.over[k] ? &over :
		    &unmarked;
		if (tl_num_add(ctx, *to, w, to) != TELLER_OK)
			return TELLER_EOVERFLOW;
	}
	v->r->valid = 0;
	for (i = 0; i < v->c->ncand; i++)
		if (tl_num_add(ctx, v->r->valid, v->votes[i], &v->r->valid))
			return TELLER_EOVERFLOW;
	if (tl_result_stage(ctx, v->r, TL_STAGE_FIRST, -1, v->votes, 0, 0) ==
	    NULL ||
	    tl_result_tally(ctx, v->r, true, "unmarked or void for "
	    "uncertainty (no preference for a candidate)", "", unmarked) ||
	    tl_result_tally(ctx, v->r, true, "more than one first "
	    "preference", "", over))
		return TELLER_ENOMEM;
	TL_STAGE(v->r, 0)->note = "first preferences";
	return tl_result_check(ctx, v->r);
}

/* Standing candidates by votes, most first, input order among equals,
 * into v->ids; returns how many. */
static int
ranking(struct runoff *v)
{
	int n = 0, i, j;

	for (i = 0; i < v->c->ncand; i++) {
		if (!v->live[i])
			continue;
		for (j = n; j > 0 && v->votes[v->ids[j - 1]] < v->votes[i];
		    j--)
			v->ids[j] = v->ids[j - 1];
		v->ids[j] = i;
		n++;
	}
	return n;
}

/* Draw one of cand[0..n) by lot for kind (for it). */
static int
draw(struct runoff *v, enum tl_tie_kind kind, const int *cand, int n,
    int *who)
{
	enum tl_tie_how how;
	uint64_t dr;
	int d, rc;

	rc = tl_lots_draw(v->ctx, &v->lots, (int)v->r->stages->len, kind,
	    false, cand, n, &d, &dr, &how);
	if (rc == TELLER_ETIE && tl_result_pending(v->ctx, v->r, kind, cand,
	    n) != TELLER_OK)
		return TELLER_ENOMEM;
	if (rc != TELLER_OK)
		return rc;
	*who = cand[d];
	return tl_result_tie(v->ctx, v->r, kind, how, cand, n, *who, dr);
}

/*
 * Who goes forward: contingent keeps the top two and all tied with the
 * second (LGA 2000 Sch.2 para 3(4)); plurality-runoff keeps exactly two,
 * drawing lots among those tied for the places left (tie kind
 * finalist). Marks them in v->live.
 */
static int
finalists(struct runoff *v, bool two)
{
	int n = ranking(v), i, k, edge, rc;
	int *grp;
	bool *go;

	grp = tl_alloc(v->ctx, (size_t)n + 1, sizeof(int));
	go = tl_alloc(v->ctx, (size_t)v->c->ncand + 1, sizeof(bool));
	if (grp == NULL || go == NULL)
		return TELLER_ENOMEM;
	edge = n >= 2 ? 1 : 0;
	for (i = 0; i < n; i++)
		go[v->ids[i]] = i <= edge ||
		    v->votes[v->ids[i]] == v->votes[v->ids[edge]];
	if (two && n > 2) {
		/* those strictly above the second's total go; lots among
		 * the rest tied with it for the places left */
		int above = 0, need, ng = 0;
		tl_fix e = v->votes[v->ids[edge]];

		for (i = 0; i < v->c->ncand; i++) {
			go[i] = v->live[i] && v->votes[i] > e;
			above += go[i];
			if (v->live[i] && v->votes[i] == e)
				grp[ng++] = i;
		}
		need = 2 - above;
		for (k = 0; k < need && ng > need - k; k++) {
			int who;
			if ((rc = draw(v, TL_TIEK_FINALIST, grp, ng, &who)) !=
			    TELLER_OK)
				return rc;
			go[who] = true;
			for (i = 0; grp[i] != who; i++)
				;
			memmove(&grp[i], &grp[i + 1], (size_t)(ng - i - 1) *
			    sizeof(int));
			ng--;
		}
		for (; k < need && ng > 0; k++)
			go[grp[--ng]] = true;
	}
	for (i = 0; i < v->c->ncand; i++)
		v->live[i] = v->live[i] && go[i];
	return TELLER_OK;
}

/* Stage 2: every ballot counts for its highest-ranked finalist
 * (methods.md 3.1; 3.2: the one of the two it ranks higher). */
static int
runoff_stage(struct runoff *v, bool two)
{
	teller_ctx *ctx = v->ctx;
	tl_fix nontrans = 0;
	struct tl_stage *st;
	size_t k;
	int i, rc;

	memset(v->votes, 0, (size_t)v->c->ncand * sizeof(tl_fix));
	for (k = 0; k < v->ch.npat; k++) {
		int who = tl_choice_top(&v->ch, k, v->live);
		tl_fix *to = &nontrans;

		if (v->ch.n[k] == 0)
			continue; /* rejected at stage 1 */
		if (who >= 0)
			to = &v->votes[who];
		if (tl_num_add(ctx, *to, TL_PAT(v->p, k)->w, to) != TELLER_OK)
			return TELLER_EOVERFLOW;
	}
	st = tl_result_stage(ctx, v->r, two ? TL_STAGE_RUNOFF :
	    TL_STAGE_TRANSFER, -1, v->votes, nontrans, 0);
	if (st == NULL)
		return TELLER_ENOMEM;
	st->note = two ? "runoff between the two finalists" : "the "
	    "excluded candidates' ballots to their next remaining "
	    "preference (LGA 2000 Sch.2 para 3(5))";
	for (i = 0; i < v->c->ncand; i++)
		if (!v->live[i] && !TL_CAND(v->c, i)->withdrawn &&
		    (rc = tl_result_exclude(ctx, v->r, i)) != TELLER_OK)
			return rc;
	return tl_result_check(ctx, v->r);
}

/* The greatest total among the live; equal greatest by lot, with no
 * look back at stage 1 (methods.md 3.1, after LGA 2000 Sch.2 para 3). */
static int
elect_top(struct runoff *v)
{
	int i, n = 0, who;
	tl_fix best = -1;
	int rc;

	for (i = 0; i < v->c->ncand; i++)
		if (v->live[i] && v->votes[i] > best)
			best = v->votes[i];
	for (i = 0; i < v->c->ncand; i++)
		if (v->live[i] && v->votes[i] == best)
			v->ids[n++] = i;
	who = v->ids[0];
	if (n > 1 && (rc = draw(v, TL_TIEK_ELECT, v->ids, n, &who)) !=
	    TELLER_OK)
		return rc;
	return tl_result_elect(v->ctx, v->r, who);
}

static int
runoff(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *name, bool two, struct teller_result **out)
{
	struct runoff v;
	tl_fix best = 0;
	int i, rc;

	*out = NULL;
	memset(&v, 0, sizeof(v));
	v.ctx = ctx;
	v.c = c;
	v.p = p;
	v.r = tl_result_new(ctx, c, name, 1, p->wdp);
	v.votes = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_fix));
	v.live = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(bool));
	v.ids = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	if (v.r == NULL || v.votes == NULL || v.live == NULL || v.ids == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < c->ncand; i++)
		v.live[i] = !TL_CAND(c, i)->withdrawn;
	if ((rc = tl_lots_init(ctx, &v.lots, c, rules)) != TELLER_OK ||
	    (rc = tl_choice_read(ctx, c, p, two ? 0 : rules->ranks,
	    &v.ch)) != TELLER_OK ||
	    (rc = first_prefs(&v)) != TELLER_OK)
		return rc;
	for (i = 0; i < c->ncand; i++)
		if (v.votes[i] > best)
			best = v.votes[i];
	if (v.r->valid > 0 && best > v.r->valid - best) {
		/* 3.1: more than half of the valid first preferences */
		for (i = 0; v.votes[i] != best; i++)
			;
		if ((rc = tl_result_elect(ctx, v.r, i)) != TELLER_OK)
			return rc;
		*out = v.r;
		return TELLER_OK;
	}
	if (v.r->valid > 0 && ((rc = finalists(&v, two)) != TELLER_OK ||
	    (rc = runoff_stage(&v, two)) != TELLER_OK ||
	    (rc = elect_top(&v)) != TELLER_OK))
		return rc;
	*out = v.r;
	return TELLER_OK;
}

int
tl_m_contingent(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	return runoff(ctx, c, p, rules, "contingent", false, out);
}

int
tl_m_plurality_runoff(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	return runoff(ctx, c, p, rules, "plurality-runoff", true, out);
}
