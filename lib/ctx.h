/* SPDX-License-Identifier: MIT */
/*
 * ctx.h -- the context: first error, allocator, arena and growable
 * vectors (ctx.c).
 */
#ifndef TL_CTX_H
#define TL_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "teller.h"

/* On a fallible internal function: its result (an error code, or NULL
 * on failure) must be looked at. Guarded: num.h defines the same. */
#ifndef TL_MUST_CHECK
#if defined(__GNUC__) || defined(__clang__)
#define TL_MUST_CHECK __attribute__((warn_unused_result))
#else
#define TL_MUST_CHECK
#endif
#endif

struct tl_vec;

/* A fallible internal function: the caller must look at what it returns. */
#ifndef TL_MUST_CHECK
#if defined(__GNUC__) || defined(__clang__)
#define TL_MUST_CHECK __attribute__((warn_unused_result))
#else
#define TL_MUST_CHECK
#endif
#endif

struct teller_ctx {
	teller_alloc alloc;
	teller_limits lim;
	int err;              /* first error code, TELLER_OK if none */
	char msg[256];        /* its message */
	const char *inname;   /* the public call's input name, see below */
	char errfile[256];    /* input name at the time of the error */
	long line, col;       /* its position, 0 if unknown */
	bool oom;             /* sticky out-of-memory flag */
	struct tl_block *blocks; /* arena blocks, newest first */
	struct tl_vec **vecs; /* growable vectors to free at the end */
	size_t nvecs, capvecs;
	int threads;          /* teller_ctx_set_threads (>= 1, resolved) */
	teller_release_fn release; /* teller_ctx_set_release, or NULL */
	void *release_ud;
	teller_input input;   /* teller_ctx_set_input (lib/rctab/rctab_io.c) */
	bool has_input;
	struct tl_cert *cert; /* teller_count_certified's certificate, read
			       * by the method that writes it (cert.h) */
	/* the lot the last count stopped at (tie.c, teller_lot_pending):
	 * lot_n tied, 0 if none */
	int lot_n, lot_cap, lot_stage, lot_kind;
	bool lot_against, lot_free;
	int *lot_tied;                /* [lot_cap] */
	unsigned char lot_state[32];  /* if lot_has_state */
	bool lot_has_state;
};

/* Tell the caller (teller_ctx_set_release) that bytes [p, p + n) of the
 * input buffer will not be needed again. Safe from any reader thread. */
void tl_release(teller_ctx *ctx, const char *p, size_t n);

/*
 * Errors name their input. tl_fail_in names it explicitly: every reader
 * of more than one input (RCTab's config and CVR files, a Dominion
 * export's manifests, a Hart folder's files) keeps each input's name in
 * its own state and passes it. tl_fail and tl_fail_at name ctx->inname:
 * the one input of a public call, set once by teller_read (the name it
 * is given; later errors of the count, such as "the input says 2
 * seats", name it too) and by teller_rctab_load (the config's path, for
 * the config and the tabulation). Nothing sets it anywhere else, and
 * nothing saves or restores it.
 */

/* Record err as the context's first error (later ones are ignored) and
 * return err, so callers write `return tl_fail(ctx, ...)`. Position is
 * unknown; the input is ctx->inname. */
int tl_fail(teller_ctx *ctx, int err, const char *fmt, ...)
    TELLER_PRINTF(3, 4);

/* As tl_fail, with a 1-based line and column in ctx->inname (the four
 * readers of teller_read, which read exactly that input). */
int tl_fail_at(teller_ctx *ctx, int err, long line, long col,
    const char *fmt, ...) TELLER_PRINTF(5, 6);

/* As tl_fail_at, in the input named file (NULL: no input named). Line
 * and column 0 when unknown. */
int tl_fail_in(teller_ctx *ctx, const char *file, int err, long line,
    long col, const char *fmt, ...) TELLER_PRINTF(6, 7);

/* Record out-of-memory (static message; never allocates). */
int tl_oom(teller_ctx *ctx);

/* Raw allocation through the caller allocator. NULL on failure (and the
 * OOM flag set). */
void *tl_realloc(teller_ctx *ctx, void *p, size_t old, size_t sz) TL_MUST_CHECK;
void tl_free(teller_ctx *ctx, void *p, size_t sz);

/* Arena: zeroed memory living until teller_ctx_free. NULL on OOM (error
 * recorded). Size overflow is checked. */
void *tl_alloc(teller_ctx *ctx, size_t n, size_t size) TL_MUST_CHECK;
char *tl_strndup(teller_ctx *ctx, const char *s, size_t n) TL_MUST_CHECK;
char *tl_strdup(teller_ctx *ctx, const char *s) TL_MUST_CHECK;

/* Growable vector of fixed-size elements, freed with the context.
 * Allocate with tl_vec_new; grow with tl_vec_reserve / tl_vec_push. */
struct tl_vec {
	void *data;
	size_t len;  /* elements in use */
	size_t cap;  /* elements allocated */
	size_t size; /* bytes per element */
};
struct tl_vec *tl_vec_new(teller_ctx *ctx, size_t elem_size) TL_MUST_CHECK;
/* Ensure room for `more` further elements. */
int tl_vec_reserve(teller_ctx *ctx, struct tl_vec *v, size_t more)
    TL_MUST_CHECK;
/* Append one element (copied from elem); returns pointer to it or NULL. */
void *tl_vec_push(teller_ctx *ctx, struct tl_vec *v, const void *elem)
    TL_MUST_CHECK;
/* A vector of n zeroed elements in use (a hash table's slots), or NULL. */
struct tl_vec *tl_vec_zeroed(teller_ctx *ctx, size_t n, size_t elem_size)
    TL_MUST_CHECK;
/* Give back v's storage now rather than with the context (a table
 * outgrown); v stays registered, empty. NULL is a no-op. */
void tl_vec_release(teller_ctx *ctx, struct tl_vec *v);
#define TL_VEC_AT(v, type, i) (((type *)(v)->data)[i])
/* Elements of an array; with _Static_assert, a table of names by an
 * enum checks its length against the enum's count. */
#define TL_NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif /* TL_CTX_H */
