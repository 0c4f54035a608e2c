/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cvr_csv.c -- libFuzzer target for RCTab's generic CSV reader
 * (lib/cvr_csv.c): the input is the CVR file; the column settings vary
 * with the input's length so every setting is exercised. Each record must
 * keep the reader contract, each refusal be a recorded error naming the
 * file (fuzz_cvr.h).
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
	fz_source(&src, "genericCsv", fz_path(path, sizeof path, "cvr.csv"));
	src.first_vote_col = 4;
	src.first_vote_row = 2;
	src.id_col = 1;
	src.precinct_col = 2;
	src.batch_col = 3;
	src.uwi_label = "Write-In";
	switch (size % 4) {
	case 1: /* no id, precinct or batch columns */
		src.first_vote_col = 2;
		src.first_vote_row = 1;
		src.id_col = src.precinct_col = src.batch_col = 0;
		src.uwi_label = "";
		break;
	case 2:
		src.blank_is_uwi = true;
		src.max_rankings = 3;
		break;
	case 3:
		src.first_vote_col = 3;
		src.batch_col = 0;
		src.max_rankings = 1;
		break;
	}
	fz_run(tl_cvr_read_csv, ctx, &src, size % 5 == 0,
	    (long)size + 1);
	teller_ctx_free(ctx);
	return 0;
}
