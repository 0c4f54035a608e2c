/* SPDX-License-Identifier: MIT */
/*
 * cvr_xml.c -- streaming XML for the vendor CVR readers (expat): element
 * paths, positioned errors, no DTDs.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <expat.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cvr_util.h"

const char *
tl_xml_local(const char *name)
{
	const char *c = strrchr(name, ':');

	return c != NULL ? c + 1 : name;
}

/* tl_vec_reserve, the common case inline. */
static inline int
vroom(teller_ctx *ctx, struct tl_vec *v, size_t n)
{
	return v->cap - v->len >= n ? 0 : tl_vec_reserve(ctx, v, n);
}

/* Stop expat (the scanner stops at x->err by itself). */
static void
xml_stop(struct tl_xml *x)
{
	if (x->parser != NULL)
		XML_StopParser((XML_Parser)x->parser, XML_FALSE);
}

/* The newlines in p[0..e - p). */
static size_t
count_nl(const char *p, const char *e)
{
	size_t n = 0;
#if defined(__SSE2__)
	const __m128i nl = _mm_set1_epi8('\n'), z = _mm_setzero_si128();

	while (e - p >= 64) {
		__m128i acc = z, t;
		int k;

		/* up to 4 * 63 per byte lane, then summed */
		for (k = 0; k < 63 && e - p >= 64; k++, p += 64) {
			const __m128i *v = (const __m128i *)(const void *)p;

			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(
			    _mm_loadu_si128(v), nl));
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(
			    _mm_loadu_si128(v + 1), nl));
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(
			    _mm_loadu_si128(v + 2), nl));
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(
			    _mm_loadu_si128(v + 3), nl));
		}
		t = _mm_sad_epu8(acc, z);
		n += (size_t)_mm_cvtsi128_si32(t) +
		    (size_t)_mm_cvtsi128_si32(_mm_srli_si128(t, 8));
	}
#endif
	for (; p < e; p++)
		n += *p == '\n';
	return n;
}

/* The first c in p[0..e - p), or NULL: memchr, without its call for
 * the short distances between tags. */
static inline const char *
find_chr(const char *p, const char *e, char c)
{
#if defined(__SSE2__)
	const __m128i v = _mm_set1_epi8(c);

	while (e - p >= 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)p), v));
		if (m != 0)
			return p + __builtin_ctz(m);
		p += 16;
	}
#endif
	return p < e ? memchr(p, c, (size_t)(e - p)) : NULL;
}

/* The scanner's line count brought up to offset pos (>= x->snl). */
static void
scan_lines(struct tl_xml *x, size_t pos)
{
	const char *p = x->sbuf + x->snl, *e = x->sbuf + pos, *q;

	if (p >= e)
		return;
	x->sline += (long)count_nl(p, e);
	/* the line holding pos starts after the last newline */
	for (q = e; q > p && q[-1] != '\n'; q--)
		;
	if (q > p)
		x->sbol = (size_t)(q - x->sbuf);
	x->snl = pos;
}

/* The scanner's position as expat gives it: line, and column counted
 * in characters from 0. */
static void
scan_pos(struct tl_xml *x, long *line, long *col)
{
	const unsigned char *p, *e;
	long n = 0;

	scan_lines(x, x->spos);
	p = (const unsigned char *)x->sbuf + x->sbol;
	e = (const unsigned char *)x->sbuf + x->spos;
	for (; p < e; p++)
		n += (*p & 0xC0) != 0x80;
	*line = x->sline;
	*col = n;
}

int
tl_xml_fail(struct tl_xml *x, int err, const char *fmt, ...)
{
	XML_Parser p = x->parser;
	char msg[200];
	long line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p != NULL) {
		line = (long)XML_GetCurrentLineNumber(p);
		col = (long)XML_GetCurrentColumnNumber(p);
	} else {
		scan_pos(x, &line, &col);
	}
	x->err = tl_fail_in(x->ctx, x->file, err, line, col + 1, "%s", msg);
	xml_stop(x);
	return x->err;
}

long
tl_xml_line(struct tl_xml *x)
{
	if (x->parser == NULL) {
		scan_lines(x, x->spos);
		return x->sline;
	}
	return (long)XML_GetCurrentLineNumber((XML_Parser)x->parser);
}

bool
tl_xml_at(const struct tl_xml *x, const char *const *names)
{
	int n = 0, i;

	while (names[n] != NULL)
		n++;
	if (n > x->depth)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(x->path[x->depth - n + i], names[i]) != 0)
			return false;
	return true;
}

/* Rebuild x->path from the name pool (the pool may have moved). */
static void
xml_paths(struct tl_xml *x)
{
	int i;

	for (i = 0; i < x->depth; i++)
		TL_VEC_AT(x->ptrs, const char *, i) =
		    (const char *)x->names->data +
		    TL_VEC_AT(x->offs, size_t, i);
	x->path = x->ptrs->data;
}

/* Whether an element opened at depth (elements open) is too deep (then
 * the error is recorded). */
static bool
xml_deep(struct tl_xml *x, int depth)
{
	if (depth < x->ctx->lim.depth)
		return false;
	tl_xml_fail(x, TELLER_ELIMIT, "XML nested more than %d deep",
	    x->ctx->lim.depth);
	return true;
}

/* memcmp(a, b, n) == 0, for the short names of tags. */
static inline bool
same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t u, v;

	for (; n >= 8; n -= 8, a += 8, b += 8) {
		memcpy(&u, a, 8);
		memcpy(&v, b, 8);
		if (u != v)
			return false;
	}
	for (; n > 0; n--)
		if (*a++ != *b++)
			return false;
	return true;
}

/* same_bytes for id_of: the last bytes read as one word. */
static inline bool
id_same(const char *a, const char *b, size_t n)
{
	uint64_t u, v;
	uint32_t s, t;

	if (n >= 8) {
		/* eight at a time, the last eight overlapping */
		const char *ea = a + (n - 8), *eb = b + (n - 8);

		for (; a < ea; a += 8, b += 8) {
			memcpy(&u, a, 8);
			memcpy(&v, b, 8);
			if (u != v)
				return false;
		}
		memcpy(&u, ea, 8);
		memcpy(&v, eb, 8);
		return u == v;
	}
	if (n >= 4) {
		memcpy(&s, a, 4);
		memcpy(&t, b, 4);
		if (s != t)
			return false;
		memcpy(&s, a + (n - 4), 4);
		memcpy(&t, b + (n - 4), 4);
		return s == t;
	}
	for (; n > 0; n--)
		if (*a++ != *b++)
			return false;
	return true;
}

/* Whether a child opened now in a skipped element would be too deep:
 * the checking scan then gives the error. */
static inline bool
xml_deep_near(const struct tl_xml *x)
{
	return x->depth + x->sskip - 1 >= x->ctx->lim.depth;
}

/* Element ids (x->idnames): a name's slot in x->idtab. */
static unsigned
id_hash(const char *p, size_t n)
{
	return (unsigned)(n * 31u + (unsigned char)p[0] * 7u +
	    (unsigned char)p[n - 1]) & 255u;
}

/* x->idtab from x->idnames. */
static void
id_setup(struct tl_xml *x)
{
	size_t i, n;
	unsigned h;

	memset(x->idtab, 0, sizeof(x->idtab));
	for (i = 0; x->idnames[i] != NULL && i < 250; i++) {
		n = strlen(x->idnames[i]);
		/* (a longer name is never matched) */
		if (n == 0 || n > 255)
			continue;
		for (h = id_hash(x->idnames[i], n); x->idtab[h] != 0;
		    h = (h + 1) & 255u)
			;
		x->idtab[h] = (unsigned char)(i + 1);
		x->idlen[h] = (unsigned char)n;
	}
}

/* The id of local name p[0..n): its index in x->idnames + 1, or 0. */
static unsigned char
id_of(const struct tl_xml *x, const char *p, size_t n)
{
	unsigned h;
	unsigned char k;

	if (n == 0)
		return 0;
	for (h = id_hash(p, n); (k = x->idtab[h]) != 0; h = (h + 1) & 255u)
		if (x->idlen[h] == n && id_same(x->idnames[k - 1], p, n))
			return k;
	return 0;
}

/* A callback refused an event: its error (or ctx's), the parse stopped. */
static void
cb_failed(struct tl_xml *x)
{
	if (x->err == TELLER_OK)
		x->err = x->ctx->err != TELLER_OK ? x->ctx->err :
		    TELLER_EINTERNAL;
	xml_stop(x);
}

/* Start of an element of local name ln[0..n), with ids (x->idnames). */
static void
id_start(struct tl_xml *x, const char *ln, size_t n, const char **attrs)
{
	if (x->err != TELLER_OK || xml_deep(x, x->depth))
		return;
	if (vroom(x->ctx, x->idv, 1) != 0) {
		x->err = TELLER_ENOMEM;
		xml_stop(x);
		return;
	}
	((unsigned char *)x->idv->data)[x->depth] = id_of(x, ln, n);
	x->depth++;
	x->idv->len = (size_t)x->depth;
	x->ids = x->idv->data;
	x->text->len = 0;
	x->tspan = false;
	if (x->start != NULL && x->start(x, attrs) != TELLER_OK)
		cb_failed(x);
}

/* End of the innermost element, with ids. */
static void
id_end(struct tl_xml *x)
{
	const char *t = x->tspan ? x->tp : x->text->data;
	size_t n = x->tspan ? x->tn : x->text->len;

	if (x->err != TELLER_OK || x->depth == 0)
		return;
	if (x->end != NULL && x->end(x, n > 0 ? t : "", n) != TELLER_OK) {
		cb_failed(x);
		return;
	}
	x->text->len = 0;
	x->tspan = false;
	x->depth--;
	x->idv->len = (size_t)x->depth;
}

static void XMLCALL
xml_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct tl_xml *x = ud;
	const char *ln = tl_xml_local(name);
	size_t n = strlen(ln), off = x->names->len;

	if (x->idnames != NULL) {
		id_start(x, ln, n, attrs);
		return;
	}
	if (x->err != TELLER_OK || xml_deep(x, x->depth))
		return;
	if (vroom(x->ctx, x->names, n + 1) != 0 ||
	    tl_vec_push(x->ctx, x->offs, &off) == NULL ||
	    vroom(x->ctx, x->ptrs, 1) != 0) {
		x->err = TELLER_ENOMEM;
		xml_stop(x);
		return;
	}
	memcpy((char *)x->names->data + off, ln, n + 1);
	x->names->len += n + 1;
	x->depth++;
	x->ptrs->len = (size_t)x->depth;
	xml_paths(x);
	x->text->len = 0;
	if (x->start != NULL && x->start(x, attrs) != TELLER_OK) {
		if (x->err == TELLER_OK)
			x->err = x->ctx->err != TELLER_OK ? x->ctx->err :
			    TELLER_EINTERNAL;
		xml_stop(x);
	}
}

static void XMLCALL
xml_end(void *ud, const XML_Char *name)
{
	struct tl_xml *x = ud;
	char nul = '\0';

	(void)name;
	if (x->idnames != NULL) {
		id_end(x);
		return;
	}
	if (x->err != TELLER_OK || x->depth == 0)
		return;
	if (tl_vec_push(x->ctx, x->text, &nul) == NULL) {
		x->err = TELLER_ENOMEM;
		xml_stop(x);
		return;
	}
	xml_paths(x);
	if (x->end != NULL && x->end(x, x->text->data, x->text->len - 1) !=
	    TELLER_OK) {
		if (x->err == TELLER_OK)
			x->err = x->ctx->err != TELLER_OK ? x->ctx->err :
			    TELLER_EINTERNAL;
		xml_stop(x);
		return;
	}
	x->text->len = 0;
	x->depth--;
	x->names->len = TL_VEC_AT(x->offs, size_t, x->depth);
	x->offs->len = (size_t)x->depth;
	x->ptrs->len = (size_t)x->depth;
}

static void XMLCALL
xml_chars(void *ud, const XML_Char *s, int len)
{
	struct tl_xml *x = ud;

	if (x->err != TELLER_OK || len <= 0)
		return;
	if (vroom(x->ctx, x->text, (size_t)len + 1) != 0) {
		x->err = TELLER_ENOMEM;
		xml_stop(x);
		return;
	}
	memcpy((char *)x->text->data + x->text->len, s, (size_t)len);
	x->text->len += (size_t)len;
}

static void XMLCALL
xml_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int internal)
{
	struct tl_xml *x = ud;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)internal;
	if (x->err == TELLER_OK)
		tl_xml_fail(x, TELLER_EPARSE, "a DOCTYPE is not allowed");
}

/* Ids set up for a parse, when the caller gave x->idnames. */
static int
id_init(teller_ctx *ctx, struct tl_xml *x)
{
	x->ids = NULL;
	x->tspan = false;
	if (x->idnames == NULL)
		return TELLER_OK;
	if (x->idv == NULL && (x->idv = tl_vec_new(ctx, 1)) == NULL)
		return tl_oom(ctx);
	x->idv->len = 0;
	id_setup(x);
	return TELLER_OK;
}

int
tl_xml_parse(teller_ctx *ctx, struct tl_xml *x, const char *file,
    const char *buf, size_t len)
{
	XML_Parser p;
	size_t off = 0;
	int err = TELLER_OK;

	x->ctx = ctx;
	x->file = file;
	x->depth = 0;
	x->err = TELLER_OK;
	x->path = NULL;
	if (x->names == NULL) {
		x->names = tl_vec_new(ctx, 1);
		x->offs = tl_vec_new(ctx, sizeof(size_t));
		x->ptrs = tl_vec_new(ctx, sizeof(const char *));
		x->text = tl_vec_new(ctx, 1);
	}
	if (x->names == NULL || x->offs == NULL || x->ptrs == NULL ||
	    x->text == NULL)
		return tl_oom(ctx);
	x->names->len = x->offs->len = x->ptrs->len = x->text->len = 0;
	if (id_init(ctx, x) != TELLER_OK)
		return TELLER_ENOMEM;
	if ((p = XML_ParserCreate(NULL)) == NULL)
		return tl_oom(ctx);
	x->parser = p;
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, xml_start, xml_end);
	XML_SetCharacterDataHandler(p, xml_chars);
	XML_SetStartDoctypeDeclHandler(p, xml_doctype);
	/* Fed in 1 MiB pieces, so expat buffers only a partial token. */
	do {
		size_t n = len - off > (1u << 20) ? (1u << 20) : len - off;
		int final = off + n == len;

		if (XML_Parse(p, buf + off, (int)n, final) ==
		    XML_STATUS_ERROR) {
			if (x->err != TELLER_OK)
				err = x->err;
			else
				err = tl_fail_in(ctx, file, TELLER_EPARSE,
				    (long)XML_GetCurrentLineNumber(p),
				    (long)XML_GetCurrentColumnNumber(p) + 1,
				    "invalid XML: %s",
				    XML_ErrorString(XML_GetErrorCode(p)));
			break;
		}
		/* expat keeps what it still needs: these bytes are done */
		tl_release(ctx, buf + off, n);
		off += n;
	} while (off < len);
	if (err == TELLER_OK && x->err != TELLER_OK)
		err = x->err;
	if (err == TELLER_ENOMEM)
		tl_oom(ctx);
	XML_ParserFree(p);
	x->parser = NULL;
	return err;
}

/* ------------------------------------------------------------------ */
/* The fast scanner (tl_xml_scan)                                      */

/* Byte classes: TX a byte text cannot hold as is ('<', '&', ']', a
 * carriage return, other controls but tab and newline, non-ASCII); AV
 * the same for attribute values (also quotes, tab and newline); NC a
 * name character, NS a name start (ASCII letters, '_'). */
enum { TX = 1, AV = 2, NC = 4, NS = 8 };
static const unsigned char sc_class[256] = {
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  2,  2,  3,  3,  3,  3,  3,
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
	 0,  0,  2,  0,  0,  0,  3,  2,  0,  0,  0,  0,  0,  4,  4,  0,
	 4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  0,  0,  3,  0,  0,  0,
	 0, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
	12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,  0,  0,  1,  0, 12,
	 0, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
	12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,  0,  0,  0,  0,  0,
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
};

#define SC(c) sc_class[(unsigned char)(c)]

/* The input is given back (tl_release) in steps of this many bytes. */
#define SCAN_STEP ((size_t)1 << 20)
/* The scanner's stack of names keeps this many bytes at each name's
 * start, so that names of up to 32 bytes are copied and compared 32
 * bytes at a time. */
#define NAME_SLACK ((size_t)33)

/* Length of the UTF-8 character at p (< e) that XML allows (U+0080 to
 * U+D7FF, U+E000 to U+FFFD, U+10000 to U+10FFFF), 0 if none. */
static size_t
scan_utf8(const unsigned char *p, const unsigned char *e)
{
	unsigned c = p[0];
	unsigned long u;

	if (c >= 0xC2 && c <= 0xDF) {
		if (e - p < 2 || (p[1] & 0xC0) != 0x80)
			return 0;
		return 2;
	}
	if (c >= 0xE0 && c <= 0xEF) {
		if (e - p < 3 || (p[1] & 0xC0) != 0x80 ||
		    (p[2] & 0xC0) != 0x80)
			return 0;
		u = (c & 0x0Ful) << 12 | (p[1] & 0x3Ful) << 6 |
		    (p[2] & 0x3Ful);
		if (u < 0x800 || (u >= 0xD800 && u <= 0xDFFF) || u >= 0xFFFE)
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (e - p < 4 || (p[1] & 0xC0) != 0x80 ||
		    (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
			return 0;
		u = (c & 0x07ul) << 18 | (p[1] & 0x3Ful) << 12 |
		    (p[2] & 0x3Ful) << 6 | (p[3] & 0x3Ful);
		if (u < 0x10000 || u > 0x10FFFF)
			return 0;
		return 4;
	}
	return 0;
}

/* Past the ASCII letters from p, eight at a time while they last. */
static inline const char *
name_letters(const char *p, const char *e)
{
#if defined(__SSE2__)
	/* signed: bytes >= 0x80 are below 'a' */
	const __m128i lo = _mm_set1_epi8('a' - 1), hi = _mm_set1_epi8('z' + 1);
	const __m128i up = _mm_set1_epi8(0x20);

	while (e - p >= 16) {
		__m128i v = _mm_or_si128(_mm_loadu_si128(
		    (const __m128i *)(const void *)p), up);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
		    _mm_cmpgt_epi8(v, lo), _mm_cmplt_epi8(v, hi)));

		if (m != 0xFFFFu)
			return p + __builtin_ctz(~m);
		p += 16;
	}
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t l = 0x0101010101010101u, h = 0x8080808080808080u;
	uint64_t w, x, ge, gt;

	while (e - p >= 8) {
		memcpy(&w, p, 8);
		x = (w | l * 0x20) & ~h;
		/* 'a' <= x <= 'z' in each byte, and w < 0x80 */
		ge = (x + l * (0x80 - 'a')) & h;
		gt = (x + l * (0x80 - 'z' - 1)) & h;
		x = ~(ge & ~gt & ~w) & h;
		if (x != 0)
			return p + (__builtin_ctzll(x) >> 3);
		p += 8;
	}
#else
	(void)e;
#endif
	return p;
}

/* A name at p: ASCII, at most one ':' between two parts. Its end, or
 * NULL if there is none in the subset. */
static const char *
scan_name(const char *p, const char *e)
{
	bool colon = false;

	if (p >= e || !(SC(*p) & NS))
		return NULL;
	p = name_letters(p + 1, e);
	for (; p < e; p++) {
		if (SC(*p) & NC)
			continue;
		if (*p != ':' || colon || e - p < 2 || !(SC(p[1]) & NS))
			break;
		colon = true;
		p++;
	}
	return p < e ? p : NULL;
}

static const char *
scan_blanks(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n'))
		p++;
	return p;
}

/* 0x80 in each byte of w equal to the byte of pat (8 copies), exactly. */
static inline uint64_t
w_eq(uint64_t w, uint64_t pat)
{
	const uint64_t m = 0x7f7f7f7f7f7f7f7fu;
	uint64_t x = w ^ pat;

	return ~(((x & m) + m) | x | m);
}

/* Eight bytes at a time: whether p[0..8) may hold a byte text cannot
 * hold as is: a control but tab and newline, a byte >= 0x80, '&' or
 * ']' (exact: no carries between bytes). */
static inline bool
text8_odd(const char *p)
{
	const uint64_t l = 0x0101010101010101u, h = 0x8080808080808080u;
	uint64_t w, lo;

	memcpy(&w, p, 8);
	/* below 0x20: high bit clear, and clear after adding 0x60 to the
	 * low seven bits */
	lo = ~(((w & ~h) + l * 0x60) | w) & h;
	lo &= ~(w_eq(w, l * '\n') | w_eq(w, l * '\t'));
	return (lo | (w & h) | w_eq(w, l * '&') | w_eq(w, l * ']')) != 0;
}

/* Text from p to the next '<': its end, or NULL if outside the subset
 * (references, "]]>", carriage returns, controls, bad UTF-8). lo: the
 * start of the input (the last eight bytes before the '<' are checked
 * at once, some before p: text or a tag, checked already). */
static const char *
scan_text(const char *lo, const char *p, const char *e)
{
	const char *t = memchr(p, '<', (size_t)(e - p));

	if (t == NULL)
		return NULL;
	/* plain blocks first; the rest byte by byte */
	for (;;) {
		while (t - p >= 8 && !text8_odd(p))
			p += 8;
		if (p >= t || (t - p < 8 && t - lo >= 8 &&
		    !text8_odd(t - 8)))
			return t;
		if (!(SC(*p) & TX) || *p == '\t' || *p == '\n') {
			p++;
			continue;
		}
		if (*p == ']') {
			if (t - p >= 3 && p[1] == ']' && p[2] == '>')
				return NULL;
			p++;
			continue;
		}
		if ((unsigned char)*p < 0x80)
			return NULL;
		{
			size_t n = scan_utf8((const unsigned char *)p,
			    (const unsigned char *)t);
			if (n == 0)
				return NULL;
			p += n;
		}
	}
}

/* A comment at p ("<!--"): its end, or NULL if it is not one the
 * subset takes ("--" inside, controls, bad UTF-8, no end). */
static const char *
scan_comment(const char *p, const char *e)
{
	size_t n;

	for (p += 4; p < e; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '-' && e - p >= 2 && p[1] == '-')
			return e - p >= 3 && p[2] == '>' ? p + 3 : NULL;
		if (c < 0x20 && c != '\t' && c != '\n')
			return NULL;
		if (c >= 0x80) {
			if ((n = scan_utf8((const unsigned char *)p,
			    (const unsigned char *)e)) == 0)
				return NULL;
			p += n - 1;
		}
	}
	return NULL;
}

/* Blanks and comments from p: their end, NULL at a bad comment. */
static const char *
scan_misc(const char *p, const char *e)
{
	for (;;) {
		p = scan_blanks(p, e);
		if (e - p < 4 || memcmp(p, "<!--", 4) != 0)
			return p;
		if ((p = scan_comment(p, e)) == NULL)
			return NULL;
	}
}

/* An attribute value from p (after the quote q) to its closing quote:
 * the quote's position, or NULL if outside the subset. */
static const char *
scan_value(const char *p, const char *e, char q)
{
	size_t n;

	for (;;) {
		while (p < e && !(SC(*p) & AV))
			p++;
		if (p >= e)
			return NULL;
		if (*p == q)
			return p;
		if (*p == '"' || *p == '\'') {
			p++;
			continue;
		}
		if ((unsigned char)*p < 0x80 ||
		    (n = scan_utf8((const unsigned char *)p,
		    (const unsigned char *)e)) == 0)
			return NULL;
		p += n;
	}
}

/* The XML declaration the subset takes at the start of buf: version
 * 1.0, optionally encoding UTF-8 and standalone yes or no. Its end,
 * buf if there is none, NULL if it is not one of those. */
static const char *
scan_decl(const char *buf, const char *e)
{
	static const char *const keys[] = { "version", "encoding",
	    "standalone" };
	const char *p = buf, *v;
	size_t k = 0, n;
	char q;

	if (e - p < 6 || memcmp(p, "<?xml", 5) != 0)
		return buf;
	p += 5;
	for (;;) {
		v = scan_blanks(p, e);
		if (e - v >= 2 && v[0] == '?' && v[1] == '>')
			return k > 0 ? v + 2 : NULL;
		if (v == p)
			return NULL;
		p = v;
		/* version first, then the others in this order */
		for (;; k++) {
			if (k == 3)
				return NULL;
			n = strlen(keys[k]);
			if ((size_t)(e - p) >= n && memcmp(p, keys[k], n) == 0)
				break;
			if (k == 0)
				return NULL;
		}
		p = scan_blanks(p + n, e);
		if (p >= e || *p != '=')
			return NULL;
		p = scan_blanks(p + 1, e);
		if (p >= e || (*p != '"' && *p != '\''))
			return NULL;
		q = *p++;
		v = p;
		while (p < e && *p != q)
			p++;
		if (p >= e)
			return NULL;
		n = (size_t)(p - v);
		if (k == 0 ? n != 3 || memcmp(v, "1.0", 3) != 0 :
		    k == 1 ? n != 5 || (memcmp(v, "UTF-8", 5) != 0 &&
		    memcmp(v, "utf-8", 5) != 0) :
		    !(n == 3 && memcmp(v, "yes", 3) == 0) &&
		    !(n == 2 && memcmp(v, "no", 2) == 0))
			return NULL;
		p++;
		k++;
	}
}

/* Push the qualified name p[0..n) on the scanner's stack and copy it,
 * NUL-ended, for start; its copy in *out. */
static int
scan_push(struct tl_xml *x, const char *p, size_t n, const char **out)
{
	size_t off = x->sq->len;

	/* NAME_SLACK: a name's first 32 bytes may be read (name_is) */
	if (vroom(x->ctx, x->sq, n + 1 > NAME_SLACK ? n + 1 :
	    NAME_SLACK) != 0 || tl_vec_push(x->ctx, x->sqo, &off) == NULL)
		return TELLER_ENOMEM;
	memcpy((char *)x->sq->data + off, p, n);
	((char *)x->sq->data)[off + n] = '\0';
	x->sq->len += n + 1;
	*out = (const char *)x->sq->data + off;
	return TELLER_OK;
}

static void
scan_pop(struct tl_xml *x)
{
	x->sqo->len--;
	x->sq->len = TL_VEC_AT(x->sqo, size_t, x->sqo->len);
}

/* 32 bytes from p to q. */
static inline void
copy32(char *q, const char *p)
{
	uint64_t w[4];

	memcpy(w, p, 32);
	memcpy(q, w, 32);
}

/* Whether p[0..n) is q[0..n), for n <= 32, when 32 bytes may be read
 * at both. */
static inline bool
name_is(const char *q, const char *p, size_t n)
{
#if defined(__SSE2__)
	const __m128i *a = (const __m128i *)(const void *)q;
	const __m128i *b = (const __m128i *)(const void *)p;
	uint32_t m = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128(a), _mm_loadu_si128(b))) |
	    (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128(a + 1), _mm_loadu_si128(b + 1))) << 16;
	uint32_t want = n >= 32 ? 0xFFFFFFFFu : (1u << n) - 1;

	return (m & want) == want;
#else
	return same_bytes(q, p, n);
#endif
}

/* If the name at p is the innermost open element's name: its end, else
 * NULL. */
static inline const char *
scan_top_name(const struct tl_xml *x, const char *p, const char *e)
{
	const char *q;
	size_t n;

	if (x->sqo->len == 0)
		return NULL;
	q = (const char *)x->sq->data +
	    TL_VEC_AT(x->sqo, size_t, x->sqo->len - 1);
	n = x->sq->len - 1 - (size_t)(q - (const char *)x->sq->data);
	/* that name was checked; the one at p must end after n bytes
	 * (scan_push left NAME_SLACK bytes to read at q) */
	if ((size_t)(e - p) <= n)
		return NULL;
	if (n <= NAME_SLACK - 1 && (size_t)(e - p) >= NAME_SLACK ?
	    !name_is(q, p, n) :
	    !same_bytes(q, p, n))
		return NULL;
	if ((SC(p[n]) & NC) || p[n] == ':')
		return NULL;
	return p + n;
}

/* The attributes of a start tag from p (after its name) to its end,
 * copied to x->sa as name NUL value NUL; *an of them, *empty if the tag
 * is "/>". The tag's end, or NULL (outside the subset, or ENOMEM). */
static const char *
scan_attrs(struct tl_xml *x, const char *p, const char *e, size_t *an,
    bool *empty)
{
	const char *v0, *v1;
	size_t off;
	char q;

	x->sa->len = 0;
	*an = 0;
	for (;;) {
		const char *b = scan_blanks(p, e);

		if (b >= e)
			return NULL;
		if (*b == '>')
			return b + 1;
		if (*b == '/') {
			if (e - b < 2 || b[1] != '>')
				return NULL;
			*empty = true;
			return b + 2;
		}
		if (b == p || (p = scan_name(b, e)) == NULL)
			return NULL;
		v0 = p;
		p = scan_blanks(p, e);
		if (p >= e || *p != '=')
			return NULL;
		p = scan_blanks(p + 1, e);
		if (p >= e || (*p != '"' && *p != '\''))
			return NULL;
		q = *p++;
		if ((v1 = scan_value(p, e, q)) == NULL)
			return NULL;
		off = x->sa->len;
		if (vroom(x->ctx, x->sa, (size_t)(v0 - b) +
		    (size_t)(v1 - p) + 2) != 0) {
			x->err = TELLER_ENOMEM;
			return NULL;
		}
		memcpy((char *)x->sa->data + off, b, (size_t)(v0 - b));
		off += (size_t)(v0 - b);
		((char *)x->sa->data)[off++] = '\0';
		memcpy((char *)x->sa->data + off, p, (size_t)(v1 - p));
		off += (size_t)(v1 - p);
		((char *)x->sa->data)[off++] = '\0';
		x->sa->len = off;
		++*an;
		p = v1 + 1;
	}
}

/* A start tag at p ('<' then a name start): its attributes checked and
 * collected, start called, then end if it is empty. The tag's end, or
 * NULL (outside the subset, or x->err set). */
static const char *
scan_start(struct tl_xml *x, const char *p, const char *e)
{
	const char *n0 = p + 1, *n1, *name, **av;
	size_t i, an, off;
	bool empty = false;

	if ((n1 = scan_name(n0, e)) == NULL ||
	    (p = scan_attrs(x, n1, e, &an, &empty)) == NULL)
		return NULL;
	if (vroom(x->ctx, x->sav, 2 * an + 1) != 0 ||
	    scan_push(x, n0, (size_t)(n1 - n0), &name) != TELLER_OK) {
		x->err = TELLER_ENOMEM;
		return NULL;
	}
	av = x->sav->data;
	for (i = 0, off = 0; i < 2 * an; i++) {
		av[i] = (const char *)x->sa->data + off;
		off += strlen(av[i]) + 1;
	}
	av[2 * an] = NULL;
	/* A name given twice: expat's error, its message. */
	for (i = 2; i < 2 * an; i += 2) {
		size_t j;

		for (j = 0; j < i; j += 2)
			if (strcmp(av[i], av[j]) == 0)
				return NULL;
	}
	if (x->sskip > 0) {
		/* in a skipped element: checked, no callbacks */
		if (xml_deep(x, x->depth + x->sskip - 1))
			return NULL;
		if (x->sskip == 1)
			x->text->len = 0;
		if (empty)
			scan_pop(x);
		else
			x->sskip++;
		return p;
	}
	x->skip = false;
	xml_start(x, name, av);
	if (x->err != TELLER_OK)
		return NULL;
	if (x->skip && !empty)
		x->sskip = 1;
	if (empty) {
		/* expat is past the tag by then */
		x->spos = (size_t)(p - x->sbuf);
		xml_end(x, name);
		scan_pop(x);
		if (x->err != TELLER_OK)
			return NULL;
	}
	return p;
}

/* The '<' ending plain text from p: nothing but ASCII at or above
 * 0x20 (not '&' or ']'), tab and newline. NULL if there is none before
 * e, or a byte outside those comes first. */
static inline const char *
plain_text(const char *p, const char *e)
{
#if defined(__SSE2__)
	const __m128i lt = _mm_set1_epi8('<'), sp = _mm_set1_epi8(0x20);
	const __m128i tab = _mm_set1_epi8('\t'), nl = _mm_set1_epi8('\n');
	const __m128i amp = _mm_set1_epi8('&'), br = _mm_set1_epi8(']');

	while (e - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* signed: bytes >= 0x80 are below 0x20 too */
		__m128i odd = _mm_andnot_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, nl)),
		    _mm_cmplt_epi8(v, sp));
		unsigned o, l;

		odd = _mm_or_si128(odd, _mm_or_si128(_mm_cmpeq_epi8(v, amp),
		    _mm_cmpeq_epi8(v, br)));
		o = (unsigned)_mm_movemask_epi8(odd);
		l = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lt));
		if (l != 0) {
			l &= -l;
			return (o & (l - 1)) != 0 ? NULL :
			    p + __builtin_ctz(l);
		}
		if (o != 0)
			return NULL;
		p += 16;
	}
#endif
	for (; p < e; p++) {
		if (*p == '<')
			return p;
		if ((SC(*p) & TX) && *p != '\t' && *p != '\n')
			return NULL;
	}
	return NULL;
}

/*
 * The children of a skipped element (x->sskip > 0) from p, just after a
 * tag, as the checking scan reads them, while they are of the simplest
 * kind: start tags without attributes, end tags without blanks, plain
 * text (plain_text). At anything else it stops, at the '<' of the tag
 * or the start of the text, and the checking scan goes on from there:
 * the same state, the same events. NULL only for ENOMEM (x->err set).
 */
static const char *
scan_skipped(struct tl_xml *x, const char *p, const char *e, size_t *rel)
{
	const char *buf = x->sbuf, *t, *n1;
	struct tl_vec *sq = x->sq, *sqo = x->sqo;
	size_t n, off;

	for (;;) {
		if ((t = plain_text(p, e)) == NULL || e - t < 2 ||
		    t - p > (1 << 30))
			return p;
		if (t > p && x->sskip <= 1) {
			x->spos = (size_t)(p - buf);
			xml_chars(x, p, (int)(t - p));
			if (x->err != TELLER_OK)
				return NULL;
		}
		p = t;
		x->spos = (size_t)(p - buf);
		if ((size_t)(p - buf) - *rel >= SCAN_STEP) {
			scan_lines(x, x->spos);
			tl_release(x->ctx, buf + *rel, x->sbol - *rel);
			*rel = x->sbol;
		}
		if (p[1] == '/') {
			/* the skipped element's own end: the checking scan */
			if (x->sskip <= 1 || (n1 = scan_top_name(x, p + 2,
			    e)) == NULL || *n1 != '>')
				return p;
			if (--x->sskip == 1)
				x->text->len = 0;
			scan_pop(x);
			p = n1 + 1;
			continue;
		}
		if (!(SC(p[1]) & NS))
			return p;
		/* a name of letters alone, else scan_name's */
		n1 = name_letters(p + 2, e);
		if ((n1 >= e || (*n1 != '>' && *n1 != '/')) &&
		    (n1 = scan_name(p + 1, e)) == NULL)
			return p;
		if (xml_deep_near(x))
			return p;
		if (*n1 == '/' && e - n1 >= 2 && n1[1] == '>') {
			if (x->sskip == 1)
				x->text->len = 0;
			p = n1 + 2;
			continue;
		}
		if (*n1 != '>')
			return p;
		/* scan_push, inline; a short name copied 32 bytes at once */
		n = (size_t)(n1 - p - 1);
		off = sq->len;
		if (vroom(x->ctx, sq, n + 1 > NAME_SLACK ? n + 1 :
		    NAME_SLACK) != 0 || vroom(x->ctx, sqo, 1) != 0) {
			x->err = TELLER_ENOMEM;
			return NULL;
		}
		if (n < NAME_SLACK - 1 && e - p > (ptrdiff_t)NAME_SLACK)
			copy32((char *)sq->data + off, p + 1);
		else
			memcpy((char *)sq->data + off, p + 1, n);
		((char *)sq->data)[off + n] = '\0';
		sq->len += n + 1;
		TL_VEC_AT(sqo, size_t, sqo->len) = off;
		sqo->len++;
		if (x->sskip == 1)
			x->text->len = 0;
		x->sskip++;
		p = n1 + 1;
	}
}

/* x set up for a scan of buf. */
static int
scan_setup(teller_ctx *ctx, struct tl_xml *x, const char *file,
    const char *buf)
{
	x->ctx = ctx;
	x->file = file;
	x->depth = 0;
	x->err = TELLER_OK;
	x->path = NULL;
	x->parser = NULL;
	x->sbuf = buf;
	x->spos = x->snl = x->sbol = 0;
	x->sline = 1;
	if (x->names == NULL) {
		x->names = tl_vec_new(ctx, 1);
		x->offs = tl_vec_new(ctx, sizeof(size_t));
		x->ptrs = tl_vec_new(ctx, sizeof(const char *));
		x->text = tl_vec_new(ctx, 1);
	}
	if (x->sq == NULL) {
		x->sq = tl_vec_new(ctx, 1);
		x->sqo = tl_vec_new(ctx, sizeof(size_t));
		x->sa = tl_vec_new(ctx, 1);
		x->sav = tl_vec_new(ctx, sizeof(const char *));
	}
	if (x->names == NULL || x->offs == NULL || x->ptrs == NULL ||
	    x->text == NULL || x->sq == NULL || x->sqo == NULL ||
	    x->sa == NULL || x->sav == NULL)
		return tl_oom(ctx);
	x->names->len = x->offs->len = x->ptrs->len = x->text->len = 0;
	x->sq->len = x->sqo->len = 0;
	x->sskip = 0;
	return id_init(ctx, x);
}

/* An end tag at p ("</"): end called. Its end, or NULL (outside the
 * subset, or x->err set). */
static const char *
scan_end(struct tl_xml *x, const char *p, const char *e)
{
	const char *n1 = scan_top_name(x, p + 2, e);

	if (n1 == NULL)
		return NULL;
	p = scan_blanks(n1, e);
	if (p >= e || *p != '>')
		return NULL;
	if (x->sskip > 1) {
		if (--x->sskip == 1)
			x->text->len = 0;
		scan_pop(x);
		return p + 1;
	}
	x->sskip = 0;
	xml_end(x, (const char *)x->sq->data +
	    TL_VEC_AT(x->sqo, size_t, x->sqo->len - 1));
	if (x->err != TELLER_OK)
		return NULL;
	scan_pop(x);
	return p + 1;
}

/* ------------------------------------------------------------------ */
/* The trusted scan: buf was scanned before, so it is in the subset and
 * well-formed, within the limits; only events are found, and given as
 * the checking scan gives them (positions, texts, skips). */

/* Text p[0..n) for the innermost element: kept as a span of the input
 * while it is one piece, copied once a second piece comes (a comment
 * between them). Fails only for ENOMEM (x->err set). */
static bool t_text_more(struct tl_xml *x, const char *p, size_t n);

static inline bool
t_text(struct tl_xml *x, const char *p, size_t n)
{
	if (!x->tspan && x->text->len == 0) {
		x->tspan = true;
		x->tp = p;
		x->tn = n;
		return true;
	}
	return t_text_more(x, p, n);
}

/* t_text's second piece and after: copied. */
static bool
t_text_more(struct tl_xml *x, const char *p, size_t n)
{
	struct tl_vec *v = x->text;

	if (vroom(x->ctx, v, (x->tspan ? x->tn : 0) + n + 1) != 0) {
		x->err = TELLER_ENOMEM;
		return false;
	}
	if (x->tspan) {
		memcpy(v->data, x->tp, x->tn);
		v->len = x->tn;
		x->tspan = false;
	}
	memcpy((char *)v->data + v->len, p, n);
	v->len += n;
	return true;
}

/* The '>' ending the tag at p (quotes skipped). */
static const char *
t_tag_end(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		if (*p == '>')
			return p;
		if ((*p == '"' || *p == '\'') &&
		    (p = memchr(p + 1, *p, (size_t)(e - p - 1))) == NULL)
			return e;
	}
	return e;
}

/* The end of the comment at p ("<!--"). */
static const char *
t_comment_end(const char *p, const char *e)
{
	for (p += 4; (p = memchr(p, '-', (size_t)(e - p))) != NULL; p++)
		if (p[1] == '-')
			return p + 3;
	return e;
}

/* The children of a skipped element, from p (after its start tag): the
 * '<' of its end tag. Its own text goes on as the checking scan keeps
 * it: reset at each child, pieces between children kept. */
static const char *
t_skip(struct tl_xml *x, const char *p, const char *e)
{
	const char *t;
	int d = 1;

	for (;;) {
		if ((t = find_chr(p, e, '<')) == NULL)
			return e;
		if (d == 1 && t > p && !t_text(x, p, (size_t)(t - p)))
			return NULL;
		p = t;
		if (p[1] == '/') {
			if (d == 1)
				return p;
			if (--d == 1) {
				x->text->len = 0;
				x->tspan = false;
			}
			p = t_tag_end(p, e) + 1;
		} else if (p[1] == '!') {
			p = t_comment_end(p, e);
		} else {
			if (d == 1) {
				x->text->len = 0;
				x->tspan = false;
			}
			p = t_tag_end(p, e);
			if (p[-1] != '/')
				d++;
			p++;
		}
		if (p >= e)
			return e;
	}
}

/* A start tag at p (trusted): start called, then end if it is empty.
 * The tag's end, or NULL (x->err set). */
static const char *
t_start(struct tl_xml *x, const char *p, const char *e)
{
	const char *n0 = p + 1, *q = n0, *ln = n0, **av;
	static const char *const none[1] = { NULL };
	size_t an = 0, i, off;
	bool empty = false;

	for (;;) {
		q = name_letters(q, e);
		if (SC(*q) & NC) {
			q++;
		} else if (*q == ':') {
			ln = ++q;
		} else {
			break;
		}
	}
	if (*q == '>') {
		av = (const char **)(uintptr_t)none;
		p = q + 1;
	} else if (*q == '/') {
		av = (const char **)(uintptr_t)none;
		empty = true;
		p = q + 2;
	} else {
		/* attributes: as the checking scan gives them */
		if ((p = scan_attrs(x, q, e, &an, &empty)) == NULL) {
			if (x->err == TELLER_OK)
				x->err = TELLER_EINTERNAL;
			return NULL;
		}
		if (vroom(x->ctx, x->sav, 2 * an + 1) != 0) {
			x->err = TELLER_ENOMEM;
			return NULL;
		}
		av = x->sav->data;
		for (i = 0, off = 0; i < 2 * an; i++) {
			av[i] = (const char *)x->sa->data + off;
			off += strlen(av[i]) + 1;
		}
		av[2 * an] = NULL;
	}
	x->skip = false;
	id_start(x, ln, (size_t)(q - ln), av);
	if (x->err != TELLER_OK)
		return NULL;
	if (empty) {
		x->spos = (size_t)(p - x->sbuf);
		id_end(x);
		return x->err != TELLER_OK ? NULL : p;
	}
	if (x->skip) {
		p = t_skip(x, p, e);
		if (p == NULL)
			return NULL;
	}
	return p;
}

/* The trusted scan from p (the root's '<'), with ids; *rel as in
 * tl_xml_scan. Where it stopped: after the root, or NULL (x->err). */
static const char *
scan_trusted(struct tl_xml *x, const char *p, const char *e, size_t *rel)
{
	const char *buf = x->sbuf, *t;

	for (;;) {
		/* p is at a '<' */
		x->spos = (size_t)(p - buf);
		if ((size_t)(p - buf) - *rel >= SCAN_STEP) {
			scan_lines(x, x->spos);
			tl_release(x->ctx, buf + *rel, x->sbol - *rel);
			*rel = x->sbol;
		}
		if (p[1] == '/') {
			id_end(x);
			if (x->err != TELLER_OK)
				return NULL;
			p = find_chr(p, e, '>') + 1;
			if (x->depth == 0)
				return p;
		} else if (p[1] == '!') {
			p = t_comment_end(p, e);
		} else if ((p = t_start(x, p, e)) == NULL) {
			return NULL;
		} else if (x->depth == 0) {
			return p;
		}
		if (*p == '<')
			continue;
		t = find_chr(p, e, '<');
		if (!t_text(x, p, (size_t)(t - p)))
			return NULL;
		p = t;
	}
}

int
tl_xml_scan(teller_ctx *ctx, struct tl_xml *x, const char *file,
    const char *buf, size_t len, bool *unsure)
{
	const char *e = buf + len, *p, *t;
	size_t rel = 0;
	int err;

	*unsure = false;
	if ((err = scan_setup(ctx, x, file, buf)) != TELLER_OK)
		return err;
	if ((p = scan_decl(buf, e)) == NULL)
		goto unsure;
	if ((p = scan_misc(p, e)) == NULL || e - p < 2 || *p != '<' ||
	    !(SC(p[1]) & NS))
		goto unsure;
	if (x->trusted && x->idnames != NULL) {
		if (scan_trusted(x, p, e, &rel) == NULL && x->err == TELLER_OK)
			x->err = TELLER_EINTERNAL;
		err = x->err;
		if (err == TELLER_ENOMEM)
			tl_oom(ctx);
		tl_release(ctx, buf + rel, len - rel);
		return err;
	}
	for (;;) {
		/* p is at a '<' */
		x->spos = (size_t)(p - buf);
		if ((size_t)(p - buf) - rel >= SCAN_STEP) {
			/* keep the current line, for the column */
			scan_lines(x, x->spos);
			tl_release(ctx, buf + rel, x->sbol - rel);
			rel = x->sbol;
		}
		if (p[1] == '/' || (SC(p[1]) & NS)) {
			p = p[1] == '/' ? scan_end(x, p, e) :
			    scan_start(x, p, e);
			if (p == NULL)
				goto stop;
			if (x->sqo->len == 0)
				break;
			if (x->sskip > 0 && (p = scan_skipped(x, p, e,
			    &rel)) == NULL)
				goto stop;
		} else if (e - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			/* skipped: the texts around it are one */
			if ((p = scan_comment(p, e)) == NULL)
				goto unsure;
		} else {
			goto unsure;
		}
		/* character data up to the next tag */
		if ((t = scan_text(buf, p, e)) == NULL || t >= e || e - t < 2 ||
		    t - p > (1 << 30))
			goto unsure;
		if (t > p && x->sskip <= 1) {
			x->spos = (size_t)(p - buf);
			xml_chars(x, p, (int)(t - p));
			if (x->err != TELLER_OK)
				goto stop;
		}
		p = t;
	}
	/* after the root element: blanks and comments only */
	if (scan_misc(p, e) != e)
		goto unsure;
stop:
	if (x->err == TELLER_OK && p == NULL)
		goto unsure;
	err = x->err;
	if (err == TELLER_ENOMEM)
		tl_oom(ctx);
	tl_release(ctx, buf + rel, len - rel);
	return err;
unsure:
	*unsure = true;
	return TELLER_OK;
}
