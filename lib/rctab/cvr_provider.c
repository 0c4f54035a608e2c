/* SPDX-License-Identifier: MIT */
/*
 * cvr_provider.c -- the table of CVR providers (rctab.md 7): each
 * cvrFileSources[].provider name RCTab accepts, its reader, and the
 * per-provider rules the config reader and the CVR export apply. The
 * one place that knows the names; everything else asks the table.
 */
#include <string.h>

#include "rctab_cvr.h"

/* In the order RCTab lists them (and the config error names them). */
static const struct tl_cvr_provider providers[] = {
	{ "ess", TL_CVR_ESS, tl_cvr_read_ess, true, true, false },
	{ "dominion", TL_CVR_DOMINION, tl_cvr_read_dominion, false, false,
	    true },
	{ "cdf", TL_CVR_CDF, tl_cvr_read_cdf, false, true, false },
	{ "clearBallot", TL_CVR_CLEARBALLOT, tl_cvr_read_clearballot, false,
	    false, true },
	{ "hart", TL_CVR_HART, tl_cvr_read_hart, false, false, true },
	{ "genericCsv", TL_CVR_CSV, tl_cvr_read_csv, true, true, false },
	{ NULL, 0, NULL, false, false, false }
};

const struct tl_cvr_provider *
tl_cvr_provider_find(const char *name)
{
	const struct tl_cvr_provider *p;

	for (p = providers; p->name != NULL; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

const struct tl_cvr_provider *
tl_cvr_provider_at(int i)
{
	if (i < 0 || i >= (int)(sizeof providers / sizeof providers[0]) - 1)
		return NULL;
	return &providers[i];
}
