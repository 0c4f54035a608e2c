/* SPDX-License-Identifier: MIT */
/*
 * report.h -- the report writers (rep_*.c) and the report-kind table
 * (report.c).
 */
#ifndef TL_REPORT_H
#define TL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "result.h"

/* Writers, one a report kind (rep_<kind>.c). */
int tl_rep_text(teller_ctx *, const struct teller_result *, teller_write_fn,
    void *);
int tl_rep_json(teller_ctx *, const struct teller_result *, teller_write_fn,
    void *);
int tl_rep_csv(teller_ctx *, const struct teller_result *, teller_write_fn,
    void *);
int tl_rep_stagesheet(teller_ctx *, const struct teller_result *,
    teller_write_fn, void *);
int tl_rep_html(teller_ctx *, const struct teller_result *, teller_write_fn,
    void *);
/* The HTML report in a named layout, NULL = by method (rep_html.c). */
int tl_rep_html_layout(teller_ctx *, const struct teller_result *,
    const char *layout, teller_write_fn, void *);
/* The JSON name of a transfer's destination (rep_json.c). */
const char *tl_rep_json_to(const struct teller_result *r, int to);

#endif /* TL_REPORT_H */
