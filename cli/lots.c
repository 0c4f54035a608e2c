/* SPDX-License-Identifier: MIT */
/*
 * lots.c -- reading `teller count --lots FILE`: the lots a returning
 * officer drew, either one SPEC ("STAGE:NAME<NAME<...") a line, or a
 * JSON array shaped like the manifest's lots[] (audit.md 4.2): objects
 * with "stage" and "order" (the tied, least favoured first); their other
 * keys are read and passed over. The JSON is read by cli/mjson.c, so a
 * fault is told as FILE:LINE:COL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lots.h"
#include "mjson.h"

/* One lot object into spec (cap bytes). */
static int
lot_object(const char *path, const struct mj *o, char *spec, size_t cap)
{
	char order[4096];
	const struct mj *k, *st = NULL, *ord = NULL;
	long long stage;
	size_t olen = 0;
	char *e;

	if (o->type != MJ_OBJ)
		return mj_fail(path, o, "expected a lot: {\"stage\": N, "
		    "\"order\": [...]}");
	for (k = o->kid; k != NULL; k = k->next)  /* the last one counts */
		if (strcmp(k->key, "stage") == 0)
			st = k;
		else if (strcmp(k->key, "order") == 0)
			ord = k;
	if (st != NULL) {
		if (st->type != MJ_NUM)
			return mj_fail(path, st, "\"stage\" must be a stage "
			    "number");
		stage = strtoll(st->s, &e, 10);
		if (e == st->s || *e != '\0' || stage < 1 || stage > 1000000)
			return mj_fail(path, st, "\"stage\" must be a stage "
			    "number");
	}
	if (ord != NULL && ord->type != MJ_ARR)
		return mj_fail(path, ord, "\"order\" must be a list of names, "
		    "least favoured first");
	if (st == NULL || ord == NULL)
		return mj_fail(path, o, "a lot needs \"stage\" and \"order\"");
	for (k = ord->kid; k != NULL; k = k->next) {
		size_t n;

		if (k->type != MJ_STR)
			return mj_fail(path, k, "expected a string");
		n = strlen(k->s);
		if (strchr(k->s, '<') != NULL || n >= 512 ||
		    olen + n + 2 >= sizeof(order))
			return mj_fail(path, k, "a name in \"order\" holds '<' "
			    "or is too long");
		if (k != ord->kid)
			order[olen++] = '<';
		memcpy(order + olen, k->s, n);
		olen += n;
	}
	order[olen] = '\0';
	if ((size_t)snprintf(spec, cap, "%lld:%s", stage, order) >= cap)
		return mj_fail(path, o, "lot too long");
	return 0;
}

static int
parse_json(const char *path, const char *buf, size_t len,
    int (*add)(void *, const char *, size_t), void *ud)
{
	char spec[4200];
	struct mj_err err;
	struct mj *a = mj_parse_err(buf, len, &err);
	const struct mj *o;
	int rc = 0;

	if (a == NULL)
		return mj_perror(path, &err);
	if (a->type != MJ_ARR)
		rc = mj_fail(path, a, "expected '['");
	for (o = a->kid; rc == 0 && o != NULL; o = o->next)
		if (lot_object(path, o, spec, sizeof(spec)) != 0 ||
		    add(ud, spec, strlen(spec)) != 0)
			rc = -1;
	mj_free(a);
	return rc;
}

static int
parse_lines(const char *buf, size_t len,
    int (*add)(void *, const char *, size_t), void *ud)
{
	const char *p, *e, *end = buf + len;

	for (p = buf; p < end; p = e + 1) {
		const char *s = p, *t;
		e = memchr(p, '\n', (size_t)(end - p));
		if (e == NULL)
			e = end;
		t = e;
		while (s < t && (*s == ' ' || *s == '\t'))
			s++;
		while (t > s && (t[-1] == ' ' || t[-1] == '\t' ||
		    t[-1] == '\r'))
			t--;
		if (s == t || *s == '#')
			continue;
		if (add(ud, s, (size_t)(t - s)) != 0)
			return -1;
	}
	return 0;
}

int
cli_lots_parse(const char *path, const char *buf, size_t len,
    int (*add)(void *ud, const char *spec, size_t n), void *ud)
{
	size_t i = 0;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t' ||
	    buf[i] == '\n' || buf[i] == '\r'))
		i++;
	/* JSON, or a NUL byte (which the JSON reader places and refuses) */
	if ((i < len && buf[i] == '[') || memchr(buf, '\0', len) != NULL)
		return parse_json(path, buf, len, add, ud);
	return parse_lines(buf, len, add, ud);
}
