/* SPDX-License-Identifier: MIT */
/*
 * keys.h -- packed ballots: a ranking of single marks in one 64-bit key,
 * and a table from keys to patterns, for readers' fast paths (keys.c).
 */
#ifndef TL_KEYS_H
#define TL_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

/*
 * Packed ballots, for a reader's fast path when every candidate id fits
 * in bits bits and a whole ranking in 64: one candidate per rank, rank k
 * in bits k*bits.. as id + 1 (0 ends the ranking, so a key is never 0).
 * A tl_keys maps keys already seen to their pattern, so a repeat costs
 * one probe and no cells; it belongs to one profile and one thread.
 */
struct tl_kslot {
	uint64_t key;       /* 0 = empty */
	uint64_t idx;       /* its pattern */
};
struct tl_keys {
	int bits;           /* bits a rank, 1..16 */
	struct tl_kslot *slot; /* [nslots] open addressing */
	size_t nslots, n;   /* table size (power of two), keys held */
	struct tl_vec *own; /* owns slot (freed with the context) */
	size_t known;       /* patterns [0, known) of the profile are in the
			     * table if they can be packed at all */
	/* A tally (tl_keys_tally) keeps the counts itself, no profile: */
	struct tl_vec *order; /* the keys (uint64_t) as first seen */
	struct tl_vec *wsum;  /* their summed weights (int64_t) */
	int64_t total, lines; /* weight and ballots tallied */
};
/* The key of a blank paper (no rank marked). Rankings use at most 63
 * bits (tl_keys_bits), so no ranking packs to it. */
#define TL_KEY_BLANK ((uint64_t)1 << 63)
/* Bits a rank for ncand candidates (ids 1..ncand), or 0 if a ranking of
 * up to maxr ranks does not fit in 63 bits. */
int tl_keys_bits(int ncand, int maxr);
/* Give back k's table (k can be used again: it starts empty). */
void tl_keys_free(teller_ctx *ctx, struct tl_keys *k);
/* Tally n packed ballots in k alone (k->order, k->wsum): what a profile
 * would hold, in the order it would hold it, to be added to one later
 * with tl_profile_add_keys. Fails (ELIMIT) past lim.ballots in weight or
 * lim.patterns in keys, so the caller can read the ballots again. */
int tl_keys_tally(teller_ctx *ctx, struct tl_keys *k, const uint64_t *key,
    const int64_t *w, size_t n) TL_MUST_CHECK;
/* As tl_profile_add_cells for n packed ballots key[i] of weight w[i]. */
int tl_profile_add_keys(teller_ctx *ctx, struct teller_profile *p,
    struct tl_keys *k, const uint64_t *key, const int64_t *w, size_t n,
    size_t *done) TL_MUST_CHECK;

/* For tl_profile_add_keys (profile.c): the table's first slot for key;
 * the pattern of key, or -1 if k has not seen it (*h: the slot where the
 * probe ended); double the table; unpack key into one-mark cells
 * (returns how many); put in k the patterns of p not yet known that
 * pack. Inline: the first two run once a ballot. */
static inline size_t
tl_keys_slot(uint64_t key, size_t nslots)
{
	key *= 0x9E3779B97F4A7C15u;
	return (size_t)(key >> 32) & (nslots - 1);
}

static inline int64_t
tl_keys_find(const struct tl_keys *k, uint64_t key, size_t *h)
{
	size_t mask = k->nslots - 1;

	for (*h = tl_keys_slot(key, k->nslots); k->slot[*h].key != 0;
	    *h = (*h + 1) & mask)
		if (k->slot[*h].key == key)
			return (int64_t)k->slot[*h].idx;
	return -1;
}

int tl_keys_grow(teller_ctx *ctx, struct tl_keys *k) TL_MUST_CHECK;
size_t tl_keys_cells(const struct tl_keys *k, uint64_t key, tl_cid *cells);
void tl_keys_adopt(struct tl_keys *k, const struct teller_profile *p);

#endif /* TL_KEYS_H */
