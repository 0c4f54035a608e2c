/* SPDX-License-Identifier: MIT */
/* cmd_count.c -- placeholder until `teller count` lands. */
#include <stdio.h>

#include "cli.h"

int
cmd_count(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "teller: count: not built yet\n");
	return 3;
}
