/* SPDX-License-Identifier: MIT */
/*
 * rctab_io.c -- inputs that name other files, through the caller's
 * teller_input callbacks (teller_ctx_set_input): open a whole file,
 * release what a reader has walked past, list a folder, probe a path.
 * The library makes no file-system call; the teller command maps the
 * files and drops their pages (cli/files.c).
 */
#include <errno.h>
#include <string.h>
#include <stdlib.h>

#include "tl_int.h"
#include "tl_io.h"

void
teller_ctx_set_input(teller_ctx *ctx, const teller_input *in)
{
	if (in != NULL && in->open != NULL && in->close != NULL) {
		ctx->input = *in;
		ctx->has_input = true;
	} else {
		memset(&ctx->input, 0, sizeof ctx->input);
		ctx->has_input = false;
	}
}

int
tl_io_open(teller_ctx *ctx, const char *from, const char *path,
    struct tl_map *m)
{
	const teller_input *in = &ctx->input;
	int e;

	memset(m, 0, sizeof *m);
	if (!ctx->has_input)
		return tl_fail_in(ctx, from, TELLER_EIO, 0, 0, "%s: no input "
		    "callbacks (teller_ctx_set_input)", path);
	e = in->open(in->ud, path, &m->buf, &m->len, &m->h);
	if (e != 0) {
		memset(m, 0, sizeof *m);
		if (e < 0)
			return tl_fail_in(ctx, from, TELLER_EIO, 0, 0,
			    "%s: not a regular file", path);
		return tl_fail_in(ctx, from, TELLER_EIO, 0, 0, "%s: %s", path,
		    strerror(e));
	}
	if (m->buf == NULL || m->len == 0) {
		m->buf = "";
		m->len = 0;
	}
	m->in = in;
	m->mapped = m->len > 0 && in->release != NULL;
	return TELLER_OK;
}

int
tl_io_map(teller_ctx *ctx, const char *from, const char *path,
    struct tl_map *m)
{
	int rc;

	if ((rc = tl_io_open(ctx, from, path, m)) != TELLER_OK)
		return rc;
	if (m->len > ctx->lim.input_bytes) {
		size_t len = m->len;
		tl_io_unmap(m);
		return tl_fail_in(ctx, from, TELLER_ELIMIT, 0, 0, "%s: %lld "
		    "bytes, more than the limit of %zu", path, (long long)len,
		    ctx->lim.input_bytes);
	}
	return TELLER_OK;
}

void
tl_io_unmap(struct tl_map *m)
{
	if (m->in != NULL)
		m->in->close(m->in->ud, m->h);
	memset(m, 0, sizeof *m);
}

void
tl_io_release(const struct tl_map *m, const char *p, size_t n)
{
	if (m->mapped && n > 0)
		m->in->release(m->in->ud, m->h, p, n);
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
	/* Release up to a 2 MiB boundary of the address space at least
	 * 2 MiB behind upto (all of it once the whole file is done): the
	 * kernel maps a faulting page's neighbours too (fault-around,
	 * large folios), and pages mapped again behind the part already
	 * dropped would stay (measured: 64 KiB below each boundary when
	 * dropping right up to the reader). */
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
	tl_io_release(m, m->buf + m->dropped, end - m->dropped);
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

struct lister {
	teller_ctx *ctx;
	struct tl_vec *v;
};

static int
list_one(void *ud, const char *name)
{
	struct lister *l = ud;
	char *s;

	if (name[0] == '.')
		return 0;
	s = tl_strdup(l->ctx, name);
	if (s == NULL || tl_vec_push(l->ctx, l->v, &s) == NULL)
		return ENOMEM;
	return 0;
}

int
tl_io_list(teller_ctx *ctx, const char *from, const char *dir,
    const char ***names, size_t *n)
{
	struct lister l;
	int e;

	*names = NULL;
	*n = 0;
	if (!ctx->has_input || ctx->input.list == NULL)
		return tl_fail_in(ctx, from, TELLER_EIO, 0, 0, "%s: no input "
		    "callbacks (teller_ctx_set_input)", dir);
	l.ctx = ctx;
	if ((l.v = tl_vec_new(ctx, sizeof(char *))) == NULL)
		return TELLER_ENOMEM;
	e = ctx->input.list(ctx->input.ud, dir, list_one, &l);
	if (e == ENOMEM && ctx->oom)
		return TELLER_ENOMEM;
	if (e != 0)
		return tl_fail_in(ctx, from, TELLER_EIO, 0, 0, "%s: %s", dir,
		    strerror(e));
	qsort(l.v->data, l.v->len, sizeof(char *), cmp_str);
	*names = l.v->data;
	*n = l.v->len;
	return TELLER_OK;
}

int
tl_io_kind(teller_ctx *ctx, const char *path)
{
	if (!ctx->has_input || ctx->input.kind == NULL)
		return TELLER_PATH_NONE;
	return ctx->input.kind(ctx->input.ud, path);
}
