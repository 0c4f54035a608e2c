/* SPDX-License-Identifier: MIT */
/*
 * tl_io.h -- inputs that name other files (RCTab configs, CVR files and
 * folders), read through the caller's teller_input callbacks
 * (rctab_io.c): the library opens, lists and probes nothing itself.
 */
#ifndef TL_IO_H
#define TL_IO_H

#include "tl_int.h"

struct tl_map {
	const char *buf; /* file contents (not NUL-terminated) */
	size_t len;
	bool mapped;     /* releasing bytes may free memory (len > 0 and
			  * the caller gave a release callback) */
	size_t dropped;  /* bytes from buf already released */
	const teller_input *in; /* the callbacks it came from */
	void *h;         /* their handle for it */
};

/* Bytes a reader walks between two releases of what is behind it, and
 * the alignment of what is released (see tl_io_drop). */
#define TL_IO_DROP_STEP ((size_t)4 << 20)
#define TL_IO_DROP_ALIGN ((size_t)2 << 20)

/* Open path through the input callbacks. EIO (missing, not a file, no
 * callbacks), ELIMIT (more than the input_bytes limit). The message
 * names path; the error is in the input `from` (the file that named
 * path, or path itself; NULL for none). */
int tl_io_map(teller_ctx *ctx, const char *from, const char *path,
    struct tl_map *m) TL_MUST_CHECK;
/* As tl_io_map without the size limit (the caller checks it). */
int tl_io_open(teller_ctx *ctx, const char *from, const char *path,
    struct tl_map *m) TL_MUST_CHECK;
void tl_io_unmap(struct tl_map *m);
/* The reader is done with m->buf[0 .. upto): release what of it was not
 * released yet, once at least TL_IO_DROP_STEP bytes have gathered, so
 * resident memory does not grow with the file. Harmless if the reader
 * reads them again; a no-op for an empty file. Call it as often as you
 * like. */
void tl_io_drop(struct tl_map *m, size_t upto);
/* Release [p, p + n) of m now, whatever was released before (a reader
 * thread's own part of the file). Safe from several threads at once. */
void tl_io_release(const struct tl_map *m, const char *p, size_t n);
/* The reader starts a new pass over m: bytes it reads again will be
 * released again as it goes. */
void tl_io_rewind(struct tl_map *m);

/* While a reader walks m, route tl_release(ctx, p, n) (used by helpers
 * that only see spans of the buffer, cvr_json.c) to tl_io_drop(m) for
 * bytes inside m; calls for other bytes go on to the caller's hook.
 * tl_io_unwatch restores the hook. One reader thread only. */
struct tl_io_watch {
	struct tl_map *m;
	teller_release_fn fn; /* the hook it replaced */
	void *ud;
};
void tl_io_watch(teller_ctx *ctx, struct tl_map *m, struct tl_io_watch *w);
void tl_io_unwatch(teller_ctx *ctx, const struct tl_io_watch *w);
/* Names in dir (no dot-files), sorted bytewise; borrowed from ctx.
 * Errors are in the input `from`, as tl_io_map's. */
int tl_io_list(teller_ctx *ctx, const char *from, const char *dir,
    const char ***names, size_t *n) TL_MUST_CHECK;
/* What path is: enum teller_path_kind (TELLER_PATH_NONE without input
 * callbacks). */
int tl_io_kind(teller_ctx *ctx, const char *path);

#endif
