/* SPDX-License-Identifier: MIT */
/* html_queues.c -- the work lists on three screens (§5): S-02's tally
 * sheets whose two blind entries differ (I20), S-10's "my last 20
 * entries" and S-13's queue of doubtful papers with the adjudication
 * keys of the one script (d_html_js_keys); S-02's prompt to re-issue F6
 * (§2.4). Each only shows: the
 * actions stay html.c's forms on the API's one code path. */
#include "html.h"
#include "html_forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#define MY_ENTRIES 20

/* One entry of a differing sheet: number, papers, votes by position
 * (the positions with none left out), author. */
static void
tally_row(struct ctx *x, struct sb *b, const struct d_tally *t)
{
	const struct d_contest *k = &x->d->cs[t->contest];
	int n = 0;

	put(b, "<tr><td>");
	esc(b, k->id);
	put(b, "</td><th scope=\"row\">");
	esc(b, t->sheet);
	putf(b, "</th><td class=\"n\">%d</td><td class=\"n\">#%d (%d of 2)"
	    "</td><td class=\"n\">%lld</td><td>", t->table, t->entry,
	    t->entry_no, t->papers);
	for (int p = 0; p < k->ncands && p < D_MAXC; p++)
		if (t->votes[p])
			putf(b, "%s%d: %lld", n++ ? ", " : "", p + 1,
			    t->votes[p]);
	put(b, "</td><td>");
	esc(b, t->user);
	put(b, "</td></tr>");
}

/* Is sheet entry t one of a differing pair that x's user resolves (a
 * supervisor: only at the tables it supervises)? Each pair once, by its
 * first entry; *o its other entry. */
static int
tally_differs(struct ctx *x, const struct d_tally *t,
    const struct d_tally **o)
{
	if (t->withdrawn || t->round != x->d->cs[t->contest].round ||
	    !(*o = d_tally_partner(x->d, t)) || (*o)->entry < t->entry ||
	    d_tally_agreed(x->d, t))
		return 0;
	return strcmp(x->u->role, "supervisor") != 0 ||
	    d_user_table_role(x->u, t->table, "supervisor");
}

int
d_html_tally_diffs(struct ctx *x, struct sb *b)
{
	const struct d_tally *o;
	int n = 0;

	for (int i = 0; i < x->d->ntallies; i++) {
		const struct d_tally *t = &x->d->tallies[i];

		if (!tally_differs(x, t, &o))
			continue;
		if (!n++)
			put(b, "<table id=\"tally-diffs\"><caption>Tally sheets"
			    " whose two entries differ</caption><thead><tr><th"
			    " scope=\"col\">Contest</th><th scope=\"col\">"
			    "Sheet</th><th scope=\"col\">Table</th><th scope="
			    "\"col\">Entry</th><th scope=\"col\">Papers</th>"
			    "<th scope=\"col\">Votes by position</th><th"
			    " scope=\"col\">Entered by</th></tr></thead>"
			    "<tbody>");
		tally_row(x, b, t);
		tally_row(x, b, o);
	}
	if (n)
		put(b, "</tbody></table>");
	return n;
}

/* The journal line of the entry superseding entry n (a withdrawal or
 * a correction, §3.5), parsed, or NULL. Read from the book, as S-10
 * shows it only for the user's own entries. */
static json_t *
superseding_line(struct desk *d, long long n)
{
	return d_db_line(d, d->keyed ? "SELECT line FROM event WHERE seq ="
	    " (SELECT min(seq) FROM event_key WHERE supersedes = ?)" :
	    "SELECT line FROM event WHERE line ->> 'supersedes' = ? ORDER BY"
	    " seq LIMIT 1", n);
}

int
d_html_superseding(struct desk *d, long long n)
{
	json_t *s = superseding_line(d, n);
	int r = s != NULL;

	json_decref(s);
	return r;
}

/* Why entry n is no longer current: "Withdrawn" or "Corrected" by the
 * superseding entry (who, when), with its reason code and text. */
void
d_html_superseded_why(struct ctx *x, struct sb *b, long long n)
{
	json_t *s = superseding_line(x->d, n);
	const char *act = json_string_value(json_object_get(s, "action"));
	const char *rc = json_string_value(json_object_get(s, "reason_code"));
	const char *rt = json_string_value(json_object_get(s, "reason_text"));

	put(b, act && strcmp(act, "entry.withdraw") == 0 ? "Withdrawn" :
	    "Corrected");
	if (s) {
		putf(b, " by #%lld (", (long long)json_integer_value(
		    json_object_get(s, "entry")));
		escj(b, json_object_get(s, "user"));
		put(b, ", ");
		escj(b, json_object_get(s, "at"));
		put(b, ")");
	}
	if (rc) {
		put(b, ": ");
		esc(b, rc);
	}
	if (rt && *rt) {
		put(b, " \xe2\x80\x94 ");
		esc(b, rt);
	}
	json_decref(s);
}

static void
my_bundle_row(struct ctx *x, struct sb *b, const struct d_bundle *bd)
{
	const struct d_contest *k = &x->d->cs[bd->contest];
	const struct d_cand *c = bd->cand >= 1 && bd->cand <= k->ncands ?
	    &k->cands[bd->cand - 1] : NULL;
	const char *del = bd->withdrawn ? "<del>" : "";

	putf(b, "<tr><th scope=\"row\">%s#%d%s</th><td>%s", del, bd->entry,
	    bd->withdrawn ? "</del>" : "", del);
	esc(b, bd->slip ? bd->slip : "");
	putf(b, "%s</td><td>%s%d ", bd->withdrawn ? "</del>" : "", del,
	    bd->cand);
	if (c) {
		esc(b, c->forenames);
		put(b, " ");
		esc(b, c->surname);
	}
	putf(b, "%s</td><td class=\"n\">%s%lld%s</td><td>",
	    bd->withdrawn ? "</del>" : "", del, bd->papers, bd->withdrawn ?
	    "</del>" : "");
	if (bd->withdrawn)
		d_html_superseded_why(x, b, bd->entry);
	else
		put(b, "Current");
	put(b, "</td></tr>");
}

/* Is bd a stage-1 candidate bundle x's user entered in x's contest? */
static int
my_bundle(const struct ctx *x, const struct d_bundle *bd)
{
	return bd->kind == 'c' && !bd->carried && bd->contest == x->c &&
	    bd->stage == 1 && bd->user &&
	    strcmp(bd->user, x->u->username) == 0;
}

long long
d_html_my_last(struct ctx *x)
{
	for (int i = x->d->nbs - 1; i >= 0; i--)
		if (my_bundle(x, &x->d->bs[i]) && !x->d->bs[i].withdrawn)
			return x->d->bs[i].entry;
	return 0;
}

void
d_html_my_bundles(struct ctx *x, struct sb *b)
{
	int n = 0;

	put(b, "<h2 id=\"mine-h\">My last 20 entries</h2>");
	for (int i = x->d->nbs - 1; i >= 0 && n < MY_ENTRIES; i--) {
		const struct d_bundle *bd = &x->d->bs[i];

		if (!my_bundle(x, bd))
			continue;
		if (!n++)
			put(b, "<table id=\"mine\" aria-labelledby=\"mine-h\">"
			    "<thead><tr><th scope=\"col\">Entry</th><th scope="
			    "\"col\">Slip</th><th scope=\"col\">Candidate</th>"
			    "<th scope=\"col\">Papers</th><th scope=\"col\">"
			    "Status</th></tr></thead><tbody>");
		my_bundle_row(x, b, bd);
	}
	put(b, n ? "</tbody></table><p>Newest first; a superseded entry is"
	    " struck through, with why.</p>" : "<p>No bundles entered by you"
	    " in this contest yet.</p>");
}

/* S-13's heads by key letter (R then the letter; §2.8's codes). */
static const char *const head_keys[][3] = {
	{ "M", "no_official_mark", "want of official mark" },
	{ "T", "too_many", "votes for too many candidates" },
	{ "I", "identifying_mark", "mark identifying the voter" },
	{ "U", "unmarked", "unmarked" },
	{ "V", "uncertain", "void for uncertainty" },
};
#define NHEAD_KEYS (sizeof head_keys / sizeof *head_keys)

/* Cells of o's members, in order; a name starting '#' a number. */
static void
cells(struct sb *b, const json_t *o, const char *const *names)
{
	for (; *names; names++) {
		put(b, **names == '#' ? "<td class=\"n\">" : "<td>");
		escj(b, json_object_get(o, *names + (**names == '#')));
		put(b, "</td>");
	}
}

static void
queue_row(struct sb *b, const json_t *it, int *first)
{
	static const char *const names[] = { "#table", "#papers",
		"description", "by", NULL };
	long long n = json_integer_value(json_object_get(it, "doubtful"));

	putf(b, "<tr><th scope=\"row\"><a class=\"dq\" href=\"#f-adjudicate\""
	    " data-doubtful=\"%lld\"%s>Doubtful #%lld</a></th>", n, *first &&
	    d_html_autofocus() ? " autofocus" : "", n);
	*first = 0;
	cells(b, it, names);
	put(b, "</tr>");
}

/* The head letters, as data for the script and as text on the page. */
static void
queue_heads(struct sb *b, int text)
{
	for (size_t i = 0; i < NHEAD_KEYS; i++)
		if (text)
			putf(b, "%s<kbd>%s</kbd> %s", i ? ", " : "",
			    head_keys[i][0], head_keys[i][2]);
		else
			putf(b, "%s%s:%s", i ? " " : "", head_keys[i][0],
			    head_keys[i][1]);
}

void
d_html_adj_queue(struct ctx *x, struct sb *b)
{
	const struct d_contest *k = &x->d->cs[x->c];
	json_t *lg = get(x, "contests/%s/adjudications", k->id);
	const json_t *it;
	size_t i;
	int n = 0, first = 1;

	put(b, "<h2 id=\"dq-h\">Doubtful papers to decide</h2>");
	json_array_foreach(json_object_get(lg, "adjudications"), i, it) {
		if (!json_is_null(json_object_get(it, "decision")) ||
		    json_is_true(json_object_get(it, "withdrawn")))
			continue;
		if (!n++) {
			putf(b, "<table id=\"dq\" aria-labelledby=\"dq-h\""
			    " data-block=\"%d\" data-heads=\"",
			    strcmp(k->kind, "block") == 0);
			queue_heads(b, 0);
			put(b, "\"><thead><tr><th scope=\"col\">Paper</th><th"
			    " scope=\"col\">Table</th><th scope=\"col\">Papers"
			    "</th><th scope=\"col\">Description</th><th scope="
			    "\"col\">Raised by</th></tr></thead><tbody>");
		}
		queue_row(b, it, &first);
	}
	json_decref(lg);
	if (!n) {
		put(b, "<p>No doubtful paper waits for a decision.</p>");
		return;
	}
	put(b, "</tbody></table><p>On a paper of the queue: positions"
	    " allow, <kbd>R</kbd> then a head letter rejects (");
	queue_heads(b, 1);
	put(b, "), <kbd>P</kbd> then positions rejects in part,"
	    " <kbd>O</kbd> an objection, <kbd>Esc</kbd> defers,"
	    " <kbd>Enter</kbd> records the decision by the form below.</p>"
	    "<p id=\"dq-say\" role=\"status\" aria-live=\"polite\"></p>");
}

/* The decision's objection (§2.7: "rejection objected to"): the box
 * and the objecting agent from the contest's register. */
void
d_html_adj_objection(struct ctx *x, struct sb *b)
{
	const json_t *a;
	size_t i;

	put(b, "<label for=\"adjudicate-objected\">Rejection objected to"
	    "</label><input id=\"adjudicate-objected\" name=\"objected\""
	    " type=\"checkbox\" value=\"1\"><label for=\"adjudicate-"
	    "objected_by\">Objecting agent</label><select id=\"adjudicate-"
	    "objected_by\" name=\"objected_by\"><option value=\"\">none"
	    "</option>");
	json_array_foreach(x->d->agents, i, a) {
		const char *c = json_string_value(json_object_get(a,
		    "contest"));

		if (!c || strcmp(c, x->d->cs[x->c].id) != 0)
			continue;
		put(b, "<option value=\"");
		escj(b, json_object_get(a, "id"));
		put(b, "\">");
		escj(b, json_object_get(a, "id"));
		put(b, " \xe2\x80\x94 ");
		escj(b, json_object_get(a, "name"));
		put(b, "</option>");
	}
	put(b, "</select>");
}

/* S-13's keys, served after html.c's script: they act only on a link
 * of the queue (a.dq), never in a field, and only fill the form
 * below, which Enter then sends as a person would. */
const char d_html_js_keys[] =
"(function () {\n"
"  'use strict';\n"
"  var q = document.getElementById('dq');\n"
"  var f = document.getElementById('f-adjudicate');\n"
"  var heads = {}, mode = '', pos = [], cur = null, armed = 0;\n"
"  if (!q || !f) return;\n"
"  var block = q.getAttribute('data-block') === '1';\n"
"  q.getAttribute('data-heads').split(' ').forEach(function (h) {\n"
"    heads[h.charAt(0)] = h.slice(2);\n"
"  });\n"
"  function el(n) { return document.getElementById('adjudicate-' + n); }\n"
"  function say(t) {\n"
"    document.getElementById('dq-say').textContent = 'Doubtful #' +\n"
"      el('doubtful').value + ': ' + t;\n"
"  }\n"
"  function set(dec, head) {\n"
"    el('decision').value = dec;\n"
"    el('positions').value = pos.join(' ');\n"
"    el('head').value = head;\n"
"    armed = 1;\n"
"  }\n"
"  function paper(a) {\n"
"    if (cur === a) return;\n"
"    cur = a;\n"
"    mode = '';\n"
"    pos = [];\n"
"    armed = 0;\n"
"    f.reset();\n"
"    el('doubtful').value = a.getAttribute('data-doubtful');\n"
"  }\n"
"  function object() {\n"
"    var o = el('objected'), by = el('objected_by');\n"
"    o.checked = !o.checked;\n"
"    if (o.checked && !by.value && by.options.length > 1)\n"
"      by.selectedIndex = 1;\n"
"    say(o.checked ? 'objection by ' + by.value : 'no objection');\n"
"  }\n"
"  function defer(a) {\n"
"    var all = Array.prototype.slice.call(document.querySelectorAll(\n"
"      'a.dq')), n = all[(all.indexOf(a) + 1) % all.length];\n"
"    say('deferred');\n"
"    cur = null;\n"
"    f.reset();\n"
"    n.focus();\n"
"  }\n"
"  function key(a, k) {\n"
"    var u = k.length === 1 ? k.toUpperCase() : k;\n"
"    if (mode === 'R' && heads[u]) {\n"
"      mode = '';\n"
"      pos = [];\n"
"      set('rejected', heads[u]);\n"
"      say('reject, ' + heads[u] + '; Enter records');\n"
"    } else if (/^[1-9]$/.test(k) && mode !== 'R') {\n"
"      if (!block && mode !== 'P') pos = [];\n"
"      if (pos.indexOf(+k) < 0) pos.push(+k);\n"
"      set(mode === 'P' ? 'rejected_in_part' : 'valid', '');\n"
"      say((mode === 'P' ? 'reject in part, counting ' : 'allow for ')\n"
"        + pos.join(' ') + '; Enter records');\n"
"    } else if (u === 'R' || u === 'P') {\n"
"      mode = u;\n"
"      pos = [];\n"
"      armed = 0;\n"
"      say(u === 'R' ? 'reject: the head letter?' :\n"
"        'reject in part: the positions counted?');\n"
"    } else if (u === 'O') {\n"
"      object();\n"
"    } else if (k === 'Escape') {\n"
"      defer(a);\n"
"    } else if (k === 'Enter') {\n"
"      if (armed) f.requestSubmit();\n"
"      else say('no decision yet: 1 to 9, R, P, or Esc');\n"
"    } else return false;\n"
"    return true;\n"
"  }\n"
"  document.addEventListener('keydown', function (ev) {\n"
"    var a = ev.target;\n"
"    if (!a.classList || !a.classList.contains('dq') || ev.ctrlKey ||\n"
"      ev.altKey || ev.metaKey) return;\n"
"    paper(a);\n"
"    if (key(a, ev.key) || ev.key === ' ') ev.preventDefault();\n"
"  });\n"
"})();\n";

/* The boxes a correction left undecided (I5 refuses the re-issue
 * until each is decided again, §2.3). */
static void
f6_redecide(struct ctx *x, struct sb *b, int c)
{
	json_t *a = d_f6_redecide(x->d, c);
	const json_t *v;
	size_t i;

	json_array_foreach(a, i, v) {
		put(b, "<p class=\"blocker\">Decide box ");
		esc(b, json_string_value(v));
		put(b, " again: a correction changed its variance (I5)</p>");
	}
	json_decref(a);
}

/* For the RO and a DRO with verify_approve, when contest c's F6 has a
 * figure corrected since its last version (§2.4: "the RO is prompted
 * to tell the agents"): the changes, the boxes to decide again and the
 * re-issue form (POST verification). S-02 and S-07 show it. */
void
d_html_f6_prompt_one(struct ctx *x, struct sb *b, int c)
{
	int keep = x->c;
	json_t *ch, *o;

	if ((strcmp(x->u->role, "ro") != 0 && strcmp(x->u->role,
	    "dro") != 0) || !d_has_power(x->d, x->u, c,
	    "verify_approve") || !(ch = d_f6_pending(x->d, c)))
		return;
	put(b, "<h2>F6 to re-issue \xe2\x80\x94 tell the agents: ");
	esc(b, x->d->cs[c].name);
	put(b, "</h2>");
	o = json_pack("{s:i, s:o}", "version", d_f6_versions(x->d, c) + 1,
	    "differences", ch);
	df_f6_changes(b, o);
	json_decref(o);
	f6_redecide(x, b, c);
	x->c = c;
	form_open(x, b, "issue", "Re-issue the verification statement");
	form_close(b, "Re-issue statement");
	x->c = keep;
}

/* For the RO and a DRO with provisional_release: contest c's F11-F13
 * re-issued by the system after a correction (§3.5: "the statement is
 * re-issued as a new version showing the difference, and agents
 * present are told"), each with its changes and its printed version,
 * until the round's provisional result (d_stmt_reissued). */
static void
stmt_prompt_one(struct ctx *x, struct sb *b, int c)
{
	const char *cid = x->d->cs[c].id;
	json_t *a, *it;
	size_t i;

	if (strcmp(x->u->role, "ro") != 0 && (strcmp(x->u->role, "dro") != 0
	    || !d_has_power(x->d, x->u, c, "provisional_release")))
		return;
	a = d_stmt_reissued(x->d, c);
	json_array_foreach(a, i, it) {
		const char *f = json_string_value(json_object_get(it, "form"));
		long long v = json_integer_value(json_object_get(it,
		    "version"));
		long long r = json_integer_value(json_object_get(it, "round"));

		putf(b, "<h2>%s re-issued as version %lld \xe2\x80\x94 tell"
		    " the agents present: ", f, v);
		esc(b, x->d->cs[c].name);
		putf(b, "</h2><p>Round %lld, stage %lld, re-issued by entry"
		    " #%lld. <a href=\"/forms/%s?c=", r, (long long)
		    json_integer_value(json_object_get(it, "stage")),
		    (long long)json_integer_value(json_object_get(it,
		    "entry")), f);
		esc(b, cid);
		putf(b, "&amp;round=%lld&amp;version=%lld\">Print %s version"
		    " %lld</a></p>", r, v, f, v);
		df_stmt_changes(b, it);
	}
	json_decref(a);
}

/* A candidate's figure in a result object: votes, else the total. */
static long long
cand_fig(const json_t *prov, size_t i)
{
	const json_t *c = json_array_get(json_object_get(prov, "candidates"),
	    i);
	const json_t *v = json_object_get(c, "votes");

	return json_integer_value(v ? v : json_object_get(c, "total"));
}

/* For the RO and a DRO with provisional_release: contest c's latest
 * provisional version when the RO's correction after the release made
 * it (§3.5: the agents present are told), while it stays PROVISIONAL;
 * each candidate whose figure moved, and the printed version. */
static void
prov_prompt_one(struct ctx *x, struct sb *b, int c)
{
	const struct d_contest *k = &x->d->cs[c];
	size_t n = json_array_size(k->provcorr);

	if ((strcmp(x->u->role, "ro") != 0 && (strcmp(x->u->role, "dro") != 0
	    || !d_has_power(x->d, x->u, c, "provisional_release"))) ||
	    k->state != S_PROVISIONAL || !n || json_integer_value(
	    json_object_get(json_array_get(k->provcorr, n - 1), "entry")) !=
	    k->prov_entry)
		return;
	putf(b, "<h2>Provisional result version %d made by a correction"
	    " \xe2\x80\x94 tell the agents present: ", k->version);
	esc(b, k->name);
	putf(b, "</h2><p>Made by the RO's correction, entry #%d. <a"
	    " href=\"/forms/F15?c=", k->prov_entry);
	esc(b, k->id);
	putf(b, "&amp;version=%d\">Print F15 version %d</a></p><ul>",
	    k->version, k->version);
	for (size_t i = 0; i < json_array_size(json_object_get(k->prov,
	    "candidates")); i++)
		if (cand_fig(k->prov, i) != cand_fig(k->prev_prov, i))
			putf(b, "<li>Position %zu: %lld, was %lld</li>", i + 1,
			    cand_fig(k->prov, i), cand_fig(k->prev_prov, i));
	put(b, "</ul>");
}

/* S-02: d_html_f6_prompt_one for each contest, the statements
 * re-issued since (stmt_prompt_one) and a provisional version a
 * correction made (prov_prompt_one). */
void
d_html_f6_prompt(struct ctx *x, struct sb *b)
{
	for (int c = 0; c < x->d->ncs; c++) {
		d_html_f6_prompt_one(x, b, c);
		stmt_prompt_one(x, b, c);
		prov_prompt_one(x, b, c);
	}
}
