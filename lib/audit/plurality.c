/* SPDX-License-Identifier: MIT */
/*
 * plurality.c -- margins of FPTP and the block vote (audit.md 2.1, 2.2),
 * exact, from the papers' counted marks as the statutory count reads
 * them (uk_paper.c): the outcome changes iff a loser l draws level with
 * or passes a winner w (a lot at the boundary counts as a change). For
 * d = v_w - v_l: papers marking w not l (A) swap w for l (-2 each);
 * papers marking neither gain l, papers marking both lose w (-1 each).
 */
#include <string.h>

#include "margin.h"
#include "uk_paper.h"

struct paper {
	uint64_t marks;  /* candidates marked (counted marks only) */
	int64_t w;       /* papers like it */
};

struct plu {
	teller_ctx *ctx;
	const struct teller_contest *c;
	struct paper *pp;
	size_t n;
	int64_t v[TL_AB_MAXC];
	uint64_t won;     /* the reported winners */
	int seats;
};

static int
read_papers(struct plu *s, const struct teller_profile *p)
{
	struct tl_uk_seen seen;
	int ids[TL_AB_MAXC], k, u, any, i, rc;
	size_t j;

	if (s->c->ncand > TL_AB_MAXC)
		return tl_fail(s->ctx, TELLER_ELIMIT, "margins handle at most "
		    "%d candidates", TL_AB_MAXC);
	if (p->wdp != 0)
		return tl_fail(s->ctx, TELLER_ERULE, "margins count whole "
		    "ballot papers; this profile has weights with %d "
		    "decimal places", p->wdp);
	if ((rc = tl_uk_seen_init(s->ctx, &seen, s->c->ncand)) != TELLER_OK)
		return rc;
	s->pp = tl_alloc(s->ctx, p->pats->len + 1, sizeof(*s->pp));
	if (s->pp == NULL)
		return TELLER_ENOMEM;
	for (j = 0; j < p->pats->len; j++) {
		const struct tl_pat *pat = TL_PAT(p, j);
		enum tl_uk_head h;

		if ((rc = tl_uk_marks(s->ctx, s->c, p, pat, 0, -1, &seen, ids,
		    &k, &u, &any)) != TELLER_OK)
			return rc;
		h = tl_uk_block_head(k, u, s->seats, 0);
		if (h != TL_UK_VALID && h != TL_UK_PART)
			continue;
		s->pp[s->n].w = pat->w;
		for (i = 0; i < k; i++) {
			s->pp[s->n].marks |= 1ULL << ids[i];
			s->v[ids[i]] += pat->w;
		}
		s->n++;
	}
	return TELLER_OK;
}

/* Papers with w and not l (*a), and with both or neither (*bc). */
static void
classes(const struct plu *s, int w, int l, int64_t *a, int64_t *bc)
{
	size_t i;

	*a = *bc = 0;
	for (i = 0; i < s->n; i++) {
		bool hw = s->pp[i].marks >> w & 1, hl = s->pp[i].marks >> l & 1;
		if (hw && !hl)
			*a += s->pp[i].w;
		else if (hw == hl)
			*bc += s->pp[i].w;
	}
}

/* Cost for l to close a gap of d on w (-1: impossible). */
static int64_t
cost(const struct plu *s, int model, int w, int l, int64_t d)
{
	int64_t a, bc, h = (d + 1) / 2;

	if (d <= 0)
		return 0;
	if (model == TELLER_MARGIN_ADD)
		return d;
	classes(s, w, l, &a, &bc);
	if (model == TELLER_MARGIN_DELETE)
		return a >= d ? d : -1;
	if (a >= h)
		return h;
	return bc >= d - 2 * a ? a + (d - 2 * a) : -1;
}

/* The cheapest pair for a gap of d + extra. */
static int64_t
best(const struct plu *s, int model, int extra, int *bw, int *bl)
{
	int64_t m = -1;
	int w, l;

	for (w = 0; w < s->c->ncand; w++)
		for (l = 0; l < s->c->ncand && s->won >> w & 1; l++) {
			int64_t k;
			if (s->won >> l & 1 || TL_CAND(s->c, l)->withdrawn)
				continue;
			k = cost(s, model, w, l, s->v[w] - s->v[l] + extra);
			if (k >= 0 && (m < 0 || k < m)) {
				m = k;
				*bw = w;
				*bl = l;
			}
		}
	return m;
}

/* Add one change: n papers of s->pp[from] (-1: none) to marks `to`
 * (0: removed). */
static int
change(struct plu *s, struct teller_margin *m, long from, uint64_t to,
    int64_t n)
{
	struct tl_mchg c;
	int i, k;

	memset(&c, 0, sizeof(c));
	c.papers = n;
	c.nfrom = c.nto = -1;
	for (k = 0; k < 2; k++) {
		uint64_t set = k == 0 ? (from >= 0 ? s->pp[from].marks : 0) :
		    to;
		int *ids, cnt = 0;

		if ((k == 0 && from < 0) || (k == 1 && to == 0))
			continue;
		if ((ids = tl_alloc(s->ctx, TL_AB_MAXC, sizeof(int))) == NULL)
			return TELLER_ENOMEM;
		for (i = 0; i < s->c->ncand; i++)
			if (set >> i & 1)
				ids[cnt++] = i;
		if (k == 0) {
			c.from = ids;
			c.nfrom = cnt;
		} else {
			c.to = ids;
			c.nto = cnt;
		}
	}
	m->upper_papers += n;
	return tl_vec_push(s->ctx, m->changes, &c) ? TELLER_OK : TELLER_ENOMEM;
}

/* The witness for pair (w, l), gap d, cost k. */
static int
witness(struct plu *s, struct teller_margin *m, int w, int l, int64_t d,
    int64_t k)
{
	uint64_t bw = 1ULL << w, bl = 1ULL << l;
	int64_t swap = d > 0 ? (d + 1) / 2 : 0, rest;
	size_t i;
	int rc;

	if (m->model == TELLER_MARGIN_ADD)
		return k > 0 ? change(s, m, -1, bl, k) : TELLER_OK;
	if (m->model == TELLER_MARGIN_DELETE)
		swap = k;
	for (i = 0; i < s->n && swap > 0; i++) {
		int64_t n;
		if ((s->pp[i].marks & (bw | bl)) != bw)
			continue;
		n = s->pp[i].w < swap ? s->pp[i].w : swap;
		if ((rc = change(s, m, (long)i, m->model == TELLER_MARGIN_DELETE
		    ? 0 : (s->pp[i].marks & ~bw) | bl, n)) != TELLER_OK)
			return rc;
		swap -= n;
		k -= n;
	}
	for (i = 0, rest = k; i < s->n && rest > 0; i++) {
		uint64_t mk = s->pp[i].marks, to;
		int64_t n;

		if (((mk & bw) != 0) != ((mk & bl) != 0))
			continue;
		if (mk & bw)
			to = mk & ~bw;           /* both: w removed */
		else if (__builtin_popcountll(mk) < s->seats)
			to = mk | bl;            /* neither, room: l added */
		else
			to = (mk & ~(mk & -mk)) | bl; /* one mark made l */
		n = s->pp[i].w < rest ? s->pp[i].w : rest;
		if ((rc = change(s, m, (long)i, to, n)) != TELLER_OK)
			return rc;
		rest -= n;
	}
	return TELLER_OK;
}

/* The papers with the witness applied, re-counted through teller_count;
 * who can win when ties at the boundary go either way (m->after). */
static int
confirm(struct plu *s, const teller_rules *rules, struct teller_margin *m)
{
	struct teller_profile *p = tl_profile_new(s->ctx, s->c->ncand);
	int64_t *left, v[TL_AB_MAXC], tot[TL_AB_MAXC], kth;
	uint64_t can = 0;
	teller_result *r;
	tl_cid ids[TL_AB_MAXC];
	size_t i;
	int x, k, n, rc;

	left = tl_alloc(s->ctx, s->n + 1, sizeof(int64_t));
	if (p == NULL || left == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < s->n; i++)
		left[i] = s->pp[i].w;
	memcpy(v, s->v, sizeof(v));
	for (i = 0; i < m->changes->len; i++) {
		const struct tl_mchg *c = &TL_VEC_AT(m->changes,
		    struct tl_mchg, i);
		size_t j;
		for (j = 0; c->nfrom >= 0 && j < s->n; j++) {
			uint64_t set = 0;
			for (x = 0; x < c->nfrom; x++)
				set |= 1ULL << c->from[x];
			if (set == s->pp[j].marks && left[j] >= c->papers)
				break;
		}
		if (c->nfrom >= 0) {
			left[j] -= c->papers;
			for (x = 0; x < c->nfrom; x++)
				v[c->from[x]] -= c->papers;
		}
		for (x = 0; x < c->nto; x++) {
			ids[x] = (tl_cid)c->to[x];
			v[c->to[x]] += c->papers;
		}
		if (c->nto > 0 && (rc = tl_profile_add_simple(s->ctx, p, ids,
		    c->nto, c->papers)) != TELLER_OK)
			return rc;
	}
	for (i = 0; i < s->n; i++) {
		for (x = n = 0; x < s->c->ncand; x++)
			if (s->pp[i].marks >> x & 1)
				ids[n++] = (tl_cid)x;
		if (left[i] > 0 && (rc = tl_profile_add_simple(s->ctx, p, ids,
		    n, left[i])) != TELLER_OK)
			return rc;
	}
	/* T, the seats-th highest total: above it sure, at it possible */
	for (x = n = 0; x < s->c->ncand; x++)
		if (!TL_CAND(s->c, x)->withdrawn)
			tot[n++] = v[x];
	for (i = 1; i < (size_t)n; i++)
		for (k = (int)i; k > 0 && tot[k - 1] < tot[k]; k--) {
			int64_t t = tot[k];
			tot[k] = tot[k - 1];
			tot[k - 1] = t;
		}
	kth = tot[s->seats <= n ? s->seats - 1 : n - 1];
	for (x = 0; x < s->c->ncand; x++)
		if (!TL_CAND(s->c, x)->withdrawn && v[x] >= kth)
			can |= 1ULL << x;
	if (can == s->won && __builtin_popcountll(can) == s->seats)
		return tl_fail(s->ctx, TELLER_EINTERNAL, "margin: the witness "
		    "does not change the outcome (a bug)");
	if (p->total == 0) {
		/* every paper removed: all tie at nothing, no count to run */
		for (x = 0; x < s->c->ncand; x++)
			if (can >> x & 1)
				m->after[m->nafter++] = x;
		m->by_lot = m->nafter > s->seats;
		return TELLER_OK;
	}
	if ((rc = teller_count(s->ctx, s->c, p, rules, &r)) != TELLER_OK)
		return rc;
	for (k = 0; k < teller_result_nelected(r); k++)
		if (!(can >> TL_VEC_AT(r->elected, int, k) & 1))
			return tl_fail(s->ctx, TELLER_EINTERNAL, "margin: the "
			    "witness re-count elected %s, unexpected",
			    TL_CAND(s->c, TL_VEC_AT(r->elected, int, k))->name);
	for (x = 0; x < s->c->ncand; x++)
		if (can >> x & 1)
			m->after[m->nafter++] = x;
	m->by_lot = m->nafter > s->seats;
	return TELLER_OK;
}

int
tl_m_plurality_margin(teller_ctx *ctx, const struct teller_contest *c,
    const teller_rules *rules, struct teller_margin *m)
{
	struct plu s;
	size_t i;
	int w = 0, l = 0, sw, sl, rc;

	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.c = c;
	s.seats = m->result->seats;
	for (i = 0; i < m->result->elected->len; i++)
		s.won |= 1ULL << TL_VEC_AT(m->result->elected, int, i);
	if ((rc = read_papers(&s, m->profile)) != TELLER_OK)
		return rc;
	for (i = 0; i < (size_t)c->ncand; i++)
		if (s.v[i] != TL_STAGE(m->result, 0)->votes[i])
			return tl_fail(ctx, TELLER_EINTERNAL, "margin: marks "
			    "read differ from the count's");
	m->proof = TL_PROOF_CLOSED;
	m->upper = best(&s, m->model, 0, &w, &l);
	m->strict = best(&s, m->model, 1, &sw, &sl);
	if ((m->changes = tl_vec_new(ctx, sizeof(struct tl_mchg))) == NULL)
		return TELLER_ENOMEM;
	if (m->upper < 0) {
		/* no loser can catch up: no other outcome reachable */
		m->lower = 0;
		m->changes = NULL;
		return tl_fail(ctx, TELLER_ERULE, "margin: no change of "
		    "papers can change this outcome");
	}
	m->lower = m->upper;
	if ((rc = witness(&s, m, w, l, s.v[w] - s.v[l], m->upper)) !=
	    TELLER_OK)
		return rc;
	return confirm(&s, rules, m);
}
