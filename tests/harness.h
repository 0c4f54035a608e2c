/* SPDX-License-Identifier: MIT */
/*
 * harness.h -- the unit-test harness: CHECK(cond, ...) records a pass or a
 * failure with its line; TEST_MAIN() runs and ends with the line
 * "N passed, N failed" that tests/run.sh adds up.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stdio.h>
#include <string.h>

static int h_pass, h_fail;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (cond) {                                               \
			h_pass++;                                         \
		} else {                                                  \
			h_fail++;                                         \
			fprintf(stderr, "%s:%d: FAIL: %s: ", __FILE__,    \
			    __LINE__, #cond);                             \
			fprintf(stderr, __VA_ARGS__);                     \
			fputc('\n', stderr);                              \
		}                                                         \
	} while (0)

#define CHECK_STR(a, b)                                                   \
	CHECK(strcmp((a), (b)) == 0, "'%s' != '%s'", (a), (b))

#define CHECK_INT(a, b)                                                   \
	CHECK((long long)(a) == (long long)(b), "%lld != %lld",            \
	    (long long)(a), (long long)(b))

static inline int
h_done(void)
{
	printf("%d passed, %d failed\n", h_pass, h_fail);
	return h_fail != 0;
}

#endif
