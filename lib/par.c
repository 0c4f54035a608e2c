/* SPDX-License-Identifier: MIT */
/*
 * par.c -- the frame of the speculative parallel line-split reader: cut
 * an input at line starts, run a worker on each part but the first,
 * stop and join them. What a worker reads and how the caller merges it
 * in order stay with the reader (fmt_blt.c, rctab/cvr_csv.c).
 */
#include <string.h>

#include "par.h"

int
tl_par_cut(struct tl_par *par, const char *s, const char *end, char sep,
    int want)
{
	size_t step;
	const char *prev = s, *x, *q;
	int i;

	memset(par, 0, sizeof(*par));
	if (want > TL_PAR_MAX)
		want = TL_PAR_MAX;
	if (want < 1)
		want = 1;
	step = (size_t)(end - s) / (size_t)want;
	par->part[0].a = s;
	par->n = 1;
	for (i = 1; i < want; i++) {
		x = s + step * (size_t)i;
		if (x < prev)
			x = prev;
		q = memchr(x, sep, (size_t)(end - x));
		if (q == NULL || q + 1 >= end)
			break;
		par->part[par->n - 1].b = q + 1;
		par->part[par->n++].a = q + 1;
		prev = q + 1;
	}
	par->part[par->n - 1].b = end;
	for (i = 0; i < par->n; i++)
		atomic_init(&par->part[i].halt, false);
	return par->n;
}

static void *
part_main(void *arg)
{
	struct tl_par_part *pt = arg;

	pt->fn(pt->arg, pt);
	return NULL;
}

bool
tl_par_start(struct tl_par *par, int k, tl_par_fn fn, void *arg)
{
	struct tl_par_part *pt = &par->part[k];

	pt->fn = fn;
	pt->arg = arg;
	pt->started = pthread_create(&pt->tid, NULL, part_main, pt) == 0;
	return pt->started;
}

void
tl_par_stop(struct tl_par *par, int from, int to)
{
	int k;

	for (k = from; k < to; k++)
		atomic_store(&par->part[k].halt, true);
	for (k = from; k < to; k++) {
		if (par->part[k].started)
			pthread_join(par->part[k].tid, NULL);
		par->part[k].started = false;
	}
}
