/* SPDX-License-Identifier: MIT */
/*
 * t_text.c -- text.c's ASCII helpers: case folding (tl_text_lower,
 * tl_text_ieq, tl_text_istarts, tl_text_iends, tl_text_ieqz) and the
 * character classes (tl_text_space, tl_text_alnum, tl_text_digit), each
 * what the C locale's function gives, byte for byte, and never folding
 * or classing a byte past 0x7f.
 */
#include <ctype.h>

#include "harness.h"
#include "tl_int.h"

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

int
main(void)
{
	test_text_bytes();
	test_text_ieq();
	test_text_istarts_iends();
	test_text_ieqz();
	return h_done();
}
