/* SPDX-License-Identifier: MIT */
/*
 * cvr_csv.c -- RCTab's generic CSV cast vote records (provider
 * "genericCsv", rctab.md 7.6): row 1 names the candidates from
 * firstVoteColumnIndex on, every later record is one ballot whose cells
 * hold the rank given to that column's candidate. Parsed in one pass over
 * the mapped file with Apache Commons CSV's default rules (quotes, "",
 * CRLF or LF, blank lines skipped); repeated vote cells are converted
 * once (the memo below).
 */
#include <sys/mman.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* Java's whitespace for blank cells: space, \t \n \v \f \r. */
static const bool wsp[256] = { [' '] = true, ['\t'] = true,
    ['\n'] = true, ['\v'] = true, ['\f'] = true, ['\r'] = true };

/* The computed ID (rctab.md 7.6: the record number n > 0) in buf. */
static const char *
fmt_id(char *buf, long long n)
{
	char tmp[24];
	int nd = 0, k;

	do {
		tmp[nd++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	for (k = 0; k < nd; k++)
		buf[k] = tmp[nd - 1 - k];
	buf[nd] = '\0';
	return buf;
}

static bool
is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!wsp[(unsigned char)s[i]])
			return false;
	return true;
}

struct pair {
	int rank;
	int col;
};

/*
 * Memo of vote cells: most ballots repeat a handful of rankings, so the
 * raw bytes of a quote-free record from firstVoteColumnIndex to the end
 * of the line are looked up here, and a hit reuses the slots converted
 * when those bytes were first seen (passed as stable, rctab_cvr.h).
 * Conversion is a pure function of those bytes and the header, so a hit
 * gives exactly what parsing would. Bounded: past MEMO_MAX entries or
 * MEMO_BYTES of cell text, records are simply parsed.
 */
#define MEMO_MAX   (1u << 16)
#define MEMO_BYTES ((size_t)16 << 20)

struct memo_ent {
	uint64_t hash;
	const char *key;
	size_t len;
	const struct tl_cvr_slot *slots;
	int nslots;
	long long recno;    /* first record with these cells */
	long line;
	int64_t pending;    /* later ones not yet handed over (merge) */
};

struct memo {
	struct memo_ent *tab;
	size_t cap, n, bytes;
};

/* The memo hash: full 8-byte words of the key through hstep, then the
 * zero-padded tail through htail (scan_fast computes it while it looks
 * for the end of the record). */
static inline uint64_t
hstep(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdu;
	return h ^ (h >> 29);
}

static inline uint64_t
htail(uint64_t h, const char *key, size_t len)
{
	uint64_t w = 0;
	size_t i;

	if (len >= 8)		/* the last eight bytes, overlapping */
		memcpy(&w, key + len - 8, 8);
	else
		for (i = 0; i < len; i++)
			w = w << 8 | (unsigned char)key[i];
	h = (h ^ w ^ len) * 0xc4ceb9fe1a85ec53u;
	return h ^ (h >> 29);
}

/* a[0..n-1] == b[0..n-1], word at a time (keys are short). */
static inline bool
same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return false;
	}
	return n == 0 || memcmp(a, b, n) == 0;
}

/* The entry for key (s, n, h): a hit, or the empty slot it would take. */
static struct memo_ent *
memo_find(struct memo *m, const char *s, size_t n, uint64_t h)
{
	size_t mask = m->cap - 1, i;
	struct memo_ent *e;

	for (i = (size_t)h & mask;; i = (i + 1) & mask) {
		e = &m->tab[i];
		if (e->key == NULL || (e->hash == h && e->len == n &&
		    same_bytes(e->key, s, n)))
			return e;
	}
}

/* Keep a copy of the converted slots under key (s, n, h) and set *out
 * to the stable copy; *out stays NULL when the memo is full (the caller
 * then passes its scratch slots, not stable). TELLER_OK or ENOMEM. */
static int
memo_add(teller_ctx *ctx, struct memo *m, const char *s, size_t n,
    uint64_t h, const struct tl_cvr_slot *sl, int nsl,
    long long recno, long line, const struct tl_cvr_slot **out)
{
	struct memo_ent *e;
	struct tl_cvr_slot *cs;
	const char **cp;
	size_t np = 0, i, j;
	int k;

	if (m->n >= MEMO_MAX || m->bytes + n > MEMO_BYTES)
		return TELLER_OK;
	if ((m->n + 1) * 2 > m->cap) {
		size_t nc = m->cap == 0 ? 1024 : m->cap * 2;
		struct memo_ent *nt = tl_alloc(ctx, nc, sizeof *nt);
		if (nt == NULL)
			return TELLER_ENOMEM;
		for (i = 0; i < m->cap; i++) {
			if (m->tab[i].key == NULL)
				continue;
			for (j = (size_t)m->tab[i].hash & (nc - 1);
			    nt[j].key != NULL; j = (j + 1) & (nc - 1))
				;
			nt[j] = m->tab[i];
		}
		m->tab = nt;
		m->cap = nc;
	}
	for (k = 0; k < nsl; k++)
		np += (size_t)sl[k].n;
	cs = tl_alloc(ctx, (size_t)nsl + 1, sizeof *cs);
	cp = tl_alloc(ctx, np + 1, sizeof *cp);
	e = memo_find(m, s, n, h);
	if (cs == NULL || cp == NULL ||
	    (e->key = tl_strndup(ctx, s, n)) == NULL)
		return TELLER_ENOMEM;
	for (k = 0, np = 0; k < nsl; k++) {
		cs[k] = sl[k];
		memcpy(cp + np, sl[k].cands, (size_t)sl[k].n * sizeof *cp);
		cs[k].cands = cp + np;
		np += (size_t)sl[k].n;
	}
	e->hash = h;
	e->len = n;
	e->slots = cs;
	e->nslots = nsl;
	e->recno = recno;
	e->line = line;
	m->n++;
	m->bytes += n;
	*out = cs;
	return TELLER_OK;
}

/* Bytes that end the memo key: end of record, or a quote (such records
 * are parsed in full). */
static const bool vstop[256] = { ['\n'] = true, ['\r'] = true,
    ['"'] = true };

#define BCAST(c) ((uint64_t)(unsigned char)(c) * 0x0101010101010101u)
/* Nonzero iff some byte of x is zero. */
#define HASZERO(x) (((x) - 0x0101010101010101u) & ~(x) & \
    0x8080808080808080u)

/* Fast scan of a quote-free record at p->s whose first `first` fields
 * come before the vote cells: fills pf[0..first-1], sets *vs and *vn to
 * the vote cells and moves p->s past the record. Returns false (p->s
 * unchanged) when the record is not of that shape. */
static bool
scan_fast(struct csvp *p, int first, struct fld *pf, const char **vs,
    size_t *vn, uint64_t *hp)
{
	const char *s = p->s, *end = p->end, *q;
	uint64_t h = 0x9E3779B97F4A7C15u, w, x;
	int i;

	for (i = 0; i < first; i++) {
		q = s;
		while (end - s >= 8) {
			memcpy(&w, s, 8);
			x = HASZERO(w ^ BCAST(',')) |
			    HASZERO(w ^ BCAST('\n')) |
			    HASZERO(w ^ BCAST('\r')) | HASZERO(w ^ BCAST('"'));
			if (x != 0)
				break;
			s += 8;
		}
		while (s < end && !stop[(unsigned char)*s]) {
			if (*s == '"')
				return false;
			s++;
		}
		if (s >= end || *s != ',')
			return false;
		pf[i].p = q;
		pf[i].n = (size_t)(s - q);
		s++;
	}
	q = s;
	/* eight bytes at a time while none of them is \n, \r or " */
	while (end - s >= 8) {
		memcpy(&w, s, 8);
		x = (HASZERO(w ^ BCAST('\n')) | HASZERO(w ^ BCAST('\r')) |
		    HASZERO(w ^ BCAST('"')));
		if (x != 0)
			break;
		h = hstep(h, w);
		s += 8;
	}
	while (s < end && !vstop[(unsigned char)*s])
		s++;
	if (s < end && *s == '"')
		return false;
	*vs = q;
	*vn = (size_t)(s - q);
	*hp = htail(h, q, *vn);
	p->line = p->nextline;
	if (s < end && *s == '\r')
		s++;
	if (s < end && *s == '\n') {
		s++;
		p->nextline++;
	}
	p->s = s;
	return true;
}

/* Read pages are handed back every DROP_AFTER bytes, so memory stays
 * bounded by the distinct records, not the file size. */
#define DROP_AFTER ((size_t)32 << 20)

/* Unmap the whole pages of m before upto (nothing before it is looked at
 * again: header names and memo keys are copies) and move m past them, so
 * that tl_io_unmap unmaps only the rest. */
static void
drop_read(struct tl_map *m, const char *upto)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t cut;

	if (pg <= 0)
		return;
	cut = (size_t)(upto - m->buf) / (size_t)pg * (size_t)pg;
	if (cut == 0 || cut >= m->len ||
	    munmap((void *)(uintptr_t)m->buf, cut) != 0)
		return;
	m->buf += cut;
	m->len -= cut;
}

/*
 * Text check: every byte of the file must be valid UTF-8 without NUL
 * (tl_text_check), or a NUL would end a name early ("Bo\0b" read as
 * "Bo") and a bad byte would reach the reports raw. The file is checked
 * a piece at a time just behind the parser, while the piece is still in
 * cache and before drop_read hands its pages back (a separate pass
 * would fault the whole file in at once). A piece always ends at a
 * record start, which is never inside a UTF-8 sequence and whose line
 * is known, so errors keep their true line.
 */
#define CHECK_EVERY ((size_t)1 << 20)

struct chk {
	const char *at;  /* first byte not yet checked */
	long line;       /* its line (at is at a line start) */
};

/* Check [c->at, upto), where upto starts line `line`. TELLER_OK or
 * EENCODING at the file's line and column. */
static int
check_text(teller_ctx *ctx, struct chk *c, const char *upto, long line)
{
	int rc;

	if (upto <= c->at)
		return TELLER_OK;
	rc = tl_text_check(ctx, c->at, (size_t)(upto - c->at));
	if (rc != TELLER_OK) {
		/* tl_text_check counts lines from the piece's start */
		if (ctx->err == rc && ctx->line > 0)
			ctx->line += c->line - 1;
		return rc;
	}
	c->at = upto;
	c->line = line;
	return TELLER_OK;
}

/* Skip blank lines; false at the end of the file. */
static bool
skip_blank(struct csvp *p)
{
	const char *s = p->s, *end = p->end;

	while (s < end && (*s == '\n' || *s == '\r')) {
		if (*s == '\n')
			p->nextline++;
		s++;
	}
	p->s = s;
	return s < end;
}

/* Convert the vote cells of the record in p->flds (record recno) into
 * slots and ptrs. Returns TELLER_OK or an error recorded on ctx; a cell
 * that is no number is first checked as text (chk), so that bad bytes
 * are reported as such, never echoed. */
static int
convert(struct csvp *p, struct chk *chk, int first, int ncol,
    const char *const *cands, long long recno, struct tl_vec *pairs,
    struct tl_vec *slots, struct tl_vec *ptrs)
{
	struct fld *f = p->flds->data;
	int nf = (int)p->flds->len, i, j;

	pairs->len = 0;
	for (i = ncol; i < nf; i++)
		if (!is_blank(f[i].p, f[i].n))
			return tl_fail_at(p->ctx, TELLER_EPARSE, p->line,
			    i + 1, "column %d has a value but no header",
			    i + 1);
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
			TL_VEC_AT(pairs, struct pair, pairs->len++) = pr;
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
		if (v < 0 && check_text(p->ctx, chk, p->s, p->nextline) !=
		    TELLER_OK)
			return p->ctx->err;
		if (v < 0)
			return tl_fail_at(p->ctx, TELLER_EPARSE, p->line,
			    i + 1, "Row %lld expected number at column %d, "
			    "but got \"%.*s\" instead.", recno, i + 1,
			    (int)f[i].n, f[i].p);
		if (neg)
			v = -v;
		if (v < 1)
			return tl_fail_at(p->ctx, TELLER_EPARSE, p->line,
			    i + 1, "rank %lld is not positive", v);
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
			for (j = i; j > 0 && pa[j - 1].rank > x.rank; j--)
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
			for (j = i; j < n && pa[j].rank == pa[i].rank; j++)
				TL_VEC_AT(ptrs, const char *, j) =
				    cands[pa[j].col];
			sl->n = j - i;
		}
		ptrs->len = (size_t)n;
	}
	return TELLER_OK;
}

/* The id, precinct and batch cells of a record with fields f[0..nf-1]
 * into cvr, as NUL-terminated copies in *scratch. */
static int
id_cells(teller_ctx *ctx, const struct tl_cvr_source *src,
    const struct fld *f, int nf, char **scratch, size_t *scap,
    struct tl_cvr *cvr)
{
	int cols[3] = { src->id_col, src->precinct_col, src->batch_col };
	const char *vals[3] = { NULL, NULL, NULL };
	size_t need = 0, off = 0;
	int k;

	for (k = 0; k < 3; k++)
		if (cols[k] > 0 && cols[k] <= nf)
			need += f[cols[k] - 1].n + 1;
	if (need > *scap) {
		*scap = need * 2 + 64;
		*scratch = tl_alloc(ctx, *scap, 1);
		if (*scratch == NULL)
			return TELLER_ENOMEM;
	}
	for (k = 0; k < 3; k++) {
		const struct fld *c;
		char *d;
		size_t j;
		if (cols[k] <= 0)
			continue;
		c = &f[cols[k] - 1];
		if (cols[k] > nf || is_blank(c->p, c->n)) {
			vals[k] = k == 1 ? "no precinct id" :
			    k == 2 ? "no batch id" : NULL;
			continue;
		}
		d = *scratch + off;
		if (c->n <= 16)		/* ids are short: no call */
			for (j = 0; j < c->n; j++)
				d[j] = c->p[j];
		else
			memcpy(d, c->p, c->n);
		d[c->n] = '\0';
		vals[k] = d;
		off += c->n + 1;
	}
	cvr->supplied_id = vals[0];
	cvr->precinct = vals[1];
	cvr->batch = vals[2];
	return TELLER_OK;
}

int
tl_cvr_read_csv(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud)
{
	struct tl_map m;
	struct csvp p;
	const char **cands = NULL;
	int ncol = 0, first = src->first_vote_col - 1, rc, i;
	struct tl_vec *pairs, *slots, *ptrs;
	struct fld *pf = NULL;
	struct memo memo;
	struct chk chk;
	bool fast, drop;
	char idbuf[32], *scratch = NULL;
	size_t scap = 0, mi;
	long long recno = 0;

	if ((rc = tl_io_map(ctx, src->path, &m)) != TELLER_OK)
		return rc;
	memset(&p, 0, sizeof p);
	memset(&memo, 0, sizeof memo);
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
	chk.at = m.buf;
	chk.line = 1;
	if ((rc = check_text(ctx, &chk, p.s, p.nextline)) != TELLER_OK)
		goto out;
	fix_fields(&p, m.buf, m.len);
	ncol = (int)p.flds->len;
	cands = tl_alloc(ctx, (size_t)ncol + 1, sizeof(char *));
	pf = tl_alloc(ctx, (size_t)(first > 0 ? first : 0) + 1, sizeof *pf);
	if (cands == NULL || pf == NULL || tl_vec_reserve(ctx, pairs,
	    (size_t)ncol + 1) != TELLER_OK || tl_vec_reserve(ctx, ptrs,
	    (size_t)ncol + 1) != TELLER_OK || tl_vec_reserve(ctx, slots,
	    (size_t)ncol + 1) != TELLER_OK) {
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
	/* the fast path needs the id cells before the vote cells */
	fast = first >= 0 && src->id_col <= first &&
	    src->precinct_col <= first && src->batch_col <= first;
	for (;;) {
		struct tl_cvr cvr;
		const struct tl_cvr_slot *sl = NULL;
		const char *vs = NULL;
		size_t vn = 0;
		uint64_t h = 0;
		struct memo_ent *e = NULL;
		bool keyed = false;
		const char *rs;
		long nl0;

		memset(&cvr, 0, sizeof cvr);
		if (!skip_blank(&p)) {
			rc = check_text(ctx, &chk, p.end, p.nextline);
			break;
		}
		recno++;
		nl0 = p.nextline;
		rs = p.s;
		drop = m.mapped && (size_t)(rs - m.buf) >= DROP_AFTER;
		if ((drop || (size_t)(rs - chk.at) >= CHECK_EVERY) &&
		    (rc = check_text(ctx, &chk, rs, nl0)) != TELLER_OK)
			goto out;
		if (drop)
			drop_read(&m, rs);
		if (fast && scan_fast(&p, first, pf, &vs, &vn, &h)) {
			keyed = true;
			if (memo.cap > 0) {
				e = memo_find(&memo, vs, vn, h);
				if (e->key != NULL && src->merge) {
					/* handed over after the file */
					e->pending++;
					continue;
				}
				if (e->key != NULL) {
					sl = e->slots;
					cvr.nslots = e->nslots;
					cvr.stable = true;
				}
			}
			if (sl == NULL) {
				/* first sight: parse it in full */
				p.s = rs;
				p.nextline = nl0;
			}
		}
		if (sl != NULL) {
			if ((rc = id_cells(ctx, src, pf, first, &scratch,
			    &scap, &cvr)) != TELLER_OK)
				goto out;
		} else {
			rc = next_record(&p);
			if (rc <= 0) {
				rc = rc < 0 ? -rc : check_text(ctx, &chk,
				    p.end, p.nextline);
				break;
			}
			fix_fields(&p, m.buf, m.len);
			if ((rc = convert(&p, &chk, first, ncol, cands, recno,
			    pairs, slots, ptrs)) != TELLER_OK)
				goto out;
			sl = slots->data;
			cvr.nslots = (int)slots->len;
			if (keyed) {
				const struct tl_cvr_slot *cs = NULL;
				if ((rc = memo_add(ctx, &memo, vs, vn, h, sl,
				    cvr.nslots, recno, p.line, &cs)) !=
				    TELLER_OK)
					goto out;
				if (cs != NULL) {
					sl = cs;
					cvr.stable = true;
				}
			}
			if ((rc = id_cells(ctx, src, p.flds->data,
			    (int)p.flds->len, &scratch, &scap, &cvr)) !=
			    TELLER_OK)
				goto out;
		}
		cvr.computed_id = fmt_id(idbuf, recno);
		cvr.file = src->path;
		cvr.line = p.line;
		cvr.slots = sl;
		if ((rc = fn(ctx, ud, &cvr)) != TELLER_OK)
			goto out;
	}
	/* merged repeats: one record per memo entry, weighted */
	for (mi = 0; rc == TELLER_OK && mi < memo.cap; mi++) {
		struct tl_cvr cvr;
		struct memo_ent *e = &memo.tab[mi];
		if (e->key == NULL || e->pending == 0)
			continue;
		memset(&cvr, 0, sizeof cvr);
		cvr.computed_id = fmt_id(idbuf, e->recno);
		cvr.file = src->path;
		cvr.line = e->line;
		cvr.nslots = e->nslots;
		cvr.slots = e->slots;
		cvr.stable = true;
		cvr.weight = e->pending;
		rc = fn(ctx, ud, &cvr);
	}
out:
	tl_io_unmap(&m);
	return rc;
}
