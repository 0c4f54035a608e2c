/* SPDX-License-Identifier: MIT */
/*
 * t_num.c -- exact numbers: every rounding mode on positive, negative and
 * exact quotients, the 128-bit intermediate of muldiv, overflow as
 * EOVERFLOW, rescaling, exact printing and parsing (and their round
 * trip), decimal places; 128-bit integers (tl_num_w*), guarded fixed
 * point and decimals at their overflow edges, and a checksum over many
 * pseudo-random operations. The same file builds twice: t_num against
 * libteller, and t_num_limbs with lib/num.c and lib/num_dec.c compiled
 * with -DTL_NO_INT128 (the portable 64-bit limbs, see the Makefile), so
 * both variants must give the same answers.
 */
#include "harness.h"
#include "tl_int.h"

static teller_ctx *ctx;

/* a / c under each mode: DOWN FLOOR CEIL UP HALF_UP HALF_EVEN */
static void
div_modes(int64_t a, int64_t c, const int64_t want[6])
{
	int m;

	for (m = TL_ROUND_DOWN; m <= TL_ROUND_HALF_EVEN; m++) {
		int64_t q = 12345, q2 = 12345;
		CHECK_INT(tl_num_div(ctx, a, c, (enum tl_round)m, &q),
		    TELLER_OK);
		CHECK(q == want[m], "%lld / %lld mode %d = %lld, want %lld",
		    (long long)a, (long long)c, m, (long long)q,
		    (long long)want[m]);
		/* muldiv with b = 1 must agree */
		CHECK_INT(tl_num_muldiv(ctx, a, 1, c, (enum tl_round)m, &q2),
		    TELLER_OK);
		CHECK(q2 == want[m], "muldiv %lld/%lld mode %d = %lld",
		    (long long)a, (long long)c, m, (long long)q2);
	}
}

static void
rounding(void)
{
	/*                               DOWN FLOOR CEIL UP HUP HEVEN */
	div_modes(7, 2, (const int64_t[6]){ 3, 3, 4, 4, 4, 4 });
	div_modes(-7, 2, (const int64_t[6]){ -3, -4, -3, -4, -4, -4 });
	div_modes(7, -2, (const int64_t[6]){ -3, -4, -3, -4, -4, -4 });
	div_modes(-7, -2, (const int64_t[6]){ 3, 3, 4, 4, 4, 4 });
	div_modes(5, 2, (const int64_t[6]){ 2, 2, 3, 3, 3, 2 });
	div_modes(-5, 2, (const int64_t[6]){ -2, -3, -2, -3, -3, -2 });
	div_modes(7, 3, (const int64_t[6]){ 2, 2, 3, 3, 2, 2 });
	div_modes(8, 3, (const int64_t[6]){ 2, 2, 3, 3, 3, 3 });
	div_modes(-8, 3, (const int64_t[6]){ -2, -3, -2, -3, -3, -3 });
	div_modes(-7, 3, (const int64_t[6]){ -2, -3, -2, -3, -2, -2 });
	div_modes(9, 3, (const int64_t[6]){ 3, 3, 3, 3, 3, 3 });
	div_modes(-9, 3, (const int64_t[6]){ -3, -3, -3, -3, -3, -3 });
	div_modes(0, 5, (const int64_t[6]){ 0, 0, 0, 0, 0, 0 });
	div_modes(1, 1000, (const int64_t[6]){ 0, 0, 1, 1, 0, 0 });
	div_modes(-1, 1000, (const int64_t[6]){ 0, -1, 0, -1, 0, 0 });
	div_modes(500, 1000, (const int64_t[6]){ 0, 0, 1, 1, 1, 0 });
	div_modes(1500, 1000, (const int64_t[6]){ 1, 1, 2, 2, 2, 2 });
	div_modes(-1500, 1000, (const int64_t[6]){ -1, -2, -1, -2, -2, -2 });
	div_modes(INT64_MAX, 1, (const int64_t[6]){ INT64_MAX, INT64_MAX,
	    INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX });
}

static void
arithmetic(void)
{
	int64_t r = 0;

	CHECK_INT(tl_num_pow10(0), 1);
	CHECK_INT(tl_num_pow10(18), INT64_C(1000000000000000000));
	CHECK_INT(tl_num_pow10(-1), 0);
	CHECK_INT(tl_num_pow10(19), 0);

	CHECK_INT(tl_num_add(ctx, 2, 3, &r), TELLER_OK);
	CHECK_INT(r, 5);
	CHECK_INT(tl_num_sub(ctx, 2, 3, &r), TELLER_OK);
	CHECK_INT(r, -1);
	CHECK_INT(tl_num_mul(ctx, -4, 3, &r), TELLER_OK);
	CHECK_INT(r, -12);
	CHECK_INT(tl_num_add(ctx, INT64_MAX, 0, &r), TELLER_OK);
	CHECK_INT(teller_errcode(ctx), TELLER_OK);

	CHECK_INT(tl_num_add(ctx, INT64_MAX, 1, &r), TELLER_EOVERFLOW);
	CHECK_INT(teller_errcode(ctx), TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_num_sub(ctx, INT64_MIN, 1, &r), TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_num_mul(ctx, INT64_C(1) << 32, INT64_C(1) << 31, &r),
	    TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_num_mul(ctx, INT64_MIN, -1, &r), TELLER_EOVERFLOW);
	teller_errclear(ctx);

	/* 128-bit intermediate: the product may exceed 64 bits */
	CHECK_INT(tl_num_muldiv(ctx, INT64_MAX, INT64_MAX, INT64_MAX,
	    TL_ROUND_DOWN, &r), TELLER_OK);
	CHECK_INT(r, INT64_MAX);
	CHECK_INT(tl_num_muldiv(ctx, INT64_C(3000000000000000000), 7,
	    INT64_C(21), TL_ROUND_DOWN, &r), TELLER_OK);
	CHECK_INT(r, INT64_C(1000000000000000000));
	CHECK_INT(tl_num_muldiv(ctx, -INT64_MAX, 3, 2, TL_ROUND_DOWN, &r),
	    TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_num_muldiv(ctx, INT64_MAX, 2, 1, TL_ROUND_DOWN, &r),
	    TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_num_muldiv(ctx, 1, 1, 0, TL_ROUND_DOWN, &r),
	    TELLER_EINTERNAL);
	teller_errclear(ctx);
	CHECK_INT(tl_num_div(ctx, 1, 0, TL_ROUND_DOWN, &r), TELLER_EINTERNAL);
	teller_errclear(ctx);
	CHECK_INT(tl_num_div(ctx, INT64_MIN, -1, TL_ROUND_DOWN, &r),
	    TELLER_EOVERFLOW);
	teller_errclear(ctx);
	/* surplus-style: 1234567 * 3 / 7 at HALF_EVEN, exact answer
	 * 529100.142.. */
	CHECK_INT(tl_num_muldiv(ctx, 1234567, 3, 7, TL_ROUND_HALF_EVEN, &r),
	    TELLER_OK);
	CHECK_INT(r, 529100);
}

static void
rescale(void)
{
	int64_t r = 0;

	CHECK_INT(tl_num_rescale(ctx, 12345, 3, 1, TL_ROUND_DOWN, &r),
	    TELLER_OK);
	CHECK_INT(r, 123);
	CHECK_INT(tl_num_rescale(ctx, 12350, 3, 1, TL_ROUND_HALF_EVEN, &r),
	    TELLER_OK);
	CHECK_INT(r, 124);
	CHECK_INT(tl_num_rescale(ctx, 12250, 3, 1, TL_ROUND_HALF_EVEN, &r),
	    TELLER_OK);
	CHECK_INT(r, 122);
	CHECK_INT(tl_num_rescale(ctx, -12250, 3, 1, TL_ROUND_HALF_UP, &r),
	    TELLER_OK);
	CHECK_INT(r, -123);
	CHECK_INT(tl_num_rescale(ctx, -12201, 3, 1, TL_ROUND_FLOOR, &r),
	    TELLER_OK);
	CHECK_INT(r, -123);
	CHECK_INT(tl_num_rescale(ctx, 15, 1, 4, TL_ROUND_DOWN, &r), TELLER_OK);
	CHECK_INT(r, 15000);
	CHECK_INT(tl_num_rescale(ctx, 7, 2, 2, TL_ROUND_DOWN, &r), TELLER_OK);
	CHECK_INT(r, 7);
	CHECK_INT(tl_num_rescale(ctx, INT64_MAX, 0, 1, TL_ROUND_DOWN, &r),
	    TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_num_rescale(ctx, 1, 0, 19, TL_ROUND_DOWN, &r),
	    TELLER_EINTERNAL);
	teller_errclear(ctx);
	CHECK_INT(tl_num_rescale(ctx, 1, -1, 0, TL_ROUND_DOWN, &r),
	    TELLER_EINTERNAL);
	teller_errclear(ctx);
}

static void
fmt_one(tl_fix v, int dp, const char *want)
{
	char buf[TL_NUM_BUFSZ];
	size_t n = tl_num_fmt(buf, v, dp);

	CHECK_STR(buf, want);
	CHECK_INT(n, strlen(want));
}

static void
printing(void)
{
	fmt_one(12345, 2, "123.45");
	fmt_one(-5, 3, "-0.005");
	fmt_one(0, 2, "0.00");
	fmt_one(0, 0, "0");
	fmt_one(7, 0, "7");
	fmt_one(-7, 0, "-7");
	fmt_one(100000, 5, "1.00000");
	fmt_one(INT64_MAX, 0, "9223372036854775807");
	fmt_one(INT64_MIN, 0, "-9223372036854775808");
	fmt_one(INT64_MIN, 18, "-9.223372036854775808");
	fmt_one(1, 18, "0.000000000000000001");
}

static void
parse_one(const char *s, int dp, int rc, int64_t want)
{
	tl_fix v = -999;
	int got = tl_num_parse(s, strlen(s), dp, &v);

	CHECK(got == rc, "parse '%s' dp %d: rc %d want %d", s, dp, got, rc);
	if (rc == 0)
		CHECK(v == want, "parse '%s' dp %d = %lld want %lld", s, dp,
		    (long long)v, (long long)want);
}

static void
parsing(void)
{
	char buf[TL_NUM_BUFSZ];
	uint64_t x = 88172645463325252u;
	int i, dp, bad = 0;

	parse_one("12", 2, 0, 1200);
	parse_one("-3.5", 2, 0, -350);
	parse_one("+3.5", 1, 0, 35);
	parse_one("0.00001", 5, 0, 1);
	parse_one("1.", 0, 0, 1);
	parse_one(".5", 1, 0, 5);
	parse_one("007", 0, 0, 7);
	parse_one("1.234", 2, -2, 0);
	parse_one("", 2, -1, 0);
	parse_one(".", 2, -1, 0);
	parse_one("-", 2, -1, 0);
	parse_one("1.2.3", 2, -1, 0);
	parse_one("1e5", 2, -1, 0);
	parse_one(" 1", 2, -1, 0);
	parse_one("abc", 0, -1, 0);
	parse_one("9223372036854775807", 0, 0, INT64_MAX);
	parse_one("9223372036854775808", 0, -3, 0);
	parse_one("922337203685477580.8", 1, -3, 0);
	parse_one("92233720368547758.08", 3, -3, 0);
	parse_one("99999999999999999999999999", 0, -3, 0);
	parse_one("1", 19, -1, 0);

	CHECK_INT(tl_num_places("1.50", 4), 2);
	CHECK_INT(tl_num_places("3", 1), 0);
	CHECK_INT(tl_num_places("-0.125", 6), 3);
	CHECK_INT(tl_num_places("1.", 2), 0);
	CHECK_INT(tl_num_places("x", 1), -1);
	CHECK_INT(tl_num_places("", 0), -1);
	CHECK_INT(tl_num_places("1..2", 4), -1);

	/* print then parse gives the value back, at every scale */
	for (i = 0; i < 20000; i++) {
		tl_fix v, back = 0;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = (tl_fix)((x >> (x % 40)) >> 1);
		if (x & 1)
			v = -v;
		dp = (int)(x % 10);
		tl_num_fmt(buf, v, dp);
		if (tl_num_parse(buf, strlen(buf), dp, &back) != 0 ||
		    back != v)
			bad++;
	}
	CHECK(bad == 0, "%d of 20000 values did not round-trip", bad);
}

/* A 128-bit value from a sign and 64-bit halves of the magnitude. */
static struct tl_wide
W(int neg, uint64_t hi, uint64_t lo)
{
	struct tl_wide w = { lo, hi }, r;

	if (neg && !tl_num_wsub(tl_num_wide(0), w, &r))
		return w; /* -2^127: its own negation */
	return neg ? r : w;
}

static int
weq(struct tl_wide a, struct tl_wide b)
{
	return a.lo == b.lo && a.hi == b.hi;
}

static const char *
wstr(struct tl_wide a)
{
	static char buf[48];

	buf[0] = tl_num_wsign(a) < 0 ? '-' : '+';
	tl_num_wdigits(buf + 1, a);
	return buf;
}

static void
wide(void)
{
	struct tl_wide max = W(0, UINT64_MAX >> 1, UINT64_MAX);
	struct tl_wide min = W(0, UINT64_C(1) << 63, 0), one = tl_num_wide(1);
	struct tl_wide r = tl_num_wide(0), ten = tl_num_wide(10);
	char buf[48];

	CHECK_STR(wstr(max), "+170141183460469231731687303715884105727");
	CHECK_STR(wstr(min), "-170141183460469231731687303715884105728");
	CHECK_STR(wstr(tl_num_wide(INT64_MIN)), "-9223372036854775808");
	CHECK_INT(tl_num_wcmp(min, max), -1);
	CHECK_INT(tl_num_wcmp(max, min), 1);
	CHECK_INT(tl_num_wcmp(tl_num_wide(-1), tl_num_wide(0)), -1);
	CHECK_INT(tl_num_wsign(min), -1);
	/* add, sub, mul: exactly at and one past the edges */
	CHECK(!tl_num_wadd(max, one, &r), "max + 1 overflows");
	CHECK(tl_num_wadd(max, tl_num_wide(-1), &r) && tl_num_wcmp(r, max)
	    < 0, "max - 1");
	CHECK(!tl_num_wsub(min, one, &r), "min - 1 overflows");
	CHECK(tl_num_wsub(tl_num_wide(-1), max, &r) && weq(r, min),
	    "-1 - max = min");
	CHECK(!tl_num_wsub(tl_num_wide(0), min, &r), "-min overflows");
	CHECK(tl_num_wmul(W(0, UINT64_C(1) << 62, 0), tl_num_wide(-2), &r) &&
	    weq(r, min), "2^126 * -2 = min");
	CHECK(!tl_num_wmul(W(0, UINT64_C(1) << 62, 0), tl_num_wide(2), &r),
	    "2^126 * 2 overflows");
	CHECK(!tl_num_wmul(min, tl_num_wide(-1), &r), "min * -1 overflows");
	CHECK(!tl_num_wmul(W(0, 1, 0), W(0, 1, 0), &r), "2^64 * 2^64");
	CHECK(!tl_num_wmul(W(0, 0, UINT64_MAX), W(0, 0, UINT64_MAX), &r),
	    "(2^64-1)^2 overflows");
	CHECK(tl_num_wmul(W(0, 0, UINT64_MAX), W(1, 0, UINT64_MAX >> 1), &r) &&
	    weq(r, W(1, UINT64_C(0x7ffffffffffffffe),
	    UINT64_C(0x8000000000000001))), "(2^64-1) * -(2^63-1)");
	CHECK(!tl_num_wmul(W(0, 0, UINT64_MAX), W(0, 0xffffffffu, 0), &r),
	    "(2^64-1) * 2^96 overflows");
	/* powers of ten up to 10^38, not 10^39 */
	CHECK(tl_num_wscale(one, 38, &r), "10^38 fits");
	CHECK_STR(wstr(r), "+100000000000000000000000000000000000000");
	CHECK(!tl_num_wscale(one, 39, &r), "10^39 does not");
	CHECK(!tl_num_wscale(tl_num_wide(2), 38, &r), "2 * 10^38 does not");
	CHECK(tl_num_wscale(tl_num_wide(0), 90, &r) && tl_num_wsign(r) == 0,
	    "0 * 10^90");
	CHECK(tl_num_wscale(tl_num_wide(-17), 37, &r), "-1.7 * 10^38 fits");
	/* division: each mode, signs, a wide divisor */
	CHECK_STR(wstr(tl_num_wdiv(tl_num_wide(-7), tl_num_wide(2),
	    TL_ROUND_FLOOR)), "-4");
	CHECK_STR(wstr(tl_num_wdiv(tl_num_wide(-5), tl_num_wide(2),
	    TL_ROUND_HALF_EVEN)), "-2");
	CHECK_STR(wstr(tl_num_wdiv(tl_num_wide(-5), tl_num_wide(-2),
	    TL_ROUND_HALF_UP)), "+3");
	CHECK_STR(wstr(tl_num_wdiv(max, W(0, 1, 0), TL_ROUND_DOWN)),
	    "+9223372036854775807");
	CHECK_STR(wstr(tl_num_wdiv(max, W(0, 1, 0), TL_ROUND_CEIL)),
	    "+9223372036854775808");
	CHECK_STR(wstr(tl_num_wdiv(min, max, TL_ROUND_DOWN)), "-1");
	CHECK_STR(wstr(tl_num_wdiv(min, max, TL_ROUND_UP)), "-2");
	CHECK_STR(wstr(tl_num_wdiv(max, max, TL_ROUND_HALF_EVEN)), "+1");
	CHECK_STR(wstr(tl_num_wdiv10(max, 38, TL_ROUND_DOWN)), "+1");
	CHECK_STR(wstr(tl_num_wdiv10(max, 38, TL_ROUND_HALF_UP)), "+2");
	CHECK_STR(wstr(tl_num_wrem10(tl_num_wide(-12345), 2)), "-45");
	CHECK_STR(wstr(tl_num_wrem10(max, 20)), "+31687303715884105727");
	/* 256-bit products, and long division past 128 bits */
	CHECK(tl_num_wmul_down(max, min, 39, &r), "max * min / 10^39");
	CHECK_STR(wstr(r), "+28948022309329048855892746252171976963");
	CHECK(!tl_num_wmul_down(max, max, 38, &r), "max^2 / 10^38");
	CHECK(!tl_num_wmul_down(max, ten, 0, &r), "max * 10");
	CHECK(tl_num_wdiv_long(one, tl_num_wide(-3), 38, TL_ROUND_UP, &r),
	    "1 * 10^38 / -3");
	CHECK_STR(wstr(r), "-33333333333333333333333333333333333334");
	CHECK(!tl_num_wdiv_long(max, one, 1, TL_ROUND_DOWN, &r),
	    "max * 10 / 1");
	CHECK(tl_num_wdiv_long(max, ten, 1, TL_ROUND_DOWN, &r) &&
	    weq(r, max), "max * 10 / 10");
	CHECK_INT(tl_num_wdigits(buf, tl_num_wide(0)), 1);
	CHECK_STR(buf, "0");
	/* Java's (int)(nextDouble() * n): exact below 2^53, rounded above */
	CHECK_INT(tl_num_fmul53(UINT64_C(1) << 52, 10), 5);
	CHECK_INT(tl_num_fmul53((UINT64_C(1) << 53) - 1, 1000000000),
	    999999999);
	CHECK_INT(tl_num_fmul53((UINT64_C(1) << 53) - 1, 2147483647),
	    2147483646);
	CHECK_INT(tl_num_fmul53(0, 7), 0);
}

static void
guarded(void)
{
	tl_g one = tl_g_one(), big, x, y;
	tl_g ulp = tl_g_div_int(tl_g_div_int(one,
	    INT64_C(1000000000000000000)), 1000000000);

	CHECK(tl_g_eq(tl_g_div_int(one, 1000000000),
	    tl_g_div_int(tl_g_div_int(one, 1000), 1000000)), "10^-9");
	CHECK_INT(tl_g_fix(ulp, 18), 0);
	CHECK_INT(tl_g_cmp_exact(ulp, tl_g_zero()), 1);
	CHECK_INT(tl_g_from_int(ctx, INT64_C(100000000000), &big), TELLER_OK);
	CHECK_INT(tl_g_fix(big, 0), INT64_C(100000000000));
	CHECK_INT(tl_g_from_int(ctx, -INT64_C(100000000000), &x), TELLER_OK);
	CHECK_INT(tl_g_fix(x, 0), -INT64_C(100000000000));
	CHECK_INT(tl_g_round(x, 0), -INT64_C(100000000000));
	CHECK_INT(tl_g_from_int(ctx, INT64_C(100000000001), &x),
	    TELLER_EOVERFLOW);
	teller_errclear(ctx);
	/* 10^38 + 10^38 > 2^127 - 1 */
	CHECK_INT(tl_g_add(ctx, big, big, &x), TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_g_sub(ctx, tl_g_zero(), big, &y), TELLER_OK);
	CHECK_INT(tl_g_sub(ctx, y, big, &x), TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_g_addmul(ctx, &y, one, INT64_C(100000000000)), TELLER_OK);
	CHECK(tl_g_eq(y, tl_g_zero()), "-10^11 + 10^11 * 1");
	CHECK_INT(tl_g_addmul(ctx, &y, big, 2), TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_g_mul(ctx, big, big, &x), TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_g_div(ctx, big, ulp, &x), TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_g_div(ctx, big, tl_g_zero(), &x), TELLER_EINTERNAL);
	teller_errclear(ctx);
	/* 10^11 / 10^11 and 10^11 * 10^-11 are 1 exactly */
	CHECK_INT(tl_g_div(ctx, big, big, &x), TELLER_OK);
	CHECK(tl_g_eq(x, one), "big / big");
	CHECK_INT(tl_g_div(ctx, one, big, &y), TELLER_OK);
	CHECK_INT(tl_g_mul(ctx, y, big, &x), TELLER_OK);
	CHECK(tl_g_eq(x, one), "10^-11 * 10^11");
	CHECK_INT(tl_g_sub(ctx, big, ulp, &x), TELLER_OK);
	CHECK_INT(tl_g_fix(x, 7), INT64_C(999999999999999999));
	CHECK_INT(tl_g_round(x, 7), INT64_C(1000000000000000000));
}

static const char *
dstr(struct tl_dec d)
{
	static char buf[TL_DEC_BUFSZ];

	tl_dec_str(buf, d);
	return buf;
}

static void
decimals(void)
{
	struct tl_dec max = tl_dec_int(0), r, p, q;
	char buf[TL_DEC_BUFSZ];

	max.v.lo = UINT64_MAX;
	max.v.hi = UINT64_MAX >> 1;
	CHECK_STR(dstr(max), "170141183460469231731687303715884105727");
	max.s = 38;
	CHECK_STR(dstr(max), "1.70141183460469231731687303715884105727");
	CHECK_INT(tl_dec_add(ctx, max, tl_dec_make(1, 38), &r),
	    TELLER_EOVERFLOW);
	teller_errclear(ctx);
	/* aligning 1 to scale 38 overflows: 1.7 + 1 does not fit */
	CHECK_INT(tl_dec_add(ctx, max, tl_dec_int(2), &r), TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_dec_sub(ctx, tl_dec_int(0), max, &r), TELLER_OK);
	CHECK_STR(dstr(r), "-1.70141183460469231731687303715884105727");
	CHECK_INT(tl_dec_sub(ctx, r, tl_dec_make(2, 38), &q),
	    TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_dec_cmp(max, tl_dec_int(2)), -1);
	CHECK_INT(tl_dec_cmp(tl_dec_int(2), max), 1);
	CHECK_INT(tl_dec_mul_int(ctx, max, 2, &r), TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_dec_mul_int(ctx, max, -1, &r), TELLER_OK);
	CHECK_INT(tl_dec_sign(r), -1);
	/* (a * b) past 128 bits truncates to s places; rounding it there
	 * is not supported and overflows */
	CHECK_INT(tl_dec_mul(ctx, max, max, 37, TL_ROUND_DOWN, &r), TELLER_OK);
	CHECK_STR(dstr(r), "2.8948022309329048855892746252171976962");
	CHECK_INT(tl_dec_mul(ctx, max, max, 38, TL_ROUND_DOWN, &r),
	    TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_dec_mul(ctx, max, max, 38, TL_ROUND_HALF_UP, &r),
	    TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_dec_div(ctx, max, tl_dec_int(0), 2, TL_ROUND_DOWN, &r),
	    TELLER_EINTERNAL);
	teller_errclear(ctx);
	CHECK_INT(tl_dec_div(ctx, tl_dec_int(1), tl_dec_int(7), 38,
	    TL_ROUND_HALF_EVEN, &r), TELLER_OK);
	CHECK_STR(dstr(r), "0.14285714285714285714285714285714285714");
	CHECK_INT(tl_dec_div(ctx, tl_dec_int(-2), tl_dec_int(3), 38,
	    TL_ROUND_HALF_UP, &r), TELLER_OK);
	CHECK_STR(dstr(r), "-0.66666666666666666666666666666666666667");
	CHECK_INT(tl_dec_div(ctx, tl_dec_int(2), tl_dec_int(3), 39,
	    TL_ROUND_DOWN, &r), TELLER_EOVERFLOW);
	teller_errclear(ctx);
	CHECK_INT(tl_dec_parse("-123456789012345678901234567890.123456", &p),
	    0);
	CHECK_STR(dstr(p), "-123456789012345678901234567890.123456");
	tl_dec_split(p, &q, &r);
	CHECK_STR(dstr(q), "-123456789012345678901234567890");
	CHECK_STR(dstr(r), "-0.123456");
	CHECK_INT(tl_dec_parse("1234567890123456789012345678901234567", &p),
	    -1);
	tl_dec_pct(buf, tl_dec_int(1), tl_dec_int(3));
	CHECK_STR(buf, "33.33");
	tl_dec_pct(buf, tl_dec_make(-2, 0), tl_dec_int(3));
	CHECK_STR(buf, "-66.66");
	CHECK_INT(tl_dec_pct(buf, tl_dec_int(1), max), 0);
}

/* FNV-1a over the results of many pseudo-random operations on values of
 * every size: the figure is the 128-bit type's build, and the limbs build
 * must reach the same one. */
static uint64_t fnv = UINT64_C(14695981039346656037);

static void
mix(uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++) {
		fnv ^= (v >> (8 * i)) & 0xff;
		fnv *= UINT64_C(1099511628211);
	}
}

static void
mixw(bool ok, struct tl_wide w)
{
	mix(ok);
	if (ok) {
		mix(w.lo);
		mix(w.hi);
	}
}

static uint64_t rs = UINT64_C(88172645463325252);

static uint64_t
rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

/* A value of a random bit length and sign. */
static struct tl_wide
rw(void)
{
	int bits = (int)(rnd() % 128);
	struct tl_wide w = { rnd(), rnd() }, r;

	if (bits < 64) {
		w.hi = 0;
		w.lo = bits == 0 ? 0 : w.lo >> (64 - bits);
	} else {
		/* 64 bits: the high half is 0 (a shift by 64 is undefined) */
		w.hi = bits == 64 ? 0 : w.hi >> (128 - bits);
	}
	if ((rnd() & 1) && tl_num_wsub(tl_num_wide(0), w, &r))
		w = r;
	return w;
}

static void
checksum(void)
{
	int i;

	for (i = 0; i < 200000; i++) {
		struct tl_wide a = rw(), b = rw(), r = tl_num_wide(0);
		enum tl_round m = (enum tl_round)(rnd() % 6);
		int k = (int)(rnd() % 39);
		tl_g ga = { a.lo, a.hi }, gb = { b.lo, b.hi }, gr = ga;

		mixw(tl_num_wadd(a, b, &r), r);
		mixw(tl_num_wsub(a, b, &r), r);
		mixw(tl_num_wmul(a, b, &r), r);
		mixw(tl_num_wscale(a, k % 30, &r), r);
		mix((uint64_t)tl_num_wcmp(a, b));
		if (tl_num_wsign(b) != 0 && !(tl_num_wsign(b) < 0 &&
		    b.lo == UINT64_MAX && b.hi == UINT64_MAX))
			mixw(true, tl_num_wdiv(a, b, m));
		mixw(true, tl_num_wdiv10(a, k, m));
		mixw(true, tl_num_wrem10(a, k));
		mixw(tl_num_wmul_down(a, b, k, &r), r);
		if (tl_num_wsign(b) != 0)
			mixw(tl_num_wdiv_long(a, b, k % 20, m, &r), r);
		mix((uint64_t)tl_num_fmul53(a.lo >> 11, (uint32_t)b.lo));
		mix((uint64_t)(tl_g_mul(ctx, ga, gb, &gr) == TELLER_OK));
		mix(gr.lo ^ gr.hi);
		gr = ga;
		mix((uint64_t)(tl_g_div(ctx, ga, gb, &gr) == TELLER_OK));
		mix(gr.lo ^ gr.hi);
		mix((uint64_t)tl_g_cmp(ga, gb));
		teller_errclear(ctx);
	}
	CHECK(fnv == UINT64_C(0x3e5504ab81e13779), "checksum %016llx",
	    (unsigned long long)fnv);
}

int
main(void)
{
	teller_ctx_new(NULL, &ctx);
	rounding();
	arithmetic();
	rescale();
	printing();
	parsing();
	wide();
	guarded();
	decimals();
	checksum();
	teller_ctx_free(ctx);
	return h_done();
}
