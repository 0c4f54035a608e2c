/* SPDX-License-Identifier: MIT */
/*
 * rctab_read.c -- the tabulator's reading (rctab.md 4.1, 7): every CVR
 * source through the provider's reader, identical ballots (same rank
 * slots and, when slices are asked for, the same precinct/batch) merged
 * into weighted records, and the rctab_cvr.csv export written on the way.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "rctab_tab.h"

/* Interned strings: tl_strtab, and a NUL-terminated copy of each. */

int
tl_rtab_strtab_init(teller_ctx *ctx, struct strtab *t)
{
	t->strs = tl_vec_new(ctx, sizeof(char *));
	return t->strs == NULL || tl_strtab_init(ctx, &t->set) != TELLER_OK ?
	    TELLER_ENOMEM : TELLER_OK;
}

/* Index of s in t, adding it when add is set; -1 if absent, -2 on OOM. */
int
tl_rtab_strtab_get(teller_ctx *ctx, struct strtab *t, const char *s, bool add)
{
	size_t n = strlen(s);
	bool added;
	char *copy;
	int i;

	if (!add)
		return tl_strtab_find(&t->set, s, n);
	if ((i = tl_strtab_put(ctx, &t->set, s, n, &added)) < 0)
		return -2;
	if (added && ((copy = tl_strndup(ctx, s, n)) == NULL ||
	    tl_vec_push(ctx, t->strs, &copy) == NULL))
		return -2;
	return i;
}

int
tl_rtab_tok_get(struct tl_rtab *t, const char *s)
{
	int i = tl_rtab_strtab_get(t->ctx, &t->toks, s, true);
	struct tok z = { -1, false, false, 0 };

	if (i == -2)
		return -1;
	if ((size_t)i == t->tokinfo->len) {
		z.ov = strcmp(s, TL_CVR_OVERVOTE) == 0;
		if (tl_vec_push(t->ctx, t->tokinfo, &z) == NULL)
			return -1;
	}
	return i;
}

/* ------------------------------------------------------------------ */
/* reading: one callback per CVR                                       */

static uint32_t
keyhash(const uint32_t *k, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= k[i];
		h *= 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	return (uint32_t)h;
}

/* Double the record table (rehashed from the records). */
static int
rec_grow(struct tl_rtab *t)
{
	size_t n = t->nrslots * 2, i, j;
	struct tl_vec *nv = tl_vec_zeroed(t->ctx, n, sizeof(uint32_t));
	uint32_t *ns;

	if (nv == NULL)
		return TELLER_ENOMEM;
	ns = nv->data;
	for (j = 0; j < t->recs->len; j++) {
		for (i = REC(t, j)->hash & (n - 1); ns[i] != 0;
		    i = (i + 1) & (n - 1))
			;
		ns[i] = (uint32_t)j + 1;
	}
	tl_vec_release(t->ctx, t->rslotv);
	t->rslotv = nv;
	t->rslots = ns;
	t->nrslots = n;
	return TELLER_OK;
}

/* Remember one ballot for the CDF export. */
static int
cdf_ballot(struct tl_rtab *t, const struct tl_cvr *r, uint32_t rec)
{
	struct cdfballot b;
	size_t n = strlen(r->computed_id) + 1;

	b.rec = rec;
	b.idoff = (uint32_t)t->cdfids->len;
	b.prec = -1;
	if (r->precinct != NULL) {
		b.prec = tl_rtab_strtab_get(t->ctx, &t->cdfprec,
		    r->precinct, true);
		if (b.prec < 0)
			return TELLER_ENOMEM;
	}
	if (t->cdfids->len + n > UINT32_MAX ||
	    tl_vec_reserve(t->ctx, t->cdfids, n) != TELLER_OK)
		return tl_fail_in(t->ctx, r->file, TELLER_ELIMIT, 0, 0, "too "
		    "many ballots for the CDF export");
	memcpy((char *)t->cdfids->data + t->cdfids->len, r->computed_id, n);
	t->cdfids->len += n;
	return tl_vec_push(t->ctx, t->cdfballots, &b) == NULL ?
	    TELLER_ENOMEM : TELLER_OK;
}

static uint64_t
stab_hash(const void *p, const int *sl)
{
	uint64_t h = (uint64_t)(uintptr_t)p;

	h ^= ((uint64_t)(uint32_t)sl[0] << 32) ^ (uint32_t)sl[1];
	h *= 0x9E3779B97F4A7C15u;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9u;
	return h ^ (h >> 32);
}

#define STAB_TAG(h) ((h) & ~(uint64_t)UINT32_MAX)

/* The slot of (p, sl), hash h, in the stable-slots index: one holding
 * its entry (1 + its index in t->sents, under the hash's high half), or
 * the empty one where it would go. The entries are kept in the order
 * first met (the common ones early, close together) and the index is
 * small. Keyed by a pointer and two slice numbers, not by a string (one
 * probe per ballot that a reader passed as stable), so it is not a
 * tl_strtab. */
static uint64_t *
stab_find(const struct tl_rtab *t, const void *p, const int *sl,
    uint64_t h)
{
	size_t mask = t->nstabslots - 1, i;
	const struct sent *e;
	uint64_t *x;

	for (i = (size_t)h & mask;; i = (i + 1) & mask) {
		x = &t->stab[i];
		if (*x == 0)
			return x;
		if (STAB_TAG(*x) != STAB_TAG(h))
			continue;
		e = &TL_VEC_AT(t->sents, struct sent, (uint32_t)*x - 1);
		if (e->slots == p && e->sl[0] == sl[0] && e->sl[1] == sl[1])
			return x;
	}
}

/* Note a stable record's slots pointer (rctab_cvr.h) as keying record
 * rec under slices sl. */
static int
remember(struct tl_rtab *t, const struct tl_cvr *r, const int *sl,
    uint32_t rec)
{
	struct sent *e;
	uint64_t h, *x;
	size_t i, j;

	if (!r->stable)
		return TELLER_OK;
	if (t->sents == NULL &&
	    (t->sents = tl_vec_new(t->ctx, sizeof(struct sent))) == NULL)
		return TELLER_ENOMEM;
	if (t->nstab >= UINT32_MAX - 1)
		return TELLER_OK;
	if ((t->nstab + 1) * 2 > t->nstabslots) {
		size_t n = t->nstabslots == 0 ? 1024 : t->nstabslots * 2;
		struct tl_vec *nv = tl_vec_zeroed(t->ctx, n, sizeof(uint64_t));
		uint64_t *ns;
		if (nv == NULL)
			return TELLER_ENOMEM;
		ns = nv->data;
		for (i = 0; i < t->nstab; i++) {
			e = &TL_VEC_AT(t->sents, struct sent, i);
			h = stab_hash(e->slots, e->sl);
			for (j = (size_t)h & (n - 1); ns[j] != 0;
			    j = (j + 1) & (n - 1))
				;
			ns[j] = STAB_TAG(h) | (uint64_t)(i + 1);
		}
		tl_vec_release(t->ctx, t->stabv);
		t->stabv = nv;
		t->stab = ns;
		t->nstabslots = n;
	}
	h = stab_hash(r->slots, sl);
	x = stab_find(t, r->slots, sl, h);
	if (*x != 0) {
		e = &TL_VEC_AT(t->sents, struct sent, (uint32_t)*x - 1);
	} else {
		if ((e = tl_vec_push(t->ctx, t->sents, NULL)) == NULL)
			return TELLER_ENOMEM;
		memset(e, 0, sizeof *e);
		t->nstab++;
		*x = STAB_TAG(h) | (uint64_t)t->nstab;
	}
	e->slots = r->slots;
	e->sl[0] = sl[0];
	e->sl[1] = sl[1];
	e->rec = rec;
	e->txt = t->cvlast;
	if (r->hint != NULL)
		*r->hint = (uint32_t)*x;
	return TELLER_OK;
}

/* Add the weights and string counts owed by the stable-slots table
 * (each hit is a ballot identical to its record) and zero them; then
 * empty the table when clear is set (stable pointers hold for one
 * reader call only). */
static void
stab_settle(struct tl_rtab *t, bool clear)
{
	size_t i;
	uint32_t pos, end, j, n;

	for (i = 0; i < t->nstab; i++) {
		struct sent *e = &TL_VEC_AT(t->sents, struct sent, i);
		struct rrec *rec;
		const uint32_t *c;
		if (e->hits == 0)
			continue;
		rec = REC(t, e->rec);
		rec->w += e->hits;
		c = &TL_VEC_AT(t->cells, uint32_t, rec->off);
		for (pos = 0, end = rec->len - 2; pos < end; pos += 2 + n) {
			n = c[pos + 1];
			for (j = 0; j < n; j++)
				TOK(t, c[pos + 2 + j])->count += e->hits;
		}
		e->hits = 0;
	}
	if (clear && t->nstab > 0) {
		memset(t->stab, 0, t->nstabslots * sizeof *t->stab);
		t->sents->len = 0;
		t->nstab = 0;
	}
}

/* ------------------------------------------------------------------ */
/* rctab_cvr.csv: RCTab's simplified CVR export (rctab.md 8.6)         */

/* The rows of the export are written in pieces of CVX_BUF bytes (fewer,
 * larger writes than tl_out's), their errors recorded in cvo. */
#define CVX_BUF ((size_t)64 << 10)

/*
 * With more than one thread (and no trace), the pieces are written by a
 * thread of their own (the write function's system calls and whatever
 * it does, such as hashing, off the reading thread): cvb is one of
 * CVW_N buffers, handed over whole, in order, at most CVW_N - 1 waiting.
 * Memory stays CVW_N pieces whatever the export's size. The outcome is
 * that of writing each piece when it is handed over: a piece the writer
 * could not write is reported as "output could not be written" (with
 * the input named when it was handed over) ahead of any error the read
 * met after it, and nothing more is written after it.
 */
#define CVW_N 4

struct cvw {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;        /* a piece handed over, taken, or stop */
	teller_write_fn write;
	void *ud;
	char *buf[CVW_N];
	size_t len[CVW_N];
	const char *in[CVW_N];    /* ctx->inname when handed over */
	int head, count;          /* the pieces waiting: head, head + 1.. */
	bool stop;
	bool failed;              /* a piece could not be written: */
	const char *failin;       /* its input name */
	bool failseen;            /* reported by the reading thread */
};

static void *
cvw_main(void *arg)
{
	struct cvw *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		int k = w->head;
		bool bad;

		while (w->count == 0 && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->count == 0)
			break;
		bad = w->failed;
		pthread_mutex_unlock(&w->mu);
		if (!bad && w->len[k] > 0 &&
		    w->write(w->ud, w->buf[k], w->len[k]) != 0)
			bad = true;
		pthread_mutex_lock(&w->mu);
		if (bad && !w->failed) {
			w->failed = true;
			w->failin = w->in[k];
		}
		w->head = (k + 1) % CVW_N;
		w->count--;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Start the writer of t's export (write, ud) when more than one thread
 * may be used and no trace asked; when no thread can be started the
 * pieces are written by the reading thread. ENOMEM, else OK. */
static int
cvw_start(struct tl_rtab *t, teller_write_fn write, void *ud)
{
	struct cvw *w;
	int i;

	if (t->ctx->threads <= 1 || t->opts->trace != NULL)
		return TELLER_OK;
	if ((w = tl_alloc(t->ctx, 1, sizeof *w)) == NULL)
		return TELLER_ENOMEM;
	memset(w, 0, sizeof *w);
	w->write = write;
	w->ud = ud;
	for (i = 0; i < CVW_N; i++)
		if ((w->buf[i] = tl_alloc(t->ctx, CVX_BUF, 1)) == NULL)
			return TELLER_ENOMEM;
	if (pthread_mutex_init(&w->mu, NULL) != 0)
		return TELLER_OK;
	if (pthread_cond_init(&w->cv, NULL) != 0) {
		pthread_mutex_destroy(&w->mu);
		return TELLER_OK;
	}
	if (pthread_create(&w->th, NULL, cvw_main, w) != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		return TELLER_OK;
	}
	t->cvw = w;
	t->cvb = w->buf[0];
	return TELLER_OK;
}

/* A piece the writer could not write, seen by the reading thread: the
 * error as writing it here would have recorded it (under w->mu). */
static void
cvw_seen(struct tl_rtab *t, struct cvw *w)
{
	if (!w->failed || w->failseen)
		return;
	w->failseen = true;
	if (t->cvo.err == TELLER_OK)
		t->cvo.err = tl_fail_in(t->ctx, w->failin, TELLER_EWRITE, 0, 0,
		    "output could not be written");
}

/* Hand cvb's n bytes to the writer, waiting for a free buffer, which
 * becomes cvb. */
static void
cvw_put(struct tl_rtab *t, size_t n)
{
	struct cvw *w = t->cvw;
	int k;

	pthread_mutex_lock(&w->mu);
	k = (w->head + w->count) % CVW_N;
	w->len[k] = n;
	w->in[k] = t->ctx->inname;
	w->count++;
	pthread_cond_broadcast(&w->cv);
	while (w->count == CVW_N)
		pthread_cond_wait(&w->cv, &w->mu);
	t->cvb = w->buf[(w->head + w->count) % CVW_N];
	cvw_seen(t, w);
	pthread_mutex_unlock(&w->mu);
}

/* Wait until the writer has written every piece handed over. */
static void
cvw_wait(struct tl_rtab *t)
{
	struct cvw *w = t->cvw;

	pthread_mutex_lock(&w->mu);
	while (w->count > 0)
		pthread_cond_wait(&w->cv, &w->mu);
	cvw_seen(t, w);
	pthread_mutex_unlock(&w->mu);
}

/* Stop the writer once it has written every piece handed over; rc is
 * the read's outcome, and is what the export's end returns unless a
 * piece handed over before it failed (that error replaces the read's:
 * written here, it would have stopped the read first). */
static int
cvw_stop(struct tl_rtab *t, int rc)
{
	struct cvw *w = t->cvw;
	bool over;

	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	t->cvw = NULL;
	over = w->failed && !w->failseen && t->cvo.err == TELLER_OK &&
	    rc != TELLER_OK;
	if (over) {
		/* the read went on past the failed piece: forget what it
		 * met there */
		t->ctx->err = TELLER_OK;
		t->ctx->oom = false;
	}
	cvw_seen(t, w);
	return w->failed ? TELLER_EWRITE : rc;
}

static void
cvx_write(struct tl_rtab *t, const char *p, size_t n)
{
	struct tl_out *o = &t->cvo;

	if (t->cvw != NULL)
		cvw_wait(t);	/* in order, after the pieces handed over */
	if (o->err == TELLER_OK && n > 0 && o->write(o->ud, p, n) != 0)
		o->err = tl_fail(o->ctx, TELLER_EWRITE, "output could not be "
		    "written");
}

static void
cvx_drain(struct tl_rtab *t)
{
	if (t->cvw != NULL && t->cvo.err == TELLER_OK)
		cvw_put(t, t->cvn);
	else
		cvx_write(t, t->cvb, t->cvn);
	t->cvn = 0;
}

static inline void
cvx_put(struct tl_rtab *t, const char *s, size_t n)
{
	if (CVX_BUF - t->cvn < n) {
		cvx_drain(t);
		if (n > CVX_BUF) {
			cvx_write(t, s, n);
			return;
		}
	}
	memcpy(t->cvb + t->cvn, s, n);
	t->cvn += n;
}

/* Bytes a CSV field cannot hold unquoted (tl_rctab_csvf) */
static const bool cvx_special[256] = { [','] = true, ['"'] = true,
    ['\r'] = true, ['\n'] = true };

/* A word with byte b in each of its 8 bytes. */
#define CVX_B8(b) (UINT64_C(0x0101010101010101) * (b))

/* Whether one of the 8 bytes of x is zero (exact as a whole). */
#define CVX_ZERO8(x) \
	((((x) - CVX_B8(1)) & ~(x) & CVX_B8(0x80)) != 0)

#if defined(__SSE2__)
/* Whether the 16 bytes at s hold a byte of cvx_special. */
static inline bool
cvx_special16(const char *s)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i m = _mm_or_si128(
	    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(',')),
	    _mm_cmpeq_epi8(x, _mm_set1_epi8('"'))),
	    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\r')),
	    _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))));

	return _mm_movemask_epi8(m) != 0;
}
#endif

/* Whether s (n bytes) holds a byte of cvx_special: 16 bytes at a time
 * with SSE2 (from 16 bytes on, the last 16 overlapping), else 8 at a
 * time (the ids are a few dozen bytes), the rest by the table. */
static inline bool
cvx_has_special(const char *s, size_t n)
{
	uint64_t x;
	size_t i;

#if defined(__SSE2__)
	if (n >= 16) {
		for (i = 0; i + 16 <= n; i += 16)
			if (cvx_special16(s + i))
				return true;
		return i < n && cvx_special16(s + n - 16);
	}
#endif
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&x, s, 8);
		if (CVX_ZERO8(x ^ CVX_B8(',')) || CVX_ZERO8(x ^ CVX_B8('"')) ||
		    CVX_ZERO8(x ^ CVX_B8('\r')) || CVX_ZERO8(x ^ CVX_B8('\n')))
			return true;
	}
	for (i = 0; i < n; i++)
		if (cvx_special[(unsigned char)s[i]])
			return true;
	return false;
}

/* Field s (n bytes), not the line's first, as tl_rctab_csvf writes it,
 * into v (reserved here) or, with v NULL, the export. */
static int
cvx_field(struct tl_rtab *t, struct tl_vec *v, const char *s, size_t n)
{
	char *d;
	size_t i, k = 0;
	bool q = false;

	if (n > 0 && (unsigned char)s[0] <= '#')
		q = true;
	else if (n > 0 && (unsigned char)s[n - 1] <= ' ')
		q = true;
	else
		q = cvx_has_special(s, n);
	if (v == NULL && !q && n < 256) {
		/* the common case: ",field" */
		if (CVX_BUF - t->cvn < n + 1)
			cvx_drain(t);
		t->cvb[t->cvn] = ',';
		memcpy(t->cvb + t->cvn + 1, s, n);
		t->cvn += n + 1;
		return TELLER_OK;
	}
	if (v == NULL) {
		/* quoted, its quotes doubled */
		cvx_put(t, ",\"", 2);
		for (i = 0; i < n; i = k + 1) {
			const char *dq = memchr(s + i, '"', n - i);
			k = dq != NULL ? (size_t)(dq - s) : n;
			cvx_put(t, s + i, k - i);
			if (dq != NULL)
				cvx_put(t, "\"\"", 2);
		}
		cvx_put(t, "\"", 1);
		return TELLER_OK;
	}
	if (n > (SIZE_MAX - 3) / 2 ||
	    tl_vec_reserve(t->ctx, v, 2 * n + 3) != TELLER_OK)
		return TELLER_ENOMEM;
	d = (char *)v->data + v->len;
	d[k++] = ',';
	if (q)
		d[k++] = '"';
	for (i = 0; i < n; i++) {
		if (q && s[i] == '"')
			d[k++] = '"';
		d[k++] = s[i];
	}
	if (q)
		d[k++] = '"';
	v->len += k;
	return TELLER_OK;
}

/* The text RCTab prints for CVR string s of source src: the canonical
 * name of a name or alias, the source's own label for a write-in,
 * "overvote", or "" (Java null) for a string no candidate owns. */
static const char *
cvx_name(struct tl_rtab *t, const struct tl_cvr_source *src, const char *s)
{
	int ti;

	if (strcmp(s, TL_CVR_UWI) == 0)
		return src->uwi_label;
	if (strcmp(s, TL_CVR_OVERVOTE) == 0)
		return TL_CVR_OVERVOTE;
	ti = tl_rtab_strtab_get(t->ctx, &t->toks, s, false);
	if (ti >= 0 && TOK(t, ti)->cand >= 0)
		return TOK(t, ti)->cand == t->uwi ? src->uwi_label :
		    t->names[TOK(t, ti)->cand];
	if (*src->uwi_label != '\0' && strcmp(s, src->uwi_label) == 0)
		return src->uwi_label;
	return "";
}

static int
cvx_begin(struct tl_rtab *t)
{
	const struct tl_rctab_sink *k = &t->opts->sink;
	static const char *const head[] = { "Source Filepath",
	    "CVR Provider", "Contest Id", "RCTab CVR Id", "Tabulator Id",
	    "Batch Id", "Vendor Id", "Precinct", "Precinct Portion" };
	teller_write_fn w;
	char buf[32];
	bool first = true;
	size_t i;
	int r;

	t->cvcell = tl_vec_new(t->ctx, 1);
	t->cvpre = tl_vec_new(t->ctx, 1);
	t->cvtxt = tl_vec_new(t->ctx, 1);
	t->cvoff = tl_vec_new(t->ctx, sizeof(uint32_t));
	t->cvrank = tl_vec_new(t->ctx, 1);
	t->cvrec = tl_vec_new(t->ctx, sizeof(uint32_t));
	t->cvb = tl_alloc(t->ctx, CVX_BUF, 1);
	if (t->cvcell == NULL || t->cvpre == NULL || t->cvtxt == NULL ||
	    t->cvoff == NULL || t->cvrank == NULL || t->cvrec == NULL ||
	    t->cvb == NULL)
		return TELLER_ENOMEM;
	t->cvn = 0;
	t->cvsrc = -1;
	if (k->open(k->ud, "rctab_cvr.csv", &w, &t->cvwud) != 0)
		return tl_fail(t->ctx, TELLER_EWRITE, "rctab_cvr.csv: cannot "
		    "write");
	t->cvx = true;
	/* maxRankingsAllowed, or the declared candidates for "max" */
	t->cvmax = t->cfg->max_rank > 0 ? t->cfg->max_rank : t->cfg->ncand;
	tl_out_init(&t->cvo, t->ctx, w, t->cvwud);
	for (i = 0; i < sizeof head / sizeof head[0]; i++)
		tl_rctab_csvf(&t->cvo, &first, head[i]);
	for (r = 1; r <= t->cvmax; r++) {
		snprintf(buf, sizeof buf, "Rank %d", r);
		tl_rctab_csvf(&t->cvo, &first, buf);
	}
	tl_out_str(&t->cvo, t->opts->crlf ? "\r\n" : "\n");
	/* the rows go through cvb, after the header */
	if (tl_out_flush(&t->cvo) != TELLER_OK)
		return TELLER_EWRITE;
	return cvw_start(t, w, t->cvwud);
}

/* Flush and close the export; rc is the reading's outcome. */
static int
cvx_end(struct tl_rtab *t, int rc)
{
	const struct tl_rctab_sink *k = &t->opts->sink;
	int frc;

	if (!t->cvx)
		return rc;
	t->cvx = false;
	/* the pieces handed over written, the last here */
	if (t->cvw != NULL)
		rc = cvw_stop(t, rc);
	cvx_drain(t);
	frc = tl_out_flush(&t->cvo);
	if (k->close(k->ud, t->cvwud) != 0 && frc == TELLER_OK)
		frc = tl_fail(t->ctx, TELLER_EWRITE, "rctab_cvr.csv: cannot "
		    "write");
	return rc != TELLER_OK ? rc : frc;
}

struct vecw {
	teller_ctx *ctx;
	struct tl_vec *v;
};

static int
vec_write(void *ud, const char *p, size_t n)
{
	struct vecw *w = ud;

	if (tl_vec_reserve(w->ctx, w->v, n) != TELLER_OK)
		return 1;
	memcpy((char *)w->v->data + w->v->len, p, n);
	w->v->len += n;
	return 0;
}

/* Append field s to v as tl_rctab_csvf writes it; with nul, a NUL
 * after it. */
static int
vec_field(struct tl_rtab *t, struct tl_vec *v, bool first, const char *s,
    bool nul)
{
	struct vecw w = { t->ctx, v };
	struct tl_out o;

	tl_out_init(&o, t->ctx, vec_write, &w);
	tl_rctab_csvf(&o, &first, s);
	if (nul)
		tl_out_mem(&o, "", 1);
	return tl_out_flush(&o);
}

/* The token of CVR string s, through a small cache keyed by its address
 * (readers hand the same pointer for the same string); -1 when out of
 * memory. */
static int
cvx_tok(struct tl_rtab *t, const char *s)
{
	size_t ci = ((uintptr_t)s >> 3) & 63;
	int ti;

	if (t->cache[ci].p == s && strcmp(((const char **)
	    t->toks.strs->data)[t->cache[ci].tok], s) == 0)
		return t->cache[ci].tok;
	if ((ti = tl_rtab_tok_get(t, s)) < 0)
		return -1;
	t->cache[ci].p = s;
	t->cache[ci].tok = ti;
	return ti;
}

/* n bytes at p to v, or with v NULL to the export. */
static int
cvx_emit(struct tl_rtab *t, struct tl_vec *v, const char *p, size_t n)
{
	if (v == NULL) {
		cvx_put(t, p, n);
		return TELLER_OK;
	}
	if (tl_vec_reserve(t->ctx, v, n) != TELLER_OK)
		return TELLER_ENOMEM;
	memcpy((char *)v->data + v->len, p, n);
	v->len += n;
	return TELLER_OK;
}

/* The rank field of a one-string rank, from the cache or made now, to v
 * or the export (cvx_emit). */
static int
cvx_one(struct tl_rtab *t, const struct tl_cvr_source *src,
    const struct tl_cvr *r, const char *s, struct tl_vec *v)
{
	int ti = cvx_tok(t, s);
	uint32_t *off, z = 0, at, n;
	const char *nm;

	if (ti < 0)
		return TELLER_ENOMEM;
	while (t->cvoff->len <= (size_t)ti)
		if (tl_vec_push(t->ctx, t->cvoff, &z) == NULL)
			return TELLER_ENOMEM;
	off = &TL_VEC_AT(t->cvoff, uint32_t, ti);
	if (*off == 0) {
		/* its length, then ",name" as written */
		if (t->cvtxt->len >= UINT32_MAX / 2)
			return tl_fail_in(t->ctx, r->file, TELLER_ELIMIT, 0,
			    0, "too many candidate strings");
		at = (uint32_t)t->cvtxt->len;
		nm = cvx_name(t, src, s);
		if (tl_vec_reserve(t->ctx, t->cvtxt, sizeof n) != TELLER_OK)
			return TELLER_ENOMEM;
		t->cvtxt->len += sizeof n;
		if (cvx_field(t, t->cvtxt, nm, strlen(nm)) != TELLER_OK)
			return TELLER_ENOMEM;
		n = (uint32_t)(t->cvtxt->len - at - sizeof n);
		memcpy((char *)t->cvtxt->data + at, &n, sizeof n);
		off = &TL_VEC_AT(t->cvoff, uint32_t, ti);
		*off = at + 1;
	}
	nm = (const char *)t->cvtxt->data + *off - 1;
	memcpy(&n, nm, sizeof n);
	return cvx_emit(t, v, nm + sizeof n, n);
}

/* The rank fields of r and the line's end, to v or the export. */
static int
cvx_ranks(struct tl_rtab *t, const struct tl_cvr_source *src,
    const struct tl_cvr *r, struct tl_vec *v)
{
	int rank, s = 0, j;

	for (rank = 1; rank <= t->cvmax; rank++) {
		const struct tl_cvr_slot *sl;
		while (s < r->nslots && r->slots[s].rank < rank)
			s++;
		if (s == r->nslots || r->slots[s].rank != rank) {
			if (cvx_emit(t, v, ",undervote", 10) != TELLER_OK)
				return TELLER_ENOMEM;
			continue;
		}
		sl = &r->slots[s];
		if (sl->n == 1) {
			if (cvx_one(t, src, r, sl->cands[0], v) != TELLER_OK)
				return TELLER_ENOMEM;
			continue;
		}
		/* several strings at a rank: one per line in the cell */
		t->cvcell->len = 0;
		for (j = 0; j < sl->n; j++) {
			const char *nm = cvx_name(t, src, sl->cands[j]);
			size_t n = strlen(nm);
			if (tl_vec_reserve(t->ctx, t->cvcell, n + 2) !=
			    TELLER_OK)
				return TELLER_ENOMEM;
			if (j > 0)
				((char *)t->cvcell->data)[t->cvcell->len++] =
				    '\n';
			memcpy((char *)t->cvcell->data + t->cvcell->len, nm,
			    n);
			t->cvcell->len += n;
		}
		((char *)t->cvcell->data)[t->cvcell->len] = '\0';
		if (cvx_field(t, v, t->cvcell->data, t->cvcell->len) !=
		    TELLER_OK)
			return TELLER_ENOMEM;
	}
	return t->opts->crlf ? cvx_emit(t, v, "\r\n", 2) :
	    cvx_emit(t, v, "\n", 1);
}

/* Bytes of stable records' rank fields kept per source, at most. */
#define CVX_RANKS ((size_t)64 << 20)

/* The rank fields of r (record ri, with e NULL) from cvrank if kept,
 * else made, and kept while cvrank has room; cvlast says where. */
static int
cvx_rec_ranks(struct tl_rtab *t, const struct tl_cvr_source *src,
    const struct tl_cvr *r, uint32_t ri)
{
	uint32_t n, at, z = 0, *x;

	if (ri < t->cvrec->len && (at = TL_VEC_AT(t->cvrec, uint32_t,
	    ri)) != 0) {
		const char *p = (const char *)t->cvrank->data + at - 1;
		memcpy(&n, p, sizeof n);
		cvx_put(t, p + sizeof n, n);
		t->cvlast = at;
		return TELLER_OK;
	}
	if (t->cvrank->len >= CVX_RANKS)
		return cvx_ranks(t, src, r, NULL);
	while (t->cvrec->len <= ri)
		if (tl_vec_push(t->ctx, t->cvrec, &z) == NULL)
			return TELLER_ENOMEM;
	at = (uint32_t)t->cvrank->len;
	if (tl_vec_reserve(t->ctx, t->cvrank, sizeof n) != TELLER_OK)
		return TELLER_ENOMEM;
	t->cvrank->len += sizeof n;
	if (cvx_ranks(t, src, r, t->cvrank) != TELLER_OK)
		return TELLER_ENOMEM;
	n = (uint32_t)(t->cvrank->len - at - sizeof n);
	memcpy((char *)t->cvrank->data + at, &n, sizeof n);
	cvx_put(t, (const char *)t->cvrank->data + at + sizeof n, n);
	x = &TL_VEC_AT(t->cvrec, uint32_t, ri);
	*x = at + 1;
	t->cvlast = at + 1;
	return TELLER_OK;
}

/* The export's row of r; e: r's stable-slots entry, if it has one (its
 * rank fields, if kept, are written from cvrank), else ri: the record
 * r goes into (the rank fields of its rows kept by cvx_rec_ranks). A
 * stable record's rank fields are kept, cvlast saying where, for
 * remember. */
static int
cvx_row(struct tl_rtab *t, const struct tl_cvr *r, const struct sent *e,
    uint32_t ri)
{
	const struct tl_cvr_source *src = &t->cfg->src[t->cursrc];
	const char *ids[6];
	uint32_t n;
	int i;

	if (t->cvsrc != t->cursrc) {
		/* a new source: its fields, and its write-in label; the
		 * readers that give RCTab's CVR a contest id */
		bool cid = t->curprov->export_contest_id;
		t->cvsrc = t->cursrc;
		t->cvpre->len = 0;
		t->cvtxt->len = 0;
		t->cvrank->len = 0;
		if (t->cvoff->len > 0) /* data is NULL until first grown */
			memset(t->cvoff->data, 0,
			    t->cvoff->len * sizeof(uint32_t));
		if (t->cvrec->len > 0)
			memset(t->cvrec->data, 0,
			    t->cvrec->len * sizeof(uint32_t));
		if (vec_field(t, t->cvpre, true, src->raw_path, false) !=
		    TELLER_OK ||
		    vec_field(t, t->cvpre, false, src->provider, false) !=
		    TELLER_OK ||
		    vec_field(t, t->cvpre, false, cid ? src->contest_id : "",
		    false) != TELLER_OK)
			return TELLER_ENOMEM;
	}
	cvx_put(t, t->cvpre->data, t->cvpre->len);
	ids[0] = r->computed_id;
	ids[1] = r->tabulator_id;
	ids[2] = r->batch;
	ids[3] = r->supplied_id;
	ids[4] = r->precinct;
	ids[5] = r->precinct_portion;
	for (i = 0; i < 6; i++) {
		if (ids[i] == NULL || ids[i][0] == '\0') {
			/* an empty field: its comma */
			if (t->cvn == CVX_BUF)
				cvx_drain(t);
			t->cvb[t->cvn++] = ',';
		} else if (cvx_field(t, NULL, ids[i], strlen(ids[i])) !=
		    TELLER_OK) {
			return TELLER_ENOMEM;
		}
	}
	t->cvlast = 0;
	if (e != NULL && e->txt != 0) {
		const char *p = (const char *)t->cvrank->data + e->txt - 1;
		memcpy(&n, p, sizeof n);
		cvx_put(t, p + sizeof n, n);
	} else if (e == NULL) {
		if (cvx_rec_ranks(t, src, r, ri) != TELLER_OK)
			return TELLER_ENOMEM;
	} else if (cvx_ranks(t, src, r, NULL) != TELLER_OK) {
		return TELLER_ENOMEM;
	}
	return t->cvo.err != 0 ? TELLER_EWRITE : TELLER_OK;
}

/* The record's precinct and batch slice ids into sl (-1: none). */
static int
on_slices(struct tl_rtab *t, const struct tl_cvr *r, int sl[2])
{
	const struct tl_rctab_cfg *cfg = t->cfg;

	if (r->precinct != NULL) {
		t->any_prec = true;
		if (cfg->by_precinct && r->precinct[0] != '\0') {
			sl[0] = tl_rtab_strtab_get(t->ctx, &t->prec,
			    r->precinct, true);
			if (sl[0] < 0)
				return TELLER_ENOMEM;
		}
	}
	if (r->batch != NULL) {
		t->any_batch = true;
		if (cfg->by_batch && r->batch[0] != '\0') {
			sl[1] = tl_rtab_strtab_get(t->ctx, &t->batch, r->batch,
			    true);
			if (sl[1] < 0)
				return TELLER_ENOMEM;
		}
	}
	return TELLER_OK;
}

/* The record's key into t->keyv: (rank, n, n tokens) a slot, then the
 * two slice ids; its length into *np, its highest rank into *lastp.
 * Counts each string's use (w ballots). */
static int
on_key(struct tl_rtab *t, const struct tl_cvr *r, const int sl[2],
    int64_t w, size_t *np, int *lastp)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	size_t n = 0, need = 2;
	int s, j, ti, last = 0;
	uint32_t *k;

	for (s = 0; s < r->nslots; s++)
		need += 2 + (size_t)r->slots[s].n;
	if (need > t->maxtoks)
		t->maxtoks = need;
	if (t->keyv->cap < need &&
	    tl_vec_reserve(t->ctx, t->keyv, need - t->keyv->len) != TELLER_OK)
		return TELLER_ENOMEM;
	k = t->keyv->data;
	for (s = 0; s < r->nslots; s++) {
		const struct tl_cvr_slot *sl0 = &r->slots[s];
		if (sl0->rank <= last || sl0->n <= 0)
			return tl_fail_in(t->ctx, r->file, TELLER_EPARSE,
			    r->line, 0, "CVR \"%s\": ranks out of order",
			    r->computed_id);
		if (cfg->max_rank > 0 && sl0->rank > cfg->max_rank)
			return tl_fail_in(t->ctx, r->file, TELLER_EPARSE,
			    r->line, 0, "CVR \"%s\" has a ranking %d, but the "
			    "contest has max ranking %d (maxRankingsAllowed)",
			    r->computed_id, sl0->rank, cfg->max_rank);
		last = sl0->rank;
		k[n++] = (uint32_t)sl0->rank;
		k[n++] = (uint32_t)sl0->n;
		for (j = 0; j < sl0->n; j++) {
			if ((ti = cvx_tok(t, sl0->cands[j])) < 0)
				return TELLER_ENOMEM;
			TOK(t, ti)->count += w;
			k[n++] = (uint32_t)ti;
		}
	}
	k[n++] = (uint32_t)sl[0];
	k[n++] = (uint32_t)sl[1];
	*np = n;
	*lastp = last;
	return TELLER_OK;
}

/* A record not seen before: key k[0..n) with hash h, into the empty
 * slot i of the record table. */
static int
on_new(struct tl_rtab *t, const struct tl_cvr *r, const int sl[2],
    const uint32_t *k, size_t n, uint32_t h, size_t i, int last, int64_t w)
{
	teller_ctx *ctx = t->ctx;
	struct rrec z;

	if (t->recs->len >= ctx->lim.patterns)
		return tl_fail_in(ctx, r->file, TELLER_ELIMIT, 0, 0, "more "
		    "than %zu distinct ballots", ctx->lim.patterns);
	if (t->cells->len + n > UINT32_MAX)
		return tl_fail_in(ctx, r->file, TELLER_ELIMIT, 0, 0, "ballot "
		    "data too large");
	memset(&z, 0, sizeof z);
	z.off = (uint32_t)t->cells->len;
	z.len = (uint32_t)n;
	z.hash = h;
	z.sl[0] = sl[0];
	z.sl[1] = sl[1];
	z.w = w;
	z.maxrank = last;
	z.nranks = r->nslots;
	if (tl_vec_reserve(ctx, t->cells, n) != TELLER_OK)
		return TELLER_ENOMEM;
	memcpy(&TL_VEC_AT(t->cells, uint32_t, t->cells->len), k,
	    n * sizeof(uint32_t));
	t->cells->len += n;
	if (tl_vec_push(ctx, t->recs, &z) == NULL)
		return TELLER_ENOMEM;
	t->rslots[i] = (uint32_t)t->recs->len;
	if (remember(t, r, sl, (uint32_t)t->recs->len - 1) != TELLER_OK)
		return TELLER_ENOMEM;
	if (t->cdf && cdf_ballot(t, r, (uint32_t)t->recs->len - 1) !=
	    TELLER_OK)
		return TELLER_ENOMEM;
	if (t->recs->len * 2 > t->nrslots)
		return rec_grow(t);
	return TELLER_OK;
}

/* opts->trace (teller_rctab_trace): ballot r went into record rec. Its
 * ranking as marked, ranks joined by '>', marks at a rank by '='. */
static int
trace_ballot(struct tl_rtab *t, const struct tl_cvr *r, uint32_t rec)
{
	const teller_rctab_trace *tr = t->opts->trace;
	const char *id = r->supplied_id != NULL ? r->supplied_id :
	    r->computed_id != NULL ? r->computed_id : "";
	struct tl_vec *b;
	int i, j, rank = 1;

	if (t->trbuf == NULL && (t->trbuf = tl_vec_new(t->ctx, 1)) == NULL)
		return TELLER_ENOMEM;
	b = t->trbuf;
	b->len = 0;
	for (i = 0; i < r->nslots; i++) {
		const struct tl_cvr_slot *sl = &r->slots[i];
		for (; rank < sl->rank; rank++)
			if (tl_vec_push(t->ctx, b, ">") == NULL)
				return TELLER_ENOMEM;
		for (j = 0; j < sl->n; j++) {
			size_t n = strlen(sl->cands[j]);
			if ((j > 0 && tl_vec_push(t->ctx, b, "=") == NULL) ||
			    tl_vec_reserve(t->ctx, b, n + 1) != TELLER_OK)
				return TELLER_ENOMEM;
			memcpy((char *)b->data + b->len, sl->cands[j], n);
			b->len += n;
		}
	}
	if (tl_vec_push(t->ctx, b, "") == NULL)
		return TELLER_ENOMEM;
	if (tr->ballot != NULL && tr->ballot(tr->ud, id, b->data, rec) != 0)
		return tl_fail_in(t->ctx, r->file, TELLER_EINVAL, 0, 0,
		    "trace: stopped at ballot %s", id);
	return TELLER_OK;
}

static int
on_cvr(teller_ctx *ctx, void *ud, const struct tl_cvr *r)
{
	struct tl_rtab *t = ud;
	uint32_t *k, h;
	size_t n = 0, i, mask;
	int s, last = 0, sl[2] = { -1, -1 };
	struct rrec *rec;
	/* a merged record (rctab_cvr.h) stands for weight ballots */
	int64_t w = r->weight > 0 ? r->weight : 1;

	(void)ctx;
	if ((s = on_slices(t, r, sl)) != TELLER_OK)
		return s;
	if (r->stable && t->nstab > 0) {
		/* the reader promises: same slots pointer, same slots, and
		 * those slots were checked and keyed when first seen */
		struct sent *e = NULL;
		uint32_t hi = r->hint != NULL ? *r->hint : 0;
		if (hi != 0 && hi <= t->nstab) {
			/* the reader kept where the entry was */
			e = &TL_VEC_AT(t->sents, struct sent, hi - 1);
			if (e->slots != r->slots || e->sl[0] != sl[0] ||
			    e->sl[1] != sl[1])
				e = NULL;
		}
		if (e == NULL) {
			uint64_t x = *stab_find(t, r->slots, sl,
			    stab_hash(r->slots, sl));
			if (x != 0) {
				e = &TL_VEC_AT(t->sents, struct sent,
				    (uint32_t)x - 1);
				if (r->hint != NULL)
					*r->hint = (uint32_t)x;
			}
		}
		if (e != NULL) {
			if (t->cvx && (s = cvx_row(t, r, e, 0)) != TELLER_OK)
				return s;
			/* the record's weight and string counts settle
			 * after the source */
			e->hits += w;
			if (t->opts->trace != NULL &&
			    (s = trace_ballot(t, r, e->rec)) != TELLER_OK)
				return s;
			return t->cdf ? cdf_ballot(t, r, e->rec) : TELLER_OK;
		}
	}
	if ((s = on_key(t, r, sl, w, &n, &last)) != TELLER_OK)
		return s;
	k = t->keyv->data;
	h = keyhash(k, n);
	mask = t->nrslots - 1;
	for (i = h & mask; t->rslots[i] != 0; i = (i + 1) & mask) {
		rec = REC(t, t->rslots[i] - 1);
		if (rec->hash == h && rec->len == n &&
		    memcmp(&TL_VEC_AT(t->cells, uint32_t, rec->off), k,
		    n * sizeof(uint32_t)) == 0)
			break;
	}
	/* the record's row (a new record's index is recs->len) */
	if (t->cvx && (s = cvx_row(t, r, NULL, t->rslots[i] != 0 ?
	    t->rslots[i] - 1 : (uint32_t)t->recs->len)) != TELLER_OK)
		return s;
	if (t->rslots[i] != 0) {
		rec = REC(t, t->rslots[i] - 1);
		rec->w += w;
		if (remember(t, r, sl, t->rslots[i] - 1) != TELLER_OK)
			return TELLER_ENOMEM;
		if (t->opts->trace != NULL && (s = trace_ballot(t, r,
		    t->rslots[i] - 1)) != TELLER_OK)
			return s;
		return t->cdf ? cdf_ballot(t, r, t->rslots[i] - 1) :
		    TELLER_OK;
	}
	if ((s = on_new(t, r, sl, k, n, h, i, last, w)) != TELLER_OK ||
	    t->opts->trace == NULL)
		return s;
	return trace_ballot(t, r, (uint32_t)t->recs->len - 1);
}

/* After each source: every CVR string must be a candidate name or
 * alias, or this source's write-in or overvote label (rctab.md 7,
 * including the #889 quirk: the stored "overvote" string passes only
 * when this source's overvoteLabel is literally "overvote"). */
static int
check_unrecognized(struct tl_rtab *t, const struct tl_cvr_source *src)
{
	const char **strs = t->toks.strs->data;
	size_t i;

	for (i = 0; i < t->tokinfo->len; i++) {
		struct tok *k = TOK(t, i);
		if (k->cand >= 0 || k->count == 0)
			continue;
		if (*src->uwi_label != '\0' && t->uwi >= 0 &&
		    strcmp(strs[i], src->uwi_label) == 0) {
			k->cand = t->uwi;
			continue;
		}
		if (*src->overvote_label != '\0' &&
		    strcmp(strs[i], src->overvote_label) == 0)
			continue;
		return tl_fail_in(t->ctx, src->path, TELLER_EPARSE, 0, 0,
		    "Unrecognized candidate \"%s\" appears %lld time(s)!",
		    strs[i],
		    (long long)k->count);
	}
	return TELLER_OK;
}

static int
read_all(struct tl_rtab *t)
{
	const struct tl_rctab_cfg *cfg = t->cfg;
	int i, rc;

	for (i = 0; i < cfg->nsrc; i++) {
		const struct tl_cvr_source *src = &cfg->src[i];
		const struct tl_cvr_provider *pv =
		    tl_cvr_provider_find(src->provider);
		struct tl_cvr_source one = *src;
		t->cursrc = i;
		t->curprov = pv;
		if (pv == NULL)
			return tl_fail_in(t->ctx, src->path, TELLER_EINTERNAL,
			    0, 0, "provider %s has no reader", src->provider);
		/* repeats may come merged when no slice or export needs
		 * each ballot's id, precinct or batch */
		one.merge = !cfg->by_precinct && !cfg->by_batch && !t->cdf &&
		    !t->cvx && t->opts->trace == NULL;
		one.hart_sig = t->opts->hart_sig;
		one.hart_modulus = t->opts->hart_modulus;
		one.hart_exponent = t->opts->hart_exponent;
		/* the next ES&S workbook may be read ahead */
		one.ahead = &t->ahead;
		one.next_path = pv->read == tl_cvr_read_ess && i + 1 <
		    cfg->nsrc && tl_cvr_provider_find(cfg->src[i +
		    1].provider) == pv ? cfg->src[i + 1].path : NULL;
		src = &one;
		/* stable pointers are promised per reader call only */
		stab_settle(t, true);
		rc = pv->read(t->ctx, src, on_cvr, t);
		if (rc != TELLER_OK)
			return t->ctx->err != TELLER_OK ? t->ctx->err : rc;
		stab_settle(t, false);
		if ((rc = check_unrecognized(t, src)) != TELLER_OK)
			return rc;
	}
	if (t->recs->len == 0)
		return tl_fail(t->ctx, TELLER_EPARSE, "No cast vote records "
		    "found!");
	return TELLER_OK;
}

/* Read every source in order, writing rctab_cvr.csv on the way when
 * asked (RCTab writes it after reading, before tabulating). */
int
tl_rtab_read_sources(struct tl_rtab *t)
{
	int rc;

	if (t->opts->cvr_csv && (rc = cvx_begin(t)) != TELLER_OK)
		return rc;
	rc = read_all(t);
	/* a read ahead not used (the read failed before its file) */
	tl_xlsx_ahead_free(t->ctx, t->ahead);
	t->ahead = NULL;
	return cvx_end(t, rc);
}
