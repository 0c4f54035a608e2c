/* SPDX-License-Identifier: MIT */
/*
 * replay.c -- a plain-C main for a libFuzzer target: runs
 * LLVMFuzzerTestOneInput on every file under the directories (or files)
 * given, recursively, and ends with "N passed, 0 failed". A crash or an
 * abort from a broken invariant ends the run without that line, which
 * tests/run.sh counts as a failure. Missing directories are skipped.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long passed;

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, k;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	for (;;) {
		if (n == cap) {
			uint8_t *q;
			cap = cap ? cap * 2 : 65536;
			q = realloc(buf, cap);
			if (q == NULL) {
				free(buf);
				fclose(f);
				return 1;
			}
			buf = q;
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	fclose(f);
	if (getenv("REPLAY_VERBOSE") != NULL)
		fprintf(stderr, "replay: %s\n", path);
	/* an exact-size copy so ASan sees reads past the end */
	{
		uint8_t *exact = malloc(n ? n : 1);
		if (exact == NULL) {
			free(buf);
			return 1;
		}
		if (n > 0)
			memcpy(exact, buf, n);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	free(buf);
	passed++;
	return 0;
}

static int
walk(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (stat(path, &st) != 0)
		return 0; /* absent: nothing to replay */
	if (S_ISREG(st.st_mode))
		return run_file(path);
	if (!S_ISDIR(st.st_mode) || (d = opendir(path)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(path) + strlen(e->d_name) + 2;
		char *sub;

		if (e->d_name[0] == '.')
			continue;
		if ((sub = malloc(n)) == NULL) {
			rc = 1;
			break;
		}
		snprintf(sub, n, "%s/%s", path, e->d_name);
		rc |= walk(sub);
		free(sub);
	}
	closedir(d);
	return rc;
}

int
main(int argc, char **argv)
{
	int i, rc = 0;

	for (i = 1; i < argc; i++)
		rc |= walk(argv[i]);
	printf("%ld passed, %d failed\n", passed, rc != 0);
	return rc != 0;
}
