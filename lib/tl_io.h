/* SPDX-License-Identifier: MIT */
/* tl_io.h -- file access for multi-file inputs (io.c). */
#ifndef TL_IO_H
#define TL_IO_H

#include "tl_int.h"

struct tl_map {
	const char *buf; /* file contents (not NUL-terminated) */
	size_t len;
	bool mapped;
	size_t dropped;  /* bytes from buf already dropped (page multiple) */
};

/* Bytes a reader walks between two drops of the pages behind it, and
 * the alignment of what is dropped (see tl_io_drop). */
#define TL_IO_DROP_STEP ((size_t)4 << 20)
#define TL_IO_DROP_ALIGN ((size_t)2 << 20)

/* Map path read-only. EIO (missing, not a file), ELIMIT (too big). */
int tl_io_map(teller_ctx *ctx, const char *path, struct tl_map *m);
void tl_io_unmap(struct tl_map *m);
/* The reader is done with m->buf[0 .. upto): drop the whole pages of it
 * not dropped yet (madvise MADV_DONTNEED), once at least TL_IO_DROP_STEP
 * bytes have gathered, so resident memory does not grow with the file.
 * Harmless if the reader reads them again (they fault back in from the
 * file); a no-op for an empty file. Call it as often as you like. */
void tl_io_drop(struct tl_map *m, size_t upto);
/* The reader starts a new pass over m: pages it faults back in will be
 * dropped again as it goes. */
void tl_io_rewind(struct tl_map *m);

/* While a reader walks m, route tl_release(ctx, p, n) (used by helpers
 * that only see spans of the buffer, cvr_util.c) to tl_io_drop(m) for
 * bytes inside m; calls for other bytes go on to the caller's hook.
 * tl_io_unwatch restores the hook. One reader thread only. */
struct tl_io_watch {
	struct tl_map *m;
	teller_release_fn fn; /* the hook it replaced */
	void *ud;
};
void tl_io_watch(teller_ctx *ctx, struct tl_map *m, struct tl_io_watch *w);
void tl_io_unwatch(teller_ctx *ctx, const struct tl_io_watch *w);
/* Names in dir (no dot-files), sorted bytewise; borrowed from ctx. */
int tl_io_list(teller_ctx *ctx, const char *dir, const char ***names,
    size_t *n);

#endif
