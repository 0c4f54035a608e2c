/* SPDX-License-Identifier: MIT */
/*
 * sha256.c -- SHA-256 as FIPS 180-4 sections 4.1.2, 4.2.2, 5.1.1, 5.3.3
 * and 6.2 define it, so the core needs no crypto library: manifests,
 * canonical hashes and the rivest-sha256 lot sampler use it. Checked
 * against the NIST example vectors (tests/unit/t_sha256.c).
 *
 * Two compression functions: the portable one below, about 250 MB/s,
 * and on x86-64 CPUs with the SHA extensions one built on the
 * SHA256RNDS2/SHA256MSG1/SHA256MSG2 instructions (Intel SDM vol. 2;
 * "Intel SHA Extensions", Gulley et al., 2013), several times faster,
 * so the manifest's hashes of every input and output cost little next
 * to reading them (issue 17). cpuid chooses once per process; the
 * environment variable TELLER_SHA256=portable, the build flag
 * -DTL_SHA256_NO_SHANI or tl_sha256_select (for the tests) keep the
 * portable one. Elsewhere (wasm, other CPUs) only the portable one is
 * compiled.
 */
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

#if (defined(__x86_64__) || defined(__i386__)) && \
    (defined(__GNUC__) || defined(__clang__)) && \
    !defined(TL_SHA256_NO_SHANI)
#define HAVE_SHANI 1
#include <cpuid.h>
#include <immintrin.h>
#include <stdatomic.h>
#else
#define HAVE_SHANI 0
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
	0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
	0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
	0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
	0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
	0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
	0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define CH(x, y, z) (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

void
tl_sha256_init(struct tl_sha256 *s)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
		0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, h0, sizeof(h0));
	s->n = 0;
}

/* FIPS 180-4 6.2.2: one 64-byte block into the chaining value. */
static void
block_c(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int t;

	for (t = 0; t < 16; t++)
		w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
		    (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
	for (t = 16; t < 64; t++)
		w[t] = SSIG1(w[t - 2]) + w[t - 7] + SSIG0(w[t - 15]) +
		    w[t - 16];
	a = h[0], b = h[1], c = h[2], d = h[3];
	e = h[4], f = h[5], g = h[6], k = h[7];
	for (t = 0; t < 64; t++) {
		t1 = k + BSIG1(e) + CH(e, f, g) + K[t] + w[t];
		t2 = BSIG0(a) + MAJ(a, b, c);
		k = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

static void
blocks_c(uint32_t h[8], const unsigned char *p, size_t nb)
{
	for (; nb > 0; nb--, p += 64)
		block_c(h, p);
}

#if HAVE_SHANI
/*
 * The same 64 rounds with the SHA extensions. SHA256RNDS2 does two
 * rounds on the state held as two vectors, ABEF and CDGH (A in the top
 * lane), taking W+K for the two rounds from the low half of its third
 * operand; SHA256MSG1 and SHA256MSG2 compute four schedule words
 * (FIPS 180-4 6.2.2 step 1) from the sixteen before them: MSG1 adds
 * sigma0 of W[t-15..t-12] to W[t-16..t-13], the caller adds
 * W[t-7..t-4], and MSG2 adds sigma1 of W[t-2], W[t-1] and of the two
 * words it has just made. m[] is a ring of the last sixteen words.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void
blocks_ni(uint32_t h[8], const unsigned char *p, size_t nb)
{
	/* the big-endian words of a block, in lane order */
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
	    0x0405060700010203LL);
	__m128i st0, st1, t, save0, save1, m[4], wk;
	int i;

	/* h as ABCD, EFGH -> ABEF, CDGH (lanes 3..0 = A B E F) */
	t = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);
	st1 = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);
	t = _mm_shuffle_epi32(t, 0xb1);         /* B A D C */
	st1 = _mm_shuffle_epi32(st1, 0x1b);     /* H G F E */
	st0 = _mm_alignr_epi8(t, st1, 8);       /* F E B A */
	st1 = _mm_blend_epi16(st1, t, 0xf0);    /* H G D C */
	for (; nb > 0; nb--, p += 64) {
		save0 = st0;
		save1 = st1;
		for (i = 0; i < 16; i++) {
			__m128i *w = &m[i & 3];
			if (i < 4) {
				*w = _mm_shuffle_epi8(_mm_loadu_si128(
				    (const __m128i *)(const void *)
				    (p + 16 * i)), bswap);
			} else {
				__m128i prev = m[(i + 3) & 3];
				*w = _mm_sha256msg1_epu32(*w, m[(i + 1) & 3]);
				*w = _mm_add_epi32(*w, _mm_alignr_epi8(prev,
				    m[(i + 2) & 3], 4));
				*w = _mm_sha256msg2_epu32(*w, prev);
			}
			wk = _mm_add_epi32(*w, _mm_loadu_si128(
			    (const __m128i *)(const void *)&K[4 * i]));
			st1 = _mm_sha256rnds2_epu32(st1, st0, wk);
			wk = _mm_shuffle_epi32(wk, 0x0e);
			st0 = _mm_sha256rnds2_epu32(st0, st1, wk);
		}
		st0 = _mm_add_epi32(st0, save0);
		st1 = _mm_add_epi32(st1, save1);
	}
	/* back to ABCD, EFGH */
	t = _mm_shuffle_epi32(st0, 0x1b);       /* A B E F */
	st1 = _mm_shuffle_epi32(st1, 0xb1);     /* G H C D */
	st0 = _mm_blend_epi16(t, st1, 0xf0);    /* A B C D */
	st1 = _mm_alignr_epi8(st1, t, 8);       /* E F G H */
	_mm_storeu_si128((__m128i *)(void *)&h[0], st0);
	_mm_storeu_si128((__m128i *)(void *)&h[4], st1);
}

/* SHA (CPUID.(EAX=7,ECX=0):EBX bit 29), SSSE3 and SSE4.1
 * (CPUID.1:ECX bits 9 and 19). */
static int
cpu_has_shani(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & 1u << 9) ||
	    !(c & 1u << 19))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b & 1u << 29) != 0;
}

/* 0 not chosen yet, 1 portable, 2 SHA extensions; any thread may
 * choose, and all choose alike. */
static atomic_int path;

static int
chosen(void)
{
	int v = atomic_load_explicit(&path, memory_order_relaxed);

	if (v == 0) {
		const char *e = getenv("TELLER_SHA256");
		v = (e != NULL && strcmp(e, "portable") == 0) ||
		    !cpu_has_shani() ? 1 : 2;
		atomic_store_explicit(&path, v, memory_order_relaxed);
	}
	return v;
}

static void
blocks(uint32_t h[8], const unsigned char *p, size_t nb)
{
	if (chosen() == 2)
		blocks_ni(h, p, nb);
	else
		blocks_c(h, p, nb);
}

int
tl_sha256_select(int which)
{
	if (which == TL_SHA256_AUTO) {
		atomic_store_explicit(&path, 0, memory_order_relaxed);
		which = chosen() == 2 ? TL_SHA256_SHANI : TL_SHA256_PORTABLE;
		return which;
	}
	if (which == TL_SHA256_SHANI && !cpu_has_shani())
		return -1;
	atomic_store_explicit(&path, which == TL_SHA256_SHANI ? 2 : 1,
	    memory_order_relaxed);
	return which;
}
#else
#define blocks blocks_c

int
tl_sha256_select(int which)
{
	return which == TL_SHA256_SHANI ? -1 : TL_SHA256_PORTABLE;
}
#endif

void
tl_sha256_update(struct tl_sha256 *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t have = (size_t)(s->n % 64);

	s->n += n;
	if (have > 0) {
		size_t take = 64 - have < n ? 64 - have : n;
		memcpy(s->buf + have, p, take);
		p += take;
		n -= take;
		if (have + take < 64)
			return;
		blocks(s->h, s->buf, 1);
	}
	if (n >= 64) {
		blocks(s->h, p, n / 64);
		p += n / 64 * 64;
		n %= 64;
	}
	if (n > 0)
		memcpy(s->buf, p, n);
}

void
tl_sha256_final(struct tl_sha256 *s, unsigned char out[32])
{
	uint64_t bits = s->n * 8;
	size_t have = (size_t)(s->n % 64);
	int i;

	/* 5.1.1: a 1 bit, zeros, then the length in bits, big-endian */
	s->buf[have++] = 0x80;
	if (have > 56) {
		memset(s->buf + have, 0, 64 - have);
		blocks(s->h, s->buf, 1);
		have = 0;
	}
	memset(s->buf + have, 0, 56 - have);
	for (i = 0; i < 8; i++)
		s->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	blocks(s->h, s->buf, 1);
	for (i = 0; i < 32; i++)
		out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

void
tl_sha256_hex(struct tl_sha256 *s, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];
	int i;

	tl_sha256_final(s, d);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

void
tl_sha256(const void *p, size_t n, unsigned char out[32])
{
	struct tl_sha256 s;

	tl_sha256_init(&s);
	tl_sha256_update(&s, p, n);
	tl_sha256_final(&s, out);
}
