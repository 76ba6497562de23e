/* knn-graph: the k nearest neighbours of every row of a matrix stream (exact, or approximate
 * for large inputs), written as a kNN stream, or with --graph as a symmetric connectivity
 * graph (UMAP as scanpy builds it, gauss, binary) in the CSR graph stream. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "graph_io.h"
#include "knn.h"
#include "knn_io.h"
#include "sc.h"
#include "umap_conn.h"
#include "sc_stream_util.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: knn-graph [-k K | --scanpy-k K] [--metric euclidean|cosine]\n"
		"                 [--exact | --approx] [--recall-check N] [--seed S] [--probes P]\n"
		"                 [--graph umap|gauss|binary] [--knn-out FILE] [--tsv]\n"
		"                 [-j N] [-z] [-o FILE] [FILE|-]\n"
		"  -k K              neighbours per cell, the cell itself excluded (default 15)\n"
		"  --scanpy-k K      scanpy's n_neighbors=K, which counts the cell: -k K-1\n"
		"  --metric M        euclidean (default) or cosine\n"
		"  --exact, --approx search mode (default: exact up to 200000 cells)\n"
		"  --probes P        approx: lists searched per list (default 16; more = better)\n"
		"  --recall-check N  check N sampled rows against exact search (stderr, header)\n"
		"  --graph KIND      write the connectivity graph (SCCSR1) instead of the kNN\n"
		"  --knn-out FILE    with --graph, also write the kNN stream to FILE\n"
		"  --gemm-baseline   also time plain sgemm on the same tiles (benchmarks)\n"
		"  --tsv             text output: kNN indices per row, or graph i j w\n"
		"  -j N              threads (0 = all cores)   --seed S  approximate search seed\n"
		"  -o FILE           output (default stdout); -z compresses with zstd\n"
		"  -q, -v, --progress, --version, -h\n");
}

enum { O_SCANPY = SC_OPT_FIRST_PRIVATE, O_METRIC, O_EXACT, O_APPROX, O_RECALL, O_GRAPH, O_KNNOUT, O_TSV, O_GEMM, O_PROBES };

struct opts {
	long long k, recall, seed, threads, probes;
	int mode; /* 0 auto, 1 exact, 2 approx */
	int graph, z, tsv, gemm;
	enum sc_knn_metric metric;
	enum sc_conn_kind kind;
	const char *in, *out, *knn_out;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = {
		{ "scanpy-k", required_argument, NULL, O_SCANPY },
		{ "metric", required_argument, NULL, O_METRIC },
		{ "exact", no_argument, NULL, O_EXACT },
		{ "approx", no_argument, NULL, O_APPROX },
		{ "recall-check", required_argument, NULL, O_RECALL },
		{ "graph", required_argument, NULL, O_GRAPH },
		{ "knn-out", required_argument, NULL, O_KNNOUT },
		{ "tsv", no_argument, NULL, O_TSV },
		{ "gemm-baseline", no_argument, NULL, O_GEMM },
		{ "probes", required_argument, NULL, O_PROBES },
		{ "seed", required_argument, NULL, SC_OPT_SEED },
		{ "threads", required_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		SC_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int c, rc = 0, modes = 0;
	while ((c = getopt_long(argc, argv, "hj:k:o:qvz", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'j': rc = sc_parse_long("-j", optarg, 0, 4096, &o->threads); break;
		case 'k': rc = sc_parse_long("-k", optarg, 1, SC_KNN_MAX_K, &o->k); break;
		case 'o': o->out = optarg; break;
		case 'z': o->z = 1; break;
		case O_SCANPY:
			rc = sc_parse_long("--scanpy-k", optarg, 2, SC_KNN_MAX_K + 1, &o->k);
			o->k--;
			break;
		case O_METRIC: rc = sc_knn_metric_parse(optarg, &o->metric); break;
		case O_EXACT: o->mode = 1; modes++; break;
		case O_APPROX: o->mode = 2; modes++; break;
		case O_RECALL: rc = sc_parse_long("--recall-check", optarg, 1, INT32_MAX, &o->recall); break;
		case O_GRAPH: rc = sc_conn_kind_parse(optarg, &o->kind); o->graph = 1; break;
		case O_KNNOUT: o->knn_out = optarg; break;
		case O_TSV: o->tsv = 1; break;
		case O_GEMM: o->gemm = 1; break;
		case O_PROBES: rc = sc_parse_long("--probes", optarg, 1, 100000, &o->probes); break;
		case SC_OPT_SEED: rc = sc_parse_long("--seed", optarg, 0, INT64_MAX, &o->seed); break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
		if (rc < 0)
			return rc;
	}
	if (*exit_now)
		return 0;
	if (modes > 1)
		return sc_seterr(SC_EUSAGE, "--exact and --approx exclude each other");
	if (o->knn_out && !o->graph)
		return sc_seterr(SC_EUSAGE, "--knn-out needs --graph");
	if (o->tsv && o->z)
		return sc_seterr(SC_EUSAGE, "--tsv and -z exclude each other");
	if (argc - optind > 1)
		return sc_seterr(SC_EUSAGE, "at most one input");
	o->in = optind < argc ? argv[optind] : "-";
	return 0;
}

/* Read the matrix and check it can be searched; clamps k (with a warning) when k >= n. */
static int load(struct opts *o, struct sc_stream *in, struct sc_matrix *m)
{
	int64_t bad;
	if (sc_mat_read(in, m) < 0)
		return SC_EINPUT;
	if (m->rows < 2 || m->cols < 1)
		return sc_seterr(SC_EINPUT, "'%s': need at least 2 cells and 1 dimension (got %lld x %lld)",
				 sc_stream_name(in), (long long)m->rows, (long long)m->cols);
	if (m->rows > INT32_MAX)
		return sc_seterr(SC_EINPUT, "'%s': more than 2^31-1 cells", sc_stream_name(in));
	if ((bad = sc_mat_first_nonfinite(m)) >= 0)
		return sc_seterr(SC_EINPUT, "'%s': row %lld holds NaN or Inf", sc_stream_name(in),
				 (long long)bad);
	if (o->k > m->rows - 1) {
		sc_warn("k = %lld >= %lld cells: using k = %lld", o->k, (long long)m->rows,
			(long long)m->rows - 1);
		o->k = m->rows - 1;
	}
	return 0;
}

/* --gemm-baseline: the search's rate against plain sgemm on the same tiles, on stderr. */
static int gemm_report(const struct sc_matrix *m, int threads, double search_s, double search_cpu,
		       int approx)
{
	double s, cs, flops = 2.0 * (double)m->rows * (double)m->rows * (double)(m->cols + 1);
	if (sc_knn_gemm_baseline(m->data, m->rows, m->cols, threads, &s, &cs) < 0)
		return SC_ENOMEM;
	fprintf(stderr, "knn-graph: %s search %.3f s wall, %.3f s cpu (%.1f GFLOP/s wall, %.1f per cpu-s); "
		"plain sgemm on the same tiles %.3f s wall, %.3f s cpu (%.1f GFLOP/s wall, %.1f per cpu-s); "
		"search at %.0f%% of sgemm (wall), %.0f%% (cpu)\n",
		approx ? "approximate" : "exact", search_s, search_cpu, flops / search_s / 1e9,
		flops / search_cpu / 1e9, s, cs, flops / s / 1e9, flops / cs / 1e9, 100 * s / search_s,
		100 * cs / search_cpu);
	return 0;
}

static cJSON *header(const struct opts *o, int approx, double recall)
{
	cJSON *h = cJSON_CreateObject();
	cJSON_AddStringToObject(h, "source", "knn-graph");
	cJSON_AddStringToObject(h, "search", approx ? "approx" : "exact");
	cJSON_AddNumberToObject(h, "scanpy_n_neighbors", (double)(o->k + 1));
	if (approx)
		cJSON_AddNumberToObject(h, "seed", (double)o->seed);
	if (o->recall) {
		sc_json_add_number(h, "recall", recall);
		cJSON_AddNumberToObject(h, "recall_rows", (double)o->recall);
	}
	if (o->graph) {
		cJSON_AddStringToObject(h, "kind", sc_conn_kind_name(o->kind));
		cJSON_AddBoolToObject(h, "symmetric", 1);
	}
	return h;
}

int main(int argc, char **argv)
{
	struct opts o = { .k = 15, .threads = -1, .metric = SC_KNN_EUCLIDEAN };
	struct sc_stream *in = NULL, *out = NULL, *kout = NULL;
	struct sc_matrix m = SC_MATRIX_INIT;
	struct sc_knn g = SC_KNN_INIT;
	struct sc_csr conn = SC_CSR_INIT;
	struct sc_knn_approx_opts ao;
	cJSON *h = NULL;
	double recall = 0, t0;
	clock_t c0;
	int exit_now = 0, ret = SC_EXIT_INPUT, threads, approx, rc;

	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	threads = sc_threads_resolve((int)o.threads);
	if (!(in = sc_open(o.in, "r")) || !(out = sc_open(o.out, o.z ? "wz" : "w")) ||
	    (o.knn_out && !(kout = sc_open(o.knn_out, o.z ? "wz" : "w"))))
		goto fail;
	if (!o.out && !o.tsv && sc_stream_isatty(out)) {
		sc_seterr(SC_EUSAGE, "refusing to write a binary stream to a terminal (use -o)");
		goto fail;
	}
	if (load(&o, in, &m) < 0)
		goto fail;
	approx = o.mode == 2 || (o.mode == 0 && m.rows > SC_KNN_AUTO_APPROX_N);
	t0 = sc_now();
	c0 = clock();
	sc_knn_approx_defaults(&ao);
	ao.seed = (uint64_t)o.seed;
	ao.probes = (int)o.probes;
	rc = approx ? sc_knn_approx(m.data, m.rows, m.cols, (int)o.k, o.metric, &ao, threads, &g)
		    : sc_knn_exact(m.data, m.rows, m.cols, (int)o.k, o.metric, threads, &g);
	if (rc < 0)
		goto fail;
	t0 = sc_now() - t0;
	sc_log(2, "%s search of %lld x %lld, k = %lld: %.3f s wall, %.3f s cpu",
	       approx ? "approximate" : "exact", (long long)m.rows, (long long)m.cols, o.k, t0,
	       (double)(clock() - c0) / CLOCKS_PER_SEC);
	if (o.gemm && gemm_report(&m, threads, t0, (double)(clock() - c0) / CLOCKS_PER_SEC, approx) < 0)
		goto fail;
	if (o.recall) {
		if (sc_knn_recall(m.data, m.cols, o.metric, &g, o.recall, (uint64_t)o.seed + 1, threads,
				  &recall) < 0)
			goto fail;
		if (sc_verbosity >= 1)
			fprintf(stderr, "knn-graph: recall@%lld on %lld rows: %.4f\n", o.k,
				o.recall < m.rows ? o.recall : (long long)m.rows, recall);
	}
	h = header(&o, approx, recall);
	if (o.graph) {
		if (sc_conn_build(&g, o.kind, &conn) < 0 ||
		    (o.tsv ? sc_graph_write_tsv(out, &conn) : sc_graph_write(out, &conn, h)) < 0)
			goto fail;
		cJSON_DeleteItemFromObject(h, "kind");
		cJSON_DeleteItemFromObject(h, "symmetric");
		if (kout && (sc_knn_write(kout, &g, o.metric, h) < 0 || sc_close_ptr(&kout) < 0))
			goto fail;
	} else if ((o.tsv ? sc_knn_write_tsv(out, &g) : sc_knn_write(out, &g, o.metric, h)) < 0) {
		goto fail;
	}
	if (sc_close_ptr(&out) < 0)
		goto fail;
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
done:
	sc_abort(kout);
	sc_abort(out);
	sc_abort(in);
	cJSON_Delete(h);
	sc_mat_release(&m);
	sc_knn_release(&g);
	sc_csr_release(&conn);
	return ret;
}
