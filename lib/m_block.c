/* SPDX-License-Identifier: MIT */
/*
 * m_block.c -- block vote (multi-member plurality) as in English council
 * wards: each voter may vote for up to `seats` candidates; the candidates
 * with most votes, up to the number of seats, are elected (LEPAR 2006
 * Sch.2 r.46); an equality at the seat boundary by lot (r.49).
 */
#include "uk_paper.h"
#include "cert.h"

/* Seats: rules->seats if > 0, else the contest's, else 1. */
int
tl_m_block(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	int seats = rules->seats > 0 ? rules->seats
	    : c->seats > 0 ? c->seats : 1;

	return tl_cert_plurality(ctx, p, seats, out,
	    tl_plurality_count(ctx, c, p, rules, "block", seats, out));
}
