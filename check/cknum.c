/* SPDX-License-Identifier: MIT */
/*
 * cknum.c -- teller-check's fixed-point arithmetic (cknum.h). Written
 * apart from lib/num.c on purpose: the checker should not share the
 * engine's mistakes.
 */
#include <stdio.h>
#include <string.h>

#include "cknum.h"

__extension__ typedef unsigned __int128 ck_u128;

int64_t
ck_pow10(int dp)
{
	int64_t p = 1;

	while (dp-- > 0)
		p *= 10;
	return p;
}

int
ck_parse(const char *s, int dp, int64_t *out)
{
	int64_t v = 0;
	int frac = -1;
	const char *p;

	if (s == NULL || dp < 0 || dp > CK_MAXDP || *s < '0' || *s > '9')
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p == '.' && frac < 0 && p[1] != '\0') {
			frac = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			return -1;
		if (frac >= 0)
			frac++;
		if (v > (INT64_MAX - (*p - '0')) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
		return -1; /* a leading zero */
	if ((dp == 0 && frac >= 0) || (dp > 0 && frac != dp))
		return -1;
	*out = v;
	return 0;
}

void
ck_fmt(char *buf, int64_t v, int dp)
{
	int64_t u = ck_pow10(dp);
	const char *sign = v < 0 ? "-" : "";
	uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	if (dp == 0)
		snprintf(buf, CK_BUFSZ, "%s%llu", sign, (unsigned long long)a);
	else
		snprintf(buf, CK_BUFSZ, "%s%llu.%0*llu", sign,
		    (unsigned long long)(a / (uint64_t)u), dp,
		    (unsigned long long)(a % (uint64_t)u));
}

int
ck_add(int64_t a, int64_t b, int64_t *out)
{
	if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
		return -1;
	*out = a + b;
	return 0;
}

int
ck_mul(int64_t a, int64_t b, int64_t *out)
{
	if (__builtin_mul_overflow(a, b, out))
		return -1;
	return 0;
}

int
ck_muldiv(int64_t a, int64_t b, int64_t c, int64_t *out)
{
	ck_u128 q;

	if (a < 0 || b < 0 || c <= 0)
		return -1;
	q = (ck_u128)a * (ck_u128)b / (ck_u128)c;
	if (q > (ck_u128)INT64_MAX)
		return -1;
	*out = (int64_t)q;
	return 0;
}
