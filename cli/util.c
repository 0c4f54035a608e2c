/* SPDX-License-Identifier: MIT */
/* util.c -- shared helpers of the teller command: error printing, loading
 * inputs (mapped, or read whole), dropping their consumed pages, hashing
 * them, the stdio writer. */
#define _DEFAULT_SOURCE /* madvise, MADV_DONTNEED (posix_madvise's is a
			 * no-op in glibc) */
#include <sys/mman.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

_Thread_local int cli_quiet;

/*
 * cli_alloc. The blocks mapped on their own are kept in a small table
 * (found by their address, whatever size a caller gives back: a wrong
 * one can cost no unmapping of the wrong bytes); with the table full, a
 * block is libc's. Touching a fresh 17 MB buffer took 90-390 ms in 4 KiB
 * pages and 4-25 ms in 2 MiB ones on the 2-core VM of issue 17.
 * One freed block is kept mapped (the spare) and given to the next
 * block asked that fits in it: each ES&S workbook's inflated sheet then
 * reuses the last one's pages, which the kernel would else clear anew
 * (13 x 17 MB for Minneapolis). A block asked that does not fit it
 * (or would use less than half of it) unmaps the spare first: at most
 * one freed block is held, and only until the next block is asked.
 */
#define BIG_MIN   ((size_t)4 << 20)
#define BIG_ALIGN ((size_t)2 << 20)
#define BIG_SLOTS 16

static struct {
	char *p;
	size_t size;  /* asked for */
	size_t len;   /* mapped: size rounded up to BIG_ALIGN */
} big[BIG_SLOTS];
static int nbig;
static struct {
	char *p;      /* NULL: none */
	size_t len;
} spare;
static pthread_mutex_t big_mu = PTHREAD_MUTEX_INITIALIZER;

/* The spare if it holds size bytes and size is at least half of it,
 * else NULL after unmapping it (under big_mu). */
static char *
spare_take(size_t size, size_t *len)
{
	char *p = spare.p;

	if (p == NULL)
		return NULL;
	spare.p = NULL;
	if (spare.len >= size && spare.len / 2 <= size) {
		*len = spare.len;
		return p;
	}
	munmap(p, spare.len);
	return NULL;
}

/* Free the mapping p of len bytes: kept as the spare when there is
 * none or it is the larger, else unmapped. */
static void
big_drop(char *p, size_t len)
{
	pthread_mutex_lock(&big_mu);
	if (spare.p != NULL && spare.len >= len) {
		pthread_mutex_unlock(&big_mu);
		munmap(p, len);
		return;
	}
	if (spare.p != NULL)
		munmap(spare.p, spare.len);
	spare.p = p;
	spare.len = len;
	pthread_mutex_unlock(&big_mu);
}

/* A fresh mapping of size bytes, aligned to BIG_ALIGN; NULL if none. */
static char *
big_map(size_t size, size_t *len)
{
	size_t n = (size + BIG_ALIGN - 1) & ~(BIG_ALIGN - 1), head;
	char *m, *p;

	if (size > SIZE_MAX / 2)
		return NULL;
	pthread_mutex_lock(&big_mu);
	p = spare_take(size, len);
	pthread_mutex_unlock(&big_mu);
	if (p != NULL)
		return p;
	m = mmap(NULL, n + BIG_ALIGN, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	p = (char *)(((uintptr_t)m + BIG_ALIGN - 1) &
	    ~(uintptr_t)(BIG_ALIGN - 1));
	head = (size_t)(p - m);
	if (head > 0)
		munmap(m, head);
	munmap(p + n, BIG_ALIGN - head);
	(void)madvise(p, n, MADV_HUGEPAGE);
	*len = n;
	return p;
}

/* Note the mapping p (size bytes asked, len mapped); false when the
 * table is full. */
static bool
big_note(char *p, size_t size, size_t len)
{
	int i;

	pthread_mutex_lock(&big_mu);
	for (i = 0; i < BIG_SLOTS && big[i].p != NULL; i++)
		;
	if (i < BIG_SLOTS) {
		big[i].p = p;
		big[i].size = size;
		big[i].len = len;
		nbig++;
	}
	pthread_mutex_unlock(&big_mu);
	return i < BIG_SLOTS;
}

/* A block of size bytes (>= BIG_MIN) mapped and noted; NULL to have
 * libc's. */
static void *
big_new(size_t size)
{
	size_t len;
	char *p = big_map(size, &len);

	if (p != NULL && !big_note(p, size, len)) {
		munmap(p, len);
		p = NULL;
	}
	return p;
}

/* If p is a mapped block: forget it, and give its size and length. */
static bool
big_take(const void *p, size_t *size, size_t *len)
{
	bool found = false;
	int i;

	pthread_mutex_lock(&big_mu);
	for (i = 0; i < BIG_SLOTS && nbig > 0; i++)
		if (big[i].p == p) {
			*size = big[i].size;
			*len = big[i].len;
			big[i].p = NULL;
			nbig--;
			found = true;
			break;
		}
	pthread_mutex_unlock(&big_mu);
	return found;
}

static void *
cli_realloc(void *ud, void *p, size_t old, size_t sz)
{
	size_t size, len;
	void *q;

	(void)old;
	if (p != NULL && big_take(p, &size, &len)) {
		q = NULL;
		if (sz > 0 && (q = cli_realloc(ud, NULL, 0, sz)) == NULL) {
			/* p stays the caller's (its slot was just freed) */
			(void)big_note(p, size, len);
			return NULL;
		}
		if (q != NULL)
			memcpy(q, p, size < sz ? size : sz);
		big_drop(p, len);
		return q;
	}
	if (sz == 0) {
		free(p);
		return NULL;
	}
	if (p == NULL && sz >= BIG_MIN && (q = big_new(sz)) != NULL)
		return q;
	return realloc(p, sz);
}

const teller_alloc cli_alloc = { cli_realloc, NULL };

int
cli_report_error(const teller_ctx *ctx)
{
	const char *file;
	long line, col;
	int code = teller_errcode(ctx);

	teller_errpos(ctx, &file, &line, &col);
	if (cli_quiet)
		;
	else if (file != NULL && line > 0)
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

/* Read fd (path names it in messages) whole into a malloc'd buffer.
 * Returns 0, or prints "teller: PATH: reason" and returns 1. */
static int
slurp_fd(const char *path, int fd, char **buf, size_t *len)
{
	struct stat st;
	size_t hint = 0;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size < SIZE_MAX / 2)
		hint = (size_t)st.st_size;
	if (read_all(fd, hint, buf, len) == 0)
		return 0;
	fprintf(stderr, "teller: %s: %s\n", path, errno == ENOMEM ?
	    "out of memory" : strerror(errno));
	return 1;
}

int
cli_slurp(const char *path, char **buf, size_t *len)
{
	bool in = strcmp(path, "-") == 0;
	int fd = in ? STDIN_FILENO : open(path, O_RDONLY), rc;

	*buf = NULL;
	*len = 0;
	if (fd < 0) {
		fprintf(stderr, "teller: %s: %s\n", path, strerror(errno));
		return 1;
	}
	rc = slurp_fd(path, fd, buf, len);
	if (!in)
		close(fd);
	return rc;
}

int
cli_load(const char *path, struct cli_input *in)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct stat st;
	void *m;
	int fd, rc;

	memset(in, 0, sizeof(*in));
	in->page = pg > 0 ? (size_t)pg : 4096;
	if (strcmp(path, "-") == 0) {
		rc = cli_slurp(path, &in->mem, &in->len);
		in->buf = in->mem;
		return rc;
	}
	if ((fd = open(path, O_RDONLY)) < 0) {
		fprintf(stderr, "teller: %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* a regular file with bytes in it is mapped; anything else (or a
	 * failed mmap, e.g. on a file system without it) is read. A file
	 * cut short by another process while mapped would raise SIGBUS, as
	 * with any mapped input; it is not a case of bad input. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size < SIZE_MAX / 2) {
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
		    0);
		if (m != MAP_FAILED) {
			close(fd);
			in->map = m;
			in->buf = m;
			in->len = (size_t)st.st_size;
			return 0;
		}
	}
	rc = slurp_fd(path, fd, &in->mem, &in->len);
	close(fd);
	in->buf = in->mem;
	return rc;
}

void
cli_unload(struct cli_input *in)
{
	if (in->map != NULL)
		(void)munmap(in->map, in->len);
	free(in->mem);
	memset(in, 0, sizeof(*in));
}

/* Drop the pages wholly inside [p, p + n) of in's mapping (the last,
 * partial page of the file counts as whole). */
static void
drop(const struct cli_input *in, const char *p, size_t n)
{
	uintptr_t m, a, b, mask;

	if (in == NULL || in->map == NULL || n == 0)
		return;
	m = (uintptr_t)in->map;
	a = (uintptr_t)p;
	if (a < m || a - m > in->len || n > in->len - (a - m))
		return;
	mask = (uintptr_t)in->page - 1;
	b = a + n;
	a = (a + mask) & ~mask;
	if (b != m + in->len)
		b &= ~mask;
	if (a < b)
		(void)madvise((void *)a, b - a, MADV_DONTNEED);
}

void
cli_release(void *ud, const char *p, size_t n)
{
	drop(ud, p, n);
}

/* Bytes hashed between two drops of a mapping's pages. */
#define HASH_STEP ((size_t)4 << 20)

void
cli_sha256_hex(const struct cli_input *in, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t off, k;
	int ok;

	out[0] = '\0';
	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
	for (off = 0; ok && off < in->len; off += k) {
		k = in->len - off < HASH_STEP ? in->len - off : HASH_STEP;
		ok = EVP_DigestUpdate(md, in->buf + off, k) == 1;
		drop(in, in->buf + off, k);
	}
	ok = ok && EVP_DigestFinal_ex(md, h, &n) == 1 && n == 32;
	EVP_MD_CTX_free(md);
	if (!ok)
		return;
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[64] = '\0';
}

int
cli_write_file(void *ud, const char *p, size_t n)
{
	return fwrite(p, 1, n, (FILE *)ud) != n;
}

struct cli_hfile {
	FILE *f;
	EVP_MD_CTX *md;
	int err;
	int old;      /* the replaced file, held open; -1: none */
	pthread_t opener;
};

/*
 * An existing output that is a regular file with no other link is
 * replaced by a new file, not truncated: truncating a large file frees
 * its pages on the calling thread all the same, but ext4 then also
 * flushes the rewritten file to disk when it is closed (its
 * auto_da_alloc for files truncated to nothing), which a new file is
 * spared. Anything else (a link, a device, a FIFO) is opened as it is.
 * The replaced file is held open across its unlink, so that its pages
 * are freed (about 30 ms for Minneapolis' 128 MB rctab_cvr.csv) when
 * it is closed: by the first write from a thread other than the
 * opener's (the export's writer thread, off the reading thread), else
 * at the new file's close. Returns that descriptor, or -1.
 */
static int
replace_old(const char *path)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_nlink != 1 || st.st_size == 0)
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (unlink(path) != 0 && fd >= 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Close h's replaced file, if still open: its pages go. */
static void
drop_old(struct cli_hfile *h)
{
	if (h->old >= 0) {
		(void)close(h->old);
		h->old = -1;
	}
}

struct cli_hfile *
cli_hfile_open(const char *path)
{
	struct cli_hfile *h = calloc(1, sizeof *h);

	if (h == NULL)
		return NULL;
	h->old = replace_old(path);
	h->opener = pthread_self();
	if ((h->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1 ||
	    (h->f = fopen(path, "wb")) == NULL) {
		int e = errno;

		drop_old(h);
		EVP_MD_CTX_free(h->md);
		free(h);
		errno = e != 0 ? e : ENOMEM;
		return NULL;
	}
	return h;
}

int
cli_hfile_write(void *ud, const char *p, size_t n)
{
	struct cli_hfile *h = ud;

	if (h->old >= 0 && !pthread_equal(pthread_self(), h->opener))
		drop_old(h);
	if (fwrite(p, 1, n, h->f) != n || EVP_DigestUpdate(h->md, p, n) != 1)
		h->err = 1;
	return h->err;
}

int
cli_hfile_close(struct cli_hfile *h, char hex[65])
{
	static const char xd[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	int bad = h->err;

	hex[0] = '\0';
	drop_old(h);
	if (fclose(h->f) != 0)
		bad = 1;
	if (!bad && EVP_DigestFinal_ex(h->md, d, &n) == 1 && n == 32) {
		for (i = 0; i < n; i++) {
			hex[2 * i] = xd[d[i] >> 4];
			hex[2 * i + 1] = xd[d[i] & 15];
		}
		hex[64] = '\0';
	}
	EVP_MD_CTX_free(h->md);
	free(h);
	return bad || hex[0] == '\0';
}
