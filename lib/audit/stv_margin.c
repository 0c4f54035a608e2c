/* SPDX-License-Identifier: MIT */
/*
 * stv_margin.c -- an upper bound on the STV margin (audit.md 2.5), after
 * the manipulation search of Blom, Conway, Stuckey & Teague (AAAI 2020)
 * in its simplest form: for each elected w and each candidate l not
 * elected, n papers with w first are made into papers for l alone, and
 * the smallest n found by bisection whose exact re-count (teller_count,
 * the statutory rules and rounding) elects a different set is kept. STV
 * is not monotonic, so this is only an upper bound, labelled as such,
 * and every one reported was re-counted.
 */
#include <string.h>

#include "margin.h"

struct sm {
	teller_ctx *ctx;
	const struct teller_contest *c;
	const teller_rules *rules;
	const struct tl_ab *b;
	uint64_t won;          /* the reported elected set (contest ids) */
	struct tl_chg *ch;     /* scratch witness */
	int nch;
	long counts;
	bool lot;              /* the last re-count needed a lot */
};

/* The witness "n papers with w first become [l]" into s->ch. */
static int
build(struct sm *s, int w, int l, int64_t n)
{
	size_t i;

	s->nch = 0;
	for (i = 0; i < s->b->n && n > 0; i++) {
		struct tl_chg *c = &s->ch[s->nch];
		if (s->b->ids[s->b->off[i]] != w)
			continue;
		memset(c, 0, sizeof(*c));
		c->from = (long)i;
		c->papers = s->b->w[i] < n ? s->b->w[i] : n;
		c->to[0] = (uint8_t)l;
		c->nto = 1;
		n -= c->papers;
		s->nch++;
	}
	return n > 0 ? -1 : 0;
}

/* Count b with s->ch applied; *changed if another set is elected. */
static int
recount(struct sm *s, bool *changed, uint64_t *elected)
{
	struct tl_ab a;
	struct teller_profile *p;
	teller_result *r;
	teller_rules ru = *s->rules;
	tl_cid ids[TL_AB_MAXC];
	size_t i;
	uint32_t k;
	int rc;

	if ((rc = tl_ab_apply(s->ctx, s->b, s->ch, (size_t)s->nch, &a)) !=
	    TELLER_OK)
		return rc;
	if ((p = tl_profile_new(s->ctx, s->c->ncand)) == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < a.n; i++) {
		if (a.w[i] == 0)
			continue;
		for (k = a.off[i]; k < a.off[i + 1]; k++)
			ids[k - a.off[i]] = (tl_cid)a.cand[a.ids[k]];
		if ((rc = tl_profile_add_simple(s->ctx, p, ids,
		    (int)(a.off[i + 1] - a.off[i]), a.w[i])) != TELLER_OK)
			return rc;
	}
	ru.lots = NULL;
	ru.nlots = 0;
	ru.no_seed = 0;
	s->counts++;
	if ((rc = teller_count(s->ctx, s->c, p, &ru, &r)) != TELLER_OK)
		return rc;
	*elected = 0;
	for (i = 0; i < r->elected->len; i++)
		*elected |= 1ULL << TL_VEC_AT(r->elected, int, i);
	/* a lot (not a tie the rules settle by earlier stages) */
	s->lot = false;
	for (i = 0; i < r->ties->len; i++) {
		enum tl_tie_how h = TL_VEC_AT(r->ties, struct tl_tie, i).how;
		s->lot |= h == TL_TIE_LOT || h == TL_TIE_HAND;
	}
	*changed = *elected != s->won || s->lot;
	return TELLER_OK;
}

/* Smallest n in (0, hi] found by bisection for pair (w, l): 0 if even
 * hi does not change the outcome. */
static int
bisect(struct sm *s, int w, int l, int64_t hi, int64_t *best)
{
	int64_t lo = 0, mid;
	uint64_t el;
	bool ch;
	int rc;

	*best = 0;
	if (build(s, w, l, hi) != 0)
		return TELLER_OK;
	if ((rc = recount(s, &ch, &el)) != TELLER_OK)
		return rc;
	if (!ch)
		return TELLER_OK;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		build(s, w, l, mid);
		if ((rc = recount(s, &ch, &el)) != TELLER_OK)
			return rc;
		if (ch)
			hi = mid;
		else
			lo = mid;
	}
	*best = hi;
	return TELLER_OK;
}

int
tl_m_stv_margin(teller_ctx *ctx, const struct teller_contest *c,
    const teller_rules *rules, struct teller_margin *m)
{
	struct tl_ab *b = tl_alloc(ctx, 1, sizeof(*b));
	int64_t fp[TL_AB_MAXC], best = -1, n;
	uint64_t all, el;
	struct sm s;
	int w, l, bw = -1, bl = -1, i, rc;
	bool ch;

	if (b == NULL)
		return TELLER_ENOMEM;
	if (m->model != TELLER_MARGIN_CHANGE)
		return tl_fail(ctx, TELLER_ERULE, "margin: STV bounds are in "
		    "changed papers only");
	if ((rc = tl_ab_build(ctx, c, m->profile, b)) != TELLER_OK)
		return rc;
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.c = c;
	s.rules = rules;
	s.b = b;
	for (i = 0; i < (int)m->result->elected->len; i++)
		s.won |= 1ULL << TL_VEC_AT(m->result->elected, int, i);
	if ((s.ch = tl_alloc(ctx, b->n + 1, sizeof(*s.ch))) == NULL)
		return TELLER_ENOMEM;
	/* the effective profile must count as the papers did */
	if ((rc = recount(&s, &ch, &el)) != TELLER_OK)
		return rc;
	if (el != s.won)
		return tl_fail(ctx, TELLER_ERULE, "margin: the effective "
		    "rankings do not count as the papers do; no bound");
	all = b->nc == 64 ? ~0ULL : (1ULL << b->nc) - 1;
	tl_ab_tally(b, all, fp);
	for (w = 0; w < b->nc; w++) {
		if (!(s.won >> b->cand[w] & 1))
			continue;
		for (l = 0; l < b->nc; l++) {
			int64_t hi = fp[w];
			if (s.won >> b->cand[l] & 1)
				continue;
			if (best >= 0 && best - 1 < hi)
				hi = best - 1;
			if (hi <= 0)
				continue;
			if ((rc = bisect(&s, w, l, hi, &n)) != TELLER_OK)
				return rc;
			if (n > 0) {
				best = n;
				bw = w;
				bl = l;
			}
		}
	}
	m->ab = b;
	m->lower = m->result->ties->len > 0 ? 0 : 1;
	m->upper = -1;
	m->nodes = s.counts;
	m->bound_only = true;
	if (best < 0)
		return TELLER_OK; /* no verified manipulation: no upper */
	build(&s, bw, bl, best);
	if ((rc = recount(&s, &ch, &el)) != TELLER_OK)
		return rc;
	if (!ch)
		return tl_fail(ctx, TELLER_EINTERNAL, "margin: an STV witness "
		    "failed its re-count (a bug)");
	m->upper = best;
	m->by_lot = s.lot;
	for (i = 0; i < c->ncand; i++)
		if (el >> i & 1)
			m->after[m->nafter++] = i;
	return tl_witness_keep(ctx, m, b, s.ch, (size_t)s.nch);
}
