/* SPDX-License-Identifier: MIT */
/*
 * out.h -- buffered output for writers (out.c): errors are sticky, so a
 * writer checks once at the end.
 */
#ifndef TL_OUT_H
#define TL_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "num.h"

/* Buffered output helper for writers (out.c). */
struct tl_out {
	teller_ctx *ctx;
	teller_write_fn write;
	void *ud;
	char buf[4096];
	size_t n;
	int err;
};
void tl_out_init(struct tl_out *o, teller_ctx *ctx, teller_write_fn w,
    void *ud);
void tl_out_str(struct tl_out *o, const char *s);
void tl_out_mem(struct tl_out *o, const char *s, size_t n);
void tl_out_fmt(struct tl_out *o, const char *fmt, ...) TELLER_PRINTF(2, 3);
void tl_out_num(struct tl_out *o, tl_fix v, int dp);
/* JSON string literal with escapes. */
void tl_out_json_str(struct tl_out *o, const char *s);
/* Pad s to width w (UTF-8 aware) left- or right-aligned. */
void tl_out_pad(struct tl_out *o, const char *s, int w, bool right);
/* Flush; returns TELLER_OK or the recorded error. */
int tl_out_flush(struct tl_out *o) TL_MUST_CHECK;

#endif /* TL_OUT_H */
