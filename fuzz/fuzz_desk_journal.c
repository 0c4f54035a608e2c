/* SPDX-License-Identifier: MIT */
/*
 * fuzz_desk_journal.c -- libFuzzer target for teller-desk's journal
 * reader (docs/desk.md §10), as `teller-desk verify JOURNAL` runs it: a
 * header line, then sealed event lines replayed through the actions.
 * Every input must be read or refused cleanly; the header's plan is
 * checked as verify and import check it. The journal is read
 * twice: as given (the chain refuses nearly every mutation), then with
 * each line sealed afresh, so that mutated entries reach the actions'
 * body checks and the write invariants.
 */
#include "desk.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int d_plan_check_header(const json_t *plan, char *err, size_t n);

/* Seal ev as the next event of d: seq, prev and hash; the line. */
static char *
reseal(struct desk *d, json_t *ev)
{
	json_t *c;
	char h[65], *payload;

	json_object_del(ev, "seq");
	json_object_del(ev, "prev");
	json_object_del(ev, "hash");
	c = json_deep_copy(ev);
	if (!(payload = d_canon(c))) {
		json_decref(c);
		return NULL;
	}
	d_hash_hex(d->last_hash, d->seq + 1, payload, h);
	free(payload);
	json_decref(c);
	json_object_set_new(ev, "seq", json_integer(d->seq + 1));
	json_object_set_new(ev, "prev", json_string(d->last_hash));
	json_object_set_new(ev, "hash", json_string(h));
	return d_canon(ev);
}

static void
run(char *text, int sealing)
{
	struct desk d;
	char *save = NULL, *ln, err[600];
	json_t *hd, *plan;
	const char *gen;

	memset(&d, 0, sizeof d);
	ln = strtok_r(text, "\n", &save);
	hd = ln ? json_loads(ln, 0, NULL) : NULL;
	plan = json_deep_copy(json_object_get(hd, "plan"));
	gen = json_string_value(json_object_get(hd, "genesis"));
	if (!plan || !gen || !d_hex_ok(gen, 64) ||
	    d_plan_check_header(plan, err, sizeof err)) {
		json_decref(plan);
		json_decref(hd);
		return;
	}
	d.plan = plan;
	snprintf(d.genesis, sizeof d.genesis, "%s", gen);
	snprintf(d.last_hash, sizeof d.last_hash, "%s", gen);
	json_decref(hd);
	if (d_model_config(&d, plan, err, sizeof err) == 0)
		while ((ln = strtok_r(NULL, "\n", &save))) {
			json_t *ev = json_loads(ln, 0, NULL);
			char *raw = ev && sealing && json_is_object(ev) ?
			    reseal(&d, ev) : NULL;
			int bad = !ev || !json_is_object(ev) ||
			    d_replay_line(&d, ev, 0, raw ? raw : ln, err,
			    sizeof err);

			free(raw);
			json_decref(ev);
			if (bad)
				break;
		}
	d_close(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a = malloc(size + 1), *b = malloc(size + 1);

	if (a && b) {
		memcpy(a, data, size);
		a[size] = 0;
		memcpy(b, a, size + 1);
		run(a, 0);
		run(b, 1);
	}
	free(a);
	free(b);
	return 0;
}
