/* SPDX-License-Identifier: MIT */
/* actions.c -- the table of actions (§9.4): name, route, who, and the
 * function that checks and applies it; d_exec runs one, the same way for
 * a live request and for a replayed journal line. */
#include "desk.h"

#include <stdlib.h>
#include <string.h>

static const char *const as_round[] = { "round", NULL };
static const char *const as_entry[] = { "entry", NULL };
static const char *const as_entry_no[] = { "entry_no", NULL };
static const char *const as_version[] = { "version", NULL };
static const char *const as_prov[] = { "version", "provisional", NULL };
static const char *const as_old[] = { "old", NULL };

#define W " ro dro mgr "
static const struct d_action actions[] = {
	{ "plan.approve", "POST", "plan/approve", 0, " ro ", NULL,
	    a_plan_approve, NULL },
	{ "poll.close", "POST", "poll/close", 0, " ro mgr ", NULL,
	    a_poll_close, NULL },
	{ "assignment.record", "POST", "assignments", 0, " ro mgr ", NULL,
	    a_assignment, NULL },
	{ "delegation.record", "POST", "delegations", 0, " ro ", NULL,
	    a_delegation, NULL },
	{ "agent.appoint", "POST", "agents", 0, " ro mgr ", NULL, a_agent,
	    NULL },
	{ "receipt.record", "POST", "receipts", 0, " rcpt mgr dro ro ", NULL,
	    a_receipt, NULL },
	{ "box.open", "POST", "boxes/open", 0, " sup mgr dro ro ", NULL,
	    a_box_open, NULL },
	{ "box.escalate", "POST", "boxes/escalate", 0, " rcpt mgr dro ro ",
	    NULL, a_escalate, NULL },
	{ "announcement.make", "POST", "announcements", 0, " mgr ro ", NULL,
	    a_announce, NULL },
	{ "config.change", "POST", "config", 0, " ro mgr ", NULL, a_config,
	    as_old },
	{ "suspension.suspend", "POST", "suspend", 0, W, NULL, a_suspend,
	    NULL },
	{ "suspension.resume", "POST", "resume", 0, W, NULL, a_resume, NULL },
	{ "entry.withdraw", "POST", "entries/#/withdrawal", 0,
	    " ro dro mgr sup clerk rcpt ", NULL, a_withdraw, as_entry },
	{ "entry.correct", "POST", "entries/#/correction", 0,
	    " ro dro mgr sup clerk rcpt ", NULL, a_entry_correct, NULL },
	{ "bpa.enter", "POST", "bpa", 1, " clerk sup ", NULL, a_bpa,
	    as_entry_no },
	{ "count.enter", "POST", "counts", 1, " clerk sup ", NULL, a_count,
	    as_entry_no },
	{ "transfer.record", "POST", "transfers", 1, " clerk sup ", NULL,
	    a_transfer, NULL },
	{ "check.record", "POST", "checks", 1, " sup mgr dro ro ", NULL,
	    a_check, NULL },
	{ "box.decide", "POST", "decisions", 1, " sup mgr dro ro ", NULL,
	    a_decide, NULL },
	{ "verification.issue", "POST", "verification", 1, " ro dro ",
	    "verify_approve", a_vissue, as_version },
	{ "mixing.record", "POST", "mixing", 1, " sup mgr dro ro ", NULL,
	    a_mixing, NULL },
	{ "round.start", "POST", "rounds", 1, W, NULL, a_round, as_round },
	{ "bundle.add", "POST", "bundles", 1, " clerk sup mgr ", NULL,
	    a_bundle, NULL },
	{ "tally.enter", "POST", "tallies", 1, " clerk sup ", NULL, a_tally,
	    as_entry_no },
	{ "doubtful.raise", "POST", "doubtful", 1,
	    " clerk sup mgr dro ro ", NULL, a_doubtful, NULL },
	{ "adjudication.decide", "POST", "adjudications", 1, " ro dro ",
	    "adjudicate", a_adjudicate, NULL },
	{ "objection.record", "POST", "objections", 1, " ro dro mgr ",
	    "adjudicate", a_objection, NULL },
	{ "sheet.close", "POST", "sheets/close", 1, " sup mgr ", NULL,
	    a_sheet_close, NULL },
	{ "stage.close", "POST", "rounds/#/close", 1, W, NULL, a_stage_close,
	    as_round },
	{ "stage2.start", "POST", "stage2", 1, " ro dro ",
	    "provisional_release", a_stage2, NULL },
	{ "provisional.release", "POST", "provisional", 1, " ro dro ",
	    "provisional_release", a_provisional, as_prov },
	{ "recount.request", "POST", "recount-requests", 1, W, NULL,
	    a_rc_request, NULL },
	{ "recount.decide", "POST", "recount-decisions", 1, " ro dro ",
	    "recount_decide", a_rc_decide, as_round },
	{ "carry.drop", "POST", "carry-drops", 1, " sup mgr ", NULL,
	    a_carry_drop, NULL },
	{ "lot.record", "POST", "lots", 1, " ro dro ", "lot", a_lot, NULL },
	{ "declaration.ready", "POST", "ready", 1, " ro dro ", "declare",
	    a_ready, NULL },
	{ "declaration.make", "POST", "declaration", 1, " ro dro ",
	    "declare", a_declare, NULL },
	{ "declaration.correct", "POST", "declaration/corrections", 1,
	    " ro ", NULL, a_correct, NULL },
	{ "court_order.record", "POST", "court-orders", 1, " ro ", NULL,
	    a_court, NULL },
	{ "contest.close", "POST", "close", 1, " ro ", NULL, a_close, NULL },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL }
};

const struct d_action *
d_action_find(const char *name)
{
	for (int i = 0; actions[i].name; i++)
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	return NULL;
}

/* Match path against a pattern where "#" stands for a number. */
static int
match(const char *pat, const char *path, int *sub)
{
	while (*pat && *path) {
		if (*pat == '#') {
			char *end;
			long v = strtol(path, &end, 10);

			if (end == path || v < 0 || v > 1000000)
				return 0;
			*sub = (int)v;
			path = end;
			pat++;
			continue;
		}
		if (*pat++ != *path++)
			return 0;
	}
	return !*pat && !*path;
}

const struct d_action *
d_action_route(const char *method, const char *path, int percontest,
    int *sub)
{
	for (int i = 0; actions[i].name; i++)
		if (actions[i].per_contest == percontest &&
		    strcmp(actions[i].method, method) == 0 &&
		    match(actions[i].path, path, sub))
			return &actions[i];
	return NULL;
}

static const char *
role_key(const char *role)
{
	if (strcmp(role, "manager") == 0)
		return "mgr";
	if (strcmp(role, "supervisor") == 0)
		return "sup";
	if (strcmp(role, "receipt") == 0)
		return "rcpt";
	return role;
}

static int
role_in(const char *roles, const char *role)
{
	char k[24];

	snprintf(k, sizeof k, " %s ", role_key(role));
	return strstr(roles, k) != NULL;
}

/* Who may (§3.2): the role, then a DRO's delegation. A clerk or
 * supervisor's tables are checked by the action, with the body; a
 * clerk supervising some table (§8 per-table role) passes here for the
 * supervisor's actions, and d_sup_refused holds it to that table. */
int
d_allowed(struct desk *d, const struct d_action *a, struct d_req *rq,
    struct d_err *e)
{
	const char *role = rq->user->role;
	int sup_clerk = strcmp(role, "clerk") == 0 &&
	    role_in(a->roles, "supervisor") && d_sup_anywhere(rq->user);

	/* the RO's correction of a released round's bundle (§3.5) */
	if (rq->after_release && strcmp(role, "ro") == 0)
		return 0;
	if (!role_in(a->roles, role) && !sup_clerk)
		return d_forbid(e, "role", "§3.2: a %s may not %s", role,
		    a->name);
	if (a->power && strcmp(role, "dro") == 0 &&
	    !d_has_power(d, rq->user, rq->contest, a->power))
		return d_forbid(e, "delegation", "§3.2: no delegation of"
		    " %s for this contest", a->power);
	return 0;
}

void
d_out_clear(struct d_out *o)
{
	json_decref(o->data);
	json_decref(o->answer);
	json_decref(o->warnings);
	memset(o, 0, sizeof *o);
}

/* SV: stage 1 closed but not reconciled (RECONCILING); the entry that
 * makes I10 hold moves on to STAGE1_DONE (§9.4 stage.close). */
static int
advance(struct desk *d, int c, struct d_err *e)
{
	struct d_contest *k = &d->cs[c];
	char why[200];

	if (k->state != S_RECONCILING || strcmp(k->kind, "sv") != 0 ||
	    !k->stage_closed[1] || !d_reconciled(d, c, why, sizeof why) ||
	    d_open_doubtful(d, c, k->round, -1, -1, 1))
		return 0;
	if (d_sv_stage1(d, c, e))
		return -1;
	k->state = S_STAGE1_DONE;
	return 0;
}

/* Run one action: who, then the action's own checks and change. */
static int
exec_one(struct desk *d, struct d_req *rq, struct d_out *out,
    struct d_err *e)
{
	const struct d_action *a = d_action_find(rq->action);

	memset(out, 0, sizeof *out);
	if (!a)
		return d_fail(e, 404, "not_found", NULL, "no such action");
	if (a->per_contest && rq->contest < 0)
		return d_fail(e, 404, "not_found", NULL, "no such contest");
	if (d_allowed(d, a, rq, e))
		return -1;
	if (a->per_contest && d->cs[rq->contest].suspended &&
	    strcmp(a->name, "suspension.resume") != 0)
		return d_fail(e, 423, "suspended", "§2.14",
		    "the count of %s is suspended", d->cs[rq->contest].id);
	if (a->per_contest) {
		out->contests[0] = rq->contest;
		out->ncontests = 1;
	}
	if (a->fn(d, rq, out, e)) {
		d_out_clear(out);
		return -1;
	}
	if (a->per_contest && advance(d, rq->contest, e)) {
		d_out_clear(out);
		return -1;
	}
	if (!out->data)
		out->data = json_deep_copy(rq->body);
	return 0;
}

int
d_exec(struct desk *d, struct d_req *rq, struct d_out *out, struct d_err *e)
{
	int rc;

	d->depth++;
	rc = exec_one(d, rq, out, e);
	/* the entry whole (a correction's own run of the corrected
	 * action is not yet): the statements its figures changed are
	 * re-issued (§3.5) */
	if (--d->depth == 0 && rc == 0)
		d_stmts_update(d, (int)rq->entry);
	return rc;
}

/* Each concerned contest's state after the entry (§9.1). */
json_t *
d_states(struct desk *d, const struct d_out *out)
{
	json_t *s = json_object();

	for (int i = 0; i < out->ncontests; i++) {
		const struct d_contest *c = &d->cs[out->contests[i]];

		json_object_set_new(s, c->id,
		    json_string(d_state_name(c->state)));
	}
	return s;
}
