/* SPDX-License-Identifier: MIT */
/*
 * t_rctab.c -- unit tests of the RCTab engine's Java emulation and
 * arithmetic: java.util.Random, HashMap order, String order,
 * BigDecimal.toString, the "% of vote" cell and threshold formulas.
 */
#include <string.h>

#include "harness.h"
#include "rctab.h"

static const char *
ddstr(struct tl_dec d)
{
	static char buf[TL_DEC_BUFSZ];

	tl_dec_str(buf, d);
	return buf;
}

static const char *
dstr(int64_t v, int s)
{
	return ddstr(tl_dec_make(v, s));
}

static const char *
pct(int64_t t, int ts, int64_t d, int ds)
{
	static char buf[64];
	struct tl_dec a = tl_dec_make(t, ts), b = tl_dec_make(d, ds);

	tl_dec_pct(buf, a, b);
	return buf;
}

static void
t_random(void)
{
	struct tl_jrand r;
	const char *names[4] = { "George Gervin", "Mookie Blaylock",
	    "Sedale Threatt", "Yinka Dare" };
	int idx[4] = { 0, 1, 2, 3 }, i, j, x;

	/* well-known first values of java.util.Random */
	tl_jrand_seed(&r, 42);
	CHECK_INT(tl_jrand_next(&r, 32), -1170105035);
	tl_jrand_seed(&r, 0);
	CHECK_INT(tl_jrand_next(&r, 32), -1155484576);
	tl_jrand_seed(&r, 42);
	CHECK_INT(tl_jrand_int(&r, 10), 0);
	/* new Random(0).nextDouble() = 0.730967787376657 */
	tl_jrand_seed(&r, 0);
	CHECK_INT(tl_jrand_index(&r, 1000000000), 730967787);
	/* rctab.md 5.1: Random(12345).nextDouble() = 0.3618... */
	tl_jrand_seed(&r, 12345);
	CHECK_INT(tl_jrand_index(&r, 10000), 3618);
	/* rctab.md 5.2: the permutation for seed 12345 */
	tl_jrand_seed(&r, 12345);
	for (i = 4; i > 1; i--) {
		j = tl_jrand_int(&r, i);
		x = idx[i - 1];
		idx[i - 1] = idx[j];
		idx[j] = x;
	}
	CHECK_STR(names[idx[0]], "George Gervin");
	CHECK_STR(names[idx[1]], "Sedale Threatt");
	CHECK_STR(names[idx[2]], "Yinka Dare");
	CHECK_STR(names[idx[3]], "Mookie Blaylock");
	/* negative seeds are sign-extended 64-bit values */
	tl_jrand_seed(&r, -1);
	CHECK_INT(tl_jrand_next(&r, 32), 1155099827);
}

static void
t_java_strings(void)
{
	const char *keys[2] = { "Dopey", "Sneezy" };
	int order[2];
	uint32_t scratch[2];

	CHECK_INT(tl_java_hash("Aa"), 2112);
	CHECK_INT(tl_java_hash("BB"), 2112);
	CHECK_INT(tl_java_hash(""), 0);
	CHECK_INT(tl_java_hash("hello"), 99162322);
	/* rctab.md 5.1: HashSet order of the two is [Sneezy, Dopey] */
	tl_java_order(keys, 2, tl_java_cap_copy(2), order, scratch);
	CHECK_STR(keys[order[0]], "Sneezy");
	CHECK_STR(keys[order[1]], "Dopey");
	CHECK(tl_java_cmp("B", "a") < 0, "upper before lower");
	CHECK(tl_java_cmp("ab", "abc") < 0, "prefix first");
	CHECK(tl_java_cmp("abc", "abc") == 0, "equal");
	/* U+1F600 is D83D DE00 in UTF-16: before U+FFFD */
	CHECK(tl_java_cmp("\xf0\x9f\x98\x80", "\xef\xbf\xbd") < 0,
	    "surrogates sort by code unit");
	CHECK_INT(tl_java_cap_default(12), 16);
	CHECK_INT(tl_java_cap_default(13), 32);
	CHECK_INT(tl_java_cap_copy(12), 32);
	CHECK_INT(tl_java_cap_copy(11), 16);
}

static void
t_bigdecimal(void)
{
	CHECK_STR(dstr(8, 0), "8");
	CHECK_STR(dstr(80000, 4), "8.0000");
	CHECK_STR(dstr(72501, 4), "7.2501");
	CHECK_STR(dstr(0, 4), "0.0000");
	CHECK_STR(dstr(-20000, 4), "-2.0000");
	CHECK_STR(dstr(5, 6), "0.000005");
	CHECK_STR(dstr(1, 7), "1E-7");
	CHECK_STR(dstr(0, 8), "0E-8");
	CHECK_STR(dstr(12, 9), "1.2E-8");
	CHECK_STR(dstr(-3, 10), "-3E-10");
	CHECK_STR(dstr(405, 2), "4.05");
	CHECK_STR(dstr(1234567, 7), "0.1234567");
}

static void
t_arith(void)
{
	teller_ctx *ctx;
	struct tl_dec v = tl_dec_int(27), p, q, r;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return;
	/* bottoms-up percentage: 15 -> 0.15 (scale 2); 27 x 0.15 = 4.05 */
	CHECK_INT(tl_dec_parse("15", &p), 0);
	CHECK_INT(tl_dec_div(ctx, p, tl_dec_int(100), p.s + 2,
	    TL_ROUND_HALF_UP, &q), TELLER_OK);
	CHECK_STR(ddstr(q), "0.15");
	CHECK_INT(tl_dec_mul(ctx, v, q, v.s + q.s, TL_ROUND_DOWN, &r),
	    TELLER_OK);
	CHECK_STR(ddstr(r), "4.05");
	CHECK_INT(tl_dec_parse("99.99", &p), 0);
	CHECK_INT(tl_dec_div(ctx, p, tl_dec_int(100), p.s + 2,
	    TL_ROUND_HALF_UP, &q), TELLER_OK);
	CHECK_STR(ddstr(q), "0.9999");
	/* Droop: 29 / 4 -> 7 + 1 = 8; HB at 4 places: 7.2500 + 0.0001 */
	v = tl_dec_int(29);
	CHECK_INT(tl_dec_div(ctx, v, tl_dec_int(4), 0, TL_ROUND_DOWN, &q),
	    TELLER_OK);
	CHECK_STR(ddstr(q), "7");
	CHECK_INT(tl_dec_div(ctx, v, tl_dec_int(4), 4, TL_ROUND_DOWN, &q),
	    TELLER_OK);
	p = tl_dec_make(1, 4);
	CHECK_INT(tl_dec_add(ctx, q, p, &r), TELLER_OK);
	CHECK_STR(ddstr(r), "7.2501");
	/* Hare rounds up: 29 / 3 -> 10 */
	CHECK_INT(tl_dec_div(ctx, v, tl_dec_int(3), 0, TL_ROUND_UP, &q),
	    TELLER_OK);
	CHECK_STR(ddstr(q), "10");
	/* surplus fraction 2/10 at 4 places; 1 x 0.2000 = 0.2000 */
	CHECK_INT(tl_dec_div(ctx, tl_dec_int(2), tl_dec_int(10), 4,
	    TL_ROUND_DOWN, &q), TELLER_OK);
	CHECK_STR(ddstr(q), "0.2000");
	p = tl_dec_make(3333, 4);
	CHECK_INT(tl_dec_mul(ctx, p, q, 4, TL_ROUND_DOWN, &r), TELLER_OK);
	CHECK_STR(ddstr(r), "0.0666");
	/* scale: 1 - 0.8000 = 0.2000; comparison ignores scale */
	p = tl_dec_make(8000, 4);
	CHECK_INT(tl_dec_sub(ctx, tl_dec_int(1), p, &r), TELLER_OK);
	CHECK_STR(ddstr(r), "0.2000");
	p = tl_dec_make(20000, 4);
	CHECK_INT(tl_dec_cmp(p, tl_dec_int(2)), 0);
	CHECK(tl_dec_cmp(p, tl_dec_int(3)) < 0, "2.0000 < 3");
	/* 20 places (rctab.md 11.2): products and quotients past 128 bits */
	CHECK_INT(tl_dec_parse("0.33333333333333333333", &p), 0);
	CHECK_INT(tl_dec_parse("0.20000000000000000000", &q), 0);
	CHECK_INT(tl_dec_mul(ctx, p, q, 20, TL_ROUND_DOWN, &r), TELLER_OK);
	CHECK_STR(ddstr(r), "0.06666666666666666666");
	CHECK_INT(tl_dec_parse("2.00000000000000000000", &p), 0);
	CHECK_INT(tl_dec_parse("10.00000000000000000000", &q), 0);
	CHECK_INT(tl_dec_div(ctx, p, q, 20, TL_ROUND_DOWN, &r), TELLER_OK);
	CHECK_STR(ddstr(r), "0.20000000000000000000");
	CHECK_INT(tl_dec_parse("1.00000000000000000000", &p), 0);
	CHECK_INT(tl_dec_parse("3.00000000000000000000", &q), 0);
	CHECK_INT(tl_dec_div(ctx, p, q, 20, TL_ROUND_UP, &r), TELLER_OK);
	CHECK_STR(ddstr(r), "0.33333333333333333334");
	CHECK_INT(tl_dec_parse("1.", &p), -1);
	CHECK_INT(tl_dec_parse("x", &p), -1);
	teller_ctx_free(ctx);
}

static void
t_percent(void)
{
	CHECK_STR(pct(8, 0, 29, 0), "27.58");
	CHECK_STR(pct(1, 0, 4, 0), "25.0");
	CHECK_STR(pct(0, 0, 7, 0), "0.0");
	CHECK_STR(pct(5, 0, 5, 0), "100.0");
	CHECK_STR(pct(2, 0, 25, 0), "8.0");
	CHECK_STR(pct(1, 0, 1250, 0), "0.08");
	CHECK_STR(pct(7, 0, 29, 0), "24.13");
	CHECK_STR(pct(80000, 4, 50000, 4), "160.0");
	CHECK_STR(pct(8000, 4, 5, 0), "16.0");
	/* DECIMAL32 rounds to 7 digits first: 0.99999996 -> 1.000000 */
	CHECK_STR(pct(99999996, 8, 1, 0), "100.0");
	CHECK_STR(pct(9999994, 7, 1, 0), "99.99");
}

/* The provider table (cvr_provider.c): RCTab's six names in its order,
 * each with its reader and rules; nothing else. */
static void
t_providers(void)
{
	static const char *const names[] = { "ess", "dominion", "cdf",
	    "clearBallot", "hart", "genericCsv" };
	const struct tl_cvr_provider *p;
	int i;

	for (i = 0; i < 6; i++) {
		p = tl_cvr_provider_at(i);
		CHECK(p != NULL && strcmp(p->name, names[i]) == 0, "%d", i);
		CHECK(p != NULL && tl_cvr_provider_find(names[i]) == p &&
		    p->read != NULL, "%s", names[i]);
	}
	CHECK(tl_cvr_provider_at(6) == NULL, "six");
	CHECK(tl_cvr_provider_at(-1) == NULL, "-1");
	CHECK(tl_cvr_provider_find("ESS") == NULL, "case counts");
	CHECK(tl_cvr_provider_find("") == NULL, "empty");
	p = tl_cvr_provider_find("ess");
	CHECK(p->read == tl_cvr_read_ess && p->rowcol && p->overvote_label &&
	    !p->export_contest_id, "ess");
	p = tl_cvr_provider_find("genericCsv");
	CHECK(p->read == tl_cvr_read_csv && p->rowcol && p->overvote_label,
	    "genericCsv");
	p = tl_cvr_provider_find("cdf");
	CHECK(p->read == tl_cvr_read_cdf && !p->rowcol && p->overvote_label &&
	    p->kind == TL_CVR_CDF, "cdf");
	for (i = 1; i < 5; i++) {
		if (i == 2)
			continue;
		p = tl_cvr_provider_at(i);
		CHECK(!p->rowcol && !p->overvote_label && p->export_contest_id,
		    "%s", p->name);
	}
	CHECK(tl_cvr_provider_find("dominion")->read == tl_cvr_read_dominion &&
	    tl_cvr_provider_find("hart")->read == tl_cvr_read_hart &&
	    tl_cvr_provider_find("clearBallot")->read ==
	    tl_cvr_read_clearballot, "readers");
}

int
main(void)
{
	t_providers();
	t_random();
	t_java_strings();
	t_bigdecimal();
	t_arith();
	t_percent();
	return h_done();
}
