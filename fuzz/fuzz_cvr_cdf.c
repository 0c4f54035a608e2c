/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cvr_cdf.c -- libFuzzer target for RCTab's NIST CDF reader
 * (lib/cvr_cdf.c): an input starting with '<' (after blanks or a byte
 * order mark) is written as cvr.xml, any other as cvr.json, and read for
 * contest "Mayor" with overvote label "overvote" for some lengths.
 * Checks as fuzz_cvr.h.
 */
#include "fuzz_cvr.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_cvr_source src;
	teller_ctx *ctx;
	const char *name = "cvr.json";
	char path[256];
	size_t i = 0;

	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < size && (data[i] == ' ' || data[i] == '\n' ||
	    data[i] == '\r' || data[i] == '\t'))
		i++;
	if (i < size && data[i] == '<')
		name = "cvr.xml";
	fz_rm(strcmp(name, "cvr.xml") == 0 ? "cvr.json" : "cvr.xml");
	if (fz_put(name, data, size) != 0 || (ctx = fz_ctx()) == NULL)
		return 0;
	fz_source(&src, "cdf", fz_path(path, sizeof path, name));
	src.contest_id = "Mayor";
	if (size % 3 == 1)
		src.overvote_label = "overvote";
	if (size % 4 == 2)
		src.max_rankings = 2;
	fz_run(tl_cvr_read_cdf, ctx, &src, size % 5 == 0,
	    (long)size + 1);
	teller_ctx_free(ctx);
	return 0;
}
