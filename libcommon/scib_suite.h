/* The scIB metric suite (score-scib): every bio-conservation and batch-correction metric of
 * scib 1.2.1 and scib-metrics 0.6.0, and czbenchmarks' integration metrics, computed from one
 * embedding and written as metric records (sc_metric.h). Graphs, kNN and clusterings the
 * caller does not supply are computed here (knn.h, umap_conn.h, leiden.h).
 *
 * Metrics (names as in the records; flavour differences in man1/score-scib.1):
 *   bio:   nmi, ari, asw_label, isolated_labels_asw, isolated_labels_f1, clisi
 *   batch: asw_batch, bras, ilisi, kbet, graph_connectivity, pcr_comparison
 *   other: pcr (variance share of the batch, not aggregated)
 *   aggregates: bio_conservation, batch_correction, total
 *   czbenchmarks preset: entropy_per_cell, batch_silhouette, silhouette_score,
 *                        adjusted_rand_index, normalized_mutual_info */
#ifndef SCIB_SUITE_H
#define SCIB_SUITE_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "knn.h"
#include "sc_csr.h"
#include "sc_err.h"

enum sc_scib_flavor { SC_SCIB_FLAVOR_SCIB = 0, SC_SCIB_FLAVOR_SCIB_METRICS = 1 };
enum sc_scib_preset { SC_SCIB_PRESET_SCIB = 0, SC_SCIB_PRESET_CZBENCHMARKS = 1 };

enum sc_scib_metric {
	SC_M_NMI, SC_M_ARI, SC_M_ASW_LABEL, SC_M_ISO_ASW, SC_M_ISO_F1, SC_M_CLISI,
	SC_M_ASW_BATCH, SC_M_BRAS, SC_M_ILISI, SC_M_KBET, SC_M_GRAPH_CONN, SC_M_PCR_CMP, SC_M_PCR,
	SC_M_ENTROPY, SC_M_BATCH_SIL, SC_M_SIL_SCORE, SC_M_CZ_ARI, SC_M_CZ_NMI,
	SC_M_COUNT
};

struct sc_scib_input {
	const float *x; /* n x d embedding, finite */
	int64_t n, d;
	const int32_t *label; /* dense codes (sorted category order) */
	int32_t n_labels;
	const int32_t *batch; /* dense codes, or NULL without a batch key */
	int32_t n_batches;
	const float *x_pre; /* unintegrated n x d_pre, or NULL */
	int64_t d_pre;
	const struct sc_csr *graph;   /* 15-NN connectivities, or NULL to compute */
	const struct sc_knn *knn;     /* kNN, self excluded, or NULL to compute */
	const int32_t *clusters;      /* partition for NMI/ARI, or NULL to optimise Leiden */
};

struct sc_scib_opts {
	enum sc_scib_flavor flavor;
	enum sc_scib_preset preset;
	unsigned char want[SC_M_COUNT]; /* metrics to compute */
	double w_bio, w_batch;          /* aggregate weights (0.6, 0.4) */
	int threads;
	int sgemm_reference; /* also time plain sgemm over the same tiles (logged with -v) */
	const char *dataset, *model;
};

/* Metric name <-> id; -1 when unknown. */
int sc_scib_metric_id(const char *name);
const char *sc_scib_metric_name(int id);
/* Default selection for a flavour/preset (every metric of it). */
void sc_scib_default_metrics(struct sc_scib_opts *o, int have_pre);

/* Called once per record, in output order; takes ownership of rec. Non-zero stops the run
 * (returned as is). */
typedef int (*sc_scib_emit_fn)(void *ctx, cJSON *rec);

int sc_scib_run(const struct sc_scib_input *in, const struct sc_scib_opts *o,
		sc_scib_emit_fn emit, void *ctx) SC_RESULT_USED;

#endif
