/* SPDX-License-Identifier: MIT */
/*
 * sha256.h -- SHA-256 (FIPS 180-4), incremental, no dependency
 * (sha256.c).
 */
#ifndef TL_SHA256_H
#define TL_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct tl_sha256 {
	uint32_t h[8];          /* chaining value */
	uint64_t n;             /* bytes hashed so far */
	unsigned char buf[64];  /* partial block: n % 64 bytes */
};

void tl_sha256_init(struct tl_sha256 *s);
void tl_sha256_update(struct tl_sha256 *s, const void *p, size_t n);
/* Finish: the 32-byte digest into out (s must be initialised again
 * before reuse). */
void tl_sha256_final(struct tl_sha256 *s, unsigned char out[32]);
/* Finish into 64 lower-case hex digits and a NUL. */
void tl_sha256_hex(struct tl_sha256 *s, char out[65]);
/* One-shot digest of (p, n). */
void tl_sha256(const void *p, size_t n, unsigned char out[32]);

#endif /* TL_SHA256_H */
