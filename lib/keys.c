/* SPDX-License-Identifier: MIT */
/*
 * keys.c -- packed ballots: a ranking of single marks in one 64-bit key,
 * a table from keys to the profile's patterns (so a repeated ballot costs
 * one probe), and a tally of keys alone, for the readers' fast paths.
 * tl_profile_add_keys, which adds keys to a profile, is in profile.c.
 * The table is its own, not a tl_strtab: its keys are 64-bit integers
 * compared in one instruction, with no bytes to hash or store, probed
 * once per ballot line with prefetching.
 */
#include <string.h>

#include "keys.h"

int
tl_keys_bits(int ncand, int maxr)
{
	int bits = 1;

	while (bits < 16 && (1 << bits) <= ncand)
		bits++;
	return (1 << bits) > ncand && maxr >= 0 && bits * maxr <= 63 ?
	    bits : 0;
}

/* Double k's table (owned by k->own). */
int
tl_keys_grow(teller_ctx *ctx, struct tl_keys *k)
{
	size_t n = k->nslots ? k->nslots * 2 : 4096, i, h;
	struct tl_vec *v = k->own;
	struct tl_kslot *slot;

	if (v == NULL && (v = k->own = tl_vec_new(ctx, 1)) == NULL)
		return TELLER_ENOMEM;
	if (n > SIZE_MAX / sizeof(*slot))
		return tl_oom(ctx);
	if ((slot = tl_realloc(ctx, NULL, 0, n * sizeof(*slot))) == NULL)
		return TELLER_ENOMEM;
	memset(slot, 0, n * sizeof(*slot));
	for (i = 0; i < k->nslots; i++) {
		if (k->slot[i].key == 0)
			continue;
		for (h = tl_keys_slot(k->slot[i].key, n); slot[h].key != 0;
		    h = (h + 1) & (n - 1))
			;
		slot[h] = k->slot[i];
	}
	tl_free(ctx, v->data, v->cap * v->size);
	v->data = slot;
	v->len = v->cap = n * sizeof(*slot);
	k->slot = slot;
	k->nslots = n;
	return TELLER_OK;
}

void
tl_keys_free(teller_ctx *ctx, struct tl_keys *k)
{
	struct tl_vec *v = k->own;

	if (v != NULL && v->data != NULL) {
		tl_free(ctx, v->data, v->cap * v->size);
		v->data = NULL;
		v->len = v->cap = 0;
	}
	k->slot = NULL;
	k->nslots = k->n = 0;
}

/* A key unpacked into cells (one candidate a rank); returns the count. */
size_t
tl_keys_cells(const struct tl_keys *k, uint64_t key, tl_cid *cells)
{
	uint64_t mask = ((uint64_t)1 << k->bits) - 1;
	size_t n = 0;

	if (key == TL_KEY_BLANK)
		return 0;
	for (; key != 0; key >>= k->bits) {
		cells[n++] = 1;
		cells[n++] = (tl_cid)((key & mask) - 1);
	}
	return n;
}

int
tl_keys_tally(teller_ctx *ctx, struct tl_keys *k, const uint64_t *key,
    const int64_t *w, size_t n)
{
	size_t i, h;
	int64_t pi, nt, *ws;

	if (k->order == NULL &&
	    ((k->order = tl_vec_new(ctx, sizeof(uint64_t))) == NULL ||
	    (k->wsum = tl_vec_new(ctx, sizeof(int64_t))) == NULL))
		return TELLER_ENOMEM;
	while ((k->n + n) * 4 > k->nslots * 3)
		if (tl_keys_grow(ctx, k) != TELLER_OK)
			return TELLER_ENOMEM;
	for (i = 0; i < n; i++)
		if (key[i] == 0 || w[i] <= 0)
			return tl_fail(ctx, TELLER_EINTERNAL, "keys: an empty "
			    "ballot or a weight not above 0");
	for (i = 0; i < n; i++) {
		if (i + 8 < n)
			__builtin_prefetch(&k->slot[tl_keys_slot(key[i + 8],
			    k->nslots)]);
		if (__builtin_add_overflow(k->total, w[i], &nt) ||
		    nt > ctx->lim.ballots)
			return tl_fail(ctx, TELLER_ELIMIT, "total ballot "
			    "weight exceeds the limit");
		pi = tl_keys_find(k, key[i], &h);
		if (pi < 0) {
			if (k->order->len >= ctx->lim.patterns)
				return tl_fail(ctx, TELLER_ELIMIT, "more than "
				    "%zu distinct ballot patterns",
				    ctx->lim.patterns);
			if (tl_vec_push(ctx, k->order, &key[i]) == NULL ||
			    tl_vec_push(ctx, k->wsum, &(int64_t){ 0 }) ==
			    NULL)
				return TELLER_ENOMEM;
			pi = (int64_t)k->order->len - 1;
			k->slot[h].key = key[i];
			k->slot[h].idx = (uint64_t)pi;
			k->n++;
		}
		ws = k->wsum->data;
		ws[pi] += w[i]; /* cannot overflow: the total did not */
		k->total = nt;
		k->lines++;
	}
	return TELLER_OK;
}

/* Put in k the patterns of p it does not know yet that pack (one
 * candidate a rank, every id below 2^bits - 1, 64 bits in all); others
 * can never equal a packed ballot. The table has room (the caller). */
void
tl_keys_adopt(struct tl_keys *k, const struct teller_profile *p)
{
	const struct tl_pat *pat;
	const tl_cid *c;
	uint64_t key;
	size_t i, h;
	int shift;

	for (; k->known < p->pats->len; k->known++) {
		pat = TL_PAT(p, k->known);
		c = TL_CELLS(p, pat);
		key = 0;
		shift = 0;
		for (i = 0; i < pat->len; i += 2) {
			if (c[i] != 1 || i + 1 >= pat->len ||
			    (uint64_t)c[i + 1] + 1 >= (uint64_t)1 << k->bits ||
			    shift + k->bits > 64)
				break;
			key |= ((uint64_t)c[i + 1] + 1) << shift;
			shift += k->bits;
		}
		if (pat->len == 0)
			key = TL_KEY_BLANK;
		if (i < pat->len || key == 0 || tl_keys_find(k, key, &h) >= 0)
			continue;
		k->slot[h].key = key;
		k->slot[h].idx = k->known;
		k->n++;
	}
}

