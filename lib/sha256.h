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

/* Which compression function the process uses (sha256.c): AUTO lets
 * cpuid (and TELLER_SHA256=portable) choose again. Returns the one now
 * in use, or -1 (nothing changed) if SHANI is asked for and this CPU or
 * build has none. For the tests; both give the same chaining value,
 * so a switch under a hash in progress elsewhere changes nothing. */
enum { TL_SHA256_AUTO, TL_SHA256_PORTABLE, TL_SHA256_SHANI };
int tl_sha256_select(int which);

#endif /* TL_SHA256_H */
