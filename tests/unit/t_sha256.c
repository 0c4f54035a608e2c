/* SPDX-License-Identifier: MIT */
/*
 * t_sha256.c -- lib/sha256.c against the NIST FIPS 180-4 example vectors
 * (SHA256.pdf, SHA2_Additional.pdf), in one piece and fed in every split,
 * through both compression functions (portable C and, where the CPU has
 * them, the SHA extensions), and the two against each other.
 */
#include <stdlib.h>

#include "harness.h"
#include "tl_int.h"

static void
hex_of(const void *p, size_t n, char out[65])
{
	struct tl_sha256 s;

	tl_sha256_init(&s);
	tl_sha256_update(&s, p, n);
	tl_sha256_hex(&s, out);
}

static void
test_sha256_nist(void)
{
	static const struct {
		const char *msg;
		const char *want;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb924"
		    "27ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    "248d6a61d20638b8e5c026930c3e6039"
		    "a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		    "cf5b16a778af8380036ce59e7b049237"
		    "0b249b11e8f07a51afac45037afee9d1" },
	};
	char got[65];
	size_t i, cut;

	for (i = 0; i < sizeof(v) / sizeof(*v); i++) {
		size_t n = strlen(v[i].msg);
		hex_of(v[i].msg, n, got);
		CHECK_STR(got, v[i].want);
		for (cut = 0; cut <= n; cut++) {
			struct tl_sha256 s;
			tl_sha256_init(&s);
			tl_sha256_update(&s, v[i].msg, cut);
			tl_sha256_update(&s, v[i].msg + cut, n - cut);
			tl_sha256_hex(&s, got);
			CHECK(strcmp(got, v[i].want) == 0, "vector %zu split "
			    "at %zu: %s", i, cut, got);
		}
	}
}

/* SHA2_Additional.pdf: one million 'a'; 55, 56 and 64 bytes of 0x00
 * exercise the padding edges. */
static void
test_sha256_long(void)
{
	char *a = malloc(1000000), got[65];
	static const char zeros[64];

	if (a == NULL)
		return;
	memset(a, 'a', 1000000);
	hex_of(a, 1000000, got);
	CHECK_STR(got, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
	free(a);
	hex_of(zeros, 55, got);
	CHECK_STR(got, "02779466cdec163811d078815c633f21"
	    "901413081449002f24aa3e80f0b88ef7");
	hex_of(zeros, 56, got);
	CHECK_STR(got, "d4817aa5497628e7c77e6b606107042b"
	    "bba3130888c5f47a375e6179be789fbb");
	hex_of(zeros, 64, got);
	CHECK_STR(got, "f5a5fd42d16a20302798ef6ed309979b"
	    "43003d2320d9f0e8ea9831a92759fb4b");
}

/* xorshift64: the same bytes on every run */
static uint64_t
next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* (p, n) fed in pieces of random sizes, some empty, some over 64 */
static void
hex_split(const unsigned char *p, size_t n, uint64_t *x, char out[65])
{
	struct tl_sha256 s;
	size_t at = 0, take;

	tl_sha256_init(&s);
	while (at < n) {
		take = (size_t)(next(x) % 200);
		if (take > n - at)
			take = n - at;
		tl_sha256_update(&s, p + at, take);
		at += take;
	}
	tl_sha256_hex(&s, out);
}

/* Random messages of every length class 0..4096, whole and split: the
 * SHA extensions' digest must be the portable one's. */
static void
test_sha256_paths_agree(void)
{
	unsigned char *buf = malloc(4096);
	char a[65], b[65], c[65], d[65];
	uint64_t x = 0x9e3779b97f4a7c15u, xs;
	size_t n, i, trial;

	if (buf == NULL)
		return;
	for (trial = 0; trial < 3000; trial++) {
		/* every length up to 300, then random ones up to 4096 */
		n = trial <= 300 ? trial : (size_t)(next(&x) % 4097);
		for (i = 0; i < n; i++)
			buf[i] = (unsigned char)next(&x);
		xs = next(&x);
		tl_sha256_select(TL_SHA256_PORTABLE);
		hex_of(buf, n, a);
		x = xs;
		hex_split(buf, n, &x, b);
		if (tl_sha256_select(TL_SHA256_SHANI) < 0) {
			CHECK(strcmp(a, b) == 0, "length %zu: split %s, "
			    "whole %s", n, b, a);
			continue;
		}
		hex_of(buf, n, c);
		x = xs;
		hex_split(buf, n, &x, d);
		CHECK(strcmp(a, b) == 0 && strcmp(a, c) == 0 &&
		    strcmp(a, d) == 0, "length %zu: portable %s/%s, "
		    "SHA-NI %s/%s", n, a, b, c, d);
	}
	free(buf);
	tl_sha256_select(TL_SHA256_AUTO);
}

int
main(void)
{
	int shani;

	CHECK(tl_sha256_select(TL_SHA256_PORTABLE) == TL_SHA256_PORTABLE,
	    "portable path always there");
	test_sha256_nist();
	test_sha256_long();
	shani = tl_sha256_select(TL_SHA256_SHANI);
	if (shani == TL_SHA256_SHANI) {
		test_sha256_nist();
		test_sha256_long();
	} else {
		printf("t_sha256: no SHA extensions here; the portable path "
		    "only\n");
	}
	test_sha256_paths_agree();
	return h_done();
}
