/* Command-line helpers shared by every program: checked number parsing, the common options
 * (-j, -q, -v, --progress, --version), thread-count resolution and the version string. */
#ifndef SC_OPTS_H
#define SC_OPTS_H

#include <stdio.h>

#include "sc_err.h"

#define SC_VERSION "0.1.0"

/* Long-option codes for options without a short letter (shared so programs do not collide). */
enum {
	SC_OPT_VERSION = 0x1000,
	SC_OPT_PROGRESS,
	SC_OPT_SEED,
	SC_OPT_NO_PROVENANCE,
	SC_OPT_FIRST_PRIVATE = 0x1100 /* programs number their own long-only options from here */
};

/* The options every program accepts; append to a program's struct option table. */
#define SC_COMMON_LONGOPTS                                                                        \
	{ "help", no_argument, NULL, 'h' }, { "quiet", no_argument, NULL, 'q' },                  \
		{ "verbose", no_argument, NULL, 'v' },                                            \
		{ "version", no_argument, NULL, SC_OPT_VERSION },                                 \
		{ "progress", no_argument, NULL, SC_OPT_PROGRESS }

/* Parse a whole decimal integer in [min, max]; the message names the option. */
int sc_parse_long(const char *opt, const char *str, long long min, long long max,
		  long long *out) SC_RESULT_USED;
/* Parse a finite double in [min, max]. */
int sc_parse_double(const char *opt, const char *str, double min, double max,
		    double *out) SC_RESULT_USED;

/* Handle -q, -v, --progress, --version for a program (getopt value c). Returns 1 when c was
 * one of them (for --version it prints and sets *exit_now), 0 otherwise. */
int sc_opts_common(int c, int *exit_now);
/* "prog (scbench) VERSION" on stdout. */
void sc_print_version(void);
/* Whether --progress was given. */
extern int sc_progress_forced;

/* Thread count: requested > 0 wins, 0 means all cores; requested < 0 means "not given", then
 * SCBENCH_THREADS, else all cores. Also limits OpenBLAS to the same count. */
int sc_threads_resolve(int requested);
/* Restrict BLAS to n threads (when the program's own threads already use the cores). */
void sc_blas_threads(int n);

/* Print "prog: message" and the usage hint for a usage error; returns SC_EXIT_INPUT. */
int sc_usage_error(void (*usage)(FILE *), const char *fmt, ...) SC_FORMAT(2, 3);

#endif
