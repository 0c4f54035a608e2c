/* SPDX-License-Identifier: MIT */
/*
 * text.c -- byte-level text helpers for the readers: UTF-8 validity, the
 * NUL / UTF-8 check (whole, or behind a forward-only reader, releasing
 * what it has checked), ASCII case folding and decimal digits. Never the
 * locale's: input bytes mean the same on every machine.
 */
#include <string.h>

#include "text.h"

/* Length of the valid UTF-8 sequence at s (max n bytes, n >= 1), or 0
 * for a NUL byte, an overlong form, a surrogate or a code point past
 * U+10FFFF. */
size_t
tl_utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return s[0] != 0;
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2;
		cp = s[0] & 0x1Fu;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3;
		cp = s[0] & 0x0Fu;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4;
		cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* ------------------------------------------------------------------ */
/* NUL and UTF-8 checks                                               */

/*
 * Scan s from i while i < stop (the sequence at stop - 1 may run on, up
 * to len). Returns where it stopped: >= stop if all was valid, else the
 * offset of the first NUL or invalid UTF-8 byte.
 */
static size_t
text_scan(const unsigned char *s, size_t i, size_t stop, size_t len)
{
	size_t l;

	while (i < stop) {
		/* ASCII fast path, eight bytes at a time */
		while (i + 8 <= stop) {
			uint64_t v;
			memcpy(&v, s + i, 8);
			if (((v | ((v - UINT64_C(0x0101010101010101)) & ~v)) &
			    UINT64_C(0x8080808080808080)) != 0)
				break;
			i += 8;
		}
		if (i >= stop)
			break;
		l = tl_utf8_len(s + i, len - i);
		if (l == 0)
			return i;
		i += l;
	}
	return i;
}

/* EENCODING for the bad byte at s[i], at its line and column in s, the
 * input named file. */
static int
text_fail(teller_ctx *ctx, const char *file, const unsigned char *s,
    size_t i)
{
	size_t k, ls = 0;
	long line = 1;

	for (k = 0; k < i; k++)
		if (s[k] == '\n') {
			line++;
			ls = k + 1;
		}
	return tl_fail_in(ctx, file, TELLER_EENCODING, line,
	    (long)(i - ls) + 1, s[i] == 0 ? "NUL byte in text" :
	    "invalid UTF-8");
}

int
tl_text_check(teller_ctx *ctx, const char *file, const char *buf,
    size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = text_scan(s, 0, len, len);

	return i >= len ? TELLER_OK : text_fail(ctx, file, s, i);
}

void
tl_behind_init(struct tl_behind *b, const char *buf, size_t len)
{
	b->buf = buf;
	b->end = buf + len;
	b->kept = buf;
}

/* Check [b->kept, p) (p <= b->end) and release it. */
int
tl_behind_flush(teller_ctx *ctx, struct tl_behind *b, const char *p)
{
	const unsigned char *s = (const unsigned char *)b->buf;
	size_t len = (size_t)(b->end - b->buf), from, i;

	if (p <= b->kept)
		return TELLER_OK;
	from = (size_t)(b->kept - b->buf);
	i = text_scan(s, from, (size_t)(p - b->buf), len);
	if (i < (size_t)(p - b->buf))
		return text_fail(ctx, ctx->inname, s, i);
	/* a sequence may have run past p: the next check starts after it */
	tl_release(ctx, b->kept, i - from);
	b->kept = b->buf + i;
	return TELLER_OK;
}

int
tl_behind_end(teller_ctx *ctx, struct tl_behind *b, int rc)
{
	const unsigned char *s = (const unsigned char *)b->buf;
	size_t len = (size_t)(b->end - b->buf);
	size_t i = text_scan(s, (size_t)(b->kept - b->buf), len, len);

	if (i < len) {
		/* tl_text_check ran first before: its error wins */
		if (rc != TELLER_OK)
			teller_errclear(ctx);
		return text_fail(ctx, ctx->inname, s, i);
	}
	if (rc == TELLER_OK && b->kept < b->end)
		tl_release(ctx, b->kept, (size_t)(b->end - b->kept));
	b->kept = b->end;
	return rc;
}

/* ------------------------------------------------------------------ */
/* ASCII case and digits                                              */

bool
tl_text_ieq(const char *s, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (lit[i] == '\0')
			return false;
		if (tl_text_lower((unsigned char)s[i]) !=
		    tl_text_lower((unsigned char)lit[i]))
			return false;
	}
	return lit[n] == '\0';
}

bool
tl_text_istarts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && tl_text_ieq(s, k, lit);
}

bool
tl_text_iends(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && tl_text_ieq(s + n - k, k, lit);
}

bool
tl_text_ieqz(const char *a, const char *b)
{
	for (; *a != '\0'; a++, b++)
		if (tl_text_lower((unsigned char)*a) !=
		    tl_text_lower((unsigned char)*b))
			return false;
	return *b == '\0';
}

/* tl_text_uint is inline in text.h. */
long
tl_text_uint_slow(const char *s, size_t n, size_t i, uint64_t x,
    uint64_t max, uint64_t *v)
{
	unsigned d;

	for (; i < n && tl_text_digit((unsigned char)s[i]); i++) {
		d = (unsigned)(s[i] - '0');
		if (x > (max - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	if (i > 0)
		*v = x;
	return (long)i;
}

long
tl_text_uint_sat(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < n && tl_text_digit((unsigned char)s[i]); i++) {
		unsigned d = (unsigned)(s[i] - '0');

		x = x > (max - d) / 10 || x * 10 + d > max ? max + 1 :
		    x * 10 + d;
	}
	if (i > 0)
		*v = x;
	return (long)i;
}
