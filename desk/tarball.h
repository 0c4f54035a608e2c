/* SPDX-License-Identifier: MIT */
/* tarball.h -- POSIX ustar, the form of the F21 audit export (§6.6):
 * a deterministic writer and a strict reader (tarball.c). */
#ifndef DESK_TARBALL_H
#define DESK_TARBALL_H

#include <stddef.h>
#include <stdio.h>

/* One member: a regular file (data, len) or, with dir set, a directory
 * (no data). Names are relative, at most 99 bytes; a directory's ends
 * with '/'. The reader's members point into the buffer it was given. */
struct d_tar_member {
	const char *name;
	const unsigned char *data;
	size_t len;
	int dir;
};

/* Write the n members to f in name order (m is sorted in place), every
 * header with uid and gid 0, owner names empty, mode 0644 (0755 for a
 * directory) and mtime, then the two zero blocks: the same members and
 * mtime give the same bytes. 0, or -1 with why in err (a name too long,
 * a write that failed). */
int d_tar_write(FILE *f, struct d_tar_member *m, size_t n, long long mtime,
    char *err, size_t en);

/* Read the archive buf[0..len) strictly: ustar headers with a correct
 * checksum and octal fields, regular files and directories only, no
 * absolute name and no ".." component, no duplicate, no size past the
 * end, zero blocks after the end marker. 0 with *out (malloc'ed, names
 * malloc'ed too: d_tar_free) and *n; -1 with the member and offset that
 * failed in err. */
int d_tar_read(const unsigned char *buf, size_t len,
    struct d_tar_member **out, size_t *n, char *err, size_t en);
void d_tar_free(struct d_tar_member *m, size_t n);
/* qsort's order of members: by name */
int d_tar_by_name(const void *a, const void *b);

#endif
