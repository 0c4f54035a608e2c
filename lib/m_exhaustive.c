/* SPDX-License-Identifier: MIT */
/*
 * m_exhaustive.c -- the exhaustive ballot in separate rounds, one input
 * per round (methods.md 3.3): Labour's eliminating ballot at selection
 * meetings (uk-rules.md 4.4) and, with --min-share 5, the House of
 * Commons' ballot for the Speaker (Standing Order No. 1B). First choices
 * only; more than half elects; else the fewest are excluded.
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

/* Count round k's first choices into a new stage; candidates of the
 * previous round missing from it are withdrawn. */
static int
count_round(struct exh *v, const struct teller_contest *rc,
    const struct teller_profile *rp, int k)
{
	teller_ctx *ctx = v->ctx;
	struct tl_choice ch;
	struct tl_stage *st;
	tl_fix unmarked = 0, over = 0, valid = 0;
	int *map, i, nw = 0, rc2;
	size_t q;

	map = tl_alloc(ctx, (size_t)rc->ncand + 1, sizeof(int));
	if (map == NULL)
		return TELLER_ENOMEM;
	if ((rc2 = round_map(v, rc, k, map)) != TELLER_OK ||
	    (rc2 = tl_choice_read(ctx, rc, rp, 0, &ch)) != TELLER_OK)
		return rc2;
	memset(v->votes, 0, (size_t)v->c->ncand * sizeof(tl_fix));
	for (q = 0; q < ch.npat; q++) {
		tl_fix w = TL_PAT(rp, q)->w, *to;
		int who = ch.n[q] > 0 ? map[ch.ids[q * (size_t)ch.ncand]] : -1;

		if (who >= 0 && !v->in_round[who])
			who = -1;
		to = who >= 0 ? &v->votes[who] : ch.over[q] ? &over :
		    &unmarked;
		if (tl_num_add(ctx, *to, w, to) != TELLER_OK ||
		    (who >= 0 && tl_num_add(ctx, valid, w, &valid)))
			return TELLER_EOVERFLOW;
	}
	st = tl_result_stage(ctx, v->r, TL_STAGE_ROUND, -1, v->votes, 0, 0);
	if (st == NULL)
		return TELLER_ENOMEM;
	st->note = "first choices of this round's ballot";
	st->has_round = true;
	st->round_valid = valid;
	st->round_unmarked = unmarked;
	st->round_over = over;
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
		    tl_choice_q(v->votes[i], 1);
	}
	st->nwithdrawn = nw;
	return tl_result_check(ctx, v->r);
}

/* votes * 100 < pct * valid, exactly (SO No. 1B's share). */
static bool
below_share(tl_fix votes, int pct, tl_fix valid)
{
	struct tl_wide a, b;

	if (!tl_num_wmul(tl_num_wide(votes), tl_num_wide(100), &a) ||
	    !tl_num_wmul(tl_num_wide(pct), tl_num_wide(valid), &b))
		return false;
	return tl_num_wcmp(a, b) < 0;
}

/* Decide round k: *done when someone is elected. */
static int
decide(struct exh *v, int k, bool *done)
{
	teller_ctx *ctx = v->ctx;
	const struct tl_stage *st = TL_STAGE(v->r, v->r->stages->len - 1);
	tl_fix best = -1, low = 0, valid = st->round_valid;
	int i, n = 0, ncont = 0, top = -1, loser, rc;

	*done = false;
	for (i = 0; i < v->c->ncand; i++) {
		if (!v->cont[i])
			continue;
		ncont++;
		if (v->votes[i] > best) {
			best = v->votes[i];
			top = i;
		}
		if (n == 0 || v->votes[i] < low) {
			low = v->votes[i];
			n = 0;
		}
		if (v->votes[i] == low)
			v->ids[n++] = i;
	}
	*done = true;
	if (ncont == 0)
		return tl_fail(ctx, TELLER_ERULE, "round %d: no candidate "
		    "standing", k + 1);
	if (ncont == 1 || (valid > 0 && best > valid - best))
		return tl_result_elect(ctx, v->r, top);
	if (ncont == 2 && n == 2) {
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
		    below_share(v->votes[i], v->min_share, valid);
		if (i == loser || low_share) {
			v->cont[i] = false;
			ncont--;
			if ((rc = tl_result_exclude(ctx, v->r, i)) != 0)
				return rc;
		}
	}
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
	v.r = tl_result_new(ctx, c, "exhaustive", 1, p->wdp);
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
		if (rp->wdp != v.r->dp)
			return tl_fail(ctx, TELLER_EPARSE, "round %d: weights "
			    "with %d places, round 1 has %d", k + 1, rp->wdp,
			    v.r->dp);
		if ((rc = count_round(&v, rc1, rp, k)) != TELLER_OK)
			return rc;
		if (k == 0) {
			const struct tl_stage *st = TL_STAGE(v.r, 0);
			v.r->valid = st->round_valid;
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
