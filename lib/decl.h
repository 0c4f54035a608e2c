/* SPDX-License-Identifier: MIT */
/*
 * decl.h -- the declaration's facts that no ballot holds (decl.c;
 * reports.md 4.1): the electorate, and papers rejected by hand under the
 * heads that only the count sees, given by directives in the input
 * ('# electorate: N', '# rejected: HEAD | N') or by --electorate.
 */
#ifndef TL_DECL_H
#define TL_DECL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tl_int.h"

/* The heads a '# rejected:' directive may give: the ballots cannot show
 * them, so only the count knows them. */
enum tl_decl_head {
	TL_DECL_NO_OFFICIAL = 0, /* want of official mark */
	TL_DECL_IDENTIFYING      /* writing or mark identifying the voter */
};

/* Most electors or papers a directive may give. */
#define TL_DECL_MAX INT64_C(1000000000000)

/*
 * A directive with key [k, k + kn) and value [v, v + vn) (trimmed) on
 * line `line`, the key at column kcol and the value at vcol: if the key
 * is "electorate" or "rejected", record it on c (refusing a malformed,
 * repeated or unknown value at its position) and set *known; otherwise
 * leave c alone and clear *known.
 */
int tl_decl_directive(teller_ctx *ctx, struct teller_contest *c,
    const char *k, size_t kn, const char *v, size_t vn, long line,
    long kcol, long vcol, bool *known) TL_MUST_CHECK;

/* A '#' comment [s, e) at column col of line: '# electorate: N' or
 * '# rejected: HEAD | N' is a directive, refused unless `here` (where
 * the format allows it); any other comment is left alone. */
int tl_decl_comment(teller_ctx *ctx, struct teller_contest *c,
    const char *s, const char *e, long line, long col, bool here)
    TL_MUST_CHECK;

/* Copy the declaration facts of src (a scratch contest a reader fills
 * before it has its own) to c. */
void tl_decl_copy(struct teller_contest *c, const struct teller_contest *src);

/* Merge the facts of a further input cq into cp: the electorate must
 * agree (or be given by one only); the hand heads add up. */
int tl_decl_merge(teller_ctx *ctx, struct teller_contest *cp,
    const struct teller_contest *cq) TL_MUST_CHECK;

/* After reading (ctx->inname still the input): refuse an electorate
 * smaller than the papers read and rejected by hand, at the directive. */
int tl_decl_check_read(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p) TL_MUST_CHECK;

/* Papers rejected by hand, at dp places, into *out. */
int tl_decl_hand_total(teller_ctx *ctx, const struct teller_contest *c,
    int dp, tl_fix *out) TL_MUST_CHECK;

/*
 * After the count, before the papers are reconciled: put the hand heads
 * among r's rejected heads in the statutory order (want of official mark
 * first, identifying mark before the last head), citing the method's
 * own clause, and set r's electorate (electorate if nonzero, else c's).
 */
int tl_decl_apply(teller_ctx *ctx, const struct teller_contest *c,
    int64_t electorate, struct teller_result *r) TL_MUST_CHECK;

/* Once r's papers are known: refuse an electorate smaller than them. */
int tl_decl_check_count(teller_ctx *ctx, const struct teller_result *r)
    TL_MUST_CHECK;

/* r's turnout, papers per hundred electors rounded half up to 2 places,
 * into buf ("42.17"); false when the electorate is unknown. */
/* Candidate c's description: the --meta one where given, else the
 * party the input gives ("" if none). */
const char *tl_decl_party(const struct teller_result *r, int c);
bool tl_decl_turnout(const struct teller_result *r, char *buf, size_t cap);

#endif /* TL_DECL_H */
