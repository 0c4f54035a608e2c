/* SPDX-License-Identifier: MIT */
/*
 * io.c -- the library's only file access, for inputs that name other
 * files (RCTab configs and CVR folders): map a whole file read-only, drop
 * the pages a reader has walked past, list a folder. Everything else in
 * lib/ works on (buffer, length).
 */
#define _DEFAULT_SOURCE /* madvise, MADV_DONTNEED (posix_madvise's is a
			 * no-op in glibc) */
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
	m->dropped = 0;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return tl_fail(ctx, TELLER_EIO, "%s: %s", path,
		    strerror(errno));
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
	m->dropped = 0;
}

void
tl_io_drop(struct tl_map *m, size_t upto)
{
	size_t end;

	if (!m->mapped || upto <= m->dropped)
		return;
	if (upto > m->len)
		upto = m->len;
	if (upto < m->len && upto - m->dropped < TL_IO_DROP_STEP)
		return;
	/* Drop up to a 2 MiB boundary of the address space at least 2 MiB
	 * behind upto (all of it once the whole file is done): the kernel
	 * maps a faulting page's neighbours too (fault-around, large
	 * folios), and pages mapped again behind the part already dropped
	 * would stay (measured: 64 KiB below each boundary when dropping
	 * right up to the reader). */
	if (upto == m->len) {
		end = m->len;
	} else {
		uintptr_t a = (uintptr_t)(m->buf + upto);
		if (upto < TL_IO_DROP_ALIGN)
			return;
		a = (a - TL_IO_DROP_ALIGN) & ~(uintptr_t)(TL_IO_DROP_ALIGN - 1);
		if (a <= (uintptr_t)m->buf)
			return;
		end = (size_t)(a - (uintptr_t)m->buf);
	}
	if (end <= m->dropped)
		return;
	(void)madvise((void *)(uintptr_t)(m->buf + m->dropped),
	    end - m->dropped, MADV_DONTNEED);
	m->dropped = end;
}

void
tl_io_rewind(struct tl_map *m)
{
	m->dropped = 0;
}

/* The release hook while a watch is on (see tl_io_watch). */
static void
watch_release(void *ud, const char *p, size_t n)
{
	const struct tl_io_watch *w = ud;
	struct tl_map *m = w->m;

	if (m->len > 0 && p >= m->buf && p < m->buf + m->len) {
		size_t off = (size_t)(p - m->buf);
		tl_io_drop(m, n > m->len - off ? m->len : off + n);
	} else if (w->fn != NULL) {
		w->fn(w->ud, p, n);
	}
}

void
tl_io_watch(teller_ctx *ctx, struct tl_map *m, struct tl_io_watch *w)
{
	w->m = m;
	w->fn = ctx->release;
	w->ud = ctx->release_ud;
	ctx->release = watch_release;
	ctx->release_ud = w;
}

void
tl_io_unwatch(teller_ctx *ctx, const struct tl_io_watch *w)
{
	ctx->release = w->fn;
	ctx->release_ud = w->ud;
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
