/* SPDX-License-Identifier: MIT */
/* html.c -- the screens (§5): server-rendered HTML that works without
 * JavaScript (POST, 303, GET). Every read and write goes through the
 * JSON API as the cookie's session (session.c), so a screen shows what
 * the role may see and a form makes the same entry as the API call;
 * nothing here counts. Every dynamic string goes through esc(). */
#include "html.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
put(struct sb *b, const char *s)
{
	size_t k = strlen(s);

	if (b->oom)
		return;
	if (b->n + k + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *np;

		while (b->n + k + 1 > cap)
			cap *= 2;
		if (!(np = realloc(b->p, cap))) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, k + 1);
	b->n += k;
}

void
putf(struct sb *b, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	put(b, buf);
}

/* Text or attribute value, escaped: the only way a dynamic string
 * reaches a page. */
void
esc(struct sb *b, const char *s)
{
	char one[2] = { 0, 0 };

	for (; s && *s; s++) {
		switch (*s) {
		case '&': put(b, "&amp;"); break;
		case '<': put(b, "&lt;"); break;
		case '>': put(b, "&gt;"); break;
		case '"': put(b, "&quot;"); break;
		case '\'': put(b, "&#39;"); break;
		default:
			one[0] = *s;
			put(b, one);
		}
	}
}

/* A query value, percent-encoded. */
static void
urlenc(struct sb *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			char one[2] = { (char)c, 0 };

			put(b, one);
		} else
			putf(b, "%%%02X", c);
	}
}

/* A JSON member as text: strings as they are, integers in decimal,
 * null and absent as "—". */
void
escj(struct sb *b, const json_t *v)
{
	if (json_is_string(v))
		esc(b, json_string_value(v));
	else if (json_is_integer(v))
		putf(b, "%lld", (long long)json_integer_value(v));
	else if (json_is_true(v))
		put(b, "yes");
	else if (json_is_false(v))
		put(b, "no");
	else
		put(b, "\xe2\x80\x94");
}

/* Opens a screen's table: its caption and column heads, as text; the
 * caller's rows follow, then "</tbody></table>". */
void
table_open(struct sb *b, const char *caption, const char *const *cols)
{
	put(b, "<table><caption>");
	esc(b, caption);
	put(b, "</caption><thead><tr>");
	for (int i = 0; cols[i]; i++) {
		put(b, "<th scope=\"col\">");
		esc(b, cols[i]);
		put(b, "</th>");
	}
	put(b, "</tr></thead><tbody>");
}

/* The cells of row, one per key, each value as escj: a '^' key heads
 * the row, a '#' key is a number, a '~' key a state, else text. */
void
row_cells(struct sb *b, const json_t *row, const char *const *keys)
{
	for (int c = 0; keys[c]; c++) {
		const char *k = keys[c], *key = k + !!strchr("^#~", *k);

		put(b, *k == '^' ? "<th scope=\"row\">" : *k == '#' ?
		    "<td class=\"n\">" : *k == '~' ? "<td class=\"state\">" :
		    "<td>");
		escj(b, json_object_get(row, key));
		put(b, *k == '^' ? "</th>" : "</td>");
	}
}

/* A screen's table: one row per object of rows, cells as row_cells. */
void
rows_table(struct sb *b, const char *caption, const char *const *cols,
    const char *const *keys, const json_t *rows)
{
	const json_t *r;
	size_t i;

	table_open(b, caption, cols);
	json_array_foreach(rows, i, r) {
		put(b, "<tr>");
		row_cells(b, r, keys);
		put(b, "</tr>");
	}
	put(b, "</tbody></table>");
}

static const char *sval(const json_t *o, const char *k);

const char *
q(struct ctx *x, const char *k)
{
	return x->h->query ? x->h->query(x->h->qcls, k) : NULL;
}

/* A read through the API as this session; NULL unless 200. */
json_t *
get(struct ctx *x, const char *fmt, ...)
{
	char path[300];
	json_t *o = NULL;
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	st = d_sess_api(x->d, x->h, x->u ? x->tok : NULL, "GET", path, NULL,
	    NULL, &o);
	if (st != 200) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
role_in(const struct d_user *u, const char *roles)
{
	char k[24];

	if (!u)
		return 0;
	snprintf(k, sizeof k, " %s ", u->role);
	return strstr(roles, k) != NULL;
}

static void scr_queue(struct ctx *, struct sb *);
static void scr_verify(struct ctx *, struct sb *);
static void scr_boxes(struct ctx *, struct sb *);
static void scr_bundles(struct ctx *, struct sb *);
static void scr_adjudicate(struct ctx *, struct sb *);
static void scr_provisional(struct ctx *, struct sb *);
static void scr_lot(struct ctx *, struct sb *);
static void scr_declaration(struct ctx *, struct sb *);
static void scr_hall(struct ctx *, struct sb *);
static void scr_password(struct ctx *, struct sb *);

#define STAFF " ro dro manager supervisor clerk receipt admin auditor "

static const struct screen {
	const char *path, *id, *title, *roles;
	void (*fn)(struct ctx *, struct sb *);
} screens[] = {
	{ "/", "S-02", "My queue", STAFF, scr_queue },
	{ "/verify", "S-04", "Verification entry", " supervisor clerk ",
	    scr_verify },
	{ "/boxes", "S-05", "Box board", " ro dro manager supervisor ",
	    scr_boxes },
	{ "/bundles", "S-10", "Bundle entry", " supervisor clerk ",
	    scr_bundles },
	{ "/adjudicate", "S-13", "Adjudication", " ro dro ",
	    scr_adjudicate },
	{ "/provisional", "S-16", "Provisional result", " ro dro ",
	    scr_provisional },
	{ "/lot", "S-17", "Lot", " ro dro ", scr_lot },
	{ "/declaration", "S-18", "Declaration", " ro dro ",
	    scr_declaration },
	{ "/hall", "S-19", "Hall board", " ro dro manager supervisor clerk"
	    " receipt screen agent observer ", scr_hall },
	{ "/statement", "S-07", "Verification statement", " ro dro manager ",
	    d_scr_statement },
	{ "/reconciliation", "S-14", "Reconciliation", " ro dro manager ",
	    d_scr_reconciliation },
	{ "/agent", "S-20", "Agents' view", " agent observer ", d_scr_agent },
	{ "/print", "S-25", "Print centre", " ro dro manager supervisor"
	    " agent observer ", d_scr_print },
	{ "/sheet", "S-12", "Table sheet", " manager supervisor ",
	    d_scr_sheet },
	{ "/mixing", "S-08", "Mixing", " ro dro manager supervisor ",
	    d_scr_mixing },
	{ "/stage2", "S-15", "SV second count", " ro dro supervisor clerk ",
	    d_scr_stage2 },
	{ "/tally", "S-11", "Pattern bundles and tally sheets",
	    " supervisor clerk ", d_scr_tally },
	{ "/receipt", "S-03", "Box receipt", " ro dro manager receipt ",
	    d_scr_receipt },
	{ "/assign", "S-09", "Table assignment", " ro manager ",
	    d_scr_assign },
	{ "/audit", "S-23", "Audit log", " ro dro manager auditor ",
	    d_scr_audit },
	{ "/progress", "S-21", "Progress", " ro manager ", d_scr_progress },
	{ "/variance", "S-06", "Variance", " ro dro supervisor ",
	    d_scr_variance },
	{ "/admin", "S-24", "Administration", " admin ro manager ",
	    d_scr_admin },
	{ "/password", "S-01", "Change password", STAFF "screen agent"
	    " observer ", scr_password },
};
#define NSCREENS (sizeof screens / sizeof *screens)

/* Forms: the API call each makes and how its fields become the body:
 * s string, i integer, b checkbox, I integers, S strings (lists split
 * on commas and spaces); '?' optional (left out when empty). */
static const struct fdef {
	const char *id, *path, *fields, *back;
	int percontest, reauth;
} forms[] = {
	{ "bpa", "bpa", "box:s issued_to_voters:i unused:i? spoilt:i?"
	    " tendered:i? issued_to_station:i?", "/verify", 1, 0 },
	{ "count", "counts", "box:s attempt:i papers:i", "/verify", 1, 0 },
	{ "open", "boxes/open", "box:s table:i", "/boxes", 0, 0 },
	{ "check", "checks", "box:s item:s result:s", "/boxes", 1, 0 },
	{ "decide", "decisions", "box:s outcome:s explanation:s?", "/boxes",
	    1, 0 },
	{ "bundle", "bundles", "round:i area:s table:i stage:i slip:s kind:s"
	    " candidate:i papers:i part:b counted_by:s checked_by:s",
	    "/bundles", 1, 0 },
	{ "doubtful", "doubtful", "round:i area:s table:i stage:i papers:i"
	    " description:s", "/bundles", 1, 0 },
	{ "adjudicate", "adjudications", "doubtful:i decision:s positions:I?"
	    " head:s? objected:b objected_by:s? agents_present:S",
	    "/adjudicate", 1, 0 },
	{ "release", "provisional", "present:S note:s?", "/provisional", 1,
	    0 },
	{ "ready", "ready", "version:i note:s", "/provisional", 1, 0 },
	{ "rcreq", "recount-requests", "agent:s? requester_name:s capacity:s"
	    " scope:s? grounds:s", "/provisional", 1, 0 },
	{ "rcdec", "recount-decisions", "request:i? decision:s scope:s?"
	    " reason:s", "/provisional", 1, 0 },
	{ "lot", "lots", "purpose:s tied:I method:s witnesses:S drawn:i",
	    "/lot", 1, 1 },
	{ "declare", "declaration", "version:i", "/declaration", 1, 1 },
	{ "password", "password", "old:s new:s", "/password", 0, 0 },
	{ "issue", "verification", "", "/statement", 1, 0 },
	{ "sheet", "sheets/close", "round:i area:s table:i stage:i", "/sheet",
	    1, 0 },
	{ "mixing", "mixing", "area:s groups:G", "/mixing", 1, 0 },
	{ "stage2", "stage2", "notice:s", "/stage2", 1, 0 },
	{ "bundle2", "bundles", "round:i area:s table:i stage:i slip:s"
	    " kind:s source:i dest:d papers:i part:b counted_by:s"
	    " checked_by:s", "/stage2", 1, 0 },
	{ "pattern", "bundles", "round:i area:s table:i stage:i slip:s"
	    " kind:s pattern:I papers:i part:b counted_by:s checked_by:s",
	    "/tally", 1, 0 },
	{ "tally", "tallies", "round:i area:s table:i sheet:s papers:i"
	    " votes:V", "/tally", 1, 0 },
	{ "receipt", "receipts", "box:s po_name:s? seals_intact:B"
	    " seal_numbers:s? packets:P", "/receipt", 0, 0 },
	/* '^': a member of the body's "unexpected" (§9.4) */
	{ "unexpected", "receipts", "box:s reason:^s kind:^s station:^s?"
	    " polls:^S seals_intact:B seal_numbers:s? packets:P po_name:s?",
	    "/receipt", 0, 0 },
	{ "assign", "assignments", "user:s table:i role:s until:s?",
	    "/assign", 0, 0 },
	{ "vcheck", "checks", "box:s item:s result:s", "/variance", 1, 0 },
	{ "vdecide", "decisions", "box:s outcome:s explanation:s?",
	    "/variance", 1, 2 },
	/* §9.4: compensating names the place, not a box */
	{ "vcomp", "decisions", "place:s outcome:s explanation:s",
	    "/variance", 1, 1 },
	{ "objection", "objections", "adjudication:i agent:s", "/adjudicate",
	    1, 0 },
	{ "transfer", "transfers", "from_box:s to_box:s papers:i", "/verify",
	    1, 0 },
	{ "carrydrop", "carry-drops", "round:i entry:i reason_text:s",
	    "/sheet", 1, 0 },
	{ "config", "config", "object:s key:s? field:s value:d"
	    " reason_text:s?", "/progress", 0, 2 },
	/* §3.5: withdrawals and corrections (entry: the N of the path;
	 * '+': a member of the correction's data) */
	{ "wtransfer", "entries/#/withdrawal", "entry:# reason_code:s"
	    " reason_text:s?", "/verify", 0, 0 },
	{ "ctransfer", "entries/#/correction", "entry:# reason_code:s"
	    " reason_text:s? from_box:+s to_box:+s papers:+i", "/verify", 0,
	    0 },
	{ "wobjection", "entries/#/withdrawal", "entry:# reason_code:s"
	    " reason_text:s?", "/adjudicate", 0, 0 },
	{ "cobjection", "entries/#/correction", "entry:# reason_code:s"
	    " reason_text:s? adjudication:+i agent:+s", "/adjudicate", 0, 0 },
	/* §3.5: a verification outcome withdrawn or corrected, on S-06
	 * (the box's) and S-07 (the contest's) */
	{ "wdecision", "entries/#/withdrawal", "entry:# reason_code:s"
	    " reason_text:s?", "/variance", 0, 0 },
	{ "cdecision", "entries/#/correction", "entry:# reason_code:s"
	    " reason_text:s? box:+s outcome:+s explanation:+s?", "/variance",
	    0, 2 },
	{ "swdecision", "entries/#/withdrawal", "entry:# reason_code:s"
	    " reason_text:s?", "/statement", 0, 0 },
	{ "scdecision", "entries/#/correction", "entry:# reason_code:s"
	    " reason_text:s? box:+s outcome:+s explanation:+s?", "/statement",
	    0, 2 },
	/* S-10's Ctrl+Z: a bundle corrected (§3.5) */
	{ "cbundle", "entries/#/correction", "entry:# reason_code:s"
	    " reason_text:s? round:+i area:+s table:+i stage:+i slip:+s"
	    " kind:+s candidate:+i papers:+i part:+b counted_by:+s"
	    " checked_by:+s", "/bundles", 0, 0 },
	/* I20: a supervisor resolves a double-entry difference (§9.4) */
	{ "wfig", "entries/#/withdrawal", "entry:# reason_code:s"
	    " reason_text:s?", "/", 0, 0 },
	{ "wconfig", "entries/#/withdrawal", "entry:# reason_code:s"
	    " reason_text:s?", "/progress", 0, 2 },
	{ "cconfig", "entries/#/correction", "entry:# reason_code:s"
	    " reason_text:s? object:+s key:+s? field:+s value:+d",
	    "/progress", 0, 2 },
	{ "airgap", "airgap/override", "reason:s", "/admin", 0, 0 },
	{ "ballast", "ballast/delete", "", "/admin", 0, 0 },
	{ "export", "exports", "", "/admin", 0, 0 },
	/* S-24's accounts and devices (§9.4's events, accounts.c); '@':
	 * the field the path names, not the body's */
	{ "uadd", "users", "username:s full_name:s role:s staff_no:s?"
	    " tables:I? agent:s? contests:S?", "/admin", 0, 0 },
	{ "udisable", "users/@/disable", "username:@", "/admin", 0, 0 },
	{ "upassword", "users/@/password", "username:@", "/admin", 0, 0 },
	{ "dadd", "devices", "name:s roles:S", "/admin", 0, 0 },
	{ "drevoke", "devices/@/revoke", "name:@", "/admin", 0, 0 },
};
#define NFORMS (sizeof forms / sizeof *forms)

static const char css[] =
"*{box-sizing:border-box}\n"
"body{font:18px/1.4 system-ui,sans-serif;margin:0;color:#111;"
"background:#fff}\n"
".skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;"
"background:#fff;padding:4px}\n"
"header{background:#1d3557;color:#fff;padding:8px 16px}\n"
"header a{color:#fff}header nav ul{list-style:none;margin:0;padding:0;"
"display:flex;flex-wrap:wrap;gap:12px}\n"
"header form{display:inline}\n"
"main{padding:16px;max-width:1200px}\n"
"table{border-collapse:collapse;margin:8px 0}"
"th,td{border:1px solid #888;padding:4px 8px;text-align:left}\n"
"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
"form.entry{border:1px solid #888;padding:12px;margin:12px 0}\n"
"label{display:block;margin-top:8px;font-weight:600}\n"
"input,select{font-size:24px;padding:4px}\n"
"input[type=checkbox]{width:24px;height:24px}\n"
"button{font-size:20px;padding:6px 16px;margin-top:12px}\n"
":focus{outline:3px solid #e76f51;outline-offset:2px}\n"
".error{border:3px solid #b00020;padding:8px;color:#b00020}\n"
".saved{border:3px solid #2a7a2a;padding:8px}\n"
".state{font-weight:700}\n"
"tr.superseded td{text-decoration:line-through}\n"
".hall{font-size:28px}.hall h2{font-size:40px}\n"
".badge{border:2px solid #111;padding:2px 8px}\n"
".big{font-size:32px}\n"
".banner.insecure,.banner.airgap,.banner.ops{background:#b00020;"
"color:#fff;"
"font-weight:700;padding:8px;margin:0 0 8px}\n"
"kbd{border:1px solid #555;border-radius:3px;padding:0 4px;"
"font-family:monospace}\n"
"@media print{header,.skip,form,#keys{display:none}}\n";

/* The one script (§5), on every staff page: Enter goes to the form's
 * first empty required field and submits when there is none; Esc resets
 * the form; "/" goes to the box code, slip, sheet or entry field, else
 * the contest; F1 goes to the page's list of keys; "v" to the next box
 * in variance (S-05); Ctrl+Z, in an empty field or none, to the
 * correction form (S-10); a display screen (the hall board) reloads
 * every data-refresh seconds. Every form works without it; each key is
 * listed on the page (keys_legend). */
static const char js[] =
"'use strict';\n"
"(function () {\n"
"  var s = document.body.getAttribute('data-refresh');\n"
"  if (s) setTimeout(function () { location.reload(); }, 1000 * s);\n"
"  function fields(f) {\n"
"    return Array.prototype.filter.call(f.elements, function (e) {\n"
"      return e.tagName === 'SELECT' || (e.tagName === 'INPUT' &&\n"
"        e.type !== 'hidden' && e.type !== 'checkbox');\n"
"    });\n"
"  }\n"
"  document.addEventListener('keydown', function (ev) {\n"
"    var t = ev.target, f = t.form, a, g;\n"
"    var typing = t.tagName === 'INPUT' || t.tagName === 'SELECT';\n"
"    if (ev.key === 'Enter' && f && t.tagName === 'INPUT') {\n"
"      a = fields(f).filter(function (e) {\n"
"        return e.required && !e.value;\n"
"      });\n"
"      if (a.length && a[0] !== t) {\n"
"        ev.preventDefault();\n"
"        a[0].focus();\n"
"      }\n"
"    } else if (ev.key === 'Escape' && f) {\n"
"      ev.preventDefault();\n"
"      f.reset();\n"
"      a = fields(f);\n"
"      if (a.length) a[0].focus();\n"
"    } else if (ev.key === 'F1') {\n"
"      g = document.getElementById('keys');\n"
"      if (g) {\n"
"        ev.preventDefault();\n"
"        g.focus();\n"
"      }\n"
"    } else if (ev.key === '/' && !typing) {\n"
"      g = ['pick-box', 'bundle-slip', 'bundle2-slip', 'pattern-slip',\n"
"        'tally-sheet', 'receipt-box', 'wfig-entry', 'pick-c'\n"
"      ].map(function (i) { return document.getElementById(i); })\n"
"        .filter(function (e) { return e; })[0];\n"
"      if (g) {\n"
"        ev.preventDefault();\n"
"        g.focus();\n"
"      }\n"
"    } else if ((ev.key === 'v' || ev.key === 'V') && !typing &&\n"
"      !ev.ctrlKey && !ev.altKey && !ev.metaKey) {\n"
"      a = Array.prototype.slice.call(document.querySelectorAll('a.var'));\n"
"      if (a.length) {\n"
"        ev.preventDefault();\n"
"        a[(a.indexOf(t) + 1) % a.length].focus();\n"
"      }\n"
"    } else if (ev.ctrlKey && (ev.key === 'z' || ev.key === 'Z') &&\n"
"      (!typing || !t.value)) {\n"
"      g = document.getElementById('f-cbundle');\n"
"      if (g) {\n"
"        ev.preventDefault();\n"
"        fields(g)[0].focus();\n"
"      }\n"
"    }\n"
"  });\n"
"";

/* (two strings: C11 promises only 4095 characters in one) */
static const char js2[] =
"  /* Drafts (B9, B10): an entry form's values are kept in sessionStorage\n"
"   * until the desk shows them saved; an idle timeout goes to the login\n"
"   * and the draft comes back, not sent, after it. */\n"
"  var ss = null, idle = document.body.getAttribute('data-idle');\n"
"  var who = document.body.getAttribute('data-user');\n"
"  var here = location.pathname + location.search, sent = null, busy = 0;\n"
"  try { ss = window.sessionStorage; } catch (e) { ss = null; }\n"
"  function entry(f) {\n"
"    return f && f.id && f.getAttribute('action') === '/do';\n"
"  }\n"
"  function say(id, cls, text) {\n"
"    var a = document.getElementById(id), p = document.createElement('p');\n"
"    if (!a) return;\n"
"    p.className = cls;\n"
"    p.textContent = text;\n"
"    a.textContent = '';\n"
"    a.appendChild(p);\n"
"  }\n"
"  function keep(f) {\n"
"    var v = {};\n"
"    if (!ss) return;\n"
"    fields(f).forEach(function (e) {\n"
"      if (e.type !== 'password' && e.name) v[e.name] = e.value;\n"
"    });\n"
"    ss.setItem('teller-draft:' + f.id, JSON.stringify({ at: here,\n"
"      who: who, v: v }));\n"
"  }\n"
"  if (ss) {\n"
"    try { sent = JSON.parse(ss.getItem('teller-sent') || 'null'); }\n"
"    catch (e) { sent = null; }\n"
"    ss.removeItem('teller-sent');\n"
"    if (location.pathname === '/login') {\n"
"      if (sent && sent.back) ss.setItem('teller-return', sent.back);\n"
"    } else if (idle) {\n"
"      s = ss.getItem('teller-return');\n"
"      ss.removeItem('teller-return');\n"
"      if (s && s !== here) {\n"
"        location.replace(s);\n"
"        return;\n"
"      }\n"
"      if (sent && document.querySelector('#status .saved'))\n"
"        ss.removeItem('teller-draft:' + sent.form);\n"
"    }\n"
"  }\n"
"  if (ss && idle && !document.querySelector('#alert .error'))\n"
"    Array.prototype.forEach.call(document.forms, function (f) {\n"
"      var d = null, n = 0;\n"
"      if (!entry(f)) return;\n"
"      try { d = JSON.parse(ss.getItem('teller-draft:' + f.id) || 'null'); }\n"
"      catch (e) { d = null; }\n"
"      if (!d || d.at !== here || d.who !== who || !d.v) return;\n"
"      fields(f).forEach(function (e) {\n"
"        if (e.type !== 'password' && e.name &&\n"
"          typeof d.v[e.name] === 'string' && e.value !== d.v[e.name]) {\n"
"          e.value = d.v[e.name];\n"
"          n++;\n"
"        }\n"
"      });\n"
"      if (n) say('status', 'draft', 'Draft restored, NOT sent: check it' +\n"
"        ' and save it.');\n"
"    });\n"
"  document.addEventListener('input', function (ev) {\n"
"    if (entry(ev.target.form)) keep(ev.target.form);\n"
"  });\n"
"  document.addEventListener('reset', function (ev) {\n"
"    if (ss && entry(ev.target)) ss.removeItem('teller-draft:' +\n"
"      ev.target.id);\n"
"  });\n"
"  /* F7: a terminal offline at the submit says NOT SAVED and keeps the\n"
"   * values; the form keeps its idempotency key for the resubmit. */\n"
"  document.addEventListener('submit', function (ev) {\n"
"    var f = ev.target;\n"
"    /* a draft is the user's own: none survives a logout */\n"
"    if (ss && f.getAttribute('action') === '/logout') ss.clear();\n"
"    if (!entry(f)) return;\n"
"    ev.preventDefault();\n"
"    if (busy) return;\n"
"    busy = 1;\n"
"    keep(f);\n"
"    fetch('/static/desk.js', { cache: 'no-store' }).then(function (r) {\n"
"      if (!r.ok) throw new Error('HTTP ' + r.status);\n"
"      if (ss) ss.setItem('teller-sent', JSON.stringify({ form: f.id,\n"
"        back: here }));\n"
"      f.submit();\n"
"    }).catch(function () {\n"
"      busy = 0;\n"
"      say('alert', 'error', 'NOT SAVED \\u2014 the desk cannot be' +\n"
"        ' reached. The values are kept: save again when it is back.');\n"
"    });\n"
"  });\n"
"  if (idle) {\n"
"    var timer = 0, arm = function () {\n"
"      clearTimeout(timer);\n"
"      timer = setTimeout(function () {\n"
"        if (ss) ss.setItem('teller-return', here);\n"
"        location.assign('/login');\n"
"      }, 1000 * idle + 500);\n"
"    };\n"
"    ['keydown', 'input', 'pointerdown'].forEach(function (t) {\n"
"      document.addEventListener(t, arm, true);\n"
"    });\n"
"    arm();\n"
"  }\n"
"})();\n";

/* mode 0: no script (S-22); 1: the script; 2: and reload (S-19). */
static void
page_begin(struct ctx *x, struct sb *b, const char *title, int mode)
{
	put(b, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\""
	    "width=device-width, initial-scale=1\">");
	put(b, "<title>");
	esc(b, title);
	put(b, " \xe2\x80\x94 teller-desk</title><link rel=\"stylesheet\""
	    " href=\"/static/desk.css\">");
	if (mode)
		put(b, "<script src=\"/static/desk.js\" defer></script>");
	put(b, "</head><body");
	if (mode == 2)
		put(b, " data-refresh=\"4\"");
	/* the script's idle timer (B9): back to the login, draft kept */
	if (mode && x->u) {
		putf(b, " data-idle=\"%lld\" data-user=\"", d_idle_s());
		esc(b, x->u->username);
		put(b, "\"");
	}
	put(b, ">");
	put(b, "<a class=\"skip\" href=\"#main\">Skip to content</a><header>");
	if (x->d->read_only) {
		/* §4.2: the banner on every screen while nothing can be saved */
		put(b, "<p class=\"banner\" role=\"alert\">");
		esc(b, x->d->read_only == D_RO_BROKEN ? x->d->fail :
		    "NOT SAVED \xe2\x80\x94 the book is read-only (disk full):"
		    " tell the count manager");
		put(b, "</p>");
	}
	for (int w = 0; w < 2; w++)
		if (d_airgap_banner(w)) {
			/* §6.4 plain HTTP, §6.1 a route out: every page */
			putf(b, "<p class=\"banner %s\" role=\"alert\">",
			    w ? "airgap" : "insecure");
			esc(b, d_airgap_banner(w));
			put(b, "</p>");
		}
	d_ops_banners(x, b);
	put(b, "<nav aria-label=\"Screens\"><ul>");
	for (size_t i = 0; i < NSCREENS; i++)
		if (role_in(x->u, screens[i].roles)) {
			putf(b, "<li><a href=\"%s", screens[i].path);
			if (x->c >= 0 && i)
				putf(b, "?c=%s", x->d->cs[x->c].id);
			putf(b, "\">%s</a></li>", screens[i].title);
		}
	put(b, "<li><a href=\"/public\">Public results</a></li>");
	if (x->u) {
		char idem[33], mac[65];
		unsigned char r[16];

		randombytes_buf(r, sizeof r);
		sodium_bin2hex(idem, sizeof idem, r, sizeof r);
		d_csrf_mint(x->tok, "logout", idem, mac);
		put(b, "<li>");
		esc(b, x->u->full_name ? x->u->full_name : x->u->username);
		put(b, " (");
		esc(b, x->u->role);
		putf(b, ") <form method=\"post\" action=\"/logout\">"
		    "<input type=\"hidden\" name=\"form\" value=\"logout\">"
		    "<input type=\"hidden\" name=\"idem\" value=\"%s\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button type=\"submit\">Log out</button></form></li>",
		    idem, mac);
	}
	put(b, "</ul></nav></header><main id=\"main\"><h1>");
	esc(b, title);
	put(b, "</h1><div id=\"status\" role=\"status\" aria-live=\"polite\">");
	if (!x->err && q(x, "saved")) {
		long long e = strtoll(q(x, "saved"), NULL, 10);
		const char *st = q(x, "st") ? q(x, "st") : "";
		const char *no = q(x, "no") ? q(x, "no") : "";

		put(b, "<p class=\"saved\">");
		if (strcmp(no, "1") == 0 || strcmp(no, "2") == 0)
			putf(b, "Entry %s of 2 saved \xe2\x80\x94 #%lld", no,
			    e);
		else
			putf(b, "Saved \xe2\x80\x94 entry #%lld", e);
		if (strcmp(st, "awaiting_second") == 0)
			put(b, ": a second person enters it blind.");
		else if (strcmp(st, "agreed") == 0)
			put(b, ": the two entries agree.");
		else if (strcmp(st, "different") == 0)
			put(b, ": the two entries DIFFER; the supervisor"
			    " resolves it.");
		else
			put(b, ".");
		put(b, "</p>");
	}
	put(b, "</div><div id=\"alert\" role=\"alert\">");
	if (x->err) {
		put(b, "<p class=\"error\">Not saved: ");
		esc(b, x->err);
		put(b, "</p>");
	}
	put(b, "</div>");
}

static void
page_end(struct sb *b)
{
	put(b, "</main></body></html>\n");
}

/* The current contest's box named box, from its boxes read into *bx
 * (the caller frees it); NULL, having said so on b, if there is none. */
json_t *
box_find(struct ctx *x, struct sb *b, const char *box, json_t **bx)
{
	json_t *v, *mine = NULL;
	size_t i;

	*bx = get(x, "contests/%s/boxes", x->d->cs[x->c].id);
	json_array_foreach(*bx, i, v)
		if (strcmp(sval(v, "box"), box) == 0)
			mine = v;
	if (!mine) {
		put(b, "<p>No box ");
		esc(b, box);
		put(b, " in this contest.</p>");
	}
	return mine;
}

/* The GET form that picks a box of the current contest on screen path,
 * its code typed or scanned; box, when given, fills it in. With focus,
 * a picker without a box takes the focus. */
void
box_picker(struct ctx *x, struct sb *b, const char *path,
    const char *label, const char *button, const char *box, int focus)
{
	putf(b, "<form method=\"get\" action=\"%s\"><input type=\"hidden\""
	    " name=\"c\" value=\"", path);
	esc(b, x->d->cs[x->c].id);
	put(b, "\"><label for=\"pick-box\">");
	esc(b, label);
	put(b, "</label><input id=\"pick-box\" name=\"box\" type=\"text\""
	    " autocomplete=\"off\"");
	if (box || !focus) {
		put(b, " value=\"");
		esc(b, box);
		put(b, "\"");
	} else
		put(b, " autofocus");
	put(b, "> <button type=\"submit\">");
	esc(b, button);
	put(b, "</button></form>");
}

/* The box a box screen at path works on: the query's or, after a
 * refusal, the refused form's, under its picker and then its heading.
 * Its view, with the contest's boxes read into *bx (the caller frees
 * it); NULL, *bx too, when none is picked or found (said so on b). */
json_t *
picked_box(struct ctx *x, struct sb *b, const char *path, int focus,
    const char **box, json_t **bx)
{
	json_t *mine;

	*bx = NULL;
	*box = q(x, "box");
	if (x->err && x->vals)
		*box = json_string_value(json_object_get(x->vals, "box"));
	box_picker(x, b, path, "Box code", "Go", *box, focus);
	if (!*box || !**box)
		return NULL;
	if ((mine = box_find(x, b, *box, bx)) == NULL) {
		json_decref(*bx);
		*bx = NULL;
		return NULL;
	}
	put(b, "<h2>Box ");
	esc(b, *box);
	put(b, "</h2>");
	return mine;
}

/* Contest picker: a GET form, no script. */
void
contest_pick(struct ctx *x, struct sb *b, const char *path)
{
	if (x->d->ncs < 2)
		return;
	putf(b, "<form method=\"get\" action=\"%s\"><label for=\"pick-c\">"
	    "Contest</label><select id=\"pick-c\" name=\"c\">", path);
	for (int c = 0; c < x->d->ncs; c++) {
		put(b, "<option value=\"");
		esc(b, x->d->cs[c].id);
		put(b, c == x->c ? "\" selected>" : "\">");
		esc(b, x->d->cs[c].name);
		put(b, "</option>");
	}
	put(b, "</select> <button type=\"submit\">Show</button></form>");
}

/* per thread: HTML GETs render side by side on the read pool */
static _Thread_local int focus_done;

int
d_html_autofocus(void)
{
	if (focus_done)
		return 0;
	focus_done = 1;
	return 1;
}

void
form_open(struct ctx *x, struct sb *b, const char *id, const char *label)
{
	char idem[33], mac[65];
	unsigned char r[16];

	randombytes_buf(r, sizeof r);
	sodium_bin2hex(idem, sizeof idem, r, sizeof r);
	d_csrf_mint(x->tok, id, idem, mac);
	putf(b, "<form class=\"entry\" method=\"post\" action=\"/do\""
	    " id=\"f-%s\" aria-labelledby=\"h-%s\"><h2 id=\"h-%s\">", id, id,
	    id);
	esc(b, label);
	putf(b, "</h2><input type=\"hidden\" name=\"form\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"idem\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", id, idem,
	    mac);
	if (x->c >= 0) {
		put(b, "<input type=\"hidden\" name=\"c\" value=\"");
		esc(b, x->d->cs[x->c].id);
		put(b, "\">");
	}
}

/* The value a field shows: what was sent when its form was refused,
 * else the default. */
static const char *
fval(struct ctx *x, const char *form, const char *name, const char *dflt)
{
	if (x->err && x->eform && strcmp(x->eform, form) == 0 && x->vals) {
		const json_t *v = json_object_get(x->vals, name);

		return v ? json_string_value(v) : "";
	}
	return dflt;
}

/* An input with its label; kind "num", "text", "password", "hidden". */
void
field(struct ctx *x, struct sb *b, const char *form, const char *name,
    const char *label, const char *kind, const char *dflt, int req)
{
	/* a password is never sent back */
	const char *v = strcmp(kind, "password") == 0 ? "" : fval(x, form,
	    name, dflt);

	if (strcmp(kind, "hidden") == 0) {
		putf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);
		esc(b, v);
		put(b, "\">");
		return;
	}
	putf(b, "<label for=\"%s-%s\">", form, name);
	esc(b, label);
	putf(b, "</label><input id=\"%s-%s\" name=\"%s\"", form, name, name);
	if (strcmp(kind, "num") == 0)
		put(b, " type=\"text\" inputmode=\"numeric\" autocomplete="
		    "\"off\"");
	else if (strcmp(kind, "password") == 0)
		put(b, " type=\"password\" autocomplete=\"current-password\"");
	else
		put(b, " type=\"text\" autocomplete=\"off\"");
	if (req)
		put(b, " required");
	if (!focus_done) {
		put(b, " autofocus");
		focus_done = 1;
	}
	if (v && *v) {
		put(b, " value=\"");
		esc(b, v);
		put(b, "\"");
	}
	put(b, ">");
}

void
select_field(struct ctx *x, struct sb *b, const char *form,
    const char *name, const char *label, const char *const *opts)
{
	const char *v = fval(x, form, name, "");

	putf(b, "<label for=\"%s-%s\">", form, name);
	esc(b, label);
	putf(b, "</label><select id=\"%s-%s\" name=\"%s\">", form, name,
	    name);
	for (int i = 0; opts[i]; i++) {
		put(b, "<option value=\"");
		esc(b, opts[i]);
		put(b, v && strcmp(v, opts[i]) == 0 ? "\" selected>" : "\">");
		esc(b, opts[i]);
		put(b, "</option>");
	}
	put(b, "</select>");
}

void
form_close(struct sb *b, const char *button)
{
	put(b, "<button type=\"submit\">");
	esc(b, button);
	put(b, "</button></form>");
}

/* A withdrawal's or correction's reason (§3.5): a code and a text. */
void
d_html_reason(struct ctx *x, struct sb *b, const char *form)
{
	static const char *const codes[] = { "typo", "misread_slip",
		"recount", "bpa_arithmetic", "wrong_candidate", "wrong_box",
		"duplicate", "other", NULL };

	select_field(x, b, form, "reason_code", "Reason", codes);
	field(x, b, form, "reason_text", "Why (required for other and for a"
	    " confirmed entry)", "text", "", 0);
}

/* POST entries/N/withdrawal as a form: the entry number and a reason
 * (box: the S-04 box to come back to, or NULL). */
void
d_html_withdraw(struct ctx *x, struct sb *b, const char *form,
    const char *title, const char *label, const char *box)
{
	form_open(x, b, form, title);
	if (box)
		field(x, b, form, "box", "", "hidden", box, 0);
	field(x, b, form, "entry", label, "num", "", 1);
	d_html_reason(x, b, form);
	form_close(b, "Withdraw");
}

static void
num(char *buf, size_t n, long long v)
{
	snprintf(buf, n, "%lld", v);
}

/* Candidates in ballot order: position, name as on the ballot, and
 * description, as text. */
static void
cand_table(struct sb *b, const json_t *cands)
{
	static const char *const cols[] = { "Position", "Name", "Description",
		NULL };
	size_t i;
	const json_t *k;

	table_open(b, "Candidates", cols);
	json_array_foreach(cands, i, k) {
		put(b, "<tr><td class=\"n\">");
		escj(b, json_object_get(k, "position"));
		put(b, "</td><td>");
		escj(b, json_object_get(k, "name"));
		if (json_is_string(json_object_get(k, "common_name"))) {
			put(b, " (");
			escj(b, json_object_get(k, "common_name"));
			put(b, ")");
		}
		put(b, "</td><td>");
		escj(b, json_object_get(k, "description"));
		put(b, "</td></tr>");
	}
	put(b, "</tbody></table>");
}

/* A result object (§9.3): candidates, votes, elected, rejected. */
static void
result_table(struct sb *b, const json_t *r)
{
	size_t i;
	const json_t *k;
	int sv = json_object_get(json_array_get(json_object_get(r,
	    "candidates"), 0), "first") != NULL;

	put(b, "<table class=\"result\"><caption>Votes</caption><thead><tr>"
	    "<th scope=\"col\">Candidate</th><th scope=\"col\">Description"
	    "</th>");
	put(b, sv ? "<th scope=\"col\">First</th><th scope=\"col\">Second"
	    "</th><th scope=\"col\">Total</th>" : "<th scope=\"col\">Votes"
	    "</th>");
	put(b, "<th scope=\"col\">Elected</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(r, "candidates"), i, k) {
		put(b, "<tr><th scope=\"row\">");
		escj(b, json_object_get(k, "name"));
		put(b, "</th><td>");
		escj(b, json_object_get(k, "description"));
		if (sv) {
			put(b, "</td><td class=\"n\">");
			escj(b, json_object_get(k, "first"));
			put(b, "</td><td class=\"n\">");
			escj(b, json_object_get(k, "second"));
			put(b, "</td><td class=\"n\">");
			escj(b, json_object_get(k, "total"));
		} else {
			put(b, "</td><td class=\"n\">");
			escj(b, json_object_get(k, "votes"));
		}
		put(b, "</td><td>");
		put(b, json_is_true(json_object_get(k, "elected")) ?
		    "Elected" : "");
		put(b, "</td></tr>");
	}
	put(b, "</tbody></table><table><caption>Rejected papers</caption>"
	    "<tbody>");
	json_array_foreach(json_object_get(r, "rejected"), i, k) {
		put(b, "<tr><th scope=\"row\">");
		escj(b, json_object_get(k, "head"));
		put(b, "</th><td class=\"n\">");
		escj(b, json_object_get(k, "papers"));
		put(b, "</td></tr>");
	}
	put(b, "</tbody></table><p>Ballot papers: ");
	escj(b, json_object_get(r, "papers"));
	put(b, "; valid: ");
	escj(b, json_object_get(r, "valid"));
	put(b, ".</p>");
}

/* S-02's double-entry differences (§2.3, I20) for those who resolve
 * them: a supervisor (its tables), the manager, a DRO, the RO; each
 * entry with its number, value and author, and the withdrawal form
 * (entries/N/withdrawal, as the API) that keeps one or discards both. */
static void
queue_diffs(struct ctx *x, struct sb *b)
{
	const char *r = x->u->role;
	int sup = strcmp(r, "supervisor") == 0, n = 0;
	const json_t *it, *en;
	size_t i, j;

	if (!sup && strcmp(r, "manager") != 0 && strcmp(r, "dro") != 0 &&
	    strcmp(r, "ro") != 0)
		return;
	put(b, "<h2>Double-entry differences</h2>");
	for (int c = 0; c < x->d->ncs; c++) {
		json_t *a = d_differences(x->d, c);

		json_array_foreach(a, i, it) {
			int t = (int)json_integer_value(json_object_get(it,
			    "table"));

			if (sup && !d_user_table_role(x->u, t, "supervisor"))
				continue;
			if (!n++)
				put(b, "<table id=\"diffs\"><caption>Entries"
				    " that differ</caption><thead><tr><th"
				    " scope=\"col\">Contest</th><th scope="
				    "\"col\">Box</th><th scope=\"col\">Table"
				    "</th><th scope=\"col\">Figure</th><th"
				    " scope=\"col\">Entry</th><th scope="
				    "\"col\">Value</th><th scope=\"col\">"
				    "Entered by</th></tr></thead><tbody>");
			json_array_foreach(json_object_get(it, "entries"), j,
			    en) {
				put(b, "<tr><td>");
				esc(b, x->d->cs[c].id);
				put(b, "</td><th scope=\"row\">");
				escj(b, json_object_get(it, "box"));
				putf(b, "</th><td class=\"n\">%d</td><td>", t);
				if (strcmp(sval(it, "figure"), "bpa") == 0)
					put(b, "BPA");
				else
					putf(b, "Count, attempt %lld",
					    (long long)json_integer_value(
					    json_object_get(it, "attempt")));
				putf(b, "</td><td class=\"n\">#%lld (%lld of"
				    " 2)</td><td class=\"n\">",
				    (long long)json_integer_value(
				    json_object_get(en, "entry")),
				    (long long)json_integer_value(
				    json_object_get(en, "entry_no")));
				escj(b, json_object_get(en, "value"));
				put(b, "</td><td>");
				escj(b, json_object_get(en, "user"));
				put(b, "</td></tr>");
			}
		}
		json_decref(a);
	}
	if (n)
		put(b, "</tbody></table>");
	n += d_html_tally_diffs(x, b);
	if (n)
		put(b, "<p>Withdraw the wrong entry: the other"
		    " then awaits a second entry by someone other than its"
		    " author. Withdraw both to have the figure entered"
		    " afresh.</p>");
	else
		put(b, "<p>No double-entry differences.</p>");
	if (n || (x->eform && strcmp(x->eform, "wfig") == 0))
		d_html_withdraw(x, b, "wfig", "Resolve a difference: withdraw"
		    " an entry", "Entry number to withdraw", NULL);
}

static void
scr_queue(struct ctx *x, struct sb *b)
{
	json_t *el = get(x, "election"), *c;
	size_t i;

	queue_diffs(x, b);
	d_html_f6_prompt(x, b);
	put(b, "<h2>Contests</h2><table><thead><tr><th scope=\"col\">Contest"
	    "</th><th scope=\"col\">State</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(el, "contests"), i, c) {
		put(b, "<tr><td>");
		escj(b, json_object_get(c, "name"));
		put(b, "</td><td class=\"state\">");
		escj(b, json_object_get(c, "state"));
		if (json_is_true(json_object_get(c, "suspended")))
			put(b, " (suspended)");
		put(b, "</td></tr>");
	}
	put(b, "</tbody></table>");
	json_decref(el);
	if (x->u->ntabs && x->c >= 0) {
		json_t *bx = get(x, "contests/%s/boxes", x->d->cs[x->c].id);
		const json_t *v;

		put(b, "<h2>Boxes at my tables</h2><ul>");
		json_array_foreach(bx, i, v) {
			long long t = json_integer_value(json_object_get(v,
			    "table"));
			int mine = 0;

			for (int k = 0; k < x->u->ntabs; k++)
				mine |= x->u->tabs[k].table == t;
			if (!mine)
				continue;
			put(b, "<li><a href=\"/verify?c=");
			esc(b, x->d->cs[x->c].id);
			put(b, "&amp;box=");
			esc(b, json_string_value(json_object_get(v, "box")));
			put(b, "\">Box ");
			escj(b, json_object_get(v, "box"));
			put(b, "</a>: ");
			escj(b, json_object_get(v, "state"));
			put(b, "</li>");
		}
		put(b, "</ul>");
		json_decref(bx);
	}
}

static void
scr_verify(struct ctx *x, struct sb *b)
{
	const char *box;
	json_t *bx, *mine;
	char att[16] = "0";

	mine = picked_box(x, b, "/verify", 1, &box, &bx);
	if (!box)
		focus_done = 1;	/* the empty picker took it */
	if (!mine)
		return;
	put(b, "<p>State: <span class=\"state\">");
	escj(b, json_object_get(mine, "state"));
	put(b, "</span>; table ");
	escj(b, json_object_get(mine, "table"));
	put(b, ".</p>");
	num(att, sizeof att, strcmp(sval(mine, "state"), "RECOUNTING") == 0 ?
	    (long long)json_array_size(json_object_get(mine, "counts")) : 0);
	form_open(x, b, "bpa", "Ballot paper account");
	field(x, b, "bpa", "box", "", "hidden", box, 0);
	field(x, b, "bpa", "issued_to_voters", "Papers issued to voters",
	    "num", "", 1);
	field(x, b, "bpa", "unused", "Unused", "num", "", 0);
	field(x, b, "bpa", "spoilt", "Spoilt", "num", "", 0);
	field(x, b, "bpa", "tendered", "Tendered", "num", "", 0);
	/* I3: the account's total line, issued to voters + unused +
	 * spoilt + tendered */
	field(x, b, "bpa", "issued_to_station", "Papers issued to the"
	    " station", "num", "", 0);
	form_close(b, "Save BPA entry");
	form_open(x, b, "count", "Papers counted");
	field(x, b, "count", "box", "", "hidden", box, 0);
	field(x, b, "count", "attempt", "Attempt (0 the first count)", "num",
	    att, 1);
	field(x, b, "count", "papers", "Papers counted", "num", "", 1);
	form_close(b, "Save count entry");
	/* §2.3: papers found in the wrong box go to the right one */
	form_open(x, b, "transfer", "Papers moved to another box");
	field(x, b, "transfer", "from_box", "From box", "text", box, 1);
	field(x, b, "transfer", "to_box", "To box", "text", "", 1);
	field(x, b, "transfer", "papers", "Papers moved", "num", "", 1);
	form_close(b, "Save transfer");
	/* §3.5: a transfer withdrawn or corrected by a new entry */
	d_html_withdraw(x, b, "wtransfer", "Withdraw a transfer",
	    "Transfer entry number", box);
	form_open(x, b, "ctransfer", "Correct a transfer");
	field(x, b, "ctransfer", "box", "", "hidden", box, 0);
	field(x, b, "ctransfer", "entry", "Transfer entry number", "num", "",
	    1);
	field(x, b, "ctransfer", "from_box", "From box", "text", box, 1);
	field(x, b, "ctransfer", "to_box", "To box", "text", "", 1);
	field(x, b, "ctransfer", "papers", "Papers moved", "num", "", 1);
	d_html_reason(x, b, "ctransfer");
	form_close(b, "Correct");
	json_decref(bx);
}

static void
scr_boxes(struct ctx *x, struct sb *b)
{
	static const char *const board_cols[] = { "Box", "Kind", "Area",
		"Table", "State", "BPA", "Counted", "Variance", "Verified",
		"Outcome", NULL };
	static const char *const board_keys[] = { "kind", "area", "#table",
		"~state", "#bpa", NULL };
	static const char *const board_tail[] = { "#variance", "#verified",
		"outcome", NULL };
	const char *cid = x->d->cs[x->c].id;
	json_t *bx = get(x, "contests/%s/boxes", cid);
	const json_t *v, *k;
	size_t i, j;
	static const char *const outcomes[] = { "agreed", "agreed_on_recount",
		"compensating", "variance_confirmed", "within_tolerance",
		"not_received", NULL };
	static const char *const items[] = { "bpa_arithmetic",
		"unused_count", "other_packets", "postal_not_added",
		"po_contacted", "boxes_issued", NULL };
	static const char *const results[] = { "done", "not_done", NULL };

	/* a board to read: no field takes the focus, so that `v` works */
	focus_done = 1;
	contest_pick(x, b, "/boxes");
	table_open(b, "Boxes", board_cols);
	json_array_foreach(bx, i, v) {
		const char *state = sval(v, "state");

		put(b, "<tr><th scope=\"row\">");
		/* a box in variance links to S-06; `v` goes from one to the
		 * next (§5) */
		if (role_in(x->u, " ro dro supervisor ") &&
		    (strcmp(state, "VARIANCE") == 0 || strcmp(state,
		    "CHECKED") == 0 || strcmp(state, "RECOUNTING") == 0)) {
			put(b, "<a class=\"var\" href=\"/variance?c=");
			urlenc(b, cid);
			put(b, "&amp;box=");
			urlenc(b, sval(v, "box"));
			put(b, "\">");
			escj(b, json_object_get(v, "box"));
			put(b, "</a>");
		} else
			escj(b, json_object_get(v, "box"));
		put(b, "</th>");
		row_cells(b, v, board_keys);
		put(b, "<td class=\"n\">");
		json_array_foreach(json_object_get(v, "counts"), j, k) {
			if (j)
				put(b, ", ");
			escj(b, json_object_get(k, "papers"));
		}
		put(b, "</td>");
		row_cells(b, v, board_tail);
		put(b, "</tr>");
	}
	put(b, "</tbody></table>");
	json_decref(bx);
	form_open(x, b, "open", "Open a box at a table");
	field(x, b, "open", "box", "Box code", "text", "", 1);
	field(x, b, "open", "table", "Table", "num", "", 1);
	form_close(b, "Open box");
	form_open(x, b, "check", "Preliminary check");
	field(x, b, "check", "box", "Box code", "text", "", 1);
	select_field(x, b, "check", "item", "Check", items);
	select_field(x, b, "check", "result", "Result", results);
	form_close(b, "Record check");
	form_open(x, b, "decide", "Approve a box");
	field(x, b, "decide", "box", "Box code", "text", "", 1);
	select_field(x, b, "decide", "outcome", "Outcome", outcomes);
	field(x, b, "decide", "explanation", "Explanation", "text", "", 0);
	form_close(b, "Record decision");
}

/* S-10's correction (§3.5; Ctrl+Z opens it): entries/N/correction
 * with the bundle's data; after a save, N is the bundle just saved by
 * this user, its slip, position and papers filled in. */
static void
bundle_correct(struct ctx *x, struct sb *b, const char *round,
    const char *area, const char *table)
{
	const struct d_bundle *bd = NULL;
	char en[24] = "", cand[16] = "", papers[24] = "";
	const char *sv = q(x, "saved");
	long long n = sv ? strtoll(sv, NULL, 10) : d_html_my_last(x);

	for (int i = 0; n > 0 && i < x->d->nbs; i++)
		if (x->d->bs[i].entry == n && x->d->bs[i].kind == 'c' &&
		    !x->d->bs[i].withdrawn && x->d->bs[i].user &&
		    strcmp(x->d->bs[i].user, x->u->username) == 0)
			bd = &x->d->bs[i];
	if (bd) {
		num(en, sizeof en, bd->entry);
		num(cand, sizeof cand, bd->cand);
		num(papers, sizeof papers, bd->papers);
	}
	form_open(x, b, "cbundle", "Correct a bundle (Ctrl+Z)");
	field(x, b, "cbundle", "round", "", "hidden", round, 0);
	field(x, b, "cbundle", "stage", "", "hidden", "1", 0);
	field(x, b, "cbundle", "kind", "", "hidden", "candidate", 0);
	field(x, b, "cbundle", "area", "", "hidden", area ? area : "", 0);
	field(x, b, "cbundle", "table", "", "hidden", table, 0);
	field(x, b, "cbundle", "entry", "Bundle entry number", "num", en, 1);
	field(x, b, "cbundle", "slip", "Slip", "text", bd ? bd->slip : "",
	    1);
	field(x, b, "cbundle", "candidate", "Candidate position", "num",
	    cand, 1);
	field(x, b, "cbundle", "papers", "Papers", "num", papers, 1);
	put(b, "<label for=\"cbundle-part\">Part bundle</label><input id=\""
	    "cbundle-part\" name=\"part\" type=\"checkbox\" value=\"1\">");
	field(x, b, "cbundle", "counted_by", "Counted by (staff no.)", "text",
	    "", 1);
	field(x, b, "cbundle", "checked_by", "Checked by (staff no.)", "text",
	    "", 1);
	d_html_reason(x, b, "cbundle");
	form_close(b, "Correct");
}

static void
scr_bundles(struct ctx *x, struct sb *b)
{
	const char *cid = x->d->cs[x->c].id;
	json_t *k = get(x, "contests/%s", cid);
	char round[16], table[16], size[16];
	const char *area;

	contest_pick(x, b, "/bundles");
	if (!k)
		return;
	num(round, sizeof round, json_integer_value(json_object_get(k,
	    "round")));
	num(table, sizeof table, x->u->ntabs ? x->u->tabs[0].table : 1);
	num(size, sizeof size, json_integer_value(json_object_get(k,
	    "bundle_size")));
	area = json_string_value(json_object_get(json_array_get(
	    json_object_get(k, "areas"), 0), "id"));
	put(b, "<p>Round ");
	esc(b, round);
	put(b, ", state <span class=\"state\">");
	escj(b, json_object_get(k, "state"));
	put(b, "</span>.</p>");
	cand_table(b, json_object_get(k, "candidates"));
	form_open(x, b, "bundle", "Bundle");
	field(x, b, "bundle", "round", "", "hidden", round, 0);
	field(x, b, "bundle", "stage", "", "hidden", "1", 0);
	field(x, b, "bundle", "kind", "", "hidden", "candidate", 0);
	field(x, b, "bundle", "area", "", "hidden", area ? area : "", 0);
	field(x, b, "bundle", "table", "", "hidden", table, 0);
	field(x, b, "bundle", "slip", "Slip", "text", "", 1);
	field(x, b, "bundle", "candidate", "Candidate position", "num", "",
	    1);
	field(x, b, "bundle", "papers", "Papers", "num", size, 1);
	put(b, "<label for=\"bundle-part\">Part bundle</label><input id=\""
	    "bundle-part\" name=\"part\" type=\"checkbox\" value=\"1\">");
	field(x, b, "bundle", "counted_by", "Counted by (staff no.)", "text",
	    "", 1);
	field(x, b, "bundle", "checked_by", "Checked by (staff no.)", "text",
	    "", 1);
	form_close(b, "Save bundle");
	form_open(x, b, "doubtful", "Doubtful papers");
	field(x, b, "doubtful", "round", "", "hidden", round, 0);
	field(x, b, "doubtful", "stage", "", "hidden", "1", 0);
	field(x, b, "doubtful", "area", "", "hidden", area ? area : "", 0);
	field(x, b, "doubtful", "table", "", "hidden", table, 0);
	field(x, b, "doubtful", "papers", "Papers", "num", "1", 1);
	field(x, b, "doubtful", "description", "Description (no ballot"
	    " numbers)", "text", "", 1);
	form_close(b, "Raise doubtful");
	bundle_correct(x, b, round, area, table);
	d_html_my_bundles(x, b);
	json_decref(k);
}

/* The round's rejected papers as endorsed (§2.7): "rejected", and
 * "rejection objected to" once an agent objects. */
static void
rejected_log(struct ctx *x, struct sb *b)
{
	static const char *const cols[] = { "Adjudication", "Doubtful",
		"Papers", "Head", "Endorsement", NULL };
	json_t *lg = get(x, "contests/%s/adjudications", x->d->cs[x->c].id);
	const json_t *it;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(lg, "adjudications"), i, it) {
		const json_t *dc = json_object_get(it, "decision");
		const char *en = json_string_value(json_object_get(it,
		    "endorsement"));

		if (!en || strncmp(en, "rejected", 8) != 0)
			continue;
		if (!n++)
			table_open(b, "Rejected papers, as endorsed", cols);
		put(b, "<tr><td class=\"n\">");
		escj(b, json_object_get(dc, "entry"));
		put(b, "</td><td class=\"n\">");
		escj(b, json_object_get(it, "doubtful"));
		put(b, "</td><td class=\"n\">");
		escj(b, json_object_get(it, "papers"));
		put(b, "</td><td>");
		escj(b, json_object_get(dc, "head"));
		put(b, "</td><td>");
		esc(b, en);
		put(b, "</td></tr>");
	}
	if (n)
		put(b, "</tbody></table>");
	json_decref(lg);
}

static void
scr_adjudicate(struct ctx *x, struct sb *b)
{
	static const char *const dec[] = { "valid", "rejected",
		"rejected_in_part", NULL };
	json_t *k = get(x, "contests/%s", x->d->cs[x->c].id);

	contest_pick(x, b, "/adjudicate");
	d_html_adj_queue(x, b);
	if (k)
		cand_table(b, json_object_get(k, "candidates"));
	json_decref(k);
	form_open(x, b, "adjudicate", "Decide a doubtful paper");
	field(x, b, "adjudicate", "doubtful", "Doubtful entry number", "num",
	    "", 1);
	select_field(x, b, "adjudicate", "decision", "Decision", dec);
	field(x, b, "adjudicate", "positions", "Positions allowed", "text",
	    "", 0);
	field(x, b, "adjudicate", "head", "Rejection head", "text", "", 0);
	d_html_adj_objection(x, b);
	field(x, b, "adjudicate", "agents_present", "Agents present (ids)",
	    "text", "", 0);
	form_close(b, "Record decision");
	rejected_log(x, b);
	form_open(x, b, "objection", "An agent objects to a rejection");
	field(x, b, "objection", "adjudication", "Adjudication entry number",
	    "num", "", 1);
	field(x, b, "objection", "agent", "Agent (id)", "text", "", 1);
	form_close(b, "Record objection");
	d_html_withdraw(x, b, "wobjection", "Withdraw an objection",
	    "Objection entry number", NULL);
	form_open(x, b, "cobjection", "Correct an objection");
	field(x, b, "cobjection", "entry", "Objection entry number", "num",
	    "", 1);
	field(x, b, "cobjection", "adjudication", "Adjudication entry"
	    " number", "num", "", 1);
	field(x, b, "cobjection", "agent", "Agent (id)", "text", "", 1);
	d_html_reason(x, b, "cobjection");
	form_close(b, "Correct");
}

static void
scr_provisional(struct ctx *x, struct sb *b)
{
	static const char *const rcdec[] = { "granted", "refused",
		"bundle_inspection", NULL };
	const char *cid = x->d->cs[x->c].id;
	json_t *p = get(x, "contests/%s/provisional", cid);
	char ver[16] = "";

	contest_pick(x, b, "/provisional");
	if (p) {
		num(ver, sizeof ver, json_integer_value(json_object_get(p,
		    "version")));
		put(b, "<h2>Version ");
		esc(b, ver);
		put(b, "</h2>");
		result_table(b, p);
	} else
		put(b, "<p>No provisional result released yet.</p>");
	json_decref(p);
	form_open(x, b, "release", "Compute and release");
	field(x, b, "release", "present", "Agents present (ids)", "text", "",
	    0);
	field(x, b, "release", "note", "Note", "text", "", 0);
	form_close(b, "Release provisional result");
	form_open(x, b, "rcreq", "Record a recount request");
	field(x, b, "rcreq", "requester_name", "Requested by", "text", "", 1);
	field(x, b, "rcreq", "capacity", "Capacity (candidate, agent)",
	    "text", "", 1);
	field(x, b, "rcreq", "agent", "Agent id (if an agent)", "text", "",
	    0);
	field(x, b, "rcreq", "scope", "Scope", "text", "", 0);
	field(x, b, "rcreq", "grounds", "Grounds", "text", "", 1);
	form_close(b, "Record request");
	form_open(x, b, "rcdec", "Decide a recount");
	field(x, b, "rcdec", "request", "Request entry (empty: own motion)",
	    "num", "", 0);
	select_field(x, b, "rcdec", "decision", "Decision", rcdec);
	field(x, b, "rcdec", "scope", "Scope", "text", "", 0);
	field(x, b, "rcdec", "reason", "Reason", "text", "", 1);
	form_close(b, "Record decision");
	form_open(x, b, "ready", "Ready to declare");
	field(x, b, "ready", "version", "Version", "num", ver, 1);
	field(x, b, "ready", "note", "Note (the opportunity given)", "text",
	    "", 1);
	form_close(b, "Ready to declare");
}

static void
scr_lot(struct ctx *x, struct sb *b)
{
	json_t *k = get(x, "contests/%s", x->d->cs[x->c].id);

	if (k) {
		put(b, "<p>State <span class=\"state\">");
		escj(b, json_object_get(k, "state"));
		put(b, "</span>.</p>");
		cand_table(b, json_object_get(k, "candidates"));
	}
	json_decref(k);
	form_open(x, b, "lot", "Record a lot");
	field(x, b, "lot", "purpose", "Purpose", "text", "", 1);
	field(x, b, "lot", "tied", "Tied positions", "text", "", 1);
	field(x, b, "lot", "method", "Method", "text", "", 1);
	field(x, b, "lot", "witnesses", "Witnesses", "text", "", 1);
	field(x, b, "lot", "drawn", "Position drawn", "num", "", 1);
	field(x, b, "lot", "password", "Your password (re-authentication)",
	    "password", "", 1);
	form_close(b, "Record lot");
}

static void
scr_declaration(struct ctx *x, struct sb *b)
{
	const char *cid = x->d->cs[x->c].id;
	json_t *dl = get(x, "contests/%s/declaration", cid), *p;
	char ver[16] = "";

	contest_pick(x, b, "/declaration");
	if (dl) {
		put(b, "<h2>Declared</h2><pre class=\"big\">");
		escj(b, json_object_get(dl, "text"));
		put(b, "</pre>");
		result_table(b, dl);
		json_decref(dl);
		return;
	}
	if ((p = get(x, "contests/%s/provisional", cid))) {
		num(ver, sizeof ver, json_integer_value(json_object_get(p,
		    "version")));
		put(b, "<div class=\"big\">");
		result_table(b, p);
		put(b, "</div>");
		json_decref(p);
	}
	form_open(x, b, "declare", "Declare");
	field(x, b, "declare", "version", "Version", "num", ver, 1);
	field(x, b, "declare", "password", "Your password"
	    " (re-authentication)", "password", "", 1);
	form_close(b, "Declare");
}

static void
scr_hall(struct ctx *x, struct sb *b)
{
	json_t *bd = get(x, "board");
	const json_t *c;
	size_t i;

	put(b, "<div class=\"hall\">");
	json_array_foreach(json_object_get(bd, "contests"), i, c) {
		const json_t *r = json_object_get(c, "result");

		putf(b, "<section aria-labelledby=\"hc-%zu\">"
		    "<h2 id=\"hc-%zu\">", i, i);
		escj(b, json_object_get(c, "name"));
		put(b, " <span class=\"badge\">");
		escj(b, json_object_get(c, "state"));
		put(b, "</span>");
		if (json_is_true(json_object_get(c, "suspended")))
			put(b, " <span class=\"badge\">Suspended</span>");
		if (json_is_true(json_object_get(c, "recount")))
			put(b, " <span class=\"badge\">Recount</span>");
		put(b, "</h2><dl><dt>Boxes received</dt><dd>");
		escj(b, json_object_get(c, "boxes_received"));
		put(b, " of ");
		escj(b, json_object_get(c, "boxes_expected"));
		put(b, "</dd><dt>Boxes verified</dt><dd>");
		escj(b, json_object_get(c, "boxes_verified"));
		put(b, " of ");
		escj(b, json_object_get(c, "boxes_expected"));
		put(b, "</dd><dt>Papers going to the count</dt><dd>");
		escj(b, json_object_get(c, "papers_to_count"));
		put(b, "</dd><dt>Progress</dt><dd>");
		escj(b, json_object_get(c, "progress_percent"));
		put(b, " %</dd><dt>Doubtful papers waiting</dt><dd>");
		escj(b, json_object_get(c, "doubtful_queue"));
		put(b, "</dd></dl>");
		if (json_is_object(r))
			result_table(b, r);
		put(b, "</section>");
	}
	put(b, "</div>");
	json_decref(bd);
}

/* S-01's password change, forced after a first login (§6.2). */
static void
scr_password(struct ctx *x, struct sb *b)
{
	if (q(x, "changed"))
		put(b, "<p>Your password is changed.</p>");
	form_open(x, b, "password", "New password");
	field(x, b, "password", "old", "Current password", "password", "", 1);
	field(x, b, "password", "new", "New password (12 characters or"
	    " more)", "password", "", 1);
	form_close(b, "Change password");
}

/* S-22: the declared results, no cookie, no script. */
static void
scr_public(struct ctx *x, struct sb *b)
{
	json_t *pr = get(x, "public/results");
	const json_t *c;
	size_t i;

	if (!json_array_size(json_object_get(pr, "contests")))
		put(b, "<p>No result has been declared yet.</p>");
	json_array_foreach(json_object_get(pr, "contests"), i, c) {
		putf(b, "<section aria-labelledby=\"pc-%zu\">"
		    "<h2 id=\"pc-%zu\">", i, i);
		escj(b, json_object_get(c, "name"));
		put(b, "</h2><p>Declared at ");
		escj(b, json_object_get(c, "declared_at"));
		put(b, ".</p>");
		result_table(b, c);
		if (json_object_get(c, "turnout")) {
			put(b, "<p>Turnout ");
			escj(b, json_object_get(c, "turnout"));
			put(b, " %.</p>");
		}
		put(b, "</section>");
	}
	json_decref(pr);
}

void
respond(struct d_http *h, int status, struct sb *b)
{
	h->status = status;
	h->ctype_out = "text/html; charset=utf-8";
	if (b->oom) {
		free(b->p);
		h->status = 500;
		h->resp = d_strdup("out of memory\n");
		return;
	}
	h->resp = b->p ? b->p : d_strdup("");
}

static void
redirect(struct d_http *h, const char *to)
{
	h->status = 303;
	h->location = d_strdup(to);
	h->resp = d_strdup("");
	h->ctype_out = "text/html; charset=utf-8";
}

void
simple(struct ctx *x, int status, const char *title, const char *msg)
{
	struct sb b;

	memset(&b, 0, sizeof b);
	page_begin(x, &b, title, 1);
	put(&b, "<p>");
	esc(&b, msg);
	put(&b, "</p>");
	page_end(&b);
	respond(x->h, status, &b);
}

static void
login_page(struct ctx *x, int status, const char *user)
{
	struct sb b;

	memset(&b, 0, sizeof b);
	page_begin(x, &b, "Log in", 1);
	put(&b, "<form class=\"entry\" method=\"post\" action=\"/login\">"
	    "<label for=\"login-username\">Username</label><input id=\""
	    "login-username\" name=\"username\" type=\"text\" autocomplete=\""
	    "username\" required autofocus");
	if (user) {
		put(&b, " value=\"");
		esc(&b, user);
		put(&b, "\"");
	}
	put(&b, "><label for=\"login-password\">Password</label><input id=\""
	    "login-password\" name=\"password\" type=\"password\""
	    " autocomplete=\"current-password\" required><label for=\""
	    "login-device\">Device token (RO, DRO, manager: this terminal's"
	    " enrolment)</label><input id=\"login-device\" name=\"device\""
	    " type=\"password\" autocomplete=\"off\"><button type=\"submit\">"
	    "Log in</button></form>");
	page_end(&b);
	respond(x->h, status, &b);
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decodes s[0..n) into out; -1 on a bad escape or a NUL. */
static int
unesc(const char *s, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		int c = s[i];

		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (i + 2 >= n || hexval(s[i + 1]) < 0 ||
			    hexval(s[i + 2]) < 0)
				return -1;
			c = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
			i += 2;
		}
		if (c == 0)
			return -1;
		*out++ = (char)c;
	}
	*out = 0;
	return 0;
}

/* application/x-www-form-urlencoded -> {name: string}; NULL if bad
 * (also a value that is not UTF-8). */
static json_t *
form_decode(const char *s, size_t n)
{
	json_t *o = json_object();
	char *k = malloc(n + 1), *v = malloc(n + 1);
	size_t i = 0;

	if (!o || !k || !v)
		goto bad;
	while (i < n) {
		size_t e = i, eq;
		int has;

		while (e < n && s[e] != '&')
			e++;
		for (eq = i; eq < e && s[eq] != '='; eq++)
			;
		has = eq < e;
		if (unesc(s + i, eq - i, k) || unesc(s + eq + has, e - eq -
		    (size_t)has, v))
			goto bad;
		if (k[0] && json_object_set_new(o, k, json_string(v)))
			goto bad;
		i = e + 1;
	}
	free(k);
	free(v);
	return o;
bad:
	free(k);
	free(v);
	json_decref(o);
	return NULL;
}

static const char *
sval(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static int
parse_int(const char *s, long long *v)
{
	char *end;

	while (*s == ' ')
		s++;
	if (!*s || strlen(s) > 18)
		return -1;
	*v = strtoll(s, &end, 10);
	while (*end == ' ')
		end++;
	return *end ? -1 : 0;
}

/* A tally sheet's votes (type V): the fields v1, v2, ... as
 * {"1": n, ...}, blank ones left out; NULL if one is not a number. */
static const char *
votes_of(const json_t *vals, json_t *o, const char *name)
{
	json_t *vo = json_object();
	const char *k;
	const json_t *v;
	long long n;

	json_object_foreach((json_t *)vals, k, v) {
		const char *s = json_string_value(v);

		if (k[0] != 'v' || !k[1] || strspn(k + 1, "0123456789") !=
		    strlen(k + 1) || !s || !*s)
			continue;
		if (parse_int(s, &n)) {
			json_decref(vo);
			return NULL;
		}
		json_object_set_new(vo, k + 1, json_integer(n));
	}
	json_object_set_new(o, name, vo);
	return name;
}

/* The API body of a form: typed per its field list ('+' a member of
 * "data", '^' of "unexpected"); msg on a bad one (d a position or a
 * code, V the votes of v<position> fields, G groups
 * of box codes split on ';', B a checkbox sent as true or false). */
static json_t *
form_body(const struct fdef *f, const json_t *vals, char *msg, size_t n)
{
	json_t *top = json_object(), *data = json_object(), *o;
	json_t *un = json_object();
	char spec[200], *tok, *save = NULL;

	snprintf(spec, sizeof spec, "%s", f->fields);
	for (tok = strtok_r(spec, " ", &save); tok; tok = strtok_r(NULL, " ",
	    &save)) {
		char *colon = strchr(tok, ':');
		int indata = colon[1] == '+' || colon[1] == '^';
		int type = colon[1 + indata], opt = colon[2 + indata] == '?';
		const char *v;
		long long x;

		*colon = 0;
		o = colon[1] == '^' ? un : indata ? data : top;
		v = sval(vals, tok);
		if (type == '#' || type == '@')	/* the path's, not the
						 * body's */
			continue;
		if (type == 'b' || type == 'B') {
			/* B: always sent, false when unticked */
			if (*v || type == 'B')
				json_object_set_new(o, tok, json_boolean(*v));
			continue;
		}
		if (!*v && opt)
			continue;
		if (type == 's')
			json_object_set_new(o, tok, json_string(v));
		else if (type == 'd') {
			/* a position or a code (a stage-2 destination) */
			json_object_set_new(o, tok, parse_int(v, &x) ?
			    json_string(v) : json_integer(x));
		} else if (type == 'V') {
			if (!(v = votes_of(vals, o, tok))) {
				snprintf(msg, n, "votes must be whole numbers");
				goto bad;
			}
		} else if (type == 'G') {
			json_t *a = json_array();
			char item[1024], *g, *s1 = NULL;

			snprintf(item, sizeof item, "%s", v);
			for (g = strtok_r(item, ";", &s1); g;
			    g = strtok_r(NULL, ";", &s1)) {
				json_t *grp = json_array();
				char *it, *s2 = NULL;

				for (it = strtok_r(g, ", ", &s2); it;
				    it = strtok_r(NULL, ", ", &s2))
					json_array_append_new(grp,
					    json_string(it));
				if (json_array_size(grp))
					json_array_append_new(a, grp);
				else
					json_decref(grp);
			}
			json_object_set_new(o, tok, a);
		} else if (type == 'i') {
			if (parse_int(v, &x)) {
				snprintf(msg, n, "%s must be a whole number",
				    tok);
				goto bad;
			}
			json_object_set_new(o, tok, json_integer(x));
		} else {
			json_t *a = json_array();
			char item[256], *it, *s2 = NULL;

			snprintf(item, sizeof item, "%s", v);
			for (it = strtok_r(item, ", ", &s2); it;
			    it = strtok_r(NULL, ", ", &s2)) {
				if (type == 'S') {
					json_array_append_new(a,
					    json_string(it));
					continue;
				}
				/* P: S-03's packets, a number key 1..8
				 * for its code, or the code */
				if (type == 'P') {
					json_array_append_new(a, json_string(
					    !parse_int(it, &x) && x >= 1 &&
					    x <= 8 ? d_html_packets[x - 1] :
					    it));
					continue;
				}
				if (parse_int(it, &x)) {
					snprintf(msg, n, "%s must be whole"
					    " numbers", tok);
					json_decref(a);
					goto bad;
				}
				json_array_append_new(a, json_integer(x));
			}
			json_object_set_new(o, tok, a);
		}
	}
	if (json_object_size(data))
		json_object_set(top, "data", data);
	if (json_object_size(un))
		json_object_set(top, "unexpected", un);
	json_decref(data);
	json_decref(un);
	return top;
bad:
	json_decref(data);
	json_decref(un);
	json_decref(top);
	return NULL;
}

static void render(struct ctx *x, const struct screen *s, int status);

static const struct screen *
screen_of(const char *path)
{
	for (size_t i = 0; i < NSCREENS; i++)
		if (strcmp(screens[i].path, path) == 0)
			return &screens[i];
	return NULL;
}

/* The message of an API error answer. */
static void
api_msg(const json_t *r, int st, char *msg, size_t n)
{
	const char *m = json_string_value(json_object_get(json_object_get(r,
	    "error"), "message"));

	snprintf(msg, n, "%s (HTTP %d)", m ? m : "refused", st);
}

/* users/@/disable: the '@' field's value in the path. */
static void
path_named(const struct fdef *f, const json_t *vals, char *out, size_t n)
{
	const char *at = strchr(f->path, '@'), *fl = strchr(f->fields, ':');
	char name[40];

	snprintf(name, sizeof name, "%.*s", (int)(fl - f->fields), f->fields);
	snprintf(out, n, "%.*s%s%s", (int)(at - f->path), f->path,
	    sval(vals, name), at + 1);
}

/* A generated password or device token is shown once, on S-24 itself
 * (never in a URL): 1 when the page was rendered. */
static int
shown_once(struct ctx *x, const struct fdef *f, json_t *r)
{
	const char *pw = json_string_value(json_object_get(r, "password"));
	const char *tok = json_string_value(json_object_get(r, "token"));

	if (!pw && !tok) 
		return 0;
	x->once_what = pw ? "password" : "token";
	x->once = pw ? pw : tok;
	x->once_for = sval(x->vals, strcmp(f->id, "dadd") == 0 ? "name" :
	    "username");
	render(x, screen_of(f->back), 200);
	json_decref(r);
	return 1;
}

static void
do_form(struct ctx *x, json_t *vals)
{
	const char *id = sval(vals, "form"), *idem = sval(vals, "idem");
	const struct fdef *f = NULL;
	json_t *body, *r = NULL;
	char path[200], msg[400];
	struct sb to;
	int st, want;

	for (size_t i = 0; i < NFORMS; i++)
		if (strcmp(forms[i].id, id) == 0)
			f = &forms[i];
	if (!f || x->c < 0 || !d_csrf_ok(x->tok, id, idem, sval(vals,
	    "csrf"))) {
		simple(x, 403, "Refused", "§6.3: this form's CSRF token is"
		    " missing or wrong; nothing was saved.");
		return;
	}
	x->eform = f->id;
	x->vals = vals;
	if (!(body = form_body(f, vals, msg, sizeof msg))) {
		x->err = msg;
		render(x, screen_of(f->back), 400);
		return;
	}
	/* reauth 2: only when a password is given (the RO's outcomes) */
	if (f->reauth == 1 || (f->reauth == 2 && *sval(vals, "password"))) {
		json_t *pb = json_pack("{s:s}", "password", sval(vals,
		    "password"));

		st = d_sess_api(x->d, x->h, x->tok, "POST", "reauth", pb,
		    NULL, &r);
		json_decref(pb);
		if (st != 200) {
			api_msg(r, st, msg, sizeof msg);
			json_decref(r);
			json_decref(body);
			x->err = msg;
			render(x, screen_of(f->back), st);
			return;
		}
		json_decref(r);
		r = NULL;
	}
	if (f->percontest)
		snprintf(path, sizeof path, "contests/%s/%s", x->d->cs[x->c].id,
		    f->path);
	else if (strchr(f->path, '#')) {
		/* entries/N/withdrawal: N is the form's entry field */
		const char *hash = strchr(f->path, '#');
		long long en;

		if (parse_int(sval(vals, "entry"), &en) || en < 1) {
			json_decref(body);
			x->err = "entry must be an entry number";
			render(x, screen_of(f->back), 400);
			return;
		}
		snprintf(path, sizeof path, "%.*s%lld%s", (int)(hash -
		    f->path), f->path, en, hash + 1);
	} else if (strchr(f->path, '@'))
		path_named(f, vals, path, sizeof path);
	else
		snprintf(path, sizeof path, "%s", f->path);
	st = d_sess_api(x->d, x->h, x->tok, "POST", path, body, idem, &r);
	json_decref(body);
	want = strcmp(f->path, "password") == 0 ? 204 : 201;
	if (st != want) {
		api_msg(r, st, msg, sizeof msg);
		json_decref(r);
		x->err = msg;
		/* a role refused the screen sees only the refusal */
		if (!role_in(x->u, screen_of(f->back)->roles))
			simple(x, st, "Not saved", msg);
		else
			render(x, screen_of(f->back), st);
		return;
	}
	if (shown_once(x, f, r))
		return;
	memset(&to, 0, sizeof to);
	put(&to, f->back);
	if (!json_object_get(r, "entry") && want == 201)
		goto done;	/* an event (airgap.override), no entry */
	if (want == 204) {
		put(&to, "?changed=1");
		goto done;
	}
	put(&to, "?c=");
	urlenc(&to, x->d->cs[x->c].id);
	putf(&to, "&saved=%lld", (long long)json_integer_value(
	    json_object_get(r, "entry")));
	if (json_is_integer(json_object_get(r, "entry_no")))
		putf(&to, "&no=%lld", (long long)json_integer_value(
		    json_object_get(r, "entry_no")));
	if (json_is_string(json_object_get(r, "status"))) {
		put(&to, "&st=");
		urlenc(&to, json_string_value(json_object_get(r, "status")));
	}
	if (strcmp(f->back, "/verify") == 0 || strcmp(f->back,
	    "/variance") == 0) {
		put(&to, "&box=");
		urlenc(&to, sval(vals, "box"));
	}
done:
	json_decref(r);
	redirect(x->h, to.oom || !to.p ? "/" : to.p);
	free(to.p);
}

/* The keys of the script (§5) that work on screen s, as a list the
 * page carries (F1 goes to it); none on the hall board. */
static void
keys_legend(struct sb *b, const struct screen *s)
{
	static const char *const keys[][3] = {
		{ "", "Enter", "next empty field; saves from the last" },
		{ "", "Tab, Shift+Tab", "next, previous field" },
		{ "", "Esc", "clear the form (cancel)" },
		{ "", "/", "go to the box code, slip, sheet or entry" },
		{ "", "F1", "these keys" },
		{ "/boxes", "v", "next box in variance (to S-06)" },
		{ "/bundles", "Ctrl+Z", "correct the bundle just saved" },
		{ "/adjudicate", "1 .. 9", "on a queued paper: allow for those"
		    " positions (1 4 7 in a block vote)" },
		{ "/adjudicate", "R, then a head letter", "reject under that"
		    " head" },
		{ "/adjudicate", "P, then positions", "reject in part, those"
		    " marks counted" },
		{ "/adjudicate", "O", "objection by an agent on or off" },
		{ "/adjudicate", "Esc", "on a queued paper: defer it, to the"
		    " next" },
		{ "/adjudicate", "Enter", "on a queued paper: record the"
		    " decision" },
		{ "/receipt", "1 .. 8", "outside a text field: that packet"
		    " on or off the checklist of the form in use" },
		{ "/receipt", "Y, N", "outside a text field: seals intact,"
		    " not intact" },
		{ "/receipt", "Enter", "outside a text field: record the"
		    " receipt" },
		{ "/stage2", "1 .. n", "outside a text field: the source"
		    " (eliminated), then the destination (remaining)" },
		{ "/stage2", "N, then a code letter", "destination: not"
		    " transferred, that code" },
		{ "/stage2", "Space", "ends a position a longer one begins"
		    " with" },
		{ "/stage2", "Esc", "outside a text field: source and"
		    " destination again" },
	};

	if (s->fn == scr_hall)
		return;
	put(b, "<aside id=\"keys\" tabindex=\"-1\" aria-labelledby=\""
	    "keys-h\"><h2 id=\"keys-h\">Keys</h2><dl>");
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		if (*keys[i][0] && strcmp(keys[i][0], s->path) != 0)
			continue;
		putf(b, "<dt><kbd>%s</kbd></dt><dd>%s</dd>", keys[i][1],
		    keys[i][2]);
	}
	put(b, "</dl></aside>");
}

static void
render(struct ctx *x, const struct screen *s, int status)
{
	struct sb b;

	memset(&b, 0, sizeof b);
	focus_done = 0;
	page_begin(x, &b, s->title, s->fn == scr_hall ? 2 : 1);
	s->fn(x, &b);
	keys_legend(&b, s);
	page_end(&b);
	respond(x->h, status, &b);
}

static void
do_login(struct ctx *x, json_t *vals)
{
	json_t *body = json_pack("{s:s, s:s}", "username", sval(vals,
	    "username"), "password", sval(vals, "password")), *r = NULL;
	char msg[400], th[65];
	const char *tok;
	sqlite3_stmt *st;
	int s;

	if (*sval(vals, "device"))
		json_object_set_new(body, "device", json_string(sval(vals,
		    "device")));
	s = d_sess_api(x->d, x->h, NULL, "POST", "login", body, NULL, &r);
	json_decref(body);
	if (s != 200 || !(tok = json_string_value(json_object_get(r,
	    "token")))) {
		api_msg(r, s, msg, sizeof msg);
		json_decref(r);
		x->err = msg;
		login_page(x, s == 200 ? 500 : s, sval(vals, "username"));
		return;
	}
	d_token_hash(tok, th);
	if (sqlite3_prepare_v2(x->d->db, "UPDATE session SET kind = 'cookie'"
	    " WHERE token_hash = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	x->h->set_cookie = d_sess_cookie(tok);
	json_decref(r);
	redirect(x->h, "/");
}

static const char *
static_file(const char *path, const char **ctype, const char **more)
{
	*more = "";
	if (strcmp(path, "/static/desk.css") == 0) {
		*ctype = "text/css; charset=utf-8";
		return css;
	}
	if (strcmp(path, "/static/desk.js") == 0) {
		*ctype = "text/javascript; charset=utf-8";
		*more = js2;
		return js;
	}
	if (strcmp(path, "/static/print.css") == 0) {
		*ctype = "text/css; charset=utf-8";
		return d_print_css;
	}
	return NULL;
}

void
d_html(struct desk *d, struct d_http *h)
{
	struct ctx x;
	const char *path = h->url, *ct, *cid, *a, *more;
	const struct screen *s;
	json_t *vals = NULL;

	memset(&x, 0, sizeof x);
	x.d = d;
	x.h = h;
	x.c = d->ncs ? 0 : -1;
	h->nocache = 1;
	if ((a = static_file(path, &ct, &more)) && strcmp(h->method,
	    "GET") == 0) {
		/* the script: html.c's, then S-13's, S-03's and S-15's keys */
		int script = strcmp(path, "/static/desk.js") == 0;
		const char *part[] = { a, more, script ? d_html_js_keys : "",
			script ? d_html_js_entry_keys : "",
			script ? d_html_js_entry_keys2 : "" };
		size_t n = 1, at = 0;

		for (size_t i = 0; i < sizeof part / sizeof *part; i++)
			n += strlen(part[i]);
		h->ctype_out = ct;
		if (!(h->resp = malloc(n))) {
			h->status = 500;
			h->ctype_out = "text/plain; charset=utf-8";
			h->resp = d_strdup("out of memory\n");
			return;
		}
		h->status = 200;
		for (size_t i = 0; i < sizeof part / sizeof *part; i++) {
			memcpy(h->resp + at, part[i], strlen(part[i]));
			at += strlen(part[i]);
		}
		h->resp[at] = '\0';
		return;
	}
	if (d_sess_token(h, x.tok, sizeof x.tok))
		x.u = d_sess_user(d, x.tok, &x.reauth);
	if ((cid = q(&x, "c")) && d_contest_find(d, cid) >= 0)
		x.c = d_contest_find(d, cid);
	if (strcmp(h->method, "POST") == 0) {
		if (!d_origin_ok(h)) {
			simple(&x, 403, "Refused", "§6.3: a form from another"
			    " origin; nothing was saved.");
			return;
		}
		if (h->blen > 65536 || !(vals = form_decode(h->body ?
		    h->body : "", h->blen))) {
			simple(&x, 400, "Refused", "the form could not be"
			    " read");
			return;
		}
		if ((cid = json_string_value(json_object_get(vals, "c"))) &&
		    d_contest_find(d, cid) >= 0)
			x.c = d_contest_find(d, cid);
		if (strcmp(path, "/login") == 0)
			do_login(&x, vals);
		else if (!x.u)
			redirect(h, "/login");
		else if (strcmp(path, "/logout") == 0) {
			json_t *r = NULL;

			if (!d_csrf_ok(x.tok, "logout", sval(vals, "idem"),
			    sval(vals, "csrf"))) {
				simple(&x, 403, "Refused", "§6.3: this form's"
				    " CSRF token is missing or wrong.");
			} else {
				d_sess_api(d, h, x.tok, "POST", "logout",
				    NULL, NULL, &r);
				json_decref(r);
				h->set_cookie = d_sess_cookie(NULL);
				redirect(h, "/login");
			}
		} else if (strcmp(path, "/do") == 0)
			do_form(&x, vals);
		else
			simple(&x, 404, "Not found", "No such page.");
		json_decref(vals);
		return;
	}
	if (strcmp(h->method, "GET") != 0) {
		simple(&x, 405, "Not allowed", "GET or POST only.");
		return;
	}
	if (strcmp(path, "/public") == 0) {
		struct sb b;

		memset(&b, 0, sizeof b);
		h->nocache = 2;
		x.u = NULL;
		page_begin(&x, &b, "Results", 0);
		scr_public(&x, &b);
		page_end(&b);
		respond(h, 200, &b);
		return;
	}
	if (strcmp(path, "/login") == 0) {
		login_page(&x, 200, NULL);
		return;
	}
	s = screen_of(path);
	if (!s && strncmp(path, "/forms/", 7) != 0) {
		simple(&x, 404, "Not found", "No such page.");
		return;
	}
	if (!x.u) {
		redirect(h, "/login");
		return;
	}
	if ((!s || s->fn != scr_password) && d_must_change(d,
	    x.u->username)) {
		redirect(h, "/password");
		return;
	}
	if (!s) {
		/* §2.17's forms: who may see each is its read's business */
		d_html_form(&x, path + 7);
		return;
	}
	if (!role_in(x.u, s->roles) || x.c < 0) {
		simple(&x, 403, "Forbidden", "§3.2: this screen is not for"
		    " your role.");
		return;
	}
	render(&x, s, 200);
}
