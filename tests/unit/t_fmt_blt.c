/* SPDX-License-Identifier: MIT */
/*
 * t_fmt_blt.c -- the BLT reader: every dialect of docs/stv.md sections 4-5
 * from small in-test buffers, error codes with their line:col, and the
 * files under tests/accept/blt/ (must read) and tests/reject/E*.blt (must
 * fail with the code their name gives).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oom.h"
#include "tl_int.h"

static teller_ctx *ctx;
static teller_contest *C;
static teller_profile *P;

/* Read buf (NUL-ended) as BLT in a fresh context; returns the code. */
static int
rd(const char *buf)
{
	teller_ctx_free(ctx);
	ctx = NULL;
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return -1;
	return teller_read(ctx, TELLER_FMT_BLT, "t.blt", buf, strlen(buf), &C,
	    &P);
}

/* Same with an explicit length (for NUL bytes). */
static int
rdn(const char *buf, size_t n)
{
	teller_ctx_free(ctx);
	ctx = NULL;
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return -1;
	return teller_read(ctx, TELLER_FMT_BLT, "t.blt", buf, n, &C, &P);
}

/* Expect code at line:col, and a message containing msg (if not NULL). */
static void
err_at(const char *what, const char *buf, int code, long line, long col,
    const char *msg)
{
	long l = 0, c = 0;
	int rc = rd(buf);

	teller_errpos(ctx, NULL, &l, &c);
	CHECK(rc == code && l == line && c == col, "%s: got %d at %ld:%ld "
	    "(%s), expected %d at %ld:%ld", what, rc, l, c, teller_errmsg(ctx),
	    code, line, col);
	if (msg != NULL)
		CHECK(strstr(teller_errmsg(ctx), msg) != NULL, "%s: message "
		    "'%s' lacks '%s'", what, teller_errmsg(ctx), msg);
}

/* The pattern of weight w whose ranks print as s ("1 2=3 - 4"), or -1. */
static int64_t
weight_of(const char *s)
{
	size_t i;

	for (i = 0; i < P->pats->len; i++) {
		const struct tl_pat *pat = TL_PAT(P, i);
		char b[256];
		size_t o = 0;
		struct tl_rank r;
		for (r = tl_rank_first(P, pat); r.cells != NULL;
		     r = tl_rank_next(r)) {
			int k;
			if (o > 0)
				b[o++] = ' ';
			if (r.n == 0)
				b[o++] = '-';
			for (k = 0; k < r.n; k++)
				o += (size_t)snprintf(b + o, sizeof(b) - o,
				    "%s%d", k ? "=" : "", r.ids[k] + 1);
		}
		b[o] = '\0';
		if (strcmp(b, s) == 0)
			return pat->w;
	}
	return -1;
}

static void
names(const char *what, const char *const *want, int n)
{
	int i;

	CHECK_INT(teller_contest_ncand(C), n);
	for (i = 0; i < n && i < teller_contest_ncand(C); i++) {
		CHECK(strcmp(teller_contest_name(C, i), want[2 * i]) == 0 &&
		    strcmp(teller_contest_party(C, i), want[2 * i + 1]) == 0,
		    "%s: candidate %d [%s|%s], expected [%s|%s]", what, i + 1,
		    teller_contest_name(C, i), teller_contest_party(C, i),
		    want[2 * i], want[2 * i + 1]);
	}
}

static void
t_plain(void)
{
	static const char *const w[] = { "Ann", "", "Bob", "", "Cy D", "" };

	CHECK_INT(rd("3 2\n2 1 2 0\n1 3 0\n2 1 2 0\n0\n\"Ann\"\n\"Bob\"\n"
	    "\"Cy  D\"\n\"The Title\"\n"), TELLER_OK);
	names("plain", w, 3);
	CHECK_INT(C->seats, 2);
	CHECK_STR(C->title, "The Title");
	CHECK_INT(P->pats->len, 2);
	CHECK_INT(P->total, 5);
	CHECK_INT(weight_of("1 2"), 4);
	CHECK_INT(weight_of("3"), 1);
}

/* Withdrawn candidates: a line of negatives, Droop's [withdrawn ...].
 * Marks stay in the profile. */
static void
t_withdrawn(void)
{
	CHECK_INT(rd("4 1\n-2\n[withdrawn 4] [tie 3 1 2 4]\n[nick a b\nc d]\n"
	    "3 2 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n"), TELLER_OK);
	CHECK(TL_CAND(C, 1)->withdrawn && TL_CAND(C, 3)->withdrawn &&
	    !TL_CAND(C, 0)->withdrawn && !TL_CAND(C, 2)->withdrawn,
	    "withdrawn flags");
	CHECK_INT(weight_of("2 1"), 3);
	CHECK_STR(C->title, "");
	CHECK(C->tie_order != NULL && C->ntie_order == 4 &&
	    C->tie_order[0] == 2 && C->tie_order[1] == 0 &&
	    C->tie_order[2] == 1 && C->tie_order[3] == 3, "tie order");
	CHECK_INT(rd("3 1\n-1 -3\n1 2 0\n0\nA\nB\nC\n"), TELLER_OK);
	CHECK(TL_CAND(C, 0)->withdrawn && TL_CAND(C, 2)->withdrawn,
	    "two on one line");
}

/* Droop's bracketed options (BltFileFormat.md): [nick] names used in
 * ballot lines and other options, [tie] kept in the contest in the order
 * given, [withdrawn] by number or nickname; every other option refused
 * by name, never skipped. */
static void
t_droop_options(void)
{
	CHECK_INT(rd("3 2\n[nick cas pol hel]\n[tie hel pol cas ]\n"
	    "[withdrawn\n]\n4 cas pol 0\n2 hel 0\n1 pol=hel cas 0\n"
	    "(x) 2 0\n0\n\"Castor\"\n\"Pollux\"\n\"Helen\"\n\"T\"\n"),
	    TELLER_OK);
	CHECK_INT(weight_of("1 2"), 4);
	CHECK_INT(weight_of("3"), 2);
	CHECK_INT(weight_of("2=3 1"), 1);
	CHECK_INT(weight_of("2"), 1);
	CHECK(C->tie_order != NULL && C->ntie_order == 3 &&
	    C->tie_order[0] == 2 && C->tie_order[1] == 1 &&
	    C->tie_order[2] == 0, "tie order by nicknames");
	CHECK_INT(rd("3 1\n[nick a b c] [withdrawn b]\n1 a 0\n0\nA\nB\nC\n"),
	    TELLER_OK);
	CHECK(TL_CAND(C, 1)->withdrawn && !TL_CAND(C, 0)->withdrawn,
	    "withdrawn by nickname");
	CHECK_INT(rd("3 1\n1 1 0\n0\nA\nB\nC\n"), TELLER_OK);
	CHECK(C->tie_order == NULL && C->ntie_order == 0, "no tie order");
	err_at("[droop]", "3 1\n[droop rule=meek precision=8]\n1 1 0\n0\nA\n"
	    "B\nC\n", TELLER_EPARSE, 2, 1,
	    "Droop option [droop] is not supported");
	err_at("[elected]", "3 1\n [elected 2]\n1 1 0\n0\nA\nB\nC\n",
	    TELLER_EPARSE, 2, 2, "Droop option [elected] is not supported");
	err_at("[include]", "3 1\n[include x.blt]\n1 1 0\n0\nA\nB\nC\n",
	    TELLER_EPARSE, 2, 1, "[include]");
	err_at("unknown", "3 1\n[title Ward 1]\n1 1 0\n0\nA\nB\nC\n",
	    TELLER_EPARSE, 2, 1, "unknown Droop option [title]");
	err_at("tie short", "3 1\n[tie 1 2]\n1 1 0\n0\nA\nB\nC\n",
	    TELLER_EPARSE, 2, 1, "lists 2 of the 3");
	err_at("tie twice", "3 1\n[tie 1 2 1]\n1 1 0\n0\nA\nB\nC\n",
	    TELLER_EPARSE, 2, 10, "twice");
	err_at("tie range", "3 1\n[tie 1 2 4]\n1 1 0\n0\nA\nB\nC\n",
	    TELLER_ERANGE, 2, 10, NULL);
	err_at("tie unknown", "3 1\n[tie 1 2 x]\n1 1 0\n0\nA\nB\nC\n",
	    TELLER_EPARSE, 2, 10, "neither");
	err_at("nick count", "3 1\n[nick a b]\n1 1 0\n0\nA\nB\nC\n",
	    TELLER_EPARSE, 2, 1, "2 nicknames for 3");
	err_at("nick dup", "3 1\n[nick a b a]\n1 1 0\n0\nA\nB\nC\n",
	    TELLER_EDUP, 2, 11, NULL);
	err_at("nick digits", "3 1\n[nick a 7 c]\n1 1 0\n0\nA\nB\nC\n",
	    TELLER_EPARSE, 2, 9, NULL);
	err_at("nick unknown", "3 1\n[nick a b c]\n1 a d 0\n0\nA\nB\nC\n",
	    TELLER_EPARSE, 3, 5, "nickname");
	err_at("no nicks", "3 1\n1 a 0\n0\nA\nB\nC\n", TELLER_EPARSE, 2, 3,
	    "a candidate number");
	err_at("unclosed", "3 1\n[tie 1 2 3\n1 1 0\n0\nA\nB\nC\n",
	    TELLER_EPARSE, 2, 1, "never closed");
}

/* '=' equal rankings (one rank, several marks) and '-' skipped ranks. */
static void
t_ranks(void)
{
	CHECK_INT(rd("4 1\n2 1=2 3 0\n1 1 = 4 - 3 0\n5 - 2 0\n0\nA\nB\nC\n"
	    "D\n"), TELLER_OK);
	CHECK_INT(weight_of("1=2 3"), 2);
	CHECK_INT(weight_of("1=4 - 3"), 1);
	CHECK_INT(weight_of("- 2"), 5);
}

/* Ballot ids: Droop's "(id) prefs" and OpenSTV's "(id) 1 prefs". */
static void
t_ids(void)
{
	CHECK_INT(rd("3 1\n(a) 2 3 0\n(b) 1 2 0\n(c) 2 0\n0\nA\nB\nC\n"),
	    TELLER_OK);
	CHECK_INT(weight_of("2 3"), 1);
	CHECK_INT(weight_of("1 2"), 1);
	CHECK_INT(weight_of("2"), 1);
	CHECK_INT(P->total, 3);
	CHECK_INT(rd("3 1\n(a) 1 2 3 0\n(b) 1 3 0\n0\nA\nB\nC\n"), TELLER_OK);
	CHECK_INT(weight_of("2 3"), 1);
	CHECK_INT(weight_of("3"), 1);
	err_at("dup id", "3 1\n(a) 2 0\n(b) 3 0\n(a) 1 0\n0\nA\nB\nC\n",
	    TELLER_EDUP, 4, 1, "(a)");
}

/* Decimal multipliers raise the profile's weight scale. */
static void
t_decimal(void)
{
	CHECK_INT(rd("2 1\n2 1 0\n2.5 2 0\n0.125 1 2 0\n0\nA\nB\n"), TELLER_OK);
	CHECK_INT(P->wdp, 3);
	CHECK_INT(weight_of("1"), 2000);
	CHECK_INT(weight_of("2"), 2500);
	CHECK_INT(weight_of("1 2"), 125);
}

/* "5 0" is five blank papers, kept as the empty pattern (the methods
 * reject them as unmarked), the same on the fast path and the general
 * one; skipped ranks after the last mark are dropped, so "2 - 0" is two
 * more. A lone 0 ends the ballots. */
static void
t_empty(void)
{
	CHECK_INT(rd("2 1\n5 0\n3 1 0\n0\nA\nB\n"), TELLER_OK);
	CHECK_INT(P->total, 8);
	CHECK_INT(P->empty, 5);
	CHECK_INT(P->lines, 2);
	CHECK_INT(P->pats->len, 2);
	CHECK_INT(weight_of(""), 5);
	CHECK_INT(rd("2 1\n5\t0\n3 1 0\n2 - 0\n1 1 - 0\n4 0 # c\n0\nA\n"
	    "B\n"), TELLER_OK);
	CHECK_INT(P->empty, 11);
	CHECK_INT(weight_of(""), 11);
	CHECK_INT(weight_of("1"), 4);
	CHECK_INT(P->lines, 5);
	/* Droop ids: a blank paper with an id */
	CHECK_INT(rd("2 1\n(a) 0\n(b) 1 0\n0\nA\nB\n"), TELLER_OK);
	CHECK_INT(P->empty, 1);
	CHECK_INT(P->total, 2);
}

/* A candidate marked at two ranks is kept as marked (SV's "second
 * preference same as the first"; the methods apply their rule); at one
 * rank (1=1) it is one mark, as the CSV reader's A|A. */
static void
t_repeat(void)
{
	CHECK_INT(rd("3 1\n4 1 2 2 0\n3 1 2 3 2 0\n2 2\t2 0\n1 1=1 2 0\n"
	    "5 3 1=3 0\n0\nA\nB\nC\n"), TELLER_OK);
	CHECK_INT(weight_of("1 2 2"), 4);
	CHECK_INT(weight_of("1 2 3 2"), 3);
	CHECK_INT(weight_of("2 2"), 2);
	CHECK_INT(weight_of("1 2"), 1);
	CHECK_INT(weight_of("3 1=3"), 5);
	CHECK_INT(P->total, 15);
}

/* Comments, trailing commas, CRLF, BOM, no final newline, blank lines. */
static void
t_lexical(void)
{
	static const char *const w[] = { "Kathleen BAIRD", "",
		"Wilma,LUMSDEN", "" };

	CHECK_INT(rd("\xEF\xBB\xBF# a comment\r\n2 1,\r\n/* block\r\ncomment "
	    "*/ 786 1 0, # after\r\n\r\n  4   2  1  0\r\n0,\r\nKathleen BAIRD,"
	    "\r\nWilma,LUMSDEN\r\nWard 9 - Almond and Earn,"), TELLER_OK);
	names("lexical", w, 2);
	CHECK_STR(C->title, "Ward 9 - Almond and Earn");
	CHECK_INT(weight_of("1"), 786);
	CHECK_INT(weight_of("2 1"), 4);
	/* old Mac line ends (CR only), ids */
	CHECK_INT(rd("2 1\r(a) 1 2 0\r(b) 2 0\r0\r\"A\"\r\"B\"\r\"T\""),
	    TELLER_OK);
	CHECK_INT(weight_of("1 2"), 1);
	CHECK_STR(C->title, "T");
	err_at("CR error", "2 1\r1 1 3 0\r0\rA\rB\r", TELLER_ERANGE, 2, 5,
	    NULL);
}

/* The seven name encodings of the Scottish files (stv.md 4). */
static void
t_names(void)
{
	static const char *const unq[] = { "Yvonne ALLAN", "Lab",
		"Ruth HOGG", "Con", "Renée SLATER", "Grn" };
	static const char *const csv[] = { "Brian ALLAN",
		"Alba Party for independence", "Alexander BELIC",
		"Scottish National Party (SNP)", "Paul DAWSON", "Independent" };
	static const char *const pf[] = { "Barney CROCKETT", "Lab",
		"George ADAM", "SNP", "Jean Anne SMITH", "Scottish Green" };
	static const char *const two[] = { "Jamie COLE-HAMILTON",
		"Scottish Green Party", "Steve OWEN",
		"Scottish Conservative and Unionist", "Ann X", "" };
	static const char *const twice[] = { "Kate CAMPBELL",
		"Scottish Conservative and Unionist", "Tony BUCHANAN",
		"Scottish National Party (SNP)", "St ew ar t AD AM S",
		"Scottish Conservative and Unionist" };
	static const char *const alt[] = { "Shaukat Butt", "Lab",
		"Jim Smith", "SNP", "Ann Lee", "" };
	static const char *const plain[] = { "Lesley BERRY", "",
		"Ian BOW", "", "Al C", "" };
	const char *head = "3 1\n1 1 2 3 0\n0\n";
	char b[1024];

	snprintf(b, sizeof(b), "%sJo \"Jack\" SMITH (Lab)\nA B\nC D\nT\n",
	    head);
	CHECK_INT(rd(b), TELLER_OK);
	CHECK_STR(teller_contest_name(C, 0), "Jo \"Jack\" SMITH");
	CHECK_STR(teller_contest_party(C, 0), "Lab");
	snprintf(b, sizeof(b), "%sAl B#1 (Lab)  # note\nA B\nC D\nT\n",
	    head);
	CHECK_INT(rd(b), TELLER_OK);
	CHECK_STR(teller_contest_name(C, 0), "Al B#1");
	CHECK_STR(teller_contest_party(C, 0), "Lab");
	snprintf(b, sizeof(b), "%sYvonne  ALLAN (Lab)\nRuth HOGG (Con_\n"
	    "Ren\xC3\xA9" "e SLATER   (Grn)\nTorry/Ferryhill Ward", head);
	CHECK_INT(rd(b), TELLER_OK);
	names("unquoted", unq, 3);
	CHECK_STR(C->title, "Torry/Ferryhill Ward");
	snprintf(b, sizeof(b), "%s\"Brian ALLAN \"\"Alba Party for "
	    "independence\"\"\"\n\"Alexander BELIC \"\"Scottish National "
	    "Party (SNP)\"\"\"\n\"Paul DAWSON \"\"Independent\"\"\"\n"
	    "Torry-Ferryhill Ward\n", head);
	CHECK_INT(rd(b), TELLER_OK);
	names("csv", csv, 3);
	CHECK_STR(C->title, "Torry-Ferryhill Ward");
	snprintf(b, sizeof(b), "%s\"Lab \"\"Barney CROCKETT\"\" \"\n"
	    "\"SNP \"\"George ADAM\"\"\"\n\"Scottish Green \"\"Jean Anne "
	    "SMITH\"\" \"\n\"Ward 1\"\n", head);
	CHECK_INT(rd(b), TELLER_OK);
	names("party first", pf, 3);
	snprintf(b, sizeof(b), "%s\"Jamie COLE-HAMILTON\" \"Scottish Green "
	    "Party\"\n\"Steve OWEN\"  \"Scottish Conservative and "
	    "Unionist\"\n\"Ann X\" \"\"\n\"Ward 4 - Central Buchan\"\n", head);
	CHECK_INT(rd(b), TELLER_OK);
	names("two strings", two, 3);
	CHECK_STR(C->title, "Ward 4 - Central Buchan");
	snprintf(b, sizeof(b), "%s\"\"\"Kate CAMPBELL\"\" \"\"Scottish "
	    "Conservative and Unionist\"\"\"\n\"\"\"Tony BUCHANAN\"\" "
	    "\"\"Scottish National Party (SNP)\"\"\"\n"
	    "\"\"\" St ew ar t AD AM S\"\" \"\" Scottish "
	    "Conservative and Unionist\"\" \"\n\"\"\"Ward 4\"\"\"",
	    head);
	CHECK_INT(rd(b), TELLER_OK);
	names("csv twice", twice, 3);
	CHECK_STR(C->title, "Ward 4");
	CHECK_INT(rd("# ALTERNATIVE NAME 1: Shaukat Butt (Lab)\n3 1\n"
	    "1 1 0\n# ALTERNATIVE NAME 2: Jim Smith (SNP)\n0\n"
	    "# ALTERNATIVE NAME 3: Ann Lee\ngovan\n"), TELLER_OK);
	names("comments", alt, 3);
	CHECK_STR(C->title, "govan");
	snprintf(b, sizeof(b), "%s\"Lesley BERRY\"\n\"Ian BOW\"\n\"Al C\"\n"
	    "\"By-election\"\n", head);
	CHECK_INT(rd(b), TELLER_OK);
	names("plain", plain, 3);
	CHECK_STR(C->title, "By-election");
	/* Droop: several quoted names on one line */
	snprintf(b, sizeof(b), "%s\"Lesley BERRY\" \"Ian BOW\"\n\"Al C\" "
	    "\"By-election\" \"source\"\n", head);
	CHECK_INT(rd(b), TELLER_OK);
	names("droop line", plain, 3);
	CHECK_STR(C->title, "By-election");
	/* as many lines as candidates, but one holds two items */
	snprintf(b, sizeof(b), "%s\"Lesley BERRY\" \"Ian BOW\"\n\"Al C\"\n"
	    "\"By-election\" # ok\n", head);
	CHECK_INT(rd(b), TELLER_OK);
	names("droop line 2", plain, 3);
	CHECK_STR(C->title, "By-election");
}

/* The "Name" "Party" dialect with an independent's line holding only
 * "Name": every name stays in place (no shift, the title stays the
 * title), for few candidates too, where Droop's stream of items would
 * also fit; lines that cannot be split unambiguously are refused. */
static void
t_names_mixed(void)
{
	static const char *const w3[] = { "Ann LEE", "Lab", "Bob ROY", "",
		"Cy DAY", "SNP" };
	static const char *const w5[] = { "Ann LEE", "Lab", "Bob ROY",
		"Con", "Cy DAY", "SNP", "Di FOX", "", "Ed GUY", "Grn" };
	const char *head3 = "3 1\n4 1 2 0\n3 2 0\n2 3 0\n0\n";
	char b[512];

	snprintf(b, sizeof(b), "%s\"Ann LEE\" \"Lab\"\n\"Bob ROY\"\n"
	    "\"Cy DAY\" \"SNP\"\n\"Ward 1\"\n", head3);
	CHECK_INT(rd(b), TELLER_OK);
	names("mixed 3", w3, 3);
	CHECK_STR(C->title, "Ward 1");
	CHECK_INT(rd("5 2\n1 1 2 0\n0\n\"Ann LEE\" \"Lab\"\n\"Bob ROY\" "
	    "\"Con\"\n\"Cy DAY\"  \"SNP\"\n\"Di FOX\"\n\"Ed GUY\" \"Grn\"\n"
	    "\"Ward 2\"\n"), TELLER_OK);
	names("mixed 5", w5, 5);
	CHECK_STR(C->title, "Ward 2");
	/* an empty party string is the independent's too */
	snprintf(b, sizeof(b), "%s\"Ann LEE\" \"Lab\"\n\"Bob ROY\" \"\"\n"
	    "\"Cy DAY\" \"SNP\"\n\"Ward 1\"\n", head3);
	CHECK_INT(rd(b), TELLER_OK);
	names("empty party", w3, 3);
	/* three strings on a candidate's line: refused, naming it */
	snprintf(b, sizeof(b), "%s\"Ann LEE\" \"Lab\"\n\"Bob ROY\" \"X\" "
	    "\"Y\"\n\"Cy DAY\" \"SNP\"\n\"Ward 1\"\n", head3);
	err_at("three strings", b, TELLER_EPARSE, 7, 1, "3 quoted strings");
	/* no title and a mix that Droop's stream does not fit either */
	snprintf(b, sizeof(b), "%s\"Ann LEE\" \"Lab\"\nBob ROY (Con)\n"
	    "\"Cy DAY\"\n", head3);
	err_at("ambiguous", b, TELLER_EPARSE, 6, 1, "cannot tell names");
}

/* More lines than the names and a title are refused at the first extra
 * line (Droop's source and comment go on the title's line); so are
 * quotes never closed, with the column of the quote. */
static void
t_names_extra(void)
{
	static const char *const w[] = { "Ann", "", "Bob", "", "Cy", "" };
	const char *head = "3 1\n4 1 2 0\n0\n";
	char b[512];

	snprintf(b, sizeof(b), "%s\"Ann\"\n\"Bob\"\n\"Cy\"\n\"Title\"\n"
	    "\"Di\"\n", head);
	err_at("extra quoted", b, TELLER_EPARSE, 8, 1, "more lines than 3");
	snprintf(b, sizeof(b), "%sAnn\nBob\nCy\nTitle\n  Di (Lab)\n# c\n",
	    head);
	err_at("extra unquoted", b, TELLER_EPARSE, 8, 3, "more lines");
	snprintf(b, sizeof(b), "%s\"Ann\" \"Bob\" \"Cy\"\n\"Title\" \"src\" "
	    "\"comment\"\n", head);
	CHECK_INT(rd(b), TELLER_OK);
	names("droop source", w, 3);
	CHECK_STR(C->title, "Title");
	snprintf(b, sizeof(b), "%s\"Ann\"\n\"Bob\"\n\"Cy\"\n\"Title\" "
	    "\"src\"\n", head);
	CHECK_INT(rd(b), TELLER_OK);
	names("droop source 2", w, 3);
	CHECK_STR(C->title, "Title");
	snprintf(b, sizeof(b), "%s\"Ann\" \"Bob\" \"Cy\"\n\"Title\"\n"
	    "\"src\"\n", head);
	err_at("droop extra line", b, TELLER_EPARSE, 6, 1, NULL);
	/* Droop's names with an unquoted title */
	snprintf(b, sizeof(b), "%s\"Ann\" \"Bob\" \"Cy\"\nWard 1 Title\n",
	    head);
	CHECK_INT(rd(b), TELLER_OK);
	names("droop unquoted title", w, 3);
	CHECK_STR(C->title, "Ward 1 Title");
	snprintf(b, sizeof(b), "%s\"Ann\" \"Bob\"\n\"Cy\"\nWard 1\n", head);
	CHECK_INT(rd(b), TELLER_OK);
	names("droop unquoted title 2", w, 3);
	CHECK_STR(C->title, "Ward 1");
	snprintf(b, sizeof(b), "%s\"Ann\" \"Bob\"\nWard 1\n", head);
	err_at("droop too few", b, TELLER_EPARSE, 5, 1, "2 candidate names");
	snprintf(b, sizeof(b), "%s\"Ann\"\n\"Bob\"\n\"Cy\"\n\"T\" \"s\" "
	    "\"c\" \"d\"\n", head);
	err_at("title strings", b, TELLER_EPARSE, 7, 1, "title line");
	/* quotes never closed */
	snprintf(b, sizeof(b), "%s\"Ann\"\n  \"Bob Smith\n\"Cy\"\n\"T\"\n",
	    head);
	err_at("unterminated", b, TELLER_EPARSE, 5, 3, "never closed");
	snprintf(b, sizeof(b), "%s\"Ann\" \"Lab\n\"Bob\"\n\"Cy\"\n\"T\"\n",
	    head);
	err_at("unterminated party", b, TELLER_EPARSE, 4, 7, "never closed");
	snprintf(b, sizeof(b), "%s\"Ann\"\n\"Bob\"\n\"Cy\"\n\"The title\n",
	    head);
	err_at("unterminated title", b, TELLER_EPARSE, 7, 1, "title");
	snprintf(b, sizeof(b), "%s\"Ann \"\"Lab\"\n\"Bob\"\n\"Cy\"\n\"T\"\n",
	    head);
	err_at("unterminated inner", b, TELLER_EPARSE, 4, 1, "never closed");
	/* a quote inside an unquoted name is text */
	snprintf(b, sizeof(b), "%sAnn \"Annie SMITH\nBob\nCy\nT\n", head);
	CHECK_INT(rd(b), TELLER_OK);
	CHECK_STR(teller_contest_name(C, 0), "Ann \"Annie SMITH");
}

/* A party is taken from parentheses only when they end the name; a
 * nickname in the middle stays in the name. */
static void
t_names_paren(void)
{
	static const char *const w[] = { "Ann (Annie) Smith", "",
		"Bo (Bobby) LEE", "Lab", "Cy (C) RAY", "Green",
		"Di (Dee) WU", "Scottish National Party (SNP)" };

	CHECK_INT(rd("4 1\n1 1 0\n0\n\"Ann (Annie) Smith\"\n"
	    "\"Bo (Bobby) LEE (Lab)\"\n\"\"\"Cy (C) RAY\"\" \"\"Green\"\"\"\n"
	    "Di (Dee) WU (Scottish National Party (SNP))\nT\n"), TELLER_OK);
	names("parentheses", w, 4);
	CHECK_INT(rd("2 1\n1 1 0\n0\n\"Ann (Annie) Smith\" \"Bo (B) Li\"\n"
	    "\"T\"\n"), TELLER_OK);
	CHECK_STR(teller_contest_name(C, 0), "Ann (Annie) Smith");
	CHECK_STR(teller_contest_party(C, 0), "");
	CHECK_STR(teller_contest_name(C, 1), "Bo (B) Li");
}

static enum teller_format
detect(const char *s)
{
	return teller_format_detect(s, strlen(s));
}

/* Old Mac line ends (CR only) are BLT lines, in detection and reading;
 * CSV files stay CSV. */
static void
t_detect(void)
{
	static const char *const w[] = { "A", "", "B", "", "C", "" };
	const char *cr = "3 1\r4 1 2 0\r3 2 0\r5 0\r0\r\"A\"\r\"B\"\r"
	    "\"C\"\r\"T\"\r";

	CHECK_INT(teller_format_detect(cr, strlen(cr)), TELLER_FMT_BLT);
	teller_ctx_free(ctx);
	ctx = NULL;
	CHECK_INT(teller_ctx_new(NULL, &ctx), TELLER_OK);
	CHECK_INT(teller_read(ctx, TELLER_FMT_AUTO, "t.blt", cr, strlen(cr),
	    &C, &P), TELLER_OK);
	names("cr", w, 3);
	CHECK_INT(weight_of("1 2"), 4);
	CHECK_INT(P->empty, 5);
	CHECK_STR(C->title, "T");
	CHECK_INT(detect("# c\r3 1\r0\rA\rB\rC\r"),
	    TELLER_FMT_BLT);
	CHECK_INT(detect("3,2,\n12,1,\n"), TELLER_FMT_BLT);
	CHECK_INT(detect("A,B,C\r1,2,3\r"), TELLER_FMT_CSV);
	CHECK_INT(detect("weight,rank1,rank2\n1,A,B\n"),
	    TELLER_FMT_CSV);
	CHECK_INT(detect("A,B,C\n1,2,3\n"), TELLER_FMT_CSV);
}

/* The Scottish archive's comma-separated twin: "10,4," header, ballot
 * lines "w,p1,p2," with no terminating 0 and no lone 0, "Candidate k"
 * name lines, the ward as title in its several quotings. Lines without a
 * terminating 0 are refused in every other BLT. */
static void
t_twin(void)
{
	static const char *const w[] = { "Alvin the First", "Party A (A)",
		"Becca, the Second", "Party B (B)", "Carrie \"C\" Third", "" };
	const char *body = "3,2,\n12,1,\n88,1,3,2,\n14,2,3,\n8,3,\n4,\n"
	    "2,2,2,\n\"Candidate 1\",\"Alvin the First\",\"Party A (A)\",\n"
	    "\"Candidate 2\",\"Becca, the Second\",\"Party B (B)\",\n"
	    "\"Candidate 3\",\"Carrie \"\"C\"\" Third\",\n";
	static const char *const titles[][2] = {
		{ "\"Wardy McWard Town\",", "Wardy McWard Town" },
		{ "\"\"Ward 11 - Bishopton, Bridge\"\",",
		  "Ward 11 - Bishopton, Bridge" },
		{ "\"\"\"\"Ward 5 - Kilmarnock South\"\" \"\",",
		  "Ward 5 - Kilmarnock South" },
		{ "\"Ward\",5", "Ward" },
		{ "\"Ward\",5,", "Ward" },
	};
	char b[1024];
	size_t i;

	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
		snprintf(b, sizeof(b), "%s%s", body, titles[i][0]);
		CHECK_INT(teller_format_detect(b, strlen(b)), TELLER_FMT_BLT);
		CHECK_INT(rd(b), TELLER_OK);
		if (ctx->err != TELLER_OK)
			continue;
		names("twin", w, 3);
		CHECK_STR(C->title, titles[i][1]);
		CHECK_INT(C->seats, 2);
		CHECK_INT(weight_of("1"), 12);
		CHECK_INT(weight_of("1 3 2"), 88);
		CHECK_INT(weight_of("2 3"), 14);
		CHECK_INT(weight_of("3"), 8);
		CHECK_INT(weight_of("2 2"), 2);
		CHECK_INT(P->empty, 4);
		CHECK_INT(P->total, 128);
	}
	/* CRLF, no final newline, a terminating 0 is allowed */
	CHECK_INT(rd("2,1,\r\n3,1,2,\r\n2,2,0,\r\n\"Candidate 1\",\"A\",\"P\","
	    "\r\n\"Candidate 2\",\"B\",\"Q\",\r\n\"W\","), TELLER_OK);
	CHECK_INT(weight_of("1 2"), 3);
	CHECK_INT(weight_of("2"), 2);
	CHECK_STR(C->title, "W");
	/* the candidate lines must be in order and well formed */
	err_at("twin order", "2,1,\n3,1,\n\"Candidate 2\",\"A\",\"P\",\n"
	    "\"Candidate 1\",\"B\",\"Q\",\n\"W\",", TELLER_EPARSE, 3, 1,
	    "Candidate 1");
	err_at("twin field", "2,1,\n3,1,\n\"Candidate 1\",\"A\" x,\"P\",\n"
	    "\"Candidate 2\",\"B\",\"Q\",\n\"W\",", TELLER_EPARSE, 3, 19,
	    NULL);
	err_at("twin extra", "2,1,\n3,1,\n\"Candidate 1\",\"A\",\"P\",\n"
	    "\"Candidate 2\",\"B\",\"Q\",\n\"W\",\n\"X\",", TELLER_EPARSE, 6,
	    1, "more lines");
	err_at("twin title", "2,1,\n3,1,\n\"Candidate 1\",\"A\",\"P\",\n"
	    "\"Candidate 2\",\"B\",\"Q\",\n\"W\",x", TELLER_EPARSE, 5, 5,
	    "after the quoted title");
	err_at("twin range", "2,1,\n3,1,3,\n\"Candidate 1\",\"A\",\"P\",\n"
	    "\"Candidate 2\",\"B\",\"Q\",\n\"W\",", TELLER_ERANGE, 2, 5,
	    NULL);
	/* not the twin: "5 1," (a BLT with CSV residue) and "5,1" need
	 * terminating 0s */
	err_at("no 0, spaces", "2 1,\n3 1,\n0,\nA\nB\n", TELLER_EPARSE, 2, 5,
	    "terminating 0");
	err_at("no 0, no comma", "2,1\n3,1,\n0\nA\nB\n", TELLER_EPARSE, 2, 5,
	    "terminating 0");
}

/* Errors, each with its exact position. */
static void
t_errors(void)
{
	char b[64];

	err_at("range", "3 1\n1 1 4 0\n0\nA\nB\nC\n", TELLER_ERANGE, 2, 5,
	    "out of range");
	err_at("range 0 in =", "3 1\n1 1=0 0\n0\nA\nB\nC\n", TELLER_ERANGE, 2,
	    5, NULL);
	err_at("negative mult", "3 1\n1 1 0\n-2 1 0\n0\nA\nB\nC\n",
	    TELLER_ERANGE, 3, 1, "negative");
	err_at("huge mult", "3 1\n99999999999999999999 1 0\n0\nA\nB\nC\n",
	    TELLER_EOVERFLOW, 2, 1, NULL);
	err_at("over limit", "3 1\n9999999999999999 1 0\n0\nA\nB\nC\n",
	    TELLER_ELIMIT, 2, 1, NULL);
	err_at("zero mult", "3 1\n0 1 0\n0\nA\nB\nC\n", TELLER_ERANGE, 2, 1,
	    NULL);
	err_at("no end 0", "3 1\n1 1 2\n0\nA\nB\nC\n", TELLER_EPARSE, 2, 6,
	    "terminating 0");
	err_at("after 0", "3 1\n1 1 0 2\n0\nA\nB\nC\n", TELLER_EPARSE, 2, 7,
	    NULL);
	err_at("no lone 0", "3 1\n1 1 0\n1 2 0\n", TELLER_EPARSE, 3, 1,
	    "lone 0");
	err_at("few names", "3 1\n1 1 0\n0\n\"A\"\n\"B\"\n", TELLER_EPARSE, 5,
	    1, "2 candidate names for 3");
	err_at("word", "3 1\n1 1 x 0\n0\nA\nB\nC\n", TELLER_EPARSE, 2, 5,
	    "\"x\"");
	err_at("bad mult", "3 1\n1a 1 0\n0\nA\nB\nC\n", TELLER_EPARSE, 2, 1,
	    NULL);
	err_at("seats > cands", "3 4\n0\nA\nB\nC\n", TELLER_ERANGE, 1, 3,
	    NULL);
	err_at("seats 0", "3 0\n0\nA\nB\nC\n", TELLER_ERANGE, 1, 3, NULL);
	err_at("no cands", "0 0\n0\n", TELLER_ERANGE, 1, 1, NULL);
	err_at("header", "3\n0\nA\nB\nC\n", TELLER_EPARSE, 1, 2, NULL);
	err_at("header word", "three 1\n0\n", TELLER_EPARSE, 1, 1, NULL);
	err_at("withdrawn range", "3 1\n-4\n0\nA\nB\nC\n", TELLER_ERANGE, 2,
	    2, NULL);
	err_at("bad utf8", "2 1\n1 1 0\n0\nAnn\nB\xff\xfeob\n",
	    TELLER_EENCODING, 5, 2, "UTF-8");
	err_at("dangling =", "3 1\n1 1= 0\n0\nA\nB\nC\n", TELLER_EPARSE, 2, 7,
	    NULL);
	err_at("bad id", "3 1\n(a 1 0\n0\nA\nB\nC\n", TELLER_EPARSE, 2, 1,
	    NULL);
	err_at("empty", "", TELLER_EPARSE, 1, 1, NULL);
	err_at("open comment", "3 1\n1 1 0 /* x\n0\nA\nB\nC\n",
	    TELLER_EPARSE, 2, 7, "never closed");
	memcpy(b, "2 1\n1 1 0\n0\nA\x00n\nB\n", 18);
	{
		long l = 0, c = 0;
		int rc = rdn(b, 18);
		teller_errpos(ctx, NULL, &l, &c);
		CHECK(rc == TELLER_EENCODING && l == 4 && c == 2, "NUL: %d "
		    "%ld:%ld", rc, l, c);
	}
}

/* ctx->lim caps: candidates, ranks, line length. */
static void
t_limits(void)
{
	teller_limits lim;
	int rc;

	teller_ctx_free(ctx);
	teller_ctx_new(NULL, &ctx);
	teller_limits_init(&lim);
	lim.candidates = 2;
	lim.ranks = 2;
	teller_ctx_set_limits(ctx, &lim);
	rc = teller_read(ctx, TELLER_FMT_BLT, "t", "3 1\n0\nA\nB\nC\n", 13, &C,
	    &P);
	CHECK_INT(rc, TELLER_ELIMIT);
	teller_ctx_free(ctx);
	teller_ctx_new(NULL, &ctx);
	lim.candidates = 10;
	teller_ctx_set_limits(ctx, &lim);
	rc = teller_read(ctx, TELLER_FMT_BLT, "t",
	    "3 1\n1 1 2 3 0\n0\nA\nB\nC\n", 24, &C, &P);
	CHECK_INT(rc, TELLER_ELIMIT);
	teller_ctx_free(ctx);
	teller_ctx_new(NULL, &ctx);
	lim.ranks = 10;
	lim.line_bytes = 8;
	teller_ctx_set_limits(ctx, &lim);
	rc = teller_read(ctx, TELLER_FMT_BLT, "t",
	    "3 1\n1 1 2 3      0\n0\nA\nB\nC\n", 29, &C, &P);
	CHECK_INT(rc, TELLER_ELIMIT);
}

/* The error code a reject file's name gives: "ERANGE-x.blt". */
static int
code_of(const char *name)
{
	static const struct {
		const char *s;
		int code;
	} t[] = { { "EPARSE", TELLER_EPARSE }, { "ELIMIT", TELLER_ELIMIT },
		  { "EOVERFLOW", TELLER_EOVERFLOW }, { "EDUP", TELLER_EDUP },
		  { "ERANGE", TELLER_ERANGE },
		  { "EENCODING", TELLER_EENCODING } };
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = strlen(t[i].s);
		if (strncmp(name, t[i].s, n) == 0 && name[n] == '-')
			return t[i].code;
	}
	return -1;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)n + 1)) != NULL &&
	    fread(b, 1, (size_t)n, f) == (size_t)n)
		*len = (size_t)n;
	else {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

/* tests/accept/blt/ must read and count; tests/reject/E*.blt must fail
 * with their code. Run from the repository root. */
static void
t_files(void)
{
	const char *dirs[] = { "tests/accept/blt", "tests/reject" };
	int d, seen = 0;

	for (d = 0; d < 2; d++) {
		DIR *dp = opendir(dirs[d]);
		struct dirent *e;
		while (dp != NULL && (e = readdir(dp)) != NULL) {
			char path[512];
			size_t n = strlen(e->d_name), len = 0;
			char *b;
			int rc, want;
			if (n < 5 || strcmp(e->d_name + n - 4, ".blt") != 0)
				continue;
			want = d == 0 ? TELLER_OK : code_of(e->d_name);
			if (d == 1 && want < 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d],
			    e->d_name);
			b = slurp(path, &len);
			CHECK(b != NULL, "cannot read %s", path);
			if (b == NULL)
				continue;
			seen++;
			rc = rdn(b, len);
			CHECK(rc == want, "%s: got %d (%s), expected %d", path,
			    rc, teller_errmsg(ctx), want);
			if (rc == TELLER_OK) {
				teller_rules r;
				teller_result *res;
				teller_rules_init(&r, "stv-scottish");
				rc = teller_count(ctx, C, P, &r, &res);
				CHECK(rc == TELLER_OK || rc == TELLER_ERULE,
				    "%s: count: %s", path, teller_errmsg(ctx));
			}
			free(b);
		}
		if (dp != NULL)
			closedir(dp);
	}
	if (seen == 0)
		printf("SKIP: tests/accept/blt and tests/reject not found "
		    "(run from the repository root)\n");
}

/* TELLER_OOM=1: each allocation of a read failing in turn gives ENOMEM
 * and leaks nothing. */
static void
t_oom(void)
{
	static const char *const src[] = {
		"3 2\n-3\n(a) 2 1=3 - 0\n(b) 1 2 0\n2.5 3 1 0\n0\n"
		"\"Ann A\" \"P\"\n\"Bob B\" \"Q\"\n\"Cy C\" \"R\"\n\"T\"\n",
		"# ALTERNATIVE NAME 1: Shaukat Butt (Lab)\n"
		"# ALTERNATIVE NAME 2: Ann Lee\n2 1\n4 1 2 0\n0\ngovan",
		"2 1\n1 1 0\n0\n\"Lab \"\"Al SMITH\"\" \"\n"
		"\"\"\"Bo X\"\" \"\"Y\"\"\"\n",
		"3 2\n[nick a b c] [tie c b a] [withdrawn b]\n4 a b b 0\n"
		"5 0\n0\n\"A\" \"P\"\n\"B\"\n\"C\" \"Q\"\n\"T\"\n",
		"2,1,\n3,1,2,\n4,\n\"Candidate 1\",\"A\",\"P\",\n"
		"\"Candidate 2\",\"B\",\"Q\",\n\"\"W\"\",3",
		"2 1\n1 1 0\n0\n\"A\" \"B\"\n\"T\" \"s\"\n",
	};
	size_t i;

	for (i = 0; i < sizeof(src) / sizeof(src[0]); i++)
		oom_read_loop("blt", src[i], strlen(src[i]), TELLER_FMT_BLT);
}

int
main(void)
{
	t_plain();
	t_withdrawn();
	t_droop_options();
	t_ranks();
	t_ids();
	t_decimal();
	t_empty();
	t_repeat();
	t_lexical();
	t_names();
	t_names_mixed();
	t_names_extra();
	t_names_paren();
	t_detect();
	t_twin();
	t_errors();
	t_limits();
	t_files();
	if (oom_enabled())
		t_oom();
	teller_ctx_free(ctx);
	return h_done();
}
