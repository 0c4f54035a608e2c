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

struct ess {
	const struct tl_cvr_source *src;
	tl_cvr_fn fn;
	void *ud;
	char fname[256];          /* sanitized file name for computed IDs */
	size_t skl, ovl, uwil;    /* the labels' lengths */
	long n;                   /* data rows so far */
	struct tl_vec *slots;     /* of struct tl_cvr_slot */
	struct tl_vec *ptrs;      /* of const char * */
	struct tl_vec *buf;       /* trimmed/split cell texts */
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

/* The computed id: "<file name>-<data row number>". */
static void
computed_id(const struct ess *x, char cid[300])
{
	size_t fl = strlen(x->fname), k2 = 0;
	char tmp[24];
	long q = x->n;

	memcpy(cid, x->fname, fl);
	cid[fl++] = '-';
	do {
		tmp[k2++] = (char)('0' + q % 10);
		q /= 10;
	} while (q > 0);
	while (k2 > 0)
		cid[fl++] = tmp[--k2];
	cid[fl] = '\0';
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
	char cid[300];
	struct tl_cvr cvr;
	int lastpresent = 0;

	if (row < src->first_vote_row)
		return TELLER_OK;
	x->n++;
	last = maxr > 0 ? first + maxr - 1 : 1 << 30;
	x->slots->len = 0;
	x->ptrs->len = 0;
	x->buf->len = 0;
	for (i = 0; i < n; i++) {
		if (c[i].col == src->id_col)
			id = c[i].text;
		if (c[i].col == src->precinct_col)
			prec = c[i].text;
		if (c[i].col == src->batch_col)
			batch = c[i].text;
		if (c[i].col >= first && c[i].col <= last)
			lastpresent = c[i].col;
	}
	if (src->id_col > 0 && id == NULL)
		return tl_fail_in(ctx, src->path, TELLER_EPARSE, row,
		    src->id_col, "Cast vote record identifier missing");
	if ((rc = ranks(ctx, x, c, n, row, first, last, lastpresent)) !=
	    TELLER_OK)
		return rc;
	fix_pointers(x);
	computed_id(x, cid);
	memset(&cvr, 0, sizeof cvr);
	cvr.computed_id = cid;
	cvr.supplied_id = id;
	if (src->precinct_col > 0)
		cvr.precinct = prec != NULL ? prec : "missing_precinct_id";
	if (src->batch_col > 0)
		cvr.batch = batch != NULL ? batch : "missing_batch_id";
	cvr.file = src->path;
	cvr.line = row;
	cvr.nslots = (int)x->slots->len;
	cvr.slots = x->slots->data;
	return x->fn(ctx, x->ud, &cvr);
}

int
tl_cvr_read_ess(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud)
{
	struct ess x;
	const char *b = strrchr(src->path, '/');
	size_t i;

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
	x.skl = strlen(src->skipped_rank_label);
	x.ovl = strlen(src->overvote_label);
	x.uwil = strlen(src->uwi_label);
	x.slots = tl_vec_new(ctx, sizeof(struct tl_cvr_slot));
	x.ptrs = tl_vec_new(ctx, sizeof(char *));
	x.buf = tl_vec_new(ctx, 1);
	if (x.slots == NULL || x.ptrs == NULL || x.buf == NULL)
		return TELLER_ENOMEM;
	return tl_xlsx_read(ctx, src->path, on_row, &x);
}
