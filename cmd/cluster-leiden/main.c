/* cluster-leiden: Leiden clustering of a connectivity graph (or of a kNN stream, from which
 * it builds scanpy's connectivities), one JSONL record per cell; optionally scib's
 * optimal-resolution sweep against a label column, keeping the best-NMI partition. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cluster_compare.h"
#include "jsonl_column.h"
#include "leiden.h"
#include "sc.h"
#include "umap_conn.h"
#include "sc_stream_util.h"

#define MAX_RES 1000

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: cluster-leiden [--resolution R | --resolutions A:B:STEP] [--objective OBJ]\n"
		"                      [--iterations N] [--seed S] [--beta B] [--no-weights]\n"
		"                      [--scanpy-k K] [--graph umap|gauss|binary] [--obs FILE]\n"
		"                      [--labels FILE --label-key KEY] [--sweep-out FILE]\n"
		"                      [--summary FILE] [--key-added KEY] [-j N] [-o FILE] [FILE|-]\n"
		"  --resolution R      resolution gamma (default 1)\n"
		"  --resolutions A:B:S sweep A, A+S, ..., B; keep the best NMI against --labels\n"
		"  --objective OBJ     modularity (RB configuration, default) or cpm\n"
		"  --iterations N      Leiden passes (default 2); -1: until nothing changes\n"
		"  --seed S            random seed (default 0)   --beta B  refinement randomness\n"
		"  --no-weights        ignore edge weights\n"
		"  --scanpy-k K        kNN input: use scanpy's n_neighbors=K (K-1 neighbours)\n"
		"  --graph KIND        kNN input: connectivity kernel (default umap)\n"
		"  --obs FILE          obs JSONL giving obs_name for each cell\n"
		"  --labels FILE       obs JSONL with the labels   --label-key KEY  its column\n"
		"  --sweep-out FILE    one JSONL record per resolution (NMI, ARI, clusters)\n"
		"  --summary FILE      one JSON record: clusters, quality, modularity\n"
		"  --key-added KEY     name of the cluster field (default leiden)\n"
		"  -j N                threads for a sweep's resolutions (0 = all cores)\n"
		"  -o FILE             output (default stdout)\n"
		"  -q, -v, --progress, --version, -h\n");
}

enum { O_RES = SC_OPT_FIRST_PRIVATE, O_RESS, O_OBJ, O_ITER, O_BETA, O_NOW, O_SCANPY, O_GRAPH,
       O_OBS, O_LABELS, O_KEY, O_SWEEP, O_SUMMARY, O_KEYADD };

struct opts {
	struct sc_leiden_opts lo;
	enum sc_conn_kind kind;
	long long scanpy_k, threads;
	double res[MAX_RES];
	int nres;
	const char *in, *out, *obs, *labels, *label_key, *sweep_out, *summary, *key_added;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = {
		{ "resolution", required_argument, NULL, O_RES },
		{ "resolutions", required_argument, NULL, O_RESS },
		{ "objective", required_argument, NULL, O_OBJ },
		{ "iterations", required_argument, NULL, O_ITER },
		{ "beta", required_argument, NULL, O_BETA },
		{ "no-weights", no_argument, NULL, O_NOW },
		{ "scanpy-k", required_argument, NULL, O_SCANPY },
		{ "graph", required_argument, NULL, O_GRAPH },
		{ "obs", required_argument, NULL, O_OBS },
		{ "labels", required_argument, NULL, O_LABELS },
		{ "label-key", required_argument, NULL, O_KEY },
		{ "sweep-out", required_argument, NULL, O_SWEEP },
		{ "summary", required_argument, NULL, O_SUMMARY },
		{ "key-added", required_argument, NULL, O_KEYADD },
		{ "seed", required_argument, NULL, SC_OPT_SEED },
		{ "output", required_argument, NULL, 'o' },
		{ "threads", required_argument, NULL, 'j' },
		SC_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	long long v;
	int c, rc = 0, single = 0;
	while ((c = getopt_long(argc, argv, "hj:o:qv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'o': o->out = optarg; break;
		case 'j': rc = sc_parse_long("-j", optarg, 0, 4096, &o->threads); break;
		case O_RES: rc = sc_parse_double("--resolution", optarg, 0, 1e9, &o->res[0]); single = 1; break;
		case O_RESS: rc = sc_resolutions_parse(optarg, o->res, MAX_RES, &o->nres); break;
		case O_OBJ: rc = sc_leiden_objective_parse(optarg, &o->lo.objective); break;
		case O_ITER:
			rc = sc_parse_long("--iterations", optarg, -1, 1000000, &v);
			if (rc == 0 && v == 0)
				rc = sc_seterr(SC_EUSAGE, "--iterations: 0 is not allowed (N > 0 or -1)");
			o->lo.iterations = (int)v;
			break;
		case O_BETA: rc = sc_parse_double("--beta", optarg, 1e-12, 1e9, &o->lo.beta); break;
		case O_NOW: o->lo.use_weights = 0; break;
		case O_SCANPY: rc = sc_parse_long("--scanpy-k", optarg, 2, 100000, &o->scanpy_k); break;
		case O_GRAPH: rc = sc_conn_kind_parse(optarg, &o->kind); break;
		case O_OBS: o->obs = optarg; break;
		case O_LABELS: o->labels = optarg; break;
		case O_KEY: o->label_key = optarg; break;
		case O_SWEEP: o->sweep_out = optarg; break;
		case O_SUMMARY: o->summary = optarg; break;
		case O_KEYADD: o->key_added = optarg; break;
		case SC_OPT_SEED: rc = sc_parse_long("--seed", optarg, 0, INT64_MAX, &v); o->lo.seed = (uint64_t)v; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
		if (rc < 0)
			return rc;
	}
	if (*exit_now)
		return 0;
	if (single && o->nres)
		return sc_seterr(SC_EUSAGE, "--resolution and --resolutions exclude each other");
	if (o->nres && (!o->labels || !o->label_key))
		return sc_seterr(SC_EUSAGE, "--resolutions needs --labels and --label-key");
	if (!o->labels != !o->label_key)
		return sc_seterr(SC_EUSAGE, "--labels and --label-key go together");
	if (o->sweep_out && !o->nres)
		return sc_seterr(SC_EUSAGE, "--sweep-out needs --resolutions");
	if (argc - optind > 1)
		return sc_seterr(SC_EUSAGE, "at most one input");
	o->in = optind < argc ? argv[optind] : "-";
	if (!o->nres)
		o->nres = -1; /* single run at res[0] */
	return 0;
}

/* JSON text of a string (quotes included), or NULL. */
static char *json_str(const char *v)
{
	cJSON *j = cJSON_CreateString(v);
	char *t = j ? cJSON_PrintUnformatted(j) : NULL;
	cJSON_Delete(j);
	return t;
}

static int write_cells(struct sc_stream *s, char **names, const int32_t *memb, int64_t n,
		       const char *key)
{
	char *k = json_str(key), *nm = NULL;
	int rc = k ? 0 : SC_ENOMEM;
	for (int64_t i = 0; i < n && rc == 0; i++) {
		if (names && names[i]) {
			if (!(nm = json_str(names[i])))
				rc = SC_ENOMEM;
			else
				rc = sc_printf(s, "{\"obs_name\":%s,%s:%d}\n", nm, k, memb[i]);
			free(nm);
		} else {
			rc = sc_printf(s, "{\"row\":%lld,%s:%d}\n", (long long)i, k, memb[i]);
		}
	}
	free(k);
	return rc;
}

static int write_sweep(const struct opts *o, const double *nmi, const double *ari,
		       const int32_t *ncl, int best)
{
	struct sc_stream *s = sc_open(o->sweep_out, "w");
	int rc = s ? 0 : SC_EIO;
	for (int r = 0; rc == 0 && r < o->nres; r++) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "resolution", o->res[r]);
		cJSON_AddNumberToObject(j, "n_clusters", ncl[r]);
		sc_json_add_number(j, "nmi", nmi[r]);
		sc_json_add_number(j, "ari", ari[r]);
		cJSON_AddBoolToObject(j, "best", r == best);
		rc = sc_jsonl_write(s, j);
		cJSON_Delete(j);
	}
	if (rc < 0 || sc_close(s) < 0) {
		sc_abort(rc < 0 ? s : NULL);
		return SC_EIO;
	}
	return 0;
}

static cJSON *summary(const struct opts *o, const struct sc_csr *g, const int32_t *memb, int32_t k,
		      double res, double secs, double cpu)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "n_cells", (double)g->rows);
	cJSON_AddNumberToObject(j, "nnz", (double)g->nnz);
	cJSON_AddStringToObject(j, "objective", o->lo.objective == SC_LEIDEN_CPM ? "cpm" : "modularity");
	cJSON_AddNumberToObject(j, "resolution", res);
	cJSON_AddNumberToObject(j, "iterations", o->lo.iterations);
	cJSON_AddNumberToObject(j, "seed", (double)o->lo.seed);
	cJSON_AddBoolToObject(j, "use_weights", o->lo.use_weights);
	cJSON_AddNumberToObject(j, "n_clusters", k);
	sc_json_add_number(j, "quality", sc_leiden_quality(g, memb, o->lo.objective, res, o->lo.use_weights));
	sc_json_add_number(j, "modularity", sc_modularity(g, memb, o->lo.use_weights));
	cJSON_AddNumberToObject(j, "seconds", secs);
	cJSON_AddNumberToObject(j, "cpu_seconds", cpu);
	return j;
}

int main(int argc, char **argv)
{
	struct opts o = { .res = { 1.0 }, .key_added = "leiden", .threads = -1 };
	struct sc_stream *in = NULL, *out = NULL, *sum = NULL;
	struct sc_csr g = SC_CSR_INIT;
	char **names = NULL, **labs = NULL;
	int32_t *memb = NULL, *codes = NULL, ncl[MAX_RES], k = 0;
	double nmi[MAX_RES], ari[MAX_RES], t0, res;
	int64_t ncat;
	clock_t c0;
	cJSON *sj = NULL;
	int exit_now = 0, ret = SC_EXIT_INPUT, best = 0, rc;

	sc_prog_init(argv[0]);
	sc_leiden_defaults(&o.lo);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	if (!(in = sc_open(o.in, "r")) || !(out = sc_open(o.out, "w")) ||
	    (o.summary && !(sum = sc_open(o.summary, "w"))))
		goto fail;
	if (sc_conn_load(in, o.kind, (int)o.scanpy_k, &g) < 0)
		goto fail;
	if (o.obs && sc_jsonl_column_load(o.obs, "obs_name", g.rows, 1, &names) < 0)
		goto fail;
	if (o.labels) {
		if (sc_jsonl_column_load(o.labels, o.label_key, g.rows, 1, &labs) < 0 ||
		    !(codes = sc_malloc((size_t)g.rows + 1, sizeof(int32_t))) ||
		    sc_labels_encode((const char *const *)labs, g.rows, codes, &ncat) < 0)
			goto fail;
		if (!o.obs && sc_jsonl_column_load(o.labels, "obs_name", g.rows, 0, &names) < 0)
			sc_clearerr(); /* obs_name is optional there */
	}
	if (!(memb = sc_malloc((size_t)g.rows + 1, sizeof(int32_t))))
		goto fail;
	t0 = sc_now();
	c0 = clock();
	if (o.nres > 0) {
		rc = sc_leiden_sweep(&g, &o.lo, o.res, o.nres, sc_threads_resolve((int)o.threads), codes,
				     memb, &best, nmi, ari, ncl);
		k = rc == 0 ? ncl[best] : 0;
	} else {
		o.lo.resolution = o.res[0];
		rc = sc_leiden_run(&g, &o.lo, memb, &k);
	}
	if (rc < 0)
		goto fail;
	res = o.res[o.nres > 0 ? best : 0];
	sj = summary(&o, &g, memb, k, res, sc_now() - t0, (double)(clock() - c0) / CLOCKS_PER_SEC);
	if (codes) {
		struct sc_partition_scores ps;
		if (sc_partition_compare(codes, memb, g.rows, &ps) < 0)
			goto fail;
		sc_json_add_number(sj, "nmi", ps.nmi);
		sc_json_add_number(sj, "ari", ps.ari);
	}
	if (o.sweep_out && write_sweep(&o, nmi, ari, ncl, best) < 0)
		goto fail;
	if (write_cells(out, names, memb, g.rows, o.key_added) < 0 ||
	    (sum && (sc_jsonl_write(sum, sj) < 0 || sc_close_ptr(&sum) < 0)))
		goto fail;
	if (sc_close_ptr(&out) < 0)
		goto fail;
	if (sc_verbosity >= 2) {
		struct sc_buf b = SC_BUF_INIT;
		if (sc_json_print(&b, sj) == 0)
			fprintf(stderr, "cluster-leiden: %s\n", b.data);
		sc_buf_release(&b);
	}
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
done:
	sc_abort(sum);
	sc_abort(out);
	sc_abort(in);
	sc_jsonl_column_free(names, g.rows);
	sc_jsonl_column_free(labs, g.rows);
	sc_csr_release(&g);
	free(memb);
	free(codes);
	cJSON_Delete(sj);
	return ret;
}
