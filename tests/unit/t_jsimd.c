/* SPDX-License-Identifier: MIT */
/*
 * t_jsimd.c -- cvr_jsimd.c's AVX2 looks against byte-at-a-time
 * references written from their contracts, on generated text that
 * crowds the bytes they look for (quotes, backslashes and escapes,
 * brackets in and out of strings, the name and near misses, across
 * 32- and 64-byte boundaries):
 * - tl_jsimd_blocks: which blocks are passed over (a block that cannot
 *   end the value, nest past the limit nor hold a backslash outside a
 *   string) and the walk's state after them;
 * - tl_jsimd_name: whether a name or "\u" is in the text, with the
 *   bytes it did not look at left to the byte loop as the caller does.
 * Where the processor lacks AVX2 it says so and checks nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rnd.h"
#include "cvr_jsimd.h"


/* n bytes of text crowded with what the looks look for. */
static void
gen(unsigned char *b, size_t n)
{
	static const char *const bits[] = {
		"\"", "\\", "\\\\", "\\\"", "\\u", "{", "}", "[", "]", "a",
		"u", "S", "s", " ", "Sessions", "SessionType", "Sessionx",
		"\"Sessions\"", "{\"a\":[1,2]}", "\"x\\\\\"", "\xc3\xa9",
	};
	size_t i = 0;

	while (i < n) {
		const char *s = bits[rnd(sizeof(bits) / sizeof(bits[0]))];
		size_t k = strlen(s);

		if (rnd(4) == 0) {
			s = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
			k = rnd(40);
		}
		if (k > n - i)
			k = n - i;
		memcpy(b + i, s, k);
		i += k;
	}
}

/* The block at b[i..i+64) by the contract: passed over into *w (and
 * true), or false with *w as it was. */
static int
ref_block(const unsigned char *b, size_t i, struct tl_jwalk *w, int base,
    int lim)
{
	struct tl_jwalk v = *w;
	size_t p, skip = w->skip;
	int no = 0, nc = 0;

	if (!(w->skip <= i + 1 && w->depth > base))
		return 0;
	for (p = i; p < i + 64; p++) {
		if (p < skip)
			continue;
		if (v.str) {
			if (b[p] == '"')
				v.str = false;
			else if (b[p] == '\\')
				skip = p + 2;
		} else if (b[p] == '"') {
			v.str = true;
		} else if (b[p] == '\\') {
			return 0;
		} else if (b[p] == '{' || b[p] == '[') {
			no++;
		} else if (b[p] == '}' || b[p] == ']') {
			nc++;
		}
	}
	if (v.depth - nc <= base || v.depth + no > lim)
		return 0;
	v.depth += no - nc;
	if (skip == i + 65)
		v.skip = skip;
	*w = v;
	return 1;
}

static void
t_blocks(void)
{
	unsigned char b[64 * 12];
	int round, passed = 0, stopped = 0;

	for (round = 0; round < 200000; round++) {
		struct tl_jwalk w, r;
		size_t i0 = rnd(64), stop = i0 + 64 * rnd(12), i, j;
		int base = (int)rnd(3), lim = 8 + (int)rnd(40);

		if (stop > sizeof(b))
			stop = sizeof(b);
		gen(b, sizeof(b));
		w.depth = base + 1 + (int)rnd(20);
		w.str = rnd(2) != 0;
		w.skip = i0 + rnd(3) - (i0 > 0 ? 1 : 0);
		/* a byte escaped across blocks is in a string */
		if (w.skip == i0 + 1)
			w.str = true;
		r = w;
		i = tl_jsimd_blocks(b, i0, stop, &w, base, lim);
		for (j = i0; stop - j >= 64 && ref_block(b, j, &r, base, lim);)
			j += 64;
		CHECK(i == j && w.depth == r.depth && w.str == r.str &&
		    w.skip == r.skip, "round %d: stop %zu/%zu depth %d/%d "
		    "str %d/%d skip %zu/%zu", round, i, j, w.depth, r.depth,
		    w.str, r.str, w.skip, r.skip);
		passed += i > i0;
		stopped += stop - i >= 64;
	}
	printf("blocks: %d rounds passed blocks, %d stopped early\n",
	    passed, stopped);
	CHECK(passed > 10000 && stopped > 10000, "%d, %d", passed, stopped);
}

/* The byte loop of cvr_json.c's jc_name_seen over b[i..k). */
static int
ref_name(const unsigned char *b, size_t i, size_t k, size_t room,
    const char *name, size_t nl)
{
	for (; i < k; i++)
		if (b[i] == '\\' ? i + 1 < room && b[i + 1] == 'u' :
		    b[i] == (unsigned char)name[0] && room - i >= nl &&
		    memcmp(b + i, name, nl) == 0)
			return 1;
	return 0;
}

static void
t_name(void)
{
	static const char *const names[] = { "Sessions", "S", "ss", "\"" };
	unsigned char b[64 * 8];
	int round, seen = 0, unseen = 0;

	for (round = 0; round < 200000; round++) {
		const char *name = names[rnd(4)];
		size_t nl = strlen(name), room = rnd(sizeof(b) + 1);
		size_t k = rnd((unsigned)room + 1), i;
		bool got;
		int want;

		gen(b, sizeof(b));
		/* mostly text without a hit, where every block is looked at */
		if (rnd(4) != 0) {
			size_t p;

			for (p = 0; p < sizeof(b); p++)
				if (b[p] == '\\' ||
				    b[p] == (unsigned char)name[0])
					b[p] = 'a';
		}
		want = ref_name(b, 0, k, room, name, nl);
		i = tl_jsimd_name(b, 0, k, room, name, nl, &got);
		CHECK(i % 64 == 0 && i <= k, "round %d: stopped at %zu", round,
		    i);
		if (!got)
			got = ref_name(b, i, k, room, name, nl);
		CHECK(got == (want != 0), "round %d: name '%s' k %zu room %zu: "
		    "%d, want %d", round, name, k, room, got, want);
		seen += want;
		unseen += !want && i > 0;
	}
	printf("name: %d rounds with a hit, %d without past a block\n", seen,
	    unseen);
	CHECK(seen > 10000 && unseen > 10000, "%d, %d", seen, unseen);
}

int
main(void)
{
	rng = 0x9E3779B97F4A7C15ULL;
	if (!tl_jsimd_ok()) {
		printf("no AVX2 here: nothing to check\n");
		return h_done();
	}
	t_blocks();
	t_name();
	return h_done();
}
