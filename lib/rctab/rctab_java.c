/* SPDX-License-Identifier: MIT */
/*
 * rctab_java.c -- the Java library behaviour that reaches RCTab's results
 * (rctab.md 5.2 and 6.2): java.util.Random's 48-bit LCG as the Java API
 * specifies it, String.hashCode and compareTo over UTF-16 code units, and
 * the iteration order of java.util.HashMap / HashSet of strings.
 */
#include <string.h>

#include "rctab.h"

#define LCG_MUL UINT64_C(0x5DEECE66D)
#define LCG_MASK ((UINT64_C(1) << 48) - 1)

void
tl_jrand_seed(struct tl_jrand *r, int64_t seed)
{
	r->s = ((uint64_t)seed ^ LCG_MUL) & LCG_MASK;
}

int32_t
tl_jrand_next(struct tl_jrand *r, int bits)
{
	r->s = (r->s * LCG_MUL + 0xB) & LCG_MASK;
	/* (int)(seed >>> (48 - bits)): keep the low 32 bits, signed */
	return (int32_t)(uint32_t)(r->s >> (48 - bits));
}

uint64_t
tl_jrand_double53(struct tl_jrand *r)
{
	uint64_t hi = (uint64_t)(uint32_t)tl_jrand_next(r, 26);
	uint64_t lo = (uint64_t)(uint32_t)tl_jrand_next(r, 27);

	return (hi << 27) + lo;
}

int32_t
tl_jrand_int(struct tl_jrand *r, int32_t bound)
{
	int32_t v, u, m = bound - 1;

	v = tl_jrand_next(r, 31);
	if ((bound & m) == 0)
		return (int32_t)(((int64_t)bound * (int64_t)v) >> 31);
	for (u = v;; u = tl_jrand_next(r, 31)) {
		v = u % bound;
		/* u - v + m overflows int32 in Java: test in 32-bit wrap */
		if ((int32_t)((uint32_t)u - (uint32_t)v + (uint32_t)m) >= 0)
			return v;
	}
}

int
tl_jrand_index(struct tl_jrand *r, int n)
{
	/* nextDouble() * n is m * n * 2^-53 rounded to a 53-bit double
	 * (half-even); the int cast floors it. */
	return (int)tl_num_fmul53(tl_jrand_double53(r), (uint32_t)n);
}

/* Next UTF-16 code unit(s) of a UTF-8 string: decodes one code point at
 * *s, writes 1 or 2 units, advances *s. Invalid bytes count as U+FFFD. */
static int
utf16(const unsigned char **s, uint16_t u[2])
{
	const unsigned char *p = *s;
	uint32_t c;
	int n, i;

	if (p[0] < 0x80) {
		c = p[0];
		n = 1;
	} else if ((p[0] & 0xE0) == 0xC0) {
		c = p[0] & 0x1F;
		n = 2;
	} else if ((p[0] & 0xF0) == 0xE0) {
		c = p[0] & 0x0F;
		n = 3;
	} else if ((p[0] & 0xF8) == 0xF0) {
		c = p[0] & 0x07;
		n = 4;
	} else {
		*s = p + 1;
		u[0] = 0xFFFD;
		return 1;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*s = p + i;
			u[0] = 0xFFFD;
			return 1;
		}
		c = (c << 6) | (p[i] & 0x3F);
	}
	*s = p + n;
	if (c >= 0x10000) {
		c -= 0x10000;
		u[0] = (uint16_t)(0xD800 + (c >> 10));
		u[1] = (uint16_t)(0xDC00 + (c & 0x3FF));
		return 2;
	}
	u[0] = (uint16_t)c;
	return 1;
}

int32_t
tl_java_hash(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t h = 0;
	uint16_t u[2];
	int n, i;

	while (*s != '\0') {
		n = utf16(&s, u);
		for (i = 0; i < n; i++)
			h = 31 * h + u[i];
	}
	return (int32_t)h;
}

int
tl_java_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;
	uint16_t u[2], v[2];
	int nu = 0, nv = 0, iu = 0, iv = 0;

	for (;;) {
		if (iu == nu) {
			if (*x == '\0')
				break;
			nu = utf16(&x, u);
			iu = 0;
		}
		if (iv == nv) {
			if (*y == '\0')
				return 1;
			nv = utf16(&y, v);
			iv = 0;
		}
		if (u[iu] != v[iv])
			return u[iu] < v[iv] ? -1 : 1;
		iu++;
		iv++;
	}
	return (iv == nv && *y == '\0') ? 0 : -1;
}

int
tl_java_cap_default(int n)
{
	int cap = 16;

	/* resize when ++size > 0.75 * cap */
	while (n > cap / 4 * 3)
		cap *= 2;
	return cap;
}

int
tl_java_cap_copy(int n)
{
	/* new HashSet<>(c): HashMap(max((int)(n/.75f) + 1, 16)), rounded
	 * up to a power of two; then addAll, which may still resize. */
	int want = n * 4 / 3 + 1, cap = 1;

	if (want < 16)
		want = 16;
	while (cap < want)
		cap *= 2;
	while (n > cap / 4 * 3)
		cap *= 2;
	return cap;
}

void
tl_java_order(const char *const *keys, int n, int cap, int *order,
    uint32_t *bucket)
{
	/* Buckets are visited in index order; a bucket keeps insertion
	 * order, and resizing splits buckets preserving relative order, so
	 * the order is (bucket in the final table, insertion index): a
	 * stable insertion sort by bucket. */
	uint32_t h;
	int i, j, t;

	for (i = 0; i < n; i++) {
		h = (uint32_t)tl_java_hash(keys[i]);
		bucket[i] = (h ^ (h >> 16)) & (uint32_t)(cap - 1);
		order[i] = i;
	}
	for (i = 1; i < n; i++) {
		t = order[i];
		for (j = i; j > 0 && bucket[order[j - 1]] > bucket[t]; j--)
			order[j] = order[j - 1];
		order[j] = t;
	}
}

void
tl_rctab_sanitize(char *d, size_t cap, const char *s, bool lower)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	uint16_t u[2];
	int k, i;

	while (*p != '\0' && n + 1 < cap) {
		unsigned char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == '.') {
			d[n++] = (char)(lower ? tl_text_lower(c) : c);
			p++;
			continue;
		}
		k = utf16(&p, u);
		for (i = 0; i < k && n + 1 < cap; i++)
			d[n++] = '_';
	}
	d[n] = '\0';
}
