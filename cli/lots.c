/* SPDX-License-Identifier: MIT */
/*
 * lots.c -- reading `teller count --lots FILE`: the lots a returning
 * officer drew, either one SPEC ("STAGE:NAME<NAME<...") a line, or a
 * JSON array shaped like the manifest's lots[] (audit.md 4.2): objects
 * with "stage" and "order" (the tied, least favoured first); their other
 * keys are read and passed over. A small JSON reader of its own, so the
 * command needs no JSON library.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lots.h"

struct jr {
	const char *path, *p, *s, *end;
	char err[160];
};

static int
bad(struct jr *j, const char *at, const char *what)
{
	long line = 1, col = 1;
	const char *q;

	for (q = j->s; q < at && q < j->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	fprintf(stderr, "teller: %s:%ld:%ld: %s\n", j->path, line, col, what);
	return -1;
}

static void
ws(struct jr *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
lit(struct jr *j, char ch)
{
	ws(j);
	if (j->p < j->end && *j->p == ch) {
		j->p++;
		return 0;
	}
	return -1;
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

/* Code point u (below 0x110000) as UTF-8 into tmp; returns its length. */
static size_t
utf8_put(char tmp[4], unsigned u)
{
	if (u < 0x80) {
		tmp[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		tmp[0] = (char)(0xc0 | (u >> 6));
		tmp[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		tmp[0] = (char)(0xe0 | (u >> 12));
		tmp[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		tmp[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	tmp[0] = (char)(0xf0 | (u >> 18));
	tmp[1] = (char)(0x80 | ((u >> 12) & 0x3f));
	tmp[2] = (char)(0x80 | ((u >> 6) & 0x3f));
	tmp[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

/* A JSON string into buf (cap bytes, NUL-ended), UTF-8. */
static int
str(struct jr *j, char *buf, size_t cap)
{
	size_t n = 0;

	ws(j);
	if (j->p >= j->end || *j->p != '"')
		return bad(j, j->p, "expected a string");
	for (j->p++; j->p < j->end && *j->p != '"'; j->p++) {
		unsigned char ch = (unsigned char)*j->p;
		unsigned u;
		char tmp[4];
		size_t k = 1;

		if (ch < 0x20)
			return bad(j, j->p, "control character in a string");
		tmp[0] = (char)ch;
		if (ch == '\\') {
			const char *at = j->p++;
			if (j->p >= j->end)
				break;
			switch (*j->p) {
			case '"': case '\\': case '/': tmp[0] = *j->p; break;
			case 'b': tmp[0] = '\b'; break;
			case 'f': tmp[0] = '\f'; break;
			case 'n': tmp[0] = '\n'; break;
			case 'r': tmp[0] = '\r'; break;
			case 't': tmp[0] = '\t'; break;
			case 'u':
				if (j->end - j->p < 5 ||
				    hex4(j->p + 1, &u) != 0)
					return bad(j, at, "bad \\u escape");
				j->p += 4;
				if (u >= 0xd800 && u < 0xdc00) {
					unsigned lo;
					if (j->end - j->p < 7 ||
					    j->p[1] != '\\' || j->p[2] != 'u' ||
					    hex4(j->p + 3, &lo) != 0 ||
					    lo < 0xdc00 || lo > 0xdfff)
						return bad(j, at, "lone "
						    "surrogate in \\u escape");
					j->p += 6;
					u = 0x10000 + ((u - 0xd800) << 10) +
					    (lo - 0xdc00);
				} else if (u >= 0xdc00 && u < 0xe000) {
					return bad(j, at, "lone surrogate in "
					    "\\u escape");
				}
				if (u == 0)
					return bad(j, at, "NUL in a string");
				k = utf8_put(tmp, u);
				break;
			default:
				return bad(j, at, "bad escape in a string");
			}
		}
		if (buf != NULL) {
			if (n + k >= cap)
				return bad(j, j->p, "string too long");
			memcpy(buf + n, tmp, k);
		}
		n += k;
	}
	if (j->p >= j->end)
		return bad(j, j->end, "string never closed");
	j->p++;
	if (buf != NULL)
		buf[n] = '\0';
	return 0;
}

static int skip_value(struct jr *j, int depth);

/* Pass over a value of any kind. */
static int
skip_value(struct jr *j, int depth)
{
	const char *v;

	ws(j);
	if (depth > 64)
		return bad(j, j->p, "nested too deeply");
	if (j->p >= j->end)
		return bad(j, j->p, "expected a value");
	if (*j->p == '"')
		return str(j, NULL, 0);
	if (*j->p == '[' || *j->p == '{') {
		char close = *j->p == '[' ? ']' : '}';
		bool obj = *j->p == '{';
		j->p++;
		if (lit(j, close) == 0)
			return 0;
		for (;;) {
			if (obj && str(j, NULL, 0) != 0)
				return -1;
			if (obj && lit(j, ':') != 0)
				return bad(j, j->p, "expected ':'");
			if (skip_value(j, depth + 1) != 0)
				return -1;
			if (lit(j, close) == 0)
				return 0;
			if (lit(j, ',') != 0)
				return bad(j, j->p, "expected ',' or the end");
		}
	}
	for (v = j->p; j->p < j->end && strchr("+-.0123456789eEtrufalsn",
	    *j->p) != NULL; j->p++)
		;
	if (j->p == v)
		return bad(j, v, "expected a value");
	return 0;
}

/* One lot object into spec (cap bytes). */
static int
lot_object(struct jr *j, char *spec, size_t cap)
{
	char key[256], name[512], order[4096];
	const char *start = j->p;
	long long stage = -1;
	size_t olen = 0;
	int names = -1;

	if (lit(j, '{') != 0)
		return bad(j, j->p, "expected a lot: {\"stage\": N, "
		    "\"order\": [...]}");
	if (lit(j, '}') == 0)
		goto done;
	for (;;) {
		if (str(j, key, sizeof(key)) != 0)
			return -1;
		if (lit(j, ':') != 0)
			return bad(j, j->p, "expected ':'");
		ws(j);
		if (strcmp(key, "stage") == 0) {
			char *e;
			stage = strtoll(j->p, &e, 10);
			if (e == j->p || stage < 1 || stage > 1000000)
				return bad(j, j->p, "\"stage\" must be a stage "
				    "number");
			j->p = e;
		} else if (strcmp(key, "order") == 0) {
			if (lit(j, '[') != 0)
				return bad(j, j->p, "\"order\" must be a list "
				    "of names, least favoured first");
			names = 0;
			if (lit(j, ']') != 0)
				for (;;) {
					const char *at = j->p;
					size_t k;
					if (str(j, name, sizeof(name)) != 0)
						return -1;
					k = strlen(name);
					if (strchr(name, '<') != NULL ||
					    olen + k + 2 >= sizeof(order))
						return bad(j, at, "a name in "
						    "\"order\" holds '<' or is "
						    "too long");
					if (names++ > 0)
						order[olen++] = '<';
					memcpy(order + olen, name, k);
					olen += k;
					if (lit(j, ']') == 0)
						break;
					if (lit(j, ',') != 0)
						return bad(j, j->p, "expected "
						    "',' or ']'");
				}
		} else if (skip_value(j, 1) != 0) {
			return -1;
		}
		if (lit(j, '}') == 0)
			break;
		if (lit(j, ',') != 0)
			return bad(j, j->p, "expected ',' or '}'");
	}
done:
	if (stage < 0 || names < 0)
		return bad(j, start, "a lot needs \"stage\" and \"order\"");
	order[olen] = '\0';
	if ((size_t)snprintf(spec, cap, "%lld:%s", stage, order) >= cap)
		return bad(j, start, "lot too long");
	return 0;
}

static int
parse_json(struct jr *j, int (*add)(void *, const char *, size_t), void *ud)
{
	char spec[4200];

	if (lit(j, '[') != 0)
		return bad(j, j->p, "expected '['");
	if (lit(j, ']') != 0)
		for (;;) {
			if (lot_object(j, spec, sizeof(spec)) != 0 ||
			    add(ud, spec, strlen(spec)) != 0)
				return -1;
			if (lit(j, ']') == 0)
				break;
			if (lit(j, ',') != 0)
				return bad(j, j->p, "expected ',' or ']'");
		}
	ws(j);
	if (j->p != j->end)
		return bad(j, j->p, "text after the list of lots");
	return 0;
}

static int
parse_lines(struct jr *j, int (*add)(void *, const char *, size_t),
    void *ud)
{
	const char *p, *e;

	for (p = j->s; p < j->end; p = e + 1) {
		const char *s = p, *t;
		e = memchr(p, '\n', (size_t)(j->end - p));
		if (e == NULL)
			e = j->end;
		t = e;
		while (s < t && (*s == ' ' || *s == '\t'))
			s++;
		while (t > s && (t[-1] == ' ' || t[-1] == '\t' ||
		    t[-1] == '\r'))
			t--;
		if (s == t || *s == '#')
			continue;
		if (add(ud, s, (size_t)(t - s)) != 0)
			return -1;
	}
	return 0;
}

int
cli_lots_parse(const char *path, const char *buf, size_t len,
    int (*add)(void *ud, const char *spec, size_t n), void *ud)
{
	struct jr j;

	j.path = path;
	j.s = j.p = buf;
	j.end = buf + len;
	if (memchr(buf, '\0', len) != NULL)
		return bad(&j, memchr(buf, '\0', len), "NUL byte");
	ws(&j);
	if (j.p < j.end && *j.p == '[')
		return parse_json(&j, add, ud);
	return parse_lines(&j, add, ud);
}
