/* SPDX-License-Identifier: MIT */
/* tarball.c -- POSIX ustar (IEEE 1003.1-2001, "ustar" format) for the
 * F21 audit export (§6.6). The writer makes the same bytes from the
 * same members: sorted names, uid and gid 0, no owner names, fixed
 * modes, one mtime for all. The reader trusts nothing in the file: each
 * header's checksum and octal fields are checked, only regular files
 * and directories with relative names free of ".." pass, a name twice
 * or a size past the end is refused, and what follows the end marker
 * must be zeros; each refusal names the member and its offset. */
#include "tarball.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLK 512

/* the header's fields: offset and width */
enum {
	NAME = 0, NAME_W = 100, MODE = 100, UID = 108, GID = 116, SIZE = 124,
	MTIME = 136, CHKSUM = 148, TYPE = 156, LINK = 157, MAGIC = 257,
	VERSION = 263, UNAME = 265, GNAME = 297, DEVMAJ = 329, DEVMIN = 337,
	PREFIX = 345, PREFIX_W = 155
};

int
d_tar_by_name(const void *a, const void *b)
{
	return strcmp(((const struct d_tar_member *)a)->name,
	    ((const struct d_tar_member *)b)->name);
}

/* An octal field of width w: w-1 digits and a NUL. */
static void
octal(unsigned char *h, int at, int w, unsigned long long v)
{
	char s[24];

	snprintf(s, sizeof s, "%0*llo", w - 1, v);
	memcpy(h + at, s, (size_t)w - 1);
	h[at + w - 1] = 0;
}

static unsigned long
sum_of(const unsigned char *h)
{
	unsigned long s = 0;

	for (int i = 0; i < BLK; i++)
		s += (i >= CHKSUM && i < CHKSUM + 8) ? ' ' : h[i];
	return s;
}

static void
header(unsigned char h[BLK], const struct d_tar_member *m, long long mtime)
{
	memset(h, 0, BLK);
	memcpy(h + NAME, m->name, strlen(m->name));
	octal(h, MODE, 8, m->dir ? 0755 : 0644);
	octal(h, UID, 8, 0);
	octal(h, GID, 8, 0);
	octal(h, SIZE, 12, m->dir ? 0 : m->len);
	octal(h, MTIME, 12, (unsigned long long)(mtime > 0 ? mtime : 0));
	h[TYPE] = m->dir ? '5' : '0';
	memcpy(h + MAGIC, "ustar", 6);
	memcpy(h + VERSION, "00", 2);
	octal(h, DEVMAJ, 8, 0);
	octal(h, DEVMIN, 8, 0);
	/* six digits, NUL, space: as POSIX's own tools write it */
	snprintf((char *)h + CHKSUM, 8, "%06lo", sum_of(h));
	h[CHKSUM + 7] = ' ';
}

int
d_tar_write(FILE *f, struct d_tar_member *m, size_t n, long long mtime,
    char *err, size_t en)
{
	static const unsigned char zero[BLK];
	unsigned char h[BLK];

	qsort(m, n, sizeof *m, d_tar_by_name);
	for (size_t i = 0; i < n; i++) {
		size_t pad = m[i].dir ? 0 : (BLK - m[i].len % BLK) % BLK;

		if (!m[i].name[0] || strlen(m[i].name) >= NAME_W) {
			snprintf(err, en, "tar: member name \"%.120s\": empty"
			    " or above %d bytes", m[i].name, NAME_W - 1);
			return -1;
		}
		header(h, &m[i], mtime);
		if (fwrite(h, 1, BLK, f) != BLK || (!m[i].dir && m[i].len &&
		    fwrite(m[i].data, 1, m[i].len, f) != m[i].len) ||
		    fwrite(zero, 1, pad, f) != pad)
			goto fail;
	}
	if (fwrite(zero, 1, BLK, f) != BLK || fwrite(zero, 1, BLK, f) != BLK)
		goto fail;
	return 0;
fail:
	snprintf(err, en, "tar: cannot write");
	return -1;
}

/* ---- the reader ---- */

/* An octal field: optional leading spaces, digits, then NUL or spaces
 * to the end of the field; at least one digit. */
static int
read_octal(const unsigned char *h, int at, int w, unsigned long long *v)
{
	int i = at, end = at + w, digits = 0;

	*v = 0;
	while (i < end && h[i] == ' ')
		i++;
	for (; i < end && h[i] >= '0' && h[i] <= '7'; i++, digits++) {
		if (*v >> 60)
			return -1;
		*v = *v * 8 + (unsigned long long)(h[i] - '0');
	}
	for (; i < end; i++)
		if (h[i] != 0 && h[i] != ' ')
			return -1;
	return digits ? 0 : -1;
}

static int
all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* A field of width w as a C string in out (it may fill the field). */
static void
field_str(const unsigned char *h, int at, int w, char *out)
{
	size_t k = strnlen((const char *)h + at, (size_t)w);

	memcpy(out, h + at, k);
	out[k] = 0;
}

/* The member's name (prefix/name), or -1 when it may not be used:
 * empty, absolute, with an empty, "." or ".." component. */
static int
name_of(const unsigned char *h, char out[260], int dir)
{
	char nm[NAME_W + 1], px[PREFIX_W + 1];
	const char *c;
	size_t len;

	field_str(h, NAME, NAME_W, nm);
	field_str(h, PREFIX, PREFIX_W, px);
	snprintf(out, 260, "%s%s%s", px, px[0] ? "/" : "", nm);
	len = strlen(out);
	if (!len || out[0] == '/')
		return -1;
	if (dir && out[len - 1] == '/')
		out[--len] = 0;	/* a directory's trailing slash */
	for (c = out; *c; ) {
		size_t k = strcspn(c, "/");

		if (k == 0 || (k == 1 && c[0] == '.') || (k == 2 &&
		    c[0] == '.' && c[1] == '.'))
			return -1;
		c += k;
		if (*c == '/' && !*++c)
			return -1;
	}
	return len ? 0 : -1;
}

/* Header h at offset off: checked, its name in nm, its size in *size.
 * 0, or -1 with why in err. */
static int
check_header(const unsigned char *h, size_t off, char nm[260],
    unsigned long long *size, int *dir, char *err, size_t en)
{
	unsigned long long sum, mode, id;
	unsigned char t = h[TYPE];

	field_str(h, NAME, NAME_W, nm);
	if (read_octal(h, CHKSUM, 8, &sum) || sum != sum_of(h)) {
		snprintf(err, en, "tar: member \"%.99s\" at offset %zu: bad"
		    " header checksum", nm, off);
		return -1;
	}
	if (memcmp(h + MAGIC, "ustar", 6) || memcmp(h + VERSION, "00", 2)) {
		snprintf(err, en, "tar: member \"%.99s\" at offset %zu: not a"
		    " POSIX ustar header", nm, off);
		return -1;
	}
	if (t != '0' && t != 0 && t != '5') {
		snprintf(err, en, "tar: member \"%.99s\" at offset %zu: not a"
		    " regular file or directory (type '%c')", nm, off,
		    t >= 32 && t < 127 ? t : '?');
		return -1;
	}
	*dir = t == '5';
	if (read_octal(h, SIZE, 12, size) || read_octal(h, MODE, 8, &mode) ||
	    read_octal(h, UID, 8, &id) || read_octal(h, GID, 8, &id) ||
	    read_octal(h, MTIME, 12, &id) || (*dir && *size)) {
		snprintf(err, en, "tar: member \"%.99s\" at offset %zu: bad"
		    " size, mode, owner or time field", nm, off);
		return -1;
	}
	if (name_of(h, nm, *dir)) {
		snprintf(err, en, "tar: member \"%.259s\" at offset %zu: an"
		    " absolute name, or an empty, \".\" or \"..\" part", nm,
		    off);
		return -1;
	}
	return 0;
}

static int
seen(const struct d_tar_member *m, size_t n, const char *nm)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(m[i].name, nm) == 0)
			return 1;
	return 0;
}

/* After the first zero block: a second one, then zeros to the end. */
static int
check_end(const unsigned char *buf, size_t len, size_t off, char *err,
    size_t en)
{
	if (len - off < 2 * BLK || !all_zero(buf + off, len - off)) {
		snprintf(err, en, "tar: at offset %zu: %s", off, len - off <
		    2 * BLK ? "the end marker is cut short" : "data after"
		    " the end marker");
		return -1;
	}
	return 0;
}

static int
add_member(struct d_tar_member **m, size_t *n, const char *nm,
    const unsigned char *data, size_t len, int dir)
{
	struct d_tar_member *g = realloc(*m, (*n + 1) * sizeof **m);
	char *copy = strdup(nm);

	if (!g || !copy) {
		free(copy);
		if (g)
			*m = g;
		return -1;
	}
	*m = g;
	g[*n].name = copy;
	g[*n].data = data;
	g[*n].len = len;
	g[*n].dir = dir;
	(*n)++;
	return 0;
}

int
d_tar_read(const unsigned char *buf, size_t len,
    struct d_tar_member **out, size_t *n, char *err, size_t en)
{
	size_t off = 0;
	char nm[260];

	*out = NULL;
	*n = 0;
	for (;;) {
		unsigned long long size;
		int dir;

		if (len - off < BLK) {
			snprintf(err, en, "tar: at offset %zu: the archive"
			    " ends without its end marker", off);
			break;
		}
		if (all_zero(buf + off, BLK)) {
			if (check_end(buf, len, off, err, en))
				break;
			return 0;
		}
		if (check_header(buf + off, off, nm, &size, &dir, err, en))
			break;
		if (size > len - off - BLK || (size + BLK - 1) / BLK * BLK >
		    len - off - BLK) {
			snprintf(err, en, "tar: member \"%s\" at offset %zu:"
			    " its size %llu runs past the end", nm, off, size);
			break;
		}
		if (seen(*out, *n, nm)) {
			snprintf(err, en, "tar: member \"%s\" at offset %zu:"
			    " a second member of that name", nm, off);
			break;
		}
		if (add_member(out, n, nm, buf + off + BLK, (size_t)size,
		    dir)) {
			snprintf(err, en, "tar: out of memory");
			break;
		}
		off += BLK + (size_t)(size + BLK - 1) / BLK * BLK;
	}
	d_tar_free(*out, *n);
	*out = NULL;
	*n = 0;
	return -1;
}

void
d_tar_free(struct d_tar_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)m[i].name);
	free(m);
}
