/* SPDX-License-Identifier: MIT */
/*
 * cknum.h -- teller-check's fixed-point arithmetic (cknum.c): values are
 * integers in units of 10^-dp, every operation checked for overflow, and
 * the one division the Scottish rules make (a paper's transfer value,
 * truncated to dp places) done exactly in 128 bits.
 */
#ifndef CKNUM_H
#define CKNUM_H

#include <stddef.h>
#include <stdint.h>

#define CK_MAXDP 9
#define CK_BUFSZ 32

/* 10^dp (0 <= dp <= CK_MAXDP). */
int64_t ck_pow10(int dp);
/* Parse s, a decimal with exactly dp places ("12.50000"; no places and
 * no point when dp is 0; no sign), into *out. Returns 0, or -1 if s is
 * not such a decimal or does not fit. */
int ck_parse(const char *s, int dp, int64_t *out);
/* v at dp places into buf (CK_BUFSZ bytes). */
void ck_fmt(char *buf, int64_t v, int dp);
/* *out = a + b, a * b; -1 on overflow. */
int ck_add(int64_t a, int64_t b, int64_t *out);
int ck_mul(int64_t a, int64_t b, int64_t *out);
/* *out = floor(a * b / c) for a, b >= 0 and c > 0; -1 otherwise or on
 * overflow. */
int ck_muldiv(int64_t a, int64_t b, int64_t c, int64_t *out);

#endif /* CKNUM_H */
