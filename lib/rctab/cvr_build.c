/* SPDX-License-Identifier: MIT */
/*
 * cvr_build.c -- the record builder shared by the vendor CVR readers:
 * marks -> rank slots (docs/rctab.md section 4.1), Java-like integer
 * parsing, the rank limit, and CVR path helpers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvr_util.h"

struct tl_cvrb_mark {
	long rank;
	const char *p; /* the string kept by the caller, or NULL: */
	size_t off; /* string in the pool */
	size_t seq; /* order added, to keep the sort stable */
};

int
tl_cvrb_init(teller_ctx *ctx, struct tl_cvrb *b)
{
	b->ctx = ctx;
	b->pool = tl_vec_new(ctx, 1);
	b->marks = tl_vec_new(ctx, sizeof(struct tl_cvrb_mark));
	b->slots = tl_vec_new(ctx, sizeof(struct tl_cvr_slot));
	b->cands = tl_vec_new(ctx, sizeof(const char *));
	if (b->pool == NULL || b->marks == NULL || b->slots == NULL ||
	    b->cands == NULL)
		return tl_oom(ctx);
	return TELLER_OK;
}

void
tl_cvrb_reset(struct tl_cvrb *b)
{
	b->pool->len = 0;
	b->marks->len = 0;
	b->slots->len = 0;
	b->cands->len = 0;
}

int
tl_cvrb_add(struct tl_cvrb *b, const char *s, size_t n, size_t *off)
{
	if (n >= SIZE_MAX / 2 || (b->pool->cap - b->pool->len < n + 1 &&
	    tl_vec_reserve(b->ctx, b->pool, n + 1) != 0))
		return tl_oom(b->ctx);
	*off = b->pool->len;
	if (n > 0)
		memcpy((char *)b->pool->data + b->pool->len, s, n);
	((char *)b->pool->data)[b->pool->len + n] = '\0';
	b->pool->len += n + 1;
	return TELLER_OK;
}

const char *
tl_cvrb_str(const struct tl_cvrb *b, size_t off)
{
	return (const char *)b->pool->data + off;
}

/* The checks of a mark's rank (tl_cvrb_mark). */
static int
mark_rank(struct tl_cvrb *b, long rank)
{
	/* CandidateRankingsList: ranks must be positive. */
	if (rank < 1)
		return tl_fail_in(b->ctx, b->file, TELLER_EPARSE, 0, 0,
		    "rank %ld is not a positive number", rank);
	if (rank > b->ctx->lim.ranks)
		return tl_fail_in(b->ctx, b->file, TELLER_ELIMIT, 0, 0,
		    "rank %ld is more than the limit of %d ranks", rank,
		    b->ctx->lim.ranks);
	return TELLER_OK;
}

int
tl_cvrb_mark(struct tl_cvrb *b, long rank, const char *s, size_t n)
{
	struct tl_cvrb_mark m;
	int err;

	if ((err = mark_rank(b, rank)) != TELLER_OK ||
	    (err = tl_cvrb_add(b, s, n, &m.off)) != TELLER_OK)
		return err;
	m.p = NULL;
	m.rank = rank;
	m.seq = b->marks->len;
	if (tl_vec_push(b->ctx, b->marks, &m) == NULL)
		return tl_oom(b->ctx);
	return TELLER_OK;
}

int
tl_cvrb_mark_kept(struct tl_cvrb *b, long rank, const char *s)
{
	struct tl_cvrb_mark m;
	int err;

	if ((err = mark_rank(b, rank)) != TELLER_OK)
		return err;
	m.p = s;
	m.off = 0;
	m.rank = rank;
	m.seq = b->marks->len;
	/* tl_vec_push without its calls (it reserves only when full) */
	if (b->marks->len == b->marks->cap &&
	    tl_vec_reserve(b->ctx, b->marks, 1) != TELLER_OK)
		return tl_oom(b->ctx);
	((struct tl_cvrb_mark *)b->marks->data)[b->marks->len++] = m;
	return TELLER_OK;
}

size_t
tl_cvrb_nmarks(const struct tl_cvrb *b)
{
	return b->marks->len;
}

long
tl_cvrb_maxrank(const struct tl_cvrb *b)
{
	long mx = 0;
	size_t i;

	for (i = 0; i < b->marks->len; i++) {
		const struct tl_cvrb_mark *m = &TL_VEC_AT(b->marks,
		    struct tl_cvrb_mark, i);
		if (m->rank > mx)
			mx = m->rank;
	}
	return mx;
}

static int
cmp_mark(const void *pa, const void *pb)
{
	const struct tl_cvrb_mark *a = pa, *b = pb;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

/* Sort m[0..n) by cmp_mark's order (rank, then seq: a total order, so
 * any sort gives the same). A ballot's few marks, usually in rank order
 * already, by insertion; qsort's calls cost more for them. */
static void
sort_marks(struct tl_cvrb_mark *m, size_t n)
{
	size_t i, j;

	if (n > 32) {
		qsort(m, n, sizeof(*m), cmp_mark);
		return;
	}
	for (i = 1; i < n; i++) {
		struct tl_cvrb_mark x = m[i];

		for (j = i; j > 0 && cmp_mark(&m[j - 1], &x) > 0; j--)
			m[j] = m[j - 1];
		m[j] = x;
	}
}

int
tl_cvrb_finish(struct tl_cvrb *b, struct tl_cvr *r)
{
	struct tl_cvrb_mark *m;
	struct tl_cvr_slot *sl;
	size_t i, j, n = b->marks->len, nslots = 0;

	r->nslots = 0;
	r->slots = NULL;
	if (n == 0)
		return TELLER_OK;
	m = b->marks->data;
	sort_marks(m, n);
	b->cands->len = 0;
	b->slots->len = 0;
	if (tl_vec_reserve(b->ctx, b->cands, n) != 0 ||
	    tl_vec_reserve(b->ctx, b->slots, n) != 0)
		return tl_oom(b->ctx);
	for (i = 0; i < n; i++)
		TL_VEC_AT(b->cands, const char *, i) = m[i].p != NULL ?
		    m[i].p : tl_cvrb_str(b, m[i].off);
	b->cands->len = n;
	sl = b->slots->data;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && m[j].rank == m[i].rank; j++)
			;
		sl[nslots].rank = (int)m[i].rank;
		sl[nslots].n = (int)(j - i);
		sl[nslots].cands = &TL_VEC_AT(b->cands, const char *, i);
		nslots++;
	}
	b->slots->len = nslots;
	r->slots = sl;
	r->nslots = (int)nslots;
	return TELLER_OK;
}

bool
tl_cvr_parse_int(const char *s, size_t n, long *out)
{
	int64_t v;
	uint64_t u;
	bool neg = false;
	size_t i = 0;

	if (n == 0)
		return false;
	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		i = 1;
	}
	if (tl_text_uint(s + i, n - i, (uint64_t)INT32_MAX + 1, &u) !=
	    (long)(n - i) || i == n)
		return false;
	v = (int64_t)u;
	if (neg)
		v = -v;
	if (v > INT32_MAX || v < INT32_MIN)
		return false;
	*out = (long)v;
	return true;
}

int
tl_cvr_max_ranks(const struct tl_cvr_source *src)
{
	/* "max" sets no limit here: 2024_alaska_dominion ranks 5 with 4
	 * declared candidates and RCTab reads it. */
	return src->max_rankings > 0 ? src->max_rankings : 0;
}

char *
tl_cvr_path(teller_ctx *ctx, const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	p = tl_alloc(ctx, dl + nl + 2, 1);
	if (p == NULL)
		return NULL;
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, name, nl + 1);
	return p;
}

const char *
tl_cvr_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}
