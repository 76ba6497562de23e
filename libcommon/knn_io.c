/* The SCKNN1 stream: write and strictly validating read. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "knn_io.h"
#include "sc_json.h"
#include "sc_matrix.h"

#define ROW_BLOCK 4096

/* Copy the fields of extra not already in hdr. */
static void add_extra(cJSON *hdr, const cJSON *extra)
{
	const cJSON *it;
	if (!extra)
		return;
	cJSON_ArrayForEach(it, extra)
		if (it->string && !cJSON_HasObjectItem(hdr, it->string))
			cJSON_AddItemToObject(hdr, it->string, cJSON_Duplicate(it, 1));
}

int sc_knn_write(struct sc_stream *s, const struct sc_knn *g, enum sc_knn_metric metric,
		 const cJSON *extra)
{
	cJSON *hdr = cJSON_CreateObject();
	char *buf = NULL;
	int ret = SC_ENOMEM;
	size_t row = (size_t)g->k * 8;
	if (!hdr || !(buf = sc_malloc(row ? row : 1, 1)))
		goto out;
	cJSON_AddNumberToObject(hdr, "n", (double)g->n);
	cJSON_AddNumberToObject(hdr, "k", g->k);
	cJSON_AddStringToObject(hdr, "metric", sc_knn_metric_name(metric));
	cJSON_AddStringToObject(hdr, "index", "i32le");
	cJSON_AddStringToObject(hdr, "dist", "f32le");
	add_extra(hdr, extra);
	if ((ret = sc_hdr_write(s, SC_KNN_MAGIC, hdr)) < 0)
		goto out;
	for (int64_t i = 0; i < g->n; i++) {
		memcpy(buf, g->idx + i * g->k, (size_t)g->k * 4);
		memcpy(buf + (size_t)g->k * 4, g->dist + i * g->k, (size_t)g->k * 4);
		if ((ret = sc_write(s, buf, row)) < 0)
			goto out;
	}
	ret = 0;
out:
	cJSON_Delete(hdr);
	free(buf);
	return ret;
}

int sc_knn_write_tsv(struct sc_stream *s, const struct sc_knn *g)
{
	struct sc_buf b = SC_BUF_INIT;
	int ret = 0;
	for (int64_t i = 0; i < g->n && ret == 0; i++) {
		b.len = 0;
		ret = sc_buf_addf(&b, "%lld", (long long)i);
		for (int j = 0; j < g->k && ret == 0; j++)
			ret = sc_buf_addf(&b, "\t%d", g->idx[i * g->k + j]);
		if (ret == 0)
			ret = sc_buf_add(&b, "\n", 1);
		if (ret == 0)
			ret = sc_write(s, b.data, b.len);
	}
	sc_buf_release(&b);
	return ret;
}

static int check_header(struct sc_stream *s, const cJSON *hdr, long long *n, long long *k,
			enum sc_knn_metric *metric)
{
	const char *ix = sc_json_get_string(hdr, "index"), *ds = sc_json_get_string(hdr, "dist");
	const char *mt = sc_json_get_string(hdr, "metric");
	if (sc_json_get_int64(hdr, "n", 0, INT32_MAX, n) < 0 ||
	    sc_json_get_int64(hdr, "k", 0, SC_KNN_MAX_K, k) < 0)
		return sc_preferr(SC_EINPUT, "'%s': bad %s header", sc_stream_name(s), SC_KNN_MAGIC);
	if (!ix || strcmp(ix, "i32le") != 0 || !ds || strcmp(ds, "f32le") != 0)
		return sc_seterr(SC_EINPUT, "'%s': %s header needs \"index\":\"i32le\" and "
				 "\"dist\":\"f32le\"", sc_stream_name(s), SC_KNN_MAGIC);
	if (!mt || sc_knn_metric_parse(mt, metric) < 0)
		return sc_seterr(SC_EINPUT, "'%s': %s header has no known \"metric\"",
				 sc_stream_name(s), SC_KNN_MAGIC);
	if (*k > 0 && *k >= *n)
		return sc_seterr(SC_EINPUT, "'%s': k = %lld is not below n = %lld", sc_stream_name(s),
				 *k, *n);
	return 0;
}

static int check_row(struct sc_stream *s, int64_t i, int64_t n, int k, const int32_t *idx,
		     const float *dist)
{
	for (int j = 0; j < k; j++) {
		if (idx[j] < 0 || idx[j] >= n || idx[j] == i)
			return sc_seterr(SC_EINPUT, "'%s': row %lld: neighbour index %d %s",
					 sc_stream_name(s), (long long)i, idx[j],
					 idx[j] == i ? "is the row itself" : "out of range");
		if (!isfinite(dist[j]) || dist[j] < 0)
			return sc_seterr(SC_EINPUT, "'%s': row %lld: distance %d is negative or not finite",
					 sc_stream_name(s), (long long)i, j);
		if (j > 0 && dist[j] < dist[j - 1])
			return sc_seterr(SC_EINPUT, "'%s': row %lld: distances not sorted",
					 sc_stream_name(s), (long long)i);
	}
	return 0;
}

int sc_knn_read_payload(struct sc_stream *s, const cJSON *hdr, struct sc_knn *g,
			enum sc_knn_metric *metric)
{
	char *buf = NULL;
	long long n, k;
	int64_t cap = 0, done = 0;
	enum sc_knn_metric mt;
	int ret;
	*g = (struct sc_knn)SC_KNN_INIT;
	if ((ret = check_header(s, hdr, &n, &k, &mt)) < 0)
		goto out;
	ret = SC_ENOMEM;
	if (!(buf = sc_malloc((size_t)k * 8 + 1, 1)))
		goto out;
	g->n = n;
	g->k = (int)k;
	while (done < n) {
		if (done == cap) { /* grow as data arrives: a lying header cannot force a huge alloc */
			int64_t nc = cap ? cap * 2 : ROW_BLOCK;
			if (nc > n)
				nc = n;
			int32_t *ni = sc_realloc(g->idx, (size_t)(nc * k) + 1, sizeof(int32_t));
			if (!ni)
				goto out;
			g->idx = ni;
			float *nd = sc_realloc(g->dist, (size_t)(nc * k) + 1, sizeof(float));
			if (!nd)
				goto out;
			g->dist = nd;
			cap = nc;
		}
		if ((ret = sc_read_exact(s, buf, (size_t)k * 8, "kNN row")) < 0) {
			ret = sc_seterr(SC_EINPUT, "'%s': truncated %s stream: header says %lld rows, "
					"input ends in row %lld", sc_stream_name(s), SC_KNN_MAGIC, n,
					(long long)done);
			goto out;
		}
		memcpy(g->idx + done * k, buf, (size_t)k * 4);
		memcpy(g->dist + done * k, buf + k * 4, (size_t)k * 4);
		if ((ret = check_row(s, done, n, (int)k, g->idx + done * k, g->dist + done * k)) < 0)
			goto out;
		done++;
	}
	if ((ret = sc_at_eof(s)) < 0)
		goto out;
	if (ret == 0) {
		ret = sc_seterr(SC_EINPUT, "'%s': trailing bytes after the %s payload",
				sc_stream_name(s), SC_KNN_MAGIC);
		goto out;
	}
	if (metric)
		*metric = mt;
	ret = 0;
out:
	if (ret < 0)
		sc_knn_release(g);
	free(buf);
	return ret;
}

int sc_knn_read(struct sc_stream *s, struct sc_knn *g, enum sc_knn_metric *metric, cJSON **hdrp)
{
	cJSON *hdr = NULL;
	int ret;
	*g = (struct sc_knn)SC_KNN_INIT;
	if (hdrp)
		*hdrp = NULL;
	if ((ret = sc_hdr_read(s, SC_KNN_MAGIC, &hdr)) < 0 ||
	    (ret = sc_knn_read_payload(s, hdr, g, metric)) < 0)
		goto out;
	if (hdrp) {
		*hdrp = hdr;
		hdr = NULL;
	}
out:
	cJSON_Delete(hdr);
	return ret;
}
