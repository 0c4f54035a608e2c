/* SPDX-License-Identifier: MIT */
/*
 * margin.c -- `teller margin` (audit.md 1, 2, 8.2): the least number of
 * ballot papers whose change changes the outcome. IRV: last-round margin
 * (upper bound, with its witness) -> RAIRE lower bound -> branch and
 * bound (irv_bb.c) when they differ. FPTP and block: closed forms
 * (plurality.c). Every upper bound has a witness that is applied and
 * re-counted, also through teller_count, before it is reported.
 */
#include <string.h>

#include "margin.h"

void
teller_margin_opts_init(teller_margin_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_nodes = 1000000;
}

/* ---- IRV ---- */

/* The count continued to two (ties for exclusion cannot matter here:
 * the winner is sure): the runner-up and the final tallies. */
static void
final_two(const struct tl_ab *b, int w, int *r, int64_t *tw, int64_t *tr)
{
	int64_t t[TL_AB_MAXC];
	uint64_t s = b->nc == 64 ? ~0ULL : (1ULL << b->nc) - 1;
	int x, lo;

	while ((s & (s - 1)) != 0 && __builtin_popcountll(s) > 2) {
		tl_ab_tally(b, s, t);
		lo = -1;
		for (x = 0; x < b->nc; x++)
			if (s >> x & 1 && x != w && (lo < 0 || t[x] < t[lo]))
				lo = x;
		s &= ~(1ULL << lo);
	}
	tl_ab_tally(b, s, t);
	*r = __builtin_ctzll(s & ~(1ULL << w));
	*tw = t[w];
	*tr = t[*r];
}

/* The last-round witness (2.4.1): papers w holds at the end, those
 * with w first first, made into [r] (or removed, or [r] added). */
static int
lrm_witness(teller_ctx *ctx, const struct tl_ab *b, int w, int r, int64_t n,
    int model, struct tl_vec *out)
{
	struct tl_chg c;
	size_t i;
	int pass;

	memset(&c, 0, sizeof(c));
	if (model == TELLER_MARGIN_ADD) {
		c.papers = n;
		c.from = -1;
		c.to[0] = (uint8_t)r;
		c.nto = 1;
		return tl_vec_push(ctx, out, &c) ? TELLER_OK : TELLER_ENOMEM;
	}
	for (pass = 0; pass < 2 && n > 0; pass++)
		for (i = 0; i < b->n && n > 0; i++) {
			uint32_t k;
			int first = -1;

			for (k = b->off[i]; k < b->off[i + 1]; k++)
				if (b->ids[k] == w || b->ids[k] == r) {
					first = b->ids[k];
					break;
				}
			if (first != w || (pass == 0) != (b->ids[b->off[i]] ==
			    w))
				continue;
			c.from = (long)i;
			c.papers = b->w[i] < n ? b->w[i] : n;
			c.nto = model == TELLER_MARGIN_DELETE ? 0 : 1;
			c.to[0] = (uint8_t)r;
			n -= c.papers;
			if (tl_vec_push(ctx, out, &c) == NULL)
				return TELLER_ENOMEM;
		}
	return TELLER_OK;
}

/* Apply the final witness, record who can then win, and re-count it
 * through teller_count. */
static int
confirm(teller_ctx *ctx, const struct teller_contest *c,
    const teller_rules *rules, struct teller_margin *m, const struct tl_ab *b,
    const struct tl_chg *ch, size_t nch)
{
	struct tl_ab a;
	uint64_t mask;
	int i, rc;

	if ((rc = tl_ab_apply(ctx, b, ch, nch, &a)) != TELLER_OK)
		return rc;
	if ((mask = tl_ab_winners(ctx, &a)) == 0)
		return teller_errcode(ctx);
	if (mask == 1ULL << m->winner_local)
		return tl_fail(ctx, TELLER_EINTERNAL, "margin: the witness "
		    "does not change the outcome (a bug)");
	if ((rc = tl_ab_recount(ctx, c, &a, rules, mask)) != TELLER_OK)
		return rc;
	for (i = 0; i < b->nc; i++)
		if (mask >> i & 1)
			m->after[m->nafter++] = b->cand[i];
	m->by_lot = m->nafter > 1;
	return tl_witness_keep(ctx, m, b, ch, nch);
}

static int64_t
half_up(int64_t d, int model)
{
	return model == TELLER_MARGIN_CHANGE ? (d + 1) / 2 : d;
}

/* The RAIRE lower bound (2.4.4): assertions ruling out every other
 * winner, the smallest margin m; one changed paper moves a difference
 * by at most 2 (one-sided: 1). */
static int
raire_bound(teller_ctx *ctx, const struct tl_ab *b, struct teller_margin *m)
{
	struct tl_raire r;
	size_t i;
	int rc;

	if ((rc = tl_raire_solve(ctx, b, m->winner_local, NULL,
	    TL_TRIM_TREE, &r)) != TELLER_OK)
		return rc;
	m->raire = r;
	m->min_votes = -1;
	for (i = 0; i < r.n; i++)
		if (m->min_votes < 0 || r.a[i].tw - r.a[i].tl < m->min_votes)
			m->min_votes = r.a[i].tw - r.a[i].tl;
	if (m->min_votes > 0)
		m->lower = half_up(m->min_votes, m->model);
	m->proof = TL_PROOF_RAIRE;
	return TELLER_OK;
}

static int
irv(teller_ctx *ctx, const struct teller_contest *c, const teller_rules *ru,
    const teller_margin_opts *o, struct teller_margin *m)
{
	struct tl_vec *w = tl_vec_new(ctx, sizeof(struct tl_chg));
	struct tl_ab *b = tl_alloc(ctx, 1, sizeof(*b));
	struct tl_bb bb;
	int64_t tw, tr;
	uint64_t mask;
	int r, i, rc;

	if (w == NULL || b == NULL)
		return TELLER_ENOMEM;
	if ((rc = tl_ab_build(ctx, c, m->profile, b)) != TELLER_OK)
		return rc;
	m->ab = b;
	for (i = 0; i < b->nc; i++)
		if (b->cand[i] == m->winner)
			m->winner_local = i;
	if (b->nc < 2)
		return tl_fail(ctx, TELLER_ERULE, "margin: one candidate "
		    "standing: no other outcome");
	if ((mask = tl_ab_winners(ctx, b)) == 0)
		return teller_errcode(ctx);
	if (mask != 1ULL << m->winner_local) {
		/* the reported winner already needed a lot */
		m->changes = tl_vec_new(ctx, sizeof(struct tl_mchg));
		for (i = 0; i < b->nc; i++)
			if (mask >> i & 1)
				m->after[m->nafter++] = b->cand[i];
		m->by_lot = true;
		m->proof = TL_PROOF_CLOSED;
		return m->changes ? TELLER_OK : TELLER_ENOMEM;
	}
	final_two(b, m->winner_local, &r, &tw, &tr);
	m->lrm = (tw - tr + 1) / 2;
	m->upper = half_up(tw - tr, m->model);
	if ((rc = lrm_witness(ctx, b, m->winner_local, r, m->upper, m->model,
	    w)) != TELLER_OK ||
	    (rc = tl_witness_check(ctx, b, m->winner_local, w->data, w->len)) !=
	    TELLER_OK ||
	    (rc = raire_bound(ctx, b, m)) != TELLER_OK)
		return rc;
	memset(&bb, 0, sizeof(bb));
	bb.winner = m->winner_local;
	bb.model = m->model;
	bb.lower = m->lower;
	bb.upper = m->upper;
	bb.ch = w->data;
	bb.nch = w->len;
	bb.max_nodes = o->max_nodes;
	bb.stop = o->stop;
	bb.stop_ud = o->stop_ud;
	if (m->lower < m->upper) {
		if ((rc = tl_bb_run(ctx, b, &bb)) != TELLER_OK)
			return rc;
		m->nodes = bb.nodes;
		m->lps = bb.lps;
		m->stopped_by = bb.stopped_by;
		m->upper = bb.upper;
		if (bb.lower > m->lower) {
			m->lower = bb.lower;
			m->proof = TL_PROOF_BNB;
		}
	}
	return confirm(ctx, c, ru, m, b, bb.ch, bb.nch);
}

int
teller_margin_find(teller_ctx *ctx, const teller_contest *c,
    const teller_profile *p, const teller_rules *rules,
    const teller_margin_opts *o, teller_result **res, teller_margin **out)
{
	teller_margin_opts def;
	struct teller_margin *m;
	const struct tl_method *meth;
	int rc;

	*out = NULL;
	if (o == NULL) {
		teller_margin_opts_init(&def);
		o = &def;
	}
	if ((rc = teller_count(ctx, c, p, rules, res)) != TELLER_OK)
		return rc;
	if ((m = tl_alloc(ctx, 1, sizeof(*m))) == NULL)
		return TELLER_ENOMEM;
	meth = tl_method_find(rules->method);
	m->method = meth->name;
	m->model = o->model;
	m->profile = p;
	m->result = *res;
	m->winner = TL_VEC_AT((*res)->elected, int, 0);
	m->strict = m->lrm = -1;
	m->after = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	if (m->after == NULL)
		return TELLER_ENOMEM;
	if (strcmp(meth->name, "irv") == 0)
		rc = irv(ctx, c, rules, o, m);
	else if (strcmp(meth->name, "fptp") == 0 ||
	    strcmp(meth->name, "block") == 0)
		rc = tl_m_plurality_margin(ctx, c, rules, m);
	else if (strcmp(meth->name, "sv") == 0)
		rc = tl_m_sv_margin(ctx, c, rules, m);
	else if (strncmp(meth->name, "stv-", 4) == 0)
		rc = tl_m_stv_margin(ctx, c, rules, m);
	else
		rc = tl_fail(ctx, TELLER_ERULE, "margin: not yet for %s",
		    meth->name);
	if (rc != TELLER_OK)
		return rc;
	m->complete = m->lower >= m->upper;
	*out = m;
	return TELLER_OK;
}
