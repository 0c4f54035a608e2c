/* SPDX-License-Identifier: MIT */
/* util.c -- shared helpers of the teller command: error printing, reading
 * whole files, the stdio writer. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int
cli_report_error(const teller_ctx *ctx)
{
	const char *file;
	long line, col;
	int code = teller_errcode(ctx);

	teller_errpos(ctx, &file, &line, &col);
	if (file != NULL && line > 0)
		fprintf(stderr, "teller: %s:%ld:%ld: %s\n", file, line,
		    col > 0 ? col : 1, teller_errmsg(ctx));
	else if (file != NULL)
		fprintf(stderr, "teller: %s: %s\n", file, teller_errmsg(ctx));
	else
		fprintf(stderr, "teller: %s\n", teller_errmsg(ctx));
	return teller_exit_status(code);
}

/*
 * Read from fd until the end into a malloc'd buffer, starting with room
 * for hint bytes (the size fstat gave, so a regular file takes one buffer
 * and no copies; a pipe grows it by doubling). 0, or -1 with errno set.
 */
static int
read_all(int fd, size_t hint, char **buf, size_t *len)
{
	size_t cap = hint + 1 > 65536 ? hint + 1 : 65536, n = 0;
	char *b = malloc(cap), *nb;
	ssize_t k;

	if (b == NULL)
		return -1;
	for (;;) {
		if (n == cap) {
			nb = cap > SIZE_MAX / 2 ? NULL : realloc(b, cap * 2);
			if (nb == NULL) {
				free(b);
				errno = ENOMEM;
				return -1;
			}
			b = nb;
			cap *= 2;
		}
		k = read(fd, b + n, cap - n > (size_t)1 << 30 ?
		    (size_t)1 << 30 : cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			free(b);
			return -1;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	*buf = b;
	*len = n;
	return 0;
}

int
cli_slurp(const char *path, char **buf, size_t *len)
{
	bool in = strcmp(path, "-") == 0;
	int fd = in ? STDIN_FILENO : open(path, O_RDONLY), rc;
	struct stat st;
	size_t hint = 0;

	*buf = NULL;
	*len = 0;
	if (fd < 0) {
		fprintf(stderr, "teller: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size < SIZE_MAX / 2)
		hint = (size_t)st.st_size;
	rc = read_all(fd, hint, buf, len);
	if (rc != 0)
		fprintf(stderr, "teller: %s: %s\n", path, errno == ENOMEM ?
		    "out of memory" : strerror(errno));
	if (!in)
		close(fd);
	return rc != 0;
}

int
cli_write_file(void *ud, const char *p, size_t n)
{
	return fwrite(p, 1, n, (FILE *)ud) != n;
}
