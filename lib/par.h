/* SPDX-License-Identifier: MIT */
/*
 * par.h -- the frame of the speculative parallel line-split reader
 * (par.c), used by the BLT reader and the RCTab CVR CSV reader.
 */
#ifndef TL_PAR_H
#define TL_PAR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* Most parts (threads, the calling one included) an input is cut into. */
#define TL_PAR_MAX 16

struct tl_par_part;

/* A worker: read what it can of part pt ([pt->a, pt->b)), polling
 * tl_par_halted(pt) and stopping at a line or record boundary once it
 * is set. It reports through arg only (it never fails the read). */
typedef void (*tl_par_fn)(void *arg, const struct tl_par_part *pt);

struct tl_par_part {
	const char *a, *b;   /* the part: [a, b), a at a line start */
	atomic_bool halt;    /* set by the calling thread: stop now */
	bool started;        /* a thread runs (or ran) fn on it */
	pthread_t tid;
	tl_par_fn fn;
	void *arg;
};

/*
 * The input [s, end) cut at line starts into n parts of about equal
 * size: part 0, from s, is the calling thread's, parts 1..n-1 are for
 * workers. The caller reads part 0, then takes the parts in order, each
 * as far as its worker read it and the rest itself, so that what it
 * builds is what one thread reading alone would build.
 */
struct tl_par {
	int n;                                 /* parts, 1..TL_PAR_MAX */
	struct tl_par_part part[TL_PAR_MAX];
};

/* Cut [s, end) into at most want (capped at TL_PAR_MAX) parts at the
 * starts of lines ended by sep, no part empty, none starting at end;
 * returns par->n (1 when there is no cut). Nothing is started. */
int tl_par_cut(struct tl_par *par, const char *s, const char *end, char sep,
    int want);
/* Run fn(arg, part k) on a thread of its own (1 <= k < par->n). False if
 * no thread could be started: the caller reads the part itself. */
bool tl_par_start(struct tl_par *par, int k, tl_par_fn fn, void *arg);
/* Tell the workers of parts [from, to) to stop, then wait for those
 * started; each may be stopped more than once. */
void tl_par_stop(struct tl_par *par, int from, int to);

/* Has the calling thread told the worker of pt to stop? */
static inline bool
tl_par_halted(const struct tl_par_part *pt)
{
	return atomic_load_explicit(&pt->halt, memory_order_relaxed);
}

#endif /* TL_PAR_H */
