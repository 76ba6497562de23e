/* The SCCSR1 graph stream: write and strictly validating read; symmetry checks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "sc_alloc.h"
#include "sc_json.h"
#include "sc_matrix.h"

#define CHUNK (1 << 16)

int sc_graph_write(struct sc_stream *s, const struct sc_csr *g, const cJSON *extra)
{
	cJSON *hdr = cJSON_CreateObject();
	const cJSON *it;
	int ret = SC_ENOMEM;
	if (!hdr)
		goto out;
	cJSON_AddNumberToObject(hdr, "rows", (double)g->rows);
	cJSON_AddNumberToObject(hdr, "cols", (double)g->cols);
	cJSON_AddNumberToObject(hdr, "nnz", (double)g->nnz);
	cJSON_AddStringToObject(hdr, "indptr", "i64le");
	cJSON_AddStringToObject(hdr, "indices", "i32le");
	cJSON_AddStringToObject(hdr, "data", "f32le");
	if (extra)
		cJSON_ArrayForEach(it, extra)
			if (it->string && !cJSON_HasObjectItem(hdr, it->string))
				cJSON_AddItemToObject(hdr, it->string, cJSON_Duplicate(it, 1));
	if ((ret = sc_hdr_write(s, SC_GRAPH_MAGIC, hdr)) < 0 ||
	    (ret = sc_write(s, g->indptr, (size_t)(g->rows + 1) * 8)) < 0 ||
	    (ret = sc_write(s, g->indices, (size_t)g->nnz * 4)) < 0 ||
	    (ret = sc_write(s, g->data, (size_t)g->nnz * 4)) < 0)
		goto out;
	ret = 0;
out:
	cJSON_Delete(hdr);
	return ret;
}

int sc_graph_write_tsv(struct sc_stream *s, const struct sc_csr *g)
{
	for (int64_t i = 0; i < g->rows; i++)
		for (int64_t p = g->indptr[i]; p < g->indptr[i + 1]; p++)
			if (sc_printf(s, "%lld\t%d\t%.9g\n", (long long)i, g->indices[p],
				      (double)g->data[p]) < 0)
				return SC_EIO;
	return 0;
}

/* Read count items of size bytes into a buffer grown as data arrives. */
static int read_grow(struct sc_stream *s, void **p, int64_t count, size_t size, const char *what)
{
	int64_t done = 0;
	while (done < count) {
		int64_t nb = count - done < CHUNK ? count - done : CHUNK;
		char *np = sc_realloc(*p, (size_t)(done + nb) + 1, size);
		if (!np)
			return SC_ENOMEM;
		*p = np;
		if (sc_read_exact(s, np + (size_t)done * size, (size_t)nb * size, what) < 0)
			return sc_seterr(SC_EINPUT, "'%s': truncated %s stream (in %s)",
					 sc_stream_name(s), SC_GRAPH_MAGIC, what);
		done += nb;
	}
	if (!*p && !(*p = sc_malloc(1, size)))
		return SC_ENOMEM;
	return 0;
}

static int check_payload(struct sc_stream *s, const struct sc_csr *g)
{
	const char *nm = sc_stream_name(s);
	if (g->indptr[0] != 0 || g->indptr[g->rows] != g->nnz)
		return sc_seterr(SC_EINPUT, "'%s': indptr does not run from 0 to nnz", nm);
	for (int64_t i = 0; i < g->rows; i++) {
		if (g->indptr[i + 1] < g->indptr[i] || g->indptr[i + 1] > g->nnz)
			return sc_seterr(SC_EINPUT, "'%s': indptr not monotone at row %lld", nm,
					 (long long)i);
		for (int64_t p = g->indptr[i]; p < g->indptr[i + 1]; p++) {
			if (g->indices[p] < 0 || g->indices[p] >= g->cols)
				return sc_seterr(SC_EINPUT, "'%s': row %lld: column %d out of range", nm,
						 (long long)i, g->indices[p]);
			if (p > g->indptr[i] && g->indices[p] <= g->indices[p - 1])
				return sc_seterr(SC_EINPUT, "'%s': row %lld: columns not strictly increasing",
						 nm, (long long)i);
			if (!isfinite(g->data[p]))
				return sc_seterr(SC_EINPUT, "'%s': row %lld: weight not finite", nm,
						 (long long)i);
		}
	}
	return 0;
}

int sc_graph_read_payload(struct sc_stream *s, const cJSON *hdr, struct sc_csr *g)
{
	long long rows, cols, nnz;
	const char *a, *b, *c;
	int ret;
	*g = (struct sc_csr)SC_CSR_INIT;
	if (sc_json_get_int64(hdr, "rows", 0, INT32_MAX, &rows) < 0 ||
	    sc_json_get_int64(hdr, "cols", 0, INT32_MAX, &cols) < 0 ||
	    sc_json_get_int64(hdr, "nnz", 0, SC_GRAPH_MAX_NNZ, &nnz) < 0)
		return sc_preferr(SC_EINPUT, "'%s': bad %s header", sc_stream_name(s), SC_GRAPH_MAGIC);
	a = sc_json_get_string(hdr, "indptr");
	b = sc_json_get_string(hdr, "indices");
	c = sc_json_get_string(hdr, "data");
	if (!a || strcmp(a, "i64le") || !b || strcmp(b, "i32le") || !c || strcmp(c, "f32le"))
		return sc_seterr(SC_EINPUT, "'%s': %s header needs indptr i64le, indices i32le, data "
				 "f32le", sc_stream_name(s), SC_GRAPH_MAGIC);
	g->rows = rows;
	g->cols = cols;
	g->nnz = nnz;
	if ((ret = read_grow(s, (void **)&g->indptr, rows + 1, 8, "indptr")) < 0)
		goto out;
	if (g->indptr[rows] != nnz) {
		ret = sc_seterr(SC_EINPUT, "'%s': indptr ends at %lld, header says nnz %lld",
				sc_stream_name(s), (long long)g->indptr[rows], nnz);
		goto out;
	}
	if ((ret = read_grow(s, (void **)&g->indices, nnz, 4, "indices")) < 0 ||
	    (ret = read_grow(s, (void **)&g->data, nnz, 4, "data")) < 0 ||
	    (ret = check_payload(s, g)) < 0 || (ret = sc_at_eof(s)) < 0)
		goto out;
	if (ret == 0) {
		ret = sc_seterr(SC_EINPUT, "'%s': trailing bytes after the %s payload",
				sc_stream_name(s), SC_GRAPH_MAGIC);
		goto out;
	}
	ret = 0;
out:
	if (ret < 0)
		sc_csr_release(g);
	return ret;
}

int sc_graph_read(struct sc_stream *s, struct sc_csr *g, cJSON **hdrp)
{
	cJSON *hdr = NULL;
	int ret;
	*g = (struct sc_csr)SC_CSR_INIT;
	if (hdrp)
		*hdrp = NULL;
	if ((ret = sc_hdr_read(s, SC_GRAPH_MAGIC, &hdr)) < 0 ||
	    (ret = sc_graph_read_payload(s, hdr, g)) < 0)
		goto out;
	if (hdrp) {
		*hdrp = hdr;
		hdr = NULL;
	}
out:
	cJSON_Delete(hdr);
	return ret;
}

/* Rows are visited in order, so the entries (j, i) looked up in row j come with increasing
 * i: one cursor per row walks each row once, O(nnz) in all. */
int sc_graph_check_symmetric(const struct sc_csr *g)
{
	int64_t *cur;
	int ret = 0;
	if (g->rows != g->cols)
		return sc_seterr(SC_EINPUT, "graph is not square (%lld x %lld)", (long long)g->rows,
				 (long long)g->cols);
	if (!(cur = sc_malloc((size_t)g->rows + 1, sizeof(int64_t))))
		return SC_ENOMEM;
	memcpy(cur, g->indptr, sizeof(int64_t) * (size_t)g->rows);
	for (int64_t i = 0; i < g->rows && ret == 0; i++)
		for (int64_t p = g->indptr[i]; p < g->indptr[i + 1]; p++) {
			int32_t j = g->indices[p];
			float w = g->data[p];
			int64_t q = cur[j], qe = g->indptr[j + 1];
			if (w < 0) {
				ret = sc_seterr(SC_EINPUT, "negative weight %g at (%lld, %d)", (double)w,
						(long long)i, j);
				break;
			}
			while (q < qe && g->indices[q] < i)
				q++;
			cur[j] = q;
			if (q >= qe || g->indices[q] != i ||
			    fabsf(g->data[q] - w) > 1e-6f * fmaxf(fabsf(w), fabsf(g->data[q]))) {
				ret = sc_seterr(SC_EINPUT, "graph is not symmetric: (%lld, %d) = %g but "
						"(%d, %lld) = %g", (long long)i, j, (double)w, j, (long long)i,
						q < qe && g->indices[q] == i ? (double)g->data[q] : 0.0);
				break;
			}
		}
	free(cur);
	return ret;
}

struct ent {
	int32_t j;
	float w;
};

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	return (x->j > y->j) - (x->j < y->j);
}

int sc_csr_sort_rows(struct sc_csr *g)
{
	int64_t maxrow = 0, w = 0;
	struct ent *e;
	for (int64_t i = 0; i < g->rows; i++)
		if (g->indptr[i + 1] - g->indptr[i] > maxrow)
			maxrow = g->indptr[i + 1] - g->indptr[i];
	if (!(e = sc_malloc((size_t)maxrow + 1, sizeof(*e))))
		return SC_ENOMEM;
	for (int64_t i = 0; i < g->rows; i++) {
		int64_t p0 = g->indptr[i], m = g->indptr[i + 1] - p0;
		for (int64_t p = 0; p < m; p++)
			e[p] = (struct ent){ g->indices[p0 + p], g->data[p0 + p] };
		qsort(e, (size_t)m, sizeof(*e), ent_cmp);
		g->indptr[i] = w;
		for (int64_t p = 0; p < m; p++) {
			if (p > 0 && e[p].j == e[p - 1].j) {
				g->data[w - 1] += e[p].w;
				continue;
			}
			g->indices[w] = e[p].j;
			g->data[w] = e[p].w;
			w++;
		}
	}
	g->indptr[g->rows] = w;
	g->nnz = w;
	free(e);
	return 0;
}
