/* SPDX-License-Identifier: MIT */
/*
 * tie.c -- drawing lots reproducibly. The stream is SplitMix64 (Steele,
 * Lea and Flood 2014): state += 0x9E3779B97F4A7C15; z = state;
 * z = (z ^ z>>30) * 0xBF58476D1CE4E5B9; z = (z ^ z>>27) *
 * 0x94D049BB133111EB; return z ^ z>>31. A lot among n tied candidates
 * (listed in input order) draws until z < n * floor(2^64 / n) and takes
 * z % n, so every candidate is equally likely. The seed is the caller's
 * and is printed in every report.
 */
#include "tl_int.h"

void
tl_tie_seed(struct tl_rng *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t
tl_tie_next(struct tl_rng *r)
{
	uint64_t z = (r->state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

int
tl_tie_lot(struct tl_rng *r, int n)
{
	uint64_t lim, z;

	if (n <= 1)
		return 0;
	lim = (UINT64_MAX / (uint64_t)n) * (uint64_t)n;
	do
		z = tl_tie_next(r);
	while (z >= lim);
	return (int)(z % (uint64_t)n);
}
