/* SPDX-License-Identifier: MIT */
/*
 * m_college.c -- the Labour Party's weighted electoral college with
 * preferential rounds, 1993-2014 (methods.md 4.2): each section tallied
 * on its own, normalised to shares of its live ballots, weighted; more
 * than 50 of 100 points elects, else the fewest points are excluded.
 * Shares and points are exact rationals; printed rounded half up to 3
 * places, as Labour announced them.
 */
#include <string.h>

#include "choice.h"

struct sect {
	const struct teller_profile *p;
	struct tl_choice ch;
	struct tl_choice_q w;   /* the weight */
	tl_fix valid;           /* valid ballots (readable first choice) */
	tl_fix unmarked, over;  /* rejected */
	tl_fix *v;              /* [ncand] this round */
	tl_fix live;            /* V_s */
	int64_t scale;          /* 10^(result dp - section wdp) */
};

struct college {
	teller_ctx *ctx;
	const struct teller_contest *c;
	struct teller_result *r;
	struct tl_lots lots;
	struct sect *s;
	int ns;
	bool *cont;
	int ncont;
	int *ids;
	struct tl_choice_q *hist; /* [round * ncand + cand] points */
	int nhist;
};

/* The sections: the contest's (methods.md 4.3), or one section "all"
 * of weight 1 (4.2: the count is then irv's in percentages). */
static int
sections(struct college *v, const struct teller_profile *p,
    const teller_rules *rules)
{
	teller_ctx *ctx = v->ctx;
	int k, nc = v->c->ncand, rc;
	bool have = v->c->sects != NULL && v->c->sects->len > 0 &&
	    p->sub != NULL && p->nsub == (int)v->c->sects->len;

	v->ns = have ? p->nsub : 1;
	v->s = tl_alloc(ctx, (size_t)v->ns, sizeof(struct sect));
	if (v->s == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < v->ns; k++) {
		struct sect *s = &v->s[k];
		size_t q;

		s->p = have ? p->sub[k] : p;
		s->w = have ? tl_choice_q(TL_VEC_AT(v->c->sects,
		    struct tl_section, k).num, TL_VEC_AT(v->c->sects,
		    struct tl_section, k).den) : tl_choice_q(1, 1);
		if (s->p->wdp > v->r->dp)
			return tl_fail(ctx, TELLER_EINTERNAL, "a section's "
			    "weights have more places than the count");
		s->scale = tl_num_pow10(v->r->dp - s->p->wdp);
		s->v = tl_alloc(ctx, (size_t)nc + 1, sizeof(tl_fix));
		if (s->v == NULL)
			return TELLER_ENOMEM;
		if ((rc = tl_choice_read(ctx, v->c, s->p, 0, &s->ch)) !=
		    TELLER_OK)
			return rc;
		for (q = 0; q < s->ch.npat; q++) {
			tl_fix w, *to;

			if (tl_num_mul(ctx, TL_PAT(s->p, q)->w, s->scale, &w))
				return TELLER_EOVERFLOW;
			to = s->ch.n[q] > 0 ? &s->valid : s->ch.over[q] ?
			    &s->over : &s->unmarked;
			if (tl_num_add(ctx, *to, w, to) != TELLER_OK)
				return TELLER_EOVERFLOW;
		}
	}
	(void)rules;
	return TELLER_OK;
}

/* Each section's live ballots this round (4.2 step 1) into s->v and
 * s->live. */
static int
tally(struct college *v)
{
	teller_ctx *ctx = v->ctx;
	int k;

	for (k = 0; k < v->ns; k++) {
		struct sect *s = &v->s[k];
		size_t q;

		memset(s->v, 0, (size_t)v->c->ncand * sizeof(tl_fix));
		s->live = 0;
		for (q = 0; q < s->ch.npat; q++) {
			int who = tl_choice_top(&s->ch, q, v->cont);
			tl_fix w;

			if (who < 0)
				continue;
			if (tl_num_mul(ctx, TL_PAT(s->p, q)->w, s->scale, &w) ||
			    tl_num_add(ctx, s->v[who], w, &s->v[who]) ||
			    tl_num_add(ctx, s->live, w, &s->live))
				return TELLER_EOVERFLOW;
		}
	}
	return TELLER_OK;
}

/* One round: tally each section, normalise and weight into points[]
 * (exact) and a new stage with each section's figures. */
static int
round_points(struct college *v, struct tl_choice_q *pts, int subject)
{
	teller_ctx *ctx = v->ctx;
	int nc = v->c->ncand, k, i, rc;
	struct tl_sect_stage *ss;
	struct tl_choice_q *w;
	struct tl_stage *st;
	tl_fix *shown, **sv, *live, *valid;

	ss = tl_alloc(ctx, (size_t)v->ns, sizeof(*ss));
	shown = tl_alloc(ctx, (size_t)nc + 1, sizeof(tl_fix));
	w = tl_alloc(ctx, (size_t)v->ns, sizeof(*w));
	sv = tl_alloc(ctx, (size_t)v->ns, sizeof(*sv));
	live = tl_alloc(ctx, (size_t)v->ns, sizeof(*live));
	valid = tl_alloc(ctx, (size_t)v->ns, sizeof(*valid));
	if (ss == NULL || shown == NULL || w == NULL || sv == NULL ||
	    live == NULL || valid == NULL)
		return TELLER_ENOMEM;
	if ((rc = tally(v)) != TELLER_OK)
		return rc;
	for (k = 0; k < v->ns; k++) {
		w[k] = v->s[k].w;
		sv[k] = v->s[k].v;
		live[k] = v->s[k].live;
		valid[k] = v->s[k].valid;
	}
	if ((rc = tl_choice_college(ctx, v->ns, nc, w, sv, live, valid,
	    v->cont, ss, pts)) != TELLER_OK)
		return rc;
	for (i = 0; i < nc; i++)
		if ((rc = tl_choice_round(ctx, pts[i], v->r->dp, &shown[i])) !=
		    TELLER_OK)
			return rc;
	st = tl_result_stage(ctx, v->r, subject < 0 ? TL_STAGE_FIRST :
	    TL_STAGE_EXCLUSION, subject, shown, 0, 0);
	if (st == NULL)
		return TELLER_ENOMEM;
	st->sect = ss;
	st->note = subject < 0 ? "college points: each section's shares "
	    "weighted" : "fewest college points excluded";
	memcpy(v->hist + (size_t)v->nhist * (size_t)nc, pts,
	    (size_t)nc * sizeof(*pts));
	v->nhist++;
	return tl_result_check(ctx, v->r);
}

/* Elect, or pick the one to exclude into *loser (-1 if elected):
 * methods.md 4.2 step 3, more than 50 points; step 4, the fewest
 * points go, a tie by the earlier rounds' points, then lot. */
static int
decide(struct college *v, const struct tl_choice_q *pts, int *loser)
{
	teller_ctx *ctx = v->ctx;
	struct tl_choice_q fifty = tl_choice_q(50, 1), lo = fifty;
	int i, n = 0, top = -1, rc = TELLER_OK, who;

	*loser = -1;
	for (i = 0; i < v->c->ncand; i++) {
		if (!v->cont[i])
			continue;
		if (tl_choice_cmp(pts[i], fifty, &rc) > 0)
			top = i;
		if (n == 0 || tl_choice_cmp(pts[i], lo, &rc) < 0) {
			lo = pts[i];
			n = 0;
		}
		if (tl_choice_cmp(pts[i], lo, &rc) == 0)
			v->ids[n++] = i;
	}
	if (rc != TELLER_OK)
		return tl_fail(ctx, rc, "a share overflows 128-bit "
		    "arithmetic");
	if (v->ncont == 1)
		for (top = 0; !v->cont[top]; top++)
			;
	if (top >= 0)
		return tl_result_elect(ctx, v->r, top);
	if (v->ncont == 2 && n == 2) {
		/* two on 50 points each: the tie rule picks who goes */
		if ((rc = tl_choice_lowest(ctx, v->r, &v->lots, v->hist,
		    v->c->ncand, v->nhist - 1, v->ids, 2, TL_TIEK_ELECT,
		    &who)) != TELLER_OK)
			return rc;
		return tl_result_elect(ctx, v->r, v->ids[0] == who ?
		    v->ids[1] : v->ids[0]);
	}
	*loser = v->ids[0];
	if (n > 1)
		return tl_choice_lowest(ctx, v->r, &v->lots, v->hist,
		    v->c->ncand, v->nhist - 1, v->ids, n, TL_TIEK_EXCLUDE,
		    loser);
	return TELLER_OK;
}

/* The result's totals: valid and rejected summed over the sections
 * (methods.md 4.4, top level). */
static int
totals(struct college *v)
{
	teller_ctx *ctx = v->ctx;
	tl_fix un = 0, ov = 0;
	int k;

	v->r->valid = 0;
	v->r->sect_valid = tl_alloc(ctx, (size_t)v->ns, sizeof(tl_fix));
	v->r->sect_unmarked = tl_alloc(ctx, (size_t)v->ns, sizeof(tl_fix));
	v->r->sect_over = tl_alloc(ctx, (size_t)v->ns, sizeof(tl_fix));
	if (v->r->sect_valid == NULL || v->r->sect_unmarked == NULL ||
	    v->r->sect_over == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < v->ns; k++) {
		v->r->sect_valid[k] = v->s[k].valid;
		v->r->sect_unmarked[k] = v->s[k].unmarked;
		v->r->sect_over[k] = v->s[k].over;
		if (tl_num_add(ctx, v->r->valid, v->s[k].valid, &v->r->valid) ||
		    tl_num_add(ctx, un, v->s[k].unmarked, &un) ||
		    tl_num_add(ctx, ov, v->s[k].over, &ov))
			return TELLER_EOVERFLOW;
	}
	if (tl_result_tally(ctx, v->r, true, "unmarked or void for "
	    "uncertainty (no preference for a candidate)", "", un) ||
	    tl_result_tally(ctx, v->r, true, "more than one first "
	    "preference", "", ov))
		return TELLER_ENOMEM;
	return TELLER_OK;
}

int
tl_m_college(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct college v;
	struct tl_choice_q *pts;
	int nc = c->ncand, i, loser = -1, subject = -1, rc;

	*out = NULL;
	memset(&v, 0, sizeof(v));
	v.ctx = ctx;
	v.c = c;
	v.r = tl_result_new(ctx, c, "college", 1, p->wdp > TL_COLLEGE_DP ?
	    p->wdp : TL_COLLEGE_DP);
	v.cont = tl_alloc(ctx, (size_t)nc + 1, sizeof(bool));
	v.ids = tl_alloc(ctx, (size_t)nc + 1, sizeof(int));
	v.hist = tl_alloc(ctx, (size_t)(nc + 1) * (size_t)(nc + 1),
	    sizeof(*v.hist));
	pts = tl_alloc(ctx, (size_t)nc + 1, sizeof(*pts));
	if (v.r == NULL || v.cont == NULL || v.ids == NULL ||
	    v.hist == NULL || pts == NULL)
		return TELLER_ENOMEM;
	if (c->sects != NULL && c->sects->len > 0)
		v.r->sects = c->sects;
	for (i = 0; i < nc; i++) {
		v.cont[i] = !TL_CAND(c, i)->withdrawn;
		v.ncont += v.cont[i];
	}
	if ((rc = tl_lots_init(ctx, &v.lots, c, rules)) != TELLER_OK ||
	    (rc = sections(&v, p, rules)) != TELLER_OK ||
	    (rc = totals(&v)) != TELLER_OK)
		return rc;
	v.r->nsect = v.ns;
	v.r->sect_vdp = p->wdp;
	if (v.r->valid == 0 || v.ncont == 0) {
		*out = v.r;
		return TELLER_OK;
	}
	for (;;) {
		if ((rc = round_points(&v, pts, subject)) != TELLER_OK)
			return rc;
		if (subject >= 0 &&
		    (rc = tl_result_exclude(ctx, v.r, subject)) != TELLER_OK)
			return rc;
		if ((rc = decide(&v, pts, &loser)) != TELLER_OK)
			return rc;
		if (loser < 0)
			break;
		v.cont[loser] = false;
		v.ncont--;
		subject = loser;
	}
	*out = v.r;
	return TELLER_OK;
}
