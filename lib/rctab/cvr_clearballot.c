/* SPDX-License-Identifier: MIT */
/*
 * cvr_clearballot.c -- RCTab's Clear Ballot reader (docs/rctab.md section
 * 7.4): a ClearVote CSV read line by line and split on commas outside
 * double quotes, quotes kept. Choice column headers name (contest, rank,
 * choice); every data row is one cast vote record whose marks are the
 * choice columns of contestId holding the integer 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvr_util.h"
#include "tl_io.h"

enum {
	COL_BALLOT_ID = 3,
	COL_PRECINCT_ID = 4,
	COL_SCAN_COMPUTER = 7,
	COL_CHOICES = 10  /* first choice column */
};

struct field {
	const char *s;
	size_t n;
};

/* A choice column of the contest. */
struct choice {
	size_t col;
	long rank;
	size_t off;   /* choice string in the name pool */
	size_t order; /* Java HashMap iteration key */
	size_t seq;
};

/*
 * Memo of choice cells: a file repeats a few rankings, so the cells of
 * the contest's choice columns of a quote-free row (joined by commas, a
 * comma after each) key the slots converted when those cells were
 * first seen, passed as stable (rctab_cvr.h); with src->merge, repeats
 * are counted and handed over after the file, one weighted record per
 * key. The marks are a pure function of those cells (the header fixes
 * the rest), and a row is keyed only when it has every field the
 * record needs, so a hit gives exactly what parsing would, errors
 * included. Bounded: past MEMO_MAX keys or MEMO_BYTES of key text,
 * rows are simply parsed.
 */
#define MEMO_MAX   (1u << 16)
#define MEMO_BYTES ((size_t)16 << 20)

struct memo_ent {
	uint64_t hash;
	size_t koff, klen;              /* key in cb.keys */
	const struct tl_cvr_slot *slots; /* arena copy; NULL: empty entry */
	int nslots;
	int64_t pending;                /* merged repeats not handed over */
	long row, line;                 /* first row with this key */
};

struct cb {
	teller_ctx *ctx;
	const char *file;       /* the CVR file's name, for errors */
	struct tl_vec *fields; /* struct field */
	struct tl_vec *names;  /* char pool of choice names */
	struct choice *ch;
	size_t nch;
	size_t *byrank;        /* choice indexes by rank, then index */
	size_t need;           /* fields a keyed row must have */
	size_t kfirst;         /* its first field in the key */
	struct tl_vec *keys;   /* char: the memo's keys */
	struct memo_ent *tab;
	size_t cap, n;
	size_t mbytes;         /* the memo's keys and slots, bytes */
	const char *base;      /* the file's base name (computed ids) */
	size_t nbase;
	bool quoted;           /* the row split last had a quote */
};

/* Append a field to c->fields. */
static inline int
push_field(struct cb *c, const char *s, size_t n)
{
	struct tl_vec *v = c->fields;

	if (v->len == v->cap && tl_vec_reserve(c->ctx, v, 1) != 0)
		return tl_oom(c->ctx);
	TL_VEC_AT(v, struct field, v->len).s = s;
	TL_VEC_AT(v, struct field, v->len).n = n;
	v->len++;
	return TELLER_OK;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CB_SWAR 1
/* 0x80 in each byte of w that equals the byte of pat (pat: 8 copies),
 * exactly (no carries between bytes). */
static inline uint64_t
bytes_eq(uint64_t w, uint64_t pat)
{
	const uint64_t m = 0x7f7f7f7f7f7f7f7fu;
	uint64_t x = w ^ pat;

	return ~(((x & m) + m) | x | m);
}
#endif

/* Split a line at every comma; on a quote, stop (c->quoted set). The
 * fields are short (a digit, most of them): eight bytes at a time, not
 * memchr. */
static int
split_plain(struct cb *c, const char *line, size_t n)
{
	const char *p = line, *s = line, *e = line + n;
#ifdef CB_SWAR
	const uint64_t l = 0x0101010101010101u;
	struct tl_vec *v = c->fields;
	struct field *f;
	size_t k = v->len;

	for (; e - p >= 8; p += 8) {
		uint64_t w, cm;

		memcpy(&w, p, 8);
		if (bytes_eq(w, l * '"') != 0)
			break;
		if ((cm = bytes_eq(w, l * ',')) == 0)
			continue;
		if (v->cap - k < 8) {
			v->len = k;
			if (tl_vec_reserve(c->ctx, v, 8) != 0)
				return tl_oom(c->ctx);
		}
		f = (struct field *)v->data + k;
		do {
			const char *q = p + (__builtin_ctzll(cm) >> 3);

			f->s = s;
			f->n = (size_t)(q - s);
			f++;
			k++;
			s = q + 1;
			cm &= cm - 1;
		} while (cm != 0);
	}
	v->len = k;
#endif
	for (; p < e; p++) {
		if (*p == ',') {
			if (push_field(c, s, (size_t)(p - s)) != TELLER_OK)
				return TELLER_ENOMEM;
			s = p + 1;
		} else if (*p == '"') {
			c->quoted = true;
			return TELLER_OK;
		}
	}
	return push_field(c, s, (size_t)(e - s));
}

/*
 * Split line[0..n) as String.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)"):
 * at each comma followed by an even number of quotes up to the end of the
 * line; quotes stay; trailing empty fields are dropped.
 */
static int
split_line(struct cb *c, const char *line, size_t n)
{
	size_t i, start = 0, quotes = 0, seen = 0;

	c->fields->len = 0;
	c->quoted = false;
	if (n > 0 && split_plain(c, line, n) != TELLER_OK)
		return TELLER_ENOMEM;
	if (n == 0 || c->quoted) {
		c->fields->len = 0;
		for (i = 0; i < n; i++)
			if (line[i] == '"')
				quotes++;
	}
	for (i = 0; quotes > 0 && i <= n; i++) {
		if (i < n && line[i] == '"')
			seen++;
		if (i == n || (line[i] == ',' && (quotes - seen) % 2 == 0)) {
			if (push_field(c, line + start, i - start) !=
			    TELLER_OK)
				return TELLER_ENOMEM;
			start = i + 1;
		}
	}
	while (c->fields->len > 0 &&
	    TL_VEC_AT(c->fields, struct field, c->fields->len - 1).n == 0)
		c->fields->len--;
	/* "".split(...) is [""], one empty field. */
	if (n == 0 && push_field(c, line, 0) != TELLER_OK)
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* Fields 0 to COL_SCAN_COMPUTER of a line with no quote and more
 * fields than that (a keyed row), as split_line splits them. */
static int
split_ids(struct cb *c, const char *line, size_t n)
{
	const char *p = line, *e = line + n, *q;
	size_t i;

	c->fields->len = 0;
	c->quoted = false;
	for (i = 0; i <= COL_SCAN_COMPUTER; i++) {
		q = memchr(p, ',', (size_t)(e - p));
		if (q == NULL)
			q = e;
		if (push_field(c, p, (size_t)(q - p)) != TELLER_OK)
			return TELLER_ENOMEM;
		if (q == e)
			break;
		p = q + 1;
	}
	return TELLER_OK;
}

/* Next line as BufferedReader.readLine: ends at \n, \r or \r\n. */
static bool
next_line(const char *buf, size_t len, size_t *pos, const char **line,
    size_t *n)
{
	size_t i = *pos;

	if (i >= len)
		return false;
	*line = buf + i;
	{
		const char *nl = memchr(buf + i, '\n', len - i), *cr;
		size_t end = nl != NULL ? (size_t)(nl - buf) : len;

		cr = memchr(buf + i, '\r', end - i);
		i = cr != NULL ? (size_t)(cr - buf) : end;
	}
	*n = i - *pos;
	if (i < len && buf[i] == '\r')
		i++;
	else if (i < len)
		i++;
	if (i < len && buf[i] == '\n' && buf[i - 1] == '\r' &&
	    (size_t)(i - 1) == *pos + *n)
		i++;
	*pos = i;
	return true;
}

static int
cmp_choice(const void *pa, const void *pb)
{
	const struct choice *a = pa, *b = pb;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Split s on ':' as String.split(":"), trailing empties dropped. */
static size_t
split_colon(const char *s, size_t n, struct field *out, size_t max)
{
	size_t k = 0, start = 0, i;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == ':') {
			if (k < max) {
				out[k].s = s + start;
				out[k].n = i - start;
			}
			k++;
			start = i + 1;
		}
	}
	while (k > 0 && k <= max && out[k - 1].n == 0)
		k--;
	return k;
}

/* Read the header: the choice columns of the configured contest. */
static int
read_header(struct cb *c, const struct tl_cvr_source *src, const char *line,
    size_t n)
{
	teller_ctx *ctx = c->ctx;
	size_t i, cap = 16, nf;
	long maxr = tl_cvr_max_ranks(src);
	int err;

	if ((err = split_line(c, line, n)) != TELLER_OK)
		return err;
	nf = c->fields->len;
	if (nf < COL_CHOICES)
		return tl_fail_in(ctx, c->file, TELLER_EPARSE, 1, 1,
		    "no choice "
		    "columns: the header has %zu fields, fewer than %d", nf,
		    COL_CHOICES);
	c->ch = tl_alloc(ctx, nf, sizeof(*c->ch));
	if (c->ch == NULL)
		return TELLER_ENOMEM;
	for (i = COL_CHOICES; i < nf; i++) {
		const struct field *f = &TL_VEC_AT(c->fields, struct field, i);
		struct field parts[7];
		struct choice *ch = &c->ch[c->nch];
		const char *name;
		size_t nn;
		long col = (long)(f->s - line) + 1;

		if (split_colon(f->s, f->n, parts, 7) != 6)
			return tl_fail_in(ctx, c->file, TELLER_EPARSE, 1, col,
			    "choice "
			    "column %zu: the header needs 6 fields separated "
			    "by ':'", i + 1);
		if (parts[1].n != strlen(src->contest_id) ||
		    memcmp(parts[1].s, src->contest_id, parts[1].n) != 0)
			continue;
		if (!tl_cvr_parse_int(parts[2].s, parts[2].n, &ch->rank))
			return tl_fail_in(ctx, c->file, TELLER_EPARSE, 1, col,
			    "choice "
			    "column %zu: rank '%.*s' is not an integer", i + 1,
			    (int)(parts[2].n > 40 ? 40 : parts[2].n),
			    parts[2].s);
		/* 2.0.1 drops the columns of ranks above the maximum. */
		if (maxr > 0 && ch->rank > maxr)
			continue;
		if (ch->rank < 1 || ch->rank > ctx->lim.ranks)
			return tl_fail_in(ctx, c->file,
			    ch->rank < 1 ? TELLER_EPARSE :
			    TELLER_ELIMIT, 1, col, "choice column %zu: rank "
			    "%ld is not from 1 to %d", i + 1, ch->rank,
			    ctx->lim.ranks);
		name = parts[4].s;
		nn = parts[4].n;
		if (src->uwi_label[0] != '\0' && nn == strlen(src->uwi_label)
		    && memcmp(name, src->uwi_label, nn) == 0) {
			name = TL_CVR_UWI;
			nn = strlen(TL_CVR_UWI);
		}
		if (tl_vec_reserve(ctx, c->names, nn + 1) != 0)
			return tl_oom(ctx);
		ch->off = c->names->len;
		memcpy((char *)c->names->data + ch->off, name, nn);
		((char *)c->names->data)[ch->off + nn] = '\0';
		c->names->len += nn + 1;
		ch->col = i;
		ch->seq = c->nch;
		c->nch++;
		if (c->nch > cap * 3 / 4)
			cap *= 2;
	}
	/* The columns were kept in a HashMap<Integer, ...>: iterate in its
	 * order (bucket = column index mod table size, then insertion). */
	for (i = 0; i < c->nch; i++)
		c->ch[i].order = c->ch[i].col & (cap - 1);
	qsort(c->ch, c->nch, sizeof(*c->ch), cmp_choice);
	/* For the memo: a keyed row has every choice column and the
	 * scan computer's; its marks in tl_cvrb_finish's order (by rank,
	 * then as added, i.e. in c->ch's order). */
	c->need = COL_SCAN_COMPUTER + 1;
	c->kfirst = SIZE_MAX;
	if ((c->byrank = tl_alloc(ctx, c->nch + 1, sizeof(size_t))) == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < c->nch; i++) {
		size_t j = i;

		if (c->ch[i].col + 1 > c->need)
			c->need = c->ch[i].col + 1;
		if (c->ch[i].col < c->kfirst)
			c->kfirst = c->ch[i].col;
		/* insertion by rank: stable, and a header is read once */
		while (j > 0 && c->ch[c->byrank[j - 1]].rank > c->ch[i].rank) {
			c->byrank[j] = c->byrank[j - 1];
			j--;
		}
		c->byrank[j] = i;
	}
	if (c->kfirst > c->need - 1)
		c->kfirst = c->need - 1;
	return TELLER_OK;
}

/* A choice cell read by row_marks (so a digit or an integer). */
static long
cell_value(const struct field *f)
{
	long v;

	if (f->n == 1)
		return f->s[0] - '0';
	return tl_cvr_parse_int(f->s, f->n, &v) ? v : 0;
}

/* The memo's hash of key s[0..n). */
static uint64_t
memo_hash(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15u ^ (uint64_t)n, w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 29;
	}
	for (w = 0; i < n; i++)
		w = w << 8 | (unsigned char)s[i];
	h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	return h ^ (h >> 29);
}

/* The offset in line[0..n) of its comma number k (from 1): after
 * counting from comma number *seen at offset *at (0, 0 at first), which
 * are moved there. False if the line has fewer commas. */
static bool
nth_comma(const char *line, size_t n, size_t k, size_t *seen, size_t *at)
{
	const char *p = line + *at + (*seen > 0), *e = line + n;
	size_t m = *seen;

	if (m == k)
		return true;
#ifdef CB_SWAR
	for (; e - p >= 8; p += 8) {
		const uint64_t l = 0x0101010101010101u;
		uint64_t w, cm;
		size_t cnt;

		memcpy(&w, p, 8);
		cm = bytes_eq(w, l * ',');
		/* one bit a byte: their sum in the top byte */
		cnt = (size_t)(((cm >> 7) * l) >> 56);
		if (m + cnt < k) {
			m += cnt;
			continue;
		}
		for (; m + 1 < k; m++)
			cm &= cm - 1;
		*seen = k;
		*at = (size_t)(p - line) + (size_t)(__builtin_ctzll(cm) >> 3);
		return true;
	}
#endif
	for (; p < e; p++)
		if (*p == ',' && ++m == k) {
			*seen = k;
			*at = (size_t)(p - line);
			return true;
		}
	return false;
}

/* The key of data row line[0..n), if it is keyed: the bytes of fields
 * kfirst to need - 1, when the line has no quote and field need - 1 is
 * not empty (so the row has every field the record needs). */
static bool
row_region(const struct cb *c, const char *line, size_t n, const char **ks,
    size_t *kn)
{
	size_t seen = 0, at = 0, a, z;

	if (n == 0 || memchr(line, '"', n) != NULL ||
	    !nth_comma(line, n, c->kfirst, &seen, &at))
		return false;
	a = at + 1;
	if (!nth_comma(line, n, c->need - 1, &seen, &at))
		return false;
	z = at + 1; /* field need - 1 starts here */
	if (nth_comma(line, n, c->need, &seen, &at)) {
		if (at == z)
			return false;
	} else {
		if (z == n)
			return false;
		at = n;
	}
	*ks = line + a;
	*kn = at - a;
	return true;
}

/* The entry of key (s, n, h): a hit, or the empty one it would take. */
static struct memo_ent *
memo_find(const struct cb *c, const char *s, size_t n, uint64_t h)
{
	size_t mask = c->cap - 1, i;
	struct memo_ent *e;

	for (i = (size_t)h & mask;; i = (i + 1) & mask) {
		e = &c->tab[i];
		if (e->slots == NULL || (e->hash == h && e->klen == n &&
		    memcmp((const char *)c->keys->data + e->koff, s, n) == 0))
			return e;
	}
}

/*
 * Keep the slots of the keyed row just read (split, its marks checked
 * by row_marks) under its key ks[0..kn) (hash h): *out is the memo's copy,
 * or NULL when the memo is full. The strings are the header's (c->names,
 * fixed once the header is read). ENOMEM.
 */
static int
memo_add(struct cb *c, const char *ks, size_t kn, uint64_t h, long row,
    long line, const struct tl_cvr_slot **out, int *nout)
{
	teller_ctx *ctx = c->ctx;
	const struct field *f = c->fields->data;
	struct tl_cvr_slot *cs;
	struct memo_ent *e;
	const char **cp;
	size_t i, nm = 0, ns = 0, bytes;
	long last = 0;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < c->nch; i++) {
		const struct choice *ch = &c->ch[c->byrank[i]];

		/* row_marks read them all: each a digit or an integer */
		if (cell_value(&f[ch->col]) != 1)
			continue;
		if (nm == 0 || ch->rank != last)
			ns++;
		last = ch->rank;
		nm++;
	}
	bytes = kn + nm * sizeof(*cp) + ns * sizeof(*cs);
	if (c->n >= MEMO_MAX || c->mbytes + bytes > MEMO_BYTES)
		return TELLER_OK;
	if ((c->n + 1) * 2 > c->cap) {
		size_t nc = c->cap == 0 ? 256 : c->cap * 2, j;
		struct memo_ent *nt = tl_alloc(ctx, nc, sizeof(*nt));

		if (nt == NULL)
			return TELLER_ENOMEM;
		memset(nt, 0, nc * sizeof(*nt));
		for (i = 0; i < c->cap; i++) {
			if (c->tab[i].slots == NULL)
				continue;
			for (j = (size_t)c->tab[i].hash & (nc - 1);
			    nt[j].slots != NULL; j = (j + 1) & (nc - 1))
				;
			nt[j] = c->tab[i];
		}
		c->tab = nt;
		c->cap = nc;
	}
	cs = tl_alloc(ctx, ns + 1, sizeof(*cs));
	cp = tl_alloc(ctx, nm + 1, sizeof(*cp));
	if (cs == NULL || cp == NULL ||
	    tl_vec_reserve(ctx, c->keys, kn) != 0)
		return TELLER_ENOMEM;
	for (i = 0, nm = 0, ns = 0; i < c->nch; i++) {
		const struct choice *ch = &c->ch[c->byrank[i]];

		if (cell_value(&f[ch->col]) != 1)
			continue;
		if (ns == 0 || cs[ns - 1].rank != (int)ch->rank) {
			cs[ns].rank = (int)ch->rank;
			cs[ns].n = 0;
			cs[ns].cands = &cp[nm];
			ns++;
		}
		cs[ns - 1].n++;
		cp[nm++] = (const char *)c->names->data + ch->off;
	}
	e = memo_find(c, ks, kn, h);
	e->hash = h;
	e->koff = c->keys->len;
	e->klen = kn;
	memcpy((char *)c->keys->data + c->keys->len, ks, kn);
	c->keys->len += kn;
	c->mbytes += bytes;
	e->slots = cs;
	e->nslots = (int)ns;
	e->pending = 0;
	e->row = row;
	e->line = line;
	c->n++;
	*out = cs;
	*nout = (int)ns;
	return TELLER_OK;
}

static int
add_field(struct tl_cvrb *b, const struct cb *c, size_t col, size_t *off)
{
	const struct field *f = &TL_VEC_AT(c->fields, struct field, col);

	return tl_cvrb_add(b, f->s, f->n, off);
}

/* The marks of a data row (line, n bytes, the fields split): each
 * choice column holds 0 or 1, a 1 marks its name at its rank. */
static int
row_marks(struct cb *c, struct tl_cvrb *b, const char *line, size_t n,
    long lineno)
{
	teller_ctx *ctx = c->ctx;
	size_t nf = c->fields->len, i;
	const struct field *f;
	const char *name;
	long v;
	int err;

	for (i = 0; i < c->nch; i++) {
		if (c->ch[i].col >= nf)
			return tl_fail_in(ctx, c->file, TELLER_EPARSE, lineno,
			    (long)n + 1, "%zu fields, no choice column %zu",
			    nf, c->ch[i].col + 1);
		f = &TL_VEC_AT(c->fields, struct field, c->ch[i].col);
		/* one digit (0 or 1, nearly always) as tl_cvr_parse_int */
		if (f->n == 1 && f->s[0] >= '0' && f->s[0] <= '9')
			v = f->s[0] - '0';
		else if (!tl_cvr_parse_int(f->s, f->n, &v))
			return tl_fail_in(ctx, c->file, TELLER_EPARSE, lineno,
			    (long)(f->s - line) + 1, "choice column %zu: "
			    "'%.*s' is not an integer", c->ch[i].col + 1,
			    (int)(f->n > 40 ? 40 : f->n), f->s);
		name = (const char *)c->names->data + c->ch[i].off;
		if (v == 1 && (err = tl_cvrb_mark(b, c->ch[i].rank, name,
		    strlen(name))) != TELLER_OK)
			return err;
	}
	return TELLER_OK;
}

/* The computed id of row number row ("FILE-ROW") into b; *off. */
static int
comp_id(struct tl_cvrb *b, const char *base, size_t nbase, long row,
    size_t *off)
{
	char idbuf[24], *d = idbuf + sizeof(idbuf);
	unsigned long v = (unsigned long)row;
	size_t o;
	int err;

	/* No computed ID in RCTab's Clear Ballot reader; the file name and
	 * row number stand in for it. */
	do
		*--d = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	*--d = '-';
	if ((err = tl_cvrb_add(b, base, nbase, off)) != 0)
		return err;
	b->pool->len--; /* append the row number */
	return tl_cvrb_add(b, d, (size_t)(idbuf + sizeof(idbuf) - d), &o);
}

/* The record of data row number row (line lineno, n bytes) with the
 * marks in b, or the memo's slots sl (NULL: none), handed to fn. */
static int
row_record(struct cb *c, struct tl_cvrb *b, const struct tl_cvr_source *src,
    size_t n, long lineno, long row, const struct tl_cvr_slot *sl, int nsl,
    tl_cvr_fn fn, void *ud)
{
	teller_ctx *ctx = c->ctx;
	size_t nf = c->fields->len, osid, oprec, ocomp, otab;
	struct tl_cvr r;
	int err;

	if (nf <= COL_SCAN_COMPUTER)
		return tl_fail_in(ctx, c->file, TELLER_EPARSE, lineno,
		    (long)n + 1,
		    "only %zu fields", nf);
	if ((err = comp_id(b, c->base, c->nbase, row, &ocomp)) != 0 ||
	    (err = add_field(b, c, COL_BALLOT_ID, &osid)) != 0 ||
	    (err = add_field(b, c, COL_PRECINCT_ID, &oprec)) != 0 ||
	    (err = add_field(b, c, COL_SCAN_COMPUTER, &otab)) != 0)
		return err;
	memset(&r, 0, sizeof(r));
	if (sl != NULL) {
		r.slots = sl;
		r.nslots = nsl;
		r.stable = true;
	} else if ((err = tl_cvrb_finish(b, &r)) != TELLER_OK) {
		return err;
	}
	r.computed_id = tl_cvrb_str(b, ocomp);
	r.supplied_id = tl_cvrb_str(b, osid);
	r.precinct = tl_cvrb_str(b, oprec);
	r.tabulator_id = tl_cvrb_str(b, otab);
	r.file = src->path;
	r.line = lineno;
	return fn(ctx, ud, &r);
}

/* A data row (line lineno, row number row, n bytes): a merged repeat
 * counted, or its record handed to fn. */
static int
data_row(struct cb *c, struct tl_cvrb *b, const struct tl_cvr_source *src,
    const char *line, size_t n, long lineno, long row, tl_cvr_fn fn,
    void *ud)
{
	const struct tl_cvr_slot *sl = NULL;
	struct memo_ent *e;
	const char *ks = NULL;
	size_t kn = 0;
	uint64_t h = 0;
	bool keyed = row_region(c, line, n, &ks, &kn);
	int nsl = 0, err;

	if (keyed) {
		h = memo_hash(ks, kn);
		e = c->cap > 0 ? memo_find(c, ks, kn, h) : NULL;
		if (e != NULL && e->slots != NULL && src->merge) {
			e->pending++;
			return TELLER_OK;
		}
		if (e != NULL && e->slots != NULL) {
			sl = e->slots;
			nsl = e->nslots;
		}
	}
	/* a memo hit needs only the ids' fields (keyed: no quote, and
	 * every field the record needs), which split_line would give the
	 * same: the rest of the line is not split (issue 17: the export
	 * turns merging off, so every row is read) */
	if ((err = sl != NULL ? split_ids(c, line, n) :
	    split_line(c, line, n)) != TELLER_OK)
		return err;
	tl_cvrb_reset(b);
	if (sl == NULL) {
		if ((err = row_marks(c, b, line, n, lineno)) != TELLER_OK)
			return err;
		if (keyed && (err = memo_add(c, ks, kn, h, row, lineno, &sl,
		    &nsl)) != TELLER_OK)
			return err;
	}
	return row_record(c, b, src, n, lineno, row, sl, nsl, fn, ud);
}

/* Merged repeats: one record per key, weighted, after the file; its
 * ids those of the first row with the key. */
static int
hand_merged(struct cb *c, struct tl_cvrb *b, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud)
{
	size_t i, off;
	int err;

	for (i = 0; i < c->cap; i++) {
		const struct memo_ent *e = &c->tab[i];
		struct tl_cvr r;

		if (e->slots == NULL || e->pending == 0)
			continue;
		tl_cvrb_reset(b);
		if ((err = comp_id(b, c->base, c->nbase, e->row, &off)) != 0)
			return err;
		memset(&r, 0, sizeof(r));
		r.computed_id = tl_cvrb_str(b, off);
		r.file = src->path;
		r.line = e->line;
		r.slots = e->slots;
		r.nslots = e->nslots;
		r.stable = true;
		r.weight = e->pending;
		if ((err = fn(c->ctx, ud, &r)) != TELLER_OK)
			return err;
	}
	return TELLER_OK;
}

int
tl_cvr_read_clearballot(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud)
{
	const char *line;
	struct tl_cvrb b;
	struct tl_map m;
	struct cb c;
	size_t pos = 0, n;
	long lineno = 1, row = 0;
	int err;

	memset(&c, 0, sizeof(c));
	c.ctx = ctx;
	c.file = src->path;
	if ((err = tl_io_map(ctx, src->path, src->path, &m)) != TELLER_OK)
		return err;
	c.base = tl_cvr_basename(src->path);
	c.nbase = strlen(c.base);
	c.fields = tl_vec_new(ctx, sizeof(struct field));
	c.names = tl_vec_new(ctx, 1);
	c.keys = tl_vec_new(ctx, 1);
	if (c.fields == NULL || c.names == NULL || c.keys == NULL) {
		err = tl_oom(ctx);
		goto out;
	}
	if ((err = tl_cvrb_init(ctx, &b)) != TELLER_OK)
		goto out;
	b.file = src->path;
	if (!next_line(m.buf, m.len, &pos, &line, &n)) {
		err = tl_fail_in(ctx, src->path, TELLER_EPARSE, 0, 0,
		    "no header row");
		goto out;
	}
	if ((err = read_header(&c, src, line, n)) != TELLER_OK)
		goto out;
	while (next_line(m.buf, m.len, &pos, &line, &n)) {
		lineno++;
		row++;
		if ((err = data_row(&c, &b, src, line, n, lineno, row, fn,
		    ud)) != TELLER_OK)
			goto out;
		/* rows behind us are done: keep memory flat (issue 6) */
		tl_io_drop(&m, pos);
	}
	err = hand_merged(&c, &b, src, fn, ud);
out:
	tl_io_unmap(&m);
	return err;
}
