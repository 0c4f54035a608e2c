/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cvr_hart.c -- libFuzzer target for RCTab's Hart reader
 * (lib/cvr_hart.c): the input is the one CVR XML file of a Hart folder,
 * read for contest "c-mayor" with write-in Id "c-uwi". Checks as
 * fuzz_cvr.h.
 */
#include <sys/stat.h>

#include "fuzz_cvr.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_cvr_source src;
	teller_ctx *ctx;
	char path[256];

	if (fz_folder()[0] == '\0')
		return 0;
	(void)mkdir(fz_path(path, sizeof path, "hart"), 0700);
	if (fz_put("hart/cvr.xml", data, size) != 0 ||
	    (ctx = fz_ctx()) == NULL)
		return 0;
	fz_source(&src, "hart", fz_path(path, sizeof path, "hart"));
	src.contest_id = "c-mayor";
	src.uwi_label = "c-uwi";
	if (size % 3 == 1)
		src.max_rankings = 2;
	fz_run(tl_cvr_read_hart, ctx, &src, size % 5 == 0,
	    (long)size + 1);
	teller_ctx_free(ctx);
	return 0;
}
