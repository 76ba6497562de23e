/* A progress line on stderr: drawn only when stderr is a terminal (or --progress was given)
 * and verbosity allows it, at most six updates a second. */
#ifndef SC_PROGRESS_H
#define SC_PROGRESS_H

#include <stdint.h>

struct sc_progress {
	const char *what;
	uint64_t total;
	double last, start;
	int on;
};

void sc_progress_start(struct sc_progress *p, const char *what, uint64_t total);
void sc_progress_update(struct sc_progress *p, uint64_t done);
void sc_progress_end(struct sc_progress *p);
/* Monotonic seconds (for timings). */
double sc_now(void);
/* Peak resident memory of this process in bytes (from getrusage). */
uint64_t sc_peak_rss(void);

#endif
