/* SPDX-License-Identifier: MIT */
/* html_admin.c -- S-24, administration (§5): the accounts and their
 * state, the enrolled devices and the roles each may host (never a
 * token), the RO's delegations and the agent register (to the RO and
 * the manager: ADMIN has no count powers, §3.1), the exports made, and
 * the free disk against §4.2's floor of max(1 GiB, 10 x the book), the
 * TLS fingerprint and the listeners (§6.4).
 * Its forms add, disable and reset accounts and enrol and revoke
 * devices through the API's own code (accounts.c); a generated password
 * or token is shown once, on the page that answers the form. */
#include "html.h"

#include <stdio.h>
#include <string.h>

static int
role_is(const struct ctx *x, const char *roles)
{
	char k[24];

	snprintf(k, sizeof k, " %s ", x->u->role);
	return strstr(roles, k) != NULL;
}

static void
users(struct ctx *x, struct sb *b)
{
	static const char *const cols[] = { "User", "Name", "Role",
		"Staff no", "Tables", "State", NULL };
	sqlite3_stmt *st;

	table_open(b, "Accounts", cols);
	for (int i = 0; i < x->d->nusers; i++) {
		const struct d_user *u = &x->d->users[i];
		int dis = 0, pw = 0, mc = 0;

		if (sqlite3_prepare_v2(x->d->db, "SELECT disabled, pw_hash IS"
		    " NOT NULL, must_change FROM user WHERE username = ?", -1,
		    &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, u->username, -1,
			    SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW) {
				dis = sqlite3_column_int(st, 0);
				pw = sqlite3_column_int(st, 1);
				mc = sqlite3_column_int(st, 2);
			}
			sqlite3_finalize(st);
		}
		put(b, "<tr><td>");
		esc(b, u->username);
		put(b, "</td><td>");
		esc(b, u->full_name);
		put(b, "</td><td>");
		esc(b, u->role);
		put(b, "</td><td>");
		esc(b, u->staff_no ? u->staff_no : "\xe2\x80\x94");
		put(b, "</td><td>");
		for (int t = 0; t < u->ntabs; t++)
			putf(b, "%s%d (%s)", t ? ", " : "", u->tabs[t].table,
			    u->tabs[t].role);
		put(b, "</td><td>");
		put(b, dis ? "disabled" : !pw ? "no password yet" : mc ?
		    "must change the password" : "active");
		put(b, "</td></tr>");
	}
	put(b, "</tbody></table>");
}

static void
devices(struct ctx *x, struct sb *b)
{
	static const char *const cols[] = { "Device", "Roles it may host",
		"Token", NULL };
	sqlite3_stmt *st;
	int n = 0;

	table_open(b, "Enrolled devices", cols);
	if (sqlite3_prepare_v2(x->d->db, "SELECT name, roles, token_hash IS"
	    " NOT NULL FROM device ORDER BY name", -1, &st, NULL) ==
	    SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			put(b, "<tr><td>");
			esc(b, (const char *)sqlite3_column_text(st, 0));
			put(b, "</td><td>");
			esc(b, (const char *)sqlite3_column_text(st, 1));
			put(b, sqlite3_column_int(st, 2) ? "</td><td>set"
			    "</td></tr>" : "</td><td>revoked or not given"
			    "</td></tr>");
			n++;
		}
		sqlite3_finalize(st);
	}
	if (!n)
		put(b, "<tr><td colspan=\"3\">No device enrolled.</td></tr>");
	put(b, "</tbody></table>");
}

static void
register_(struct ctx *x, struct sb *b)
{
	static const char *const dc[] = { "Deputy", "Powers", "Contests",
		"Written appointment", NULL };
	static const char *const ac[] = { "Agent", "Name", "Contest",
		"Candidate", "Capacity", NULL };
	static const char *const ak[] = { "id", "name", "contest",
		"candidate", "capacity", NULL };
	json_t *dl = df_delegations(x->d);
	const json_t *v, *e;
	size_t i, j;

	table_open(b, "Delegations", dc);
	json_array_foreach(dl, i, v) {
		put(b, "<tr><td>");
		escj(b, json_object_get(v, "dro"));
		put(b, "</td><td>");
		json_array_foreach(json_object_get(v, "powers"), j, e) {
			put(b, j ? ", " : "");
			escj(b, e);
		}
		put(b, "</td><td>");
		json_array_foreach(json_object_get(v, "contests"), j, e) {
			put(b, j ? ", " : "");
			escj(b, e);
		}
		put(b, "</td><td>");
		escj(b, json_object_get(v, "instrument_ref"));
		put(b, "</td></tr>");
	}
	json_decref(dl);
	put(b, "</tbody></table>");
	rows_table(b, "Agent register", ac, ak, x->d->agents);
}

/* Opens an S-24 form that acts on the whole book: outside a contest's
 * page it names the first contest, as every form must name one. */
static void
admin_form_open(struct ctx *x, struct sb *b, const char *form,
    const char *title)
{
	form_open(x, b, form, title);
	if (x->c < 0 && x->d->ncs > 0)
		field(x, b, form, "c", "", "hidden", x->d->cs[0].id, 0);
}

/* The ballast file (§4.2) and, to ADMIN, the form that deletes it. */
static void
ballast(struct ctx *x, struct sb *b, const char *path)
{
	long long bl = d_disk_ballast(path);

	if (bl < 0) {
		put(b, "<p>Ballast: none (deleted, or not made for want of"
		    " room); serve makes it again at start when there is"
		    " room.</p>");
		return;
	}
	putf(b, "<p>Ballast: <code>book.ballast</code>, %lld MiB held back"
	    " for a full disk.</p>", bl >> 20);
	if (strcmp(x->u->role, "admin") != 0)
		return;
	admin_form_open(x, b, "ballast", "Delete the ballast");
	put(b, "<p>When the disk is full and the book read-only: delete"
	    " it, then back up and move files off the disk.</p>");
	form_close(b, "Delete the ballast");
}

/* F21 (§6.6): to the RO, the manager and ADMIN, the form that writes
 * the audit export to serve's --export-dir (POST exports). */
static void
export_form(struct ctx *x, struct sb *b)
{
	const char *dir = d_f21_dir_get();

	if (!role_is(x, " ro manager admin "))
		return;
	if (!dir) {
		put(b, "<p>F21 audit export: serve was started without"
		    " <code>--export-dir</code>; <code>teller-desk export DB"
		    " --tar FILE</code> makes one beside serve.</p>");
		return;
	}
	admin_form_open(x, b, "export", "Write the F21 audit export");
	put(b, "<p>Writes the audit export (count.db, journal, documents,"
	    " manifest, verification) to <code>");
	esc(b, dir);
	put(b, "</code>, as at VERIFIED, DECLARED and CLOSED.</p>");
	form_close(b, "Write the F21 export");
}

/* The free space beside the book against §4.2's floor. */
static void
disk(struct ctx *x, struct sb *b)
{
	const char *path = sqlite3_db_filename(x->d->db, "main");
	long long fr, db, floor;
	sqlite3_stmt *st;

	if (d_disk_free(path, &fr, &db)) {
		put(b, "<p>Free disk: cannot be read.</p>");
		return;
	}
	floor = d_disk_floor(db);
	putf(b, "<p>Free disk beside the book: %lld MiB; the book: %lld MiB;"
	    " the floor of \xc2\xa7" "4.2: %lld MiB. ", fr >> 20, db >> 20,
	    floor >> 20);
	put(b, fr >= floor ? "Enough.</p>" : "<strong>Warning: below the"
	    " floor; back up and free space now.</strong></p>");
	ballast(x, b, path);
	put(b, "<p>Exports made: ");
	/* by event_key's action index when the book keeps it */
	if (sqlite3_prepare_v2(x->d->db, x->d->keyed ? "SELECT count(*),"
	    " max(line ->> 'at') FROM event WHERE seq IN (SELECT seq FROM"
	    " event_key WHERE action = 'export.made')" : "SELECT count(*),"
	    " max(line ->> 'at') FROM event WHERE action = 'export.made'", -1,
	    &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			putf(b, "%d", sqlite3_column_int(st, 0));
			if (sqlite3_column_text(st, 1)) {
				put(b, ", the last at ");
				esc(b, (const char *)sqlite3_column_text(st,
				    1));
			}
		}
		sqlite3_finalize(st);
	}
	put(b, ".</p>");
	export_form(x, b);
	put(b, "<p>Backups: <code>teller-desk backup DB DIR</code>, or"
	    " <code>serve --backup-dir DIR</code> (checked like"
	    " <code>verify</code>); the last: ");
	if (sqlite3_prepare_v2(x->d->db, "SELECT line ->> '$.data.file',"
	    " line ->> 'at' FROM event WHERE action = 'backup.made' ORDER BY"
	    " seq DESC LIMIT 1", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			esc(b, (const char *)sqlite3_column_text(st, 0));
			put(b, " at ");
			esc(b, (const char *)sqlite3_column_text(st, 1));
		} else
			put(b, "none made by serve");
		sqlite3_finalize(st);
	}
	put(b, ".</p>");
}

/* TLS and the listeners: the fingerprint a terminal's installed CA is
 * checked against (§6.4). */
static void
tls(struct sb *b)
{
	const struct d_tls_info *t = d_tls_info();

	put(b, "<h2>TLS and listeners</h2><p>");
	if (t->mode == 1) {
		put(b, "TLS with the desk's local certificate authority."
		    " Its SHA-256 fingerprint: <code id=\"ca-sha256\">");
		esc(b, t->fpr);
		put(b, "</code>");
	} else if (t->mode == 2) {
		put(b, "TLS with an organisation's certificate. The server"
		    " certificate's SHA-256 fingerprint: <code>");
		esc(b, t->fpr);
		put(b, "</code>");
	} else
		put(b, "<strong>Plain HTTP (--insecure-http): no TLS."
		    "</strong>");
	put(b, "</p><ul>");
	if (t->listen) {
		putf(b, "<li>Staff: %s://", t->mode ? "https" : "http");
		esc(b, t->listen);
		put(b, "</li>");
	}
	if (t->observe) {
		putf(b, "<li>Observers: %s://", t->mode ? "https" : "http");
		esc(b, t->observe);
		put(b, "</li>");
	}
	if (t->redirect) {
		put(b, "<li>The CA certificate (/ca.pem, /ca.crt) and a"
		    " redirect to HTTPS: http://");
		esc(b, t->redirect);
		put(b, "</li>");
	}
	put(b, "</ul>");
}

/* §6.1: the RO lifts the air-gap block with a reason. */
static void
airgap(struct ctx *x, struct sb *b)
{
	put(b, "<h2>Air gap</h2><p>Found: ");
	esc(b, d_airgap_blocked());
	put(b, ". Count writes are refused until you override, saying"
	    " why; the reason goes into the audit log.</p>");
	admin_form_open(x, b, "airgap", "Override the air-gap block");
	field(x, b, "airgap", "reason", "Reason", "text", "", 1);
	form_close(b, "Override");
}

/* The password or token a change just generated: shown once, here. */
static void
shown_once(struct ctx *x, struct sb *b)
{
	if (!x->once)
		return;
	put(b, "<p class=\"banner once\" role=\"alert\" id=\"once\">");
	putf(b, "The new %s of ", x->once_what);
	esc(b, x->once_for);
	put(b, ": <code id=\"once-value\">");
	esc(b, x->once);
	put(b, "</code>. It is shown this once and not kept: write it on the"
	    " sealed slip now.</p>");
}

/* The account and device changes (§9.4, accounts.c): ADMIN and the RO
 * every role, the manager staff roles; each a no-JS POST through the
 * API's own code. */
static void
account_forms(struct ctx *x, struct sb *b)
{
	static const char *const all[] = { "clerk", "supervisor", "receipt",
		"agent", "screen", "observer", "auditor", "dro", "manager",
		"admin", NULL };
	static const char *const staff[] = { "clerk", "supervisor",
		"receipt", "agent", "screen", NULL };
	const char *const *roles = role_is(x, " manager ") ? staff : all;

	admin_form_open(x, b, "uadd", "Add an account");
	field(x, b, "uadd", "username", "Username", "text", "", 1);
	field(x, b, "uadd", "full_name", "Full name", "text", "", 1);
	select_field(x, b, "uadd", "role", "Role", roles);
	field(x, b, "uadd", "staff_no", "Staff number", "text", "", 0);
	field(x, b, "uadd", "tables", "Tables (clerk, supervisor: 1, 2)",
	    "text", "", 0);
	field(x, b, "uadd", "agent", "Agent id (agent accounts)", "text", "",
	    0);
	field(x, b, "uadd", "contests", "Contests shown (screens)", "text",
	    "", 0);
	form_close(b, "Add the account");
	admin_form_open(x, b, "upassword", "Reset a password");
	field(x, b, "upassword", "username", "Username", "text", "", 1);
	form_close(b, "Reset the password");
	admin_form_open(x, b, "udisable", "Disable an account");
	field(x, b, "udisable", "username", "Username", "text", "", 1);
	form_close(b, "Disable it (its sessions end now)");
	admin_form_open(x, b, "dadd", "Enrol a device");
	field(x, b, "dadd", "name", "Device name", "text", "", 1);
	field(x, b, "dadd", "roles", "Roles it may host (ro, manager ...)",
	    "text", "", 1);
	form_close(b, "Enrol the device");
	admin_form_open(x, b, "drevoke", "Revoke a device");
	field(x, b, "drevoke", "name", "Device name", "text", "", 1);
	form_close(b, "Revoke it (its sessions end now)");
}

void
d_scr_admin(struct ctx *x, struct sb *b)
{
	shown_once(x, b);
	users(x, b);
	devices(x, b);
	account_forms(x, b);
	if (role_is(x, " ro manager "))
		register_(x, b);
	disk(x, b);
	tls(b);
	if (d_airgap_blocked() && strcmp(x->u->role, "ro") == 0)
		airgap(x, b);
}

/* The banners of §4.2 and §6.4 for those who act on them: a failed
 * backup and low disk to MANAGER and ADMIN, the certificate's expiry
 * also to the RO. */
void
d_ops_banners(struct ctx *x, struct sb *b)
{
	char w[400];

	if (!x->u)
		return;
	if (role_is(x, " manager admin ") && d_backup_alarm(w, sizeof w)) {
		put(b, "<p class=\"banner ops\" role=\"alert\">");
		esc(b, w);
		put(b, "</p>");
	}
	if (role_is(x, " ro manager admin ") && d_f21_auto_alarm(w,
	    sizeof w)) {
		put(b, "<p class=\"banner ops\" role=\"alert\">");
		esc(b, w);
		put(b, "</p>");
	}
	if (role_is(x, " manager admin ") && d_disk_warning(w, sizeof w)) {
		put(b, "<p class=\"banner ops\" role=\"alert\">");
		esc(b, w);
		put(b, "</p>");
	}
	if (role_is(x, " ro manager admin ") && d_tls_banner(w, sizeof w)) {
		put(b, "<p class=\"banner ops\" role=\"alert\">");
		esc(b, w);
		put(b, "</p>");
	}
}
