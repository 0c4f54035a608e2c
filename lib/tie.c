/* SPDX-License-Identifier: MIT */
/*
 * tie.c -- drawing lots reproducibly: the rivest-sha256 sampler (Rivest's
 * sampler.py, as OpenTally's docs/rng.md states it; audit.md 4.1, 4.4).
 * Try c (from 0, +1 a try, for the whole count) takes k = SHA-256 of the
 * UTF-8 bytes of seed "," c (c in decimal) as a big-endian 256-bit
 * integer; a lot among n tied candidates (listed in input order) rejects
 * k >= floor(2^256 / n) * n and takes k mod n, so every candidate is
 * equally likely. The seed is the caller's string (a public dice
 * ceremony can make it) and is printed in every report.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tl_int.h"

void
tl_tie_seed(struct tl_rng *r, const char *seed)
{
	r->seed = seed != NULL ? seed : "1";
	r->tries = 0;
}

void
tl_tie_next(struct tl_rng *r, unsigned char k[32])
{
	struct tl_sha256 s;
	char num[24];
	int n = snprintf(num, sizeof(num), ",%llu",
	    (unsigned long long)r->tries++);

	tl_sha256_init(&s);
	tl_sha256_update(&s, r->seed, strlen(r->seed));
	tl_sha256_update(&s, num, (size_t)n);
	tl_sha256_final(&s, k);
}

/* Is k >= 2^256 - t, i.e. is the 256-bit complement of k below t?
 * (t < 2^31, so the complement's top 24 bytes must be zero.) */
static bool
rejected(const unsigned char k[32], uint64_t t)
{
	uint64_t low = 0;
	int i;

	for (i = 0; i < 24; i++)
		if (k[i] != 0xff)
			return false;
	for (; i < 32; i++)
		low = low << 8 | (uint8_t)~k[i];
	return low < t;
}

int
tl_tie_lot(struct tl_rng *r, int n)
{
	unsigned char k[32];
	uint64_t t = 1, m = 0;
	int i;

	if (n <= 1)
		return 0;
	/* t = 2^256 mod n: floor(2^256 / n) * n = 2^256 - t */
	for (i = 0; i < 32; i++)
		t = (t << 8) % (uint64_t)n;
	do
		tl_tie_next(r, k);
	while (rejected(k, t));
	for (i = 0; i < 32; i++)
		m = ((m << 8) | k[i]) % (uint64_t)n;
	return (int)m;
}

int
tl_lot_parse(teller_ctx *ctx, const struct teller_contest *c, const char *s,
    struct tl_hand_lot *out)
{
	const char *p = s, *e;
	uint64_t stage = 0;
	long k = tl_text_uint(s, strlen(s), 1000000, &stage);
	int n = 0, i;

	if (k > 0)
		p = s + k;
	if (k <= 0 || *p != ':' || stage < 1)
		return tl_fail(ctx, TELLER_EINVAL, "--lot '%s': expected "
		    "STAGE:NAME<NAME<... (a stage number first)", s);
	out->order = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	if (out->order == NULL)
		return TELLER_ENOMEM;
	for (p++;; p = e + 1) {
		int id;

		e = strchr(p, '<');
		if (e == NULL)
			e = p + strlen(p);
		id = tl_contest_find(c, p, (size_t)(e - p));
		if (id < 0)
			return tl_fail(ctx, TELLER_EINVAL, "--lot '%s': no "
			    "candidate is named '%.*s'", s, (int)(e - p), p);
		for (i = 0; i < n; i++)
			if (out->order[i] == id)
				return tl_fail(ctx, TELLER_EINVAL,
				    "--lot '%s': '%.*s' is named twice", s,
				    (int)(e - p), p);
		out->order[n++] = id;
		if (*e == '\0')
			break;
	}
	if (n < 2)
		return tl_fail(ctx, TELLER_EINVAL, "--lot '%s': a lot is among "
		    "two or more candidates", s);
	out->stage = (int)stage;
	out->n = n;
	out->spec = s;
	return TELLER_OK;
}

int
tl_lots_init(teller_ctx *ctx, struct tl_lots *l,
    const struct teller_contest *c, const teller_rules *rules)
{
	int i, rc;

	tl_tie_seed(&l->rng, rules->seed);
	l->c = c;
	l->rules = rules;
	l->used = 0;
	l->hand = NULL;
	l->cont = NULL;
	l->r = NULL;
	l->free_order = false;
	if (rules->nlots <= 0)
		return TELLER_OK;
	l->hand = tl_alloc(ctx, (size_t)rules->nlots, sizeof(*l->hand));
	if (l->hand == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < rules->nlots; i++)
		if ((rc = tl_lot_parse(ctx, c, rules->lots[i], &l->hand[i])))
			return rc;
	return TELLER_OK;
}

int
tl_tie_order_first(const struct teller_contest *c, const int *cand, int n)
{
	int k, i;

	if (c->tie_order == NULL)
		return -1;
	for (k = 0; k < c->ntie_order; k++)
		for (i = 0; i < n; i++)
			if (cand[i] == c->tie_order[k])
				return i;
	return -1;
}

/* Index in cand[0..n) of the candidate latest in c's tie order. */
static int
tie_order_last(const struct teller_contest *c, const int *cand, int n)
{
	int k, i;

	for (k = c->ntie_order; k-- > 0;)
		for (i = 0; i < n; i++)
			if (cand[i] == c->tie_order[k])
				return i;
	return 0;
}

/* "A, B and C" into buf (names of cand[0..n)), or sep "<" for a spec. */
static void
names_into(const struct teller_contest *c, const int *cand, int n,
    const char *sep, char *buf, size_t cap)
{
	size_t at = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && at < cap; i++) {
		const char *s = i == 0 ? "" : sep != NULL ? sep
		    : i + 1 == n ? " and " : ", ";
		int k = snprintf(buf + at, cap - at, "%s%s", s,
		    TL_CAND(c, cand[i])->name);
		if (k < 0)
			break;
		at += (size_t)k;
	}
}

static const char *const lot_purpose[] = { "exclusion", "surplus",
	"election", "order of election", "pair order", "finalist" };

_Static_assert(TL_NELEM(lot_purpose) == TL_TIEK_COUNT,
    "lot_purpose: one name a kind");

static void
le64(unsigned char b[8], uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

/* Keep the lot a count stops at for teller_lot_pending: with a state
 * digest over the stage, the continuing set and every stage's totals
 * when the method gives them. */
static int
remember(teller_ctx *ctx, const struct tl_lots *l, int stage,
    enum tl_tie_kind kind, bool against, const int *cand, int n)
{
	int nc = l->c->ncand, i;

	if (ctx->lot_cap < nc) {
		ctx->lot_tied = tl_alloc(ctx, (size_t)nc, sizeof(int));
		if (ctx->lot_tied == NULL) {
			ctx->lot_cap = 0;
			return TELLER_ENOMEM;
		}
		ctx->lot_cap = nc;
	}
	memcpy(ctx->lot_tied, cand, (size_t)n * sizeof(int));
	ctx->lot_n = n;
	ctx->lot_stage = stage;
	ctx->lot_kind = (int)kind;
	ctx->lot_against = against;
	ctx->lot_free = l->free_order;
	ctx->lot_has_state = l->cont != NULL && l->r != NULL;
	if (ctx->lot_has_state) {
		struct tl_sha256 s;
		unsigned char b[8];
		size_t k;
		int j;

		tl_sha256_init(&s);
		le64(b, (uint64_t)stage);
		tl_sha256_update(&s, b, 8);
		for (i = 0; i < nc; i++)
			tl_sha256_update(&s, l->cont[i] ? "1" : "0", 1);
		for (k = 0; k < l->r->stages->len; k++)
			for (j = 0; j < nc; j++) {
				le64(b, (uint64_t)TL_STAGE(l->r, k)->votes[j]);
				tl_sha256_update(&s, b, 8);
			}
		tl_sha256_final(&s, ctx->lot_state);
	}
	return TELLER_OK;
}

void
tl_lots_forget(teller_ctx *ctx)
{
	ctx->lot_n = 0;
}

int
teller_lot_pending(const teller_ctx *ctx, teller_pending_lot *out)
{
	memset(out, 0, sizeof(*out));
	if (ctx->lot_n <= 0)
		return 0;
	out->stage = ctx->lot_stage;
	out->purpose = lot_purpose[ctx->lot_kind];
	out->against = ctx->lot_against;
	out->ntied = ctx->lot_n;
	out->tied = ctx->lot_tied;
	out->state = ctx->lot_has_state ? ctx->lot_state : NULL;
	out->order_free = ctx->lot_free;
	return ctx->lot_n;
}

int
tl_lots_draw(teller_ctx *ctx, struct tl_lots *l, int stage,
    enum tl_tie_kind kind, bool against, const int *cand, int n, int *idx,
    uint64_t *draw, enum tl_tie_how *how)
{
	const struct tl_hand_lot *h;
	char names[512], spec[512];
	int i, j;

	if (l->rules->nlots <= l->used) {
		int first = tl_tie_order_first(l->c, cand, n);
		if (first >= 0) {
			*idx = against == (kind == TL_TIEK_EXCLUDE) ? first
			    : tie_order_last(l->c, cand, n);
			*draw = 0;
			*how = TL_TIE_TIEORDER;
			return TELLER_OK;
		}
		if (!l->rules->no_seed) {
			*idx = tl_tie_lot(&l->rng, n);
			*draw = (uint64_t)*idx;
			*how = TL_TIE_LOT;
			return TELLER_OK;
		}
		if (remember(ctx, l, stage, kind, against, cand, n))
			return TELLER_ENOMEM;
		names_into(l->c, cand, n, NULL, names, sizeof(names));
		names_into(l->c, cand, n, "<", spec, sizeof(spec));
		return tl_fail(ctx, TELLER_ETIE, "stage %d: %s are tied (%s) "
		    "and the rules leave it to a lot; draw it and give it as "
		    "--lot '%d:%s' (least favoured first: the lot goes "
		    "against the first)", stage, names,
		    lot_purpose[kind], stage, spec);
	}
	h = &l->hand[l->used];
	names_into(l->c, cand, n, NULL, names, sizeof(names));
	if ((h->stage != 0 && h->stage != stage) || h->n != n)
		goto mismatch;
	for (i = 0; i < n; i++) {
		for (j = 0; j < n && h->order[j] != cand[i]; j++)
			;
		if (j == n)
			goto mismatch;
	}
	l->used++;
	for (i = 0; i < n; i++)
		if (cand[i] == h->order[against ? 0 : n - 1])
			*idx = i;
	*draw = (uint64_t)l->used;
	*how = TL_TIE_HAND;
	return TELLER_OK;
mismatch:
	return tl_fail(ctx, TELLER_ESTOP, "lot %d ('%s') does not match the "
	    "tie that arose: stage %d, %s tied (%s)", l->used + 1, h->spec,
	    stage, names, lot_purpose[kind]);
}
