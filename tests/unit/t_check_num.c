/* SPDX-License-Identifier: MIT */
/*
 * t_check_num.c -- teller-check's own arithmetic (check/cknum.c): exact
 * 5 dp decimals in and out, checked sums and products, and the Scottish
 * transfer value trunc(value * surplus / total) per paper (stv.md 1.1).
 */
#include <stdint.h>

#include "harness.h"
#include "../../check/cknum.c"

static void
test_parse(void)
{
	int64_t v = -7;

	CHECK_INT(ck_parse("2041.00000", 5, &v), 0);
	CHECK_INT(v, 204100000);
	CHECK_INT(ck_parse("0.18750", 5, &v), 0);
	CHECK_INT(v, 18750);
	CHECK_INT(ck_parse("0", 0, &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(ck_parse("12", 0, &v), 0);
	CHECK_INT(v, 12);
	/* exactly dp places, no sign, no leading zero, no stray point */
	CHECK_INT(ck_parse("1.5", 5, &v), -1);
	CHECK_INT(ck_parse("1.500000", 5, &v), -1);
	CHECK_INT(ck_parse("01.00000", 5, &v), -1);
	CHECK_INT(ck_parse("-1.00000", 5, &v), -1);
	CHECK_INT(ck_parse(".50000", 5, &v), -1);
	CHECK_INT(ck_parse("1.", 0, &v), -1);
	CHECK_INT(ck_parse("12.0", 0, &v), -1);
	CHECK_INT(ck_parse("", 5, &v), -1);
	CHECK_INT(ck_parse("1e5", 0, &v), -1);
	CHECK_INT(ck_parse("1.00000 ", 5, &v), -1);
	CHECK_INT(ck_parse(NULL, 5, &v), -1);
	CHECK_INT(ck_parse("92233720368547.75807", 5, &v), 0);
	CHECK_INT(v, INT64_MAX);
	CHECK_INT(ck_parse("92233720368547.75808", 5, &v), -1);
}

static void
test_fmt(void)
{
	char b[CK_BUFSZ];

	ck_fmt(b, 18750, 5);
	CHECK_STR(b, "0.18750");
	ck_fmt(b, 204100000, 5);
	CHECK_STR(b, "2041.00000");
	ck_fmt(b, 0, 5);
	CHECK_STR(b, "0.00000");
	ck_fmt(b, -5, 5);
	CHECK_STR(b, "-0.00005");
	ck_fmt(b, 42, 0);
	CHECK_STR(b, "42");
	ck_fmt(b, INT64_MIN, 5);
	CHECK_STR(b, "-92233720368547.75808");
}

static void
test_checked(void)
{
	int64_t v;

	CHECK_INT(ck_add(INT64_MAX - 1, 1, &v), 0);
	CHECK_INT(v, INT64_MAX);
	CHECK_INT(ck_add(INT64_MAX, 1, &v), -1);
	CHECK_INT(ck_add(INT64_MIN, -1, &v), -1);
	CHECK_INT(ck_mul(3037000499LL, 3037000499LL, &v), 0);
	CHECK_INT(ck_mul(INT64_MAX / 2 + 1, 2, &v), -1);
	CHECK_INT(ck_mul(-4, 5, &v), 0);
	CHECK_INT(v, -20);
}

static void
test_transfer_value(void)
{
	int64_t v, three, parcel;

	/* glasgow_2017_ward16 stage 2: 572 surplus of 1727 votes */
	CHECK_INT(ck_muldiv(100000, 57200000, 172700000, &v), 0);
	CHECK_INT(v, 33121);
	/* truncated, never rounded */
	CHECK_INT(ck_muldiv(2, 1, 3, &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(ck_muldiv(200000, 2, 3, &v), 0);
	CHECK_INT(v, 133333);
	/* per paper, not per parcel: 3 papers at 1/3 lose 0.00001 */
	CHECK_INT(ck_muldiv(100000, 1, 3, &v), 0);
	CHECK_INT(ck_mul(3, v, &three), 0);
	CHECK_INT(ck_muldiv(300000, 1, 3, &parcel), 0);
	CHECK_INT(three, 99999);
	CHECK_INT(parcel, 100000);
	/* an intermediate beyond 64 bits is exact */
	CHECK_INT(ck_muldiv(INT64_MAX, INT64_MAX, INT64_MAX, &v), 0);
	CHECK_INT(v, INT64_MAX);
	CHECK_INT(ck_muldiv(INT64_MAX, 3, 2, &v), -1);
	CHECK_INT(ck_muldiv(-1, 3, 2, &v), -1);
	CHECK_INT(ck_muldiv(1, 3, 0, &v), -1);
	CHECK_INT(ck_pow10(5), 100000);
	CHECK_INT(ck_pow10(0), 1);
}

int
main(void)
{
	test_parse();
	test_fmt();
	test_checked();
	test_transfer_value();
	return h_done();
}
