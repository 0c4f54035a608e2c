/* SPDX-License-Identifier: MIT */
/*
 * cvr_csv.c -- RCTab's generic CSV cast vote records (provider
 * "genericCsv", rctab.md 7.6): row 1 names the candidates from
 * firstVoteColumnIndex on, every later record is one ballot whose cells
 * hold the rank given to that column's candidate. Parsed in one pass over
 * the mapped file with Apache Commons CSV's default rules (quotes, "",
 * CRLF or LF, blank lines skipped).
 */
#include <stdio.h>
#include <string.h>

#include "rctab_cvr.h"
#include "tl_io.h"

struct fld {
	const char *p;
	size_t n;
};

struct csvp {
	teller_ctx *ctx;
	const char *s, *end;
	long line;            /* line of the record being read */
	long nextline;
	struct tl_vec *flds;  /* of struct fld */
	struct tl_vec *buf;   /* unescaped quoted text */
};

/* Bytes that end an unquoted field. */
static const bool stop[256] = { [','] = true, ['\n'] = true,
    ['\r'] = true };

/* Read one record into p->flds. Returns 1 if a record was read, 0 at the
 * end, -(error code) on error. Blank lines are skipped. */
static int
next_record(struct csvp *p)
{
	const char *s = p->s, *end = p->end, *q;
	struct fld f;
	size_t start;

	while (s < end && (*s == '\n' || *s == '\r')) {
		if (*s == '\n')
			p->nextline++;
		s++;
	}
	if (s >= end) {
		p->s = s;
		return 0;
	}
	p->line = p->nextline;
	p->flds->len = 0;
	p->buf->len = 0;
	for (;;) {
		if (s < end && *s == '"') {
			/* quoted field: unescape into buf */
			start = p->buf->len;
			s++;
			for (;;) {
				if (s >= end)
					return -tl_fail_at(p->ctx,
					    TELLER_EPARSE, p->line, 0,
					    "unterminated quoted field");
				if (*s == '"') {
					if (s + 1 < end && s[1] == '"') {
						s += 2;
						if (tl_vec_push(p->ctx, p->buf,
						    "\"") == NULL)
							return -TELLER_ENOMEM;
						continue;
					}
					s++;
					break;
				}
				if (*s == '\n')
					p->nextline++;
				if (tl_vec_push(p->ctx, p->buf, s) == NULL)
					return -TELLER_ENOMEM;
				s++;
			}
			/* offsets now; pointers fixed up below */
			f.p = (const char *)(uintptr_t)(start + 1);
			f.n = p->buf->len - start;
			/* tolerate text after the closing quote up to , */
			while (s < end && *s != ',' && *s != '\n' &&
			    *s != '\r')
				s++;
		} else {
			q = s;
			while (s < end && !stop[(unsigned char)*s])
				s++;
			f.p = q;
			f.n = (size_t)(s - q);
			/* mark as direct with a NULL-free pointer */
		}
		if (p->flds->len == p->flds->cap &&
		    tl_vec_reserve(p->ctx, p->flds, 16) != TELLER_OK)
			return -TELLER_ENOMEM;
		TL_VEC_AT(p->flds, struct fld, p->flds->len++) = f;
		if (s < end && *s == ',') {
			s++;
			continue;
		}
		break;
	}
	if (s < end && *s == '\r')
		s++;
	if (s < end && *s == '\n') {
		s++;
		p->nextline++;
	}
	p->s = s;
	return 1;
}

/* Resolve quoted-field offsets (small integers) into buf pointers. A
 * direct field always points inside the mapped file, far above any
 * offset, so the two never collide. */
static void
fix_fields(struct csvp *p, const char *base, size_t maplen)
{
	struct fld *f = p->flds->data;
	size_t i;
	uintptr_t b = (uintptr_t)base;

	if (p->buf->len == 0)
		return;
	for (i = 0; i < p->flds->len; i++) {
		uintptr_t v = (uintptr_t)f[i].p;
		if (v < b || v > b + maplen)
			f[i].p = (const char *)p->buf->data + (v - 1);
	}
}

static bool
is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r' || s[i] == '\f' || s[i] == '\v'))
			return false;
	return true;
}

struct pair {
	int rank;
	int col;
};

int
tl_cvr_read_csv(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud)
{
	struct tl_map m;
	struct csvp p;
	const char **cands = NULL;
	int ncol = 0, first = src->first_vote_col - 1, rc, i, j, k;
	struct tl_vec *pairs, *slots, *ptrs;
	char idbuf[32], *scratch = NULL;
	size_t scap = 0;
	long long recno = 0;

	if ((rc = tl_io_map(ctx, src->path, &m)) != TELLER_OK)
		return rc;
	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.s = m.buf;
	p.end = m.buf + m.len;
	p.nextline = 1;
	if (m.len >= 3 && memcmp(m.buf, "\xEF\xBB\xBF", 3) == 0)
		p.s += 3;
	p.flds = tl_vec_new(ctx, sizeof(struct fld));
	p.buf = tl_vec_new(ctx, 1);
	pairs = tl_vec_new(ctx, sizeof(struct pair));
	slots = tl_vec_new(ctx, sizeof(struct tl_cvr_slot));
	ptrs = tl_vec_new(ctx, sizeof(char *));
	if (p.flds == NULL || p.buf == NULL || pairs == NULL ||
	    slots == NULL || ptrs == NULL) {
		rc = TELLER_ENOMEM;
		goto out;
	}
	/* header */
	rc = next_record(&p);
	if (rc <= 0) {
		rc = rc == 0 ? tl_fail(ctx, TELLER_EPARSE, "no header row") :
		    -rc;
		goto out;
	}
	fix_fields(&p, m.buf, m.len);
	ncol = (int)p.flds->len;
	cands = tl_alloc(ctx, (size_t)ncol + 1, sizeof(char *));
	if (cands == NULL || tl_vec_reserve(ctx, pairs, (size_t)ncol + 1) !=
	    TELLER_OK || tl_vec_reserve(ctx, ptrs, (size_t)ncol + 1) !=
	    TELLER_OK || tl_vec_reserve(ctx, slots, (size_t)ncol + 1) !=
	    TELLER_OK) {
		rc = TELLER_ENOMEM;
		goto out;
	}
	for (i = first; i < ncol; i++) {
		struct fld *f = &TL_VEC_AT(p.flds, struct fld, i);
		if (is_blank(f->p, f->n)) {
			rc = tl_fail_at(ctx, TELLER_EPARSE, 1, 0, "column %d: "
			    "blank candidate name in the header", i + 1);
			goto out;
		}
		cands[i] = tl_strndup(ctx, f->p, f->n);
		if (cands[i] == NULL) {
			rc = TELLER_ENOMEM;
			goto out;
		}
		if (*src->uwi_label != '\0' &&
		    strcmp(cands[i], src->uwi_label) == 0)
			cands[i] = TL_CVR_UWI;
	}
	for (;;) {
		struct tl_cvr cvr;
		struct fld *f;
		int nf;
		rc = next_record(&p);
		if (rc <= 0) {
			rc = -rc;
			break;
		}
		fix_fields(&p, m.buf, m.len);
		recno++;
		f = p.flds->data;
		nf = (int)p.flds->len;
		pairs->len = 0;
		for (i = ncol; i < nf; i++)
			if (!is_blank(f[i].p, f[i].n)) {
				rc = tl_fail_at(ctx, TELLER_EPARSE, p.line,
				    i + 1, "column %d has a value but no "
				    "header", i + 1);
				goto out;
			}
		for (i = first; i < nf && i < ncol; i++) {
			const char *s = f[i].p, *e = s + f[i].n;
			long long v = 0;
			bool neg = false;
			struct pair pr;
			if (f[i].n == 0)
				continue;
			if (f[i].n == 1 && *s >= '1' && *s <= '9') {
				pr.rank = *s - '0';
				pr.col = i;
				TL_VEC_AT(pairs, struct pair,
				    pairs->len++) = pr;
				continue;
			}
			while (s < e && (unsigned char)*s <= ' ')
				s++;
			while (e > s && (unsigned char)e[-1] <= ' ')
				e--;
			if (s == e)
				continue;
			if (*s == '-' || *s == '+')
				neg = *s++ == '-';
			if (s == e)
				v = -1;
			for (; s < e && v >= 0; s++) {
				if (*s < '0' || *s > '9' || v > 100000000)
					v = -1;
				else
					v = v * 10 + (*s - '0');
			}
			if (v < 0) {
				rc = tl_fail_at(ctx, TELLER_EPARSE, p.line,
				    i + 1, "Row %lld expected number at "
				    "column %d, but got \"%.*s\" instead.",
				    recno, i + 1, (int)f[i].n, f[i].p);
				goto out;
			}
			if (neg)
				v = -v;
			if (v < 1) {
				rc = tl_fail_at(ctx, TELLER_EPARSE, p.line,
				    i + 1, "rank %lld is not positive", v);
				goto out;
			}
			pr.rank = (int)v;
			pr.col = i;
			TL_VEC_AT(pairs, struct pair, pairs->len++) = pr;
		}
		/* stable sort by rank (columns stay in order) */
		{
			struct pair *pa = pairs->data, x;
			int n = (int)pairs->len;
			for (i = 1; i < n; i++) {
				x = pa[i];
				for (j = i; j > 0 && pa[j - 1].rank > x.rank;
				    j--)
					pa[j] = pa[j - 1];
				pa[j] = x;
			}
			slots->len = 0;
			ptrs->len = 0;
			for (i = 0; i < n; i = j) {
				struct tl_cvr_slot *sl = &TL_VEC_AT(slots,
				    struct tl_cvr_slot, slots->len++);
				sl->rank = pa[i].rank;
				sl->cands = &TL_VEC_AT(ptrs, const char *, i);
				for (j = i; j < n && pa[j].rank == pa[i].rank;
				    j++)
					TL_VEC_AT(ptrs, const char *, j) =
					    cands[pa[j].col];
				sl->n = j - i;
			}
			ptrs->len = (size_t)n;
		}
		memset(&cvr, 0, sizeof cvr);
		{
			char tmp[24];
			long long q = recno;
			int nd = 0;
			do {
				tmp[nd++] = (char)('0' + q % 10);
				q /= 10;
			} while (q > 0);
			for (k = 0; k < nd; k++)
				idbuf[k] = tmp[nd - 1 - k];
			idbuf[nd] = '\0';
		}
		cvr.computed_id = idbuf;
		cvr.file = src->path;
		cvr.line = p.line;
		cvr.nslots = (int)slots->len;
		cvr.slots = slots->data;
		/* id, precinct and batch cells, NUL-terminated copies */
		{
			int cols[3] = { src->id_col, src->precinct_col,
			    src->batch_col };
			const char *vals[3] = { NULL, NULL, NULL };
			size_t need = 0, off = 0;
			for (k = 0; k < 3; k++)
				if (cols[k] > 0 && cols[k] <= nf)
					need += f[cols[k] - 1].n + 1;
			if (need > scap) {
				scap = need * 2 + 64;
				scratch = tl_alloc(ctx, scap, 1);
				if (scratch == NULL) {
					rc = TELLER_ENOMEM;
					goto out;
				}
			}
			for (k = 0; k < 3; k++) {
				if (cols[k] <= 0)
					continue;
				if (cols[k] > nf || is_blank(f[cols[k] - 1].p,
				    f[cols[k] - 1].n)) {
					vals[k] = k == 1 ? "no precinct id" :
					    k == 2 ? "no batch id" : NULL;
					continue;
				}
				memcpy(scratch + off, f[cols[k] - 1].p,
				    f[cols[k] - 1].n);
				scratch[off + f[cols[k] - 1].n] = '\0';
				vals[k] = scratch + off;
				off += f[cols[k] - 1].n + 1;
			}
			cvr.supplied_id = vals[0];
			cvr.precinct = vals[1];
			cvr.batch = vals[2];
		}
		if ((rc = fn(ctx, ud, &cvr)) != TELLER_OK)
			goto out;
	}
out:
	tl_io_unmap(&m);
	return rc;
}
