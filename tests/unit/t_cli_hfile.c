/* SPDX-License-Identifier: MIT */
/*
 * t_cli_hfile.c -- the hashed output file of `teller rctab` (cli/util.c,
 * issue 17): an old output is replaced, not truncated, and held open
 * until the first write from another thread than the opener's (the
 * export's writer), else until the close, so that freeing its pages is
 * off the reading thread; a file with another link is written in
 * place. The hash is that of the bytes written.
 */
#define _DEFAULT_SOURCE
#include <sys/stat.h>

#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "cli.h"

/* sha256 of "abc" then "def" */
#define HEX_ABCDEF \
	"bef57ec7f53a6d40beb640a780a639c83bc29ac8a9816f1fc6c5c6dcd93c4721"

/* Descriptors of this process open on a deleted file. */
static int
deleted_open(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char p[300], l[4096];
	int n = 0;
	ssize_t k;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "/proc/self/fd/%s", e->d_name);
		if ((k = readlink(p, l, sizeof l - 1)) <= 0)
			continue;
		l[k] = '\0';
		n += strstr(l, "(deleted)") != NULL;
	}
	closedir(d);
	return n;
}

static bool
put_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "wb");

	return f != NULL && fputs(s, f) >= 0 && fclose(f) == 0;
}

static bool
file_is(const char *path, const char *s)
{
	char b[64];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return false;
	n = fread(b, 1, sizeof b, f);
	fclose(f);
	return n == strlen(s) && memcmp(b, s, n) == 0;
}

static void *
write_def(void *h)
{
	return (void *)(intptr_t)cli_hfile_write(h, "def", 3);
}

static void
replaced(const char *path)
{
	struct cli_hfile *h;
	pthread_t th;
	void *r = (void *)1;
	char hex[65];
	int base = deleted_open();

	CHECK(put_file(path, "old output"), "old output written");
	CHECK((h = cli_hfile_open(path)) != NULL, "opened over it");
	if (h == NULL)
		return;
	CHECK_INT(deleted_open(), base + 1);
	CHECK(cli_hfile_write(h, "abc", 3) == 0, "a write from the opener");
	CHECK(deleted_open() == base + 1, "the old file still held after "
	    "the opener's write: %d", deleted_open() - base);
	if (pthread_create(&th, NULL, write_def, h) == 0)
		pthread_join(th, &r);
	CHECK(r == NULL, "a write from another thread");
	CHECK(deleted_open() == base, "the old file closed by it: %d held",
	    deleted_open() - base);
	CHECK(cli_hfile_close(h, hex) == 0, "closed");
	CHECK_STR(hex, HEX_ABCDEF);
	CHECK(file_is(path, "abcdef"), "the new bytes only");
}

static void
held_to_close(const char *path)
{
	struct cli_hfile *h;
	char hex[65];
	int base = deleted_open();

	CHECK(put_file(path, "old output"), "old output written");
	CHECK((h = cli_hfile_open(path)) != NULL, "opened over it");
	if (h == NULL)
		return;
	(void)cli_hfile_write(h, "abc", 3);
	(void)cli_hfile_write(h, "def", 3);
	CHECK_INT(deleted_open(), base + 1);
	CHECK(cli_hfile_close(h, hex) == 0, "closed");
	CHECK(deleted_open() == base, "one thread: the old file closed with "
	    "the new: %d held", deleted_open() - base);
	CHECK_STR(hex, HEX_ABCDEF);
}

static void
linked(const char *path, const char *link2)
{
	struct cli_hfile *h;
	char hex[65];
	int base = deleted_open();

	CHECK(put_file(path, "old output") && link(path, link2) == 0,
	    "an old output with a second link");
	CHECK((h = cli_hfile_open(path)) != NULL, "opened over it");
	if (h == NULL)
		return;
	CHECK_INT(deleted_open(), base);
	(void)cli_hfile_write(h, "abcdef", 6);
	CHECK(cli_hfile_close(h, hex) == 0, "closed");
	CHECK(file_is(link2, "abcdef"), "written in place: the link sees it");
	CHECK_STR(hex, HEX_ABCDEF);
}

int
main(void)
{
	char dir[] = "/tmp/t_cli_hfile.XXXXXX", p[64], q[64];

	if (mkdtemp(dir) == NULL) {
		CHECK(false, "mkdtemp");
		return h_done();
	}
	snprintf(p, sizeof p, "%s/out.csv", dir);
	snprintf(q, sizeof q, "%s/link.csv", dir);
	replaced(p);
	held_to_close(p);
	remove(p);
	linked(p, q);
	remove(p);
	remove(q);
	rmdir(dir);
	return h_done();
}
