/* SPDX-License-Identifier: MIT */
/*
 * inputs.c -- read and merge the input files of an audit subcommand
 * (margin, raire) into one contest and profile, as `teller count` does.
 */
#include <stdio.h>

#include "cli.h"

int
cli_read_inputs(teller_ctx *ctx, int format, char **files, int n,
    teller_contest **contest, teller_profile **profile)
{
	int i, status = 0;

	*contest = NULL;
	*profile = NULL;
	for (i = 0; i < n && status == 0; i++) {
		teller_contest *c;
		teller_profile *p;
		struct cli_input in;

		if (cli_load(files[i], &in) != 0)
			return 1;
		teller_ctx_set_release(ctx, cli_release, &in);
		if (teller_read(ctx, (enum teller_format)format, files[i],
		    in.buf, in.len, &c, &p) != TELLER_OK ||
		    (*contest != NULL && teller_profile_merge(ctx, *contest,
		    *profile, c, p) != TELLER_OK)) {
			status = cli_report_error(ctx);
		} else if (*contest == NULL) {
			*contest = c;
			*profile = p;
		}
		teller_ctx_set_release(ctx, NULL, NULL);
		cli_unload(&in);
	}
	return status;
}
