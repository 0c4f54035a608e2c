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
		return tl_fail(ctx, TELLER_EOVERFLOW, "value overflows 64 bits");
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
