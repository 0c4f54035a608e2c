/* SPDX-License-Identifier: MIT */
/* journal.c -- canonical JSON and the hash chain (§6.5, §10). */
#include "desk.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Canonical JSON (RFC 8785 for these lines: members sorted, no
 * whitespace, integers only). Caller frees. */
char *
d_canon(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS |
	    JSON_ENCODE_ANY);
}

int
d_hex_ok(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* hash = SHA-256("teller-desk/1" || u64be(seq) || prev || u32be(n) ||
 * payload), as lowercase hex. */
void
d_hash_hex(const char *prev_hex, long long seq, const char *payload,
    char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char prev[32], be[8], h[32];
	size_t n = strlen(payload);

	memset(prev, 0, sizeof prev);
	sodium_hex2bin(prev, sizeof prev, prev_hex, 64, NULL, NULL, NULL);
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)"teller-desk/1",
	    13);
	for (int i = 0; i < 8; i++)
		be[i] = (unsigned char)((unsigned long long)seq >>
		    (56 - 8 * i));
	crypto_hash_sha256_update(&st, be, 8);
	crypto_hash_sha256_update(&st, prev, 32);
	for (int i = 0; i < 4; i++)
		be[i] = (unsigned char)(n >> (24 - 8 * i));
	crypto_hash_sha256_update(&st, be, 4);
	crypto_hash_sha256_update(&st, (const unsigned char *)payload, n);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, 32);
}

/* The journal's first line (§10). */
json_t *
d_header(const struct desk *d)
{
	return json_pack("{s:s, s:s, s:O, s:s}", "format",
	    "teller-desk-journal/1", "genesis", d->genesis, "plan", d->plan,
	    "plan_sha256", d->plan_sha);
}
