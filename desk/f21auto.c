/* SPDX-License-Identifier: MIT */
/* f21auto.c -- serve's own F21 exports (§6.6: "at VERIFIED, DECLARED
 * and CLOSED and on demand"), with --export-dir. After each writer's
 * request (the book lock held) the contests' states are compared with
 * the last look: when one or more contests have just reached VERIFIED,
 * DECLARED or CLOSED, the book is copied then and there, under the
 * lock, and the copy queued. One tarball per request, however many
 * contests moved in it (a combined poll's contests verify together):
 * named after the first that moved, DIR/f21-SEQ-STATE.tar, every one
 * that moved listed in its event. A thread of its own makes the
 * tarball from the copy by the child process, as POST exports does,
 * and records export.made {kind, file, seq, hash, reason, contests,
 * members: the manifest's names and SHA-256s, pdf_failed: what the
 * PDF step (--pdf-browser) could not print, when something}.
 * A failure is a banner (EXPORT FAILED) until an export is made again.
 * The failed copy is kept and tried again, 2 s later, then twice as
 * long each time up to a minute, until it is made (the media put back):
 * so the transition's own export is made, not only a later one. When
 * serve stops, each waiting copy is tried once more and, failing, said
 * on stderr and dropped. */
#include "desk.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QMAX 16

struct job {
	char dir[4096];		/* the scratch dir holding count.db */
	char reason[24];	/* the state reached: VERIFIED... */
	long long seq;		/* the copy's chain head */
	char hash[65];
	json_t *contests;	/* the ids that reached it */
	time_t next;		/* not to be tried before (a failed one) */
	int wait;		/* seconds to the next try after a failure */
};

static struct desk *desk;
static int *seen;		/* each contest's state at the last look */
static struct job queue[QMAX];
static int qn;
static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static struct d_note alarm_ = D_NOTE_INIT;

static void
set_alarm(const char *why)
{
	if (why)
		fprintf(stderr, "teller-desk: export: %s\n", why);
	d_note_failure(&alarm_, "EXPORT", why);
}

static int
final_state(int s)
{
	return s == S_VERIFIED || s == S_DECLARED || s == S_CLOSED;
}

/* The contests that have reached a final state since the last look, as
 * ids; the state the first reached in reason. NULL when none. */
static json_t *
moved(struct desk *d, char reason[24])
{
	json_t *ids = NULL;

	for (int c = 0; c < d->ncs; c++) {
		int s = d->cs[c].state;

		if (s == seen[c])
			continue;
		seen[c] = s;
		if (!final_state(s))
			continue;
		if (!ids) {
			ids = json_array();
			snprintf(reason, 24, "%s", d_state_name(s));
		}
		json_array_append_new(ids, json_string(d->cs[c].id));
	}
	return ids;
}

/* A job done with: its copy and its ids let go. */
static void
drop(struct job *j)
{
	d_f21_scratch_remove(j->dir);
	json_decref(j->contests);
}

void
d_f21_after_write(struct desk *d)
{
	char why[200];
	struct job j;
	int full;

	if (!desk || !(j.contests = moved(d, j.reason)))
		return;
	if (d_f21_snap(d, j.dir, why, sizeof why)) {
		json_decref(j.contests);
		set_alarm(why);
		return;
	}
	j.seq = d->seq;
	j.next = 0;
	j.wait = 2;
	snprintf(j.hash, sizeof j.hash, "%s", d->last_hash);
	pthread_mutex_lock(&qm);
	full = qn == QMAX;
	if (!full)
		queue[qn++] = j;
	pthread_mutex_unlock(&qm);
	if (full) {
		/* no room: this transition has no export */
		drop(&j);
		set_alarm("too many exports waiting");
	}
}

/* One queued copy made into its tarball, and recorded: 0; -1 when it
 * could not be made (the banner up, the copy kept). */
static int
make_one(struct job *j)
{
	char out[4300], low[24], snap[4300], why[4400];
	json_t *mem, *pf;
	int i;

	for (i = 0; j->reason[i] && i < 23; i++)
		low[i] = (char)tolower((unsigned char)j->reason[i]);
	low[i] = 0;
	snprintf(out, sizeof out, "%s/f21-%06lld-%s.tar", d_f21_dir_get(),
	    j->seq, low);
	snprintf(snap, sizeof snap, "%s/count.db", j->dir);
	if (d_f21_spawn(snap, out)) {
		snprintf(why, sizeof why, "%s: the export at %s could not be"
		    " made (see serve's log)", out, j->reason);
		set_alarm(why);
		return -1;
	}
	mem = d_f21_members(out);
	pf = d_f21_pdf_failed(out);
	d_book_lock();
	d_log_event(desk, "export.made", NULL, NULL, NULL, json_pack("{s:s,"
	    " s:s, s:I, s:s, s:s, s:O, s:o*, s:o*}", "kind", "f21", "file",
	    out, "seq", (json_int_t)j->seq, "hash", j->hash, "reason",
	    j->reason, "contests", j->contests, "members", mem, "pdf_failed",
	    pf));
	d_book_unlock();
	set_alarm(NULL);
	drop(j);
	return 0;
}

/* Each second: every queued copy due, oldest first; one that fails
 * goes back to the head of the queue with its next try set. last (at
 * stop): every copy tried once, a failed one dropped. */
static void
drain_all(int last)
{
	struct job j;
	int full;

	for (;;) {
		pthread_mutex_lock(&qm);
		if (qn == 0 || (!last && queue[0].next > time(NULL))) {
			pthread_mutex_unlock(&qm);
			return;
		}
		j = queue[0];
		memmove(queue, queue + 1, (size_t)--qn * sizeof *queue);
		pthread_mutex_unlock(&qm);
		if (make_one(&j) == 0)
			continue;
		if (last) {
			fprintf(stderr, "teller-desk: export: the export at %s"
			    " (seq %lld) was never made\n", j.reason, j.seq);
			drop(&j);
			continue;
		}
		j.next = time(NULL) + j.wait;
		j.wait = j.wait < 30 ? 2 * j.wait : 60;
		pthread_mutex_lock(&qm);
		full = qn == QMAX;
		if (!full) {
			memmove(queue + 1, queue, (size_t)qn++ * sizeof *queue);
			queue[0] = j;
		}
		pthread_mutex_unlock(&qm);
		if (full) {
			drop(&j);
			set_alarm("too many exports waiting");
		}
		return;
	}
}

static void
drain(void *arg)
{
	(void)arg;
	drain_all(0);
}

static struct d_periodic task = { .name = "export thread",
	.period = d_period_one_second, .tick = drain };

int
d_f21_auto_start(struct desk *d)
{
	if (!d_f21_dir_get())
		return 0;
	if (!(seen = calloc((size_t)d->ncs + 1, sizeof *seen)))
		return -1;
	d_book_lock();
	for (int c = 0; c < d->ncs; c++)
		seen[c] = d->cs[c].state;
	d_book_unlock();
	desk = d;
	return d_periodic_start(&task);
}

/* After the requests: the thread stopped, what it had not reached made
 * now, so that no transition goes without its export but one whose
 * media are still gone (said on stderr). */
void
d_f21_auto_stop(void)
{
	if (!desk)
		return;
	d_periodic_stop(&task);
	drain_all(1);
	desk = NULL;
	free(seen);
	seen = NULL;
}

void
d_f21_auto_ok(void)
{
	set_alarm(NULL);
}

int
d_f21_auto_alarm(char *out, size_t n)
{
	return d_note_get(&alarm_, out, n);
}
