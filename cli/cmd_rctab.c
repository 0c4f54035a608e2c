/* SPDX-License-Identifier: MIT */
/* cmd_rctab.c -- placeholder until `teller rctab` lands. */
#include <stdio.h>

#include "cli.h"

int
cmd_rctab(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "teller: rctab: not built yet\n");
	return 3;
}
