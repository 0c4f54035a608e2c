/* SPDX-License-Identifier: MIT */
/* cmd_profile.c -- placeholder until `teller profile` / `merge` land. */
#include <stdio.h>

#include "cli.h"

int
cmd_profile(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "teller: profile: not built yet\n");
	return 3;
}

int
cmd_merge(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "teller: merge: not built yet\n");
	return 3;
}
