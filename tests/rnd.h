/* SPDX-License-Identifier: MIT */
/*
 * rnd.h -- the unit tests' generated inputs: a xorshift generator, the
 * same sequence on every run (a test may set rng to start another).
 */
#ifndef RND_H
#define RND_H

static unsigned long long rng = 88172645463325252ULL;

/* A number from 0 to n - 1 (n > 0). */
static inline unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

#endif
