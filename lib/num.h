/* SPDX-License-Identifier: MIT */
/*
 * num.h -- exact numbers, the one numeric module: checked 64-bit
 * arithmetic, fixed point, the rounding modes, exact formatting and
 * parsing, 128-bit integers and guarded fixed point (num.c); decimals
 * that carry their scale as java.math.BigDecimal does, for RCTab
 * (num_dec.c). 128-bit arithmetic lives in those two files only: outside
 * them tl_g and struct tl_dec are value types that the functions here
 * add, compare and print.
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

/* The one set of rounding modes (tl_num_*, tl_g_*, tl_dec_*). */
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
int tl_num_add(teller_ctx *ctx, int64_t a, int64_t b, int64_t *out)
    TL_MUST_CHECK;
int tl_num_sub(teller_ctx *ctx, int64_t a, int64_t b, int64_t *out)
    TL_MUST_CHECK;
int tl_num_mul(teller_ctx *ctx, int64_t a, int64_t b, int64_t *out)
    TL_MUST_CHECK;

/* out = a * b / c, rounded by mode, computed with an exact 128-bit
 * intermediate. c == 0 gives TELLER_EINTERNAL. */
int tl_num_muldiv(teller_ctx *ctx, int64_t a, int64_t b, int64_t c,
    enum tl_round mode, int64_t *out) TL_MUST_CHECK;

/* out = a / c rounded by mode. */
int tl_num_div(teller_ctx *ctx, int64_t a, int64_t c, enum tl_round mode,
    int64_t *out) TL_MUST_CHECK;

/* Change scale from dp `from` to dp `to`, rounding by mode. */
int tl_num_rescale(teller_ctx *ctx, tl_fix a, int from, int to,
    enum tl_round mode, tl_fix *out) TL_MUST_CHECK;

/* Write v at dp places as an exact decimal ("-12.34000"), NUL-ended.
 * buf must hold TL_NUM_BUFSZ bytes. Returns the length. */
#define TL_NUM_BUFSZ 48
size_t tl_num_fmt(char *buf, tl_fix v, int dp);

/* Parse an exact decimal ("12", "-3.5", "0.00001") of at most dp places
 * into *out at scale dp. Returns 0, or -1 if not a decimal, -2 if too
 * many places, -3 if it overflows. Never touches ctx. */
int tl_num_parse(const char *s, size_t n, int dp, tl_fix *out)
    TL_MUST_CHECK;

/* Decimal places in a decimal string s (0 if none), or -1 if invalid. */
int tl_num_places(const char *s, size_t n);

/* floor(m * n * 2^-53) where the product is first rounded to 53
 * significant bits, ties to even: Java's (int)(nextDouble() * n) for
 * nextDouble() = m * 2^-53, m < 2^53 (rctab_java.c). */
int64_t tl_num_fmul53(uint64_t m, uint32_t n);

/* ------------------------------------------------------------------ */
/*
 * 128-bit integers (num.c): a signed value in two's complement as two
 * 64-bit halves. Only num.c and num_dec.c look inside; num.c does the
 * arithmetic with the compiler's 128-bit integers where they exist, else
 * (or with -DTL_NO_INT128) with 64-bit limbs.
 */
struct tl_wide {
	uint64_t lo, hi;
};

struct tl_wide tl_num_wide(int64_t v);
/* -1, 0, 1 */
int tl_num_wsign(struct tl_wide a);
int tl_num_wcmp(struct tl_wide a, struct tl_wide b);
/* a as 64 bits into *out; false (and *out not set) if it does not fit. */
bool tl_num_w64(struct tl_wide a, int64_t *out) TL_MUST_CHECK;
/* a + b, a - b, a * b, a * 10^n (n >= 0): false if the result does not
 * fit in 128 bits (then *out is not set). */
bool tl_num_wadd(struct tl_wide a, struct tl_wide b, struct tl_wide *out)
    TL_MUST_CHECK;
bool tl_num_wsub(struct tl_wide a, struct tl_wide b, struct tl_wide *out)
    TL_MUST_CHECK;
bool tl_num_wmul(struct tl_wide a, struct tl_wide b, struct tl_wide *out)
    TL_MUST_CHECK;
bool tl_num_wscale(struct tl_wide a, int n, struct tl_wide *out)
    TL_MUST_CHECK;
/* n / d rounded by mode; d != 0 and not (n = -2^127, d = -1). */
struct tl_wide tl_num_wdiv(struct tl_wide n, struct tl_wide d,
    enum tl_round mode);
/* n / 10^k rounded by mode, 0 <= k <= 38. */
struct tl_wide tl_num_wdiv10(struct tl_wide n, int k, enum tl_round mode);
/* n % 10^k (sign of n), 0 <= k <= 38. */
struct tl_wide tl_num_wrem10(struct tl_wide n, int k);
/* |a| * |b| / 10^k, truncated, through a 256-bit product; false if it
 * does not fit in 127 bits. */
bool tl_num_wmul_down(struct tl_wide a, struct tl_wide b, int k,
    struct tl_wide *out) TL_MUST_CHECK;
/* n * 10^e / d (e >= 0, d != 0) rounded by mode, by long division one
 * digit at a time, for when n * 10^e does not fit; false if the
 * quotient or a step's remainder outgrows 127 bits. */
bool tl_num_wdiv_long(struct tl_wide n, struct tl_wide d, int e,
    enum tl_round mode, struct tl_wide *out) TL_MUST_CHECK;
/* The decimal digits of |v| into buf (at least 40 bytes), NUL-ended;
 * returns their count. */
int tl_num_wdigits(char *buf, struct tl_wide v);

/* ------------------------------------------------------------------ */
/*
 * Guarded fixed point (num.c): value * 10^27 as a 128-bit integer (18
 * places + 9 guard digits, Droop's default); every product and quotient
 * floored on its own. Used by stv-wigm and stv-meek, which keep it as a
 * value and leave all arithmetic to the functions below.
 */
typedef struct tl_g {
	uint64_t lo, hi;
} tl_g;
#define TL_G_DP 27
tl_g tl_g_zero(void);
tl_g tl_g_one(void);
/* n * 10^27; EOVERFLOW beyond |n| <= 10^11. */
int tl_g_from_int(teller_ctx *ctx, int64_t n, tl_g *out) TL_MUST_CHECK;
/* a + b, a - b; EOVERFLOW. */
int tl_g_add(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out) TL_MUST_CHECK;
int tl_g_sub(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out) TL_MUST_CHECK;
/* *acc += w * n, exact; EOVERFLOW ("vote total overflows"). */
int tl_g_addmul(teller_ctx *ctx, tl_g *acc, tl_g w, int64_t n)
    TL_MUST_CHECK;
/* floor(a * b / 10^27) and floor(a * 10^27 / b); EOVERFLOW, EINTERNAL. */
int tl_g_mul(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out) TL_MUST_CHECK;
int tl_g_div(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out) TL_MUST_CHECK;
/* floor(a / n) for n > 0 (cannot fail). */
tl_g tl_g_div_int(tl_g a, int64_t n);
/* -1, 0, 1; values within 0.5 * 10^-18 compare equal (Droop). */
int tl_g_cmp(tl_g a, tl_g b);
/* -1, 0, 1, exactly; and a == b. */
int tl_g_cmp_exact(tl_g a, tl_g b);
bool tl_g_eq(tl_g a, tl_g b);
/* floor(a) at dp places, and a rounded half up at dp places (as Droop
 * prints); the caller knows the result fits in 64 bits. */
tl_fix tl_g_fix(tl_g a, int dp);
tl_fix tl_g_round(tl_g a, int dp);

/* ------------------------------------------------------------------ */
/*
 * Decimals with a scale, as java.math.BigDecimal (rctab.md 6.1), in
 * num_dec.c: the value v * 10^-s, s >= 0. Scale is part of the value's
 * identity for printing ("8" and "8.0000" differ) but not for
 * comparison. Used by RCTab (lib/rctab/).
 */
struct tl_dec {
	struct tl_wide v;
	int s;
};

#define TL_DEC_SCALE_MAX 38
#define TL_DEC_BUFSZ 96

struct tl_dec tl_dec_int(int64_t n);
/* n * 10^-s, 0 <= s <= TL_DEC_SCALE_MAX. */
struct tl_dec tl_dec_make(int64_t n, int s);
int tl_dec_sign(struct tl_dec a);
int tl_dec_scale(struct tl_dec a);
/* Numeric comparison ignoring scale: <0, 0, >0. */
int tl_dec_cmp(struct tl_dec a, struct tl_dec b);
/* Exact sum/difference, scale max(a.s, b.s). EOVERFLOW on overflow. */
int tl_dec_add(teller_ctx *ctx, struct tl_dec a, struct tl_dec b,
    struct tl_dec *out) TL_MUST_CHECK;
int tl_dec_sub(teller_ctx *ctx, struct tl_dec a, struct tl_dec b,
    struct tl_dec *out) TL_MUST_CHECK;
/* a * n exactly (scale of a). */
int tl_dec_mul_int(teller_ctx *ctx, struct tl_dec a, int64_t n,
    struct tl_dec *out) TL_MUST_CHECK;
/* (a * b).setScale(s, mode). */
int tl_dec_mul(teller_ctx *ctx, struct tl_dec a, struct tl_dec b, int s,
    enum tl_round mode, struct tl_dec *out) TL_MUST_CHECK;
/* a.divide(b, s, mode); b != 0. */
int tl_dec_div(teller_ctx *ctx, struct tl_dec a, struct tl_dec b, int s,
    enum tl_round mode, struct tl_dec *out) TL_MUST_CHECK;
/* The integer part of a (truncated) and the rest, a - *ip, at a's
 * scale. */
void tl_dec_split(struct tl_dec a, struct tl_dec *ip, struct tl_dec *frac);
/* BigDecimal.toString() into buf (TL_DEC_BUFSZ); returns the length. */
size_t tl_dec_str(char *buf, struct tl_dec a);
/* Parse a plain decimal literal ("15", "-3", "99.99"); its scale is the
 * number of fraction digits. Returns 0 or -1. */
int tl_dec_parse(const char *s, struct tl_dec *out) TL_MUST_CHECK;
/* RCTab's "% of vote" cell without the '%' (rctab.md 8.2):
 * t.divide(d, DECIMAL32).scaleByPowerOfTen(4).intValue() / 100.0 as
 * Double.toString prints it. d must be non-zero. Returns 0 (and "")
 * when N or D of the exact quotient does not fit. */
size_t tl_dec_pct(char *buf, struct tl_dec t, struct tl_dec d);

#endif /* TL_NUM_H */
