/* SPDX-License-Identifier: MIT */
/*
 * fmt_preflib.c -- PrefLib ordinal preferences (.soc .soi .toc .toi):
 * the 2022 format ("# KEY: value" metadata, then "count: 1,2,{3,4}"
 * lines, ties in braces = one rank with several marks) and the older
 * numeric-header format. Input that is neither goes to the CSV reader.
 */
#include <string.h>

#include "tl_int.h"

struct lines {
	const char *p, *end;
	long line; /* of the line last returned */
};

/* Next line as [*a, *e) without its '\r\n'; false at the end. */
static bool
next_line(struct lines *l, const char **a, const char **e)
{
	const char *nl;

	if (l->p >= l->end)
		return false;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	*a = l->p;
	*e = nl != NULL ? nl : l->end;
	l->p = nl != NULL ? nl + 1 : l->end;
	if (*e > *a && (*e)[-1] == '\r')
		(*e)--;
	l->line++;
	return true;
}

static void
lines_init(struct lines *l, const char *buf, size_t len)
{
	l->p = buf;
	l->end = buf + len;
	l->line = 0;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		l->p += 3;
}

static const char *
skipws(const char *a, const char *e)
{
	while (a < e && (*a == ' ' || *a == '\t'))
		a++;
	return a;
}

static const char *
rtrim(const char *a, const char *e)
{
	while (e > a && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return e;
}

static bool
blank(const char *a, const char *e)
{
	return skipws(a, e) == e;
}

/* Digits at *pp (advanced) as a number <= max; -1 if none, -2 if more. */
static int64_t
number(const char **pp, const char *e, int64_t max)
{
	const char *p = *pp;
	uint64_t v;
	long k = p < e ? tl_text_uint(p, (size_t)(e - p), (uint64_t)max, &v) :
	    0;

	if (k == 0)
		return -1;
	if (k < 0) {
		while (p < e && tl_text_digit((unsigned char)*p))
			p++;
		*pp = p;
		return -2;
	}
	*pp = p + k;
	return (int64_t)v;
}

static bool
digits_only(const char *a, const char *e)
{
	a = skipws(a, e);
	e = rtrim(a, e);
	if (a == e)
		return false;
	for (; a < e; a++)
		if (*a < '0' || *a > '9')
			return false;
	return true;
}

bool
tl_preflib_sniff_old(const char *buf, size_t len)
{
	struct lines l;
	const char *a, *e;

	lines_init(&l, buf, len);
	while (next_line(&l, &a, &e) && blank(a, e))
		;
	if (l.line == 0 || !digits_only(a, e))
		return false;
	if (!next_line(&l, &a, &e))
		return false;
	a = skipws(a, e);
	return e - a >= 2 && a[0] == '1' && a[1] == ',';
}

/* T_CAT: categorical preferences (PrefLib .cat), read as approval
 * ballots: the first category is the set approved (methods.md 2.3). */
enum pl_type { T_ANY = 0, T_SOC, T_SOI, T_TOC, T_TOI, T_CAT };

struct pl {
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	int n;            /* alternatives */
	enum pl_type type;
	uint32_t *seen;   /* [n]: == gen if in the current order */
	uint32_t gen;     /* orders begun, wrapping past 0 */
	uint32_t *rseen;  /* [n]: == rgen if at the current rank */
	uint32_t rgen;    /* ranks begun, wrapping past 0 */
	struct tl_vec *marks;
	int64_t orders;   /* data lines */
	struct tl_behind *b; /* checks and releases the input behind us */
	long keyline[5];  /* line of each key once() knows, 0 if not yet */
};

/* One alternative number at *p of a rank (line starts at ls), into
 * s->marks; *nmarked counts distinct alternatives on the order. */
static int
one_alt(struct pl *s, const char **p, const char *e, const char *ls,
    long line, int *nmarked)
{
	teller_ctx *ctx = s->ctx;
	const char *at = *p;
	int64_t v = number(p, e, 1000000);
	tl_cid id;

	if (v == -1)
		return tl_fail_at(ctx, TELLER_EPARSE, line, (long)(at - ls) + 1,
		    "expected an alternative number");
	if (v < 1 || v > s->n)
		return tl_fail_at(ctx, TELLER_ERANGE, line, (long)(at - ls) + 1,
		    "alternative %.*s is not in 1..%d", (int)(*p - at), at,
		    s->n);
	if (s->rseen[v - 1] == s->rgen)
		return tl_fail_at(ctx, TELLER_EPARSE, line, (long)(at - ls) + 1,
		    "alternative %d appears twice in one tie", (int)v);
	s->rseen[v - 1] = s->rgen;
	if (s->seen[v - 1] != s->gen)
		(*nmarked)++; /* alternatives, not repeats */
	s->seen[v - 1] = s->gen;
	id = (tl_cid)(v - 1);
	if (tl_vec_push(ctx, s->marks, &id) == NULL)
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/*
 * One order "1,{2,3},4" in [a, e) of line `line` (ls = the line's start,
 * for columns), with weight w, kept as marked: an alternative repeated at
 * a later rank stays there (the method applies its rule to it); twice in
 * one tie is refused, as no paper can show it.
 */
static int
order(struct pl *s, const char *a, const char *e, const char *ls, long line,
    int64_t w)
{
	teller_ctx *ctx = s->ctx;
	const char *p = skipws(a, e);
	int i, nmarked = 0, nranks = 0, rc;
	bool tie = false;

	e = rtrim(p, e);
	if (++s->gen == 0) { /* wrapped: start the marks afresh */
		for (i = 0; i < s->n; i++)
			s->seen[i] = 0;
		s->gen = 1;
	}
	if ((rc = tl_profile_begin(ctx, s->p)) != TELLER_OK)
		return rc;
	while (p < e) {
		bool brace = *p == '{';

		s->marks->len = 0;
		if (++s->rgen == 0) {
			for (i = 0; i < s->n; i++)
				s->rseen[i] = 0;
			s->rgen = 1;
		}
		if (++nranks > ctx->lim.ranks)
			return tl_fail_at(ctx, TELLER_ELIMIT, line,
			    (long)(p - ls) + 1, "more than %d ranks",
			    ctx->lim.ranks);
		if (brace)
			p = skipws(p + 1, e);
		for (;;) {
			if (brace && p < e && *p == '}' && s->marks->len == 0)
				return tl_fail_at(ctx, TELLER_EPARSE, line,
				    (long)(p - ls) + 1, "empty braces");
			if ((rc = one_alt(s, &p, e, ls, line, &nmarked)) !=
			    TELLER_OK)
				return rc;
			p = skipws(p, e);
			if (!brace)
				break;
			if (p < e && *p == ',') {
				p = skipws(p + 1, e);
				continue;
			}
			if (p < e && *p == '}') {
				p = skipws(p + 1, e);
				break;
			}
			return tl_fail_at(ctx, TELLER_EPARSE, line,
			    (long)(p - ls) + 1, "unclosed brace: expected "
			    "',' or '}'");
		}
		if (s->marks->len > 1)
			tie = true;
		if ((s->type != T_CAT || nranks == 1) &&
		    (rc = tl_profile_rank(ctx, s->p, s->marks->data,
		    (int)s->marks->len)) != TELLER_OK)
			return rc;
		if (p < e && *p == ',') {
			p = skipws(p + 1, e);
			if (p == e)
				return tl_fail_at(ctx, TELLER_EPARSE, line,
				    (long)(p - ls) + 1, "order ends with ','");
			continue;
		}
		if (p < e)
			return tl_fail_at(ctx, TELLER_EPARSE, line,
			    (long)(p - ls) + 1, "expected ',' between ranks");
	}
	if (tie && (s->type == T_SOC || s->type == T_SOI))
		return tl_fail_at(ctx, TELLER_EPARSE, line, (long)(a - ls) + 1,
		    "tied alternatives in a strict-order (soc/soi) file");
	if (nmarked != s->n && (s->type == T_SOC || s->type == T_TOC))
		return tl_fail_at(ctx, TELLER_EPARSE, line, (long)(a - ls) + 1,
		    "order ranks %d of %d alternatives in a complete-order "
		    "(soc/toc) file", nmarked, s->n);
	if (w > ctx->lim.ballots - s->p->total)
		return tl_fail_at(ctx, TELLER_ELIMIT, line, 1, "total ballot "
		    "weight exceeds the limit");
	s->orders++;
	return tl_profile_end(ctx, s->p, w);
}

/* Make the contest and profile for n alternatives. */
static int
setup(struct pl *s, int64_t n, long line, long col)
{
	teller_ctx *ctx = s->ctx;

	if (n < 1)
		return tl_fail_at(ctx, TELLER_ERANGE, line, col, "number of "
		    "alternatives must be at least 1");
	if (n > ctx->lim.candidates || n > TL_CID_MAX)
		return tl_fail_at(ctx, TELLER_ELIMIT, line, col, "more than "
		    "%d alternatives", ctx->lim.candidates);
	s->n = (int)n;
	s->seen = tl_alloc(ctx, (size_t)n, sizeof(uint32_t));
	s->rseen = tl_alloc(ctx, (size_t)n, sizeof(uint32_t));
	s->p = tl_profile_new(ctx, (int)n);
	s->marks = tl_vec_new(ctx, sizeof(tl_cid));
	if (s->seen == NULL || s->rseen == NULL || s->p == NULL ||
	    s->marks == NULL)
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* Fill candidate names: names[k] or "k" when the file gives none. */
static int
add_names(struct pl *s, const char **names, const size_t *nlen)
{
	int k;

	for (k = 0; k < s->n; k++) {
		char num[16];
		size_t m = 0;
		int v = k + 1, d;
		char tmp[16];

		if (names[k] != NULL) {
			if (tl_contest_add(s->ctx, s->c, names[k], nlen[k],
			    NULL, 0) < 0)
				return s->ctx->err;
			continue;
		}
		for (d = 0; v > 0; v /= 10)
			tmp[d++] = (char)('0' + v % 10);
		while (d > 0)
			num[m++] = tmp[--d];
		if (tl_contest_add(s->ctx, s->c, num, m, NULL, 0) < 0)
			return s->ctx->err;
	}
	return TELLER_OK;
}

struct meta_name {
	int64_t k;
	const char *s;
	size_t n;
	long line, col;
};

/* Names from the ALTERNATIVE NAME lines (of struct meta_name). */
static int
resolve_names(struct pl *s, const struct tl_vec *names)
{
	teller_ctx *ctx = s->ctx;
	const char **nm = tl_alloc(ctx, (size_t)s->n, sizeof(*nm));
	size_t *nl = tl_alloc(ctx, (size_t)s->n, sizeof(*nl));
	size_t i;

	if (nm == NULL || nl == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < names->len; i++) {
		const struct meta_name *m = &TL_VEC_AT(names,
		    struct meta_name, i);
		if (m->k < 1 || m->k > s->n)
			return tl_fail_at(ctx, TELLER_ERANGE, m->line, m->col,
			    "alternative %lld is not in 1..%d",
			    (long long)m->k, s->n);
		if (nm[m->k - 1] != NULL)
			return tl_fail_at(ctx, TELLER_EDUP, m->line, m->col,
			    "alternative %lld is named twice",
			    (long long)m->k);
		if (m->n == 0)
			return tl_fail_at(ctx, TELLER_EPARSE, m->line, m->col,
			    "alternative %lld has an empty name",
			    (long long)m->k);
		nm[m->k - 1] = m->s;
		nl[m->k - 1] = m->n;
	}
	return add_names(s, nm, nl);
}

/*
 * A metadata key [k, ke) on line `line` (a = the line's start): refuse a
 * key that teller reads given twice (the second would silently win) and
 * an unknown key beginning NUMBER or ALTERNATIVE (a mistyped
 * "ALTERNATIVE NAME 1" would leave the candidate unnamed). Other keys
 * (FILE NAME, DESCRIPTION, dates, ...) are PrefLib's own and ignored.
 */
static int
once(struct pl *s, const char *k, const char *ke, long line, const char *a)
{
	static const char *const keys[] = { "NUMBER ALTERNATIVES",
		"NUMBER VOTERS", "NUMBER UNIQUE ORDERS", "DATA TYPE", "TITLE",
		NULL };
	size_t n = (size_t)(ke - k);
	int i;

	for (i = 0; keys[i] != NULL; i++)
		if (tl_text_ieq(k, n, keys[i])) {
			if (s->keyline[i] > 0)
				return tl_fail_at(s->ctx, TELLER_EDUP, line,
				    (long)(k - a) + 1, "a second '# %s:' (the "
				    "first is on line %ld)", keys[i],
				    s->keyline[i]);
			s->keyline[i] = line;
			return TELLER_OK;
		}
	if (n > 17 && tl_text_ieq(k, 17, "ALTERNATIVE NAME "))
		return TELLER_OK; /* its number is checked where it is read */
	if (tl_text_ieq(k, n, "NUMBER CATEGORIES"))
		return TELLER_OK; /* cat: only the first category is read */
	if (n >= 6 && tl_text_ieq(k, 6, "NUMBER"))
		return tl_fail_at(s->ctx, TELLER_EPARSE, line,
		    (long)(k - a) + 1, "unknown PrefLib key '%.*s' (teller "
		    "reads NUMBER ALTERNATIVES, NUMBER VOTERS and NUMBER "
		    "UNIQUE ORDERS)", (int)(n > 40 ? 40 : n), k);
	if (n >= 11 && tl_text_ieq(k, 11, "ALTERNATIVE"))
		return tl_fail_at(s->ctx, TELLER_EPARSE, line,
		    (long)(k - a) + 1, "unknown PrefLib key '%.*s' (did you "
		    "mean 'ALTERNATIVE NAME k'?)", (int)(n > 40 ? 40 : n), k);
	return TELLER_OK;
}

/* What the 2022 format's header has said so far. */
struct meta {
	struct tl_vec *names; /* of struct meta_name */
	int64_t nalt, voters, uniq; /* -1 if not given */
	long nalt_line, voters_line, uniq_line;
};

/* A header key [k, ke) with value [v, e) on line (which starts at a):
 * the keys teller reads; others are comments. */
static int
meta_value(struct pl *s, struct meta *m, const char *k, const char *ke,
    const char *v, const char *e, const char *a, long line)
{
	teller_ctx *ctx = s->ctx;
	size_t kn = (size_t)(ke - k);

	if (tl_text_ieq(k, kn, "NUMBER ALTERNATIVES")) {
		const char *q = v;
		m->nalt = number(&q, e, 1000000000);
		if (m->nalt == -2 && q == e)
			return tl_fail_at(ctx, TELLER_ELIMIT, line,
			    (long)(v - a) + 1, "more than %d alternatives",
			    ctx->lim.candidates);
		if (m->nalt < 0 || q != e)
			return tl_fail_at(ctx, TELLER_EPARSE, line,
			    (long)(v - a) + 1, "NUMBER ALTERNATIVES is not a "
			    "number");
		m->nalt_line = line;
	} else if (tl_text_ieq(k, kn, "NUMBER VOTERS") ||
	    tl_text_ieq(k, kn, "NUMBER UNIQUE ORDERS")) {
		const char *q = v;
		int64_t x = number(&q, e, INT64_MAX);
		if (x < 0 || q != e)
			return tl_fail_at(ctx, TELLER_EPARSE, line,
			    (long)(v - a) + 1, "%.*s is not a number",
			    (int)(ke - k), k);
		if (kn == 13) {
			m->voters = x;
			m->voters_line = line;
		} else {
			m->uniq = x;
			m->uniq_line = line;
		}
	} else if (tl_text_ieq(k, kn, "TITLE")) {
		s->c->title = tl_strndup(ctx, v, (size_t)(e - v));
		if (s->c->title == NULL)
			return TELLER_ENOMEM;
	} else if (tl_text_ieq(k, kn, "DATA TYPE")) {
		size_t n = (size_t)(e - v);
		if (tl_text_ieq(v, n, "SOC"))
			s->type = T_SOC;
		else if (tl_text_ieq(v, n, "SOI"))
			s->type = T_SOI;
		else if (tl_text_ieq(v, n, "TOC"))
			s->type = T_TOC;
		else if (tl_text_ieq(v, n, "TOI"))
			s->type = T_TOI;
		else if (tl_text_ieq(v, n, "CAT"))
			s->type = T_CAT;
		else
			return tl_fail_at(ctx, TELLER_EPARSE, line,
			    (long)(v - a) + 1, "data type \"%.*s\" is not an "
			    "ordinal one (soc, soi, toc, toi) or cat",
			    (int)(n > 20 ? 20 : n), v);
	} else if (kn > 17 && tl_text_ieq(k, 17, "ALTERNATIVE NAME ")) {
		const char *q = k + 17;
		struct meta_name mn;
		mn.k = number(&q, ke, 1000000000);
		if (mn.k < 0 || q != ke)
			return tl_fail_at(ctx, TELLER_EPARSE, line,
			    (long)(k - a) + 18, "ALTERNATIVE NAME needs a "
			    "number");
		mn.s = v;
		mn.n = (size_t)(e - v);
		mn.line = line;
		mn.col = (long)(k - a) + 18;
		if (tl_vec_push(ctx, m->names, &mn) == NULL)
			return TELLER_ENOMEM;
	}
	return TELLER_OK;
}

/* A '#' line [a, e), p at its '#': metadata in the header; among the
 * orders a comment, unless it is metadata teller reads, which would be
 * silently ignored there. */
static int
meta_line(struct pl *s, struct meta *m, const char *a, const char *p,
    const char *e, long line)
{
	const char *colon, *k, *ke, *v;
	int rc;

	k = skipws(p + 1, e);
	colon = memchr(k, ':', (size_t)(e - k));
	if (colon == NULL)
		return TELLER_OK;
	ke = rtrim(k, colon);
	if (s->p != NULL) {
		size_t kn = (size_t)(ke - k);
		if ((kn >= 6 && tl_text_ieq(k, 6, "NUMBER")) ||
		    (kn >= 11 && tl_text_ieq(k, 11, "ALTERNATIVE")) ||
		    tl_text_ieq(k, kn, "DATA TYPE") ||
		    tl_text_ieq(k, kn, "TITLE"))
			return tl_fail_at(s->ctx, TELLER_EPARSE, line,
			    (long)(k - a) + 1, "'# %.*s:' after the first "
			    "order: metadata must come before it",
			    (int)(kn > 40 ? 40 : kn), k);
		return TELLER_OK;
	}
	v = skipws(colon + 1, e);
	e = rtrim(v, e);
	if ((rc = once(s, k, ke, line, a)) != TELLER_OK)
		return rc;
	return meta_value(s, m, k, ke, v, e, a, line);
}

/* An order line "count: order" [a, e), p at its first non-blank. */
static int
order_line(struct pl *s, struct meta *m, const char *a, const char *p,
    const char *e, long line)
{
	teller_ctx *ctx = s->ctx;
	int64_t cnt;
	int rc;

	/* lines before this one are done with (names and title were
	 * copied when the first order came) */
	if (s->p != NULL && (rc = tl_behind(ctx, s->b, a)) != TELLER_OK)
		return rc;
	if (s->p == NULL) {
		/* first order: the header is complete */
		if (m->nalt < 0)
			return tl_fail_at(ctx, TELLER_EPARSE, line, 1, "no "
			    "'# NUMBER ALTERNATIVES:' line before the first "
			    "order");
		if ((rc = setup(s, m->nalt, m->nalt_line, 1)) != TELLER_OK ||
		    (rc = resolve_names(s, m->names)) != TELLER_OK)
			return rc;
	}
	cnt = number(&p, e, INT64_MAX);
	if (cnt == -1)
		return tl_fail_at(ctx, TELLER_EPARSE, line, (long)(p - a) + 1,
		    "expected 'count: order'");
	if (cnt == -2)
		return tl_fail_at(ctx, TELLER_EOVERFLOW, line,
		    (long)(skipws(a, e) - a) + 1, "count too large");
	if (cnt == 0)
		return tl_fail_at(ctx, TELLER_ERANGE, line,
		    (long)(skipws(a, e) - a) + 1, "count must be positive");
	p = skipws(p, e);
	if (p == e || *p != ':')
		return tl_fail_at(ctx, TELLER_EPARSE, line, (long)(p - a) + 1,
		    "expected ':' after the count");
	return order(s, p + 1, e, a, line, cnt);
}

/* The PrefLib 2022 format. */
static int
parse_new(struct pl *s, const char *buf, size_t len)
{
	teller_ctx *ctx = s->ctx;
	struct lines l;
	const char *a, *e;
	struct meta m;
	int rc;

	memset(&m, 0, sizeof(m));
	m.nalt = m.voters = m.uniq = -1;
	if ((m.names = tl_vec_new(ctx, sizeof(struct meta_name))) == NULL)
		return TELLER_ENOMEM;
	lines_init(&l, buf, len);
	while (next_line(&l, &a, &e)) {
		const char *p = skipws(a, e);

		if (p == e)
			continue;
		rc = *p == '#' ? meta_line(s, &m, a, p, e, l.line) :
		    order_line(s, &m, a, p, e, l.line);
		if (rc != TELLER_OK)
			return rc;
	}
	if (s->p == NULL) {
		if (m.nalt < 0)
			return tl_fail_at(ctx, TELLER_EPARSE, l.line > 0 ?
			    l.line : 1, 1, "no '# NUMBER ALTERNATIVES:' line");
		if ((rc = setup(s, m.nalt, m.nalt_line, 1)) != TELLER_OK)
			return rc;
		if ((rc = resolve_names(s, m.names)) != TELLER_OK)
			return rc;
	}
	if (m.voters >= 0 && m.voters != s->p->total)
		return tl_fail_at(ctx, TELLER_EPARSE, m.voters_line, 1,
		    "NUMBER VOTERS is %lld but the orders count %lld",
		    (long long)m.voters, (long long)s->p->total);
	if (m.uniq >= 0 && m.uniq != s->orders)
		return tl_fail_at(ctx, TELLER_EPARSE, m.uniq_line, 1, "NUMBER "
		    "UNIQUE ORDERS is %lld but there are %lld order lines",
		    (long long)m.uniq, (long long)s->orders);
	return TELLER_OK;
}

/* The older format: N, N lines "k,name", "voters,sum,unique", then
 * "count,order" lines. One piece: the format is positional, read top to
 * bottom in one pass, each part checked against the one before. */
static int
parse_old(struct pl *s, const char *buf, size_t len)
{
	teller_ctx *ctx = s->ctx;
	struct lines l;
	const char *a, *e, *p, **nm;
	size_t *nl;
	int64_t v, sum, uniq;
	int i, rc;
	long sum_line;

	lines_init(&l, buf, len);
	while (next_line(&l, &a, &e) && blank(a, e))
		;
	p = skipws(a, e);
	v = number(&p, e, 1000000000);
	if (v == -2)
		return tl_fail_at(ctx, TELLER_ELIMIT, l.line,
		    (long)(skipws(a, e) - a) + 1, "more than %d alternatives",
		    ctx->lim.candidates);
	if ((rc = setup(s, v, l.line, (long)(skipws(a, e) - a) + 1)) !=
	    TELLER_OK)
		return rc;
	nm = tl_alloc(ctx, (size_t)s->n, sizeof(*nm));
	nl = tl_alloc(ctx, (size_t)s->n, sizeof(*nl));
	if (nm == NULL || nl == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < s->n; i++) {
		if (!next_line(&l, &a, &e))
			return tl_fail_at(ctx, TELLER_EPARSE, l.line + 1, 1,
			    "file ends in the list of %d alternatives", s->n);
		p = skipws(a, e);
		v = number(&p, e, 1000000000);
		if (v < 0 || p == e || *p != ',')
			return tl_fail_at(ctx, TELLER_EPARSE, l.line,
			    (long)(p - a) + 1, "expected 'number,name'");
		if (v < 1 || v > s->n)
			return tl_fail_at(ctx, TELLER_ERANGE, l.line, 1,
			    "alternative %lld is not in 1..%d", (long long)v,
			    s->n);
		if (nm[v - 1] != NULL)
			return tl_fail_at(ctx, TELLER_EDUP, l.line, 1,
			    "alternative %lld is named twice", (long long)v);
		p = skipws(p + 1, e);
		nm[v - 1] = p;
		nl[v - 1] = (size_t)(rtrim(p, e) - p);
		if (nl[v - 1] == 0)
			return tl_fail_at(ctx, TELLER_EPARSE, l.line,
			    (long)(p - a) + 1, "alternative %lld has an empty "
			    "name", (long long)v);
	}
	if ((rc = add_names(s, nm, nl)) != TELLER_OK)
		return rc;
	if (!next_line(&l, &a, &e))
		return tl_fail_at(ctx, TELLER_EPARSE, l.line + 1, 1, "missing "
		    "the 'voters,sum,unique orders' line");
	sum_line = l.line;
	p = skipws(a, e);
	v = number(&p, e, INT64_MAX);
	p = skipws(p, e);
	if (v < 0 || p == e || *p != ',')
		return tl_fail_at(ctx, TELLER_EPARSE, l.line, (long)(p - a) + 1,
		    "expected 'voters,sum,unique orders'");
	p = skipws(p + 1, e);
	sum = number(&p, e, INT64_MAX);
	p = skipws(p, e);
	if (sum < 0 || p == e || *p != ',')
		return tl_fail_at(ctx, TELLER_EPARSE, l.line, (long)(p - a) + 1,
		    "expected 'voters,sum,unique orders'");
	p = skipws(p + 1, e);
	uniq = number(&p, e, INT64_MAX);
	if (uniq < 0 || skipws(p, e) != e)
		return tl_fail_at(ctx, TELLER_EPARSE, l.line, (long)(p - a) + 1,
		    "expected 'voters,sum,unique orders'");
	while (next_line(&l, &a, &e)) {
		int64_t cnt;

		if ((rc = tl_behind(ctx, s->b, a)) != TELLER_OK)
			return rc;
		p = skipws(a, e);
		if (p == e)
			continue;
		cnt = number(&p, e, INT64_MAX);
		if (cnt == -1)
			return tl_fail_at(ctx, TELLER_EPARSE, l.line,
			    (long)(p - a) + 1, "expected 'count,order'");
		if (cnt == -2)
			return tl_fail_at(ctx, TELLER_EOVERFLOW, l.line, 1,
			    "count too large");
		if (cnt == 0)
			return tl_fail_at(ctx, TELLER_ERANGE, l.line, 1,
			    "count must be positive");
		p = skipws(p, e);
		if (p != e && *p != ',')
			return tl_fail_at(ctx, TELLER_EPARSE, l.line,
			    (long)(p - a) + 1, "expected ',' after the count");
		if ((rc = order(s, p == e ? p : p + 1, e, a, l.line, cnt)) !=
		    TELLER_OK)
			return rc;
	}
	if (sum != s->p->total)
		return tl_fail_at(ctx, TELLER_EPARSE, sum_line, 1, "the header "
		    "says %lld votes but the orders count %lld",
		    (long long)sum, (long long)s->p->total);
	if (uniq != s->orders)
		return tl_fail_at(ctx, TELLER_EPARSE, sum_line, 1, "the header "
		    "says %lld unique orders but there are %lld",
		    (long long)uniq, (long long)s->orders);
	return TELLER_OK;
}

/* PrefLib 2022 if a '# NUMBER ALTERNATIVES' line comes before the first
 * other line, or that line is "count: ...". */
bool
tl_preflib_sniff_new(const char *buf, size_t len)
{
	struct lines l;
	const char *a, *e, *p;
	bool meta = false;

	lines_init(&l, buf, len);
	while (next_line(&l, &a, &e)) {
		p = skipws(a, e);
		if (p == e)
			continue;
		if (*p == '#') {
			p = skipws(p + 1, e);
			if (tl_text_ieq(p, (size_t)(e - p) < 19 ?
			    (size_t)(e - p) : 19, "NUMBER ALTERNATIVES"))
				meta = true;
			continue;
		}
		if (meta)
			return true;
		if (number(&p, e, INT64_MAX) == -1)
			return false;
		p = skipws(p, e);
		return p < e && *p == ':';
	}
	return meta;
}

int
tl_fmt_preflib(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **c, struct teller_profile **p)
{
	struct pl s;
	struct tl_behind b;
	bool old = tl_preflib_sniff_old(buf, len);
	int rc;

	*c = NULL;
	*p = NULL;
	if (!old && !tl_preflib_sniff_new(buf, len))
		return tl_fail(ctx, TELLER_EINTERNAL, "not PrefLib input "
		    "(read.c hands it to the CSV reader)");
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.b = &b;
	tl_behind_init(&b, buf, len);
	s.c = tl_contest_new(ctx);
	rc = s.c == NULL ? TELLER_ENOMEM : old ? parse_old(&s, buf, len) :
	    parse_new(&s, buf, len);
	if ((rc = tl_behind_end(ctx, &b, rc)) != TELLER_OK)
		return rc;
	/* a count is that many ballots */
	tl_profile_set_lines(s.p, s.p->total);
	*c = s.c;
	*p = s.p;
	return TELLER_OK;
}
