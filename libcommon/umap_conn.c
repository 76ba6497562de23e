/* Connectivity kernels on a kNN result (see umap_conn.h for the formulas and their sources). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "knn_io.h"
#include "sc_alloc.h"
#include "sc_matrix.h"
#include "umap_conn.h"

int sc_conn_kind_parse(const char *s, enum sc_conn_kind *out)
{
	if (strcmp(s, "umap") == 0)
		*out = SC_CONN_UMAP;
	else if (strcmp(s, "gauss") == 0)
		*out = SC_CONN_GAUSS;
	else if (strcmp(s, "binary") == 0)
		*out = SC_CONN_BINARY;
	else
		return sc_seterr(SC_EUSAGE, "unknown graph kind '%s' (umap, gauss or binary)", s);
	return 0;
}

const char *sc_conn_kind_name(enum sc_conn_kind k)
{
	return k == SC_CONN_GAUSS ? "gauss" : k == SC_CONN_BINARY ? "binary" : "umap";
}

/* umap's smooth_knn_dist with its float32 locals (psum, lo, mid, hi) and float64 target. The
 * self column (distance 0) that umap sees first is implicit here. */
int sc_umap_sigmas(const struct sc_knn *knn, float *rho, float *sigma)
{
	const int k = knn->k, nn = k + 1;
	const double target = log2((double)nn);
	float all = 0.0f; /* numba's np.mean: sequential float32 sum */
	double mean_all;
	for (int64_t i = 0; i < knn->n; i++)
		for (int j = 0; j < k; j++)
			all += knn->dist[i * k + j];
	mean_all = knn->n > 0 ? (double)all / ((double)knn->n * nn) : 0;
	for (int64_t i = 0; i < knn->n; i++) {
		const float *d = knn->dist + i * k;
		float r = 0.0f, lo = 0.0f, hi = INFINITY, mid = 1.0f, rowsum = 0.0f;
		for (int j = 0; j < k; j++)
			if (d[j] > 0.0f) {
				r = d[j];
				break;
			}
		for (int it = 0; it < 64; it++) {
			float psum = 0.0f;
			for (int j = 0; j < k; j++) {
				float t = d[j] - r;
				if (t > 0)
					psum += expf(-(t / mid));
				else
					psum += 1.0f;
			}
			if (fabs((double)psum - target) < 1e-5)
				break;
			if ((double)psum > target) {
				hi = mid;
				mid = (float)(((double)lo + (double)hi) / 2.0);
			} else {
				lo = mid;
				if (isinf(hi))
					mid *= 2;
				else
					mid = (float)(((double)lo + (double)hi) / 2.0);
			}
		}
		for (int j = 0; j < k; j++)
			rowsum += d[j];
		if (r > 0.0f) {
			double m = (double)rowsum / nn;
			if ((double)mid < 1e-3 * m)
				mid = (float)(1e-3 * m);
		} else if ((double)mid < 1e-3 * mean_all) {
			mid = (float)(1e-3 * mean_all);
		}
		rho[i] = r;
		sigma[i] = mid;
	}
	return 0;
}

/* A directed graph from per-entry weights (k per row, zeros dropped), rows sorted by column. */
static int directed(const struct sc_knn *knn, const float *w, struct sc_csr *a)
{
	int64_t nnz = 0;
	const int k = knn->k;
	for (int64_t p = 0; p < knn->n * k; p++)
		nnz += w[p] != 0.0f;
	if (sc_csr_alloc(a, knn->n, knn->n, nnz) < 0)
		return SC_ENOMEM;
	nnz = 0;
	for (int64_t i = 0; i < knn->n; i++) {
		/* insertion sort of at most k entries by column */
		int64_t start = nnz;
		for (int j = 0; j < k; j++) {
			float v = w[i * k + j];
			int32_t c = knn->idx[i * k + j];
			if (v == 0.0f)
				continue;
			int64_t p = nnz++;
			while (p > start && a->indices[p - 1] > c) {
				a->indices[p] = a->indices[p - 1];
				a->data[p] = a->data[p - 1];
				p--;
			}
			a->indices[p] = c;
			a->data[p] = v;
		}
		a->indptr[i + 1] = nnz;
	}
	return 0;
}

static int transpose(const struct sc_csr *a, struct sc_csr *t)
{
	int64_t *pos = NULL;
	if (sc_csr_alloc(t, a->cols, a->rows, a->nnz) < 0)
		return SC_ENOMEM;
	for (int64_t p = 0; p < a->nnz; p++)
		t->indptr[a->indices[p] + 1]++;
	for (int64_t i = 0; i < t->rows; i++)
		t->indptr[i + 1] += t->indptr[i];
	if (!(pos = sc_malloc((size_t)t->rows + 1, sizeof(int64_t)))) {
		sc_csr_release(t);
		return SC_ENOMEM;
	}
	memcpy(pos, t->indptr, sizeof(int64_t) * (size_t)(t->rows + 1));
	for (int64_t i = 0; i < a->rows; i++) /* rows in order: columns of t come out sorted */
		for (int64_t p = a->indptr[i]; p < a->indptr[i + 1]; p++) {
			int64_t q = pos[a->indices[p]]++;
			t->indices[q] = (int32_t)i;
			t->data[q] = a->data[p];
		}
	free(pos);
	return 0;
}

enum combine { FUZZY_UNION, MAX_OF };

/* out = elementwise combination of a and its transpose on the union pattern, zeros dropped. */
static int symmetrise(const struct sc_csr *a, enum combine how, struct sc_csr *out)
{
	struct sc_csr t = SC_CSR_INIT;
	int ret = SC_ENOMEM;
	int64_t w = 0;
	if (transpose(a, &t) < 0)
		goto out;
	if (sc_csr_alloc(out, a->rows, a->cols, a->nnz + t.nnz) < 0)
		goto out;
	for (int64_t i = 0; i < a->rows; i++) {
		int64_t p = a->indptr[i], pe = a->indptr[i + 1], q = t.indptr[i], qe = t.indptr[i + 1];
		while (p < pe || q < qe) {
			int32_t c;
			float x = 0.0f, y = 0.0f, v;
			if (q >= qe || (p < pe && a->indices[p] < t.indices[q])) {
				c = a->indices[p];
				x = a->data[p++];
			} else if (p >= pe || t.indices[q] < a->indices[p]) {
				c = t.indices[q];
				y = t.data[q++];
			} else {
				c = a->indices[p];
				x = a->data[p++];
				y = t.data[q++];
			}
			if (how == FUZZY_UNION) {
				float s = x + y, prod = x * y;
				v = s - prod;
			} else {
				v = x > y ? x : y;
			}
			if (v == 0.0f)
				continue;
			out->indices[w] = c;
			out->data[w] = v;
			w++;
		}
		out->indptr[i + 1] = w;
	}
	out->nnz = w;
	ret = 0;
out:
	if (ret < 0)
		sc_csr_release(out);
	sc_csr_release(&t);
	return ret;
}

static int build(const struct sc_knn *knn, const float *w, enum combine how, struct sc_csr *out)
{
	struct sc_csr a = SC_CSR_INIT;
	int ret = directed(knn, w, &a);
	*out = (struct sc_csr)SC_CSR_INIT;
	if (ret == 0)
		ret = symmetrise(&a, how, out);
	sc_csr_release(&a);
	return ret;
}

int sc_conn_umap(const struct sc_knn *knn, struct sc_csr *out)
{
	const int k = knn->k;
	float *rho = sc_malloc((size_t)knn->n + 1, sizeof(float));
	float *sig = sc_malloc((size_t)knn->n + 1, sizeof(float));
	float *w = sc_malloc((size_t)(knn->n * k) + 1, sizeof(float));
	int ret = SC_ENOMEM;
	*out = (struct sc_csr)SC_CSR_INIT;
	if (!rho || !sig || !w || sc_umap_sigmas(knn, rho, sig) < 0)
		goto out;
	for (int64_t i = 0; i < knn->n; i++)
		for (int j = 0; j < k; j++) {
			int64_t p = i * k + j;
			float t = knn->dist[p] - rho[i];
			if (knn->idx[p] == i)
				w[p] = 0.0f;
			else if (t <= 0.0f || sig[i] == 0.0f)
				w[p] = 1.0f;
			else
				w[p] = expf(-(t / sig[i]));
		}
	ret = build(knn, w, FUZZY_UNION, out);
out:
	free(rho);
	free(sig);
	free(w);
	return ret;
}

static int fcmp(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* scanpy's gauss kernel: the value depends only on (i, j, d_ij), so it is the same from either
 * side; an edge present in one direction only takes its single value (max with 0). */
int sc_conn_gauss(const struct sc_knn *knn, struct sc_csr *out)
{
	const int k = knn->k;
	double *s2 = sc_malloc((size_t)knn->n + 1, sizeof(double));
	float *tmp = sc_malloc((size_t)k + 1, sizeof(float));
	float *w = sc_malloc((size_t)(knn->n * k) + 1, sizeof(float));
	int ret = SC_ENOMEM;
	*out = (struct sc_csr)SC_CSR_INIT;
	if (!s2 || !tmp || !w)
		goto out;
	for (int64_t i = 0; i < knn->n; i++) {
		for (int j = 0; j < k; j++)
			tmp[j] = knn->dist[i * k + j] * knn->dist[i * k + j];
		qsort(tmp, (size_t)k, sizeof(float), fcmp);
		s2[i] = k % 2 ? tmp[k / 2] : 0.5 * ((double)tmp[k / 2 - 1] + tmp[k / 2]);
	}
	for (int64_t i = 0; i < knn->n; i++)
		for (int j = 0; j < k; j++) {
			int64_t p = i * k + j, c = knn->idx[p];
			double den = s2[i] + s2[c], dd = (double)knn->dist[p] * knn->dist[p];
			w[p] = den > 0 ? (float)(sqrt(2 * sqrt(s2[i] * s2[c]) / den) * exp(-dd / den))
				       : 1.0f;
		}
	ret = build(knn, w, MAX_OF, out);
out:
	free(s2);
	free(tmp);
	free(w);
	return ret;
}

int sc_conn_binary(const struct sc_knn *knn, struct sc_csr *out)
{
	float *w = sc_malloc((size_t)(knn->n * knn->k) + 1, sizeof(float));
	int ret;
	*out = (struct sc_csr)SC_CSR_INIT;
	if (!w)
		return SC_ENOMEM;
	for (int64_t p = 0; p < knn->n * knn->k; p++)
		w[p] = 1.0f;
	ret = build(knn, w, MAX_OF, out);
	free(w);
	return ret;
}

int sc_conn_build(const struct sc_knn *knn, enum sc_conn_kind kind, struct sc_csr *out)
{
	switch (kind) {
	case SC_CONN_GAUSS: return sc_conn_gauss(knn, out);
	case SC_CONN_BINARY: return sc_conn_binary(knn, out);
	default: return sc_conn_umap(knn, out);
	}
}

int sc_knn_to_csr(const struct sc_knn *knn, struct sc_csr *out)
{
	*out = (struct sc_csr)SC_CSR_INIT;
	return directed(knn, knn->dist, out);
}

int sc_conn_load(struct sc_stream *s, enum sc_conn_kind kind, int scanpy_k, struct sc_csr *out)
{
	struct sc_knn g = SC_KNN_INIT, t = SC_KNN_INIT;
	cJSON *hdr = NULL;
	char magic[16];
	int ret;
	*out = (struct sc_csr)SC_CSR_INIT;
	if ((ret = sc_hdr_read_any(s, magic, &hdr)) < 0)
		goto out;
	if (strcmp(magic, SC_GRAPH_MAGIC) == 0) {
		if ((ret = sc_graph_read_payload(s, hdr, out)) < 0)
			goto out;
		if ((ret = sc_graph_check_symmetric(out)) < 0) {
			sc_preferr(ret, "'%s'", sc_stream_name(s));
			goto out;
		}
	} else if (strcmp(magic, SC_KNN_MAGIC) == 0) {
		if ((ret = sc_knn_read_payload(s, hdr, &g, NULL)) < 0)
			goto out;
		if (scanpy_k > 0) {
			if (scanpy_k - 1 > g.k) {
				ret = sc_seterr(SC_EINPUT, "'%s': scanpy n_neighbors %d needs %d neighbours, "
						"the stream has %d", sc_stream_name(s), scanpy_k,
						scanpy_k - 1, g.k);
				goto out;
			}
			if ((ret = sc_knn_truncate(&g, scanpy_k - 1, &t)) < 0)
				goto out;
			sc_knn_release(&g);
			g = t;
			t = (struct sc_knn)SC_KNN_INIT;
		}
		if ((ret = sc_conn_build(&g, kind, out)) < 0)
			goto out;
	} else {
		ret = sc_seterr(SC_EINPUT, "'%s': a %s stream is neither a graph (%s) nor a kNN stream "
				"(%s)", sc_stream_name(s), magic, SC_GRAPH_MAGIC, SC_KNN_MAGIC);
	}
out:
	if (ret < 0)
		sc_csr_release(out);
	sc_knn_release(&g);
	sc_knn_release(&t);
	cJSON_Delete(hdr);
	return ret;
}

struct kd {
	float d;
	int32_t j;
};

static int kd_cmp(const void *a, const void *b)
{
	const struct kd *x = a, *y = b;
	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return (x->j > y->j) - (x->j < y->j);
}

int sc_csr_to_knn(const struct sc_csr *g, struct sc_knn *out)
{
	int64_t k = -1;
	struct kd *row = NULL;
	int ret = SC_EINPUT;
	*out = (struct sc_knn)SC_KNN_INIT;
	if (g->rows != g->cols || g->rows < 2)
		return sc_seterr(SC_EINPUT, "a distances graph must be square with 2 or more rows");
	for (int64_t i = 0; i < g->rows; i++) {
		int64_t m = 0;
		for (int64_t p = g->indptr[i]; p < g->indptr[i + 1]; p++)
			m += g->indices[p] != i;
		if (k < 0)
			k = m;
		if (m != k || m < 1)
			return sc_seterr(SC_EINPUT, "distances graph row %lld has %lld neighbours, row 0 "
					 "has %lld: not a kNN graph", (long long)i, (long long)m,
					 (long long)k);
	}
	if (k > SC_KNN_MAX_K)
		return sc_seterr(SC_EINPUT, "distances graph has %lld neighbours per row (max %d)",
				 (long long)k, SC_KNN_MAX_K);
	if (!(row = sc_malloc((size_t)k, sizeof(*row))) || sc_knn_alloc(out, g->rows, (int)k) < 0) {
		ret = SC_ENOMEM;
		goto out;
	}
	for (int64_t i = 0; i < g->rows; i++) {
		int64_t m = 0;
		for (int64_t p = g->indptr[i]; p < g->indptr[i + 1]; p++) {
			if (g->indices[p] == i)
				continue;
			if (!(g->data[p] >= 0) || !isfinite(g->data[p])) {
				ret = sc_seterr(SC_EINPUT, "distances graph row %lld: negative or non-finite "
						"distance", (long long)i);
				goto out;
			}
			row[m++] = (struct kd){ g->data[p], g->indices[p] };
		}
		qsort(row, (size_t)k, sizeof(*row), kd_cmp);
		for (int64_t j = 0; j < k; j++) {
			out->idx[i * k + j] = row[j].j;
			out->dist[i * k + j] = row[j].d;
		}
	}
	ret = 0;
out:
	if (ret < 0)
		sc_knn_release(out);
	free(row);
	return ret;
}
