/* SPDX-License-Identifier: MIT */
/*
 * num.h -- exact numbers: checked 64-bit arithmetic, fixed point,
 * rounding, exact formatting and parsing; guarded fixed point (num.c).
 */
#ifndef TL_NUM_H
#define TL_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

/* A fixed-point decimal: value * 10^dp held in an int64_t. The scale dp
 * belongs to the rule set, not the number. */
typedef int64_t tl_fix;

#define TL_DP_MAX 18

enum tl_round {
	TL_ROUND_DOWN = 0,  /* toward zero (truncate) */
	TL_ROUND_FLOOR,     /* toward -infinity */
	TL_ROUND_CEIL,      /* toward +infinity */
	TL_ROUND_UP,        /* away from zero */
	TL_ROUND_HALF_UP,   /* nearest, ties away from zero */
	TL_ROUND_HALF_EVEN  /* nearest, ties to even */
};

/* 10^dp for 0 <= dp <= 18. */
int64_t tl_num_pow10(int dp);

/* Checked arithmetic: TELLER_OK or TELLER_EOVERFLOW (recorded on ctx). */
int tl_num_add(teller_ctx *ctx, int64_t a, int64_t b, int64_t *out);
int tl_num_sub(teller_ctx *ctx, int64_t a, int64_t b, int64_t *out);
int tl_num_mul(teller_ctx *ctx, int64_t a, int64_t b, int64_t *out);

/* out = a * b / c, rounded by mode, computed with an exact 128-bit
 * intermediate. c == 0 gives TELLER_EINTERNAL. */
int tl_num_muldiv(teller_ctx *ctx, int64_t a, int64_t b, int64_t c,
    enum tl_round mode, int64_t *out);

/* out = a / c rounded by mode. */
int tl_num_div(teller_ctx *ctx, int64_t a, int64_t c, enum tl_round mode,
    int64_t *out);

/* Change scale from dp `from` to dp `to`, rounding by mode. */
int tl_num_rescale(teller_ctx *ctx, tl_fix a, int from, int to,
    enum tl_round mode, tl_fix *out);

/* Write v at dp places as an exact decimal ("-12.34000"), NUL-ended.
 * buf must hold TL_NUM_BUFSZ bytes. Returns the length. */
#define TL_NUM_BUFSZ 48
size_t tl_num_fmt(char *buf, tl_fix v, int dp);

/* Parse an exact decimal ("12", "-3.5", "0.00001") of at most dp places
 * into *out at scale dp. Returns 0, or -1 if not a decimal, -2 if too
 * many places, -3 if it overflows. Never touches ctx. */
int tl_num_parse(const char *s, size_t n, int dp, tl_fix *out);

/* Decimal places in a decimal string s (0 if none), or -1 if invalid. */
int tl_num_places(const char *s, size_t n);

/* Guarded fixed point (num.c, end): value * 10^27 in a signed 128-bit
 * integer (18 places + 9 guard digits, Droop's default); every product
 * and quotient floored on its own. Used by stv-wigm and stv-meek. */
__extension__ typedef __int128 tl_g;
#define TL_G_DP 27
tl_g tl_g_one(void);
/* n * 10^27; EOVERFLOW beyond |n| <= 10^11. */
int tl_g_from_int(teller_ctx *ctx, int64_t n, tl_g *out);
/* floor(a * b / 10^27) and floor(a * 10^27 / b); EOVERFLOW, EINTERNAL. */
int tl_g_mul(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out);
int tl_g_div(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out);
/* -1, 0, 1; values within 0.5 * 10^-18 compare equal (Droop). */
int tl_g_cmp(tl_g a, tl_g b);
/* floor(a) at dp places, and a rounded half up at dp places (as Droop
 * prints); the caller knows the result fits in 64 bits. */
tl_fix tl_g_fix(tl_g a, int dp);
tl_fix tl_g_round(tl_g a, int dp);

#endif /* TL_NUM_H */
