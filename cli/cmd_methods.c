/* SPDX-License-Identifier: MIT */
/*
 * cmd_methods.c -- `teller methods`: every counting method of the
 * library's one method table, one line each: its -m name, what it is,
 * the ballots it reads and the seats it fills (methods.md 1.1).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int
cmd_methods(int argc, char **argv)
{
	const char *name, *title, *reads, *seats;
	int i, wn = 6, wr = 12, ws = 5;

	(void)argv;
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("usage: teller methods\n\nList every counting method "
		    "for -m: name, what it is, ballots read, seats.\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "teller: methods: takes no argument\n"
		    "usage: teller methods\n");
		return 2;
	}
	for (i = 0; (name = teller_method_name(i)) != NULL; i++) {
		if (teller_method_info(i, &title, &reads, &seats) != TELLER_OK)
			return 3;
		wn = (int)strlen(name) > wn ? (int)strlen(name) : wn;
		wr = (int)strlen(reads) > wr ? (int)strlen(reads) : wr;
		ws = (int)strlen(seats) > ws ? (int)strlen(seats) : ws;
	}
	printf("%-*s  %-*s  %-*s  %s\n", wn, "METHOD", wr, "BALLOTS READ",
	    ws, "SEATS", "WHAT IT IS");
	for (i = 0; (name = teller_method_name(i)) != NULL; i++) {
		if (teller_method_info(i, &title, &reads, &seats) != TELLER_OK)
			return 3;
		printf("%-*s  %-*s  %-*s  %s\n", wn, name, wr, reads, ws,
		    seats, title);
	}
	return 0;
}
