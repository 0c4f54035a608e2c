/* SPDX-License-Identifier: MIT */
/* util.c -- shared helpers of the teller command: error printing, reading
 * whole files, the stdio writer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
cli_slurp(const char *path, char **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 65536, n = 0, k;
	char *b;

	*buf = NULL;
	*len = 0;
	if (f == NULL) {
		fprintf(stderr, "teller: %s: %s\n", path, strerror(errno));
		return 1;
	}
	b = malloc(cap);
	while (b != NULL) {
		if (n == cap) {
			char *nb = cap > SIZE_MAX / 2 ? NULL
						      : realloc(b, cap * 2);
			if (nb == NULL) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
		k = fread(b + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	if (b == NULL || ferror(f)) {
		fprintf(stderr, "teller: %s: %s\n", path,
		    b == NULL ? "out of memory" : strerror(errno));
		free(b);
		if (f != stdin)
			fclose(f);
		return 1;
	}
	if (f != stdin)
		fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

int
cli_write_file(void *ud, const char *p, size_t n)
{
	return fwrite(p, 1, n, (FILE *)ud) != n;
}
