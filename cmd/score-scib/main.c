/* score-scib: the scIB metric suite (scib 1.2.1 / scib-metrics 0.6.0 flavours) and
 * czbenchmarks' integration metrics on one embedding; one metric JSONL record per metric plus
 * the aggregate scores. All the work is in libcommon/scib_suite.c. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc.h"
#include "scib_input.h"
#include "scib_suite.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: score-scib --obs FILE --label-key KEY [--batch-key KEY]\n"
		"                  [--flavor scib|scib-metrics] [--preset scib|czbenchmarks]\n"
		"                  [--metrics LIST] [--weights BIO,BATCH] [--unintegrated MATRIX]\n"
		"                  [--graph FILE | --graph-tsv FILE] [--knn FILE]\n"
		"                  [--clusters FILE [--cluster-key KEY]]\n"
		"                  [--dataset NAME] [--model NAME] [--sgemm-reference] [-j N] [-qv]\n"
		"                  [-o FILE] [MATRIX|-]\n"
		"  --obs FILE           obs JSONL table, one record per embedding row\n"
		"  --label-key KEY      cell-type column; --batch-key KEY batch column\n"
		"  --flavor F           scib (default) or scib-metrics definitions\n"
		"  --preset P           scib (default) or czbenchmarks (its metric names and parameters)\n"
		"  --metrics LIST       comma-separated metric names (default: all of the flavour)\n"
		"  --weights B,T        aggregate weights of bio and batch means (default 0.6,0.4)\n"
		"  --unintegrated M     pre-integration embedding, for pcr_comparison\n"
		"  --graph FILE         15-NN connectivities (SCCSR1); --graph-tsv: i<TAB>j<TAB>w lines\n"
		"  --knn FILE           kNN stream (SCKNN1) to use instead of an exact search\n"
		"  --clusters FILE      partition (ids per line, or JSONL with --cluster-key, default\n"
		"                       leiden) for nmi/ari instead of Leiden\n"
		"  --dataset, --model   context written into every record\n"
		"  -j N                 threads (0 = all cores); -o FILE output (default stdout)\n"
		"  --sgemm-reference    with -v, also time plain sgemm on the same tiles\n"
		"  -q, -v (per-part timings), --version, -h\n");
}

enum {
	O_OBS = SC_OPT_FIRST_PRIVATE, O_LABEL, O_BATCH, O_FLAVOR, O_PRESET, O_METRICS, O_WEIGHTS,
	O_PRE, O_GRAPH, O_GRAPH_TSV, O_KNN, O_CLUSTERS, O_DATASET, O_MODEL, O_SGEMM, O_CKEY
};

struct opts {
	struct sc_scib_paths p;
	struct sc_scib_opts so;
	const char *metrics, *out;
	long long threads;
};

static int parse_list(struct opts *o)
{
	char *dup = sc_strdup(o->metrics), *save = NULL;
	int ret = dup ? 0 : SC_ENOMEM;
	memset(o->so.want, 0, sizeof o->so.want);
	for (char *t = dup ? strtok_r(dup, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
		int id = sc_scib_metric_id(t);
		if (id < 0) {
			ret = sc_seterr(SC_EUSAGE, "unknown metric '%s' (see score-scib(1))", t);
			break;
		}
		o->so.want[id] = 1;
	}
	free(dup);
	return ret;
}

static int parse_weights(const char *s, struct sc_scib_opts *so)
{
	const char *comma = strchr(s, ',');
	char a[64];
	if (!comma || (size_t)(comma - s) >= sizeof a)
		return sc_seterr(SC_EUSAGE, "--weights: expected BIO,BATCH");
	memcpy(a, s, (size_t)(comma - s));
	a[comma - s] = 0;
	if (sc_parse_double("--weights", a, 0, 1e6, &so->w_bio) < 0 ||
	    sc_parse_double("--weights", comma + 1, 0, 1e6, &so->w_batch) < 0)
		return SC_EUSAGE;
	return 0;
}

static int parse_opt(int c, struct opts *o)
{
	switch (c) {
	case 'j': return sc_parse_long("-j", optarg, 0, 1024, &o->threads);
	case 'o': o->out = optarg; break;
	case O_BATCH: o->p.batch_key = optarg; break;
	case O_CLUSTERS: o->p.clusters = optarg; break;
	case O_CKEY: o->p.cluster_key = optarg; break;
	case O_DATASET: o->so.dataset = optarg; break;
	case O_FLAVOR:
		if (strcmp(optarg, "scib") && strcmp(optarg, "scib-metrics"))
			return sc_seterr(SC_EUSAGE, "--flavor: expected scib or scib-metrics");
		o->so.flavor = strcmp(optarg, "scib") ? SC_SCIB_FLAVOR_SCIB_METRICS : SC_SCIB_FLAVOR_SCIB;
		break;
	case O_GRAPH: o->p.graph = optarg; break;
	case O_GRAPH_TSV: o->p.graph_tsv = optarg; break;
	case O_KNN: o->p.knn = optarg; break;
	case O_LABEL: o->p.label_key = optarg; break;
	case O_METRICS: o->metrics = optarg; break;
	case O_MODEL: o->so.model = optarg; break;
	case O_OBS: o->p.obs = optarg; break;
	case O_PRE: o->p.pre = optarg; break;
	case O_SGEMM: o->so.sgemm_reference = 1; break;
	case O_PRESET:
		if (strcmp(optarg, "scib") && strcmp(optarg, "czbenchmarks"))
			return sc_seterr(SC_EUSAGE, "--preset: expected scib or czbenchmarks");
		o->so.preset = strcmp(optarg, "scib") ? SC_SCIB_PRESET_CZBENCHMARKS : SC_SCIB_PRESET_SCIB;
		break;
	case O_WEIGHTS: return parse_weights(optarg, &o->so);
	default: return sc_seterr(SC_EUSAGE, "unknown option");
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = {
		{ "batch-key", required_argument, NULL, O_BATCH },
		{ "cluster-key", required_argument, NULL, O_CKEY },
		{ "clusters", required_argument, NULL, O_CLUSTERS },
		{ "dataset", required_argument, NULL, O_DATASET },
		{ "flavor", required_argument, NULL, O_FLAVOR },
		{ "graph", required_argument, NULL, O_GRAPH },
		{ "graph-tsv", required_argument, NULL, O_GRAPH_TSV },
		{ "knn", required_argument, NULL, O_KNN },
		{ "label-key", required_argument, NULL, O_LABEL },
		{ "metrics", required_argument, NULL, O_METRICS },
		{ "model", required_argument, NULL, O_MODEL },
		{ "obs", required_argument, NULL, O_OBS },
		{ "output", required_argument, NULL, 'o' },
		{ "preset", required_argument, NULL, O_PRESET },
		{ "sgemm-reference", no_argument, NULL, O_SGEMM },
		{ "threads", required_argument, NULL, 'j' },
		{ "unintegrated", required_argument, NULL, O_PRE },
		{ "weights", required_argument, NULL, O_WEIGHTS },
		SC_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 } };
	int c;
	while ((c = getopt_long(argc, argv, "hj:o:qv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		if (c == 'h') {
			usage(stdout);
			*exit_now = 1;
			return 0;
		}
		if (parse_opt(c, o) < 0)
			return SC_EUSAGE;
	}
	if (*exit_now)
		return 0;
	if (argc - optind > 1)
		return sc_seterr(SC_EUSAGE, "at most one MATRIX input");
	o->p.matrix = optind < argc ? argv[optind] : "-";
	if (!o->p.obs || !o->p.label_key)
		return sc_seterr(SC_EUSAGE, "--obs and --label-key are required");
	if (o->p.graph && o->p.graph_tsv)
		return sc_seterr(SC_EUSAGE, "--graph and --graph-tsv are mutually exclusive");
	if (!strcmp(o->p.matrix, "-") && !strcmp(o->p.obs, "-"))
		return sc_seterr(SC_EUSAGE, "MATRIX and --obs cannot both be stdin");
	sc_scib_default_metrics(&o->so, o->p.pre != NULL);
	if (o->metrics && parse_list(o) < 0)
		return SC_EUSAGE;
	if (o->so.want[SC_M_PCR_CMP] && !o->p.pre)
		return sc_seterr(SC_EUSAGE, "pcr_comparison needs --unintegrated");
	return 0;
}

static int emit(void *ctx, cJSON *rec)
{
	int ret = sc_metric_check(rec);
	if (ret == 0)
		ret = sc_jsonl_write(ctx, rec);
	cJSON_Delete(rec);
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct sc_scib_data d;
	struct sc_stream *out = NULL;
	int exit_now = 0, ret = SC_EXIT_INPUT;

	memset(&o, 0, sizeof o);
	o.threads = -1;
	o.out = "-";
	o.so.w_bio = 0.6;
	o.so.w_batch = 0.4;
	sc_scib_data_init(&d);
	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	o.so.threads = sc_threads_resolve((int)o.threads);
	if (!(out = sc_open(o.out, "w")))
		goto fail;
	if (sc_scib_data_load(&o.p, &d) < 0)
		goto fail;
	if (sc_scib_run(&d.in, &o.so, emit, out) != 0)
		goto fail;
	ret = sc_close(out);
	out = NULL;
	if (ret < 0 || sc_close_stdout() < 0)
		goto fail;
	sc_log(2, "peak memory %.1f MiB", (double)sc_peak_rss() / 1048576.0);
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
	sc_abort(out);
	ret = SC_EXIT_INPUT;
done:
	sc_scib_data_release(&d);
	return ret;
}
