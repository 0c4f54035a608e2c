/* SPDX-License-Identifier: MIT */
/*
 * files.c -- the file system as the library sees it (teller_input): an
 * RCTab config and the CVR files and folders it names are mapped
 * read-only and their pages dropped as the readers release them
 * (cli_release, the one page dropper), folders are listed, paths probed.
 * lib/ touches no file; this is where its inputs come from.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int
f_open(void *ud, const char *path, const char **buf, size_t *len,
    void **handle)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct cli_input *in;
	struct stat st;
	void *m;
	int fd, e;

	(void)ud;
	*buf = NULL;
	*len = 0;
	*handle = NULL;
	if ((fd = open(path, O_RDONLY)) < 0)
		return errno;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uintmax_t)st.st_size >= SIZE_MAX / 2) {
		close(fd);
		return -1;
	}
	if ((in = calloc(1, sizeof *in)) == NULL) {
		close(fd);
		return ENOMEM;
	}
	in->page = pg > 0 ? (size_t)pg : 4096;
	in->buf = "";
	if (st.st_size > 0) {
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
		    fd, 0);
		if (m == MAP_FAILED) {
			e = errno;
			close(fd);
			free(in);
			return e;
		}
		in->map = m;
		in->buf = m;
		in->len = (size_t)st.st_size;
	}
	close(fd);
	*buf = in->buf;
	*len = in->len;
	*handle = in;
	return 0;
}

static void
f_release(void *ud, void *handle, const char *p, size_t n)
{
	(void)ud;
	cli_release(handle, p, n);
}

static void
f_close(void *ud, void *handle)
{
	(void)ud;
	if (handle != NULL) {
		cli_unload(handle);
		free(handle);
	}
}

static int
f_list(void *ud, const char *dir, int (*fn)(void *fud, const char *name),
    void *fud)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	(void)ud;
	if ((d = opendir(dir)) == NULL)
		return errno;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		rc = fn(fud, de->d_name);
	}
	closedir(d);
	return rc;
}

static int
f_kind(void *ud, const char *path)
{
	struct stat st;

	(void)ud;
	if (stat(path, &st) != 0)
		return TELLER_PATH_NONE;
	return S_ISREG(st.st_mode) ? TELLER_PATH_FILE :
	    S_ISDIR(st.st_mode) ? TELLER_PATH_DIR : TELLER_PATH_OTHER;
}

const teller_input cli_files = {
	f_open, f_release, f_close, f_list, f_kind, NULL
};
