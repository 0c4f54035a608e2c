/* SPDX-License-Identifier: MIT */
/*
 * fuzz_rctab_config.c -- libFuzzer target for RCTab contest configs: the
 * input is written as config.json beside small fixed CVRs this target
 * writes itself (cvr.csv generic CSV, cb.csv Clear Ballot, cdf.json NIST
 * CDF; contest "Mayor", candidates Alice, Bob, Carol), then loaded
 * (tl_rctab_config_load) and run (tl_rctab_run) with outputs kept in
 * memory. Besides the checks of fuzz_cvr.h: every output name is relative
 * without "..", and on success every .json output is valid JSON.
 */
#include <jansson.h>

#include "fuzz_cvr.h"

static const char cfg_csv[] =
    "Response ID,precinct_id,batch_id,Alice,Bob,Carol,Write-In\n"
    "r1,p1,b1,1,2,,\n"
    "r2,p1,b1,2,1,3,\n"
    "r3,p2,b2,,1,2,\n"
    "r4,p2,b1,3,,1,2\n"
    "r5,p1,b2,1,,,\n";

static const char cfg_cb[] =
    "RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,BallotStyleID,"
    "PrecinctStyleName,ScanComputerName,Status,Remade,"
    "Choice_1_1:Mayor:1:Vote For 1:Alice:NP,"
    "Choice_2_1:Mayor:1:Vote For 1:Bob:NP,"
    "Choice_1_2:Mayor:2:Vote For 1:Alice:NP,"
    "Choice_2_2:Mayor:2:Vote For 1:Bob:NP\n"
    "1,B-1,1,B-1+1,1,10,Precinct,S1,0,0,1,0,0,1\n"
    "2,B-1,2,B-1+2,1,10,Precinct,S1,0,0,0,1,1,0\n"
    "3,B-2,1,B-2+1,2,10,Precinct,S1,0,0,1,0,0,0\n";

static const char cfg_cdf[] =
    "{\"GpUnit\":[{\"@id\":\"gpu-1\",\"Name\":\"P1\"}],"
    "\"Election\":[{\"@id\":\"e-1\",\"Candidate\":["
    "{\"@id\":\"c-a\",\"Name\":\"Alice\"},{\"@id\":\"c-b\",\"Name\":\"Bob\"},"
    "{\"@id\":\"c-c\",\"Name\":\"Carol\"}],\"Contest\":[{\"@id\":\"k-1\","
    "\"Name\":\"Mayor\",\"ContestSelection\":["
    "{\"@id\":\"cs-a\",\"CandidateIds\":[\"c-a\"]},"
    "{\"@id\":\"cs-b\",\"CandidateIds\":[\"c-b\"]},"
    "{\"@id\":\"cs-c\",\"CandidateIds\":[\"c-c\"]},"
    "{\"@id\":\"cs-w\",\"IsWriteIn\":\"true\"}]}]}],"
    "\"CVR\":[{\"BallotPrePrintedId\":\"1\",\"BallotStyleUnitId\":\"gpu-1\","
    "\"CurrentSnapshotId\":\"s1\",\"CVRSnapshot\":[{\"@id\":\"s1\","
    "\"CVRContest\":[{\"ContestId\":\"k-1\",\"CVRContestSelection\":["
    "{\"ContestSelectionId\":\"cs-a\",\"SelectionPosition\":[{"
    "\"HasIndication\":\"yes\",\"IsAllocable\":\"yes\",\"Rank\":1}]},"
    "{\"ContestSelectionId\":\"cs-c\",\"SelectionPosition\":[{"
    "\"HasIndication\":\"yes\",\"IsAllocable\":\"yes\",\"Rank\":2}]}]}]}]},"
    "{\"BallotPrePrintedId\":\"2\",\"CurrentSnapshotId\":\"s2\","
    "\"CVRSnapshot\":[{\"@id\":\"s2\",\"CVRContest\":[{\"ContestId\":"
    "\"k-1\",\"CVRContestSelection\":[{\"ContestSelectionId\":\"cs-b\","
    "\"Rank\":1}]}]}]}]}\n";

#define CFG_MAXOUT 64

/* The outputs of one run, in memory. */
struct cfg_out {
	int n;
	char name[CFG_MAXOUT][600];
	struct fuzz_buf buf[CFG_MAXOUT];
	struct fuzz_buf spare;
};

static int
cfg_open(void *ud, const char *name, teller_write_fn *w, void **wud)
{
	struct cfg_out *o = ud;
	const char *p;

	FUZZ_ASSERT(name != NULL && name[0] != '\0' && name[0] != '/');
	for (p = name; p != NULL; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		FUZZ_ASSERT(strncmp(p, "../", 3) != 0 && strcmp(p, "..") != 0);
	}
	*w = fuzz_buf_write;
	if (o->n == CFG_MAXOUT) {
		o->spare.n = 0;
		*wud = &o->spare;
		return 0;
	}
	snprintf(o->name[o->n], sizeof o->name[0], "%s", name);
	*wud = &o->buf[o->n++];
	return 0;
}

static int
cfg_close(void *ud, void *wud)
{
	(void)ud;
	(void)wud;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int written;
	struct tl_rctab_opts opts;
	struct tl_rctab_cfg *cfg;
	struct cfg_out *out;
	const char *ties[1] = { "Bob" };
	teller_ctx *ctx;
	char path[256];
	int rc, i;

	if (fz_folder()[0] == '\0')
		return 0;
	if (!written) {
		if (fz_puts("cvr.csv", cfg_csv) != 0 ||
		    fz_puts("cb.csv", cfg_cb) != 0 ||
		    fz_puts("cdf.json", cfg_cdf) != 0)
			return 0;
		written = 1;
	}
	if (fz_put("config.json", data, size) != 0 ||
	    (ctx = fz_ctx()) == NULL)
		return 0;
	if ((out = calloc(1, sizeof(*out))) == NULL) {
		teller_ctx_free(ctx);
		return 0;
	}
	memset(&opts, 0, sizeof opts);
	opts.ties = ties;
	opts.nties = size % 2 ? 1 : 0;
	opts.crlf = size % 3 == 0;
	opts.sink.open = cfg_open;
	opts.sink.close = cfg_close;
	opts.sink.ud = out;
	rc = tl_rctab_config_load(ctx, fz_path(path, sizeof path,
	    "config.json"), &cfg);
	if (rc == TELLER_OK) {
		FUZZ_ASSERT(cfg != NULL);
		rc = tl_rctab_run(ctx, cfg, &opts);
	}
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "%d outputs; rc %d: %s\n", out->n, rc,
		    teller_errmsg(ctx));
	fz_check(ctx, rc);
	if (rc == TELLER_OK) {
		FUZZ_ASSERT(out->n >= 2);
		for (i = 0; i < out->n; i++) {
			size_t nl = strlen(out->name[i]);
			json_error_t je;
			json_t *j;

			if (nl < 5 || strcmp(out->name[i] + nl - 5, ".json"))
				continue;
			j = json_loadb(out->buf[i].p, out->buf[i].n, 0, &je);
			if (j == NULL)
				fprintf(stderr, "%s: %s at %d:%d\n",
				    out->name[i], je.text, je.line, je.column);
			FUZZ_ASSERT(j != NULL);
			json_decref(j);
		}
	}
	for (i = 0; i < out->n; i++)
		free(out->buf[i].p);
	free(out->spare.p);
	free(out);
	teller_ctx_free(ctx);
	return 0;
}
