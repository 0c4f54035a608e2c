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
    void *) TL_MUST_CHECK;
int tl_rep_json(teller_ctx *, const struct teller_result *, teller_write_fn,
    void *) TL_MUST_CHECK;
int tl_rep_csv(teller_ctx *, const struct teller_result *, teller_write_fn,
    void *) TL_MUST_CHECK;
int tl_rep_stagesheet(teller_ctx *, const struct teller_result *,
    teller_write_fn, void *) TL_MUST_CHECK;
int tl_rep_html(teller_ctx *, const struct teller_result *, teller_write_fn,
    void *) TL_MUST_CHECK;

/* Pieces shared with rep_compare.c (methods.md 6.1, 8): the pairwise
 * matrix and the Smith and Schwartz sets as a text table (rep_text.c);
 * a matrix {X: {Y: v}} (v < 0 null) and a set as JSON keys, each line
 * ending ",\n" (rep_json.c). */
struct tl_out;
void tl_rep_text_pairwise(struct tl_out *o, const struct teller_result *r);
void tl_rep_json_matrix(struct tl_out *o, const struct teller_result *r,
    const char *key, const tl_fix *m);
void tl_rep_json_set(struct tl_out *o, const struct teller_result *r,
    const char *key, const bool *in);
/* The HTML report in a named layout, NULL = by method (rep_html.c). */
int tl_rep_html_layout(teller_ctx *, const struct teller_result *,
    const char *layout, teller_write_fn, void *) TL_MUST_CHECK;
/* The JSON name of a transfer's destination (rep_json.c). */
const char *tl_rep_json_to(const struct teller_result *r, int to);

#endif /* TL_REPORT_H */
