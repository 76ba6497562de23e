/* Unit tests for the foundation: number formatting, JSONL, matrix stream round trips. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sc.h"
#include "tap.h"

static void fmt_case(double v, const char *want)
{
	char out[40];
	sc_fmt_double(v, 0, out);
	ok(strcmp(out, want) == 0, "repr(%.17g) = %s (got %s)", v, want, out);
}

static void test_format(void)
{
	unsigned long long x = 88172645463325252ULL;
	int bad = 0;
	fmt_case(0.1, "0.1");
	fmt_case(1.0, "1.0");
	fmt_case(-2.5, "-2.5");
	fmt_case(1e-5, "1e-05");
	fmt_case(0.0001, "0.0001");
	fmt_case(1e16, "1e+16");
	fmt_case(123456789012345.0, "123456789012345.0");
	fmt_case(1.0 / 3.0, "0.3333333333333333");
	fmt_case(5e-324, "5e-324");
	fmt_case(1.7976931348623157e308, "1.7976931348623157e+308");
	fmt_case(0.30000000000000004, "0.30000000000000004");
	/* every printed value reads back as the same double */
	for (int i = 0; i < 200000; i++) {
		double v;
		char out[40];
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(&v, &x, sizeof v);
		if (!isfinite(v))
			continue;
		sc_fmt_double(v, i & 1, out);
		if (strtod(out, NULL) != v)
			bad++;
	}
	ok(bad == 0, "200000 random doubles round-trip through sc_fmt_double (%d failed)", bad);
}

static void test_matrix_roundtrip(const char *mode)
{
	char path[] = "/tmp/sc_unit_XXXXXX";
	int fd = mkstemp(path);
	struct sc_stream *s;
	struct sc_matrix m = SC_MATRIX_INIT, r = SC_MATRIX_INIT;
	int rc;
	close(fd);
	ok(sc_mat_alloc(&m, 1000, 7) == 0, "alloc 1000x7");
	for (int i = 0; i < 7000; i++)
		m.data[i] = (float)sin(i) * 1000.0f;
	s = sc_open(path, mode);
	rc = s ? sc_mat_write(s, &m) : -1;
	rc = rc == 0 ? sc_close(s) : rc;
	ok(rc == 0, "write matrix (%s)", mode);
	s = sc_open(path, "r");
	rc = s ? sc_mat_read(s, &r) : -1;
	ok(sc_close(s) == 0, "close reader");
	ok(rc == 0 && r.rows == 1000 && r.cols == 7, "read back shape (%s)", mode);
	ok(rc == 0 && memcmp(r.data, m.data, 7000 * sizeof(float)) == 0, "payload identical (%s)",
	   mode);
	sc_mat_release(&m);
	sc_mat_release(&r);
	unlink(path);
}

static void test_jsonl(void)
{
	char path[] = "/tmp/sc_unit_XXXXXX";
	int fd = mkstemp(path), rc, n = 0;
	struct sc_stream *s;
	struct sc_jsonl r;
	cJSON *o;
	static const char text[] = "{\"a\":1}\n\n  {\"b\":[1,2.5]}\n{\"c\":\"x\"}";
	ok(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1), "write fixture");
	close(fd);
	s = sc_open(path, "r");
	sc_jsonl_init(&r, s);
	while ((rc = sc_jsonl_next(&r, &o)) == 1) {
		n++;
		cJSON_Delete(o);
	}
	ok(rc == 0 && n == 3, "three records, blank line skipped, last unterminated line read");
	sc_jsonl_release(&r);
	ok(sc_close(s) == 0, "close reader");
	unlink(path);
}

int main(void)
{
	test_format();
	test_matrix_roundtrip("w");
	test_matrix_roundtrip("wz");
	test_jsonl();
	return tap_done();
}
