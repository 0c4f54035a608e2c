/* SPDX-License-Identifier: MIT */
/*
 * t_io_drop.c -- the page dropping of lib/rctab/rctab_io.c and
 * cli/files.c (issue 6; the library releases, the CLI drops): tl_io_drop
 * drops whole pages every TL_IO_DROP_STEP bytes and the resident set
 * shrinks, the bytes read back unchanged, tl_io_watch routes tl_release
 * to the map (and other buffers to the caller's hook), and the JSON span
 * helpers of cvr_json.c release what they scan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "cli.h"
#include "cvr_util.h"
#include "tl_io.h"

/* A context whose inputs come from the file system, as the teller
 * command's do (cli/files.c): the library reads no file itself. */
static int
tt_ctx_new(const teller_alloc *alloc, teller_ctx **ctx)
{
	int rc = teller_ctx_new(alloc, ctx);

	if (rc == TELLER_OK)
		teller_ctx_set_input(*ctx, &cli_files);
	return rc;
}

#define MIB ((size_t)1 << 20)

static unsigned char
pat(size_t i)
{
	return (unsigned char)(i * 7 % 251);
}

/* Resident pages of this process (Linux /proc), or -1. */
static long
rss_pages(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size, res;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = -1;
	fclose(f);
	return res;
}

static int hook_calls;

static void
hook(void *ud, const char *p, size_t n)
{
	(void)ud;
	(void)p;
	(void)n;
	hook_calls++;
}

static size_t nelems;

static int
count_elem(void *ud, size_t i, const struct tl_jv *e)
{
	long v;

	(void)ud;
	if (tl_jv_int(e, &v) && (size_t)v == i)
		nelems++;
	return TELLER_OK;
}

static void
test_drop(teller_ctx *ctx, const char *path)
{
	size_t len = 12 * MIB + 123, i, bad = 0, d1;
	struct tl_io_watch w;
	struct tl_map m;
	unsigned long sum = 0;
	long r1, r2, pg = sysconf(_SC_PAGESIZE);
	char other[16];
	FILE *f;

	f = fopen(path, "wb");
	CHECK(f != NULL, "cannot write %s", path);
	if (f == NULL)
		return;
	for (i = 0; i < len; i++)
		putc(pat(i), f);
	fclose(f);
	CHECK_INT(tl_io_map(ctx, path, path, &m), TELLER_OK);
	CHECK_INT(m.len, len);
	CHECK_INT(m.dropped, 0);
	for (i = 0; i < len; i++)
		sum += (unsigned char)m.buf[i];
	CHECK(sum > 0, "sum %lu", sum);
	r1 = rss_pages();
	/* below the step: nothing dropped yet */
	tl_io_drop(&m, MIB);
	CHECK_INT(m.dropped, 0);
	/* past it: up to the 2 MiB boundary (of addresses) at least 2 MiB
	 * below upto */
	tl_io_drop(&m, 5 * MIB + 10);
	d1 = m.dropped;
	CHECK(d1 > 5 * MIB + 10 - 2 * TL_IO_DROP_ALIGN &&
	    d1 <= 5 * MIB + 10 - TL_IO_DROP_ALIGN, "dropped %zu", d1);
	CHECK((uintptr_t)(m.buf + d1) % TL_IO_DROP_ALIGN == 0, "%p + %zu "
	    "not aligned", (const void *)m.buf, d1);
	tl_io_drop(&m, 5 * MIB + 100);
	CHECK_INT(m.dropped, d1);
	/* the end of the file drops the last partial page too */
	tl_io_drop(&m, len + 1000);
	CHECK_INT(m.dropped, len);
	r2 = rss_pages();
	if (r1 >= 0 && r2 >= 0 && pg > 0)
		CHECK(r1 - r2 >= (long)(8 * MIB) / pg, "resident pages %ld -> "
		    "%ld: not dropped", r1, r2);
	/* the bytes fault back in unchanged */
	for (i = 0; i < len; i++)
		if ((unsigned char)m.buf[i] != pat(i))
			bad++;
	CHECK_INT(bad, 0);
	tl_io_rewind(&m);
	CHECK_INT(m.dropped, 0);
	/* the watch: bytes of m drop m's pages, others go to the hook */
	teller_ctx_set_release(ctx, hook, NULL);
	tl_io_watch(ctx, &m, &w);
	tl_release(ctx, m.buf, 6 * MIB);
	CHECK(m.dropped > 2 * MIB && m.dropped <= 4 * MIB, "dropped %zu",
	    m.dropped);
	CHECK_INT(hook_calls, 0);
	tl_release(ctx, other, sizeof(other));
	CHECK_INT(hook_calls, 1);
	tl_io_unwatch(ctx, &w);
	CHECK(ctx->release == hook, "hook not restored");
	teller_ctx_set_release(ctx, NULL, NULL);
	tl_io_unmap(&m);
	CHECK_INT(m.dropped, 0);
}

/* An object with a big array member, streamed as Dominion and CDF do:
 * every element arrives, and the scans release what they walk. */
static void
test_json(teller_ctx *ctx, const char *path)
{
	const size_t n = 2000000;
	struct tl_jmember *mem;
	struct tl_io_watch w;
	struct tl_map m;
	size_t nm = 0, i, dropped_scan;
	FILE *f;

	f = fopen(path, "wb");
	CHECK(f != NULL, "cannot write %s", path);
	if (f == NULL)
		return;
	fputs("{\"Version\":\"1\",\"Sessions\":[", f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%zu", i ? ",\n" : "", i);
	fputs("]}", f);
	fclose(f);
	CHECK_INT(tl_io_map(ctx, path, path, &m), TELLER_OK);
	CHECK(m.len > 2 * TL_IO_DROP_STEP, "file too small: %zu", m.len);
	tl_io_watch(ctx, &m, &w);
	CHECK_INT(tl_json_members(ctx, path, m.buf, m.len, &mem, &nm),
	    TELLER_OK);
	CHECK_INT(nm, 2);
	dropped_scan = m.dropped;
	CHECK(dropped_scan >= TL_IO_DROP_STEP, "scan dropped %zu",
	    dropped_scan);
	tl_io_rewind(&m);
	nelems = 0;
	if (nm == 2)
		CHECK_INT(tl_json_elements_v(ctx, &mem[1].val, count_elem,
		    NULL), TELLER_OK);
	CHECK_INT(nelems, n);
	CHECK(m.dropped >= TL_IO_DROP_STEP, "elements dropped %zu",
	    m.dropped);
	tl_io_unwatch(ctx, &w);
	CHECK(ctx->release == NULL, "hook not restored");
	tl_io_unmap(&m);
}

int
main(void)
{
	char path[64];
	teller_ctx *ctx;

	snprintf(path, sizeof(path), "/tmp/t_io_drop.%ld", (long)getpid());
	if (tt_ctx_new(NULL, &ctx) != TELLER_OK)
		return 1;
	test_drop(ctx, path);
	test_json(ctx, path);
	remove(path);
	teller_ctx_free(ctx);
	return h_done();
}
