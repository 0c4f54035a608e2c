/* SPDX-License-Identifier: MIT */
/*
 * t_canon.c -- canonical forms (audit.md 4.3): the worked example's
 * hashes, invariance under shuffled, split and renumbered ballot lines,
 * a changed hash for one changed preference, the effective profile of
 * the UK methods, escapes, fractional weights, college sections, and
 * the rules' JCS text.
 */
#include <stdlib.h>

#include "harness.h"
#include "tl_int.h"

#define EXAMPLE "3 1\n2 2 1 0\n1 3 0\n1 1 3 2 0\n1 2 1 0\n0\n" \
	"\"Bob\"\n\"Alice\"\n\"Chuan\"\n\"Tiny\"\n"

struct mbuf {
	char s[4096];
	size_t n;
};

static int
mwrite(void *ud, const char *p, size_t n)
{
	struct mbuf *b = ud;

	if (b->n + n >= sizeof(b->s))
		return -1;
	memcpy(b->s + b->n, p, n);
	b->n += n;
	b->s[b->n] = '\0';
	return 0;
}

/* The canonical text (or hash, when hex) of kind for BLT text blt,
 * counted as method; "" on a read error. */
static const char *
canon(const char *blt, const char *method, enum teller_canon_kind kind,
    bool hex)
{
	static struct mbuf b;
	static char h[65];
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	teller_rules rules;
	int rc;

	b.n = 0;
	b.s[0] = '\0';
	h[0] = '\0';
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return "";
	teller_rules_init(&rules, method);
	rc = teller_read(ctx, TELLER_FMT_AUTO, "t.blt", blt, strlen(blt), &c,
	    &p);
	if (rc == TELLER_OK)
		rc = hex ? teller_canon_sha256(ctx, c, p, &rules, kind, h) :
		    teller_canon(ctx, c, p, &rules, kind, mwrite, &b);
	if (rc != TELLER_OK)
		fprintf(stderr, "  canon: %s\n", teller_errmsg(ctx));
	teller_ctx_free(ctx);
	return hex ? h : b.s;
}

static void
test_canon_worked_example(void)
{
	CHECK_STR(canon(EXAMPLE, "irv", TELLER_CANON_MARKED, false),
	    "teller-profile/1\nc\t0\tAlice\nc\t1\tBob\nc\t2\tChuan\n"
	    "1\t1\t2\t0\n1\t2\n3\t0\t1\n");
	CHECK_STR(canon(EXAMPLE, "irv", TELLER_CANON_MARKED, true),
	    "17c1b01c0104f74ae1a8cbf31b75dbd031aebf51bd6a14cbf1ef4cffd732cfeb");
	CHECK_STR(canon(EXAMPLE, "irv", TELLER_CANON_EFFECTIVE, true),
	    "17c1b01c0104f74ae1a8cbf31b75dbd031aebf51bd6a14cbf1ef4cffd732cfeb");
	CHECK_STR(canon(EXAMPLE, "irv", TELLER_CANON_CONTEST, false),
	    "teller-contest/1\ntitle\tTiny\nseats\t1\ncand\t0\tBob\t\t0\n"
	    "cand\t1\tAlice\t\t0\ncand\t2\tChuan\t\t0\n");
	CHECK_STR(canon(EXAMPLE, "irv", TELLER_CANON_CONTEST, true),
	    "715532ae4f86396dd369536c49cb59d8a6a30d8e69d961f74dfb82fca1325c52");
}

/* tl_canon_effective_map (a certificate's "pattern", audit.md 5): each
 * pattern's line among the effective text's pattern lines, "1\t1\t2\t0"
 * (Bob first) 0, "1\t2" (Chuan) 1, "3\t0\t1" (Alice first) 2, with
 * the effective hash. */
static void
test_canon_effective_map(void)
{
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	teller_rules rules;
	char h[65];
	uint32_t map[8];
	size_t i;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return;
	teller_rules_init(&rules, "irv");
	CHECK_INT(teller_read(ctx, TELLER_FMT_AUTO, "t.blt", EXAMPLE,
	    strlen(EXAMPLE), &c, &p), TELLER_OK);
	CHECK(p->pats->len >= 3 && p->pats->len <= 8, "%zu patterns",
	    p->pats->len);
	CHECK_INT(tl_canon_effective_map(ctx, c, p, &rules, h, map),
	    TELLER_OK);
	CHECK_STR(h, "17c1b01c0104f74ae1a8cbf31b75dbd0"
	    "31aebf51bd6a14cbf1ef4cffd732cfeb");
	for (i = 0; i < p->pats->len && i < 8; i++) {
		const tl_cid *cells = TL_CELLS(p, TL_PAT(p, i));
		/* cells: a rank's count, then its candidates (Bob 0,
		 * Alice 1, Chuan 2 in declared order) */
		uint32_t want = cells[1] == 0 ? 0 : cells[1] == 2 ? 1 : 2;
		CHECK_INT(map[i], want);
	}
	teller_ctx_free(ctx);
}

/* Shuffled lines, a line split in two, candidates renumbered: the
 * marked and effective hashes stay; one changed preference moves
 * both. */
static void
test_canon_invariance(void)
{
	static const char *const same[] = {
		/* shuffled */
		"3 1\n1 2 1 0\n1 1 3 2 0\n1 3 0\n2 2 1 0\n0\n"
		"\"Bob\"\n\"Alice\"\n\"Chuan\"\n\"Tiny\"\n",
		/* 2 2 1 0 split into two lines of 1 */
		"3 1\n1 2 1 0\n1 3 0\n1 2 1 0\n1 1 3 2 0\n1 2 1 0\n0\n"
		"\"Bob\"\n\"Alice\"\n\"Chuan\"\n\"Tiny\"\n",
		/* renumbered: Alice 1, Chuan 2, Bob 3 */
		"3 1\n2 1 3 0\n1 2 0\n1 3 2 1 0\n1 1 3 0\n0\n"
		"\"Alice\"\n\"Chuan\"\n\"Bob\"\n\"Tiny\"\n",
		/* all three at once, with ballot ids: Chuan 1, Alice 2,
		 * Bob 3 */
		"3 1\n(x) 1 3 1 2 0\n(y) 1 2 3 0\n(z) 1 1 0\n(u) 1 2 3 0\n"
		"(v) 1 2 3 0\n0\n\"Chuan\"\n\"Alice\"\n\"Bob\"\n\"Tiny\"\n",
	};
	char m0[65], e0[65];
	size_t i;

	snprintf(m0, sizeof(m0), "%s", canon(EXAMPLE, "irv",
	    TELLER_CANON_MARKED, true));
	snprintf(e0, sizeof(e0), "%s", canon(EXAMPLE, "stv-scottish",
	    TELLER_CANON_EFFECTIVE, true));
	for (i = 0; i < sizeof(same) / sizeof(*same); i++) {
		const char *blt = same[i];
		CHECK(strcmp(canon(blt, "irv", TELLER_CANON_MARKED, true),
		    m0) == 0, "case %zu: marked hash moved", i);
		CHECK(strcmp(canon(blt, "stv-scottish",
		    TELLER_CANON_EFFECTIVE, true), e0) == 0,
		    "case %zu: effective hash moved", i);
		/* the candidates' order did change the contest text */
		if (i >= 2)
			CHECK(strcmp(canon(blt, "irv", TELLER_CANON_CONTEST,
			    true), "715532ae4f86396dd369536c49cb59d8a6a30d8e"
			    "69d961f74dfb82fca1325c52") != 0, "case %zu", i);
	}
	/* one preference of one paper: Chuan becomes Alice (marked);
	 * Bob Chuan Alice loses Alice (effective) */
	{
		const char *one = "3 1\n2 2 1 0\n1 2 0\n1 1 3 2 0\n1 2 1 0\n"
		    "0\n\"Bob\"\n\"Alice\"\n\"Chuan\"\n\"Tiny\"\n";
		const char *two = "3 1\n2 2 1 0\n1 3 0\n1 1 3 0\n1 2 1 0\n0\n"
		    "\"Bob\"\n\"Alice\"\n\"Chuan\"\n\"Tiny\"\n";
		CHECK(strcmp(canon(one, "irv", TELLER_CANON_MARKED, true),
		    m0) != 0, "a changed preference kept the marked hash");
		CHECK(strcmp(canon(two, "stv-scottish",
		    TELLER_CANON_EFFECTIVE, true), e0) != 0,
		    "a dropped preference kept the effective hash");
	}
}

/* Marked keeps what the rules drop; effective is what they count. */
static void
test_canon_effective(void)
{
	/* skipped rank, overvote, repeat, a withdrawn candidate (-3) */
	const char *blt = "3 1\n-3\n1 1 - 2 0\n1 1=2 3 0\n1 2 2 3 0\n"
	    "1 3 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n";

	CHECK_STR(canon(blt, "irv", TELLER_CANON_EFFECTIVE, false),
	    "teller-profile/1\nc\t0\tA\nc\t1\tB\n1\t0\n1\t0\t1\n1\t1\n");
	CHECK_STR(canon(blt, "irv", TELLER_CANON_MARKED, false),
	    "teller-profile/1\nc\t0\tA\nc\t1\tB\nc\t2\tC\n1\t0\t-\t1\n"
	    "1\t0=1\t2\n1\t1\t1\t2\n1\t2\t0\n");
	CHECK_STR(canon(blt, "sv", TELLER_CANON_EFFECTIVE, false),
	    "teller-profile/1\nc\t0\tA\nc\t1\tB\n1\t0\n1\t1\n");
	/* fptp: one mark per paper, the overvote rejected */
	CHECK_STR(canon("2 1\n2 1 0\n1 2 0\n1 1 2 0\n0\n\"A\"\n\"B\"\n"
	    "\"T\"\n", "fptp", TELLER_CANON_EFFECTIVE, false),
	    "teller-profile/1\nc\t0\tA\nc\t1\tB\n1\t1\n2\t0\n");
	CHECK_STR(canon("2 2\n2 1 0\n1 2 1 0\n0\n\"A\"\n\"B\"\n"
	    "\"T\"\n", "block", TELLER_CANON_EFFECTIVE, false),
	    "teller-profile/1\nc\t0\tA\nc\t1\tB\n1\t0=1\n2\t0\n");
}

/* Names escape \, TAB, LF and CR only; weights print canonically. */
static void
test_canon_escapes_weights(void)
{
	CHECK_STR(canon("2 1\n1 1 0\n0\n\"A\\\\B\"\n\"C\"\n\"T\"\n", "irv",
	    TELLER_CANON_MARKED, false),
	    "teller-profile/1\nc\t0\tA\\\\\\\\B\nc\t1\tC\n1\t0\n");
	CHECK_STR(canon("2 1\n1.50 1 0\n2.25 2 0\n0.75 1 0\n0\n\"A\"\n"
	    "\"B\"\n\"T\"\n", "irv", TELLER_CANON_MARKED, false),
	    "teller-profile/1\nc\t0\tA\nc\t1\tB\n2.25\t0\n2.25\t1\n");
}

/* Section membership (Labour college, methods.md 4.3): a sectioned
 * profile's lines begin "s\t<section id>\t"; one paper moved to
 * another section changes the hash; the sections' declaration order
 * and the ballot order do not; unsectioned texts are as before. */
#define SECT_HEAD "# candidate: A\n# candidate: B\n# candidate: C\n"
#define SECT_BODY "mps,3,A,B\nmps,1,B,C\nmps,1,C,\nmembers,10,B,A\n" \
	"members,30,C,B\n"
static const char *
canon_csv(const char *csv, const char *method, enum teller_canon_kind kind,
    bool hex)
{
	static struct mbuf b;
	static char h[65];
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	teller_rules rules;
	int rc;

	b.n = 0;
	b.s[0] = '\0';
	h[0] = '\0';
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return "";
	teller_rules_init(&rules, method);
	rc = teller_read(ctx, TELLER_FMT_CSV, "t.csv", csv, strlen(csv), &c,
	    &p);
	if (rc == TELLER_OK)
		rc = hex ? teller_canon_sha256(ctx, c, p, &rules, kind, h) :
		    teller_canon(ctx, c, p, &rules, kind, mwrite, &b);
	if (rc != TELLER_OK)
		fprintf(stderr, "  canon: %s\n", teller_errmsg(ctx));
	teller_ctx_free(ctx);
	return hex ? h : b.s;
}

static void
test_canon_sections(void)
{
	static const char *const in[] = {
		SECT_HEAD "# section: mps | 1 | MPs\n# section: members | 1\n"
		"section,weight,1,2\n" SECT_BODY "members,2,A,B\n",
		/* the paper A>B moved from members to mps */
		SECT_HEAD "# section: mps | 1 | MPs\n# section: members | 1\n"
		"section,weight,1,2\n" SECT_BODY "mps,2,A,B\n",
		/* sections declared the other way round, ballots reordered */
		SECT_HEAD "# section: members | 1\n# section: mps | 1 | MPs\n"
		"section,weight,1,2\nmembers,2,A,B\nmembers,30,C,B\n"
		"mps,1,C,\nmps,1,B,C\nmembers,10,B,A\nmps,3,A,B\n",
		/* no sections: the same ballots pooled */
		SECT_HEAD "weight,1,2\n3,A,B\n1,B,C\n1,C,\n10,B,A\n30,C,B\n"
		"2,A,B\n" };
	char h[3][65];
	int i;

	CHECK_STR(canon_csv(in[0], "college", TELLER_CANON_MARKED, false),
	    "teller-profile/1\nc\t0\tA\nc\t1\tB\nc\t2\tC\n"
	    "s\tmembers\t10\t1\t0\ns\tmembers\t2\t0\t1\n"
	    "s\tmembers\t30\t2\t1\ns\tmps\t1\t1\t2\ns\tmps\t1\t2\n"
	    "s\tmps\t3\t0\t1\n");
	CHECK_STR(canon_csv(in[3], "college", TELLER_CANON_MARKED, false),
	    "teller-profile/1\nc\t0\tA\nc\t1\tB\nc\t2\tC\n"
	    "1\t1\t2\n1\t2\n10\t1\t0\n30\t2\t1\n5\t0\t1\n");
	for (i = 0; i < 2; i++) {
		enum teller_canon_kind kind = i == 0 ? TELLER_CANON_MARKED :
		    TELLER_CANON_EFFECTIVE;
		snprintf(h[0], 65, "%s", canon_csv(in[0], "college", kind,
		    true));
		snprintf(h[1], 65, "%s", canon_csv(in[1], "college", kind,
		    true));
		snprintf(h[2], 65, "%s", canon_csv(in[2], "college", kind,
		    true));
		CHECK(strlen(h[0]) == 64, "kind %d: no hash", i);
		CHECK(strcmp(h[0], h[1]) != 0, "kind %d: a paper moved to "
		    "another section keeps the hash", i);
		CHECK_STR(h[2], h[0]);
	}
}

static void
test_canon_rules(void)
{
	CHECK_STR(canon(EXAMPLE, "irv", TELLER_CANON_RULES, false),
	    "{\"citation\":\"Instant-runoff / alternative vote\","
	    "\"method\":\"irv\",\"options\":{\"lots\":\"manual-then-seed\","
	    "\"seats\":1,\"strict\":false}}");
}

int
main(void)
{
	test_canon_worked_example();
	test_canon_invariance();
	test_canon_effective();
	test_canon_effective_map();
	test_canon_escapes_weights();
	test_canon_sections();
	test_canon_rules();
	return h_done();
}
