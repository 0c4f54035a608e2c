/* SPDX-License-Identifier: MIT */
/*
 * mjson.c -- the one small JSON reader of cli/: the whole text into a
 * tree of struct mj (strings decoded to UTF-8, numbers kept as text),
 * each value with its LINE:COL, and back into compact text to compare
 * subtrees. Used by `teller verify` (manifests) and `teller count
 * --lots` (cli/lots.c). A text that is not JSON is refused with the
 * place and the reason. The depth is capped so hostile input cannot
 * exhaust the stack.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mjson.h"

#define MJ_DEPTH 64

struct rd {
	const char *p, *end;
	const char *bol;  /* where the line of p begins */
	long line;
	struct mj_err err;
};

/* Fail at at (on the current line: JSON has no raw newline but in white
 * space); returns -1. The first failure is kept. */
static int
bad(struct rd *r, const char *at, const char *what)
{
	if (r->err.what == NULL) {
		r->err.line = r->line;
		r->err.col = (long)(at - r->bol) + 1;
		r->err.what = what;
	}
	return -1;
}

static void
ws(struct rd *r)
{
	for (; r->p < r->end; r->p++) {
		if (*r->p == '\n') {
			r->line++;
			r->bol = r->p + 1;
		} else if (*r->p != ' ' && *r->p != '\t' && *r->p != '\r') {
			break;
		}
	}
}

/* Is the next character (after white space) ch? Then take it. */
static int
lit(struct rd *r, char ch)
{
	ws(r);
	if (r->p < r->end && *r->p == ch) {
		r->p++;
		return 1;
	}
	return 0;
}

static int
hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		int c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Code point u (below 0x110000) as UTF-8 into o; returns its length. */
static size_t
utf8_put(char *o, unsigned u)
{
	if (u < 0x80) {
		o[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (char)(0xc0 | (u >> 6));
		o[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		o[0] = (char)(0xe0 | (u >> 12));
		o[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		o[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (u >> 18));
	o[1] = (char)(0x80 | ((u >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((u >> 6) & 0x3f));
	o[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

/* One escape at r->p (the backslash) into o; returns its length, or 0
 * after bad(). Leaves r->p on the escape's last character. */
static size_t
escape(struct rd *r, char *o)
{
	const char *at = r->p++;
	unsigned u, lo;

	switch (r->p < r->end ? *r->p : '\0') {
	case '"': case '\\': case '/': *o = *r->p; return 1;
	case 'b': *o = '\b'; return 1;
	case 'f': *o = '\f'; return 1;
	case 'n': *o = '\n'; return 1;
	case 'r': *o = '\r'; return 1;
	case 't': *o = '\t'; return 1;
	case 'u':
		break;
	default:
		bad(r, at, "bad escape in a string");
		return 0;
	}
	if (r->end - r->p < 5 || hex4(r->p + 1, &u) != 0) {
		bad(r, at, "bad \\u escape");
		return 0;
	}
	r->p += 4;
	if (u >= 0xd800 && u < 0xdc00) {
		if (r->end - r->p < 7 || r->p[1] != '\\' || r->p[2] != 'u' ||
		    hex4(r->p + 3, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff) {
			bad(r, at, "lone surrogate in \\u escape");
			return 0;
		}
		r->p += 6;
		u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
	} else if (u >= 0xdc00 && u < 0xe000) {
		bad(r, at, "lone surrogate in \\u escape");
		return 0;
	}
	if (u == 0) {
		bad(r, at, "NUL in a string");
		return 0;
	}
	return utf8_put(o, u);
}

/* A string at r->p (the opening quote), decoded, malloc'd; NULL after
 * bad(). The decoded text is never longer than the quoted one. */
static char *
string(struct rd *r)
{
	const char *q;
	char *o, *s;

	ws(r);
	if (r->p >= r->end || *r->p != '"') {
		bad(r, r->p, "expected a string");
		return NULL;
	}
	for (q = ++r->p; q < r->end && *q != '"'; q += *q == '\\' ? 2 : 1)
		;
	if (q > r->end)
		q = r->end;
	if ((s = malloc((size_t)(q - r->p) + 1)) == NULL) {
		bad(r, r->p, "out of memory");
		return NULL;
	}
	for (o = s; r->p < r->end && *r->p != '"'; r->p++) {
		size_t k = 1;

		if ((unsigned char)*r->p < 0x20) {
			bad(r, r->p, "control character in a string");
			goto fail;
		}
		if (*r->p == '\\') {
			if ((k = escape(r, o)) == 0)
				goto fail;
		} else {
			*o = *r->p;
		}
		o += k;
	}
	if (r->p >= r->end) {
		bad(r, r->end, "string never closed");
		goto fail;
	}
	r->p++;
	*o = '\0';
	return s;
fail:
	free(s);
	return NULL;
}

static struct mj *value(struct rd *r, int depth);

/* Elements or members after the opening bracket, until close. */
static int
items(struct rd *r, struct mj *v, char close, int depth)
{
	struct mj **tail = &v->kid;

	if (lit(r, close))
		return 0;
	for (;;) {
		char *key = NULL;
		struct mj *k;

		if (close == '}') {
			if ((key = string(r)) == NULL)
				return -1;
			if (!lit(r, ':')) {
				free(key);
				return bad(r, r->p, "expected ':'");
			}
		}
		if ((k = value(r, depth + 1)) == NULL) {
			free(key);
			return -1;
		}
		k->key = key;
		*tail = k;
		tail = &k->next;
		v->n++;
		if (lit(r, close))
			return 0;
		if (!lit(r, ','))
			return bad(r, r->p, close == '}' ?
			    "expected ',' or '}'" : "expected ',' or ']'");
	}
}

/* Does [q, e) spell a JSON number (RFC 8259 section 6)? */
static int
is_number(const char *q, const char *e)
{
	if (q < e && *q == '-')
		q++;
	if (q == e || *q < '0' || *q > '9')
		return 0;
	if (*q == '0')
		q++;
	else
		while (q < e && *q >= '0' && *q <= '9')
			q++;
	if (q < e && *q == '.') {
		if (++q == e || *q < '0' || *q > '9')
			return 0;
		while (q < e && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < e && (*q == 'e' || *q == 'E')) {
		if (++q < e && (*q == '+' || *q == '-'))
			q++;
		if (q == e || *q < '0' || *q > '9')
			return 0;
		while (q < e && *q >= '0' && *q <= '9')
			q++;
	}
	return q == e;
}

static struct mj *
value(struct rd *r, int depth)
{
	struct mj *v;
	const char *q;

	ws(r);
	if (r->p >= r->end) {
		bad(r, r->p, "expected a value");
		return NULL;
	}
	if (depth > MJ_DEPTH) {
		bad(r, r->p, "nested too deeply");
		return NULL;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		bad(r, r->p, "out of memory");
		return NULL;
	}
	v->line = r->line;
	v->col = (long)(r->p - r->bol) + 1;
	q = r->p;
	if (*q == '{' || *q == '[') {
		v->type = *q == '{' ? MJ_OBJ : MJ_ARR;
		r->p++;
		if (items(r, v, *q == '{' ? '}' : ']', depth) == 0)
			return v;
	} else if (*q == '"') {
		v->type = MJ_STR;
		if ((v->s = string(r)) != NULL)
			return v;
	} else {
		while (r->p < r->end && *r->p != '\0' &&
		    strchr("+-.0123456789eEtruefalsn", *r->p) != NULL)
			r->p++;
		if (r->p == q || (!is_number(q, r->p) &&
		    !(r->p - q == 4 && memcmp(q, "null", 4) == 0) &&
		    !(r->p - q == 4 && memcmp(q, "true", 4) == 0) &&
		    !(r->p - q == 5 && memcmp(q, "false", 5) == 0))) {
			bad(r, q, q[0] == '-' || (q[0] >= '0' && q[0] <= '9') ?
			    "not a JSON number" : "expected a value");
		} else if ((v->s = strndup(q, (size_t)(r->p - q))) == NULL) {
			bad(r, q, "out of memory");
		} else {
			v->type = q[0] == 'n' ? MJ_NULL : q[0] == 't' ||
			    q[0] == 'f' ? MJ_BOOL : MJ_NUM;
			return v;
		}
	}
	mj_free(v);
	return NULL;
}

struct mj *
mj_parse_err(const char *buf, size_t len, struct mj_err *err)
{
	struct rd r;
	struct mj *v = NULL;
	const char *nul = memchr(buf, '\0', len);

	memset(&r, 0, sizeof(r));
	r.p = r.bol = buf;
	r.end = buf + len;
	r.line = 1;
	if (nul != NULL) {
		/* refused outright, wherever it stands */
		for (; r.p < nul; r.p++)
			if (*r.p == '\n') {
				r.line++;
				r.bol = r.p + 1;
			}
		bad(&r, nul, "NUL byte");
	} else if ((v = value(&r, 0)) != NULL) {
		ws(&r);
		if (r.p != r.end)
			bad(&r, r.p, "text after the JSON value");
	}
	if (r.err.what != NULL) {
		mj_free(v);
		v = NULL;
	}
	if (err != NULL)
		*err = r.err;
	return v;
}

struct mj *
mj_parse(const char *buf, size_t len)
{
	return mj_parse_err(buf, len, NULL);
}

int
mj_perror(const char *path, const struct mj_err *err)
{
	fprintf(stderr, "teller: %s:%ld:%ld: %s\n", path, err->line,
	    err->col, err->what != NULL ? err->what : "not JSON");
	return -1;
}

int
mj_fail(const char *path, const struct mj *v, const char *what)
{
	fprintf(stderr, "teller: %s:%ld:%ld: %s\n", path,
	    v != NULL ? v->line : 1L, v != NULL ? v->col : 1L, what);
	return -1;
}

void
mj_free(struct mj *v)
{
	while (v != NULL) {
		struct mj *next = v->next;
		mj_free(v->kid);
		free(v->s);
		free(v->key);
		free(v);
		v = next;
	}
}

const struct mj *
mj_get(const struct mj *o, const char *key)
{
	const struct mj *k;

	if (o == NULL || o->type != MJ_OBJ)
		return NULL;
	for (k = o->kid; k != NULL; k = k->next)
		if (strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

const char *
mj_str(const struct mj *o, const char *key)
{
	const struct mj *v = mj_get(o, key);

	return v != NULL && (v->type == MJ_STR || v->type == MJ_NUM) ?
	    v->s : NULL;
}

const struct mj *
mj_at(const struct mj *a, size_t i)
{
	const struct mj *k;

	if (a == NULL || a->type != MJ_ARR)
		return NULL;
	for (k = a->kid; k != NULL && i > 0; k = k->next)
		i--;
	return k;
}

struct buf {
	char *s;
	size_t n, cap;
	int err;
};

static void
add(struct buf *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *t = realloc(b->s, cap);
		if (t == NULL) {
			b->err = 1;
			return;
		}
		b->s = t;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void
quoted(struct buf *b, const char *s)
{
	add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			add(b, "\\", 1);
		add(b, s, 1);
	}
	add(b, "\"", 1);
}

static void
text(struct buf *b, const struct mj *v)
{
	const struct mj *k;

	if (v->type == MJ_STR) {
		quoted(b, v->s);
		return;
	}
	if (v->type != MJ_ARR && v->type != MJ_OBJ) {
		add(b, v->s, strlen(v->s));
		return;
	}
	add(b, v->type == MJ_ARR ? "[" : "{", 1);
	for (k = v->kid; k != NULL; k = k->next) {
		if (k != v->kid)
			add(b, ",", 1);
		if (k->key != NULL) {
			quoted(b, k->key);
			add(b, ":", 1);
		}
		text(b, k);
	}
	add(b, v->type == MJ_ARR ? "]" : "}", 1);
}

char *
mj_text(const struct mj *v)
{
	struct buf b = { NULL, 0, 0, 0 };

	if (v == NULL)
		return strdup("null");
	text(&b, v);
	if (b.err) {
		free(b.s);
		return NULL;
	}
	return b.s;
}
