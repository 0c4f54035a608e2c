/* SPDX-License-Identifier: MIT */
/*
 * fmt_csv.c -- ranked ballots as RFC 4180 CSV. Optional '#' directives
 * (title, seats, candidate) precede a header ('#' lines elsewhere are
 * comments); then either rank columns
 * (layout A: a cell names the candidates marked at that rank, "A|B" for
 * several) or candidate columns (layout B: a cell holds the rank given to
 * that candidate; precinct and batch columns are skipped).
 */
#include <stdlib.h>
#include <string.h>

#include "tl_int.h"
#include "decl.h"

/* ------------------------------------------------------------------ */
/* CSV records                                                        */

struct fld {
	size_t off;  /* into the input, or into scratch when quoted */
	size_t n;
	long line, col;
	bool quoted;
};

struct csv {
	teller_ctx *ctx;
	const char *buf, *end, *p;
	long line;          /* line of p */
	const char *lstart; /* start of that line */
	char sep;
	bool header;        /* parsing the header (field cap is a limit) */
	struct tl_vec *f;   /* of struct fld */
	struct tl_vec *scratch; /* unescaped quoted fields */
};

static long
colof(const struct csv *s, const char *q)
{
	return (long)(q - s->lstart) + 1;
}

static bool
is_blank(int ch, char sep)
{
	return ch == ' ' || (ch == '\t' && sep != '\t');
}

static const char *
fld_ptr(const struct csv *s, const struct fld *f)
{
	if (!f->quoted)
		return s->buf + f->off;
	/* an empty quoted field may leave scratch unallocated */
	return s->scratch->data != NULL ?
	    (const char *)s->scratch->data + f->off : "";
}

static int
too_many(struct csv *s, const char *at, size_t maxf)
{
	if (s->header)
		return tl_fail_at(s->ctx, TELLER_ELIMIT, s->line, colof(s, at),
		    "more than %zu columns", maxf);
	return tl_fail_at(s->ctx, TELLER_EPARSE, s->line, colof(s, at),
	    "row has more fields than the header's %zu", maxf);
}

/* Append the unquoted field [a, b), trimmed of blanks. */
static int
push_plain(struct csv *s, const char *a, const char *b, size_t maxf)
{
	struct fld f;

	if (s->f->len >= maxf)
		return too_many(s, a, maxf);
	while (a < b && is_blank(*a, s->sep))
		a++;
	while (b > a && (is_blank(b[-1], s->sep) || b[-1] == '\r'))
		b--;
	f.off = (size_t)(a - s->buf);
	f.n = (size_t)(b - a);
	f.line = s->line;
	f.col = colof(s, a);
	f.quoted = false;
	return tl_vec_push(s->ctx, s->f, &f) != NULL ? TELLER_OK
						     : TELLER_ENOMEM;
}

static int
scratch_add(struct csv *s, const char *a, size_t n)
{
	if (tl_vec_reserve(s->ctx, s->scratch, n) != TELLER_OK)
		return TELLER_ENOMEM;
	if (n > 0)
		memcpy((char *)s->scratch->data + s->scratch->len, a, n);
	s->scratch->len += n;
	return TELLER_OK;
}

/* General record parser: quoted fields, doubled quotes, line breaks
 * inside quotes. */
static int
rec_slow(struct csv *s, size_t maxf)
{
	const char *t = s->p, *end = s->end, *start = s->p;
	size_t lim = s->ctx->lim.line_bytes;

	for (;;) {
		const char *fs = t;

		while (t < end && is_blank(*t, s->sep))
			t++;
		if (t < end && *t == '"') {
			long ql = s->line, qc = colof(s, t);
			size_t soff = s->scratch->len;
			struct fld f;

			if (s->f->len >= maxf)
				return too_many(s, t, maxf);
			t++;
			for (;;) {
				const char *q = memchr(t, '"',
				    (size_t)(end - t));
				const char *nl = t;

				if (q == NULL)
					return tl_fail_at(s->ctx, TELLER_EPARSE,
					    ql, qc, "unbalanced quote: the "
					    "field is never closed");
				while ((nl = memchr(nl, '\n',
				    (size_t)(q - nl))) != NULL) {
					s->line++;
					s->lstart = ++nl;
				}
				if (scratch_add(s, t, (size_t)(q - t)) !=
				    TELLER_OK)
					return TELLER_ENOMEM;
				if ((size_t)(q - start) > lim)
					return tl_fail_at(s->ctx,
					    TELLER_ELIMIT, ql, qc, "record "
					    "longer than %zu bytes", lim);
				if (q + 1 < end && q[1] == '"') {
					if (scratch_add(s, "\"", 1) !=
					    TELLER_OK)
						return TELLER_ENOMEM;
					t = q + 2;
					continue;
				}
				t = q + 1;
				break;
			}
			while (t < end && is_blank(*t, s->sep))
				t++;
			if (t < end && *t == '\r' && (t + 1 == end ||
			    t[1] == '\n'))
				t++;
			if (t < end && *t != s->sep && *t != '\n')
				return tl_fail_at(s->ctx, TELLER_EPARSE,
				    s->line, colof(s, t), "unexpected "
				    "character after a closing quote");
			f.off = soff;
			f.n = s->scratch->len - soff;
			f.line = ql;
			f.col = qc;
			f.quoted = true;
			if (tl_vec_push(s->ctx, s->f, &f) == NULL)
				return TELLER_ENOMEM;
		} else {
			const char *fe = t;
			int rc;

			while (fe < end && *fe != s->sep && *fe != '\n') {
				if (*fe == '"')
					return tl_fail_at(s->ctx,
					    TELLER_EPARSE, s->line,
					    colof(s, fe), "quote inside an "
					    "unquoted field");
				fe++;
			}
			if ((size_t)(fe - start) > lim)
				return tl_fail_at(s->ctx, TELLER_ELIMIT,
				    s->line, 1, "record longer than %zu "
				    "bytes", lim);
			if ((rc = push_plain(s, fs, fe, maxf)) != TELLER_OK)
				return rc;
			t = fe;
		}
		if (t < end && *t == s->sep) {
			t++;
			continue;
		}
		if (t < end) { /* '\n' */
			t++;
			s->line++;
			s->lstart = t;
		}
		break;
	}
	s->p = t;
	return TELLER_OK;
}

/*
 * Parse the next record into s->f. *got is false at the end of input.
 * A blank line gives one empty unquoted field (callers skip it). At most
 * maxf fields.
 */
static int
rec_next(struct csv *s, size_t maxf, bool *got)
{
	const char *p = s->p, *e, *le, *lend, *q;
	int rc;

	s->f->len = 0;
	s->scratch->len = 0;
	*got = p < s->end;
	if (!*got)
		return TELLER_OK;
	e = memchr(p, '\n', (size_t)(s->end - p));
	le = e != NULL ? e : s->end;
	if (memchr(p, '"', (size_t)(le - p)) != NULL)
		return rec_slow(s, maxf);
	if ((size_t)(le - p) > s->ctx->lim.line_bytes)
		return tl_fail_at(s->ctx, TELLER_ELIMIT, s->line, 1,
		    "line longer than %zu bytes", s->ctx->lim.line_bytes);
	lend = le;
	q = p;
	for (;;) {
		const char *sp = memchr(q, s->sep, (size_t)(lend - q));
		if ((rc = push_plain(s, q, sp != NULL ? sp : lend, maxf)) !=
		    TELLER_OK)
			return rc;
		if (sp == NULL)
			break;
		q = sp + 1;
	}
	s->p = e != NULL ? e + 1 : s->end;
	s->line++;
	s->lstart = s->p;
	return TELLER_OK;
}

static bool
rec_blank(const struct csv *s)
{
	const struct fld *f = s->f->data;

	return s->f->len == 1 && !f[0].quoted && f[0].n == 0;
}

/* ------------------------------------------------------------------ */
/* header                                                             */

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t' ||
	    (*s)[0] == '\r')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
	    (*s)[*n - 1] == '\r'))
		(*n)--;
}

static const char *const ordinals[] = { "first", "second", "third",
	"fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
	"eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
	"sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth",
	NULL };

/* Strip a word from the front (front) or back of s[0..*n). */
static bool
strip_word(char *s, size_t *n, const char *w, bool front)
{
	size_t k = strlen(w);

	if (*n < k)
		return false;
	if (front) {
		if (memcmp(s, w, k) != 0)
			return false;
		memmove(s, s + k, *n - k);
	} else if (memcmp(s + *n - k, w, k) != 0) {
		return false;
	}
	*n -= k;
	return true;
}

/*
 * The rank a header cell names ("rank1", "Rank 2", "3", "choice_4",
 * "pref5", "1st", "Second preference"...), or 0 if it names none.
 */
static long
header_rank(const char *s, size_t n)
{
	static const char *const pre[] = { "ranking", "rank", "choice",
		"preference", "pref", NULL };
	static const char *const post[] = { "choice", "preference", "pref",
		"rank", "vote", NULL };
	char b[48];
	size_t m = 0, i;
	uint64_t u;

	for (i = 0; i < n; i++) {
		int ch = (unsigned char)s[i];
		if (ch == ' ' || ch == '_' || ch == '-' || ch == '.' ||
		    ch == '#')
			continue;
		if (m == sizeof(b))
			return 0;
		b[m++] = (char)tl_text_lower(ch);
	}
	for (i = 0; pre[i] != NULL; i++)
		if (strip_word(b, &m, pre[i], true))
			break;
	for (i = 0; post[i] != NULL; i++)
		if (strip_word(b, &m, post[i], false))
			break;
	for (i = 0; ordinals[i] != NULL; i++)
		if (strlen(ordinals[i]) == m && memcmp(b, ordinals[i], m) == 0)
			return (long)i + 1;
	if (m >= 3 && !strip_word(b, &m, "st", false) &&
	    !strip_word(b, &m, "nd", false) && !strip_word(b, &m, "rd", false))
		(void)strip_word(b, &m, "th", false);
	if (m == 0 || m > 6 || tl_text_uint(b, m, 999999, &u) != (long)m)
		return 0;
	return (long)u;
}

/* Separator of the header line at p: the most frequent of , TAB ;
 * outside quotes (',' when none). */
static char
detect_sep(const char *p, const char *end)
{
	size_t comma = 0, tab = 0, semi = 0;
	bool inq = false;

	for (; p < end && (inq || *p != '\n'); p++) {
		if (*p == '"')
			inq = !inq;
		else if (inq)
			continue;
		else if (*p == ',')
			comma++;
		else if (*p == '\t')
			tab++;
		else if (*p == ';')
			semi++;
	}
	if (tab > comma && tab >= semi)
		return '\t';
	if (semi > comma && semi > tab)
		return ';';
	return ',';
}

/* ------------------------------------------------------------------ */
/* reader                                                             */

struct rd {
	struct csv s;
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct tl_strtab names; /* candidate names, index == id */
	struct tl_strtab ids;   /* ballot ids seen */
	bool fixed;             /* candidates fixed by directives */
	long title_line;        /* of '# title:', 0 if none */
	long seats_line;        /* of '# seats:', 0 if none */
	int idcol, wcol;        /* -1 if absent */
	int scol;               /* section column (methods.md 4.3), or -1 */
	size_t nf;              /* header fields */
	size_t nranks;          /* layout A: rank columns */
	int *rankcol;           /* layout A: column of rank k */
	int *candcol;           /* layout B: candidate id of column, -1 */
	struct tl_vec *marks;   /* of tl_cid */
	struct tl_vec *stamp;   /* of uint32_t per candidate: == gen if marked
				 * in the current cell */
	uint32_t gen;
	struct tl_vec *pairs;   /* layout B: of struct pair */
	long xline, nline;      /* layout B: line of the first X mark, of the
				 * first rank number; 0 if none yet */
};

struct pair {
	uint32_t rank;
	tl_cid id;
};

static int
add_cand(struct rd *r, const char *name, size_t n, const char *party,
    size_t pn)
{
	int id;

	if (tl_contest_add(r->ctx, r->c, name, n, party, pn) < 0)
		return -1;
	id = tl_strtab_add(r->ctx, &r->names, name, n);
	if (id >= 0 && tl_vec_push(r->ctx, r->stamp, NULL) == NULL)
		return -1;
	tl_profile_set_ncand(r->p, r->c->ncand);
	return id;
}

/*
 * The directive shape of a '#' line [a, e) (a at the '#'): '#', blanks, a
 * key of 1..20 ASCII letters, blanks, ':', then a blank or the end of the
 * line. Sets [*k, *k + *kn) to the key and *v to just past the ':'.
 * Anything else ("# note", "# Ward 3: ...", "# see https://...", "##")
 * is a comment.
 */
static bool
directive_shape(const char *a, const char *e, const char **k, size_t *kn,
    const char **v)
{
	const char *q;

	for (a++; a < e && (*a == ' ' || *a == '\t'); a++)
		;
	for (q = a; q < e && ((*q >= 'a' && *q <= 'z') ||
	    (*q >= 'A' && *q <= 'Z')); q++)
		;
	if (q == a || q - a > 20)
		return false;
	*k = a;
	*kn = (size_t)(q - a);
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	if (q == e || *q != ':')
		return false;
	q++;
	if (q < e && *q != ' ' && *q != '\t' && *q != '\r')
		return false;
	*v = q;
	return true;
}

static const char *const dir_keys[] = { "title", "seats", "candidate",
	"section", "electorate", "rejected", NULL };

/* Restricted Damerau-Levenshtein distance of s[0..n) (any case) and lit,
 * both at most 20 bytes. */
static int
edit_dist(const char *s, size_t n, const char *lit)
{
	int d[22][22];
	size_t m = strlen(lit), i, j;

	if (n > 20 || m > 20)
		return 99;
	for (i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= n; i++) {
		int a = tl_text_lower((unsigned char)s[i - 1]);

		for (j = 1; j <= m; j++) {
			int c = d[i - 1][j - 1] + (a != lit[j - 1]);
			int pa = i > 1 ? tl_text_lower((unsigned char)s[i - 2])
			    : 0;

			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a == lit[j - 2] &&
			    pa == lit[j - 1] && d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	}
	return d[n][m];
}

/* The known key key[0..kn) is, or is a near miss of (within 2 edits, and
 * fewer than its length), or NULL. */
static const char *
dir_near(const char *k, size_t kn)
{
	const char *best = NULL;
	int bd = 3, i;

	for (i = 0; dir_keys[i] != NULL; i++) {
		int dd = edit_dist(k, kn, dir_keys[i]);
		if (dd < bd && (size_t)dd < kn) {
			bd = dd;
			best = dir_keys[i];
		}
	}
	return best;
}

/*
 * A '#' line [a, e) without the directive shape that is still plainly a
 * mistyped directive: a known key (or a near miss) then '=' ("# seats=2",
 * "# title = X"), or seats (or a near miss) then blanks and a whole
 * number ("# seats 2"). Sets the key and returns the known one, or NULL.
 */
static const char *
almost_directive(const char *a, const char *e, const char **k, size_t *kn)
{
	const char *q, *near, *d;

	for (a++; a < e && (*a == ' ' || *a == '\t'); a++)
		;
	for (q = a; q < e && ((*q >= 'a' && *q <= 'z') ||
	    (*q >= 'A' && *q <= 'Z')); q++)
		;
	if (q == a || q - a > 20)
		return NULL;
	*k = a;
	*kn = (size_t)(q - a);
	if ((near = dir_near(a, *kn)) == NULL)
		return NULL;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	if (q < e && *q == '=')
		return near;
	if (strcmp(near, "seats") != 0 || q == a + *kn)
		return NULL;
	while (e > q && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	for (d = q; d < e && *d >= '0' && *d <= '9'; d++)
		;
	return d == e && d > q ? near : NULL;
}

bool
tl_csv_section_weight(const char *v, size_t n, int64_t *num, int64_t *den)
{
	const char *sl = memchr(v, '/', n);
	tl_fix a, b = 1;
	int dp = 0;
	int64_t x, y, t;

	if (sl != NULL) {
		if (tl_num_parse(v, (size_t)(sl - v), 0, &a) != TELLER_OK ||
		    tl_num_parse(sl + 1, (size_t)(v + n - sl - 1), 0, &b) !=
		    TELLER_OK)
			return false;
	} else {
		dp = tl_num_places(v, n);
		if (dp < 0 || dp > 9 || tl_num_parse(v, n, dp, &a) !=
		    TELLER_OK)
			return false;
		b = tl_num_pow10(dp);
	}
	if (a <= 0 || b <= 0)
		return false;
	for (x = a, y = b; y != 0; t = x % y, x = y, y = t)
		;
	*num = a / x;
	*den = b / x;
	return true;
}

/* '# section: ID | WEIGHT [| NAME]': a college section and its own
 * profile beside the pooled one. */
static int
section(struct rd *r, const char *v, size_t vn, long line)
{
	teller_ctx *ctx = r->ctx;
	long col = (long)(v - r->s.lstart) + 1;
	const char *b1 = memchr(v, '|', vn), *w, *nm = NULL, *b2;
	size_t idn, wn, nn = 0, k;
	struct tl_section sec;
	struct teller_profile **sub;

	if (r->c->sects == NULL &&
	    (r->c->sects = tl_vec_new(ctx, sizeof(sec))) == NULL)
		return TELLER_ENOMEM;
	if (b1 == NULL)
		return tl_fail_at(ctx, TELLER_EPARSE, line, col, "a section "
		    "needs a weight: '# section: ID | WEIGHT [| NAME]'");
	idn = (size_t)(b1 - v);
	w = b1 + 1;
	wn = (size_t)(v + vn - w);
	if ((b2 = memchr(w, '|', wn)) != NULL) {
		nm = b2 + 1;
		nn = (size_t)(v + vn - nm);
		wn = (size_t)(b2 - w);
		trim(&nm, &nn);
	}
	trim(&v, &idn);
	trim(&w, &wn);
	if (idn == 0)
		return tl_fail_at(ctx, TELLER_EPARSE, line, col, "empty "
		    "section id");
	for (k = 0; k < r->c->sects->len; k++) {
		const char *o = TL_VEC_AT(r->c->sects, struct tl_section,
		    k).id;
		if (strlen(o) == idn && memcmp(o, v, idn) == 0)
			return tl_fail_at(ctx, TELLER_EDUP, line, col,
			    "section \"%.*s\" is declared twice", (int)idn,
			    v);
	}
	if (!tl_csv_section_weight(w, wn, &sec.num, &sec.den))
		return tl_fail_at(ctx, TELLER_EPARSE, line,
		    (long)(w - r->s.lstart) + 1, "section weight \"%.*s\" "
		    "is not a positive number or fraction (40, 0.4, 1/3)",
		    (int)(wn > 20 ? 20 : wn), w);
	sec.id = tl_strndup(ctx, v, idn);
	sec.weight = tl_strndup(ctx, w, wn);
	sec.name = nn > 0 ? tl_strndup(ctx, nm, nn) : sec.id;
	sub = tl_alloc(ctx, r->c->sects->len + 1, sizeof(*sub));
	if (sec.id == NULL || sec.weight == NULL || sec.name == NULL ||
	    sub == NULL || tl_vec_push(ctx, r->c->sects, &sec) == NULL)
		return TELLER_ENOMEM;
	if (r->p->nsub > 0)
		memcpy(sub, r->p->sub, (size_t)r->p->nsub * sizeof(*sub));
	if ((sub[r->p->nsub] = tl_profile_new(ctx, 0)) == NULL)
		return TELLER_ENOMEM;
	r->p->sub = sub;
	r->p->nsub++;
	return TELLER_OK;
}

/* One '#' line [a, e) (a at the '#') before the header: a directive
 * (title, seats, candidate) or a comment; an unknown key is refused. */
static int
directive(struct rd *r, const char *a, const char *e, long line)
{
	const char *k, *v, *near;
	size_t kn, vn;
	teller_ctx *ctx = r->ctx;
	long kcol;
	bool decl;

	if (!directive_shape(a, e, &k, &kn, &v)) {
		if ((near = almost_directive(a, e, &k, &kn)) != NULL)
			return tl_fail_at(ctx, TELLER_EPARSE, line,
			    (long)(k - r->s.lstart) + 1, "a mistyped "
			    "directive? Write '# %s: ...' (a ':' after the "
			    "key), or reword the comment", near);
		return TELLER_OK; /* a comment */
	}
	kcol = (long)(k - r->s.lstart) + 1;
	vn = (size_t)(e - v);
	trim(&v, &vn);
	if (tl_text_ieq(k, kn, "title")) {
		if (r->title_line > 0)
			return tl_fail_at(ctx, TELLER_EDUP, line, kcol,
			    "a second '# title:' (the first is on line %ld)",
			    r->title_line);
		r->title_line = line;
		r->c->title = tl_strndup(ctx, v, vn);
		return r->c->title != NULL ? TELLER_OK : TELLER_ENOMEM;
	}
	if (tl_text_ieq(k, kn, "seats")) {
		long vcol = (long)(v - r->s.lstart) + 1;
		uint64_t n = 0;

		if (r->seats_line > 0)
			return tl_fail_at(ctx, TELLER_EDUP, line, kcol,
			    "a second '# seats:' (the first is on line %ld)",
			    r->seats_line);
		r->seats_line = line;
		/* past the limit reads as limit + 1: ERANGE below */
		if ((size_t)tl_text_uint_sat(v, vn, (uint64_t)ctx->lim.seats,
		    &n) != vn)
			return tl_fail_at(ctx, TELLER_EPARSE, line, vcol,
			    "seats must be a whole number, not \"%.*s\"",
			    (int)(vn > 20 ? 20 : vn), v);
		if (vn == 0 || n < 1 || n > (uint64_t)ctx->lim.seats)
			return tl_fail_at(ctx, TELLER_ERANGE, line, vcol,
			    "seats must be 1..%d, not \"%.*s\"",
			    ctx->lim.seats, (int)(vn > 20 ? 20 : vn), v);
		r->c->seats = (int)n;
		return TELLER_OK;
	}
	if (tl_text_ieq(k, kn, "candidate")) {
		const char *bar = memchr(v, '|', vn), *pa = NULL;
		size_t nn = vn, pn = 0;
		long col = (long)(v - r->s.lstart) + 1;

		if (bar != NULL) {
			nn = (size_t)(bar - v);
			pa = bar + 1;
			pn = (size_t)(v + vn - pa);
			trim(&pa, &pn);
		}
		trim(&v, &nn);
		if (nn == 0)
			return tl_fail_at(ctx, TELLER_EPARSE, line, col,
			    "empty candidate name");
		if (tl_strtab_find(&r->names, v, nn) >= 0)
			return tl_fail_at(ctx, TELLER_EDUP, line, col,
			    "candidate \"%.*s\" is listed twice", (int)nn, v);
		r->fixed = true;
		return add_cand(r, v, nn, pa, pn) < 0 ? ctx->err : TELLER_OK;
	}
	if (tl_text_ieq(k, kn, "section"))
		return section(r, v, vn, line);
	if (tl_decl_directive(ctx, r->c, k, kn, v, vn, line, kcol,
	    (long)(v - r->s.lstart) + 1, &decl) != TELLER_OK || decl)
		return ctx->err;
	near = dir_near(k, kn);
	if (near != NULL)
		return tl_fail_at(ctx, TELLER_EPARSE, line, kcol, "unknown "
		    "directive '# %.*s:'; did you mean '# %s:'?", (int)kn, k,
		    near);
	return tl_fail_at(ctx, TELLER_EPARSE, line, kcol, "unknown directive "
	    "'# %.*s:' (teller knows title, seats, candidate, section, "
	    "electorate and rejected); "
	    "for a "
	    "comment, leave out the ':' or begin the line with '##'", (int)kn,
	    k);
}

/*
 * A '#' line [a, e) among the rows: a comment, so long as it cannot be
 * a paper. Refused: a directive (or a near miss), which would be
 * silently ignored there; and, when the header has two or more fields, a
 * line that splits into exactly the header's fields (outside quotes),
 * which may be a paper whose id or first name begins with '#'.
 */
static int
late_comment(struct rd *r, const char *a, const char *e)
{
	const char *k, *v, *near, *q;
	size_t kn, nf = 1;
	bool inq = false;

	if (directive_shape(a, e, &k, &kn, &v) &&
	    (near = dir_near(k, kn)) != NULL)
		return tl_fail_at(r->ctx, TELLER_EPARSE, r->s.line,
		    (long)(k - r->s.lstart) + 1, "'# %.*s:' after the "
		    "header: directives ('# %s:') must come before it",
		    (int)kn, k, near);
	for (q = a; q < e; q++)
		if (*q == '"')
			inq = !inq;
		else if (!inq && *q == r->s.sep)
			nf++;
	if (r->nf < 2 || nf != r->nf)
		return TELLER_OK;
	return tl_fail_at(r->ctx, TELLER_EPARSE, r->s.line,
	    (long)(a - r->s.lstart) + 1, "a comment or a paper? This line "
	    "begins with '#' but has the header's %zu fields: quote a first "
	    "cell that begins with '#', or write the comment without %s",
	    r->nf, r->s.sep == '\t' ? "tabs" : r->s.sep == ';' ? "';'" :
	    "','");
}

/* Columns that describe a ballot, not a vote (as in RCTab's generic
 * CSV): precinct, batch, tabulator, ballot style. */
static bool
ignored_column(const char *s, size_t n)
{
	static const char *const names[] = { "precinct", "precinct_id",
		"precinct id", "batch", "batch_id", "batch id", "tabulator",
		"tabulator_id", "tabulator id", "ballot style", "ballot_style",
		NULL };
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (tl_text_ieq(s, n, names[i]))
			return true;
	return false;
}

/*
 * Classify the header record; decide the layout. One piece: one pass
 * over the cells (id, weight, skipped, rank or candidate column), whose
 * counts and rank numbers the layout decision at the end reads together.
 */
static int
header(struct rd *r)
{
	teller_ctx *ctx = r->ctx;
	size_t i, nf = r->s.f->len, nother = 0, nrank = 0;
	struct fld *f = r->s.f->data;
	long *rk;
	bool all_named = r->fixed;

	r->nf = nf;
	rk = tl_alloc(ctx, nf, sizeof(long));
	r->candcol = tl_alloc(ctx, nf, sizeof(int));
	if (rk == NULL || r->candcol == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < nf; i++) {
		const char *s = fld_ptr(&r->s, &f[i]);
		size_t n = f[i].n;

		trim(&s, &n);
		r->candcol[i] = -1;
		rk[i] = 0;
		if (n == 0)
			return tl_fail_at(ctx, TELLER_EPARSE, f[i].line,
			    f[i].col, "empty column name in the header");
		if (tl_text_ieq(s, n, "id") || tl_text_ieq(s, n, "ballot_id") ||
		    tl_text_ieq(s, n, "ballotid") ||
		    tl_text_ieq(s, n, "ballot id") ||
		    tl_text_ieq(s, n, "response id") ||
		    tl_text_ieq(s, n, "cvr id")) {
			if (r->idcol >= 0)
				return tl_fail_at(ctx, TELLER_EPARSE,
				    f[i].line, f[i].col, "two ballot id "
				    "columns");
			r->idcol = (int)i;
			continue;
		}
		if (tl_text_ieq(s, n, "weight") || tl_text_ieq(s, n, "count") ||
		    tl_text_ieq(s, n, "votes")) {
			if (r->wcol >= 0)
				return tl_fail_at(ctx, TELLER_EPARSE,
				    f[i].line, f[i].col, "two weight "
				    "columns");
			r->wcol = (int)i;
			continue;
		}
		if (tl_text_ieq(s, n, "section")) {
			if (r->scol >= 0)
				return tl_fail_at(ctx, TELLER_EPARSE,
				    f[i].line, f[i].col, "two section "
				    "columns");
			r->scol = (int)i;
			rk[i] = -1;
			continue;
		}
		if (ignored_column(s, n)) {
			rk[i] = -1;
			continue;
		}
		if (r->fixed && tl_strtab_find(&r->names, s, n) < 0)
			all_named = false;
		if ((rk[i] = header_rank(s, n)) > 0)
			nrank++;
		else
			nother++;
	}
	if (nrank + nother == 0)
		return tl_fail_at(ctx, TELLER_EPARSE, f[0].line, f[0].col,
		    "the header has no rank or candidate columns");
	if (r->scol < 0 && r->p->nsub > 1)
		return tl_fail_at(ctx, TELLER_EPARSE, f[0].line, f[0].col,
		    "%d sections are declared but the header has no section "
		    "column (or give one '# section:' a file)", r->p->nsub);
	if (nother == 0 && !(r->fixed && all_named)) {
		/* layout A: rank columns numbered 1..K */
		if (nrank > (size_t)ctx->lim.ranks)
			return tl_fail_at(ctx, TELLER_ELIMIT, f[0].line,
			    f[0].col, "more than %d rank columns",
			    ctx->lim.ranks);
		r->nranks = nrank;
		r->rankcol = tl_alloc(ctx, nrank, sizeof(int));
		if (r->rankcol == NULL)
			return TELLER_ENOMEM;
		for (i = 0; i < nrank; i++)
			r->rankcol[i] = -1;
		for (i = 0; i < nf; i++) {
			if (rk[i] <= 0)
				continue;
			if ((size_t)rk[i] > nrank)
				return tl_fail_at(ctx, TELLER_EPARSE,
				    f[i].line, f[i].col, "rank column %ld "
				    "but only %zu rank columns", rk[i],
				    nrank);
			if (r->rankcol[rk[i] - 1] >= 0)
				return tl_fail_at(ctx, TELLER_EPARSE,
				    f[i].line, f[i].col, "two columns for "
				    "rank %ld", rk[i]);
			r->rankcol[rk[i] - 1] = (int)i;
		}
		return TELLER_OK;
	}
	/* layout B: candidate columns */
	for (i = 0; i < nf; i++) {
		const char *s = fld_ptr(&r->s, &f[i]);
		size_t n = f[i].n;
		int id;

		if ((int)i == r->idcol || (int)i == r->wcol || rk[i] < 0)
			continue;
		trim(&s, &n);
		id = tl_strtab_find(&r->names, s, n);
		if (r->fixed && id < 0)
			return tl_fail_at(ctx, TELLER_EPARSE, f[i].line,
			    f[i].col, "unknown candidate \"%.*s\" (not in "
			    "the '# candidate:' lines)", (int)n, s);
		if (!r->fixed) {
			if (id >= 0)
				return tl_fail_at(ctx, TELLER_EDUP, f[i].line,
				    f[i].col, "candidate \"%.*s\" has two "
				    "columns", (int)n, s);
			if ((id = add_cand(r, s, n, NULL, 0)) < 0)
				return ctx->err;
		} else {
			size_t j;
			for (j = 0; j < i; j++)
				if (r->candcol[j] == id)
					return tl_fail_at(ctx, TELLER_EDUP,
					    f[i].line, f[i].col, "candidate "
					    "\"%.*s\" has two columns",
					    (int)n, s);
		}
		r->candcol[i] = id;
	}
	return TELLER_OK;
}

/* The weight cell of a row, at the profile's scale (raising it). */
static int
row_weight(struct rd *r, const struct fld *f, int64_t *w)
{
	teller_ctx *ctx = r->ctx;
	const char *s = fld_ptr(&r->s, f);
	size_t n = f->n;
	int places, rc;

	trim(&s, &n);
	places = tl_num_places(s, n);
	if (places < 0)
		return tl_fail_at(ctx, TELLER_EPARSE, f->line, f->col,
		    "bad weight \"%.*s\" (want an exact decimal)",
		    (int)(n > 40 ? 40 : n), s);
	if (places > 9)
		return tl_fail_at(ctx, TELLER_ELIMIT, f->line, f->col,
		    "weight with more than 9 decimal places");
	if (places > r->p->wdp &&
	    (rc = tl_profile_set_wdp(ctx, r->p, places)) != TELLER_OK)
		return rc;
	rc = tl_num_parse(s, n, r->p->wdp, w);
	if (rc == -3)
		return tl_fail_at(ctx, TELLER_EOVERFLOW, f->line, f->col,
		    "weight too large");
	if (rc != 0)
		return tl_fail_at(ctx, TELLER_EPARSE, f->line, f->col,
		    "bad weight");
	if (*w <= 0)
		return tl_fail_at(ctx, TELLER_ERANGE, f->line, f->col,
		    "weight must be positive");
	if (*w > ctx->lim.ballots || ctx->lim.ballots - *w < r->p->total)
		return tl_fail_at(ctx, TELLER_ELIMIT, f->line, f->col,
		    "total ballot weight exceeds the limit");
	return TELLER_OK;
}

/* Marks in a layout-A cell "A|B" into r->marks. */
static int
cell_marks(struct rd *r, const struct fld *f)
{
	teller_ctx *ctx = r->ctx;
	const char *s = fld_ptr(&r->s, f), *e = s + f->n;

	r->marks->len = 0;
	if (++r->gen == 0) { /* wrapped: clear the stamps */
		if (r->stamp->len > 0)
			memset(r->stamp->data, 0,
			    r->stamp->len * sizeof(uint32_t));
		r->gen = 1;
	}
	for (;;) {
		const char *bar = memchr(s, '|', (size_t)(e - s));
		const char *ne = bar != NULL ? bar : e, *nm = s;
		size_t n = (size_t)(ne - s);
		int id;
		tl_cid cid;
		uint32_t *st;

		trim(&nm, &n);
		if (n == 0)
			return tl_fail_at(ctx, TELLER_EPARSE, f->line,
			    f->col + (long)(s - fld_ptr(&r->s, f)),
			    "empty name in a cell with '|'");
		id = tl_strtab_find(&r->names, nm, n);
		if (id < 0) {
			if (r->fixed)
				return tl_fail_at(ctx, TELLER_EPARSE, f->line,
				    f->col + (long)(nm - fld_ptr(&r->s, f)),
				    "unknown candidate \"%.*s\"",
				    (int)(n > 60 ? 60 : n), nm);
			if ((id = add_cand(r, nm, n, NULL, 0)) < 0)
				return ctx->err;
		}
		cid = (tl_cid)id;
		st = &TL_VEC_AT(r->stamp, uint32_t, id);
		if (*st != r->gen) { /* A|A is one mark */
			*st = r->gen;
			if (tl_vec_push(ctx, r->marks, &cid) == NULL)
				return TELLER_ENOMEM;
		}
		if (bar == NULL)
			break;
		s = bar + 1;
	}
	return TELLER_OK;
}

static int
row_a(struct rd *r, const struct fld *f, int64_t w)
{
	teller_ctx *ctx = r->ctx;
	size_t k, last = 0;
	int rc;

	for (k = 0; k < r->nranks; k++) {
		const struct fld *c = &f[r->rankcol[k]];
		const char *s = fld_ptr(&r->s, c);
		size_t n = c->n;
		trim(&s, &n);
		if (n > 0)
			last = k + 1;
	}
	if ((rc = tl_profile_begin(ctx, r->p)) != TELLER_OK)
		return rc;
	for (k = 0; k < last; k++) {
		const struct fld *c = &f[r->rankcol[k]];
		const char *s = fld_ptr(&r->s, c);
		size_t n = c->n;

		trim(&s, &n);
		r->marks->len = 0;
		if (n > 0 && (rc = cell_marks(r, c)) != TELLER_OK)
			return rc;
		if ((rc = tl_profile_rank(ctx, r->p, r->marks->data,
		    (int)r->marks->len)) != TELLER_OK)
			return rc;
	}
	return tl_profile_end(ctx, r->p, w);
}

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* An X mark: "X", "x", U+2713 CHECK MARK or U+2714 HEAVY CHECK MARK. */
static bool
is_xmark(const char *s, size_t n)
{
	if (n == 1)
		return s[0] == 'X' || s[0] == 'x';
	return n == 3 && memcmp(s, "\xE2\x9C", 2) == 0 &&
	    (s[2] == '\x93' || s[2] == '\x94');
}

/*
 * Layout B: the file marks papers either with X (every mark at rank 1)
 * or with rank numbers, never both: a mix in one row has no one reading,
 * and a mix in one file is most likely a mistake. Note the first cell of
 * each kind; refuse the cell f that mixes.
 */
static int
mark_kind(struct rd *r, const struct fld *f, bool x)
{
	long *mine = x ? &r->xline : &r->nline;
	long other = x ? r->nline : r->xline;

	if (other == f->line)
		return tl_fail_at(r->ctx, TELLER_EPARSE, f->line, f->col,
		    "X marks and rank numbers in one row: mark a paper one "
		    "way");
	if (other > 0)
		return tl_fail_at(r->ctx, TELLER_EPARSE, f->line, f->col,
		    x ? "X mark in a file of rank numbers (the first number "
		    "is on line %ld): mark every paper one way" : "rank "
		    "number in a file of X marks (the first X is on line "
		    "%ld): mark every paper one way", other);
	if (*mine == 0)
		*mine = f->line;
	return TELLER_OK;
}

static int
row_b(struct rd *r, const struct fld *f, int64_t w)
{
	teller_ctx *ctx = r->ctx;
	size_t i, j;
	uint32_t rank, maxr = 0;
	int rc;

	r->pairs->len = 0;
	for (i = 0; i < r->nf; i++) {
		const char *s = fld_ptr(&r->s, &f[i]);
		size_t n = f[i].n, k;
		struct pair pr;
		uint64_t u = 0;
		uint32_t v;

		if (r->candcol[i] < 0)
			continue;
		trim(&s, &n);
		if (n == 0)
			continue;
		if (is_xmark(s, n)) {
			if ((rc = mark_kind(r, &f[i], true)) != TELLER_OK)
				return rc;
			pr.rank = 1;
			pr.id = (tl_cid)r->candcol[i];
			maxr = 1;
			if (tl_vec_push(ctx, r->pairs, &pr) == NULL)
				return TELLER_ENOMEM;
			continue;
		}
		if ((rc = mark_kind(r, &f[i], false)) != TELLER_OK)
			return rc;
		/* past the limit reads as limit + 1 (ELIMIT below, even
		 * with a bad byte after the digits that pass it) */
		k = (size_t)tl_text_uint_sat(s, n, (uint64_t)ctx->lim.ranks,
		    &u);
		if (k < n && u <= (uint64_t)ctx->lim.ranks)
			return tl_fail_at(ctx, TELLER_EPARSE, f[i].line,
			    f[i].col, "rank \"%.*s\" is not a positive "
			    "integer", (int)(n > 20 ? 20 : n), s);
		v = u > (uint64_t)ctx->lim.ranks ?
		    (uint32_t)ctx->lim.ranks + 1 : (uint32_t)u;
		if (v == 0)
			return tl_fail_at(ctx, TELLER_EPARSE, f[i].line,
			    f[i].col, "rank 0 is not a positive integer");
		if (v > (uint32_t)ctx->lim.ranks)
			return tl_fail_at(ctx, TELLER_ELIMIT, f[i].line,
			    f[i].col, "rank larger than %d",
			    ctx->lim.ranks);
		pr.rank = v;
		pr.id = (tl_cid)r->candcol[i];
		if (v > maxr)
			maxr = v;
		if (tl_vec_push(ctx, r->pairs, &pr) == NULL)
			return TELLER_ENOMEM;
	}
	if (r->pairs->len > 1)
		qsort(r->pairs->data, r->pairs->len, sizeof(struct pair),
		    pair_cmp);
	if ((rc = tl_profile_begin(ctx, r->p)) != TELLER_OK)
		return rc;
	j = 0;
	for (rank = 1; rank <= maxr; rank++) {
		r->marks->len = 0;
		while (j < r->pairs->len &&
		    TL_VEC_AT(r->pairs, struct pair, j).rank == rank) {
			if (tl_vec_push(ctx, r->marks,
			    &TL_VEC_AT(r->pairs, struct pair, j).id) == NULL)
				return TELLER_ENOMEM;
			j++;
		}
		if ((rc = tl_profile_rank(ctx, r->p, r->marks->data,
		    (int)r->marks->len)) != TELLER_OK)
			return rc;
	}
	return tl_profile_end(ctx, r->p, w);
}

/* The row again into its section's profile (methods.md 4.3): the
 * section column's, or the one section the file declares. */
static int
row_section(struct rd *r, const struct fld *f, int64_t w)
{
	teller_ctx *ctx = r->ctx;
	struct teller_profile *all = r->p, *sub;
	size_t k = 0, n = 0;
	const char *s = NULL;
	int rc;

	if (r->scol >= 0) {
		s = fld_ptr(&r->s, &f[r->scol]);
		n = f[r->scol].n;
		trim(&s, &n);
		for (k = 0; k < r->c->sects->len; k++) {
			const char *o = TL_VEC_AT(r->c->sects,
			    struct tl_section, k).id;
			if (strlen(o) == n && memcmp(o, s, n) == 0)
				break;
		}
		if (k == r->c->sects->len)
			return tl_fail_at(ctx, TELLER_EPARSE, f[r->scol].line,
			    f[r->scol].col, "unknown section \"%.*s\"",
			    (int)(n > 60 ? 60 : n), s);
	}
	sub = r->p->sub[k];
	if (sub->wdp < all->wdp &&
	    (rc = tl_profile_set_wdp(ctx, sub, all->wdp)) != TELLER_OK)
		return rc;
	r->p = sub;
	rc = r->rankcol != NULL ? row_a(r, f, w) : row_b(r, f, w);
	r->p = all;
	return rc;
}

static int
row(struct rd *r)
{
	teller_ctx *ctx = r->ctx;
	const struct fld *f = r->s.f->data;
	int64_t w = tl_num_pow10(r->p->wdp);
	int rc;

	if (r->s.f->len != r->nf) {
		const struct fld *l = &f[r->s.f->len - 1];
		return tl_fail_at(ctx, TELLER_EPARSE, l->line,
		    l->col + (long)l->n, "row has %zu fields, the header "
		    "has %zu", r->s.f->len, r->nf);
	}
	if (r->wcol >= 0 &&
	    (rc = row_weight(r, &f[r->wcol], &w)) != TELLER_OK)
		return rc;
	if (r->scol >= 0 && r->p->nsub == 0) {
		const char *s = fld_ptr(&r->s, &f[r->scol]);
		size_t n = f[r->scol].n;

		trim(&s, &n);
		return tl_fail_at(ctx, TELLER_EPARSE, f[r->scol].line,
		    f[r->scol].col, "section \"%.*s\" has no weight: declare "
		    "it before the header, '# section: ID | WEIGHT'",
		    (int)(n > 60 ? 60 : n), s);
	}
	if (r->idcol >= 0) {
		const char *s = fld_ptr(&r->s, &f[r->idcol]);
		size_t n = f[r->idcol].n;

		trim(&s, &n);
		if (n > 0) {
			bool added;
			if (tl_strtab_put(ctx, &r->ids, s, n, &added) < 0)
				return ctx->err;
			if (!added)
				return tl_fail_at(ctx, TELLER_EDUP,
				    f[r->idcol].line, f[r->idcol].col,
				    "ballot id \"%.*s\" appears twice",
				    (int)(n > 60 ? 60 : n), s);
		}
	}
	rc = r->rankcol != NULL ? row_a(r, f, w) : row_b(r, f, w);
	if (rc == TELLER_OK && r->p->nsub > 0)
		rc = row_section(r, f, w);
	if (rc != TELLER_OK && ctx->line == 0 && ctx->err == rc &&
	    rc != TELLER_ENOMEM) {
		/* the profile builder gives no position: add the row's */
		ctx->line = f[0].line;
		ctx->col = 1;
	}
	return rc;
}

/* Read the CSV (buf, len) into r, its text checked and released behind
 * the reader through b. */
static int
csv_read(teller_ctx *ctx, struct rd *r, struct tl_behind *b, const char *buf,
    size_t len)
{
	bool got;
	int rc;

	r->ctx = ctx;
	r->idcol = r->wcol = r->scol = -1;
	r->s.ctx = ctx;
	r->s.buf = buf;
	r->s.end = buf + len;
	r->s.p = buf;
	r->s.line = 1;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		r->s.p += 3;
	r->s.lstart = r->s.p;
	r->c = tl_contest_new(ctx);
	r->p = tl_profile_new(ctx, 0);
	r->s.f = tl_vec_new(ctx, sizeof(struct fld));
	r->s.scratch = tl_vec_new(ctx, 1);
	r->marks = tl_vec_new(ctx, sizeof(tl_cid));
	r->stamp = tl_vec_new(ctx, sizeof(uint32_t));
	r->pairs = tl_vec_new(ctx, sizeof(struct pair));
	if (r->c == NULL || r->p == NULL || r->s.f == NULL ||
	    r->s.scratch == NULL || r->marks == NULL || r->pairs == NULL ||
	    r->stamp == NULL ||
	    tl_strtab_init(ctx, &r->names) != TELLER_OK ||
	    tl_strtab_init(ctx, &r->ids) != TELLER_OK)
		return TELLER_ENOMEM;

	/* directives, comments and blank lines before the header */
	for (;;) {
		const char *e, *a;

		if (r->s.p >= r->s.end)
			return tl_fail_at(ctx, TELLER_EPARSE, r->s.line, 1,
			    "no header line");
		e = memchr(r->s.p, '\n', (size_t)(r->s.end - r->s.p));
		if (e == NULL)
			e = r->s.end;
		for (a = r->s.p; a < e && (*a == ' ' || *a == '\t' ||
		    *a == '\r'); a++)
			;
		if (a < e && *a != '#')
			break;
		if (a < e && (rc = directive(r, a, e, r->s.line)) != TELLER_OK)
			return rc;
		r->s.p = e < r->s.end ? e + 1 : e;
		r->s.line++;
		r->s.lstart = r->s.p;
	}
	r->s.sep = detect_sep(r->s.p, r->s.end);
	r->s.header = true;
	if ((rc = rec_next(&r->s, (size_t)ctx->lim.candidates +
	    (size_t)ctx->lim.ranks + 2, &got)) != TELLER_OK)
		return rc;
	if ((rc = header(r)) != TELLER_OK)
		return rc;
	r->s.header = false;
	for (;;) {
		/* a line starting with '#' is a comment here too (a first
		 * cell starting with '#' must be quoted) */
		const char *a = r->s.p;

		/* the records before this one are done with */
		if ((rc = tl_behind(ctx, b, a)) != TELLER_OK)
			return rc;
		while (a < r->s.end && (*a == ' ' || *a == '\t'))
			a++;
		if (a < r->s.end && *a == '#') {
			const char *e = memchr(a, '\n', (size_t)(r->s.end - a));
			if ((rc = late_comment(r, a, e != NULL ? e :
			    r->s.end)) != TELLER_OK)
				return rc;
			r->s.p = e != NULL ? e + 1 : r->s.end;
			r->s.line++;
			r->s.lstart = r->s.p;
			continue;
		}
		if ((rc = rec_next(&r->s, r->nf, &got)) != TELLER_OK)
			return rc;
		if (!got)
			break;
		if (rec_blank(&r->s))
			continue;
		if ((rc = row(r)) != TELLER_OK)
			return rc;
	}
	if (r->c->ncand == 0)
		return tl_fail_at(ctx, TELLER_EPARSE, 1, 1, r->p->lines == 0 ?
		    "no ballots and no candidates: rank columns name no "
		    "candidate, so add '# candidate:' lines" : "no "
		    "candidates: add '# candidate:' lines or mark some "
		    "ballots");
	tl_profile_set_ncand(r->p, r->c->ncand);
	for (rc = 0; rc < r->p->nsub; rc++)
		tl_profile_set_ncand(r->p->sub[rc], r->c->ncand);
	return TELLER_OK;
}

int
tl_fmt_csv(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **c, struct teller_profile **p)
{
	struct tl_behind b;
	struct rd r;
	int rc;

	*c = NULL;
	*p = NULL;
	memset(&r, 0, sizeof(r));
	tl_behind_init(&b, buf, len);
	rc = tl_behind_end(ctx, &b, csv_read(ctx, &r, &b, buf, len));
	if (rc != TELLER_OK)
		return rc;
	/* kept so that merged inputs can be checked (read.c) */
	if (tl_strtab_count(&r.ids) > 0 &&
	    (rc = tl_profile_take_ids(ctx, r.p, &r.ids)) != TELLER_OK)
		return rc;
	*c = r.c;
	*p = r.p;
	return TELLER_OK;
}
