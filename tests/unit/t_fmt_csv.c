/* SPDX-License-Identifier: MIT */
/*
 * t_fmt_csv.c -- the ranked CSV reader: both layouts, RFC 4180 quoting,
 * directives, weights, every error with its position, and (TELLER_OOM=1)
 * failing each allocation in turn.
 */
#include <stdlib.h>

#include "harness.h"
#include "oom.h"
#include "tl_int.h"

/* Patterns of p as sorted text "W:A,B|C,-,D;" into out. */
static void
dump(const struct teller_contest *c, const struct teller_profile *p,
    char *out, size_t cap)
{
	char **lines = calloc(p->pats->len + 1, sizeof(char *));
	size_t i, n = 0, j, k;

	for (i = 0; i < p->pats->len; i++) {
		const struct tl_pat *pat = TL_PAT(p, i);
		char buf[1024], num[TL_NUM_BUFSZ];
		struct tl_rank r;
		size_t m;

		tl_num_fmt(num, pat->w, p->wdp);
		m = (size_t)snprintf(buf, sizeof(buf), "%s:", num);
		for (r = tl_rank_first(p, pat), k = 0; r.cells != NULL;
		     r = tl_rank_next(r), k++) {
			int q;
			if (k > 0)
				m += (size_t)snprintf(buf + m, sizeof(buf) - m,
				    ",");
			if (r.n == 0)
				m += (size_t)snprintf(buf + m, sizeof(buf) - m,
				    "-");
			for (q = 0; q < r.n; q++)
				m += (size_t)snprintf(buf + m, sizeof(buf) - m,
				    "%s%s", q ? "|" : "",
				    TL_CAND(c, r.ids[q])->name);
		}
		lines[n++] = strdup(buf);
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
			char *t = lines[j];
			lines[j] = lines[j - 1];
			lines[j - 1] = t;
		}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		strncat(out, lines[i], cap - strlen(out) - 2);
		strncat(out, ";", cap - strlen(out) - 1);
		free(lines[i]);
	}
	free(lines);
}

/* Read src as CSV; on success fill out with "cands#dump". Returns code. */
static int
rd(const char *src, size_t len, char *out, size_t cap, long *line, long *col)
{
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	int rc, i;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return -1;
	rc = teller_read(ctx, TELLER_FMT_CSV, "t.csv", src, len, &c, &p);
	out[0] = '\0';
	if (rc == TELLER_OK) {
		char d[4096];
		for (i = 0; i < c->ncand; i++) {
			strncat(out, TL_CAND(c, i)->name,
			    cap - strlen(out) - 1);
			if (TL_CAND(c, i)->party[0] != '\0') {
				strncat(out, "/", cap - strlen(out) - 1);
				strncat(out, TL_CAND(c, i)->party,
				    cap - strlen(out) - 1);
			}
			strncat(out, " ", cap - strlen(out) - 1);
		}
		dump(c, p, d, sizeof(d));
		strncat(out, "#", cap - strlen(out) - 1);
		strncat(out, d, cap - strlen(out) - 1);
		CHECK(p->ncand == c->ncand, "ncand");
	} else {
		teller_errpos(ctx, NULL, line, col);
		snprintf(out, cap, "%s", teller_errmsg(ctx));
	}
	teller_ctx_free(ctx);
	return rc;
}

static void
ok(const char *src, const char *want)
{
	char out[4096];
	long l = 0, c = 0;
	int rc = rd(src, strlen(src), out, sizeof(out), &l, &c);

	CHECK(rc == TELLER_OK, "rc %d (%s) for [%s]", rc, out, src);
	if (rc == TELLER_OK)
		CHECK_STR(out, want);
}

static void
badn(const char *src, size_t len, int code, long line, long col)
{
	char out[4096];
	long l = 0, c = 0;
	int rc = rd(src, len, out, sizeof(out), &l, &c);

	CHECK(rc == code, "rc %d want %d (%s) for [%s]", rc, code, out, src);
	CHECK(l == line && (col == 0 || c == col),
	    "position %ld:%ld want %ld:%ld (%s)", l, c, line, col, out);
}

static void
bad(const char *src, int code, long line, long col)
{
	badn(src, strlen(src), code, line, col);
}

static void
layout_a(void)
{
	ok("rank1,rank2,rank3\nA,B,C\nB,A,\nA,B,C\n",
	    "A B C #1:B,A;2:A,B,C;");
	ok("Rank 1;Rank 2\nA;B\n", "A B #1:A,B;");
	ok("1\t2\n\"A\"\tB\r\n", "A B #1:A,B;");
	ok("first preference,second preference\nX,Y\n", "X Y #1:X,Y;");
	ok("choice_2,choice_1\nB,A\n", "A B #1:A,B;");
	ok("1st,2nd,3rd\nA,,B\n", "A B #1:A,-,B;");
	ok("pref1,pref2\nA|B,C\n", "A B C #1:A|B,C;");
	ok("rank1,rank2\n,\nA,\n", "A #1:;1:A;");
	ok("\xEF\xBB\xBFrank1,rank2\r\nA,B\r\nB,A", "A B #1:A,B;1:B,A;");
	ok("id,rank1,weight\n1,A,2.5\n2,B,1\n3,A,0.25\n",
	    "A B #1.00:B;2.75:A;");
	ok("# title: T\n# seats: 2\n# candidate: C | Green\n"
	    "# candidate: A\n# just a comment\n\nrank1,rank2\nA,C\n",
	    "C/Green A #1:A,C;");
	ok("rank1,rank2\n\"Smith, J\",\"O\"\"Neil\"\n",
	    "Smith, J O\"Neil #1:Smith, J,O\"Neil;");
	ok("rank1,rank2\n\"multi\nline\",B\n",
	    "multi\nline B #1:multi\nline,B;");
	ok("rank1\nA\n\n\nB\n", "A B #1:A;1:B;");
	ok("rank1,rank2\n A , B \n", "A B #1:A,B;");
	ok("rank1,rank2\nA|A,B\n", "A B #1:A,B;");
	ok("rank1\nA\n# batch 2\n  # note\n\"#1\"\n", "A #1 #1:#1;1:A;");
}

static void
layout_b(void)
{
	ok("A,B,C\n1,2,3\n2,1,\n,1,1\n", "A B C #1:A,B,C;1:B,A;1:B|C;");
	ok("id,weight,A,B\nx,3,1,\ny,1,,2\n", "A B #1:-,B;3:A;");
	ok("# candidate: B\n# candidate: A\nA,B\n1,2\n", "B A #1:A,B;");
	ok("A;B;C\n3;;1\n", "A B C #1:C,-,A;");
	ok("A,B\n,\n", "A B #1:;");
	ok("Response ID,precinct_id,batch_id,A,B\nr1,p1,b1,2,1\n",
	    "A B #1:B,A;");
}

/* RCTab's generic CSV CVR, read in place from the shared corpus. */
static void
shared_generic(void)
{
	const char *sh = getenv("SHARED") != NULL ? getenv("SHARED")
						  : "../shared";
	char path[1024];
	FILE *f;
	static char buf[1 << 16];
	size_t n;
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;

	snprintf(path, sizeof(path), "%s/data/rctab/generic_csv_test/"
	    "generic_csv_test_cvr.csv", sh);
	if ((f = fopen(path, "rb")) == NULL) {
		printf("SKIP: %s not found\n", path);
		return;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	teller_ctx_new(NULL, &ctx);
	CHECK(teller_read(ctx, TELLER_FMT_AUTO, path, buf, n, &c, &p) ==
	    TELLER_OK, "%s", teller_errmsg(ctx));
	if (teller_errcode(ctx) == TELLER_OK) {
		/* Response ID, precinct, batch skipped */
		CHECK_INT(c->ncand, 5);
		CHECK_STR(TL_CAND(c, 0)->name, "Lettuce");
		CHECK_STR(TL_CAND(c, 4)->name, "Write-In");
		CHECK_INT(p->lines, 26);
	}
	teller_ctx_free(ctx);
}

static void
errors(void)
{
	bad("", TELLER_EPARSE, 1, 1);
	bad("rank1,rank2\nA,\"B\n", TELLER_EPARSE, 2, 3);
	bad("rank1,rank2\nA,B,C\n", TELLER_EPARSE, 2, 5);
	bad("rank1,rank2\nA\n", TELLER_EPARSE, 2, 0);
	bad("id,rank1,weight\n1,A,x\n", TELLER_EPARSE, 2, 5);
	bad("id,rank1,weight\n1,A,0\n", TELLER_ERANGE, 2, 5);
	bad("id,rank1,weight\n1,A,-1\n", TELLER_ERANGE, 2, 5);
	bad("id,rank1,weight\n1,A,0.0000000001\n", TELLER_ELIMIT, 2, 5);
	bad("id,rank1,weight\n1,A,99999999999999999999\n",
	    TELLER_EOVERFLOW, 2, 5);
	bad("id,rank1\n1,A\n1,B\n", TELLER_EDUP, 3, 1);
	bad("A,B\n1,x\n", TELLER_EPARSE, 2, 3);
	bad("A,B\n1,0\n", TELLER_EPARSE, 2, 3);
	bad("A,B\n1,-2\n", TELLER_EPARSE, 2, 3);
	bad("A,B\n1,99999999\n", TELLER_ELIMIT, 2, 3);
	/* a bad byte after digits already past the limit: ELIMIT, as
	 * when the loop stopped there; before it, EPARSE */
	bad("A,B\n1,99999999999x\n", TELLER_ELIMIT, 2, 3);
	bad("A,B\n1,12x\n", TELLER_EPARSE, 2, 3);
	bad("# candidate: A\nrank1\nB\n", TELLER_EPARSE, 3, 1);
	bad("# candidate: A\nA,Z\n1,2\n", TELLER_EPARSE, 2, 3);
	bad("# candidate: A\n# candidate: A\nrank1\nA\n", TELLER_EDUP, 2, 0);
	badn("rank1\nA\0B\n", 10, TELLER_EENCODING, 2, 2);
	bad("rank1\nA\xff\n", TELLER_EENCODING, 2, 2);
	bad("rank1,rank1\nA,B\n", TELLER_EPARSE, 1, 7);
	bad("rank1,rank3\nA,B\n", TELLER_EPARSE, 1, 7);
	bad("A,A\n1,2\n", TELLER_EDUP, 1, 3);
	bad("rank1,\nA,B\n", TELLER_EPARSE, 1, 7);
	bad("rank1\nA\"B\n", TELLER_EPARSE, 2, 2);
	bad("rank1,rank2\n\"A\"x,B\n", TELLER_EPARSE, 2, 4);
	bad("rank1,rank2\nA||B,C\n", TELLER_EPARSE, 2, 0);
	bad("# seats: 0\nrank1\nA\n", TELLER_ERANGE, 1, 10);
	bad("# seats: x\nrank1\nA\n", TELLER_EPARSE, 1, 10);
	bad("rank1\n\n", TELLER_EPARSE, 1, 1);
	bad("id,weight\n1,1\n", TELLER_EPARSE, 1, 1);
}

/* '# key:' lines before the header: known keys are directives, unknown
 * ones refused (with a hint when close to a known one); lines without
 * the key shape stay comments (issue 10). */
static void
directives(void)
{
	ok("# just a comment\n# Ward 3: Smith\n# see https://x.org/a\n"
	    "## note: kept\n#seats:1\n# 2024: count\n# note\nA,B\n1,2\n",
	    "A B #1:A,B;");
	ok("# TITLE: T\n# Seats : 1\nA\n1\n", "A #1:A;");
	ok("A,B\n1,2\n# a comment among rows: fine\n# note: fine\n2,1\n",
	    "A B #1:A,B;1:B,A;");
	bad("# sets: 2\nA,B\n1,2\n", TELLER_EPARSE, 1, 3);
	bad("# titel: x\nA,B\n1,2\n", TELLER_EPARSE, 1, 3);
	bad("# candidates: A\nrank1\nA\n", TELLER_EPARSE, 1, 3);
	bad("  #  seat : 2\nA,B\n1,2\n", TELLER_EPARSE, 1, 6);
	bad("# note: hello\nA,B\n1,2\n", TELLER_EPARSE, 1, 3);
	bad("# title: a\n# seats: 1\n# seats: 2\nA\n1\n", TELLER_EDUP, 3, 3);
	bad("# title: a\n# title: b\nA\n1\n", TELLER_EDUP, 2, 3);
	bad("A,B\n1,2\n# seats: 2\n", TELLER_EPARSE, 3, 3);
	bad("A,B\n1,2\n# candidate: C\n", TELLER_EPARSE, 3, 3);
	/* a '#' line among the rows that could be a paper: refused, never
	 * dropped as a comment */
	bad("id,A,B\n1,1,2\n#2,2,1\n", TELLER_EPARSE, 3, 1);
	bad("id\tA\tB\n  #2\t2\t1\n", TELLER_EPARSE, 2, 3);
	bad("rank1,rank2\n#A,B\n", TELLER_EPARSE, 2, 1);
	ok("id,A,B\n\"#2\",2,1\n# batch 2\n# a, b\n# \"a,b,c\"\n",
	    "A B #1:B,A;");
	bad("# seats: 99999999999\nA\n1\n", TELLER_ERANGE, 1, 10);
	bad("# seats: 99999999999x\nA\n1\n", TELLER_EPARSE, 1, 10);
	bad("# seats: -1\nA\n1\n", TELLER_EPARSE, 1, 10);
	bad("# seats: 2.0\nA\n1\n", TELLER_EPARSE, 1, 10);
	bad("# seats:\nA\n1\n", TELLER_ERANGE, 1, 9);
	bad("# seats 2\nA\n1\n", TELLER_EPARSE, 1, 3);
	bad("# sets 2 \r\nA\n1\n", TELLER_EPARSE, 1, 3);
	bad("# seats=2\nA\n1\n", TELLER_EPARSE, 1, 3);
	bad("#title = Ward 3\nA\n1\n", TELLER_EPARSE, 1, 2);
	ok("# seats are two this time\n# candidates listed below\n"
	    "# title of the ward\n# seats 2 and 3\n# note=1\nA\n1\n",
	    "A #1:A;");
}

/* X marks in candidate columns: all at rank 1 (issue 10). */
static void
xmarks(void)
{
	ok("A,B,C\nX,,\n,x,\nX,X,\n,,\n\xE2\x9C\x93,,\n,,\xE2\x9C\x94\n",
	    "A B C #1:;1:A|B;1:B;1:C;2:A;");
	ok("id,weight,A,B\n1,3, X ,\n", "A B #3:A;");
	bad("A,B\nX,2\n", TELLER_EPARSE, 2, 3);
	bad("A,B\n2,X\n", TELLER_EPARSE, 2, 3);
	bad("A,B\nX,\n1,2\n", TELLER_EPARSE, 3, 1);
	bad("A,B\n1,\n,X\n", TELLER_EPARSE, 3, 2);
	bad("A,B\nXX,\n", TELLER_EPARSE, 2, 1);
}

/* Every paper as cast: blank rows with an id or weight, skipped and
 * equal ranks; a header alone is a contest with no paper. */
static void
kept(void)
{
	ok("id,A,B,C\n1,,,\n2,1,,3\n3,2,2,\n4,,,\n",
	    "A B C #1:-,A|B;1:A,-,C;2:;");
	ok("id,rank1,rank2,rank3\n1,,,\n2,A,,B\n3,,A,\n4,A,A,\n",
	    "A B #1:;1:-,A;1:A,-,B;1:A,A;");
	ok("weight,A,B\n2.5,,\n", "A B #2.5:;");
	ok("A,B,C\n", "A B C #");
	ok("A,B,C\r\n\r\n", "A B C #");
	ok("# candidate: A\n# candidate: B\nrank1,rank2\n", "A B #");
	bad("rank1,rank2\n", TELLER_EPARSE, 1, 1);
}

/* Every allocation failing in turn gives ENOMEM, never a crash. */
static void
oom(void)
{
	const char *a = "# candidate: A\n# candidate: B\nid,rank1,rank2,"
	    "weight\n1,A,B,1.5\n2,\"B\",A|B,2\n3,A,,1\n";
	const char *b = "id,A,B,C\n1,1,2,3\n2,3,2,1\n3,1,1,\n";

	oom_read_loop("csv layout A", a, strlen(a), TELLER_FMT_CSV);
	oom_read_loop("csv layout B", b, strlen(b), TELLER_FMT_CSV);
	{
		/* big enough that every table and vector grows a few times */
		size_t cap = 200000, n = 0;
		char *big = malloc(cap);
		int i;

		n += (size_t)snprintf(big, cap,
		    "id,weight,rank1,rank2,rank3\n");
		for (i = 0; i < 3000 && n + 64 < cap; i++)
			n += (size_t)snprintf(big + n, cap - n,
			    "b%d,%d.%d,C%d,C%d|C%d,\"C%d\"\n", i, i % 7 + 1,
			    i % 3, i % 40, (i * 7) % 41, i % 5, (i * 3) % 43);
		oom_read_loop("csv big", big, n, TELLER_FMT_CSV);
		free(big);
	}
}

static void
speed(void)
{
	size_t n = 200000, i, len = 0;
	char *buf = malloc(n * 16 + 64);
	char out[256];
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	static const char *const rows[] = { "A,B,C\n", "B,C,A\n", "C,,\n",
		"A|B,C,\n" };

	len += (size_t)sprintf(buf, "rank1,rank2,rank3\n");
	for (i = 0; i < n; i++) {
		size_t l = strlen(rows[i % 4]);
		memcpy(buf + len, rows[i % 4], l);
		len += l;
	}
	teller_ctx_new(NULL, &ctx);
	CHECK(teller_read(ctx, TELLER_FMT_CSV, "big", buf, len, &c, &p) ==
	    TELLER_OK, "%s", teller_errmsg(ctx));
	CHECK(p != NULL && p->pats->len == 4, "patterns");
	CHECK(p != NULL && p->total == (int64_t)n, "total");
	(void)out;
	teller_ctx_free(ctx);
	free(buf);
}

int
main(void)
{
	if (oom_enabled()) {
		oom();
		return h_done();
	}
	layout_a();
	layout_b();
	errors();
	directives();
	xmarks();
	kept();
	speed();
	shared_generic();
	return h_done();
}
