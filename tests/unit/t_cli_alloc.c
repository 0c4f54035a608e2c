/* SPDX-License-Identifier: MIT */
/*
 * t_cli_alloc.c -- the allocator of `teller rctab` (cli/util.c, issue
 * 17): a block of 4 MiB and more asked fresh is a mapping of its own,
 * aligned to 2 MiB; it keeps its bytes when grown or shrunk, is freed
 * whatever size the caller gives back, and past the table's 16 blocks
 * libc's blocks take over; one freed block is reused by the next that
 * fits it. Small blocks are libc's.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "cli.h"

#define MIB ((size_t)1 << 20)

static void *
ra(void *p, size_t old, size_t sz)
{
	return cli_alloc.realloc(cli_alloc.ud, p, old, sz);
}

static bool
aligned2m(const void *p)
{
	return ((uintptr_t)p & (2 * MIB - 1)) == 0;
}

/* Every byte of p[0..n) is (i * 7 + k) & 0xff: fill (set) or check. */
static bool
pattern(unsigned char *p, size_t n, unsigned k, bool set)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char v = (unsigned char)((i * 7 + k) & 0xff);
		if (set)
			p[i] = v;
		else if (p[i] != v)
			return false;
	}
	return true;
}

static void
grow_shrink(void)
{
	unsigned char *p = ra(NULL, 0, 5 * MIB), *q;

	CHECK(p != NULL && aligned2m(p), "a fresh 5 MiB block is mapped, "
	    "2 MiB aligned");
	if (p == NULL)
		return;
	pattern(p, 5 * MIB, 1, true);
	q = ra(p, 5 * MIB, 9 * MIB);
	CHECK(q != NULL && aligned2m(q) && pattern(q, 5 * MIB, 1, false),
	    "grown to 9 MiB: mapped anew, its bytes kept");
	if (q == NULL)
		return;
	pattern(q, 9 * MIB, 2, true);
	p = ra(q, 9 * MIB, 1000);
	CHECK(p != NULL && pattern(p, 1000, 2, false),
	    "shrunk to 1000 bytes: libc's, its first bytes kept");
	(void)ra(p, 1000, 0);
	/* a wrong size given back frees the mapping all the same */
	p = ra(NULL, 0, 6 * MIB);
	CHECK(p != NULL && aligned2m(p), "6 MiB mapped");
	if (p != NULL)
		pattern(p, 6 * MIB, 3, true);
	CHECK(ra(p, 12345, 0) == NULL, "freed with a wrong size");
	q = ra(NULL, 0, 100);
	CHECK(q != NULL, "a small block");
	if (q != NULL)
		pattern(q, 100, 4, true);
	(void)ra(q, 100, 0);
}

static void
table_full(void)
{
	unsigned char *b[20];
	int i, mapped = 0;
	bool ok = true;

	for (i = 0; i < 20; i++) {
		b[i] = ra(NULL, 0, 4 * MIB);
		if (b[i] == NULL) {
			ok = false;
			continue;
		}
		mapped += aligned2m(b[i]);
		pattern(b[i], 4 * MIB, (unsigned)i, true);
	}
	CHECK(ok && mapped >= 16, "20 blocks of 4 MiB: %d mapped", mapped);
	for (i = 0; i < 20; i++)
		if (b[i] != NULL && !pattern(b[i], 4 * MIB, (unsigned)i, false))
			ok = false;
	CHECK(ok, "each keeps its own bytes");
	for (i = 0; i < 20; i++)
		(void)ra(b[i], 4 * MIB, 0);
	b[0] = ra(NULL, 0, 4 * MIB);
	CHECK(b[0] != NULL && aligned2m(b[0]), "freed: mapped again");
	(void)ra(b[0], 4 * MIB, 0);
}

/* A freed block is kept as the spare and given to the next block asked
 * that fits it by at least half, with its pages; one that does not fit
 * gets a mapping of its own. */
static void
spare(void)
{
	unsigned char *p = ra(NULL, 0, 8 * MIB), *q, *r;

	CHECK(p != NULL && aligned2m(p), "8 MiB mapped");
	if (p == NULL)
		return;
	pattern(p, 8 * MIB, 5, true);
	(void)ra(p, 8 * MIB, 0);
	q = ra(NULL, 0, 7 * MIB);
	CHECK(q == p && pattern(q, 7 * MIB, 5, false),
	    "7 MiB asked after 8 MiB freed: the same pages");
	(void)ra(q, 7 * MIB, 0);
	r = ra(NULL, 0, 20 * MIB);
	CHECK(r != NULL && r != p && aligned2m(r),
	    "20 MiB asked: mapped anew, not the 8 MiB spare");
	if (r != NULL)
		pattern(r, 20 * MIB, 6, true);
	(void)ra(r, 20 * MIB, 0);
	q = ra(NULL, 0, 4 * MIB);
	CHECK(q != NULL && q != r && aligned2m(q),
	    "4 MiB asked: not the 20 MiB spare, which it would waste");
	(void)ra(q, 4 * MIB, 0);
}

static void
with_ctx(void)
{
	teller_ctx *ctx = NULL;

	CHECK(teller_ctx_new(&cli_alloc, &ctx) == TELLER_OK,
	    "a context on cli_alloc");
	teller_ctx_free(ctx);
}

int
main(void)
{
	grow_shrink();
	table_full();
	spare();
	with_ctx();
	return h_done();
}
