/* SPDX-License-Identifier: MIT */
/*
 * mjson.c -- a small JSON reader for `teller verify`: the whole text
 * into a tree of struct mj (strings decoded, numbers kept as text), and
 * back into compact text to compare subtrees. Manifests are small; the
 * depth is capped so hostile input cannot exhaust the stack.
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"

#define MJ_DEPTH 64

struct rd {
	const char *p, *end;
};

static void
ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
	    *r->p == '\n' || *r->p == '\r'))
		r->p++;
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

static size_t
utf8(char *o, unsigned c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | c >> 12);
		o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | c >> 18);
	o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* A string at r->p (after the opening quote), decoded, malloc'd. */
static char *
string(struct rd *r)
{
	const char *q = r->p;
	char *o, *s;
	unsigned c, d;

	while (q < r->end && *q != '"')
		q += *q == '\\' ? 2 : 1;
	if (q >= r->end || (s = malloc((size_t)(q - r->p) * 2 + 1)) == NULL)
		return NULL;
	for (o = s; r->p < q; r->p++) {
		if ((unsigned char)*r->p < 0x20)
			goto bad;
		if (*r->p != '\\') {
			*o++ = *r->p;
			continue;
		}
		switch (*++r->p) {
		case '"': case '\\': case '/': *o++ = *r->p; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (r->end - r->p < 5 || hex4(r->p + 1, &c))
				goto bad;
			r->p += 4;
			if (c >= 0xD800 && c < 0xDC00 && r->end - r->p >= 7 &&
			    r->p[1] == '\\' && r->p[2] == 'u' &&
			    hex4(r->p + 3, &d) == 0 && d >= 0xDC00 &&
			    d < 0xE000) {
				c = 0x10000 + ((c - 0xD800) << 10) +
				    (d - 0xDC00);
				r->p += 6;
			}
			if (c == 0)
				goto bad;
			o += utf8(o, c);
			break;
		default:
			goto bad;
		}
	}
	*o = '\0';
	r->p = q + 1;
	return s;
bad:
	free(s);
	return NULL;
}

static struct mj *value(struct rd *r, int depth);

/* Elements or members after the opening bracket, until close. */
static int
items(struct rd *r, struct mj *v, char close, int depth)
{
	struct mj **tail = &v->kid;

	ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		struct mj *k;

		ws(r);
		if (close == '}') {
			if (r->p >= r->end || *r->p != '"')
				return -1;
			r->p++;
			if ((key = string(r)) == NULL)
				return -1;
			ws(r);
			if (r->p >= r->end || *r->p != ':') {
				free(key);
				return -1;
			}
			r->p++;
		}
		if ((k = value(r, depth + 1)) == NULL) {
			free(key);
			return -1;
		}
		k->key = key;
		*tail = k;
		tail = &k->next;
		v->n++;
		ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return 0;
		}
		return -1;
	}
}

static struct mj *
value(struct rd *r, int depth)
{
	struct mj *v;
	const char *q;

	ws(r);
	if (r->p >= r->end || depth > MJ_DEPTH ||
	    (v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	q = r->p;
	if (*q == '{' || *q == '[') {
		v->type = *q == '{' ? MJ_OBJ : MJ_ARR;
		r->p++;
		if (items(r, v, *q == '{' ? '}' : ']', depth) == 0)
			return v;
	} else if (*q == '"') {
		v->type = MJ_STR;
		r->p++;
		if ((v->s = string(r)) != NULL)
			return v;
	} else {
		while (r->p < r->end && strchr("+-.0123456789eEtruefalsn",
		    *r->p) != NULL && *r->p != '\0')
			r->p++;
		if ((v->s = strndup(q, (size_t)(r->p - q))) != NULL) {
			if (strcmp(v->s, "null") == 0) {
				v->type = MJ_NULL;
				return v;
			}
			if (strcmp(v->s, "true") == 0 ||
			    strcmp(v->s, "false") == 0) {
				v->type = MJ_BOOL;
				return v;
			}
			v->type = MJ_NUM;
			if (v->s[0] == '-' || (v->s[0] >= '0' &&
			    v->s[0] <= '9'))
				return v;
		}
	}
	mj_free(v);
	return NULL;
}

struct mj *
mj_parse(const char *buf, size_t len)
{
	struct rd r = { buf, buf + len };
	struct mj *v = value(&r, 0);

	ws(&r);
	if (v != NULL && r.p != r.end) {
		mj_free(v);
		return NULL;
	}
	return v;
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
