/* SPDX-License-Identifier: MIT */
/*
 * t_par.c -- the frame of the parallel line-split reader (lib/par.c):
 * the cut (parts at line starts, none empty, covering the input, at most
 * TL_PAR_MAX, the separator honoured), and the workers (each runs on its
 * part, sees the stop signal, and is joined; stopping twice is harmless).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "par.h"

/* Check that par cuts [s, end) well: contiguous, nonempty parts, each
 * after the first at the start of a line ended by sep. */
static void
check_cut(const struct tl_par *par, const char *s, const char *end, char sep,
    const char *what)
{
	int k;

	CHECK(par->n >= 1 && par->n <= TL_PAR_MAX, "%s: %d parts", what,
	    par->n);
	CHECK(par->part[0].a == s, "%s: part 0 starts at the input", what);
	CHECK(par->part[par->n - 1].b == end, "%s: last part ends it", what);
	for (k = 0; k < par->n; k++) {
		CHECK(par->part[k].a < par->part[k].b, "%s: part %d empty",
		    what, k);
		if (k > 0) {
			CHECK(par->part[k].a == par->part[k - 1].b,
			    "%s: part %d not after part %d", what, k, k - 1);
			CHECK(par->part[k].a[-1] == sep,
			    "%s: part %d not at a line start", what, k);
		}
	}
}

static void
test_cut(void)
{
	struct tl_par par;
	char buf[4000];
	const char *one = "no newline at all";
	const char *tail = "x\n";
	size_t i;
	int n;

	/* lines of 10 bytes: 4 parts of about 1000 bytes, each cut after
	 * the first separator at or past its share (1000 starts a line,
	 * so the cut goes to the next one) */
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = i % 10 == 9 ? '\n' : 'a';
	n = tl_par_cut(&par, buf, buf + sizeof(buf), '\n', 4);
	CHECK_INT(n, 4);
	check_cut(&par, buf, buf + sizeof(buf), '\n', "even lines");
	CHECK(par.part[1].a == buf + 1010, "cut at %td",
	    par.part[1].a - buf);
	/* a cut inside a line goes to the next line start */
	n = tl_par_cut(&par, buf, buf + sizeof(buf), '\n', 3);
	CHECK_INT(n, 3);
	check_cut(&par, buf, buf + sizeof(buf), '\n', "3 parts");
	CHECK(par.part[1].a == buf + 1340, "cut at %td",
	    par.part[1].a - buf);
	/* more parts than lines: no empty part, never more than lines */
	n = tl_par_cut(&par, buf, buf + 30, '\n', 16);
	CHECK_INT(n, 3);
	check_cut(&par, buf, buf + 30, '\n', "short");
	/* capped at TL_PAR_MAX; want < 1 is one part */
	n = tl_par_cut(&par, buf, buf + sizeof(buf), '\n', 100);
	CHECK_INT(n, TL_PAR_MAX);
	check_cut(&par, buf, buf + sizeof(buf), '\n', "capped");
	CHECK_INT(tl_par_cut(&par, buf, buf + sizeof(buf), '\n', 0), 1);
	/* no separator, or only the last byte: one part */
	CHECK_INT(tl_par_cut(&par, one, one + strlen(one), '\n', 4), 1);
	check_cut(&par, one, one + strlen(one), '\n', "no newline");
	CHECK_INT(tl_par_cut(&par, tail, tail + 2, '\n', 2), 1);
	/* the separator is the one given (old Mac lines) */
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = i % 10 == 9 ? '\r' : 'a';
	CHECK_INT(tl_par_cut(&par, buf, buf + sizeof(buf), '\n', 4), 1);
	CHECK_INT(tl_par_cut(&par, buf, buf + sizeof(buf), '\r', 4), 4);
	check_cut(&par, buf, buf + sizeof(buf), '\r', "CR lines");
}

/* A worker that counts the lines of its part, or waits to be told to
 * stop when its part starts with 'w'. */
struct job {
	long lines;
	bool saw_stop;
};

static void
count_lines(void *arg, const struct tl_par_part *pt)
{
	struct job *j = arg;
	const char *p;

	if (*pt->a == 'w') {
		while (!tl_par_halted(pt))
			;
		j->saw_stop = true;
		return;
	}
	for (p = pt->a; p < pt->b; p++)
		j->lines += *p == '\n';
}

static void
test_run(void)
{
	struct tl_par par;
	struct job jobs[TL_PAR_MAX];
	char buf[800];
	long total = 0;
	size_t i;
	int k, n;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = i % 8 == 7 ? '\n' : i < 400 ? 'a' : 'w';
	n = tl_par_cut(&par, buf, buf + sizeof(buf), '\n', 4);
	CHECK_INT(n, 4);
	memset(jobs, 0, sizeof(jobs));
	for (k = 1; k < n; k++)
		CHECK(tl_par_start(&par, k, count_lines, &jobs[k]),
		    "part %d started", k);
	/* part 0 is this thread's */
	count_lines(&jobs[0], &par.part[0]);
	tl_par_stop(&par, 1, 2);
	tl_par_stop(&par, 1, n);
	tl_par_stop(&par, 1, n);
	for (k = 0; k < n; k++) {
		CHECK(!par.part[k].started, "part %d joined", k);
		total += jobs[k].lines;
	}
	/* parts 0 and 1 read whole, 2 and 3 told to stop */
	CHECK_INT(total, (par.part[2].a - buf) / 8);
	CHECK(jobs[2].saw_stop && jobs[3].saw_stop, "workers told to stop");
	CHECK_INT(jobs[2].lines + jobs[3].lines, 0);
}

int
main(void)
{
	test_cut();
	test_run();
	return h_done();
}
