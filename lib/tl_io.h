/* SPDX-License-Identifier: MIT */
/* tl_io.h -- file access for multi-file inputs (io.c). */
#ifndef TL_IO_H
#define TL_IO_H

#include "tl_int.h"

struct tl_map {
	const char *buf; /* file contents (not NUL-terminated) */
	size_t len;
	bool mapped;
};

/* Map path read-only. EIO (missing, not a file), ELIMIT (too big). */
int tl_io_map(teller_ctx *ctx, const char *path, struct tl_map *m);
void tl_io_unmap(struct tl_map *m);
/* Names in dir (no dot-files), sorted bytewise; borrowed from ctx. */
int tl_io_list(teller_ctx *ctx, const char *dir, const char ***names,
    size_t *n);

#endif
