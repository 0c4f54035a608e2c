/* SPDX-License-Identifier: MIT */
/*
 * t_rep_html.c -- the HTML report's pieces (docs/reports.md 13): the
 * escaping function over the hostile names of section 8, the thousands
 * separator, the narrative of a surplus and of an exclusion (golden
 * strings taken from the count), the transfers the result carries, and
 * an unknown layout refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rep_html.h"
#include "testlib.h"

struct sink {
	char buf[1 << 17];
	size_t n;
};

static int
put(void *ud, const char *p, size_t n)
{
	struct sink *s = ud;

	if (n > sizeof(s->buf) - 1 - s->n)
		return 1;
	memcpy(s->buf + s->n, p, n);
	s->n += n;
	s->buf[s->n] = '\0';
	return 0;
}

static void
escaping(void)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "</script><b>", "&lt;/script&gt;&lt;b&gt;" },
		{ "\"O'Brien\" & <Co>",
		  "&quot;O&#39;Brien&quot; &amp; &lt;Co&gt;" },
		{ "\xd8\xb9\xd8\xa8\xd8\xaf", "\xd8\xb9\xd8\xa8\xd8\xaf" },
		{ "Zoe\xcc\x8a", "Zoe\xcc\x8a" },
		{ "", "" },
	};
	struct sink *s = calloc(1, sizeof(*s));
	teller_ctx *ctx;
	struct tl_out o;
	size_t i;

	teller_ctx_new(NULL, &ctx);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s->n = 0;
		s->buf[0] = '\0';
		tl_out_init(&o, ctx, put, s);
		tl_rep_html_out_esc(&o, cases[i].in);
		CHECK_INT(tl_out_flush(&o), TELLER_OK);
		CHECK_STR(s->buf, cases[i].out);
	}
	free(s);
	teller_ctx_free(ctx);
}

static void
separators(void)
{
	static const struct { tl_fix v; int dp; const char *out; } cases[] = {
		{ 0, 0, "0" }, { 999, 0, "999" }, { 1000, 0, "1,000" },
		{ 84234, 0, "84,234" }, { 153800000, 5, "1,538.00000" },
		{ -1234567, 2, "-12,345.67" }, { 100000000000, 0,
		  "100,000,000,000" }, { 5, 5, "0.00005" },
	};
	struct sink *s = calloc(1, sizeof(*s));
	teller_ctx *ctx;
	struct tl_out o;
	size_t i;

	teller_ctx_new(NULL, &ctx);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s->n = 0;
		s->buf[0] = '\0';
		tl_out_init(&o, ctx, put, s);
		tl_rep_html_out_num(&o, cases[i].v, cases[i].dp);
		CHECK_INT(tl_out_flush(&o), TELLER_OK);
		CHECK_STR(s->buf, cases[i].out);
	}
	free(s);
	teller_ctx_free(ctx);
}

/* ERS97 excludes D and E together (sure losers, 5.2.2): the stage
 * carries each giver's transfers and its narrative names both. */
static void
batch(void)
{
	static const char *const b[] = { "40 A B", "15 A C", "12 B C",
		"14 C B D", "9 D E", "10 E D B", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	struct sink *s = calloc(1, sizeof(*s));
	const struct tl_stage *st;
	int rc;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C D E", b, 2, &c, &p) == 0, "build");
	r = tt_count(ctx, "stv-ers97", c, p, 2, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL || r->stages->len < 3)
		goto out;
	st = TL_STAGE(r, 2);
	CHECK_INT(st->nexcluded, 2);
	CHECK(st->transfers != NULL && st->transfers->len == 2,
	    "batch transfers");
	if (st->transfers != NULL && st->transfers->len == 2) {
		const struct tl_transfer *t = st->transfers->data;
		CHECK_INT(t[0].from, 3);
		CHECK_INT(t[0].to, TL_TO_NONTRANS);
		CHECK_INT(t[0].votes, 900);
		CHECK_INT(t[1].from, 4);
		CHECK_INT(t[1].to, 1);
		CHECK_INT(t[1].votes, 1000);
	}
	CHECK_INT(teller_report_html(ctx, r, NULL, put, s), TELLER_OK);
	CHECK(strstr(s->buf, "<p class=\"narrative\">Stage 3: <bdi>D</bdi> "
	    "and <bdi>E</bdi> were excluded together. The papers "
	    "transferred: from <bdi>D</bdi>, none to a continuing candidate; "
	    "from <bdi>E</bdi>, 10.00 to <bdi>B</bdi>; 9.00 were "
	    "non-transferable.") != NULL, "batch narrative");
out:
	free(s);
	teller_ctx_free(ctx);
}

/* --lang: a good tag is <html lang>, a malformed one refused. */
static void
langs(const struct teller_result *r)
{
	static const char *const good[] = { "cy", "gd-GB", "en-US",
		"sr-Latn-RS", NULL };
	static const char *const bad[] = { "e", "en-", "en--GB", "en GB",
		"en\"x", "english-GB", "en-abcdefghi", "1en", NULL };
	struct sink *s = calloc(1, sizeof(*s));
	char want[64];
	int i;

	for (i = 0; good[i] != NULL; i++) {
		teller_ctx *ctx;
		teller_ctx_new(NULL, &ctx);
		s->n = 0;
		s->buf[0] = '\0';
		CHECK_INT(teller_report_html_lang(ctx, r, NULL, good[i], put,
		    s), TELLER_OK);
		snprintf(want, sizeof(want), "<html lang=\"%s\">", good[i]);
		CHECK(strstr(s->buf, want) != NULL, "%s", good[i]);
		teller_ctx_free(ctx);
	}
	for (i = 0; bad[i] != NULL; i++) {
		teller_ctx *ctx;
		teller_ctx_new(NULL, &ctx);
		s->n = 0;
		CHECK_INT(teller_report_html_lang(ctx, r, NULL, bad[i], put,
		    s), TELLER_EINVAL);
		teller_ctx_free(ctx);
	}
	free(s);
}

/* The page of a small Scottish count holds these narrative sentences,
 * and its result these transfers. */
static void
narrative(void)
{
	static const char *const b[] = { "40 A B", "15 A C", "12 B C",
		"14 C B D", "9 D A", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	struct sink *s = calloc(1, sizeof(*s));
	const struct tl_stage *st;
	int rc;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C D", b, 2, &c, &p) == 0, "build");
	r = tt_count(ctx, "stv-scottish", c, p, 2, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	st = TL_STAGE(r, 1);
	CHECK(st->transfers != NULL && st->transfers->len == 3,
	    "stage 2 transfers");
	if (st->transfers != NULL && st->transfers->len == 3) {
		const struct tl_transfer *t = st->transfers->data;
		CHECK_INT(t[0].from, 0);
		CHECK_INT(t[0].to, 1);
		CHECK_INT(t[0].votes, 1745440);
		CHECK_INT(t[2].to, TL_TO_LOSS);
		CHECK_INT(t[2].votes, 20);
	}
	CHECK_INT(teller_report_html(ctx, r, NULL, put, s), TELLER_OK);
	CHECK(strstr(s->buf, "<p class=\"narrative\">Stage 2: <bdi>A</bdi>"
	    "&#39;s surplus of 24.00000 was transferred at 0.43636 per paper "
	    "(rule 48): 17.45440 to <bdi>B</bdi>, 6.54540 to <bdi>C</bdi>; "
	    "0.00000 were non-transferable and 0.00020 was lost by fractions."
	    "</p>") != NULL, "surplus narrative");
	CHECK(strstr(s->buf, "<p class=\"narrative\">Stage 3: <bdi>D</bdi> "
	    "had the fewest votes (9.00000) and was excluded (rule 50). The "
	    "papers transferred: none to a continuing candidate; 9.00000 "
	    "were non-transferable.</p>") != NULL, "exclusion narrative");
	CHECK(strstr(s->buf, "Stage 1: 90.00000 valid votes; the quota is "
	    "31.00000. <bdi>A</bdi> reached the quota and was elected.") !=
	    NULL, "first stage narrative");
	s->n = 0;
	CHECK_INT(teller_report_html(ctx, r, "nosuch", put, s),
	    TELLER_EINVAL);
	langs(r);
out:
	free(s);
	teller_ctx_free(ctx);
}

/* tl_out_fmt writes the whole of a long expansion (it cut at 1023
 * bytes once). */
static void
long_fmt(void)
{
	struct sink *s = calloc(1, sizeof(*s));
	char *big = malloc(10001);
	teller_ctx *ctx;
	struct tl_out o;

	teller_ctx_new(NULL, &ctx);
	memset(big, 'x', 10000);
	big[10000] = '\0';
	tl_out_init(&o, ctx, put, s);
	tl_out_fmt(&o, "<%s|%d>", big, 42);
	CHECK_INT(tl_out_flush(&o), TELLER_OK);
	CHECK_INT((int)s->n, 10000 + 5);
	CHECK(s->n == 10005 && s->buf[0] == '<' &&
	    strcmp(s->buf + 10001, "|42>") == 0, "long format complete");
	free(big);
	free(s);
	teller_ctx_free(ctx);
}

int
main(void)
{
	long_fmt();
	batch();
	escaping();
	separators();
	narrative();
	return h_done();
}
