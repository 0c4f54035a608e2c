/* SPDX-License-Identifier: MIT */
/* html.h -- what html.c lends the screens in the other html_*.c files:
 * the page buffer, the request's context, escaping and the reads
 * through the API as the cookie's session. The short names are macros
 * so that the program's symbols keep a prefix of their own. */
#ifndef DESK_HTML_H
#define DESK_HTML_H

#include "session.h"

struct sb {
	char *p;
	size_t n, cap;
	int oom;
};

struct ctx {
	struct desk *d;
	struct d_http *h;
	char tok[64];
	struct d_user *u;
	long long reauth;
	int c;			/* contest index */
	const char *err;	/* the refusal to show, or NULL */
	const char *eform;	/* the form it belongs to */
	json_t *vals;		/* that form's submitted values */
	/* S-24: a generated password or device token, shown once */
	const char *once, *once_what, *once_for;
};

#define put dh_put
#define putf dh_putf
#define esc dh_esc
#define escj dh_escj
#define get dh_get
#define q dh_q
#define respond dh_respond
#define simple dh_simple
#define contest_pick dh_contest_pick
#define form_open dh_form_open
#define form_close dh_form_close
#define field dh_field
#define select_field dh_select_field
#define getq dh_getq
#define box_find dh_box_find
#define box_picker dh_box_picker
#define picked_box dh_picked_box
#define table_open dh_table_open
#define row_cells dh_row_cells
#define rows_table dh_rows_table

void put(struct sb *b, const char *s);
void putf(struct sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void esc(struct sb *b, const char *s);
void escj(struct sb *b, const json_t *v);
json_t *get(struct ctx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *q(struct ctx *x, const char *k);
void respond(struct d_http *h, int status, struct sb *b);
void simple(struct ctx *x, int status, const char *title, const char *msg);
void contest_pick(struct ctx *x, struct sb *b, const char *path);
void form_open(struct ctx *x, struct sb *b, const char *id,
    const char *label);
void form_close(struct sb *b, const char *button);
void field(struct ctx *x, struct sb *b, const char *form, const char *name,
    const char *label, const char *kind, const char *dflt, int req);
void select_field(struct ctx *x, struct sb *b, const char *form,
    const char *name, const char *label, const char *const *opts);
/* S-03's packet checklist: codes by number key, 1 first. */
extern const char *const d_html_packets[];
/* §3.5 forms: a withdrawal of an entry (box: hidden, for S-04), and
 * the reason fields of a withdrawal or correction. */
void d_html_withdraw(struct ctx *x, struct sb *b, const char *form,
    const char *title, const char *label, const char *box);
void d_html_reason(struct ctx *x, struct sb *b, const char *form);
/* The current contest's box named box, from its boxes read into *bx
 * (the caller frees it); NULL, having said so on b, if there is none. */
json_t *box_find(struct ctx *x, struct sb *b, const char *box, json_t **bx);
/* The GET form picking a box on screen path (with focus, it takes the
 * focus while no box is given). */
void box_picker(struct ctx *x, struct sb *b, const char *path,
    const char *label, const char *button, const char *box, int focus);
/* A box screen's box (query or refused form) under its picker and its
 * heading; its view and the boxes read (*bx, freed by the caller), or
 * NULL when none is picked or found. */
json_t *picked_box(struct ctx *x, struct sb *b, const char *path, int focus,
    const char **box, json_t **bx);
/* A screen's tables: table_open's caption and column heads; row_cells'
 * cells of a row by key ('^' the row's head, '#' a number, '~' a
 * state, else text); rows_table, one row per object of rows. */
void table_open(struct sb *b, const char *caption, const char *const *cols);
void row_cells(struct sb *b, const json_t *row, const char *const *keys);
void rows_table(struct sb *b, const char *caption, const char *const *cols,
    const char *const *keys, const json_t *rows);

/* Claims the page's one autofocus for an element other than a field:
 * 1 if the caller is to mark its element, 0 if one is marked already. */
int d_html_autofocus(void);

/* html_queues.c: S-02's differing tally sheets (how many pairs shown),
 * S-10's "my last 20 entries", S-13's queue of doubtful papers and its
 * decision's objection fields, and the script's S-13 keys. */
int d_html_tally_diffs(struct ctx *x, struct sb *b);
void d_html_my_bundles(struct ctx *x, struct sb *b);
/* The user's newest current bundle entry in the contest, or 0. */
long long d_html_my_last(struct ctx *x);
void d_html_adj_queue(struct ctx *x, struct sb *b);
void d_html_adj_objection(struct ctx *x, struct sb *b);
extern const char d_html_js_keys[];
/* Whether entry n is superseded (withdrawn or corrected, §3.5); why:
 * "Withdrawn" or "Corrected" by #N (who, when), its reason. */
int d_html_superseding(struct desk *d, long long n);
void d_html_superseded_why(struct ctx *x, struct sb *b, long long n);
/* html_keys.c: S-03's packet checklist and S-15's sorting keys (the
 * markup the script's keys act on) and that part of the script */
void d_html_packet_checklist(struct sb *b);
void d_html_stage2_keys(struct sb *b, const json_t *k);
extern const char d_html_js_entry_keys[], d_html_js_entry_keys2[];
/* html_decisions.c: S-06's (box) and S-07's (box NULL) decisions with
 * their history, and the forms wform, cform that withdraw or correct
 * one (§3.5) */
void d_html_decisions(struct ctx *x, struct sb *b, const char *box,
    const char *wform, const char *cform);
/* S-02's prompt to re-issue F6 after a correction (§2.4) */
void d_html_f6_prompt(struct ctx *x, struct sb *b);
void d_html_f6_prompt_one(struct ctx *x, struct sb *b, int c);

/* html_screens.c */
json_t *getq(struct ctx *x, const char *path, const char *round,
    const char *stage, const char *table, const char *version, int *status);
void d_scr_statement(struct ctx *x, struct sb *b);
void d_scr_reconciliation(struct ctx *x, struct sb *b);
void d_scr_agent(struct ctx *x, struct sb *b);
void d_scr_print(struct ctx *x, struct sb *b);
void d_scr_sheet(struct ctx *x, struct sb *b);
void d_scr_mixing(struct ctx *x, struct sb *b);
void d_scr_stage2(struct ctx *x, struct sb *b);
void d_scr_tally(struct ctx *x, struct sb *b);
void d_scr_receipt(struct ctx *x, struct sb *b);
void d_scr_assign(struct ctx *x, struct sb *b);
void d_scr_audit(struct ctx *x, struct sb *b);
void d_scr_progress(struct ctx *x, struct sb *b);
void d_scr_variance(struct ctx *x, struct sb *b);
/* The polling place of box code (through its station), or NULL. */
const char *d_html_box_place(const struct desk *d, const char *code);
/* html_admin.c: S-24 */
void d_scr_admin(struct ctx *x, struct sb *b);
/* html_admin.c: the operations alarms (§4.2: a failed backup, free disk
 * below the floor; §6.4: the certificate expiring) for x's user */
void d_ops_banners(struct ctx *x, struct sb *b);
/* html_forms2.c: the current delegations, as their entries' data */
json_t *df_delegations(struct desk *d);
/* html_forms2.c: the events of action, parsed, in book order; for one
 * contest when cid is not NULL (the caller frees the array) */
json_t *df_events(struct desk *d, const char *action, const char *cid);

/* html_forms.c: the print-ready forms (§2.17) at /forms/F<n>?c=C */
extern const char d_print_css[];
void d_html_form(struct ctx *x, const char *id);
int d_api_form(struct desk *d, struct d_http *h, struct d_user *u,
    const char *id);
void d_html_print_centre(struct ctx *x, struct sb *b);

#endif
