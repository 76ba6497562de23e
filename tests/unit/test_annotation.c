/* Unit tests for the annotation library: numpy pairwise summation, the F operator, flat and
 * hierarchical F-measures on hand-computed matrices, the top-k rule, ontology readers, the
 * CSV reader/writer and the confusion-matrix record round trip. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cas_annotate.h"
#include "cas_csv.h"
#include "confusion.h"
#include "fmeasure.h"
#include "ontology.h"
#include "sc.h"
#include "tap.h"

/* A matrix over labels from (truth, pred, count) triples. */
static void mk(struct sc_cm *m, const char *const *labels, int n, const int (*e)[3], int ne)
{
	memset(m, 0, sizeof *m);
	m->k = 1;
	m->labels = calloc((size_t)n, sizeof *m->labels);
	for (int i = 0; i < n; i++)
		m->labels[i] = strdup(labels[i]);
	m->n_labels = n;
	m->ti = calloc((size_t)ne + 1, sizeof *m->ti);
	m->pi = calloc((size_t)ne + 1, sizeof *m->pi);
	m->cnt = calloc((size_t)ne + 1, sizeof *m->cnt);
	for (int i = 0; i < ne; i++) {
		m->ti[i] = e[i][0];
		m->pi[i] = e[i][1];
		m->cnt[i] = e[i][2];
	}
	m->nnz = ne;
}

static void test_pairwise(void)
{
	const double big = 9007199254740992.0; /* 2^53: adding 1 rounds back (ties to even) */
	double a[300];
	a[0] = big;
	for (int i = 1; i < 9; i++)
		a[i] = 1;
	ok(sc_pairwise_sum(a, 7) == big, "n < 8 sums left to right (1s lost)");
	/* n = 9: r_j = a_j, ((r0+r1)+(r2+r3)) + ((r4+r5)+(r6+r7)) = 2^53 + 6 (the first +1 is
	 * lost to ties-to-even), then + a8 ties to the even 2^53 + 8; left to right gives 2^53 */
	ok(sc_pairwise_sum(a, 9) == big + 8, "n = 9 uses the 8 accumulators (got %.17g)",
	   sc_pairwise_sum(a, 9));
	for (int i = 0; i < 300; i++)
		a[i] = i + 1;
	ok(sc_pairwise_sum(a, 300) == 45150, "integers sum exactly above the block size");
	ok(sc_pairwise_sum(a, 0) == 0 && !signbit(sc_pairwise_sum(a, 0)), "empty sum is +0.0");
}

static void test_fscore(void)
{
	char s[40];
	sc_fmt_double(sc_fscore(0.4, 0.4), 0, s);
	ok(strcmp(s, "0.4000000000000001") == 0, "F(0.4, 0.4) = 0.4000000000000001 (got %s)", s);
	ok(sc_fscore(0, 0) == 0, "F(0, 0) = 0 (zero_division)");
}

static void test_flat_3class(void)
{
	/* a,b,c: (a,a)x2 (a,b)x1 (b,b)x1 (c,a)x1; c is true but never predicted */
	static const char *const L[] = { "a", "b", "c" };
	static const int E[][3] = { { 0, 0, 2 }, { 0, 1, 1 }, { 1, 1, 1 }, { 2, 0, 1 } };
	struct sc_cm m;
	struct sc_fmeasure f;
	mk(&m, L, 3, E, 4);
	ok(sc_fmeasure_flat(&m, &f) == 0, "flat on a 3-class matrix");
	ok(f.tp == 3 && f.fp == 2 && f.fn == 2, "tp 3 fp 2 fn 2");
	is_near(f.precision_micro, 0.6, 1e-15, "precision_micro 3/5");
	is_near(f.f1_micro, 0.6, 1e-15, "f1_micro 3/5");
	is_near(f.precision_macro, 7.0 / 18, 1e-15, "precision_macro (2/3 + 1/2 + 0)/3");
	is_near(f.recall_macro, 5.0 / 9, 1e-15, "recall_macro (2/3 + 1 + 0)/3");
	is_near(f.f1_macro, 4.0 / 9, 1e-15, "f1_macro (2/3 + 2/3 + 0)/3");
	is_near(f.precision_weighted, 0.5, 1e-15, "precision_weighted (3*2/3 + 1*1/2)/5");
	is_near(f.recall_weighted, 0.6, 1e-15, "recall_weighted = accuracy");
	is_near(f.f1_weighted, 8.0 / 15, 1e-15, "f1_weighted (3*2/3 + 2/3)/5");
	sc_cm_release(&m);
}

static void test_flat_predicted_only(void)
{
	/* spec 11.2 case A, sample a_2 at k1: truth 4,4,2,1 pred 4,3,1,0 (0 and 3 only predicted) */
	static const char *const L[] = { "0", "1", "2", "3", "4" };
	static const int E[][3] = { { 1, 0, 1 }, { 2, 1, 1 }, { 4, 3, 1 }, { 4, 4, 1 } };
	struct sc_cm m;
	struct sc_fmeasure f;
	char s[40];
	mk(&m, L, 5, E, 4);
	ok(sc_fmeasure_flat(&m, &f) == 0 && f.tp == 1 && f.fp == 3, "flat with predicted-only classes");
	sc_fmt_double(f.f1_macro, 0, s);
	ok(strcmp(s, "0.13333333333333333") == 0, "f1_macro over 5 active classes = %s", s);
	ok(f.precision_macro == 0.2 && f.recall_macro == 0.1, "precision_macro 0.2, recall_macro 0.1");
	ok(f.precision_weighted == 0.5 && f.recall_weighted == 0.25, "weighted ignore predicted-only");
	sc_fmt_double(f.f1_weighted, 0, s);
	ok(strcmp(s, "0.3333333333333333") == 0, "f1_weighted = %s", s);
	sc_cm_release(&m);
	mk(&m, L, 5, E, 0);
	ok(sc_fmeasure_flat(&m, &f) == 0 && f.f1_macro == 0 && f.precision_micro == 0,
	   "empty matrix: every ratio is 0");
	sc_cm_release(&m);
}

static const char diamond_obo[] =
	"format-version: 1.2\n\n[Term]\nid: CL:0000000\nname: cell\n\n"
	"[Term]\nid: CL:0000001\nis_a: CL:0000000 ! cell\n\n"
	"[Term]\nid: CL:0000002\nis_a: CL:0000001\n\n[Term]\nid: CL:0000003\nis_a: CL:0000001\n\n"
	"[Term]\nid: CL:0000004\nis_a: CL:0000002\nis_a: CL:0000003 {source=\"x\"}\n\n"
	"[Term]\nid: CL:0000005\nis_a: CL:0000003\nrelationship: part_of CL:0000002\n\n"
	"[Typedef]\nid: part_of\n";

static void test_diamond(void)
{
	static const char *const L[] = { "CL:0000000", "CL:0000001", "CL:0000002", "CL:0000003",
					 "CL:0000004", "CL:0000005" };
	/* spec 11.2 case B: truth 4,4,5,2,3,4; pred 5,2,4,2,0,4 */
	static const int E[][3] = { { 2, 2, 1 }, { 3, 0, 1 }, { 4, 2, 1 }, { 4, 4, 1 },
				    { 4, 5, 1 }, { 5, 4, 1 } };
	struct sc_onto *o = NULL;
	struct sc_hfmeasure *h;
	struct sc_fmeasure f;
	struct sc_cm m;
	uint8_t mark[6] = { 0 };
	int32_t *anc = NULL;
	int64_t cap = 0, n;
	char s[40];
	ok(sc_onto_parse(diamond_obo, strlen(diamond_obo), SC_ONTO_AUTO, "diamond", &o) == 0,
	   "diamond OBO parses: %s", sc_errmsg());
	if (!o)
		return;
	ok(o->n == 6, "6 terms (Typedef ignored)");
	n = sc_onto_ancestors(o, sc_onto_find(o, "CL:0000004"), mark, &anc, &cap);
	ok(n == 5 && anc[0] == 0 && anc[4] == 4, "A(4) = {0,1,2,3,4} (both paths, self)");
	n = sc_onto_ancestors(o, sc_onto_find(o, "CL:0000005"), mark, &anc, &cap);
	ok(n == 4 && anc[2] == 3, "A(5) = {0,1,3,5}: relationship lines are not is_a");
	free(anc);
	mk(&m, L, 6, E, 6);
	h = sc_hfmeasure_new(o, "CL:0000000");
	ok(sc_hfmeasure_compute(h, &m, SC_UNKNOWN_ERROR, "t", &f) == 0, "hierarchical on the diamond");
	ok(f.tp == 12 && f.fp == 3 && f.fn == 7, "h_tp 12 h_fp 3 h_fn 7");
	ok(f.precision_micro == 0.8, "hP 0.8");
	sc_fmt_double(f.recall_micro, 0, s);
	ok(strcmp(s, "0.631578947368421") == 0, "hR %s", s);
	sc_fmt_double(f.f1_micro, 0, s);
	ok(strcmp(s, "0.7058823529411765") == 0, "hF %s", s);
	is_near(f.f1_macro, 0.5618181818181818, 1e-15, "h_f1_macro");
	is_near(f.precision_macro, 0.65, 1e-15, "h_precision_macro");
	is_near(f.recall_macro, 0.5033333333333333, 1e-15, "h_recall_macro");
	is_near(f.precision_weighted, 0.8157894736842105, 1e-15, "h_precision_weighted");
	is_near(f.f1_weighted, 0.7055023923444975, 1e-15, "h_f1_weighted");
	sc_hfmeasure_free(h);
	sc_cm_release(&m);
	sc_onto_free(o);
}

static void test_onto_formats(void)
{
	const char *res = "{\"cl_names\":[\"CL:0000000\",\"CL:0000001\",\"CL:0000002\",\"CL:0000009\"],"
			  "\"children_dictionary\":{\"CL:0000000\":[\"CL:0000001\"],"
			  "\"CL:0000001\":[\"CL:0000002\"],\"CL:0000002\":[\"CL:0000001\"]}}";
	const char *anc = "{\"ancestors_dictionary\":{\"X:2\":[\"X:1\",\"X:0\"]},\"cl_names\":[\"X:0\",\"X:1\",\"X:2\"]}";
	const char *og = "{\"graphs\":[{\"nodes\":[{\"id\":\"http://purl.obolibrary.org/obo/CL_0000000\","
			 "\"type\":\"CLASS\",\"lbl\":\"cell\"},{\"id\":\"http://purl.obolibrary.org/obo/CL_0000001\","
			 "\"type\":\"CLASS\"},{\"id\":\"http://purl.obolibrary.org/obo/RO_1\",\"type\":\"PROPERTY\"}],"
			 "\"edges\":[{\"sub\":\"http://purl.obolibrary.org/obo/CL_0000001\",\"pred\":\"is_a\","
			 "\"obj\":\"http://purl.obolibrary.org/obo/CL_0000000\"},{\"sub\":\"http://purl.obolibrary.org/obo/CL_0000001\","
			 "\"pred\":\"http://purl.obolibrary.org/obo/RO_0002202\",\"obj\":\"http://purl.obolibrary.org/obo/CL_0000001\"}]}]}";
	struct sc_onto *o = NULL;
	uint8_t mark[8] = { 0 };
	int32_t *a = NULL;
	int64_t cap = 0, n;
	ok(sc_onto_parse(res, strlen(res), SC_ONTO_AUTO, "res", &o) == 0, "resource with a cycle parses");
	if (o) {
		n = sc_onto_ancestors(o, sc_onto_find(o, "CL:0000002"), mark, &a, &cap);
		ok(n == 3, "BFS tolerates the 1<->2 cycle: A(2) = {0,1,2} (got %lld)", (long long)n);
		n = sc_onto_ancestors(o, sc_onto_find(o, "CL:0000009"), mark, &a, &cap);
		ok(n == 1, "a term without parents: A = {self}");
		sc_onto_free(o);
	}
	ok(sc_onto_parse(anc, strlen(anc), SC_ONTO_AUTO, "anc", &o) == 0, "ancestors_dictionary parses");
	if (o) {
		n = sc_onto_ancestors(o, sc_onto_find(o, "X:2"), mark, &a, &cap);
		ok(n == 3, "explicit ancestors + self");
		n = sc_onto_ancestors(o, sc_onto_find(o, "X:1"), mark, &a, &cap);
		ok(n == 1, "a term missing from the dictionary falls back to {t}");
		sc_onto_free(o);
	}
	ok(sc_onto_parse(og, strlen(og), SC_ONTO_AUTO, "og", &o) == 0, "OBO-Graphs parses");
	if (o) {
		ok(o->n == 2 && strcmp(o->ids[1], "CL:0000001") == 0, "IRIs become CURIEs, properties dropped");
		n = sc_onto_ancestors(o, 1, mark, &a, &cap);
		ok(n == 2, "only is_a edges count");
		sc_onto_free(o);
	}
	ok(sc_onto_parse("[Term]\nid: A\nis_a: B\n[Term]\nid: B\nis_a: A\n", 42, SC_ONTO_OBO, "c", &o) < 0 &&
	   strstr(sc_errmsg(), "cyclic"), "OBO cycle refused: %s", sc_errmsg());
	ok(sc_onto_parse("[Term]\nid: A\nid: B\n", 19, SC_ONTO_OBO, "c", &o) < 0, "two ids refused");
	free(a);
}

static void test_topk(void)
{
	struct sc_cm_builder *b = sc_cm_builder_new(3);
	struct sc_cm m[3];
	char *r1[] = { "a", "b", "c" }, *r2[] = { "b", "c", "a" }, *r3[] = { "c", "b", "a" };
	size_t l[] = { 1, 1, 1 };
	int rc = 0;
	/* truth a: hit at rank 1; hit at rank 3; two ranks given, so the rank-3 "a" is ignored */
	rc |= sc_cm_builder_add(b, "a", 1, r1, l, 3);
	rc |= sc_cm_builder_add(b, "a", 1, r2, l, 3);
	rc |= sc_cm_builder_add(b, "a", 1, r3, l, 2);
	ok(rc == 0 && sc_cm_builder_finish(b, NULL, 0, SC_UNKNOWN_ERROR, "t", m, NULL) == 0, "built");
	ok(m[0].n_labels == 3 && strcmp(m[0].labels[2], "c") == 0, "observed labels sorted");
	ok(m[0].nnz == 3 && m[0].cnt[0] == 1, "k1: a->a, a->b, a->c");
	ok(m[1].nnz == 3, "k2: rank-2 miss keeps rank 1");
	ok(m[2].nnz == 2 && m[2].ti[0] == 0 && m[2].pi[0] == 0 && m[2].cnt[0] == 2 && m[2].pi[1] == 2,
	   "k3: hit at rank 3 counts as truth; a 2-rank cell stays at rank 1 (clamped)");
	for (int k = 0; k < 3; k++)
		sc_cm_release(&m[k]);
	sc_cm_builder_free(b);
}

static void test_csv(void)
{
	const char *text = "h1,h2,h3\r\n\"a,b\",\"say \"\"hi\"\"\",NA\n\"multi\nline\",,x\n";
	int fd = memfd_create("csv", 0);
	char path[64];
	struct sc_stream *s;
	struct sc_csv r;
	struct sc_buf b = SC_BUF_INIT;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	s = sc_open(path, "r");
	ok(s && sc_csv_open(&r, s, ',', 1) == 0, "csv open");
	ok(sc_csv_next(&r) == 1 && r.nf == 3 && strcmp(r.f[2], "h3") == 0, "header, CRLF stripped");
	ok(sc_csv_next(&r) == 1 && strcmp(r.f[0], "a,b") == 0 && strcmp(r.f[1], "say \"hi\"") == 0 &&
	   sc_csv_is_na(r.f[2], r.fl[2]), "quoted comma, doubled quotes, NA token");
	ok(sc_csv_next(&r) == 1 && strcmp(r.f[0], "multi\nline") == 0 && r.fl[1] == 0 &&
	   r.lineno == 3, "newline inside quotes; empty field; line numbers");
	ok(sc_csv_next(&r) == 0, "end");
	sc_csv_release(&r);
	sc_abort(s);
	close(fd);
	ok(sc_csv_put_field(&b, "org/m:2") == 0 && sc_buf_add(&b, ",", 1) == 0 &&
	   sc_csv_put_field(&b, "a \"b\", c") == 0 && sc_buf_add(&b, ",", 1) == 0 &&
	   sc_csv_put_double(&b, 6.666666666666665e-08) == 0 && sc_buf_add(&b, ",", 1) == 0 &&
	   sc_csv_put_double(&b, 1.0) == 0, "csv writer");
	ok(strcmp(b.data, "org/m:2,\"a \"\"b\"\", c\",6.666666666666665e-08,1.0") == 0, "pandas layout: %s",
	   b.data);
	sc_buf_release(&b);
}

static void test_record(void)
{
	static const char *const L[] = { "x", "y\"q" };
	static const int E[][3] = { { 1, 0, 5 }, { 0, 0, 2 } };
	struct sc_cm m, back;
	struct sc_buf b = SC_BUF_INIT;
	cJSON *j;
	int fd = memfd_create("cm", 0);
	char path[64];
	struct sc_stream *s;
	mk(&m, L, 2, E, 2);
	m.meta = sc_cm_meta_new();
	cJSON_AddNumberToObject(m.meta, "k", 1);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	s = sc_open(path, "w");
	ok(s && sc_cm_write(s, &m) == 0 && sc_close(s) == 0, "record written");
	s = sc_open(path, "r");
	{
		struct sc_jsonl r;
		sc_jsonl_init(&r, s);
		ok(sc_cm_read(&r, &back) == 1, "record read back: %s", sc_errmsg());
		sc_jsonl_release(&r);
	}
	sc_abort(s);
	ok(back.n_labels == 2 && strcmp(back.labels[1], "y\"q") == 0, "labels survive escaping");
	ok(back.nnz == 2 && back.ti[0] == 0 && back.cnt[0] == 2 && back.cnt[1] == 5,
	   "entries sorted on read");
	{
		struct sc_cm c;
		ok(sc_cm_copy(&c, &back) == 0 && sc_cm_add(&back, &c) == 0 && back.cnt[0] == 4 &&
		   back.cnt[1] == 10, "sum");
		sc_cm_release(&c);
	}
	sc_cm_release(&back);
	j = cJSON_Parse("{\"schema\":\"scbench.cm/1\",\"k\":0,\"label_order\":[],\"entries\":[]}");
	ok(sc_cm_from_json(j, &back) < 0 || (sc_cm_release(&back), 0), "k = 0 refused");
	sc_cm_release(&m);
	sc_buf_release(&b);
	close(fd);
}

int main(void)
{
	test_pairwise();
	test_fscore();
	test_flat_3class();
	test_flat_predicted_only();
	test_diamond();
	test_onto_formats();
	test_topk();
	test_csv();
	test_record();
	return tap_done();
}
