/* SPDX-License-Identifier: MIT */
/*
 * t_ctx.c -- the context: the first error is kept with its input
 * position, messages are bounded, out-of-memory is sticky and static,
 * the arena and vectors behave, and every byte goes back to the caller's
 * allocator (TELLER_OOM=1: each allocation fails in turn).
 */
#include <stdlib.h>

#include "harness.h"
#include "oom.h"
#include "tl_int.h"

static void
errors(void)
{
	teller_ctx *ctx;
	const char *file;
	long line, col;
	char big[600];
	int code;

	CHECK(teller_ctx_new(NULL, &ctx) == TELLER_OK, "new");
	CHECK_INT(teller_errcode(ctx), TELLER_OK);
	CHECK_STR(teller_errmsg(ctx), "");
	teller_errpos(ctx, &file, &line, &col);
	CHECK(file == NULL && line == 0 && col == 0, "no position");

	/* the input an error names: explicit (tl_fail_in), or the public
	 * call's (ctx->inname, set once by teller_read) */
	ctx->inname = "b.csv";
	CHECK_INT(tl_fail_in(ctx, "a.csv", TELLER_EPARSE, 3, 7, "bad %s",
	    "thing"), TELLER_EPARSE);
	CHECK_INT(tl_fail_at(ctx, TELLER_ERANGE, 9, 9, "later"),
	    TELLER_ERANGE);
	CHECK_INT(tl_fail(ctx, TELLER_EDUP, "later still"), TELLER_EDUP);
	CHECK_INT(tl_oom(ctx), TELLER_ENOMEM);
	CHECK_INT(teller_errcode(ctx), TELLER_EPARSE);
	CHECK_STR(teller_errmsg(ctx), "bad thing");
	teller_errpos(ctx, &file, &line, &col);
	CHECK(file != NULL && strcmp(file, "a.csv") == 0, "file %s",
	    file ? file : "(null)");
	CHECK(line == 3 && col == 7, "pos %ld:%ld", line, col);
	teller_errpos(ctx, NULL, NULL, NULL); /* NULL outs are allowed */

	teller_errclear(ctx);
	CHECK_INT(teller_errcode(ctx), TELLER_OK);
	CHECK_STR(teller_errmsg(ctx), "");
	teller_errpos(ctx, &file, &line, &col);
	CHECK(file == NULL && line == 0 && col == 0, "cleared position");
	CHECK(!ctx->oom, "oom flag cleared");

	/* no position: line 0, file still named */
	tl_fail(ctx, TELLER_ELIMIT, "too big");
	teller_errpos(ctx, &file, &line, &col);
	CHECK(file != NULL && strcmp(file, "b.csv") == 0 && line == 0,
	    "unpositioned error");
	teller_errclear(ctx);
	/* an explicit input wins over ctx->inname; NULL names none */
	tl_fail_in(ctx, "c.json", TELLER_EPARSE, 2, 0, "in c");
	teller_errpos(ctx, &file, &line, &col);
	CHECK(file != NULL && strcmp(file, "c.json") == 0 && line == 2 &&
	    col == 0, "explicit input");
	teller_errclear(ctx);
	tl_fail_in(ctx, NULL, TELLER_EIO, 0, 0, "no input");
	teller_errpos(ctx, &file, &line, &col);
	CHECK(file == NULL && line == 0, "no input named");
	teller_errclear(ctx);

	/* out of memory first: static message, sticky flag */
	ctx->inname = NULL;
	tl_oom(ctx);
	CHECK_INT(teller_errcode(ctx), TELLER_ENOMEM);
	CHECK_STR(teller_errmsg(ctx), "out of memory");
	CHECK(ctx->oom, "oom flag");
	teller_errclear(ctx);

	/* long messages are cut, not overflowed */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tl_fail(ctx, TELLER_EPARSE, "%s", big);
	CHECK(strlen(teller_errmsg(ctx)) == sizeof(ctx->msg) - 1, "len %zu",
	    strlen(teller_errmsg(ctx)));
	teller_errclear(ctx);

	for (code = TELLER_OK; code <= TELLER_EVERIFY; code++)
		CHECK(strcmp(teller_strerror(code), "unknown error") != 0,
		    "code %d has no text", code);
	CHECK_STR(teller_strerror(99), "unknown error");
	CHECK_INT(teller_exit_status(TELLER_OK), 0);
	CHECK_INT(teller_exit_status(TELLER_EPARSE), 1);
	CHECK_INT(teller_exit_status(TELLER_EENCODING), 1);
	CHECK_INT(teller_exit_status(TELLER_EINVAL), 2);
	CHECK_INT(teller_exit_status(TELLER_ENOMEM), 3);
	CHECK_INT(teller_exit_status(TELLER_EINTERNAL), 3);
	CHECK_INT(teller_exit_status(TELLER_EWRITE), 3);
	CHECK_INT(teller_exit_status(TELLER_ETIE), 4);
	CHECK_INT(teller_exit_status(TELLER_EVERIFY), 5);
	teller_ctx_free(ctx);
	teller_ctx_free(NULL);
}

static void
memory(void)
{
	teller_ctx *ctx;
	teller_limits lim;
	struct tl_vec *v;
	char *s, *big;
	int i, ok = 1;
	size_t k;

	teller_ctx_new(NULL, &ctx);
	teller_limits_init(&lim);
	CHECK(lim.candidates == 10000 && lim.ranks == 1000, "defaults");
	lim.candidates = 7;
	teller_ctx_set_limits(ctx, &lim);
	CHECK_INT(ctx->lim.candidates, 7);

	for (i = 1; i < 200; i++) {
		unsigned char *p = tl_alloc(ctx, (size_t)i, 3);
		if (p == NULL || ((uintptr_t)p % _Alignof(max_align_t)) != 0)
			ok = 0;
		else
			for (k = 0; k < (size_t)i * 3; k++)
				if (p[k] != 0)
					ok = 0;
		if (p != NULL)
			memset(p, 0xAB, (size_t)i * 3);
	}
	CHECK(ok, "arena memory zeroed and aligned");
	big = tl_alloc(ctx, 1, 1 << 20);
	CHECK(big != NULL, "big block");
	if (big != NULL)
		memset(big, 1, 1 << 20);
	s = tl_alloc(ctx, 1, 16);
	CHECK(s != NULL && s[0] == 0, "small after big");
	s = tl_strndup(ctx, "hello world", 5);
	CHECK(s != NULL && strcmp(s, "hello") == 0, "strndup");
	s = tl_strdup(ctx, "");
	CHECK(s != NULL && s[0] == '\0', "strdup empty");
	CHECK(tl_alloc(ctx, SIZE_MAX / 2, 4) == NULL, "size overflow");
	CHECK_INT(teller_errcode(ctx), TELLER_ENOMEM);
	teller_errclear(ctx);

	v = tl_vec_new(ctx, sizeof(int));
	CHECK(v != NULL, "vec");
	ok = true;
	for (i = 0; ok && v != NULL && i < 10000; i++)
		ok = tl_vec_push(ctx, v, &i) != NULL;
	ok = ok && v != NULL && v->len == 10000;
	for (i = 0; ok && i < 10000; i++)
		if (TL_VEC_AT(v, int, i) != i)
			ok = 0;
	CHECK(ok, "vec contents");
	CHECK(v != NULL && tl_vec_push(ctx, v, NULL) != NULL &&
	    TL_VEC_AT(v, int, 10000) == 0, "push NULL zeroes");
	CHECK(v != NULL && tl_vec_reserve(ctx, v, SIZE_MAX / 2) ==
	    TELLER_ENOMEM, "reserve overflow");
	for (i = 0; i < 100; i++) /* many vectors: the list grows */
		CHECK(tl_vec_new(ctx, 8) != NULL, "vec %d", i);
	teller_ctx_free(ctx);
}

static int
work(teller_ctx *ctx, void *arg)
{
	struct tl_vec *v;
	int i;

	(void)arg;
	for (i = 0; i < 40; i++)
		if (tl_alloc(ctx, 1, (size_t)(i * 997)) == NULL)
			return TELLER_ENOMEM;
	if (tl_alloc(ctx, 1, 200000) == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < 20; i++) {
		int k;
		if ((v = tl_vec_new(ctx, sizeof(int))) == NULL)
			return TELLER_ENOMEM;
		for (k = 0; k < 100; k++)
			if (tl_vec_push(ctx, v, &k) == NULL)
				return TELLER_ENOMEM;
	}
	return TELLER_OK;
}

static void
allocator(void)
{
	long calls = 0;
	struct oom_state st = { 0, 1, 0 };
	teller_alloc a = { oom_realloc, &st };
	teller_ctx *ctx = (teller_ctx *)&st;

	/* every byte returned */
	CHECK_INT(oom_run_fn(work, NULL, 0, &calls), TELLER_OK);
	CHECK(calls > 20, "calls %ld", calls);
	/* the context itself failing */
	CHECK_INT(teller_ctx_new(&a, &ctx), TELLER_ENOMEM);
	CHECK(ctx == NULL, "out set to NULL");
}

int
main(void)
{
	if (oom_enabled()) {
		oom_loop("ctx work", work, NULL);
		return h_done();
	}
	errors();
	memory();
	allocator();
	return h_done();
}
