/* SPDX-License-Identifier: MIT */
/*
 * m_coombs.c -- Coombs (methods.md 7.1): each round a ballot counts for
 * its highest-ranked continuing candidate (choice reading); more than
 * half of the ballots counted elects; else the candidate with most last
 * places is excluded. A ballot's last place: the continuing candidate it
 * ranks lowest if it ranks them all, or the one it leaves unranked; none
 * if it leaves two or more unranked or ranks several equal lowest. A tie
 * for most: more at the previous round, then earlier; then lot. C. H.
 * Coombs, A Theory of Data, 1964.
 */
#include <string.h>

#include "pairwise.h"

struct coombs {
	teller_ctx *ctx;
	const struct teller_contest *c;
	const struct teller_profile *p;
	struct teller_result *r;
	struct tl_lots lots;
	bool *cont;
	int ncont;
	tl_cid *list;
	int *lev, *tied;
	tl_fix *votes, *last;
	tl_fix nt_none, nt_over; /* non-transferable this round */
};

/* The continuing candidate the ballot's last place goes to, or -1
 * (methods.md 7.1: the lowest ranked if it ranks every continuing
 * candidate, the one left unranked if it leaves one; else none). */
static int
last_place(const struct coombs *v, int ng)
{
	int i, lo = -1, who = -1, unranked = 0, at = 0;

	for (i = 0; i < v->c->ncand; i++) {
		if (!v->cont[i])
			continue;
		if (v->lev[i] == ng) {
			unranked++;
			who = i;
		}
	}
	if (unranked == 1)
		return who;
	if (unranked > 1)
		return -1;
	for (i = 0; i < v->c->ncand; i++)
		if (v->cont[i] && v->lev[i] > lo) {
			lo = v->lev[i];
			who = i;
			at = 1;
		} else if (v->cont[i] && v->lev[i] == lo) {
			at++;
		}
	return at == 1 ? who : -1;
}

/* Count one round into votes, last, nt_*; at round 1 the rejected. */
static int
tally(struct coombs *v, bool first)
{
	teller_ctx *ctx = v->ctx;
	const struct teller_profile *p = v->p;
	int n = v->c->ncand, len, i, ng, top, lp;
	tl_fix unmarked = 0, over1 = 0;
	size_t pi;
	bool eq;

	memset(v->votes, 0, (size_t)n * sizeof(tl_fix));
	memset(v->last, 0, (size_t)n * sizeof(tl_fix));
	v->nt_none = v->nt_over = 0;
	for (pi = 0; pi < p->pats->len; pi++) {
		const struct tl_pat *pat = TL_PAT(p, pi);
		tl_fix *to;

		len = tl_pat_clean(v->c, p, pat, v->list, n, &eq);
		if (len == 0) {
			to = eq ? &over1 : &unmarked;
			if (tl_num_add(ctx, *to, pat->w, to))
				return TELLER_EOVERFLOW;
			continue;
		}
		for (i = 0, top = -1; i < len && top < 0; i++)
			if (v->cont[v->list[i]])
				top = v->list[i];
		to = top >= 0 ? &v->votes[top] : eq ? &v->nt_over :
		    &v->nt_none;
		if (tl_num_add(ctx, *to, pat->w, to))
			return TELLER_EOVERFLOW;
		ng = tl_pw_levels(v->c, p, pat, v->lev, NULL);
		lp = last_place(v, ng);
		if (lp >= 0 && tl_num_add(ctx, v->last[lp], pat->w,
		    &v->last[lp]))
			return TELLER_EOVERFLOW;
	}
	if (!first)
		return TELLER_OK;
	v->r->valid = v->nt_none + v->nt_over;
	for (i = 0; i < n; i++)
		v->r->valid += v->votes[i];
	if (tl_result_tally(ctx, v->r, true, "unmarked or void for "
	    "uncertainty (no preference for a candidate)", "", unmarked) ||
	    tl_result_tally(ctx, v->r, true, "more than one first "
	    "preference", "", over1))
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* Record the round as a stage with its last places. */
static int
stage(struct coombs *v, enum tl_stage_kind kind, int subject)
{
	struct tl_stage *st = tl_result_stage(v->ctx, v->r, kind, subject,
	    v->votes, v->nt_none + v->nt_over, 0);
	int n = v->c->ncand;

	if (st == NULL || (st->last = tl_alloc(v->ctx, (size_t)n + 1,
	    sizeof(tl_fix))) == NULL)
		return TELLER_ENOMEM;
	memcpy(st->last, v->last, (size_t)n * sizeof(tl_fix));
	st->note = kind == TL_STAGE_FIRST ? "first preferences" :
	    "most last places excluded";
	return tl_result_check(v->ctx, v->r);
}

/* The candidate with most last places; a tie by earlier rounds, newest
 * first, then by lot (methods.md 7.1). */
static int
most_last(struct coombs *v, int *loser)
{
	int n = v->c->ncand, i, k, nt = 0, m, d = 0, rc;
	size_t s = v->r->stages->len - 1;
	tl_fix hi = -1;
	enum tl_tie_how how = TL_TIE_EARLIER;
	uint64_t dr = 0;
	int *keep = v->tied + n;

	for (i = 0; i < n; i++)
		if (v->cont[i] && v->last[i] > hi) {
			hi = v->last[i];
			nt = 0;
			v->tied[nt++] = i;
		} else if (v->cont[i] && v->last[i] == hi) {
			v->tied[nt++] = i;
		}
	*loser = v->tied[0];
	if (nt == 1)
		return TELLER_OK;
	memcpy(keep, v->tied, (size_t)nt * sizeof(int));
	for (m = nt; s-- > 0 && m > 1;) {
		const tl_fix *l = TL_STAGE(v->r, s)->last;
		tl_fix top = l[keep[0]];
		for (i = 1; i < m; i++)
			if (l[keep[i]] > top)
				top = l[keep[i]];
		for (i = k = 0; i < m; i++)
			if (l[keep[i]] == top)
				keep[k++] = keep[i];
		m = k;
	}
	if (m > 1 && (rc = tl_lots_draw(v->ctx, &v->lots,
	    (int)v->r->stages->len, TL_TIEK_EXCLUDE, true, keep, m, &d, &dr,
	    &how)) != TELLER_OK)
		return rc;
	*loser = keep[d];
	return tl_result_tie(v->ctx, v->r, TL_TIEK_EXCLUDE, how, v->tied, nt,
	    *loser, dr);
}

static int
coombs_init(struct coombs *v, const teller_rules *rules)
{
	int n = v->c->ncand, i;

	v->cont = tl_alloc(v->ctx, (size_t)n + 1, sizeof(bool));
	v->list = tl_alloc(v->ctx, (size_t)n + 1, sizeof(tl_cid));
	v->lev = tl_alloc(v->ctx, (size_t)n + 1, sizeof(int));
	v->tied = tl_alloc(v->ctx, 2 * (size_t)n + 1, sizeof(int));
	v->votes = tl_alloc(v->ctx, (size_t)n + 1, sizeof(tl_fix));
	v->last = tl_alloc(v->ctx, (size_t)n + 1, sizeof(tl_fix));
	v->r = tl_result_new(v->ctx, v->c, "coombs", 1, v->p->wdp);
	if (v->cont == NULL || v->list == NULL || v->lev == NULL ||
	    v->tied == NULL || v->votes == NULL || v->last == NULL ||
	    v->r == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < n; i++) {
		v->cont[i] = !TL_CAND(v->c, i)->withdrawn &&
		    !TL_CAND(v->c, i)->writein;
		v->ncont += v->cont[i];
	}
	if (v->ncont == 0)
		return tl_fail(v->ctx, TELLER_ERULE, "coombs: no candidate "
		    "standing");
	return tl_lots_init(v->ctx, &v->lots, v->c, rules);
}

int
tl_m_coombs(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct coombs v;
	int i, rc, best, loser;
	tl_fix live;

	*out = NULL;
	if (rules->seats > 1)
		return tl_fail(ctx, TELLER_EINVAL, "coombs elects one "
		    "candidate, not %d", rules->seats);
	memset(&v, 0, sizeof(v));
	v.ctx = ctx;
	v.c = c;
	v.p = p;
	if ((rc = coombs_init(&v, rules)) != TELLER_OK ||
	    (rc = tally(&v, true)) != TELLER_OK ||
	    (rc = stage(&v, TL_STAGE_FIRST, -1)) != TELLER_OK)
		return rc;
	for (;;) {
		for (i = 0, best = -1, live = 0; i < c->ncand; i++)
			if (v.cont[i]) {
				live += v.votes[i];
				if (best < 0 || v.votes[i] > v.votes[best])
					best = i;
			}
		if (v.r->valid == 0)
			break; /* teller_count refuses: no valid paper */
		if (v.ncont == 1 || v.votes[best] > live - v.votes[best]) {
			rc = tl_result_elect(ctx, v.r, best);
			break;
		}
		if ((rc = most_last(&v, &loser)) != TELLER_OK)
			return rc;
		v.cont[loser] = false;
		v.ncont--;
		if ((rc = tally(&v, false)) != TELLER_OK ||
		    (rc = stage(&v, TL_STAGE_EXCLUSION, loser)) != TELLER_OK ||
		    (rc = tl_result_exclude(ctx, v.r, loser)) != TELLER_OK)
			return rc;
	}
	if (rc != TELLER_OK)
		return rc;
	if (tl_result_tally(ctx, v.r, false, "non-transferable: no "
	    "further preference", "", v.nt_none) ||
	    tl_result_tally(ctx, v.r, false, "non-transferable: several "
	    "candidates at the next preference", "", v.nt_over))
		return TELLER_ENOMEM;
	*out = v.r;
	return TELLER_OK;
}
