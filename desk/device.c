/* SPDX-License-Identifier: MIT */
/* device.c -- `teller-desk device DB add|list|revoke` (§6.2, §7): ADMIN
 * enrols each staff terminal with a 256-bit token, stored hashed, and
 * the roles it may host; ro, dro, manager and admin log in only from a
 * device enrolled for their role (api.c). */
#include "desk.h"

#include <stdio.h>
#include <string.h>

/* device DB add NAME ROLE...: POST devices's change (accounts.c). */
static int
dev_add(struct desk *d, const char *name, int nr, char **rv)
{
	json_t *roles = json_array(), *body;
	int rc;

	for (int i = 0; i < nr; i++)
		json_array_append_new(roles, json_string(rv[i]));
	body = json_pack("{s:s, s:o}", "name", name, "roles", roles);
	rc = d_acct_command(d, d_acct_device_add, body);
	json_decref(body);
	return rc;
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

/* device DB revoke NAME: POST devices/NAME/revoke's (accounts.c). */
static int
dev_revoke(struct desk *d, const char *name)
{
	json_t *body = json_pack("{s:s}", "name", name);
	int rc = d_acct_command(d, d_acct_device_revoke, body);

	json_decref(body);
	return rc;
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
