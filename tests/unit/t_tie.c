/* SPDX-License-Identifier: MIT */
/*
 * t_tie.c -- the tie-break stream: SplitMix64 reference values (checked
 * against an independent implementation of Steele, Lea and Flood's
 * published algorithm), reproducibility, and the uniform lot.
 */
#include "harness.h"
#include "tl_int.h"

static void
reference(void)
{
	static const struct {
		uint64_t seed;
		uint64_t out[5];
	} ref[] = {
		{ 0, { UINT64_C(0xe220a8397b1dcdaf),
		    UINT64_C(0x6e789e6aa1b965f4), UINT64_C(0x06c45d188009454f),
		    UINT64_C(0xf88bb8a8724c81ec),
		    UINT64_C(0x1b39896a51a8749b) } },
		{ 1, { UINT64_C(0x910a2dec89025cc1),
		    UINT64_C(0xbeeb8da1658eec67), UINT64_C(0xf893a2eefb32555e),
		    UINT64_C(0x71c18690ee42c90b),
		    UINT64_C(0x71bb54d8d101b5b9) } },
		{ 1234567, { UINT64_C(0x599ed017fb08fc85),
		    UINT64_C(0x2c73f08458540fa5), UINT64_C(0x883ebce5a3f27c77),
		    UINT64_C(0x3fbef740e9177b3f),
		    UINT64_C(0xe3b8346708cb5ecd) } },
	};
	size_t i, k;

	for (i = 0; i < sizeof(ref) / sizeof(*ref); i++) {
		struct tl_rng r;
		tl_tie_seed(&r, ref[i].seed);
		for (k = 0; k < 5; k++) {
			uint64_t z = tl_tie_next(&r);
			CHECK(z == ref[i].out[k], "seed %llu draw %zu: %llx",
			    (unsigned long long)ref[i].seed, k,
			    (unsigned long long)z);
		}
	}
}

static void
lots(void)
{
	static const int want[10] = { 5, 5, 0, 2, 6, 4, 2, 6, 6, 5 };
	struct tl_rng r, r2;
	int i, counts[3] = { 0, 0, 0 }, n = 30000, bad = 0;
	uint64_t before;

	/* seed 42, n = 7: z % 7 of the reference stream (no rejection) */
	tl_tie_seed(&r, 42);
	for (i = 0; i < 10; i++)
		CHECK_INT(tl_tie_lot(&r, 7), want[i]);
	/* one candidate: no draw is consumed */
	tl_tie_seed(&r, 9);
	before = r.state;
	CHECK_INT(tl_tie_lot(&r, 1), 0);
	CHECK(r.state == before, "a lot among one consumed a draw");
	/* same seed, same lots */
	tl_tie_seed(&r, 777);
	tl_tie_seed(&r2, 777);
	for (i = 0; i < 100; i++)
		if (tl_tie_lot(&r, 5) != tl_tie_lot(&r2, 5))
			bad++;
	CHECK(bad == 0, "same seed gave different lots");
	/* range, and roughly uniform (deterministic: fixed seed) */
	tl_tie_seed(&r, 2026);
	for (i = 0; i < n; i++) {
		int k = tl_tie_lot(&r, 3);
		if (k >= 0 && k < 3)
			counts[k]++;
		else
			bad++;
	}
	CHECK(bad == 0, "%d lots out of range", bad);
	for (i = 0; i < 3; i++)
		CHECK(counts[i] > n / 3 - 500 && counts[i] < n / 3 + 500,
		    "lot %d drawn %d times of %d", i, counts[i], n);
	/* the largest n stays in range */
	tl_tie_seed(&r, 5);
	for (i = 0; i < 1000; i++) {
		int k = tl_tie_lot(&r, 2147483647);
		if (k < 0 || k >= 2147483647)
			bad++;
	}
	CHECK(bad == 0, "%d large lots out of range", bad);
}

int
main(void)
{
	reference();
	lots();
	return h_done();
}
