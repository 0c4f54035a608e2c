/* SPDX-License-Identifier: MIT */
/*
 * decl.c -- the declaration's facts that no ballot holds (reports.md
 * 4.1, uk-rules.md 2.2): the electorate and the papers rejected by hand
 * for want of an official mark or for a mark identifying the voter, read
 * from '# electorate:' and '# rejected:' directives, checked against the
 * papers, placed among the result's rejected heads, and the turnout.
 */
#include <stdio.h>
#include <string.h>

#include "decl.h"

/* The printed head names, by enum tl_decl_head (as tl_plurality_rejected
 * and the tally words them). */
static const char *const head_name[] = {
	[TL_DECL_NO_OFFICIAL] = "want of official mark",
	[TL_DECL_IDENTIFYING] = "writing or mark by which the voter could "
	    "be identified",
};

/* The words a directive may use for each head, any case. */
static const struct {
	const char *word;
	enum tl_decl_head head;
} head_words[] = {
	{ "want of official mark", TL_DECL_NO_OFFICIAL },
	{ "want of an official mark", TL_DECL_NO_OFFICIAL },
	{ "no official mark", TL_DECL_NO_OFFICIAL },
	{ "no_official_mark", TL_DECL_NO_OFFICIAL },
	{ "writing or mark by which the voter could be identified",
	    TL_DECL_IDENTIFYING },
	{ "writing or mark identifying the voter", TL_DECL_IDENTIFYING },
	{ "identifying the voter", TL_DECL_IDENTIFYING },
	{ "identifying mark", TL_DECL_IDENTIFYING },
	{ "identifying_mark", TL_DECL_IDENTIFYING },
};

/* Words of the heads the ballots themselves show. */
static const char *const ballot_words[] = { "unmarked", "uncertain",
	"more than", "too many", "too_many", "void", NULL };

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
	    (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* A whole number 0..TL_DECL_MAX in [v, v + n), or -1. */
static int64_t
whole(const char *v, size_t n)
{
	int64_t x = 0;
	size_t i;

	if (n == 0 || n > 13)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x <= TL_DECL_MAX ? x : -1;
}

static bool
has_word(const char *s, size_t n, const char *w)
{
	size_t m = strlen(w), i;

	for (i = 0; i + m <= n; i++)
		if (tl_text_ieq(s + i, m, w))
			return true;
	return false;
}

static int
electorate(teller_ctx *ctx, struct teller_contest *c, const char *v,
    size_t vn, long line, long kcol, long vcol)
{
	int64_t n;

	if (c->electorate_line > 0)
		return tl_fail_at(ctx, TELLER_EDUP, line, kcol, "a second "
		    "'# electorate:' (the first is on line %ld)",
		    c->electorate_line);
	n = whole(v, vn);
	if (n < 1)
		return tl_fail_at(ctx, TELLER_EPARSE, line, vcol, "the "
		    "electorate must be a whole number of electors "
		    "1..%lld, not \"%.*s\"", (long long)TL_DECL_MAX,
		    (int)(vn > 20 ? 20 : vn), v);
	c->electorate = n;
	c->electorate_line = line;
	c->electorate_col = vcol;
	return TELLER_OK;
}

/* The head [h, h + hn) names, or -1 after refusing it at col. */
static int
find_head(teller_ctx *ctx, const char *h, size_t hn, long line, long col)
{
	int w = (int)(hn > 40 ? 40 : hn);
	size_t i;

	for (i = 0; i < sizeof(head_words) / sizeof(head_words[0]); i++)
		if (tl_text_ieq(h, hn, head_words[i].word))
			return (int)head_words[i].head;
	for (i = 0; ballot_words[i] != NULL; i++)
		if (has_word(h, hn, ballot_words[i]))
			break;
	if (ballot_words[i] != NULL)
		tl_fail_at(ctx, TELLER_EPARSE, line, col, "\"%.*s\": papers "
		    "under that head are counted from the ballots; '# "
		    "rejected:' gives only the heads the count alone sees "
		    "(want of official mark; identifying the voter)", w, h);
	else
		tl_fail_at(ctx, TELLER_EPARSE, line, col, "unknown head of "
		    "rejection \"%.*s\" (teller knows \"want of official "
		    "mark\" and \"identifying the voter\")", w, h);
	return -1;
}

static int
rejected(teller_ctx *ctx, struct teller_contest *c, const char *v,
    size_t vn, long line, long vcol)
{
	const char *bar = memchr(v, '|', vn), *h = v, *nv;
	size_t hn, nn;
	int64_t n;
	int k;

	if (bar == NULL)
		return tl_fail_at(ctx, TELLER_EPARSE, line, vcol, "'# "
		    "rejected:' needs a head and a number of papers, as in "
		    "'# rejected: want of official mark | 12'");
	hn = (size_t)(bar - v);
	nv = bar + 1;
	nn = (size_t)(v + vn - nv);
	trim(&h, &hn);
	trim(&nv, &nn);
	if ((k = find_head(ctx, h, hn, line, vcol)) < 0)
		return ctx->err;
	if (c->hand_given & (1u << k))
		return tl_fail_at(ctx, TELLER_EDUP, line, vcol, "a second "
		    "'# rejected: %s' (the first is on line %ld)",
		    head_name[k], c->hand_line[k]);
	if ((n = whole(nv, nn)) < 0)
		return tl_fail_at(ctx, TELLER_EPARSE, line, vcol +
		    (long)(nv - v), "rejected papers must be a whole number "
		    "0..%lld, not \"%.*s\"", (long long)TL_DECL_MAX,
		    (int)(nn > 20 ? 20 : nn), nv);
	c->hand_rej[k] = n;
	c->hand_line[k] = line;
	c->hand_col[k] = vcol;
	c->hand_given |= 1u << k;
	return TELLER_OK;
}

int
tl_decl_directive(teller_ctx *ctx, struct teller_contest *c,
    const char *k, size_t kn, const char *v, size_t vn, long line,
    long kcol, long vcol, bool *known)
{
	trim(&v, &vn);
	*known = true;
	if (tl_text_ieq(k, kn, "electorate"))
		return electorate(ctx, c, v, vn, line, kcol, vcol);
	if (tl_text_ieq(k, kn, "rejected"))
		return rejected(ctx, c, v, vn, line, vcol);
	*known = false;
	return TELLER_OK;
}

int
tl_decl_hand_total(teller_ctx *ctx, const struct teller_contest *c,
    int dp, tl_fix *out)
{
	tl_fix sum = 0, x;
	int k;

	for (k = 0; k < 2; k++)
		if ((c->hand_given & (1u << k)) &&
		    (tl_num_rescale(ctx, c->hand_rej[k], 0, dp,
		    TL_ROUND_DOWN, &x) != TELLER_OK ||
		    tl_num_add(ctx, sum, x, &sum) != TELLER_OK))
			return TELLER_EOVERFLOW;
	*out = sum;
	return TELLER_OK;
}

int
tl_decl_check_read(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p)
{
	tl_fix papers, hand;

	if (c->electorate == 0)
		return TELLER_OK;
	if (tl_num_rescale(ctx, p->total, p->wdp, 0, TL_ROUND_CEIL,
	    &papers) != TELLER_OK ||
	    tl_decl_hand_total(ctx, c, 0, &hand) != TELLER_OK ||
	    tl_num_add(ctx, papers, hand, &papers) != TELLER_OK)
		return TELLER_EOVERFLOW;
	if (papers > c->electorate)
		return tl_fail_at(ctx, TELLER_ERANGE, c->electorate_line,
		    c->electorate_col, "the electorate (%lld) is fewer "
		    "than the %lld ballot papers (read and rejected by "
		    "hand)", (long long)c->electorate, (long long)papers);
	return TELLER_OK;
}

/* Insert t at index at of r's rejected heads. */
static int
insert(teller_ctx *ctx, struct teller_result *r, size_t at,
    const struct tl_tally *t)
{
	struct tl_tally *a;
	size_t n = r->rejected->len;

	if (tl_vec_push(ctx, r->rejected, t) == NULL)
		return TELLER_ENOMEM;
	a = r->rejected->data;
	memmove(a + at + 1, a + at, (n - at) * sizeof(*a));
	a[at] = *t;
	return TELLER_OK;
}

int
tl_decl_apply(teller_ctx *ctx, const struct teller_contest *c,
    int64_t electorate, struct teller_result *r)
{
	struct tl_tally t;
	const char *p;
	size_t n;

	r->electorate = electorate != 0 ? electorate : c->electorate;
	n = r->rejected->len;
	/* the method's rule, without the paragraph of another head:
	 * "MER 2007 Sch.1 r.48(1)(b), (5)(b)" cites "MER 2007 Sch.1 r.48" */
	t.cite = n > 0 ? TL_VEC_AT(r->rejected, struct tl_tally, 0).cite :
	    "";
	if ((p = strchr(t.cite, '(')) != NULL &&
	    (t.cite = tl_strndup(ctx, t.cite, (size_t)(p - t.cite))) == NULL)
		return TELLER_ENOMEM;
	if (c->hand_given & (1u << TL_DECL_IDENTIFYING)) {
		t.name = head_name[TL_DECL_IDENTIFYING];
		if (tl_num_rescale(ctx, c->hand_rej[TL_DECL_IDENTIFYING], 0,
		    r->dp, TL_ROUND_DOWN, &t.n) != TELLER_OK)
			return TELLER_EOVERFLOW;
		if (insert(ctx, r, n > 0 ? n - 1 : 0, &t) != TELLER_OK)
			return TELLER_ENOMEM;
	}
	if (c->hand_given & (1u << TL_DECL_NO_OFFICIAL)) {
		t.name = head_name[TL_DECL_NO_OFFICIAL];
		if (tl_num_rescale(ctx, c->hand_rej[TL_DECL_NO_OFFICIAL], 0,
		    r->dp, TL_ROUND_DOWN, &t.n) != TELLER_OK)
			return TELLER_EOVERFLOW;
		if (insert(ctx, r, 0, &t) != TELLER_OK)
			return TELLER_ENOMEM;
	}
	return TELLER_OK;
}

int
tl_decl_check_count(teller_ctx *ctx, const struct teller_result *r)
{
	tl_fix papers;

	if (r->electorate == 0)
		return TELLER_OK;
	if (tl_num_rescale(ctx, r->papers, r->dp, 0, TL_ROUND_CEIL,
	    &papers) != TELLER_OK)
		return TELLER_EOVERFLOW;
	if (papers > r->electorate)
		return tl_fail(ctx, TELLER_ERANGE, "the electorate (%lld) is "
		    "fewer than the %lld ballot papers counted",
		    (long long)r->electorate, (long long)papers);
	return TELLER_OK;
}

bool
tl_decl_turnout(const struct teller_result *r, char *buf, size_t cap)
{
	int64_t scale = 1, num, den, q;
	int i;

	if (r->electorate <= 0 || r->papers < 0)
		return false;
	/* turnout x 100 = papers x 10^4 / (electorate x 10^dp) */
	num = r->papers;
	den = r->electorate;
	for (i = 0; i < 4; i++) {
		if (num > INT64_MAX / 10)
			return false;
		num *= 10;
	}
	for (i = 0; i < r->dp; i++) {
		if (scale > INT64_MAX / 10 / den)
			return false;
		scale *= 10;
	}
	den *= scale;
	q = num / den;
	if ((num % den) * 2 >= den)
		q++;
	snprintf(buf, cap, "%lld.%02lld", (long long)(q / 100),
	    (long long)(q % 100));
	return true;
}

int
tl_decl_comment(teller_ctx *ctx, struct teller_contest *c, const char *s,
    const char *e, long line, long col, bool here)
{
	const char *k = s + 1, *q, *v;
	size_t kn;
	bool known;

	while (k < e && (*k == ' ' || *k == '\t'))
		k++;
	for (q = k; q < e && ((*q >= 'a' && *q <= 'z') ||
	    (*q >= 'A' && *q <= 'Z')); q++)
		;
	kn = (size_t)(q - k);
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	if (q == e || *q != ':' || !(tl_text_ieq(k, kn, "electorate") ||
	    tl_text_ieq(k, kn, "rejected")))
		return TELLER_OK; /* a comment */
	if (!here)
		return tl_fail_at(ctx, TELLER_EPARSE, line, col + (k - s),
		    "'# %.*s:' must come before the first line (the numbers "
		    "of candidates and seats)", (int)kn, k);
	for (v = q + 1; v < e && (*v == ' ' || *v == '\t'); v++)
		;
	return tl_decl_directive(ctx, c, k, kn, v, (size_t)(e - v), line,
	    col + (k - s), col + (v - s), &known);
}

void
tl_decl_copy(struct teller_contest *c, const struct teller_contest *src)
{
	int k;

	c->electorate = src->electorate;
	c->electorate_line = src->electorate_line;
	c->electorate_col = src->electorate_col;
	c->hand_given = src->hand_given;
	for (k = 0; k < 2; k++) {
		c->hand_rej[k] = src->hand_rej[k];
		c->hand_line[k] = src->hand_line[k];
		c->hand_col[k] = src->hand_col[k];
	}
}

int
tl_decl_merge(teller_ctx *ctx, struct teller_contest *cp,
    const struct teller_contest *cq)
{
	int k;

	if (cp->electorate != 0 && cq->electorate != 0 &&
	    cp->electorate != cq->electorate)
		return tl_fail(ctx, TELLER_EPARSE, "its electorate (%lld) "
		    "differs from the first input's (%lld)",
		    (long long)cq->electorate, (long long)cp->electorate);
	if (cp->electorate == 0) {
		cp->electorate = cq->electorate;
		cp->electorate_line = cq->electorate_line;
		cp->electorate_col = cq->electorate_col;
	}
	for (k = 0; k < 2; k++) {
		if (!(cq->hand_given & (1u << k)))
			continue;
		if (tl_num_add(ctx, cp->hand_rej[k], cq->hand_rej[k],
		    &cp->hand_rej[k]) != TELLER_OK)
			return TELLER_EOVERFLOW;
		if (!(cp->hand_given & (1u << k))) {
			cp->hand_line[k] = cq->hand_line[k];
			cp->hand_col[k] = cq->hand_col[k];
		}
		cp->hand_given |= 1u << k;
	}
	return TELLER_OK;
}

const char *
tl_decl_party(const struct teller_result *r, int c)
{
	if (r->meta != NULL && r->meta->desc != NULL &&
	    r->meta->desc[c] != NULL)
		return r->meta->desc[c];
	return TL_CAND(r->contest, c)->party;
}

int
teller_result_set_description(teller_ctx *ctx, teller_result *r,
    const char *name, const char *desc)
{
	int c;

	for (c = 0; c < r->ncand; c++)
		if (strcmp(TL_CAND(r->contest, c)->name, name) == 0)
			break;
	if (c == r->ncand)
		return tl_fail(ctx, TELLER_EINVAL, "--meta: descriptions: no "
		    "candidate is named \"%.60s\"", name);
	if (r->meta == NULL &&
	    (r->meta = tl_alloc(ctx, 1, sizeof(*r->meta))) == NULL)
		return TELLER_ENOMEM;
	if (r->meta->desc == NULL && (r->meta->desc = tl_alloc(ctx,
	    (size_t)r->ncand, sizeof(*r->meta->desc))) == NULL)
		return TELLER_ENOMEM;
	if (r->meta->desc[c] != NULL)
		return tl_fail(ctx, TELLER_EDUP, "--meta: descriptions: \"%.60s"
		    "\" is given twice", name);
	return (r->meta->desc[c] = tl_strdup(ctx, desc)) != NULL ?
	    TELLER_OK : TELLER_ENOMEM;
}

/* The text keys of --meta and where each goes. */
static const char **
meta_slot(struct tl_meta *m, const char *key)
{
	if (strcmp(key, "authority") == 0)
		return &m->authority;
	if (strcmp(key, "election") == 0)
		return &m->election;
	if (strcmp(key, "area") == 0)
		return &m->area;
	if (strcmp(key, "date_of_poll") == 0)
		return &m->date;
	if (strcmp(key, "returning_officer") == 0)
		return &m->officer;
	if (strcmp(key, "place") == 0)
		return &m->place;
	return NULL;
}

/* A whole number of electors or papers, not fewer than r's papers. */
static int
meta_count(teller_ctx *ctx, const struct teller_result *r, const char *key,
    const char *value, int64_t *out)
{
	tl_fix papers;
	int64_t n = whole(value, strlen(value));

	if (n < 1)
		return tl_fail(ctx, TELLER_EINVAL, "--meta: %s must be a whole "
		    "number 1..%lld, not \"%.20s\"", key,
		    (long long)TL_DECL_MAX, value);
	if (tl_num_rescale(ctx, r->papers, r->dp, 0, TL_ROUND_CEIL,
	    &papers) != TELLER_OK)
		return TELLER_EOVERFLOW;
	if (n < papers)
		return tl_fail(ctx, TELLER_ERANGE, "--meta: %s (%lld) is fewer "
		    "than the %lld ballot papers counted", key, (long long)n,
		    (long long)papers);
	*out = n;
	return TELLER_OK;
}

int
teller_result_set_meta(teller_ctx *ctx, teller_result *r, const char *key,
    const char *value)
{
	const char **slot;
	int64_t n = 0;
	int rc;

	if (r->meta == NULL &&
	    (r->meta = tl_alloc(ctx, 1, sizeof(*r->meta))) == NULL)
		return TELLER_ENOMEM;
	if ((slot = meta_slot(r->meta, key)) != NULL)
		return (*slot = tl_strdup(ctx, value)) != NULL ? TELLER_OK :
		    TELLER_ENOMEM;
	if (strcmp(key, "electorate") != 0 &&
	    strcmp(key, "ballot_papers_issued") != 0)
		return tl_fail(ctx, TELLER_EINVAL, "--meta: unknown key "
		    "\"%.40s\" (authority, election, area, date_of_poll, "
		    "electorate, ballot_papers_issued, returning_officer, "
		    "place, descriptions)", key);
	if ((rc = meta_count(ctx, r, key, value, &n)) != TELLER_OK)
		return rc;
	if (key[0] == 'b') {
		r->meta->issued = n;
		return TELLER_OK;
	}
	if (r->electorate != 0 && r->electorate != n)
		return tl_fail(ctx, TELLER_EINVAL, "--meta: the electorate "
		    "%lld differs from the %lld already given", (long long)n,
		    (long long)r->electorate);
	r->electorate = n;
	return TELLER_OK;
}
