/* SPDX-License-Identifier: MIT */
/*
 * m_exhaustive.c -- the exhaustive ballot in separate rounds, one input
 * per round (methods.md 3.3): Labour's eliminating ballot at selection
 * meetings (uk-rules.md 4.4) and, with --min-share 5, the House of
 * Commons' ballot for the Speaker (Standing Order No. 1B). First choices
 * only; more than half elects; else the fewest are excluded. With
 * sections, each round is scored as a college round (methods.md 3.3,
 * 4.2 steps 2-3): Labour's conference ballots of 1981-1993.
 */
#include <stdio.h>
#include <string.h>

#include "choice.h"

struct exh {
	teller_ctx *ctx;
	const struct teller_contest *c; /* round 1: every candidate */
	struct teller_result *r;
	struct tl_lots lots;
	bool *cont;              /* [ncand] continuing */
	bool *in_round;          /* [ncand] on this round's file */
	tl_fix *votes;           /* [ncand] */
	int *ids;                /* [ncand] scratch */
	struct tl_choice_q *hist; /* [nrounds * ncand] */
	int min_share;
	/* what a round ranks by: votes, or college points with sections */
	struct tl_choice_q *score; /* [ncand] this round */
	struct tl_choice_q total;  /* the valid votes, or 100 points */
	int ns;                    /* sections (round 1's), 0 if none */
	const struct tl_vec *sects; /* of struct tl_section: round 1's */
	struct tl_choice_q *w;     /* [ns] the sections' weights */
	tl_fix **sv;               /* [ns][ncand] this round, at r->dp */
	tl_fix *live, *unm, *ovr;  /* [ns] valid and rejected this round */
};

/* Which of round k's candidates are on its file, by name; refuse one
 * who was excluded or was never in round 1. map[j] = round-1 id. */
static int
round_map(struct exh *v, const struct teller_contest *rc, int k, int *map)
{
	int i, j, ncand = v->c->ncand;

	memset(v->in_round, 0, (size_t)ncand * sizeof(bool));
	for (j = 0; j < rc->ncand; j++) {
		const char *nm = TL_CAND(rc, j)->name;

		i = tl_contest_find(v->c, nm, strlen(nm));
		if (i < 0)
			return tl_fail(v->ctx, TELLER_EPARSE, "round %d: "
			    "candidate \"%s\" was not in round 1", k + 1, nm);
		if (!v->cont[i] && !TL_CAND(v->c, i)->withdrawn)
			return tl_fail(v->ctx, TELLER_EPARSE, "round %d: "
			    "candidate \"%s\" was excluded after round %d",
			    k + 1, nm, k);
		map[j] = i;
		v->in_round[i] = v->cont[i] && !TL_CAND(rc, j)->withdrawn;
	}
	return TELLER_OK;
}

/* Tally rp's first choices for round k (map: rp's ids to round 1's)
 * into votes[] (at r->dp, scaled by 10^(r->dp - rp->wdp)), valid votes
 * and rejected by reason (added to *valid, *unm, *ovr). */
static int
tally(struct exh *v, const struct teller_contest *rc,
    const struct teller_profile *rp, const int *map, tl_fix *votes,
    tl_fix *valid, tl_fix *unm, tl_fix *ovr)
{
	teller_ctx *ctx = v->ctx;
	struct tl_choice ch;
	int64_t sc;
	size_t q;
	int rc2;

	if (rp->wdp > v->r->dp)
		return tl_fail(ctx, TELLER_EINTERNAL, "a section's weights "
		    "have more places than the count");
	sc = tl_num_pow10(v->r->dp - rp->wdp);
	if ((rc2 = tl_choice_read(ctx, rc, rp, 0, &ch)) != TELLER_OK)
		return rc2;
	for (q = 0; q < ch.npat; q++) {
		tl_fix w, *to;
		int who = ch.n[q] > 0 ? map[ch.ids[q * (size_t)ch.ncand]] : -1;

		if (who >= 0 && !v->in_round[who])
			who = -1;
		to = who >= 0 ? &votes[who] : ch.over[q] ? ovr : unm;
		if (tl_num_mul(ctx, TL_PAT(rp, q)->w, sc, &w) ||
		    tl_num_add(ctx, *to, w, to) != TELLER_OK ||
		    (who >= 0 && tl_num_add(ctx, *valid, w, valid)))
			return TELLER_EOVERFLOW;
	}
	return TELLER_OK;
}

/* Round k's section of round 1's section j: the same id and weight
 * (methods.md 3.3: every round file carries the sections). */
static int
round_section(struct exh *v, const struct teller_contest *rc,
    const struct teller_profile *rp, int k, int j, int *at)
{
	const struct tl_section *a = &TL_VEC_AT(v->sects, struct tl_section,
	    j);
	size_t m;

	for (m = 0; m < rc->sects->len; m++) {
		const struct tl_section *b = &TL_VEC_AT(rc->sects,
		    struct tl_section, m);
		if (strcmp(a->id, b->id) != 0)
			continue;
		if (a->num != b->num || a->den != b->den)
			return tl_fail(v->ctx, TELLER_EPARSE, "round %d: "
			    "section \"%s\" has weight %s, round 1 has %s",
			    k + 1, b->id, b->weight, a->weight);
		*at = (int)m;
		return m < (size_t)rp->nsub ? TELLER_OK :
		    tl_fail(v->ctx, TELLER_EINTERNAL, "round %d: section "
		    "\"%s\" has no ballots", k + 1, a->id);
	}
	return tl_fail(v->ctx, TELLER_EPARSE, "round %d: section \"%s\" of "
	    "round 1 is missing", k + 1, a->id);
}

/* With sections: tally each, then score the round as a college round
 * (methods.md 3.3; 4.2 steps 2-3) into v->score and the stage's
 * sections. */
static int
college_round(struct exh *v, const struct teller_contest *rc,
    const struct teller_profile *rp, int k, const int *map,
    struct tl_stage *st)
{
	teller_ctx *ctx = v->ctx;
	int nc = v->c->ncand, j, m = 0, rc2;
	size_t nsects = rc->sects != NULL ? rc->sects->len : 0;

	if (nsects != (size_t)v->ns)
		return tl_fail(ctx, TELLER_EPARSE, "round %d: %zu sections, "
		    "round 1 has %d", k + 1, nsects, v->ns);
	if ((st->sect = tl_alloc(ctx, (size_t)v->ns, sizeof(*st->sect))) ==
	    NULL)
		return TELLER_ENOMEM;
	for (j = 0; j < v->ns; j++) {
		tl_fix valid = 0;

		memset(v->sv[j], 0, (size_t)nc * sizeof(tl_fix));
		v->unm[j] = v->ovr[j] = 0;
		if ((rc2 = round_section(v, rc, rp, k, j, &m)) != TELLER_OK ||
		    (rc2 = tally(v, rc, rp->sub[m], map, v->sv[j], &valid,
		    &v->unm[j], &v->ovr[j])) != TELLER_OK)
			return rc2;
		v->live[j] = valid;
		if (tl_num_add(ctx, st->round_valid, valid, &st->round_valid) ||
		    tl_num_add(ctx, st->round_unmarked, v->unm[j],
		    &st->round_unmarked) ||
		    tl_num_add(ctx, st->round_over, v->ovr[j],
		    &st->round_over))
			return TELLER_EOVERFLOW;
	}
	if ((rc2 = tl_choice_college(ctx, v->ns, nc, v->w, v->sv, v->live,
	    v->live, v->in_round, st->sect, v->score)) != TELLER_OK)
		return rc2;
	v->total = tl_choice_q(st->round_valid > 0 ? 100 : 0, 1);
	for (j = 0; j < nc; j++)
		if ((rc2 = tl_choice_round(ctx, v->score[j], v->r->dp,
		    &st->votes[j])) != TELLER_OK)
			return rc2;
	return TELLER_OK;
}

/* Count round k's first choices into a new stage; candidates of the
 * previous round missing from it are withdrawn. */
static int
count_round(struct exh *v, const struct teller_contest *rc,
    const struct teller_profile *rp, int k)
{
	teller_ctx *ctx = v->ctx;
	struct tl_stage *st;
	int *map, i, nw = 0, rc2;

	map = tl_alloc(ctx, (size_t)rc->ncand + 1, sizeof(int));
	if (map == NULL)
		return TELLER_ENOMEM;
	if ((rc2 = round_map(v, rc, k, map)) != TELLER_OK)
		return rc2;
	memset(v->votes, 0, (size_t)v->c->ncand * sizeof(tl_fix));
	st = tl_result_stage(ctx, v->r, TL_STAGE_ROUND, -1, v->votes, 0, 0);
	if (st == NULL)
		return TELLER_ENOMEM;
	st->note = v->ns > 0 ? "college points from this round's ballot" :
	    "first choices of this round's ballot";
	st->has_round = true;
	if (v->ns > 0 && (rc2 = college_round(v, rc, rp, k, map, st)) !=
	    TELLER_OK)
		return rc2;
	if (v->ns == 0) {
		if ((rc2 = tally(v, rc, rp, map, st->votes, &st->round_valid,
		    &st->round_unmarked, &st->round_over)) != TELLER_OK)
			return rc2;
		for (i = 0; i < v->c->ncand; i++)
			v->score[i] = tl_choice_q(st->votes[i], 1);
		v->total = tl_choice_q(st->round_valid, 1);
	}
	memcpy(v->votes, st->votes, (size_t)v->c->ncand * sizeof(tl_fix));
	st->withdrawn = tl_alloc(ctx, (size_t)v->c->ncand + 1, sizeof(int));
	if (st->withdrawn == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < v->c->ncand; i++) {
		if (v->cont[i] && !v->in_round[i]) {
			v->cont[i] = false;
			if (k > 0)
				st->withdrawn[nw++] = i;
		}
		v->hist[(size_t)k * (size_t)v->c->ncand + (size_t)i] =
		    v->score[i];
	}
	st->nwithdrawn = nw;
	return tl_result_check(ctx, v->r);
}

/* score * 100 < pct * total, exactly (SO No. 1B's share; with sections,
 * of the college's points). */
static bool
below_share(teller_ctx *ctx, struct tl_choice_q score, int pct,
    struct tl_choice_q total, int *rc)
{
	struct tl_choice_q a, b;

	if (tl_choice_mul(ctx, score, tl_choice_q(100, 1), &a) ||
	    tl_choice_mul(ctx, total, tl_choice_q(pct, 1), &b)) {
		*rc = TELLER_EOVERFLOW;
		return false;
	}
	return tl_choice_cmp(a, b, rc) < 0;
}

/* The continuing candidates with the fewest into v->ids[0..*n), the one
 * with most into *top; *ncont of them. */
static int
extremes(struct exh *v, int *n, int *top, int *ncont)
{
	struct tl_choice_q best = tl_choice_q(0, 1), low = best;
	int i, rc = TELLER_OK;

	*n = *ncont = 0;
	*top = -1;
	for (i = 0; i < v->c->ncand; i++) {
		if (!v->cont[i])
			continue;
		(*ncont)++;
		if (*top < 0 || tl_choice_cmp(v->score[i], best, &rc) > 0) {
			best = v->score[i];
			*top = i;
		}
		if (*n == 0 || tl_choice_cmp(v->score[i], low, &rc) < 0) {
			low = v->score[i];
			*n = 0;
		}
		if (tl_choice_cmp(v->score[i], low, &rc) == 0)
			v->ids[(*n)++] = i;
	}
	return rc == TELLER_OK ? TELLER_OK : tl_fail(v->ctx, rc, "a share "
	    "overflows 128-bit arithmetic");
}

/* More than half of the round's valid votes, or of the college's 100
 * points (methods.md 3.3 step 1; 4.2 step 3). */
static bool
majority(const struct exh *v, int top, int *rc)
{
	struct tl_choice_q twice;

	if (tl_choice_add(v->ctx, v->score[top], v->score[top], &twice)) {
		*rc = TELLER_EOVERFLOW;
		return false;
	}
	return tl_choice_cmp(twice, v->total, rc) > 0;
}

/* Decide round k: *done when someone is elected. */
static int
decide(struct exh *v, int k, bool *done)
{
	teller_ctx *ctx = v->ctx;
	int i, n, ncont, top, loser, rc = TELLER_OK;
	bool maj;

	*done = true;
	if ((rc = extremes(v, &n, &top, &ncont)) != TELLER_OK)
		return rc;
	if (ncont == 0)
		return tl_fail(ctx, TELLER_ERULE, "round %d: no candidate "
		    "standing", k + 1);
	maj = majority(v, top, &rc);
	if (rc != TELLER_OK)
		return tl_fail(ctx, rc, "a share overflows 128-bit "
		    "arithmetic");
	if (ncont == 1 || maj)
		return tl_result_elect(ctx, v->r, top);
	if (ncont == 2 && n == 2) {
		/* step 3: two tie; the exclusion-tie rule drops one */
		if ((rc = tl_choice_lowest(ctx, v->r, &v->lots, v->hist,
		    v->c->ncand, k, v->ids, 2, TL_TIEK_ELECT, &loser)) != 0)
			return rc;
		return tl_result_elect(ctx, v->r, v->ids[0] == loser ?
		    v->ids[1] : v->ids[0]);
	}
	*done = false;
	loser = v->ids[0];
	if (n > 1 && (rc = tl_choice_lowest(ctx, v->r, &v->lots, v->hist,
	    v->c->ncand, k, v->ids, n, TL_TIEK_EXCLUDE, &loser)) != 0)
		return rc;
	for (i = 0; i < v->c->ncand; i++) {
		/* SO No. 1B: below P per cent goes too */
		bool low_share = v->min_share > 0 && v->cont[i] &&
		    below_share(ctx, v->score[i], v->min_share, v->total,
		    &rc);
		if (i == loser || low_share) {
			v->cont[i] = false;
			ncont--;
			if ((rc = tl_result_exclude(ctx, v->r, i)) != 0)
				return rc;
		}
	}
	if (rc != TELLER_OK)
		return tl_fail(ctx, rc, "a share overflows 128-bit "
		    "arithmetic");
	/* step 3: exclusions leave one, elected without a further round */
	if (ncont == 1) {
		*done = true;
		for (i = 0; !v->cont[i]; i++)
			;
		return tl_result_elect(ctx, v->r, i);
	}
	if (ncont == 0)
		return tl_fail(ctx, TELLER_ERULE, "round %d: --min-share "
		    "excludes every candidate", k + 1);
	return TELLER_OK;
}

/* The files ran out with nobody elected: say who the next round is
 * between (methods.md 3.3). */
static int
stop(struct exh *v)
{
	char *buf;
	size_t cap = 64, at;
	int i, n = 0, m = 0;

	for (i = 0; i < v->c->ncand; i++)
		if (v->cont[i]) {
			cap += strlen(TL_CAND(v->c, i)->name) + 8;
			m++;
		}
	if ((buf = tl_alloc(v->ctx, cap, 1)) == NULL)
		return TELLER_ENOMEM;
	at = (size_t)snprintf(buf, cap, "another round is needed, between ");
	for (i = 0; i < v->c->ncand && at < cap; i++)
		if (v->cont[i]) {
			n++;
			at += (size_t)snprintf(buf + at, cap - at, "%s%s",
			    n == 1 ? "" : n == m ? " and " : ", ",
			    TL_CAND(v->c, i)->name);
		}
	v->r->stopped = buf;
	return TELLER_OK;
}

/* Round 1's sections (methods.md 4.3), if it has any: their weights
 * and the per-round scratch. */
static int
sections(struct exh *v)
{
	int j, nc = v->c->ncand;

	if (v->ns == 0)
		return TELLER_OK;
	v->sects = v->c->sects;
	v->r->sects = v->sects;
	v->r->nsect = v->ns;
	v->w = tl_alloc(v->ctx, (size_t)v->ns, sizeof(*v->w));
	v->sv = tl_alloc(v->ctx, (size_t)v->ns, sizeof(*v->sv));
	v->live = tl_alloc(v->ctx, (size_t)v->ns, sizeof(tl_fix));
	v->unm = tl_alloc(v->ctx, (size_t)v->ns, sizeof(tl_fix));
	v->ovr = tl_alloc(v->ctx, (size_t)v->ns, sizeof(tl_fix));
	if (v->w == NULL || v->sv == NULL || v->live == NULL ||
	    v->unm == NULL || v->ovr == NULL)
		return TELLER_ENOMEM;
	for (j = 0; j < v->ns; j++) {
		const struct tl_section *s = &TL_VEC_AT(v->sects,
		    struct tl_section, j);

		v->w[j] = tl_choice_q(s->num, s->den);
		if ((v->sv[j] = tl_alloc(v->ctx, (size_t)nc + 1,
		    sizeof(tl_fix))) == NULL)
			return TELLER_ENOMEM;
	}
	return TELLER_OK;
}

/* The result's sections: round 1's valid and rejected ballots in each
 * (methods.md 4.4, top level). */
static int
first_sections(struct exh *v)
{
	struct teller_result *r = v->r;

	r->sect_valid = tl_alloc(v->ctx, (size_t)v->ns, sizeof(tl_fix));
	r->sect_unmarked = tl_alloc(v->ctx, (size_t)v->ns, sizeof(tl_fix));
	r->sect_over = tl_alloc(v->ctx, (size_t)v->ns, sizeof(tl_fix));
	if (r->sect_valid == NULL || r->sect_unmarked == NULL ||
	    r->sect_over == NULL)
		return TELLER_ENOMEM;
	memcpy(r->sect_valid, v->live, (size_t)v->ns * sizeof(tl_fix));
	memcpy(r->sect_unmarked, v->unm, (size_t)v->ns * sizeof(tl_fix));
	memcpy(r->sect_over, v->ovr, (size_t)v->ns * sizeof(tl_fix));
	return TELLER_OK;
}

int
tl_m_exhaustive(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct exh v;
	int nr = 1 + (rules->nrounds > 0 ? rules->nrounds : 0), k, i, rc;
	bool done = false;

	*out = NULL;
	memset(&v, 0, sizeof(v));
	v.ctx = ctx;
	v.c = c;
	v.min_share = rules->min_share;
	v.ns = c->sects != NULL && p->nsub == (int)c->sects->len ?
	    p->nsub : 0;
	/* with sections, points at 3 places as the college (4.2) */
	v.r = tl_result_new(ctx, c, "exhaustive", 1, v.ns > 0 &&
	    p->wdp < TL_COLLEGE_DP ? TL_COLLEGE_DP : p->wdp);
	v.score = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(*v.score));
	if (v.r == NULL || v.score == NULL ||
	    (rc = sections(&v)) != TELLER_OK)
		return v.r == NULL || v.score == NULL ? TELLER_ENOMEM : rc;
	v.cont = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(bool));
	v.in_round = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(bool));
	v.votes = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_fix));
	v.ids = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	v.hist = tl_alloc(ctx, (size_t)nr * (size_t)c->ncand + 1,
	    sizeof(*v.hist));
	if (v.r == NULL || v.cont == NULL || v.in_round == NULL ||
	    v.votes == NULL || v.ids == NULL || v.hist == NULL)
		return TELLER_ENOMEM;
	if ((rc = tl_lots_init(ctx, &v.lots, c, rules)) != TELLER_OK)
		return rc;
	for (i = 0; i < c->ncand; i++)
		v.cont[i] = !TL_CAND(c, i)->withdrawn;
	for (k = 0; k < nr; k++) {
		const struct teller_contest *rc1 = k == 0 ? c :
		    rules->round_contests[k - 1];
		const struct teller_profile *rp = k == 0 ? p :
		    rules->round_profiles[k - 1];

		if (done)
			return tl_fail(ctx, TELLER_EPARSE, "round %d: the "
			    "count ended in round %d, with %s elected", k + 1,
			    k, TL_CAND(c, TL_VEC_AT(v.r->elected, int,
			    0))->name);
		if (rp->wdp != p->wdp)
			return tl_fail(ctx, TELLER_EPARSE, "round %d: weights "
			    "with %d places, round 1 has %d", k + 1, rp->wdp,
			    p->wdp);
		if (k > 0 && v.ns == 0 && rc1->sects != NULL &&
		    rc1->sects->len > 0)
			return tl_fail(ctx, TELLER_EPARSE, "round %d: has "
			    "sections, round 1 has none", k + 1);
		if ((rc = count_round(&v, rc1, rp, k)) != TELLER_OK)
			return rc;
		if (k == 0) {
			const struct tl_stage *st = TL_STAGE(v.r, 0);
			v.r->valid = st->round_valid;
			if (v.ns > 0 && (rc = first_sections(&v)) != TELLER_OK)
				return rc;
			v.r->sect_vdp = p->wdp;
			if (tl_result_tally(ctx, v.r, true, "unmarked or void "
			    "for uncertainty (no preference for a candidate)",
			    "", st->round_unmarked) ||
			    tl_result_tally(ctx, v.r, true, "more than one "
			    "first preference", "", st->round_over))
				return TELLER_ENOMEM;
		}
		if ((rc = decide(&v, k, &done)) != TELLER_OK)
			return rc;
	}
	if (!done && (rc = stop(&v)) != TELLER_OK)
		return rc;
	*out = v.r;
	return TELLER_OK;
}
