/* SPDX-License-Identifier: MIT */
/*
 * ajson.c -- a small JSON reader for the audit subsystem (RAIRE solution
 * files for `teller raire --check`): a tree in the context's arena,
 * strings and numbers kept as their source text, errors with their line
 * and column. The core has no third-party JSON library (only lib/rctab/
 * uses jansson), and these files are small.
 */
#include <string.h>

#include "ajson.h"

struct rd {
	teller_ctx *ctx;
	const char *name; /* the input's, for errors */
	const char *p, *end, *line0;
	long line;
	int depth;
};

static int
bad(struct rd *r, const char *what)
{
	return tl_fail_in(r->ctx, r->name, TELLER_EPARSE, r->line,
	    (long)(r->p - r->line0) + 1, "%s", what);
}

static void
ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
	    *r->p == '\n' || *r->p == '\r')) {
		if (*r->p == '\n') {
			r->line++;
			r->line0 = r->p + 1;
		}
		r->p++;
	}
}

/* A string at r->p (the opening quote): its raw text between quotes. */
static int
str(struct rd *r, const char **s, size_t *n)
{
	const char *q = ++r->p;

	while (r->p < r->end && *r->p != '"') {
		if ((unsigned char)*r->p < 0x20)
			return bad(r, "control character in a string");
		if (*r->p == '\\')
			r->p++;
		r->p++;
	}
	if (r->p >= r->end)
		return bad(r, "unterminated string");
	*s = q;
	*n = (size_t)(r->p - q);
	r->p++;
	return TELLER_OK;
}

static int value(struct rd *r, struct tl_jv *v);

/* The members or elements of an object or array at r->p. */
static int
items(struct rd *r, struct tl_jv *v, char close)
{
	struct tl_jv **tail = &v->kid;
	int rc;

	r->p++;
	ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return TELLER_OK;
	}
	for (;;) {
		struct tl_jv *k = tl_alloc(r->ctx, 1, sizeof(*k));

		if (k == NULL)
			return TELLER_ENOMEM;
		ws(r);
		if (close == '}') {
			if (r->p >= r->end || *r->p != '"')
				return bad(r, "expected a member name");
			if ((rc = str(r, &k->key, &k->keyn)) != TELLER_OK)
				return rc;
			ws(r);
			if (r->p >= r->end || *r->p != ':')
				return bad(r, "expected ':'");
			r->p++;
			ws(r);
		}
		if ((rc = value(r, k)) != TELLER_OK)
			return rc;
		*tail = k;
		tail = &k->next;
		v->nkid++;
		ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return TELLER_OK;
		}
		return bad(r, close == '}' ? "expected ',' or '}'" :
		    "expected ',' or ']'");
	}
}

static int
value(struct rd *r, struct tl_jv *v)
{
	static const char *const words[] = { "null", "true", "false" };
	static const int types[] = { TL_JNULL, TL_JBOOL, TL_JBOOL };
	const char *q = r->p;
	int i, rc;

	v->line = r->line;
	v->col = (long)(r->p - r->line0) + 1;
	if (r->p >= r->end)
		return bad(r, "unexpected end of input");
	if (*r->p == '{' || *r->p == '[') {
		if (++r->depth > r->ctx->lim.depth)
			return bad(r, "nested too deeply");
		v->t = *r->p == '{' ? TL_JOBJ : TL_JARR;
		rc = items(r, v, *r->p == '{' ? '}' : ']');
		r->depth--;
		return rc;
	}
	if (*r->p == '"') {
		v->t = TL_JSTR;
		return str(r, &v->s, &v->n);
	}
	for (i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(r->end - r->p) >= n &&
		    memcmp(r->p, words[i], n) == 0) {
			v->t = types[i];
			v->s = r->p;
			v->n = n;
			r->p += n;
			return TELLER_OK;
		}
	}
	while (r->p < r->end && (strchr("+-.eE", *r->p) != NULL ||
	    (*r->p >= '0' && *r->p <= '9')))
		r->p++;
	if (r->p == q)
		return bad(r, "expected a value");
	v->t = TL_JNUM;
	v->s = q;
	v->n = (size_t)(r->p - q);
	return TELLER_OK;
}

int
tl_ajson_parse(teller_ctx *ctx, const char *name, const char *buf,
    size_t len, struct tl_jv **root)
{
	struct rd r;
	int rc;

	r.ctx = ctx;
	r.name = name;
	r.p = r.line0 = buf;
	r.end = buf + len;
	r.line = 1;
	r.depth = 0;
	if ((*root = tl_alloc(ctx, 1, sizeof(**root))) == NULL)
		return TELLER_ENOMEM;
	ws(&r);
	if ((rc = value(&r, *root)) != TELLER_OK)
		return rc;
	ws(&r);
	if (r.p != r.end)
		return bad(&r, "text after the JSON value");
	return TELLER_OK;
}

const struct tl_jv *
tl_ajson_get(const struct tl_jv *o, const char *key)
{
	const struct tl_jv *k;
	size_t n = strlen(key);

	if (o == NULL || o->t != TL_JOBJ)
		return NULL;
	for (k = o->kid; k != NULL; k = k->next)
		if (k->keyn == n && memcmp(k->key, key, n) == 0)
			return k;
	return NULL;
}

bool
tl_ajson_int(const struct tl_jv *v, int64_t *out)
{
	int64_t x = 0;
	size_t i = 0;
	bool neg = false;

	if (v == NULL || v->t != TL_JNUM || v->n == 0)
		return false;
	if (v->s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == v->n)
		return false;
	for (; i < v->n; i++) {
		if (v->s[i] < '0' || v->s[i] > '9')
			return false;
		if (x > (INT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (v->s[i] - '0');
	}
	*out = neg ? -x : x;
	return true;
}

bool
tl_ajson_is(const struct tl_jv *v, const char *s)
{
	return v != NULL && v->t == TL_JSTR && v->n == strlen(s) &&
	    memcmp(v->s, s, v->n) == 0;
}
