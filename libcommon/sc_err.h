/* Error reporting for libcommon and the programs.
 *
 * The library never exits and never prints to stdout: a fallible function returns a negative
 * SC_E* code (or NULL) and leaves a message in a per-thread buffer, read with sc_errmsg().
 * Only cmd/ code turns that into "prog: message" on stderr and an exit status. */
#ifndef SC_ERR_H
#define SC_ERR_H

#include <stdarg.h>

#define SC_FORMAT(a, b) __attribute__((format(printf, a, b)))
#define SC_RESULT_USED __attribute__((warn_unused_result))

/* Exit statuses shared by every program (see man7/scbench.7). */
enum {
	SC_EXIT_OK = 0,    /* success */
	SC_EXIT_CHECK = 1, /* a check ran and failed (verification, gate) */
	SC_EXIT_INPUT = 2  /* usage, bad input data, I/O or system error */
};

/* Error codes returned (negated) by library functions. */
enum {
	SC_OK = 0,
	SC_EINPUT = -1, /* malformed or inconsistent input */
	SC_EIO = -2,    /* read/write/system failure */
	SC_ENOMEM = -3, /* allocation failed or a size past a guard */
	SC_EUSAGE = -4  /* bad parameter from the caller */
};

/* Set the thread's error message (printf-style) and return code, for `return sc_seterr(...)`. */
int sc_seterr(int code, const char *fmt, ...) SC_FORMAT(2, 3);
/* Prefix the current message with context: "ctx: old message". Returns code. */
int sc_preferr(int code, const char *fmt, ...) SC_FORMAT(2, 3);
/* The last message set on this thread ("" when none). */
const char *sc_errmsg(void);
/* Clear the message. */
void sc_clearerr(void);

/* Program-side reporting. sc_prog_init records the program name used as the prefix. */
void sc_prog_init(const char *argv0);
const char *sc_prog_name(void);
/* "prog: message\n" on stderr (stdout flushed first). */
void sc_errx(const char *fmt, ...) SC_FORMAT(1, 2);
/* "prog: <sc_errmsg()>\n" on stderr. */
void sc_err_lib(void);
/* "prog: warning: message\n" unless the log level is below warnings. */
void sc_warn(const char *fmt, ...) SC_FORMAT(1, 2);

/* Verbosity: 0 errors only (-q), 1 warnings (default), 2 progress/info (-v), 3 debug. */
extern int sc_verbosity;
/* Library diagnostics at a level; printed to stderr when level <= sc_verbosity. */
void sc_log(int level, const char *fmt, ...) SC_FORMAT(2, 3);

#endif
