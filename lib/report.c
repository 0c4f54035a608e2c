/* SPDX-License-Identifier: MIT */
/*
 * report.c -- the report-kind table: each kind's writer, and
 * teller_report(), the dispatch to it.
 */
#include <stddef.h>

#include "report.h"

typedef int (*rep_fn)(teller_ctx *, const struct teller_result *,
    teller_write_fn, void *);

static const struct {
	enum teller_report_kind kind;
	rep_fn fn;
} reports[] = {
	{ TELLER_REP_TEXT, tl_rep_text },
	{ TELLER_REP_JSON, tl_rep_json },
	{ TELLER_REP_CSV, tl_rep_csv },
	{ TELLER_REP_STAGESHEET, tl_rep_stagesheet },
	{ TELLER_REP_HTML, tl_rep_html },
};

int
teller_report(teller_ctx *ctx, const teller_result *r,
    enum teller_report_kind kind, teller_write_fn write, void *ud)
{
	size_t i;

	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++)
		if (reports[i].kind == kind)
			return reports[i].fn(ctx, r, write, ud);
	return tl_fail(ctx, TELLER_EINVAL, "unknown report kind");
}
