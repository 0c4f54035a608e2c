/* SPDX-License-Identifier: MIT */
/*
 * t_fmt_preflib.c -- the PrefLib reader: 2022 and old formats, ties as
 * one rank with several marks, data-type checks, metadata cross-checks,
 * errors with positions, hand-over of non-PrefLib text to the CSV reader,
 * and (TELLER_OOM=1) every allocation failing in turn.
 */
#include <stdlib.h>

#include "harness.h"
#include "oom.h"
#include "tl_int.h"

/* "name name ... #w:1,2|3;..." in pattern order (readers keep first-seen
 * order, and these inputs have distinct orders). */
static int
rd(const char *src, enum teller_format fmt, char *out, size_t cap,
    long *line, long *col)
{
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	int rc, i;
	size_t k;

	teller_ctx_new(NULL, &ctx);
	rc = teller_read(ctx, fmt, "t.soc", src, strlen(src), &c, &p);
	out[0] = '\0';
	if (rc != TELLER_OK) {
		teller_errpos(ctx, NULL, line, col);
		snprintf(out, cap, "%s", teller_errmsg(ctx));
		teller_ctx_free(ctx);
		return rc;
	}
	for (i = 0; i < c->ncand; i++) {
		strncat(out, TL_CAND(c, i)->name, cap - strlen(out) - 1);
		strncat(out, " ", cap - strlen(out) - 1);
	}
	strncat(out, "#", cap - strlen(out) - 1);
	for (k = 0; k < p->pats->len; k++) {
		const struct tl_pat *pat = TL_PAT(p, k);
		struct tl_rank r;
		char b[256];
		size_t m = (size_t)snprintf(b, sizeof(b), "%lld:",
		    (long long)pat->w);
		bool first = true;

		for (r = tl_rank_first(p, pat); r.cells != NULL;
		     r = tl_rank_next(r)) {
			int q;
			if (!first)
				m += (size_t)snprintf(b + m, sizeof(b) - m,
				    ",");
			first = false;
			for (q = 0; q < r.n; q++)
				m += (size_t)snprintf(b + m, sizeof(b) - m,
				    "%s%d", q ? "|" : "", r.ids[q] + 1);
		}
		snprintf(b + m, sizeof(b) - m, ";");
		strncat(out, b, cap - strlen(out) - 1);
	}
	if (c->title[0] != '\0') {
		strncat(out, " T=", cap - strlen(out) - 1);
		strncat(out, c->title, cap - strlen(out) - 1);
	}
	teller_ctx_free(ctx);
	return rc;
}

static void
ok(const char *src, const char *want)
{
	char out[4096];
	long l, c;
	int rc = rd(src, TELLER_FMT_AUTO, out, sizeof(out), &l, &c);

	CHECK(rc == TELLER_OK, "rc %d (%s) for [%s]", rc, out, src);
	if (rc == TELLER_OK)
		CHECK_STR(out, want);
}

static void
bad(const char *src, int code, long line, long col)
{
	char out[4096];
	long l = 0, c = 0;
	int rc = rd(src, TELLER_FMT_PREFLIB, out, sizeof(out), &l, &c);

	CHECK(rc == code, "rc %d want %d (%s) for [%s]", rc, code, out, src);
	CHECK(l == line && (col == 0 || c == col),
	    "position %ld:%ld want %ld:%ld (%s)", l, c, line, col, out);
}

#define HDR(type, n) "# FILE NAME: x\n# TITLE: Tst\n# DATA TYPE: " type \
	"\n# NUMBER ALTERNATIVES: " n "\n"

static void
formats(void)
{
	ok(HDR("soc", "3") "# NUMBER VOTERS: 5\n# NUMBER UNIQUE ORDERS: 2\n"
	    "# ALTERNATIVE NAME 1: Alpha\n# ALTERNATIVE NAME 2: Beta\n"
	    "# ALTERNATIVE NAME 3: Gamma\n3: 1,2,3\n2: 3, 2, 1\n",
	    "Alpha Beta Gamma #3:1,2,3;2:3,2,1; T=Tst");
	ok(HDR("toc", "3") "4: {1,2},3\n1: { 3 , 1 , 2 }\n",
	    "1 2 3 #4:1|2,3;1:3|1|2; T=Tst");
	ok(HDR("soi", "4") "4: 2\n1: 4,1\n", "1 2 3 4 #4:2;1:4,1; T=Tst");
	ok(HDR("toi", "4") "# ALTERNATIVE NAME 2: B\n2: {2,4}\r\n1: 3,{1,4}",
	    "1 B 3 4 #2:2|4;1:3,1|4; T=Tst");
	ok("# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: X\n"
	    "# ALTERNATIVE NAME 2: Y\n", "X Y #");
	ok("3\n1,Alice\n2,Bob\n3,Carol\n6,6,3\n3,1,2,3\n2,2,{1,3}\n1,3\n",
	    "Alice Bob Carol #3:1,2,3;2:2,1|3;1:3;");
	/* every order kept as marked: a repeat at a later rank, a tie,
	 * an empty order (a blank paper) (issue 10) */
	ok(HDR("soi", "3") "1: 1,1\n2: 2,3,2\n", "1 2 3 #1:1,1;2:2,3,2; T=Tst");
	ok(HDR("toc", "3") "1: 1,{2,3},1\n", "1 2 3 #1:1,2|3,1; T=Tst");
	ok(HDR("toi", "3") "2:\n1: {1,2}\n", "1 2 3 #2:;1:1|2; T=Tst");
	ok("2\n1,A\n2,B\n2,2,2\n1,1,1\n1\n", "A B #1:1,1;1:;");
	/* not PrefLib: handed to the CSV reader */
	ok("# title: Csv\nrank1,rank2\nA,B\n", "A B #1:1,2; T=Csv");
}

/*
 * read.c alone decides which reader gets an input (issue 16): asked for
 * "csv", old PrefLib is read as PrefLib; asked for "preflib", text in
 * neither PrefLib format is read as CSV. The readers themselves no
 * longer hand input to each other.
 */
static void
handover(void)
{
	static const char old[] = "3\n1,Alice\n2,Bob\n3,Carol\n6,6,3\n"
	    "3,1,2,3\n2,2,{1,3}\n1,3\n";
	static const char csv[] = "# title: Csv\nrank1,rank2\nA,B\n";
	struct teller_contest *c;
	struct teller_profile *p;
	teller_ctx *ctx;
	char out[4096];
	long l, col;
	int rc;

	rc = rd(old, TELLER_FMT_CSV, out, sizeof(out), &l, &col);
	CHECK(rc == TELLER_OK, "rc %d (%s)", rc, out);
	CHECK_STR(out, "Alice Bob Carol #3:1,2,3;2:2,1|3;1:3;");
	rc = rd(csv, TELLER_FMT_PREFLIB, out, sizeof(out), &l, &col);
	CHECK(rc == TELLER_OK, "rc %d (%s)", rc, out);
	CHECK_STR(out, "A B #1:1,2; T=Csv");
	teller_ctx_new(NULL, &ctx);
	rc = tl_fmt_preflib(ctx, csv, strlen(csv), &c, &p);
	CHECK(rc == TELLER_EINTERNAL, "PrefLib reader read CSV: rc %d", rc);
	teller_ctx_free(ctx);
}

static void
errors(void)
{
	bad(HDR("soc", "3") "1: 1,2\n", TELLER_EPARSE, 5, 3);
	bad(HDR("soc", "3") "1: {1,2},3\n", TELLER_EPARSE, 5, 3);
	bad(HDR("toi", "3") "1: 2,{1,3,1}\n", TELLER_EPARSE, 5, 11);
	bad(HDR("toc", "3") "1: 1,2,1\n", TELLER_EPARSE, 5, 3);
	bad(HDR("toi", "3") "1: 1,4\n", TELLER_ERANGE, 5, 6);
	bad(HDR("toi", "3") "1: 0\n", TELLER_ERANGE, 5, 4);
	bad(HDR("toi", "3") "1: {1,2\n", TELLER_EPARSE, 5, 8);
	bad(HDR("toi", "3") "1: {}\n", TELLER_EPARSE, 5, 5);
	bad(HDR("toi", "3") "1: 1,\n", TELLER_EPARSE, 5, 6);
	bad(HDR("toi", "3") "1: 1 2\n", TELLER_EPARSE, 5, 6);
	bad(HDR("toi", "3") "0: 1\n", TELLER_ERANGE, 5, 1);
	bad(HDR("toi", "3") "1 1\n", TELLER_EPARSE, 5, 3);
	bad(HDR("toi", "3") "99999999999999999999: 1\n", TELLER_EOVERFLOW,
	    5, 1);
	bad(HDR("toi", "3") "x: 1\n", TELLER_EPARSE, 5, 1);
	bad(HDR("wmd", "3") "1: 1\n", TELLER_EPARSE, 3, 14);
	bad("# DATA TYPE: soc\n# NUMBER ALTERNATIVES: x\n1: 1\n",
	    TELLER_EPARSE, 2, 24);
	bad("# DATA TYPE: soi\n1: 1\n", TELLER_EPARSE, 2, 1);
	bad(HDR("soi", "2") "# ALTERNATIVE NAME 3: Z\n1: 1\n", TELLER_ERANGE,
	    5, 20);
	bad(HDR("soi", "2") "# ALTERNATIVE NAME 1: Z\n# ALTERNATIVE NAME 1: "
	    "Y\n1: 1\n", TELLER_EDUP, 6, 20);
	bad(HDR("soi", "2") "# ALTERNATIVE NAME 1:\n1: 1\n", TELLER_EPARSE, 5,
	    20);
	bad(HDR("soi", "2") "# NUMBER VOTERS: 3\n1: 1\n", TELLER_EPARSE, 5,
	    1);
	bad(HDR("soi", "2") "# NUMBER UNIQUE ORDERS: 3\n1: 1\n",
	    TELLER_EPARSE, 5, 1);
	bad(HDR("soi", "0") "1: 1\n", TELLER_ERANGE, 4, 1);
	/* a key given twice, a mistyped NUMBER or ALTERNATIVE key, a
	 * number of alternatives past any limit (issue 10) */
	bad(HDR("soi", "3") "# NUMBER ALTERNATIVES: 2\n1: 1\n", TELLER_EDUP,
	    5, 3);
	bad(HDR("soi", "2") "# DATA TYPE: toc\n1: 1\n", TELLER_EDUP, 5, 3);
	bad(HDR("soi", "2") "# NUMBER VOTERS: 1\n# NUMBER VOTERS: 1\n1: 1\n",
	    TELLER_EDUP, 6, 3);
	bad(HDR("soi", "2") "# TITLE: again\n1: 1\n", TELLER_EDUP, 5, 3);
	bad(HDR("soi", "2") "# ALTERNATIVE NAMES 1: A\n1: 1\n",
	    TELLER_EPARSE, 5, 3);
	bad(HDR("soi", "2") "#  NUMBER VOTER: 1\n1: 1\n", TELLER_EPARSE, 5,
	    4);
	bad(HDR("soi", "99999999999") "1: 1\n", TELLER_ELIMIT, 4, 24);
	bad("99999999999\n1,A\n", TELLER_ELIMIT, 1, 1);
	bad(HDR("soi", "2") "1: 1\n# ALTERNATIVE NAME 2: B\n", TELLER_EPARSE,
	    6, 3);
	bad(HDR("soi", "2") "1: 1\n# NUMBER VOTERS: 2\n", TELLER_EPARSE, 6, 3);
	ok(HDR("soi", "2") "1: 1\n# a comment: fine\n# another\n1: 2\n",
	    "1 2 #1:1;1:2; T=Tst");
	ok(HDR("soi", "2") "# DESCRIPTION: x\n# MODIFICATION TYPE: original\n"
	    "# RELATES TO: a\n# PUBLICATION DATE: 2020-01-01\n1: 1\n",
	    "1 2 #1:1; T=Tst");
	bad(HDR("soi", "100000") "1: 1\n", TELLER_ELIMIT, 4, 1);
	bad(HDR("soi", "2") "1: 1\xc3\n", TELLER_EENCODING, 5, 5);
	bad("3\n1,A\n2,B\n", TELLER_EPARSE, 4, 1);
	bad("2\n1,A\n3,B\n1,1,1\n1,1\n", TELLER_ERANGE, 3, 1);
	bad("2\n1,A\n2,B\n2,2,1\n1,1\n", TELLER_EPARSE, 4, 1);
	bad("2\n1,A\n2,B\n1,1,1\n1,1,3\n", TELLER_ERANGE, 5, 5);
}

static void
oom(void)
{
	const char *a = HDR("toi", "4") "# ALTERNATIVE NAME 1: A\n"
	    "4: 1,{2,3}\n2: {1,4}\n1: 4\n";
	const char *b = "3\n1,Alice\n2,Bob\n3,Carol\n6,6,3\n3,1,2,3\n"
	    "2,2,{1,3}\n1,3\n";

	oom_read_loop("preflib 2022", a, strlen(a), TELLER_FMT_PREFLIB);
	oom_read_loop("preflib old", b, strlen(b), TELLER_FMT_PREFLIB);
}

int
main(void)
{
	if (oom_enabled()) {
		oom();
		return h_done();
	}
	formats();
	handover();
	errors();
	return h_done();
}
