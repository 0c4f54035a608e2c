/* SPDX-License-Identifier: MIT */
/*
 * closest.c -- the closest calls (audit.md 7): for every decision a count
 * took on votes, how far it was from going the other way. Read from the
 * result's stages alone, so every method gets them:
 * - exclusion: at the stage whose totals decided it (the stage before,
 *   unless the stage is a round or the first), the highest of those
 *   excluded vs the lowest continuing candidate kept;
 * - surplus-order: the surplus moved vs the largest other surplus still
 *   to move (both over the quota at the stage before);
 * - election: candidates elected at one stage, in their order, each vs
 *   the next (the order of election);
 * - final-seat: the last elected vs the runner-up, the highest candidate
 *   never elected who was still continuing after that stage (or, if all
 *   were excluded there, the highest of those at the stage before).
 * A gap of 0 is marked "lot" when a lot of the matching kind among both
 * candidates is recorded at that stage.
 */
#include <stdbool.h>
#include <string.h>

#include "tl_int.h"
#include "closest.h"

static const char *const call_names[] = { "exclusion", "election",
	"surplus-order", "final-seat" };

_Static_assert(TL_NELEM(call_names) == TL_CALL_KIND_COUNT,
    "call_names: one name a kind");

const char *
tl_closest_name(enum tl_call_kind k)
{
	return call_names[k];
}

struct walk {
	teller_ctx *ctx;
	const struct teller_result *r;
	struct tl_vec *out;
	bool *gone;     /* [ncand] elected or excluded at an earlier stage */
	bool *moved;    /* [ncand] surplus already transferred */
	bool *won;      /* [ncand] elected at any stage */
};

static bool
in(const int *ids, int n, int c)
{
	int i;

	for (i = 0; i < n; i++)
		if (ids[i] == c)
			return true;
	return false;
}

/* Was the decision between a and b at stage (or at the stage after)
 * settled by a lot of one of kinds k1, k2? */
static bool
by_lot(const struct teller_result *r, int stage, enum tl_tie_kind k1,
    enum tl_tie_kind k2, int a, int b)
{
	size_t i;

	for (i = 0; i < r->ties->len; i++) {
		const struct tl_tie *t = &TL_VEC_AT(r->ties, struct tl_tie, i);
		if ((t->kind != k1 && t->kind != k2) ||
		    (t->stage != stage && t->stage != stage + 1))
			continue;
		if (t->how != TL_TIE_LOT && t->how != TL_TIE_HAND &&
		    t->how != TL_TIE_TIEORDER && t->how != TL_TIE_PENDING)
			continue;
		if (in(t->tied, t->ntied, a) && in(t->tied, t->ntied, b))
			return true;
	}
	return false;
}

static int
emit(struct walk *w, int stage, enum tl_call_kind kind, int a, int b,
    tl_fix gap, enum tl_tie_kind k1, enum tl_tie_kind k2)
{
	struct tl_call c;

	if (gap < 0)
		return TELLER_OK;
	c.stage = stage;
	c.kind = kind;
	c.a = a;
	c.b = b;
	c.gap = gap;
	c.lot = gap == 0 && by_lot(w->r, stage, k1, k2, a, b);
	return tl_vec_push(w->ctx, w->out, &c) != NULL ? TELLER_OK
	    : TELLER_ENOMEM;
}

static bool
live(const struct walk *w, int c)
{
	return !w->gone[c] && !TL_CAND(w->r->contest, c)->withdrawn;
}

/* Does the stage record decisions taken on its own totals (a round of
 * the exhaustive ballot, a one-stage count), rather than on the totals of
 * the stage before, whose papers it then moves? */
static bool
own_totals(const struct tl_stage *s)
{
	return s->kind == TL_STAGE_FIRST || s->kind == TL_STAGE_ROUND ||
	    s->kind == TL_STAGE_VOTES || s->kind == TL_STAGE_SCORES;
}

/* Are the stage's votes what decides exclusions? */
static bool
votes_exclude(const struct teller_result *r, const struct tl_stage *s,
    const struct tl_stage *basis)
{
	return r->nsect == 0 && s->last == NULL && basis->last == NULL &&
	    s->kind != TL_STAGE_PAIRWISE && basis->kind != TL_STAGE_PAIRWISE;
}

static int
exclusion(struct walk *w, const struct tl_stage *s,
    const struct tl_stage *basis)
{
	int a = -1, b = -1, c;

	for (c = 0; c < w->r->ncand; c++) {
		if (!live(w, c))
			continue;
		if (in(s->excluded, s->nexcluded, c)) {
			if (a < 0 || basis->votes[c] > basis->votes[a])
				a = c;
		} else if (b < 0 || basis->votes[c] < basis->votes[b]) {
			b = c;
		}
	}
	if (a < 0 || b < 0)
		return TELLER_OK;
	return emit(w, basis->number, TL_CALL_EXCLUSION, a, b,
	    basis->votes[b] - basis->votes[a], TL_TIEK_EXCLUDE,
	    TL_TIEK_EXCLUDE);
}

static int
surplus(struct walk *w, const struct tl_stage *s,
    const struct tl_stage *basis)
{
	int a = s->subject, b = -1, c;

	for (c = 0; c < w->r->ncand; c++) {
		if (c == a || !w->gone[c] || !w->won[c] || w->moved[c] ||
		    basis->votes[c] <= w->r->quota)
			continue;
		if (b < 0 || basis->votes[c] > basis->votes[b])
			b = c;
	}
	w->moved[a] = true;
	if (b < 0)
		return TELLER_OK;
	return emit(w, basis->number, TL_CALL_SURPLUS, a, b,
	    basis->votes[a] - basis->votes[b], TL_TIEK_SURPLUS,
	    TL_TIEK_SURPLUS);
}

static int
elections(struct walk *w, const struct tl_stage *s)
{
	int k, rc;

	for (k = 0; k + 1 < s->nelected; k++) {
		int a = s->elected[k], b = s->elected[k + 1];
		if ((rc = emit(w, s->number, TL_CALL_ELECTION, a, b,
		    s->votes[a] - s->votes[b], TL_TIEK_ORDER,
		    TL_TIEK_ELECT)) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

/* The final seat: w->gone as it was before stage j. */
static int
final_seat(struct walk *w, size_t j)
{
	const struct teller_result *r = w->r;
	const struct tl_stage *s = TL_STAGE(r, j), *use = s;
	int last = TL_VEC_AT(r->elected, int, r->elected->len - 1);
	int b = -1, c;

	for (c = 0; c < r->ncand; c++)
		if (live(w, c) && !w->won[c] &&
		    !in(s->excluded, s->nexcluded, c) &&
		    (b < 0 || s->votes[c] > s->votes[b]))
			b = c;
	if (b < 0 && j > 0) {
		use = TL_STAGE(r, j - 1);
		for (c = 0; c < s->nexcluded; c++)
			if (!w->won[s->excluded[c]] && (b < 0 ||
			    use->votes[s->excluded[c]] > use->votes[b]))
				b = s->excluded[c];
	}
	if (b < 0 || use->kind == TL_STAGE_PAIRWISE)
		return TELLER_OK;
	return emit(w, use->number, TL_CALL_FINAL, last, b,
	    use->votes[last] - use->votes[b], TL_TIEK_ELECT,
	    TL_TIEK_FINALIST);
}

/* Stable insertion sort by stage: the final seat may be decided at the
 * stage before the one that records it. */
static void
sort_by_stage(struct tl_vec *v)
{
	struct tl_call *c = v->data, x;
	size_t i, j;

	for (i = 1; i < v->len; i++) {
		x = c[i];
		for (j = i; j > 0 && c[j - 1].stage > x.stage; j--)
			c[j] = c[j - 1];
		c[j] = x;
	}
}

static void
mark(struct walk *w, const struct tl_stage *s)
{
	int k;

	for (k = 0; k < s->nelected; k++)
		w->gone[s->elected[k]] = true;
	for (k = 0; k < s->nexcluded; k++)
		w->gone[s->excluded[k]] = true;
}

int
tl_closest(teller_ctx *ctx, const struct teller_result *r,
    struct tl_vec **out)
{
	struct walk w;
	size_t i, n = r->stages->len;
	int last = -1, rc = TELLER_OK;

	*out = NULL;
	w.ctx = ctx;
	w.r = r;
	if ((w.out = tl_vec_new(ctx, sizeof(struct tl_call))) == NULL)
		return TELLER_ENOMEM;
	w.gone = tl_alloc(ctx, (size_t)r->ncand + 1, sizeof(bool));
	w.moved = tl_alloc(ctx, (size_t)r->ncand + 1, sizeof(bool));
	w.won = tl_alloc(ctx, (size_t)r->ncand + 1, sizeof(bool));
	if (w.gone == NULL || w.moved == NULL || w.won == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < r->elected->len; i++)
		w.won[TL_VEC_AT(r->elected, int, i)] = true;
	if (r->elected->len > 0)
		last = TL_VEC_AT(r->elected, int, r->elected->len - 1);
	for (i = 0; i < n && rc == TELLER_OK; i++) {
		const struct tl_stage *s = TL_STAGE(r, i);
		const struct tl_stage *basis = TL_STAGE(r, i > 0 &&
		    !own_totals(s) ? i - 1 : i);

		if (s->nexcluded > 0 && votes_exclude(r, s, basis))
			rc = exclusion(&w, s, basis);
		if (rc == TELLER_OK && s->kind == TL_STAGE_SURPLUS &&
		    r->has_quota && s->subject >= 0 && i > 0)
			rc = surplus(&w, s, basis);
		if (rc == TELLER_OK && s->kind != TL_STAGE_PAIRWISE)
			rc = elections(&w, s);
		if (rc == TELLER_OK && last >= 0 &&
		    in(s->elected, s->nelected, last))
			rc = final_seat(&w, i);
		mark(&w, s);
	}
	if (rc != TELLER_OK)
		return rc;
	sort_by_stage(w.out);
	*out = w.out;
	return TELLER_OK;
}
