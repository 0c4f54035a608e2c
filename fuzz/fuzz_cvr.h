/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cvr.h -- shared by the RCTab fuzz targets (fuzz_cvr_*.c,
 * fuzz_rctab_config.c): a private folder under /tmp for the files an
 * input becomes, a record callback that touches every field of a cast
 * vote record and checks the reader contract (lib/rctab_cvr.h), and the
 * error checks: a failing call returns the recorded code, with a message
 * and the file it concerns.
 */
#ifndef FUZZ_CVR_H
#define FUZZ_CVR_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fuzz_common.h"
#include "rctab.h"

/* The folder of this process (created on first use, removed at exit). */
static char fz_dir[64];

/* Remove everything in folder d (and in its subfolders). */
static inline void
fz_clear(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	char p[512];

	if (dp == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(p, sizeof p, "%s/%s", d, e->d_name) >=
		    sizeof p)
			continue;
		if (unlink(p) != 0) {
			fz_clear(p);
			(void)rmdir(p);
		}
	}
	closedir(dp);
}

static inline void
fz_cleanup(void)
{
	if (fz_dir[0] != '\0') {
		fz_clear(fz_dir);
		(void)rmdir(fz_dir);
	}
}

/* Remove the folders of fuzzing processes that died without cleaning
 * up (a crash ends the process with _Exit, past atexit). */
static inline void
fz_reap(void)
{
	DIR *dp = opendir("/tmp");
	struct dirent *e;
	char p[512];
	long pid;

	if (dp == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		if (sscanf(e->d_name, "tl-rfuzz-%ld-", &pid) != 1 || pid <= 0)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* alive, or not ours to judge */
		snprintf(p, sizeof p, "/tmp/%s", e->d_name);
		fz_clear(p);
		(void)rmdir(p);
	}
	closedir(dp);
}

/* The private folder, "" if it cannot be made. */
static inline const char *
fz_folder(void)
{
	if (fz_dir[0] == '\0') {
		fz_reap();
		snprintf(fz_dir, sizeof fz_dir, "/tmp/tl-rfuzz-%ld-XXXXXX",
		    (long)getpid());
		if (mkdtemp(fz_dir) == NULL) {
			fz_dir[0] = '\0';
			return "";
		}
		atexit(fz_cleanup);
	}
	return fz_dir;
}

/* fz_dir/name into buf. */
static inline const char *
fz_path(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/%s", fz_folder(), name);
	return buf;
}

/* Write (p, n) as fz_dir/name; 0 on success. */
static inline int
fz_put(const char *name, const void *p, size_t n)
{
	char path[256];
	const char *q = p;
	int fd;

	if (fz_folder()[0] == '\0')
		return -1;
	fd = open(fz_path(path, sizeof path, name),
	    O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	while (n > 0) {
		ssize_t k = write(fd, q, n);
		if (k <= 0) {
			close(fd);
			return -1;
		}
		q += k;
		n -= (size_t)k;
	}
	return close(fd);
}

static inline int
fz_puts(const char *name, const char *s)
{
	return fz_put(name, s, strlen(s));
}

static inline void
fz_rm(const char *name)
{
	char path[256];

	(void)unlink(fz_path(path, sizeof path, name));
}

/* Split (data, size) at each occurrence of sep into at most max parts;
 * returns how many. */
static inline int
fz_split(const uint8_t *data, size_t size, const char *sep,
    const uint8_t **part, size_t *len, int max)
{
	size_t sl = strlen(sep), i = 0, start = 0;
	int n = 0;

	while (n + 1 < max && i + sl <= size) {
		if (memcmp(data + i, sep, sl) == 0) {
			part[n] = data + start;
			len[n++] = i - start;
			i += sl;
			start = i;
		} else {
			i++;
		}
	}
	part[n] = data + start;
	len[n++] = size - start;
	return n;
}

/* Context with the fuzzing limits, or NULL. Zip members may inflate to
 * 64 MiB only, so no input costs more than that. */
static inline teller_ctx *
fz_ctx(void)
{
	teller_ctx *ctx;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return NULL;
	teller_ctx_set_input(ctx, &cli_files); /* the files it wrote */
	fuzz_limits(ctx);
	ctx->lim.unzip_bytes = UINT64_C(64) << 20;
	return ctx;
}

/* What the record callback saw. stop_after > 0 makes it refuse that
 * record, to test that readers pass the callback's error on. More than
 * max records (when max > 0) means the reader is looping: it aborts at
 * once instead of hanging until the timeout. */
struct fz_seen {
	long n;
	long stop_after;
	long max;
	uint64_t sum;
	bool after_error; /* a record came after an error was recorded */
};

static inline uint64_t
fz_touch(const char *s)
{
	uint64_t h = 1469598103934665603u;

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211u;
	return h;
}

/* The reader contract: a computed id and file always, slots with n >= 1
 * marks, ranks >= 1 and increasing, every string readable. */
static inline int
fz_record(teller_ctx *ctx, void *ud, const struct tl_cvr *r)
{
	struct fz_seen *s = ud;
	int i, k, prev = 0;

	FUZZ_ASSERT(r != NULL);
	/* No record may follow a recorded error. FUZZ_SKIP_KNOWN=1 stops
	 * the reader instead, so fuzzing can look past a known bug. */
	if (teller_errcode(ctx) != TELLER_OK) {
		s->after_error = true;
		if (getenv("FUZZ_SKIP_KNOWN") != NULL)
			return teller_errcode(ctx);
		fprintf(stderr, "a record after error: %s\n",
		    teller_errmsg(ctx));
	}
	FUZZ_ASSERT(teller_errcode(ctx) == TELLER_OK);
	FUZZ_ASSERT(r->computed_id != NULL);
	FUZZ_ASSERT(r->file != NULL);
	FUZZ_ASSERT(r->line >= 0);
	s->sum += fz_touch(r->computed_id) + fz_touch(r->file);
	if (r->supplied_id != NULL)
		s->sum += fz_touch(r->supplied_id);
	if (r->precinct != NULL)
		s->sum += fz_touch(r->precinct);
	if (r->precinct_portion != NULL)
		s->sum += fz_touch(r->precinct_portion);
	if (r->batch != NULL)
		s->sum += fz_touch(r->batch);
	FUZZ_ASSERT(r->nslots >= 0);
	FUZZ_ASSERT(r->nslots == 0 || r->slots != NULL);
	for (i = 0; i < r->nslots; i++) {
		const struct tl_cvr_slot *sl = &r->slots[i];

		FUZZ_ASSERT(sl->rank >= 1 && sl->rank > prev);
		prev = sl->rank;
		FUZZ_ASSERT(sl->n >= 1 && sl->cands != NULL);
		for (k = 0; k < sl->n; k++) {
			FUZZ_ASSERT(sl->cands[k] != NULL);
			s->sum += fz_touch(sl->cands[k]) + (uint64_t)sl->rank;
		}
	}
	s->n++;
	if (s->max > 0 && s->n > s->max)
		fprintf(stderr, "reader loops: more than %ld records\n",
		    s->max);
	FUZZ_ASSERT(s->max <= 0 || s->n <= s->max);
	if (s->stop_after > 0 && s->n == s->stop_after)
		return tl_fail_in(ctx, r->file, TELLER_ERULE, 0, 0,
		    "fuzz: stopped at record %ld", s->n);
	return TELLER_OK;
}

/* After a call that returned rc: an error is the recorded one, has a
 * message, names a file (all but out-of-memory) and is never a bug
 * (EINTERNAL); success leaves no error behind. */
static inline void
fz_check(const teller_ctx *ctx, int rc)
{
	const char *file = NULL;

	if (rc == TELLER_OK) {
		FUZZ_ASSERT(teller_errcode(ctx) == TELLER_OK);
		return;
	}
	if (teller_errcode(ctx) != rc)
		fprintf(stderr, "rc %d, recorded %d: %s\n", rc,
		    teller_errcode(ctx), teller_errmsg(ctx));
	FUZZ_ASSERT(teller_errcode(ctx) == rc);
	FUZZ_ASSERT(teller_errmsg(ctx)[0] != '\0');
	FUZZ_ASSERT(rc != TELLER_EINTERNAL);
	teller_errpos(ctx, &file, NULL, NULL);
	if (rc != TELLER_ENOMEM && file == NULL)
		fprintf(stderr, "error without a file: %s\n",
		    teller_errmsg(ctx));
	FUZZ_ASSERT(rc == TELLER_ENOMEM || file != NULL);
}

/* A source with every string set ("" when unused). */
static inline void
fz_source(struct tl_cvr_source *src, const char *provider, const char *path)
{
	memset(src, 0, sizeof(*src));
	src->provider = provider;
	src->path = path;
	src->contest_id = "";
	src->overvote_delimiter = "";
	src->overvote_label = "";
	src->skipped_rank_label = "";
	src->uwi_label = "";
}

/* The reader stopped at the first record gave rc, not the callback's
 * ERULE: a reader that reads in one pass (Dominion) may hand a record
 * over before it meets an error its two passes put first. That error
 * must then be the file's own: the same without the stop. */
static inline void
fz_same_unstopped(int (*reader)(teller_ctx *, const struct tl_cvr_source *,
    tl_cvr_fn, void *), const teller_ctx *ctx,
    const struct tl_cvr_source *src, int rc, long max)
{
	struct fz_seen seen;
	teller_ctx *c2;
	int rc2;

	if ((c2 = fz_ctx()) == NULL)
		return;
	memset(&seen, 0, sizeof seen);
	seen.max = max;
	rc2 = reader(c2, src, fz_record, &seen);
	if (rc2 != rc || strcmp(teller_errmsg(c2), teller_errmsg(ctx)) != 0)
		fprintf(stderr, "stopped: rc %d: %s; unstopped: rc %d: %s\n",
		    rc, teller_errmsg(ctx), rc2, teller_errmsg(c2));
	FUZZ_ASSERT(rc2 == rc);
	FUZZ_ASSERT(strcmp(teller_errmsg(c2), teller_errmsg(ctx)) == 0);
	teller_ctx_free(c2);
}

/* Run reader on src (it names src->path in its errors itself) and
 * check the outcome. The record callback stops the
 * reader at the first record when stop is set; more than max records
 * (0: no limit) is a loop. */
static inline void
fz_run(int (*reader)(teller_ctx *, const struct tl_cvr_source *,
    tl_cvr_fn, void *), teller_ctx *ctx, const struct tl_cvr_source *src,
    bool stop, long max)
{
	struct fz_seen seen;
	int rc;

	memset(&seen, 0, sizeof seen);
	seen.stop_after = stop ? 1 : 0;
	seen.max = max;
	rc = reader(ctx, src, fz_record, &seen);
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "%ld records; rc %d: %s\n", seen.n, rc,
		    teller_errmsg(ctx));
	if (seen.after_error)
		return; /* FUZZ_SKIP_KNOWN: already reported */
	fz_check(ctx, rc);
	if (stop && seen.n == 1 && rc != TELLER_ERULE) {
		FUZZ_ASSERT(rc != TELLER_OK);
		fz_same_unstopped(reader, ctx, src, rc, max);
	}
	if (rc == TELLER_OK)
		FUZZ_ASSERT(seen.stop_after == 0 || seen.n < 1);
}

#endif
