/* SPDX-License-Identifier: MIT */
/*
 * cvr_jsimd.h -- the two byte looks of cvr_json.c's span scanner with
 * AVX2, for processors that have it (chosen at run time: the baseline
 * x86-64 that teller is built for lacks it). Each gives exactly the
 * answers of cvr_json.c's SSE2 and byte loops; only fewer instructions
 * a byte. Internal to lib/rctab.
 */
#ifndef TL_CVR_JSIMD_H
#define TL_CVR_JSIMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The bytes escaped by the backslashes bs (bit k for byte k), the
 * first byte escaped when pe: each byte after an odd run of
 * backslashes. *carry: the next block's first byte is escaped. (As
 * simdjson's stage 1 finds them; right when every backslash is in a
 * string, which the caller checks.) */
static inline uint64_t
tl_jescaped(uint64_t bs, uint64_t pe, uint64_t *carry)
{
	const uint64_t even = 0x5555555555555555u;
	uint64_t follows, odd_starts, sum;

	bs &= ~pe;
	follows = bs << 1 | pe;
	odd_starts = bs & ~even & ~follows;
	sum = odd_starts + bs;
	*carry = sum < odd_starts;
	return (even ^ (sum << 1)) & follows;
}

/* The bracket walk's state between 64-byte blocks (cvr_json.c's
 * jc_value): nesting depth, inside a string, and the first byte that
 * is looked at again (the one after an escaped byte). */
struct tl_jwalk {
	int depth;
	bool str;
	size_t skip;
};

/* Whether the processor runs the functions below (AVX2, PCLMUL and
 * POPCNT); false where they are not built. */
bool tl_jsimd_ok(void);

/* From b[i], the 64-byte blocks before b[stop] that can neither end the
 * value (depth stays above base) nor nest past lim, and whose
 * backslashes are all in strings: passed over, their brackets counted
 * into *w. Returns the first block not passed over (i if none). Only
 * when tl_jsimd_ok(), and with w as the walk leaves it (a byte escaped
 * across blocks, w->skip == i + 1, is in a string: w->str). */
size_t tl_jsimd_blocks(const unsigned char *b, size_t i, size_t stop,
    struct tl_jwalk *w, int base, int lim);

/* From b[i], the 64-byte blocks before b[k] looked at for name as
 * written (nl bytes) or a "\u": *seen set at the first, else every
 * whole block passed over. Bytes up to b[room) may be read to tell.
 * Returns where it stopped. Only when tl_jsimd_ok(). */
size_t tl_jsimd_name(const unsigned char *b, size_t i, size_t k,
    size_t room, const char *name, size_t nl, bool *seen);

#endif
