/* SPDX-License-Identifier: MIT */
/*
 * fuzz_desk_plan.c -- libFuzzer target for teller-desk's count-plan
 * reader (docs/desk.md §8, `teller-desk init DB --plan`): every input
 * must be accepted or refused with a message naming a place in it; an
 * accepted plan must build the count's model, which is then freed.
 */
#include "desk.h"

#include <stdlib.h>
#include <string.h>

json_t *d_plan_load(const char *file, const char *text, size_t len,
    char *err, size_t errlen);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[600] = "", *text = malloc(size + 1);
	json_t *plan;
	struct desk d;

	if (!text)
		return 0;
	memcpy(text, data, size);	/* init reads the file NUL-ended */
	text[size] = 0;
	plan = d_plan_load("plan.json", text, size, err, sizeof err);
	free(text);
	if (!plan) {
		if (!err[0])
			abort();	/* a refusal must say why */
		return 0;
	}
	memset(&d, 0, sizeof d);
	d.plan = plan;
	if (d_model_config(&d, plan, err, sizeof err))
		abort();	/* the reader accepted what the model refuses */
	d_close(&d);
	return 0;
}
