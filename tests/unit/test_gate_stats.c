/* Unit tests: the gate statistics on cases small enough to check by hand, and the bundle
 * parsers (sidecar, names, manifest), canonical JSON and SHA-256 known answers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc.h"
#include "sc_bundle.h"
#include "sc_canonjson.h"
#include "sc_sha256.h"
#include "sc_stats.h"
#include "tap.h"

static void test_wilcoxon(void)
{
	double d8[8] = { -1, -2, -3, -4, -5, -6, -7, -8 }, p;
	double d3[3] = { -0.1, -0.2, -0.3 }, mix[4] = { -3, -2, -1, 4 }, z[3] = { 0, 0, 0 };
	double tie[4] = { -1, -1, 1, -2 };
	int ex;
	ok(sc_wilcoxon_less(d8, 8, &p, &ex) == 0 && ex, "wilcoxon exact n=8");
	is_near(p, 1.0 / 256, 1e-15, "8 consistent drops: p = 2^-8");
	ok(sc_wilcoxon_less(d3, 3, &p, &ex) == 0, "wilcoxon n=3");
	is_near(p, 0.125, 1e-15, "3 drops: p = 1/8, the floor");
	/* W+ = 4 (rank of +4); P(W+ <= 4) over 16 patterns of ranks {1,2,3,4}: sums 0,1,2,3,3,4,4 -> 7/16 */
	ok(sc_wilcoxon_less(mix, 4, &p, &ex) == 0, "wilcoxon mixed");
	is_near(p, 7.0 / 16, 1e-15, "mixed signs: p = 7/16 by enumeration");
	ok(sc_wilcoxon_less(z, 3, &p, &ex) == 0 && p == 1, "all-zero deltas: p = 1");
	/* |d| ranks: 1,1,1 tie -> mid-rank 2 each, 2 -> rank 4; W+ = 2 (doubled 4).
	 * patterns over ranks {2,2,2,4}: W+ <= 2 for {}, {a}, {b}, {c} -> 4/16 */
	ok(sc_wilcoxon_less(tie, 4, &p, &ex) == 0 && ex, "ties handled exactly");
	is_near(p, 4.0 / 16, 1e-15, "tied ranks: p = 4/16");
	{
		double big[30];
		for (int i = 0; i < 30; i++)
			big[i] = -(i + 1);
		ok(sc_wilcoxon_less(big, 30, &p, &ex) == 0 && !ex && p < 1e-5, "n=30 normal approximation");
	}
}

static void test_signflip_mwu(void)
{
	double d[5] = { -1, -1, -1, -1, -1 }, p, x[5] = { 1, 2, 3, 4, 5 }, y[5] = { 6, 7, 8, 9, 10 };
	int ex;
	ok(sc_signflip_less(d, 5, &p, &ex) == 0 && ex, "sign-flip exact");
	is_near(p, 1.0 / 32, 1e-15, "5 equal drops: p = 2^-5");
	ok(sc_mannwhitney_less(x, 5, y, 5, &p, &ex) == 0 && ex, "Mann-Whitney exact");
	is_near(p, 1.0 / 252, 1e-15, "complete separation 5 vs 5: p = 1/C(10,5)");
	ok(sc_mannwhitney_less(y, 5, x, 5, &p, &ex) == 0, "Mann-Whitney reversed");
	is_near(p, 1.0, 1e-15, "reversed: p = 1");
	is_near(sc_stats_min_p(4), 0.0625, 0, "power floor n=4");
}

static void test_t(void)
{
	struct sc_summary s;
	double x[5] = { 1, 2, 3, 4, 5 }, lo, hi;
	is_near(sc_stats_t_quantile(0.975, 4), 2.7764451051977987, 1e-9, "t(0.975, 4)");
	is_near(sc_stats_t_quantile(0.975, 1), 12.706204736174707, 1e-7, "t(0.975, 1)");
	is_near(sc_stats_t_quantile(0.5, 7), 0, 1e-6, "median of t is 0 (to the precision of the CDF near 0)");
	ok(sc_stats_summary(x, 5, &s) == 0, "summary");
	is_near(s.mean, 3, 0, "mean");
	is_near(s.sd, sqrt(2.5), 1e-15, "sd ddof=1");
	is_near(s.median, 3, 0, "median");
	sc_stats_t_interval(&s, 0.05, &lo, &hi);
	is_near(hi - 3, 2.7764451051977987 * sqrt(2.5) / sqrt(5), 1e-9, "t-interval half-width");
}

static void test_bundle_parsers(void)
{
	char hex[65];
	const char *code = NULL;
	struct sc_manifest m;
	static const char good[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  artifact_manifest.json\n";
	const char *mj = "{\"schema_version\":\"1\",\"artifacts\":[{\"name\":\"b\",\"sha256\":"
			 "\"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\",\"size\":0},"
			 "{\"name\":\"a\",\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":3}]}";
	ok(sc_sidecar_parse(good, strlen(good), hex) == 0 && !strncmp(hex, "e3b0c442", 8), "sidecar parses");
	ok(sc_sidecar_parse(good, strlen(good) - 1, hex) == 0, "sidecar without final newline");
	ok(sc_sidecar_parse("e3b0  artifact_manifest.json\n", 28, hex) < 0, "short digest refused");
	{
		char bad[sizeof good];
		memcpy(bad, good, sizeof good);
		bad[66] = 'A';
		ok(sc_sidecar_parse(bad, strlen(bad), hex) < 0, "other file name refused");
		memcpy(bad, good, sizeof good);
		bad[65] = '\t';
		ok(sc_sidecar_parse(bad, strlen(bad), hex) < 0, "separator must be two spaces or ' *'");
	}
	ok(sc_bundle_name_check("embeddings.h5") == 0 && sc_bundle_name_check("logs/run.log") == 0, "plain names ok");
	ok(sc_bundle_name_check("../x") < 0 && sc_bundle_name_check("a/../b") < 0, ".. refused");
	ok(sc_bundle_name_check("/etc/passwd") < 0 && sc_bundle_name_check("~u/x") < 0, "absolute and ~ refused");
	ok(sc_bundle_name_check("a//b") < 0 && sc_bundle_name_check("a/") < 0 && sc_bundle_name_check("") < 0,
	   "empty segments refused");
	ok(sc_bundle_name_check("a\nb") < 0 && sc_bundle_name_check("a\\b") < 0, "control chars and backslash refused");
	ok(sc_manifest_parse(mj, strlen(mj), &m, &code) == 0 && m.n == 2, "manifest parses");
	ok(m.n == 2 && !strcmp(m.e[0].name, "a") && m.e[1].sha256[0] == 'e', "entries sorted, digests lowercased");
	sc_manifest_release(&m);
	ok(sc_manifest_parse("{\"schema_version\":1,\"artifacts\":[]}", 35, &m, &code) < 0 &&
	   !strcmp(code, "SCHEMA_VERSION"), "numeric schema_version refused");
	ok(sc_manifest_parse("[1]", 3, &m, &code) < 0 && !strcmp(code, "MANIFEST_PARSE"), "non-object refused");
	{
		const char *dup = "{\"schema_version\":\"1\",\"artifacts\":[{\"name\":\"a\",\"sha256\":"
				  "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":1},"
				  "{\"name\":\"a\",\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":1}]}";
		ok(sc_manifest_parse(dup, strlen(dup), &m, &code) < 0 && !strcmp(code, "MANIFEST_SHAPE"),
		   "duplicate entry refused");
	}
}

static void test_canon_sha(void)
{
	struct sc_buf b = SC_BUF_INIT;
	cJSON *j = cJSON_Parse("{\"b\":[1,2.5,{\"z\":null,\"a\":\"x\\ny\"}],\"a\":true,\"c\":{}}");
	char hex[65];
	ok(sc_canonjson_print(&b, j, 0) == 0, "canonical compact");
	ok(b.len == strlen("{\"a\":true,\"b\":[1,2.5,{\"a\":\"x\\ny\",\"z\":null}],\"c\":{}}") &&
	   !memcmp(b.data, "{\"a\":true,\"b\":[1,2.5,{\"a\":\"x\\ny\",\"z\":null}],\"c\":{}}", b.len),
	   "keys sorted at every level, escapes kept");
	b.len = 0;
	ok(sc_canonjson_print(&b, j, 1) == 0 && b.len > 10 && !memcmp(b.data, "{\n  \"a\": true,\n  \"b\": [\n    1,", 28),
	   "pretty form as json.dumps(indent=2, sort_keys=True)");
	sc_buf_release(&b);
	cJSON_Delete(j);
	ok(sc_sha256_mem("abc", 3, hex) == 0 &&
	   !strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "sha256(abc)");
	ok(sc_sha256_mem("", 0, hex) == 0 &&
	   !strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "sha256 of nothing");
}

int main(void)
{
	test_wilcoxon();
	test_signflip_mwu();
	test_t();
	test_bundle_parsers();
	test_canon_sha();
	return tap_done();
}
