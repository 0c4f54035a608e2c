/* SPDX-License-Identifier: MIT */
/*
 * testlib.h -- helpers shared by the unit tests (include after harness.h:
 * some use CHECK): contests and profiles built from literal ballots,
 * counting, looking up stage values, tallies and winners, comparing
 * results, a deterministic random source and reading a whole file. Every
 * function is static inline, so a test that uses only some of them
 * compiles without unused-function warnings.
 *
 * Two builders, for two styles of test:
 *   bx_*  one-letter candidates and ballots written "A,B|C" (the UK
 *         method tests: votes compared as integers);
 *   tt_build and friends: space-separated names and ballots written
 *         "W A B C" (the STV tests: values compared as decimal strings).
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_int.h"

/* ---- general ---- */

/* The seed string the CLI's --seed N gives (valid until the next call). */
static inline const char *
tt_seed(uint64_t seed)
{
	static char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)seed);
	return buf;
}

/* The tally named `name` among r's rejected papers (rej) or its notes;
 * -1 if there is no such tally. */
static inline long long
tt_tally(const struct teller_result *r, bool rej, const char *name)
{
	const struct tl_vec *v = rej ? r->rejected : r->notes;
	size_t i;

	for (i = 0; i < v->len; i++) {
		const struct tl_tally *t = &TL_VEC_AT(v, struct tl_tally, i);
		if (strcmp(t->name, name) == 0)
			return (long long)t->n;
	}
	return -1;
}

/* Read the whole file at path into a malloc'd, NUL-terminated buffer
 * (the caller frees it) and its length into *len; NULL if it cannot be
 * opened or read. */
static inline char *
tt_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* A deterministic pseudo-random number in 0..n-1 (n >= 1): xorshift64,
 * one sequence per test program, the same on every run. */
static inline int
tt_rnd(int n)
{
	static uint64_t rs = 88172645463325252u;

	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (int)(rs % (uint64_t)n);
}

/*
 * Add w ballots marked as spec to p, candidates named by single letters
 * of c: ranks split by ',', the marks at one rank by '|'; an empty rank
 * is a skipped one, and "" is a ballot with no ranks at all. Returns
 * TELLER_OK, the failing builder call's code (ENOMEM and the like), or
 * TELLER_EINVAL for a letter that names no candidate or a rank of more
 * than 64 marks.
 */
static inline int
tt_add_letters(teller_ctx *ctx, const struct teller_contest *c,
    struct teller_profile *p, const char *spec, int64_t w)
{
	tl_cid marks[64];
	const char *s = spec;
	int n = 0, rc;

	if ((rc = tl_profile_begin(ctx, p)) != TELLER_OK)
		return rc;
	if (*s == '\0')
		return tl_profile_end(ctx, p, w);
	for (;; s++) {
		if (*s == ',' || *s == '\0') {
			if ((rc = tl_profile_rank(ctx, p, marks, n)) != 0)
				return rc;
			n = 0;
			if (*s == '\0')
				break;
		} else if (*s != '|') {
			int id = tl_contest_find(c, s, 1);
			if (id < 0 || n == 64)
				return TELLER_EINVAL;
			marks[n++] = (tl_cid)id;
		}
	}
	return tl_profile_end(ctx, p, w);
}

/* ---- bx: a ballot box of one-letter candidates ---- */

struct bx {
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	teller_result *r;  /* the last bx_count's result, or NULL */
	int rc;            /* the last bx_count's code */
};

/* A fresh context, contest and empty profile. Candidates are named by
 * the letters of names ("ABCD"); '?' adds a write-in pseudo-candidate (an
 * uncertain mark on a UK paper); a lower-case letter adds a withdrawn
 * candidate. Aborts if any of it fails. */
static inline void
bx_init(struct bx *b, const char *names)
{
	const char *s;

	memset(b, 0, sizeof(*b));
	if (teller_ctx_new(NULL, &b->ctx) != TELLER_OK)
		abort();
	b->c = tl_contest_new(b->ctx);
	for (s = names; *s; s++) {
		int id = tl_contest_add(b->ctx, b->c, s, 1, NULL, 0);
		if (id < 0)
			abort();
		TL_CAND(b->c, id)->writein = *s == '?';
		TL_CAND(b->c, id)->withdrawn = *s >= 'a' && *s <= 'z';
	}
	b->p = tl_profile_new(b->ctx, b->c->ncand);
	if (b->p == NULL)
		abort();
}

/* Free everything bx_init and bx_count made. */
static inline void
bx_free(struct bx *b)
{
	teller_ctx_free(b->ctx);
}

/* Add w ballots marked as spec (see tt_add_letters); aborts on failure. */
static inline void
bx_add(struct bx *b, const char *spec, int64_t w)
{
	if (tt_add_letters(b->ctx, b->c, b->p, spec, w) != TELLER_OK)
		abort();
}

/* Count under method with seats (0: the method's default) and seed; sets
 * and returns b->rc, sets b->r (NULL on failure, the message printed to
 * stderr). */
static inline int
bx_count(struct bx *b, const char *method, int seats, uint64_t seed)
{
	teller_rules ru;

	teller_rules_init(&ru, method);
	ru.seats = seats;
	ru.seed = tt_seed(seed);
	b->r = NULL;
	b->rc = teller_count(b->ctx, b->c, b->p, &ru, &b->r);
	if (b->rc != TELLER_OK)
		fprintf(stderr, "  count: %s\n", teller_errmsg(b->ctx));
	return b->rc;
}

/* Candidate id of a one-letter name, or -1. */
static inline int
bx_id(const struct bx *b, char name)
{
	return tl_contest_find(b->c, &name, 1);
}

/* Votes of candidate `name` at stage number s (1-based), or -1. */
static inline long long
bx_votes(const struct bx *b, int s, char name)
{
	if (b->r == NULL || s < 1 || (size_t)s > b->r->stages->len)
		return -1;
	return (long long)TL_STAGE(b->r, s - 1)->votes[bx_id(b, name)];
}

/* Number of stages, or -1 without a result. */
static inline int
bx_nstages(const struct bx *b)
{
	return b->r != NULL ? (int)b->r->stages->len : -1;
}

/* Names of the elected, in order, as a string ("AB"); "(none)" without a
 * result. The string is static: good until the next call. */
static inline const char *
bx_elected(const struct bx *b)
{
	static char buf[64];
	size_t i, n = 0;

	buf[0] = '\0';
	if (b->r == NULL)
		return "(none)";
	for (i = 0; i < b->r->elected->len && n + 1 < sizeof(buf); i++)
		buf[n++] = TL_CAND(b->c, TL_VEC_AT(b->r->elected, int, i))
		    ->name[0];
	buf[n] = '\0';
	return buf;
}

/* The tally named name among the rejected (rej) or the notes; -1 if
 * absent or without a result. */
static inline long long
bx_tally(const struct bx *b, bool rej, const char *name)
{
	return b->r != NULL ? tt_tally(b->r, rej, name) : -1;
}

/* Number of ties recorded, or -1 without a result. */
static inline int
bx_nties(const struct bx *b)
{
	return b->r != NULL ? (int)b->r->ties->len : -1;
}

/* The i-th tie (the caller checks i < bx_nties). */
static inline const struct tl_tie *
bx_tie(const struct bx *b, size_t i)
{
	return &TL_VEC_AT(b->r->ties, struct tl_tie, i);
}

/* Add one-mark ballots given as "A50 B30 C20": each letter followed by
 * the number of papers marked for that candidate alone. */
static inline void
bx_add_singles(struct bx *b, const char *spec)
{
	const char *s = spec;

	while (*s) {
		char name[2] = { s[0], 0 };
		long w = strtol(s + 1, (char **)&s, 10);
		bx_add(b, name, w);
		while (*s == ' ')
			s++;
	}
}

/* bx_init(b, names), then npat random patterns drawn with tt_rnd: up to
 * 6 ranks of 0-3 marks each over the letters of names, weights 1-20. */
static inline void
bx_random(struct bx *b, const char *names, int npat)
{
	int i, k, m, nc = (int)strlen(names);
	char spec[64];

	bx_init(b, names);
	for (i = 0; i < npat; i++) {
		int nr = tt_rnd(7), n = 0;
		for (k = 0; k < nr; k++) {
			int nm = tt_rnd(10) < 7 ? 1 : tt_rnd(4);
			if (k > 0)
				spec[n++] = ',';
			for (m = 0; m < nm; m++) {
				if (m > 0)
					spec[n++] = '|';
				spec[n++] = names[tt_rnd(nc)];
			}
		}
		spec[n] = '\0';
		bx_add(b, spec, 1 + tt_rnd(20));
	}
}

/* ---- named candidates, ballots "W A B C", values as decimal strings ---- */

/* A contest of the space-separated names with `seats` seats, and a
 * profile of ballots, each "W A B C" (weight, then candidate names in
 * order, one per rank), the list NULL-ended; into *cp and *pp. Returns 0,
 * or -1 if a builder call fails (the error is in ctx). */
static inline int
tt_build(teller_ctx *ctx, const char *names, const char *const *ballots,
    int seats, struct teller_contest **cp, struct teller_profile **pp)
{
	struct teller_contest *c = tl_contest_new(ctx);
	struct teller_profile *p;
	char buf[256], *tok, *save;
	int i;

	if (c == NULL)
		return -1;
	snprintf(buf, sizeof(buf), "%s", names);
	for (tok = strtok_r(buf, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save))
		if (tl_contest_add(ctx, c, tok, strlen(tok), NULL, 0) < 0)
			return -1;
	c->seats = seats;
	if ((p = tl_profile_new(ctx, c->ncand)) == NULL)
		return -1;
	for (i = 0; ballots[i] != NULL; i++) {
		tl_cid ids[64];
		int n = 0;
		long w;

		snprintf(buf, sizeof(buf), "%s", ballots[i]);
		tok = strtok_r(buf, " ", &save);
		w = strtol(tok, NULL, 10);
		while ((tok = strtok_r(NULL, " ", &save)) != NULL)
			ids[n++] = (tl_cid)tl_contest_find(c, tok,
			    strlen(tok));
		if (tl_profile_add_simple(ctx, p, ids, n, w) != TELLER_OK)
			return -1;
	}
	*cp = c;
	*pp = p;
	return 0;
}

/* Count c and p under method with seed (seats from the contest). Returns
 * the result, or NULL on error; the code goes in *rc. */
static inline struct teller_result *
tt_count(teller_ctx *ctx, const char *method, struct teller_contest *c,
    struct teller_profile *p, uint64_t seed, int *rc)
{
	teller_rules rules;
	struct teller_result *r = NULL;

	teller_rules_init(&rules, method);
	rules.seed = tt_seed(seed);
	*rc = teller_count(ctx, c, p, &rules, &r);
	return r;
}

/* A value at stage number s (1-based) at the result's precision, as a
 * decimal string: candidate i's votes, or with i == -1 the
 * non-transferable votes, with i == -2 the loss by fractions; "(no
 * stage)" past the last. The string is static; the last 8 stay good. */
static inline const char *
tt_stage(const struct teller_result *r, int s, int i)
{
	static char buf[8][TL_NUM_BUFSZ];
	static int k;

	k = (k + 1) % 8;
	if (s < 1 || (size_t)s > r->stages->len)
		return "(no stage)";
	if (i == -1)
		tl_num_fmt(buf[k], TL_STAGE(r, s - 1)->nontrans, r->dp);
	else if (i == -2)
		tl_num_fmt(buf[k], TL_STAGE(r, s - 1)->loss, r->dp);
	else
		tl_num_fmt(buf[k], TL_STAGE(r, s - 1)->votes[i], r->dp);
	return buf[k];
}

/* Names of the elected, in order, joined by spaces ("A B"). The string
 * is static: good until the next call. */
static inline const char *
tt_elected(const struct teller_result *r)
{
	static char buf[512];
	int i;

	buf[0] = '\0';
	for (i = 0; i < teller_result_nelected(r); i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, teller_result_elected(r, i));
	}
	return buf;
}

/* 1 if two results have the same stages (kind, subject, votes,
 * non-transferable, loss) and as many winners and ties; else 0. */
static inline int
tt_same(const struct teller_result *a, const struct teller_result *b)
{
	size_t s;

	if (a->stages->len != b->stages->len ||
	    a->elected->len != b->elected->len ||
	    a->ties->len != b->ties->len)
		return 0;
	for (s = 0; s < a->stages->len; s++) {
		const struct tl_stage *x = TL_STAGE(a, s), *y = TL_STAGE(b, s);
		if (x->kind != y->kind || x->subject != y->subject ||
		    x->nontrans != y->nontrans || x->loss != y->loss ||
		    memcmp(x->votes, y->votes, (size_t)a->ncand *
		    sizeof(tl_fix)) != 0)
			return 0;
	}
	return 1;
}

/* CHECK (3 checks) that one profile of nine patterns over A-E, 2 seats,
 * counted twice under method with seed gives tt_same results. */
static inline void
tt_check_determinism(const char *method, uint64_t seed)
{
	static const char *const b[] = { "6 A B", "3 A C", "4 B", "3 C",
		"2 D B", "1 E C", "1 E D", "2 C D E", "1 B A", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r1, *r2;
	int rc1, rc2;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C D E", b, 2, &c, &p) == 0, "%s: build",
	    method);
	r1 = tt_count(ctx, method, c, p, seed, &rc1);
	r2 = tt_count(ctx, method, c, p, seed, &rc2);
	CHECK(rc1 == TELLER_OK && rc2 == TELLER_OK, "%s: counted", method);
	CHECK(r1 && r2 && tt_same(r1, r2), "%s: same stages twice", method);
	teller_ctx_free(ctx);
}

/* CHECK that tt_stage(r, s, i) is the string want; the failure message
 * names the rule clause. */
#define CHECK_STAGE(r, s, i, want, clause)                                \
	CHECK(strcmp(tt_stage((r), (s), (i)), (want)) == 0,               \
	    "%s: stage %d row %d: got %s, want %s", (clause), (s), (i),   \
	    tt_stage((r), (s), (i)), (want))

#endif
