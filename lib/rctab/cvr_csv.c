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
#include <stdio.h>
#include <string.h>

#include "par.h"
#include "rctab_cvr.h"
#include "tl_io.h"

struct fld {
	const char *p;
	size_t n;
};

struct csvp {
	teller_ctx *ctx;
	const char *file;     /* the input's name, for errors */
	const char *s, *end;
	long line;            /* line of the record being read */
	long nextline;
	struct tl_vec *flds;  /* of struct fld */
	struct tl_vec *buf;   /* unescaped quoted text */
};

/* The largest rank cell read (see convert). */
#define RANK_TEXT_MAX UINT64_C(1000000009)

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
					return -tl_fail_in(p->ctx, p->file,
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
 * MEMO_BYTES of cell text, records are simply parsed. Its own table, not
 * a tl_strtab: it is probed once per record of files of millions, so an
 * entry is one cache line with short keys inline and the hash compared
 * first (one miss a lookup), it carries the converted slots and pending
 * counts, and the parallel read merges whole memos (part_apply).
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
	const char *file; /* the input's name, for errors */
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
	rc = tl_text_check(ctx, c->file, c->at, (size_t)(upto - c->at));
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
			return tl_fail_in(p->ctx, p->file, TELLER_EPARSE,
			    p->line, i + 1, "column %d has a value but no "
			    "header", i + 1);
	for (i = first; i < nf && i < ncol; i++) {
		const char *s = f[i].p, *e = s + f[i].n;
		long long v = 0;
		uint64_t u;
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
		/* digits only, at most 1000000009 (as before: the digits
		 * before the last read at most 10^8) */
		if (s == e || tl_text_uint(s, (size_t)(e - s), RANK_TEXT_MAX,
		    &u) != e - s)
			v = -1;
		else
			v = (long long)u;
		if (v < 0 && check_text(p->ctx, chk, p->s, p->nextline) !=
		    TELLER_OK)
			return p->ctx->err;
		if (v < 0)
			return tl_fail_in(p->ctx, p->file, TELLER_EPARSE,
			    p->line, i + 1, "Row %lld expected number at "
			    "column %d, but got \"%.*s\" instead.", recno,
			    i + 1, (int)f[i].n, f[i].p);
		if (neg)
			v = -v;
		if (v < 1)
			return tl_fail_in(p->ctx, p->file, TELLER_EPARSE,
			    p->line, i + 1, "rank %lld is not positive", v);
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
 * large file; the frame is par.h's). The bytes after the header are cut
 * into parts at line starts; the calling thread reads the first part as
 * always, and one worker per later part reads ahead only what it can
 * take for certain: plain records (scan_fast) that end with a newline,
 * start a line, convert without error, in text that passes
 * tl_text_check, while its own memo has room. It stops at the first
 * record it cannot take. Each worker has its own context (same
 * allocator) and memo and keeps, in order, a copy of each record it saw
 * first.
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
	const char *const *cands;
	int first, ncol;
	const char *a, *b;    /* the part: [a, b), a at a line start */
	bool mapped;          /* pages may be dropped behind the worker */
	const struct tl_map *m; /* the file, for part_drop */
	/* results */
	const char *stopped;  /* where it stopped: b when it took all */
	long long nrec;       /* records taken */
	long endline;         /* line of stopped, counted from 1 at a */
	struct memo memo;     /* recno and line counted from a */
	struct tl_vec *items; /* of struct pitem, in order */
};

/* A worker's scratch while it reads its part. */
struct pscan {
	struct csvp p;
	struct tl_vec *pairs, *slots, *ptrs;
	struct fld *pf;
	const char *piece;    /* text checked up to here */
	const char *dropped;  /* pages handed back up to here */
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

/* Set up worker w's scratch ps; false if it cannot (nothing read). */
static bool
part_setup(struct part *w, struct pscan *ps)
{
	teller_ctx *ctx = w->ctx;
	size_t nc = (size_t)w->ncol + 1;

	memset(ps, 0, sizeof *ps);
	ps->p.ctx = ctx;
	ps->p.s = w->a;
	ps->p.end = w->b;
	ps->p.nextline = 1;
	ps->piece = w->a;
	ps->dropped = w->a;
	w->stopped = w->a;
	w->endline = 1;
	ps->p.flds = tl_vec_new(ctx, sizeof(struct fld));
	ps->p.buf = tl_vec_new(ctx, 1);
	ps->pairs = tl_vec_new(ctx, sizeof(struct pair));
	ps->slots = tl_vec_new(ctx, sizeof(struct tl_cvr_slot));
	ps->ptrs = tl_vec_new(ctx, sizeof(char *));
	w->items = tl_vec_new(ctx, sizeof(struct pitem));
	ps->pf = tl_alloc(ctx, (size_t)w->first + 1, sizeof *ps->pf);
	return ps->p.flds != NULL && ps->p.buf != NULL && ps->pairs != NULL &&
	    ps->slots != NULL && ps->ptrs != NULL && w->items != NULL &&
	    ps->pf != NULL &&
	    tl_vec_reserve(ctx, ps->pairs, nc) == TELLER_OK &&
	    tl_vec_reserve(ctx, ps->ptrs, nc) == TELLER_OK &&
	    tl_vec_reserve(ctx, ps->slots, nc) == TELLER_OK;
}

/* The record at rs0 (a record start) is at or past the text checked:
 * check a piece ahead, to a line end, and hand back the pages behind.
 * False if the text fails the check. */
static bool
part_ahead(struct part *w, struct pscan *ps, const char *rs0)
{
	const char *pe = ps->piece + CHECK_EVERY;

	if (pe >= w->b) {
		pe = w->b;
	} else {
		pe = memchr(pe, '\n', (size_t)(w->b - pe));
		pe = pe == NULL ? w->b : pe + 1;
	}
	if (tl_text_check(w->ctx, NULL, ps->piece,
	    (size_t)(pe - ps->piece)) != TELLER_OK)
		return false;
	ps->piece = pe;
	if (w->mapped && (size_t)(rs0 - ps->dropped) >= PAR_DROP) {
		part_drop(w->m, ps->dropped, rs0);
		ps->dropped = rs0;
	}
	return true;
}

/* The record at rs (line nl0), vote cells (vs, vn, h), seen first by
 * worker w: parse and convert it as the reader would and keep it. False
 * if it cannot be taken for certain. */
static bool
part_first(struct part *w, struct pscan *ps, const char *rs, long nl0,
    const char *vs, size_t vn, uint64_t h)
{
	const struct tl_cvr_slot *cs = NULL;
	struct chk dummy;

	ps->p.s = rs;
	ps->p.nextline = nl0;
	if (next_record(&ps->p) != 1)
		return false;
	dummy.file = NULL;
	dummy.at = rs;
	dummy.line = nl0;
	dummy.col = 1;
	if (convert(&ps->p, &dummy, w->first, w->ncol, w->cands,
	    w->nrec + 1, ps->pairs, ps->slots, ps->ptrs) != TELLER_OK)
		return false;
	if (memo_add(w->ctx, &w->memo, vs, vn, h, ps->slots->data,
	    (int)ps->slots->len, w->nrec + 1, ps->p.line, &cs) != TELLER_OK ||
	    cs == NULL)
		return false;
	/* on failure the memo entry is never looked at again */
	if (part_item(w, ps->pf, vs, vn, h) != TELLER_OK)
		return false;
	w->nrec++;
	return true;
}

/* The worker (a tl_par_fn): read part w as far as it can be taken for
 * certain. */
static void
part_run(void *arg, const struct tl_par_part *pt)
{
	struct part *w = arg;
	struct pscan ps;

	if (!part_setup(w, &ps))
		return;
	for (;;) {
		const char *rs0 = ps.p.s, *rs, *vs = NULL;
		long nl00 = ps.p.nextline, nl0;
		size_t vn = 0;
		uint64_t h = 0;
		struct memo_ent *e;

		if (!skip_blank(&ps.p)) {
			w->stopped = ps.p.s;
			w->endline = ps.p.nextline;
			break;
		}
		w->stopped = rs0;
		w->endline = nl00;
		rs = ps.p.s;
		nl0 = ps.p.nextline;
		/* every record start a line start */
		if (rs[-1] != '\n' || tl_par_halted(pt))
			break;
		if (rs >= ps.piece && !part_ahead(w, &ps, rs0))
			break;
		if (!scan_fast(&ps.p, w->first, ps.pf, &vs, &vn, &h) ||
		    (ps.p.s < w->b && ps.p.s[-1] != '\n'))
			break;
		e = w->memo.cap > 0 ? memo_find(&w->memo, vs, vn, h) : NULL;
		if (e != NULL && e->lenp1 != 0) {
			e->pending++;
			w->nrec++;
			continue;
		}
		if (!part_first(w, &ps, rs, nl0, vs, vn, h))
			break;
	}
}

/* The state of one read: tl_cvr_read_csv's, shared by its steps. */
struct rdr {
	teller_ctx *ctx;
	const struct tl_cvr_source *src;
	tl_cvr_fn fn;
	void *ud;
	struct tl_map m;
	struct csvp p;
	const char **cands;     /* [ncol]: names of the vote columns */
	int ncol, first;
	struct tl_vec *pairs, *slots, *ptrs;
	struct fld *pf;         /* the fields before the vote cells */
	struct memo memo;
	struct chk chk;
	bool fast;              /* id cells before the vote cells */
	const char *mdrop;      /* pages handed back up to here */
	char idbuf[32];
	char *scratch;          /* id_cells' */
	size_t scap;
	long long recno;        /* records read */
	struct tl_par par;      /* the parallel read (par.n == 0: none) */
	struct part parts[TL_PAR_MAX]; /* [1..par.n - 1], the workers' */
	int pk;                 /* the next part to take */
};

/* Start the parallel read of d's records if it is worth it (the workers
 * that fail to start simply read nothing). */
static void
part_begin(struct rdr *d)
{
	teller_ctx *ctx = d->ctx;
	size_t left = (size_t)(d->p.end - d->p.s), most = left / PAR_MIN;
	int want = ctx->threads, k;

	d->pk = 1;
	if (!d->fast || !d->src->merge || ctx->threads <= 1 ||
	    left < 2 * PAR_MIN)
		return;
	if ((size_t)want > most)
		want = (int)most;
	tl_par_cut(&d->par, d->p.s, d->p.end, '\n', want);
	for (k = 1; k < d->par.n; k++) {
		struct part *w = &d->parts[k];
		memset(w, 0, sizeof *w);
		w->cands = d->cands;
		w->first = d->first;
		w->ncol = d->ncol;
		w->a = d->par.part[k].a;
		w->b = d->par.part[k].b;
		w->mapped = d->m.mapped;
		w->m = &d->m;
		w->stopped = w->a;
		w->endline = 1;
		if (teller_ctx_new(&ctx->alloc, &w->ctx) != TELLER_OK)
			continue;
		w->ctx->lim = ctx->lim;
		tl_par_start(&d->par, k, part_run, w);
	}
}

/* Stop and join the workers of parts [from, to) still running and free
 * their contexts. */
static void
part_end(struct rdr *d, int from, int to)
{
	int k;

	tl_par_stop(&d->par, from, to);
	for (k = from; k < to; k++) {
		teller_ctx_free(d->parts[k].ctx);
		d->parts[k].ctx = NULL;
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

/* Hand over item it of part w (entry we of its memo), a record seen
 * first in the part, as the sequential read would have met it: recno
 * and line are those at w->a. */
static int
part_apply_one(struct rdr *d, const struct pitem *it,
    const struct memo_ent *we, const struct memo_cold *wc, long long recno,
    long line)
{
	const struct tl_cvr_source *src = d->src;
	struct memo *m = &d->memo;
	struct memo_ent *e = m->cap > 0 ? memo_find(m, it->key, it->vn,
	    it->h) : NULL;
	const struct tl_cvr_slot *cs = NULL;
	struct tl_cvr cvr;
	long long rg = recno + wc->recno;
	long lg = line + wc->line - 1;
	int rc;

	if (e != NULL && e->lenp1 != 0) {
		e->pending += 1 + we->pending;
		return TELLER_OK;
	}
	if ((rc = memo_add(d->ctx, m, it->key, it->vn, it->h, wc->slots,
	    we->nslots, rg, lg, &cs)) != TELLER_OK)
		return rc;
	if (cs == NULL)		/* part_fits said it would */
		return tl_fail_in(d->ctx, src->path, TELLER_EINTERNAL, 0, 0,
		    "parallel CSV read: memo full");
	memset(&cvr, 0, sizeof cvr);
	if ((rc = id_cells(d->ctx, src, it->pf, src->first_vote_col - 1,
	    &d->scratch, &d->scap, &cvr)) != TELLER_OK)
		return rc;
	cvr.computed_id = fmt_id(d->idbuf, rg);
	cvr.file = src->path;
	cvr.line = lg;
	cvr.nslots = we->nslots;
	cvr.slots = cs;
	cvr.stable = true;
	if ((rc = d->fn(d->ctx, d->ud, &cvr)) != TELLER_OK)
		return rc;
	memo_find(m, it->key, it->vn, it->h)->pending += we->pending;
	return TELLER_OK;
}

/* Hand over the records part w saw first, in order. */
static int
part_apply(struct rdr *d, const struct part *w, long long recno, long line)
{
	size_t i;
	int rc;

	for (i = 0; i < w->items->len; i++) {
		const struct pitem *it = &TL_VEC_AT(w->items, struct pitem,
		    i);
		const struct memo_ent *we = memo_find(&w->memo, it->key,
		    it->vn, it->h);
		if ((rc = part_apply_one(d, it, we, MEMO_COLD(&w->memo, we),
		    recno, line)) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

/* The calling thread stands at the cut of part k (its a, on line `line`)
 * with d->recno records read: stop the worker, merge what it read if it
 * can, and free it. Moves d->p, d->chk and d->recno past what was merged.
 * TELLER_OK or the error of a record handed over. */
static int
part_take(struct rdr *d, int k, long line)
{
	struct part *w = &d->parts[k];
	teller_ctx *tmp;
	bool ok = false;
	int rc = TELLER_OK;

	tl_par_stop(&d->par, k, k + 1);
	/* the text before the cut not checked yet must pass, or its error
	 * would come later in the sequential read than a record's here */
	if (teller_ctx_new(&d->ctx->alloc, &tmp) == TELLER_OK) {
		ok = tl_text_check(tmp, NULL, d->chk.at, (size_t)(w->a -
		    d->chk.at)) == TELLER_OK;
		teller_ctx_free(tmp);
	}
	if (ok && w->items != NULL && part_fits(&d->memo, w)) {
		rc = part_apply(d, w, d->recno, line);
		if (rc == TELLER_OK && w->stopped != w->a) {
			line += w->endline - 1;
			d->recno += w->nrec;
			d->p.s = w->stopped;
			d->p.nextline = line;
			d->chk.at = w->stopped;
			d->chk.line = line;
			d->chk.col = 1;
		}
	}
	part_end(d, k, k + 1);
	return rc;
}

/* The header row: the candidates' names (d->cands), d->ncol, d->pf and
 * the scratch vectors. */
static int
csv_header(struct rdr *d)
{
	teller_ctx *ctx = d->ctx;
	struct csvp *p = &d->p;
	const char *buf = d->m.buf;
	int rc, i;

	p->ctx = ctx;
	p->file = d->src->path;
	p->s = buf;
	p->end = buf + d->m.len;
	p->nextline = 1;
	if (d->m.len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		p->s += 3;
	p->flds = tl_vec_new(ctx, sizeof(struct fld));
	p->buf = tl_vec_new(ctx, 1);
	d->pairs = tl_vec_new(ctx, sizeof(struct pair));
	d->slots = tl_vec_new(ctx, sizeof(struct tl_cvr_slot));
	d->ptrs = tl_vec_new(ctx, sizeof(char *));
	if (p->flds == NULL || p->buf == NULL || d->pairs == NULL ||
	    d->slots == NULL || d->ptrs == NULL)
		return TELLER_ENOMEM;
	rc = next_record(p);
	if (rc <= 0)
		return rc == 0 ? tl_fail_in(ctx, p->file, TELLER_EPARSE, 0, 0,
		    "no header row") : -rc;
	d->chk.file = p->file;
	d->chk.at = buf;
	d->chk.line = 1;
	d->chk.col = 1;
	if ((rc = check_text(ctx, &d->chk, p->s, p->nextline)) != TELLER_OK)
		return rc;
	fix_fields(p, buf, d->m.len);
	d->ncol = (int)p->flds->len;
	d->cands = tl_alloc(ctx, (size_t)d->ncol + 1, sizeof(char *));
	d->pf = tl_alloc(ctx, (size_t)(d->first > 0 ? d->first : 0) + 1,
	    sizeof *d->pf);
	if (d->cands == NULL || d->pf == NULL || tl_vec_reserve(ctx,
	    d->pairs, (size_t)d->ncol + 1) != TELLER_OK || tl_vec_reserve(ctx,
	    d->ptrs, (size_t)d->ncol + 1) != TELLER_OK || tl_vec_reserve(ctx,
	    d->slots, (size_t)d->ncol + 1) != TELLER_OK)
		return TELLER_ENOMEM;
	for (i = d->first; i < d->ncol; i++) {
		struct fld *f = &TL_VEC_AT(p->flds, struct fld, i);
		if (is_blank(f->p, f->n))
			return tl_fail_in(ctx, p->file, TELLER_EPARSE, 1, 0,
			    "column %d: blank candidate name in the header",
			    i + 1);
		d->cands[i] = tl_strndup(ctx, f->p, f->n);
		if (d->cands[i] == NULL)
			return TELLER_ENOMEM;
		if (*d->src->uwi_label != '\0' &&
		    strcmp(d->cands[i], d->src->uwi_label) == 0)
			d->cands[i] = TL_CVR_UWI;
	}
	return TELLER_OK;
}

/* csv_step's return to go on with the next record (no TELLER_* code). */
#define STEP_MORE (-1)

/* At the cut of part d->pk: merge the part read ahead, if the cut was
 * reached at a record boundary (the step began at s0, on line l0). */
static int
at_cut(struct rdr *d, const char *s0, long l0)
{
	int k = d->pk++, rc = TELLER_OK;
	const char *a = d->parts[k].a;

	if (s0 <= a) {
		for (; s0 < a; s0++)
			if (*s0 == '\n')
				l0++;
		rc = part_take(d, k, l0);
	}
	part_end(d, k, k + 1);
	return rc != TELLER_OK ? rc : STEP_MORE;
}

/* Before the record at rs (line nl0): check the text behind it when due,
 * and hand back the pages read. */
static int
step_pages(struct rdr *d, const char *rs, long nl0)
{
	bool drop = d->m.mapped && (size_t)(rs - d->mdrop) >= DROP_AFTER;
	int rc;

	if ((drop || (size_t)(rs - d->chk.at) >= CHECK_EVERY) &&
	    (rc = check_text(d->ctx, &d->chk, rs, nl0)) != TELLER_OK)
		return rc;
	if (drop) {
		/* nothing before rs is looked at again: header names and
		 * memo keys are copies */
		part_drop(&d->m, d->mdrop, rs);
		d->mdrop = rs;
	}
	return TELLER_OK;
}

/* A repeat of memo entry e, merged: handed over after the file; so are
 * the plain repeats that follow, up to the next text check, drop or
 * cut. */
static void
merged_repeat(struct rdr *d, struct memo_ent *e)
{
	const char *lim = before(d->p.end, d->chk.at, CHECK_EVERY);

	e->pending++;
	if (d->m.mapped)
		lim = before(lim, d->mdrop, DROP_AFTER);
	if (d->pk < d->par.n && d->par.part[d->pk].a < lim)
		lim = d->par.part[d->pk].a;
	repeats(&d->p, &d->memo, d->first, d->pf, lim, &d->recno);
}

/* The vote cells of the record being read, when scanned fast. */
struct vkey {
	const char *vs;
	size_t vn;
	uint64_t h;
	bool keyed;             /* scanned fast: (vs, vn, h) are set */
};

/* Parse the record at d->p.s in full into cvr (slots converted, and
 * kept in the memo when keyed). STEP_MORE when cvr is ready, else what
 * csv_step returns (TELLER_OK at the end of the file, or an error). */
static int
full_record(struct rdr *d, const struct vkey *k, struct tl_cvr *cvr)
{
	struct csvp *p = &d->p;
	const struct tl_cvr_slot *cs = NULL;
	int rc = next_record(p);

	if (rc <= 0)
		return rc < 0 ? -rc : check_text(d->ctx, &d->chk, p->end,
		    p->nextline);
	fix_fields(p, d->m.buf, d->m.len);
	if ((rc = convert(p, &d->chk, d->first, d->ncol, d->cands, d->recno,
	    d->pairs, d->slots, d->ptrs)) != TELLER_OK)
		return rc;
	cvr->slots = d->slots->data;
	cvr->nslots = (int)d->slots->len;
	if (k->keyed) {
		if ((rc = memo_add(d->ctx, &d->memo, k->vs, k->vn, k->h,
		    cvr->slots, cvr->nslots, d->recno, p->line, &cs)) !=
		    TELLER_OK)
			return rc;
		if (cs != NULL) {
			cvr->slots = cs;
			cvr->stable = true;
		}
	}
	if ((rc = id_cells(d->ctx, d->src, p->flds->data, (int)p->flds->len,
	    &d->scratch, &d->scap, cvr)) != TELLER_OK)
		return rc;
	return STEP_MORE;
}

/* Read the next record and hand it over (or count it, a merged repeat).
 * STEP_MORE to go on; TELLER_OK at the end of the file, or an error. */
static int
csv_step(struct rdr *d)
{
	struct csvp *p = &d->p;
	struct vkey k = { NULL, 0, 0, false };
	struct memo_ent *e;
	struct tl_cvr cvr;
	const struct tl_cvr_slot *sl = NULL;
	const char *rs, *s0 = p->s;
	long nl0, l0 = p->nextline;
	int nsl = 0, rc;

	if (!skip_blank(p))
		return check_text(d->ctx, &d->chk, p->end, p->nextline);
	if (d->pk < d->par.n && p->s >= d->par.part[d->pk].a)
		return at_cut(d, s0, l0);
	d->recno++;
	nl0 = p->nextline;
	rs = p->s;
	if ((rc = step_pages(d, rs, nl0)) != TELLER_OK)
		return rc;
	if (d->fast && scan_fast(p, d->first, d->pf, &k.vs, &k.vn, &k.h)) {
		k.keyed = true;
		e = d->memo.cap > 0 ? memo_find(&d->memo, k.vs, k.vn, k.h) :
		    NULL;
		if (e != NULL && e->lenp1 != 0 && d->src->merge) {
			merged_repeat(d, e);
			return STEP_MORE;
		}
		if (e != NULL && e->lenp1 != 0) {
			sl = MEMO_COLD(&d->memo, e)->slots;
			nsl = e->nslots;
		} else {
			/* first sight: parse it in full */
			p->s = rs;
			p->nextline = nl0;
		}
	}
	/* (not before: most records end at the return above) */
	memset(&cvr, 0, sizeof cvr);
	cvr.slots = sl;
	cvr.nslots = nsl;
	cvr.stable = sl != NULL;
	if (cvr.slots != NULL)
		rc = id_cells(d->ctx, d->src, d->pf, d->first, &d->scratch,
		    &d->scap, &cvr);
	else if ((rc = full_record(d, &k, &cvr)) == STEP_MORE)
		rc = TELLER_OK;
	else
		return rc;
	if (rc != TELLER_OK)
		return rc;
	cvr.computed_id = fmt_id(d->idbuf, d->recno);
	cvr.file = d->src->path;
	cvr.line = p->line;
	if ((rc = d->fn(d->ctx, d->ud, &cvr)) != TELLER_OK)
		return rc;
	return STEP_MORE;
}

/* Merged repeats: one record per memo entry, weighted, after the file. */
static int
hand_merged(struct rdr *d)
{
	struct memo *m = &d->memo;
	size_t mi;
	int rc = TELLER_OK;

	for (mi = 0; rc == TELLER_OK && mi < m->cap; mi++) {
		struct tl_cvr cvr;
		struct memo_ent *e = &m->tab[mi];
		if (e->lenp1 == 0 || e->pending == 0)
			continue;
		memset(&cvr, 0, sizeof cvr);
		cvr.computed_id = fmt_id(d->idbuf, MEMO_COLD(m, e)->recno);
		cvr.file = d->src->path;
		cvr.line = MEMO_COLD(m, e)->line;
		cvr.nslots = e->nslots;
		cvr.slots = MEMO_COLD(m, e)->slots;
		cvr.stable = true;
		cvr.weight = e->pending;
		rc = d->fn(d->ctx, d->ud, &cvr);
	}
	return rc;
}

int
tl_cvr_read_csv(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud)
{
	struct rdr d;
	int rc;

	memset(&d, 0, sizeof d);
	d.ctx = ctx;
	d.src = src;
	d.fn = fn;
	d.ud = ud;
	d.first = src->first_vote_col - 1;
	if ((rc = tl_io_map(ctx, src->path, src->path, &d.m)) != TELLER_OK)
		return rc;
	if ((rc = csv_header(&d)) == TELLER_OK) {
		/* the fast path needs the id cells before the vote cells */
		d.fast = d.first >= 0 && src->id_col <= d.first &&
		    src->precinct_col <= d.first &&
		    src->batch_col <= d.first;
		d.mdrop = d.m.buf;
		part_begin(&d);
		while ((rc = csv_step(&d)) == STEP_MORE)
			;
		if (rc == TELLER_OK)
			rc = hand_merged(&d);
	}
	part_end(&d, 1, d.par.n);
	tl_io_unmap(&d.m);
	return rc;
}
