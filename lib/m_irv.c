/* SPDX-License-Identifier: MIT */
/* m_irv.c -- placeholder until the method lands: refuses to count. */
#include "tl_int.h"

int
tl_m_irv(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	(void)c; (void)p; *out = NULL;
	return tl_fail(ctx, TELLER_ERULE, "method '%s' is not built yet",
	    rules->method);
}
