/* SPDX-License-Identifier: MIT */
/*
 * ballots.c -- the effective profile of a single-winner ranked count for
 * the audit code (audit.md 1, 4.3): rankings as the IRV count reads them,
 * tallies for a continuing set, every possible IRV winner when ties may
 * go either way, witnesses applied, and the re-count through
 * teller_count that confirms a witness.
 */
#include <string.h>

#include "audit.h"

int
tl_ab_build(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, struct tl_ab *b)
{
	size_t i, nid = 0, npat = p->pats->len;
	int local[TL_CID_MAX + 1], k, j;
	tl_cid *buf;

	memset(b, 0, sizeof(*b));
	if (p->wdp != 0)
		return tl_fail(ctx, TELLER_ERULE, "margins and RAIRE count "
		    "whole ballot papers; this profile has weights with "
		    "%d decimal places", p->wdp);
	b->cand = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	buf = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_cid));
	if (b->cand == NULL || buf == NULL)
		return TELLER_ENOMEM;
	for (j = 0; j < c->ncand && j <= TL_CID_MAX; j++) {
		local[j] = -1;
		if (TL_CAND(c, j)->withdrawn)
			continue;
		if (b->nc == TL_AB_MAXC)
			return tl_fail(ctx, TELLER_ELIMIT, "margins and RAIRE "
			    "handle at most %d candidates", TL_AB_MAXC);
		local[j] = b->nc;
		b->cand[b->nc++] = j;
	}
	for (i = 0; i < npat; i++)
		nid += TL_PAT(p, i)->len;
	b->w = tl_alloc(ctx, npat + 1, sizeof(int64_t));
	b->off = tl_alloc(ctx, npat + 2, sizeof(uint32_t));
	b->ids = tl_alloc(ctx, nid + 1, 1);
	if (b->w == NULL || b->off == NULL || b->ids == NULL)
		return TELLER_ENOMEM;
	nid = 0;
	for (i = 0; i < npat; i++) {
		const struct tl_pat *pat = TL_PAT(p, i);

		k = tl_pat_clean(c, p, pat, buf, c->ncand, NULL);
		if (k == 0)
			continue;
		b->off[b->n] = (uint32_t)nid;
		for (j = 0; j < k; j++)
			b->ids[nid++] = (uint8_t)local[buf[j]];
		b->w[b->n++] = pat->w;
		b->total += pat->w;
	}
	b->off[b->n] = (uint32_t)nid;
	b->papers = p->total;
	return TELLER_OK;
}

void
tl_ab_tally(const struct tl_ab *b, uint64_t s, int64_t *t)
{
	size_t i;
	uint32_t k;

	memset(t, 0, (size_t)b->nc * sizeof(int64_t));
	for (i = 0; i < b->n; i++)
		for (k = b->off[i]; k < b->off[i + 1]; k++)
			if (s >> b->ids[k] & 1) {
				t[b->ids[k]] += b->w[i];
				break;
			}
}

/* A set of continuing sets already explored (open addressing). */
struct seen {
	uint64_t *slot; /* 0 empty; sets are never empty here */
	size_t cap;
};

/* Insert s; true if it was new. */
static bool
seen_add(struct seen *h, uint64_t s)
{
	size_t i = (size_t)((s * 0x9e3779b97f4a7c15ULL) >> 20) & (h->cap - 1);

	while (h->slot[i] != 0) {
		if (h->slot[i] == s)
			return false;
		i = (i + 1) & (h->cap - 1);
	}
	h->slot[i] = s;
	return true;
}

uint64_t
tl_ab_winners(teller_ctx *ctx, const struct tl_ab *b)
{
	uint64_t win = 0, *stack, all;
	int64_t t[TL_AB_MAXC];
	struct seen h;
	size_t sp = 0, cap = 4096, scap = 4096;
	int x;

	if (b->nc == 0)
		return 0;
	all = b->nc == 64 ? ~0ULL : (1ULL << b->nc) - 1;
	h.cap = 1u << 16;
	h.slot = tl_realloc(ctx, NULL, 0, h.cap * sizeof(uint64_t));
	stack = tl_realloc(ctx, NULL, 0, scap * sizeof(uint64_t));
	if (h.slot == NULL || stack == NULL) {
		tl_free(ctx, h.slot, h.cap * sizeof(uint64_t));
		tl_free(ctx, stack, scap * sizeof(uint64_t));
		return 0;
	}
	memset(h.slot, 0, h.cap * sizeof(uint64_t));
	seen_add(&h, all);
	stack[sp++] = all;
	/* Depth-first over the sets a count can reach; ties branch. The
	 * table of seen sets is capped: a contest with that many tied
	 * branches is refused rather than searched without end. */
	while (sp > 0) {
		uint64_t s = stack[--sp];
		int64_t lo = INT64_MAX;

		if ((s & (s - 1)) == 0) {
			win |= s;
			continue;
		}
		tl_ab_tally(b, s, t);
		for (x = 0; x < b->nc; x++)
			if (s >> x & 1 && t[x] < lo)
				lo = t[x];
		for (x = 0; x < b->nc; x++) {
			uint64_t s2 = s & ~(1ULL << x);

			if (!(s >> x & 1) || t[x] != lo || !seen_add(&h, s2))
				continue;
			if (--cap == 0 || sp == scap) {
				tl_free(ctx, h.slot, h.cap * sizeof(uint64_t));
				tl_free(ctx, stack, scap * sizeof(uint64_t));
				tl_fail(ctx, TELLER_ELIMIT, "too many ways to "
				    "break the ties of this count");
				return 0;
			}
			stack[sp++] = s2;
		}
	}
	tl_free(ctx, h.slot, h.cap * sizeof(uint64_t));
	tl_free(ctx, stack, scap * sizeof(uint64_t));
	return win;
}

int
tl_ab_apply(teller_ctx *ctx, const struct tl_ab *b, const struct tl_chg *ch,
    size_t nch, struct tl_ab *out)
{
	size_t i, nid = b->off[b->n], n = b->n;
	int j;

	*out = *b;
	for (i = 0; i < nch; i++)
		nid += (size_t)ch[i].nto;
	out->w = tl_alloc(ctx, n + nch + 1, sizeof(int64_t));
	out->off = tl_alloc(ctx, n + nch + 2, sizeof(uint32_t));
	out->ids = tl_alloc(ctx, nid + 1, 1);
	if (out->w == NULL || out->off == NULL || out->ids == NULL)
		return TELLER_ENOMEM;
	memcpy(out->w, b->w, n * sizeof(int64_t));
	memcpy(out->off, b->off, (n + 1) * sizeof(uint32_t));
	memcpy(out->ids, b->ids, b->off[n]);
	nid = b->off[n];
	for (i = 0; i < nch; i++) {
		const struct tl_chg *c = &ch[i];

		if (c->papers <= 0 || c->from >= (long)b->n)
			return tl_fail(ctx, TELLER_EINTERNAL, "witness: bad "
			    "change %zu", i);
		if (c->from >= 0) {
			if (out->w[c->from] < c->papers)
				return tl_fail(ctx, TELLER_EINTERNAL, "witness "
				    "takes more papers of a ranking than "
				    "there are");
			out->w[c->from] -= c->papers;
			out->total -= c->papers;
		}
		if (c->nto == 0)
			continue;
		for (j = 0; j < c->nto; j++)
			out->ids[nid++] = c->to[j];
		out->w[out->n] = c->papers;
		out->off[++out->n] = (uint32_t)nid;
		out->total += c->papers;
	}
	/* rankings left with no paper stay, with weight 0: skip them */
	return TELLER_OK;
}

int
tl_ab_recount(teller_ctx *ctx, const struct teller_contest *c,
    const struct tl_ab *b, const teller_rules *rules, uint64_t mask)
{
	struct teller_profile *p = tl_profile_new(ctx, c->ncand);
	tl_cid ids[TL_AB_MAXC];
	teller_result *r;
	teller_rules ru = *rules;
	size_t i;
	uint32_t k;
	int rc, w;

	if (p == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < b->n; i++) {
		if (b->w[i] == 0)
			continue;
		for (k = b->off[i]; k < b->off[i + 1]; k++)
			ids[k - b->off[i]] = (tl_cid)b->cand[b->ids[k]];
		if ((rc = tl_profile_add_simple(ctx, p, ids,
		    (int)(b->off[i + 1] - b->off[i]), b->w[i])) != TELLER_OK)
			return rc;
	}
	if (p->total == 0)
		return TELLER_OK; /* every paper removed: nothing to count */
	ru.lots = NULL;
	ru.nlots = 0;
	ru.no_seed = 0;
	if ((rc = teller_count(ctx, c, p, &ru, &r)) != TELLER_OK)
		return rc;
	if (teller_result_nelected(r) != 1)
		return tl_fail(ctx, TELLER_EINTERNAL, "witness re-count "
		    "elected %d", teller_result_nelected(r));
	w = TL_VEC_AT(r->elected, int, 0);
	for (i = 0; i < (size_t)b->nc; i++)
		if (b->cand[i] == w && (mask >> i & 1))
			return TELLER_OK;
	return tl_fail(ctx, TELLER_EINTERNAL, "witness re-count elected %s, "
	    "which the margin search did not expect", TL_CAND(c, w)->name);
}
