/* SPDX-License-Identifier: MIT */
/*
 * t_sha256.c -- lib/sha256.c against the NIST FIPS 180-4 example vectors
 * (SHA256.pdf, SHA2_Additional.pdf), in one piece and fed in every split.
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

int
main(void)
{
	test_sha256_nist();
	test_sha256_long();
	return h_done();
}
