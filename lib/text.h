/* SPDX-License-Identifier: MIT */
/*
 * text.h -- byte-level text helpers shared by the readers (text.c): UTF-8
 * validity, the NUL / UTF-8 check run behind a forward-only reader,
 * ASCII case folding (never the locale's) and decimal digits.
 */
#ifndef TL_TEXT_H
#define TL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

/* Length of the valid UTF-8 sequence at s (n >= 1 bytes available), or 0
 * for NUL, a bad or overlong sequence, a surrogate, or past U+10FFFF. */
size_t tl_utf8_len(const unsigned char *s, size_t n);

/* Refuse NUL bytes and invalid UTF-8 with EENCODING at line:col of the
 * input named file. */
int tl_text_check(teller_ctx *ctx, const char *file, const char *buf,
    size_t len) TL_MUST_CHECK;

/*
 * The input a forward-only text reader has consumed but not yet checked
 * (tl_text_check's rules) and released (tl_release), so it is checked and
 * dropped a few MiB at a time behind the reader instead of all at once
 * before it. Init it where checking starts; call tl_behind with the start
 * of what the reader still needs (once a line is cheap); finish with
 * tl_behind_end, which checks the rest: an encoding error anywhere
 * replaces any other error, as if all was checked first. Its errors are
 * in ctx->inname (only the readers of teller_read use it).
 */
#define TL_RELEASE_STEP ((size_t)4 << 20)
struct tl_behind {
	const char *buf, *end; /* the whole input */
	const char *kept;      /* first byte not yet checked and released */
};
void tl_behind_init(struct tl_behind *b, const char *buf, size_t len);
int tl_behind_flush(teller_ctx *ctx, struct tl_behind *b, const char *p)
    TL_MUST_CHECK;
int tl_behind_end(teller_ctx *ctx, struct tl_behind *b, int rc) TL_MUST_CHECK;
TL_MUST_CHECK static inline int
tl_behind(teller_ctx *ctx, struct tl_behind *b, const char *p)
{
	if ((size_t)(p - b->kept) < TL_RELEASE_STEP)
		return TELLER_OK;
	return tl_behind_flush(ctx, b, p);
}

/* ASCII lower case of byte c (0..255); other bytes unchanged. Inline:
 * readers fold every byte of a header. */
static inline int
tl_text_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Is s[0..n) equal to the NUL-ended lit, ignoring ASCII case? */
bool tl_text_ieq(const char *s, size_t n, const char *lit);
/* Does s[0..n) start with lit, ignoring ASCII case? */
bool tl_text_istarts(const char *s, size_t n, const char *lit);
/* Does s[0..n) end with lit, ignoring ASCII case? */
bool tl_text_iends(const char *s, size_t n, const char *lit);
/* Are the NUL-ended a and b equal, ignoring ASCII case (strcasecmp() == 0
 * in the C locale, whatever the locale)? */
bool tl_text_ieqz(const char *a, const char *b);

/* Is c ASCII white space (isspace() in the C locale: ' ', \t, \n, \v,
 * \f, \r)? */
static inline bool
tl_text_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Is c an ASCII letter or digit (isalnum() in the C locale)? */
static inline bool
tl_text_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* Is c an ASCII decimal digit? */
static inline bool
tl_text_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* tl_text_uint's digits past the 19th, from s[i] with x read so far
 * (x <= max). */
long tl_text_uint_slow(const char *s, size_t n, size_t i, uint64_t x,
    uint64_t max, uint64_t *v) TL_MUST_CHECK;

/*
 * Read the decimal digits at s[0..n) (no sign, no blanks) into *v, at
 * most max. Returns how many bytes were digits (0 if none), or -1 if
 * the number passes max (*v is then unset). Inline, and up to 19 digits
 * (they fit in uint64_t) read with no check per digit: the BLT fast path
 * reads every number of a plain line through it (one call out of line
 * cost it 50% more instructions on 1M lines).
 */
TL_MUST_CHECK static inline long
tl_text_uint(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	size_t lim = n < 19 ? n : 19, i;
	uint64_t x = 0;
	unsigned d;

	for (i = 0; i < lim && (d = (unsigned char)s[i] - 0x30u) < 10; i++)
		x = x * 10 + d;
	if (x > max)
		return -1;
	if (i == lim && i < n)
		return tl_text_uint_slow(s, n, i, x, max, v);
	if (i > 0)
		*v = x;
	return (long)i;
}

/*
 * As tl_text_uint, but a number past max (< UINT64_MAX) reads as
 * max + 1 and every digit is still consumed, for readers that tell
 * "too large" from "not a number" themselves. Returns how many bytes
 * were digits (0 if none).
 */
long tl_text_uint_sat(const char *s, size_t n, uint64_t max, uint64_t *v)
    TL_MUST_CHECK;

#endif /* TL_TEXT_H */
