/* SPDX-License-Identifier: MIT */
/*
 * methods.h -- the method table (methods.c) and the counting methods
 * (m_*.c).
 */
#ifndef TL_METHODS_H
#define TL_METHODS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "result.h"

typedef int (*tl_method_fn)(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out);

struct tl_method {
	const char *name;  /* CLI name */
	const char *title; /* for reports, with its legal source */
	tl_method_fn fn;
	bool single;       /* elects one candidate only */
	const char *reads; /* ballots read, for `teller methods` (NULL:
			    * ranked) */
	const char *seats; /* seats, for `teller methods` (NULL: from
			    * single, "1" or "S") */
};

/* The one method table (methods.c); NULL-name terminated. */
extern const struct tl_method tl_methods[];
const struct tl_method *tl_method_find(const char *name);

int tl_m_fptp(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;
int tl_m_block(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;
int tl_m_sv(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;
int tl_m_irv(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;
int tl_m_stv_scottish(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;
int tl_m_stv_ers97(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;
int tl_m_stv_wigm(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;
int tl_m_stv_meek(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;

/* methods.md 5-7: positional, pairwise, coombs, bucklin */
#define TL_M_DECL(f) int f(teller_ctx *, const struct teller_contest *, \
    const struct teller_profile *, const teller_rules *, \
    struct teller_result **)
TL_M_DECL(tl_m_borda);
TL_M_DECL(tl_m_borda_mbc);
TL_M_DECL(tl_m_borda_dowdall);
TL_M_DECL(tl_m_condorcet);
TL_M_DECL(tl_m_copeland);
TL_M_DECL(tl_m_minimax);
TL_M_DECL(tl_m_schulze);
TL_M_DECL(tl_m_ranked_pairs);
TL_M_DECL(tl_m_smith);
TL_M_DECL(tl_m_schwartz);
TL_M_DECL(tl_m_coombs);
TL_M_DECL(tl_m_bucklin);
/* methods.md 2-4 (m_runoff.c, m_exhaustive.c, m_college.c,
 * m_votes.c) */
int tl_m_contingent(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;
int tl_m_plurality_runoff(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;
int tl_m_exhaustive(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;
int tl_m_college(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;
int tl_m_limited(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;
int tl_m_sntv(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;
int tl_m_approval(teller_ctx *, const struct teller_contest *,
    const struct teller_profile *, const teller_rules *,
    struct teller_result **) TL_MUST_CHECK;

#endif /* TL_METHODS_H */
