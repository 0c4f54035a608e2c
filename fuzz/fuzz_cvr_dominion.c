/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cvr_dominion.c -- libFuzzer target for RCTab's Dominion reader
 * (lib/cvr_dominion.c). The input is split at "\n--FILE--\n" into the
 * CvrExport, ContestManifest, CandidateManifest, PrecinctPortionManifest
 * and PrecinctManifest files of a Dominion folder; a file the input does
 * not give is a small valid default (PrecinctManifest: present or absent
 * by the input's length). Contest Id 7, write-in Id 9. Checks as
 * fuzz_cvr.h.
 */
#include <sys/stat.h>

#include "fuzz_cvr.h"

#define DOM_SEP "\n--FILE--\n"

static const char *const dom_names[5] = {
	"CvrExport.json", "ContestManifest.json", "CandidateManifest.json",
	"PrecinctPortionManifest.json", "PrecinctManifest.json"
};

/* Each manifest is one string split over several lines (parenthesised so
 * that clang does not take the joins for missing commas). */
static const char *const dom_default[5] = {
	"",
	("{\"Version\":\"5.10.50.85\",\"List\":[{\"Description\":\"Mayor\","
	"\"Id\":7,\"ExternalId\":\"\",\"DistrictId\":1,\"VoteFor\":1,"
	"\"NumOfRanks\":3,\"Disabled\":0}]}"),
	("{\"Version\":\"5.10.50.85\",\"List\":["
	"{\"Description\":\"Alice\",\"Id\":1,\"ExternalId\":\"\","
	"\"ContestId\":7,\"Type\":\"Regular\",\"Disabled\":0},"
	"{\"Description\":\"Bob\",\"Id\":2,\"ExternalId\":\"\","
	"\"ContestId\":7,\"Type\":\"Regular\",\"Disabled\":0},"
	"{\"Description\":\"Carol\",\"Id\":3,\"ExternalId\":\"\","
	"\"ContestId\":7,\"Type\":\"Regular\",\"Disabled\":0},"
	"{\"Description\":\"Write-in\",\"Id\":9,\"ExternalId\":\"\","
	"\"ContestId\":7,\"Type\":\"WriteIn\",\"Disabled\":0}]}"),
	("{\"Version\":\"5.10.50.85\",\"List\":["
	"{\"Description\":\"P1\",\"Id\":1,\"ExternalId\":\"\","
	"\"PrecinctId\":1},{\"Description\":\"P2\",\"Id\":2,"
	"\"ExternalId\":\"\",\"PrecinctId\":1}]}"),
	("{\"Version\":\"5.10.50.85\",\"List\":[{\"Description\":"
	"\"Precinct 1\",\"Id\":1,\"ExternalId\":\"1-1\"}]}")
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_cvr_source src;
	const uint8_t *part[5];
	size_t len[5];
	teller_ctx *ctx;
	char path[256], name[64];
	int n, i;

	if (fz_folder()[0] == '\0')
		return 0;
	(void)mkdir(fz_path(path, sizeof path, "dom"), 0700);
	n = fz_split(data, size, DOM_SEP, part, len, 5);
	/* the export as CvrExport.json or as CvrExport_1.json */
	fz_rm(size % 2 ? "dom/CvrExport.json" : "dom/CvrExport_1.json");
	snprintf(name, sizeof name, "dom/%s", size % 2 ?
	    "CvrExport_1.json" : dom_names[0]);
	if (fz_put(name, part[0], len[0]) != 0)
		return 0;
	for (i = 1; i < 5; i++) {
		int rc;

		snprintf(name, sizeof name, "dom/%s", dom_names[i]);
		if (i < n)
			rc = fz_put(name, part[i], len[i]);
		else if (i < 4 || size % 3 != 0)
			rc = fz_puts(name, dom_default[i]);
		else {
			fz_rm(name);
			rc = 0;
		}
		if (rc != 0)
			return 0;
	}
	if ((ctx = fz_ctx()) == NULL)
		return 0;
	fz_source(&src, "dominion", fz_path(path, sizeof path, "dom"));
	src.contest_id = "7";
	src.uwi_label = "9";
	if (size % 4 == 1)
		src.max_rankings = 2;
	fz_run(tl_cvr_read_dominion, ctx, &src, size % 5 == 0,
	    (long)size + 1);
	teller_ctx_free(ctx);
	return 0;
}
