/* Option parsing helpers. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "sc_opts.h"

int sc_progress_forced;

int sc_parse_long(const char *opt, const char *str, long long min, long long max, long long *out)
{
	char *end;
	long long v;
	errno = 0;
	v = strtoll(str, &end, 10);
	if (end == str || *end || errno == ERANGE)
		return sc_seterr(SC_EUSAGE, "%s: '%s' is not an integer", opt, str);
	if (v < min || v > max)
		return sc_seterr(SC_EUSAGE, "%s: %lld is out of range [%lld, %lld]", opt, v, min, max);
	*out = v;
	return 0;
}

int sc_parse_double(const char *opt, const char *str, double min, double max, double *out)
{
	char *end;
	double v;
	errno = 0;
	v = strtod(str, &end);
	if (end == str || *end || errno == ERANGE || !isfinite(v))
		return sc_seterr(SC_EUSAGE, "%s: '%s' is not a finite number", opt, str);
	if (v < min || v > max)
		return sc_seterr(SC_EUSAGE, "%s: %g is out of range [%g, %g]", opt, v, min, max);
	*out = v;
	return 0;
}

void sc_print_version(void) { printf("%s (scbench) %s\n", sc_prog_name(), SC_VERSION); }

int sc_opts_common(int c, int *exit_now)
{
	switch (c) {
	case 'q': sc_verbosity = 0; return 1;
	case 'v': sc_verbosity++; return 1;
	case SC_OPT_PROGRESS: sc_progress_forced = 1; return 1;
	case SC_OPT_VERSION:
		sc_print_version();
		*exit_now = 1;
		return 1;
	default: return 0;
	}
}

/* OpenBLAS's thread setter, declared here so programs need no cblas include for it. */
void openblas_set_num_threads(int);

void sc_blas_threads(int n) { openblas_set_num_threads(n > 0 ? n : 1); }

int sc_threads_resolve(int requested)
{
	long n = requested;
	if (requested < 0) {
		const char *e = getenv("SCBENCH_THREADS");
		char *end;
		n = 0;
		if (e && *e) {
			n = strtol(e, &end, 10);
			if (*end || n < 0 || n > 4096)
				n = 0;
		}
	}
	if (n == 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n < 1)
			n = 1;
	}
	if (n > 4096)
		n = 4096;
	sc_blas_threads((int)n);
	return (int)n;
}

int sc_usage_error(void (*usage)(FILE *), const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "%s: ", sc_prog_name());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (usage)
		usage(stderr);
	return SC_EXIT_INPUT;
}
