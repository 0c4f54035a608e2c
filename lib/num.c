/* SPDX-License-Identifier: MIT */
/*
 * num.c -- all arithmetic on vote values: checked 64-bit integer ops,
 * exact a*b/c through a 128-bit intermediate with an explicit rounding
 * mode, rescaling between decimal places, exact parsing and printing.
 * No floating point anywhere.
 */
#include <string.h>

#include "tl_int.h"

#if defined(__SIZEOF_INT128__)
__extension__ typedef __int128 wide;
__extension__ typedef unsigned __int128 uwide;
#else
#error "teller needs a compiler with 128-bit integers (gcc or clang)"
#endif

static const int64_t pow10tab[19] = {
	INT64_C(1), INT64_C(10), INT64_C(100), INT64_C(1000), INT64_C(10000),
	INT64_C(100000), INT64_C(1000000), INT64_C(10000000),
	INT64_C(100000000), INT64_C(1000000000), INT64_C(10000000000),
	INT64_C(100000000000), INT64_C(1000000000000),
	INT64_C(10000000000000), INT64_C(100000000000000),
	INT64_C(1000000000000000), INT64_C(10000000000000000),
	INT64_C(100000000000000000), INT64_C(1000000000000000000)
};

int64_t
tl_num_pow10(int dp)
{
	if (dp < 0 || dp > TL_DP_MAX)
		return 0;
	return pow10tab[dp];
}

int
tl_num_add(teller_ctx *ctx, int64_t a, int64_t b, int64_t *out)
{
	if (__builtin_add_overflow(a, b, out))
		return tl_fail(ctx, TELLER_EOVERFLOW, "sum overflows");
	return TELLER_OK;
}

int
tl_num_sub(teller_ctx *ctx, int64_t a, int64_t b, int64_t *out)
{
	if (__builtin_sub_overflow(a, b, out))
		return tl_fail(ctx, TELLER_EOVERFLOW, "difference overflows");
	return TELLER_OK;
}

int
tl_num_mul(teller_ctx *ctx, int64_t a, int64_t b, int64_t *out)
{
	if (__builtin_mul_overflow(a, b, out))
		return tl_fail(ctx, TELLER_EOVERFLOW, "product overflows");
	return TELLER_OK;
}

/* q = n / d rounded by mode, n and d exact 128-bit, d != 0. */
static wide
divround(wide n, wide d, enum tl_round mode)
{
	wide q = n / d, r = n % d;
	int neg = (n < 0) != (d < 0);
	uwide ar, ad, twice;

	if (r == 0)
		return q;
	ar = (uwide)(r < 0 ? -r : r);
	ad = (uwide)(d < 0 ? -d : d);
	switch (mode) {
	case TL_ROUND_DOWN:
		return q;
	case TL_ROUND_FLOOR:
		return neg ? q - 1 : q;
	case TL_ROUND_CEIL:
		return neg ? q : q + 1;
	case TL_ROUND_UP:
		return neg ? q - 1 : q + 1;
	case TL_ROUND_HALF_UP:
	case TL_ROUND_HALF_EVEN:
		twice = ar * 2;
		if (twice > ad || (twice == ad && (mode == TL_ROUND_HALF_UP ||
		    (q % 2) != 0)))
			return neg ? q - 1 : q + 1;
		return q;
	}
	return q;
}

static int
narrow(teller_ctx *ctx, wide v, int64_t *out)
{
	if (v > INT64_MAX || v < INT64_MIN)
		return tl_fail(ctx, TELLER_EOVERFLOW,
		    "value overflows 64 bits");
	*out = (int64_t)v;
	return TELLER_OK;
}

int
tl_num_muldiv(teller_ctx *ctx, int64_t a, int64_t b, int64_t c,
    enum tl_round mode, int64_t *out)
{
	if (c == 0)
		return tl_fail(ctx, TELLER_EINTERNAL, "division by zero");
	return narrow(ctx, divround((wide)a * b, c, mode), out);
}

int
tl_num_div(teller_ctx *ctx, int64_t a, int64_t c, enum tl_round mode,
    int64_t *out)
{
	if (c == 0)
		return tl_fail(ctx, TELLER_EINTERNAL, "division by zero");
	return narrow(ctx, divround(a, c, mode), out);
}

int
tl_num_rescale(teller_ctx *ctx, tl_fix a, int from, int to,
    enum tl_round mode, tl_fix *out)
{
	if (from < 0 || from > TL_DP_MAX || to < 0 || to > TL_DP_MAX)
		return tl_fail(ctx, TELLER_EINTERNAL, "bad scale");
	if (to >= from)
		return narrow(ctx, (wide)a * pow10tab[to - from], out);
	return narrow(ctx, divround(a, pow10tab[from - to], mode), out);
}

size_t
tl_num_fmt(char *buf, tl_fix v, int dp)
{
	char tmp[TL_NUM_BUFSZ];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0, len = 0;
	int i;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	while (n < (size_t)dp + 1)
		tmp[n++] = '0';
	if (v < 0)
		buf[len++] = '-';
	for (i = (int)n - 1; i >= 0; i--) {
		buf[len++] = tmp[i];
		if (i == dp && dp > 0)
			buf[len++] = '.';
	}
	buf[len] = '\0';
	return len;
}

int
tl_num_places(const char *s, size_t n)
{
	size_t i = 0;
	int places = -1, digits = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			digits++;
			if (places >= 0)
				places++;
		} else if (s[i] == '.' && places < 0) {
			places = 0;
		} else {
			return -1;
		}
	}
	if (digits == 0)
		return -1;
	return places < 0 ? 0 : places;
}

int
tl_num_parse(const char *s, size_t n, int dp, tl_fix *out)
{
	size_t i = 0;
	int neg = 0, places = -1, digits = 0;
	uwide acc = 0;

	if (dp < 0 || dp > TL_DP_MAX)
		return -1;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (places >= 0 && ++places > dp)
				return -2;
			acc = acc * 10 + (uwide)(unsigned)(s[i] - '0');
			if (acc > (uwide)INT64_MAX)
				return -3;
			digits++;
		} else if (s[i] == '.' && places < 0) {
			places = 0;
		} else {
			return -1;
		}
	}
	if (digits == 0)
		return -1;
	if (places < 0)
		places = 0;
	acc *= (uwide)(uint64_t)pow10tab[dp - places];
	if (acc > (uwide)INT64_MAX)
		return -3;
	*out = neg ? -(int64_t)acc : (int64_t)acc;
	return 0;
}

/* ------------------------------------------------------------------ */
/*
 * Guarded fixed point (used by stv-wigm and stv-meek). A value is an
 * integer count of 10^-27 (18 places of precision plus 9 guard digits,
 * as Droop's "guarded" arithmetic with its defaults). Products and
 * quotients are floored, each on its own, exactly as Droop does:
 * mul(a, b) = floor(a*b / 10^27), div(a, b) = floor(a*10^27 / b). The
 * intermediate needs up to 256 bits, so it is kept as four 64-bit limbs.
 * Two values within 0.5 * 10^-18 compare equal (tl_g_cmp).
 */

struct u256 {
	uint64_t w[4]; /* little-endian limbs */
};

/* a * b, both < 2^128, as 256 bits. */
static struct u256
u256_mul(uwide a, uwide b)
{
	uint64_t x[2] = { (uint64_t)a, (uint64_t)(a >> 64) };
	uint64_t y[2] = { (uint64_t)b, (uint64_t)(b >> 64) };
	struct u256 r = { { 0, 0, 0, 0 } };
	int i, j;

	for (i = 0; i < 2; i++) {
		uwide carry = 0;
		for (j = 0; j < 2; j++) {
			uwide t = (uwide)x[i] * y[j] + r.w[i + j] + carry;
			r.w[i + j] = (uint64_t)t;
			carry = t >> 64;
		}
		r.w[i + 2] = (uint64_t)carry;
	}
	return r;
}

/* x /= d (d < 2^64, d > 0); returns the remainder. */
static uint64_t
u256_divsmall(struct u256 *x, uint64_t d)
{
	uwide rem = 0;
	int i;

	for (i = 3; i >= 0; i--) {
		uwide cur = (rem << 64) | x->w[i];
		x->w[i] = (uint64_t)(cur / d);
		rem = cur % d;
	}
	return (uint64_t)rem;
}

static int
u256_fits128(const struct u256 *x)
{
	return x->w[2] == 0 && x->w[3] == 0;
}

static uwide
u256_low(const struct u256 *x)
{
	return ((uwide)x->w[1] << 64) | x->w[0];
}

/* floor(x / d) for a 128-bit d > 0 by shift-and-subtract; *q must fit in
 * 128 bits (else returns -1). rem_nz set when the division is inexact. */
static int
u256_div128(struct u256 x, uwide d, uwide *q, int *rem_nz)
{
	uwide rem = 0, quo = 0;
	int bit, hi = 0;

	if (d >> 64 == 0) {
		uint64_t r = u256_divsmall(&x, (uint64_t)d);
		if (!u256_fits128(&x))
			return -1;
		*q = u256_low(&x);
		*rem_nz = r != 0;
		return 0;
	}
	for (bit = 255; bit >= 0; bit--) {
		int top = (int)(rem >> 127);
		rem = (rem << 1) | ((x.w[bit / 64] >> (bit % 64)) & 1);
		if (top || rem >= d) {
			rem -= d;
			if (bit >= 128)
				hi = 1;
			else
				quo |= (uwide)1 << bit;
		}
	}
	if (hi)
		return -1;
	*q = quo;
	*rem_nz = rem != 0;
	return 0;
}

static const uwide g_one = (uwide)1000000000000000000ULL * 1000000000ULL;

tl_g
tl_g_one(void)
{
	return (tl_g)g_one;
}

int
tl_g_from_int(teller_ctx *ctx, int64_t n, tl_g *out)
{
	if (n > INT64_C(100000000000) || n < -INT64_C(100000000000))
		return tl_fail(ctx, TELLER_EOVERFLOW, "%lld votes is beyond "
		    "guarded arithmetic (at most 10^11)", (long long)n);
	*out = (tl_g)n * (tl_g)g_one;
	return TELLER_OK;
}

/* Magnitude and sign helpers: Python-style floor division of signed
 * values, as Droop's arithmetic (Python integers) does. */
static uwide
g_abs(tl_g a)
{
	return a < 0 ? (uwide)0 - (uwide)a : (uwide)a;
}

static int
g_make(teller_ctx *ctx, uwide mag, int neg, int inexact, tl_g *out)
{
	if (neg && inexact)
		mag += 1; /* floor toward -infinity */
	if (mag > (uwide)(((uwide)1 << 127) - 1))
		return tl_fail(ctx, TELLER_EOVERFLOW, "guarded value "
		    "overflows");
	*out = neg ? -(tl_g)mag : (tl_g)mag;
	return TELLER_OK;
}

int
tl_g_mul(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out)
{
	struct u256 p = u256_mul(g_abs(a), g_abs(b));
	int neg = (a < 0) != (b < 0);
	uint64_t r1, r2;

	/* 10^27 = 10^18 * 10^9; floor(floor(x/m)/n) == floor(x/(m*n)). */
	r1 = u256_divsmall(&p, UINT64_C(1000000000000000000));
	r2 = u256_divsmall(&p, UINT64_C(1000000000));
	if (!u256_fits128(&p))
		return tl_fail(ctx, TELLER_EOVERFLOW, "guarded product "
		    "overflows");
	return g_make(ctx, u256_low(&p), neg && (a != 0 && b != 0),
	    r1 != 0 || r2 != 0, out);
}

int
tl_g_div(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out)
{
	struct u256 p;
	uwide q;
	int nz;

	if (b == 0)
		return tl_fail(ctx, TELLER_EINTERNAL, "division by zero");
	p = u256_mul(g_abs(a), g_one);
	if (u256_div128(p, g_abs(b), &q, &nz) != 0)
		return tl_fail(ctx, TELLER_EOVERFLOW, "guarded quotient "
		    "overflows");
	return g_make(ctx, q, (a < 0) != (b < 0) && a != 0, nz, out);
}

int
tl_g_cmp(tl_g a, tl_g b)
{
	/* Droop's Guarded.__cmp__: equal when |a - b| < 10^9 / 2. */
	tl_g d = a - b;

	if (d < 500000000 && d > -500000000)
		return 0;
	return d > 0 ? 1 : -1;
}

tl_fix
tl_g_round(tl_g a, int dp)
{
	/* Droop's display rounding: floor((v + s/2) / s) */
	tl_g s = (tl_g)g_one / (tl_g)tl_num_pow10(dp);

	return tl_g_fix(a + s / 2, dp);
}

tl_fix
tl_g_fix(tl_g a, int dp)
{
	tl_g s = (tl_g)g_one / (tl_g)tl_num_pow10(dp);
	tl_g q = a / s;

	if (a < 0 && q * s != a)
		q--;
	return (tl_fix)q;
}
