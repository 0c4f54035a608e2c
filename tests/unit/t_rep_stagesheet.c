/* SPDX-License-Identifier: MIT */
/*
 * t_rep_stagesheet.c -- the stage sheet of a small count compared with
 * the expected text, and the wrapping of many stages into blocks that
 * stay within 80 columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tl_int.h"
#include "testlib.h"

struct sink {
	char buf[65536];
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

/* The ERS97 count of t_stv_ers97.c case D (deferred surplus, D and E
 * excluded together), with parties and a title. */
static const char expect_d[] =
"STAGE SHEET\n"
"Ward 9 - Example\n"
"Method: STV, ERS97 rules\n"
"Seats: 2\n"
"Rejected ballots:\n"
"  0.00  unmarked or void for uncertainty (no preference for a candidate)\n"
"  0.00  more than one first preference\n"
"Valid votes: 20.00\n"
"Quota: 6.67\n"
"\n"
"                          Stage 1      Stage 2\n"
"                          First prefs  Exclusion of\n"
"                                       Dan DOYLE,\n"
"                                       Eve EVANS\n"
"                                       value 1.00\n"
"Candidate          Party       Votes     +/- Total\n"
"Ann ADAMS          Red          7.00*         7.00\n"
"Bob BROWN          Blue         6.00   +1.00  7.00*\n"
"Cat CLARK          Green        5.00   +1.00  6.00\n"
"Dan DOYLE          Red          1.00   -1.00  0.00x\n"
"Eve EVANS                       1.00   -1.00  0.00x\n"
"Non-transferable                0.00          0.00\n"
"Loss by fractions               0.00          0.00\n"
"Total                          20.00         20.00\n"
"\n"
"* elected at this stage; x excluded at this stage\n"
"Elected, in order:\n"
"  Ann ADAMS (stage 1)\n"
"  Bob BROWN (stage 2)\n";

static void
sheet_small(void)
{
	static const char *const b[] = { "7 A B", "6 B", "5 C", "1 D C",
		"1 E B", NULL };
	static const char *const names[] = { "Ann ADAMS", "Bob BROWN",
		"Cat CLARK", "Dan DOYLE", "Eve EVANS" };
	static const char *const party[] = { "Red", "Blue", "Green", "Red",
		"" };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	struct sink *s = calloc(1, sizeof(*s));
	int rc, i;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C D E", b, 2, &c, &p) == 0, "build");
	for (i = 0; i < 5; i++) {
		TL_CAND(c, i)->name = names[i];
		TL_CAND(c, i)->party = party[i];
	}
	c->title = "Ward 9 - Example";
	r = tt_count(ctx, "stv-ers97", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r != NULL) {
		rc = teller_report(ctx, r, TELLER_REP_STAGESHEET, put, s);
		CHECK_INT(rc, TELLER_OK);
		CHECK_STR(s->buf, expect_d);
	}
	free(s);
	teller_ctx_free(ctx);
}

/* Many stages: every line within 80 columns, every stage shown once,
 * each block repeats the rows. */
static void
sheet_wrap(void)
{
	static const char *const b[] = { "9 A", "8 B", "7 C", "6 D", "5 E",
		"4 F", "3 G", "2 H", "1 I", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	struct sink *s = calloc(1, sizeof(*s));
	const char *line, *q;
	int rc, maxw = 0, blocks = 0, st;
	char tag[32];

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C D E F G H I", b, 1, &c, &p) == 0, "build");
	r = tt_count(ctx, "stv-wigm", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK(r->stages->len > 5, "%zu stages", r->stages->len);
	CHECK_INT(teller_report(ctx, r, TELLER_REP_STAGESHEET, put, s),
	    TELLER_OK);
	for (line = s->buf; *line != '\0'; line = q + 1) {
		q = strchr(line, '\n');
		if (q == NULL)
			break;
		if (q - line > maxw)
			maxw = (int)(q - line);
		if (strncmp(line, "Candidate", 9) == 0)
			blocks++;
		if (q > line && q[-1] == ' ')
			CHECK(0, "trailing blank: %.*s", (int)(q - line),
			    line);
	}
	CHECK(maxw <= 80, "widest line %d", maxw);
	CHECK(blocks > 1, "%d blocks", blocks);
	for (st = 1; st <= (int)r->stages->len; st++) {
		snprintf(tag, sizeof(tag), "Stage %d ", st);
		CHECK(strstr(s->buf, tag) != NULL ||
		    (snprintf(tag, sizeof(tag), "Stage %d\n", st),
		    strstr(s->buf, tag) != NULL), "stage %d shown", st);
	}
out:
	free(s);
	teller_ctx_free(ctx);
}

int
main(void)
{
	sheet_small();
	sheet_wrap();
	return h_done();
}
