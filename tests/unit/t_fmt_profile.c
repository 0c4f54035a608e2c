/* SPDX-License-Identifier: MIT */
/*
 * t_fmt_profile.c -- TELLERP1 profile files: exact round trips, the
 * canonical (sorted) writer, merge(split(profile)) == profile byte for
 * byte, every check on read with its position, and (TELLER_OOM=1) each
 * allocation failing in turn while reading and writing.
 */
#include <stdlib.h>

#include "harness.h"
#include "oom.h"
#include "tl_int.h"

struct mbuf {
	char p[1 << 20];
	size_t n;
};

static int
mwrite(void *ud, const char *p, size_t n)
{
	struct mbuf *b = ud;

	if (b->n + n > sizeof(b->p))
		return 1;
	memcpy(b->p + b->n, p, n);
	b->n += n;
	return 0;
}

static struct mbuf b1, b2, b3;

static const char *basic = "TELLERP1\ntitle T\\tx\\\\y\nseats 2\nwdp 2\n"
    "ballots 5\ncandidates 3\nc - Ann\tRed\nc w Bob\t\nc x Cy\\x01\t\n"
    "patterns 3\n0.25:\n1.50: - 3\n2.00: 1 2=3\nend 3.75\n";

static void
roundtrip(void)
{
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	int rc;

	teller_ctx_new(NULL, &ctx);
	rc = teller_read(ctx, TELLER_FMT_AUTO, "b.tp", basic, strlen(basic),
	    &c, &p);
	CHECK(rc == TELLER_OK, "%s", teller_errmsg(ctx));
	if (rc == TELLER_OK) {
		CHECK_STR(c->title, "T\tx\\y");
		CHECK_INT(c->seats, 2);
		CHECK_INT(c->ncand, 3);
		CHECK(TL_CAND(c, 1)->withdrawn && !TL_CAND(c, 0)->withdrawn,
		    "withdrawn");
		CHECK(TL_CAND(c, 2)->writein, "writein");
		CHECK_STR(TL_CAND(c, 2)->name, "Cy\x01");
		CHECK_STR(TL_CAND(c, 0)->party, "Red");
		CHECK_INT(p->wdp, 2);
		CHECK_INT(p->total, 375);
		CHECK_INT(p->empty, 25);
		CHECK_INT(p->lines, 5);
		CHECK_INT(p->pats->len, 3);
		b1.n = 0;
		CHECK(tl_profile_write(ctx, c, p, mwrite, &b1) == TELLER_OK,
		    "write");
		CHECK(b1.n == strlen(basic) && memcmp(b1.p, basic, b1.n) == 0,
		    "canonical bytes differ:\n%.*s", (int)b1.n, b1.p);
	}
	teller_ctx_free(ctx);
}

/* A CSV of n random ballots over 5 candidates, rows [from, to), some
 * weighted with one decimal place in rows [wlo, whi). */
static char *
mkcsv(int from, int to, int wlo, int whi)
{
	size_t cap = 256 + (size_t)(to - from) * 40, n = 0;
	char *s = malloc(cap);
	uint64_t x = 12345;
	int i, k;

	n += (size_t)snprintf(s, cap, "# candidate: A\n# candidate: B\n"
	    "# candidate: C\n# candidate: D\n# candidate: E\n"
	    "weight,rank1,rank2,rank3\n");
	for (i = 0; i < to; i++) {
		char row[40];
		size_t m = 0;

		x = x * 6364136223846793005u + 1442695040888963407u;
		if (i < from)
			continue;
		if (i >= wlo && i < whi && (x >> 60) == 3)
			m += (size_t)snprintf(row, sizeof(row), "0.5");
		else
			m += (size_t)snprintf(row, sizeof(row), "%d",
			    (int)((x >> 40) % 3) + 1);
		for (k = 0; k < 3; k++) {
			unsigned v = (unsigned)(x >> (8 * k)) % 7;
			m += (size_t)snprintf(row + m, sizeof(row) - m, ",%s",
			    v < 5 ? (const char *[]){ "A", "B", "C", "D",
			    "E" }[v] : v == 5 ? "A|B" : "");
		}
		m += (size_t)snprintf(row + m, sizeof(row) - m, "\n");
		memcpy(s + n, row, m);
		n += m;
	}
	s[n] = '\0';
	return s;
}

/* Read csv, write a profile into b; returns 0 on success. */
static int
to_profile(const char *csv, struct mbuf *b)
{
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	int rc;

	teller_ctx_new(NULL, &ctx);
	b->n = 0;
	rc = teller_read(ctx, TELLER_FMT_CSV, "x.csv", csv, strlen(csv), &c,
	    &p);
	if (rc == TELLER_OK)
		rc = tl_profile_write(ctx, c, p, mwrite, b);
	CHECK(rc == TELLER_OK, "%s", teller_errmsg(ctx));
	teller_ctx_free(ctx);
	return rc;
}

static void
merge_split(void)
{
	int cuts[] = { 0, 700, 701, 2500, 4000 }, i, rc;
	char *whole = mkcsv(0, 4000, 701, 2500);
	teller_ctx *ctx;
	teller_contest *c0 = NULL, *c;
	teller_profile *p0 = NULL, *p;

	CHECK(to_profile(whole, &b1) == TELLER_OK, "whole");
	teller_ctx_new(NULL, &ctx);
	for (i = 0; i < 4; i++) {
		char *part = mkcsv(cuts[i], cuts[i + 1], 701, 2500);
		CHECK(to_profile(part, &b2) == TELLER_OK, "part %d", i);
		free(part);
		rc = teller_read(ctx, TELLER_FMT_PROFILE, "part", b2.p, b2.n,
		    &c, &p);
		CHECK(rc == TELLER_OK, "%s", teller_errmsg(ctx));
		if (rc != TELLER_OK)
			break;
		if (p0 == NULL) {
			c0 = c;
			p0 = p;
		} else {
			CHECK(tl_profile_merge(ctx, p0, p) == TELLER_OK,
			    "%s", teller_errmsg(ctx));
		}
	}
	b3.n = 0;
	if (p0 != NULL)
		CHECK(tl_profile_write(ctx, c0, p0, mwrite, &b3) == TELLER_OK,
		    "write merged");
	CHECK(b3.n == b1.n && memcmp(b1.p, b3.p, b1.n) == 0,
	    "merge(split) differs from the whole (%zu vs %zu bytes)", b3.n,
	    b1.n);
	if (getenv("T_DUMP") != NULL) {
		FILE *f = fopen("/tmp/whole.tp", "w");
		fwrite(b1.p, 1, b1.n, f);
		fclose(f);
		f = fopen("/tmp/merged.tp", "w");
		fwrite(b3.p, 1, b3.n, f);
		fclose(f);
	}
	CHECK(p0 != NULL && p0->lines == 4000, "ballots");
	teller_ctx_free(ctx);
	free(whole);
}

static void
bad(const char *src, int code, long line, long col)
{
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	long l = 0, k = 0;
	int rc;

	teller_ctx_new(NULL, &ctx);
	rc = teller_read(ctx, TELLER_FMT_PROFILE, "bad.tp", src, strlen(src),
	    &c, &p);
	teller_errpos(ctx, NULL, &l, &k);
	CHECK(rc == code, "rc %d want %d (%s) for [%s]", rc, code,
	    teller_errmsg(ctx), src);
	CHECK(l == line && (col == 0 || k == col),
	    "position %ld:%ld want %ld:%ld (%s)", l, k, line, col,
	    teller_errmsg(ctx));
	teller_ctx_free(ctx);
}

#define H "TELLERP1\ntitle \nseats 1\nwdp 0\nballots 3\ncandidates 2\n" \
	"c - A\t\nc - B\t\n"

static void
errors(void)
{
	bad("TELLERP2\n", TELLER_EPARSE, 1, 1);
	bad("TELLERP1", TELLER_EPARSE, 1, 1);
	bad("TELLERP1\ntitle x\nseats 1\n", TELLER_EPARSE, 4, 1);
	bad("TELLERP1\ntitel x\n", TELLER_EPARSE, 2, 1);
	bad("TELLERP1\ntitle \nseats 1001\n", TELLER_ERANGE, 3, 7);
	bad("TELLERP1\ntitle \nseats -1\n", TELLER_EPARSE, 3, 7);
	bad("TELLERP1\ntitle \nseats 1\nwdp 10\n", TELLER_ERANGE, 4, 5);
	bad("TELLERP1\ntitle \nseats 1\nwdp 0\nballots "
	    "99999999999999999999\n", TELLER_EPARSE, 5, 9);
	bad("TELLERP1\ntitle \nseats 1\nwdp 0\nballots 9223372036854775808\n",
	    TELLER_EOVERFLOW, 5, 9);
	bad("TELLERP1\ntitle \nseats 1\nwdp 0\nballots 1\ncandidates 0\n",
	    TELLER_ERANGE, 6, 12);
	bad("TELLERP1\ntitle \nseats 1\nwdp 0\nballots 1\ncandidates 2\n"
	    "c - A\t\nc - A\t\n", TELLER_EDUP, 8, 5);
	bad("TELLERP1\ntitle \nseats 1\nwdp 0\nballots 1\ncandidates 2\n"
	    "c - A\t\nc q B\t\n", TELLER_EPARSE, 8, 3);
	bad("TELLERP1\ntitle \nseats 1\nwdp 0\nballots 1\ncandidates 1\n"
	    "c - A\\q\t\n", TELLER_EPARSE, 7, 0);
	bad("TELLERP1\ntitle \nseats 1\nwdp 0\nballots 1\ncandidates 1\n"
	    "c - A\\x80\t\n", TELLER_EPARSE, 7, 0);
	bad("TELLERP1\ntitle \nseats 1\nwdp 0\nballots 1\ncandidates 1\n"
	    "c - A\n", TELLER_EPARSE, 7, 3);
	bad(H "patterns 1\n1: 3\nend 1\n", TELLER_ERANGE, 10, 4);
	bad(H "patterns 1\n1: 0\nend 1\n", TELLER_ERANGE, 10, 4);
	bad(H "patterns 1\n1: 1=\nend 1\n", TELLER_EPARSE, 10, 6);
	bad(H "patterns 1\n1: x\nend 1\n", TELLER_EPARSE, 10, 4);
	bad(H "patterns 1\n1:  1\nend 1\n", TELLER_EPARSE, 10, 0);
	bad(H "patterns 1\n1: 1=2=1=2\nend 1\n", TELLER_EPARSE, 10, 8);
	/* one candidate twice at one rank: no paper shows that */
	bad(H "patterns 1\n1: 2 1=1\nend 1\n", TELLER_EPARSE, 10, 8);
	bad(H "patterns 1\n1: 2=1 - 1=2=2\nend 1\n", TELLER_EPARSE, 10, 14);
	bad(H "patterns 1\n0: 1\nend 0\n", TELLER_ERANGE, 10, 1);
	bad(H "patterns 1\n1.5: 1\nend 1\n", TELLER_EPARSE, 10, 1);
	bad(H "patterns 1\n-1: 1\nend 1\n", TELLER_EPARSE, 10, 1);
	bad(H "patterns 1\n1 1\nend 1\n", TELLER_EPARSE, 10, 1);
	bad(H "patterns 2\n1: 1\n1: 1\nend 2\n", TELLER_EDUP, 11, 1);
	bad(H "patterns 2\n1: 1\nend 1\n", TELLER_EPARSE, 11, 1);
	bad(H "patterns 1\n1: 1\n", TELLER_EPARSE, 11, 1);
	bad(H "patterns 1\n1: 1\nend 2\n", TELLER_EPARSE, 11, 5);
	bad(H "patterns 1\n1: 1\nend 1\nextra\n", TELLER_EPARSE, 12, 1);
	bad(H "patterns 1\n1: 1\nend 1", TELLER_EPARSE, 11, 1);
	bad(H "patterns 4\n", TELLER_ERANGE, 9, 10);
	bad(H "patterns 1\n1: 1\xff\nend 1\n", TELLER_EENCODING, 10, 5);
}

static int
oom_write_fn(teller_ctx *ctx, void *arg)
{
	teller_contest *c;
	teller_profile *p;
	int rc;

	(void)arg;
	rc = teller_read(ctx, TELLER_FMT_PROFILE, "b.tp", basic,
	    strlen(basic), &c, &p);
	if (rc != TELLER_OK)
		return rc;
	b1.n = 0;
	return tl_profile_write(ctx, c, p, mwrite, &b1);
}

int
main(void)
{
	if (oom_enabled()) {
		oom_read_loop("profile read", basic, strlen(basic),
		    TELLER_FMT_PROFILE);
		oom_loop("profile write", oom_write_fn, NULL);
		return h_done();
	}
	roundtrip();
	merge_split();
	errors();
	return h_done();
}
