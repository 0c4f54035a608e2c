/* SPDX-License-Identifier: MIT */
/*
 * cvr_clearballot.c -- RCTab's Clear Ballot reader (docs/rctab.md section
 * 7.4): a ClearVote CSV read line by line and split on commas outside
 * double quotes, quotes kept. Choice column headers name (contest, rank,
 * choice); every data row is one cast vote record whose marks are the
 * choice columns of contestId holding the integer 1.
 */
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

struct cb {
	teller_ctx *ctx;
	const char *file;       /* the CVR file's name, for errors */
	struct tl_vec *fields; /* struct field */
	struct tl_vec *names;  /* char pool of choice names */
	struct choice *ch;
	size_t nch;
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

/* Split a line without quotes: at every comma. */
static int
split_plain(struct cb *c, const char *line, size_t n)
{
	const char *p = line, *q, *e = line + n;

	for (; (q = memchr(p, ',', (size_t)(e - p))) != NULL; p = q + 1)
		if (push_field(c, p, (size_t)(q - p)) != TELLER_OK)
			return TELLER_ENOMEM;
	return push_field(c, p, (size_t)(e - p));
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
	if (n > 0 && memchr(line, '"', n) == NULL) {
		if (split_plain(c, line, n) != TELLER_OK)
			return TELLER_ENOMEM;
	} else {
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

/* Next line as BufferedReader.readLine: ends at \n, \r or \r\n. */
static bool
next_line(const char *buf, size_t len, size_t *pos, const char **line,
    size_t *n)
{
	size_t i = *pos;

	if (i >= len)
		return false;
	*line = buf + i;
	while (i < len && buf[i] != '\n' && buf[i] != '\r')
		i++;
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

/* The record of data row number row (line lineno, n bytes) with the
 * marks in b, handed to fn. */
static int
row_record(struct cb *c, struct tl_cvrb *b, const struct tl_cvr_source *src,
    size_t n, long lineno, long row, tl_cvr_fn fn, void *ud)
{
	teller_ctx *ctx = c->ctx;
	size_t nf = c->fields->len, oid, osid, oprec, ocomp, otab;
	const char *base = tl_cvr_basename(src->path);
	struct tl_cvr r;
	char idbuf[64];
	int err;

	if (nf <= COL_SCAN_COMPUTER)
		return tl_fail_in(ctx, c->file, TELLER_EPARSE, lineno,
		    (long)n + 1,
		    "only %zu fields", nf);
	/* No computed ID in RCTab's Clear Ballot reader; the file name and
	 * row number stand in for it. */
	snprintf(idbuf, sizeof(idbuf), "-%ld", row);
	if ((err = tl_cvrb_add(b, base, strlen(base), &ocomp)) != 0)
		return err;
	b->pool->len--; /* append the row number */
	if ((err = tl_cvrb_add(b, idbuf, strlen(idbuf), &oid)) != 0 ||
	    (err = add_field(b, c, COL_BALLOT_ID, &osid)) != 0 ||
	    (err = add_field(b, c, COL_PRECINCT_ID, &oprec)) != 0 ||
	    (err = add_field(b, c, COL_SCAN_COMPUTER, &otab)) != 0)
		return err;
	memset(&r, 0, sizeof(r));
	if ((err = tl_cvrb_finish(b, &r)) != TELLER_OK)
		return err;
	r.computed_id = tl_cvrb_str(b, ocomp);
	r.supplied_id = tl_cvrb_str(b, osid);
	r.precinct = tl_cvrb_str(b, oprec);
	r.tabulator_id = tl_cvrb_str(b, otab);
	r.file = src->path;
	r.line = lineno;
	return fn(ctx, ud, &r);
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
	c.fields = tl_vec_new(ctx, sizeof(struct field));
	c.names = tl_vec_new(ctx, 1);
	if (c.fields == NULL || c.names == NULL) {
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
		if ((err = split_line(&c, line, n)) != TELLER_OK)
			goto out;
		tl_cvrb_reset(&b);
		if ((err = row_marks(&c, &b, line, n, lineno)) != TELLER_OK ||
		    (err = row_record(&c, &b, src, n, lineno, row, fn, ud)) !=
		    TELLER_OK)
			goto out;
		/* rows behind us are done: keep memory flat (issue 6) */
		tl_io_drop(&m, pos);
	}
	err = TELLER_OK;
out:
	tl_io_unmap(&m);
	return err;
}
