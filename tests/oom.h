/* SPDX-License-Identifier: MIT */
/*
 * oom.h -- allocation-failure injection for unit tests. A counting
 * teller_alloc fails its Nth allocation; with env TELLER_OOM=1 a test
 * loops N = 1..total and checks each run returns TELLER_ENOMEM cleanly
 * and that every byte is given back (include after harness.h).
 */
#ifndef OOM_H
#define OOM_H

#include <stdlib.h>
#include <string.h>

#include "teller.h"

struct oom_state {
	long calls;  /* allocations so far (new_size > 0) */
	long fail;   /* fail this one (1-based); 0 never */
	long live;   /* bytes outstanding */
};

static inline void *
oom_realloc(void *ud, void *p, size_t old, size_t sz)
{
	struct oom_state *st = ud;
	void *q;

	if (sz == 0) {
		if (p != NULL)
			st->live -= (long)old;
		free(p);
		return NULL;
	}
	if (++st->calls == st->fail)
		return NULL;
	q = realloc(p, sz);
	if (q != NULL)
		st->live += (long)sz - (p != NULL ? (long)old : 0);
	return q;
}

static inline int
oom_enabled(void)
{
	const char *e = getenv("TELLER_OOM");

	return e != NULL && strcmp(e, "1") == 0;
}

/* A unit of work run on a fresh context. */
typedef int (*oom_fn)(teller_ctx *ctx, void *arg);

/* Run f with allocation n failing (0: none); *calls gets the count.
 * Returns f's result (or ctx_new's), and CHECKs nothing leaked. */
static inline int
oom_run_fn(oom_fn f, void *arg, long n, long *calls)
{
	struct oom_state st = { 0, n, 0 };
	teller_alloc a = { oom_realloc, &st };
	teller_ctx *ctx;
	int rc;

	rc = teller_ctx_new(&a, &ctx);
	if (rc == TELLER_OK) {
		rc = f(ctx, arg);
		if (rc == TELLER_OK && teller_errcode(ctx) != TELLER_OK)
			rc = teller_errcode(ctx);
		teller_ctx_free(ctx);
	}
	CHECK(st.live == 0, "%ld bytes leaked (failing allocation %ld)",
	    st.live, n);
	if (calls != NULL)
		*calls = st.calls;
	return rc;
}

/* Allocations f makes when none fails. */
static inline long
oom_count_fn(oom_fn f, void *arg)
{
	long calls = 0;
	int rc = oom_run_fn(f, arg, 0, &calls);

	CHECK(rc == TELLER_OK, "the unfailed run gave %d", rc);
	return calls;
}

/* Fail each allocation in turn; CHECK each run gives ENOMEM. */
static inline void
oom_loop(const char *what, oom_fn f, void *arg)
{
	long total = oom_count_fn(f, arg), n, bad = 0;
	int rc;

	for (n = 1; n <= total; n++) {
		rc = oom_run_fn(f, arg, n, NULL);
		if (rc != TELLER_ENOMEM) {
			if (bad++ < 3)
				fprintf(stderr, "%s: failing allocation %ld of "
				    "%ld gave %d\n", what, n, total, rc);
		}
	}
	CHECK(total > 1, "%s: only %ld allocations", what, total);
	CHECK(bad == 0, "%s: %ld of %ld runs did not give ENOMEM", what, bad,
	    total);
}

struct oom_read {
	const char *src;
	size_t len;
	enum teller_format fmt;
};

static inline int
oom_read_fn(teller_ctx *ctx, void *arg)
{
	struct oom_read *r = arg;
	teller_contest *c;
	teller_profile *p;

	return teller_read(ctx, r->fmt, "oom", r->src, r->len, &c, &p);
}

/* oom_loop over teller_read of src in format fmt. */
static inline void
oom_read_loop(const char *what, const char *src, size_t len,
    enum teller_format fmt)
{
	struct oom_read r = { src, len, fmt };

	oom_loop(what, oom_read_fn, &r);
}

#endif
