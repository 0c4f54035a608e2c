/* SPDX-License-Identifier: MIT */
/*
 * ctx.c -- the context: first-error recording with input position, the
 * caller allocator, the arena and growable vectors freed with the context.
 * Error messages are formatted here (vsnprintf); out.c and the RCTab
 * XML and JSON helpers format their own text the same way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_int.h"

struct tl_block {
	struct tl_block *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	max_align_t data[];
};

#define BLOCK_MIN 65536

static void *
libc_realloc(void *ud, void *p, size_t old, size_t sz)
{
	(void)ud;
	(void)old;
	if (sz == 0) {
		free(p);
		return NULL;
	}
	return realloc(p, sz);
}

/* A byte limit of want, or all a size_t holds where that is less: in a
 * 32-bit size_t (wasm32) 4 GiB would wrap to 0 and refuse every input. */
static size_t
size_cap(uint64_t want)
{
	return want < SIZE_MAX ? (size_t)want : SIZE_MAX;
}

void
teller_limits_init(teller_limits *lim)
{
	lim->input_bytes = size_cap((uint64_t)4 << 30);
	lim->line_bytes = size_cap((uint64_t)16 << 20);
	lim->candidates = 10000;
	lim->seats = 1000;
	lim->ranks = 1000;
	lim->patterns = 50000000;
	lim->ballots = INT64_C(1000000000000000);
	lim->depth = 256;
	lim->unzip_bytes = (uint64_t)2 << 30;
	lim->unzip_ratio = 1000;
}

int
teller_ctx_new(const teller_alloc *alloc, teller_ctx **out)
{
	teller_alloc a = { libc_realloc, NULL };
	teller_ctx *ctx;

	*out = NULL;
	if (alloc != NULL && alloc->realloc != NULL)
		a = *alloc;
	ctx = a.realloc(a.ud, NULL, 0, sizeof(*ctx));
	if (ctx == NULL)
		return TELLER_ENOMEM;
	memset(ctx, 0, sizeof(*ctx));
	ctx->alloc = a;
	teller_limits_init(&ctx->lim);
	ctx->threads = 1;
	*out = ctx;
	return TELLER_OK;
}

void
teller_ctx_free(teller_ctx *ctx)
{
	struct tl_block *b, *next;
	size_t i;

	if (ctx == NULL)
		return;
	for (i = 0; i < ctx->nvecs; i++) {
		struct tl_vec *v = ctx->vecs[i];
		if (v->data != NULL)
			tl_free(ctx, v->data, v->cap * v->size);
	}
	if (ctx->vecs != NULL)
		tl_free(ctx, ctx->vecs, ctx->capvecs * sizeof(*ctx->vecs));
	for (b = ctx->blocks; b != NULL; b = next) {
		next = b->next;
		tl_free(ctx, b, sizeof(*b) + b->size);
	}
	ctx->alloc.realloc(ctx->alloc.ud, ctx, sizeof(*ctx), 0);
}

void
teller_ctx_set_limits(teller_ctx *ctx, const teller_limits *lim)
{
	ctx->lim = *lim;
}

void
teller_ctx_set_threads(teller_ctx *ctx, int n)
{
	long cpus;

	if (n == 0) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		n = cpus > 0 ? (int)(cpus < 16 ? cpus : 16) : 1;
	}
	ctx->threads = n < 1 ? 1 : n > 16 ? 16 : n;
}

void
teller_ctx_set_release(teller_ctx *ctx, teller_release_fn fn, void *ud)
{
	ctx->release = fn;
	ctx->release_ud = ud;
}

void
tl_release(teller_ctx *ctx, const char *p, size_t n)
{
	if (ctx->release != NULL && n > 0)
		ctx->release(ctx->release_ud, p, n);
}

int
teller_errcode(const teller_ctx *ctx)
{
	return ctx->err;
}

const char *
teller_errmsg(const teller_ctx *ctx)
{
	return ctx->msg;
}

void
teller_errpos(const teller_ctx *ctx, const char **file, long *line, long *col)
{
	if (file != NULL)
		*file = ctx->errfile[0] != '\0' ? ctx->errfile : NULL;
	if (line != NULL)
		*line = ctx->line;
	if (col != NULL)
		*col = ctx->col;
}

void
teller_errclear(teller_ctx *ctx)
{
	ctx->err = TELLER_OK;
	ctx->msg[0] = '\0';
	ctx->errfile[0] = '\0';
	ctx->line = ctx->col = 0;
	ctx->oom = false;
}

static void record(teller_ctx *ctx, const char *file, int err, long line,
    long col, const char *fmt, va_list ap) TELLER_PRINTF(6, 0);

/* Keep the first error: its code, message, position and the name of
 * the input it is in (file, NULL for none). */
static void
record(teller_ctx *ctx, const char *file, int err, long line, long col,
    const char *fmt, va_list ap)
{
	if (ctx->err != TELLER_OK)
		return;
	ctx->err = err;
	vsnprintf(ctx->msg, sizeof(ctx->msg), fmt, ap);
	ctx->line = line;
	ctx->col = col;
	if (file != NULL)
		snprintf(ctx->errfile, sizeof(ctx->errfile), "%s", file);
	else
		ctx->errfile[0] = '\0';
}

int
tl_fail(teller_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(ctx, ctx->inname, err, 0, 0, fmt, ap);
	va_end(ap);
	return err;
}

int
tl_fail_at(teller_ctx *ctx, int err, long line, long col, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(ctx, ctx->inname, err, line, col, fmt, ap);
	va_end(ap);
	return err;
}

int
tl_fail_in(teller_ctx *ctx, const char *file, int err, long line, long col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(ctx, file, err, line, col, fmt, ap);
	va_end(ap);
	return err;
}

int
tl_oom(teller_ctx *ctx)
{
	ctx->oom = true;
	if (ctx->err == TELLER_OK) {
		ctx->err = TELLER_ENOMEM;
		memcpy(ctx->msg, "out of memory", sizeof("out of memory"));
		ctx->line = ctx->col = 0;
		ctx->errfile[0] = '\0';
	}
	return TELLER_ENOMEM;
}

void *
tl_realloc(teller_ctx *ctx, void *p, size_t old, size_t sz)
{
	void *q = ctx->alloc.realloc(ctx->alloc.ud, p, old, sz);

	if (q == NULL && sz != 0)
		tl_oom(ctx);
	return q;
}

void
tl_free(teller_ctx *ctx, void *p, size_t sz)
{
	if (p != NULL)
		ctx->alloc.realloc(ctx->alloc.ud, p, sz, 0);
}

void *
tl_alloc(teller_ctx *ctx, size_t n, size_t size)
{
	struct tl_block *b = ctx->blocks;
	size_t need, bsize;
	char *p;

	if (size != 0 && n > SIZE_MAX / size / 2) {
		tl_oom(ctx);
		return NULL;
	}
	need = n * size;
	need = (need + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (need == 0)
		need = sizeof(max_align_t);
	if (b == NULL || b->size - b->used < need) {
		bsize = need > BLOCK_MIN / 2 ? need : BLOCK_MIN;
		b = tl_realloc(ctx, NULL, 0, sizeof(*b) + bsize);
		if (b == NULL)
			return NULL;
		b->size = bsize;
		b->used = 0;
		if (need > BLOCK_MIN / 2 && ctx->blocks != NULL) {
			/* big block: keep the current small one in front */
			b->next = ctx->blocks->next;
			ctx->blocks->next = b;
		} else {
			b->next = ctx->blocks;
			ctx->blocks = b;
		}
	}
	p = (char *)b->data + b->used;
	b->used += need;
	memset(p, 0, need);
	return p;
}

char *
tl_strndup(teller_ctx *ctx, const char *s, size_t n)
{
	char *p = tl_alloc(ctx, n + 1, 1);

	if (p == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
tl_strdup(teller_ctx *ctx, const char *s)
{
	return tl_strndup(ctx, s, strlen(s));
}

struct tl_vec *
tl_vec_new(teller_ctx *ctx, size_t elem_size)
{
	struct tl_vec *v;

	if (ctx->nvecs == ctx->capvecs) {
		size_t ncap = ctx->capvecs ? ctx->capvecs * 2 : 16;
		void *q = tl_realloc(ctx, ctx->vecs,
		    ctx->capvecs * sizeof(*ctx->vecs),
		    ncap * sizeof(*ctx->vecs));
		if (q == NULL)
			return NULL;
		ctx->vecs = q;
		ctx->capvecs = ncap;
	}
	v = tl_alloc(ctx, 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	v->size = elem_size;
	ctx->vecs[ctx->nvecs++] = v;
	return v;
}

int
tl_vec_reserve(teller_ctx *ctx, struct tl_vec *v, size_t more)
{
	size_t ncap;
	void *q;

	if (v->cap - v->len >= more)
		return TELLER_OK;
	if (more > SIZE_MAX / 4 / v->size - v->len)
		return tl_oom(ctx);
	ncap = v->cap ? v->cap : 8;
	while (ncap - v->len < more)
		ncap *= 2;
	q = tl_realloc(ctx, v->data, v->cap * v->size, ncap * v->size);
	if (q == NULL)
		return TELLER_ENOMEM;
	v->data = q;
	v->cap = ncap;
	return TELLER_OK;
}

void *
tl_vec_push(teller_ctx *ctx, struct tl_vec *v, const void *elem)
{
	char *p;

	if (tl_vec_reserve(ctx, v, 1) != TELLER_OK)
		return NULL;
	p = (char *)v->data + v->len * v->size;
	if (elem != NULL)
		memcpy(p, elem, v->size);
	else
		memset(p, 0, v->size);
	v->len++;
	return p;
}

struct tl_vec *
tl_vec_zeroed(teller_ctx *ctx, size_t n, size_t elem_size)
{
	struct tl_vec *v = tl_vec_new(ctx, elem_size);

	if (v == NULL || tl_vec_reserve(ctx, v, n) != TELLER_OK)
		return NULL;
	memset(v->data, 0, n * elem_size);
	v->len = n;
	return v;
}

void
tl_vec_release(teller_ctx *ctx, struct tl_vec *v)
{
	if (v == NULL)
		return;
	tl_free(ctx, v->data, v->cap * v->size);
	v->data = NULL;
	v->len = v->cap = 0;
}

const char *
teller_strerror(int code)
{
	switch (code) {
	case TELLER_OK: return "success";
	case TELLER_ENOMEM: return "out of memory";
	case TELLER_EPARSE: return "malformed input";
	case TELLER_ELIMIT: return "input exceeds a limit";
	case TELLER_EOVERFLOW: return "number overflow";
	case TELLER_EINVAL: return "invalid argument";
	case TELLER_EIO: return "input could not be read";
	case TELLER_ERULE: return "the rules cannot count this input";
	case TELLER_ETIE: return "the count stopped on a tie";
	case TELLER_ECONFIG: return "invalid contest config";
	case TELLER_EINTERNAL: return "internal error";
	case TELLER_EWRITE: return "output could not be written";
	case TELLER_EDUP: return "duplicate entry";
	case TELLER_ERANGE: return "number out of range";
	case TELLER_EENCODING: return "invalid text encoding";
	case TELLER_ESTOP: return "the count stopped";
	case TELLER_EVERIFY: return "verification failed";
	}
	return "unknown error";
}

int
teller_exit_status(int code)
{
	switch (code) {
	case TELLER_OK: return 0;
	case TELLER_EINVAL: return 2;
	case TELLER_ENOMEM:
	case TELLER_EINTERNAL:
	case TELLER_EWRITE: return 3;
	case TELLER_ETIE:
	case TELLER_ESTOP: return 4;
	case TELLER_EVERIFY: return 5;
	default: return 1;
	}
}
