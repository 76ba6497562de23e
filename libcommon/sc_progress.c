/* Progress reporting and simple timing/memory probes. */
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "sc_err.h"
#include "sc_opts.h"
#include "sc_progress.h"

double sc_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

uint64_t sc_peak_rss(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (uint64_t)ru.ru_maxrss * 1024u;
}

void sc_progress_start(struct sc_progress *p, const char *what, uint64_t total)
{
	p->what = what;
	p->total = total;
	p->start = sc_now();
	p->last = 0;
	p->on = sc_verbosity >= 1 && (sc_progress_forced || isatty(2));
}

void sc_progress_update(struct sc_progress *p, uint64_t done)
{
	double t;
	if (!p->on)
		return;
	t = sc_now();
	if (t - p->last < 1.0 / 6 && done < p->total)
		return;
	p->last = t;
	if (p->total)
		fprintf(stderr, "\r%s: %s %llu/%llu (%.0f%%)", sc_prog_name(), p->what,
			(unsigned long long)done, (unsigned long long)p->total,
			100.0 * (double)done / (double)p->total);
	else
		fprintf(stderr, "\r%s: %s %llu", sc_prog_name(), p->what, (unsigned long long)done);
}

void sc_progress_end(struct sc_progress *p)
{
	if (!p->on)
		return;
	fprintf(stderr, "\r%s: %s done in %.2f s\033[K\n", sc_prog_name(), p->what,
		sc_now() - p->start);
	p->on = 0;
}
