/* SPDX-License-Identifier: MIT */
/*
 * gzout.c -- a gzip stream written through a teller_write_fn (audit.md
 * 5: "FILE.gz allowed"): --certificate FILE.gz, and verify's re-rendered
 * certificate, compressed the same way so that the two hash alike. The
 * header holds no name and no time (zlib writes mtime 0), so the bytes
 * depend only on the text and zlib's deflate at level 9.
 */
#include <string.h>

#include "gzout.h"

int
cli_gz_open(struct cli_gz *g, teller_write_fn w, void *ud)
{
	memset(g, 0, sizeof(*g));
	g->w = w;
	g->ud = ud;
	/* 15 + 16: a gzip wrapper around a 32 KiB window */
	if (deflateInit2(&g->z, 9, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return g->err = -1;
	return 0;
}

/* Deflate what is pending with flush, handing each full buffer on. */
static int
pump(struct cli_gz *g, int flush)
{
	int zr;

	do {
		g->z.next_out = g->buf;
		g->z.avail_out = sizeof(g->buf);
		zr = deflate(&g->z, flush);
		if (zr == Z_STREAM_ERROR || (sizeof(g->buf) - g->z.avail_out >
		    0 && g->w(g->ud, (const char *)g->buf, sizeof(g->buf) -
		    g->z.avail_out) != 0))
			return g->err = -1;
	} while (g->z.avail_out == 0);
	return 0;
}

int
cli_gz_write(void *ud, const char *p, size_t n)
{
	struct cli_gz *g = ud;

	while (g->err == 0 && n > 0) {
		uInt k = n > 65536 ? 65536 : (uInt)n;
		g->z.next_in = (Bytef *)(uintptr_t)p;
		g->z.avail_in = k;
		if (pump(g, Z_NO_FLUSH) != 0)
			break;
		p += k;
		n -= k;
	}
	return g->err;
}

int
cli_gz_close(struct cli_gz *g)
{
	if (g->err == 0) {
		g->z.next_in = NULL;
		g->z.avail_in = 0;
		(void)pump(g, Z_FINISH);
	}
	deflateEnd(&g->z);
	return g->err;
}

bool
cli_gz_name(const char *path)
{
	size_t n = path != NULL ? strlen(path) : 0;

	return n > 3 && strcmp(path + n - 3, ".gz") == 0;
}
