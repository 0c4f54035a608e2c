/* SPDX-License-Identifier: MIT */
/*
 * fuzz_common.h -- checks shared by the fuzz targets: read an input in
 * one format and, on success, test the profile's invariants and that it
 * survives a TELLERP1 round trip byte for byte; on failure, that the
 * error is recorded with a message (and a line for parse errors). Any
 * broken invariant aborts, which libFuzzer and the replay driver report.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(c)                                                    \
	do {                                                              \
		if (!(c)) {                                               \
			fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", \
			    __FILE__, __LINE__, #c);                      \
			abort();                                          \
		}                                                         \
	} while (0)

/* Small limits so one input cannot take seconds or gigabytes. */
static inline void
fuzz_limits(teller_ctx *ctx)
{
	teller_limits lim;

	teller_limits_init(&lim);
	lim.line_bytes = 1 << 16;
	lim.candidates = 300;
	lim.seats = 50;
	lim.ranks = 300;
	lim.patterns = 100000;
	lim.ballots = INT64_C(1000000000000);
	lim.depth = 64;
	teller_ctx_set_limits(ctx, &lim);
}

struct fuzz_buf {
	char *p;
	size_t n, cap;
};

static inline int
fuzz_buf_write(void *ud, const char *p, size_t n)
{
	struct fuzz_buf *b = ud;

	if (b->n + n > b->cap) {
		size_t cap = (b->n + n) * 2 + 256;
		char *q = realloc(b->p, cap);
		if (q == NULL)
			return 1;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	return 0;
}

static inline int
fuzz_null_write(void *ud, const char *p, size_t n)
{
	(void)ud;
	(void)p;
	(void)n;
	return 0;
}

/* An error must be recorded, with text, and a line for EPARSE. */
static inline void
fuzz_check_error(teller_ctx *ctx, int rc)
{
	long line = 0;

	FUZZ_ASSERT(rc != TELLER_OK);
	FUZZ_ASSERT(teller_errcode(ctx) == rc);
	FUZZ_ASSERT(teller_errmsg(ctx)[0] != '\0');
	teller_errpos(ctx, NULL, &line, NULL);
	if (rc == TELLER_EPARSE)
		FUZZ_ASSERT(line > 0);
}

/* The invariants of a contest and profile a reader returned. */
static inline void
fuzz_check_profile(const struct teller_contest *c,
    const struct teller_profile *p)
{
	size_t i;
	int64_t sum = 0, empty = 0;

	FUZZ_ASSERT(c->ncand == p->ncand);
	FUZZ_ASSERT(c->ncand == (int)c->cands->len);
	FUZZ_ASSERT(p->wdp >= 0 && p->wdp <= 9);
	for (i = 0; i < p->pats->len; i++) {
		const struct tl_pat *pat = TL_PAT(p, i);
		struct tl_rank r;
		uint32_t nr = 0;
		int k;

		FUZZ_ASSERT(pat->w > 0);
		FUZZ_ASSERT(!__builtin_add_overflow(sum, pat->w, &sum));
		FUZZ_ASSERT((size_t)pat->off + pat->len <= p->cells->len);
		if (pat->len == 0)
			empty += pat->w;
		for (r = tl_rank_first(p, pat); r.cells != NULL;
		     r = tl_rank_next(r)) {
			FUZZ_ASSERT(r.ids + r.n <= r.end);
			for (k = 0; k < r.n; k++)
				FUZZ_ASSERT(r.ids[k] < c->ncand);
			nr++;
		}
		FUZZ_ASSERT(nr == pat->nranks);
	}
	FUZZ_ASSERT(sum == p->total);
	FUZZ_ASSERT(empty == p->empty);
}

/* Write (c, p) as TELLERP1, read it back, write again: same bytes and
 * the same totals. */
static inline void
fuzz_roundtrip(const struct teller_contest *c, const struct teller_profile *p)
{
	struct fuzz_buf b1 = { 0 }, b2 = { 0 };
	teller_ctx *ctx, *ctx2;
	teller_contest *c2;
	teller_profile *p2;
	int rc;

	if (c->ncand == 0)
		return;
	FUZZ_ASSERT(teller_ctx_new(NULL, &ctx) == TELLER_OK);
	FUZZ_ASSERT(teller_ctx_new(NULL, &ctx2) == TELLER_OK);
	fuzz_limits(ctx2);
	FUZZ_ASSERT(tl_profile_write(ctx, c, p, fuzz_buf_write, &b1) ==
	    TELLER_OK);
	rc = teller_read(ctx2, TELLER_FMT_AUTO, "rt", b1.p, b1.n, &c2, &p2);
	if (rc != TELLER_OK)
		fprintf(stderr, "round trip: %s at %ld\n", teller_errmsg(ctx2),
		    ctx2->line);
	FUZZ_ASSERT(rc == TELLER_OK);
	FUZZ_ASSERT(p2->total == p->total && p2->wdp == p->wdp);
	FUZZ_ASSERT(p2->pats->len == p->pats->len);
	FUZZ_ASSERT(p2->lines == p->lines && p2->empty == p->empty);
	FUZZ_ASSERT(tl_profile_write(ctx, c2, p2, fuzz_buf_write, &b2) ==
	    TELLER_OK);
	FUZZ_ASSERT(b1.n == b2.n && memcmp(b1.p, b2.p, b1.n) == 0);
	free(b1.p);
	free(b2.p);
	teller_ctx_free(ctx);
	teller_ctx_free(ctx2);
}

/* Read data as fmt and check everything; returns 0 (libFuzzer's "keep"). */
static inline int
fuzz_read_one(enum teller_format fmt, const uint8_t *data, size_t size)
{
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	int rc;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return 0;
	fuzz_limits(ctx);
	rc = teller_read(ctx, fmt, "fuzz", (const char *)data, size, &c, &p);
	if (rc != TELLER_OK) {
		fuzz_check_error(ctx, rc);
	} else {
		fuzz_check_profile(c, p);
		fuzz_roundtrip(c, p);
	}
	teller_ctx_free(ctx);
	return 0;
}

#endif
