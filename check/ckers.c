/* SPDX-License-Identifier: MIT */
/*
 * ckers.c -- teller-check for stv-ers97 certificates: the Electoral
 * Reform Society's 1997 rules as OpenSTV's ERS97STV applies them
 * (docs/stv.md 3). Values in hundredths, floored; the quota recomputed
 * until the first election (5.1.6, 5.4.8), candidates deemed elected on
 * the threshold (5.1.7, 5.3.13, 5.4.9; 5.6.2 leaves one out); a surplus
 * moves only the parcel last received (5.3), at a new value only when
 * the parcel is worth more than the surplus (5.3.7); surpluses wait while
 * sure losers exist (5.2.2), who go together (5.2.5), their papers in
 * sub-stages by value, highest first (5.4.11); ties by the earliest stage
 * at which the tied differ, else by lot.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mjson.h"

enum { HOPEFUL = 0, ELECTED, DEFEATED };

struct er {
	struct ck_run r;        /* first: the shared replay's state */
	struct ck_prof *pf;
	int seats, nwin, ncont, nlots, batch;
	int64_t quota, thresh, valid, nt, loss;
	bool first_elim;
	int *state, *bo;        /* [ncand]; bo: place on the ballot paper */
	bool *over;             /* elected, surplus not yet transferred */
	int64_t *votes;         /* [ncand] in hundredths */
	int *last;              /* [ncand] stage of the parcel last received */
	int *holder;            /* [npat] -1: out of the count */
	uint32_t *pos;          /* [npat] */
	int64_t *v;             /* [npat] value of each paper */
	int *recv;              /* [npat] stage received */
	int *ids, *tmp;         /* [ncand] scratch */
};

#define efail(k, ...) ck_fail(&(k)->r, __VA_ARGS__)

static const char *
nm(const struct er *k, int j)
{
	return j >= 0 ? k->pf->names[j] : "(none)";
}

static int64_t
ceildiv(int64_t a, int64_t b)
{
	return a / b + (a % b != 0);
}

/* The next continuing preference of pattern i after its holder, or -1;
 * its position in *at. */
static int
next_pref(const struct er *k, size_t i, uint32_t *at)
{
	const struct ck_pat *pt = &k->pf->pat[i];
	uint32_t q;

	for (q = k->pos[i]; q < pt->len; q++)
		if (k->state[k->pf->prefs[pt->off + q]] == HOPEFUL) {
			*at = q;
			return k->pf->prefs[pt->off + q];
		}
	return -1;
}

/* The quota (until someone is elected) and threshold (5.1.6, 5.1.7). */
static void
thresh(struct er *k)
{
	int64_t active = 0, all = 0;
	int i, rem = k->seats - k->nwin;

	for (i = 0; i < k->pf->ncand; i++)
		all += k->votes[i];
	if (k->nwin == 0)
		k->quota = ceildiv(all, k->seats + 1);
	for (i = 0; i < k->pf->ncand; i++)
		if (k->state[i] != ELECTED)
			active += k->votes[i];
		else if (k->over[i] && k->votes[i] > k->quota)
			active += k->votes[i] - k->quota;
	if (rem > 0)
		k->thresh = ceildiv(active, rem + 1);
}

/* The surpluses waiting (6.18). */
static int64_t
surplus(const struct er *k)
{
	int64_t s = 0;
	int i;

	for (i = 0; i < k->pf->ncand; i++)
		if ((k->state[i] == HOPEFUL || (k->state[i] == ELECTED &&
		    k->over[i])) && k->votes[i] > k->quota)
			s += k->votes[i] - k->quota;
	return s;
}

/* ids[0..n) by votes, fewest (or most) first, equal in ballot order. */
static void
sort(const struct er *k, int *ids, int n, bool most)
{
	int i, j, t;

	for (i = 1; i < n; i++)
		for (j = i; j > 0; j--) {
			int64_t a = k->votes[ids[j - 1]], b = k->votes[ids[j]];
			if (most ? a > b : a < b)
				break;
			if (a == b && k->bo[ids[j - 1]] < k->bo[ids[j]])
				break;
			t = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}
}

/* 5.2.2, 5.2.5: the longest run of lowest continuing candidates, never
 * splitting equal votes, whose votes with all surpluses do not exceed
 * the next one's, leaving enough for the places; into out, how many. */
static int
sure_losers(struct er *k, int *out)
{
	int *s = k->tmp, n = 0, i, j, nl = 0;
	int maxl = k->ncont + k->nwin - k->seats;
	int64_t tot = 0, acc = surplus(k);

	for (i = 0; i < k->pf->ncand; i++)
		if (k->state[i] == HOPEFUL) {
			s[n++] = i;
			tot += k->votes[i];
		}
	if (tot == 0 && acc == 0) {
		memcpy(out, s, (size_t)n * sizeof(int));
		return n;
	}
	sort(k, s, n, false);
	for (i = 0; i < n; i = j) {
		int64_t v = k->votes[s[i]];
		for (j = i; j < n && k->votes[s[j]] == v; j++)
			acc += v;
		if (j >= n)
			break;
		if (acc <= k->votes[s[j]] && j <= maxl)
			nl = j;
	}
	memcpy(out, s, (size_t)nl * sizeof(int));
	return nl;
}

/* Of list[0..n), those on the most (or fewest) votes now, narrowed by
 * the earliest stage at which they differ, into list; how many are left
 * (more than one: a lot). *ntied: how many were equal now. */
static int
weak(const struct er *k, int *list, int n, bool most, int *ntied)
{
	int i, m, s;
	int64_t ext;

	for (s = -1; s < k->r.nhist - 1 && n > 1; s++) {
		const int64_t *v = s < 0 ? k->votes : k->r.hist[s];
		for (ext = v[list[0]], i = 1; i < n; i++)
			if (most ? v[list[i]] > ext : v[list[i]] < ext)
				ext = v[list[i]];
		for (i = 0, m = 0; i < n; i++)
			if (v[list[i]] == ext)
				list[m++] = list[i];
		n = m;
		if (s < 0)
			*ntied = n;
	}
	if (s < 0)
		*ntied = n;
	return n;
}

/* The choice of cand among list[0..n) as weak() makes it, the tie (the
 * equal now) and lot cited in why as the certificate must. */
static int
choice(struct er *k, const struct mj *why, int cand, int *list, int n,
    bool most)
{
	const struct mj *t = mj_get(why, "tie"), *x, *lot = mj_get(why, "lot");
	int ntied = 1, left, i, m = 0;
	int64_t no;

	left = weak(k, list, n, most, &ntied);
	if (ntied > 1) {
		/* the tie names the equal now: list holds the narrowed, so
		 * count the cited against the votes now */
		if (t == NULL || t->type != MJ_ARR || (int)t->n != ntied)
			return efail(k, why, "the tie is %d candidates equal "
			    "now", ntied);
		for (x = t->kid; x != NULL; x = x->next) {
			int j = x->type == MJ_STR ? ck_prof_cand(k->pf, x->s) :
			    -1;
			m += j >= 0 && k->votes[j] == k->votes[list[0]];
		}
		if (m != ntied)
			return efail(k, why, "the tie is not the candidates "
			    "equal now");
	} else if (t != NULL) {
		return efail(k, why, "no tie");
	}
	for (i = 0; i < left && list[i] != cand; i++)
		;
	if (i == left)
		return efail(k, why, "%s is not the one the rules choose",
		    nm(k, cand));
	if ((left > 1) != (lot != NULL))
		return efail(k, why, left > 1 ? "a lot decides: it must be "
		    "cited" : "no lot decides");
	if (left > 1 && (lot->type != MJ_NUM || ck_parse(lot->s, 0, &no) ||
	    no != ++k->nlots))
		return efail(k, lot, "\"lot\" must be %d", k->nlots);
	return 0;
}

/* Pattern i (held by from) moves as move m says: to its next continuing
 * preference at value nv, or out of the count. Returns 0 or 5. */
static int
move(struct er *k, const struct mj *m, int64_t nv, int64_t *amount)
{
	const struct mj *pv = mj_get(m, "pattern"), *tov = mj_get(m, "to");
	const char *reason = mj_str(m, "reason");
	int64_t idx, n, val;
	uint32_t at = 0;
	int to, want;

	if (pv == NULL || pv->type != MJ_NUM || ck_parse(pv->s, 0, &idx) ||
	    (size_t)idx >= k->pf->npat)
		return efail(k, m, "no such pattern");
	if (mj_str(m, "papers") == NULL || ck_parse(mj_str(m, "papers"), 0,
	    &n) || n != k->pf->pat[idx].w)
		return efail(k, m, "pattern %lld has %lld papers",
		    (long long)idx, (long long)k->pf->pat[idx].w);
	if (nv < 0)
		nv = k->v[idx];
	if (mj_str(m, "value") == NULL || ck_parse(mj_str(m, "value"), 2,
	    &val) || val != nv)
		return efail(k, m, "pattern %lld: the value is wrong",
		    (long long)idx);
	want = next_pref(k, (size_t)idx, &at);
	to = tov != NULL && tov->type == MJ_STR ? ck_prof_cand(k->pf,
	    tov->s) : -1;
	if (to != want || (want < 0 && (tov == NULL || tov->type != MJ_NULL ||
	    reason == NULL || strcmp(reason, "no further preference"))))
		return efail(k, m, "pattern %lld goes to %s", (long long)idx,
		    want >= 0 ? nm(k, want) : "nobody (no further "
		    "preference)");
	k->v[idx] = nv;
	k->holder[idx] = want;
	*amount = n * nv;
	if (want >= 0) {
		k->pos[idx] = at;
		k->recv[idx] = k->r.stage;
		k->last[want] = k->r.stage;
		k->votes[want] += *amount;
	}
	return 0;
}

/* The moves of rec are exactly the patterns sel() picks, each from a
 * holder it names; nv the new value (-1: kept). Sums moved to a
 * candidate into *to, out of the count into *out. */
static int
moves(struct er *k, const struct mj *rec, bool (*sel)(const struct er *,
    size_t, int64_t), int64_t arg, int64_t nv, int64_t *to, int64_t *out)
{
	const struct mj *ms = mj_get(rec, "moves"), *m;
	int64_t idx, amount = 0;
	size_t i, want = 0, got = 0;
	int rc, from;

	*to = *out = 0;
	if (ms == NULL || ms->type != MJ_ARR)
		return efail(k, rec, "no \"moves\"");
	for (i = 0; i < k->pf->npat; i++)
		want += sel(k, i, arg);
	for (m = ms->kid; m != NULL; m = m->next, got++) {
		const struct mj *pv = mj_get(m, "pattern");
		if (pv == NULL || pv->type != MJ_NUM || ck_parse(pv->s, 0,
		    &idx) || (size_t)idx >= k->pf->npat ||
		    !sel(k, (size_t)idx, arg))
			return efail(k, m, "this pattern does not move here");
		from = k->holder[idx];
		if (mj_str(m, "from") == NULL || ck_prof_cand(k->pf,
		    mj_str(m, "from")) != from)
			return efail(k, m, "pattern %lld is held by %s",
			    (long long)idx, nm(k, from));
		k->recv[idx] = -k->r.stage; /* moved: not again */
		if ((rc = move(k, m, nv, &amount)) != 0)
			return rc;
		k->votes[from] -= amount * (nv < 0);
		*(k->holder[idx] >= 0 ? to : out) += amount;
	}
	if (got != want)
		return efail(k, ms, "%zu patterns move here, not %zu", want,
		    got);
	return 0;
}

/* Pattern i is in candidate arg's last parcel and goes on (5.3.7). */
static bool
in_last(const struct er *k, size_t i, int64_t arg)
{
	uint32_t at;

	return k->holder[i] == (int)arg && k->recv[i] == k->last[arg] &&
	    next_pref(k, i, &at) >= 0;
}

/* Pattern i is held by an excluded candidate at value arg (5.4.11). */
static bool
at_value(const struct er *k, size_t i, int64_t arg)
{
	return k->holder[i] >= 0 && k->state[k->holder[i]] == DEFEATED &&
	    k->v[i] == arg && k->recv[i] != -k->r.stage;
}

/* 5.3: the surplus of the winner with the most votes. */
static int
do_surplus(struct er *k, const struct mj *rec, const struct mj *a, int c)
{
	const struct mj *tv = mj_get(a, "tv");
	int n = 0, i, rc;
	int64_t sur, tval = 0, npap = 0, ntv = -1, want, to, out;
	size_t p;

	for (i = 0; i < k->pf->ncand; i++)
		if (k->state[i] == ELECTED && k->over[i])
			k->ids[n++] = i;
	if ((rc = choice(k, mj_get(rec, "why"), c, k->ids, n, true)) != 0)
		return rc;
	sur = k->votes[c] - k->quota;
	for (p = 0; p < k->pf->npat; p++)
		if (in_last(k, p, c)) {
			tval += k->pf->pat[p].w * k->v[p];
			npap += k->pf->pat[p].w;
		}
	if (tval > sur)
		ntv = sur / npap;
	if (mj_str(a, "surplus") == NULL || ck_parse(mj_str(a, "surplus"), 2,
	    &want) || want != sur)
		return efail(k, a, "the surplus is not votes less quota");
	if (tv == NULL || (ntv < 0 ? tv->type != MJ_NULL : tv->type !=
	    MJ_STR || ck_parse(tv->s, 2, &want) || want != ntv))
		return efail(k, a, "\"tv\" is not surplus / papers (5.3.7), "
		    "or null when the parcel is worth no more than it");
	if ((rc = moves(k, rec, in_last, c, ntv, &to, &out)) != 0)
		return rc;
	for (p = 0; p < k->pf->npat; p++)
		if (k->holder[p] == c)
			k->holder[p] = -1;
	if (ntv < 0)
		k->nt += sur - to;
	else
		k->loss += sur - to;
	k->votes[c] = k->quota;
	k->over[c] = false;
	return 0;
}

/* The one of the candidates why names as excluded that is among
 * list[0..n), or -1: the candidate chosen among equals. */
static int
chosen(const struct er *k, const struct mj *why, const int *list, int n)
{
	const struct mj *x = mj_get(why, "excluded");
	int i, j;

	for (x = x != NULL ? x->kid : NULL; x != NULL; x = x->next) {
		j = x->type == MJ_STR ? ck_prof_cand(k->pf, x->s) : -1;
		for (i = 0; i < n; i++)
			if (list[i] == j)
				return j;
	}
	return -1;
}

/* 5.2.5 (OpenSTV's LosersERS97): who is excluded, into out; how many;
 * the choice among equals checked against why. */
static int
losers(struct er *k, const struct mj *why, int *out, int *n)
{
	int i, j, nc = 0, rc;
	int64_t tot = 0;
	bool tie = false;

	*n = 0;
	if (k->first_elim) {
		*n = sure_losers(k, out);
		for (i = 0; i < *n; i++)
			tot += k->votes[out[i]];
		for (i = 0; i < k->pf->ncand && surplus(k) == 0; i++) {
			for (j = 0; j < *n && out[j] != i; j++)
				;
			if (k->state[i] == HOPEFUL && j == *n)
				k->ids[nc++] = i;
		}
		if (nc > 0 && nc + k->nwin > k->seats && tot == 0) {
			j = chosen(k, why, k->ids, nc);
			if ((rc = choice(k, why, j, k->ids, nc, false)))
				return rc;
			out[(*n)++] = j;
			tie = true;
		}
	}
	if (!k->first_elim || *n == 0) {
		*n = sure_losers(k, out);
		if (*n == 0) {
			for (i = 0, nc = 0; i < k->pf->ncand; i++)
				if (k->state[i] == HOPEFUL)
					k->ids[nc++] = i;
			j = chosen(k, why, k->ids, nc);
			if ((rc = choice(k, why, j, k->ids, nc, false)))
				return rc;
			out[(*n)++] = j;
			tie = true;
		}
	}
	k->first_elim = false;
	if (!tie && mj_get(why, "tie") != NULL)
		return efail(k, why, "sure losers: no tie");
	return 0;
}

/* The highest value an excluded candidate's paper still has, or -1. */
static int64_t
top_value(const struct er *k)
{
	int64_t top = -1;
	size_t p;

	for (p = 0; p < k->pf->npat; p++)
		if (k->holder[p] >= 0 && k->state[k->holder[p]] == DEFEATED &&
		    k->v[p] > top)
			top = k->v[p];
	return top;
}

/* 5.4: an exclusion, or its next sub-stage (5.4.11). */
static int
do_exclude(struct er *k, const struct mj *rec, int c)
{
	const struct mj *why = mj_get(rec, "why"), *ex = mj_get(why,
	    "excluded"), *x;
	const char *rule = mj_str(why, "rule");
	int *out = k->tmp + k->pf->ncand, n, i, rc, first = -1;
	int64_t top = top_value(k), to, nt;

	if (top >= 0) {
		if (c != k->batch || rule == NULL || strcmp(rule, "5.4.11"))
			return efail(k, why, "the exclusion of %s goes on: "
			    "rule 5.4.11", nm(k, k->batch));
	} else {
		if (rule == NULL || strcmp(rule, "5.2.5") != 0)
			return efail(k, why, "an exclusion: rule 5.2.5");
		if ((rc = losers(k, why, out, &n)) != 0)
			return rc;
		if (ex == NULL || ex->type != MJ_ARR || (int)ex->n != n)
			return efail(k, why, "\"excluded\": the %d the rules "
			    "exclude", n);
		for (x = ex->kid; x != NULL; x = x->next) {
			int j = x->type == MJ_STR ? ck_prof_cand(k->pf, x->s) :
			    -1;
			for (i = 0; i < n && out[i] != j; i++)
				;
			if (i == n)
				return efail(k, x, "%s is not excluded here",
				    x->type == MJ_STR ? x->s : "(none)");
		}
		for (i = 0; i < n; i++) {
			if (first < 0 || k->bo[out[i]] < k->bo[first])
				first = out[i];
			k->state[out[i]] = DEFEATED;
			k->ncont--;
		}
		if (c != first)
			return efail(k, why, "the stage names %s, the first "
			    "excluded on the ballot paper", nm(k, first));
		k->batch = c;
		top = top_value(k);
	}
	if (top < 0) {
		x = mj_get(rec, "moves");
		return x != NULL && x->type == MJ_ARR && x->n == 0 ? 0 :
		    efail(k, rec, "the excluded hold no papers");
	}
	if ((rc = moves(k, rec, at_value, top, -1, &to, &nt)) != 0)
		return rc;
	k->nt += nt;
	return 0;
}

/* 5.5: over when the places are filled or as few continue as remain. */
static bool
over(const struct er *k)
{
	return k->nwin == k->seats || k->ncont + k->nwin <= k->seats;
}

/* An election e lists next: j under rule. */
static int
elect(struct er *k, const struct mj **e, int j, const char *rule)
{
	const char *r = *e != NULL ? mj_str(*e, "rule") : NULL;
	const char *c = *e != NULL ? mj_str(*e, "cand") : NULL;

	if (c == NULL || ck_prof_cand(k->pf, c) != j || r == NULL ||
	    strcmp(r, rule) != 0 || mj_get(*e, "tie") != NULL)
		return efail(k, *e, "%s is elected next (%s)", nm(k, j), rule);
	k->state[j] = ELECTED;
	k->over[j] = true;
	k->nwin++;
	k->ncont--;
	k->r.order[k->r.nelected++] = j;
	*e = (*e)->next;
	return 0;
}

/* After a stage: every continuing candidate on the threshold, most
 * votes first (5.1.7, 5.3.13, 5.4.9; rule), less the one 5.6.2 leaves
 * out; then, when the count is over, those left (5.5). */
static int
elections(struct er *k, const struct mj *rec, const char *rule)
{
	const struct mj *el = mj_get(rec, "elected"), *e;
	int *pot = k->ids, n, i, j, rc, t;

	if (el == NULL || el->type != MJ_ARR)
		return efail(k, rec, "no \"elected\"");
	e = el->kid;
	while (k->nwin < k->seats) {
		int64_t lim = k->thresh > 1 ? k->thresh : 1;
		for (i = 0, n = 0; i < k->pf->ncand; i++)
			if (k->state[i] == HOPEFUL && k->votes[i] >= lim)
				pot[n++] = i;
		if (n + k->nwin > k->seats + 1)
			return efail(k, el, "more over the threshold than "
			    "places");
		if (n > 0 && n + k->nwin == k->seats + 1) {
			int *l = k->tmp;
			memcpy(l, pot, (size_t)n * sizeof(int));
			if (weak(k, l, n, false, &t) > 1)
				return efail(k, el, "5.6.2: a lot leaves one "
				    "out, which no certificate records");
			for (i = j = 0; i < n; i++)
				if (pot[i] != l[0])
					pot[j++] = pot[i];
			n = j;
		}
		if (n == 0)
			break;
		sort(k, pot, n, true);
		for (i = 0; i < n; i++)
			if ((rc = elect(k, &e, pot[i], rule)) != 0)
				return rc;
		thresh(k);
	}
	if (over(k) && k->nwin < k->seats) {
		for (i = 0; i < k->pf->ncand; i++)
			if (k->state[i] == HOPEFUL && k->votes[i] == 0)
				k->state[i] = DEFEATED;
		for (j = 0; j < k->pf->ncand; j++)
			for (i = 0; i < k->pf->ncand; i++)
				if (k->bo[i] == j && k->state[i] == HOPEFUL &&
				    (rc = elect(k, &e, i, "5.5")) != 0)
					return rc;
	}
	k->r.done = over(k);
	return e != NULL ? efail(k, e, "nobody else is elected here") : 0;
}

static int
stage(struct ck_run *r, const struct mj *rec)
{
	struct er *k = (struct er *)r;
	const struct mj *a = mj_get(rec, "action");
	const char *kind = mj_str(a, "kind"), *rule = "5.1.7";
	const char *want;
	int c = ck_prof_cand(k->pf, mj_str(a, "cand")), rc = 0, n;
	size_t i;

	if (kind == NULL)
		kind = "";
	if (k->r.stage == 1) {
		if (strcmp(kind, "first") != 0)
			return efail(k, a, "the first stage must be \"first\"");
		for (i = 0; i < k->pf->npat; i++) {
			int h = k->pf->prefs[k->pf->pat[i].off];
			k->holder[i] = h;
			k->v[i] = 100;
			k->recv[i] = 1;
			k->last[h] = 1;
			k->votes[h] += k->pf->pat[i].w * 100;
		}
	} else {
		want = top_value(k) < 0 && surplus(k) != 0 &&
		    sure_losers(k, k->ids) == 0 ? "surplus" : "exclude";
		if (strcmp(kind, want) != 0 || c < 0)
			return efail(k, a, "the next stage is a%s %s",
			    want[0] == 'e' ? "n" : "", want);
		rule = want[0] == 's' ? "5.3.13" : "5.4.9";
		rc = want[0] == 's' ? do_surplus(k, rec, a, c) :
		    do_exclude(k, rec, c);
	}
	if (rc != 0)
		return rc;
	thresh(k);
	n = ck_totals(r, rec, 2, k->votes, k->nt, k->loss, k->valid);
	if (n != 0)
		return n;
	return ck_remember(&k->r, k->votes) != 0 ? 5 : elections(k, rec,
	    rule);
}

/* The header: seats, places (2), the ballot order; the quota is checked
 * at the first stage. */
static int
header(struct ck_run *r, const struct mj *h)
{
	struct er *k = (struct er *)r;
	int64_t total, q;

	if (ck_stv_header(r, h, 2, &k->seats, &total, k->bo) != 0)
		return 5;
	if (total > INT64_C(1000000000000000))
		return efail(k, h, "too many papers");
	k->valid = total * 100;
	if (mj_str(h, "quota") == NULL || ck_parse(mj_str(h, "quota"), 2,
	    &q) || q != ceildiv(k->valid, k->seats + 1))
		return efail(k, h, "the quota is not the first stage's");
	k->ncont = k->pf->ncand;
	k->first_elim = true;
	return 0;
}

static void
drop(struct ck_run *r)
{
	struct er *k = (struct er *)r;

	if (k == NULL)
		return;
	free(k->state);
	free(k->bo);
	free(k->over);
	free(k->votes);
	free(k->last);
	free(k->r.order);
	free(k->ids);
	free(k->tmp);
	free(k->holder);
	free(k->pos);
	free(k->v);
	free(k->recv);
	free(k);
}

static struct ck_run *
make(struct ck_prof *pf)
{
	size_t nc = (size_t)pf->ncand + 1, np = pf->npat + 1;
	struct er *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return NULL;
	k->pf = pf;
	k->state = calloc(nc, sizeof(int));
	k->bo = calloc(nc, sizeof(int));
	k->over = calloc(nc, sizeof(bool));
	k->votes = calloc(nc, sizeof(int64_t));
	k->last = calloc(nc, sizeof(int));
	k->r.order = calloc(nc, sizeof(int));
	k->ids = calloc(nc, sizeof(int));
	k->tmp = calloc(2 * nc, sizeof(int));
	k->holder = calloc(np, sizeof(int));
	k->pos = calloc(np, sizeof(uint32_t));
	k->v = calloc(np, sizeof(int64_t));
	k->recv = calloc(np, sizeof(int));
	if (k->state == NULL || k->bo == NULL || k->over == NULL ||
	    k->votes == NULL || k->last == NULL || k->r.order == NULL ||
	    k->ids == NULL || k->tmp == NULL || k->holder == NULL ||
	    k->pos == NULL || k->v == NULL || k->recv == NULL) {
		drop(&k->r);
		return NULL;
	}
	return &k->r;
}

const struct ck_ops ck_ers97_ops = { make, header, stage, drop };
