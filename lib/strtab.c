/* SPDX-License-Identifier: MIT */
/*
 * strtab.c -- a set of byte strings, each numbered in order of addition,
 * in one open-addressing table of hash << 32 | index + 1 (so a probe
 * rarely touches the strings); storage freed with the context.
 */
#include <string.h>

#include "strtab.h"

/* ------------------------------------------------------------------ */
/* string table                                                       */

static uint32_t
str_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	/* finish (murmur3 fmix32) so that the low bits, used as the slot,
	 * depend on every byte: ids "1", "2", ... would cluster otherwise */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

struct tl_strent {
	size_t off;
	size_t len;
	uint32_t hash;
};

int
tl_strtab_init(teller_ctx *ctx, struct tl_strtab *t)
{
	t->ents = tl_vec_new(ctx, sizeof(struct tl_strent));
	t->chars = tl_vec_new(ctx, 1);
	t->slots = tl_vec_new(ctx, sizeof(uint64_t));
	if (t->ents == NULL || t->chars == NULL || t->slots == NULL)
		return TELLER_ENOMEM;
	return TELLER_OK;
}

static int
strtab_grow(teller_ctx *ctx, struct tl_strtab *t)
{
	size_t n = t->slots->len ? t->slots->len * 2 : 64, i, h;
	uint64_t *sl;

	t->slots->len = 0;
	if (tl_vec_reserve(ctx, t->slots, n) != TELLER_OK)
		return TELLER_ENOMEM;
	t->slots->len = n;
	sl = t->slots->data;
	memset(sl, 0, n * sizeof(uint64_t));
	for (i = 0; i < t->ents->len; i++) {
		uint32_t hash = TL_VEC_AT(t->ents, struct tl_strent, i).hash;
		h = hash & (n - 1);
		while (sl[h] != 0)
			h = (h + 1) & (n - 1);
		sl[h] = (uint64_t)hash << 32 | (uint64_t)(i + 1);
	}
	return TELLER_OK;
}

size_t
tl_strtab_count(const struct tl_strtab *t)
{
	return t->ents->len;
}

const char *
tl_strtab_get(const struct tl_strtab *t, size_t i, size_t *n)
{
	const struct tl_strent *e = &TL_VEC_AT(t->ents, struct tl_strent, i);

	*n = e->len;
	return (const char *)t->chars->data + e->off;
}

int
tl_strtab_find(const struct tl_strtab *t, const char *s, size_t n)
{
	uint32_t hash = str_hash(s, n);
	size_t mask, h;
	const uint64_t *sl = t->slots->data;

	if (t->slots->len == 0)
		return -1;
	mask = t->slots->len - 1;
	for (h = hash & mask; sl[h] != 0; h = (h + 1) & mask) {
		const struct tl_strent *e;
		uint32_t idx = (uint32_t)sl[h];

		if ((uint32_t)(sl[h] >> 32) != hash)
			continue;
		e = &TL_VEC_AT(t->ents, struct tl_strent, idx - 1);
		if (e->len == n && (n == 0 ||
		    memcmp((const char *)t->chars->data + e->off, s, n) == 0))
			return (int)(idx - 1);
	}
	return -1;
}

int
tl_strtab_put(teller_ctx *ctx, struct tl_strtab *t, const char *s, size_t n,
    bool *added)
{
	struct tl_strent e;
	uint64_t *sl;
	size_t mask, h;
	uint32_t hash = str_hash(s, n);

	*added = false;
	if (t->ents->len >= UINT32_MAX - 1)
		return tl_fail(ctx, TELLER_ELIMIT, "too many strings");
	if ((t->ents->len + 1) * 2 > t->slots->len &&
	    strtab_grow(ctx, t) != TELLER_OK)
		return -1;
	sl = t->slots->data;
	mask = t->slots->len - 1;
	for (h = hash & mask; sl[h] != 0; h = (h + 1) & mask) {
		const struct tl_strent *o;
		uint32_t idx = (uint32_t)sl[h];

		if ((uint32_t)(sl[h] >> 32) != hash)
			continue;
		o = &TL_VEC_AT(t->ents, struct tl_strent, idx - 1);
		if (o->len == n && (n == 0 ||
		    memcmp((const char *)t->chars->data + o->off, s, n) == 0))
			return (int)(idx - 1);
	}
	if (tl_vec_reserve(ctx, t->chars, n) != TELLER_OK)
		return -1;
	e.off = t->chars->len;
	e.len = n;
	e.hash = hash;
	if (n > 0)
		memcpy((char *)t->chars->data + e.off, s, n);
	t->chars->len += n;
	if (tl_vec_push(ctx, t->ents, &e) == NULL)
		return -1;
	sl[h] = (uint64_t)hash << 32 | (uint64_t)t->ents->len;
	*added = true;
	return (int)(t->ents->len - 1);
}

int
tl_strtab_add(teller_ctx *ctx, struct tl_strtab *t, const char *s, size_t n)
{
	bool added;

	return tl_strtab_put(ctx, t, s, n, &added);
}

