/* SPDX-License-Identifier: MIT */
/* fmt_preflib.c -- placeholder until the reader lands: refuses the input. */
#include "tl_int.h"

bool
tl_preflib_sniff_old(const char *buf, size_t len)
{
	(void)buf; (void)len;
	return false;
}

int
tl_fmt_preflib(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **c, struct teller_profile **p)
{
	(void)buf; (void)len; *c = NULL; *p = NULL;
	return tl_fail(ctx, TELLER_EPARSE, "the preflib reader is not built yet");
}
