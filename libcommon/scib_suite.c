/* The scIB metric suite (see scib_suite.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "allpairs.h"
#include "batch_entropy.h"
#include "cluster_compare.h"
#include "graph_conn.h"
#include "isolated.h"
#include "kbet.h"
#include "kbet_sm.h"
#include "kmeans.h"
#include "leiden.h"
#include "lisi.h"
#include "pcr.h"
#include "sc_alloc.h"
#include "sc_metric.h"
#include "sc_progress.h"
#include "scib_aggregate.h"
#include "scib_suite.h"
#include "silhouette.h"
#include "umap_conn.h"

#define NRES 10
#define LISI_K0 90

static const struct {
	const char *name, *task;
	int group; /* 1 bio, 2 batch, 0 neither */
} MT[SC_M_COUNT] = {
	[SC_M_NMI] = { "nmi", "embedding", 1 },
	[SC_M_ARI] = { "ari", "embedding", 1 },
	[SC_M_ASW_LABEL] = { "asw_label", "embedding", 1 },
	[SC_M_ISO_ASW] = { "isolated_labels_asw", "embedding", 1 },
	[SC_M_ISO_F1] = { "isolated_labels_f1", "embedding", 1 },
	[SC_M_CLISI] = { "clisi", "embedding", 1 },
	[SC_M_ASW_BATCH] = { "asw_batch", "embedding", 2 },
	[SC_M_BRAS] = { "bras", "embedding", 2 },
	[SC_M_ILISI] = { "ilisi", "embedding", 2 },
	[SC_M_KBET] = { "kbet", "embedding", 2 },
	[SC_M_GRAPH_CONN] = { "graph_connectivity", "embedding", 2 },
	[SC_M_PCR_CMP] = { "pcr_comparison", "embedding", 2 },
	[SC_M_PCR] = { "pcr", "embedding", 0 },
	[SC_M_ENTROPY] = { "entropy_per_cell", "batch_integration", 0 },
	[SC_M_BATCH_SIL] = { "batch_silhouette", "batch_integration", 0 },
	[SC_M_SIL_SCORE] = { "silhouette_score", "embedding", 0 },
	[SC_M_CZ_ARI] = { "adjusted_rand_index", "clustering", 0 },
	[SC_M_CZ_NMI] = { "normalized_mutual_info", "clustering", 0 },
};

int sc_scib_metric_id(const char *name)
{
	for (int i = 0; i < SC_M_COUNT; i++)
		if (strcmp(MT[i].name, name) == 0)
			return i;
	return -1;
}

const char *sc_scib_metric_name(int id)
{
	return id >= 0 && id < SC_M_COUNT ? MT[id].name : NULL;
}

void sc_scib_default_metrics(struct sc_scib_opts *o, int have_pre)
{
	memset(o->want, 0, sizeof o->want);
	if (o->preset == SC_SCIB_PRESET_CZBENCHMARKS) {
		for (int i = SC_M_ENTROPY; i <= SC_M_CZ_NMI; i++)
			o->want[i] = 1;
		return;
	}
	for (int i = SC_M_NMI; i <= SC_M_PCR; i++)
		o->want[i] = 1;
	o->want[SC_M_PCR_CMP] = (unsigned char)have_pre;
	if (o->flavor == SC_SCIB_FLAVOR_SCIB)
		o->want[SC_M_BRAS] = 0;
	else {
		o->want[SC_M_ASW_BATCH] = 0;
		o->want[SC_M_ISO_F1] = 0;
	}
}

struct run {
	const struct sc_scib_input *in;
	const struct sc_scib_opts *o;
	sc_scib_emit_fn emit;
	void *ctx;
	const char *flavor;
	double val[SC_M_COUNT];
	unsigned char done[SC_M_COUNT];
	struct sc_knn knn; /* owned when computed */
	const struct sc_knn *kp;
	struct sc_csr g15;
	const struct sc_csr *gp;
	struct sc_sil_result sil;
	int sil_done; /* silhouettes already computed (in the kNN's all-pairs pass) */
	int32_t *parts; /* NRES x n Leiden partitions (scib sweep) */
	int32_t *lisi_idx, *lisi_cnt; /* graph LISI neighbours, shared by cLISI and iLISI */
	double *lisi_dist;
	int32_t ncl[NRES];
	double t;
};

static void lap(struct run *r, const char *what)
{
	double now = sc_now();
	sc_log(2, "%s: %.3f s", what, now - r->t);
	r->t = now;
}

/* Emit one record; params is consumed. */
/* Emit one record. params: the settings that define the metric (records are joined on
 * them); details: what the computation found (chosen resolution, counts), kept apart so a
 * changed outcome never looks like a different metric. Takes ownership of both. */
static int put_d(struct run *r, int id, double v, const char *reason, cJSON *params,
		 cJSON *details)
{
	struct sc_metric_ctx mc = { MT[id].task, r->o->dataset, r->o->model, r->flavor };
	cJSON *rec = sc_metric_new(&mc, MT[id].name, v, isfinite(v) ? NULL : reason);
	r->val[id] = v;
	r->done[id] = 1;
	if (!rec) {
		cJSON_Delete(params);
		cJSON_Delete(details);
		return sc_seterr(SC_ENOMEM, "out of memory for a record");
	}
	if (params)
		cJSON_AddItemToObject(rec, "params", params);
	if (details)
		cJSON_AddItemToObject(rec, "details", details);
	return r->emit(r->ctx, rec);
}

static int put(struct run *r, int id, double v, const char *reason, cJSON *params)
{
	return put_d(r, id, v, reason, params, NULL);
}

static cJSON *pnum(cJSON *p, const char *k, double v)
{
	if (!p)
		p = cJSON_CreateObject();
	if (p)
		cJSON_AddNumberToObject(p, k, v);
	return p;
}

static cJSON *pstr(cJSON *p, const char *k, const char *v)
{
	if (!p)
		p = cJSON_CreateObject();
	if (p)
		cJSON_AddStringToObject(p, k, v);
	return p;
}

static int n_present_batches(const struct sc_scib_input *in)
{
	if (!in->batch)
		return 0;
	unsigned char *seen = calloc((size_t)in->n_batches, 1);
	int c = 0;
	if (!seen)
		return 0;
	for (int64_t i = 0; i < in->n; i++)
		if (!seen[in->batch[i]]) {
			seen[in->batch[i]] = 1;
			c++;
		}
	free(seen);
	return c;
}

/* The silhouettes the selected metrics need (batch ones only with a batch key). */
static struct sc_allpairs_input sil_wants(const struct run *r)
{
	const struct sc_scib_input *in = r->in;
	const unsigned char *w = r->o->want;
	int bat = in->batch != NULL;
	struct sc_allpairs_input a = {
		.x = in->x, .n = in->n, .d = in->d, .label = in->label, .n_labels = in->n_labels,
		.batch = in->batch, .n_batches = in->n_batches,
		.want_label = w[SC_M_ASW_LABEL] || w[SC_M_ISO_ASW] || w[SC_M_SIL_SCORE],
		.want_batch = bat && (w[SC_M_ASW_BATCH] || w[SC_M_BATCH_SIL]),
		.want_bras = bat && w[SC_M_BRAS], .threads = r->o->threads
	};
	return a;
}

static void log_pass(struct run *r, const char *what, const struct sc_allpairs_stats *st)
{
	double s = sc_now() - r->t;
	sc_log(2, "%s: %.3f s (%.3f s CPU), %.3f GFLOP/s executed, %.3f GFLOP/s effective "
	       "(2 n^2 d), %.3f GFLOP per CPU-second executed", what, s, st->cpu_seconds,
	       s > 0 ? st->flops_executed / s / 1e9 : 0, s > 0 ? st->flops / s / 1e9 : 0,
	       st->cpu_seconds > 0 ? st->flops_executed / st->cpu_seconds / 1e9 : 0);
	if (st->exact_rows)
		sc_log(2, "knn: %lld rows recomputed by an exact scan (ties at the k-th neighbour)", (long long)st->exact_rows);
	if (r->o->sgemm_reference) {
		int64_t m = r->in->n < 20000 ? r->in->n : 20000;
		double pc = NAN, g = sc_allpairs_sgemm_gflops(r->in->x, m, r->in->d, r->o->threads, &pc);
		sc_log(2, "sgemm reference (same tiles, %lld rows): %.3f GFLOP/s, %.3f GFLOP per CPU-second",
		       (long long)m, g, pc);
	}
	r->t = sc_now();
}

/* kNN with at least k non-self neighbours (computed once at the largest k needed), in one
 * all-pairs pass with the silhouettes when those are wanted too. */
static int need_knn(struct run *r, int k)
{
	const struct sc_scib_input *in = r->in;
	struct sc_allpairs_stats st;
	if (k > in->n - 1)
		k = (int)(in->n - 1);
	if (r->kp) {
		if (r->kp->k < k)
			return sc_seterr(SC_EINPUT, "the kNN input has k = %d; these metrics need %d",
					 r->kp->k, k);
		return 0;
	}
	if (k < 1)
		return sc_seterr(SC_EUSAGE, "k = %d needs between 1 and %lld candidate neighbours", k,
				 (long long)(in->n - 1));
	struct sc_allpairs_input a = sil_wants(r);
	int sil = a.want_label || a.want_batch || a.want_bras;
	a.knn_k = k;
	int ret = sc_allpairs_compute(&a, &r->sil, &r->knn, &st);
	if (ret < 0)
		return ret;
	r->kp = &r->knn;
	r->sil_done = sil;
	log_pass(r, sil ? "knn + silhouette (one all-pairs pass)" : "knn (all-pairs pass)", &st);
	return 0;
}

static int need_graph(struct run *r)
{
	struct sc_knn t = SC_KNN_INIT;
	int ret;
	if (r->gp)
		return 0;
	ret = sc_knn_truncate(r->kp, r->kp->k < 14 ? r->kp->k : 14, &t);
	if (ret == 0)
		ret = sc_conn_umap(&t, &r->g15);
	sc_knn_release(&t);
	if (ret == 0)
		r->gp = &r->g15;
	lap(r, "connectivities");
	return ret;
}

static int largest_k(const struct run *r)
{
	const unsigned char *w = r->o->want;
	int k = 0, scib = r->o->flavor == SC_SCIB_FLAVOR_SCIB;
	if (!r->in->graph && ((scib && (w[SC_M_NMI] || w[SC_M_ARI])) || w[SC_M_ISO_F1] || w[SC_M_CZ_ARI] ||
			      w[SC_M_CZ_NMI] || (scib && (w[SC_M_CLISI] || w[SC_M_ILISI] ||
							  w[SC_M_GRAPH_CONN]))))
		k = 14;
	if (!scib && w[SC_M_GRAPH_CONN] && k < 14)
		k = 14;
	if (w[SC_M_KBET] && k < 49)
		k = 49;
	if (!scib && (w[SC_M_CLISI] || w[SC_M_ILISI]))
		k = 89;
	if (w[SC_M_ENTROPY])
		k = k > 199 ? k : 199;
	return k;
}

static int run_silhouettes(struct run *r)
{
	struct sc_allpairs_input a = sil_wants(r);
	struct sc_allpairs_stats st;
	if (r->sil_done || !(a.want_label || a.want_batch || a.want_bras))
		return 0;
	int ret = sc_allpairs_compute(&a, &r->sil, NULL, &st);
	if (ret == 0)
		log_pass(r, a.want_label ? "silhouette" : "silhouette (within-label blocks)", &st);
	return ret;
}

static struct sc_leiden_opts leiden_opts(const struct run *r)
{
	struct sc_leiden_opts lo;
	sc_leiden_defaults(&lo);
	lo.objective = SC_LEIDEN_MODULARITY;
	lo.use_weights = 1;
	if (r->o->flavor == SC_SCIB_FLAVOR_SCIB && r->o->preset == SC_SCIB_PRESET_SCIB) {
		lo.iterations = -1; /* scanpy/leidenalg default: until no improvement */
		lo.seed = 0;
	} else {
		lo.iterations = 2; /* igraph community_leiden default, seed 42 */
		lo.seed = 42;
	}
	return lo;
}

/* scib's resolution sweep: all NRES partitions kept (isolated-label F1 needs them). */
static int leiden_sweep(struct run *r, int *best)
{
	int64_t n = r->in->n;
	double best_nmi = 0, res[NRES];
	struct sc_leiden_opts lo = leiden_opts(r);
	int ret = need_graph(r);
	if (ret < 0)
		return ret;
	r->parts = sc_malloc((size_t)NRES * (size_t)n, sizeof(int32_t));
	if (!r->parts)
		return SC_ENOMEM;
	*best = 0;
	for (int i = 0; i < NRES; i++)
		res[i] = 2.0 * (i + 1) / 10.0;
	/* the resolutions run on the threads, each with its own seeded generator */
	if ((ret = sc_leiden_runs(r->gp, &lo, res, NRES, r->o->threads, r->parts, r->ncl)) < 0)
		return ret;
	for (int i = 0; i < NRES; i++) {
		double v = sc_nmi(r->in->label, r->parts + (size_t)i * (size_t)n, n);
		if (best_nmi < v) {
			best_nmi = v;
			*best = i;
		}
	}
	lap(r, "leiden sweep");
	return 0;
}

static int run_nmi_ari(struct run *r, int best, const int32_t *km)
{
	const struct sc_scib_input *in = r->in;
	struct sc_partition_scores ps;
	const int32_t *part = in->clusters ? in->clusters
			      : km        ? km
					  : r->parts + (size_t)best * (size_t)in->n;
	int ret = sc_partition_compare(in->label, part, in->n, &ps);
	cJSON *p = NULL, *d = NULL;
	if (ret < 0)
		return ret;
	if (in->clusters)
		p = pstr(p, "clustering", "given");
	else if (km) {
		p = pstr(p, "clustering", "kmeans (k-means++, k = number of labels, seed 0)");
	} else {
		p = pstr(p, "clustering", "leiden optimal resolution");
		d = pnum(d, "resolution", 2.0 * (best + 1) / 10.0);
	}
	d = pnum(d, "n_clusters", (double)ps.n_b);
	cJSON *p2 = cJSON_Duplicate(p, 1), *d2 = cJSON_Duplicate(d, 1);
	if (r->o->want[SC_M_NMI] &&
	    (ret = put_d(r, SC_M_NMI, ps.nmi, "nmi undefined", p, d)) != 0) {
		cJSON_Delete(p2);
		cJSON_Delete(d2);
		return ret;
	}
	if (!r->o->want[SC_M_NMI]) {
		cJSON_Delete(p);
		cJSON_Delete(d);
	}
	double ari = r->o->flavor == SC_SCIB_FLAVOR_SCIB ? ps.ari_scib : ps.ari;
	if (r->o->want[SC_M_ARI])
		return put_d(r, SC_M_ARI, ari, "both partitions trivial (scib ARI is 0/0)", p2, d2);
	cJSON_Delete(p2);
	cJSON_Delete(d2);
	return 0;
}

static int run_isolated(struct run *r)
{
	const struct sc_scib_input *in = r->in;
	const unsigned char *w = r->o->want;
	int ret = 0;
	if (!w[SC_M_ISO_ASW] && !w[SC_M_ISO_F1])
		return 0;
	if (!in->batch) {
		if (w[SC_M_ISO_ASW] && (ret = put(r, SC_M_ISO_ASW, NAN, "no batch key", NULL)) != 0)
			return ret;
		return w[SC_M_ISO_F1] ? put(r, SC_M_ISO_F1, NAN, "no batch key", NULL) : 0;
	}
	unsigned char *iso = sc_calloc((size_t)in->n_labels, 1);
	if (!iso)
		return SC_ENOMEM;
	int32_t niso = sc_isolated_labels(in->label, in->n_labels, in->batch, in->n_batches, in->n, 0,
					  r->o->flavor == SC_SCIB_FLAVOR_SCIB ? SC_ISO_SCIB
									     : SC_ISO_SCIB_METRICS,
					  iso);
	const char *why = "no isolated label (every label is in every batch)";
	if (niso < 0) {
		ret = niso;
		goto out;
	}
	if (w[SC_M_ISO_ASW]) {
		double v = niso ? sc_isolated_asw(r->sil.s_label, in->label, in->n_labels, in->n, iso) : NAN;
		if ((ret = put_d(r, SC_M_ISO_ASW, v, why, NULL, pnum(NULL, "n_isolated", niso))) != 0)
			goto out;
	}
	if (w[SC_M_ISO_F1]) {
		double tot = 0;
		for (int32_t l = 0; l < in->n_labels; l++) {
			if (!iso[l])
				continue;
			double best = 0;
			for (int i = 0; i < NRES; i++) {
				double f = sc_isolated_max_f1(r->parts + (size_t)i * (size_t)in->n, r->ncl[i],
							      in->label, l, in->n);
				if (f > best)
					best = f;
			}
			tot += best;
		}
		ret = put_d(r, SC_M_ISO_F1, niso ? tot / niso : NAN, why, NULL,
			    pnum(NULL, "n_isolated", niso));
	}
out:
	free(iso);
	return ret;
}

/* LISI of both kinds; cls NULL skips. Values scaled as scib scales them. */
static int run_lisi(struct run *r, int id, const int32_t *cls, int32_t ncls)
{
	const struct sc_scib_input *in = r->in;
	int64_t n = in->n, k0 = LISI_K0;
	double *l = sc_malloc((size_t)n, sizeof(double));
	int ret = SC_ENOMEM, scib = r->o->flavor == SC_SCIB_FLAVOR_SCIB;
	cJSON *p = NULL;
	if (!l)
		goto out;
	if (scib) {
		if ((ret = need_graph(r)) < 0)
			goto out;
		if (!r->lisi_idx) {
			ret = SC_ENOMEM;
			r->lisi_idx = sc_malloc((size_t)n, (size_t)k0 * sizeof(int32_t));
			r->lisi_dist = sc_malloc((size_t)n, (size_t)k0 * sizeof(double));
			r->lisi_cnt = sc_malloc((size_t)n, sizeof(int32_t));
			if (!r->lisi_idx || !r->lisi_dist || !r->lisi_cnt)
				goto out;
			ret = sc_lisi_graph_neighbors(r->gp, k0, r->o->threads, r->lisi_idx,
						      r->lisi_dist, r->lisi_cnt);
			if (ret < 0)
				goto out;
			lap(r, "lisi graph neighbours");
			/* the weights depend only on the distances: calibrated once, in place, for
			 * both cLISI and iLISI */
			ret = sc_lisi_graph_weights(r->lisi_dist, r->lisi_cnt, n, k0, r->o->threads);
			if (ret < 0)
				goto out;
			lap(r, "lisi calibration");
		}
		ret = sc_lisi_graph_classes(r->lisi_idx, r->lisi_dist, r->lisi_cnt, n, k0, cls, ncls, l);
		if (ret < 0)
			goto out;
		p = pstr(pnum(pnum(NULL, "k0", (double)k0), "perplexity", (double)(k0 / 3)), "graph",
			 "connectivities shortest paths");
	} else {
		struct sc_knn t = SC_KNN_INIT;
		if ((ret = sc_knn_truncate(r->kp, r->kp->k < 89 ? r->kp->k : 89, &t)) < 0)
			goto out;
		ret = sc_lisi_knn(t.idx, t.dist, n, t.k, cls, ncls, 30, l);
		sc_knn_release(&t);
		if (ret < 0)
			goto out;
		p = pstr(pnum(pnum(NULL, "k", 90), "perplexity", 30), "graph", "euclidean knn, self masked");
	}
	double med = sc_nanmedian(l, n);
	double v = id == SC_M_ILISI ? (med - 1) / (ncls - 1) : (ncls - med) / (ncls - 1);
	lap(r, MT[id].name);
	ret = put(r, id, v, "fewer than two classes", p);
	p = NULL;
out:
	cJSON_Delete(p);
	free(l);
	return ret;
}

static int run_clustering(struct run *r)
{
	const struct sc_scib_input *in = r->in;
	const unsigned char *w = r->o->want;
	int best = 0, ret = 0, sm = r->o->flavor == SC_SCIB_FLAVOR_SCIB_METRICS;
	int want = w[SC_M_NMI] || w[SC_M_ARI];
	int32_t *km = NULL;
	double inertia;
	if (w[SC_M_ISO_F1] || (want && !in->clusters && !sm))
		if ((ret = leiden_sweep(r, &best)) < 0)
			return ret;
	if (want && !in->clusters && sm) { /* scib-metrics' default: KMeans, k = #labels */
		if (!(km = sc_malloc((size_t)in->n, sizeof(int32_t))))
			return SC_ENOMEM;
		ret = sc_kmeans(in->x, in->n, in->d, in->n_labels, 300, 0, r->o->threads, km, &inertia);
		lap(r, "kmeans");
	}
	if (ret == 0 && want)
		ret = run_nmi_ari(r, best, km);
	free(km);
	return ret;
}

static int run_bio(struct run *r)
{
	const struct sc_scib_input *in = r->in;
	const unsigned char *w = r->o->want;
	int ret = 0;
	if (w[SC_M_ASW_LABEL]) {
		double v = in->n_labels > 1 ? (sc_silhouette_mean(r->sil.s_label, in->n) + 1) / 2 : NAN;
		if ((ret = put(r, SC_M_ASW_LABEL, v, "a single label class", pstr(NULL, "metric", "euclidean"))) != 0)
			return ret;
	}
	if ((ret = run_isolated(r)) != 0)
		return ret;
	if (w[SC_M_CLISI]) {
		if (in->n_labels < 2)
			return put(r, SC_M_CLISI, NAN, "a single label class", NULL);
		ret = run_lisi(r, SC_M_CLISI, in->label, in->n_labels);
	}
	return ret;
}

/* scib-metrics' kbet_per_label: acceptance on diffusion-map neighbours (kbet_sm.h). */
static int run_kbet_sm(struct run *r)
{
	const struct sc_scib_input *in = r->in;
	struct sc_knn t = SC_KNN_INIT;
	struct sc_csr g50 = SC_CSR_INIT;
	struct sc_kbet_sm_opts ko = { 0.05, 100, r->o->threads };
	struct sc_kbet_sm_info info = { 0, 0, 0, 0, 0 };
	double v = NAN;
	int ret = sc_knn_truncate(r->kp, r->kp->k < 49 ? r->kp->k : 49, &t);
	if (ret == 0)
		ret = sc_conn_umap(&t, &g50);
	if (ret == 0)
		ret = sc_kbet_sm(&g50, in->label, in->n_labels, in->batch, in->n_batches, &ko, NULL,
				 &info, &v);
	sc_knn_release(&t);
	sc_csr_release(&g50);
	if (ret < 0)
		return ret;
	cJSON *p = pnum(pnum(pnum(NULL, "n_neighbors", 50), "alpha", ko.alpha), "diffusion_n_comps",
			ko.n_comps);
	p = pstr(p, "neighbours", "exact kNN (scib-metrics uses pynndescent)");
	cJSON *d = pnum(pnum(NULL, "labels_scored", info.labels_scored), "labels_eigensolver_failed",
			info.eig_failures);
	d = pnum(d, "diffusion_n_comps_last", info.n_comps_min);
	lap(r, "kbet");
	return put_d(r, SC_M_KBET, v, "every label skipped (fewer than 10 cells or one batch)", p, d);
}

static int run_kbet(struct run *r)
{
	const struct sc_scib_input *in = r->in;
	if (r->o->flavor != SC_SCIB_FLAVOR_SCIB)
		return run_kbet_sm(r);
	if (in->n_batches > 256)
		return put(r, SC_M_KBET, NAN, "more than 256 batches (not supported)", NULL);
	struct sc_knn t = SC_KNN_INIT;
	struct sc_csr g50 = SC_CSR_INIT;
	double *per = sc_malloc((size_t)in->n_labels, sizeof(double)), v = NAN;
	int ret = per ? 0 : SC_ENOMEM;
	if (ret == 0)
		ret = sc_knn_truncate(r->kp, r->kp->k < 49 ? r->kp->k : 49, &t);
	if (ret == 0)
		ret = sc_conn_umap(&t, &g50);
	if (ret == 0)
		ret = sc_kbet_scib(&g50, in->label, in->n_labels, in->batch, in->n_batches, 0.05,
				   r->o->threads, per, &v);
	sc_knn_release(&t);
	sc_csr_release(&g50);
	if (ret == 0) {
		int32_t scored = 0;
		for (int32_t l = 0; l < in->n_labels; l++)
			scored += !isnan(per[l]);
		cJSON *p = pnum(pnum(NULL, "n_neighbors", 50), "alpha", 0.05);
		p = pstr(p, "estimate", "all-cells rejection rate (expected value of R kBET)");
		lap(r, "kbet");
		ret = put_d(r, SC_M_KBET, v, "every label skipped (fewer than 11 cells or one batch)", p,
			    pnum(NULL, "labels_scored", scored));
	}
	free(per);
	return ret;
}

static int run_batch(struct run *r)
{
	const struct sc_scib_input *in = r->in;
	const unsigned char *w = r->o->want;
	int ret = 0, nb = n_present_batches(in);
	const char *why = in->batch ? "a single batch" : "no batch key";
	for (int id = SC_M_ASW_BATCH; id <= SC_M_PCR; id++) {
		if (!w[id])
			continue;
		if (nb < 2 && id != SC_M_GRAPH_CONN) {
			if ((ret = put(r, id, NAN, why, NULL)) != 0)
				return ret;
			continue;
		}
		double v = NAN;
		int32_t kept = 0;
		switch (id) {
		case SC_M_ASW_BATCH:
		case SC_M_BRAS:
			v = sc_silhouette_batch_score(id == SC_M_BRAS ? r->sil.s_bras : r->sil.s_batch,
						      in->label, in->n_labels, in->batch, in->n_batches,
						      in->n, 1, &kept);
			ret = put_d(r, id, v, "every label has one batch or as many batches as cells",
				    pstr(NULL, "metric", id == SC_M_BRAS ? "cosine" : "euclidean"),
				    pnum(NULL, "labels_scored", kept));
			break;
		case SC_M_ILISI:
			ret = run_lisi(r, SC_M_ILISI, in->batch, in->n_batches);
			break;
		case SC_M_KBET:
			ret = run_kbet(r);
			break;
		case SC_M_GRAPH_CONN:
			if (r->o->flavor == SC_SCIB_FLAVOR_SCIB) {
				if ((ret = need_graph(r)) == 0)
					ret = sc_graph_conn_scib(r->gp, in->label, in->n_labels, NULL, &v);
			} else {
				struct sc_knn t = SC_KNN_INIT;
				ret = sc_knn_truncate(r->kp, r->kp->k < 14 ? r->kp->k : 14, &t);
				if (ret == 0)
					ret = sc_graph_conn_knn_scc(t.idx, in->n, t.k, in->label, in->n_labels, NULL, &v);
				sc_knn_release(&t);
			}
			if (ret == 0)
				ret = put(r, id, v, "a label without cells", pstr(NULL, "components",
					 r->o->flavor == SC_SCIB_FLAVOR_SCIB ? "connectivities" : "strong, directed 15-NN"));
			break;
		case SC_M_PCR_CMP:
		case SC_M_PCR: {
			int64_t nc = r->o->flavor == SC_SCIB_FLAVOR_SCIB ? 50 : 0;
			double post, pre = NAN;
			ret = sc_pcr(in->x, in->n, in->d, in->batch, in->n_batches, nc, &post);
			if (ret == 0 && id == SC_M_PCR_CMP)
				ret = sc_pcr(in->x_pre, in->n, in->d_pre, in->batch, in->n_batches, nc, &pre);
			if (ret < 0)
				break;
			v = id == SC_M_PCR ? post : sc_pcr_comparison(pre, post);
			lap(r, MT[id].name);
			ret = put(r, id, v, "the unintegrated data has no batch variance",
				  pnum(NULL, "n_comps", (double)(nc ? nc : in->d)));
			break;
		}
		}
		if (ret != 0)
			return ret;
	}
	return 0;
}

static int run_aggregates(struct run *r)
{
	struct sc_scib_weights wt = { r->o->w_bio, r->o->w_batch };
	struct sc_scib_agg agg;
	int bio[SC_M_COUNT], batch[SC_M_COUNT], nbio = 0, nbatch = 0, ret;
	for (int id = 0; id < SC_M_COUNT; id++) {
		if (!r->done[id])
			continue;
		if (MT[id].group == 1)
			bio[nbio++] = id;
		else if (MT[id].group == 2)
			batch[nbatch++] = id;
	}
	double vb[SC_M_COUNT], vc[SC_M_COUNT];
	for (int i = 0; i < nbio; i++)
		vb[i] = r->val[bio[i]];
	for (int i = 0; i < nbatch; i++)
		vc[i] = r->val[batch[i]];
	sc_scib_aggregate(vb, nbio, vc, nbatch, &wt, &agg);
	const char *names[3] = { "bio_conservation", "batch_correction", "total" };
	double vals[3] = { agg.bio, agg.batch, agg.total };
	const char *why[3] = { "no bio-conservation metric", "no batch-correction metric",
			       "needs both group means" };
	for (int a = 0; a < 3; a++) {
		struct sc_metric_ctx mc = { "embedding", r->o->dataset, r->o->model, r->flavor };
		cJSON *rec = sc_metric_new(&mc, names[a], vals[a], isfinite(vals[a]) ? NULL : why[a]);
		cJSON *p = cJSON_CreateObject(), *arr = cJSON_CreateArray();
		if (!rec || !p || !arr) {
			cJSON_Delete(rec);
			cJSON_Delete(p);
			cJSON_Delete(arr);
			return SC_ENOMEM;
		}
		for (int g = 0; g < 2; g++) {
			if (a != 2 && a != g)
				continue;
			int *ids = g == 0 ? bio : batch, cnt = g == 0 ? nbio : nbatch;
			for (int i = 0; i < cnt; i++)
				if (isfinite(r->val[ids[i]]))
					cJSON_AddItemToArray(arr, cJSON_CreateString(MT[ids[i]].name));
		}
		/* which metrics entered depends on which were defined: an outcome, not a setting */
		if (a == 2) {
			cJSON_AddNumberToObject(p, "w_bio", wt.bio);
			cJSON_AddNumberToObject(p, "w_batch", wt.batch);
			cJSON_AddItemToObject(rec, "params", p);
		} else {
			cJSON_Delete(p);
		}
		p = cJSON_CreateObject();
		if (!p) {
			cJSON_Delete(rec);
			cJSON_Delete(arr);
			return SC_ENOMEM;
		}
		cJSON_AddItemToObject(p, "metrics", arr);
		cJSON_AddItemToObject(rec, "details", p);
		if ((ret = r->emit(r->ctx, rec)) != 0)
			return ret;
	}
	return 0;
}

static int run_czbenchmarks(struct run *r)
{
	const struct sc_scib_input *in = r->in;
	const unsigned char *w = r->o->want;
	int ret = 0, nb = n_present_batches(in);
	if (w[SC_M_ENTROPY]) {
		int64_t k = r->kp->k < 199 ? r->kp->k : 199, n = in->n;
		int32_t *idx = sc_malloc((size_t)n, (size_t)(k + 1) * sizeof(int32_t));
		if (!idx)
			return SC_ENOMEM;
		for (int64_t i = 0; i < n; i++) {
			idx[i * (k + 1)] = (int32_t)i;
			memcpy(idx + i * (k + 1) + 1, r->kp->idx + i * r->kp->k, sizeof(int32_t) * (size_t)k);
		}
		double v = in->batch ? sc_batch_entropy(idx, n, k + 1, in->batch, in->n_batches) : NAN;
		free(idx);
		lap(r, "entropy_per_cell");
		if ((ret = put(r, SC_M_ENTROPY, v, in->batch ? "a single batch" : "no batch key",
			       pnum(NULL, "n_neighbors", (double)(k + 1)))) != 0)
			return ret;
	}
	if (w[SC_M_BATCH_SIL]) {
		double v = NAN;
		int32_t kept = 0;
		if (nb >= 2)
			v = sc_silhouette_batch_score(r->sil.s_batch, in->label, in->n_labels, in->batch,
						      in->n_batches, in->n, 1, &kept);
		if ((ret = put(r, SC_M_BATCH_SIL, v,
			       nb < 2 ? "a single batch" : "no label with two batches and more cells than batches",
			       NULL)) != 0)
			return ret;
	}
	if (w[SC_M_SIL_SCORE]) {
		double v = (sc_silhouette_mean(r->sil.s_label, in->n) + 1) / 2;
		if ((ret = put(r, SC_M_SIL_SCORE, v, "undefined", NULL)) != 0)
			return ret;
	}
	if (w[SC_M_CZ_ARI] || w[SC_M_CZ_NMI]) {
		struct sc_leiden_opts lo = leiden_opts(r);
		struct sc_partition_scores ps;
		int32_t *part = NULL, ncl = 0;
		const int32_t *use = in->clusters;
		if (!use) {
			if ((ret = need_graph(r)) < 0)
				return ret;
			part = sc_malloc((size_t)in->n, sizeof(int32_t));
			if (!part)
				return SC_ENOMEM;
			lo.resolution = 1.0;
			ret = sc_leiden_run(r->gp, &lo, part, &ncl);
			use = part;
			lap(r, "leiden");
		}
		if (ret == 0)
			ret = sc_partition_compare(in->label, use, in->n, &ps);
		free(part);
		if (ret < 0)
			return ret;
		if (w[SC_M_CZ_ARI] && (ret = put(r, SC_M_CZ_ARI, ps.ari, "undefined", NULL)) != 0)
			return ret;
		if (w[SC_M_CZ_NMI])
			ret = put(r, SC_M_CZ_NMI, ps.nmi, "undefined", NULL);
	}
	return ret;
}

int sc_scib_run(const struct sc_scib_input *in, const struct sc_scib_opts *o,
		sc_scib_emit_fn emit, void *ctx)
{
	struct run r;
	int ret = 0;
	memset(&r, 0, sizeof r);
	r.in = in;
	r.o = o;
	r.emit = emit;
	r.ctx = ctx;
	r.kp = in->knn;
	r.gp = in->graph;
	r.t = sc_now();
	r.flavor = o->preset == SC_SCIB_PRESET_CZBENCHMARKS ? "czbenchmarks"
		   : o->flavor == SC_SCIB_FLAVOR_SCIB ? "scib" : "scib-metrics";
	for (int i = 0; i < SC_M_COUNT; i++)
		r.val[i] = NAN;
	int k = largest_k(&r);
	if (k > 0 && (ret = need_knn(&r, k)) < 0)
		goto out;
	if ((ret = run_silhouettes(&r)) != 0)
		goto out;
	if (o->preset == SC_SCIB_PRESET_CZBENCHMARKS) {
		ret = run_czbenchmarks(&r);
		goto out;
	}
	if ((ret = run_clustering(&r)) != 0 || (ret = run_bio(&r)) != 0 ||
	    (ret = run_batch(&r)) != 0 || (ret = run_aggregates(&r)) != 0)
		goto out;
out:
	sc_knn_release(&r.knn);
	sc_csr_release(&r.g15);
	sc_sil_result_release(&r.sil);
	free(r.parts);
	free(r.lisi_idx);
	free(r.lisi_cnt);
	free(r.lisi_dist);
	return ret;
}
