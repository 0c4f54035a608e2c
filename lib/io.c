/* SPDX-License-Identifier: MIT */
/*
 * io.c -- the library's only file access, for inputs that name other
 * files (RCTab configs and CVR folders): map a whole file read-only, list
 * a folder. Everything else in lib/ works on (buffer, length).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include "tl_int.h"
#include "tl_io.h"

int
tl_io_map(teller_ctx *ctx, const char *path, struct tl_map *m)
{
	struct stat st;
	int fd;

	m->buf = NULL;
	m->len = 0;
	m->mapped = false;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return tl_fail(ctx, TELLER_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return tl_fail(ctx, TELLER_EIO, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > ctx->lim.input_bytes) {
		close(fd);
		return tl_fail(ctx, TELLER_ELIMIT, "%s: %lld bytes, more than "
		    "the limit of %zu", path, (long long)st.st_size,
		    ctx->lim.input_bytes);
	}
	m->len = (size_t)st.st_size;
	if (m->len == 0) {
		close(fd);
		m->buf = "";
		return TELLER_OK;
	}
	m->buf = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m->buf == MAP_FAILED) {
		m->buf = NULL;
		return tl_fail(ctx, TELLER_EIO, "%s: cannot map: %s", path,
		    strerror(errno));
	}
	m->mapped = true;
	return TELLER_OK;
}

void
tl_io_unmap(struct tl_map *m)
{
	if (m->mapped)
		munmap((void *)(uintptr_t)m->buf, m->len);
	m->buf = NULL;
	m->len = 0;
	m->mapped = false;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
tl_io_list(teller_ctx *ctx, const char *dir, const char ***names, size_t *n)
{
	struct tl_vec *v;
	struct dirent *de;
	DIR *d;

	*names = NULL;
	*n = 0;
	d = opendir(dir);
	if (d == NULL)
		return tl_fail(ctx, TELLER_EIO, "%s: %s", dir, strerror(errno));
	v = tl_vec_new(ctx, sizeof(char *));
	if (v == NULL) {
		closedir(d);
		return TELLER_ENOMEM;
	}
	while ((de = readdir(d)) != NULL) {
		char *s;
		if (de->d_name[0] == '.')
			continue;
		s = tl_strdup(ctx, de->d_name);
		if (s == NULL || tl_vec_push(ctx, v, &s) == NULL) {
			closedir(d);
			return TELLER_ENOMEM;
		}
	}
	closedir(d);
	qsort(v->data, v->len, sizeof(char *), cmp_str);
	*names = v->data;
	*n = v->len;
	return TELLER_OK;
}
