/* SPDX-License-Identifier: MIT */
/*
 * cvr_ess.c -- ES&S cast vote records (provider "ess", rctab.md 7.1): the
 * first worksheet of an .xlsx export, one CVR per sheet row from
 * firstVoteRowIndex on, ranking columns from firstVoteColumnIndex for
 * maxRankingsAllowed columns. Cells are trimmed, split on the overvote
 * delimiter, and the skipped-rank, overvote and write-in labels mapped.
 */
#include <stdio.h>
#include <string.h>

#include "rctab.h"

static const char s_uwi[] = TL_CVR_UWI;
static const char s_ov[] = TL_CVR_OVERVOTE;

/*
 * The memo: a row whose ranking cells are all shared strings is a
 * function of those cells' columns and strings, so its slots are made
 * once per distinct such row, kept until the read returns, and
 * handed over as stable (rctab_cvr.h): the tabulator keys such a row by
 * its slots pointer instead of building and hashing its key. Only slots
 * that point at shared strings or static labels are kept (no copies
 * made from the row), and only for ranking columns within a word's bits
 * of the first. Bounded: past MEMO_MAX patterns or MEMO_BYTES, rows are
 * simply read as before.
 */
#define MEMO_MAX   (1u << 16)
#define MEMO_BLOCK ((size_t)64 << 10)
#define MEMO_BYTES ((size_t)32 << 20)

/* A pattern's key: a word with a bit for each ranking column present
 * (from the first), then their cells' string pointers; in the entry when
 * it fits (one cache line), else in a block. */
#define PAT_INL 5
struct pat {
	uintptr_t key[PAT_INL];  /* the key, or key[0] a pointer to it */
	const struct tl_cvr_slot *slots;
	uint32_t nkey;
	int nslots;
	uint32_t hint;           /* the tabulator's (rctab_cvr.h) */
};

static inline const uintptr_t *
pat_key(const struct pat *pt)
{
	return pt->nkey <= PAT_INL ? pt->key :
	    (const uintptr_t *)pt->key[0];
}

/* The patterns are kept in the order first met (the common ones early,
 * close together), found through a table of (hash's high half, 1 +
 * index) words that stays small. */
struct memo {
	struct tl_vec *tabv;     /* of uint64_t, power of 2; 0 empty */
	uint64_t *tab;
	struct tl_vec *pats;     /* of struct pat */
	size_t cap, n;
	struct tl_vec *blocks;   /* of char *, MEMO_BLOCK each */
	size_t used;             /* bytes used of the last block */
	struct tl_vec *key;      /* of uintptr_t: the row's key */
};

struct ess {
	const struct tl_cvr_source *src;
	tl_cvr_fn fn;
	void *ud;
	char fname[256];          /* sanitized file name for computed IDs */
	char cid[300];            /* the row's computed id (cid_next) */
	size_t cid0, cidlen;      /* where its number starts; its length */
	size_t skl, ovl, uwil;    /* the labels' lengths */
	long n;                   /* data rows so far */
	struct tl_vec *slots;     /* of struct tl_cvr_slot */
	struct tl_vec *ptrs;      /* of const char * */
	struct tl_vec *buf;       /* trimmed/split cell texts */
	struct memo memo;
};

/* Trim Java-style (chars <= ' ') into [*s, *e). */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && (unsigned char)**s <= ' ')
		(*s)++;
	while (*e > *s && (unsigned char)(*e)[-1] <= ' ')
		(*e)--;
}

/* Copy [s, e) NUL-terminated into the row's buffer, which ranks
 * reserved for the whole row (so it does not move while the row is
 * read). */
static const char *
keep(struct ess *x, const char *s, const char *e)
{
	size_t n = (size_t)(e - s);
	char *d = (char *)x->buf->data + x->buf->len;

	memcpy(d, s, n);
	d[n] = '\0';
	x->buf->len += n + 1;
	return d;
}

/* [s, e) is label l of length ln (an empty label matches nothing). */
static inline bool
is_label(const char *s, size_t n, const char *l, size_t ln)
{
	return ln != 0 && ln == n && memcmp(s, l, n) == 0;
}

/* Map one part of a ranking cell: skipped-rank label -> nothing (a
 * skip); overvote label -> "overvote"; write-in label -> the write-in;
 * anything else itself: the cell's own text when the part ends it
 * (*e == NUL), else a copy. */
static int
add_part(teller_ctx *ctx, struct ess *x, const char *s, const char *e,
    int *nparts)
{
	const struct tl_cvr_source *src = x->src;
	size_t n = (size_t)(e - s);
	const char *p;

	if (is_label(s, n, src->skipped_rank_label, x->skl))
		return TELLER_OK;
	if (is_label(s, n, src->overvote_label, x->ovl))
		p = s_ov;
	else if (is_label(s, n, src->uwi_label, x->uwil))
		p = s_uwi;
	else
		p = *e == '\0' ? s : keep(x, s, e);
	if (tl_vec_push(ctx, x->ptrs, &p) == NULL)
		return TELLER_ENOMEM;
	(*nparts)++;
	return TELLER_OK;
}

/* A trimmed ranking cell [s, e): split on the overvote delimiter (each
 * part trimmed; a blank or skipped-rank part is a data error), each part
 * mapped by add_part. */
static int
split_cell(teller_ctx *ctx, struct ess *x, const char *s, const char *e,
    long row, int col, int *np)
{
	const struct tl_cvr_source *src = x->src;
	const char *d = src->overvote_delimiter, *sk = src->skipped_rank_label;
	const char *q = s, *hit, *ps, *pe;
	size_t dl = strlen(d), skl = strlen(sk);
	int rc;

	if (*d == '\0' || strstr(s, d) == NULL)
		return add_part(ctx, x, s, e, np);
	for (;;) {
		ps = q;
		hit = strstr(q, d);
		pe = hit != NULL && hit < e ? hit : e;
		trim(&ps, &pe);
		if (ps == pe || (skl > 0 && (size_t)(pe - ps) == skl &&
		    memcmp(ps, sk, skl) == 0))
			return tl_fail_in(ctx, src->path, TELLER_EPARSE, row,
			    col, "blank or skipped-rank part in an overvoted "
			    "cell");
		if ((rc = add_part(ctx, x, ps, pe, np)) != TELLER_OK)
			return rc;
		if (hit == NULL || hit >= e)
			return TELLER_OK;
		q = hit + dl;
	}
}

/* The row's ranking cells from column first: each split and mapped to
 * a slot. With treatBlankAsUndeclaredWriteIn, empty cells before the
 * last present one (lastpresent), or up to a numeric max (last), are
 * write-ins. */
static int
ranks(teller_ctx *ctx, struct ess *x, const struct tl_xlsx_cell *c, int n,
    long row, int first, int last, int lastpresent)
{
	const struct tl_cvr_source *src = x->src;
	int fill_to = 0, col, ci = 0, rc;
	struct tl_cvr_slot *sl;
	size_t need = 0;

	/* the copies of parts fit in the cells' lengths */
	for (ci = 0; ci < n; ci++)
		need += c[ci].len + 1;
	if (tl_vec_reserve(ctx, x->buf, need) != TELLER_OK)
		return TELLER_ENOMEM;
	ci = 0;
	if (src->blank_is_uwi)
		fill_to = src->max_rankings > 0 ? last : lastpresent;
	for (col = first; col <= (lastpresent > fill_to ? lastpresent :
	    fill_to); col++) {
		int np = 0;
		size_t p0 = x->ptrs->len;
		const char *s, *e;
		while (ci < n && c[ci].col < col)
			ci++;
		if (ci < n && c[ci].col == col) {
			s = c[ci].text;
			e = s + c[ci].len;
			trim(&s, &e);
			if ((rc = split_cell(ctx, x, s, e, row, col, &np)) !=
			    TELLER_OK)
				return rc;
		} else if (src->blank_is_uwi && col <= fill_to) {
			const char *u = s_uwi;
			if (tl_vec_push(ctx, x->ptrs, &u) == NULL)
				return TELLER_ENOMEM;
			np = 1;
		}
		if (np == 0)
			continue;
		sl = tl_vec_push(ctx, x->slots, NULL);
		if (sl == NULL)
			return TELLER_ENOMEM;
		sl->rank = col - first + 1;
		sl->n = np;
		sl->cands = (const char *const *)(uintptr_t)p0;
	}
	return TELLER_OK;
}

/* Turn the offsets into x->ptrs kept in the slots into pointers, now
 * that it is final. */
static void
fix_pointers(struct ess *x)
{
	const char **pp = x->ptrs->data;
	struct tl_cvr_slot *sl = x->slots->data;
	size_t k;

	for (k = 0; k < x->slots->len; k++)
		sl[k].cands = pp + (uintptr_t)sl[k].cands;
}

/* The computed id "<file name>-<data row number>" of data row 0: its
 * number is then counted up in place, a row at a time (cid_next). */
static void
cid_init(struct ess *x)
{
	size_t fl = strlen(x->fname);

	memcpy(x->cid, x->fname, fl);
	x->cid[fl++] = '-';
	x->cid0 = fl;
	x->cid[fl++] = '0';
	x->cid[fl] = '\0';
	x->cidlen = fl;
}

/* The next data row's computed id: its decimal number plus one. */
static void
cid_next(struct ess *x)
{
	char *d = x->cid + x->cid0, *p = x->cid + x->cidlen - 1;

	while (p >= d && *p == '9')
		*p-- = '0';
	if (p >= d) {
		(*p)++;
		return;
	}
	/* all nines: one digit more (a long has at most 19) */
	memmove(d + 1, d, x->cidlen - x->cid0);
	*d = '1';
	x->cid[++x->cidlen] = '\0';
}

/* ---- the memo ---- */

static uint64_t
memo_hash(const uintptr_t *k, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15u ^ n;
	size_t i;

	for (i = 0; i < n; i++) {
		h = (h ^ (uint64_t)k[i]) * 0xff51afd7ed558ccdu;
		h ^= h >> 29;
	}
	return h;
}

/* The slot of key k[0..n) with hash h in the table: its own, or the
 * empty one where it would go. */
static uint64_t *
memo_find(const struct memo *m, const uintptr_t *k, size_t n, uint64_t h)
{
	size_t mask = m->cap - 1, i, j;
	const struct pat *pt;
	const uintptr_t *key;
	uint64_t *e, tag = h & ~(uint64_t)UINT32_MAX;

	for (i = (size_t)h & mask;; i = (i + 1) & mask) {
		e = &m->tab[i];
		if (*e == 0)
			return e;
		if ((*e & ~(uint64_t)UINT32_MAX) != tag)
			continue;
		pt = (const struct pat *)m->pats->data + (uint32_t)*e - 1;
		if (pt->nkey != n)
			continue;
		key = pat_key(pt);
		for (j = 0; j < n && key[j] == k[j]; j++)
			;
		if (j == n)
			return e;
	}
}

/* n bytes, 8-byte aligned, that last until the read returns; NULL with
 * TELLER_OK in *rc when the memo is full. */
static void *
memo_room(teller_ctx *ctx, struct memo *m, size_t n, int *rc)
{
	char *b;

	*rc = TELLER_OK;
	n = (n + 7) & ~(size_t)7;
	if (n > MEMO_BLOCK)
		return NULL;
	if (m->blocks->len == 0 || MEMO_BLOCK - m->used < n) {
		if ((m->blocks->len + 1) * MEMO_BLOCK > MEMO_BYTES)
			return NULL;
		if ((b = tl_realloc(ctx, NULL, 0, MEMO_BLOCK)) == NULL ||
		    tl_vec_push(ctx, m->blocks, &b) == NULL) {
			if (b != NULL)
				tl_free(ctx, b, MEMO_BLOCK);
			*rc = TELLER_ENOMEM;
			return NULL;
		}
		m->used = 0;
	}
	b = TL_VEC_AT(m->blocks, char *, m->blocks->len - 1) + m->used;
	m->used += n;
	return b;
}

/* Keep the row's slots (nsl at sl) under key k[0..n), hash h; *out the
 * kept slots, or NULL when the memo is full. */
static int
memo_add(teller_ctx *ctx, struct memo *m, const uintptr_t *k, size_t n,
    uint64_t h, const struct tl_cvr_slot *sl, int nsl,
    const struct tl_cvr_slot **out)
{
	struct tl_cvr_slot *cs;
	const char **cp;
	uintptr_t *ck;
	struct pat *pt;
	size_t np = 0, i, j;
	int q, rc;

	*out = NULL;
	if (m->n >= MEMO_MAX)
		return TELLER_OK;
	if ((m->n + 1) * 2 > m->cap) {
		size_t nc = m->cap == 0 ? 1024 : m->cap * 2;
		struct tl_vec *nv = tl_vec_zeroed(ctx, nc, sizeof(uint64_t));
		uint64_t *nt;
		if (nv == NULL)
			return TELLER_ENOMEM;
		nt = nv->data;
		for (i = 0; i < m->cap; i++) {
			uint64_t hi;
			if (m->tab[i] == 0)
				continue;
			pt = (struct pat *)m->pats->data +
			    (uint32_t)m->tab[i] - 1;
			hi = memo_hash(pat_key(pt), pt->nkey);
			for (j = (size_t)hi & (nc - 1); nt[j] != 0;
			    j = (j + 1) & (nc - 1))
				;
			nt[j] = m->tab[i];
		}
		tl_vec_release(ctx, m->tabv);
		m->tabv = nv;
		m->tab = nt;
		m->cap = nc;
	}
	for (q = 0; q < nsl; q++)
		np += (size_t)sl[q].n;
	cs = memo_room(ctx, m, (size_t)nsl * sizeof *cs + np * sizeof *cp +
	    (n > PAT_INL ? n : 0) * sizeof *k + 8, &rc);
	if (cs == NULL)
		return rc;
	cp = (const char **)(void *)(cs + nsl);
	ck = (uintptr_t *)(void *)(cp + np);
	for (q = 0, np = 0; q < nsl; q++) {
		cs[q] = sl[q];
		memcpy(cp + np, sl[q].cands, (size_t)sl[q].n * sizeof *cp);
		cs[q].cands = cp + np;
		np += (size_t)sl[q].n;
	}
	if ((pt = tl_vec_push(ctx, m->pats, NULL)) == NULL)
		return TELLER_ENOMEM;
	if (n <= PAT_INL) {
		memcpy(pt->key, k, n * sizeof *k);
	} else {
		memcpy(ck, k, n * sizeof *k);
		pt->key[0] = (uintptr_t)ck;
	}
	pt->nkey = (uint32_t)n;
	pt->hint = 0;
	pt->slots = cs;
	pt->nslots = nsl;
	*memo_find(m, k, n, h) = (h & ~(uint64_t)UINT32_MAX) |
	    (uint64_t)m->pats->len;
	m->n++;
	*out = cs;
	return TELLER_OK;
}

static void
memo_free(teller_ctx *ctx, struct memo *m)
{
	size_t i;

	for (i = 0; i < m->blocks->len; i++)
		tl_free(ctx, TL_VEC_AT(m->blocks, char *, i), MEMO_BLOCK);
	m->blocks->len = 0;
	tl_vec_release(ctx, m->blocks);
	tl_vec_release(ctx, m->tabv);
	tl_vec_release(ctx, m->pats);
	tl_vec_release(ctx, m->key);
}

static int
on_row(teller_ctx *ctx, void *ud, long row, const struct tl_xlsx_cell *c,
    int n)
{
	struct ess *x = ud;
	const struct tl_cvr_source *src = x->src;
	int first = src->first_vote_col, last, i, rc;
	int maxr = src->max_rankings;
	const char *id = NULL, *prec = NULL, *batch = NULL;
	struct tl_cvr cvr;
	int lastpresent = 0;
	struct memo *m = &x->memo;
	uintptr_t *k;
	size_t nk = 0;
	uint64_t h = 0;
	bool memo = true;

	if (row < src->first_vote_row)
		return TELLER_OK;
	x->n++;
	cid_next(x);
	last = maxr > 0 ? first + maxr - 1 : 1 << 30;
	x->slots->len = 0;
	x->ptrs->len = 0;
	x->buf->len = 0;
	if (tl_vec_reserve(ctx, m->key, 1 + (size_t)n) != TELLER_OK)
		return TELLER_ENOMEM;
	k = m->key->data;
	k[nk++] = 0;
	for (i = 0; i < n; i++) {
		if (c[i].col == src->id_col)
			id = c[i].text;
		if (c[i].col == src->precinct_col)
			prec = c[i].text;
		if (c[i].col == src->batch_col)
			batch = c[i].text;
		if (c[i].col >= first && c[i].col <= last) {
			lastpresent = c[i].col;
			/* the row's memo key: its ranking cells, if every
			 * one is a shared string */
			memo = memo && c[i].shared &&
			    c[i].col - first < (int)(8 * sizeof *k);
			if (memo)
				k[0] |= (uintptr_t)1 << (c[i].col - first);
			k[nk++] = (uintptr_t)c[i].text;
		}
	}
	if (src->id_col > 0 && id == NULL)
		return tl_fail_in(ctx, src->path, TELLER_EPARSE, row,
		    src->id_col, "Cast vote record identifier missing");
	memset(&cvr, 0, sizeof cvr);
	if (memo && m->n > 0) {
		uint64_t e;
		h = memo_hash(k, nk);
		if ((e = *memo_find(m, k, nk, h)) != 0) {
			struct pat *pt = (struct pat *)m->pats->data +
			    (uint32_t)e - 1;
			cvr.slots = pt->slots;
			cvr.nslots = pt->nslots;
			cvr.stable = true;
			cvr.hint = &pt->hint;
		}
	}
	if (!cvr.stable) {
		if ((rc = ranks(ctx, x, c, n, row, first, last,
		    lastpresent)) != TELLER_OK)
			return rc;
		fix_pointers(x);
		cvr.nslots = (int)x->slots->len;
		cvr.slots = x->slots->data;
		/* kept only when no part was copied into the row's buffer:
		 * every string is a shared string's or a label */
		if (memo && x->buf->len == 0) {
			const struct tl_cvr_slot *kept;
			if (h == 0)
				h = memo_hash(k, nk);
			if ((rc = memo_add(ctx, m, k, nk, h, cvr.slots,
			    cvr.nslots, &kept)) != TELLER_OK)
				return rc;
			if (kept != NULL) {
				cvr.slots = kept;
				cvr.stable = true;
				cvr.hint = &TL_VEC_AT(m->pats, struct pat,
				    m->pats->len - 1).hint;
			}
		}
	}
	cvr.computed_id = x->cid;
	cvr.supplied_id = id;
	if (src->precinct_col > 0)
		cvr.precinct = prec != NULL ? prec : "missing_precinct_id";
	if (src->batch_col > 0)
		cvr.batch = batch != NULL ? batch : "missing_batch_id";
	cvr.file = src->path;
	cvr.line = row;
	return x->fn(ctx, x->ud, &cvr);
}

int
tl_cvr_read_ess(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud)
{
	struct ess x;
	const char *b = strrchr(src->path, '/');
	size_t i;
	int rc;

	memset(&x, 0, sizeof x);
	x.src = src;
	x.fn = fn;
	x.ud = ud;
	snprintf(x.fname, sizeof x.fname, "%s", b != NULL ? b + 1 : src->path);
	for (i = 0; x.fname[i] != '\0'; i++) {
		char c = x.fname[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			x.fname[i] = '_';
	}
	cid_init(&x);
	x.skl = strlen(src->skipped_rank_label);
	x.ovl = strlen(src->overvote_label);
	x.uwil = strlen(src->uwi_label);
	x.slots = tl_vec_new(ctx, sizeof(struct tl_cvr_slot));
	x.ptrs = tl_vec_new(ctx, sizeof(char *));
	x.buf = tl_vec_new(ctx, 1);
	x.memo.blocks = tl_vec_new(ctx, sizeof(char *));
	x.memo.key = tl_vec_new(ctx, sizeof(uintptr_t));
	x.memo.pats = tl_vec_new(ctx, sizeof(struct pat));
	if (x.slots == NULL || x.ptrs == NULL || x.buf == NULL ||
	    x.memo.blocks == NULL || x.memo.key == NULL ||
	    x.memo.pats == NULL)
		return TELLER_ENOMEM;
	if (src->ahead != NULL)
		rc = tl_xlsx_read_ahead(ctx, src->path, src->next_path,
		    src->ahead, on_row, &x);
	else
		rc = tl_xlsx_read(ctx, src->path, on_row, &x);
	memo_free(ctx, &x.memo);
	return rc;
}
