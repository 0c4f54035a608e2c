/* SPDX-License-Identifier: MIT */
/*
 * fuzz_desk_tar.c -- libFuzzer target for teller-desk's tar reader
 * (desk/tarball.c), which `verify EXPORT` and `restore EXPORT DB` run
 * on an F21 audit export (docs/desk.md §6.6) before anything else.
 * Every input must be read or refused cleanly, with a message on
 * refusal. What is read must hold what the reader promises (members
 * inside the input, relative names without "..", no name twice), and
 * written again by the writer it must read back to the same members
 * and write the same bytes a second time (the writer is deterministic).
 */
#include "tarball.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A relative name whose parts are neither empty, "." nor "..". */
static int
name_ok(const char *nm)
{
	if (!nm[0] || nm[0] == '/')
		return 0;
	for (const char *c = nm; *c; ) {
		size_t k = strcspn(c, "/");

		if (k == 0 || (k == 1 && c[0] == '.') || (k == 2 &&
		    c[0] == '.' && c[1] == '.'))
			return 0;
		c += k;
		if (*c == '/' && !*++c)
			return 0;
	}
	return 1;
}

static void
promised(const uint8_t *data, size_t size, const struct d_tar_member *m,
    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!name_ok(m[i].name))
			abort();	/* a name the reader must refuse */
		if (m[i].data < data || m[i].len > size ||
		    m[i].data + m[i].len > data + size)
			abort();	/* a member outside the input */
		for (size_t j = 0; j < i; j++)
			if (strcmp(m[j].name, m[i].name) == 0)
				abort();	/* a name twice */
	}
}

static const struct d_tar_member *
named(const struct d_tar_member *m, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(m[i].name, name) == 0)
			return &m[i];
	return NULL;
}

/* The members written to memory (names in a form the writer takes: a
 * directory's with its '/'); NULL when the writer refuses (a name too
 * long for its header without the prefix field). */
static char *
written(struct d_tar_member *m, size_t n, size_t *len)
{
	char *buf = NULL, err[300];
	FILE *f = open_memstream(&buf, len);
	int rc;

	if (!f)
		return NULL;
	rc = d_tar_write(f, m, n, 1700000000, err, sizeof err);
	if (fclose(f) || rc) {
		if (rc && !err[0])
			abort();	/* a refusal without a message */
		free(buf);
		return NULL;
	}
	return buf;
}

static void
round_trip(struct d_tar_member *m, size_t n)
{
	struct d_tar_member *w = calloc(n + 1, sizeof *w), *r = NULL;
	char **names = calloc(n + 1, sizeof *names), err[300];
	char *one, *two = NULL;
	size_t len = 0, len2 = 0, rn = 0;

	for (size_t i = 0; w && names && i < n; i++) {
		size_t k = strlen(m[i].name);

		if (!(names[i] = malloc(k + 2)))
			abort();
		memcpy(names[i], m[i].name, k);
		names[i][k] = '/';
		names[i][k + !!m[i].dir] = 0;
		w[i] = m[i];
		w[i].name = names[i];
	}
	if (w && names && (one = written(w, n, &len))) {
		if (d_tar_read((const unsigned char *)one, len, &r, &rn, err,
		    sizeof err) || rn != n)
			abort();	/* the writer's own output refused */
		for (size_t i = 0; i < n; i++) {
			const struct d_tar_member *x = named(r, rn,
			    m[i].name);

			if (!x || x->len != m[i].len || x->dir != m[i].dir ||
			    (m[i].len && memcmp(x->data, m[i].data,
			    m[i].len) != 0))
				abort();	/* not the same members */
		}
		if (!(two = written(w, n, &len2)) || len2 != len ||
		    memcmp(one, two, len) != 0)
			abort();	/* the writer not deterministic */
		d_tar_free(r, rn);
		free(one);
		free(two);
	}
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	free(w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct d_tar_member *m = NULL;
	char err[300] = "";
	size_t n = 0;

	if (d_tar_read(data, size, &m, &n, err, sizeof err)) {
		if (!err[0] || m || n)
			abort();	/* a refusal without a message */
		return 0;
	}
	promised(data, size, m, n);
	round_trip(m, n);
	d_tar_free(m, n);
	return 0;
}
