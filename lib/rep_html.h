/* SPDX-License-Identifier: MIT */
/*
 * rep_html.h -- the HTML report's shared state and helpers (rep_html.c),
 * and its text components: declarations, narrative, ties, cross-table
 * (rep_html_text.c). docs/reports.md is the specification; its section
 * 11 is the markup contract. Helpers in rep_html_out.c.
 */
#ifndef TL_REP_HTML_H
#define TL_REP_HTML_H

#include <stdbool.h>

#include "tl_int.h"

enum tl_html_layout {
	TL_LAY_UKDECL = 0, /* FPTP, block: declaration of result of poll */
	TL_LAY_UKSV,       /* SV: the r.51 and r.53 statements */
	TL_LAY_SCOT,       /* Scottish STV results sheet */
	TL_LAY_RCV         /* US ranked-choice rounds */
};

struct tl_html {
	struct tl_out o;
	const struct teller_result *r;
	enum tl_html_layout lay;
	bool us;           /* US terms: round, eliminated, inactive */
	const char *lang;  /* <html lang>: --lang, or by layout */
	int *elst;         /* [ncand] stage of election, 0 = not elected */
	int *exst;         /* [ncand] stage of exclusion, 0 = not excluded */
};

/* The HTML report in a named layout (NULL: by method) with <html lang>
 * lang (NULL: by layout); EINVAL for a malformed tag (rep_html.c). */
int tl_rep_html_lang(teller_ctx *ctx, const struct teller_result *r,
    const char *layout, const char *lang, teller_write_fn w, void *ud)
    TL_MUST_CHECK;

/* rep_html_out.c: escape & < > " ' in s, in text and attribute values
 * alike. */
void tl_rep_html_out_esc(struct tl_out *o, const char *s);
/* v at dp places with thousands separators ("1,538.00000"). */
void tl_rep_html_out_num(struct tl_out *o, tl_fix v, int dp);
/* Candidate c's name, escaped, in <bdi>. */
void tl_rep_html_out_name(struct tl_html *h, int c);
/* " data-votes=\"STR\"": the exact decimal string of the JSON. */
void tl_rep_html_out_votes(struct tl_html *h, tl_fix v);
/* "Stage" or "Round". */
const char *tl_rep_html_out_stage_word(const struct tl_html *h);

/* rep_html_text.c: the declaration section (with section#rejected). */
void tl_rep_html_text_decl(struct tl_html *h);
/* The narrative paragraphs of stage index k. */
void tl_rep_html_text_narrative(struct tl_html *h, size_t k);
/* The SV statements and cross-table section (nothing without stage 2). */
void tl_rep_html_text_sv(struct tl_html *h);

/* rep_html_matrix.c (methods.md; its header states the markup): the
 * pairwise matrix, sets, paths and locked pairs, if the result has them;
 * the college's sections; one stage's sections. */
void tl_rep_html_matrix_pairwise(struct tl_html *h);
void tl_rep_html_matrix_sections(struct tl_html *h);
void tl_rep_html_matrix_stage(struct tl_html *h, const struct tl_stage *s);

#endif /* TL_REP_HTML_H */
