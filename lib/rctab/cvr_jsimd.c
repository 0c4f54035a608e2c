/* SPDX-License-Identifier: MIT */
/*
 * cvr_jsimd.c -- cvr_json.c's span walk and name look, 64 bytes at a
 * time with AVX2 (two 32-byte compares a mask instead of SSE2's four)
 * and the string parity by one carry-less multiply (PCLMUL) instead of
 * six shifts. Built for those instructions function by function; the
 * caller asks tl_jsimd_ok() first (issue 17: the vendor JSON readers'
 * time against `wc -l`).
 */
#include <stdint.h>
#include <string.h>

#include "cvr_jsimd.h"

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>

#define JS_TARGET __attribute__((target("avx2,pclmul,popcnt")))

bool
tl_jsimd_ok(void)
{
	return __builtin_cpu_supports("avx2") &&
	    __builtin_cpu_supports("pclmul") &&
	    __builtin_cpu_supports("popcnt");
}

/* Bit k set where s[k] == c, for s[0..64). */
static JS_TARGET inline uint64_t
js_eq64(__m256i lo, __m256i hi, __m256i c)
{
	return (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo,
	    c)) | (uint64_t)(uint32_t)_mm256_movemask_epi8(
	    _mm256_cmpeq_epi8(hi, c)) << 32;
}

/* Bit k: the XOR of bits 0..k of x (a multiply by all ones without
 * carries). */
static JS_TARGET inline uint64_t
js_prefix_xor(uint64_t x)
{
	__m128i r = _mm_clmulepi64_si128(_mm_set_epi64x(0, (long long)x),
	    _mm_set1_epi8((char)0xFF), 0);

	return (uint64_t)_mm_cvtsi128_si64(r);
}

/* One block at b (64 bytes at offset i): passed over into *w and true,
 * or false (w unchanged) when the general walk must look at it. */
static JS_TARGET inline bool
js_block(const unsigned char *b, size_t i, struct tl_jwalk *w, int base,
    int lim)
{
	const __m256i q = _mm256_set1_epi8('"'), bs = _mm256_set1_epi8('\\');
	const __m256i sp = _mm256_set1_epi8(0x20);
	const __m256i op = _mm256_set1_epi8('{'), cl = _mm256_set1_epi8('}');
	__m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)b);
	__m256i hi = _mm256_loadu_si256((const __m256i *)(const void *)
	    (b + 32));
	/* '[' | 0x20 is '{', ']' | 0x20 is '}' */
	__m256i ylo = _mm256_or_si256(lo, sp), yhi = _mm256_or_si256(hi, sp);
	uint64_t mq = js_eq64(lo, hi, q), mbs = js_eq64(lo, hi, bs);
	uint64_t pe = w->skip == i + 1, esc = 0, carry = 0, in, mo, mc;
	int no, nc;

	if (mbs != 0 || pe)
		esc = tl_jescaped(mbs, pe, &carry);
	in = js_prefix_xor(mq & ~esc) ^ (w->str ? ~(uint64_t)0 : 0);
	if ((mbs & ~in) != 0)
		return false;
	mo = js_eq64(ylo, yhi, op) & ~in;
	mc = js_eq64(ylo, yhi, cl) & ~in;
	no = __builtin_popcountll(mo);
	nc = __builtin_popcountll(mc);
	if (w->depth - nc <= base || w->depth + no > lim)
		return false;
	w->depth += no - nc;
	w->str = (in >> 63) != 0;
	if (carry)
		w->skip = i + 65;
	return true;
}

JS_TARGET size_t
tl_jsimd_blocks(const unsigned char *b, size_t i, size_t stop,
    struct tl_jwalk *w, int base, int lim)
{
	while (stop - i >= 64 && w->skip <= i + 1 && w->depth > base &&
	    js_block(b + i, i, w, base, lim))
		i += 64;
	return i;
}

/* Bit k set where s[k..] may start "\u" (bs, u) or name (first byte
 * c0, last cz, nl bytes long), for s[0..32). */
static JS_TARGET inline uint64_t
js_hits32(const unsigned char *s, __m256i bs, __m256i u, __m256i c0,
    __m256i cz, size_t nl)
{
	__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)s);
	__m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)
	    (s + 1));
	__m256i vz = _mm256_loadu_si256((const __m256i *)(const void *)
	    (s + nl - 1));
	__m256i h = _mm256_or_si256(_mm256_and_si256(
	    _mm256_cmpeq_epi8(v, bs), _mm256_cmpeq_epi8(v1, u)),
	    _mm256_and_si256(_mm256_cmpeq_epi8(v, c0),
	    _mm256_cmpeq_epi8(vz, cz)));

	return (uint64_t)(uint32_t)_mm256_movemask_epi8(h);
}

JS_TARGET size_t
tl_jsimd_name(const unsigned char *b, size_t i, size_t k, size_t room,
    const char *name, size_t nl, bool *seen)
{
	const __m256i bs = _mm256_set1_epi8('\\'), u = _mm256_set1_epi8('u');
	const __m256i c0 = _mm256_set1_epi8(name[0]);
	const __m256i cz = _mm256_set1_epi8(name[nl - 1]);
	/* the loads reach b[i + 64 + nl - 1] (b[i + 64] for "\u") */
	size_t reach = nl > 1 ? nl : 2;

	*seen = false;
	for (; k - i >= 64 && room - i >= 64 + reach; i += 64) {
		/* candidates: "\u", and name's first and last bytes where
		 * they would stand; each then checked in full */
		uint64_t m = js_hits32(b + i, bs, u, c0, cz, nl) |
		    js_hits32(b + i + 32, bs, u, c0, cz, nl) << 32;

		for (; m != 0; m &= m - 1) {
			size_t p = i + (size_t)__builtin_ctzll(m);

			if (b[p] == '\\' ? b[p + 1] == 'u' :
			    memcmp(b + p, name, nl) == 0) {
				*seen = true;
				return i;
			}
		}
	}
	return i;
}

#else

bool
tl_jsimd_ok(void)
{
	return false;
}

size_t
tl_jsimd_blocks(const unsigned char *b, size_t i, size_t stop,
    struct tl_jwalk *w, int base, int lim)
{
	(void)b, (void)stop, (void)w, (void)base, (void)lim;
	return i;
}

size_t
tl_jsimd_name(const unsigned char *b, size_t i, size_t k, size_t room,
    const char *name, size_t nl, bool *seen)
{
	(void)b, (void)k, (void)room, (void)name, (void)nl;
	*seen = false;
	return i;
}

#endif
