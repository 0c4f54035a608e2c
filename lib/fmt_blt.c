/* SPDX-License-Identifier: MIT */
/*
 * fmt_blt.c -- the BLT ballot format (ERS / OpenSTV / Droop / eSTV) in all
 * the dialects of docs/stv.md sections 4-5: a strict numeric part (header,
 * withdrawn candidates, Droop's [options], ballot lines, lone 0), then a
 * name part that reads the seven name encodings found in the Scottish
 * files, or refuses lines it cannot split unambiguously. Also the
 * Scottish archive's comma-separated twin ("10,4,", no terminating 0s).
 * Papers are kept as marked: blank papers, repeated candidates, equal
 * and skipped ranks; the methods apply the rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_int.h"
#include "par.h"
#include "decl.h"

/* ------------------------------------------------------------------ */
/* lines and tokens                                                    */

/* A cursor over the lines of the input. */
struct lines {
	const char *p, *end; /* next line starts at p */
	long no;             /* number of the line last returned */
	char sep;            /* '\n', or '\r' in a file of old Mac lines */
};

/* One line of input with its number. */
struct line {
	const char *s, *e;
	long no;
};

/*
 * Next line into *l (without '\n' or a final '\r'); false at the end.
 * Lines longer than lim.line_bytes fail with ELIMIT (*err set).
 */
static bool
next_line(teller_ctx *ctx, struct lines *lx, struct line *l, int *err)
{
	const char *nl;

	if (lx->p >= lx->end)
		return false;
	nl = memchr(lx->p, lx->sep, (size_t)(lx->end - lx->p));
	if (nl == NULL)
		nl = lx->end;
	l->s = lx->p;
	l->e = nl;
	l->no = ++lx->no;
	lx->p = nl < lx->end ? nl + 1 : nl;
	if ((size_t)(l->e - l->s) > ctx->lim.line_bytes) {
		*err = tl_fail_at(ctx, TELLER_ELIMIT, l->no, 1, "line is "
		    "longer than %zu bytes", ctx->lim.line_bytes);
		return false;
	}
	if (l->e > l->s && l->e[-1] == '\r')
		l->e--;
	return true;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* A token of the numeric part: [s, e) at 1-based column col. */
struct tok {
	const char *s, *e;
	long col;
};

/* Tokenizer over one line of the numeric part; carries the state of a
 * block comment from line to line. */
struct tkz {
	const char *ls, *p, *e; /* line start, cursor, line end */
	long no;                /* line number */
	bool in_block;          /* inside a comment block */
	long cline, ccol;       /* where the open block comment began */
	const char *hash;       /* a '#' comment seen on this line, or NULL */
};

static void
tkz_line(struct tkz *t, const struct line *l)
{
	t->ls = l->s;
	t->p = l->s;
	t->e = l->e;
	t->no = l->no;
	t->hash = NULL;
}

/*
 * Next token of the line, skipping blanks, commas (CSV residue: "5 1,"),
 * '#' comments to the end of the line and block comments. Returns false
 * at the end of the line.
 */
static bool
tkz_next(struct tkz *t, struct tok *k)
{
	for (;;) {
		if (t->in_block) {
			while (t->p + 1 < t->e &&
			    !(t->p[0] == '*' && t->p[1] == '/'))
				t->p++;
			if (t->p + 1 >= t->e) {
				t->p = t->e;
				return false;
			}
			t->p += 2;
			t->in_block = false;
		}
		while (t->p < t->e && (is_space(*t->p) || *t->p == ','))
			t->p++;
		if (t->p >= t->e)
			return false;
		if (*t->p == '#') {
			t->hash = t->p;
			t->p = t->e;
			return false;
		}
		if (t->p + 1 < t->e && t->p[0] == '/' && t->p[1] == '*') {
			t->in_block = true;
			t->cline = t->no;
			t->ccol = (long)(t->p - t->ls) + 1;
			t->p += 2;
			continue;
		}
		break;
	}
	k->s = t->p;
	k->col = (long)(t->p - t->ls) + 1;
	/* every character that ends a token is below '0': digits, the
	 * common case, cost one comparison */
	while (t->p < t->e && ((unsigned char)*t->p >= '0' ||
	    (!is_space(*t->p) && *t->p != '#' && *t->p != ',' &&
	    !(t->p + 1 < t->e && t->p[0] == '/' && t->p[1] == '*'))))
		t->p++;
	k->e = t->p;
	return true;
}

/* Is token k the one character ch? */
static inline bool
tok_is(const struct tok *k, char ch)
{
	return k->e - k->s == 1 && *k->s == ch;
}

/*
 * Parse a decimal integer [s, e) (digits only) into *v. Returns 0, -1 if
 * not all digits or empty, -2 on overflow past max.
 */
static int
parse_uint(const char *s, const char *e, int64_t max, int64_t *v)
{
	uint64_t x;
	long k = tl_text_uint(s, (size_t)(e - s), (uint64_t)max, &x);

	if (k < 0)
		return -2;
	if (k == 0 || k != e - s)
		return -1;
	*v = (int64_t)x;
	return 0;
}

/* Report a token that is not what was expected. */
static int
bad_tok(teller_ctx *ctx, long line, const struct tok *k, const char *what)
{
	int n = (int)(k->e - k->s);

	if (n > 40)
		n = 40;
	for (const char *q = k->s; q < k->e; q++)
		if (*q == '\0')
			return tl_fail_at(ctx, TELLER_EENCODING, line,
			    k->col + (long)(q - k->s), "NUL byte in input");
	return tl_fail_at(ctx, TELLER_EPARSE, line, k->col,
	    "expected %s, found \"%.*s\"", what, n, k->s);
}

/* ------------------------------------------------------------------ */
/* the reader state                                                    */

/* A piece of the input: a ballot id seen (for duplicate detection) or
 * a name from a comment, with its line. */
struct idref {
	const char *s;
	size_t n;
	long no;
};

struct rd {
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	int ncand, seats;
	bool *withdrawn;        /* [ncand] */
	uint32_t *seen;         /* [ncand] stamp of the rank that marked it */
	uint32_t stamp;
	tl_cid *marks;          /* [ncand] marks of one rank */
	int idmode;             /* 0 unknown, 1 Droop (id = 1 ballot),
				   2 OpenSTV (id then multiplier 1) */
	struct tl_strtab *ids;  /* the ballot ids seen, or NULL */
	struct tl_vec *alt;     /* struct idref per candidate from
				   "# ALTERNATIVE NAME k:" comments */
	bool header, ballots;   /* header read; ballots begun */
	bool in_opt;            /* inside a Droop [option ...] */
	struct idref optname;   /* its name, line; optcol its column */
	long optcol;
	struct tl_vec *opt;     /* its words (struct optw) */
	struct tl_strtab nicks; /* Droop [nick]: nickname k is candidate k */
	bool have_nicks;
	int maxr;               /* most ranks a plain line may have */
	tl_cid *fcells;         /* [fcap] cells of the plain lines batched */
	size_t fcap;
	struct tl_cells *fb;    /* [FAST_BATCH] the plain lines batched */
	long *fline;            /* [FAST_BATCH] their line numbers */
	struct tl_keys keys;    /* plain lines packed (keys.bits > 0) */
	uint64_t *fkey;         /* [FAST_BATCH] their keys */
	int64_t *fw;            /* [FAST_BATCH] their weights */
	const char *kept;       /* input from here on not yet released */
	const struct tl_par_part *part; /* a worker's part (its signal to
				   give up), or NULL */
	bool tally;             /* a worker: packed lines tallied in keys,
				   not counted in p */
	bool par_tried;         /* the parallel read was tried (once) */
	struct teller_contest decl; /* '# electorate:', '# rejected:'
				   before the header (decl.c) */
	bool twin;              /* the Scottish archive's comma-separated
				   twin ("10,4,"): ballots "w,p1,p2," with
				   no terminating 0, names "Candidate k",
				   "Name","Party" */
};

/*
 * A '#' comment [s, e): keep "# ALTERNATIVE NAME k: text" (PrefLib style,
 * Glasgow 2007) as a fallback name for candidate k.
 */
static int
note_comment(struct rd *r, long no, const char *s, const char *e)
{
	static const char key[] = "ALTERNATIVE NAME";
	const char *q = s + 1;
	int64_t k = 0;
	const char *d;
	struct idref *a;

	while (q < e && is_space(*q))
		q++;
	if (!tl_text_istarts(q, (size_t)(e - q), key))
		return TELLER_OK;
	q += sizeof(key) - 1;
	while (q < e && is_space(*q))
		q++;
	for (d = q; d < e && *d >= '0' && *d <= '9'; d++)
		;
	if (d == q || d >= e || *d != ':' ||
	    parse_uint(q, d, 1000000, &k) != 0 || k < 1)
		return TELLER_OK;
	if (r->alt == NULL) {
		r->alt = tl_vec_new(r->ctx, sizeof(struct idref));
		if (r->alt == NULL)
			return TELLER_ENOMEM;
	}
	if (k > TL_CID_MAX)
		return TELLER_OK;
	if (tl_vec_reserve(r->ctx, r->alt, (size_t)k) != TELLER_OK)
		return TELLER_ENOMEM;
	while (r->alt->len < (size_t)k) {
		struct idref z = { NULL, 0, 0 };
		TL_VEC_AT(r->alt, struct idref, r->alt->len++) = z;
	}
	a = &TL_VEC_AT(r->alt, struct idref, k - 1);
	a->s = d + 1;
	a->n = (size_t)(e - (d + 1));
	a->no = no;
	return TELLER_OK;
}

/* Remember ballot id [s, e); EDUP if it was seen before. */
static int
add_id(struct rd *r, long line, long col, const char *s, const char *e)
{
	size_t n = (size_t)(e - s);
	bool added;

	if (r->ids == NULL) {
		r->ids = tl_alloc(r->ctx, 1, sizeof(*r->ids));
		if (r->ids == NULL || tl_strtab_init(r->ctx, r->ids) !=
		    TELLER_OK)
			return TELLER_ENOMEM;
	}
	if (tl_strtab_put(r->ctx, r->ids, s, n, &added) < 0)
		return r->ctx->err;
	if (!added)
		return tl_fail_at(r->ctx, TELLER_EDUP, line, col,
		    "ballot id (%.*s) used twice", (int)(n > 40 ? 40 : n), s);
	return TELLER_OK;
}

/* Hand the ballot ids seen, in order, to the profile (p->ids), so inputs
 * merged later can be checked for a paper read twice (read.c). */
static int
keep_ids(struct rd *r)
{
	if (r->ids == NULL || tl_strtab_count(r->ids) == 0)
		return TELLER_OK;
	return tl_profile_take_ids(r->ctx, r->p, r->ids);
}

/*
 * Decide the ballot-id dialect from the ballot lines starting at lx: it is
 * OpenSTV's ("(id) 1 c1 c2 ... 0") when every line with an id has the
 * token "1" after it, else Droop's ("(id) c1 c2 ... 0").
 */
static int
id_dialect(struct lines lx)
{
	struct line l;
	int all_one = 1;

	while (lx.p < lx.end) {
		const char *s, *q;
		l.s = lx.p;
		q = memchr(lx.p, lx.sep, (size_t)(lx.end - lx.p));
		l.e = q != NULL ? q : lx.end;
		lx.p = q != NULL ? q + 1 : lx.end;
		for (s = l.s; s < l.e && is_space(*s); s++)
			;
		if (s + 1 <= l.e && *s == '0' &&
		    (s + 1 == l.e || is_space(s[1]) || s[1] == ','))
			break; /* lone 0 (or a 0 multiplier) */
		if (s >= l.e || *s != '(')
			continue;
		q = memchr(s, ')', (size_t)(l.e - s));
		if (q == NULL)
			continue;
		for (q++; q < l.e && is_space(*q); q++)
			;
		if (!(q < l.e && *q == '1' && (q + 1 == l.e ||
		    is_space(q[1]))))
			all_one = 0;
	}
	return all_one ? 2 : 1;
}

/* ------------------------------------------------------------------ */
/* the fast path of the ballot section                                 */

/* Plain ballot lines counted together (tl_profile_add_cells). */
#define FAST_BATCH 256
/* Input read is released (tl_release) in steps of this many bytes. */
#define RELEASE_STEP ((ptrdiff_t)4 << 20)

/* Give a profile error without a position the line of its ballot. */
static int
at_line(teller_ctx *ctx, int rc, long line)
{
	int code;
	char msg[sizeof(ctx->msg)];

	if (rc == TELLER_OK || ctx->line != 0)
		return rc;
	code = ctx->err;
	memcpy(msg, ctx->msg, sizeof(msg));
	teller_errclear(ctx);
	return tl_fail_at(ctx, code, line, 1, "%s", msg);
}

/*
 * Read the line at lx->p if it is a plain ballot: "w c1 c2 ... 0" with
 * only spaces between the numbers (a final '\r' allowed), w a positive
 * integer without leading zeros, each rank one candidate in 1..ncand
 * (repeats kept as marked), fewer than maxr ranks; "w 0" is w blank
 * papers. Its cells go to cells and *out (weight scaled by wscale).
 * Returns the start of the next line, or NULL when the line is anything
 * else: the general path then reads it, with every
 * check and message, so both paths count the same lines the same way.
 */
static const char *
plain_line(struct rd *r, const struct lines *lx, int64_t wscale,
    tl_cid *cells, struct tl_cells *out)
{
	const unsigned char *s = (const unsigned char *)lx->p, *q = s;
	const unsigned char *end = (const unsigned char *)lx->end;
	uint64_t v = 0;
	unsigned d;
	int nd, nr = 0;
	int64_t w;

	while (q < end && *q == ' ')
		q++;
	if (q >= end || *q < '1' || *q > '9')
		return NULL;
	/* Digits by hand, as in plain_key (tl_text_uint: see there). */
	for (nd = 0; q < end && (d = (unsigned)*q - '0') < 10; q++, nd++)
		v = v * 10 + d;
	if (nd > 18 || q >= end || *q != ' ' ||
	    __builtin_mul_overflow((int64_t)v, wscale, &w))
		return NULL;
	for (;;) {
		while (q < end && *q == ' ')
			q++;
		if (q >= end)
			return NULL;
		if (*q == '0') {
			q++;
			break;
		}
		if (*q < '1' || *q > '9')
			return NULL;
		v = (unsigned)*q++ - '0';
		while (q < end && (d = (unsigned)*q - '0') < 10) {
			v = v * 10 + d;
			if (v > (uint64_t)r->ncand)
				return NULL;
			q++;
		}
		if (v > (uint64_t)r->ncand || q >= end || *q != ' ' ||
		    nr >= r->maxr)
			return NULL;
		cells[2 * nr] = 1;
		cells[2 * nr + 1] = (tl_cid)(v - 1);
		nr++;
	}
	while (q < end && *q == ' ')
		q++;
	if (q < end && *q == '\r' && lx->sep == '\n' &&
	    (q + 1 == end || q[1] == '\n'))
		q++;
	if ((q < end && *q != (unsigned char)lx->sep) ||
	    (size_t)(q - s) > r->ctx->lim.line_bytes)
		return NULL;
	out->cells = cells;
	out->len = 2 * (size_t)nr;
	out->w = w;
	return (const char *)(q < end ? q + 1 : q);
}

/*
 * plain_line for a reader that packs ballots (r->keys.bits > 0, at most
 * 63 candidates): the same lines, read to a key (*key) and a weight (*w)
 * with no cells (a blank paper: TL_KEY_BLANK). The line must start
 * before safe, the last separator of
 * the input, so a separator ends it and stops every scan (none is a space
 * or a digit): no byte is checked against the end of the input. A last
 * line with no separator is left to the general path.
 */
static const char *
plain_key(struct rd *r, const struct lines *lx, const char *safe,
    int64_t wscale, uint64_t *key, int64_t *wout)
{
	const unsigned char *s = (const unsigned char *)lx->p, *q = s;
	uint64_t v = 0, kv = 0, ncand = (uint64_t)r->ncand;
	unsigned d;
	int nd = 0, nr = 0, shift = 0;
	int64_t w;

	if (lx->p >= safe)
		return NULL;
	while (*q == ' ')
		q++;
	if ((unsigned)*q - '1' > 8)
		return NULL;
	/* Digits by hand, with the separator at safe as their only bound:
	 * tl_text_uint (inline) here took 482M instructions, not 405M, for
	 * the 1M-line BLT count (callgrind, bench 1m_lines, -j 1). */
	for (; (d = (unsigned)*q - '0') < 10; q++, nd++)
		v = v * 10 + d;
	if (nd > 18 || *q != ' ' ||
	    __builtin_mul_overflow((int64_t)v, wscale, &w))
		return NULL;
	for (;;) {
		while (*q == ' ')
			q++;
		if (*q == '0') {
			q++;
			break;
		}
		if ((unsigned)*q - '1' > 8)
			return NULL;
		v = (unsigned)*q++ - '0';
		for (; (d = (unsigned)*q - '0') < 10; q++)
			if ((v = v * 10 + d) > ncand)
				return NULL;
		if (v > ncand || *q != ' ' || nr >= r->maxr)
			return NULL;
		kv |= v << shift;
		shift += r->keys.bits;
		nr++;
	}
	while (*q == ' ')
		q++;
	if (*q == '\r' && lx->sep == '\n' && q[1] == '\n')
		q++;
	if (*q != (unsigned char)lx->sep ||
	    (size_t)(q - s) > r->ctx->lim.line_bytes)
		return NULL;
	*key = nr > 0 ? kv : TL_KEY_BLANK;
	*wout = w;
	return (const char *)q + 1;
}

/* Count the n plain lines batched. */
static int
fast_flush(struct rd *r, size_t n)
{
	size_t done;
	int rc;

	if (n == 0)
		return TELLER_OK;
	if (r->keys.bits > 0 && r->tally)
		return tl_keys_tally(r->ctx, &r->keys, r->fkey, r->fw, n);
	if (r->keys.bits > 0)
		rc = tl_profile_add_keys(r->ctx, r->p, &r->keys, r->fkey, r->fw,
		    n, &done);
	else
		rc = tl_profile_add_cells(r->ctx, r->p, r->fb, n, &done);
	return rc != TELLER_OK ? at_line(r->ctx, rc, r->fline[done]) : rc;
}

/* Set up r's batch of plain lines (once). */
static int
fast_init(struct rd *r)
{
	if (r->fcells != NULL && r->fb != NULL && r->fline != NULL &&
	    r->fkey != NULL && r->fw != NULL)
		return TELLER_OK;
	r->maxr = r->ncand < r->ctx->lim.ranks ? r->ncand :
	    r->ctx->lim.ranks;
	r->fcap = 2 * (size_t)r->maxr + 8192;
	r->fcells = tl_alloc(r->ctx, r->fcap, sizeof(tl_cid));
	r->fb = tl_alloc(r->ctx, FAST_BATCH, sizeof(struct tl_cells));
	r->fline = tl_alloc(r->ctx, FAST_BATCH, sizeof(long));
	r->fkey = tl_alloc(r->ctx, FAST_BATCH, sizeof(uint64_t));
	r->fw = tl_alloc(r->ctx, FAST_BATCH, sizeof(int64_t));
	if (r->fcells == NULL || r->fb == NULL || r->fline == NULL ||
	    r->fkey == NULL || r->fw == NULL)
		return TELLER_ENOMEM;
	r->keys.bits = r->ncand <= 63 ?
	    tl_keys_bits(r->ncand, r->maxr) : 0;
	return TELLER_OK;
}

/*
 * Read the plain ballot lines at lx (see plain_line) and count them in
 * batches, so the profile can overlap its cache misses. Stops before the
 * first other line (lx then at its start) with every line before it
 * counted.
 */
static int
fast_lines(struct rd *r, struct lines *lx)
{
	size_t n = 0, used = 0, need;
	int64_t wscale = tl_num_pow10(r->p->wdp);
	const char *next, *safe;
	int rc;

	if ((rc = fast_init(r)) != TELLER_OK)
		return rc;
	need = 2 * (size_t)r->maxr;
	for (safe = lx->end; safe > lx->p && safe[-1] != lx->sep; safe--)
		;
	safe = safe > lx->p ? safe - 1 : lx->p; /* the last separator */
	if (r->kept == NULL || r->kept > lx->p)
		r->kept = lx->p;
	while (lx->p < lx->end) {
		if (n == FAST_BATCH || used + need > r->fcap) {
			if ((rc = fast_flush(r, n)) != TELLER_OK)
				return rc;
			n = used = 0;
			if (r->part != NULL && tl_par_halted(r->part))
				return TELLER_OK;
			if (lx->p - r->kept >= RELEASE_STEP) {
				tl_release(r->ctx, r->kept,
				    (size_t)(lx->p - r->kept));
				r->kept = lx->p;
			}
		}
		if (r->keys.bits > 0)
			next = plain_key(r, lx, safe, wscale, &r->fkey[n],
			    &r->fw[n]);
		else
			next = plain_line(r, lx, wscale, r->fcells + used,
			    &r->fb[n]);
		if (next == NULL)
			break;
		r->fline[n] = ++lx->no;
		lx->p = next;
		used += r->keys.bits > 0 ? 0 : r->fb[n].len;
		n++;
	}
	return fast_flush(r, n);
}

/* ------------------------------------------------------------------ */
/* the parallel read of the ballot section                            */

/* Bytes of ballot lines below which one thread reads them all. */
#define PAR_MIN ((size_t)2 << 20)

/*
 * One worker's share of a speculative parallel read (par.h): the plain
 * lines of its part, tallied by key (r.tally) or read into a profile of
 * its own, in a context of its own. It stops at the first line that is
 * not plain (or on any failure, or when told to), so it never gives an
 * error: the reader reads whatever it left, with every check and message.
 */
struct share {
	struct rd r;
	teller_ctx *ctx;
	struct lines lx;
	int rc;
	bool started;
};

static void
share_run(void *arg, const struct tl_par_part *pt)
{
	struct share *sh = arg;

	sh->r.part = pt;
	sh->rc = fast_lines(&sh->r, &sh->lx);
	if (sh->r.kept != NULL && sh->lx.p > sh->r.kept)
		tl_release(sh->ctx, sh->r.kept,
		    (size_t)(sh->lx.p - sh->r.kept));
}

/* Set up share sh over [p, end) for the reader r; false if it cannot
 * be (the share is then simply not read in parallel). */
static bool
share_init(struct share *sh, const struct rd *r, const struct lines *lx,
    const char *p, const char *end)
{
	teller_ctx *ctx = r->ctx;

	memset(sh, 0, sizeof(*sh));
	if (teller_ctx_new(&ctx->alloc, &sh->ctx) != TELLER_OK)
		return false;
	teller_ctx_set_limits(sh->ctx, &ctx->lim);
	teller_ctx_set_release(sh->ctx, ctx->release, ctx->release_ud);
	sh->ctx->inname = ctx->inname;
	sh->r.ctx = sh->ctx;
	sh->r.ncand = r->ncand;
	sh->r.tally = r->keys.bits > 0;
	sh->r.p = tl_profile_new(sh->ctx, r->ncand);
	sh->r.seen = tl_alloc(sh->ctx, (size_t)r->ncand, sizeof(uint32_t));
	if (sh->r.p == NULL || sh->r.seen == NULL ||
	    tl_profile_set_wdp(sh->ctx, sh->r.p, r->p->wdp) != TELLER_OK)
		return false;
	sh->lx = *lx;
	sh->lx.p = p;
	sh->lx.end = end;
	sh->lx.no = 0;
	return true;
}

/* share_take's return when nothing can be taken (no TELLER_* code: an
 * allocation failing in a merge must stop the read, not be read again). */
#define SHARE_SKIP (-1)

/*
 * Add what a worker read of its share (from its start up to sh->lx.p,
 * where it stopped) to r's profile and move lx there. Patterns come in
 * the share's order after r's own, so the profile is the one a single
 * thread builds: each pattern where it first occurs in the file. Returns
 * SHARE_SKIP when nothing of the share can be taken (the caller reads
 * it), else TELLER_OK or an error.
 */
static int
share_take(struct rd *r, struct lines *lx, struct share *sh)
{
	const struct teller_profile *q = sh->r.p;
	const struct tl_keys *k = &sh->r.keys;
	size_t nk = k->order != NULL ? k->order->len : 0, done;
	int64_t total = sh->r.tally ? k->total : q->total;
	int rc;

	if (!sh->started || sh->rc != TELLER_OK || sh->ctx->err != TELLER_OK ||
	    (sh->r.tally && k->bits != r->keys.bits))
		return SHARE_SKIP;
	/* A limit the two together pass would be reported at the wrong
	 * line; leave it to the sequential reader to find where. */
	if (total > r->ctx->lim.ballots - r->p->total ||
	    (sh->r.tally ? nk : q->pats->len) > r->ctx->lim.patterns -
	    r->p->pats->len)
		return SHARE_SKIP;
	if (!sh->r.tally)
		rc = tl_profile_merge(r->ctx, r->p, q);
	else if (nk == 0)
		rc = TELLER_OK;
	else if ((rc = tl_profile_add_keys(r->ctx, r->p, &r->keys,
	    k->order->data, k->wsum->data, nk, &done)) == TELLER_OK)
		tl_profile_set_lines(r->p, r->p->lines + k->lines -
		    (int64_t)nk);
	if (rc != TELLER_OK)
		return rc;
	lx->p = sh->lx.p;
	lx->no += sh->lx.no;
	return TELLER_OK;
}

/* Read [lx->p, end) here, as the sequential reader does, releasing
 * what was read; lx moves to where it stopped. */
static int
read_here(struct rd *r, struct lines *lx, const char *end)
{
	struct lines mine = *lx;
	int rc;

	mine.end = end;
	rc = fast_lines(r, &mine);
	if (r->kept != NULL && mine.p > r->kept)
		tl_release(r->ctx, r->kept, (size_t)(mine.p - r->kept));
	lx->p = mine.p;
	lx->no = mine.no;
	return rc;
}

/*
 * The plain lines at lx, read by up to ctx->threads threads at once the
 * first time there are at least PAR_MIN bytes left (else fast_lines):
 * the rest of the input is cut at line starts into shares (tl_par_cut);
 * this thread reads the first, workers the others. When this thread is
 * done with its share the workers stop, and the shares are taken in
 * order: what a worker read, then the rest of its share read here, for
 * as long as each share ends in plain lines up to the next; from the
 * first that does not, the sequential reader goes on as if alone, so
 * errors, limits and the profile are exactly those of one thread.
 */
static int
fast_lines_par(struct rd *r, struct lines *lx)
{
	struct share sh[TL_PAR_MAX];
	struct tl_par par;
	size_t left = (size_t)(lx->end - lx->p);
	int nt = r->ctx->threads, k, rc, t;
	bool going;

	if (nt <= 1 || r->par_tried || left < PAR_MIN)
		return fast_lines(r, lx);
	r->par_tried = true;
	if ((rc = fast_init(r)) != TELLER_OK)
		return rc;
	tl_par_cut(&par, lx->p, lx->end, lx->sep, nt);
	memset(sh, 0, sizeof(sh));
	for (k = 1; k < par.n; k++)
		sh[k].started = share_init(&sh[k], r, lx, par.part[k].a,
		    par.part[k].b) && tl_par_start(&par, k, share_run,
		    &sh[k]);
	rc = read_here(r, lx, par.part[0].b);
	/* The workers stop where they are; what is left of a share this
	 * thread reads, so a worker slowed down is never waited for. */
	tl_par_stop(&par, 1, par.n);
	going = rc == TELLER_OK && lx->p == par.part[0].b;
	for (k = 1; k < par.n; k++) {
		const char *b = par.part[k].b;
		if (going) {
			t = share_take(r, lx, &sh[k]);
			if (t != TELLER_OK && t != SHARE_SKIP) {
				rc = t;
				going = false;
			} else if (lx->p < b) {
				r->kept = lx->p;
				rc = read_here(r, lx, b);
				going = rc == TELLER_OK && lx->p == b;
			}
		}
		teller_ctx_free(sh[k].ctx);
	}
	r->kept = lx->p;
	return rc;
}

/* ------------------------------------------------------------------ */
/* the numeric part                                                    */

/* Parse a multiplier token into *w (scale 10^p->wdp). */
static int
parse_weight(struct rd *r, long line, const struct tok *k, int64_t *w)
{
	const char *s = k->s, *dot;
	int places, rc;
	size_t n = (size_t)(k->e - k->s);

	if (n > 0 && *s == '-') {
		int64_t v;
		if (parse_uint(s + 1, k->e, INT64_MAX, &v) != -1 ||
		    tl_num_places(s + 1, n - 1) >= 0)
			return tl_fail_at(r->ctx, TELLER_ERANGE, line, k->col,
			    "ballot multiplier %.*s is negative",
			    (int)(n > 30 ? 30 : n), s);
	}
	dot = memchr(s, '.', n);
	if (dot == NULL) {
		int64_t v;
		rc = parse_uint(s, k->e, INT64_MAX, &v);
		if (rc == -1)
			return bad_tok(r->ctx, line, k, "a ballot multiplier");
		if (rc == -2 || __builtin_mul_overflow(v,
		    tl_num_pow10(r->p->wdp), w))
			return tl_fail_at(r->ctx, TELLER_EOVERFLOW, line,
			    k->col, "ballot multiplier is too large");
		return TELLER_OK;
	}
	places = tl_num_places(s, n);
	if (places < 0 || *s == '-' || *s == '+')
		return bad_tok(r->ctx, line, k, "a ballot multiplier");
	if (places > r->p->wdp) {
		if (places > 9)
			return tl_fail_at(r->ctx, TELLER_ELIMIT, line, k->col,
			    "ballot multiplier has more than 9 decimal places");
		if (tl_profile_set_wdp(r->ctx, r->p, places) != TELLER_OK)
			return r->ctx->err;
	}
	rc = tl_num_parse(s, n, r->p->wdp, w);
	if (rc == -3)
		return tl_fail_at(r->ctx, TELLER_EOVERFLOW, line, k->col,
		    "ballot multiplier is too large");
	if (rc != 0)
		return bad_tok(r->ctx, line, k, "a ballot multiplier");
	return TELLER_OK;
}

/* Parse a candidate number [s, e) at column col, or a Droop [nick]
 * nickname, into *id_out (0-based). */
static int
parse_cand(struct rd *r, long line, long col, const char *s, const char *e,
    tl_cid *id_out)
{
	int64_t v = 0;
	int rc = parse_uint(s, e, INT64_MAX, &v);

	if (rc == -1) {
		struct tok k = { s, e, col };
		int id;
		if (s < e && *s == '-' && parse_uint(s + 1, e, INT64_MAX, &v)
		    != -1)
			return tl_fail_at(r->ctx, TELLER_ERANGE, line, col,
			    "candidate number %.*s out of range 1..%d",
			    (int)(e - s > 30 ? 30 : e - s), s, r->ncand);
		if (!r->have_nicks)
			return bad_tok(r->ctx, line, &k, "a candidate number");
		if ((id = tl_strtab_find(&r->nicks, s, (size_t)(e - s))) < 0)
			return bad_tok(r->ctx, line, &k, "a candidate number "
			    "or [nick] nickname");
		*id_out = (tl_cid)id;
		return TELLER_OK;
	}
	if (rc == -2 || v < 1 || v > r->ncand)
		return tl_fail_at(r->ctx, TELLER_ERANGE, line, col,
		    "candidate number %.*s out of range 1..%d",
		    (int)(e - s > 30 ? 30 : e - s), s, r->ncand);
	*id_out = (tl_cid)(v - 1);
	return TELLER_OK;
}

/* ballot_line's return for the lone 0 (no TELLER_* code). */
#define BALLOTS_END (-1)

/* Start a new rank: marks of earlier ranks no longer count as seen. */
static void
new_rank(struct rd *r)
{
	if (++r->stamp == 0) {
		memset(r->seen, 0, (size_t)r->ncand * sizeof(uint32_t));
		r->stamp = 1;
	}
}

/* Put the *n skipped ranks held back (a mark follows them). */
static int
put_skips(struct rd *r, int *n)
{
	int rc;

	for (; *n > 0; (*n)--)
		if ((rc = tl_profile_rank(r->ctx, r->p, r->marks, 0)) !=
		    TELLER_OK)
			return rc;
	return TELLER_OK;
}

/*
 * The start of a ballot line, its first token k: a ballot id "(id)"
 * (weight 1, then with idmode 2 a multiplier that must be 1) or the
 * multiplier, into *w. Returns as ballot_line.
 */
static int
ballot_head(struct rd *r, struct tkz *t, long line, struct tok *k,
    int64_t *w)
{
	teller_ctx *ctx = r->ctx;
	int rc;

	if (k->s < k->e && *k->s == '(') {
		if (k->e[-1] != ')' || k->e - k->s < 3)
			return bad_tok(ctx, line, k, "a ballot id \"(id)\"");
		if ((rc = add_id(r, line, k->col, k->s + 1, k->e - 1)) !=
		    TELLER_OK)
			return rc;
		if (r->idmode == 2) {
			if (!tkz_next(t, k))
				return tl_fail_at(ctx, TELLER_EPARSE, line,
				    (long)(t->e - t->ls) + 1, "ballot ends "
				    "without a terminating 0");
			if (!tok_is(k, '1'))
				return bad_tok(ctx, line, k, "multiplier 1 "
				    "after a ballot id");
		}
		*w = tl_num_pow10(r->p->wdp);
		return TELLER_OK;
	}
	if (tok_is(k, '0')) {
		struct tok k2;
		if (!tkz_next(t, &k2))
			return BALLOTS_END;
		return tl_fail_at(ctx, TELLER_ERANGE, line, k->col,
		    "ballot multiplier must be positive");
	}
	if ((rc = parse_weight(r, line, k, w)) != TELLER_OK)
		return rc;
	if (*w == 0)
		return tl_fail_at(ctx, TELLER_ERANGE, line, k->col,
		    "ballot multiplier must be positive");
	return TELLER_OK;
}

/*
 * The marks of token k, c1=c2=c3: one rank with several marks, added to
 * r->marks[*nmarks..]; a candidate marked twice at one rank is one mark
 * (as the CSV reader's A|A), at two ranks kept as marked (the methods'
 * rules apply). A trailing '=' sets *joined (the next token joins in).
 */
static int
joined_marks(struct rd *r, long line, const struct tok *k, int *nmarks,
    bool *joined)
{
	const char *s = k->s, *q;
	int rc;

	for (;;) {
		tl_cid c;
		q = memchr(s, '=', (size_t)(k->e - s));
		if (q == NULL)
			q = k->e;
		if ((rc = parse_cand(r, line, k->col + (long)(s - k->s), s, q,
		    &c)) != TELLER_OK)
			return rc;
		if (r->seen[c] != r->stamp) {
			r->seen[c] = r->stamp;
			r->marks[(*nmarks)++] = c;
		}
		if (q == k->e)
			return TELLER_OK;
		s = q + 1;
		if (s == k->e) {
			*joined = true;
			return TELLER_OK;
		}
	}
}

/*
 * One ballot line, first token k already read. Returns TELLER_OK, an
 * error, or BALLOTS_END if the line was the lone 0 that ends the ballots
 * (not 1, which is TELLER_ENOMEM: a failed allocation must not end the
 * ballots). One piece: the reader's hot loop; its fast path (a plain
 * candidate number) and the token path share the rank state (nmarks,
 * nskip, joined, ended), which split functions would pass by pointer on
 * every mark.
 */
static int
ballot_line(struct rd *r, struct tkz *t, long line, struct tok *k)
{
	teller_ctx *ctx = r->ctx;
	int64_t w = 1;
	int nmarks = 0, nranks = 0, nskip = 0, rc;
	bool joined = false, ended = false;

	if ((rc = ballot_head(r, t, line, k, &w)) != TELLER_OK)
		return rc;
	if ((rc = tl_profile_begin(ctx, r->p)) != TELLER_OK)
		return rc;
	for (;;) {
		const char *q;

		/* fast path: a plain candidate number between blanks */
		for (q = t->p; q < t->e && *q == ' '; q++)
			;
		if (!t->in_block && !ended && !joined && q < t->e &&
		    *q >= '1' && *q <= '9') {
			const char *d = q;
			int v = 0;
			while (d < t->e && *d >= '0' && *d <= '9' &&
			    v <= r->ncand)
				v = v * 10 + (*d++ - '0');
			if (v <= r->ncand && (d == t->e || *d == ' ') &&
			    nranks < ctx->lim.ranks) {
				if (nmarks > 0 && (rc = tl_profile_rank(ctx,
				    r->p, r->marks, nmarks)) != TELLER_OK)
					return rc;
				if ((rc = put_skips(r, &nskip)) != TELLER_OK)
					return rc;
				nranks++;
				new_rank(r);
				r->seen[v - 1] = r->stamp;
				r->marks[0] = (tl_cid)(v - 1);
				nmarks = 1;
				t->p = d;
				continue;
			}
		}
		if (!tkz_next(t, k))
			break;
		if (ended)
			return bad_tok(ctx, line, k, "the end of the line "
			    "after the terminating 0");
		if (tok_is(k, '0')) {
			ended = true;
			continue;
		}
		if (tok_is(k, '=')) {
			if (nmarks == 0)
				return bad_tok(ctx, line, k, "a candidate "
				    "number");
			joined = true;
			continue;
		}
		if (!joined && nmarks > 0) {
			if ((rc = tl_profile_rank(ctx, r->p, r->marks,
			    nmarks)) != TELLER_OK)
				return rc;
			nmarks = 0;
		}
		if (tok_is(k, '-')) {
			if (joined)
				return bad_tok(ctx, line, k, "a candidate "
				    "number");
			if (++nranks > ctx->lim.ranks)
				goto too_many;
			nskip++; /* kept only if a mark follows */
			continue;
		}
		if (!joined) {
			if (++nranks > ctx->lim.ranks)
				goto too_many;
			if ((rc = put_skips(r, &nskip)) != TELLER_OK)
				return rc;
			new_rank(r);
		}
		joined = false;
		if ((rc = joined_marks(r, line, k, &nmarks, &joined)) !=
		    TELLER_OK)
			return rc;
	}
	if (!ended && !r->twin)
		return tl_fail_at(ctx, TELLER_EPARSE, line,
		    (long)(t->e - t->ls) + 1, "ballot ends without a "
		    "terminating 0");
	if (joined)
		return tl_fail_at(ctx, TELLER_EPARSE, line,
		    (long)(t->e - t->ls) + 1, "'=' without a candidate after "
		    "it");
	if (nmarks > 0 && (rc = tl_profile_rank(ctx, r->p, r->marks,
	    nmarks)) != TELLER_OK)
		return rc;
	/* Skipped ranks after the last mark say nothing and are dropped;
	 * a ballot with no mark ("5 0") is that many blank papers, kept as
	 * the empty pattern (the methods reject them as unmarked). Give
	 * the profile's error a position. */
	return at_line(ctx, tl_profile_end(ctx, r->p, w), line);
too_many:
	return tl_fail_at(ctx, TELLER_ELIMIT, line, k->col, "more than %d "
	    "ranks on a ballot", ctx->lim.ranks);
}

/* A withdrawn candidate number, written -k or (in [withdrawn]) k. */
static int
withdraw(struct rd *r, long line, const struct tok *k, bool neg)
{
	tl_cid c;
	const char *s = k->s;

	if (neg) {
		if (s >= k->e || *s != '-')
			return bad_tok(r->ctx, line, k, "a withdrawn candidate "
			    "-N");
		s++;
	}
	if (parse_cand(r, line, k->col + (long)(s - k->s), s, k->e, &c) !=
	    TELLER_OK)
		return r->ctx->err;
	r->withdrawn[c] = true;
	return TELLER_OK;
}

/* Is every token of the line from k on a negative number (so the line
 * lists withdrawn candidates rather than being a ballot)? */
static bool
all_negative(const struct tkz *t, const struct tok *k)
{
	struct tkz u = *t;
	struct tok x = *k;

	do {
		if (x.e - x.s < 2 || *x.s != '-' || x.s[1] < '0' ||
		    x.s[1] > '9')
			return false;
	} while (tkz_next(&u, &x));
	return true;
}

/* ------------------------------------------------------------------ */
/* the name part                                                       */

/* A record of the name part: one non-blank, non-comment line. */
struct rec {
	const char *s, *e;
	long no, col;
};

/* A piece of a name record: quoted or not, text in a scratch buffer. */
struct part {
	bool q;
	size_t off, len;
};
#define MAXPARTS 8

/*
 * Split [s, s+n) into unquoted runs and CSV-quoted strings ("" is a
 * quote inside). The text goes to out (n bytes suffice). Returns the
 * number of parts, or -1 - k for a quote at offset k never closed.
 */
static int
split_parts(const char *s, size_t n, char *out, struct part *pt)
{
	size_t i = 0, o = 0;
	int np = 0;

	while (i < n) {
		struct part x;
		x.off = o;
		if (s[i] == '"') {
			size_t open = i;
			bool closed = false;
			x.q = true;
			for (i++; i < n; i++) {
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						out[o++] = '"';
						i++;
						continue;
					}
					i++;
					closed = true;
					break;
				}
				out[o++] = s[i];
			}
			if (!closed)
				return -1 - (int)(open > 100000 ? 100000 :
				    open);
		} else {
			x.q = false;
			while (i < n && s[i] != '"')
				out[o++] = s[i++];
		}
		x.len = o - x.off;
		if (np < MAXPARTS)
			pt[np++] = x;
	}
	return np;
}

/* Collapse runs of blanks to one space and trim, in place. */
static size_t
squeeze(char *s, size_t n)
{
	size_t i, o = 0;
	bool sp = false;

	for (i = 0; i < n; i++) {
		if (is_space(s[i]) || s[i] == '\n') {
			sp = o > 0;
			continue;
		}
		if (sp)
			s[o++] = ' ';
		sp = false;
		s[o++] = s[i];
	}
	return o;
}

/* Words in s (after squeeze). */
static int
nwords(const char *s, size_t n)
{
	size_t i;
	int w = n > 0;

	for (i = 0; i < n; i++)
		if (s[i] == ' ')
			w++;
	return w;
}

/* Does the word [s, e) look like a SURNAME in capitals: two or more
 * letters, all upper case after an optional "Mc"/"Mac" (McIVOR)? */
static bool
caps_word(const char *s, const char *e)
{
	int up = 0;

	if (s < e && *s == '(')
		return false;
	if (e - s > 3 && s[0] == 'M' && s[1] == 'c')
		s += 2;
	else if (e - s > 4 && s[0] == 'M' && s[1] == 'a' && s[2] == 'c')
		s += 3;
	for (; s < e; s++) {
		if (*s >= 'A' && *s <= 'Z')
			up++;
		else if ((*s >= 'a' && *s <= 'z') ||
		    (unsigned char)*s >= 0x80 || *s == '(' || *s == ')')
			return false;
	}
	return up >= 2;
}

/* Does s (squeezed) look like a person: two or more words, one of them a
 * SURNAME in capitals (the convention of every Scottish ballot)? */
static bool
person_like(const char *s, size_t n)
{
	size_t i = 0, j;

	if (nwords(s, n) < 2)
		return false;
	while (i < n) {
		for (j = i; j < n && s[j] != ' '; j++)
			;
		if (caps_word(s + i, s + j))
			return true;
		i = j + 1;
	}
	return false;
}

/* Does s look like a party label: it ends in an "(ABBR)", or one of its
 * words is a common word of party names? */
static bool
party_like(const char *s, size_t n)
{
	static const char *const words[] = { "party", "independent",
		"independence", "labour", "conservative", "unionist",
		"liberal", "democrat", "democrats", "green", "greens",
		"national", "socialist", "alliance", "co-operative", "ind",
		"lab", "con", "snp", "ld", "grn", "ukip", NULL };
	size_t i = 0, j, k;

	if (n > 2 && s[n - 1] == ')' && memchr(s, '(', n) != NULL)
		return true;
	while (i < n) {
		for (j = i; j < n && s[j] != ' '; j++)
			;
		for (k = 0; words[k] != NULL; k++)
			if (tl_text_ieq(s + i, j - i, words[k]))
				return true;
		i = j + 1;
	}
	return false;
}

/*
 * In "A ""B""" (an unquoted run, then a quoted string), is A the party
 * and B the name ("Lab ""George ADAM"" ", party first)? Decided by which
 * looks like a person, then which like a party, then by a one-word A
 * before a longer B.
 */
static bool
party_first(const char *a, size_t an, const char *b, size_t bn)
{
	bool sa = person_like(a, an), sb = person_like(b, bn);
	bool pa, pb;

	if (sa != sb)
		return sb;
	pa = party_like(a, an);
	pb = party_like(b, bn);
	if (pa != pb)
		return pa;
	return nwords(a, an) == 1 && nwords(b, bn) >= 2;
}

/*
 * "Name (Party)" -> name, party; the party may hold parentheses itself
 * ("Ann LEE (Scottish National Party (SNP))"). Also takes a final '_' for
 * the ')' (a typo in one file). Sets *pl = 0 if there is no party.
 */
static void
split_paren(const char *s, size_t n, size_t *nn, size_t *po, size_t *pl)
{
	size_t lp, i;
	int depth = 0;

	*nn = n;
	*po = *pl = 0;
	if (n < 4 || (s[n - 1] != ')' && s[n - 1] != '_'))
		return;
	if (s[n - 1] == ')') {
		for (lp = n; lp-- > 0;) {
			if (s[lp] == ')')
				depth++;
			else if (s[lp] == '(' && --depth == 0)
				break;
		}
		if (depth != 0)
			return;
	} else {
		for (lp = n - 1; lp > 0 && s[lp - 1] != '('; lp--)
			if (s[lp - 1] == ')')
				return;
		if (lp == 0)
			return;
		lp--; /* at '(' */
	}
	for (i = lp; i > 0 && s[i - 1] == ' '; i--)
		;
	if (i == 0 || lp + 2 >= n)
		return;
	*nn = i;
	*po = lp + 1;
	*pl = n - 1 - (lp + 1);
	while (*pl > 0 && s[*po] == ' ') {
		(*po)++;
		(*pl)--;
	}
	while (*pl > 0 && s[*po + *pl - 1] == ' ')
		(*pl)--;
}

/* EENCODING at the first NUL or invalid UTF-8 byte of a record. */
static int
check_text(teller_ctx *ctx, const struct rec *x)
{
	const unsigned char *s = (const unsigned char *)x->s;
	size_t n = (size_t)(x->e - x->s), i, l;

	for (i = 0; i < n; i += l) {
		l = tl_utf8_len(s + i, n - i);
		if (l == 0)
			return tl_fail_at(ctx, TELLER_EENCODING, x->no,
			    x->col + (long)i, s[i] == 0 ? "NUL byte in a "
			    "name" : "invalid UTF-8 in a name");
	}
	return TELLER_OK;
}

/*
 * Read one name record: unquote as many CSV levels as there are, then
 * take name and party from "Name (Party)", from a second string, or from
 * "Party ""Name""" (party first). With title set, joins the parts.
 */
static int
name_record(struct rd *r, const struct rec *x, bool title)
{
	teller_ctx *ctx = r->ctx;
	size_t n = (size_t)(x->e - x->s), nn, po, pl;
	char *a, *b, *tmp;
	struct part pt[MAXPARTS], keep[MAXPARTS];
	int np, nk = 0, i, rc;
	const char *name, *party;

	if ((rc = check_text(ctx, x)) != TELLER_OK)
		return rc;
	a = tl_alloc(ctx, n + 1, 1);
	b = tl_alloc(ctx, n + 1, 1);
	if (a == NULL || b == NULL)
		return TELLER_ENOMEM;
	if (n > 0 && *x->s != '"') {
		/* unquoted: a '"' inside is text (John "Jack" SMITH) */
		memcpy(a, x->s, n);
		pt[0].q = false;
		pt[0].off = 0;
		pt[0].len = n;
		np = 1;
	} else if ((np = split_parts(x->s, n, a, pt)) < 0) {
		return tl_fail_at(ctx, TELLER_EPARSE, x->no, x->col - 1 - np,
		    "quote never closed in %s", title ? "the title" :
		    "a candidate name");
	}
	/* a single quoted string holding quotes: one more CSV level */
	while (np == 1 && pt[0].q && memchr(a + pt[0].off, '"', pt[0].len)) {
		np = split_parts(a + pt[0].off, pt[0].len, b, pt);
		if (np < 0)
			return tl_fail_at(ctx, TELLER_EPARSE, x->no, x->col,
			    "quote never closed inside the quoted %s",
			    title ? "title" : "candidate name");
		tmp = a;
		a = b;
		b = tmp;
	}
	for (i = 0; i < np; i++) {
		pt[i].len = squeeze(a + pt[i].off, pt[i].len);
		if (pt[i].len > 0 || pt[i].q)
			keep[nk++] = pt[i];
	}
	if (title) {
		size_t o = 0;
		for (i = 0; i < nk; i++) {
			if (o > 0)
				b[o++] = ' ';
			memcpy(b + o, a + keep[i].off, keep[i].len);
			o += keep[i].len;
		}
		b[o] = '\0';
		r->c->title = b;
		return TELLER_OK;
	}
	if (nk == 0)
		return tl_fail_at(ctx, TELLER_EPARSE, x->no, x->col,
		    "empty candidate name");
	if (nk > 2)
		return tl_fail_at(ctx, TELLER_EPARSE, x->no, x->col,
		    "a candidate's line holds %d parts; expected a name and "
		    "at most a party", nk);
	if (nk == 1) {
		name = a + keep[0].off;
		split_paren(name, keep[0].len, &nn, &po, &pl);
		party = name + po;
	} else if (!keep[0].q && keep[1].q && party_first(a + keep[0].off,
	    keep[0].len, a + keep[1].off, keep[1].len)) {
		/* "Lab ""George ADAM"" ": party first */
		name = a + keep[1].off;
		nn = keep[1].len;
		party = a + keep[0].off;
		pl = keep[0].len;
	} else {
		name = a + keep[0].off;
		nn = keep[0].len;
		party = a + keep[1].off;
		pl = keep[1].len;
	}
	if (nn == 0)
		return tl_fail_at(ctx, TELLER_EPARSE, x->no, x->col,
		    "empty candidate name");
	if (tl_contest_add(ctx, r->c, name, nn, party, pl) < 0)
		return ctx->err;
	return TELLER_OK;
}

/*
 * End of a name line without a trailing '#' comment: Droop's '#' outside
 * quotes, or in an unquoted line a '#' after a blank ("Ann LEE (Lab) #
 * note"; a '#' inside a word stays text).
 */
static const char *
strip_comment(const char *s, const char *e)
{
	const char *q = s;
	bool in = false;

	for (; q < e; q++) {
		if (*q == '"' && *s == '"')
			in = !in;
		else if (*q == '#' && !in && (*s == '"' || q == s ||
		    is_space(q[-1])))
			break;
	}
	while (q > s && (is_space(q[-1]) || (q < e && q[-1] == ',')))
		q--;
	return q;
}

/* Quoted strings on a line made only of plain "..." strings (no CSV
 * doubling), or -1 if it is anything else. */
static int
plain_strings(const struct rec *x)
{
	const char *s = x->s, *q;
	int n = 0;

	while (s < x->e) {
		if (*s != '"')
			return -1;
		q = memchr(s + 1, '"', (size_t)(x->e - s - 1));
		if (q == NULL)
			return -1;
		n++;
		s = q + 1;
		if (s < x->e && !is_space(*s))
			return -1;
		while (s < x->e && is_space(*s))
			s++;
	}
	return n;
}

/*
 * Where Droop's reading of the records (k[i]: plain_strings of each)
 * goes wrong: the record holding too many items, or nrec if it fits.
 * All lines must be "..." strings (else 0), but for a last line right
 * after the names: the title, in any form.
 */
static size_t
stream_bad(const struct rd *r, const int *k, size_t nrec)
{
	size_t i;
	long before = 0;

	for (i = 0; i < nrec; i++) {
		if (k[i] >= 1)
			before += k[i];
		else if (i + 1 < nrec || before != r->ncand)
			return 0;
	}
	before = 0;
	for (i = 0; i < nrec && k[i] >= 1 && before + k[i] <= r->ncand; i++)
		before += k[i];
	if (i == nrec)
		return before == r->ncand ? nrec : 0; /* no title */
	if (k[i] < 1)
		return nrec; /* the last line, the title */
	if (k[i] - (r->ncand - before) > 3)
		return i;
	return i + 1;
}

/*
 * Does Droop's reading fit the records (k[i]: plain_strings of each)?
 * Every line is plain "..." strings, each one item: ncand names, then the
 * title, then at most Droop's source and comment on the title's line
 * (more lines would be names or titles too many).
 */
static bool
stream_fits(const struct rd *r, const int *k, size_t nrec)
{
	return stream_bad(r, k, nrec) == nrec;
}

/* Droop's reading (stream_fits): every "..." string one item. */
static int
droop_names(struct rd *r, const struct rec *recs, size_t nrec)
{
	size_t i;
	int got = 0, rc;

	for (i = 0; i < nrec; i++) {
		const char *s = recs[i].s, *e = recs[i].e, *q;
		if (got == r->ncand && plain_strings(&recs[i]) < 1)
			return name_record(r, &recs[i], true);
		while (s < e && got <= r->ncand) {
			struct rec x;
			s = memchr(s, '"', (size_t)(e - s));
			if (s == NULL)
				break;
			q = memchr(s + 1, '"', (size_t)(e - s - 1));
			if (q == NULL)
				return tl_fail(r->ctx, TELLER_EINTERNAL, "blt: "
				    "a quote not closed in Droop's names");
			x.s = s;
			x.e = q + 1;
			x.no = recs[i].no;
			x.col = recs[i].col + (long)(s - recs[i].s);
			if ((rc = name_record(r, &x, got == r->ncand)) !=
			    TELLER_OK)
				return rc;
			got++;
			s = q + 1;
		}
	}
	return TELLER_OK;
}

/*
 * One record a line: ncand names, then the title. A title line of plain
 * strings may carry Droop's source and comment after the title.
 */
static int
line_names(struct rd *r, const struct rec *recs, size_t nrec, const int *k)
{
	size_t i, nc = (size_t)r->ncand;
	int rc;

	if (nrec > nc + 1)
		return tl_fail_at(r->ctx, TELLER_EPARSE, recs[nc + 1].no,
		    recs[nc + 1].col, "more lines than %d candidate names and "
		    "a title", r->ncand);
	for (i = 0; i < nc; i++)
		if ((rc = name_record(r, &recs[i], false)) != TELLER_OK)
			return rc;
	if (nrec == nc)
		return TELLER_OK;
	if (k[nc] > 3)
		return tl_fail_at(r->ctx, TELLER_EPARSE, recs[nc].no,
		    recs[nc].col, "the title line holds %d quoted strings; "
		    "expected the title and at most a source and a comment",
		    k[nc]);
	if (k[nc] >= 2) {
		struct rec x = recs[nc];
		x.e = (const char *)memchr(x.s + 1, '"', (size_t)(x.e - x.s -
		    1)) + 1;
		return name_record(r, &x, true);
	}
	return name_record(r, &recs[nc], true);
}

/*
 * The name records when they are at least ncand: one a line (every
 * encoding), or Droop's stream of "..." items. With a line holding
 * several strings, one a line is taken when the lines are exactly the
 * names and a title, each name line a name and at most a party (so an
 * independent's "Name" among "Name" "Party" lines keeps every name in
 * place), or when every line is "Name" "Party" and there is no title;
 * else Droop's stream if it fits; else the lines are refused.
 */
static int
names_lines(struct rd *r, const struct rec *recs, size_t nrec, const int *k)
{
	size_t i, nc = (size_t)r->ncand;
	bool multi = false, all2 = true, le2 = true;

	for (i = 0; i < nc; i++) {
		multi = multi || k[i] >= 2;
		all2 = all2 && k[i] == 2;
		le2 = le2 && k[i] <= 2;
	}
	if (!multi || (le2 && nrec == nc + 1) || (all2 && nrec == nc))
		return line_names(r, recs, nrec, k);
	if (stream_fits(r, k, nrec))
		return droop_names(r, recs, nrec);
	for (i = 0; i < nrec && k[i] >= 1; i++)
		;
	if (i == nrec && nrec != nc + 1 && (i = stream_bad(r, k, nrec)) <
	    nrec)
		/* only "..." strings, not one record a line: Droop's
		 * stream, with too much after the title */
		return tl_fail_at(r->ctx, TELLER_EPARSE, recs[i].no,
		    recs[i].col, "more quoted strings than %d candidate "
		    "names, a title, and a source and a comment on the "
		    "title's line", r->ncand);
	if (nrec > nc + 1)
		return line_names(r, recs, nrec, k); /* refuses */
	for (i = 0; i < nc; i++)
		if (k[i] > 2)
			return tl_fail_at(r->ctx, TELLER_EPARSE, recs[i].no,
			    recs[i].col, "a candidate's line holds %d quoted "
			    "strings; expected a name and at most a party",
			    k[i]);
	for (i = 0; i < nc && k[i] < 2; i++)
		;
	return tl_fail_at(r->ctx, TELLER_EPARSE, recs[i].no, recs[i].col,
	    "cannot tell names from parties: %zu lines for %d candidates "
	    "and a title, some with two quoted strings, some not",
	    nrec, r->ncand);
}

/*
 * The fields of a CSV record [s, e) ("" a quote inside a quoted field)
 * into out (e - s bytes suffice), at most max of them (f[i]: offset,
 * len). Returns how many, or -1 - k for a malformed field at offset k.
 */
static int
csv_fields(const char *s, const char *e, char *out, size_t (*f)[2],
    int max)
{
	const char *b = s;
	size_t o = 0;
	int nf = 0;

	for (;;) {
		size_t off = o;
		while (s < e && *s == ' ')
			s++;
		if (s < e && *s == '"') {
			const char *open = s++;
			for (;; s++) {
				if (s >= e)
					return -1 - (int)(open - b);
				if (*s == '"' && s + 1 < e && s[1] == '"')
					out[o++] = *s++;
				else if (*s == '"')
					break;
				else
					out[o++] = *s;
			}
			for (s++; s < e && *s == ' '; s++)
				;
			if (s < e && *s != ',')
				return -1 - (int)(s - b);
		} else {
			while (s < e && *s != ',')
				out[o++] = *s++;
		}
		if (nf >= max)
			return -1 - (int)(s - b);
		f[nf][0] = off;
		f[nf][1] = o - off;
		nf++;
		if (s >= e)
			return nf;
		s++; /* the ',' */
	}
}

/* One candidate line of the twin: "Candidate k","Name","Party". */
static int
twin_cand(struct rd *r, const struct rec *x, int k)
{
	teller_ctx *ctx = r->ctx;
	size_t n = (size_t)(x->e - x->s), f[4][2], nn, pl;
	char want[32], *a;
	int nf, rc;

	if ((rc = check_text(ctx, x)) != TELLER_OK)
		return rc;
	if ((a = tl_alloc(ctx, n + 1, 1)) == NULL)
		return TELLER_ENOMEM;
	nf = csv_fields(x->s, x->e, a, f, 4);
	if (nf < 0)
		return tl_fail_at(ctx, TELLER_EPARSE, x->no, x->col - 1 - nf,
		    "expected \"Candidate %d\",\"Name\",\"Party\"", k);
	snprintf(want, sizeof(want), "Candidate %d", k);
	if (nf < 2 || nf > 3 || f[0][1] != strlen(want) ||
	    memcmp(a + f[0][0], want, f[0][1]) != 0)
		return tl_fail_at(ctx, TELLER_EPARSE, x->no, x->col,
		    "expected \"Candidate %d\",\"Name\",\"Party\"", k);
	nn = squeeze(a + f[1][0], f[1][1]);
	pl = nf > 2 ? squeeze(a + f[2][0], f[2][1]) : 0;
	if (nn == 0)
		return tl_fail_at(ctx, TELLER_EPARSE, x->no, x->col,
		    "empty candidate name");
	if (tl_contest_add(ctx, r->c, a + f[1][0], nn, nf > 2 ? a + f[2][0] :
	    "", pl) < 0)
		return ctx->err;
	return TELLER_OK;
}

/*
 * The twin's title line: the ward, quoted once or more ("Ward 4",
 * ""Ward 4"", """"Ward 4"" "") and perhaps a number after it ("Ward",4).
 */
static int
twin_title(struct rd *r, const struct rec *x)
{
	teller_ctx *ctx = r->ctx;
	const char *s = x->s, *e = x->e, *q, *lq = NULL;
	size_t o = 0;
	char *b;
	int rc;

	if ((rc = check_text(ctx, x)) != TELLER_OK)
		return rc;
	for (q = s; q < e; q++)
		if (*q == '"')
			lq = q;
	if (lq != NULL) {
		for (q = lq + 1; q < e; q++)
			if (!is_space(*q) && *q != ',' && (*q < '0' ||
			    *q > '9'))
				return tl_fail_at(ctx, TELLER_EPARSE, x->no,
				    x->col + (long)(q - s), "text after the "
				    "quoted title");
		e = lq + 1;
	}
	while (s < e && (*s == '"' || is_space(*s)))
		s++;
	while (e > s && (e[-1] == '"' || is_space(e[-1])))
		e--;
	if ((b = tl_alloc(ctx, (size_t)(e - s) + 1, 1)) == NULL)
		return TELLER_ENOMEM;
	for (q = s; q < e; q++) {
		b[o++] = *q;
		if (*q == '"' && q + 1 < e && q[1] == '"')
			q++;
	}
	o = squeeze(b, o);
	b[o] = '\0';
	r->c->title = b;
	return TELLER_OK;
}

/* The name part of the twin: a "Candidate k" line for each, a title. */
static int
twin_names(struct rd *r, const struct rec *recs, size_t nrec, long lastline)
{
	size_t i, nc = (size_t)r->ncand;
	int rc;

	if (nrec < nc)
		return tl_fail_at(r->ctx, TELLER_EPARSE, lastline, 1, "%zu "
		    "candidate lines for %d candidates", nrec, r->ncand);
	if (nrec > nc + 1)
		return tl_fail_at(r->ctx, TELLER_EPARSE, recs[nc + 1].no,
		    recs[nc + 1].col, "more lines than %d candidates and a "
		    "title", r->ncand);
	for (i = 0; i < nc; i++)
		if ((rc = twin_cand(r, &recs[i], (int)i + 1)) != TELLER_OK)
			return rc;
	return nrec > nc ? twin_title(r, &recs[nc]) : TELLER_OK;
}

/* Is there a "# ALTERNATIVE NAME k:" comment for every candidate? */
static bool
alt_complete(const struct rd *r)
{
	size_t i;

	if (r->alt == NULL || r->alt->len < (size_t)r->ncand)
		return false;
	for (i = 0; i < (size_t)r->ncand; i++)
		if (TL_VEC_AT(r->alt, struct idref, i).s == NULL)
			return false;
	return true;
}

/* The records of the name part (the lines after the lone 0), without
 * blanks, comments and CSV residue, into rv; *lastline: the last line. */
static int
name_records(struct rd *r, struct lines *lx, struct tl_vec *rv,
    long *lastline)
{
	teller_ctx *ctx = r->ctx;
	struct line l;
	int err = TELLER_OK, rc;
	bool in_block = false;

	while (next_line(ctx, lx, &l, &err)) {
		const char *s = l.s, *e = l.e;
		struct rec x;

		*lastline = l.no;
		if (in_block) {
			const char *q = s;
			while (q + 1 < e && !(q[0] == '*' && q[1] == '/'))
				q++;
			if (q + 1 >= e)
				continue;
			in_block = false;
			s = q + 2;
		}
		while (s < e && is_space(*s))
			s++;
		while (e > s && is_space(e[-1]))
			e--;
		if (e > s && e[-1] == ',') {
			e--; /* CSV residue: one trailing comma */
			while (e > s && is_space(e[-1]))
				e--;
		}
		if (s == e)
			continue;
		if (*s == '#') {
			if ((rc = note_comment(r, l.no, s, e)) != TELLER_OK ||
			    (rc = tl_decl_comment(ctx, &r->decl, s, e, l.no,
			    (long)(s - l.s) + 1, false)) != TELLER_OK)
				return rc;
			continue;
		}
		e = strip_comment(s, e);
		if (e - s >= 2 && s[0] == '/' && s[1] == '*') {
			const char *q = s + 2;
			while (q + 1 < e && !(q[0] == '*' && q[1] == '/'))
				q++;
			if (q + 1 >= e) {
				in_block = true;
				continue;
			}
			s = q + 2;
			while (s < e && is_space(*s))
				s++;
			if (s == e)
				continue;
		}
		x.s = s;
		x.e = e;
		x.no = l.no;
		x.col = (long)(s - l.s) + 1;
		if (tl_vec_push(ctx, rv, &x) == NULL)
			return TELLER_ENOMEM;
	}
	return err;
}

/* Read the name part: the lines after the lone 0. */
static int
names_part(struct rd *r, struct lines *lx)
{
	teller_ctx *ctx = r->ctx;
	struct tl_vec *rv = tl_vec_new(ctx, sizeof(struct rec));
	struct rec *recs;
	size_t nrec, i;
	int rc, *k;
	long lastline = lx->no;

	if (rv == NULL)
		return TELLER_ENOMEM;
	if ((rc = name_records(r, lx, rv, &lastline)) != TELLER_OK)
		return rc;
	recs = rv->data;
	nrec = rv->len;
	if (r->twin)
		return twin_names(r, recs, nrec, lastline);
	k = tl_alloc(ctx, nrec + 1, sizeof(int));
	if (k == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < nrec; i++)
		k[i] = plain_strings(&recs[i]);
	if (nrec >= (size_t)r->ncand)
		return names_lines(r, recs, nrec, k);
	if (alt_complete(r) && nrec <= 1) {
		for (i = 0; i < (size_t)r->ncand; i++) {
			struct idref *a = &TL_VEC_AT(r->alt, struct idref, i);
			struct rec x;
			x.s = a->s;
			x.e = a->s + a->n;
			x.no = a->no;
			x.col = 1;
			while (x.s < x.e && is_space(*x.s))
				x.s++;
			if ((rc = name_record(r, &x, false)) != TELLER_OK)
				return rc;
		}
		if (nrec > 0)
			return name_record(r, &recs[0], true);
		return TELLER_OK;
	}
	if (stream_fits(r, k, nrec))
		return droop_names(r, recs, nrec);
	if (alt_complete(r))
		return tl_fail_at(ctx, TELLER_EPARSE, recs[1].no, recs[1].col,
		    "names are in \"# ALTERNATIVE NAME\" comments, so only a "
		    "title may follow the ballots");
	return tl_fail_at(ctx, TELLER_EPARSE, lastline, 1, "%zu candidate "
	    "names for %d candidates", nrec, r->ncand);
}

/* ------------------------------------------------------------------ */

/* The header line "ncand nseats", first token k: sets up the reader. */
static int
header(struct rd *r, struct tkz *t, long no, const struct tok *k)
{
	teller_ctx *ctx = r->ctx;
	int64_t nc, ns;
	struct tok k2;
	int lim = ctx->lim.candidates < TL_CID_MAX ? ctx->lim.candidates :
	    TL_CID_MAX;

	if (parse_uint(k->s, k->e, INT64_MAX, &nc) != 0)
		return bad_tok(ctx, no, k, "the number of candidates");
	if (!tkz_next(t, &k2))
		return tl_fail_at(ctx, TELLER_EPARSE, no, (long)(t->e - t->ls) +
		    1, "expected the number of seats after the number of "
		    "candidates");
	if (parse_uint(k2.s, k2.e, INT64_MAX, &ns) != 0)
		return bad_tok(ctx, no, &k2, "the number of seats");
	/* "10,4,": a comma between and a comma after marks the twin (a
	 * BLT with CSV residue has "5 1,", with terminating 0s) */
	{
		const char *q;
		bool between = false, after = false;
		for (q = k->e; q < k2.s; q++)
			between = between || *q == ',';
		for (q = k2.e; q < t->e && (is_space(*q) || *q == ','); q++)
			after = after || *q == ',';
		r->twin = between && after;
	}
	if (nc < 1)
		return tl_fail_at(ctx, TELLER_ERANGE, no, k->col,
		    "no candidates");
	if (nc > lim)
		return tl_fail_at(ctx, TELLER_ELIMIT, no, k->col, "more than "
		    "%d candidates", lim);
	if (ns < 1 || ns > nc)
		return tl_fail_at(ctx, TELLER_ERANGE, no, k2.col, "%lld seats "
		    "for %lld candidates", (long long)ns, (long long)nc);
	if (ns > ctx->lim.seats)
		return tl_fail_at(ctx, TELLER_ELIMIT, no, k2.col, "more than "
		    "%d seats", ctx->lim.seats);
	if (tkz_next(t, &k2))
		return bad_tok(ctx, no, &k2, "the end of the header line");
	r->ncand = (int)nc;
	r->seats = (int)ns;
	r->c = tl_contest_new(ctx);
	r->p = tl_profile_new(ctx, r->ncand);
	r->withdrawn = tl_alloc(ctx, (size_t)nc, sizeof(bool));
	r->seen = tl_alloc(ctx, (size_t)nc, sizeof(uint32_t));
	r->marks = tl_alloc(ctx, (size_t)nc + 1, sizeof(tl_cid));
	if (r->c == NULL || r->p == NULL || r->withdrawn == NULL ||
	    r->seen == NULL || r->marks == NULL)
		return TELLER_ENOMEM;
	r->c->seats = r->seats;
	tl_decl_copy(r->c, &r->decl);
	return TELLER_OK;
}

/* A word of a Droop option, with its place. */
struct optw {
	const char *s, *e;
	long line, col;
};

/* Candidate id of option word w: a number 1..ncand or a [nick]. */
static int
opt_cand(struct rd *r, const struct optw *w, tl_cid *c)
{
	int id;

	if (parse_uint(w->s, w->e, INT64_MAX, &(int64_t){ 0 }) == 0)
		return parse_cand(r, w->line, w->col, w->s, w->e, c);
	if (r->have_nicks && (id = tl_strtab_find(&r->nicks, w->s,
	    (size_t)(w->e - w->s))) >= 0) {
		*c = (tl_cid)id;
		return TELLER_OK;
	}
	return tl_fail_at(r->ctx, TELLER_EPARSE, w->line, w->col, "\"%.*s\" in "
	    "[%.*s] is neither a candidate number nor a nickname",
	    (int)(w->e - w->s > 40 ? 40 : w->e - w->s), w->s,
	    (int)r->optname.n, r->optname.s);
}

/* [nick n1 n2 ...]: a nickname for each candidate, in order (Droop);
 * ballot lines and options may then name candidates by them. */
static int
opt_nick(struct rd *r, const struct optw *w, size_t n)
{
	teller_ctx *ctx = r->ctx;
	size_t i;
	bool added;

	if (r->have_nicks)
		return tl_fail_at(ctx, TELLER_EPARSE, r->optname.no, r->optcol,
		    "[nick] given twice");
	if (n != (size_t)r->ncand)
		return tl_fail_at(ctx, TELLER_EPARSE, r->optname.no, r->optcol,
		    "[nick] gives %zu nicknames for %d candidates", n,
		    r->ncand);
	if (tl_strtab_init(ctx, &r->nicks) != TELLER_OK)
		return TELLER_ENOMEM;
	for (i = 0; i < n; i++) {
		const char *q;
		bool digits = true;
		for (q = w[i].s; q < w[i].e; q++) {
			if (*q < '0' || *q > '9')
				digits = false;
			if (*q == '=' || *q == '"' || *q == '(' || *q == '[' ||
			    (q == w[i].s && *q == '-'))
				break;
		}
		if (q < w[i].e || digits)
			return tl_fail_at(ctx, TELLER_EPARSE, w[i].line,
			    w[i].col, "nickname \"%.*s\" could be read as "
			    "something else on a ballot line",
			    (int)(w[i].e - w[i].s > 40 ? 40 : w[i].e - w[i].s),
			    w[i].s);
		if (tl_strtab_put(ctx, &r->nicks, w[i].s, (size_t)(w[i].e -
		    w[i].s), &added) < 0)
			return ctx->err;
		if (!added)
			return tl_fail_at(ctx, TELLER_EDUP, w[i].line,
			    w[i].col, "nickname \"%.*s\" given twice",
			    (int)(w[i].e - w[i].s > 40 ? 40 : w[i].e -
			    w[i].s), w[i].s);
	}
	r->have_nicks = true;
	return TELLER_OK;
}

/* [tie c1 c2 ...]: Droop's tie-breaking order, every candidate once
 * (see struct teller_contest). */
static int
opt_tie(struct rd *r, const struct optw *w, size_t n)
{
	teller_ctx *ctx = r->ctx;
	int *order;
	size_t i;
	tl_cid c;
	int rc;

	if (r->c->tie_order != NULL)
		return tl_fail_at(ctx, TELLER_EPARSE, r->optname.no, r->optcol,
		    "[tie] given twice");
	if ((order = tl_alloc(ctx, (size_t)r->ncand, sizeof(int))) == NULL)
		return TELLER_ENOMEM;
	new_rank(r);
	for (i = 0; i < n; i++) {
		if ((rc = opt_cand(r, &w[i], &c)) != TELLER_OK)
			return rc;
		if (r->seen[c] == r->stamp)
			return tl_fail_at(ctx, TELLER_EPARSE, w[i].line,
			    w[i].col, "candidate %d is in [tie] twice",
			    (int)c + 1);
		r->seen[c] = r->stamp;
		order[i] = c;
	}
	if (n != (size_t)r->ncand)
		return tl_fail_at(ctx, TELLER_EPARSE, r->optname.no, r->optcol,
		    "[tie] lists %zu of the %d candidates; Droop's tie order "
		    "lists each exactly once", n, r->ncand);
	r->c->tie_order = order;
	r->c->ntie_order = r->ncand;
	return TELLER_OK;
}

/* The Droop option just closed (its words in r->opt): read and applied,
 * or refused by name; never skipped. */
static int
option_end(struct rd *r)
{
	static const struct {
		const char *name, *why;
	} no[] = {
		{ "droop", "it sets Droop's rule and arithmetic; choose the "
		  "method and its options on the teller command line" },
		{ "elected", "candidates elected before the count (count-back) "
		  "are not supported" },
		{ "order", "ballots written in ballot-paper order are not "
		  "supported" },
		{ "lines", "Droop documents it as a future extension only" },
		{ "one", "Droop documents it as a future extension only" },
		{ "include", "ballots in another file are not read; give "
		  "both files to teller" },
		{ "option", "Droop documents it as a future extension only" },
	};
	const char *s = r->optname.s;
	size_t n = r->optname.n, nw = r->opt->len, i;
	const struct optw *w = r->opt->data;
	int rc;
	tl_cid c;

	if (n == 4 && memcmp(s, "nick", 4) == 0)
		return opt_nick(r, w, nw);
	if (n == 3 && memcmp(s, "tie", 3) == 0)
		return opt_tie(r, w, nw);
	if (n == 9 && memcmp(s, "withdrawn", 9) == 0) {
		for (i = 0; i < nw; i++) {
			if ((rc = opt_cand(r, &w[i], &c)) != TELLER_OK)
				return rc;
			r->withdrawn[c] = true;
		}
		return TELLER_OK;
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strlen(no[i].name) == n && memcmp(no[i].name, s, n) == 0)
			return tl_fail_at(r->ctx, TELLER_EPARSE, r->optname.no,
			    r->optcol, "Droop option [%s] is not supported: %s",
			    no[i].name, no[i].why);
	return tl_fail_at(r->ctx, TELLER_EPARSE, r->optname.no, r->optcol,
	    "unknown Droop option [%.*s]", (int)(n > 40 ? 40 : n), s);
}

/*
 * One token of Droop's bracket options before the ballots, which may span
 * tokens and lines ("[tie 3 1 2]", "[nick a b\nc]"): the words are kept
 * until the ']', then the option is read (option_end).
 */
static int
option_tok(struct rd *r, long no, const struct tok *k)
{
	const char *s = k->s, *e = k->e;
	bool close = e > s && e[-1] == ']';
	struct optw w;

	if (close)
		e--;
	if (!r->in_opt) {
		r->in_opt = true;
		r->optname.s = s + 1;
		r->optname.n = (size_t)(e - (s + 1));
		r->optname.no = no;
		r->optcol = k->col;
		if (r->opt == NULL &&
		    (r->opt = tl_vec_new(r->ctx, sizeof(struct optw))) == NULL)
			return TELLER_ENOMEM;
		r->opt->len = 0;
		if (r->optname.n == 0)
			return tl_fail_at(r->ctx, TELLER_EPARSE, no, k->col,
			    "a Droop option needs a name after '['");
	} else if (s < e) {
		w.s = s;
		w.e = e;
		w.line = no;
		w.col = k->col;
		if (tl_vec_push(r->ctx, r->opt, &w) == NULL)
			return TELLER_ENOMEM;
	}
	if (!close)
		return TELLER_OK;
	r->in_opt = false;
	return option_end(r);
}

/*
 * One line l of the numeric part (lx: the rest of the input). Sets *done
 * at the lone 0. The state (header read, ballots begun) is in r.
 */
static int
numeric_line(struct rd *r, struct tkz *t, const struct line *l,
    const struct lines *lx, bool *done)
{
	struct tok k;
	int rc;

	while (tkz_next(t, &k)) {
		if (!r->header) {
			r->header = true;
			return header(r, t, l->no, &k);
		}
		if (r->in_opt || (!r->ballots && *k.s == '[')) {
			if ((rc = option_tok(r, l->no, &k)) != TELLER_OK)
				return rc;
			continue;
		}
		if (!r->ballots && *k.s == '-' && k.e - k.s > 1 &&
		    all_negative(t, &k)) {
			/* a line of withdrawn candidates: -2 -5 */
			do {
				if ((rc = withdraw(r, l->no, &k, true)) !=
				    TELLER_OK)
					return rc;
			} while (tkz_next(t, &k));
			return TELLER_OK;
		}
		r->ballots = true;
		if (*k.s == '(' && r->idmode == 0) {
			struct lines rest = *lx;
			rest.p = l->s;
			r->idmode = id_dialect(rest);
		}
		rc = ballot_line(r, t, l->no, &k);
		if (rc == BALLOTS_END) {
			*done = true;
			return TELLER_OK;
		}
		return rc;
	}
	return TELLER_OK;
}

/* Does line l start (after blanks) with a '"': the twin's names? */
static bool
twin_names_start(const struct line *l)
{
	const char *s = l->s;

	while (s < l->e && is_space(*s))
		s++;
	return s < l->e && *s == '"';
}

int
tl_fmt_blt(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **cp, struct teller_profile **pp)
{
	struct rd r;
	struct lines lx;
	struct line l;
	struct tkz t;
	int err = TELLER_OK, rc, i;
	bool done = false;
	long lastline = 0;

	*cp = NULL;
	*pp = NULL;
	memset(&r, 0, sizeof(r));
	memset(&t, 0, sizeof(t));
	r.ctx = ctx;
	lx.p = buf;
	lx.end = buf + len;
	lx.no = 0;
	lx.sep = '\n';
	if (memchr(buf, '\n', len) == NULL)
		lx.sep = '\r'; /* only CRs: a file of old Mac lines */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		lx.p += 3;
	while (!done) {
		if (r.ballots && !r.in_opt && !t.in_block && !r.twin) {
			if ((rc = fast_lines_par(&r, &lx)) != TELLER_OK)
				return rc;
			lastline = lx.no;
		}
		if (!next_line(ctx, &lx, &l, &err))
			break;
		lastline = l.no;
		if (r.twin && !t.in_block && twin_names_start(&l)) {
			/* the twin has no lone 0: the names end the ballots */
			lx.p = l.s;
			lx.no = l.no - 1;
			done = true;
			break;
		}
		tkz_line(&t, &l);
		if ((rc = numeric_line(&r, &t, &l, &lx, &done)) !=
		    TELLER_OK)
			return rc;
		/* a '#' comment may carry an ALTERNATIVE NAME */
		if (t.hash != NULL &&
		    ((rc = note_comment(&r, l.no, t.hash, t.e)) != TELLER_OK ||
		    (rc = tl_decl_comment(ctx, &r.decl, t.hash, t.e, l.no,
		    (long)(t.hash - l.s) + 1, !r.header)) != TELLER_OK))
			return rc;
	}
	tl_keys_free(ctx, &r.keys); /* not needed past the ballots */
	if (r.kept != NULL && lx.p > r.kept)
		tl_release(ctx, r.kept, (size_t)(lx.p - r.kept));
	if (err != TELLER_OK)
		return err;
	if (!r.header)
		return tl_fail_at(ctx, TELLER_EPARSE, lastline > 0 ? lastline :
		    1, 1, "no header line (candidates and seats)");
	if (!done && t.in_block)
		return tl_fail_at(ctx, TELLER_EPARSE, t.cline, t.ccol,
		    "comment /* is never closed");
	if (!done && r.in_opt)
		return tl_fail_at(ctx, TELLER_EPARSE, r.optname.no, r.optcol,
		    "Droop option [%.*s] is never closed with ']'",
		    (int)(r.optname.n > 40 ? 40 : r.optname.n), r.optname.s);
	if (!done)
		return tl_fail_at(ctx, TELLER_EPARSE, lastline, 1, "the "
		    "ballots do not end with a line holding a lone 0");
	if ((rc = names_part(&r, &lx)) != TELLER_OK)
		return rc;
	if (r.c->ncand != r.ncand)
		return tl_fail(ctx, TELLER_EINTERNAL, "blt: %d names read for "
		    "%d candidates", r.c->ncand, r.ncand);
	for (i = 0; i < r.ncand; i++)
		TL_CAND(r.c, i)->withdrawn = r.withdrawn[i];
	if ((rc = keep_ids(&r)) != TELLER_OK)
		return rc;
	*cp = r.c;
	*pp = r.p;
	return TELLER_OK;
}
