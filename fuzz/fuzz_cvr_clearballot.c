/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cvr_clearballot.c -- libFuzzer target for RCTab's Clear Ballot
 * reader (lib/cvr_clearballot.c): the input is the CVR CSV, read for
 * contest "Mayor" with write-in label "UWI" (and, for some lengths, at
 * most two ranks). Checks as fuzz_cvr.h.
 */
#include "fuzz_cvr.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_cvr_source src;
	teller_ctx *ctx;
	char path[256];

	if (fz_put("cvr.csv", data, size) != 0 || (ctx = fz_ctx()) == NULL)
		return 0;
	fz_source(&src, "clearBallot", fz_path(path, sizeof path, "cvr.csv"));
	src.contest_id = "Mayor";
	src.uwi_label = "UWI";
	if (size % 3 == 1)
		src.max_rankings = 2;
	fz_run(tl_cvr_read_clearballot, ctx, &src, size % 5 == 0,
	    (long)size + 1);
	teller_ctx_free(ctx);
	return 0;
}
