/* SPDX-License-Identifier: MIT */
/*
 * canon.h -- canonical texts for hashing (canon.c, audit.md 4.3); the
 * public entry points are teller_canon and teller_canon_sha256.
 */
#ifndef TL_CANON_H
#define TL_CANON_H

#include "out.h"
#include "profile.h"

/* A JSON string as RFC 8785 (JCS) writes it. */
void tl_canon_json_str(struct tl_out *o, const char *s);
/* The rules' options object as JCS: every option the count reads
 * ("lots", "seats", "strict"), defaults written out. */
void tl_canon_rules_options(struct tl_out *o, const struct teller_contest *c,
    const teller_rules *rules);

/* teller_write_fn that feeds a struct tl_sha256 (ud). */
int tl_canon_hash_write(void *ud, const char *p, size_t n);
/* SHA-256 of the marked and the effective profile texts, and the
 * effective profile's pattern lines into *npat (a plain profile, read
 * as marked by a ranked method, is hashed once). */
int tl_canon_profiles(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    char marked[65], char effective[65], size_t *npat);

/* SHA-256 of the effective profile text, and map[i] (p has that many
 * patterns): the 0-based index of pattern i's line among the text's
 * pattern lines, or UINT32_MAX if pattern i has none (a count
 * certificate's "pattern", audit.md 5). */
int tl_canon_effective_map(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    char effective[65], uint32_t *map);

#endif /* TL_CANON_H */
