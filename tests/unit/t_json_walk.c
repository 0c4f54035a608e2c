/* SPDX-License-Identifier: MIT */
/*
 * t_json_walk.c -- the JSON CVR readers' fast paths against the slow
 * ones they replace, on the same inputs:
 * - the bracket walk that finds each top-level member's span (64 bytes
 *   at a time with SSE2) against the byte-at-a-time walk it had before
 *   (copied here as ref_walk), through tl_json_members: spans, the
 *   depth limit and every error with its message and position, on
 *   generated documents (escapes and backslashes across 64-byte blocks,
 *   brackets in strings, deep nesting, a byte order mark, CRLF,
 *   truncated and damaged values);
 * - the record scan that builds only the members a reader names
 *   (tl_json_elements_k) against the one that builds them all
 *   (tl_json_elements_v): the same values, and the same errors with the
 *   same positions, with any value in a member left out (escapes, \u
 *   surrogates, numbers, reals, deep nesting, CRLF, truncation), and
 *   member names matched as written against kept names (prefixes,
 *   extensions, shared first bytes, names written with escapes);
 * - the one-pass read of an object for its array member "Sessions"
 *   (tl_json_array_member) against the two passes it replaces (its
 *   own, tl_json_two_passes): the same elements handed over once each, in
 *   the same order, and the same error with the same position, on
 *   generated objects (the array before, between or after other
 *   members, repeated or escaped names, callbacks that fail, damaged
 *   and truncated text).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rnd.h"
#include "cvr_util.h"
#include "tl_io.h"


/* A growing text. */
struct txt {
	char *s;
	size_t n, cap;
};

static void
put(struct txt *t, const char *s, size_t n)
{
	if (t->n + n + 1 > t->cap) {
		t->cap = 2 * (t->n + n + 1);
		t->s = realloc(t->s, t->cap);
		if (t->s == NULL)
			exit(1);
	}
	memcpy(t->s + t->n, s, n);
	t->n += n;
	t->s[t->n] = '\0';
}

static void
puts0(struct txt *t, const char *s)
{
	put(t, s, strlen(s));
}

/* A random string body: plain text, escapes (quotes, backslashes,
 * \u escapes), brackets, raw UTF-8. */
static void
gen_string(struct txt *t)
{
	static const char *const bits[] = { "a", "bc", "[", "]", "{", "}",
		"\\\"", "\\\\", "\\n", "\\u00e9", "\\ud83d\\ude00", "\xc3\xa9",
		" ", ",", ":", "\\/", "xyz0123456789" };
	unsigned k = rnd(24);

	puts0(t, "\"");
	while (k-- > 0)
		puts0(t, bits[rnd(sizeof(bits) / sizeof(bits[0]))]);
	puts0(t, "\"");
}

static void
gen_ws(struct txt *t)
{
	static const char *const ws[] = { "", "", "", " ", "\r\n", "\n\t" };

	puts0(t, ws[rnd(6)]);
}

/* A random JSON value, nested up to depth more levels. */
static void
gen_value(struct txt *t, int depth)
{
	static const char *const scal[] = { "1", "-0", "123456789012345678",
		"1.5", "2e3", "true", "false", "null" };
	unsigned k, i;

	switch (depth > 0 ? rnd(6) : 2 + rnd(2)) {
	case 0:
	case 1:
		k = rnd(6);
		puts0(t, rnd(2) ? "{" : "[");
		if (t->s[t->n - 1] == '{') {
			for (i = 0; i < k; i++) {
				if (i > 0)
					puts0(t, ",");
				gen_ws(t);
				gen_string(t);
				gen_ws(t);
				puts0(t, ":");
				gen_ws(t);
				gen_value(t, depth - 1);
			}
			puts0(t, "}");
		} else {
			for (i = 0; i < k; i++) {
				if (i > 0)
					puts0(t, ",");
				gen_ws(t);
				gen_value(t, depth - 1);
			}
			puts0(t, "]");
		}
		break;
	case 2:
		gen_string(t);
		break;
	default:
		puts0(t, scal[rnd(sizeof(scal) / sizeof(scal[0]))]);
		break;
	}
}

/* The walk as it was before the 64-byte one (cvr_json.c, jc_value),
 * from buf[i] (a '{', '[' or '"'): 0 with *end past the value, 1 past
 * the depth limit (*end at the bracket), 2 at the end of input. */
static int
ref_walk(const char *buf, size_t len, size_t i, int base, int lim,
    size_t *end)
{
	int depth = base;

	do {
		char ch;

		while (i < len && buf[i] != '"' && buf[i] != '{' &&
		    buf[i] != '[' && buf[i] != '}' && buf[i] != ']')
			i++;
		if (i >= len)
			return 2;
		ch = buf[i++];
		if (ch == '"') {
			for (;;) {
				while (i < len && buf[i] != '"' &&
				    buf[i] != '\\')
					i++;
				if (i >= len)
					return 2;
				if (buf[i] == '"')
					break;
				if (i + 2 > len)
					return 2;
				i += 2;
			}
			i++;
		} else if (ch == '{' || ch == '[') {
			if (++depth > lim) {
				*end = i - 1;
				return 1;
			}
		} else {
			depth--;
		}
	} while (depth > base);
	*end = i;
	return 0;
}

/* Line and column of buf[i] as the readers count them, from buf[from]
 * (after a byte order mark) at 1:1. */
static void
pos(const char *buf, size_t from, size_t i, long *line, long *col)
{
	size_t k, li = from;

	*line = 1;
	for (k = from; k < i; k++)
		if (buf[k] == '\n') {
			++*line;
			li = k + 1;
		}
	*col = 1 + (long)(i - li);
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int nwalk, nwalk_ok;

/* tl_json_members on doc = head + v + tail, where head ends at the
 * value's first byte (off): what the old walk predicts. */
static void
walk_one(const char *doc, size_t len, size_t off, size_t from, int lim)
{
	teller_ctx *ctx;
	teller_limits lm;
	struct tl_jmember *mem;
	size_t n, e = 0, k;
	const char *file;
	long line, col, wl, wc;
	char msg[128];
	int rc, r, want;

	r = ref_walk(doc, len, off, 1, lim, &e);
	msg[0] = '\0';
	if (r == 1) {
		want = TELLER_ELIMIT;
		snprintf(msg, sizeof(msg), "JSON nested more than %d deep",
		    lim);
		pos(doc, from, e, &wl, &wc);
	} else if (r == 2) {
		want = TELLER_EPARSE;
		snprintf(msg, sizeof(msg), "invalid JSON: unexpected end of "
		    "input");
		pos(doc, from, len, &wl, &wc);
	} else {
		for (k = e; k < len && blank(doc[k]); k++)
			continue;
		if (k < len && doc[k] == ',')
			return; /* another member: not predicted here */
		want = TELLER_EPARSE;
		if (k >= len || doc[k] != '}') {
			snprintf(msg, sizeof(msg), "invalid JSON: ',' or '}' "
			    "expected");
		} else {
			for (k++; k < len && blank(doc[k]); k++)
				continue;
			if (k < len)
				snprintf(msg, sizeof(msg), "invalid JSON: end "
				    "of input expected");
			else
				want = TELLER_OK;
		}
		pos(doc, from, k, &wl, &wc);
	}
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		exit(1);
	teller_limits_init(&lm);
	lm.depth = lim;
	teller_ctx_set_limits(ctx, &lm);
	rc = tl_json_members(ctx, "w.json", doc, len, &mem, &n);
	nwalk++;
	CHECK(rc == want, "doc %d: rc %d, want %d (%s)", nwalk, rc, want,
	    teller_errmsg(ctx));
	if (rc == want && rc != TELLER_OK) {
		teller_errpos(ctx, &file, &line, &col);
		CHECK_STR(teller_errmsg(ctx), msg);
		CHECK(line == wl && col == wc, "doc %d: at %ld:%ld, want "
		    "%ld:%ld", nwalk, line, col, wl, wc);
	} else if (rc == want) {
		pos(doc, from, off, &wl, &wc);
		CHECK(n == 1 && mem[0].val.p == doc + off &&
		    mem[0].val.n == e - off && mem[0].val.line == wl &&
		    mem[0].val.col == wc, "doc %d: span", nwalk);
		nwalk_ok++;
	}
	teller_ctx_free(ctx);
}

/* Documents {"k":V} with V generated, cut or damaged; with and without
 * a byte order mark, CRLF in the blanks, low and default depth
 * limits. */
static void
t_walk(void)
{
	struct txt t = { NULL, 0, 0 };
	int it;

	for (it = 0; it < 6000; it++) {
		size_t from = 0, off, len;
		int lim = rnd(3) == 0 ? 3 + (int)rnd(4) : 256;

		t.n = 0;
		puts0(&t, "");
		if (rnd(4) == 0) {
			puts0(&t, "\xEF\xBB\xBF");
			from = 3;
		}
		puts0(&t, rnd(2) ? "{\"k\":" : "\r\n{ \"k\" :\r\n ");
		off = t.n;
		if (rnd(8) == 0) {
			/* nested deep, maybe past the limit */
			unsigned d = 1 + rnd(300), i;

			for (i = 0; i < d; i++)
				puts0(&t, rnd(2) ? "[" : "[\"\\\\\",");
			for (i = 0; i < d; i++)
				puts0(&t, "]");
		} else {
			do {
				t.n = off;
				t.s[off] = '\0';
				gen_value(&t, 1 + (int)rnd(6));
			} while (t.s[off] != '{' && t.s[off] != '[' &&
			    t.s[off] != '"');
		}
		puts0(&t, rnd(2) ? "}" : "\r\n}\r\n");
		len = t.n;
		switch (rnd(4)) {
		case 0: /* cut */
			len = off + 1 + rnd((unsigned)(t.n - off));
			break;
		case 1: /* one byte changed */
		{
			static const char dmg[] = "\"\\[]{} a";
			t.s[off + 1 + rnd((unsigned)(t.n - off - 1))] =
			    dmg[rnd(sizeof(dmg) - 1)];
			break;
		}
		default:
			break;
		}
		walk_one(t.s, len, off, from, lim);
	}
	/* long flat values: every block takes the fast way */
	for (it = 0; it < 200; it++) {
		size_t off;
		unsigned i, k = 50 + rnd(400);

		t.n = 0;
		puts0(&t, "{\"k\":[");
		off = 5;
		for (i = 0; i < k; i++) {
			if (i > 0)
				puts0(&t, ",");
			gen_value(&t, 2);
		}
		puts0(&t, "]}");
		walk_one(t.s, t.n, off, 0, 256);
		walk_one(t.s, t.n - 1 - rnd(40), off, 0, 256);
	}
	CHECK(nwalk_ok > 1000, "only %d documents read whole", nwalk_ok);
	free(t.s);
}

/* What a record callback saw: the values of members a and b, as text;
 * with kept, whether a member x was built all the same. */
struct saw {
	struct txt t;
	int kept, xs;
};

static void
saw_val(struct txt *t, const struct tl_jv *v)
{
	char buf[64];
	const struct tl_jv *e;

	if (v == NULL) {
		puts0(t, "-");
		return;
	}
	switch (v->type) {
	case TL_JSTR:
		puts0(t, "s:");
		put(t, v->u.s, v->n);
		break;
	case TL_JARR:
		puts0(t, "[");
		for (e = tl_jv_first(v); e != NULL; e = tl_jv_next(e)) {
			saw_val(t, e);
			puts0(t, ",");
		}
		puts0(t, "]");
		break;
	case TL_JOBJ:
		puts0(t, "{");
		saw_val(t, tl_jv_get(v, "a"));
		saw_val(t, tl_jv_get(v, "b"));
		puts0(t, "}");
		break;
	default:
		if (tl_jv_text(v, buf, sizeof(buf)))
			puts0(t, buf);
		else
			puts0(t, v->type == TL_JNULL ? "null" : "real");
		break;
	}
	puts0(t, ";");
}

static int
saw_elem(void *ud, size_t i, const struct tl_jv *e)
{
	struct saw *s = ud;
	char b[32];

	snprintf(b, sizeof(b), "#%zu:", i);
	puts0(&s->t, b);
	saw_val(&s->t, tl_jv_get(e, "a"));
	saw_val(&s->t, tl_jv_get(e, "b"));
	if (s->kept && tl_jv_get(e, "x") != NULL)
		s->xs++;
	return TELLER_OK;
}

static const char *const keep_names[] = { "a", "b", NULL };
static int nkeep;

/* The array text s read both ways: the same records, or the same
 * error at the same place. */
static void
keep_one(const char *s, size_t len, int fastx)
{
	struct tl_jspan sp = { s, len, 2, 3, "k.json" };
	struct tl_jkeys ks;
	struct saw a = { { NULL, 0, 0 }, 0, 0 }, b = { { NULL, 0, 0 }, 1, 0 };
	teller_ctx *c1, *c2;
	const char *f1, *f2;
	long l1, l2, k1, k2;
	int r1, r2;

	tl_jkeys_init(&ks, keep_names);
	if (teller_ctx_new(NULL, &c1) != TELLER_OK ||
	    teller_ctx_new(NULL, &c2) != TELLER_OK)
		exit(1);
	puts0(&a.t, "");
	puts0(&b.t, "");
	r1 = tl_json_elements_v(c1, &sp, saw_elem, &a);
	r2 = tl_json_elements_k(c2, &sp, &ks, saw_elem, &b);
	nkeep++;
	CHECK(r1 == r2, "%.60s: rc %d, kept %d (%s)", s, r1, r2,
	    teller_errmsg(c2));
	CHECK_STR(teller_errmsg(c1), teller_errmsg(c2));
	teller_errpos(c1, &f1, &l1, &k1);
	teller_errpos(c2, &f2, &l2, &k2);
	CHECK(l1 == l2 && k1 == k2, "%.60s: at %ld:%ld, kept %ld:%ld", s, l1,
	    k1, l2, k2);
	CHECK_STR(a.t.s, b.t.s);
	/* x is built only in an element the fast scanner gives up */
	if (r1 == TELLER_OK && fastx)
		CHECK(b.xs == 0, "%.60s: x built %d times", s, b.xs);
	free(a.t.s);
	free(b.t.s);
	teller_ctx_free(c1);
	teller_ctx_free(c2);
}

/* Values of the left-out member x around kept a and b: escapes,
 * surrogates, numbers, reals, literals, deep nesting, CRLF, bad ones. */
static const char *const xvals[] = {
	"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\u00e9\\u20AC\"",
	"\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83dx\"",
	"\"\\u0000\"", "\"\\u12\"", "\"\\x\"", "\"a\x01\"", "\"\xc3\xa9\"",
	"\"\xc3\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
	"\"C:\\\\NAS\\\\x\"", "0", "-0", "01", "-01", "-", "-a", "1.5",
	"1e5", "1E-2", "1.", ".5", "123456789012345678",
	"1234567890123456789", "99999999999999999999999",
	"-9223372036854775808",
	"true", "false", "null", "tru", "nul", "fals", "[]", "{}",
	"[1,[2,[3,{\"a\":4}]]]", "{\"a\":{\"a\":1.5}}", "[1,]", "{\"a\"}",
	"{\"a\":1,}", "[\r\n1\r\n,\r\n2\r\n]", "{ \"q\" : [ ] }", "\"",
	"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	"{\"b\":\"inner\",\"a\":7}", "\"\\u00e9\\",
};

static void
t_keep(void)
{
	struct txt t = { NULL, 0, 0 };
	const struct tl_jv *v;
	struct tl_jdoc d;
	teller_ctx *ctx;
	char *deep;
	size_t i, k;
	int it, fastx;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK ||
	    tl_jdoc_init(ctx, &d) != TELLER_OK)
		exit(1);
	for (i = 0; i < sizeof(xvals) / sizeof(xvals[0]); i++) {
		fastx = tl_jdoc_fast(ctx, &d, xvals[i], strlen(xvals[i]),
		    &v) == TELLER_OK;
		tl_jdoc_free(&d);
		t.n = 0;
		puts0(&t, "[{\"a\":1,\"b\":\"s\"},\r\n {\"a\":2,\"x\":");
		puts0(&t, xvals[i]);
		puts0(&t, ",\"b\":\"t\\u00e9\"},{\"x\":");
		puts0(&t, xvals[i]);
		puts0(&t, "}, {\"a\":3}]");
		keep_one(t.s, t.n, fastx);
		/* and cut at every byte */
		for (k = 1; k < t.n; k++)
			keep_one(t.s, k, 0);
	}
	/* Nested past the scanner's depth (lim.depth - 2) in x. */
	deep = malloc(700);
	if (deep == NULL)
		exit(1);
	strcpy(deep, "[{\"a\":1,\"x\":");
	k = strlen(deep);
	memset(deep + k, '[', 300);
	memset(deep + k + 300, ']', 300);
	memcpy(deep + k + 600, "}]", 3);
	keep_one(deep, strlen(deep), 0);
	free(deep);
	/* Generated elements, whole and cut. */
	for (it = 0; it < 1500; it++) {
		t.n = 0;
		puts0(&t, "[");
		for (i = 0, k = 1 + rnd(4); i < k; i++) {
			if (i > 0)
				puts0(&t, ",");
			gen_ws(&t);
			puts0(&t, "{\"x\":");
			gen_value(&t, 3);
			puts0(&t, ",\"a\":");
			gen_value(&t, 2);
			puts0(&t, ",\"b\":");
			gen_value(&t, 1);
			puts0(&t, "}");
		}
		puts0(&t, "]");
		keep_one(t.s, rnd(3) == 0 ? 1 + rnd((unsigned)t.n) : t.n, 0);
	}
	teller_ctx_free(ctx);
	CHECK(nkeep > 3000, "only %d arrays", nkeep);
	free(t.s);
}

/* Member names as written against the names kept, which the scanner
 * matches as they stand in the text before it looks for their end:
 * kept names, their prefixes and extensions, names sharing their first
 * two bytes, and kept names written with escapes (decoded, then looked
 * up). Each as text, its decoded name, and whether that is kept. */
static const char *const nm_keep[] = {
	"Rank", "Id", "CandidateId", "IsAmbiguous", "IsCurrent", "z", "@id",
	"PrecinctPortionId", "BallotPrePrintedId", "\\x", "", NULL
};
static const struct {
	const char *text, *name;
	int kept;
} nm_cases[] = {
	{ "Rank", "Rank", 1 }, { "Ran", "Ran", 0 }, { "Ranks", "Ranks", 0 },
	{ "R\\\\u0061nk", "R\\u0061nk", 0 }, { "R\\u0061nk", "Rank", 1 },
	{ "\\u0052ank", "Rank", 1 }, { "Rank\\n", "Rank\n", 0 },
	{ "Id", "Id", 1 }, { "I", "I", 0 }, { "Ix", "Ix", 0 },
	{ "I\\u0064", "Id", 1 }, { "Idd", "Idd", 0 },
	{ "CandidateId", "CandidateId", 1 },
	{ "CandidateIds", "CandidateIds", 0 },
	{ "CandidateI", "CandidateI", 0 }, { "Ca", "Ca", 0 },
	{ "IsAmbiguous", "IsAmbiguous", 1 },
	{ "IsAmbiguouz", "IsAmbiguouz", 0 }, { "IsCurrent", "IsCurrent", 1 },
	{ "IsCurren", "IsCurren", 0 }, { "z", "z", 1 },
	{ "\\u007a", "z", 1 }, { "zz", "zz", 0 }, { "", "", 1 },
	{ "@id", "@id", 1 }, { "@i", "@i", 0 }, { "\\u0040id", "@id", 1 },
	{ "\xc3\xa9", "\xc3\xa9", 0 }, { "z\xc3\xa9", "z\xc3\xa9", 0 },
	{ "PrecinctPortionId", "PrecinctPortionId", 1 },
	{ "PrecinctPortionIx", "PrecinctPortionIx", 0 },
	{ "PrecinctId", "PrecinctId", 0 },
	{ "BallotPrePrintedId", "BallotPrePrintedId", 1 },
	{ "BallotPrePrintedIdx", "BallotPrePrintedIdx", 0 },
	{ "BallotPrePrinted\\u0049d", "BallotPrePrintedId", 1 },
	{ "\\\\x", "\\x", 1 }, { "\\\\", "\\", 0 },
};

/* What the records of s hold under each of nm_keep's names, and how
 * many members each kept. */
static int
nm_elem(void *ud, size_t i, const struct tl_jv *e)
{
	struct txt *t = ud;
	char b[48];
	size_t k;

	snprintf(b, sizeof(b), "#%zu/%zu:", i, e->n);
	puts0(t, b);
	for (k = 0; nm_keep[k] != NULL; k++) {
		const struct tl_jv *v = tl_jv_get(e, nm_keep[k]);
		long x;

		if (v != NULL && tl_jv_int(v, &x)) {
			snprintf(b, sizeof(b), "%s=%ld,", nm_keep[k], x);
			puts0(t, b);
		}
	}
	return TELLER_OK;
}

static void
nm_one(const char *s, size_t len, const char *want)
{
	struct tl_jspan sp = { s, len, 1, 1, "n.json" };
	struct tl_jkeys ks;
	struct txt a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	teller_ctx *c1, *c2;
	const char *f1, *f2;
	long l1, l2, k1, k2;
	int r1, r2;

	tl_jkeys_init(&ks, nm_keep);
	if (teller_ctx_new(NULL, &c1) != TELLER_OK ||
	    teller_ctx_new(NULL, &c2) != TELLER_OK)
		exit(1);
	puts0(&a, "");
	puts0(&b, "");
	r1 = tl_json_elements_v(c1, &sp, nm_elem, &a);
	r2 = tl_json_elements_k(c2, &sp, &ks, nm_elem, &b);
	CHECK(r1 == r2, "%.60s: rc %d, kept %d", s, r1, r2);
	CHECK_STR(teller_errmsg(c1), teller_errmsg(c2));
	teller_errpos(c1, &f1, &l1, &k1);
	teller_errpos(c2, &f2, &l2, &k2);
	CHECK(l1 == l2 && k1 == k2, "%.60s: at %ld:%ld, kept %ld:%ld", s, l1,
	    k1, l2, k2);
	if (want != NULL)
		CHECK_STR(b.s, want);
	free(a.s);
	free(b.s);
	teller_ctx_free(c1);
	teller_ctx_free(c2);
}

/* A kept name twice: the last one is read (lookups stop at the first
 * only in objects known to have no name twice). */
static const char *const nm_dups[][2] = {
	{ "[{\"Rank\":1,\"Id\":2,\"Rank\":3}]", "#0/3:Rank=3,Id=2," },
	{ "[{\"Rank\":1,\"Ran\":4,\"R\\u0061nk\":3}]", "#0/2:Rank=3," },
	{ "[{\"Rank\":1,\"Id\":2},{\"Rank\":5,\"Rank\":6}]",
	    "#0/2:Rank=1,Id=2,#1/2:Rank=6," },
};

static void
t_names(void)
{
	struct txt t = { NULL, 0, 0 }, w = { NULL, 0, 0 };
	char b[96];
	size_t i, k, n = sizeof(nm_cases) / sizeof(nm_cases[0]);

	for (i = 0; i < n; i++) {
		/* alone, then with a kept member after it, at the end of
		 * the text, blanks before the ':' */
		t.n = w.n = 0;
		puts0(&t, "[{\"");
		puts0(&t, nm_cases[i].text);
		puts0(&t, "\":5,\"Id\":6},{\"");
		puts0(&t, nm_cases[i].text);
		puts0(&t, "\" :7}]");
		puts0(&w, "");
		snprintf(b, sizeof(b), "#0/%d:", nm_cases[i].kept + 1);
		puts0(&w, b);
		for (k = 0; nm_keep[k] != NULL; k++) {
			if (strcmp(nm_keep[k], "Id") == 0) {
				puts0(&w, "Id=6,");
				continue;
			}
			if (nm_cases[i].kept &&
			    strcmp(nm_keep[k], nm_cases[i].name) == 0) {
				snprintf(b, sizeof(b), "%s=5,", nm_keep[k]);
				puts0(&w, b);
			}
		}
		snprintf(b, sizeof(b), "#1/%d:", nm_cases[i].kept);
		puts0(&w, b);
		if (nm_cases[i].kept) {
			snprintf(b, sizeof(b), "%s=7,", nm_cases[i].name);
			puts0(&w, b);
		}
		nm_one(t.s, t.n, w.s);
		for (k = 1; k < t.n; k++)
			nm_one(t.s, k, NULL);
	}
	/* A kept name twice: the last one is read (lookups stop at the
	 * first only in objects known to have no name twice). */
	for (i = 0; i < sizeof(nm_dups) / sizeof(nm_dups[0]); i++)
		nm_one(nm_dups[i][0], strlen(nm_dups[i][0]), nm_dups[i][1]);
	free(t.s);
	free(w.s);
}

/* An element seen; one whose "a" is "no" is refused (as a reader
 * refuses a record), with its index in the message. */
struct sseen {
	teller_ctx *ctx;
	struct saw s;
	size_t next;  /* the index the next element must have */
	int twice;    /* elements handed over out of turn */
};

static int
stream_elem(void *ud, size_t i, const struct tl_jv *e)
{
	struct sseen *z = ud;
	const struct tl_jv *a = tl_jv_get(e, "a");

	saw_elem(&z->s, i, e);
	z->twice += i != z->next;
	z->next = i + 1;
	if (tl_jv_is(a, TL_JSTR) && strcmp(a->u.s, "no") == 0)
		return tl_fail_in(z->ctx, "s.json", TELLER_EPARSE, 0, 0,
		    "Sessions[%zu]: refused", i);
	return TELLER_OK;
}

/* A random object: members named Sessions (as written or escaped),
 * near names and others, the arrays' elements with kept members a, b
 * (sometimes "no") and a left-out x. */
static void
gen_sessions_doc(struct txt *t)
{
	static const char *const keys[] = { "\"Sessions\"", "\"V\"",
		"\"Sess\\u0069ons\"", "\"Sessionsx\"", "\"S\"", "\"Sessions\"",
		"\"Sessions\"" };
	static const char *const avals[] = { "1", "\"no\"", "\"ok\"", "[2]" };
	unsigned k = rnd(5), i, j, ne;

	puts0(t, rnd(20) == 0 ? "\xEF\xBB\xBF{" : "{");
	for (i = 0; i < k; i++) {
		const char *key = keys[rnd(sizeof(keys) / sizeof(keys[0]))];

		if (i > 0)
			puts0(t, ",");
		gen_ws(t);
		puts0(t, key);
		gen_ws(t);
		puts0(t, ":");
		gen_ws(t);
		if (strstr(key, "Sess") == NULL || strstr(key, "x") != NULL ||
		    rnd(8) == 0) {
			gen_value(t, 2);
			continue;
		}
		puts0(t, "[");
		ne = rnd(5);
		for (j = 0; j < ne; j++) {
			if (j > 0)
				puts0(t, ",");
			gen_ws(t);
			puts0(t, "{\"a\":");
			puts0(t, rnd(6) == 0 ? avals[1] :
			    avals[rnd(sizeof(avals) / sizeof(avals[0]))]);
			puts0(t, ",\"x\":");
			gen_value(t, 2);
			puts0(t, ",\"b\":");
			gen_value(t, 1);
			puts0(t, "}");
		}
		gen_ws(t);
		puts0(t, "]");
	}
	gen_ws(t);
	puts0(t, "}");
	gen_ws(t);
}

/* Damage t a little: a byte replaced, or the end cut off. */
static void
damage(struct txt *t)
{
	static const char bad[] = "{}[],:\"\\x1";

	if (t->n == 0)
		return;
	switch (rnd(4)) {
	case 0:
		t->s[rnd((unsigned)t->n)] = bad[rnd(sizeof(bad) - 1)];
		break;
	case 1:
		t->n = rnd((unsigned)t->n);
		t->s[t->n] = '\0';
		break;
	default:
		break;
	}
}

static int nstream, nstream_ok, nstream_refused, nstream_early;

static void
stream_one(const char *s, size_t len)
{
	struct tl_map m = { s, len, false, 0, NULL, NULL };
	struct sseen a, b;
	struct tl_jkeys ks;
	const char *f1, *f2;
	long l1, l2, k1, k2;
	int r1, r2;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	tl_jkeys_init(&ks, keep_names);
	if (teller_ctx_new(NULL, &a.ctx) != TELLER_OK ||
	    teller_ctx_new(NULL, &b.ctx) != TELLER_OK)
		exit(1);
	puts0(&a.s.t, "");
	puts0(&b.s.t, "");
	tl_json_two_passes = true;
	r1 = tl_json_array_member(a.ctx, &m, "s.json", "Sessions", &ks,
	    stream_elem, &a);
	tl_json_two_passes = false;
	r2 = tl_json_array_member(b.ctx, &m, "s.json", "Sessions", &ks,
	    stream_elem, &b);
	nstream++;
	nstream_ok += r1 == TELLER_OK;
	nstream_refused += strstr(teller_errmsg(a.ctx), "refused") != NULL;
	CHECK(r1 == r2, "%.80s: rc %d, one pass %d (%s)", s, r1, r2,
	    teller_errmsg(b.ctx));
	CHECK_STR(teller_errmsg(a.ctx), teller_errmsg(b.ctx));
	teller_errpos(a.ctx, &f1, &l1, &k1);
	teller_errpos(b.ctx, &f2, &l2, &k2);
	CHECK(l1 == l2 && k1 == k2, "%.80s: at %ld:%ld, one pass %ld:%ld", s,
	    l1, k1, l2, k2);
	/* Each element handed over once, in order; the same ones, but
	 * for an error the two passes find before the array (a failed
	 * run: the one pass handed over some first). */
	CHECK(a.twice == 0 && b.twice == 0, "%.80s: out of turn", s);
	CHECK(strcmp(a.s.t.s, b.s.t.s) == 0 || (r1 != TELLER_OK &&
	    *a.s.t.s == '\0'), "%.80s: saw '%.80s', one pass '%.80s'", s,
	    a.s.t.s, b.s.t.s);
	nstream_early += r1 != TELLER_OK && *a.s.t.s == '\0' &&
	    *b.s.t.s != '\0';
	free(a.s.t.s);
	free(b.s.t.s);
	teller_ctx_free(a.ctx);
	teller_ctx_free(b.ctx);
}

static void
t_stream(void)
{
	static const char *const fixed[] = {
		"{\"Sessions\":[{\"a\":1},{\"a\":2}]}",
		"{\"V\":1,\"Sessions\":[{\"a\":1}],\"W\":[1]}",
		/* a refused element, then an error after the array: the
		 * later member's error comes first in the two passes */
		"{\"Sessions\":[{\"a\":1},{\"a\":\"no\"}],\"W\":[1,]}",
		"{\"Sessions\":[{\"a\":1},{\"a\":\"no\"}],\"W\":[1}",
		"{\"Sessions\":[{\"a\":1},{\"a\":\"no\"}],\"W\":1} x",
		"{\"Sessions\":[{\"a\":\"no\"}],\"Sessions\":[{\"a\":2}]}",
		/* repeated names: the last array is read */
		"{\"Sessions\":[{\"a\":1}],\"Sessions\":[{\"a\":2}]}",
		"{\"Sessions\":[{\"a\":1}],\"Sess\\u0069ons\":[{\"a\":2}]}",
		"{\"Sessions\":[{\"a\":1}],\"Sessions\":7}",
		"{\"Sessions\":7,\"Sessions\":[{\"a\":2}]}",
		"{\"Sessions\":[{\"a\":1},{\"a\":2}],\"Sessions\":[{\"a\":2}",
		"{\"Sessions\":[{\"a\":1} {\"a\":2}]}",
		"{\"Sessions\":[]}", "{}", "{\"V\":[]}", "[]", "",
	};
	struct txt t = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		stream_one(fixed[i], strlen(fixed[i]));
	for (i = 0; i < 30000; i++) {
		t.n = 0;
		puts0(&t, "");
		gen_sessions_doc(&t);
		if (rnd(3) == 0)
			damage(&t);
		stream_one(t.s, t.n);
	}
	free(t.s);
	printf("stream: %d objects, %d read, %d with a refused element, "
	    "%d failed after elements were handed over\n", nstream,
	    nstream_ok, nstream_refused, nstream_early);
	CHECK(nstream_ok > 3000 && nstream_refused > 1000, "%d read, %d "
	    "refused", nstream_ok, nstream_refused);
}

int
main(void)
{
	t_walk();
	t_keep();
	t_names();
	t_stream();
	return h_done();
}
