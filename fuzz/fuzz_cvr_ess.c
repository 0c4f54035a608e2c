/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cvr_ess.c -- libFuzzer target for RCTab's ES&S reader
 * (lib/cvr_ess.c over lib/xlsx.c). An input starting "PK" is taken as
 * the .xlsx itself; any other is split at "\n--PART--\n" into the
 * worksheet XML, the shared strings, workbook.xml and its relationships,
 * which are zipped (libzip, deflated) into a workbook, small valid
 * defaults filling the parts not given; one input in three is read with
 * two threads (the pipelined read), one in six twice, the second time
 * as read ahead by the first (tl_xlsx_read_ahead). Checks as fuzz_cvr.h.
 */
#include <zip.h>

#include "fuzz_cvr.h"

#define ESS_SEP "\n--PART--\n"

static const char ess_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Types xmlns=\"http://"
    "schemas.openxmlformats.org/package/2006/content-types\"><Default "
    "Extension=\"xml\" ContentType=\"application/xml\"/></Types>";

static const char ess_workbook[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/"
    "officeDocument/2006/relationships\"><sheets><sheet name=\"Sheet1\" "
    "sheetId=\"1\" r:id=\"rId2\"/></sheets></workbook>";

static const char ess_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships xmlns="
    "\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/"
    "officeDocument/2006/relationships/worksheet\" Target=\"worksheets/"
    "sheet1.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas."
    "openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/></Relationships>";

/* Add member name with bytes (p, n) to za; 0 on success. */
static int
ess_add(zip_t *za, const char *name, const void *p, size_t n)
{
	zip_source_t *s = zip_source_buffer(za, p, n, 0);

	if (s == NULL)
		return -1;
	if (zip_file_add(za, name, s, ZIP_FL_OVERWRITE) < 0) {
		zip_source_free(s);
		return -1;
	}
	return 0;
}

/* Zip the parts into path; 0 on success. */
static int
ess_zip(const char *path, const uint8_t **part, const size_t *len, int n)
{
	zip_t *za;
	int err = 0;

	if ((za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err)) == NULL)
		return -1;
	if (ess_add(za, "[Content_Types].xml", ess_types,
	    sizeof ess_types - 1) != 0 ||
	    ess_add(za, "xl/workbook.xml", n > 2 ? (const void *)part[2] :
	    ess_workbook, n > 2 ? len[2] : sizeof ess_workbook - 1) != 0 ||
	    ess_add(za, "xl/_rels/workbook.xml.rels", n > 3 ?
	    (const void *)part[3] : ess_rels, n > 3 ? len[3] :
	    sizeof ess_rels - 1) != 0 ||
	    (n > 1 && ess_add(za, "xl/sharedStrings.xml", part[1],
	    len[1]) != 0) ||
	    ess_add(za, "xl/worksheets/sheet1.xml", part[0], len[0]) != 0) {
		zip_discard(za);
		return -1;
	}
	return zip_close(za) == 0 ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_cvr_source src;
	long max = 0;
	const uint8_t *part[4];
	size_t len[4];
	teller_ctx *ctx;
	char path[256];
	int n;

	if (fz_folder()[0] == '\0')
		return 0;
	fz_path(path, sizeof path, "cvr.xlsx");
	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		if (fz_put("cvr.xlsx", data, size) != 0)
			return 0;
	} else {
		n = fz_split(data, size, ESS_SEP, part, len, 4);
		max = (long)len[0] + 1; /* a row takes bytes of the sheet */
		fz_rm("cvr.xlsx");
		if (ess_zip(path, part, len, n) != 0)
			return 0;
	}
	if ((ctx = fz_ctx()) == NULL)
		return 0;
	fz_source(&src, "ess", path);
	src.first_vote_col = 3;
	src.first_vote_row = 2;
	src.id_col = 1;
	src.precinct_col = 2;
	src.max_rankings = 3;
	src.overvote_label = "overvote";
	src.skipped_rank_label = "undervote";
	src.uwi_label = "UWI";
	switch (size % 4) {
	case 1:
		src.overvote_label = "";
		src.overvote_delimiter = "|";
		src.blank_is_uwi = true;
		break;
	case 2:
		src.max_rankings = 0;
		src.precinct_col = 0;
		src.batch_col = 2;
		break;
	case 3:
		src.first_vote_col = 2;
		src.first_vote_row = 1;
		src.id_col = 0;
		src.precinct_col = 0;
		break;
	}
	/* one input in three through the pipelined read (xlsx.c); of
	 * those, one in two read again after reading itself ahead (a
	 * two-file contest of the same file, tl_xlsx_read_ahead) */
	if (size % 3 == 0)
		teller_ctx_set_threads(ctx, 2);
	if (size % 6 == 0) {
		struct tl_xlsx_ahead *a = NULL;
		src.next_path = path;
		src.ahead = &a;
		fz_run(tl_cvr_read_ess, ctx, &src, size % 5 == 0, max);
		src.next_path = NULL;
		if (teller_errcode(ctx) == TELLER_OK)
			fz_run(tl_cvr_read_ess, ctx, &src, false, max);
		tl_xlsx_ahead_free(ctx, a);
	} else {
		fz_run(tl_cvr_read_ess, ctx, &src, size % 5 == 0, max);
	}
	teller_ctx_free(ctx);
	return 0;
}
