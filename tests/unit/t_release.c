/* SPDX-License-Identifier: MIT */
/*
 * t_release.c -- the release hook (teller_ctx_set_release) as the CSV,
 * PrefLib and profile readers drive it: on inputs of several MiB every
 * released range lies inside the buffer, no two overlap, (nearly) all of
 * the buffer is released, and the profile read is the one read without a
 * hook, pattern for pattern. The BLT reader too, with 1 and 2 threads
 * (more than half released). Also: an encoding error far into a big
 * input still wins over an earlier parse error, at its true line:col.
 */
#include <pthread.h>
#include <stdlib.h>

#include "harness.h"
#include "tl_int.h"

/* A growable byte buffer (test side: libc, abort on OOM). */
struct sbuf {
	char *p;
	size_t n, cap;
};

static void
sb_mem(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1 << 16;
		while (cap < b->n + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (b->p == NULL) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_mem(b, s, strlen(s));
}

/* Deterministic xorshift64*. */
static uint64_t rng = 88172645463325252ull;

static unsigned
rnd(unsigned n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned)((rng * 2685821657736338717ull) >> 33) % n;
}

/* A random ranking of 1..k of nc <= 12 candidates as 0-based ids. */
static int
ranking(int *ids, int nc)
{
	int k = 1 + (int)rnd((unsigned)nc), i, j, t, all[12];

	for (i = 0; i < nc; i++)
		all[i] = i;
	for (i = 0; i < k; i++) {
		j = i + (int)rnd((unsigned)(nc - i));
		t = all[i];
		all[i] = all[j];
		all[j] = t;
		ids[i] = all[i];
	}
	return k;
}

static const char *const names[12] = { "Ann", "Bob", "Cy", "Dee", "Eve",
	"Flo", "Gus", "Hal", "Ida", "Jo", "Kit", "Lu" };

/* Layout-A CSV of 12 candidates, about `bytes` bytes. */
static void
gen_csv(struct sbuf *b, size_t bytes)
{
	int ids[12], k, i;

	sb_str(b, "# title: release test\n# seats: 2\n");
	sb_str(b, "rank1,rank2,rank3,rank4,rank5,rank6,rank7,rank8,rank9,"
	    "rank10,rank11,rank12\n");
	while (b->n < bytes) {
		k = ranking(ids, 12);
		for (i = 0; i < 12; i++) {
			if (i > 0)
				sb_str(b, ",");
			if (i < k)
				sb_str(b, names[ids[i]]);
		}
		sb_str(b, rnd(97) == 0 ? "\r\n" : "\n");
	}
}

/* PrefLib 2022 (toi: ties allowed) of about `bytes` bytes. */
static void
gen_preflib(struct sbuf *b, size_t bytes)
{
	char tmp[64];
	int ids[12], k, i;

	sb_str(b, "# FILE NAME: t.toi\n# DATA TYPE: toi\n"
	    "# NUMBER ALTERNATIVES: 8\n");
	for (i = 0; i < 8; i++) {
		snprintf(tmp, sizeof(tmp), "# ALTERNATIVE NAME %d: %s\n",
		    i + 1, names[i]);
		sb_str(b, tmp);
	}
	while (b->n < bytes) {
		k = ranking(ids, 8);
		snprintf(tmp, sizeof(tmp), "%u: ", 1 + rnd(5));
		sb_str(b, tmp);
		for (i = 0; i < k; i++) {
			bool tie = i + 1 < k && rnd(6) == 0;
			if (i > 0)
				sb_str(b, ",");
			if (tie) {
				snprintf(tmp, sizeof(tmp), "{%d,%d}",
				    ids[i] + 1, ids[i + 1] + 1);
				i++;
			} else {
				snprintf(tmp, sizeof(tmp), "%d", ids[i] + 1);
			}
			sb_str(b, tmp);
		}
		sb_str(b, "\n");
		if (rnd(1000) == 0)
			sb_str(b, "# a comment among the orders\n");
	}
}

/* A TELLERP1 profile file of about `bytes` bytes over the 12 candidates:
 * pattern i is the i-th full ranking (Lehmer code), so all differ. */
static void
gen_profile(struct sbuf *b, size_t bytes)
{
	struct sbuf pats;
	char tmp[64];
	uint64_t i, n = 0, total = 0, v;
	int k, j, left[12], m;

	memset(&pats, 0, sizeof(pats));
	for (i = 0; pats.n < bytes; i++, n++) {
		unsigned w = 1 + rnd(9);
		for (k = 0; k < 12; k++)
			left[k] = k + 1;
		snprintf(tmp, sizeof(tmp), "%u:", w);
		sb_str(&pats, tmp);
		total += w;
		for (v = i, m = 12; m > 0; m--) {
			k = (int)(v % (uint64_t)m);
			v /= (uint64_t)m;
			snprintf(tmp, sizeof(tmp), " %d", left[k]);
			sb_str(&pats, tmp);
			for (j = k; j + 1 < m; j++)
				left[j] = left[j + 1];
		}
		sb_str(&pats, "\n");
	}
	snprintf(tmp, sizeof(tmp), "TELLERP1\ntitle big\nseats 3\nwdp 0\n"
	    "ballots %llu\ncandidates 12\n", (unsigned long long)total);
	sb_str(b, tmp);
	for (k = 0; k < 12; k++) {
		snprintf(tmp, sizeof(tmp), "c - %s\t\n", names[k]);
		sb_str(b, tmp);
	}
	snprintf(tmp, sizeof(tmp), "patterns %llu\n", (unsigned long long)n);
	sb_str(b, tmp);
	sb_mem(b, pats.p, pats.n);
	snprintf(tmp, sizeof(tmp), "end %llu\n", (unsigned long long)total);
	sb_str(b, tmp);
	free(pats.p);
}

/* BLT of 12 candidates, about `bytes` bytes. */
static void
gen_blt(struct sbuf *b, size_t bytes)
{
	char tmp[64];
	int ids[12], k, i;

	sb_str(b, "12 3\n");
	while (b->n < bytes) {
		k = ranking(ids, 12);
		snprintf(tmp, sizeof(tmp), "%u", 1 + rnd(3));
		sb_str(b, tmp);
		for (i = 0; i < k; i++) {
			snprintf(tmp, sizeof(tmp), " %d", ids[i] + 1);
			sb_str(b, tmp);
		}
		sb_str(b, " 0\n");
	}
	sb_str(b, "0\n");
	for (i = 0; i < 12; i++) {
		snprintf(tmp, sizeof(tmp), "\"%s\"\n", names[i]);
		sb_str(b, tmp);
	}
	sb_str(b, "\"big\"\n");
}

/* Recorded releases (the hook may be called from several threads). */
struct rec {
	const char *p;
	size_t n;
};
struct hook {
	struct rec *r;
	size_t n, cap;
	pthread_mutex_t mu;
};

static void
record(void *ud, const char *p, size_t n)
{
	struct hook *h = ud;

	pthread_mutex_lock(&h->mu);
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->r = realloc(h->r, h->cap * sizeof(*h->r));
		if (h->r == NULL)
			exit(2);
	}
	h->r[h->n].p = p;
	h->r[h->n].n = n;
	h->n++;
	pthread_mutex_unlock(&h->mu);
}

static int
rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	uintptr_t u = (uintptr_t)x->p, v = (uintptr_t)y->p;

	return (u > v) - (u < v);
}

/* Profiles p and q hold the same patterns in the same order. */
static bool
same_profile(const struct teller_profile *p, const struct teller_profile *q)
{
	size_t i;

	if (p->pats->len != q->pats->len || p->total != q->total ||
	    p->wdp != q->wdp || p->lines != q->lines || p->ncand != q->ncand)
		return false;
	for (i = 0; i < p->pats->len; i++) {
		const struct tl_pat *a = TL_PAT(p, i), *b = TL_PAT(q, i);
		if (a->len != b->len || a->w != b->w ||
		    a->nranks != b->nranks || memcmp(TL_CELLS(p, a),
		    TL_CELLS(q, b), a->len * sizeof(tl_cid)) != 0)
			return false;
	}
	return true;
}

/*
 * Read (buf, len) as fmt with no hook (one thread) and with a recording
 * one (threads threads); check the ranges and that both profiles agree.
 * At least pct percent of the buffer must be released.
 */
static void
check(const char *what, enum teller_format fmt, const char *buf, size_t len,
    int threads, int pct)
{
	teller_ctx *c0, *c1;
	teller_contest *k0, *k1;
	teller_profile *p0, *p1;
	struct hook h;
	size_t i, sum = 0;
	int rc0, rc1;
	bool inside = true, apart = true;

	memset(&h, 0, sizeof(h));
	pthread_mutex_init(&h.mu, NULL);
	teller_ctx_new(NULL, &c0);
	teller_ctx_new(NULL, &c1);
	teller_ctx_set_release(c1, record, &h);
	teller_ctx_set_threads(c1, threads);
	rc0 = teller_read(c0, fmt, what, buf, len, &k0, &p0);
	rc1 = teller_read(c1, fmt, what, buf, len, &k1, &p1);
	CHECK(rc0 == TELLER_OK, "%s: %s", what, teller_errmsg(c0));
	CHECK(rc1 == TELLER_OK, "%s: %s", what, teller_errmsg(c1));
	if (rc0 != TELLER_OK || rc1 != TELLER_OK)
		goto done;
	CHECK(p0->pats->len > 1000, "%s: only %zu patterns", what,
	    p0->pats->len);
	CHECK(same_profile(p0, p1), "%s: the profiles differ", what);
	CHECK(k0->ncand == k1->ncand && strcmp(k0->title, k1->title) == 0,
	    "%s: the contests differ", what);
	CHECK(h.n >= 2, "%s: %zu releases", what, h.n);
	for (i = 0; i < h.n; i++) {
		uintptr_t a = (uintptr_t)h.r[i].p, b0 = (uintptr_t)buf;
		if (h.r[i].n == 0 || a < b0 || a - b0 > len ||
		    h.r[i].n > len - (a - b0))
			inside = false;
		sum += h.r[i].n;
	}
	CHECK(inside, "%s: a released range is outside the buffer", what);
	qsort(h.r, h.n, sizeof(*h.r), rec_cmp);
	for (i = 1; i < h.n; i++)
		if ((uintptr_t)h.r[i - 1].p + h.r[i - 1].n >
		    (uintptr_t)h.r[i].p)
			apart = false;
	CHECK(apart, "%s: released ranges overlap", what);
	/* a few MiB at a time, and (text readers) the rest at the end */
	CHECK(sum >= len / 100 * (size_t)pct, "%s: released %zu of %zu "
	    "bytes, want %d%%", what, sum, len, pct);
	CHECK(h.n <= len / ((size_t)1 << 20) + 2, "%s: %zu releases for %zu "
	    "bytes (want steps of MiBs)", what, h.n, len);
done:
	teller_ctx_free(c0);
	teller_ctx_free(c1);
	free(h.r);
	pthread_mutex_destroy(&h.mu);
}

/* A bad byte far into a big CSV: its line:col, even though a parse error
 * (a row with too many fields) comes earlier; and nothing past the bad
 * byte was counted as a release. */
static void
late_encoding(const struct sbuf *csv)
{
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	struct hook h;
	char *b = malloc(csv->n + 1);
	size_t at, i, ls = 0, early;
	long line = 1, eline;
	const char *file;
	long l, col;
	int rc;

	if (b == NULL)
		exit(2);
	memcpy(b, csv->p, csv->n);
	/* the bad byte: at the start of a line past 3/4 of the input */
	at = csv->n / 4 * 3;
	while (b[at - 1] != '\n')
		at++;
	b[at] = (char)0xff;
	for (i = 0; i < at; i++)
		if (b[i] == '\n') {
			line++;
			ls = i + 1;
		}
	memset(&h, 0, sizeof(h));
	pthread_mutex_init(&h.mu, NULL);
	teller_ctx_new(NULL, &ctx);
	teller_ctx_set_release(ctx, record, &h);
	rc = teller_read(ctx, TELLER_FMT_CSV, "late.csv", b, csv->n, &c, &p);
	teller_errpos(ctx, &file, &l, &col);
	CHECK(rc == TELLER_EENCODING, "late byte: rc %d (%s)", rc,
	    teller_errmsg(ctx));
	CHECK(l == line && col == (long)(at - ls) + 1, "late byte at %ld:%ld, "
	    "want %ld:%ld", l, col, line, (long)(at - ls) + 1);
	for (i = 0; i < h.n; i++)
		CHECK(h.r[i].p + h.r[i].n <= b + at, "released past the bad "
		    "byte");
	teller_ctx_free(ctx);

	/* and with an earlier parse error: a field too many, past 1/4 */
	early = csv->n / 4;
	while (b[early - 1] != '\n')
		early++;
	b[early] = ',';
	h.n = 0;
	eline = 1;
	for (i = 0; i < early; i++)
		eline += b[i] == '\n';
	teller_ctx_new(NULL, &ctx);
	teller_ctx_set_release(ctx, record, &h);
	rc = teller_read(ctx, TELLER_FMT_CSV, "late.csv", b, csv->n, &c, &p);
	teller_errpos(ctx, &file, &l, &col);
	CHECK(rc == TELLER_EENCODING && l == line, "late byte after a parse "
	    "error on line %ld: rc %d at line %ld, want %ld (%s)", eline, rc,
	    l, line, teller_errmsg(ctx));
	CHECK(file != NULL && strcmp(file, "late.csv") == 0, "file name");
	teller_ctx_free(ctx);
	/* the same file read with tl_text_check first gives the same */
	teller_ctx_new(NULL, &ctx);
	rc = tl_text_check(ctx, "x.csv", b, csv->n);
	teller_errpos(ctx, &file, &l, &col);
	CHECK(rc == TELLER_EENCODING && l == line &&
	    col == (long)(at - ls) + 1, "tl_text_check: %ld:%ld", l, col);
	CHECK(file != NULL && strcmp(file, "x.csv") == 0,
	    "tl_text_check names the file it is given");
	teller_ctx_free(ctx);
	free(h.r);
	pthread_mutex_destroy(&h.mu);
	free(b);
}

int
main(void)
{
	struct sbuf csv, pl, prof, blt;
	size_t big = TL_RELEASE_STEP + ((size_t)2 << 20);

	memset(&csv, 0, sizeof(csv));
	memset(&pl, 0, sizeof(pl));
	memset(&prof, 0, sizeof(prof));
	memset(&blt, 0, sizeof(blt));
	gen_csv(&csv, big);
	gen_preflib(&pl, big);
	gen_profile(&prof, big);
	gen_blt(&blt, 3 * big);
	check("big.csv", TELLER_FMT_CSV, csv.p, csv.n, 1, 100);
	check("big.csv (auto, 2 threads)", TELLER_FMT_AUTO, csv.p, csv.n, 2,
	    100);
	check("big.toi", TELLER_FMT_PREFLIB, pl.p, pl.n, 1, 100);
	check("big.toi (auto)", TELLER_FMT_AUTO, pl.p, pl.n, 1, 100);
	check("big.tp", TELLER_FMT_PROFILE, prof.p, prof.n, 1, 100);
	check("big.blt", TELLER_FMT_BLT, blt.p, blt.n, 1, 50);
	check("big.blt (2 threads)", TELLER_FMT_BLT, blt.p, blt.n, 2, 50);
	printf("inputs: csv %zu, preflib %zu, profile %zu, blt %zu bytes\n",
	    csv.n, pl.n, prof.n, blt.n);
	late_encoding(&csv);
	free(csv.p);
	free(pl.p);
	free(prof.p);
	free(blt.p);
	return h_done();
}
