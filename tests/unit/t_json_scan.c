/* SPDX-License-Identifier: MIT */
/*
 * t_json_scan.c -- the compact-tree JSON scanner of cvr_json.c (used for
 * streamed Dominion sessions and CDF CVRs): values and escapes against
 * jansson's, the inputs it must leave to jansson (reals, \u0000, bad
 * UTF-8, ...), whole documents (tl_jdoc_load) against jansson's (no
 * string holds a NUL: \u0000 is refused),
 * errors and their positions, and tl_jpath_push.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"
#include "cvr_util.h"

static teller_ctx *ctx;
static struct tl_jdoc doc;

/* A fresh context (the first error of a context is the one kept). */
static void
renew(void)
{
	tl_jdoc_free(&doc);
	teller_ctx_free(ctx);
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK ||
	    tl_jdoc_init(ctx, &doc) != TELLER_OK) {
		fprintf(stderr, "no context\n");
		exit(1);
	}
}

/* Whether compact tree v holds the same value as jansson's j. */
static bool
same(const struct tl_jv *v, const json_t *j)
{
	const struct tl_jv *e;
	size_t i;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
	{
		const char *k;
		json_t *x;

		if (v->type != TL_JOBJ)
			return false;
		/* Every key, both ways; values of the last of equal keys. */
		for (e = v->n ? v + 1 : NULL; e != NULL; e = tl_jv_next(e)) {
			char kb[64];

			if (e->klen >= sizeof(kb))
				return false;
			memcpy(kb, e->key, e->klen);
			kb[e->klen] = '\0';
			if (json_object_get(j, kb) == NULL ||
			    !same(tl_jv_get(v, kb), json_object_get(j, kb)))
				return false;
		}
		json_object_foreach((json_t *)(uintptr_t)j, k, x)
			if (tl_jv_get(v, k) == NULL)
				return false;
		return true;
	}
	case JSON_ARRAY:
		if (v->type != TL_JARR || v->n != json_array_size(j))
			return false;
		for (i = 0, e = tl_jv_first(v); e != NULL;
		    i++, e = tl_jv_next(e))
			if (!same(e, json_array_get(j, i)))
				return false;
		return i == v->n;
	case JSON_STRING:
		/* no NUL inside (the readers take that as given) */
		return v->type == TL_JSTR && v->n == json_string_length(j) &&
		    memcmp(v->u.s, json_string_value(j), v->n + 1) == 0 &&
		    strlen(v->u.s) == v->n;
	case JSON_INTEGER:
		return v->type == TL_JINT && v->u.i == json_integer_value(j);
	case JSON_REAL:
		return v->type == TL_JREAL;
	case JSON_TRUE:
		return v->type == TL_JTRUE;
	case JSON_FALSE:
		return v->type == TL_JFALSE;
	default:
		return v->type == TL_JNULL;
	}
}

/* s is taken by the fast scanner, with jansson's value. */
static void
fast_ok(const char *s)
{
	const struct tl_jv *v;
	json_error_t je;
	json_t *j = json_loadb(s, strlen(s), JSON_DECODE_ANY, &je);
	int rc = tl_jdoc_fast(ctx, &doc, s, strlen(s), &v);

	CHECK(j != NULL, "jansson refuses %s: %s", s, je.text);
	CHECK(rc == TELLER_OK, "fast scanner gives up on %s", s);
	if (j != NULL && rc == TELLER_OK)
		CHECK(same(v, j), "different value for %s", s);
	json_decref(j);
}

/* The fast scanner gives s up; tl_jdoc_parse then agrees with jansson:
 * the same value, or an EPARSE error where jansson fails. */
static void
fast_no(const char *s)
{
	const struct tl_jv *v;
	struct tl_jspan sp = { s, strlen(s), 1, 1, "fast.json" };
	json_error_t je;
	json_t *j = json_loadb(s, strlen(s), JSON_DECODE_ANY, &je);
	int rc;

	renew();
	CHECK(tl_jdoc_fast(ctx, &doc, s, strlen(s), &v) != TELLER_OK,
	    "fast scanner takes %s", s);
	rc = tl_jdoc_parse(ctx, &doc, &sp, &v);
	if (j == NULL) {
		CHECK(rc == TELLER_EPARSE, "%s: rc %d, jansson: %s", s, rc,
		    je.text);
		CHECK(strstr(teller_errmsg(ctx), je.text) != NULL,
		    "%s: '%s' does not hold '%s'", s, teller_errmsg(ctx),
		    je.text);
	} else {
		CHECK(rc == TELLER_OK, "%s: rc %d", s, rc);
		if (rc == TELLER_OK)
			CHECK(same(v, j), "different value for %s", s);
	}
	tl_jdoc_free(&doc);
	json_decref(j);
}

static void
t_values(void)
{
	const struct tl_jv *v, *e;
	const char *s;
	char buf[32];
	long n;

	fast_ok("{}");
	fast_ok("[]");
	fast_ok("{ \"a\" : [ 1 , -2 , 0 , -0 ] ,\n\t\"b\":{\"c\":null}}");
	fast_ok("[true,false,null,\"\",123456789012345678,"
	    "-123456789012345678]");
	fast_ok("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\"");
	fast_ok("\"\\u00e9\\u20AC\\u0041\\ud83d\\ude00\\uDBFF\\uDFFF\"");
	fast_ok("\"raw \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"
	    " \xed\x9f\xbf \xee\x80\x80\"");
	fast_ok("{\"k\\u00e9y\":1,\"\":2}");
	fast_ok("{\"a\":1,\"b\":2,\"a\":3}");
	fast_ok("[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]");

	/* Last of equal keys; null kept by tl_jv_get, not tl_jv_jget. */
	CHECK(tl_jdoc_fast(ctx, &doc, "{\"a\":1,\"n\":null,\"a\":7}", 22,
	    &v) == TELLER_OK, "dup");
	CHECK(tl_jv_int(tl_jv_get(v, "a"), &n) && n == 7, "last a");
	CHECK(tl_jv_is(tl_jv_get(v, "n"), TL_JNULL), "null member");
	CHECK(tl_jv_jget(v, "n") == NULL, "jget null");
	CHECK(tl_jv_get(v, "x") == NULL, "absent");
	CHECK(tl_jv_first(v) == NULL, "an object is no array");
	CHECK(tl_jv_get(v + 1, "a") == NULL, "not an object");

	/* Integers as Java's Integer; text as toString(). */
	s = "[2147483647,-2147483648,2147483648,true,\"s\",null]";
	if (tl_jdoc_fast(ctx, &doc, s, strlen(s), &v) != TELLER_OK) {
		CHECK(0, "ints");
		return;
	}
	e = tl_jv_first(v);
	CHECK(tl_jv_int(e, &n) && n == 2147483647, "max");
	e = tl_jv_next(e);
	CHECK(tl_jv_int(e, &n) && n == -2147483647 - 1, "min");
	e = tl_jv_next(e);
	CHECK(!tl_jv_int(e, &n), "2^31 is no Integer");
	CHECK(tl_jv_text(e, buf, sizeof(buf)), "text of an integer");
	CHECK_STR(buf, "2147483648");
	CHECK(!tl_jv_text(e, buf, 5), "too long for buf");
	e = tl_jv_next(e);
	CHECK(tl_jv_text(e, buf, sizeof(buf)), "text of true");
	CHECK_STR(buf, "true");
	e = tl_jv_next(e);
	CHECK(tl_jv_text(e, buf, sizeof(buf)), "text of a string");
	CHECK_STR(buf, "s");
	e = tl_jv_next(e);
	CHECK(!tl_jv_text(e, buf, sizeof(buf)), "no text of null");
	CHECK(tl_jv_next(e) == NULL, "last");
}

static void
t_give_up(void)
{
	/* Valid JSON left to jansson: the same values. */
	fast_no("{\"r\":1.5}");
	fast_no("[1e5,1E+2,-3.25e-7,0.0]");
	fast_no("[1234567890123456789]");
	fast_no("[-9223372036854775808]");
	/* Invalid for jansson too: its error. */
	fast_no("[99999999999999999999]");
	fast_no("[1e999]");
	fast_no("[01]");
	fast_no("[-]");
	fast_no("[.5]");
	fast_no("[1.]");
	fast_no("\"\\u0000\"");
	fast_no("\"\\ud800\"");
	fast_no("\"\\udc00\"");
	fast_no("\"\\ud800\\u0041\"");
	fast_no("\"\\u12G4\"");
	fast_no("\"\\x\"");
	fast_no("\"\xff\"");
	fast_no("\"\xc0\x80\"");
	fast_no("\"\xe0\x80\x80\"");
	fast_no("\"\xed\xa0\x80\"");
	fast_no("\"\xf4\x90\x80\x80\"");
	fast_no("\"\xc3\"");
	fast_no("\"a\x01\"");
	fast_no("\"a\nb\"");
	fast_no("[tru]");
	fast_no("[truex]");
	fast_no("[1,]");
	fast_no("{\"a\":1,}");
	fast_no("{\"a\" 1}");
	fast_no("{a:1}");
	fast_no("[1 2]");
	fast_no("[1]x");
	fast_no("[1");
	fast_no("\"abc");
	fast_no("");
}

/* tl_jdoc_load on a whole document s agrees with jansson's json_loadb
 * (JSON_REJECT_DUPLICATES with TL_JNODUPS): the same value, whether the
 * fast scanner takes it or not, and a tree that does not point into the
 * text; or the same error, line, column and text. */
static void
load(const char *s, int flags)
{
	size_t n = strlen(s);
	char *buf = malloc(n + 1);
	const struct tl_jv *v;
	struct tl_jerr te;
	json_error_t je;
	json_t *j = json_loadb(s, n, flags & TL_JNODUPS ?
	    JSON_REJECT_DUPLICATES : 0, &je);
	int rc;

	renew();
	if (buf == NULL)
		return;
	memcpy(buf, s, n + 1);
	rc = tl_jdoc_load(ctx, &doc, buf, n, flags, &te, &v);
	if (j == NULL) {
		CHECK(rc == TELLER_EPARSE, "%s: rc %d, jansson: %s", s, rc,
		    je.text);
		CHECK(te.line == je.line && te.col == je.column,
		    "%s: at %ld:%ld, jansson %d:%d", s, te.line, te.col,
		    je.line, je.column);
		CHECK_STR(te.text, je.text);
	} else {
		CHECK(rc == TELLER_OK, "%s: rc %d (%s)", s, rc, te.text);
		CHECK(te.line == -1 && te.col == -1 && te.text[0] == '\0',
		    "%s: error %ld:%ld '%s' on success", s, te.line, te.col,
		    te.text);
		memset(buf, '#', n);
		if (rc == TELLER_OK)
			CHECK(same(v, j), "different value for %s", s);
	}
	tl_jdoc_free(&doc);
	json_decref(j);
	free(buf);
}

static void
t_load(void)
{
	const struct tl_jv *v, *e;

	/* Taken fast. */
	load("{}", 0);
	load(" \n\t[1, -2, \"x\"]\r\n ", 0);
	load("{\"a\":{\"b\":[true,false,null,\"s\\u00e9\"]},\"c\":[]}", 0);
	load("{\"a\":1,\"a\":2}", 0);
	load("{\"k\\u00e9y\":1,\"plain\":{\"in\":2}}", 0);
	/* Left to jansson. */
	load("{\"a\":1.5,\"b\":[1e3,{\"c\":-0.0}]}", 0);
	load("[12345678901234567890]", 0);
	load("{\"a\":1,\"a\":2}", TL_JNODUPS);
	load("{\"a\":{\"b\":1},\"c\":{\"b\":2}}", TL_JNODUPS);
	/* Refused, with jansson's words and place. */
	load("", 0);
	load(" \n ", 0);
	load("5", 0);
	load("  \"x\" ", 0);
	load("{} x", 0);
	load("{\"a\":1}\n\n  ]", 0);
	load("{\"a\" 1}", 0);
	load("[1,\n 2,]", 0);
	load("[\"\\u0000\"]", 0);
	load("{\"a\":\"x\\u0000y\",\"b\":[\"z\",\"\\u0000\"]}", 0);
	load("\xef\xbb\xbf{}", 0);
	load("{\"a\":1,\n \"b\":{\"c\":1,\"c\":2}}", TL_JNODUPS);
	/* Accessors on a loaded tree. */
	renew();
	{
		static const char t[] = "{\"l\":[3,4,5],\"o\":{}}";
		struct tl_jerr te;

		CHECK_INT(tl_jdoc_load(ctx, &doc, t, strlen(t), 0, &te, &v),
		    TELLER_OK);
		e = tl_jv_get(v, "l");
		CHECK_INT(tl_jv_len(e), 3);
		CHECK_INT(tl_jv_len(tl_jv_get(v, "o")), 0);
		CHECK_INT(tl_jv_len(NULL), 0);
		CHECK(tl_jv_at(e, 2) != NULL && tl_jv_at(e, 2)->u.i == 5,
		    "element 2");
		CHECK(tl_jv_at(e, 3) == NULL, "no element 3");
		CHECK(tl_jv_at(v, 0) == NULL, "an object has no elements");
	}
}

/* A long string with escapes makes the pool grow mid-string. */
static void
t_long(void)
{
	size_t n = 300000, i, k = 0;
	char *s = malloc(n * 3 + 8);
	const struct tl_jv *v;

	if (s == NULL)
		return;
	s[k++] = '[';
	s[k++] = '"';
	for (i = 0; k < n * 3; i++) {
		if (i % 7 == 0) {
			memcpy(s + k, "\\u00e9", 6);
			k += 6;
		} else {
			s[k++] = (char)('a' + i % 26);
		}
	}
	s[k++] = '"';
	s[k++] = ']';
	s[k] = '\0';
	fast_ok(s);
	CHECK(tl_jdoc_fast(ctx, &doc, s, k, &v) == TELLER_OK, "long");
	free(s);
}

struct seen {
	size_t n;
	long sum;
};

static int
elem(void *ud, size_t i, const struct tl_jv *e)
{
	struct seen *s = ud;
	long v;

	if (tl_jv_int(tl_jv_jget(e, "v"), &v))
		s->sum += v;
	s->n = i + 1;
	return TELLER_OK;
}

/* tl_json_elements_v on s (a span at line 3, column 5): rc want, and
 * for an error its message and position (those the jansson streaming of
 * each element alone, tl_json_elements, gave before it went), else the
 * sum of the elements' "v". */
static void
elements_at(const char *s, int want, long wsum, long wl, long wc,
    const char *wmsg)
{
	struct tl_jspan sp = { s, strlen(s), 3, 5, "span.json" };
	struct seen st = { 0, 0 };
	const char *file;
	long l2, c2;
	int r2;

	renew();
	r2 = tl_json_elements_v(ctx, &sp, elem, &st);
	teller_errpos(ctx, &file, &l2, &c2);
	CHECK(r2 == want, "%s: rc %d, want %d", s, r2, want);
	if (want != 0 && r2 != 0) {
		CHECK_STR(teller_errmsg(ctx), wmsg);
		CHECK(l2 == wl && c2 == wc, "%s: at %ld:%ld, want %ld:%ld", s,
		    l2, c2, wl, wc);
		/* the error names the span's file (not a context-wide one) */
		CHECK(file != NULL && strcmp(file, "span.json") == 0,
		    "%s: in %s", s, file != NULL ? file : "(none)");
	}
	if (want == 0)
		CHECK(st.sum == wsum, "%s: sum %ld", s, st.sum);
}

static void
elements(const char *s, int want, long wsum)
{
	elements_at(s, want, wsum, 0, 0, "");
}

/* An EPARSE "invalid JSON: what" at line:col. */
static void
elements_bad(const char *s, long line, long col, const char *what)
{
	char msg[300];

	snprintf(msg, sizeof(msg), "invalid JSON: %s", what);
	elements_at(s, TELLER_EPARSE, 0, line, col, msg);
}

static void
t_elements(void)
{
	static char deep[700];
	size_t k;

	elements("[]", 0, 0);
	elements("[ ]", 0, 0);
	elements("[{\"v\":1},\n {\"v\":2.5},\n\t{\"v\":3} ]", 0, 4);
	elements("[{\"v\":1},{\"v\":\"\\u00e9\"},[{\"v\":5}],7,\"x\"]", 0, 1);
	elements_bad("[{\"v\":1},\n  {\"v\":\xff}]", 4, 7,
	    "unable to decode byte 0xff");
	elements_bad("[{\"v\":1},\n  {\"v\":01}]", 4, 8,
	    "invalid token near '0'");
	elements_bad("[{\"v\":1},\n\n    {\"v\" 1}]", 5, 10,
	    "':' expected near '1'");
	elements_bad("[{\"v\":1}\n  {\"v\":1}]", 4, 3, "',' or ']' expected");
	elements_bad("[{\"v\":1},\n  {\"v\":1}", 4, 10,
	    "',' or ']' expected");
	elements_bad("[{\"v\":1},\n  {\"v\":\"abc", 4, 12,
	    "unexpected end of input");
	elements_bad("[{\"v\":1},\n  tru]", 4, 5, "invalid token near 'tru'");
	elements_bad("[{\"v\":1},\n  {\"a\":\"\\", 4, 10,
	    "unexpected end of input");
	/* Nested past lim.depth (256): ELIMIT at the bracket. */
	strcpy(deep, "[{\"v\":1},\n  {\"v\":");
	k = strlen(deep);
	memset(deep + k, '[', 300);
	memset(deep + k + 300, ']', 300);
	memcpy(deep + k + 600, "}]", 3);
	elements_at(deep, TELLER_ELIMIT, 0, 4, 261,
	    "JSON nested more than 256 deep");
}

/* tl_jpath_push without stdio gives what vsnprintf gives. */
static void
t_jpath(void)
{
	struct tl_jpath p;
	char want[192];
	size_t old;
	int i;

	tl_jpath_init(&p);
	tl_jpath_push(&p, "Sessions[%zu]", (size_t)12);
	old = tl_jpath_push(&p, ".%s", "Original");
	tl_jpath_push(&p, ".Rank%ld|%ld", -42L, 0L);
	CHECK_STR(p.b, "Sessions[12].Original.Rank-42|0");
	tl_jpath_pop(&p, old);
	CHECK_STR(p.b, "Sessions[12]");
	tl_jpath_push(&p, "%%%d", 5);
	CHECK_STR(p.b, "Sessions[12]%5");
	/* Cut at the end of the buffer, as before. */
	tl_jpath_init(&p);
	want[0] = '\0';
	for (i = 0; i < 40; i++) {
		size_t w = strlen(want);
		tl_jpath_push(&p, ".Cards[%zu]", (size_t)i);
		snprintf(want + w, sizeof(want) - w, ".Cards[%d]", i);
	}
	CHECK_STR(p.b, want);
	CHECK_INT(p.n, sizeof(p.b) - 1);
}

/* Index and literal segments are kept unrendered until tl_jpath_str,
 * and pop undoes them whether or not they were rendered since. */
static void
t_jpath_lazy(void)
{
	struct tl_jpath p;
	size_t a, b, c;

	tl_jpath_init(&p);
	CHECK_STR(tl_jpath_str(&p), "");
	tl_jpath_idx(&p, "Sessions", 3);
	a = tl_jpath_push(&p, ".Original");
	CHECK_INT(p.n, 0); /* nothing rendered yet */
	b = tl_jpath_idx(&p, ".Cards", 0);
	c = tl_jpath_idx(&p, ".Contests", 17);
	CHECK_STR(tl_jpath_str(&p), "Sessions[3].Original.Cards[0]"
	    ".Contests[17]");
	tl_jpath_pop(&p, c);
	CHECK_STR(tl_jpath_str(&p), "Sessions[3].Original.Cards[0]");
	tl_jpath_pop(&p, b);
	tl_jpath_idx(&p, ".Cards", 1);
	tl_jpath_push(&p, ".%s", "Id");
	CHECK_STR(p.b, "Sessions[3].Original.Cards[1].Id");
	tl_jpath_pop(&p, a);
	CHECK_STR(tl_jpath_str(&p), "Sessions[3]");
	/* Popped before ever being rendered. */
	b = tl_jpath_idx(&p, ".Modified", 12345678);
	tl_jpath_pop(&p, b);
	tl_jpath_idx(&p, "[", 0);
	CHECK_STR(tl_jpath_str(&p), "Sessions[3][[0]");
	/* Past the buffer: cut, as eager pushes are. */
	tl_jpath_init(&p);
	for (c = 0; c < 100; c++)
		tl_jpath_idx(&p, ".Marks", c);
	CHECK_INT(strlen(tl_jpath_str(&p)), sizeof(p.b) - 1);
	CHECK(strncmp(p.b, ".Marks[0].Marks[1].Marks[2]", 27) == 0, "%s",
	    p.b);
}

/* tl_jv_text of integers (the ids a Dominion session is read by) as
 * "%lld" would write them, refused when the buffer is too small. */
static void
t_text_int(void)
{
	static const long long xs[] = {
		0, 1, 9, 10, 42, 99, 100, 101, 999, 1000, 1001, 9999, 10000,
		10001, 99999, -1, -9, -10, -9999, -10000, 2147483647,
		-2147483648LL, 999999999999999999LL, -999999999999999999LL,
	};
	size_t i, bs;

	for (i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
		for (bs = 1; bs <= 24; bs++) {
			struct tl_jv v;
			char want[32], got[32];
			int n = snprintf(want, sizeof(want), "%lld", xs[i]);
			bool ok;

			memset(&v, 0, sizeof(v));
			v.type = TL_JINT;
			v.u.i = xs[i];
			memset(got, 'x', sizeof(got));
			ok = tl_jv_text(&v, got, bs);
			CHECK(ok == ((size_t)n < bs), "%lld in %zu: %d", xs[i],
			    bs, ok);
			if (ok)
				CHECK_STR(got, want);
			/* nothing written past the buffer */
			CHECK(got[bs] == 'x', "%lld in %zu: past the end",
			    xs[i], bs);
		}
	}
}

int
main(void)
{
	t_text_int();
	renew();
	t_values();
	t_give_up();
	t_long();
	t_load();
	t_elements();
	t_jpath();
	t_jpath_lazy();
	tl_jdoc_free(&doc);
	teller_ctx_free(ctx);
	return h_done();
}
