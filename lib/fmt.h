/* SPDX-License-Identifier: MIT */
/*
 * fmt.h -- the input readers (fmt_*.c), called by read.c, which alone
 * decides which reader gets an input.
 */
#ifndef TL_FMT_H
#define TL_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

/* Readers of teller_read: parse (buf, len), the input ctx->inname names
 * (tl_fail_at). */
int tl_fmt_blt(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **c, struct teller_profile **p) TL_MUST_CHECK;
int tl_fmt_csv(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **c, struct teller_profile **p) TL_MUST_CHECK;
int tl_fmt_preflib(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **c, struct teller_profile **p) TL_MUST_CHECK;
int tl_fmt_profile(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **c, struct teller_profile **p) TL_MUST_CHECK;

/* Write contest + profile as a TELLERP1 profile file (fmt_profile.c).
 * Patterns are sorted, so equal profiles give equal bytes. */
int tl_profile_write(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, teller_write_fn write, void *ud)
    TL_MUST_CHECK;

/* Is (buf, len) PrefLib's pre-2022 numeric-header format, or its 2022
 * format? (fmt_preflib.c; read.c, which alone decides which reader gets
 * an input, hands old PrefLib input to the PrefLib reader even when
 * asked for CSV, and input neither format to the CSV reader.) */
bool tl_preflib_sniff_old(const char *buf, size_t len);
bool tl_preflib_sniff_new(const char *buf, size_t len);

/* A college section's weight (methods.md 4.3): a positive integer, an
 * exact decimal or a fraction N/D, into num/den (reduced); false if
 * (v, n) is none of these (fmt_csv.c; also --section, read.c). */
bool tl_csv_section_weight(const char *v, size_t n, int64_t *num,
    int64_t *den);

#endif /* TL_FMT_H */
