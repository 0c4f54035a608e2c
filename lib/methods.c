/* SPDX-License-Identifier: MIT */
/*
 * methods.c -- the one method table and the counting entry point. Every
 * other list of method names (CLI help, man page checks) derives from it.
 */
#include <string.h>

#include "tl_int.h"

const struct tl_method tl_methods[] = {
	{ "fptp", "First past the post (LEPAR 2006 Sch.2 rr.46, 49)", tl_m_fptp },
	{ "block", "Block vote (LEPAR 2006 Sch.2 rr.46, 49)", tl_m_block },
	{ "sv", "Supplementary Vote (LGA 2000 Sch.2; pre-2023)", tl_m_sv },
	{ "irv", "Instant-runoff / alternative vote", tl_m_irv },
	{ "stv-scottish", "STV, Scottish rules (SSI 2007/42 Sch.1 rr.45-52)",
	    tl_m_stv_scottish },
	{ "stv-ers97", "STV, ERS97 rules", tl_m_stv_ers97 },
	{ "stv-wigm", "STV, weighted inclusive Gregory method",
	    tl_m_stv_wigm },
	{ "stv-meek", "STV, Meek's method (Hill, Wichmann, Woodall 1987)",
	    tl_m_stv_meek },
	{ NULL, NULL, NULL }
};

const struct tl_method *
tl_method_find(const char *name)
{
	const struct tl_method *m;

	if (name == NULL)
		return NULL;
	for (m = tl_methods; m->name != NULL; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

int
teller_method_known(const char *name)
{
	return tl_method_find(name) != NULL;
}

const char *
teller_method_name(int i)
{
	int n = (int)(sizeof(tl_methods) / sizeof(tl_methods[0])) - 1;

	return i >= 0 && i < n ? tl_methods[i].name : NULL;
}

void
teller_rules_init(teller_rules *r, const char *method)
{
	memset(r, 0, sizeof(*r));
	r->method = method;
	r->seed = 1;
}

int
teller_count(teller_ctx *ctx, const teller_contest *contest,
    const teller_profile *profile, const teller_rules *rules,
    teller_result **out)
{
	const struct tl_method *m = tl_method_find(rules->method);
	int rc;

	*out = NULL;
	if (m == NULL)
		return tl_fail(ctx, TELLER_EINVAL, "unknown method '%s'",
		    rules->method != NULL ? rules->method : "(none)");
	if (rules->seats < 0 || rules->seats > ctx->lim.seats)
		return tl_fail(ctx, TELLER_EINVAL, "seats must be 1..%d",
		    ctx->lim.seats);
	if (profile->ncand != contest->ncand)
		return tl_fail(ctx, TELLER_EINTERNAL, "profile and contest "
		    "disagree on candidates");
	rc = m->fn(ctx, contest, profile, rules, out);
	if (rc == TELLER_OK && *out != NULL) {
		(*out)->seed = rules->seed;
		(*out)->method = m->name;
		(*out)->method_title = m->title;
	}
	return rc;
}
