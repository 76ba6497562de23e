/* score-scib input loading (see scib_input.h). */
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "graph_tsv.h"
#include "knn_io.h"
#include "sc_alloc.h"
#include "scib_input.h"

void sc_scib_data_init(struct sc_scib_data *d)
{
	memset(d, 0, sizeof *d);
}

static int read_matrix(const char *path, struct sc_matrix *m)
{
	struct sc_stream *s = sc_open(path, "r");
	int ret;
	if (!s)
		return SC_EIO;
	ret = sc_mat_read(s, m);
	if (sc_close(s) < 0 && ret == 0)
		ret = SC_EIO;
	if (ret < 0)
		return ret;
	int64_t bad = sc_mat_first_nonfinite(m);
	if (bad >= 0)
		return sc_seterr(SC_EINPUT, "'%s': NaN or Inf in the embedding (row %lld)", path,
				 (long long)bad);
	if (m->rows < 2 || m->cols < 1)
		return sc_seterr(SC_EINPUT, "'%s': need at least 2 cells and 1 dimension", path);
	return 0;
}

static int rows_match(const char *what, const char *path, int64_t got, int64_t want)
{
	if (got == want)
		return 0;
	return sc_seterr(SC_EINPUT, "%s '%s' has %lld rows, the embedding %lld", what, path,
			 (long long)got, (long long)want);
}

static int read_optional(const struct sc_scib_paths *p, struct sc_scib_data *d, int64_t n)
{
	struct sc_stream *s = NULL;
	int ret = 0;
	int32_t ncl;
	if (p->graph || p->graph_tsv) {
		const char *path = p->graph ? p->graph : p->graph_tsv;
		if (!(s = sc_open(path, "r")))
			return SC_EIO;
		ret = p->graph ? sc_graph_read(s, &d->graph, NULL) : sc_graph_tsv_read(s, n, &d->graph);
		if (sc_close(s) < 0 && ret == 0)
			ret = SC_EIO;
		if (ret < 0 || (ret = rows_match("graph", path, d->graph.rows, n)) < 0)
			return ret;
		if (d->graph.cols != n)
			return sc_seterr(SC_EINPUT, "graph '%s' is not square", path);
		d->in.graph = &d->graph;
	}
	if (p->knn) {
		if (!(s = sc_open(p->knn, "r")))
			return SC_EIO;
		ret = sc_knn_read(s, &d->knn, NULL, NULL);
		if (sc_close(s) < 0 && ret == 0)
			ret = SC_EIO;
		if (ret < 0 || (ret = rows_match("kNN stream", p->knn, d->knn.n, n)) < 0)
			return ret;
		d->in.knn = &d->knn;
	}
	if (p->clusters) {
		if (!(d->clusters = sc_malloc((size_t)n, sizeof(int32_t))) || !(s = sc_open(p->clusters, "r")))
			return d->clusters ? SC_EIO : SC_ENOMEM;
		ret = sc_partition_read(s, n, p->cluster_key, d->clusters, &ncl);
		if (sc_close(s) < 0 && ret == 0)
			ret = SC_EIO;
		if (ret < 0)
			return sc_preferr(ret, "'%s'", p->clusters);
		d->in.clusters = d->clusters;
	}
	if (p->pre) {
		if ((ret = read_matrix(p->pre, &d->pre)) < 0 ||
		    (ret = rows_match("unintegrated embedding", p->pre, d->pre.rows, n)) < 0)
			return ret;
		d->in.x_pre = d->pre.data;
		d->in.d_pre = d->pre.cols;
	}
	return 0;
}

int sc_scib_data_load(const struct sc_scib_paths *p, struct sc_scib_data *d)
{
	struct sc_stream *s = NULL;
	int64_t nobs = 0;
	int ncol = p->batch_key ? 2 : 1, ret;
	if ((ret = read_matrix(p->matrix, &d->x)) < 0)
		return ret;
	d->col[0].key = p->label_key;
	d->col[1].key = p->batch_key;
	if (!(s = sc_open(p->obs, "r")))
		return SC_EIO;
	ret = sc_obs_read_codes(s, d->col, ncol, &nobs);
	if (sc_close(s) < 0 && ret == 0)
		ret = SC_EIO;
	if (ret < 0 || (ret = rows_match("obs table", p->obs, nobs, d->x.rows)) < 0)
		return ret;
	d->in.x = d->x.data;
	d->in.n = d->x.rows;
	d->in.d = d->x.cols;
	d->in.label = d->col[0].codes;
	d->in.n_labels = (int32_t)d->col[0].n_levels;
	if (p->batch_key) {
		d->in.batch = d->col[1].codes;
		d->in.n_batches = (int32_t)d->col[1].n_levels;
	}
	return read_optional(p, d, d->x.rows);
}

void sc_scib_data_release(struct sc_scib_data *d)
{
	sc_mat_release(&d->x);
	sc_mat_release(&d->pre);
	sc_obs_column_release(&d->col[0]);
	sc_obs_column_release(&d->col[1]);
	sc_csr_release(&d->graph);
	sc_knn_release(&d->knn);
	free(d->clusters);
}
