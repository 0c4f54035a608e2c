/* SPDX-License-Identifier: MIT */
/*
 * out.c -- buffered output for writers (errors are sticky, so a writer
 * checks once at the end), exact numbers, JSON strings, padding.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "out.h"

void
tl_out_init(struct tl_out *o, teller_ctx *ctx, teller_write_fn w, void *ud)
{
	o->ctx = ctx;
	o->write = w;
	o->ud = ud;
	o->n = 0;
	o->err = TELLER_OK;
}

static void
drain(struct tl_out *o)
{
	if (o->err == TELLER_OK && o->n > 0 && o->write(o->ud, o->buf, o->n))
		o->err = tl_fail(o->ctx, TELLER_EWRITE, "output could not be "
		    "written");
	o->n = 0;
}

void
tl_out_mem(struct tl_out *o, const char *s, size_t n)
{
	while (n > 0) {
		size_t k = sizeof(o->buf) - o->n;
		if (k > n)
			k = n;
		memcpy(o->buf + o->n, s, k);
		o->n += k;
		s += k;
		n -= k;
		if (o->n == sizeof(o->buf))
			drain(o);
	}
}

void
tl_out_str(struct tl_out *o, const char *s)
{
	tl_out_mem(o, s, strlen(s));
}

void
tl_out_fmt(struct tl_out *o, const char *fmt, ...)
{
	char tmp[1024], *big;
	va_list ap, ap2;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(tmp)) {
		tl_out_mem(o, tmp, (size_t)n);
	} else if (n >= 0) {
		/* Longer than tmp: format again into a buffer its size. */
		big = tl_realloc(o->ctx, NULL, 0, (size_t)n + 1);
		if (big == NULL) {
			if (o->err == TELLER_OK)
				o->err = tl_oom(o->ctx);
		} else {
			vsnprintf(big, (size_t)n + 1, fmt, ap2);
			tl_out_mem(o, big, (size_t)n);
			tl_free(o->ctx, big, (size_t)n + 1);
		}
	} else if (o->err == TELLER_OK) {
		o->err = tl_fail(o->ctx, TELLER_EWRITE, "output could not be "
		    "formatted");
	}
	va_end(ap2);
}

void
tl_out_num(struct tl_out *o, tl_fix v, int dp)
{
	char b[TL_NUM_BUFSZ];

	tl_out_mem(o, b, tl_num_fmt(b, v, dp));
}

void
tl_out_json_str(struct tl_out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	tl_out_mem(o, "\"", 1);
	for (; *p != '\0'; p++) {
		switch (*p) {
		case '"': tl_out_mem(o, "\\\"", 2); break;
		case '\\': tl_out_mem(o, "\\\\", 2); break;
		case '\n': tl_out_mem(o, "\\n", 2); break;
		case '\r': tl_out_mem(o, "\\r", 2); break;
		case '\t': tl_out_mem(o, "\\t", 2); break;
		default:
			if (*p < 0x20)
				tl_out_fmt(o, "\\u%04x", *p);
			else
				tl_out_mem(o, (const char *)p, 1);
		}
	}
	tl_out_mem(o, "\"", 1);
}

/* Display width: count UTF-8 lead bytes. */
static int
width(const char *s)
{
	int w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

void
tl_out_pad(struct tl_out *o, const char *s, int w, bool right)
{
	int n = width(s);

	if (right)
		for (; n < w; n++)
			tl_out_mem(o, " ", 1);
	tl_out_str(o, s);
	if (!right)
		for (; n < w; n++)
			tl_out_mem(o, " ", 1);
}

int
tl_out_flush(struct tl_out *o)
{
	drain(o);
	return o->err;
}
