/* SPDX-License-Identifier: MIT */
/*
 * check.c -- teller-check PROFILE CERT (audit.md 5, 8.7): replay a count
 * certificate against the effective profile, stage by stage, under the
 * Scottish rules (SSI 2007/42 Sch.1 rr.45-52; 2011/399 numbering for
 * exclusion, as the certificate cites it). Each stage's action must be
 * legal in the state before it under the rule it cites (comparisons
 * only: the checker never chooses), its moves must take every paper the
 * candidate holds to the next continuing preference at the value the
 * rules give (5 dp, truncated per paper), and the tallies,
 * non-transferable total and loss it states must equal the replay's and
 * add up to the valid papers. Exit 0 valid, 5 invalid (the first failing
 * stage on standard error), 1 unreadable, 2 usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "mjson.h"


enum { CONT = 0, ELECTED, EXCLUDED };
/* The methods: Scottish STV, IRV, FPTP, block vote, Supplementary Vote. */
enum { M_STV = 0, M_IRV, M_FPTP, M_BLOCK, M_SV };
static const char *const methods[] = { "stv-scottish", "irv", "fptp",
	"block", "sv" };
/* A move's holder: any eliminated candidate (SV's stage 2). */
#define ANY_OUT (-2)

/* Where each pattern's papers are: holder (-1: out of the count), the
 * position of the holder in the pattern, the value of each paper, and
 * the stage they last moved at. */
struct parcel {
	int holder;
	uint32_t pos;
	int64_t v;
	int moved;
};

struct ck {
	struct ck_run r;        /* first: the shared replay's state */
	struct ck_prof *pf;
	int seats;
	int meth;               /* M_* */
	bool irv;               /* meth == M_IRV */
	int nlots;              /* lots cited so far: each is the next */
	int *border;            /* [ncand] place on the ballot paper, or
				 * -1 (header's ballot_order) */
	int dp;                 /* decimal places of values */
	int64_t one;            /* one paper at value 1: 10^dp */
	int64_t quota, valid, nt, loss;
	int *state;             /* [ncand] */
	bool *pending;          /* [ncand] surplus not yet transferred */
	int64_t *votes;         /* [ncand] */
	size_t *held;           /* [ncand] patterns held */
	struct parcel *par;     /* [npat] */
};

#define fail(k, ...) ck_fail(&(k)->r, __VA_ARGS__)

/* The candidate named by string member key of o, or -1. */
static int
cand_of(const struct ck *k, const struct mj *o, const char *key)
{
	const struct mj *v = mj_get(o, key);

	return v != NULL && v->type == MJ_STR ? ck_prof_cand(k->pf, v->s) :
	    -1;
}

/* A decimal member at k->dp places into *out; -1 if absent or bad. */
static int
dec_of(const struct ck *k, const struct mj *o, const char *key,
    int64_t *out)
{
	const struct mj *v = mj_get(o, key);

	return v != NULL && v->type == MJ_STR ? ck_parse(v->s, k->dp, out) :
	    -1;
}

static const char *
name(const struct ck *k, int j)
{
	return j >= 0 ? k->pf->names[j] : "(none)";
}

/* The next preference of pattern i after position pos for a continuing
 * candidate, its position in *at; -1 if none. */
static int
next_cont(const struct ck *k, size_t i, uint32_t pos, uint32_t *at)
{
	const struct ck_pat *pt = &k->pf->pat[i];
	uint32_t q;

	for (q = pos + 1; q < pt->len; q++)
		if (k->state[k->pf->prefs[pt->off + q]] == CONT) {
			*at = q;
			return k->pf->prefs[pt->off + q];
		}
	return -1;
}

/* Block vote (LEPAR 2006 Sch.2 r.46): pattern i's papers give a vote to
 * each candidate marked. 0, or -1 on overflow. */
static int
block_marks(struct ck *k, size_t i)
{
	const struct ck_pat *pt = &k->pf->pat[i];
	int64_t amount;
	uint32_t q;

	k->par[i].holder = -1;
	if (ck_mul(pt->w, k->one, &amount) != 0)
		return -1;
	for (q = 0; q < pt->len; q++) {
		int h = k->pf->prefs[pt->off + q];
		if (ck_add(k->votes[h], amount, &k->votes[h]) != 0 ||
		    ck_add(k->valid, amount, &k->valid) != 0)
			return -1;
	}
	return 0;
}

/* Rule 45 and the quota [46]: every pattern to its first preference at
 * 1.00000. */
static int
first(struct ck *k, const struct mj *rec)
{
	const struct mj *a = mj_get(rec, "action");
	size_t i;
	int64_t q, amount;

	if (a == NULL || mj_str(a, "kind") == NULL ||
	    strcmp(mj_str(a, "kind"), "first") != 0)
		return fail(k, a, "the first stage must be \"first\"");
	if (mj_get(rec, "moves") != NULL)
		return fail(k, rec, "the first stage moves no papers");
	for (i = 0; i < k->pf->npat; i++) {
		int h = k->pf->prefs[k->pf->pat[i].off];
		if (k->meth == M_BLOCK) {
			if (block_marks(k, i) != 0)
				return fail(k, rec, "the papers overflow");
			continue;
		}
		k->par[i].holder = h;
		k->par[i].pos = 0;
		k->par[i].v = k->one;
		k->held[h]++;
		if (ck_mul(k->pf->pat[i].w, k->one, &amount) != 0 ||
		    ck_add(k->votes[h], amount, &k->votes[h]) != 0 ||
		    ck_add(k->valid, amount, &k->valid) != 0)
			return fail(k, rec, "the papers overflow");
	}
	q = (k->valid / k->one / (k->seats + 1) + 1) * k->one;
	if (k->meth == M_STV && q != k->quota) {
		char b[CK_BUFSZ];
		ck_fmt(b, q, k->dp);
		return fail(k, rec, "the quota is %s, not as the header says",
		    b);
	}
	return 0;
}

/* The tied set of why (member "tie") equals the candidates ids[0..n). */
static bool
same_tie(const struct ck *k, const struct mj *why, const int *ids, int n)
{
	const struct mj *t = mj_get(why, "tie"), *e;
	int i, m = 0;

	if (t == NULL || t->type != MJ_ARR || (int)t->n != n)
		return false;
	for (e = t->kid; e != NULL; e = e->next) {
		int j = e->type == MJ_STR ? ck_prof_cand(k->pf, e->s) : -1;
		for (i = 0; i < n; i++)
			if (ids[i] == j)
				m++;
	}
	return m == n;
}

/* Narrow the tied ids[0..n) by the totals after earlier stages, keeping
 * the highest (high) or lowest at each, until one is left: the Scottish
 * rules walk back from the most recent stage [49(2), 51(2)(a)]; IRV
 * (PER r.49(2) as PVSCA 2011 Sch.10 para 7) forward from the first, over
 * the first lim stages. Returns how many are left. */
static int
narrow(const struct ck *k, int *ids, int n, bool high, int lim)
{
	int s, i, m;

	for (s = 0; s < lim && n > 1; s++) {
		const int64_t *v = k->r.hist[k->irv ? s : lim - 1 - s];
		int64_t best = v[ids[0]];
		for (i = 1; i < n; i++)
			if (high ? v[ids[i]] > best : v[ids[i]] < best)
				best = v[ids[i]];
		for (i = 0, m = 0; i < n; i++)
			if (v[ids[i]] == best)
				ids[m++] = ids[i];
		n = m;
	}
	return n;
}

/* The lot o cites ("lot") is the count's next: lots are numbered from 1
 * in the order they are drawn, whatever they decide. */
static int
lot_number(struct ck *k, const struct mj *o)
{
	const struct mj *v = mj_get(o, "lot");
	int64_t n;
	int want = ++k->nlots;

	if (v == NULL || v->type != MJ_NUM || ck_parse(v->s, 0, &n) != 0 ||
	    n != want)
		return fail(k, v != NULL ? v : o, "a lot: \"lot\" must be "
		    "%d, the count's lot number", want);
	return 0;
}

/*
 * The choice among ids[0..n) (n >= 1, all on the extreme total) that the
 * certificate makes, cand, under the rule it cites: alone on the extreme
 * (plain), or tied and separated by the most recent earlier stage at
 * which they differ (narrowing the set, rules 49(2), 51(2)(a)), or tied
 * at every stage and so by lot (49(3), 51(2)(b)). high: the most votes
 * win (surpluses); else the fewest (exclusions).
 */
static int
legal_choice(struct ck *k, const struct mj *why, int cand, int *ids, int n,
    bool high, const char *plain, const char *earlier, const char *lot)
{
	const char *rule = mj_str(why, "rule");
	int i, nc = n;

	if (rule == NULL)
		return fail(k, why, "no rule is cited");
	if (n == 1) {
		if (strcmp(rule, plain) != 0)
			return fail(k, why, "rule %s cited; %s is alone on "
			    "the %s total, rule %s", rule, name(k, ids[0]),
			    high ? "highest" : "lowest", plain);
		if (ids[0] != cand)
			return fail(k, why, "%s is chosen, but %s is alone "
			    "on the %s total", name(k, cand),
			    name(k, ids[0]), high ? "highest" : "lowest");
		return 0;
	}
	if (!same_tie(k, why, ids, n))
		return fail(k, why, "the tie cited is not the candidates "
		    "on the %s total", high ? "highest" : "lowest");
	nc = narrow(k, ids, n, high, k->irv ? k->r.nhist - 1 : k->r.nhist);
	for (i = 0; i < nc && ids[i] != cand; i++)
		;
	if (i == nc)
		return fail(k, why, "%s is not the one the earlier stages "
		    "leave", name(k, cand));
	if (nc == 1 && (strcmp(rule, earlier) != 0 ||
	    mj_get(why, "lot") != NULL))
		return fail(k, why, "an earlier stage separates the tie: "
		    "rule %s, and no lot", earlier);
	if (nc > 1 && (strcmp(rule, lot) != 0 || mj_get(why, "lot") ==
	    NULL))
		return fail(k, why, "no earlier stage separates the tie: "
		    "rule %s, with the lot", lot);
	return nc > 1 ? lot_number(k, why) : 0;
}

/* Candidates with a pending surplus (surplus) or continuing, on the
 * extreme total, into ids; how many. */
static int
extreme(const struct ck *k, bool surplus, int *ids)
{
	int i, n = 0;
	int64_t best = 0;

	for (i = 0; i < k->pf->ncand; i++) {
		int64_t v = k->votes[i];
		if (surplus ? !k->pending[i] : k->state[i] != CONT)
			continue;
		if (n == 0 || (surplus ? v > best : v < best)) {
			best = v;
			n = 0;
		}
		if (v == best)
			ids[n++] = i;
	}
	return n;
}

/* Exclusion without a tie [51(1)]: the lowest and next lowest named,
 * with the gap between them. */
static int
lowest_next(struct ck *k, const struct mj *why, int cand)
{
	int i, next = cand_of(k, why, "next"), lo = cand_of(k, why, "lowest");
	int64_t gap, second = -1;

	for (i = 0; i < k->pf->ncand; i++)
		if (k->state[i] == CONT && i != cand && (second < 0 ||
		    k->votes[i] < second))
			second = k->votes[i];
	if (lo != cand)
		return fail(k, why, "\"lowest\" is not the candidate "
		    "excluded");
	if (next < 0 || next == cand || k->state[next] != CONT ||
	    k->votes[next] != second)
		return fail(k, why, "\"next\" is not a next lowest "
		    "continuing candidate");
	if (dec_of(k, why, "gap", &gap) != 0 || gap != second - k->votes[cand])
		return fail(k, why, "\"gap\" is not the difference of their "
		    "votes");
	return 0;
}

/* One move of the stage, from cand at the value the rules give: nv, or
 * per paper trunc(v * sur / total) when total > 0 (a surplus). */
static int
move(struct ck *k, const struct mj *m, int cand, int64_t sur, int64_t total)
{
	const struct mj *pv = mj_get(m, "pattern"), *tov = mj_get(m, "to");
	const char *reason = mj_str(m, "reason");
	int64_t idx, papers, value, nv, amount;
	struct parcel *p;
	uint32_t at = 0;
	int to, want;

	if (pv == NULL || pv->type != MJ_NUM || ck_parse(pv->s, 0, &idx) ||
	    (size_t)idx >= k->pf->npat)
		return fail(k, m, "no such pattern");
	p = &k->par[idx];
	if (p->moved == k->r.stage)
		return fail(k, m, "pattern %lld moves twice", (long long)idx);
	if (cand == ANY_OUT && p->holder >= 0 &&
	    k->state[p->holder] == EXCLUDED)
		cand = p->holder;
	if (p->holder != cand || cand_of(k, m, "from") != cand)
		return fail(k, m, "pattern %lld is held by %s, not moved "
		    "from %s", (long long)idx, name(k, p->holder),
		    name(k, cand));
	if (mj_str(m, "papers") == NULL || ck_parse(mj_str(m, "papers"), 0,
	    &papers) || papers != k->pf->pat[idx].w)
		return fail(k, m, "pattern %lld has %lld papers",
		    (long long)idx, (long long)k->pf->pat[idx].w);
	nv = p->v;
	if (total > 0 && ck_muldiv(p->v, sur, total, &nv) != 0)
		return fail(k, m, "the transfer value overflows");
	if (dec_of(k, m, "value", &value) != 0 || value != nv) {
		char b[CK_BUFSZ];
		ck_fmt(b, nv, k->dp);
		return fail(k, m, "pattern %lld: the value is %s",
		    (long long)idx, b);
	}
	want = next_cont(k, (size_t)idx, p->pos, &at);
	to = tov != NULL && tov->type == MJ_STR ? ck_prof_cand(k->pf,
	    tov->s) : -1;
	if (want < 0 || nv == 0) {
		const char *r = want < 0 ? "no further preference" :
		    "zero value";
		/* SV [para 3(5), r.52]: what the effective paper shows */
		if (k->meth == M_SV)
			r = k->pf->pat[idx].len < 2 ? "no second preference" :
			    "second preference for an eliminated candidate";
		if (tov == NULL || tov->type != MJ_NULL || reason == NULL ||
		    strcmp(reason, r) != 0)
			return fail(k, m, "pattern %lld: the papers are "
			    "non-transferable (%s), not to %s",
			    (long long)idx, r, name(k, to));
	} else if (to != want) {
		return fail(k, m, "pattern %lld goes to %s, not %s",
		    (long long)idx, name(k, want), name(k, to));
	}
	if (ck_mul(papers, nv, &amount) != 0)
		return fail(k, m, "the value overflows");
	p->moved = k->r.stage;
	k->held[cand]--;
	p->v = nv;
	if (want < 0 || nv == 0) {
		p->holder = -1;
		if (want < 0 && ck_add(k->nt, amount, &k->nt) != 0)
			return fail(k, m, "the value overflows");
	} else {
		p->holder = want;
		p->pos = at;
		k->held[want]++;
		if (ck_add(k->votes[want], amount, &k->votes[want]) != 0)
			return fail(k, m, "the value overflows");
	}
	/* what a surplus transfer hands on, to be set against it */
	if (total > 0)
		k->loss -= amount;
	return 0;
}

/* Apply every move of rec from cand; each paper cand held must move. */
static int
moves(struct ck *k, const struct mj *rec, int cand, int64_t sur,
    int64_t total)
{
	const struct mj *ms = mj_get(rec, "moves"), *m;
	int rc, i;

	if (ms == NULL || ms->type != MJ_ARR)
		return fail(k, rec, "no \"moves\"");
	for (m = ms->kid; m != NULL; m = m->next)
		if ((rc = move(k, m, cand, sur, total)) != 0)
			return rc;
	for (i = 0; i < k->pf->ncand; i++)
		if ((i == cand || (cand == ANY_OUT && k->state[i] ==
		    EXCLUDED)) && k->held[i] != 0)
			return fail(k, ms, "%s: %zu pattern%s not moved",
			    name(k, i), k->held[i], k->held[i] == 1 ? "" :
			    "s");
	return 0;
}

/* Rules 48-49: the largest pending surplus, transferred in full. */
static int
surplus(struct ck *k, const struct mj *rec, const struct mj *a, int cand)
{
	int *ids = calloc((size_t)k->pf->ncand + 1, sizeof(int));
	int n, rc;
	int64_t sur, tv, total = k->votes[cand], want;

	if (ids == NULL)
		return fail(k, rec, "out of memory");
	n = extreme(k, true, ids);
	if (cand < 0 || !k->pending[cand]) {
		free(ids);
		return fail(k, a, "%s has no surplus waiting", name(k, cand));
	}
	rc = legal_choice(k, mj_get(rec, "why"), cand, ids, n, true, "48(1)",
	    "49(2)", "49(3)");
	free(ids);
	if (rc != 0)
		return rc;
	sur = total - k->quota;
	if (dec_of(k, a, "surplus", &want) != 0 || want != sur)
		return fail(k, a, "the surplus is not votes minus quota");
	if (ck_muldiv(k->one, sur, total, &tv) != 0 ||
	    dec_of(k, a, "tv", &want) != 0 || want != tv)
		return fail(k, a, "\"tv\" is not trunc(surplus / votes)");
	k->loss += sur;
	if ((rc = moves(k, rec, cand, sur, total)) != 0)
		return rc;
	if (k->loss < 0)
		return fail(k, rec, "the transfer hands on more than the "
		    "surplus");
	k->votes[cand] = k->quota;
	k->pending[cand] = false;
	return 0;
}

/* Rules 50-51: the lowest continuing candidate, when no surplus waits. */
static int
exclusion(struct ck *k, const struct mj *rec, const struct mj *a, int cand)
{
	int *ids = calloc((size_t)k->pf->ncand + 1, sizeof(int));
	const struct mj *why = mj_get(rec, "why");
	int n, i, rc;

	if (ids == NULL)
		return fail(k, rec, "out of memory");
	for (i = 0; i < k->pf->ncand && !k->pending[i]; i++)
		;
	n = extreme(k, false, ids);
	if (i < k->pf->ncand)
		rc = fail(k, a, "the surplus of %s is waiting [50(1)]",
		    name(k, i));
	else if (cand < 0 || k->state[cand] != CONT)
		rc = fail(k, a, "%s is not a continuing candidate",
		    name(k, cand));
	else if (k->irv)
		rc = legal_choice(k, why, cand, ids, n, false, "49(1)",
		    "49(2)", "49(3)");
	else
		rc = legal_choice(k, why, cand, ids, n, false, "51(1)",
		    "51(2)(a)", "51(2)(b)");
	if (rc == 0 && n == 1)
		rc = lowest_next(k, why, cand);
	free(ids);
	if (rc != 0)
		return rc;
	k->state[cand] = EXCLUDED;
	if ((rc = moves(k, rec, cand, 0, 0)) != 0)
		return rc;
	k->votes[cand] = 0;
	return 0;
}

/* Rule 47 electing j when others continuing have as many votes: the
 * tie is cited, and j is the one the most recent earlier stage that
 * separates them puts highest [49(2), applied to the order of election],
 * or the lot is cited when none does; without others, no tie. */
static int
equal_order(struct ck *k, const struct mj *e, int j)
{
	int *ids = calloc((size_t)k->pf->ncand + 1, sizeof(int));
	int i, n = 0, rc = 0;

	if (ids == NULL)
		return fail(k, e, "out of memory");
	for (i = 0; i < k->pf->ncand; i++)
		if (k->state[i] == CONT && k->votes[i] == k->votes[j])
			ids[n++] = i;
	if (n == 1 && mj_get(e, "tie") != NULL)
		rc = fail(k, e, "%s has no equal: no tie", name(k, j));
	else if (n > 1 && !same_tie(k, e, ids, n))
		rc = fail(k, e, "equal votes: the tie is %s and %d more",
		    name(k, ids[0]), n - 1);
	if (rc == 0 && n > 1) {
		n = narrow(k, ids, n, true, k->r.nhist);
		for (i = 0; i < n && ids[i] != j; i++)
			;
		if (i == n)
			rc = fail(k, e, "%s is not the one the earlier stages "
			    "put first", name(k, j));
		else if (n > 1)
			rc = lot_number(k, e);
		else if (mj_get(e, "lot") != NULL)
			rc = fail(k, e, "an earlier stage orders the tie: no "
			    "lot");
	}
	free(ids);
	return rc;
}

/* Another election after the stage, in order: rule 47 (the highest
 * remaining at or over the quota) or 52 (the last vacancies). */
static int
elect_one(struct ck *k, const struct mj *e, bool *last)
{
	const char *rule = mj_str(e, "rule");
	int j = cand_of(k, e, "cand"), i, nc = 0;

	if (j < 0 || rule == NULL || k->state[j] != CONT ||
	    k->r.nelected >= k->seats)
		return fail(k, e, "%s cannot be elected here", name(k, j));
	for (i = 0; i < k->pf->ncand; i++)
		nc += k->state[i] == CONT;
	if (strcmp(rule, "47") == 0 && !*last) {
		if (k->votes[j] < k->quota)
			return fail(k, e, "%s is under the quota",
			    name(k, j));
		for (i = 0; i < k->pf->ncand; i++)
			if (k->state[i] == CONT && k->votes[i] > k->votes[j])
				return fail(k, e, "%s has more votes than %s",
				    name(k, i), name(k, j));
		if ((i = equal_order(k, e, j)) != 0)
			return i;
		k->pending[j] = k->votes[j] > k->quota;
	} else if (strcmp(rule, "52") == 0) {
		if (!*last && nc > k->seats - k->r.nelected)
			return fail(k, e, "more continuing candidates than "
			    "vacancies: rule 52 does not apply");
		for (i = 0; !*last && i < k->pf->ncand; i++)
			if (k->state[i] == CONT && k->votes[i] >= k->quota)
				return fail(k, e, "%s reached the quota: rule "
				    "47 first", name(k, i));
		*last = true;
	} else {
		return fail(k, e, "rule %s does not elect here", rule);
	}
	k->state[j] = ELECTED;
	k->r.order[k->r.nelected++] = j;
	return 0;
}

/* The elections after a stage: all of them, and in a legal order. */
static int
elections(struct ck *k, const struct mj *rec)
{
	const struct mj *el = mj_get(rec, "elected"), *e;
	bool last = false;
	int i, nc = 0, rc;

	if (el == NULL || el->type != MJ_ARR)
		return fail(k, rec, "no \"elected\"");
	for (e = el->kid; e != NULL; e = e->next)
		if ((rc = elect_one(k, e, &last)) != 0)
			return rc;
	if (k->r.nelected >= k->seats) {
		k->r.done = true;
		return 0;
	}
	for (i = 0; i < k->pf->ncand; i++) {
		if (k->state[i] != CONT)
			continue;
		nc++;
		if (k->votes[i] >= k->quota)
			return fail(k, el, "%s reached the quota and is not "
			    "elected [47]", name(k, i));
	}
	if (last && nc == 0) {
		k->r.done = true; /* fewer continuing than seats [52] */
		return 0;
	}
	if (nc <= k->seats - k->r.nelected)
		return fail(k, el, "the continuing candidates fill the "
		    "vacancies and are not elected [52]");
	return 0;
}

/* IRV after a stage: the candidate with a majority of the continuing
 * votes, or the last one left, or of two left and equal the one PER
 * r.49A keeps (the other has fewer at the first stage that separates
 * them, or lost the lot) is elected, and nobody else. */
static int
irv_elections(struct ck *k, const struct mj *rec)
{
	const struct mj *el = mj_get(rec, "elected"), *e;
	int i, top = -1, nc = 0, ids[2], n = 0;
	int64_t live = 0;
	const char *why = NULL;

	for (i = 0; i < k->pf->ncand; i++) {
		if (k->state[i] != CONT)
			continue;
		nc++;
		live += k->votes[i];
		if (top < 0 || k->votes[i] > k->votes[top])
			top = i;
		if (n < 2)
			ids[n++] = i;
	}
	if (nc == 1)
		why = "last";
	else if (top >= 0 && k->votes[top] > live - k->votes[top])
		why = "majority";
	else if (nc == 2 && k->votes[ids[0]] == k->votes[ids[1]])
		why = "49A";
	if (el == NULL || el->type != MJ_ARR || el->n > 1)
		return fail(k, el, "\"elected\": at most one candidate");
	e = el->kid;
	if (why == NULL) {
		if (e != NULL)
			return fail(k, e, "nobody has a majority of the "
			    "continuing votes");
		return 0;
	}
	if (e == NULL || mj_str(e, "rule") == NULL ||
	    strcmp(mj_str(e, "rule"), why) != 0)
		return fail(k, el, "a candidate is elected here (%s)", why);
	i = cand_of(k, e, "cand");
	if (strcmp(why, "49A") == 0) {
		int left = narrow(k, ids, 2, false, k->r.nhist);
		if (i < 0 || k->state[i] != CONT || (left == 1 &&
		    i == ids[0]))
			return fail(k, e, "r.49A: %s is not the one kept",
			    name(k, i));
	} else if (i != top) {
		return fail(k, e, "%s is elected, not %s", name(k, top),
		    name(k, i));
	}
	k->state[i] = ELECTED;
	k->r.order[k->r.nelected++] = i;
	k->r.done = true;
	return 0;
}

/* ids[0..n) by votes, most first, equal ones in ballot-paper order. */
static void
by_votes(const struct ck *k, int *ids, int n)
{
	int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && (k->votes[ids[j]] > k->votes[ids[j - 1]] ||
		    (k->votes[ids[j]] == k->votes[ids[j - 1]] &&
		    k->border[ids[j]] < k->border[ids[j - 1]])); j--) {
			int t = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}
}

/* Record j elected. */
static void
elected(struct ck *k, int j)
{
	k->state[j] = ELECTED;
	k->r.order[k->r.nelected++] = j;
}

/* An election e by lot among the candidates ids[0..*n) under rule: the
 * tie cited is that set, the chosen one is in it and leaves it, and the
 * lot is the count's next. */
static int
elect_lot(struct ck *k, const struct mj *e, const char *rule, int *ids,
    int *n)
{
	int j = cand_of(k, e, "cand"), i, rc;

	if (mj_str(e, "rule") == NULL || strcmp(mj_str(e, "rule"), rule) ||
	    !same_tie(k, e, ids, *n))
		return fail(k, e, "an equality: rule %s, the tie, and the lot",
		    rule);
	if ((rc = lot_number(k, e)) != 0)
		return rc;
	for (i = 0; i < *n && ids[i] != j; i++)
		;
	if (i == *n)
		return fail(k, e, "%s is not in the tie", name(k, j));
	memmove(&ids[i], &ids[i + 1], (size_t)(*n - i - 1) * sizeof(int));
	(*n)--;
	elected(k, j);
	return 0;
}

/*
 * FPTP and block vote after a stage (LEPAR 2006 Sch.2 r.46; RPA 1983
 * Sch.1 r.49): nobody after the first; after "elect", the seats highest,
 * in order of votes (equal votes in ballot-paper order: the law gives no
 * order, teller lists them so) under r.46, and where more share the
 * boundary total than seats are left, each remaining seat by lot among
 * those left on it (r.49), the stage's "why" naming that tie.
 */
static int
plural_elections(struct ck *k, const struct mj *rec)
{
	const struct mj *el = mj_get(rec, "elected"), *why = mj_get(rec,
	    "why"), *e;
	int nc = k->pf->ncand, *ids, i, nab = 0, nat = 0, need, rc = 0;
	const char *rule = mj_str(why, "rule");

	if (el == NULL || el->type != MJ_ARR)
		return fail(k, rec, "no \"elected\"");
	if (k->r.stage == 1)
		return el->n == 0 ? 0 : fail(k, el, "nobody is elected "
		    "before the \"elect\" stage");
	if ((ids = calloc((size_t)nc + 1, sizeof(int))) == NULL)
		return fail(k, rec, "out of memory");
	for (i = 0; i < nc; i++)
		ids[i] = i;
	by_votes(k, ids, nc);
	for (i = 0; i < nc; i++) {
		nab += k->votes[ids[i]] > k->votes[ids[k->seats - 1]];
		nat += k->votes[ids[i]] == k->votes[ids[k->seats - 1]];
	}
	need = k->seats - nab;
	if (need == nat && (rule == NULL || strcmp(rule, "46") != 0 ||
	    mj_get(why, "tie") != NULL))
		rc = fail(k, why, "r.46: the %d highest, no tie at the "
		    "boundary", k->seats);
	else if (need < nat && (rule == NULL || strcmp(rule, "49") != 0 ||
	    !same_tie(k, why, ids + nab, nat)))
		rc = fail(k, why, "r.49: the tie at the boundary is %s and "
		    "%d more", name(k, ids[nab]), nat - 1);
	for (e = el->kid, i = 0; rc == 0 && i < nab + (need == nat ? nat :
	    0); i++, e = e != NULL ? e->next : NULL)
		if (e == NULL || cand_of(k, e, "cand") != ids[i] ||
		    mj_str(e, "rule") == NULL || strcmp(mj_str(e, "rule"),
		    "46") != 0 || mj_get(e, "lot") != NULL)
			rc = fail(k, e != NULL ? e : el, "r.46: %s is "
			    "elected next", name(k, ids[i]));
		else
			elected(k, ids[i]);
	for (; rc == 0 && need < nat && need-- > 0; e = e != NULL ?
	    e->next : NULL)
		rc = e == NULL ? fail(k, el, "r.49: a seat is left") :
		    elect_lot(k, e, "49", ids + nab, &nat);
	free(ids);
	if (rc == 0 && e != NULL)
		return fail(k, e, "more elected than seats");
	k->r.done = rc == 0;
	return rc;
}

/* SV's remaining set from the first count (LGA 2000 Sch.2 para 3(2)-(3)):
 * the two with most first preferences and all tied for second, or all
 * tied for first, into in[]; the tied (|set| > 2) into tie; how many. */
static int
sv_remaining(const struct ck *k, bool *in, int *tie, int *ntie)
{
	int64_t top = -1, second = -1;
	int i, ntop = 0, n = 0;

	for (i = 0; i < k->pf->ncand; i++)
		if (k->votes[i] > top)
			top = k->votes[i];
	for (i = 0; i < k->pf->ncand; i++) {
		if (k->votes[i] == top)
			ntop++;
		else if (k->votes[i] > second)
			second = k->votes[i];
	}
	*ntie = 0;
	for (i = 0; i < k->pf->ncand; i++) {
		in[i] = k->votes[i] == top || (ntop == 1 &&
		    k->votes[i] == second);
		n += in[i];
	}
	for (i = 0; n > 2 && i < k->pf->ncand; i++)
		if (in[i] && (ntop > 1 || k->votes[i] != top))
			tie[(*ntie)++] = i;
	return n;
}

/* SV stage 2 (para 3(4)-(6)): the remaining set as the statute makes it
 * (cited 3(2), or 3(3) with the tie), the others eliminated at once,
 * each of their papers to its second preference if that remains, else
 * not transferred, by the reason its effective paper shows. */
static int
sv_second(struct ck *k, const struct mj *rec)
{
	const struct mj *why = mj_get(rec, "why"), *r, *e;
	int nc = k->pf->ncand, n, ntie, i, rc = 0;
	bool *in = calloc((size_t)nc + 1, sizeof(bool));
	int *tie = calloc((size_t)nc + 1, sizeof(int));
	const char *rule = mj_str(why, "rule");

	if (in == NULL || tie == NULL) {
		free(in);
		free(tie);
		return fail(k, rec, "out of memory");
	}
	n = sv_remaining(k, in, tie, &ntie);
	r = mj_get(why, "remaining");
	if (r == NULL || r->type != MJ_ARR || (int)r->n != n)
		rc = fail(k, why, "\"remaining\": the %d the statute keeps",
		    n);
	for (e = rc == 0 ? r->kid : NULL; e != NULL; e = e->next)
		if (e->type != MJ_STR || ck_prof_cand(k->pf, e->s) < 0 ||
		    !in[ck_prof_cand(k->pf, e->s)])
			rc = fail(k, e, "%s does not remain [para 3(2)-(3)]",
			    e->type == MJ_STR ? e->s : "(none)");
	if (rc == 0 && n > 2 && (rule == NULL || strcmp(rule, "para 3(3)") ||
	    !same_tie(k, why, tie, ntie)))
		rc = fail(k, why, "an equality keeps %d: para 3(3), and the "
		    "tie", n);
	if (rc == 0 && n == 2 && (rule == NULL || strcmp(rule, "para 3(2)") ||
	    mj_get(why, "tie") != NULL))
		rc = fail(k, why, "the top two remain: para 3(2)");
	for (i = 0; i < nc; i++)
		if (!in[i])
			k->state[i] = EXCLUDED;
	if (rc == 0)
		rc = moves(k, rec, ANY_OUT, 0, 0);
	for (i = 0; i < nc; i++)
		if (!in[i])
			k->votes[i] = 0;
	free(in);
	free(tie);
	return rc;
}

/* SV elections: after the first count, a candidate with more than half
 * the first preferences (para 2), or of two standing the more votes
 * (MER 2007 Sch.1 r.51(4)) or a lot (r.51(5)); after the second, the
 * remaining candidate with the most votes (para 3(7)) or a lot among the
 * equal (para 3(8)). */
static int
sv_elections(struct ck *k, const struct mj *rec)
{
	const struct mj *el = mj_get(rec, "elected"), *e;
	int nc = 0, i, j, n = 0, *ids;
	int64_t top = -1;
	const char *plain = NULL, *lot = NULL;

	if (el == NULL || el->type != MJ_ARR || el->n > 1)
		return fail(k, rec, "\"elected\": at most one candidate");
	if ((ids = calloc((size_t)k->pf->ncand + 1, sizeof(int))) == NULL)
		return fail(k, rec, "out of memory");
	for (i = 0; i < k->pf->ncand; i++) {
		if (k->state[i] != CONT)
			continue;
		nc++;
		if (k->votes[i] > top) {
			top = k->votes[i];
			n = 0;
		}
		if (k->votes[i] == top)
			ids[n++] = i;
	}
	if (k->r.stage == 2) {
		plain = "para 3(7)";
		lot = "para 3(8)";
	} else if (nc <= 2) {
		plain = "r.51(4)";
		lot = "r.51(5)";
	} else if (n == 1 && top > k->valid - top) {
		plain = "para 2";
	}
	e = el->kid;
	if (plain == NULL) {
		free(ids);
		return e == NULL ? 0 : fail(k, e, "nobody has more than half "
		    "the first preferences [para 2]");
	}
	j = cand_of(k, e, "cand");
	if (e == NULL) {
		i = fail(k, el, "a candidate is elected here [%s]", n > 1 ?
		    lot : plain);
	} else if (n > 1) {
		i = elect_lot(k, e, lot, ids, &n);
	} else if (j != ids[0] || mj_str(e, "rule") == NULL ||
	    strcmp(mj_str(e, "rule"), plain) != 0 || mj_get(e, "lot")) {
		i = fail(k, e, "%s is elected [%s]", name(k, ids[0]), plain);
	} else {
		elected(k, j);
		i = 0;
	}
	free(ids);
	k->r.done = i == 0;
	return i;
}

/* FPTP and block's "elect" stage: it moves no paper. */
static int
plural_stage(struct ck *k, const struct mj *rec)
{
	const struct mj *ms = mj_get(rec, "moves");

	if (ms != NULL && (ms->type != MJ_ARR || ms->n != 0))
		return fail(k, ms, "the count moves no papers");
	return 0;
}

static int
stage(struct ck_run *r, const struct mj *rec)
{
	struct ck *k = (struct ck *)r;
	const struct mj *a = mj_get(rec, "action");
	const char *kind = mj_str(a, "kind");
	int rc;

	if (kind == NULL)
		kind = "";
	if (k->r.stage == 1)
		rc = first(k, rec);
	else if (strcmp(kind, "surplus") == 0 && k->meth == M_STV)
		rc = surplus(k, rec, a, cand_of(k, a, "cand"));
	else if (strcmp(kind, "exclude") == 0 && k->meth <= M_IRV)
		rc = exclusion(k, rec, a, cand_of(k, a, "cand"));
	else if (strcmp(kind, "elect") == 0 && (k->meth == M_FPTP ||
	    k->meth == M_BLOCK))
		rc = plural_stage(k, rec);
	else if (strcmp(kind, "second") == 0 && k->meth == M_SV)
		rc = sv_second(k, rec);
	else
		rc = fail(k, a, "not a %s stage", methods[k->meth]);
	if (rc != 0 || (rc = ck_totals(&k->r, rec, k->dp, k->votes, k->nt,
	    k->loss, k->valid)) != 0)
		return rc;
	switch (k->meth) {
	case M_STV: rc = elections(k, rec); break;
	case M_IRV: rc = irv_elections(k, rec); break;
	case M_SV: rc = sv_elections(k, rec); break;
	default: rc = plural_elections(k, rec); break;
	}
	if (rc != 0)
		return rc;
	return ck_remember(&k->r, k->votes);
}

/* The header's ballot_order: every candidate once, in the order of the
 * ballot paper (fptp and block need it, to order equal totals). */
static int
ballot_order(struct ck *k, const struct mj *h)
{
	int j;

	for (j = 0; j < k->pf->ncand; j++)
		k->border[j] = -1;
	if (mj_get(h, "ballot_order") == NULL && k->meth != M_FPTP &&
	    k->meth != M_BLOCK)
		return 0;
	return ck_ballot_order(&k->r, h, k->border);
}

/* Every pattern is a paper the method counts: one candidate a rank; for
 * fptp one; for sv at most two; for block one rank of up to seats. */
static int
shape(struct ck *k)
{
	size_t i;

	if (k->seats > k->pf->ncand)
		return fail(k, NULL, "%d seats, %d candidates", k->seats,
		    k->pf->ncand);
	for (i = 0; i < k->pf->npat; i++) {
		const struct ck_pat *p = &k->pf->pat[i];
		bool ok = k->meth == M_BLOCK ? p->ranks == 1 &&
		    p->len <= (uint32_t)k->seats : p->ranks == p->len &&
		    (k->meth != M_FPTP || p->len == 1) &&
		    (k->meth != M_SV || p->len <= 2);
		if (!ok)
			return fail(k, NULL, "pattern %zu is not a paper "
			    "that %s counts", i, methods[k->meth]);
	}
	return 0;
}

/* The header: version, the profile, the method, quota and seats. */
static int
header(struct ck_run *r, const struct mj *h)
{
	struct ck *k = (struct ck *)r;
	const struct mj *s = mj_get(h, "seats");
	const char *ph = mj_str(h, "profile_sha256"), *m = mj_str(h,
	    "method");
	int64_t n;

	for (k->meth = 0; m != NULL && k->meth < (int)(sizeof(methods) /
	    sizeof(methods[0])) && strcmp(m, methods[k->meth]) != 0;
	    k->meth++)
		;
	if (m == NULL || k->meth == (int)(sizeof(methods) /
	    sizeof(methods[0])))
		return 1; /* the replay chose this checker by the method */
	k->irv = k->meth == M_IRV;
	k->dp = k->meth == M_STV ? 5 : -1;
	if (mj_str(h, "dp") != NULL && ck_parse(mj_str(h, "dp"), 0, &n) == 0 &&
	    n <= CK_MAXDP && (k->meth != M_STV || n == 5))
		k->dp = (int)n;
	k->one = ck_pow10(k->dp);
	if (k->dp < 0 || s == NULL || s->type != MJ_NUM ||
	    ck_parse(s->s, 0, &n) || n < 1 || n > 1000 ||
	    (k->meth != M_BLOCK && k->meth != M_STV && n != 1) ||
	    (k->meth != M_STV ? mj_get(h, "quota") == NULL ||
	    mj_get(h, "quota")->type != MJ_NULL :
	    dec_of(k, h, "quota", &k->quota) != 0)) {
		fprintf(stderr, "teller-check: %s:1:1: bad seats or quota\n",
		    k->r.path);
		return 1;
	}
	k->seats = (int)n;
	if (ph == NULL || strcmp(ph, k->pf->sha256) != 0)
		return fail(k, h, "the certificate is for another profile "
		    "(profile_sha256 %s, the profile's %s)",
		    ph != NULL ? ph : "(none)", k->pf->sha256);
	return ballot_order(k, h) != 0 ? 5 : shape(k);
}

static void
drop(struct ck_run *r)
{
	struct ck *k = (struct ck *)r;

	if (k == NULL)
		return;
	free(k->state);
	free(k->pending);
	free(k->votes);
	free(k->held);
	free(k->r.order);
	free(k->border);
	free(k->par);
	free(k);
}

static struct ck_run *
make(struct ck_prof *pf)
{
	size_t nc = (size_t)pf->ncand + 1;
	struct ck *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return NULL;
	k->pf = pf;
	k->state = calloc(nc, sizeof(int));
	k->pending = calloc(nc, sizeof(bool));
	k->votes = calloc(nc, sizeof(int64_t));
	k->held = calloc(nc, sizeof(size_t));
	k->r.order = calloc(nc, sizeof(int));
	k->border = calloc(nc, sizeof(int));
	k->par = calloc(pf->npat + 1, sizeof(struct parcel));
	if (k->state == NULL || k->pending == NULL || k->votes == NULL ||
	    k->held == NULL || k->r.order == NULL || k->border == NULL ||
	    k->par == NULL) {
		drop(&k->r);
		return NULL;
	}
	return &k->r;
}

static const struct ck_ops plain_ops = { make, header, stage, drop };

/* The checker of each method a certificate may name. */
static const struct {
	const char *method;
	const struct ck_ops *ops;
} checkers[] = {
	{ "stv-scottish", &plain_ops }, { "irv", &plain_ops },
	{ "fptp", &plain_ops }, { "block", &plain_ops }, { "sv", &plain_ops },
	{ "stv-wigm", &ck_wigm_ops }, { "stv-ers97", &ck_ers97_ops },
	{ "stv-meek", &ck_meek_ops },
};

int
ck_fail(struct ck_run *r, const struct mj *v, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "teller-check: %s:%ld:%ld: stage %d: ", r->path,
	    r->line, v != NULL ? v->col : 1L, r->stage);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 5;
}

int
ck_remember(struct ck_run *r, const int64_t *votes)
{
	int64_t **h = realloc(r->hist, ((size_t)r->nhist + 1) * sizeof(*h));

	if (h == NULL)
		return ck_fail(r, NULL, "out of memory");
	r->hist = h;
	h[r->nhist] = malloc(((size_t)r->pf->ncand + 1) * sizeof(int64_t));
	if (h[r->nhist] == NULL)
		return ck_fail(r, NULL, "out of memory");
	memcpy(h[r->nhist++], votes, (size_t)r->pf->ncand * sizeof(int64_t));
	return 0;
}

int
ck_ballot_order(struct ck_run *r, const struct mj *h, int *place)
{
	const struct mj *b = mj_get(h, "ballot_order"), *e;
	int i = 0, j;

	for (j = 0; j < r->pf->ncand; j++)
		place[j] = -1;
	if (b == NULL || b->type != MJ_ARR || (int)b->n != r->pf->ncand)
		return ck_fail(r, h, "\"ballot_order\" must name every "
		    "candidate once");
	for (e = b->kid; e != NULL; e = e->next, i++) {
		j = e->type == MJ_STR ? ck_prof_cand(r->pf, e->s) : -1;
		if (j < 0 || place[j] >= 0)
			return ck_fail(r, e, "\"ballot_order\" must name every "
			    "candidate once");
		place[j] = i;
	}
	return 0;
}

int
ck_stv_header(struct ck_run *r, const struct mj *h, int dp, int *seats,
    int64_t *papers, int *place)
{
	const struct mj *s = mj_get(h, "seats");
	const char *ph = mj_str(h, "profile_sha256");
	int64_t n, d;
	size_t i;

	if (s == NULL || s->type != MJ_NUM || ck_parse(s->s, 0, &n) ||
	    n < 1 || n > r->pf->ncand || mj_str(h, "dp") == NULL ||
	    ck_parse(mj_str(h, "dp"), 0, &d) || d != dp)
		return ck_fail(r, h, "bad seats or places (%d)", dp);
	*seats = (int)n;
	if (ph == NULL || strcmp(ph, r->pf->sha256) != 0)
		return ck_fail(r, h, "the certificate is for another profile");
	for (i = 0, *papers = 0; i < r->pf->npat; i++) {
		if (r->pf->pat[i].ranks != r->pf->pat[i].len)
			return ck_fail(r, h, "pattern %zu is not a ranking", i);
		if (ck_add(*papers, r->pf->pat[i].w, papers) != 0)
			return ck_fail(r, h, "too many papers");
	}
	return ck_ballot_order(r, h, place);
}

int
ck_totals(struct ck_run *r, const struct mj *rec, int dp,
    const int64_t *votes, int64_t nt, int64_t loss, int64_t valid)
{
	const struct mj *t = mj_get(rec, "tallies"), *e, *d;
	int64_t v, sum = 0;
	char b[CK_BUFSZ];
	int j;

	if (t == NULL || t->type != MJ_OBJ || (int)t->n != r->pf->ncand)
		return ck_fail(r, t, "\"tallies\" must name every candidate "
		    "once");
	for (e = t->kid; e != NULL; e = e->next) {
		j = ck_prof_cand(r->pf, e->key);
		if (j < 0 || e->type != MJ_STR || ck_parse(e->s, dp, &v) != 0)
			return ck_fail(r, e, "bad tally");
		for (d = t->kid; d != e; d = d->next)
			if (strcmp(d->key, e->key) == 0)
				return ck_fail(r, e, "%s has two tallies",
				    e->key);
		if (v != votes[j]) {
			ck_fmt(b, votes[j], dp);
			return ck_fail(r, e, "%s has %s", e->key, b);
		}
		sum += v;
	}
	if (ck_parse(mj_str(rec, "nt"), dp, &v) != 0 || v != nt) {
		ck_fmt(b, nt, dp);
		return ck_fail(r, mj_get(rec, "nt"), "non-transferable is %s",
		    b);
	}
	e = mj_get(rec, "loss");
	if (e == NULL || e->type != MJ_STR || (e->s[0] == '-' ? ck_parse(e->s +
	    1, dp, &v) != 0 || (v = -v) == 0 : ck_parse(e->s, dp, &v) != 0) ||
	    v != loss) {
		ck_fmt(b, loss, dp);
		return ck_fail(r, mj_get(rec, "loss"), "loss by fractions is "
		    "%s", b);
	}
	if (sum + nt + loss != valid)
		return ck_fail(r, rec, "votes, non-transferable and loss do "
		    "not add up to the valid papers");
	return 0;
}

/* The end record: the count is over, after as many stages, with the
 * elected in the order the replay elected them. */
static int
end(struct ck_run *r, const struct mj *rec)
{
	const struct mj *el = mj_get(rec, "elected"), *e;
	const struct mj *sv = mj_get(rec, "stages");
	int64_t n;
	int i = 0;

	if (!r->done)
		return ck_fail(r, rec, "the count ends with seats unfilled");
	if (sv == NULL || sv->type != MJ_NUM || ck_parse(sv->s, 0, &n) ||
	    n != r->stage)
		return ck_fail(r, rec, "the count has %d stages", r->stage);
	if (el == NULL || el->type != MJ_ARR || (int)el->n != r->nelected)
		return ck_fail(r, rec, "\"elected\" must list the %d elected",
		    r->nelected);
	for (e = el->kid; e != NULL; e = e->next, i++)
		if (e->type != MJ_STR || ck_prof_cand(r->pf, e->s) !=
		    r->order[i])
			return ck_fail(r, e, "elected in order: %s",
			    r->pf->names[r->order[i]]);
	return 0;
}

/* A stage record: the next number, the count not over, then the
 * method's checks. */
static int
record(struct ck_run *r, const struct ck_ops *ops, const struct mj *rec)
{
	const struct mj *sv = mj_get(rec, "stage");
	int64_t n;

	r->stage++;
	if (sv == NULL || sv->type != MJ_NUM || ck_parse(sv->s, 0, &n) ||
	    n != r->stage)
		return ck_fail(r, sv, "stage %d expected", r->stage);
	if (r->done)
		return ck_fail(r, rec, "the count is over: no more stages");
	return ops->stage(r, rec);
}

/* The checker for the method header h names, made; NULL (reason
 * printed, *rc set) if none or out of memory. */
static struct ck_run *
choose(struct ck_prof *pf, const char *path, const struct mj *h,
    const struct ck_ops **ops, int *rc)
{
	const struct mj *v = mj_get(h, "teller_cert");
	const char *m = mj_str(h, "method");
	struct ck_run *r;
	size_t i;

	*rc = 1;
	if (v == NULL || v->type != MJ_NUM || strcmp(v->s, "1") != 0) {
		fprintf(stderr, "teller-check: %s:1:1: not a teller-cert/1 "
		    "certificate\n", path);
		return NULL;
	}
	for (i = 0; m != NULL && i < sizeof(checkers) / sizeof(*checkers);
	    i++)
		if (strcmp(m, checkers[i].method) == 0)
			break;
	if (m == NULL || i == sizeof(checkers) / sizeof(*checkers)) {
		fprintf(stderr, "teller-check: %s:1:1: method %s: only "
		    "stv-scottish, stv-wigm, stv-ers97, stv-meek, irv, fptp, "
		    "block and sv certificates can be checked\n", path,
		    m != NULL ? m : "(none)");
		return NULL;
	}
	*ops = checkers[i].ops;
	if ((r = (*ops)->make(pf)) == NULL) {
		fprintf(stderr, "teller-check: out of memory\n");
		return NULL;
	}
	r->path = path;
	r->pf = pf;
	r->line = 1;
	*rc = (*ops)->header(r, h);
	return r;
}

/* The certificate, read through zlib: gzip by its magic, plain text as
 * it is; one line at a time, so memory is bounded by the longest. */
struct cin {
	gzFile f;
	const char *path;
	char *line;             /* the line, NUL-terminated, no newline */
	size_t len, cap;
	int avail, at;
	char chunk[65536];
};

/* The next line into in->line: 1, 0 at the end, -1 (reason printed) on
 * a read error (a truncated or corrupt gzip stream), a NUL byte or a last
 * line with no newline; no: its number. */
static int
next_line(struct cin *in, long no)
{
	int err;
	const char *msg;

	in->len = 0;
	for (;;) {
		if (in->at == in->avail) {
			in->avail = gzread(in->f, in->chunk, sizeof(in->chunk));
			in->at = 0;
			msg = gzerror(in->f, &err);
			if (in->avail < 0 || (err != Z_OK && err != Z_STREAM_END)) {
				fprintf(stderr, "teller-check: %s:%ld:1: cannot "
				    "read: %s\n", in->path, no, err == Z_BUF_ERROR ?
				    "the gzip stream is truncated" : msg);
				return -1;
			}
			if (in->avail == 0 && in->len == 0)
				return 0;
			if (in->avail == 0) {
				fprintf(stderr, "teller-check: %s:%ld:1: the last "
				    "line does not end in a newline\n", in->path,
				    no);
				return -1;
			}
		}
		if (in->len + 1 >= in->cap) {
			size_t cap = in->cap != 0 ? in->cap * 2 : 4096;
			char *t = realloc(in->line, cap);
			if (t == NULL) {
				fprintf(stderr, "teller-check: out of memory\n");
				return -1;
			}
			in->line = t;
			in->cap = cap;
		}
		char c = in->chunk[in->at++];
		if (c == '\0') {
			fprintf(stderr, "teller-check: %s:%ld: a NUL byte\n",
			    in->path, no);
			return -1;
		}
		if (c == '\n') {
			in->line[in->len] = '\0';
			return 1;
		}
		in->line[in->len++] = c;
	}
}

/* Check each line of the certificate in turn. */
static int
replay(struct ck_prof *pf, struct cin *in)
{
	const struct ck_ops *ops = NULL;
	struct ck_run *r = NULL;
	struct mj_err err;
	long no = 0;
	int rc = 0, got;

	while (rc == 0 && (got = next_line(in, no + 1)) == 1) {
		struct mj *rec;
		no++;
		rec = mj_parse_err(in->line, in->len, &err);
		if (rec == NULL || rec->type != MJ_OBJ) {
			fprintf(stderr, "teller-check: %s:%ld:%ld: %s\n",
			    in->path, no, rec == NULL ? err.col : 1L,
			    rec == NULL ? err.what : "not a JSON object");
			rc = 1;
		} else if (r == NULL) {
			r = choose(pf, in->path, rec, &ops, &rc);
		} else {
			r->line = no;
			if (r->stage > 0 && mj_get(rec, "end") != NULL)
				rc = end(r, rec) != 0 ? 5 : -1;
			else
				rc = record(r, ops, rec);
		}
		mj_free(rec);
	}
	/* after the end record: nothing more, and a stream read whole */
	if (rc == -1 && (got = next_line(in, no + 1)) != 0)
		rc = got < 0 ? 1 : ck_fail(r, NULL, "records after the end");
	else if (rc == 0)
		rc = got < 0 ? 1 : r != NULL ? ck_fail(r, NULL, "no end record: "
		    "the certificate stops before the count does") : 1;
	if (r != NULL) {
		while (r->nhist > 0)
			free(r->hist[--r->nhist]);
		free(r->hist);
		ops->drop(r);
	}
	return rc == -1 ? 0 : rc;
}

int
main(int argc, char **argv)
{
	struct ck_prof pf;
	struct cin in;
	int rc;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		printf("usage: teller-check PROFILE CERT\n\nReplay a count "
		    "certificate (teller count --certificate) against the\n"
		    "effective profile (teller canon --profile effective).\n"
		    "Exit 0 valid, 5 invalid, 1 unreadable.\n");
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: teller-check PROFILE CERT\n");
		return 2;
	}
	if (ck_prof_read(&pf, argv[1]) != 0)
		return 1;
	memset(&in, 0, sizeof(in));
	in.path = argv[2];
	if ((in.f = gzopen(argv[2], "rb")) == NULL) {
		fprintf(stderr, "teller-check: %s: %s\n", argv[2], errno != 0 ?
		    strerror(errno) : "cannot open");
		ck_prof_free(&pf);
		return 1;
	}
	rc = replay(&pf, &in);
	gzclose(in.f);
	free(in.line);
	ck_prof_free(&pf);
	return rc;
}
