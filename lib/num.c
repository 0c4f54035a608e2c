/* SPDX-License-Identifier: MIT */
/*
 * num.c -- all arithmetic on vote values: checked 64-bit integer ops,
 * exact a*b/c through a 128-bit intermediate with an explicit rounding
 * mode, rescaling between decimal places, exact parsing and printing,
 * 128-bit integers for num_dec.c, and guarded fixed point for stv-wigm
 * and stv-meek. No floating point anywhere.
 *
 * 128-bit integers: the compiler's where it has them; else, or with
 * -DTL_NO_INT128, two 64-bit limbs (products through 32-bit halves,
 * division by long division). Everything below the two variants of
 * the few primitives (u_*) is written once, for both.
 */
#include <string.h>

#include "num.h"

#if defined(__SIZEOF_INT128__) && !defined(TL_NO_INT128)
__extension__ typedef unsigned __int128 u128;
__extension__ typedef __int128 s128;

static inline u128
u_make(uint64_t hi, uint64_t lo)
{
	return ((u128)hi << 64) | lo;
}

static inline uint64_t
u_lo(u128 a)
{
	return (uint64_t)a;
}

static inline uint64_t
u_hi(u128 a)
{
	return (uint64_t)(a >> 64);
}

static inline u128
u_add(u128 a, u128 b)
{
	return a + b;
}

static inline u128
u_sub(u128 a, u128 b)
{
	return a - b;
}

/* the low 128 bits of a * b */
static inline u128
u_mul(u128 a, u128 b)
{
	return a * b;
}

static inline u128
u_mul64(uint64_t a, uint64_t b)
{
	return (u128)a * b;
}

static inline bool
u_lt(u128 a, u128 b)
{
	return a < b;
}

static inline bool
u_eq(u128 a, u128 b)
{
	return a == b;
}

static inline bool
s_lt(u128 a, u128 b)
{
	return (s128)a < (s128)b;
}

static inline u128
u_shl1(u128 a)
{
	return a << 1;
}

/* a / b and *rem = a % b, b != 0. */
static inline u128
u_divmod(u128 a, u128 b, u128 *rem)
{
	u128 q = a / b;

	*rem = a - q * b;
	return q;
}

/* Signed a + b, a - b, a * b into *out; true if it overflows. */
static inline bool
s_add_ovf(u128 a, u128 b, u128 *out)
{
	s128 r;
	bool o = __builtin_add_overflow((s128)a, (s128)b, &r);

	*out = (u128)r;
	return o;
}

static inline bool
s_sub_ovf(u128 a, u128 b, u128 *out)
{
	s128 r;
	bool o = __builtin_sub_overflow((s128)a, (s128)b, &r);

	*out = (u128)r;
	return o;
}

static inline bool
s_mul_ovf(u128 a, u128 b, u128 *out)
{
	s128 r;
	bool o = __builtin_mul_overflow((s128)a, (s128)b, &r);

	*out = (u128)r;
	return o;
}
#else
typedef struct {
	uint64_t lo, hi;
} u128;

static inline u128
u_make(uint64_t hi, uint64_t lo)
{
	u128 r = { lo, hi };

	return r;
}

static inline uint64_t
u_lo(u128 a)
{
	return a.lo;
}

static inline uint64_t
u_hi(u128 a)
{
	return a.hi;
}

static inline u128
u_add(u128 a, u128 b)
{
	u128 r;

	r.lo = a.lo + b.lo;
	r.hi = a.hi + b.hi + (r.lo < a.lo);
	return r;
}

static inline u128
u_sub(u128 a, u128 b)
{
	u128 r;

	r.lo = a.lo - b.lo;
	r.hi = a.hi - b.hi - (a.lo < b.lo);
	return r;
}

/* a * b, 64 x 64 -> 128 bits, through 32-bit halves. */
static u128
u_mul64(uint64_t a, uint64_t b)
{
	uint64_t a0 = a & 0xffffffffu, a1 = a >> 32;
	uint64_t b0 = b & 0xffffffffu, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) +
	    (p10 & 0xffffffffu);
	u128 r;

	r.lo = (mid << 32) | (p00 & 0xffffffffu);
	r.hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
	return r;
}

/* the low 128 bits of a * b */
static u128
u_mul(u128 a, u128 b)
{
	u128 r = u_mul64(a.lo, b.lo);

	r.hi += a.lo * b.hi + a.hi * b.lo;
	return r;
}

static inline bool
u_lt(u128 a, u128 b)
{
	return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

static inline bool
u_eq(u128 a, u128 b)
{
	return a.hi == b.hi && a.lo == b.lo;
}

static inline bool
s_lt(u128 a, u128 b)
{
	uint64_t top = UINT64_C(1) << 63;

	return u_lt(u_make(a.hi ^ top, a.lo), u_make(b.hi ^ top, b.lo));
}

static inline u128
u_shl1(u128 a)
{
	return u_make((a.hi << 1) | (a.lo >> 63), a.lo << 1);
}

/* a / b and *rem = a % b, b != 0: one bit at a time. */
static u128
u_divmod(u128 a, u128 b, u128 *rem)
{
	u128 q = { 0, 0 }, r = { 0, 0 };
	int bit;

	if (a.hi == 0 && b.hi == 0) {
		*rem = u_make(0, a.lo % b.lo);
		return u_make(0, a.lo / b.lo);
	}
	for (bit = 127; bit >= 0; bit--) {
		uint64_t top = r.hi >> 63;
		uint64_t in = bit >= 64 ? a.hi >> (bit - 64) : a.lo >> bit;
		r = u_shl1(r);
		r.lo |= in & 1;
		if (top != 0 || !u_lt(r, b)) {
			r = u_sub(r, b);
			if (bit >= 64)
				q.hi |= UINT64_C(1) << (bit - 64);
			else
				q.lo |= UINT64_C(1) << bit;
		}
	}
	*rem = r;
	return q;
}

static inline bool
s_add_ovf(u128 a, u128 b, u128 *out)
{
	*out = u_add(a, b);
	return (a.hi >> 63) == (b.hi >> 63) && (out->hi >> 63) != (a.hi >> 63);
}

static inline bool
s_sub_ovf(u128 a, u128 b, u128 *out)
{
	*out = u_sub(a, b);
	return (a.hi >> 63) != (b.hi >> 63) && (out->hi >> 63) != (a.hi >> 63);
}

static bool
s_mul_ovf(u128 a, u128 b, u128 *out)
{
	bool na = (a.hi >> 63) != 0, nb = (b.hi >> 63) != 0;
	u128 x = na ? u_sub(u_make(0, 0), a) : a;
	u128 y = nb ? u_sub(u_make(0, 0), b) : b;
	u128 p, c;
	uint64_t lim = na != nb ? UINT64_C(1) << 63 : UINT64_MAX >> 1;

	if (x.hi != 0 && y.hi != 0)
		return true;
	p = u_mul64(x.lo, y.lo);
	c = u_mul64(x.hi != 0 ? x.hi : y.hi, x.hi != 0 ? y.lo : x.lo);
	if (c.hi != 0 || p.hi + c.lo < p.hi)
		return true;
	p.hi += c.lo;
	/* |a * b| <= 2^127 - 1, or 2^127 when negative */
	if (p.hi > lim || (p.hi == lim && na != nb && p.lo != 0))
		return true;
	*out = na != nb ? u_sub(u_make(0, 0), p) : p;
	return false;
}
#endif

/* Built on the primitives above, the same for both variants. */
static inline u128
u_of(uint64_t v)
{
	return u_make(0, v);
}

static inline bool
u_is0(u128 a)
{
	return (u_lo(a) | u_hi(a)) == 0;
}

static inline bool
s_neg(u128 a)
{
	return (u_hi(a) >> 63) != 0;
}

static inline u128
s_negate(u128 a)
{
	return u_sub(u_of(0), a);
}

static inline u128
s_abs(u128 a)
{
	return s_neg(a) ? s_negate(a) : a;
}

static inline u128
s_of(int64_t v)
{
	return u_make(v < 0 ? UINT64_MAX : 0, (uint64_t)v);
}

/* 2^127 - 1, the largest signed value. */
static inline u128
s_max(void)
{
	return u_make(UINT64_MAX >> 1, UINT64_MAX);
}

/* a << n and a >> n, 0 <= n < 128. */
static u128
u_shl(u128 a, int n)
{
	uint64_t lo = u_lo(a), hi = u_hi(a);

	if (n == 0)
		return a;
	if (n >= 64)
		return u_make(lo << (n - 64), 0);
	return u_make((hi << n) | (lo >> (64 - n)), lo << n);
}

static u128
u_shr(u128 a, int n)
{
	uint64_t lo = u_lo(a), hi = u_hi(a);

	if (n == 0)
		return a;
	if (n >= 64)
		return u_make(0, hi >> (n - 64));
	return u_make(hi >> n, (lo >> n) | (hi << (64 - n)));
}

static inline u128
w_u(struct tl_wide a)
{
	return u_make(a.hi, a.lo);
}

static inline struct tl_wide
u_w(u128 a)
{
	struct tl_wide r = { u_lo(a), u_hi(a) };

	return r;
}

/* The one table of powers of ten: 10^0 .. 10^19 (10^19 < 2^64). */
static const uint64_t pow10tab[20] = {
	UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000),
	UINT64_C(10000), UINT64_C(100000), UINT64_C(1000000),
	UINT64_C(10000000), UINT64_C(100000000), UINT64_C(1000000000),
	UINT64_C(10000000000), UINT64_C(100000000000),
	UINT64_C(1000000000000), UINT64_C(10000000000000),
	UINT64_C(100000000000000), UINT64_C(1000000000000000),
	UINT64_C(10000000000000000), UINT64_C(100000000000000000),
	UINT64_C(1000000000000000000), UINT64_C(10000000000000000000)
};

/* 10^k for 0 <= k <= 38 (10^38 < 2^127). */
static u128
p10(int k)
{
	if (k <= 19)
		return u_of(pow10tab[k]);
	return u_mul64(pow10tab[19], pow10tab[k - 19]);
}

int64_t
tl_num_pow10(int dp)
{
	if (dp < 0 || dp > TL_DP_MAX)
		return 0;
	return (int64_t)pow10tab[dp];
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

/* Whether a quotient q of magnitude with remainder r != 0 over divisor
 * ad (all magnitudes) moves one away from zero under mode; neg: the
 * exact quotient is negative. The one rounding rule of the module. */
static bool
round_away(enum tl_round mode, bool neg, u128 q, u128 r, u128 ad)
{
	u128 rest = u_sub(ad, r);

	switch (mode) {
	case TL_ROUND_DOWN:
		return false;
	case TL_ROUND_FLOOR:
		return neg;
	case TL_ROUND_CEIL:
		return !neg;
	case TL_ROUND_UP:
		return true;
	case TL_ROUND_HALF_UP:
	case TL_ROUND_HALF_EVEN:
		return u_lt(rest, r) || (u_eq(rest, r) &&
		    (mode == TL_ROUND_HALF_UP || (u_lo(q) & 1) != 0));
	}
	return false;
}

/* n / d rounded by mode, signed, d != 0. */
static u128
divround(u128 n, u128 d, enum tl_round mode)
{
	bool neg = s_neg(n) != s_neg(d);
	u128 ad = s_abs(d), r, q = u_divmod(s_abs(n), ad, &r);

	if (!u_is0(r) && round_away(mode, neg, q, r, ad))
		q = u_add(q, u_of(1));
	return neg ? s_negate(q) : q;
}

/* a * b, both signed 64-bit, exactly. */
static u128
s_mul64(int64_t a, int64_t b)
{
	uint64_t ua = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
	uint64_t ub = b < 0 ? (uint64_t)0 - (uint64_t)b : (uint64_t)b;
	u128 p = u_mul64(ua, ub);

	return (a < 0) != (b < 0) ? s_negate(p) : p;
}

static int
narrow(teller_ctx *ctx, u128 v, int64_t *out)
{
	if (u_hi(v) != (uint64_t)((int64_t)u_lo(v) >> 63))
		return tl_fail(ctx, TELLER_EOVERFLOW, "value overflows 64 "
		    "bits");
	*out = (int64_t)u_lo(v);
	return TELLER_OK;
}

int
tl_num_muldiv(teller_ctx *ctx, int64_t a, int64_t b, int64_t c,
    enum tl_round mode, int64_t *out)
{
	if (c == 0)
		return tl_fail(ctx, TELLER_EINTERNAL, "division by zero");
	return narrow(ctx, divround(s_mul64(a, b), s_of(c), mode), out);
}

int
tl_num_div(teller_ctx *ctx, int64_t a, int64_t c, enum tl_round mode,
    int64_t *out)
{
	if (c == 0)
		return tl_fail(ctx, TELLER_EINTERNAL, "division by zero");
	return narrow(ctx, divround(s_of(a), s_of(c), mode), out);
}

int
tl_num_rescale(teller_ctx *ctx, tl_fix a, int from, int to,
    enum tl_round mode, tl_fix *out)
{
	if (from < 0 || from > TL_DP_MAX || to < 0 || to > TL_DP_MAX)
		return tl_fail(ctx, TELLER_EINTERNAL, "bad scale");
	if (to >= from)
		return narrow(ctx, s_mul64(a, (int64_t)pow10tab[to - from]),
		    out);
	return narrow(ctx, divround(s_of(a), p10(from - to), mode), out);
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
	uint64_t acc = 0;

	if (dp < 0 || dp > TL_DP_MAX)
		return -1;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			uint64_t d = (uint64_t)(s[i] - '0');
			if (places >= 0 && ++places > dp)
				return -2;
			if (acc > ((uint64_t)INT64_MAX - d) / 10)
				return -3;
			acc = acc * 10 + d;
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
	if (__builtin_mul_overflow(acc, pow10tab[dp - places], &acc) ||
	    acc > (uint64_t)INT64_MAX)
		return -3;
	*out = neg ? -(int64_t)acc : (int64_t)acc;
	return 0;
}

int64_t
tl_num_fmul53(uint64_t m, uint32_t n)
{
	u128 p = u_mul64(m, n), q, rem, half;
	int bits = 0, sh;

	for (q = p; !u_is0(q); q = u_shr(q, 1))
		bits++;
	if (bits > 53) {
		sh = bits - 53;
		q = u_shr(p, sh);
		rem = u_sub(p, u_shl(q, sh));
		half = u_shl(u_of(1), sh - 1);
		if (u_lt(half, rem) || (u_eq(rem, half) && (u_lo(q) & 1) != 0))
			q = u_add(q, u_of(1));
		p = u_shl(q, sh);
	}
	return (int64_t)u_lo(u_shr(p, 53));
}

/* ------------------------------------------------------------------ */
/* 128-bit integers for num_dec.c                                      */

struct tl_wide
tl_num_wide(int64_t v)
{
	return u_w(s_of(v));
}

int
tl_num_wsign(struct tl_wide a)
{
	u128 x = w_u(a);

	return s_neg(x) ? -1 : !u_is0(x);
}

bool
tl_num_w64(struct tl_wide a, int64_t *out)
{
	if (a.hi != (uint64_t)((int64_t)a.lo >> 63))
		return false;
	*out = (int64_t)a.lo;
	return true;
}

int
tl_num_wcmp(struct tl_wide a, struct tl_wide b)
{
	u128 x = w_u(a), y = w_u(b);

	return s_lt(x, y) ? -1 : s_lt(y, x) ? 1 : 0;
}

bool
tl_num_wadd(struct tl_wide a, struct tl_wide b, struct tl_wide *out)
{
	u128 r;

	if (s_add_ovf(w_u(a), w_u(b), &r))
		return false;
	*out = u_w(r);
	return true;
}

bool
tl_num_wsub(struct tl_wide a, struct tl_wide b, struct tl_wide *out)
{
	u128 r;

	if (s_sub_ovf(w_u(a), w_u(b), &r))
		return false;
	*out = u_w(r);
	return true;
}

bool
tl_num_wmul(struct tl_wide a, struct tl_wide b, struct tl_wide *out)
{
	u128 r;

	if (s_mul_ovf(w_u(a), w_u(b), &r))
		return false;
	*out = u_w(r);
	return true;
}

bool
tl_num_wscale(struct tl_wide a, int n, struct tl_wide *out)
{
	u128 x = w_u(a), r;

	/* |a * 10^k| grows with k: the product fits iff the last does */
	if (n == 0 || u_is0(x)) {
		*out = a;
		return true;
	}
	if (n > 38 || s_mul_ovf(x, p10(n), &r))
		return false;
	*out = u_w(r);
	return true;
}

struct tl_wide
tl_num_wdiv(struct tl_wide n, struct tl_wide d, enum tl_round mode)
{
	return u_w(divround(w_u(n), w_u(d), mode));
}

struct tl_wide
tl_num_wdiv10(struct tl_wide n, int k, enum tl_round mode)
{
	return u_w(divround(w_u(n), p10(k), mode));
}

struct tl_wide
tl_num_wrem10(struct tl_wide n, int k)
{
	u128 x = w_u(n), r;

	(void)u_divmod(s_abs(x), p10(k), &r);
	return u_w(s_neg(x) ? s_negate(r) : r);
}

int
tl_num_wdigits(char *buf, struct tl_wide v)
{
	char tmp[48];
	u128 u = s_abs(w_u(v)), r;
	int n = 0, i;

	do {
		u = u_divmod(u, u_of(10), &r);
		tmp[n++] = (char)('0' + (int)u_lo(r));
	} while (!u_is0(u));
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

bool
tl_num_wdiv_long(struct tl_wide n, struct tl_wide d, int e,
    enum tl_round mode, struct tl_wide *out)
{
	u128 un = s_abs(w_u(n)), ud = s_abs(w_u(d)), q, r, ten = u_of(10);
	u128 lim = u_divmod(s_max(), ten, &r);
	bool neg = s_neg(w_u(n)) != s_neg(w_u(d));

	q = u_divmod(un, ud, &r);
	while (e-- > 0) {
		u128 dq, r10;
		if (u_lt(lim, q) || u_lt(lim, r))
			return false;
		r10 = u_mul(r, ten);
		dq = u_divmod(r10, ud, &r);
		q = u_add(u_mul(q, ten), dq);
	}
	if (!u_is0(r) && round_away(mode, neg, q, r, ud))
		q = u_add(q, u_of(1));
	if (u_lt(s_max(), q))
		return false;
	*out = u_w(neg ? s_negate(q) : q);
	return true;
}

/* ------------------------------------------------------------------ */
/*
 * 256-bit intermediates (four 64-bit limbs, least significant first)
 * for the products of two 128-bit values: guarded fixed point below and
 * tl_num_wmul_down.
 */
struct u256 {
	uint64_t w[4];
};

/* a * b, both < 2^128, as 256 bits. */
static struct u256
u256_mul(u128 a, u128 b)
{
	uint64_t x[2] = { u_lo(a), u_hi(a) };
	uint64_t y[2] = { u_lo(b), u_hi(b) };
	struct u256 r = { { 0, 0, 0, 0 } };
	int i, j;

	for (i = 0; i < 2; i++) {
		u128 carry = u_of(0);
		for (j = 0; j < 2; j++) {
			u128 t = u_add(u_add(u_mul64(x[i], y[j]),
			    u_of(r.w[i + j])), carry);
			r.w[i + j] = u_lo(t);
			carry = u_of(u_hi(t));
		}
		r.w[i + 2] = u_lo(carry);
	}
	return r;
}

/* x /= d (d < 2^64, d > 0); returns the remainder. */
static uint64_t
u256_divsmall(struct u256 *x, uint64_t d)
{
	u128 rem = u_of(0);
	int i;

	for (i = 3; i >= 0; i--) {
		u128 cur = u_make(u_lo(rem), x->w[i]);
		x->w[i] = u_lo(u_divmod(cur, u_of(d), &rem));
	}
	return u_lo(rem);
}

static int
u256_fits128(const struct u256 *x)
{
	return x->w[2] == 0 && x->w[3] == 0;
}

static u128
u256_low(const struct u256 *x)
{
	return u_make(x->w[1], x->w[0]);
}

/* floor(x / d) for a 128-bit d > 0 by shift-and-subtract; *q must fit in
 * 128 bits (else returns -1). rem_nz set when the division is inexact. */
static int
u256_div128(struct u256 x, u128 d, u128 *q, int *rem_nz)
{
	u128 rem = u_of(0);
	uint64_t qw[2] = { 0, 0 };
	int bit, hi = 0;

	if (u_hi(d) == 0) {
		uint64_t r = u256_divsmall(&x, u_lo(d));
		if (!u256_fits128(&x))
			return -1;
		*q = u256_low(&x);
		*rem_nz = r != 0;
		return 0;
	}
	for (bit = 255; bit >= 0; bit--) {
		bool top = s_neg(rem);
		rem = u_add(u_shl1(rem),
		    u_of((x.w[bit / 64] >> (bit % 64)) & 1));
		if (top || !u_lt(rem, d)) {
			rem = u_sub(rem, d);
			if (bit >= 128)
				hi = 1;
			else
				qw[bit / 64] |= UINT64_C(1) << (bit % 64);
		}
	}
	if (hi)
		return -1;
	*q = u_make(qw[1], qw[0]);
	*rem_nz = !u_is0(rem);
	return 0;
}

bool
tl_num_wmul_down(struct tl_wide a, struct tl_wide b, int k,
    struct tl_wide *out)
{
	struct u256 z = u256_mul(s_abs(w_u(a)), s_abs(w_u(b)));

	while (k > 0) {
		int step = k > 19 ? 19 : k;
		(void)u256_divsmall(&z, pow10tab[step]);
		k -= step;
	}
	if (!u256_fits128(&z) || (z.w[1] >> 63) != 0)
		return false;
	*out = u_w(u256_low(&z));
	return true;
}

/* ------------------------------------------------------------------ */
/*
 * Guarded fixed point (used by stv-wigm and stv-meek). A value is an
 * integer count of 10^-27 (18 places of precision plus 9 guard digits,
 * as Droop's "guarded" arithmetic with its defaults). Products and
 * quotients are floored, each on its own, exactly as Droop does:
 * mul(a, b) = floor(a*b / 10^27), div(a, b) = floor(a*10^27 / b). The
 * intermediate needs up to 256 bits (struct u256). Two values within
 * 0.5 * 10^-18 compare equal (tl_g_cmp).
 */

static inline u128
g_u(tl_g a)
{
	return u_make(a.hi, a.lo);
}

static inline tl_g
u_g(u128 a)
{
	tl_g r = { u_lo(a), u_hi(a) };

	return r;
}

/* 10^27 */
static inline u128
g_one(void)
{
	return u_mul64(UINT64_C(1000000000000000000), 1000000000);
}

tl_g
tl_g_zero(void)
{
	return u_g(u_of(0));
}

tl_g
tl_g_one(void)
{
	return u_g(g_one());
}

int
tl_g_from_int(teller_ctx *ctx, int64_t n, tl_g *out)
{
	if (n > INT64_C(100000000000) || n < -INT64_C(100000000000))
		return tl_fail(ctx, TELLER_EOVERFLOW, "%lld votes is beyond "
		    "guarded arithmetic (at most 10^11)", (long long)n);
	*out = u_g(u_mul(s_of(n), g_one()));
	return TELLER_OK;
}

int
tl_g_add(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out)
{
	u128 r;

	if (s_add_ovf(g_u(a), g_u(b), &r))
		return tl_fail(ctx, TELLER_EOVERFLOW, "guarded sum overflows");
	*out = u_g(r);
	return TELLER_OK;
}

int
tl_g_sub(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out)
{
	u128 r;

	if (s_sub_ovf(g_u(a), g_u(b), &r))
		return tl_fail(ctx, TELLER_EOVERFLOW, "guarded difference "
		    "overflows");
	*out = u_g(r);
	return TELLER_OK;
}

int
tl_g_addmul(teller_ctx *ctx, tl_g *acc, tl_g w, int64_t n)
{
	u128 v, r;

	if (s_mul_ovf(g_u(w), s_of(n), &v) || s_add_ovf(g_u(*acc), v, &r))
		return tl_fail(ctx, TELLER_EOVERFLOW, "vote total overflows");
	*acc = u_g(r);
	return TELLER_OK;
}

/* Python-style floor division of signed values, as Droop's arithmetic
 * (Python integers) does: build the result from its magnitude. */
static int
g_make(teller_ctx *ctx, u128 mag, bool neg, bool inexact, tl_g *out)
{
	if (neg && inexact)
		mag = u_add(mag, u_of(1)); /* floor toward -infinity */
	if (u_lt(s_max(), mag))
		return tl_fail(ctx, TELLER_EOVERFLOW, "guarded value "
		    "overflows");
	*out = u_g(neg ? s_negate(mag) : mag);
	return TELLER_OK;
}

int
tl_g_mul(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out)
{
	u128 x = g_u(a), y = g_u(b);
	struct u256 p = u256_mul(s_abs(x), s_abs(y));
	bool neg = s_neg(x) != s_neg(y);
	uint64_t r1, r2;

	/* 10^27 = 10^18 * 10^9; floor(floor(x/m)/n) == floor(x/(m*n)). */
	r1 = u256_divsmall(&p, UINT64_C(1000000000000000000));
	r2 = u256_divsmall(&p, UINT64_C(1000000000));
	if (!u256_fits128(&p))
		return tl_fail(ctx, TELLER_EOVERFLOW, "guarded product "
		    "overflows");
	return g_make(ctx, u256_low(&p), neg && !u_is0(x) && !u_is0(y),
	    r1 != 0 || r2 != 0, out);
}

int
tl_g_div(teller_ctx *ctx, tl_g a, tl_g b, tl_g *out)
{
	u128 x = g_u(a), y = g_u(b), q;
	struct u256 p;
	int nz;

	if (u_is0(y))
		return tl_fail(ctx, TELLER_EINTERNAL, "division by zero");
	p = u256_mul(s_abs(x), g_one());
	if (u256_div128(p, s_abs(y), &q, &nz) != 0)
		return tl_fail(ctx, TELLER_EOVERFLOW, "guarded quotient "
		    "overflows");
	return g_make(ctx, q, s_neg(x) != s_neg(y) && !u_is0(x), nz != 0,
	    out);
}

tl_g
tl_g_div_int(tl_g a, int64_t n)
{
	return u_g(divround(g_u(a), s_of(n), TL_ROUND_FLOOR));
}

int
tl_g_cmp(tl_g a, tl_g b)
{
	/* Droop's Guarded.__cmp__: equal when |a - b| < 10^9 / 2. */
	u128 d = u_sub(g_u(a), g_u(b));

	if (s_lt(d, s_of(500000000)) && s_lt(s_of(-500000000), d))
		return 0;
	return s_neg(d) ? -1 : 1;
}

int
tl_g_cmp_exact(tl_g a, tl_g b)
{
	u128 x = g_u(a), y = g_u(b);

	return s_lt(x, y) ? -1 : s_lt(y, x) ? 1 : 0;
}

bool
tl_g_eq(tl_g a, tl_g b)
{
	return a.lo == b.lo && a.hi == b.hi;
}

tl_fix
tl_g_round(tl_g a, int dp)
{
	/* Droop's display rounding: floor((v + s/2) / s) */
	u128 s = p10(TL_G_DP - dp);

	return tl_g_fix(u_g(u_add(g_u(a), u_shr(s, 1))), dp);
}

tl_fix
tl_g_fix(tl_g a, int dp)
{
	return (tl_fix)u_lo(divround(g_u(a), p10(TL_G_DP - dp),
	    TL_ROUND_FLOOR));
}
