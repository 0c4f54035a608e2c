/* SPDX-License-Identifier: MIT */
/* journal.c -- canonical JSON and the hash chain (§6.5, §10). */
#include "desk.h"

#include <sodium.h>
#include <stdio.h>
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

/* The journal (§10) of book d to f: the header, then every event line
 * in seq order, inside one read transaction (one snapshot). 0, or -1
 * when the book or f failed. */
int
d_journal_write(struct desk *d, FILE *f)
{
	sqlite3_stmt *st;
	json_t *h = d_header(d);
	char *line = d_canon(h);
	int rc = line ? 0 : -1;

	json_decref(h);
	if (line)
		fprintf(f, "%s\n", line);
	free(line);
	sqlite3_exec(d->db, "BEGIN", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(d->db, "SELECT line FROM event ORDER BY seq",
	    -1, &st, NULL) != SQLITE_OK)
		rc = -1;
	else {
		int s;

		while ((s = sqlite3_step(st)) == SQLITE_ROW)
			fprintf(f, "%s\n", (const char *)
			    sqlite3_column_text(st, 0));
		if (s != SQLITE_DONE)
			rc = -1;
		sqlite3_finalize(st);
	}
	sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL);
	return rc || fflush(f) || ferror(f) ? -1 : 0;
}
