/* SPDX-License-Identifier: MIT */
/*
 * t_read_path.c -- the fast read path gives what the general one gives:
 * BLT plain lines (read straight into cells) against the same ballots
 * written so that the general tokenizer reads them (tabs), profile by
 * profile and error by error (code, line, column, message, limits);
 * tl_profile_add_cells against begin/rank/end; merging; the read by
 * several threads against the read by one.
 */
#include <pthread.h>
#include <stdlib.h>

#include "harness.h"
#include "tl_int.h"

#define NC 7
#define NC_MAX 70

/* Candidates in the BLTs gen writes: 7 (ballots packed in 64-bit keys)
 * or 20 or 70 (too many for that: the cells path). */
static int nc = NC;
/* gen writes special lines only after this many ballots */
static int special_after;

static uint64_t rng_state;

static unsigned
rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
	return (unsigned)(rng_state >> 33) % n;
}

struct buf {
	char *s;
	size_t n, cap;
};

static void
put(struct buf *b, const char *s)
{
	size_t k = strlen(s);

	if (b->n + k + 1 > b->cap) {
		b->cap = (b->n + k + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (b->s == NULL)
			exit(3);
	}
	memcpy(b->s + b->n, s, k + 1);
	b->n += k;
}

/*
 * A BLT of nb random ballots. sep is the blank between numbers (" " takes
 * the fast path, "\t" the general one). special: one line in 8 is one
 * the fast path hands over (skipped rank, equal ranks, comment, CRLF,
 * blank line, decimal weight). One ballot in 16 is a blank paper
 * ("w 0"), one in 16 marks a candidate again at a later rank: both are
 * plain lines too (with no more ranks than candidates). bad_at > 0: that
 * ballot has a candidate number out of range.
 */
static void
gen(struct buf *b, unsigned seed, int nb, const char *sep, bool special,
    int bad_at)
{
	char tmp[64];
	int i, k, perm[NC_MAX];

	rng_state = seed;
	b->n = 0;
	snprintf(tmp, sizeof(tmp), "%d 2\n", nc);
	put(b, tmp);
	for (i = 1; i <= nb; i++) {
		int nr = 1 + (int)rnd(NC), kind = special ? (int)rnd(8) : 7;
		int odd = (int)rnd(16);
		if (i <= special_after)
			kind = 7;
		if (odd == 0)
			nr = 0; /* a blank paper */
		for (k = 0; k < nc; k++)
			perm[k] = k + 1;
		for (k = 0; k < nc; k++) {
			int j = k + (int)rnd((unsigned)(nc - k)), t = perm[k];
			perm[k] = perm[j];
			perm[j] = t;
		}
		if (kind == 5 && i > nb / 2)
			snprintf(tmp, sizeof(tmp), "%u.5", 1 + rnd(3));
		else
			snprintf(tmp, sizeof(tmp), "%s%u", kind == 6 ? " " : "",
			    1 + rnd(3));
		put(b, tmp);
		for (k = 0; k < nr; k++) {
			snprintf(tmp, sizeof(tmp), "%s%d", sep, perm[k]);
			if (kind == 0 && k == 1)
				snprintf(tmp, sizeof(tmp), "%s-", sep);
			if (kind == 1 && k == 1)
				snprintf(tmp, sizeof(tmp), "=%d", perm[k]);
			put(b, tmp);
		}
		if (odd == 1 && nr < nc) { /* a candidate marked again */
			snprintf(tmp, sizeof(tmp), "%s%d", sep, perm[0]);
			put(b, tmp);
		}
		if (i == bad_at) {
			snprintf(tmp, sizeof(tmp), "%s%d", sep, nc + 1);
			put(b, tmp);
		}
		put(b, sep);
		put(b, kind == 2 ? "0 # note\n" : kind == 3 ? "0\r\n" :
		    kind == 4 ? "0\n\n" : "0\n");
	}
	put(b, "0\n");
	for (k = 0; k < nc; k++) {
		snprintf(tmp, sizeof(tmp), "\"Cand %d\"\n", k);
		put(b, tmp);
	}
	put(b, "\"Title\"\n");
}

/* Are two profiles the same, pattern by pattern in the same order? */
static bool
same_profile(const struct teller_profile *p, const struct teller_profile *q)
{
	size_t i;

	if (p->pats->len != q->pats->len || p->total != q->total ||
	    p->lines != q->lines || p->empty != q->empty || p->wdp != q->wdp)
		return false;
	for (i = 0; i < p->pats->len; i++) {
		const struct tl_pat *a = TL_PAT(p, i), *b = TL_PAT(q, i);
		if (a->len != b->len || a->w != b->w || a->hash != b->hash ||
		    a->nranks != b->nranks || memcmp(TL_CELLS(p, a),
		    TL_CELLS(q, b), a->len * sizeof(tl_cid)) != 0)
			return false;
	}
	return true;
}

struct res {
	int rc;
	long line, col;
	char msg[256];
};

/* Read b with limits lim (NULL: defaults); profile into *pp. */
static void
read_blt(teller_ctx *ctx, const struct buf *b, const teller_limits *lim,
    struct teller_profile **pp, struct res *r)
{
	struct teller_contest *c;
	const char *file;

	if (lim != NULL)
		teller_ctx_set_limits(ctx, lim);
	r->rc = teller_read(ctx, TELLER_FMT_BLT, "t.blt", b->s, b->n, &c, pp);
	teller_errpos(ctx, &file, &r->line, &r->col);
	snprintf(r->msg, sizeof(r->msg), "%s", r->rc != TELLER_OK ?
	    teller_errmsg(ctx) : "");
}

/* Read the fast and the general rendering of the same ballots and
 * compare (profiles, or errors). */
static void
compare(unsigned seed, int nb, bool special, int bad_at,
    const teller_limits *lim, const char *what)
{
	struct buf f = { 0 }, g = { 0 };
	teller_ctx *c1, *c2;
	struct teller_profile *p1 = NULL, *p2 = NULL;
	struct res r1, r2;

	gen(&f, seed, nb, " ", special, bad_at);
	gen(&g, seed, nb, "\t", special, bad_at);
	if (teller_ctx_new(NULL, &c1) != TELLER_OK ||
	    teller_ctx_new(NULL, &c2) != TELLER_OK)
		exit(3);
	read_blt(c1, &f, lim, &p1, &r1);
	read_blt(c2, &g, lim, &p2, &r2);
	CHECK(r1.rc == r2.rc, "%s seed %u: %d vs %d (%s / %s)", what, seed,
	    r1.rc, r2.rc, r1.msg, r2.msg);
	if (r1.rc == TELLER_OK && r2.rc == TELLER_OK) {
		CHECK(same_profile(p1, p2), "%s seed %u: profiles differ",
		    what, seed);
		CHECK(p1->lines > 0, "%s seed %u: no ballots", what, seed);
		CHECK(nb < 200 || p1->empty > 0, "%s seed %u: no blank "
		    "paper counted", what, seed);
	} else {
		CHECK(r1.line == r2.line && r1.col == r2.col, "%s seed %u: "
		    "at %ld:%ld vs %ld:%ld", what, seed, r1.line, r1.col,
		    r2.line, r2.col);
		CHECK_STR(r1.msg, r2.msg);
	}
	teller_ctx_free(c1);
	teller_ctx_free(c2);
	free(f.s);
	free(g.s);
}

static void
test_blt(void)
{
	teller_limits lim;
	unsigned s;

	for (s = 1; s <= 40; s++) {
		compare(s, 1 + (int)(s * 37 % 700), false, 0, NULL, "plain");
		compare(s, 1 + (int)(s * 53 % 900), true, 0, NULL, "mixed");
		compare(s, 600, s % 2 == 0, 1 + (int)(s * 13 % 600), NULL,
		    "repeat");
		/* plain lines first (stored by key alone), then lines of the
		 * general path repeating their patterns */
		special_after = 400;
		compare(s, 800, true, 0, NULL, "plain, then mixed");
		special_after = 0;
	}
	/* limits hit in the middle of a batch of plain lines */
	for (s = 1; s <= 10; s++) {
		teller_limits_init(&lim);
		lim.ballots = 300 + s * 7;
		compare(s, 500, s % 2 == 0, 0, &lim, "ballots");
		teller_limits_init(&lim);
		lim.patterns = 100 + s;
		compare(s, 500, s % 2 == 0, 0, &lim, "patterns");
		teller_limits_init(&lim);
		lim.ranks = 1 + (int)s % 6;
		compare(s, 500, s % 2 == 0, 0, &lim, "ranks");
		teller_limits_init(&lim);
		lim.line_bytes = 8 + s;
		compare(s, 500, false, 0, &lim, "line_bytes");
	}
}

/* A random pattern of up to 6 ranks, some skipped or overvoted, into
 * cells; returns the number of cells. */
static size_t
rand_cells(tl_cid *cells)
{
	size_t n = 0;
	int nr = (int)rnd(7), k, m, j;

	for (k = 0; k < nr; k++) {
		m = rnd(6) == 0 ? (int)rnd(3) : 1;
		cells[n++] = (tl_cid)m;
		for (j = 0; j < m; j++)
			cells[n++] = (tl_cid)rnd(NC);
	}
	return n;
}

/* begin/rank/end from cells. */
static int
add_slow(teller_ctx *ctx, struct teller_profile *p, const tl_cid *c,
    size_t n, int64_t w)
{
	size_t k;
	int rc;

	if ((rc = tl_profile_begin(ctx, p)) != TELLER_OK)
		return rc;
	for (k = 0; k < n; k += (size_t)c[k] + 1)
		if ((rc = tl_profile_rank(ctx, p, c + k + 1, c[k])) !=
		    TELLER_OK)
			return rc;
	return tl_profile_end(ctx, p, w);
}

static void
test_add_cells(void)
{
	static tl_cid cells[3000][20];
	static struct tl_cells b[3000];
	teller_ctx *c1, *c2;
	struct teller_profile *p1, *p2, *q;
	size_t i, n, done, at, fail_at;
	int rc1 = TELLER_OK, rc2;
	unsigned round;

	for (round = 0; round < 4; round++) {
		rng_state = 1000 + round;
		n = 3000;
		if (teller_ctx_new(NULL, &c1) != TELLER_OK ||
		    teller_ctx_new(NULL, &c2) != TELLER_OK)
			exit(3);
		if (round >= 2) {
			teller_limits lim;
			teller_limits_init(&lim);
			lim.patterns = round == 2 ? 500 : 3000;
			lim.ballots = round == 3 ? 4000 : lim.ballots;
			teller_ctx_set_limits(c1, &lim);
			teller_ctx_set_limits(c2, &lim);
		}
		p1 = tl_profile_new(c1, NC);
		p2 = tl_profile_new(c2, NC);
		fail_at = n;
		for (i = 0; i < n; i++) {
			b[i].len = rand_cells(cells[i]);
			b[i].cells = cells[i];
			b[i].w = 1 + (int64_t)rnd(3);
			if (fail_at == n && (rc1 = add_slow(c1, p1, cells[i],
			    b[i].len, b[i].w)) != TELLER_OK)
				fail_at = i;
		}
		rc2 = TELLER_OK;
		done = 0;
		for (at = 0; at < n && rc2 == TELLER_OK; at += done) {
			size_t m = 1 + rnd(100);
			if (m > n - at)
				m = n - at;
			rc2 = tl_profile_add_cells(c2, p2, b + at, m, &done);
		}
		if (fail_at == n) {
			CHECK(rc2 == TELLER_OK, "round %u: %d", round, rc2);
			CHECK(same_profile(p1, p2), "round %u: profiles differ",
			    round);
		} else {
			CHECK(rc2 == rc1, "round %u: %d vs %d", round, rc2,
			    rc1);
			CHECK(at == fail_at,
			    "round %u: stopped at %zu, not %zu", round, at,
			    fail_at);
			CHECK_STR(teller_errmsg(c1), teller_errmsg(c2));
			CHECK(same_profile(p1, p2), "round %u: profiles differ "
			    "after the error", round);
		}
		if (round == 0) {
			/* merge p2 into a fresh profile: same patterns, same
			 * order; into p1 again: weights double */
			q = tl_profile_new(c2, NC);
			CHECK(tl_profile_merge(c2, q, p2) == TELLER_OK,
			    "merge");
			CHECK(same_profile(q, p2), "merge into empty differs");
			CHECK(tl_profile_merge(c2, q, p2) == TELLER_OK,
			    "merge");
			CHECK(q->total == 2 * p2->total && q->pats->len ==
			    p2->pats->len && TL_PAT(q, 0)->w == 2 *
			    TL_PAT(p2, 0)->w, "merge twice");
			/* an open pattern refuses add_cells */
			CHECK(tl_profile_begin(c2, q) == TELLER_OK &&
			    tl_profile_rank(c2, q, cells[0], 0) == TELLER_OK,
			    "open a pattern");
			CHECK(tl_profile_add_cells(c2, q, b, 1, &done) ==
			    TELLER_EINTERNAL, "open pattern");
		}
		teller_ctx_free(c1);
		teller_ctx_free(c2);
	}
}


/* ---- the parallel read of the ballot section ---- */

/* Ranges handed to the release hook, to check they are sound. */
struct rel {
	const char *buf;
	size_t len, n, bytes;
	size_t off[4096], cnt[4096];
	bool outside;
};

static void
record_locked(struct rel *r, const char *p, size_t n)
{
	if (p < r->buf || p + n > r->buf + r->len)
		r->outside = true;
	else if (r->n < 4096) {
		r->off[r->n] = (size_t)(p - r->buf);
		r->cnt[r->n++] = n;
	}
	r->bytes += n;
}

static pthread_mutex_t rel_lock = PTHREAD_MUTEX_INITIALIZER;

/* The release hook: called from several threads at once. */
static void
record_release(void *ud, const char *p, size_t n)
{
	struct rel *r = ud;

	pthread_mutex_lock(&rel_lock);
	record_locked(r, p, n);
	pthread_mutex_unlock(&rel_lock);
}

/* Do the recorded ranges overlap? (n is small: quadratic is fine.) */
static bool
overlapping(const struct rel *r)
{
	size_t i, j;

	for (i = 0; i < r->n; i++)
		for (j = i + 1; j < r->n; j++)
			if (r->off[i] < r->off[j] + r->cnt[j] &&
			    r->off[j] < r->off[i] + r->cnt[i])
				return true;
	return false;
}

/* Read b with 1 thread and with nt threads (limits lim, or the
 * defaults) and compare: the same profile, or the same error at the same
 * place with the same message. Returns the bytes nt threads released. */
static size_t
compare_par(const struct buf *b, int nt, const teller_limits *lim,
    const char *what, bool once)
{
	teller_ctx *c1, *c2;
	struct teller_profile *p1 = NULL, *p2 = NULL;
	struct res r1, r2;
	static struct rel rel;

	memset(&rel, 0, sizeof(rel));
	rel.buf = b->s;
	rel.len = b->n;
	if (teller_ctx_new(NULL, &c1) != TELLER_OK ||
	    teller_ctx_new(NULL, &c2) != TELLER_OK)
		exit(3);
	teller_ctx_set_threads(c2, nt);
	teller_ctx_set_release(c2, record_release, &rel);
	read_blt(c1, b, lim, &p1, &r1);
	read_blt(c2, b, lim, &p2, &r2);
	CHECK(r1.rc == r2.rc, "%s, %d threads: %d vs %d (%s / %s)", what, nt,
	    r1.rc, r2.rc, r1.msg, r2.msg);
	if (r1.rc == TELLER_OK && r2.rc == TELLER_OK)
		CHECK(same_profile(p1, p2), "%s, %d threads: profiles differ",
		    what, nt);
	else
		CHECK(r1.line == r2.line && r1.col == r2.col &&
		    strcmp(r1.msg, r2.msg) == 0, "%s, %d threads: at %ld:%ld "
		    "vs %ld:%ld (%s / %s)", what, nt, r1.line, r1.col,
		    r2.line, r2.col, r1.msg, r2.msg);
	CHECK(!rel.outside, "%s, %d threads: a released range is outside "
	    "the input", what, nt);
	/* bytes are released twice only where a share read ahead is read
	 * again by one thread */
	CHECK(!once || !overlapping(&rel), "%s, %d threads: bytes released "
	    "twice", what, nt);
	teller_ctx_free(c1);
	teller_ctx_free(c2);
	return rel.bytes;
}

/* Every other '\n' of b made "\r\n". */
static void
crlf(const struct buf *b, struct buf *out)
{
	size_t i, k = 0;

	out->cap = b->n * 2 + 1;
	out->s = malloc(out->cap);
	if (out->s == NULL)
		exit(3);
	for (i = 0; i < b->n; i++) {
		if (b->s[i] == '\n' && i % 2 == 0)
			out->s[k++] = '\r';
		out->s[k++] = b->s[i];
	}
	out->s[k] = '\0';
	out->n = k;
}

static void
test_parallel(int ntmax)
{
	struct buf b = { 0 }, c = { 0 };
	teller_limits lim;
	int nt, nb = 300000;
	size_t rel;

	for (nt = 2; nt <= ntmax; nt++) {
		/* all plain: the parallel path is taken */
		gen(&b, 100u + (unsigned)nt, nb, " ", false, 0);
		CHECK(b.n > ((size_t)2 << 20), "input big enough (%zu)", b.n);
		rel = compare_par(&b, nt, NULL, "plain", true);
		CHECK(rel > b.n / 10 * 9, "plain, %d threads: %zu of %zu bytes "
		    "released", nt, rel, b.n);
		/* a bad candidate number early, in the middle, near the end */
		gen(&b, 200u + (unsigned)nt, nb, " ", false, nb / 7);
		compare_par(&b, nt, NULL, "error early", false);
		gen(&b, 300u + (unsigned)nt, nb, " ", false, nb / 2 + 3);
		compare_par(&b, nt, NULL, "error in the middle", false);
		gen(&b, 400u + (unsigned)nt, nb, " ", false, nb - 2);
		compare_par(&b, nt, NULL, "error near the end", false);
		/* lines the fast path hands over, everywhere */
		gen(&b, 500u + (unsigned)nt, nb, " ", true, 0);
		compare_par(&b, nt, NULL, "mixed", false);
		/* limits crossed in a later share */
		gen(&b, 600u + (unsigned)nt, nb, " ", false, 0);
		teller_limits_init(&lim);
		lim.ballots = 500000 + 10000 * nt;
		compare_par(&b, nt, &lim, "ballots limit", false);
		teller_limits_init(&lim);
		lim.patterns = 9000;
		compare_par(&b, nt, &lim, "patterns limit", false);
		/* CRLF line ends, mixed with LF */
		crlf(&b, &c);
		compare_par(&c, nt, NULL, "crlf", true);
		free(c.s);
		c.s = NULL;
		/* the ballots end early: the rest is a long run of names and
		 * comments, some of which look like ballots */
		gen(&b, 700u + (unsigned)nt, 1000, " ", false, 0);
		while (b.n < ((size_t)5 << 20))
			put(&b, "# 1 2 3 0\n");
		compare_par(&b, nt, NULL, "long tail", false);
	}
	free(b.s);
}

int
main(void)
{
	for (nc = NC; nc <= NC_MAX; nc = nc == NC ? 20 : nc + 50) {
		test_blt();
		test_parallel(nc == NC ? 5 : 2);
	}
	nc = NC;
	test_add_cells();
	return h_done();
}
