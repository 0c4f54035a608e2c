/* SPDX-License-Identifier: MIT */
/* periodic.c -- serve's periodic tasks (the backups, the free-disk
 * look, the air-gap probe, the certificate's expiry): each a named
 * thread that runs its tick at once and then again every period()
 * seconds until d_periodic_stop, which wakes the sleep and waits for
 * a tick in progress to end. The period is asked before each sleep,
 * so a test's environment variable is read as before. A task's tick
 * takes serve's book lock itself when it needs it; the scaffold holds
 * no lock while a tick runs. A task's finding for the screens (a
 * banner) is a d_note: its text under a mutex of its own, set by the
 * task, read by the requests. */
#include "desk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *
run(void *arg)
{
	struct d_periodic *t = arg;

	pthread_mutex_lock(&t->m);
	while (!t->stopping) {
		struct timespec ts;

		pthread_mutex_unlock(&t->m);
		t->tick(t->arg);
		pthread_mutex_lock(&t->m);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += t->period();
		while (!t->stopping &&
		    pthread_cond_timedwait(&t->c, &t->m, &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&t->m);
	return NULL;
}

int
d_periodic_start(struct d_periodic *t)
{
	pthread_condattr_t ca;

	/* the sleep counts on the monotonic clock: a clock step (§11 F6)
	 * neither skips nor stretches a period */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->c, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&t->m, NULL);
	t->stopping = 0;
	if (pthread_create(&t->thread, NULL, run, t) != 0) {
		fprintf(stderr, "teller-desk: cannot start the %s\n",
		    t->name);
		pthread_cond_destroy(&t->c);
		pthread_mutex_destroy(&t->m);
		return -1;
	}
	t->running = 1;
	return 0;
}

void
d_periodic_stop(struct d_periodic *t)
{
	if (!t->running)
		return;
	pthread_mutex_lock(&t->m);
	t->stopping = 1;
	pthread_cond_signal(&t->c);
	pthread_mutex_unlock(&t->m);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->c);
	pthread_mutex_destroy(&t->m);
	t->running = 0;
}

int
d_note_set(struct d_note *n, const char *text)
{
	int changed;

	pthread_mutex_lock(&n->m);
	changed = strncmp(n->text, text, sizeof n->text - 1) != 0;
	snprintf(n->text, sizeof n->text, "%s", text);
	pthread_mutex_unlock(&n->m);
	return changed;
}

int
d_note_failure(struct d_note *n, const char *what, const char *why)
{
	char at[40], w[400] = "";

	if (why) {
		d_now(at, sizeof at);
		snprintf(w, sizeof w, "%s FAILED at %.19s: %.300s", what, at,
		    why);
	}
	return d_note_set(n, w);
}

int
d_note_get(struct d_note *n, char *out, size_t size)
{
	int on;

	pthread_mutex_lock(&n->m);
	on = n->text[0] != '\0';
	if (out)
		snprintf(out, size, "%s", n->text);
	pthread_mutex_unlock(&n->m);
	return on;
}

long
d_env_seconds(const char *name, long max, long def)
{
	const char *e = getenv(name);
	char *end;
	long s;

	if (!e)
		return def;
	s = strtol(e, &end, 10);
	return *e && !*end && s >= 1 && s <= max ? s : def;
}

long
d_period_one_second(void)
{
	return 1;
}
