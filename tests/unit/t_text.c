/* SPDX-License-Identifier: MIT */
/*
 * t_text.c -- text.c: the ASCII helpers (case folding and character
 * classes, each what the C locale gives, byte for byte, never folding
 * or classing a byte past 0x7f) and the digit readers tl_text_uint
 * (fails past max) and tl_text_uint_sat (reads a number past max as
 * max + 1), and tl_cvr_parse_int on them (Java's Integer.parseInt).
 */
#include <ctype.h>

#include "harness.h"
#include "tl_int.h"
#include "cvr_util.h"

/* Every byte: lower case and classes as the C locale has them (this
 * program never calls setlocale, so <ctype.h> is the C locale's). */
static void
test_text_bytes(void)
{
	int c, bad_lower = 0, bad_space = 0, bad_alnum = 0, bad_digit = 0;

	for (c = 0; c < 256; c++) {
		if (tl_text_lower(c) != tolower(c))
			bad_lower++;
		if (tl_text_space(c) != (isspace(c) != 0))
			bad_space++;
		if (tl_text_alnum(c) != (isalnum(c) != 0))
			bad_alnum++;
		if (tl_text_digit(c) != (isdigit(c) != 0))
			bad_digit++;
	}
	CHECK(bad_lower == 0, "%d bytes fold unlike tolower", bad_lower);
	CHECK(bad_space == 0, "%d bytes class unlike isspace", bad_space);
	CHECK(bad_alnum == 0, "%d bytes class unlike isalnum", bad_alnum);
	CHECK(bad_digit == 0, "%d bytes class unlike isdigit", bad_digit);
	CHECK(tl_text_lower(0xC4) == 0xC4, "a byte past 0x7f folded");
}

static void
test_text_ieq(void)
{
	CHECK(tl_text_ieq("TRUE", 4, "true"), "TRUE == true");
	CHECK(tl_text_ieq("true", 4, "TRUE"), "the literal folds too");
	CHECK(!tl_text_ieq("tru", 3, "true"), "shorter");
	CHECK(!tl_text_ieq("truer", 5, "true"), "longer");
	CHECK(tl_text_ieq("", 0, ""), "empty");
	/* dotted capital I (U+0130) is not i, whatever a Turkish locale
	 * says */
	CHECK(!tl_text_ieq("\xC4\xB0", 2, "i"), "U+0130 folded to i");
	CHECK(!tl_text_ieq("@", 1, "`"), "'@' + 32 is not its lower case");
}

static void
test_text_istarts_iends(void)
{
	CHECK(tl_text_istarts("# Title: x", 10, "# title:"), "starts");
	CHECK(!tl_text_istarts("# Tit", 5, "# title:"), "too short");
	CHECK(tl_text_iends("cvr.XML", 7, ".xml"), "ends .XML");
	CHECK(tl_text_iends("cvr.xml", 7, ".xml"), "ends .xml");
	CHECK(tl_text_iends(".xml", 4, ".xml"), "is .xml");
	CHECK(!tl_text_iends("xml", 3, ".xml"), "shorter than the suffix");
	CHECK(!tl_text_iends("cvr.xmlx", 8, ".xml"), "not at the end");
	CHECK(tl_text_iends("a.Sig.Xml", 9, ".sig.xml"), ".Sig.Xml");
	CHECK(tl_text_iends("cvr.xml", 4, ".xml") == false,
	    "only the first n bytes count");
	CHECK(tl_text_iends("anything", 8, ""), "the empty suffix");
}

static void
test_text_ieqz(void)
{
	CHECK(tl_text_ieqz("Unlimited", "unlimited"), "Unlimited");
	CHECK(tl_text_ieqz("EXHAUSTED", "exhausted"), "EXHAUSTED");
	CHECK(tl_text_ieqz("", ""), "empty");
	CHECK(!tl_text_ieqz("", "a"), "empty and a");
	CHECK(!tl_text_ieqz("a", ""), "a and empty");
	CHECK(!tl_text_ieqz("abc", "abd"), "abc and abd");
	CHECK(!tl_text_ieqz("ab", "abc"), "prefix");
	CHECK(!tl_text_ieqz("\xC3\x89", "\xC3\xA9"), "E-acute folded");
}

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
	test_text_bytes();
	test_text_ieq();
	test_text_istarts_iends();
	test_text_ieqz();
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
	/* tl_text_uint reads 19 digits unchecked, then one by one */
	both("1234567890123456789x", UINT64_MAX, 19, 1234567890123456789u,
	    19, 1234567890123456789u);
	both("0000000000000000000123", 200, 22, 123, 22, 123);
	both("0000000000000000000201", 200, -1, 0, 22, 201);
	both("99999999999999999999", UINT64_MAX - 1, -1, 0, 20, UINT64_MAX);
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
