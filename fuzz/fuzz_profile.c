/* SPDX-License-Identifier: MIT */
/*
 * fuzz_profile.c -- libFuzzer target for the profile reader: every input
 * must be read or refused cleanly; what is read must keep the profile
 * invariants and survive a profile-file round trip (fuzz_common.h).
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_read_one(TELLER_FMT_PROFILE, data, size);
}
