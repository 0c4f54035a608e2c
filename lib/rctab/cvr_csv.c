/* SPDX-License-Identifier: MIT */
/*
 * cvr_csv.c -- RCTab's generic CSV cast vote records (provider
 * "genericCsv", rctab.md 7.6): row 1 names the candidates from
 * firstVoteColumnIndex on, every later record is one ballot whose cells
 * hold the rank given to that column's candidate. Parsed in one pass over
 * the mapped file with Apache Commons CSV's default rules (quotes, "",
 * CRLF or LF, blank lines skipped); repeated vote cells are converted
 * once (the memo below). With several threads, plain records of a large
 * file are read ahead in parallel and merged in file order (the parallel
 * read, at the end).
 */
#include <pthread.h>
#include <stdatomic.h>
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

#define MEMO_INL   32

/* An entry: the part every lookup reads, one 64-byte line (short keys
 * inline), so that a lookup costs one cache miss, not three. */
struct memo_ent {
	uint64_t hash;
	uint32_t lenp1;     /* key length + 1; 0: an empty slot */
	int32_t nslots;
	int64_t pending;    /* later ones not yet handed over (merge) */
	const char *key;    /* the key if longer than MEMO_INL, else NULL */
	char kin[MEMO_INL]; /* the key if it fits */
};

/* The rest of entry i, in cold[i]. */
struct memo_cold {
	const struct tl_cvr_slot *slots;
	long long recno;    /* first record with these cells */
	long line;
};

struct memo {
	struct memo_ent *tab;   /* [cap], 64-byte aligned */
	struct memo_cold *cold; /* [cap] */
	size_t cap, n, bytes;
};

#define MEMO_COLD(m, e) (&(m)->cold[(e) - (m)->tab])
_Static_assert(sizeof(struct memo_ent) == 64, "a memo entry is one line");

/* The memo hash: full 8-byte words of the key through hstep, then the
 * zero-padded tail through htail (a function of the key's bytes only). */
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
	size_t i;

	if (n < 8) {
		for (i = 0; i < n; i++)
			if (a[i] != b[i])
				return false;
		return true;
	}
	for (; n > 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return false;
	}
	/* the last eight bytes, overlapping */
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

/* The entry for key (s, n, h): a hit, or the empty slot it would take
 * (lenp1 == 0). */
static struct memo_ent *
memo_find(const struct memo *m, const char *s, size_t n, uint64_t h)
{
	size_t mask = m->cap - 1, i;
	struct memo_ent *e;

	for (i = (size_t)h & mask;; i = (i + 1) & mask) {
		e = &m->tab[i];
		if (e->lenp1 == 0 || (e->hash == h && e->lenp1 == n + 1 &&
		    same_bytes(n <= MEMO_INL ? e->kin : e->key, s, n)))
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
		char *raw = tl_alloc(ctx, nc + 1, sizeof(struct memo_ent));
		struct memo_cold *ncold = tl_alloc(ctx, nc, sizeof *ncold);
		struct memo_ent *nt;
		if (raw == NULL || ncold == NULL)
			return TELLER_ENOMEM;
		nt = (struct memo_ent *)(uintptr_t)(((uintptr_t)raw + 63) &
		    ~(uintptr_t)63);
		for (i = 0; i < m->cap; i++) {
			if (m->tab[i].lenp1 == 0)
				continue;
			for (j = (size_t)m->tab[i].hash & (nc - 1);
			    nt[j].lenp1 != 0; j = (j + 1) & (nc - 1))
				;
			nt[j] = m->tab[i];
			ncold[j] = m->cold[i];
		}
		m->tab = nt;
		m->cold = ncold;
		m->cap = nc;
	}
	for (k = 0; k < nsl; k++)
		np += (size_t)sl[k].n;
	cs = tl_alloc(ctx, (size_t)nsl + 1, sizeof *cs);
	cp = tl_alloc(ctx, np + 1, sizeof *cp);
	e = memo_find(m, s, n, h);
	if (cs == NULL || cp == NULL)
		return TELLER_ENOMEM;
	if (n <= MEMO_INL)
		memcpy(e->kin, s, n);
	else if ((e->key = tl_strndup(ctx, s, n)) == NULL)
		return TELLER_ENOMEM;
	for (k = 0, np = 0; k < nsl; k++) {
		cs[k] = sl[k];
		memcpy(cp + np, sl[k].cands, (size_t)sl[k].n * sizeof *cp);
		cs[k].cands = cp + np;
		np += (size_t)sl[k].n;
	}
	e->hash = h;
	e->lenp1 = (uint32_t)n + 1;
	e->nslots = nsl;
	MEMO_COLD(m, e)->slots = cs;
	MEMO_COLD(m, e)->recno = recno;
	MEMO_COLD(m, e)->line = line;
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
#define LOW7 0x7F7F7F7F7F7F7F7Fu
#define HIGH 0x8080808080808080u
/* 0x80 in the first byte of x below n (n <= 0x80), and perhaps in
 * later bytes: only the lowest bit set is exact. */
#define FIRST_BELOW(x, n) (((x) - BCAST(n)) & ~(x) & HIGH)

/* 0x80 in each byte of x that is zero, and nothing else (exact, so the
 * bits can be counted). */
static inline uint64_t
zbytes(uint64_t x)
{
	return ~(((x & LOW7) + LOW7) | x | LOW7);
}

/* Eight bytes at s, the first in the low bits. */
static inline uint64_t
load_le(const char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/* Fast scan of a quote-free record at p->s whose first `first` fields
 * come before the vote cells: fills pf[0..first-1], sets *vs and *vn to
 * the vote cells and *hp to their memo hash, and moves p->s past the
 * record. Returns false (p->s unchanged) when the record is not of that
 * shape. Eight bytes at a time: the record ends at the first \n, \r or
 * " (a quote: not this shape), and the commas before it end the fields;
 * the first byte below 14 or quote is looked at (any other control byte
 * there: the bytes are scanned one by one). */
static bool
scan_fast(struct csvp *p, int first, struct fld *pf, const char **vs,
    size_t *vn, uint64_t *hp)
{
	const char *s = p->s, *end = p->end, *f = s, *e = NULL, *q;
	uint64_t h = 0x9E3779B97F4A7C15u, w, x, cm;
	int i = 0;

	while (end - s >= 8) {
		w = load_le(s);
		x = FIRST_BELOW(w, 14) | FIRST_BELOW(w ^ BCAST('"'), 1);
		if (i < first) {
			cm = zbytes(w ^ BCAST(','));
			if (x != 0)	/* only commas before the end */
				cm &= (x & (~x + 1)) - 1;
			for (; cm != 0 && i < first; cm &= cm - 1) {
				q = s + (__builtin_ctzll(cm) >> 3);
				pf[i].p = f;
				pf[i].n = (size_t)(q - f);
				f = q + 1;
				i++;
			}
		}
		if (x != 0) {
			e = s + (__builtin_ctzll(x) >> 3);
			if (*e != '\n' && *e != '\r' && *e != '"') {
				/* another control byte: go byte by byte */
				e = NULL;
				s = f = p->s;
				i = 0;
			}
			break;
		}
		s += 8;
	}
	if (e == NULL) {	/* the last bytes of the input, or the
				 * record with a control byte */
		for (; s < end && !vstop[(unsigned char)*s]; s++) {
			if (*s == ',' && i < first) {
				pf[i].p = f;
				pf[i].n = (size_t)(s - f);
				f = s + 1;
				i++;
			}
		}
		e = s;
	}
	if (i < first || (e < end && *e == '"'))
		return false;
	for (q = f; e - q >= 8; q += 8) {
		memcpy(&w, q, 8);
		h = hstep(h, w);
	}
	*vs = f;
	*vn = (size_t)(e - f);
	*hp = htail(h, f, *vn);
	p->line = p->nextline;
	s = e;
	if (s < end && *s == '\r')
		s++;
	if (s < end && *s == '\n') {
		s++;
		p->nextline++;
	}
	p->s = s;
	return true;
}

/* base + n, or lim if that comes first (base <= lim). */
static inline const char *
before(const char *lim, const char *base, size_t n)
{
	return (size_t)(lim - base) > n ? base + n : lim;
}

/* Count the plain records at p->s that are repeats in memo m (merged
 * repeats), as the reading loop would one by one, while they start
 * before lim; stop before anything else (a blank line, a record not of
 * the fast shape or not yet in the memo). */
static void
repeats(struct csvp *p, struct memo *m, int first, struct fld *pf,
    const char *lim, long long *recno)
{
	const char *rs, *vs;
	size_t vn;
	uint64_t h;
	long nl;
	struct memo_ent *e;

	while (p->s < lim && p->s < p->end && *p->s != '\n' &&
	    *p->s != '\r') {
		rs = p->s;
		nl = p->nextline;
		if (!scan_fast(p, first, pf, &vs, &vn, &h))
			break;
		e = memo_find(m, vs, vn, h);
		if (e->lenp1 == 0) {
			p->s = rs;
			p->nextline = nl;
			break;
		}
		e->pending++;
		(*recno)++;
	}
}

/* Read pages are handed back every DROP_AFTER bytes, so memory stays
 * bounded by the distinct records, not the file size. */
#define DROP_AFTER ((size_t)8 << 20)

/*
 * Text check: every byte of the file must be valid UTF-8 without NUL
 * (tl_text_check), or a NUL would end a name early ("Bo\0b" read as
 * "Bo") and a bad byte would reach the reports raw. The file is checked
 * a piece at a time just behind the parser, while the piece is still in
 * cache and before part_drop hands its pages back (a separate pass
 * would fault the whole file in at once). A piece always ends at a
 * record start, which is never inside a UTF-8 sequence and whose line
 * is known, so errors keep their true line.
 */
#define CHECK_EVERY ((size_t)1 << 20)

struct chk {
	const char *at;  /* first byte not yet checked */
	long line;       /* its line */
	long col;        /* its column (1 at a line start; a record after a
			  * lone CR starts inside a line) */
};

/* Check [c->at, upto), where upto is on line `line`. TELLER_OK or
 * EENCODING at the file's line and column. */
static int
check_text(teller_ctx *ctx, struct chk *c, const char *upto, long line)
{
	const char *q;
	int rc;

	if (upto <= c->at)
		return TELLER_OK;
	rc = tl_text_check(ctx, c->at, (size_t)(upto - c->at));
	if (rc != TELLER_OK) {
		/* tl_text_check counts lines and columns from the piece's
		 * start */
		if (ctx->err == rc && ctx->line == 1)
			ctx->col += c->col - 1;
		if (ctx->err == rc && ctx->line > 0)
			ctx->line += c->line - 1;
		return rc;
	}
	/* upto's column, looking back no further than the checked piece
	 * (earlier pages may be gone) */
	for (q = upto; q > c->at && q[-1] != '\n'; q--)
		;
	c->col = q > c->at ? (long)(upto - q) + 1 :
	    c->col + (long)(upto - c->at);
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

/*
 * The parallel read (threads > 1, merged repeats, the fast layout, a
 * large file). The bytes after the header are cut into parts at line
 * starts; the calling thread reads the first part as always, and one
 * worker per later part reads ahead only what it can take for certain:
 * plain records (scan_fast) that end with a newline, start a line,
 * convert without error, in text that passes tl_text_check, while its
 * own memo has room. It stops at the first record it cannot take. Each
 * worker has its own context (same allocator) and memo and keeps, in
 * order, a copy of each record it saw first.
 *
 * When the calling thread reaches a part's cut exactly, it stops that
 * worker (which ends at a record boundary: a worker slowed down by a busy
 * machine is never waited for) and merges what it read: each record the
 * part saw first, in order, is either a repeat of one seen before
 * (pending count added) or a first sight, handed over with its file-wide
 * record number and line exactly as the sequential read hands it (same
 * slots, ids, order). A part merges only when all its new records fit in
 * the memo as they would have one by one. The read then goes on
 * sequentially from where the part stopped, up to the next cut. If a cut
 * was crossed inside a record, the text before it fails the check, or
 * the part does not fit, the part is dropped and that stretch is read
 * sequentially: every error and message comes from the sequential path.
 * Only merged repeats make this exact (no per-ballot callback in the
 * parts), hence src->merge.
 */
#define PAR_MIN  ((size_t)256 << 10) /* smallest part worth a thread */
#define PAR_MAX  16
/* A worker hands its pages back more often than the calling thread
 * (DROP_AFTER), so that two readers keep no more than one. */
#define PAR_DROP ((size_t)4 << 20)

/* A record a part saw first: its id fields and vote cells, copied. */
struct pitem {
	const struct fld *pf; /* the first fields (copies) */
	const char *key;      /* vote cells (copy) */
	size_t vn;
	uint64_t h;
};

struct part {
	teller_ctx *ctx;      /* the worker's own */
	const struct tl_cvr_source *src;
	const char *const *cands;
	int first, ncol;
	const char *a, *b;    /* the part: [a, b), a at a line start */
	bool mapped;          /* pages may be dropped behind the worker */
	const struct tl_map *m; /* the file, for part_drop */
	atomic_bool halt;     /* set by the calling thread: stop now */
	pthread_t tid;
	bool started;
	/* results */
	const char *stopped;  /* where it stopped: b when it took all */
	long long nrec;       /* records taken */
	long endline;         /* line of stopped, counted from 1 at a */
	struct memo memo;     /* recno and line counted from a */
	struct tl_vec *items; /* of struct pitem, in order */
};

/* Hand back [from, to) of the file (the caller drops its whole pages;
 * the mapping and its addresses stay as they are). Any thread. */
static void
part_drop(const struct tl_map *m, const char *from, const char *to)
{
	if (to > from)
		tl_io_release(m, from, (size_t)(to - from));
}

/* Copy the record just scanned (fields pf[0..first-1], vote cells at
 * vs, vn bytes) as item of part w. TELLER_OK or ENOMEM. */
static int
part_item(struct part *w, const struct fld *pf, const char *vs, size_t vn,
    uint64_t h)
{
	struct pitem it;
	struct fld *cf;
	int i;

	cf = tl_alloc(w->ctx, (size_t)w->first + 1, sizeof *cf);
	if (cf == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < w->first; i++) {
		cf[i].n = pf[i].n;
		cf[i].p = tl_strndup(w->ctx, pf[i].p, pf[i].n);
		if (cf[i].p == NULL)
			return TELLER_ENOMEM;
	}
	it.pf = cf;
	it.key = tl_strndup(w->ctx, vs, vn);
	it.vn = vn;
	it.h = h;
	if (it.key == NULL || tl_vec_push(w->ctx, w->items, &it) == NULL)
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* The worker: read part w as far as it can be taken for certain. */
static void *
part_run(void *arg)
{
	struct part *w = arg;
	teller_ctx *ctx = w->ctx;
	struct csvp p;
	struct tl_vec *pairs, *slots, *ptrs;
	struct fld *pf;
	struct chk dummy;
	const char *piece = w->a, *dropped = w->a;
	size_t nc = (size_t)w->ncol + 1;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.s = w->a;
	p.end = w->b;
	p.nextline = 1;
	w->stopped = w->a;
	w->endline = 1;
	p.flds = tl_vec_new(ctx, sizeof(struct fld));
	p.buf = tl_vec_new(ctx, 1);
	pairs = tl_vec_new(ctx, sizeof(struct pair));
	slots = tl_vec_new(ctx, sizeof(struct tl_cvr_slot));
	ptrs = tl_vec_new(ctx, sizeof(char *));
	w->items = tl_vec_new(ctx, sizeof(struct pitem));
	pf = tl_alloc(ctx, (size_t)w->first + 1, sizeof *pf);
	if (p.flds == NULL || p.buf == NULL || pairs == NULL ||
	    slots == NULL || ptrs == NULL || w->items == NULL || pf == NULL ||
	    tl_vec_reserve(ctx, pairs, nc) != TELLER_OK ||
	    tl_vec_reserve(ctx, ptrs, nc) != TELLER_OK ||
	    tl_vec_reserve(ctx, slots, nc) != TELLER_OK)
		return NULL;
	for (;;) {
		const char *rs0 = p.s, *rs, *vs = NULL, *pe;
		long nl00 = p.nextline, nl0;
		size_t vn = 0;
		uint64_t h = 0;
		struct memo_ent *e;
		const struct tl_cvr_slot *cs = NULL;

		if (!skip_blank(&p)) {
			w->stopped = p.s;
			w->endline = p.nextline;
			break;
		}
		w->stopped = rs0;
		w->endline = nl00;
		rs = p.s;
		nl0 = p.nextline;
		/* every record start a line start */
		if (rs[-1] != '\n' || atomic_load_explicit(&w->halt,
		    memory_order_relaxed))
			break;
		if (rs >= piece) {
			/* check the text a piece ahead, to a line end */
			pe = piece + CHECK_EVERY;
			if (pe >= w->b) {
				pe = w->b;
			} else {
				pe = memchr(pe, '\n', (size_t)(w->b - pe));
				pe = pe == NULL ? w->b : pe + 1;
			}
			if (tl_text_check(ctx, piece, (size_t)(pe - piece)) !=
			    TELLER_OK)
				break;
			piece = pe;
			if (w->mapped && (size_t)(rs0 - dropped) >=
			    PAR_DROP) {
				part_drop(w->m, dropped, rs0);
				dropped = rs0;
			}
		}
		if (!scan_fast(&p, w->first, pf, &vs, &vn, &h) ||
		    (p.s < w->b && p.s[-1] != '\n'))
			break;
		e = w->memo.cap > 0 ? memo_find(&w->memo, vs, vn, h) : NULL;
		if (e != NULL && e->lenp1 != 0) {
			e->pending++;
			w->nrec++;
			continue;
		}
		/* first sight: parse and convert it as the reader would */
		p.s = rs;
		p.nextline = nl0;
		if (next_record(&p) != 1)
			break;
		dummy.at = rs;
		dummy.line = nl0;
		dummy.col = 1;
		if (convert(&p, &dummy, w->first, w->ncol, w->cands,
		    w->nrec + 1, pairs, slots, ptrs) != TELLER_OK)
			break;
		if (memo_add(ctx, &w->memo, vs, vn, h, slots->data,
		    (int)slots->len, w->nrec + 1, p.line, &cs) != TELLER_OK ||
		    cs == NULL)
			break;
		/* on failure the memo entry is never looked at again */
		if (part_item(w, pf, vs, vn, h) != TELLER_OK)
			break;
		w->nrec++;
	}
	return NULL;
}

/* Cut [s, end) into up to n parts at line starts; parts[1..] get a and
 * b (parts[0].a is the first cut). Returns the number of parts. */
static int
part_cut(struct part *parts, int n, const char *s, const char *end)
{
	size_t len = (size_t)(end - s), step = len / (size_t)n;
	const char *prev = s, *q;
	int k = 0, i;

	for (i = 1; i < n; i++) {
		const char *x = s + step * (size_t)i;
		if (x <= prev)
			continue;
		q = memchr(x, '\n', (size_t)(end - x));
		if (q == NULL || q + 1 >= end)
			break;
		parts[k].a = q + 1;
		if (k > 0)
			parts[k - 1].b = q + 1;
		prev = q + 1;
		k++;
	}
	if (k > 0)
		parts[k - 1].b = end;
	return k;
}

/* Start the workers of parts[0..n-1] (those that fail to start simply
 * stop at once). */
static void
part_start(teller_ctx *ctx, struct part *parts, int n,
    const struct tl_cvr_source *src, const char *const *cands, int first,
    int ncol, const struct tl_map *m)
{
	int k;

	for (k = 0; k < n; k++) {
		struct part *w = &parts[k];
		w->src = src;
		w->cands = cands;
		w->first = first;
		w->ncol = ncol;
		w->mapped = m->mapped;
		w->m = m;
		atomic_init(&w->halt, false);
		w->stopped = w->a;
		w->endline = 1;
		w->started = false;
		if (teller_ctx_new(&ctx->alloc, &w->ctx) != TELLER_OK)
			continue;
		w->ctx->lim = ctx->lim;
		w->started = pthread_create(&w->tid, NULL, part_run, w) == 0;
	}
}

/* Stop and join the workers of parts[0..n-1] still running and free
 * their contexts. */
static void
part_end(struct part *parts, int n)
{
	int k;

	for (k = 0; k < n; k++)
		atomic_store(&parts[k].halt, true);
	for (k = 0; k < n; k++) {
		if (parts[k].started)
			pthread_join(parts[k].tid, NULL);
		parts[k].started = false;
		teller_ctx_free(parts[k].ctx);
		parts[k].ctx = NULL;
	}
}

/* Can part w merge into m as it would have read: do all its new
 * records fit in the memo? */
static bool
part_fits(const struct memo *m, const struct part *w)
{
	size_t i, nn = 0, nb = 0;

	for (i = 0; i < w->items->len; i++) {
		const struct pitem *it = &TL_VEC_AT(w->items, struct pitem,
		    i);
		if (m->cap > 0 && memo_find(m, it->key, it->vn,
		    it->h)->lenp1 != 0)
			continue;
		nn++;
		nb += it->vn;
	}
	return m->n + nn <= MEMO_MAX && m->bytes + nb <= MEMO_BYTES;
}

/* Hand over the records part w saw first, as the sequential read would
 * have met them: recno and line are those at w->a. */
static int
part_apply(teller_ctx *ctx, const struct tl_cvr_source *src, tl_cvr_fn fn,
    void *ud, struct memo *m, const struct part *w, long long recno,
    long line, char **scratch, size_t *scap)
{
	char idbuf[32];
	size_t i;
	int rc;

	for (i = 0; i < w->items->len; i++) {
		const struct pitem *it = &TL_VEC_AT(w->items, struct pitem,
		    i);
		const struct memo_ent *we = memo_find(&w->memo, it->key,
		    it->vn, it->h);
		struct memo_ent *e = m->cap > 0 ? memo_find(m, it->key,
		    it->vn, it->h) : NULL;
		const struct memo_cold *wc = MEMO_COLD(&w->memo, we);
		const struct tl_cvr_slot *cs = NULL;
		struct tl_cvr cvr;
		long long rg = recno + wc->recno;
		long lg = line + wc->line - 1;

		if (e != NULL && e->lenp1 != 0) {
			e->pending += 1 + we->pending;
			continue;
		}
		if ((rc = memo_add(ctx, m, it->key, it->vn, it->h, wc->slots,
		    we->nslots, rg, lg, &cs)) != TELLER_OK)
			return rc;
		if (cs == NULL)		/* part_fits said it would */
			return tl_fail(ctx, TELLER_EINTERNAL, "parallel CSV "
			    "read: memo full");
		memset(&cvr, 0, sizeof cvr);
		if ((rc = id_cells(ctx, src, it->pf, src->first_vote_col - 1,
		    scratch, scap, &cvr)) != TELLER_OK)
			return rc;
		cvr.computed_id = fmt_id(idbuf, rg);
		cvr.file = src->path;
		cvr.line = lg;
		cvr.nslots = we->nslots;
		cvr.slots = cs;
		cvr.stable = true;
		if ((rc = fn(ctx, ud, &cvr)) != TELLER_OK)
			return rc;
		memo_find(m, it->key, it->vn, it->h)->pending += we->pending;
	}
	return TELLER_OK;
}

/* The calling thread stands at the cut of part w (w->a, on line `line`)
 * with *recno records read: stop the worker, merge what it read if it
 * can, and free it. Moves p, chk and *recno past what was merged.
 * TELLER_OK or the error of a record handed over. */
static int
part_take(teller_ctx *ctx, const struct tl_cvr_source *src, tl_cvr_fn fn,
    void *ud, struct part *w, struct memo *m, struct csvp *p,
    struct chk *chk, long line, long long *recno, char **scratch,
    size_t *scap)
{
	teller_ctx *tmp;
	bool ok = false;
	int rc = TELLER_OK;

	atomic_store(&w->halt, true);
	if (w->started)
		pthread_join(w->tid, NULL);
	w->started = false;
	/* the text before the cut not checked yet must pass, or its error
	 * would come later in the sequential read than a record's here */
	if (teller_ctx_new(&ctx->alloc, &tmp) == TELLER_OK) {
		ok = tl_text_check(tmp, chk->at, (size_t)(w->a - chk->at)) ==
		    TELLER_OK;
		teller_ctx_free(tmp);
	}
	if (ok && w->items != NULL && part_fits(m, w)) {
		rc = part_apply(ctx, src, fn, ud, m, w, *recno, line, scratch,
		    scap);
		if (rc == TELLER_OK && w->stopped != w->a) {
			line += w->endline - 1;
			*recno += w->nrec;
			p->s = w->stopped;
			p->nextline = line;
			chk->at = w->stopped;
			chk->line = line;
			chk->col = 1;
		}
	}
	part_end(w, 1);
	return rc;
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
	const char *mdrop;
	char idbuf[32], *scratch = NULL;
	size_t scap = 0, mi;
	long long recno = 0;
	struct part parts[PAR_MAX];
	int npart = 0, pk = 0;

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
	chk.col = 1;
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
	mdrop = m.buf;
	if (fast && src->merge && ctx->threads > 1 &&
	    (size_t)(p.end - p.s) >= 2 * PAR_MIN) {
		size_t most = (size_t)(p.end - p.s) / PAR_MIN;
		int want = ctx->threads < PAR_MAX ? ctx->threads : PAR_MAX;
		if ((size_t)want > most)
			want = (int)most;
		memset(parts, 0, sizeof parts);
		npart = part_cut(parts, want, p.s, p.end);
		part_start(ctx, parts, npart, src, cands, first, ncol,
		    &m);
	}
	for (;;) {
		struct tl_cvr cvr;
		const struct tl_cvr_slot *sl = NULL;
		const char *vs = NULL;
		size_t vn = 0;
		uint64_t h = 0;
		struct memo_ent *e = NULL;
		bool keyed = false;
		const char *rs, *s0 = p.s;
		long nl0, l0 = p.nextline;
		int nsl = 0;
		bool stable = false;

		if (!skip_blank(&p)) {
			rc = check_text(ctx, &chk, p.end, p.nextline);
			break;
		}
		if (pk < npart && p.s >= parts[pk].a) {
			/* at a cut: merge the part read ahead, if the cut was
			 * reached at a record boundary */
			struct part *w = &parts[pk++];
			rc = TELLER_OK;
			if (s0 <= w->a) {
				for (; s0 < w->a; s0++)
					if (*s0 == '\n')
						l0++;
				rc = part_take(ctx, src, fn, ud, w, &memo, &p,
				    &chk, l0, &recno, &scratch, &scap);
			}
			part_end(w, 1);
			if (rc != TELLER_OK)
				goto out;
			continue;
		}
		recno++;
		nl0 = p.nextline;
		rs = p.s;
		drop = m.mapped && (size_t)(rs - mdrop) >= DROP_AFTER;
		if ((drop || (size_t)(rs - chk.at) >= CHECK_EVERY) &&
		    (rc = check_text(ctx, &chk, rs, nl0)) != TELLER_OK)
			goto out;
		if (drop) {
			/* nothing before rs is looked at again: header
			 * names and memo keys are copies */
			part_drop(&m, mdrop, rs);
			mdrop = rs;
		}
		if (fast && scan_fast(&p, first, pf, &vs, &vn, &h)) {
			keyed = true;
			if (memo.cap > 0) {
				e = memo_find(&memo, vs, vn, h);
				if (e->lenp1 != 0 && src->merge) {
					/* handed over after the file; so are
					 * the plain repeats that follow, up to
					 * the next text check, drop or cut */
					const char *lim = before(p.end,
					    chk.at, CHECK_EVERY);
					e->pending++;
					if (m.mapped)
						lim = before(lim, mdrop,
						    DROP_AFTER);
					if (pk < npart && parts[pk].a < lim)
						lim = parts[pk].a;
					repeats(&p, &memo, first, pf, lim,
					    &recno);
					continue;
				}
				if (e->lenp1 != 0) {
					sl = MEMO_COLD(&memo, e)->slots;
					nsl = e->nslots;
					stable = true;
				}
			}
			if (sl == NULL) {
				/* first sight: parse it in full */
				p.s = rs;
				p.nextline = nl0;
			}
		}
		/* (not before: most records end at the continue above) */
		memset(&cvr, 0, sizeof cvr);
		cvr.nslots = nsl;
		cvr.stable = stable;
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
		if (e->lenp1 == 0 || e->pending == 0)
			continue;
		memset(&cvr, 0, sizeof cvr);
		cvr.computed_id = fmt_id(idbuf, MEMO_COLD(&memo, e)->recno);
		cvr.file = src->path;
		cvr.line = MEMO_COLD(&memo, e)->line;
		cvr.nslots = e->nslots;
		cvr.slots = MEMO_COLD(&memo, e)->slots;
		cvr.stable = true;
		cvr.weight = e->pending;
		rc = fn(ctx, ud, &cvr);
	}
out:
	if (npart > 0)
		part_end(parts, npart);
	tl_io_unmap(&m);
	return rc;
}
