/* SPDX-License-Identifier: MIT */
/* html_forms.h -- what html_forms.c and html_forms2.c share: a form of
 * §2.17 and the cells both print with. A form either shows one API
 * read (read) or the figures build gathers from the book for it, as
 * §3.4 lets this session see them (status 200, 403 or 404). */
#ifndef DESK_HTML_FORMS_H
#define DESK_HTML_FORMS_H

#include "html.h"

struct d_form {
	const char *id, *title, *read;
	int statutory;
	void (*fn)(struct ctx *, struct sb *, const json_t *);
	int (*build)(struct ctx *, json_t **);
};

/* html_forms2.c: F1-F5, F7-F9, F20, F21, ended by a NULL id */
extern const struct d_form d_forms2[];
/* F6's ballot paper account heads (unused, spoilt, tendered) */
void df_bpa_heads(struct ctx *x, struct sb *b);
/* F15's reconciliation line (§2.9, §2.11) */
void df_recon_line(struct ctx *x, struct sb *b, const json_t *o);

/* html_forms.c: the cells */
void df_fig(struct sb *b, const json_t *v);
/* F6's changes since the version before: o's "differences" */
void df_f6_changes(struct sb *b, const json_t *o);
void df_thead(struct sb *b, const char *const *cols);
void df_td(struct sb *b, const json_t *v);
void df_tdn(struct sb *b, const json_t *v);
void df_tdv(struct sb *b, const json_t *v);
/* F11-F13's changes from the version before (§3.5) */
void df_stmt_changes(struct sb *b, const json_t *o);
void df_tdi(struct sb *b, long long v);
void df_cand_name(struct sb *b, const json_t *k);
void df_cand_cells(struct sb *b, const json_t *k);
void df_table_open(struct sb *b, const char *cls, const char *caption,
    const char *const *cols);
void df_cells(struct sb *b, const json_t *row, const char *const *keys);
void df_rows(struct sb *b, const char *cls, const char *caption,
    const char *const *cols, const char *const *keys, const json_t *rows);

#endif
