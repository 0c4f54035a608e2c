/* SPDX-License-Identifier: MIT */
/*
 * fuzz_desk_body.c -- libFuzzer target for teller-desk's JSON body
 * decoding (docs/desk.md §9.1): the body is read as the API reads it
 * (duplicates refused), its members checked with the typed getters the
 * actions use (bundle.add's members), normalised, and put in canonical
 * form (RFC 8785, the journal's): canonical text must read back to the
 * same canonical text. Every input must be accepted or refused cleanly,
 * with a message on refusal.
 */
#include "desk.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = { "round", "area", "table", "stage",
	"slip", "kind", "candidate", "pattern", "source", "dest", "papers",
	"part", "counted_by", "checked_by", "acknowledge", "paper_time",
	"reason_text", NULL };

static void
canon_twice(const json_t *j)
{
	char *a = d_canon(j), *b;
	json_t *k;

	if (!a)
		return;
	if (!(k = json_loads(a, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    NULL)))
		abort();	/* canonical text that does not read back */
	b = d_canon(k);
	if (!b || strcmp(a, b) != 0)
		abort();	/* canonical form not stable */
	free(a);
	free(b);
	json_decref(k);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	json_t *body = json_loadb((const char *)data, size,
	    JSON_REJECT_DUPLICATES, &je), *n;
	struct d_err e;
	long long v;
	const char *s;
	int b;

	if (!body)
		return 0;
	memset(&e, 0, sizeof e);
	canon_twice(body);
	if (json_is_object(body) && d_body_keys(body, keys, &e) == 0) {
		if (d_get_int(body, "round", 0, 1, 1000, &v, &e) < 0 ||
		    d_get_int(body, "papers", 0, 1, 1LL << 40, &v, &e) < 0 ||
		    d_get_str(body, "slip", 0, 16, &s, &e) < 0 ||
		    d_get_str(body, "area", 0, 32, &s, &e) < 0 ||
		    d_get_bool(body, "part", 0, &b, &e) < 0) {
			if (!e.msg[0] || e.status != 400)
				abort();	/* a refusal says why */
		}
		n = d_norm(body, keys);
		if (n)
			canon_twice(n);
		json_decref(n);
	} else if (json_is_object(body) && (!e.msg[0] || e.status != 400))
		abort();
	json_decref(e.details);
	json_decref(body);
	return 0;
}
