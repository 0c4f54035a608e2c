/* SPDX-License-Identifier: MIT */
/* device.c -- `teller-desk device DB add|list|revoke` (§6.2, §7): ADMIN
 * enrols each staff terminal with a 256-bit token, stored hashed, and
 * the roles it may host; ro, dro, manager and admin log in only from a
 * device enrolled for their role (api.c). */
#include "desk.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char roles_known[] = " admin ro dro manager supervisor clerk"
	" receipt agent observer screen auditor ";

static int
role_ok(const char *r)
{
	char pat[40];

	if (!*r || strlen(r) > 30 || strchr(r, ' '))
		return 0;
	snprintf(pat, sizeof pat, " %s ", r);
	return strstr(roles_known, pat) != NULL;
}

static int
dev_add(struct desk *d, const char *name, int nr, char **rv)
{
	unsigned char raw[32];
	char tok[65], th[65], roles[400] = "";
	sqlite3_stmt *st;
	int rc;

	if (!*name || strlen(name) > 64) {
		fprintf(stderr, "teller-desk: a device name has 1-64"
		    " characters\n");
		return 1;
	}
	for (int i = 0; i < nr; i++) {
		if (!role_ok(rv[i]) || strlen(roles) + strlen(rv[i]) + 2 >
		    sizeof roles) {
			fprintf(stderr, "teller-desk: no role %s\n", rv[i]);
			return 1;
		}
		snprintf(roles + strlen(roles), sizeof roles - strlen(roles),
		    "%s%s", i ? " " : "", rv[i]);
	}
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(tok, sizeof tok, raw, sizeof raw);
	d_token_hash(tok, th);
	if (sqlite3_prepare_v2(d->db, "INSERT INTO device VALUES(?, ?, ?)",
	    -1, &st, NULL) != SQLITE_OK)
		return 3;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, th, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, roles, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT) {
		fprintf(stderr, "teller-desk: device %s is enrolled already\n",
		    name);
		return 1;
	}
	if (rc != SQLITE_DONE)
		return 3;
	d_log_event(d, "device.add", NULL, NULL, NULL, json_pack("{s:s,"
	    " s:s}", "name", name, "roles", roles));
	printf("device %s %s\n", name, tok);
	return 0;
}

static int
dev_list(struct desk *d)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(d->db, "SELECT name, roles FROM device ORDER"
	    " BY name", -1, &st, NULL) != SQLITE_OK)
		return 3;
	while (sqlite3_step(st) == SQLITE_ROW)
		printf("%s %s\n", (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return 0;
}

static int
dev_revoke(struct desk *d, const char *name)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(d->db, "DELETE FROM device WHERE name = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return 3;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return 3;
	if (sqlite3_changes(d->db) == 0) {
		fprintf(stderr, "teller-desk: no device %s\n", name);
		return 1;
	}
	/* Its sessions end now, not when they expire (§6.2). */
	if (d_db_session_device(d) || sqlite3_prepare_v2(d->db, "DELETE FROM"
	    " session WHERE token_hash IN (SELECT token_hash FROM"
	    " session_device WHERE device = ?)", -1, &st, NULL) != SQLITE_OK)
		return 3;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return 3;
	d_log_event(d, "device.revoke", NULL, NULL, NULL, json_pack("{s:s}",
	    "name", name));
	return 0;
}

/* argv: add NAME ROLE... | list | revoke NAME. */
int
d_cmd_device(struct desk *d, int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[0], "add") == 0)
		return dev_add(d, argv[1], argc - 2, argv + 2);
	if (argc == 1 && strcmp(argv[0], "list") == 0)
		return dev_list(d);
	if (argc == 2 && strcmp(argv[0], "revoke") == 0)
		return dev_revoke(d, argv[1]);
	fprintf(stderr, "usage: teller-desk device DB add NAME ROLE...\n"
	    "       teller-desk device DB list\n"
	    "       teller-desk device DB revoke NAME\n");
	return 2;
}
