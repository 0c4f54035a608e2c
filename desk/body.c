/* SPDX-License-Identifier: MIT */
/* body.c -- errors and typed members of request bodies (§9.1: unknown,
 * missing and mistyped members are 400 bad_request). */
#include "desk.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void
setf(struct d_err *e, int status, const char *code, const char *rule,
    const char *fmt, va_list ap)
{
	e->status = status;
	snprintf(e->code, sizeof e->code, "%s", code);
	snprintf(e->rule, sizeof e->rule, "%s", rule ? rule : "");
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

int
d_fail(struct d_err *e, int status, const char *code, const char *rule,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	setf(e, status, code, rule, fmt, ap);
	va_end(ap);
	return -1;
}

int
d_forbid(struct d_err *e, const char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	setf(e, 403, "forbidden", "§3.2", fmt, ap);
	va_end(ap);
	snprintf(e->why, sizeof e->why, "%s", why);
	return -1;
}

int
d_body_keys(const json_t *o, const char *const *allowed, struct d_err *e)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o))
		return d_fail(e, 400, "bad_request", NULL,
		    "the body must be a JSON object");
	json_object_foreach((json_t *)o, k, v) {
		int ok = 0;

		for (int i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], k) == 0)
				ok = 1;
		if (!ok)
			return d_fail(e, 400, "bad_request", NULL,
			    "unknown member \"%s\"", k);
	}
	return 0;
}

int
d_get_int(const json_t *o, const char *k, int req, long long lo,
    long long hi, long long *v, struct d_err *e)
{
	const json_t *j = json_object_get(o, k);

	if (!j || json_is_null(j)) {
		if (req)
			return d_fail(e, 400, "bad_request", NULL,
			    "member \"%s\" is required", k);
		return 1;
	}
	if (!json_is_integer(j))
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"%s\" must be an integer", k);
	*v = json_integer_value(j);
	if (*v < lo || *v > hi)
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"%s\" is %lld, outside %lld..%lld", k, *v, lo, hi);
	return 0;
}

int
d_get_str(const json_t *o, const char *k, int req, size_t maxlen,
    const char **v, struct d_err *e)
{
	const json_t *j = json_object_get(o, k);

	if (!j || json_is_null(j)) {
		if (req)
			return d_fail(e, 400, "bad_request", NULL,
			    "member \"%s\" is required", k);
		*v = NULL;
		return 1;
	}
	if (!json_is_string(j))
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"%s\" must be a string", k);
	*v = json_string_value(j);
	if (strlen(*v) > maxlen || (req && !**v))
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"%s\" must be 1..%zu characters", k, maxlen);
	return 0;
}

int
d_get_bool(const json_t *o, const char *k, int req, int *v, struct d_err *e)
{
	const json_t *j = json_object_get(o, k);

	if (!j || json_is_null(j)) {
		if (req)
			return d_fail(e, 400, "bad_request", NULL,
			    "member \"%s\" is required", k);
		*v = 0;
		return 1;
	}
	if (!json_is_boolean(j))
		return d_fail(e, 400, "bad_request", NULL,
		    "member \"%s\" must be true or false", k);
	*v = json_is_true(j);
	return 0;
}

/* The body as the journal keeps it: every member of keys present, null
 * when absent. */
json_t *
d_norm(const json_t *body, const char *const *keys)
{
	json_t *o = json_object();

	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(body, keys[i]);

		json_object_set_new(o, keys[i], v ? json_deep_copy(v) :
		    json_null());
	}
	return o;
}
