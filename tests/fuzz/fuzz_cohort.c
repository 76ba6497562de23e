/* libFuzzer target: cohort.json reading and the member list. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "sc.h"
#include "sc_cohort.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	struct sc_cohort c;
	if (fd < 0)
		return 0;
	if (sc_cohort_read(path, &c) == 0)
		for (size_t i = 0; i < c.n; i++)
			(void)sc_cohort_project(c.m[i].member_id);
	sc_cohort_release(&c);
	close(fd);
	return 0;
}
