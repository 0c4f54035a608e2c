/* SPDX-License-Identifier: MIT */
/*
 * pairwise.c -- the preference reading of a ballot (methods.md 1.2), the
 * pairwise matrix d(X,Y) (6.1), the Smith and Schwartz sets (6.7), and
 * electing the best by a score with lots at the last seat (1.3, 1.4).
 */
#include <string.h>

#include "pairwise.h"

int
tl_pw_levels(const struct teller_contest *c, const struct teller_profile *p,
    const struct tl_pat *pat, int *lev, int *size)
{
	struct tl_rank r;
	int i, g = 0;

	for (i = 0; i < c->ncand; i++)
		lev[i] = TL_CAND(c, i)->withdrawn ? -1 : -2;
	for (r = tl_rank_first(p, pat); r.cells != NULL; r = tl_rank_next(r)) {
		int live = 0;

		for (i = 0; i < r.n; i++) {
			tl_cid id = r.ids[i];
			if (id >= c->ncand || lev[id] != -2)
				continue; /* withdrawn, or a repeat */
			lev[id] = g;
			live++;
		}
		if (live == 0)
			continue;
		if (size != NULL)
			size[g] = live;
		g++;
	}
	for (i = 0; i < c->ncand; i++)
		if (lev[i] == -2)
			lev[i] = g;
	return g;
}

int
tl_pw_weight(teller_ctx *ctx, const struct teller_profile *p,
    const struct tl_pat *pat, int dp, tl_fix *out)
{
	if (dp < p->wdp || dp - p->wdp > TL_DP_MAX)
		return tl_fail(ctx, TELLER_EINTERNAL, "weight scale");
	return tl_num_mul(ctx, pat->w, tl_num_pow10(dp - p->wdp), out);
}

/* Transitive closure of rel[n * n] in place (Warshall). */
static void
closure(bool *rel, int n)
{
	int i, j, k;

	for (k = 0; k < n; k++)
		for (i = 0; i < n; i++)
			if (rel[i * n + k])
				for (j = 0; j < n; j++)
					rel[i * n + j] |= rel[k * n + j];
}

/*
 * The maximal elements of the closure of rel among the standing: X such
 * that every Y that reaches X is reached from X. With rel "beats or
 * ties" this is the Smith set (the top cycle); with rel "beats", the
 * Schwartz set (the union of the minimal undominated sets).
 */
static void
top_set(const struct tl_pw *pw, const bool *stand, bool *rel, bool *in)
{
	int n = pw->n, x, y;

	closure(rel, n);
	for (x = 0; x < n; x++) {
		in[x] = stand[x];
		for (y = 0; y < n && in[x]; y++)
			if (stand[y] && y != x && rel[y * n + x] &&
			    !rel[x * n + y])
				in[x] = false;
	}
}

static int
sets(teller_ctx *ctx, struct tl_pw *pw, const bool *stand)
{
	int n = pw->n, x, y;
	bool *rel = tl_alloc(ctx, (size_t)n * (size_t)n + 1, sizeof(bool));

	pw->smith = tl_alloc(ctx, (size_t)n + 1, sizeof(bool));
	pw->schwartz = tl_alloc(ctx, (size_t)n + 1, sizeof(bool));
	if (rel == NULL || pw->smith == NULL || pw->schwartz == NULL)
		return TELLER_ENOMEM;
	for (x = 0; x < n; x++)
		for (y = 0; y < n; y++)
			rel[x * n + y] = x != y && stand[x] && stand[y] &&
			    TL_PW_D(pw, x, y) >= TL_PW_D(pw, y, x);
	top_set(pw, stand, rel, pw->smith);
	for (x = 0; x < n; x++)
		for (y = 0; y < n; y++)
			rel[x * n + y] = x != y && stand[x] && stand[y] &&
			    TL_PW_D(pw, x, y) > TL_PW_D(pw, y, x);
	top_set(pw, stand, rel, pw->schwartz);
	return TELLER_OK;
}

int
tl_pw_build(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, int dp, struct tl_pw *pw)
{
	int n = c->ncand, x, y, g;
	size_t i;
	int *lev = tl_alloc(ctx, (size_t)n + 1, sizeof(int));
	bool *stand = tl_alloc(ctx, (size_t)n + 1, sizeof(bool));

	memset(pw, 0, sizeof(*pw));
	pw->n = n;
	pw->dp = dp;
	pw->d = tl_alloc(ctx, (size_t)n * (size_t)n + 1, sizeof(tl_fix));
	if (lev == NULL || stand == NULL || pw->d == NULL)
		return TELLER_ENOMEM;
	for (x = 0; x < n; x++) {
		stand[x] = !TL_CAND(c, x)->withdrawn;
		pw->nstand += stand[x];
	}
	for (i = 0; i < p->pats->len; i++) {
		const struct tl_pat *pat = TL_PAT(p, i);
		tl_fix w;

		if (tl_pw_weight(ctx, p, pat, dp, &w) != TELLER_OK)
			return TELLER_EOVERFLOW;
		g = tl_pw_levels(c, p, pat, lev, NULL);
		if (g == 0) {
			if (tl_num_add(ctx, pw->unmarked, w, &pw->unmarked))
				return TELLER_EOVERFLOW;
			continue;
		}
		if (tl_num_add(ctx, pw->valid, w, &pw->valid))
			return TELLER_EOVERFLOW;
		for (x = 0; x < n; x++)
			for (y = 0; y < n; y++)
				if (lev[x] >= 0 && lev[y] >= 0 &&
				    lev[x] < lev[y] && tl_num_add(ctx,
				    TL_PW_D(pw, x, y), w, &TL_PW_D(pw, x, y)))
					return TELLER_EOVERFLOW;
	}
	return sets(ctx, pw, stand);
}

struct teller_result *
tl_pw_result(teller_ctx *ctx, const struct teller_contest *c,
    const struct tl_pw *pw, const char *method, int seats)
{
	struct teller_result *r = tl_result_new(ctx, c, method, seats,
	    pw->dp);
	size_t nn = (size_t)pw->n * (size_t)pw->n;

	if (r == NULL)
		return NULL;
	r->valid = pw->valid;
	r->pairwise = tl_alloc(ctx, nn + 1, sizeof(tl_fix));
	r->smith = tl_alloc(ctx, (size_t)pw->n + 1, sizeof(bool));
	r->schwartz = tl_alloc(ctx, (size_t)pw->n + 1, sizeof(bool));
	if (r->pairwise == NULL || r->smith == NULL || r->schwartz == NULL)
		return NULL;
	memcpy(r->pairwise, pw->d, nn * sizeof(tl_fix));
	memcpy(r->smith, pw->smith, (size_t)pw->n * sizeof(bool));
	memcpy(r->schwartz, pw->schwartz, (size_t)pw->n * sizeof(bool));
	if (tl_result_tally(ctx, r, true, "unmarked (no preference for a "
	    "candidate)", "", pw->unmarked) != TELLER_OK)
		return NULL;
	return r;
}

/* Is a better than b? */
static bool
better(struct tl_wide a, struct tl_wide b, bool low)
{
	int d = tl_num_wcmp(a, b);

	return low ? d < 0 : d > 0;
}

int
tl_pw_elect_best(teller_ctx *ctx, struct teller_result *r,
    struct tl_lots *lots, const struct tl_wide *key, const bool *ok, bool low,
    int seats)
{
	int n = r->ncand, i, k, nt, rc;
	bool *done = tl_alloc(ctx, (size_t)n + 1, sizeof(bool));
	int *tied = tl_alloc(ctx, (size_t)n + 1, sizeof(int));

	if (done == NULL || tied == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < seats;) {
		int best = -1;

		for (i = 0; i < n; i++)
			if (ok[i] && !done[i] && (best < 0 ||
			    better(key[i], key[best], low)))
				best = i;
		if (best < 0)
			break;
		for (i = nt = 0; i < n; i++)
			if (ok[i] && !done[i] &&
			    tl_num_wcmp(key[i], key[best]) == 0)
				tied[nt++] = i;
		if (nt <= seats - k) {
			/* all the equals are elected, in input order */
			for (i = 0; i < nt; i++, k++) {
				done[tied[i]] = true;
				if ((rc = tl_result_elect(ctx, r, tied[i])))
					return rc;
			}
			continue;
		}
		/* more equals than seats left: lot for each seat */
		while (k < seats) {
			int idx = 0;
			uint64_t draw = 0;
			enum tl_tie_how how = TL_TIE_LOT;

			if ((rc = tl_lots_draw(ctx, lots, (int)r->stages->len,
			    TL_TIEK_ELECT, false, tied, nt, &idx, &draw,
			    &how)) != TELLER_OK ||
			    (rc = tl_result_tie(ctx, r, TL_TIEK_ELECT, how,
			    tied, nt, tied[idx], draw)) != TELLER_OK ||
			    (rc = tl_result_elect(ctx, r, tied[idx])))
				return rc;
			done[tied[idx]] = true;
			memmove(tied + idx, tied + idx + 1,
			    (size_t)(nt - idx - 1) * sizeof(int));
			nt--;
			k++;
		}
	}
	return TELLER_OK;
}

/* key / unit at scale 10^e, rounded half up (key >= 0), into *out;
 * EOVERFLOW if it does not fit in 64 bits. */
static int
scaled(teller_ctx *ctx, struct tl_wide key, struct tl_wide unit, int e,
    tl_fix *out)
{
	struct tl_wide q;

	if (!tl_num_wdiv_long(key, unit, e, TL_ROUND_HALF_UP, &q) ||
	    !tl_num_w64(q, out))
		return tl_fail(ctx, TELLER_EOVERFLOW, "scores overflow");
	return TELLER_OK;
}

/* The scores of every candidate into key[] (units of 1/unit at the
 * profile's weight scale). */
static int
positional_keys(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, int nstand, tl_pw_points pts,
    void *ud, struct tl_wide *key)
{
	int n = c->ncand, *lev, *size, *start, i, g, ng, m;
	size_t pi;

	lev = tl_alloc(ctx, (size_t)n + 1, sizeof(int));
	size = tl_alloc(ctx, (size_t)n + 2, sizeof(int));
	start = tl_alloc(ctx, (size_t)n + 2, sizeof(int));
	if (lev == NULL || size == NULL || start == NULL)
		return TELLER_ENOMEM;
	for (pi = 0; pi < p->pats->len; pi++) {
		const struct tl_pat *pat = TL_PAT(p, pi);

		ng = tl_pw_levels(c, p, pat, lev, size);
		if (ng == 0)
			continue;
		for (g = 0, m = 0; g < ng; g++) {
			start[g] = m + 1;
			m += size[g];
		}
		for (i = 0; i < n; i++) {
			struct tl_wide v, add;
			if (lev[i] < 0)
				continue;
			v = lev[i] < ng ? pts(ud, nstand, m, start[lev[i]],
			    size[lev[i]]) : pts(ud, nstand, m, m + 1,
			    nstand - m);
			if (!tl_num_wmul(v, tl_num_wide(pat->w), &add) ||
			    !tl_num_wadd(key[i], add, &key[i]))
				return tl_fail(ctx, TELLER_EOVERFLOW, "scores "
				    "overflow");
		}
	}
	return TELLER_OK;
}

int
tl_pw_positional(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *method, int dp, struct tl_wide unit, tl_pw_points pts,
    void *ud,
    struct teller_result **out)
{
	int n = c->ncand, seats = rules->seats > 0 ? rules->seats : 1, i, rc;
	struct tl_pw pw;
	struct teller_result *r;
	struct tl_lots lots;
	struct tl_wide *key = tl_alloc(ctx, (size_t)n + 1,
	    sizeof(struct tl_wide));
	tl_fix *votes = tl_alloc(ctx, (size_t)n + 1, sizeof(tl_fix));
	bool *ok = tl_alloc(ctx, (size_t)n + 1, sizeof(bool));

	*out = NULL;
	if (key == NULL || votes == NULL || ok == NULL)
		return TELLER_ENOMEM;
	if ((rc = tl_lots_init(ctx, &lots, c, rules)) != TELLER_OK ||
	    (rc = tl_pw_build(ctx, c, p, dp, &pw)) != TELLER_OK)
		return rc;
	if ((r = tl_pw_result(ctx, c, &pw, method, seats)) == NULL)
		return TELLER_ENOMEM;
	if ((rc = positional_keys(ctx, c, p, pw.nstand, pts, ud, key)))
		return rc;
	for (i = 0; i < n; i++) {
		ok[i] = !TL_CAND(c, i)->withdrawn && !TL_CAND(c, i)->writein;
		if ((rc = scaled(ctx, key[i], unit, dp - p->wdp,
		    &votes[i])) != TELLER_OK)
			return rc;
	}
	if (tl_result_stage(ctx, r, TL_STAGE_SCORES, -1, votes, 0, 0) == NULL)
		return TELLER_ENOMEM;
	TL_STAGE(r, 0)->note = "scores";
	if ((rc = tl_pw_elect_best(ctx, r, &lots, key, ok, false, seats)))
		return rc;
	*out = r;
	return TELLER_OK;
}

int
tl_pw_start(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *method, bool half, struct tl_pw *pw,
    struct teller_result **r, struct tl_lots *lots)
{
	int dp = p->wdp + (half && p->wdp == 0), rc;

	*r = NULL;
	if (rules->seats > 1)
		return tl_fail(ctx, TELLER_EINVAL, "%s elects one candidate, "
		    "not %d", method, rules->seats);
	if ((rc = tl_lots_init(ctx, lots, c, rules)) != TELLER_OK ||
	    (rc = tl_pw_build(ctx, c, p, dp, pw)) != TELLER_OK)
		return rc;
	if ((*r = tl_pw_result(ctx, c, pw, method, 1)) == NULL)
		return TELLER_ENOMEM;
	return TELLER_OK;
}

int
tl_pw_scored(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *method, bool half, tl_pw_score score, const char *note,
    bool low, struct teller_result **out)
{
	struct tl_pw pw;
	struct teller_result *r;
	struct tl_lots lots;
	int n = c->ncand, x, rc;
	tl_fix *votes = tl_alloc(ctx, (size_t)n + 1, sizeof(tl_fix));
	struct tl_wide *key = tl_alloc(ctx, (size_t)n + 1, sizeof(*key));
	bool *ok = tl_alloc(ctx, (size_t)n + 1, sizeof(bool));

	*out = NULL;
	if (votes == NULL || key == NULL || ok == NULL)
		return TELLER_ENOMEM;
	if ((rc = tl_pw_start(ctx, c, p, rules, method, half, &pw, &r,
	    &lots)) != TELLER_OK)
		return rc;
	tl_pw_ok(c, ok);
	for (x = 0; x < n; x++) {
		votes[x] = 0;
		key[x] = tl_num_wide(0);
		if (ok[x])
			score(c, &pw, x, &votes[x], &key[x]);
	}
	if ((rc = tl_pw_stage(ctx, r, votes, note)) ||
	    (rc = tl_pw_elect_best(ctx, r, &lots, key, ok, low, 1)))
		return rc;
	*out = r;
	return TELLER_OK;
}

int
tl_pw_stage(teller_ctx *ctx, struct teller_result *r, const tl_fix *votes,
    const char *note)
{
	struct tl_stage *s = tl_result_stage(ctx, r, TL_STAGE_PAIRWISE, -1,
	    votes, 0, 0);

	if (s == NULL)
		return TELLER_ENOMEM;
	s->note = note;
	return TELLER_OK;
}

void
tl_pw_ok(const struct teller_contest *c, bool *ok)
{
	int i;

	for (i = 0; i < c->ncand; i++)
		ok[i] = !TL_CAND(c, i)->withdrawn && !TL_CAND(c, i)->writein;
}

int
tl_pw_strength(teller_ctx *ctx, const teller_rules *rules,
    const char *method, bool def, bool *winning)
{
	const char *s = rules->strength;

	*winning = def;
	if (s == NULL)
		return TELLER_OK;
	if (strcmp(s, "winning") == 0)
		*winning = true;
	else if (strcmp(s, "margin") == 0)
		*winning = false;
	else
		return tl_fail(ctx, TELLER_EINVAL, "%s: --strength '%s': "
		    "say winning or margin", method, s);
	return TELLER_OK;
}
