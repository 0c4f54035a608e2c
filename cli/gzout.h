/* SPDX-License-Identifier: MIT */
/*
 * gzout.h -- a gzip stream written through a teller_write_fn (gzout.c).
 */
#ifndef CLI_GZOUT_H
#define CLI_GZOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <zlib.h>

#include "teller.h"

struct cli_gz {
	teller_write_fn w;
	void *ud;
	z_stream z;
	int err;             /* -1 once deflate or a write failed */
	unsigned char buf[16384];
};

/* Start a gzip stream onto w(ud, ...): 0, or -1. */
int cli_gz_open(struct cli_gz *g, teller_write_fn w, void *ud);
/* A teller_write_fn (ud: the struct cli_gz): compress p[0..n). */
int cli_gz_write(void *ud, const char *p, size_t n);
/* End the stream (the trailer written) and free it: 0, or -1 if any
 * step failed. */
int cli_gz_close(struct cli_gz *g);
/* path ends in ".gz". */
bool cli_gz_name(const char *path);

#endif /* CLI_GZOUT_H */
