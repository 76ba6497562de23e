/* A minimal TAP producer for the C unit tests (counted by tests/run-tests). */
#ifndef TAP_H
#define TAP_H

#include <math.h>
#include <stdio.h>

static int tap_n, tap_fail;

#define ok(cond, ...)                                                                             \
	do {                                                                                      \
		int ok_c_ = (cond);                                                               \
		tap_n++;                                                                          \
		if (!ok_c_)                                                                       \
			tap_fail++;                                                               \
		printf("%sok %d - ", ok_c_ ? "" : "not ", tap_n);                                 \
		printf(__VA_ARGS__);                                                              \
		printf("\n");                                                                     \
		if (!ok_c_)                                                                       \
			printf("#   at %s:%d\n", __FILE__, __LINE__);                                 \
	} while (0)

/* |got - want| <= tol (absolute), NaN equals NaN. */
#define is_near(got, want, tol, ...)                                                              \
	do {                                                                                      \
		double g_ = (got), w_ = (want);                                                   \
		int c_ = (isnan(g_) && isnan(w_)) || fabs(g_ - w_) <= (tol);                      \
		ok(c_, __VA_ARGS__);                                                              \
		if (!c_)                                                                          \
			printf("#   got %.17g, want %.17g\n", g_, w_);                                \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}

#endif
