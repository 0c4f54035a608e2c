/* SPDX-License-Identifier: MIT */
/*
 * rctab_dec.c -- the arithmetic of RCTab vote values: decimals that carry a
 * scale as java.math.BigDecimal does (rctab.md 6.1), in checked 128-bit
 * integers, with BigDecimal.toString() printing and the "% of vote" cell.
 * This is the RCTab counterpart of num.c, whose 64-bit fixed scale cannot
 * express BigDecimal's per-value scale.
 */
#include <string.h>

#include "rctab/rctab.h"

static const tl_i128 I128_MAX = (tl_i128)(((tl_u128)1 << 127) - 1);

/* 10^n for 0 <= n <= 38. */
static tl_i128
p10(int n)
{
	tl_i128 r = 1;

	while (n-- > 0)
		r *= 10;
	return r;
}

struct tl_dec
tl_dec_int(int64_t n)
{
	struct tl_dec d = { n, 0 };

	return d;
}

int
tl_dec_sign(struct tl_dec a)
{
	return a.v > 0 ? 1 : a.v < 0 ? -1 : 0;
}

/* a * 10^n with overflow check; returns false on overflow. */
static bool
upscale(tl_i128 a, int n, tl_i128 *out)
{
	while (n-- > 0) {
		if (__builtin_mul_overflow(a, (tl_i128)10, &a))
			return false;
	}
	*out = a;
	return true;
}

int
tl_dec_cmp(struct tl_dec a, struct tl_dec b)
{
	tl_i128 x = a.v, y = b.v;
	int sa = tl_dec_sign(a), sb = tl_dec_sign(b);

	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (a.s < b.s) {
		if (!upscale(x, b.s - a.s, &x))
			return sa; /* |a| is enormous */
	} else if (b.s < a.s) {
		if (!upscale(y, a.s - b.s, &y))
			return -sb;
	}
	return x < y ? -1 : x > y ? 1 : 0;
}

static int
align(teller_ctx *ctx, struct tl_dec *a, struct tl_dec *b)
{
	if (a->s < b->s) {
		if (!upscale(a->v, b->s - a->s, &a->v))
			return tl_fail(ctx, TELLER_EOVERFLOW,
			    "vote value overflows");
		a->s = b->s;
	} else if (b->s < a->s) {
		if (!upscale(b->v, a->s - b->s, &b->v))
			return tl_fail(ctx, TELLER_EOVERFLOW,
			    "vote value overflows");
		b->s = a->s;
	}
	return TELLER_OK;
}

int
tl_dec_add(teller_ctx *ctx, struct tl_dec a, struct tl_dec b,
    struct tl_dec *out)
{
	int rc = align(ctx, &a, &b);

	if (rc != TELLER_OK)
		return rc;
	if (__builtin_add_overflow(a.v, b.v, &out->v))
		return tl_fail(ctx, TELLER_EOVERFLOW, "vote sum overflows");
	out->s = a.s;
	return TELLER_OK;
}

int
tl_dec_sub(teller_ctx *ctx, struct tl_dec a, struct tl_dec b,
    struct tl_dec *out)
{
	int rc = align(ctx, &a, &b);

	if (rc != TELLER_OK)
		return rc;
	if (__builtin_sub_overflow(a.v, b.v, &out->v))
		return tl_fail(ctx, TELLER_EOVERFLOW,
		    "vote difference overflows");
	out->s = a.s;
	return TELLER_OK;
}

int
tl_dec_mul_int(teller_ctx *ctx, struct tl_dec a, int64_t n,
    struct tl_dec *out)
{
	if (__builtin_mul_overflow(a.v, (tl_i128)n, &out->v))
		return tl_fail(ctx, TELLER_EOVERFLOW, "vote product overflows");
	out->s = a.s;
	return TELLER_OK;
}

/* n / d rounded by mode (d != 0). */
static tl_i128
divround(tl_i128 n, tl_i128 d, enum tl_dec_round mode)
{
	tl_i128 q = n / d, r = n % d;
	bool neg = (n < 0) != (d < 0);
	tl_u128 ar, ad;

	if (r == 0)
		return q;
	ar = (tl_u128)(r < 0 ? -r : r);
	ad = (tl_u128)(d < 0 ? -d : d);
	switch (mode) {
	case TL_DEC_DOWN:
		return q;
	case TL_DEC_UP:
		return neg ? q - 1 : q + 1;
	case TL_DEC_HALF_UP:
	case TL_DEC_HALF_EVEN:
		if (ar > ad - ar || (ar == ad - ar &&
		    (mode == TL_DEC_HALF_UP || (q % 2) != 0)))
			return neg ? q - 1 : q + 1;
		return q;
	}
	return q;
}

/* v at scale from -> scale to, rounding by mode. */
static int
rescale(teller_ctx *ctx, tl_i128 v, int from, int to, enum tl_dec_round mode,
    struct tl_dec *out)
{
	if (to > TL_DEC_SCALE_MAX || to < 0)
		return tl_fail(ctx, TELLER_EOVERFLOW, "scale out of range");
	if (to >= from) {
		if (!upscale(v, to - from, &out->v))
			return tl_fail(ctx, TELLER_EOVERFLOW,
			    "vote value overflows");
	} else {
		out->v = from - to > 38 ? 0 : divround(v, p10(from - to),
		    mode);
	}
	out->s = to;
	return TELLER_OK;
}

/* |a| * |b| / 10^k truncated, through a 256-bit product (four 64-bit
 * limbs, least significant first). False if the result overflows. */
static bool
wide_mul_down(tl_u128 a, tl_u128 b, int k, tl_u128 *out)
{
	uint64_t x[2] = { (uint64_t)a, (uint64_t)(a >> 64) };
	uint64_t y[2] = { (uint64_t)b, (uint64_t)(b >> 64) };
	uint64_t z[4] = { 0, 0, 0, 0 };
	int i, j, step;

	for (i = 0; i < 2; i++) {
		tl_u128 carry = 0;
		for (j = 0; j < 2; j++) {
			tl_u128 t = (tl_u128)x[i] * y[j] + z[i + j] + carry;
			z[i + j] = (uint64_t)t;
			carry = t >> 64;
		}
		z[i + 2] = (uint64_t)carry;
	}
	while (k > 0) {
		uint64_t d = 1;
		tl_u128 rem = 0;
		step = k > 19 ? 19 : k;
		for (i = 0; i < step; i++)
			d *= 10;
		for (i = 3; i >= 0; i--) {
			tl_u128 cur = (rem << 64) | z[i];
			z[i] = (uint64_t)(cur / d);
			rem = cur % d;
		}
		k -= step;
	}
	if (z[2] != 0 || z[3] != 0 || (z[1] >> 63) != 0)
		return false;
	*out = ((tl_u128)z[1] << 64) | z[0];
	return true;
}

int
tl_dec_mul(teller_ctx *ctx, struct tl_dec a, struct tl_dec b, int s,
    enum tl_dec_round mode, struct tl_dec *out)
{
	tl_i128 p;
	tl_u128 q;
	bool neg;

	if (!__builtin_mul_overflow(a.v, b.v, &p))
		return rescale(ctx, p, a.s + b.s, s, mode, out);
	/* RCTab's multiply truncates to d places: (a*b) needs 256 bits
	 * when d reaches 19 or 20 (rctab.md 11.2) */
	neg = (a.v < 0) != (b.v < 0);
	if (mode != TL_DEC_DOWN || s > a.s + b.s || !wide_mul_down(
	    (tl_u128)(a.v < 0 ? -a.v : a.v), (tl_u128)(b.v < 0 ? -b.v : b.v),
	    a.s + b.s - s, &q))
		return tl_fail(ctx, TELLER_EOVERFLOW,
		    "vote product overflows 128 bits");
	out->v = neg ? -(tl_i128)q : (tl_i128)q;
	out->s = s;
	return TELLER_OK;
}

int
tl_dec_div(teller_ctx *ctx, struct tl_dec a, struct tl_dec b, int s,
    enum tl_dec_round mode, struct tl_dec *out)
{
	/* a/b at scale s = (a.v * 10^(s - a.s + b.s)) / b.v. */
	int e = s - a.s + b.s;
	tl_i128 n = a.v, d = b.v;

	if (d == 0)
		return tl_fail(ctx, TELLER_EINTERNAL, "division by zero");
	if (s < 0 || s > TL_DEC_SCALE_MAX)
		return tl_fail(ctx, TELLER_EOVERFLOW, "scale out of range");
	if (e >= 0) {
		if (!upscale(n, e, &n)) {
			/* digit-by-digit long division: the quotient fits
			 * even when a * 10^e does not */
			tl_u128 un = (tl_u128)(n < 0 ? -n : n);
			tl_u128 ud = (tl_u128)(d < 0 ? -d : d);
			tl_u128 q = un / ud, r = un % ud;
			bool neg = (n < 0) != (d < 0);
			while (e-- > 0) {
				if (q > (tl_u128)I128_MAX / 10 ||
				    r > ((tl_u128)I128_MAX) / 10)
					return tl_fail(ctx, TELLER_EOVERFLOW,
					    "vote quotient overflows");
				r *= 10;
				q = q * 10 + r / ud;
				r %= ud;
			}
			if (r != 0 && (mode == TL_DEC_UP ||
			    ((mode == TL_DEC_HALF_UP ||
			    mode == TL_DEC_HALF_EVEN) && (r > ud - r ||
			    (r == ud - r && (mode == TL_DEC_HALF_UP ||
			    (q & 1) != 0))))))
				q++;
			if (q > (tl_u128)I128_MAX)
				return tl_fail(ctx, TELLER_EOVERFLOW,
				    "vote quotient overflows");
			out->v = neg ? -(tl_i128)q : (tl_i128)q;
			out->s = s;
			return TELLER_OK;
		}
	} else if (!upscale(d, -e, &d)) {
		out->v = 0; /* |a| < |b| * 10^-s by far */
		out->s = s;
		if (mode == TL_DEC_UP && n != 0)
			out->v = (n < 0) != (d < 0) ? -1 : 1;
		return TELLER_OK;
	}
	out->v = divround(n, d, mode);
	out->s = s;
	return TELLER_OK;
}

/* Unsigned digits of |v| into buf, NUL-ended; returns the count. */
static int
digits(char *buf, tl_i128 v)
{
	char tmp[48];
	tl_u128 u = v < 0 ? (tl_u128)0 - (tl_u128)v : (tl_u128)v;
	int n = 0, i;

	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u != 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

size_t
tl_dec_str(char *buf, struct tl_dec a)
{
	char d[48];
	int n = digits(d, a.v), adjusted = n - 1 - a.s, i;
	size_t len = 0;

	if (a.v < 0)
		buf[len++] = '-';
	if (a.s == 0) {
		memcpy(buf + len, d, (size_t)n);
		len += (size_t)n;
	} else if (adjusted >= -6) {
		/* plain notation with exactly s fraction digits */
		if (n > a.s) {
			memcpy(buf + len, d, (size_t)(n - a.s));
			len += (size_t)(n - a.s);
			buf[len++] = '.';
			memcpy(buf + len, d + n - a.s, (size_t)a.s);
			len += (size_t)a.s;
		} else {
			buf[len++] = '0';
			buf[len++] = '.';
			for (i = 0; i < a.s - n; i++)
				buf[len++] = '0';
			memcpy(buf + len, d, (size_t)n);
			len += (size_t)n;
		}
	} else {
		/* scientific: d.dddE-x */
		buf[len++] = d[0];
		if (n > 1) {
			buf[len++] = '.';
			memcpy(buf + len, d + 1, (size_t)(n - 1));
			len += (size_t)(n - 1);
		}
		buf[len++] = 'E';
		if (adjusted > 0)
			buf[len++] = '+';
		else if (adjusted < 0)
			buf[len++] = '-';
		len += (size_t)digits(buf + len, adjusted < 0 ? -adjusted :
		    adjusted);
	}
	buf[len] = '\0';
	return len;
}

int
tl_dec_parse(const char *s, struct tl_dec *out)
{
	tl_i128 v = 0;
	int scale = -1, nd = 0;
	bool neg = false;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++nd > 36)
				return -1;
			v = v * 10 + (*s - '0');
			if (scale >= 0)
				scale++;
		} else if (*s == '.' && scale < 0) {
			scale = 0;
		} else {
			return -1;
		}
	}
	if (scale == 0 || nd == 0)
		return -1;
	out->v = neg ? -v : v;
	out->s = scale < 0 ? 0 : scale;
	return 0;
}

size_t
tl_dec_pct(char *buf, struct tl_dec t, struct tl_dec d)
{
	/* q = t/d = N/D exactly; DECIMAL32 keeps 7 significant digits,
	 * HALF_EVEN; then x10^4 and truncation to an int p; p/100.0. */
	tl_i128 n = t.v, dd = d.v, r, lim6, lim7, p;
	int k = 0, sh;
	size_t len;
	bool neg;

	/* N = t.v * 10^d.s, D = d.v * 10^t.s (both scales small); a
	 * D so large that D * 10^7 does not fit gives "" (the caller
	 * reports it) rather than wrapped limits and an endless loop */
	if (!upscale(n, d.s, &n) || !upscale(dd, t.s, &dd) || dd == 0 ||
	    dd > I128_MAX / 10000000 || dd < -(I128_MAX / 10000000))
		return (size_t)(buf[0] = '\0');
	neg = (n < 0) != (dd < 0);
	if (n < 0)
		n = -n;
	if (dd < 0)
		dd = -dd;
	if (n == 0) {
		p = 0;
	} else {
		/* find k with 10^6 <= N*10^k/D < 10^7 */
		lim6 = dd * 1000000;
		lim7 = dd * 10000000;
		while (n < lim6 && k < 60) {
			if (n > I128_MAX / 10)
				break;
			n *= 10;
			k++;
		}
		while (n >= lim7) {
			if (lim6 > I128_MAX / 10 || lim7 > I128_MAX / 10)
				break;
			lim6 *= 10;
			lim7 *= 10;
			dd *= 10;
			k--;
		}
		r = divround(n, dd, TL_DEC_HALF_EVEN); /* q * 10^k */
		sh = 4 - k;                            /* p = r * 10^sh */
		if (sh >= 0)
			p = upscale(r, sh, &p) ? p : 0;
		else
			p = -sh > 38 ? 0 : r / p10(-sh);
	}
	len = 0;
	if (neg && p != 0)
		buf[len++] = '-';
	len += (size_t)digits(buf + len, p / 100);
	buf[len++] = '.';
	if (p % 100 == 0) {
		buf[len++] = '0';
	} else if (p % 100 < 10) {
		buf[len++] = '0';
		buf[len++] = (char)('0' + (int)(p % 10));
	} else {
		buf[len++] = (char)('0' + (int)(p % 100 / 10));
		if (p % 10 != 0)
			buf[len++] = (char)('0' + (int)(p % 10));
	}
	buf[len] = '\0';
	return len;
}
