/* SPDX-License-Identifier: MIT */
/*
 * t_rep_csv.c -- the stages as CSV: quoting, and text cells that a
 * spreadsheet would run as formulas neutralised with a leading '\''
 * while numbers (a negative change too) stay numbers.
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

/* IRV, A 3, B 2, C 1 then to B: C excluded, then A or B elected. */
static const char expect_irv[] =
"stage,kind,subject,candidate,votes,change,event\r\n"
"1,first_preferences,,'=1+1,3,3,\r\n"
"1,first_preferences,,\"'-2, Bob\",2,2,\r\n"
"1,first_preferences,,'@cmd,1,1,\r\n"
"1,first_preferences,,'\tTab,0,0,\r\n"
"1,first_preferences,,Plain,0,0,\r\n"
"1,first_preferences,,(non-transferable),0,0,\r\n"
"1,first_preferences,,(loss by fractions),0,0,\r\n";

static void
formulas(void)
{
	static const char *const b[] = { "3 A", "2 B", "1 C B", NULL };
	static const char *const names[] = { "=1+1", "-2, Bob", "@cmd",
		"\tTab", "Plain" };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	struct sink *s = calloc(1, sizeof(*s));
	int rc, i;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C D E", b, 1, &c, &p) == 0, "build");
	for (i = 0; i < 5; i++)
		TL_CAND(c, i)->name = names[i];
	r = tt_count(ctx, "irv", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r != NULL) {
		CHECK_INT(teller_report(ctx, r, TELLER_REP_CSV, put, s),
		    TELLER_OK);
		CHECK(strncmp(s->buf, expect_irv, sizeof(expect_irv) - 1) ==
		    0, "got:\n%s", s->buf);
		/* the subject of a later stage is neutralised too */
		CHECK(strstr(s->buf, ",exclusion,'\tTab,") != NULL ||
		    strstr(s->buf, ",exclusion,Plain,") != NULL, "subject");
		/* a transfer out is a negative number, left as it is */
		CHECK(strstr(s->buf, "'@cmd,0,-1,") != NULL, "got:\n%s",
		    s->buf);
		CHECK(strstr(s->buf, ",'-1") == NULL, "number quoted");
	}
	free(s);
	teller_ctx_free(ctx);
}

int
main(void)
{
	formulas();
	return h_done();
}
