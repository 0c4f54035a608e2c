/* SPDX-License-Identifier: MIT */
/*
 * m_stv_scottish.c -- STV under the Scottish Local Government Elections
 * Order 2007 (SSI 2007/42), Schedule 1, rules 45-52 (re-enacted one number
 * higher by SSI 2011/399): the weighted inclusive Gregory method at five
 * decimal places with truncation, as set out in docs/stv.md section 1.
 *
 * Papers are held as parcels of identical papers: one ballot pattern with
 * one current value. A parcel never splits (all its papers go to the same
 * next preference at the same value), so there are never more parcels
 * than patterns and every stage costs O(papers held by one candidate).
 */
#include <string.h>

#include "tl_int.h"
#include "cert.h"

#define DP 5
#define ONE 100000 /* 1.00000 at 5 dp */

enum { CONT = 0, ELECTED, EXCLUDED };

/* A parcel of identical papers: a preference list (prefs[off..off+len)),
 * the position of the candidate now holding it, the profile pattern it
 * came from, how many papers, and the value of each paper at 5 dp. */
struct parcel {
	uint32_t off, len, pos, pat;
	int64_t n;
	tl_fix v;
};

struct st {
	teller_ctx *ctx;
	const struct teller_contest *c;
	struct teller_result *r;
	int ncand, seats, nelected;
	tl_fix quota;
	tl_cid *prefs;          /* all preference lists, back to back */
	int *state;             /* [ncand] CONT, ELECTED, EXCLUDED */
	bool *pending;          /* [ncand] surplus awaiting transfer */
	tl_fix *votes;          /* [ncand] current totals */
	struct tl_vec **held;   /* [ncand] parcels held, struct parcel */
	tl_fix nontrans, loss;
	struct tl_lots lots;
	uint32_t *seen, stamp;  /* [ncand] marks of the pattern being read */
	struct tl_cert *cert;   /* the certificate, or NULL (audit.md 5) */
	struct tl_cert_why why; /* why the stage's candidate was chosen */
};

/* Next preference of parcel g after its current position that is for a
 * continuing candidate, or -1 (the paper is non-transferable). */
static int
next_cont(const struct st *s, const struct parcel *g)
{
	uint32_t i;

	for (i = g->pos + 1; i < g->len; i++)
		if (s->state[s->prefs[g->off + i]] == CONT)
			return (int)i;
	return -1;
}

/* Give parcel g (its pos already set) to the candidate at g->pos. */
static int
give(struct st *s, const struct parcel *g)
{
	int to = s->prefs[g->off + g->pos];
	tl_fix amount;

	if (tl_num_mul(s->ctx, g->n, g->v, &amount) != TELLER_OK ||
	    tl_num_add(s->ctx, s->votes[to], amount, &s->votes[to]) !=
	    TELLER_OK)
		return TELLER_EOVERFLOW;
	return tl_vec_push(s->ctx, s->held[to], g) != NULL ? TELLER_OK :
	    TELLER_ENOMEM;
}

/*
 * Settle a tie among tied[0..nt) (ascending ids) by rules 49(2)/51(2):
 * look back through the preceding stages, most recent first, for one at
 * which they had unequal votes, keeping those with the most (want_high)
 * or the fewest votes there; with three or more the set narrows and the
 * walk goes on until one is left. If they were equal at every stage the
 * lot decides [49(3), 51(2)(b)]: the returning officer's lot if given,
 * else tl_lots_draw draws an index into the remaining set in candidate
 * (input) order from the seeded stream.
 * Records the tie and returns the chosen candidate, or -1 on error.
 */
static int
settle(struct st *s, const int *tied, int nt, bool want_high,
    enum tl_tie_kind kind)
{
	int *cur, ncur = nt, i, j;
	enum tl_tie_how how;
	size_t k;
	uint64_t draw = 0;
	int chosen;

	cur = tl_alloc(s->ctx, (size_t)nt, sizeof(int));
	if (cur == NULL)
		return -1;
	memcpy(cur, tied, (size_t)nt * sizeof(int));
	for (k = s->r->stages->len; k-- > 0 && ncur > 1;) {
		const tl_fix *v = TL_STAGE(s->r, k)->votes;
		tl_fix best = v[cur[0]];
		int n2 = 0;
		for (i = 1; i < ncur; i++)
			if (want_high ? v[cur[i]] > best : v[cur[i]] < best)
				best = v[cur[i]];
		for (i = 0; i < ncur; i++)
			if (v[cur[i]] == best)
				cur[n2++] = cur[i];
		ncur = n2;
	}
	if (ncur == 1) {
		chosen = cur[0];
		how = TL_TIE_EARLIER;
	} else {
		if (tl_lots_draw(s->ctx, &s->lots, (int)s->r->stages->len,
		    kind, !want_high, cur, ncur, &j, &draw, &how) !=
		    TELLER_OK)
			return -1;
		chosen = cur[j];
	}
	if (tl_result_tie(s->ctx, s->r, kind, how, tied, nt, chosen, draw) !=
	    TELLER_OK)
		return -1;
	s->why.tie = tied;
	s->why.ntie = nt;
	s->why.lot = ncur > 1;
	return chosen;
}

/*
 * Rule 47 after a stage: every continuing candidate with votes >= quota
 * is elected, in descending order of votes (equal votes ordered by the
 * earlier stages, then lot). Then rule 52(1): when the continuing
 * candidates are no more than the vacancies, they are all elected.
 * Sets *done when the count is over.
 */
static int
after_stage(struct st *s, bool *done)
{
	int i, j, nc = 0, rc;
	int *cand = tl_alloc(s->ctx, (size_t)s->ncand + 1, sizeof(int));
	struct tl_stage *last;

	if (cand == NULL)
		return TELLER_ENOMEM;
	if ((rc = tl_result_check(s->ctx, s->r)) != TELLER_OK)
		return rc;
	for (;;) {
		/* highest continuing candidate at or over the quota */
		int best = -1, nt = 0;
		for (i = 0; i < s->ncand; i++) {
			if (s->state[i] != CONT || s->votes[i] < s->quota)
				continue;
			if (best < 0 || s->votes[i] > s->votes[best]) {
				best = i;
				nt = 0;
			}
			if (s->votes[i] == s->votes[best])
				cand[nt++] = i;
		}
		if (best < 0 || s->nelected >= s->seats)
			break;
		if (nt > 1 && (best = settle(s, cand, nt, true,
		    TL_TIEK_ORDER)) < 0)
			return s->ctx->err;
		s->state[best] = ELECTED;
		s->pending[best] = s->votes[best] > s->quota;
		s->nelected++;
		/* equal votes: the order by the earlier stages, or lot */
		if ((rc = tl_result_elect(s->ctx, s->r, best)) != TELLER_OK ||
		    (s->cert != NULL && (rc = tl_cert_elect_tie(s->cert, best,
		    "47", cand, nt, nt > 1 && s->why.lot)) != TELLER_OK))
			return rc;
	}
	if (s->nelected >= s->seats) {
		*done = true;
		return s->cert != NULL ? tl_cert_flush(s->cert) : TELLER_OK;
	}
	for (i = 0; i < s->ncand; i++)
		if (s->state[i] == CONT)
			cand[nc++] = i;
	if (nc > s->seats - s->nelected)
		return s->cert != NULL ? tl_cert_flush(s->cert) : TELLER_OK;
	/* rule 52: elect the rest, highest votes first */
	for (i = 1; i < nc; i++)
		for (j = i; j > 0 && s->votes[cand[j]] > s->votes[cand[j - 1]];
		     j--) {
			int t = cand[j];
			cand[j] = cand[j - 1];
			cand[j - 1] = t;
		}
	for (i = 0; i < nc; i++) {
		s->state[cand[i]] = ELECTED;
		s->nelected++;
		if ((rc = tl_result_elect(s->ctx, s->r, cand[i])) !=
		    TELLER_OK || (s->cert != NULL && (rc = tl_cert_elect(
		    s->cert, cand[i], "52")) != TELLER_OK))
			return rc;
	}
	if (s->cert != NULL && (rc = tl_cert_flush(s->cert)) != TELLER_OK)
		return rc;
	last = TL_STAGE(s->r, s->r->stages->len - 1);
	last->note = last->kind == TL_STAGE_FIRST ? "rule 45; rule 52" :
	    last->kind == TL_STAGE_SURPLUS ? "rule 48; rule 52" :
	    "rule 50; rule 52";
	*done = true;
	return TELLER_OK;
}

/* Release the papers of a candidate who will never hold any again. */
static void
drop(struct st *s, struct tl_vec *h)
{
	tl_free(s->ctx, h->data, h->cap * h->size);
	h->data = NULL;
	h->len = h->cap = 0;
}

/* Record the stage just counted. */
static struct tl_stage *
stage(struct st *s, enum tl_stage_kind kind, int subject,
    const char *note)
{
	struct tl_stage *g = tl_result_stage(s->ctx, s->r, kind, subject,
	    s->votes, s->nontrans, s->loss);

	if (g != NULL)
		g->note = note;
	return g;
}

/*
 * Rule 48: transfer the surplus of elected candidate e. All its papers
 * are re-sorted by next preference for a continuing candidate; each paper
 * gets trunc5(surplus * value / total) [48(3)-(4)]; papers with no such
 * preference are non-transferable at that new value; what truncation
 * loses is the loss by fractions. e keeps exactly the quota.
 */
static int
surplus(struct st *s, int e)
{
	struct tl_vec *h = s->held[e];
	tl_fix total = s->votes[e], sur = total - s->quota, sumnew = 0;
	tl_fix value = -1;
	bool single = true;
	size_t i;
	int rc;
	struct tl_stage *g;

	for (i = 0; i < h->len; i++) {
		struct parcel p = TL_VEC_AT(h, struct parcel, i);
		tl_fix nv, amount;
		int nx;

		if (tl_num_muldiv(s->ctx, p.v, sur, total, TL_ROUND_DOWN, &nv)
		    != TELLER_OK ||
		    tl_num_mul(s->ctx, p.n, nv, &amount) != TELLER_OK ||
		    tl_num_add(s->ctx, sumnew, amount, &sumnew) != TELLER_OK)
			return s->ctx->err;
		if (value < 0)
			value = nv;
		else if (value != nv)
			single = false;
		nx = next_cont(s, &p);
		if (s->cert != NULL && (rc = tl_cert_move(s->cert, p.pat, e,
		    nx < 0 || nv == 0 ? -1 : s->prefs[p.off + (uint32_t)nx],
		    p.n, nv, nx < 0 ? "no further preference" :
		    "zero value")) != TELLER_OK)
			return rc;
		if (nx < 0) {
			if (tl_num_add(s->ctx, s->nontrans, amount,
			    &s->nontrans) != TELLER_OK)
				return s->ctx->err;
			continue;
		}
		if (nv == 0)
			continue; /* papers worth nothing: all loss */
		p.v = nv;
		p.pos = (uint32_t)nx;
		if ((rc = give(s, &p)) != TELLER_OK)
			return rc;
	}
	if (sumnew > sur)
		return tl_fail(s->ctx, TELLER_EINTERNAL, "surplus transfer "
		    "exceeds the surplus");
	s->loss += sur - sumnew;
	s->votes[e] = s->quota;
	s->pending[e] = false;
	drop(s, h);
	if ((g = stage(s, TL_STAGE_SURPLUS, e, "rule 48")) == NULL)
		return TELLER_ENOMEM;
	g->value = single ? value : -1;
	if (s->cert != NULL) {
		tl_fix tv;
		s->why.rule = s->why.ntie < 2 ? "48(1)" : s->why.lot ?
		    "49(3)" : "49(2)";
		if (tl_num_muldiv(s->ctx, ONE, sur, total, TL_ROUND_DOWN,
		    &tv) != TELLER_OK || (rc = tl_cert_stage(s->cert,
		    (int)s->r->stages->len, "surplus", e, sur, tv, &s->why,
		    s->votes, s->nontrans, s->loss)) != TELLER_OK)
			return s->ctx->err != 0 ? s->ctx->err : rc;
	}
	return TELLER_OK;
}

/* The certificate's record of the exclusion of x (its votes before in
 * v): the rule, and without a tie the next lowest candidate. */
static int
cert_exclusion(struct st *s, int x)
{
	const tl_fix *v = TL_STAGE(s->r, s->r->stages->len - 2)->votes;
	int i;

	s->why.rule = s->why.ntie < 2 ? "51(1)" : s->why.lot ? "51(2)(b)" :
	    "51(2)(a)";
	s->why.lowest = x;
	s->why.next = -1;
	for (i = 0; i < s->ncand; i++)
		if (s->state[i] == CONT && (s->why.next < 0 ||
		    v[i] < v[s->why.next]))
			s->why.next = i;
	s->why.gap = s->why.next < 0 ? 0 : v[s->why.next] - v[x];
	return tl_cert_stage(s->cert, (int)s->r->stages->len, "exclude", x,
	    0, 0, &s->why, s->votes, s->nontrans, s->loss);
}

/*
 * Rule 50: exclude candidate x. All its papers move in one stage at their
 * current value [50(4)] to the next continuing preference; the others are
 * non-transferable.
 */
static int
exclude(struct st *s, int x)
{
	struct tl_vec *h = s->held[x];
	size_t i;
	int rc;

	s->state[x] = EXCLUDED;
	for (i = 0; i < h->len; i++) {
		struct parcel p = TL_VEC_AT(h, struct parcel, i);
		int nx = next_cont(s, &p);

		if (s->cert != NULL && (rc = tl_cert_move(s->cert, p.pat, x,
		    nx < 0 ? -1 : s->prefs[p.off + (uint32_t)nx], p.n, p.v,
		    "no further preference")) != TELLER_OK)
			return rc;
		if (nx < 0) {
			tl_fix amount;
			if (tl_num_mul(s->ctx, p.n, p.v, &amount) !=
			    TELLER_OK || tl_num_add(s->ctx, s->nontrans,
			    amount, &s->nontrans) != TELLER_OK)
				return s->ctx->err;
			continue;
		}
		p.pos = (uint32_t)nx;
		if ((rc = give(s, &p)) != TELLER_OK)
			return rc;
	}
	drop(s, h);
	s->votes[x] = 0;
	if (stage(s, TL_STAGE_EXCLUSION, x, "rule 50") == NULL)
		return TELLER_ENOMEM;
	if (s->cert != NULL && (rc = cert_exclusion(s, x)) != TELLER_OK)
		return rc;
	return tl_result_exclude(s->ctx, s->r, x);
}

/* With surpluses, the pending surpluses with the most votes; else the
 * continuing candidates with the fewest. Returns how many, in ids. */
static int
extreme(const struct st *s, bool surpluses, int *ids)
{
	int i, n = 0;
	tl_fix best = 0;

	for (i = 0; i < s->ncand; i++) {
		tl_fix v = s->votes[i];
		if (surpluses ? !s->pending[i] : s->state[i] != CONT)
			continue;
		if (n == 0 || (surpluses ? v > best : v < best)) {
			best = v;
			n = 0;
		}
		if (v == best)
			ids[n++] = i;
	}
	return n;
}

/*
 * The preferences of a pattern as the count reads them, into out: a
 * "next available preference" is one "recorded in consecutive order"
 * (Sch.1 definitions), so a skipped rank ('-') ends the paper's
 * preferences there. Withdrawn candidates are struck out (stv.md 4) and
 * a candidate marked again later is passed over. Sets *eq if a rank
 * holds two or more live marks (equal rankings). Returns the count.
 */
static int
preferences(struct st *s, const struct teller_profile *p,
    const struct tl_pat *pat, tl_cid *out, bool *eq)
{
	struct tl_rank k;
	int n = 0, i;

	*eq = false;
	if (++s->stamp == 0) {
		memset(s->seen, 0, (size_t)s->ncand * sizeof(*s->seen));
		s->stamp = 1;
	}
	for (k = tl_rank_first(p, pat); k.cells != NULL; k = tl_rank_next(k)) {
		int live = 0;
		tl_cid pick = 0;

		if (k.n == 0)
			break;
		for (i = 0; i < k.n; i++)
			if (!TL_CAND(s->c, k.ids[i])->withdrawn &&
			    s->seen[k.ids[i]] != s->stamp) {
				pick = k.ids[i];
				live++;
			}
		if (live > 1) {
			*eq = true;
			break;
		}
		if (live == 1 && n < s->ncand) {
			s->seen[pick] = s->stamp;
			out[n++] = pick;
		}
	}
	return n;
}

/* Allocate s's arrays (p's preferences fit in s->prefs) and result. */
static int
scot_init(struct st *s, const struct teller_profile *p)
{
	teller_ctx *ctx = s->ctx;
	int k;

	s->prefs = tl_alloc(ctx, p->cells->len + 1, sizeof(tl_cid));
	s->state = tl_alloc(ctx, (size_t)s->ncand + 1, sizeof(int));
	s->pending = tl_alloc(ctx, (size_t)s->ncand + 1, sizeof(bool));
	s->votes = tl_alloc(ctx, (size_t)s->ncand + 1, sizeof(tl_fix));
	s->held = tl_alloc(ctx, (size_t)s->ncand + 1, sizeof(*s->held));
	s->seen = tl_alloc(ctx, (size_t)s->ncand + 1, sizeof(uint32_t));
	if (s->seen == NULL || s->prefs == NULL || s->state == NULL ||
	    s->pending == NULL || s->votes == NULL || s->held == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < s->ncand; k++) {
		s->held[k] = tl_vec_new(ctx, sizeof(struct parcel));
		if (s->held[k] == NULL)
			return TELLER_ENOMEM;
		if (TL_CAND(s->c, k)->withdrawn)
			s->state[k] = EXCLUDED; /* stv.md 4: never counted */
	}
	s->r = tl_result_new(ctx, s->c, "stv-scottish", s->seats, DP);
	return s->r == NULL ? TELLER_ENOMEM : TELLER_OK;
}

/* The count, in the order of the rules: 45 (papers sorted by first
 * preference), 46 (the quota), then one stage at a time, 49 (surpluses)
 * or 50-51 (exclusions). One piece: it reads as the rules do. */
int
tl_m_stv_scottish(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct st s;
	struct teller_result *r;
	tl_cid *buf;
	size_t i, npref = 0;
	int64_t n = 0, unit = tl_num_pow10(p->wdp), unmarked = 0, over1 = 0;
	int *ids, rc;
	bool done = false;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.c = c;
	s.ncand = c->ncand;
	s.seats = rules->seats > 0 ? rules->seats : c->seats;
	if (s.seats < 1)
		return tl_fail(ctx, TELLER_EINVAL, "stv-scottish: the number "
		    "of seats is not given");
	if ((rc = tl_lots_init(ctx, &s.lots, c, rules)) != TELLER_OK)
		return rc;
	buf = tl_alloc(ctx, (size_t)s.ncand + 1, sizeof(tl_cid));
	ids = tl_alloc(ctx, (size_t)s.ncand + 1, sizeof(int));
	if (buf == NULL || ids == NULL ||
	    (rc = scot_init(&s, p)) != TELLER_OK)
		return TELLER_ENOMEM;
	s.cert = ctx->cert; /* NULL but in teller_count_certified */
	r = s.r;
	/* Rule 45: sort the papers by first preference. Withdrawn
	 * candidates are struck out; a paper left blank is not valid. */
	for (i = 0; i < p->pats->len; i++) {
		const struct tl_pat *pat = TL_PAT(p, i);
		bool eq;
		int len = preferences(&s, p, pat, buf, &eq);
		struct parcel g;

		if (pat->w % unit != 0)
			return tl_fail(ctx, TELLER_ERULE, "stv-scottish: "
			    "ballot weights must be whole papers");
		if (len == 0) {
			/* rejected: no figure 1 for a candidate, or the
			 * figure 1 against more than one */
			if (tl_num_add(ctx, eq ? over1 : unmarked,
			    pat->w / unit, eq ? &over1 : &unmarked))
				return ctx->err;
			continue;
		}
		/* eq after the first preference: the paper stops there
		 * (its next preference is not for one candidate) */
		g.off = (uint32_t)npref;
		g.len = (uint32_t)len;
		g.pos = 0;
		g.pat = (uint32_t)i;
		g.n = pat->w / unit;
		g.v = ONE;
		memcpy(s.prefs + npref, buf, (size_t)len * sizeof(tl_cid));
		npref += (size_t)len;
		if (tl_num_add(ctx, n, g.n, &n) != TELLER_OK)
			return ctx->err;
		if ((rc = give(&s, &g)) != TELLER_OK)
			return rc;
	}
	/* Rule 46: quota = floor(N / (seats + 1)) + 1, whole votes. */
	if (tl_num_mul(ctx, n, ONE, &r->valid) != TELLER_OK ||
	    tl_num_mul(ctx, unmarked, ONE, &unmarked) != TELLER_OK ||
	    tl_num_mul(ctx, over1, ONE, &over1) != TELLER_OK)
		return ctx->err;
	if (tl_result_tally(ctx, r, true, "unmarked or void for uncertainty "
	    "(no first preference for a candidate)", "", unmarked) ||
	    tl_result_tally(ctx, r, true, "more than one first preference",
	    "", over1))
		return TELLER_ENOMEM;
	r->has_quota = true;
	r->quota = (n / (s.seats + 1) + 1) * ONE;
	s.quota = r->quota;
	if (stage(&s, TL_STAGE_FIRST, -1, "rule 45") == NULL)
		return TELLER_ENOMEM;
	if (s.cert != NULL) {
		tl_cert_header(s.cert, s.quota, s.seats, DP);
		if ((rc = tl_cert_stage(s.cert, 1, "first", -1, 0, 0, NULL,
		    s.votes, 0, 0)) != TELLER_OK)
			return rc;
	}
	if ((rc = after_stage(&s, &done)) != TELLER_OK)
		return rc;
	while (!done) {
		int nt, who;

		memset(&s.why, 0, sizeof(s.why));
		/* Rule 49(1): the largest surplus first, one per stage. */
		nt = extreme(&s, true, ids);
		if (nt > 0) {
			who = nt == 1 ? ids[0] : settle(&s, ids, nt, true,
			    TL_TIEK_SURPLUS);
			if (who < 0)
				return ctx->err;
			rc = surplus(&s, who);
		} else {
			/* Rule 50(1): exclude the lowest continuing
			 * candidate; ties by rule 51(2). */
			nt = extreme(&s, false, ids);
			if (nt == 0)
				return tl_fail(ctx, TELLER_EINTERNAL,
				    "stv-scottish: no candidate to exclude");
			who = nt == 1 ? ids[0] : settle(&s, ids, nt, false,
			    TL_TIEK_EXCLUDE);
			if (who < 0)
				return ctx->err;
			rc = exclude(&s, who);
		}
		if (rc != TELLER_OK)
			return rc;
		if ((rc = after_stage(&s, &done)) != TELLER_OK)
			return rc;
	}
	if (s.cert != NULL && (rc = tl_cert_end(s.cert, r)) != TELLER_OK)
		return rc;
	*out = r;
	return TELLER_OK;
}
