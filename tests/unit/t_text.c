/* SPDX-License-Identifier: MIT */
/*
 * t_text.c -- lib/text.c's digit readers: tl_text_uint (fails past max)
 * and tl_text_uint_sat (reads a number past max as max + 1), which the
 * readers' number loops go through; and tl_cvr_parse_int on them (Java's
 * Integer.parseInt).
 */
#include "harness.h"
#include "tl_int.h"
#include "cvr_util.h"

/* Run both readers on s with max; want k (digits read, or -1), value. */
static void
both(const char *s, uint64_t max, long k, uint64_t v, long ks, uint64_t vs)
{
	uint64_t got = 12345;
	long r = tl_text_uint(s, strlen(s), max, &got);

	CHECK(r == k && (k <= 0 ? got == 12345 : got == v),
	    "tl_text_uint(\"%s\", %llu): %ld %llu", s,
	    (unsigned long long)max, r, (unsigned long long)got);
	got = 12345;
	r = tl_text_uint_sat(s, strlen(s), max, &got);
	CHECK(r == ks && (ks == 0 ? got == 12345 : got == vs),
	    "tl_text_uint_sat(\"%s\", %llu): %ld %llu", s,
	    (unsigned long long)max, r, (unsigned long long)got);
}

int
main(void)
{
	both("", 100, 0, 0, 0, 0);
	both("x1", 100, 0, 0, 0, 0);
	both("-1", 100, 0, 0, 0, 0);
	both("+1", 100, 0, 0, 0, 0);
	both(" 1", 100, 0, 0, 0, 0);
	both("0", 100, 1, 0, 1, 0);
	both("007", 100, 3, 7, 3, 7);
	both("100", 100, 3, 100, 3, 100);
	both("101", 100, -1, 0, 3, 101);
	both("99999", 100, -1, 0, 5, 101);
	both("12x4", 100, 2, 12, 2, 12);
	both("1000x", 100, -1, 0, 4, 101);
	both("00000000000000000000000042", 100, 26, 42, 26, 42);
	both("9223372036854775807", INT64_MAX, 19, INT64_MAX, 19,
	    INT64_MAX);
	both("9223372036854775808", INT64_MAX, -1, 0, 19,
	    (uint64_t)INT64_MAX + 1);
	both("18446744073709551615", UINT64_MAX, 20, UINT64_MAX, 20,
	    UINT64_MAX);
	both("18446744073709551616", UINT64_MAX - 1, -1, 0, 20,
	    UINT64_MAX);
	both("1000009", 1000009, 7, 1000009, 7, 1000009);
	both("1000010", 1000009, -1, 0, 7, 1000010);
	both("123456789012345678901234567890", 1000009, -1, 0, 30,
	    1000010);
	/* n bounds the read, not a NUL */
	{
		uint64_t v = 0;
		CHECK(tl_text_uint("12345", 2, 100, &v) == 2 && v == 12,
		    "n bounds: %llu", (unsigned long long)v);
		CHECK(tl_text_uint_sat("12345", 3, 100, &v) == 3 && v == 101,
		    "n bounds (sat): %llu", (unsigned long long)v);
	}
	{
		static const struct {
			const char *s;
			bool ok;
			long v;
		} pi[] = {
			{ "0", true, 0 }, { "-0", true, 0 }, { "+7", true, 7 },
			{ "007", true, 7 }, { "2147483647", true, 2147483647 },
			{ "-2147483648", true, -2147483647L - 1 },
			{ "2147483648", false, 0 }, { "-2147483649", false, 0 },
			{ "99999999999999999999", false, 0 }, { "", false, 0 },
			{ "-", false, 0 }, { "+", false, 0 },
			{ "1x", false, 0 },
			{ " 1", false, 0 }, { "--1", false, 0 },
		};
		size_t i;

		for (i = 0; i < sizeof(pi) / sizeof(*pi); i++) {
			long v = 42;
			bool ok = tl_cvr_parse_int(pi[i].s, strlen(pi[i].s),
			    &v);
			CHECK(ok == pi[i].ok && (!ok ? v == 42 : v == pi[i].v),
			    "tl_cvr_parse_int(\"%s\"): %d %ld", pi[i].s, ok,
			    v);
		}
	}
	return h_done();
}
