/* SPDX-License-Identifier: MIT */
/* fmt_profile.c -- placeholder until the reader lands: refuses the input. */
#include "tl_int.h"

int
tl_fmt_profile(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **c, struct teller_profile **p)
{
	(void)buf; (void)len; *c = NULL; *p = NULL;
	return tl_fail(ctx, TELLER_EPARSE, "the profile reader is not built yet");
}
