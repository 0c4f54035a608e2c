/* SPDX-License-Identifier: MIT */
/*
 * profile.c -- the contest (candidates, parties, withdrawn) and the ballot
 * profile: a multiset of distinct ballot patterns, identical ballots merged
 * as they are read through an open-addressing hash table. That table is
 * not a tl_strtab (strtab.c) on purpose: its keys are candidate-id
 * patterns already stored in the profile's cells, hashed once and probed
 * in a prefetching pipeline (add_cells), the hottest loop of every read.
 */
#include <string.h>

#include "tl_int.h"

struct teller_contest *
tl_contest_new(teller_ctx *ctx)
{
	struct teller_contest *c = tl_alloc(ctx, 1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->title = "";
	c->cands = tl_vec_new(ctx, sizeof(struct tl_cand));
	return c->cands != NULL ? c : NULL;
}

int
tl_contest_add(teller_ctx *ctx, struct teller_contest *c, const char *name,
    size_t nlen, const char *party, size_t plen)
{
	struct tl_cand cand = { 0 };

	if (c->ncand >= ctx->lim.candidates || c->ncand >= TL_CID_MAX) {
		tl_fail(ctx, TELLER_ELIMIT, "more than %d candidates",
		    ctx->lim.candidates);
		return -1;
	}
	cand.name = tl_strndup(ctx, name, nlen);
	cand.party = party != NULL ? tl_strndup(ctx, party, plen) : "";
	if (cand.name == NULL || cand.party == NULL)
		return -1;
	if (tl_vec_push(ctx, c->cands, &cand) == NULL)
		return -1;
	return c->ncand++;
}

int
tl_contest_find(const struct teller_contest *c, const char *name, size_t n)
{
	int i;

	for (i = 0; i < c->ncand; i++) {
		const char *s = TL_CAND(c, i)->name;
		if (strlen(s) == n && memcmp(s, name, n) == 0)
			return i;
	}
	return -1;
}

int
tl_contest_check_names(teller_ctx *ctx, const struct teller_contest *c)
{
	int i, j;

	for (i = 0; i < c->ncand; i++) {
		const unsigned char *s =
		    (const unsigned char *)TL_CAND(c, i)->name;
		size_t n = strlen((const char *)s), k, l;

		if (n == 0)
			return tl_fail(ctx, TELLER_EPARSE,
			    "candidate %d has an empty name", i + 1);
		for (k = 0; k < n; k += l) {
			l = tl_utf8_len(s + k, n - k);
			if (l == 0)
				return tl_fail(ctx, TELLER_EENCODING,
				    "candidate %d: name is not valid UTF-8 "
				    "at byte %zu", i + 1, k + 1);
		}
		for (j = 0; j < i; j++)
			if (strcmp(TL_CAND(c, j)->name, (const char *)s) == 0)
				return tl_fail(ctx, TELLER_EDUP,
				    "candidates %d and %d have the same name "
				    "\"%s\"", j + 1, i + 1, (const char *)s);
	}
	return TELLER_OK;
}

int
teller_contest_ncand(const teller_contest *c)
{
	return c->ncand;
}

const char *
teller_contest_name(const teller_contest *c, int i)
{
	return i >= 0 && i < c->ncand ? TL_CAND(c, i)->name : NULL;
}

const char *
teller_contest_party(const teller_contest *c, int i)
{
	return i >= 0 && i < c->ncand ? TL_CAND(c, i)->party : NULL;
}

int
teller_contest_seats(const teller_contest *c)
{
	return c->seats;
}

int64_t
teller_contest_electorate(const teller_contest *c)
{
	return c->electorate;
}

int
teller_contest_nsections(const teller_contest *c)
{
	return c->sects != NULL ? (int)c->sects->len : 0;
}

size_t
teller_profile_npatterns(const teller_profile *p)
{
	return p->pats->len;
}

/* ---- profile ---- */

struct teller_profile *
tl_profile_new(teller_ctx *ctx, int ncand)
{
	struct teller_profile *p = tl_alloc(ctx, 1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->ncand = ncand;
	p->pats = tl_vec_new(ctx, sizeof(struct tl_pat));
	p->cells = tl_vec_new(ctx, sizeof(tl_cid));
	/* cells->data is never NULL, so pointer arithmetic on an empty
	 * first pattern is defined (found by fuzz_csv) */
	if (p->pats == NULL || p->cells == NULL ||
	    tl_vec_reserve(ctx, p->cells, 16) != TELLER_OK)
		return NULL;
	return p;
}

/* Double the table (p->table owns it, so the context frees it): the new
 * slots are filled first, then the old ones are released, so a failed
 * allocation leaves the profile as it was. */
static int
grow_table(teller_ctx *ctx, struct teller_profile *p)
{
	size_t n = p->nslots ? p->nslots * 2 : 1024, i;
	struct tl_vec *v = p->table;
	uint64_t *slots;

	if (v == NULL && (v = p->table = tl_vec_new(ctx, sizeof(uint64_t))) ==
	    NULL)
		return TELLER_ENOMEM;
	if (n > SIZE_MAX / sizeof(uint64_t))
		return tl_oom(ctx);
	slots = tl_realloc(ctx, NULL, 0, n * sizeof(uint64_t));
	if (slots == NULL)
		return TELLER_ENOMEM;
	memset(slots, 0, n * sizeof(uint64_t));
	for (i = 0; i < p->indexed; i++) {
		uint32_t hash = TL_PAT(p, i)->hash;
		size_t h = hash & (n - 1);
		while (slots[h] != 0)
			h = (h + 1) & (n - 1);
		slots[h] = (uint64_t)hash << 32 | (uint64_t)(i + 1);
	}
	tl_free(ctx, v->data, v->cap * v->size);
	v->data = slots;
	v->len = v->cap = n;
	p->slots = slots;
	p->nslots = n;
	return TELLER_OK;
}

static uint32_t
hash_cells(const tl_cid *c, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15u ^ n;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0xBF58476D1CE4E5B9u;
	}
	h ^= h >> 31; /* final avalanche (SplitMix64's) */
	h *= 0x94D049BB133111EBu;
	h ^= h >> 29;
	return (uint32_t)h;
}

static bool
same_cells(const tl_cid *a, const tl_cid *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

int
tl_profile_begin(teller_ctx *ctx, struct teller_profile *p)
{
	/* Nothing to do: the open pattern always starts just past the last
	 * stored one (open_start), and a refused pattern is rolled back by
	 * tl_profile_end. Kept so builders read begin/rank/end. */
	(void)ctx;
	(void)p;
	return TELLER_OK;
}

int
tl_profile_rank(teller_ctx *ctx, struct teller_profile *p,
    const tl_cid *marks, int n)
{
	tl_cid *dst;
	int i;

	if (n < 0 || n > p->ncand + 1000)
		return tl_fail(ctx, TELLER_ELIMIT, "too many marks at a rank");
	if (tl_vec_reserve(ctx, p->cells, (size_t)n + 1) != TELLER_OK)
		return TELLER_ENOMEM;
	dst = (tl_cid *)p->cells->data + p->cells->len;
	dst[0] = (tl_cid)n;
	for (i = 0; i < n; i++)
		dst[i + 1] = marks[i];
	p->cells->len += (size_t)n + 1;
	return TELLER_OK;
}

/* Start of the open pattern: just past the last stored pattern. */
static size_t
open_start(const struct teller_profile *p)
{
	const struct tl_pat *last;

	if (p->pats->len == 0)
		return 0;
	last = TL_PAT(p, p->pats->len - 1);
	return (size_t)last->off + last->len;
}

/* Ranks in cells[0 .. len). */
static size_t
count_ranks(const tl_cid *cells, size_t len)
{
	size_t k, nr = 0;

	for (k = 0; k < len; k += (size_t)cells[k] + 1)
		nr++;
	return nr;
}

/* Put the patterns stored by tl_profile_add_keys but not yet in the
 * table in it, with room for one more. */
static int
index_all(teller_ctx *ctx, struct teller_profile *p)
{
	size_t h, mask;

	while ((p->pats->len + 1) * 2 > p->nslots)
		if (grow_table(ctx, p) != TELLER_OK)
			return TELLER_ENOMEM;
	mask = p->nslots - 1;
	for (; p->indexed < p->pats->len; p->indexed++) {
		uint32_t hash = TL_PAT(p, p->indexed)->hash;
		for (h = hash & mask; p->slots[h] != 0; h = (h + 1) & mask)
			;
		p->slots[h] = (uint64_t)hash << 32 | (uint64_t)(p->indexed +
		    1);
	}
	return TELLER_OK;
}

/* Store the pattern cells[0 .. len) (nr ranks, hash hash) as a new one of
 * weight w, the ballot's total nt already checked; with open set its
 * cells are already at start. *at: its index. */
static int
store_new(teller_ctx *ctx, struct teller_profile *p, const tl_cid *cells,
    size_t len, size_t nr, uint32_t hash, int64_t w, bool open,
    size_t start, size_t *at)
{
	struct tl_pat pat;

	if (p->pats->len >= ctx->lim.patterns || start > UINT32_MAX - len)
		return tl_fail(ctx, TELLER_ELIMIT, "more than %zu distinct "
		    "ballot patterns", ctx->lim.patterns);
	if (!open && tl_vec_reserve(ctx, p->cells, len) != TELLER_OK)
		return TELLER_ENOMEM;
	pat.off = (uint32_t)start;
	pat.len = (uint32_t)len;
	pat.nranks = (uint32_t)nr;
	pat.hash = hash;
	pat.w = w;
	if (tl_vec_push(ctx, p->pats, &pat) == NULL)
		return TELLER_ENOMEM;
	if (!open && len > 0) {
		memcpy((tl_cid *)p->cells->data + start, cells,
		    len * sizeof(tl_cid));
		p->cells->len = start + len;
	}
	*at = p->pats->len - 1;
	return TELLER_OK;
}

/*
 * Count the pattern cells[0 .. len) (hash: hash_cells of it) with weight
 * w: add w to an equal pattern, or store a new one. With open set the
 * cells are the open pattern at the end of p->cells (kept if new, dropped
 * if a repeat); else they are copied if new. On an error nothing has
 * changed but an open pattern, which the caller drops.
 */
static int
insert(teller_ctx *ctx, struct teller_profile *p, const tl_cid *cells,
    size_t len, uint32_t hash, int64_t w, bool open, size_t *at)
{
	size_t start = p->cells->len - (open ? len : 0), h, mask, nr;
	int64_t nt;
	int rc;

	if (w <= 0)
		return tl_fail(ctx, TELLER_ERANGE, "ballot weight must be "
		    "positive");
	nr = count_ranks(cells, len);
	if (nr > (size_t)ctx->lim.ranks)
		return tl_fail(ctx, TELLER_ELIMIT, "more than %d ranks on a "
		    "ballot", ctx->lim.ranks);
	/* nothing changes until the ballot is accepted (t_profile) */
	if (__builtin_add_overflow(p->total, w, &nt) ||
	    nt > ctx->lim.ballots)
		return tl_fail(ctx, TELLER_ELIMIT, "total ballot weight "
		    "exceeds the limit");
	if (((p->pats->len + 1) * 2 > p->nslots ||
	    p->indexed < p->pats->len) && index_all(ctx, p) != TELLER_OK)
		return TELLER_ENOMEM;
	mask = p->nslots - 1;
	for (h = hash & mask; p->slots[h] != 0; h = (h + 1) & mask) {
		struct tl_pat *q;
		if ((uint32_t)(p->slots[h] >> 32) != hash)
			continue;
		q = TL_PAT(p, (uint32_t)p->slots[h] - 1);
		if (q->len == len && same_cells(TL_CELLS(p, q), cells, len)) {
			q->w += w; /* cannot overflow: total did not */
			if (open)
				p->cells->len = start;
			*at = (uint32_t)p->slots[h] - 1;
			goto counted;
		}
	}
	if ((rc = store_new(ctx, p, cells, len, nr, hash, w, open, start,
	    at)) != TELLER_OK)
		return rc;
	p->slots[h] = (uint64_t)hash << 32 | (uint64_t)p->pats->len;
	p->indexed = p->pats->len;
counted:
	p->total = nt;
	p->lines++;
	if (len == 0)
		p->empty += w;
	return TELLER_OK;
}

int
tl_profile_end(teller_ctx *ctx, struct teller_profile *p, int64_t w)
{
	size_t start = open_start(p), len = p->cells->len - start;
	const tl_cid *cells = (const tl_cid *)p->cells->data + start;
	size_t at;
	int rc = insert(ctx, p, cells, len, hash_cells(cells, len), w, true,
	    &at);

	if (rc != TELLER_OK)
		p->cells->len = start;
	return rc;
}

/* tl_profile_add_cells works as a software pipeline: pattern i is hashed
 * and its slot prefetched, its pattern prefetched PF_DIST patterns later,
 * its cells PF_DIST after that, and it is counted PF_DIST after that, so
 * the cache misses of a table larger than the cache overlap. */
#define PF_DIST 8
#define PF_RING 64 /* a power of two > 3 * PF_DIST */

/* The slot where pattern hash would be found first, if it matches. */
static const struct tl_pat *
first_match(const struct teller_profile *p, uint32_t hash)
{
	uint64_t s;

	if (p->nslots == 0)
		return NULL;
	s = p->slots[hash & (p->nslots - 1)];
	return s != 0 && (uint32_t)(s >> 32) == hash ?
	    TL_PAT(p, (uint32_t)s - 1) : NULL;
}

/* tl_profile_add_cells, with the hashes of the patterns given (hashes)
 * or computed (NULL). */
static int
add_cells(teller_ctx *ctx, struct teller_profile *p,
    const struct tl_cells *b, size_t n, size_t *done,
    const uint32_t *hashes)
{
	uint32_t hash[PF_RING];
	const struct tl_pat *q;
	size_t i, j, at;
	int rc;

	*done = 0;
	if (p->cells->len != open_start(p))
		return tl_fail(ctx, TELLER_EINTERNAL, "profile: a pattern is "
		    "open");
	for (i = 0; i < n + 3 * PF_DIST; i++) {
		if (i < n) {
			hash[i % PF_RING] = hashes != NULL ? hashes[i] :
			    hash_cells(b[i].cells, b[i].len);
			if (p->nslots > 0)
				__builtin_prefetch(&p->slots[hash[i % PF_RING] &
				    (p->nslots - 1)]);
		}
		j = i - PF_DIST;
		if (i >= PF_DIST && j < n &&
		    (q = first_match(p, hash[j % PF_RING])) != NULL)
			__builtin_prefetch(q);
		j = i - 2 * PF_DIST;
		if (i >= 2 * PF_DIST && j < n &&
		    (q = first_match(p, hash[j % PF_RING])) != NULL)
			__builtin_prefetch(TL_CELLS(p, q));
		j = i - 3 * PF_DIST;
		if (i >= 3 * PF_DIST) {
			rc = insert(ctx, p, b[j].cells, b[j].len,
			    hash[j % PF_RING], b[j].w, false, &at);
			if (rc != TELLER_OK)
				return rc;
			(*done)++;
		}
	}
	return TELLER_OK;
}

int
tl_profile_add_cells(teller_ctx *ctx, struct teller_profile *p,
    const struct tl_cells *b, size_t n, size_t *done)
{
	return add_cells(ctx, p, b, n, done, NULL);
}

/* tl_profile_add_keys works as a pipeline too: the slot of ballot i is
 * prefetched, looked up KEY_DIST ballots later (its pattern prefetched on
 * a hit), and counted KEY_DIST after that. */
#define KEY_DIST 8
#define KEY_RING 32 /* a power of two > 2 * KEY_DIST */

/*
 * A repeat is counted straight into its pattern (the checks insert makes
 * cannot fail for it but the total's, which is made here); a key not seen
 * yet is unpacked and counted by insert, which finds or stores its
 * pattern, then remembered. A lookup made ahead that found the key stays
 * true (slots only move when the table grows, before the batch); one that
 * did not is made again, as the key may have been stored since.
 */
int
tl_profile_add_keys(teller_ctx *ctx, struct teller_profile *p,
    struct tl_keys *k, const uint64_t *key, const int64_t *w, size_t n,
    size_t *done)
{
	tl_cid cells[128];
	int64_t found[KEY_RING], pi, nt;
	size_t i, j, h, at, len;
	int rc;

	*done = 0;
	if (p->cells->len != open_start(p) || k->bits < 1 || k->bits > 16)
		return tl_fail(ctx, TELLER_EINTERNAL, "profile: packed "
		    "ballots refused");
	for (i = 0; i < n; i++)
		if (key[i] == 0)
			return tl_fail(ctx, TELLER_EINTERNAL, "profile: an "
			    "empty packed ballot");
	while ((k->n + n + p->pats->len - k->known) * 4 > k->nslots * 3)
		if (tl_keys_grow(ctx, k) != TELLER_OK)
			return TELLER_ENOMEM;
	tl_keys_adopt(k, p);
	for (i = 0; i < n + 2 * KEY_DIST; i++) {
		if (i < n)
			__builtin_prefetch(&k->slot[tl_keys_slot(key[i],
			    k->nslots)]);
		j = i - KEY_DIST;
		if (i >= KEY_DIST && j < n) {
			found[j % KEY_RING] = pi = tl_keys_find(k, key[j], &h);
			if (pi >= 0)
				__builtin_prefetch(&TL_PAT(p, (size_t)pi)->w);
		}
		if (i < 2 * KEY_DIST)
			continue;
		j = i - 2 * KEY_DIST;
		pi = found[j % KEY_RING];
		if (pi >= 0 && w[j] > 0 &&
		    !__builtin_add_overflow(p->total, w[j], &nt) &&
		    nt <= ctx->lim.ballots) {
			TL_PAT(p, (size_t)pi)->w += w[j];
			p->total = nt;
			p->lines++;
			if (key[j] == TL_KEY_BLANK)
				p->empty += w[j];
			(*done)++;
			continue;
		}
		if (pi < 0)
			pi = tl_keys_find(k, key[j], &h);
		len = tl_keys_cells(k, key[j], cells);
		if (pi < 0 && k->known == p->pats->len && w[j] > 0 &&
		    !__builtin_add_overflow(p->total, w[j], &nt) &&
		    nt <= ctx->lim.ballots) {
			/* k holds every pattern of p that packs and not
			 * this one: it is new, and goes in p's own table only
			 * if insert is ever called (index_all). */
			if ((rc = store_new(ctx, p, cells, len, len / 2,
			    hash_cells(cells, len), w[j], false,
			    p->cells->len, &at)) != TELLER_OK)
				return rc;
			p->total = nt;
			p->lines++;
			if (len == 0)
				p->empty += w[j];
			k->known++;
		} else if ((rc = insert(ctx, p, cells, len, hash_cells(cells,
		    len), w[j], false, &at)) != TELLER_OK)
			return rc;
		if (pi < 0) {
			k->slot[h].key = key[j];
			k->slot[h].idx = at;
			k->n++;
		}
		(*done)++;
	}
	return TELLER_OK;
}

int
tl_profile_add_simple(teller_ctx *ctx, struct teller_profile *p,
    const tl_cid *ids, int n, int64_t w)
{
	int i, rc;

	if ((rc = tl_profile_begin(ctx, p)) != TELLER_OK)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = tl_profile_rank(ctx, p, &ids[i], 1)) != TELLER_OK)
			return rc;
	return tl_profile_end(ctx, p, w);
}

int
tl_profile_set_wdp(teller_ctx *ctx, struct teller_profile *p, int wdp)
{
	int64_t m;
	size_t i;

	if (wdp <= p->wdp)
		return TELLER_OK;
	if (wdp > 9)
		return tl_fail(ctx, TELLER_ELIMIT, "ballot weights with more "
		    "than 9 decimal places");
	m = tl_num_pow10(wdp - p->wdp);
	if (tl_num_mul(ctx, p->total, m, &p->total) != TELLER_OK ||
	    tl_num_mul(ctx, p->empty, m, &p->empty) != TELLER_OK)
		return TELLER_EOVERFLOW;
	for (i = 0; i < p->pats->len; i++)
		TL_PAT(p, i)->w *= m; /* bounded by total */
	p->wdp = wdp;
	return TELLER_OK;
}

void
tl_profile_set_ncand(struct teller_profile *p, int ncand)
{
	if (ncand > p->ncand)
		p->ncand = ncand;
}

void
tl_profile_set_lines(struct teller_profile *p, int64_t lines)
{
	p->lines = lines;
}

struct tl_strtab *
tl_profile_ids(teller_ctx *ctx, struct teller_profile *p)
{
	if (p->ids != NULL)
		return p->ids;
	p->ids = tl_alloc(ctx, 1, sizeof(*p->ids));
	if (p->ids != NULL && tl_strtab_init(ctx, p->ids) != TELLER_OK)
		p->ids = NULL;
	return p->ids;
}

int
tl_profile_take_ids(teller_ctx *ctx, struct teller_profile *p,
    const struct tl_strtab *ids)
{
	if (p->ids != NULL)
		return tl_fail(ctx, TELLER_EINTERNAL, "profile: ballot ids "
		    "taken twice");
	p->ids = tl_alloc(ctx, 1, sizeof(*p->ids));
	if (p->ids == NULL)
		return TELLER_ENOMEM;
	*p->ids = *ids;
	return TELLER_OK;
}

int
tl_profile_merge(teller_ctx *ctx, struct teller_profile *p,
    const struct teller_profile *q)
{
	struct tl_cells b[64];
	uint32_t hash[64];
	size_t i, m, done;
	int64_t scale;
	bool ovf = false;
	int rc;

	if (p->ncand != q->ncand)
		return tl_fail(ctx, TELLER_EINVAL, "profiles have %d and %d "
		    "candidates", p->ncand, q->ncand);
	if ((rc = tl_profile_set_wdp(ctx, p, q->wdp)) != TELLER_OK)
		return rc;
	scale = tl_num_pow10(p->wdp - q->wdp);
	/* in q's order, so merging keeps a deterministic pattern order */
	for (i = 0; i < q->pats->len; i += m) {
		for (m = 0; m < 64 && i + m < q->pats->len; m++) {
			const struct tl_pat *pat = TL_PAT(q, i + m);
			b[m].cells = TL_CELLS(q, pat);
			b[m].len = pat->len;
			hash[m] = pat->hash;
			if (tl_num_mul(ctx, pat->w, scale, &b[m].w) !=
			    TELLER_OK) {
				ovf = true;
				break;
			}
		}
		if ((rc = add_cells(ctx, p, b, m, &done, hash)) != TELLER_OK)
			return rc;
		if (ovf)
			return TELLER_EOVERFLOW;
	}
	p->lines += q->lines - (int64_t)q->pats->len;
	return TELLER_OK;
}

int
tl_pat_clean(const struct teller_contest *c, const struct teller_profile *p,
    const struct tl_pat *pat, tl_cid *out, int max, bool *had_equal)
{
	struct tl_rank r;
	int n = 0, i, j;

	if (had_equal != NULL)
		*had_equal = false;
	for (r = tl_rank_first(p, pat); r.cells != NULL; r = tl_rank_next(r)) {
		int live = 0;
		tl_cid pick = 0;

		for (i = 0; i < r.n; i++) {
			tl_cid id = r.ids[i];
			bool seen = false;
			if (TL_CAND(c, id)->withdrawn)
				continue;
			for (j = 0; j < n; j++)
				if (out[j] == id)
					seen = true;
			if (seen)
				continue;
			pick = id;
			live++;
		}
		if (live == 0)
			continue;
		if (live > 1) {
			if (had_equal != NULL)
				*had_equal = true;
			break;
		}
		if (n < max)
			out[n++] = pick;
	}
	return n;
}
