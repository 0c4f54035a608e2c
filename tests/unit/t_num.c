/* SPDX-License-Identifier: MIT */
/*
 * t_num.c -- exact numbers: every rounding mode on positive, negative and
 * exact quotients, the 128-bit intermediate of muldiv, overflow as
 * EOVERFLOW, rescaling, exact printing and parsing (and their round
 * trip), decimal places.
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
	/* surplus-style: 1234567 * 3 / 7 at HALF_EVEN, exact answer 529100.142.. */
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

int
main(void)
{
	teller_ctx_new(NULL, &ctx);
	rounding();
	arithmetic();
	rescale();
	printing();
	parsing();
	teller_ctx_free(ctx);
	return h_done();
}
