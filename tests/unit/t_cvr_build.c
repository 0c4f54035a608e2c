/* SPDX-License-Identifier: MIT */
/*
 * t_cvr_build.c -- the record builder's grouping of marks into rank
 * slots (tl_cvrb_finish): increasing rank, and at one rank the names in
 * the order they were marked, for marks in any order, few (sorted in
 * place) or many (qsort).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "cvr_util.h"

static unsigned long long seed = 0x9E3779B97F4A7C15ULL;

/* 0 .. n-1 from a linear congruential generator's high bits. */
static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(seed >> 33) % n;
}

/* One record of n marks at random ranks 1..maxr against the expected
 * slots: for each rank in turn, the marks of that rank in order. */
static void
one(teller_ctx *ctx, struct tl_cvrb *b, size_t n, unsigned maxr)
{
	long rank[64];
	char name[64][24];
	struct tl_cvr r;
	size_t i, k = 0;
	int s, j;
	long want;

	tl_cvrb_reset(b);
	for (i = 0; i < n; i++) {
		rank[i] = 1 + (long)rnd(maxr);
		snprintf(name[i], sizeof(name[i]), "c%zu", i);
		CHECK(tl_cvrb_mark(b, rank[i], name[i], strlen(name[i])) ==
		    TELLER_OK, "%s", teller_errmsg(ctx));
	}
	memset(&r, 0, sizeof(r));
	CHECK(tl_cvrb_finish(b, &r) == TELLER_OK, "%s", teller_errmsg(ctx));
	for (s = 0; s < r.nslots; s++) {
		want = r.slots[s].rank;
		CHECK(s == 0 || r.slots[s - 1].rank < want, "slot %d rank %ld",
		    s, want);
		for (j = 0, i = 0; i < n; i++) {
			if (rank[i] != want)
				continue;
			CHECK(j < r.slots[s].n && strcmp(r.slots[s].cands[j],
			    name[i]) == 0, "n %zu rank %ld: %s at %d", n, want,
			    name[i], j);
			j++;
			k++;
		}
		CHECK_INT(j, r.slots[s].n);
	}
	CHECK_INT(k, n);
}

int
main(void)
{
	teller_ctx *ctx;
	struct tl_cvrb b;
	int t;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return 1;
	b.file = "t.json";
	if (tl_cvrb_init(ctx, &b) != TELLER_OK)
		return 1;
	for (t = 0; t < 3000; t++)
		one(ctx, &b, rnd(t % 3 == 0 ? 64 : 12), 1 + rnd(8));
	teller_ctx_free(ctx);
	return h_done();
}
