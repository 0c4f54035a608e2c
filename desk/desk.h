/* SPDX-License-Identifier: MIT */
/* desk.h -- teller-desk, the count desk: shared declarations.
 *
 * The book is one SQLite file (db.c). Every accepted write is an entry:
 * one event line of the hash-chained journal (journal.c), committed in
 * one transaction with its idempotency row (ledger.c). The count's state
 * is held in memory (model.c) and rebuilt at start by replaying the
 * entries through the same action code that made them (act_*.c), so a
 * replay, an import and verify all check every write invariant again. */
#ifndef DESK_H
#define DESK_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define D_MAXC 64		/* candidates in a contest */
#define D_MAXP 8		/* polls in a box */
#define D_USERS_ROOM 512	/* accounts user.add may add in place */

enum d_state {
	S_SETUP, S_READY, S_RECEIVING, S_VERIFYING, S_VERIFIED, S_MIXED,
	S_COUNTING, S_RECONCILING, S_STAGE1_DONE, S_STAGE2, S_PROVISIONAL,
	S_LOT, S_READY_TO_DECLARE, S_DECLARED, S_CLOSED
};

struct d_cand {
	int pos;
	const char *surname, *forenames, *csur, *cfore, *desc;
};

struct d_area {
	const char *id, *name;
};

struct d_contest {
	const char *id, *name, *kind, *regime, *show;
	int seats, bundle_size, tally_capacity, min_recounts;
	long long tolerance, electorate;
	int has_electorate;
	struct d_area *areas;
	int nareas;
	struct d_cand *cands;	/* by ballot position - 1 */
	int ncands;
	/* state */
	int state, suspended, round;
	int stage_closed[3];	/* of the current round */
	int stage2;		/* remaining set known */
	unsigned char remaining[D_MAXC], eliminated[D_MAXC];
	int majority;		/* position, 0 none */
	int version, released, prov_entry, decl_entry, f6_entry;
	json_t *prov;		/* latest version's result object */
	json_t *decl;		/* declaration object */
	int lot_state;		/* state to return to from LOT */
	json_t *lot;		/* recorded lot, or NULL */
	int lot_round;		/* the round the lot belongs to */
	int pending;		/* recount request awaiting a decision */
	json_t *prev_prov;	/* the version before, for F16 */
	json_t *recounts;	/* requests and decisions (F16) */
	int scope;		/* the round's: 0 first or full, 'b'
				 * bundle_check, 'p' partial (§2.11) */
	int *mixed;		/* per area: mixing recorded */
	json_t *f6s;		/* F6 as issued, version n at n - 1 */
	json_t *stmts;		/* F11-F13 as issued (stmtver.c): each
				 * {"form", "round", "stage", "version",
				 * "entry", "statement", "differences"} */
	json_t *provcorr;	/* versions an RO correction made after
				 * release (§3.5): each {"version",
				 * "entry", "provisional"} */
};

struct d_fig {			/* one double-entry figure entry */
	int entry, entry_no, attempt, kind;	/* kind 0 bpa, 1 count */
	const char *user;
	long long value;
	int withdrawn;
	int sole;		/* a correction after F6's issue (§3.5):
				 * the figure on its own */
	int basis;		/* the entry whose time counts against
				 * transfers: its own, or the corrected one's */
};

struct d_xfer {			/* a transfer's effect on one poll (§2.3) */
	int entry, other;	/* the entry; the other box's index */
	long long papers;	/* in: > 0, out: < 0 */
	int withdrawn;		/* superseded (§3.5) */
	const char *user;	/* its author */
};

struct d_vpoll {		/* a box's verification for one contest */
	int contest, area;
	struct d_fig *figs;
	int nfigs;
	unsigned checks;	/* bit per check item done or not */
	int decided;
	int redecide;		/* undecided by a correction after F6's
				 * issue that changed its variance: a
				 * new box.decide is due (§2.3, §2.4) */
	int decision;		/* the box.decide entry that decided it */
	long long verified, first_count;
	const char *outcome, *explanation;
	int recounts;
	int mixed;
	struct d_xfer *xf;	/* transfers in and out, in entry order */
	int nxf;
};

struct d_box {
	const char *code, *kind, *station;
	const char *arrival;	/* expected_arrival, NULL none */
	struct d_vpoll polls[D_MAXP];
	int npolls;
	int received, escalated, table;
	int rentry;		/* the receipt.record entry that received it */
	const char *unexpected;	/* not in the plan: the reason it was
				 * registered with at receipt (§2.1) */
};

struct d_tab {
	int table;
	char role[12];
};

struct d_user {
	const char *username, *full_name, *role, *staff_no, *agent;
	json_t *contests;
	struct d_tab *tabs;
	int ntabs;
	unsigned powers[8];	/* per contest index: delegated powers */
};

struct d_bundle {		/* a bundle, or a doubtful entry (kind 'd') */
	int entry, round, area, table, stage;
	int kind;		/* 'c', 'p', 's', 'd' */
	const char *slip, *user;
	int cand, source;	/* positions; source for stage 2 */
	unsigned long long pat;	/* pattern bundle: positions as bits */
	const char *dest;	/* stage 2: a position as text or a code */
	long long papers;
	int contest;
	/* doubtful: decision */
	int decided;		/* 0 open, 'v' valid, 'r' rejected */
	int rip;		/* valid, rejected in part (block) */
	const char *head;
	int withdrawn;
	int carried;		/* partial recount: the entry carried over */
	int adj;		/* doubtful: the adjudication's entry */
	int objected;		/* doubtful: rejection objected to */
	int adj_obj;		/* ... by the adjudication itself */
	int objections;		/* ... by current objection entries */
};

struct d_tally {		/* one entry of a tally sheet (block, I8) */
	int entry, contest, round, area, table, entry_no, withdrawn;
	const char *sheet, *user;
	long long papers, votes[D_MAXC];
	int carried;		/* partial recount: the entry carried over */
};

struct d_sheet {
	int contest, round, area, table, stage;
};

struct desk {
	sqlite3 *db;
	json_t *plan;		/* secrets removed */
	char plan_sha[65], genesis[65];
	struct d_contest *cs;
	int ncs;
	struct d_box *boxes;
	int nboxes;
	struct d_user *users;
	int nusers;
	int capusers;		/* room in users: user.add fills it in
				 * place, so a user's address stays */
	json_t *users_old;	/* arrays user.add outgrew (accounts.c):
				 * kept until the model is freed */
	json_t *places, *stations, *tables, *devices, *agents, *election;
	struct d_bundle *bs;
	int nbs, capbs;
	struct d_sheet *sheets;
	int nsheets, capsheets;
	struct d_tally *tallies;
	int ntallies, captallies;
	long long seq, entries;
	/* Events up to this seq had their hashes checked already (serve's
	 * start: up to the last backup's checkpoint; the readers' model: up
	 * to what the writer's load walked): a replay checks their seq and
	 * prev links, not their hashes. 0: every hash. */
	long long trusted;
	char last_hash[65];
	char last_at[40];	/* "at" of the last event (I18) */
	char seal_at[40];	/* "at" of the event being sealed */
	int read_only;		/* D_RO_FULL, D_RO_BROKEN or 0 */
	int keyed;		/* event_key is whole and kept (d_db_keys) */
	char fail[512];		/* why the book is read-only */
	json_t *delegs;		/* current delegations */
	json_t *flowlog;	/* objections and config changes, each
				 * {"entry", "kind", ...}, for §3.5 */
	json_t *pool;		/* strings the model keeps */
	struct desk *retired;	/* models d_reload replaced; d_close frees */
	struct d_sheetix *sheetix;	/* the readers' model's sheet
					 * entries (sheetix.c), else NULL */
	int depth;		/* d_exec and d_correct calls under way: the
				 * entry is whole when it is back to 0 */
	struct d_bix *bix;	/* the bundles' index (bundleix.c) */
};

/* An error answer: HTTP status, code, rule and why (may be empty). */
struct d_err {
	int status;
	char code[32], rule[16], why[24];
	char msg[320];
	json_t *details;
};

int d_fail(struct d_err *e, int status, const char *code, const char *rule,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int d_forbid(struct d_err *e, const char *why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One request to an action: who, which contest, the body. */
struct d_req {
	const char *action;
	int contest;		/* index, -1 none */
	struct d_user *user;
	const char *device, *ip;
	const char *at;		/* server time of the entry */
	int replay;		/* 1: from the book or a journal */
	long long entry;	/* the entry number it will get */
	json_t *body;
	int sub;		/* number from the path (round R, entry N) */
	int reauth_ok;		/* re-authenticated within 5 minutes */
	const char *paper_time;	/* a back-filled entry's time on paper */
	int after_release;	/* the RO's correction of a released
				 * round's bundle (§3.5) */
};

/* What an action gives back: the journal's data and the answer's extra
 * members (both owned by the caller after the call). */
struct d_out {
	json_t *data, *answer, *warnings;
	int contests[8], ncontests;
	long long supersedes;	/* the entry withdrawn, 0 none */
	const char *reason_code, *reason_text;
};

typedef int (*d_act_fn)(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);

struct d_action {
	const char *name, *method, *path;	/* path relative, C-part */
	int per_contest;
	const char *roles;	/* " ro dro mgr sup clerk rcpt " */
	const char *power;	/* a DRO's delegated power, or NULL */
	d_act_fn fn;
	const char *const *assigned;	/* data members the desk adds */
};

/* model.c */
const char *d_state_name(int s);
int d_contest_find(const struct desk *d, const char *id);
int d_area_find(const struct d_contest *c, const char *id);
int d_xfer_holds(const struct desk *d, struct d_xfer *const x[2],
    struct d_err *e);
int d_box_find(const struct desk *d, const char *code);
int d_box_add(struct desk *d, const struct d_box *b);
void d_box_drop(struct desk *d, int at, struct d_box *save);
int d_box_put(struct desk *d, int at, const struct d_box *b);
/* §3.5: a receipt withdrawn or corrected (act_setup.c) */
int d_receipt_supersede(struct desk *d, const struct d_req *rq,
    long long n, struct d_box *save, int *at, struct d_err *e);
void d_receipt_restore(struct desk *d, const struct d_box *save, int at);
struct d_user *d_user_find(struct desk *d, const char *name);
int d_user_table_role(const struct d_user *u, int table, const char *role);
int d_sup_refused(const struct d_user *u, int table);
int d_sup_anywhere(const struct d_user *u);
int d_agent_of(const struct desk *d, const char *id, const char *contest);
int d_agents_named(const struct desk *d, const json_t *body, const char *k,
    const char *contest, struct d_err *e);
int d_has_power(const struct desk *d, const struct d_user *u, int contest,
    const char *power);
int d_model_config(struct desk *d, const json_t *plan, char *err,
    size_t errlen);
void d_model_free(struct desk *d);
char *d_strdup(const char *s);
const char *d_intern(struct desk *d, const char *s);
void d_now(char *buf, size_t n);

/* body.c: typed member access for action bodies */
int d_body_keys(const json_t *o, const char *const *allowed,
    struct d_err *e);
int d_get_int(const json_t *o, const char *k, int req, long long lo,
    long long hi, long long *v, struct d_err *e);
int d_get_str(const json_t *o, const char *k, int req, size_t maxlen,
    const char **v, struct d_err *e);
json_t *d_norm(const json_t *body, const char *const *keys);
int d_table_known(const struct desk *d, long long t);
int d_get_bool(const json_t *o, const char *k, int req, int *v,
    struct d_err *e);

/* actions.c */
const struct d_action *d_action_find(const char *name);
const struct d_action *d_action_route(const char *method, const char *path,
    int percontest, int *sub);
int d_allowed(struct desk *d, const struct d_action *a, struct d_req *rq,
    struct d_err *e);
int d_exec(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e);
json_t *d_states(struct desk *d, const struct d_out *out);
void d_out_clear(struct d_out *o);

/* act_setup.c, act_verify.c, act_count.c, act_result.c */
int a_plan_approve(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_poll_close(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_assignment(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_delegation(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_agent(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_receipt(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_box_open(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_bpa(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_count(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_check(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_decide(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_vissue(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_mixing(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_round(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_bundle(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_doubtful(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_adjudicate(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_sheet_close(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_stage_close(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_stage2(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_provisional(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_lot(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_ready(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_declare(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_suspend(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_resume(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_correct(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_court(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_close(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_escalate(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_announce(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_tally(struct desk *, struct d_req *, struct d_out *, struct d_err *);
int a_rc_request(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_rc_decide(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_withdraw(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int d_carry(struct desk *d, int c, int from, const unsigned char *named);
int a_entry_correct(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int d_correct(struct desk *d, struct d_req *rq, long long n, const char *rc,
    const char *rt, struct d_out *out, struct d_err *e);
int a_objection(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_carry_drop(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_transfer(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int a_config(struct desk *, struct d_req *, struct d_out *,
    struct d_err *);
int d_cfg_str(const json_t *v, int nullable, const char **s,
    struct d_err *e);
int d_poll_parse(const struct desk *d, const json_t *x, struct d_vpoll *p,
    json_t *norm, struct d_err *e);
/* cfgbox.c: config.change of a box's record */
int d_config_box(struct desk *d, int bi, const char *field, const json_t *v,
    int apply, json_t **old, struct d_err *e);
void d_config_box_contests(const struct desk *d, int bi, const json_t *old,
    struct d_out *out);
int d_config_revert(struct desk *d, const struct d_req *rq, json_t *rec,
    int redo, const char *rt, struct d_err *e);
json_t *d_transfers(const struct desk *d, int c);

/* invariants.c: the figures the rules are stated on */
long long d_verified_area(const struct desk *d, int c, int area);
long long d_verified_contest(const struct desk *d, int c);
long long d_papers_area(const struct desk *d, int c, int round, int area,
    int stage);
long long d_first(const struct desk *d, int c, int round, int pos);
long long d_valid(const struct desk *d, int c, int round);
long long d_tally_papers(const struct desk *d, int c, int round, int area);
int d_tally_agreed(const struct desk *d, const struct d_tally *t);
/* The other current entry of t's sheet (entry 1 or 2), or NULL. */
const struct d_tally *d_tally_partner(const struct desk *d,
    const struct d_tally *t);
long long d_sorted_from(const struct desk *d, int c, int round, int pos);
int d_reconciled(const struct desk *d, int c, char *why, size_t n);
int d_i14(const struct desk *d, int c, char *why, size_t n);
int d_open_doubtful(const struct desk *d, int c, int round, int area,
    int table, int stage);
int d_sheet_closed(const struct desk *d, int c, int round, int area,
    int table, int stage);
void d_commas(long long v, char *buf, size_t n);

int d_sv_stage1(struct desk *d, int c, struct d_err *e);
json_t *d_statement(struct desk *d, int c, long long n, int *entry);
/* F6 after issue (§2.4, §3.5): the states in which a figure of it is
 * corrected; how many versions are issued; the changes not yet issued
 * (NULL none) */
int d_f6_correctable(int state);
/* a figure of a verified box: 1 when entry n is one; its correction */
int d_fig_verified(struct desk *d, long long n);
int d_fig_correct(struct desk *d, struct d_req *rq, long long n,
    const char *rt, struct d_out *out, struct d_err *e);
int d_f6_versions(const struct desk *d, int c);
json_t *d_f6_pending(struct desk *d, int c);
json_t *d_f6_redecide(const struct desk *d, int c);
int d_decision_supersede(struct desk *d, const struct d_req *rq,
    long long n, const char *rt, struct d_vpoll **one,
    struct d_vpoll *save, struct d_err *e);
json_t *d_box_view(struct desk *d, int b, int poll);
/* I20's differences in contest c: per undecided box and figure whose
 * two current entries differ, {"box", "table", "figure" ("bpa" or
 * "count"), "attempt", "entries": [{"entry", "entry_no", "value",
 * "user"}]}, for the supervisor's queue (S-02). */
json_t *d_differences(const struct desk *d, int c);
/* The double entry of the BPA or count figure made by entry n: 0 none
 * such, withdrawn, agreed or its box decided; 1 awaiting its second
 * entry; 2 differing (I20). For S-21's back-fill backlog. */
int d_fig_pending(const struct desk *d, long long n);

/* stmtver.c: F11-F13 as the book holds them now, and as issued */
json_t *d_f11_figures(struct desk *d, int c, int round);
json_t *d_f12_figures(struct desk *d, int c, int stage);
json_t *d_f13_figures(struct desk *d, int c);
/* after each whole entry: issue or re-issue what its figures changed */
void d_stmts_update(struct desk *d, int entry);
int d_stmt_versions(const struct desk *d, int c, const char *form,
    int round, int stage);
json_t *d_stmt(const struct desk *d, int c, const char *form, int round,
    int stage, long long v, int *entry);
json_t *d_stmt_reissued(const struct desk *d, int c);

/* engine.c: libteller decides */
json_t *d_engine_result(struct desk *d, int c, int stage2, struct d_err *e);
json_t *d_heads(const struct d_contest *k);
json_t *d_rejected_list(const struct d_contest *k, const json_t *res);

/* act_result.c: the next provisional version, computed, not stored */
json_t *d_preview(struct desk *d, int c, struct d_err *e);
/* act_result.c: the version an RO correction after release makes */
int d_prov_correct(struct desk *d, const struct d_req *rq, struct d_out *out,
    struct d_err *e);

/* journal.c */
char *d_canon(const json_t *j);
void d_hash_hex(const char *prev_hex, long long seq, const char *payload,
    char out[65]);
int d_hex_ok(const char *s, size_t n);
json_t *d_header(const struct desk *d);
/* The journal (§10) to f, from one snapshot of the book; 0 or -1. */
int d_journal_write(struct desk *d, FILE *f);

/* ledger.c */
int d_commit(struct desk *d, const char *line, long long seq,
    long long entry, const char *action, const char *hash,
    const char *idem_user, const char *idem_key, const char *body_sha,
    const char *response);
json_t *d_event_line(struct desk *d, const struct d_req *rq,
    const struct d_out *out, const char *idem, json_t *states);
int d_seal(struct desk *d, json_t *ev, char **line, char hash[65]);
char *d_envelope(const json_t *ev, const json_t *answer);
int d_log_event(struct desk *d, const char *action, const char *user,
    const char *role, const char *ip, json_t *data);
/* I18: a clock.warning event when server time at is behind the last
 * event's; 0, or the failed commit's code. */
int d_clock_check(struct desk *d, const char *at);

/* Why a book is read-only (desk.read_only). */
enum { D_RO_FULL = 1, D_RO_BROKEN = 2 };

/* db.c */
int d_db_open(struct desk *d, const char *path, int create, int lock,
    char *err, size_t n);
/* restore's claim on a new book at path (§7): the file made here (empty,
 * 0600) and held under the advisory lock serve and import take, so a
 * serve, import or second restore on it refuses while this one writes.
 * The descriptor (keep it open until done; unlink the file before
 * closing it to give up), or -1 with err: in use, exists, or cannot. */
int d_db_claim(const char *path, char *err, size_t n);
int d_db_schema(struct desk *d);
int d_db_session_device(struct desk *d);
int d_db_keys(struct desk *d);
int d_db_meta_set(struct desk *d, const char *k, const char *v);
char *d_db_meta_get(struct desk *d, const char *k);
json_t *d_db_line(struct desk *d, const char *sql, long long n);
int d_load(struct desk *d, char *err, size_t n);

/* bundleix.c: the model's bundles indexed for a write's checks. Note a
 * bundle appended to d->bs (its fields set), and change its withdrawn
 * flag, through these; the queries answer -1 when the index cannot
 * (the caller scans), else 0 with: the live papers of (c, round, area
 * or -1 for all, stage); the first live bundle's index with that slip
 * in (c, round, area), -1 none. */
void d_bix_add(struct desk *d, const struct d_bundle *b);
void d_bix_withdraw(struct desk *d, struct d_bundle *b, int withdrawn);
void d_bix_free(struct desk *d);
int d_bix_papers(const struct desk *d, int c, int round, int area, int stage,
    long long *papers);
int d_bix_slip(const struct desk *d, int c, int round, int area,
    const char *slip, int *first);
/* A tally entry appended (d->tallies' last); the other current entry of
 * t's sheet, NULL none (-1: the caller scans). */
void d_bix_tally_add(struct desk *d);
int d_bix_tally_partner(const struct desk *d, const struct d_tally *t,
    const struct d_tally **partner);

/* sheetix.c: the sheet read's entries, kept by the readers' model */
int d_sheetix_open(struct desk *d);
void d_sheetix_free(struct desk *d);
void d_sheetix_note(struct desk *d, const json_t *ev);
char *d_sheetix_entries(const struct desk *d, int c, long long r,
    long long t, long long s);
void d_sheetix_settle(struct desk *d);
long long d_sheet_totals(const struct desk *d, int c, long long r,
    long long t, long long s, long long *v);
void d_close(struct desk *d);
int d_replay_line(struct desk *d, json_t *ev, int store, const char *raw,
    char *err, size_t n);

/* auth.c */
#include <pthread.h>
/* Where the hashing runs, so which lock it lets go of while it hashes:
 * none (a command), serve's book lock, observe's own mutex (own). */
enum d_auth_where { D_AUTH_COMMAND, D_AUTH_SERVE, D_AUTH_OBSERVE };
void d_auth_init(enum d_auth_where where, pthread_mutex_t *own);
int d_pw_hash(const char *pw, const char *role, char out[128]);
int d_pw_check(const char *hash, const char *pw);
void d_words(char *buf, size_t n);
void d_token_hash(const char *token, char out[65]);

/* server.c */
int d_serve(struct desk *d, const char *listen, int insecure);
void d_serve_host(const char *name);
void d_serve_observer(const char *listen);
int d_serve_tls(const char *cert, const char *key);
void d_serve_redirect(const char *listen);
int d_serve_ca(const char *pem_path);

/* pool.c: the book lock (one writer), the readers' model and the
 * read-only connections of the reads, the reads' session touches */
void d_book_lock(void);
void d_book_unlock(void);
struct desk *d_read_lock(void);
void d_read_unlock(void);
int d_pool_open(struct desk *w);
sqlite3 *d_pool_get(void);
void d_pool_put(sqlite3 *db);
void d_pool_close(void);
sqlite3 *d_open_ro(const char *path);
int d_model_follow(struct desk *m, sqlite3 *db);
void d_book_flags(struct desk *m);
void d_touch_later(const char *th, long long t);
long long d_touch_pending(const char *th);
void d_touch_flush(struct desk *d);

/* periodic.c: serve's periodic tasks. Fill name, period (seconds, asked
 * before each sleep), tick and arg; start runs tick at once and then
 * every period on a thread of its own; stop (a no-op when not running)
 * wakes it and joins it. The rest is the scaffold's. */
struct d_periodic {
	const char *name;	/* for "cannot start the NAME" */
	long (*period)(void);
	void (*tick)(void *arg);
	void *arg;
	pthread_t thread;
	pthread_mutex_t m;
	pthread_cond_t c;
	int running, stopping;
};
int d_periodic_start(struct d_periodic *t);
/* A period of one second, for a task that decides for itself when a
 * tick has work (backups, the automatic exports). */
long d_period_one_second(void);
void d_periodic_stop(struct d_periodic *t);
/* A periodic task's banner text ("" none) under its own mutex: set
 * returns 1 when the text changed; get 1 when there is one, copied to
 * out (may be NULL). */
struct d_note {
	pthread_mutex_t m;
	char text[400];
};
#define D_NOTE_INIT { PTHREAD_MUTEX_INITIALIZER, "" }
int d_note_set(struct d_note *n, const char *text);
/* "WHAT FAILED at TIME: why" set, or cleared when why is NULL. */
int d_note_failure(struct d_note *n, const char *what, const char *why);
int d_note_get(struct d_note *n, char *out, size_t size);
/* A period from the environment (tests): name's value when it is a
 * whole number of seconds from 1 to max, else def. */
long d_env_seconds(const char *name, long max, long def);

/* airgap.c: the air-gap check (§6.1), the plain HTTP warning (§6.4);
 * all but start and stop under serve's lock */
int d_airgap_start(struct desk *d, const char *staff, const char *observe,
    const char *redirect);
void d_airgap_stop(void);
void d_airgap_plain(struct desk *d, const char *staff, const char *observe);
const char *d_airgap_blocked(void);
/* The block as the book's events leave it (for the commands, without
 * serve): what was found, in what, or NULL when not blocked. */
const char *d_airgap_book_blocked(struct desk *d, char *what, size_t n);
const char *d_airgap_banner(int which);
int d_airgap_override(struct desk *d, const struct d_user *u, const char *ip,
    json_t *body, struct d_err *e);

/* tls.c: the local CA (§6.4) */
struct d_tls_info {
	int mode;		/* 0 plain HTTP, 1 local CA, 2 --tls-cert */
	char fpr[96];		/* the CA's SHA-256 (1), the server's (2) */
	const char *listen, *observe, *redirect;
};
enum { D_TLS_CA, D_TLS_CA_KEY, D_TLS_CERT, D_TLS_KEY };
const struct d_tls_info *d_tls_info(void);
void d_tls_set(int mode, const char *fpr);
void d_tls_listeners(const char *listen, const char *observe,
    const char *redirect);
int d_tls_path(char *out, size_t n, const char *db, int which);
int d_tls_san_ok(const char *s);
int d_tls_fingerprint(const char *pem, char out[96]);
int d_tls_names(const char *pem, void (*add)(const char *));
unsigned char *d_tls_der(const char *pem, size_t *n);
int d_tls_pair_ok(const char *cert, const char *key, char *err, size_t n);
int d_tls_init(const char *db, const char *const *sans, int nsans,
    char fpr[96], char *err, size_t n);
void d_tls_unlink(const char *db);
/* tls DB renew: a new server key and certificate signed by the local
 * CA beside db (the CA and its fingerprint kept), for sans or else the
 * old certificate's names, valid days; 0, or -1 with err. */
struct d_tls_renewed {
	char ca_fpr[96], fpr[96];
	long long not_after;	/* seconds since the epoch */
	char names[34][256];
	int nnames;
};
int d_tls_renew(const char *db, const char *const *sans, int nsans,
    long days, struct d_tls_renewed *out, char *err, size_t n);
/* serve: a warning (stderr, banner) when the certificate expires within
 * 30 days of now; 1 if so. The certificate's end is kept for the watch:
 * d_tls_watch_start checks it again every hour (TELLER_DESK_TLS_CHECK_S
 * for tests) while serving. d_tls_banner: 1 and the banner in out (may
 * be NULL), or 0. */
int d_tls_expiry_check(const char *cert_path, long long now);
int d_tls_watch_start(void);
void d_tls_watch_stop(void);
int d_tls_banner(char *out, size_t n);
/* backup.c: backups of the book and its local CA (§4.2, §6.6) */
struct d_backup {
	char path[4200];	/* DIR/count-SEQ.db */
	long long seq;		/* its last event */
	char hash[65];		/* ... and that event's hash */
};
/* A backup's check before it takes its name: 0 with its last event's
 * seq and hash, or -1 with err. */
typedef int (*d_backup_check)(const char *part, long long *seq,
    char hash[65], char *err, size_t n);
/* Copy from's main database to file to with SQLite's online backup: in
 * serve (in_serve 1: from is serve's writer connection) a slice of pages
 * at a time under d_book_lock; elsewhere (0) in one step, one
 * snapshot. */
int d_backup_copy(sqlite3 *from, int in_serve, const char *to);
/* A backup of book db (open as from) in dir: written as
 * count-SEQ0.db.partial, checked by chk, named after its last seq, the
 * local CA's files of db beside it. 0, or -1 with err (nothing left). */
int d_backup_make(sqlite3 *from, int in_serve, const char *db,
    const char *dir, long long seq0, d_backup_check chk,
    struct d_backup *out, char *err, size_t n);
/* restore: the backup's CA files beside db (write), or only whether
 * they may go there (not write: none there differs). 0 or -1, err. */
int d_backup_restore_ca(const char *backup, const char *db, int write,
    char *err, size_t n);
/* f21.c: the F21 audit export as a tarball (§6.6) and its check. op
 * opens and checks a book as verify does (0, or an exit code said on
 * stderr; d closed unless 0). */
typedef int (*d_f21_open)(struct desk *d, const char *db);
struct d_f21 {
	long long seq;		/* the export's chain head */
	char hash[65];
	size_t members;
};
/* Export book from (a snapshot by online backup) to the tarball out,
 * written as out.partial and renamed. 0, or an exit code, why in err. */
int d_f21_make(sqlite3 *from, const char *out, d_f21_open op,
    struct d_f21 *res, char *err, size_t n);
/* Check the tarball file: the manifest, then count.db's chain and rules
 * (op), then every other member made again from count.db. 0 (the
 * book's verify.txt in *text, malloc'ed; count.db left in dir for
 * restore: d_f21_scratch_remove), 1 unreadable, 3 system, 5 refused;
 * why in err. */
int d_f21_check(const char *file, d_f21_open op, char dir[4096],
    char **text, char *err, size_t en);
void d_f21_scratch_remove(const char *dir);
int d_f21_is_tar(const char *path);
/* The file at path, malloc'ed (one byte more than *len), or NULL. */
unsigned char *d_slurp_path(const char *path, size_t *len);
/* serve --export-dir DIR; POST exports (ro, manager, admin) */
void d_f21_dir(const char *dir);
const char *d_f21_dir_get(void);
int d_f21_post(struct desk *d, const struct d_user *u, const char *ip,
    const json_t *body, json_t **answer, struct d_err *e);
/* The book copied (under serve's lock) into a new scratch dir, as
 * dir/count.db (d_f21_scratch_remove after); 0, or -1 with why in err.
 * spawn: `teller-desk export SNAP --tar OUT` as a child; 0 when made. */
int d_f21_snap(struct desk *d, char dir[4096], char *err, size_t n);
int d_f21_spawn(const char *snap, const char *out);
/* The tarball file's members as its manifest lists them, [{name,
 * sha256}] with manifest.sha256's own last; NULL when unreadable. */
json_t *d_f21_members(const char *file);
/* The PDF step's failures the tarball file's pdf.txt records, as
 * strings; NULL when it has none (or no pdf.txt). */
json_t *d_f21_pdf_failed(const char *file);
/* pdf.c: F21's documents printed to PDF by a headless browser (serve
 * and export --pdf-browser PATH; NULL, the default: no PDFs). begin
 * makes dir/pdf (print.css in it), end removes it; print gives the PDF
 * of one page (malloc'ed, *out bytes), its dates set to t, or NULL with
 * why. */
void d_pdf_browser(const char *path);
const char *d_pdf_browser_get(void);
int d_pdf_begin(const char *dir);
void d_pdf_end(const char *dir);
unsigned char *d_pdf_print(const char *dir, const char *html, size_t len,
    long long t, size_t *out, char *why, size_t n);
/* f21auto.c: serve's own F21 exports at VERIFIED, DECLARED, CLOSED
 * (with --export-dir). start before the requests, stop after them;
 * after_write with the book lock held, after each writer's request;
 * ok when an export was made on demand (the alarm goes); alarm: the
 * banner's text, 1 when there is one. */
int d_f21_auto_start(struct desk *d);
void d_f21_auto_stop(void);
void d_f21_after_write(struct desk *d);
void d_f21_auto_ok(void);
int d_f21_auto_alarm(char *out, size_t n);

/* argv run as this very program (/proc/self/exe), its stdout to
 * /dev/null, no signal blocked; its exit status, or -1 (not run, or
 * ended by a signal). */
int d_spawn_self(char *const argv[]);
/* serve's start-up check (§4.2): the seq of the last backup's checkpoint
 * (the last backup.made's seq and hash), when the event of that seq,
 * before the backup.made, still has that hash; else 0 (walk it all). */
long long d_backup_checkpoint(sqlite3 *db);
/* serve --backup-dir DIR (d_backup_dir): the thread of serve's backups
 * (none without it); the alarm of the last failure (0 none). */
int d_backup_start(struct desk *d);
void d_backup_stop(void);
int d_backup_alarm(char *out, size_t n);
void d_backup_dir(const char *dir);
/* serve --backup-keep N: keep the newest N of serve's own backups and
 * every contest transition's, delete the rest (0: delete none). */
#define D_BACKUP_KEEP 48
void d_backup_keep(long n);

/* diskfree.c: free disk and the ballast (§4.2) */
long long d_disk_floor(long long book_bytes);
int d_disk_free(const char *db, long long *avail, long long *size);
long long d_disk_ballast(const char *db);	/* its size, -1 none */
int d_disk_ballast_make(const char *db);
int d_disk_ballast_delete(struct desk *d, const struct d_user *u,
    const char *ip, json_t *body, struct d_err *e);
int d_disk_start(struct desk *d);
void d_disk_stop(void);
int d_disk_warning(char *out, size_t n);

/* accounts.c: account and device changes (§6.2, §9.4's events), one
 * function each for the API, S-24 and the commands; by NULL is the
 * command line. 0 with *answer ({"event", "password"?|"token"?}), or -1
 * with e. */
typedef int (*d_acct_fn)(struct desk *d, const struct d_user *by,
    const char *ip, const json_t *body, json_t **answer, struct d_err *e);
int d_acct_user_add(struct desk *, const struct d_user *, const char *,
    const json_t *, json_t **, struct d_err *);
int d_acct_user_disable(struct desk *, const struct d_user *, const char *,
    const json_t *, json_t **, struct d_err *);
int d_acct_user_password(struct desk *, const struct d_user *,
    const char *, const json_t *, json_t **, struct d_err *);
int d_acct_device_add(struct desk *, const struct d_user *, const char *,
    const json_t *, json_t **, struct d_err *);
int d_acct_device_revoke(struct desk *, const struct d_user *,
    const char *, const json_t *, json_t **, struct d_err *);
int d_acct_model_add(struct desk *d, const json_t *data);
/* main.c: run fn for the command line (by NULL); its secret printed,
 * its refusal on stderr; the exit code. */
int d_acct_command(struct desk *d, d_acct_fn fn, json_t *body);
int d_acct_replay(struct desk *d, const json_t *ev, int store, char *err,
    size_t n);
/* The API's account paths (users, users/U/disable, users/U/password,
 * devices, devices/NAME/revoke): the change, with the path's name put
 * in a copy of body (*body_out, the caller's to free); NULL when path
 * is none of them. */
d_acct_fn d_acct_route(const char *path, const json_t *body,
    json_t **body_out);
/* The API's Idempotency-Key (§9.1, I21) for the change about to run on
 * this thread, its body's hash sha (all NULL: none; api.c clears it
 * after): its row, the answer kept without the secret ({"event"}: a
 * password or token is shown once, J5), is written in the change's own
 * transaction, with its event. */
void d_acct_idem(const char *user, const char *key, const char *sha);

/* device.c: `teller-desk device` (argv after DB) */
int d_cmd_device(struct desk *d, int argc, char **argv);

/* api.c */
struct d_http {
	const char *method, *url, *auth, *ctype, *idem, *ip;
	const char *q_box, *q_stage;	/* query parameters */
	const char *q_round, *q_version, *q_table;
	const char *body;
	size_t blen;
	int status;
	char *resp;		/* malloc'ed JSON */
	const char *ctype_out;
	int replayed, nocache;
	long long retry_after;
	/* the browser side (html.c, session.c) */
	const char *cookie, *origin, *referer, *fetch_site, *host;
	const char *(*query)(void *cls, const char *key);
	void *qcls;
	char *location;		/* malloc'ed: a redirect's target */
	char *set_cookie;	/* malloc'ed */
	const char *csrf;	/* X-CSRF-Token (cookie writes to /api/v1/) */
	int observer;		/* on the observer listener: reads only */
	int head;		/* a HEAD, served as its GET (method "GET"):
				 * libmicrohttpd leaves the body out */
};
void d_api(struct desk *d, struct d_http *h);
/* Must user change their password before anything else? */
int d_must_change(struct desk *d, const char *user);
struct d_user *d_session_user(struct desk *d, const char *auth,
    char th[65], long long *reauth);

/* api.c, for the read model: render as u (its token tok); u's object */
void d_api_render_as(struct d_user *u, const char *tok);
void d_api_render_docs_as(struct d_user *u, const char *tok);
json_t *d_api_user_obj(struct desk *d, const struct d_user *u);

/* readmodel.c: serve --read-model DIR (§6.1), published by a thread
 * that takes the book's lock; observe.c: `teller-desk observe` */
int d_rm_start(struct desk *d, const char *dir);
void d_rm_stop(void);
void d_rm_dir(const char *dir);
void d_rm_key(char *out, size_t n, const char *path,
    const char *(*get)(void *, const char *), void *cls);
const char *d_rm_dir_get(void);
int d_observe(int argc, char **argv);

/* html.c: the screens (§5), for every path outside /api/ */
void d_html(struct desk *d, struct d_http *h);

#endif
