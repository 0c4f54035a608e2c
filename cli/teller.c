/* SPDX-License-Identifier: MIT */
/* teller.c -- main: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cli.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *what;
} cmds[] = {
	{ "count", cmd_count, "count a contest and report the result" },
	{ "rctab", cmd_rctab, "run an RCTab contest config" },
	{ "profile", cmd_profile, "read ballots into a compact profile file" },
	{ "merge", cmd_merge, "sum profile files exactly" },
	{ "canon", cmd_canon, "write a contest, profile or rules canonically" },
	{ "verify", cmd_verify, "re-count a manifest's run and compare" },
	{ "margin", cmd_margin, "margin of victory, with a witness" },
	{ "raire", cmd_raire, "RAIRE assertions for an IRV audit" },
	{ "trace", cmd_trace, "where a ballot or pattern went, by stage" },
	{ "methods", cmd_methods, "list every counting method" },
	{ "compare", cmd_compare, "count the same ballots by many methods" },
	{ "ties", cmd_ties, "every way the lots can fall, with probabilities" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: teller COMMAND [OPTIONS] ...\n\ncommands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(*cmds); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].what);
	fprintf(f, "\nteller COMMAND --help for a command's options.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

#if defined(__GLIBC__)
	/* Freed heap memory is kept for the next allocation, not handed
	 * back to the kernel (glibc trims a heap's free top and maps blocks
	 * from 128 KiB on by themselves, each freed at once): a fresh page
	 * costs a fault when first touched, dear in a virtual machine (issue
	 * 17: the ES&S read's row chunks and vectors faulted 9,000 pages a
	 * run). Peak memory is unchanged. */
	(void)mallopt(M_MMAP_THRESHOLD, 32 << 20);
	(void)mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("teller %s\n", TELLER_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(*cmds); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "teller: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
