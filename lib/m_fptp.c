/* SPDX-License-Identifier: MIT */
/*
 * m_fptp.c -- first past the post: one seat, the candidate with most
 * votes is returned (LEPAR 2006 Sch.2 r.46), an equality by lot (r.49).
 * The count itself is the plurality count in m_plurality.c.
 */
#include "uk_paper.h"
#include "cert.h"

/* Count one seat; rules->seats > 1 is a usage error (TELLER_EINVAL). */
int
tl_m_fptp(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	*out = NULL;
	if (rules->seats > 1)
		return tl_fail(ctx, TELLER_EINVAL, "fptp elects one candidate; "
		    "use -m block for %d seats", rules->seats);
	return tl_cert_plurality(ctx, p, 1, out,
	    tl_plurality_count(ctx, c, p, rules, "fptp", 1, out));
}
