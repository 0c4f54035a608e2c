/* SPDX-License-Identifier: MIT */
/*
 * fmt_profile.c -- teller's own profile file, format 1 (magic TELLERP1):
 * a line-based text file holding a contest and its ballot patterns with
 * exact weights, so parts of a count can be read once and merged later.
 * Every count and id is checked on read. Layout (one space after each
 * keyword; names escaped with \\ \t \n \r \xHH):
 *
 *   TELLERP1
 *   title TEXT
 *   seats N            0 = not stated
 *   wdp N              decimal places of weights, 0..9
 *   ballots N          ballots (records) read, unweighted
 *   candidates N
 *   c FLAGS NAME\tPARTY   N times; FLAGS "-" or letters w (withdrawn),
 *                         x (write-in)
 *   tie ID ID ...      optional: Droop's [tie] order, every candidate
 *                      once, ids 1..N
 *   patterns N
 *   W: R R ...         N times, sorted; W the weight at wdp places, each
 *                      rank R "-" (skipped) or ids 1..N joined by '='
 *   end TOTAL          the sum of the weights
 */
#include <stdlib.h>
#include <string.h>

#include "tl_int.h"

/* ------------------------------------------------------------------ */
/* writer                                                             */

static void
put_esc(struct tl_out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		char e[4];

		if (ch >= 0x20 && ch != '\\' && ch != 0x7f)
			continue;
		tl_out_mem(o, run, (size_t)(s - run));
		run = s + 1;
		if (ch == '\\')
			tl_out_mem(o, "\\\\", 2);
		else if (ch == '\t')
			tl_out_mem(o, "\\t", 2);
		else if (ch == '\n')
			tl_out_mem(o, "\\n", 2);
		else if (ch == '\r')
			tl_out_mem(o, "\\r", 2);
		else {
			e[0] = '\\';
			e[1] = 'x';
			e[2] = hex[ch >> 4];
			e[3] = hex[ch & 15];
			tl_out_mem(o, e, 4);
		}
	}
	tl_out_mem(o, run, (size_t)(s - run));
}

/* A pattern to sort: its cells compare in order, a shorter list that is
 * a prefix of a longer one first. key packs the first four cells, high
 * end first and 0 past the end, so most comparisons need only it: where
 * two keys differ they order as the cells do. */
struct wpat {
	uint64_t key;
	const tl_cid *cells;
	uint32_t len;
	uint32_t idx; /* the pattern */
};

static int
wpat_cmp(const void *a, const void *b)
{
	const struct wpat *x = a, *y = b;
	uint32_t i, n = x->len < y->len ? x->len : y->len;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	for (i = 0; i < n; i++)
		if (x->cells[i] != y->cells[i])
			return x->cells[i] < y->cells[i] ? -1 : 1;
	return (x->len > y->len) - (x->len < y->len);
}

/* A candidate number in decimal (printf costs more than the rest). */
static void
put_id(struct tl_out *o, unsigned v)
{
	char b[12];
	size_t n = sizeof(b);

	do {
		b[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	tl_out_mem(o, b + n, sizeof(b) - n);
}

int
tl_profile_write(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, teller_write_fn write, void *ud)
{
	struct tl_out o;
	struct wpat *v;
	size_t i, n = p->pats->len;
	int k;

	if (p->ncand != c->ncand)
		return tl_fail(ctx, TELLER_EINTERNAL, "profile and contest "
		    "disagree on candidates");
	v = tl_alloc(ctx, n, sizeof(*v));
	if (v == NULL && n > 0)
		return TELLER_ENOMEM;
	for (i = 0; i < n; i++) {
		const struct tl_pat *pat = TL_PAT(p, i);
		uint32_t j;

		v[i].cells = TL_CELLS(p, pat);
		v[i].len = pat->len;
		v[i].idx = (uint32_t)i;
		v[i].key = 0;
		for (j = 0; j < 4; j++)
			v[i].key = v[i].key << 16 |
			    (j < pat->len ? v[i].cells[j] : 0);
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), wpat_cmp);
	tl_out_init(&o, ctx, write, ud);
	tl_out_str(&o, "TELLERP1\ntitle ");
	put_esc(&o, c->title != NULL ? c->title : "");
	tl_out_fmt(&o, "\nseats %d\nwdp %d\nballots %lld\ncandidates %d\n",
	    c->seats, p->wdp, (long long)p->lines, c->ncand);
	for (k = 0; k < c->ncand; k++) {
		const struct tl_cand *cd = TL_CAND(c, k);
		tl_out_str(&o, "c ");
		if (!cd->withdrawn && !cd->writein)
			tl_out_str(&o, "-");
		if (cd->withdrawn)
			tl_out_str(&o, "w");
		if (cd->writein)
			tl_out_str(&o, "x");
		tl_out_str(&o, " ");
		put_esc(&o, cd->name);
		tl_out_str(&o, "\t");
		put_esc(&o, cd->party != NULL ? cd->party : "");
		tl_out_str(&o, "\n");
	}
	if (c->tie_order != NULL) {
		tl_out_str(&o, "tie");
		for (k = 0; k < c->ntie_order; k++)
			tl_out_fmt(&o, " %d", c->tie_order[k] + 1);
		tl_out_str(&o, "\n");
	}
	tl_out_fmt(&o, "patterns %zu\n", n);
	for (i = 0; i < n; i++) {
		uint32_t j = 0;

		tl_out_num(&o, TL_PAT(p, v[i].idx)->w, p->wdp);
		tl_out_mem(&o, ":", 1);
		while (j < v[i].len) {
			uint32_t m = v[i].cells[j], q;
			tl_out_mem(&o, " ", 1);
			if (m == 0)
				tl_out_mem(&o, "-", 1);
			for (q = 1; q <= m && j + q < v[i].len; q++) {
				if (q > 1)
					tl_out_mem(&o, "=", 1);
				put_id(&o, (unsigned)v[i].cells[j + q] + 1);
			}
			j += m + 1;
		}
		tl_out_mem(&o, "\n", 1);
	}
	tl_out_str(&o, "end ");
	tl_out_num(&o, p->total, p->wdp);
	tl_out_str(&o, "\n");
	return tl_out_flush(&o);
}

/* ------------------------------------------------------------------ */
/* reader                                                             */

struct rd {
	teller_ctx *ctx;
	const char *p, *end;
	const char *a, *e; /* current line */
	long line;
	uint32_t *stamp;   /* [candidates]: == gen if marked at this rank */
	uint32_t gen;      /* ranks read, wrapping past 0 */
};

static int
next(struct rd *r, const char *what)
{
	const char *nl;

	if (r->p >= r->end)
		return tl_fail_at(r->ctx, TELLER_EPARSE, r->line + 1, 1,
		    "file is truncated: expected %s", what);
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	if (nl == NULL)
		return tl_fail_at(r->ctx, TELLER_EPARSE, r->line + 1, 1,
		    "file is truncated: the last line has no newline");
	r->a = r->p;
	r->e = nl;
	r->p = nl + 1;
	r->line++;
	if ((size_t)(r->e - r->a) > r->ctx->lim.line_bytes)
		return tl_fail_at(r->ctx, TELLER_ELIMIT, r->line, 1,
		    "line longer than %zu bytes", r->ctx->lim.line_bytes);
	return TELLER_OK;
}

/* The current line is "KEY VALUE": point *v at VALUE. */
static int
keyword(struct rd *r, const char *key, const char **v)
{
	size_t k = strlen(key);

	if ((size_t)(r->e - r->a) <= k || memcmp(r->a, key, k) != 0 ||
	    r->a[k] != ' ')
		return tl_fail_at(r->ctx, TELLER_EPARSE, r->line, 1,
		    "expected '%s '", key);
	*v = r->a + k + 1;
	return TELLER_OK;
}

/* A whole-number field [a, e) in 0..max. */
static int
whole(struct rd *r, const char *a, const char *e, int64_t max,
    const char *what, int64_t *out)
{
	uint64_t u;
	int64_t v;
	long k;

	if (a == e || e - a > 19)
		return tl_fail_at(r->ctx, TELLER_EPARSE, r->line,
		    (long)(a - r->a) + 1, "%s: expected a whole number", what);
	/* at most 19 bytes: a number past INT64_MAX is all digits */
	k = tl_text_uint(a, (size_t)(e - a), INT64_MAX, &u);
	if (k < 0)
		return tl_fail_at(r->ctx, TELLER_EOVERFLOW, r->line,
		    (long)(a - r->a) + 1, "%s: number too large", what);
	if (k != e - a)
		return tl_fail_at(r->ctx, TELLER_EPARSE, r->line,
		    (long)(a + k - r->a) + 1, "%s: expected a whole number",
		    what);
	v = (int64_t)u;
	if (v > max)
		return tl_fail_at(r->ctx, TELLER_ERANGE, r->line,
		    (long)(a - r->a) + 1, "%s %lld is more than %lld", what,
		    (long long)v, (long long)max);
	*out = v;
	return TELLER_OK;
}

static int
kv_whole(struct rd *r, const char *key, int64_t max, int64_t *out)
{
	const char *v;
	int rc;

	if ((rc = next(r, key)) != TELLER_OK ||
	    (rc = keyword(r, key, &v)) != TELLER_OK)
		return rc;
	return whole(r, v, r->e, max, key, out);
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Unescape [a, e) into a new arena string. \xHH is only for control
 * characters (01-1f, 7f), so the result stays valid UTF-8. */
static int
unesc(struct rd *r, const char *a, const char *e, const char **out)
{
	char *d = tl_alloc(r->ctx, (size_t)(e - a) + 1, 1), *q = d;
	const char *s;

	if (d == NULL)
		return TELLER_ENOMEM;
	for (s = a; s < e; s++) {
		int h1, h2;

		if (*s != '\\') {
			if ((unsigned char)*s < 0x20)
				return tl_fail_at(r->ctx, TELLER_EPARSE,
				    r->line, (long)(s - r->a) + 1, "control "
				    "character in a name (must be escaped)");
			*q++ = *s;
			continue;
		}
		if (++s == e)
			return tl_fail_at(r->ctx, TELLER_EPARSE, r->line,
			    (long)(s - r->a), "'\\' at the end of a field");
		switch (*s) {
		case '\\': *q++ = '\\'; break;
		case 't': *q++ = '\t'; break;
		case 'n': *q++ = '\n'; break;
		case 'r': *q++ = '\r'; break;
		case 'x':
			if (e - s < 3 || (h1 = hexval(s[1])) < 0 ||
			    (h2 = hexval(s[2])) < 0 || (h1 == 0 && h2 == 0) ||
			    (h1 > 1 && !(h1 == 7 && h2 == 15)))
				return tl_fail_at(r->ctx, TELLER_EPARSE,
				    r->line, (long)(s - r->a), "bad \\x "
				    "escape");
			*q++ = (char)(h1 * 16 + h2);
			s += 2;
			break;
		default:
			return tl_fail_at(r->ctx, TELLER_EPARSE, r->line,
			    (long)(s - r->a), "unknown escape '\\%c'", *s);
		}
	}
	*q = '\0';
	*out = d;
	return TELLER_OK;
}

/* One line "c FLAGS NAME\tPARTY". */
static int
cand_line(struct rd *r, struct teller_contest *c)
{
	const char *v, *sp, *tab, *name, *party;
	bool wd = false, wi = false;
	int rc, id;

	if ((rc = next(r, "a candidate")) != TELLER_OK ||
	    (rc = keyword(r, "c", &v)) != TELLER_OK)
		return rc;
	sp = memchr(v, ' ', (size_t)(r->e - v));
	tab = sp != NULL ? memchr(sp, '\t', (size_t)(r->e - sp)) : NULL;
	if (sp == NULL || tab == NULL)
		return tl_fail_at(r->ctx, TELLER_EPARSE, r->line, 3,
		    "expected 'c FLAGS NAME<TAB>PARTY'");
	if (!(sp - v == 1 && *v == '-')) {
		const char *f;
		for (f = v; f < sp; f++) {
			if (*f == 'w' && !wd)
				wd = true;
			else if (*f == 'x' && !wi)
				wi = true;
			else
				return tl_fail_at(r->ctx, TELLER_EPARSE,
				    r->line, (long)(f - r->a) + 1, "bad "
				    "candidate flags");
		}
	}
	if ((rc = unesc(r, sp + 1, tab, &name)) != TELLER_OK ||
	    (rc = unesc(r, tab + 1, r->e, &party)) != TELLER_OK)
		return rc;
	if (name[0] == '\0')
		return tl_fail_at(r->ctx, TELLER_EPARSE, r->line,
		    (long)(sp - r->a) + 2, "empty candidate name");
	if (tl_contest_find(c, name, strlen(name)) >= 0)
		return tl_fail_at(r->ctx, TELLER_EDUP, r->line,
		    (long)(sp - r->a) + 2, "candidate \"%s\" appears twice",
		    name);
	id = tl_contest_add(r->ctx, c, name, strlen(name), party,
	    strlen(party));
	if (id < 0)
		return r->ctx->err;
	TL_CAND(c, id)->withdrawn = wd;
	TL_CAND(c, id)->writein = wi;
	return TELLER_OK;
}

/* One pattern line "W: R R ...". */
/*
 * The candidate number at *sp, moved past its digits, into *id. False
 * if there is none, or if a prefix of it passes cap: the digits after
 * such a prefix were never read as part of a number, so cap * 10 + 9 is
 * the largest accepted (the caller checks the range).
 */
static bool
cand_number(const char **sp, const char *e, int64_t cap, int64_t *id)
{
	uint64_t u = 0, max = (uint64_t)cap * 10 + 9;
	long k = tl_text_uint_sat(*sp, (size_t)(e - *sp), max, &u);

	*sp += k;
	*id = (int64_t)u;
	return k > 0 && u <= max;
}

static int
pat_line(struct rd *r, struct teller_profile *p, struct tl_vec *marks)
{
	teller_ctx *ctx = r->ctx;
	const char *colon, *s;
	int64_t w;
	size_t before = p->pats->len;
	int rc, nr = 0;

	if ((rc = next(r, "a pattern")) != TELLER_OK)
		return rc;
	colon = memchr(r->a, ':', (size_t)(r->e - r->a));
	if (colon == NULL && r->e - r->a >= 4 && memcmp(r->a, "end ", 4) == 0)
		return tl_fail_at(ctx, TELLER_EPARSE, r->line, 1, "fewer "
		    "patterns than the 'patterns' line says");
	if (colon == NULL)
		return tl_fail_at(ctx, TELLER_EPARSE, r->line, 1, "expected "
		    "'WEIGHT: RANKS'");
	rc = tl_num_parse(r->a, (size_t)(colon - r->a), p->wdp, &w);
	if (rc == -3)
		return tl_fail_at(ctx, TELLER_EOVERFLOW, r->line, 1,
		    "weight too large");
	if (rc != 0 || r->a[0] == '+' || r->a[0] == '-')
		return tl_fail_at(ctx, TELLER_EPARSE, r->line, 1, "bad weight "
		    "(a decimal with at most %d places)", p->wdp);
	if (w <= 0)
		return tl_fail_at(ctx, TELLER_ERANGE, r->line, 1, "weight must "
		    "be positive");
	if (w > ctx->lim.ballots - p->total)
		return tl_fail_at(ctx, TELLER_ELIMIT, r->line, 1, "total "
		    "ballot weight exceeds the limit");
	if ((rc = tl_profile_begin(ctx, p)) != TELLER_OK)
		return rc;
	for (s = colon + 1; s < r->e;) {
		const char *rs = s + 1;

		if (*s != ' ' || rs == r->e)
			return tl_fail_at(ctx, TELLER_EPARSE, r->line,
			    (long)(s - r->a) + 1, "expected ' ' and a rank");
		if (++nr > ctx->lim.ranks)
			return tl_fail_at(ctx, TELLER_ELIMIT, r->line,
			    (long)(rs - r->a) + 1, "more than %d ranks",
			    ctx->lim.ranks);
		marks->len = 0;
		s = rs;
		if (++r->gen == 0) {
			memset(r->stamp, 0, (size_t)p->ncand *
			    sizeof(uint32_t));
			r->gen = 1;
		}
		if (*s == '-') {
			s++;
		} else {
			for (;;) {
				const char *d = s;
				int64_t id;
				tl_cid cid;

				if (!cand_number(&s, r->e, 100000, &id))
					return tl_fail_at(ctx, TELLER_EPARSE,
					    r->line, (long)(d - r->a) + 1,
					    "expected a candidate number");
				if (id < 1 || id > p->ncand)
					return tl_fail_at(ctx, TELLER_ERANGE,
					    r->line, (long)(d - r->a) + 1,
					    "candidate %lld is not in 1..%d",
					    (long long)id, p->ncand);
				cid = (tl_cid)(id - 1);
				if (r->stamp[cid] == r->gen)
					return tl_fail_at(ctx, TELLER_EPARSE,
					    r->line, (long)(d - r->a) + 1,
					    "candidate %lld twice at one rank",
					    (long long)id);
				r->stamp[cid] = r->gen;
				if (tl_vec_push(ctx, marks, &cid) == NULL)
					return TELLER_ENOMEM;
				if (s < r->e && *s == '=') {
					s++;
					continue;
				}
				break;
			}
		}
		if (s < r->e && *s != ' ')
			return tl_fail_at(ctx, TELLER_EPARSE, r->line,
			    (long)(s - r->a) + 1, "unexpected character in "
			    "a rank");
		if ((rc = tl_profile_rank(ctx, p, marks->data,
		    (int)marks->len)) != TELLER_OK)
			return rc;
	}
	if ((rc = tl_profile_end(ctx, p, w)) != TELLER_OK)
		return rc;
	if (p->pats->len == before)
		return tl_fail_at(ctx, TELLER_EDUP, r->line, 1, "the same "
		    "pattern appears twice");
	return TELLER_OK;
}

/* The current line "tie ID ID ...": every candidate once (Droop [tie]). */
static int
tie_line(struct rd *r, struct teller_contest *c)
{
	const char *s = r->a + 3;
	int *order = tl_alloc(r->ctx, (size_t)c->ncand + 1, sizeof(int));
	bool *seen = tl_alloc(r->ctx, (size_t)c->ncand + 1, sizeof(bool));
	int n = 0;

	if (order == NULL || seen == NULL)
		return TELLER_ENOMEM;
	while (s < r->e) {
		const char *d = ++s;
		int64_t id;

		if (!cand_number(&s, r->e, TL_CID_MAX, &id) ||
		    (s < r->e && *s != ' '))
			return tl_fail_at(r->ctx, TELLER_EPARSE, r->line,
			    (long)(d - r->a) + 1, "expected a candidate "
			    "number");
		if (id < 1 || id > c->ncand || seen[id - 1] || n == c->ncand)
			return tl_fail_at(r->ctx, TELLER_EPARSE, r->line,
			    (long)(d - r->a) + 1, "the tie order must name "
			    "each of candidates 1..%d once", c->ncand);
		seen[id - 1] = true;
		order[n++] = (int)(id - 1);
	}
	if (n != c->ncand)
		return tl_fail_at(r->ctx, TELLER_EPARSE, r->line, 1, "the tie "
		    "order names %d of %d candidates", n, c->ncand);
	c->tie_order = order;
	c->ntie_order = n;
	return TELLER_OK;
}

/* Read the profile file after its magic line into *cp, *pp, its text
 * checked and released behind the reader through b. */
static int
profile_read(struct rd *rp, struct tl_behind *b, struct teller_contest **cp,
    struct teller_profile **pp)
{
	struct rd r = *rp;
	teller_ctx *ctx = r.ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct tl_vec *marks;
	const char *v;
	int64_t seats, wdp, ballots, ncand, npat, i, total;
	int rc;

	c = tl_contest_new(ctx);
	marks = tl_vec_new(ctx, sizeof(tl_cid));
	if (c == NULL || marks == NULL)
		return TELLER_ENOMEM;
	if ((rc = next(&r, "title")) != TELLER_OK ||
	    (rc = keyword(&r, "title", &v)) != TELLER_OK ||
	    (rc = unesc(&r, v, r.e, &c->title)) != TELLER_OK)
		return rc;
	if ((rc = kv_whole(&r, "seats", ctx->lim.seats, &seats)) !=
	    TELLER_OK ||
	    (rc = kv_whole(&r, "wdp", 9, &wdp)) != TELLER_OK ||
	    (rc = kv_whole(&r, "ballots", INT64_MAX, &ballots)) !=
	    TELLER_OK ||
	    (rc = kv_whole(&r, "candidates", TL_CID_MAX, &ncand)) !=
	    TELLER_OK)
		return rc;
	if (ncand < 1)
		return tl_fail_at(ctx, TELLER_ERANGE, r.line, 12, "a profile "
		    "needs at least one candidate");
	if (ncand > ctx->lim.candidates)
		return tl_fail_at(ctx, TELLER_ELIMIT, r.line, 12, "more than "
		    "%d candidates", ctx->lim.candidates);
	c->seats = (int)seats;
	for (i = 0; i < ncand; i++)
		if ((rc = cand_line(&r, c)) != TELLER_OK)
			return rc;
	if (r.p + 4 <= r.end && memcmp(r.p, "tie ", 4) == 0 &&
	    ((rc = next(&r, "tie")) != TELLER_OK ||
	    (rc = tie_line(&r, c)) != TELLER_OK))
		return rc;
	if ((rc = kv_whole(&r, "patterns", INT64_MAX, &npat)) != TELLER_OK)
		return rc;
	if ((uint64_t)npat > (uint64_t)ctx->lim.patterns)
		return tl_fail_at(ctx, TELLER_ELIMIT, r.line, 10, "more than "
		    "%zu patterns", ctx->lim.patterns);
	if (npat > ballots)
		return tl_fail_at(ctx, TELLER_ERANGE, r.line, 10, "%lld "
		    "patterns but only %lld ballots", (long long)npat,
		    (long long)ballots);
	p = tl_profile_new(ctx, (int)ncand);
	r.stamp = tl_alloc(ctx, (size_t)ncand, sizeof(uint32_t));
	if (p == NULL || r.stamp == NULL)
		return TELLER_ENOMEM;
	if ((rc = tl_profile_set_wdp(ctx, p, (int)wdp)) != TELLER_OK)
		return rc; /* cannot be: wdp <= 9, the profile empty */
	for (i = 0; i < npat; i++)
		if ((rc = tl_behind(ctx, b, r.p)) != TELLER_OK ||
		    (rc = pat_line(&r, p, marks)) != TELLER_OK)
			return rc;
	if ((rc = next(&r, "the end line")) != TELLER_OK ||
	    (rc = keyword(&r, "end", &v)) != TELLER_OK)
		return rc;
	rc = tl_num_parse(v, (size_t)(r.e - v), p->wdp, &total);
	if (rc != 0 || *v == '+' || *v == '-')
		return tl_fail_at(ctx, TELLER_EPARSE, r.line, 5, "bad total");
	if (total != p->total)
		return tl_fail_at(ctx, TELLER_EPARSE, r.line, 5, "the patterns "
		    "sum to a different total");
	if (r.p != r.end)
		return tl_fail_at(ctx, TELLER_EPARSE, r.line + 1, 1, "text "
		    "after the end line");
	tl_profile_set_lines(p, ballots);
	*cp = c;
	*pp = p;
	return TELLER_OK;
}

int
tl_fmt_profile(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **cp, struct teller_profile **pp)
{
	struct tl_behind b;
	struct rd r;
	int rc;

	*cp = NULL;
	*pp = NULL;
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.p = buf;
	r.end = buf + len;
	if ((rc = next(&r, "the magic line")) != TELLER_OK)
		return rc;
	if (r.e - r.a != 8 || memcmp(r.a, "TELLERP1", 8) != 0)
		return tl_fail_at(ctx, TELLER_EPARSE, 1, 1, len >= 7 &&
		    memcmp(buf, "TELLERP", 7) == 0 ? "unsupported profile "
		    "file version (this teller reads TELLERP1)" :
		    "not a teller profile file (no TELLERP1 line)");
	tl_behind_init(&b, buf, len);
	rc = tl_behind_end(ctx, &b, profile_read(&r, &b, cp, pp));
	if (rc != TELLER_OK) {
		*cp = NULL;
		*pp = NULL;
	}
	return rc;
}
