/* Per-thread error buffer and the program-side message helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_err.h"

static _Thread_local char errbuf[1024];
static const char *prog = "scbench";
int sc_verbosity = 1;

int sc_seterr(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof errbuf, fmt, ap);
	va_end(ap);
	return code;
}

int sc_preferr(int code, const char *fmt, ...)
{
	char old[sizeof errbuf];
	size_t n;
	va_list ap;

	memcpy(old, errbuf, sizeof old);
	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof errbuf, fmt, ap);
	va_end(ap);
	n = strlen(errbuf);
	/* truncation of an over-long message is acceptable here */
	if (old[0] && n + 2 < sizeof errbuf) {
		size_t room = sizeof errbuf - n - 3, len = strlen(old);
		memcpy(errbuf + n, ": ", 2);
		if (len > room)
			len = room;
		memcpy(errbuf + n + 2, old, len);
		errbuf[n + 2 + len] = '\0';
	}
	return code;
}

const char *sc_errmsg(void) { return errbuf; }

void sc_clearerr(void) { errbuf[0] = '\0'; }

void sc_prog_init(const char *argv0)
{
	const char *s = argv0 ? strrchr(argv0, '/') : NULL;
	prog = s ? s + 1 : (argv0 ? argv0 : "scbench");
	if (getenv("SCBENCH_QUIET"))
		sc_verbosity = 0;
}

const char *sc_prog_name(void) { return prog; }

static void vreport(const char *kind, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", prog, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void sc_errx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

void sc_err_lib(void) { sc_errx("%s", errbuf[0] ? errbuf : "unknown error"); }

void sc_warn(const char *fmt, ...)
{
	va_list ap;
	if (sc_verbosity < 1)
		return;
	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void sc_log(int level, const char *fmt, ...)
{
	va_list ap;
	if (level > sc_verbosity)
		return;
	va_start(ap, fmt);
	vreport(level <= 1 ? "warning: " : "", fmt, ap);
	va_end(ap);
}
