/* SPDX-License-Identifier: MIT */
/*
 * num_dec.c -- the arithmetic of RCTab vote values: decimals that carry
 * a scale as java.math.BigDecimal does (rctab.md 6.1), in checked 128-bit
 * integers (num.c's tl_num_w*), with BigDecimal.toString() printing and
 * the "% of vote" cell. num.c's 64-bit fixed scale cannot express
 * BigDecimal's per-value scale; the rounding and the powers of ten are
 * num.c's.
 */
#include <string.h>

#include "num.h"

static struct tl_wide
wide(int64_t v)
{
	return tl_num_wide(v);
}

static bool
is0(struct tl_wide a)
{
	return (a.lo | a.hi) == 0;
}

static bool
isneg(struct tl_wide a)
{
	return (a.hi >> 63) != 0;
}

/* -a in two's complement (-(-2^127) stays -2^127). */
static struct tl_wide
negate(struct tl_wide a)
{
	struct tl_wide r = { (uint64_t)0 - a.lo, ~a.hi + (a.lo == 0) };

	return r;
}

/* 2^127 - 1 */
static struct tl_wide
wmax(void)
{
	struct tl_wide r = { UINT64_MAX, UINT64_MAX >> 1 };

	return r;
}

struct tl_dec
tl_dec_int(int64_t n)
{
	struct tl_dec d = { wide(n), 0 };

	return d;
}

struct tl_dec
tl_dec_make(int64_t n, int s)
{
	struct tl_dec d = { wide(n), s };

	return d;
}

int
tl_dec_sign(struct tl_dec a)
{
	return tl_num_wsign(a.v);
}

int
tl_dec_scale(struct tl_dec a)
{
	return a.s;
}

int
tl_dec_cmp(struct tl_dec a, struct tl_dec b)
{
	struct tl_wide x = a.v, y = b.v;
	int sa = tl_dec_sign(a), sb = tl_dec_sign(b);

	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (a.s < b.s) {
		if (!tl_num_wscale(x, b.s - a.s, &x))
			return sa; /* |a| is enormous */
	} else if (b.s < a.s) {
		if (!tl_num_wscale(y, a.s - b.s, &y))
			return -sb;
	}
	return tl_num_wcmp(x, y);
}

static int
align(teller_ctx *ctx, struct tl_dec *a, struct tl_dec *b)
{
	if (a->s < b->s) {
		if (!tl_num_wscale(a->v, b->s - a->s, &a->v))
			return tl_fail(ctx, TELLER_EOVERFLOW,
			    "vote value overflows");
		a->s = b->s;
	} else if (b->s < a->s) {
		if (!tl_num_wscale(b->v, a->s - b->s, &b->v))
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
	if (!tl_num_wadd(a.v, b.v, &out->v))
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
	if (!tl_num_wsub(a.v, b.v, &out->v))
		return tl_fail(ctx, TELLER_EOVERFLOW,
		    "vote difference overflows");
	out->s = a.s;
	return TELLER_OK;
}

int
tl_dec_mul_int(teller_ctx *ctx, struct tl_dec a, int64_t n,
    struct tl_dec *out)
{
	if (!tl_num_wmul(a.v, wide(n), &out->v))
		return tl_fail(ctx, TELLER_EOVERFLOW, "vote product overflows");
	out->s = a.s;
	return TELLER_OK;
}

/* v at scale from -> scale to, rounding by mode. */
static int
rescale(teller_ctx *ctx, struct tl_wide v, int from, int to,
    enum tl_round mode, struct tl_dec *out)
{
	if (to > TL_DEC_SCALE_MAX || to < 0)
		return tl_fail(ctx, TELLER_EOVERFLOW, "scale out of range");
	if (to >= from) {
		if (!tl_num_wscale(v, to - from, &out->v))
			return tl_fail(ctx, TELLER_EOVERFLOW,
			    "vote value overflows");
	} else {
		out->v = from - to > 38 ? wide(0) : tl_num_wdiv10(v,
		    from - to, mode);
	}
	out->s = to;
	return TELLER_OK;
}

int
tl_dec_mul(teller_ctx *ctx, struct tl_dec a, struct tl_dec b, int s,
    enum tl_round mode, struct tl_dec *out)
{
	struct tl_wide p, q;
	bool neg;

	if (tl_num_wmul(a.v, b.v, &p))
		return rescale(ctx, p, a.s + b.s, s, mode, out);
	/* RCTab's multiply truncates to d places: (a*b) needs 256 bits
	 * when d reaches 19 or 20 (rctab.md 11.2) */
	neg = (tl_num_wsign(a.v) < 0) != (tl_num_wsign(b.v) < 0);
	if (mode != TL_ROUND_DOWN || s > a.s + b.s ||
	    !tl_num_wmul_down(a.v, b.v, a.s + b.s - s, &q))
		return tl_fail(ctx, TELLER_EOVERFLOW,
		    "vote product overflows 128 bits");
	out->v = neg ? negate(q) : q;
	out->s = s;
	return TELLER_OK;
}

int
tl_dec_div(teller_ctx *ctx, struct tl_dec a, struct tl_dec b, int s,
    enum tl_round mode, struct tl_dec *out)
{
	/* a/b at scale s = (a.v * 10^(s - a.s + b.s)) / b.v. */
	int e = s - a.s + b.s;
	struct tl_wide n = a.v, d = b.v;

	if (is0(d))
		return tl_fail(ctx, TELLER_EINTERNAL, "division by zero");
	if (s < 0 || s > TL_DEC_SCALE_MAX)
		return tl_fail(ctx, TELLER_EOVERFLOW, "scale out of range");
	if (e >= 0) {
		if (!tl_num_wscale(n, e, &n)) {
			/* digit-by-digit long division: the quotient fits
			 * even when a * 10^e does not */
			if (!tl_num_wdiv_long(n, d, e, mode, &out->v))
				return tl_fail(ctx, TELLER_EOVERFLOW,
				    "vote quotient overflows");
			out->s = s;
			return TELLER_OK;
		}
	} else if (!tl_num_wscale(d, -e, &d)) {
		out->v = wide(0); /* |a| < |b| * 10^-s by far */
		out->s = s;
		if (mode == TL_ROUND_UP && !is0(n))
			out->v = wide(tl_num_wsign(n) != tl_num_wsign(d) ?
			    -1 : 1);
		return TELLER_OK;
	}
	out->v = tl_num_wdiv(n, d, mode);
	out->s = s;
	return TELLER_OK;
}

void
tl_dec_split(struct tl_dec a, struct tl_dec *ip, struct tl_dec *frac)
{
	ip->v = tl_num_wdiv10(a.v, a.s, TL_ROUND_DOWN);
	ip->s = 0;
	frac->v = tl_num_wrem10(a.v, a.s);
	frac->s = a.s;
}

size_t
tl_dec_str(char *buf, struct tl_dec a)
{
	char d[48];
	int n = tl_num_wdigits(d, a.v), adjusted = n - 1 - a.s, i;
	size_t len = 0;

	if (isneg(a.v))
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
		len += (size_t)tl_num_wdigits(buf + len,
		    wide(adjusted < 0 ? -adjusted : adjusted));
	}
	buf[len] = '\0';
	return len;
}

int
tl_dec_parse(const char *s, struct tl_dec *out)
{
	struct tl_wide v = wide(0);
	int scale = -1, nd = 0;
	bool neg = false;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9') {
			/* 36 digits fit: the steps cannot fail */
			if (++nd > 36 || !tl_num_wscale(v, 1, &v) ||
			    !tl_num_wadd(v, wide(*s - '0'), &v))
				return -1;
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
	out->v = neg ? negate(v) : v;
	out->s = scale < 0 ? 0 : scale;
	return 0;
}

size_t
tl_dec_pct(char *buf, struct tl_dec t, struct tl_dec d)
{
	/* q = t/d = N/D exactly; DECIMAL32 keeps 7 significant digits,
	 * HALF_EVEN; then x10^4 and truncation to an int p; p/100.0. */
	struct tl_wide n = t.v, dd = d.v, r, lim6, lim7, p;
	struct tl_wide lim = tl_num_wdiv10(wmax(), 7, TL_ROUND_DOWN);
	int k = 0, sh, c;
	size_t len;
	bool neg;

	/* N = t.v * 10^d.s, D = d.v * 10^t.s (both scales small); a
	 * D so large that D * 10^7 does not fit gives "" (the caller
	 * reports it) rather than wrapped limits and an endless loop */
	if (!tl_num_wscale(n, d.s, &n) || !tl_num_wscale(dd, t.s, &dd) ||
	    is0(dd) || tl_num_wcmp(dd, lim) > 0 ||
	    tl_num_wcmp(dd, negate(lim)) < 0)
		return (size_t)(buf[0] = '\0');
	neg = isneg(n) != isneg(dd);
	if (isneg(n))
		n = negate(n);
	if (isneg(dd))
		dd = negate(dd);
	if (is0(n)) {
		p = wide(0);
	} else {
		/* find k with 10^6 <= N*10^k/D < 10^7; D * 10^7 fits */
		if (!tl_num_wscale(dd, 6, &lim6) ||
		    !tl_num_wscale(dd, 7, &lim7))
			return (size_t)(buf[0] = '\0');
		while (tl_num_wcmp(n, lim6) < 0 && k < 60) {
			if (!tl_num_wscale(n, 1, &n))
				break;
			k++;
		}
		while (tl_num_wcmp(n, lim7) >= 0) {
			/* lim6 and D are smaller than lim7 */
			if (!tl_num_wscale(lim7, 1, &lim7) ||
			    !tl_num_wscale(lim6, 1, &lim6) ||
			    !tl_num_wscale(dd, 1, &dd))
				break;
			k--;
		}
		r = tl_num_wdiv(n, dd, TL_ROUND_HALF_EVEN); /* q * 10^k */
		sh = 4 - k;                                 /* p = r * 10^sh */
		if (sh >= 0) {
			if (!tl_num_wscale(r, sh, &p))
				p = wide(0);
		} else {
			p = -sh > 38 ? wide(0) : tl_num_wdiv10(r, -sh,
			    TL_ROUND_DOWN);
		}
	}
	len = 0;
	if (neg && !is0(p))
		buf[len++] = '-';
	len += (size_t)tl_num_wdigits(buf + len, tl_num_wdiv10(p, 2,
	    TL_ROUND_DOWN));
	buf[len++] = '.';
	c = (int)tl_num_wrem10(p, 2).lo; /* 0 .. 99 */
	if (c == 0) {
		buf[len++] = '0';
	} else if (c < 10) {
		buf[len++] = '0';
		buf[len++] = (char)('0' + c);
	} else {
		buf[len++] = (char)('0' + c / 10);
		if (c % 10 != 0)
			buf[len++] = (char)('0' + c % 10);
	}
	buf[len] = '\0';
	return len;
}
