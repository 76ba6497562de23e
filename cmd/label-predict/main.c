/* label-predict: how well an embedding predicts a cell label, by czbenchmarks' cross-validated
 * classifiers (lr, knn, rf) or scModelForge's linear probe; metric JSONL out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc.h"
#include "label_predict.h"
#include "obs_labels.h"
#include "sc_stream_util.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: label-predict --obs OBS --label-key KEY [--protocol czbenchmarks|scmodelforge]\n"
		"                     [--classifiers lr,knn,rf] [--folds N] [--min-class-size N]\n"
		"                     [--seed N] [--max-iter N] [--folds-out FILE] [--split-out FILE]\n"
		"                     [--dataset NAME] [--model NAME] [-j N] [-o FILE] MATRIX\n"
		"  MATRIX              embedding matrix stream (cells x dims; - = stdin)\n"
		"  --obs OBS           per-cell obs JSONL holding the label column\n"
		"  --label-key KEY     label column (czbenchmarks labels, scModelForge cell_type_key)\n"
		"  --protocol P        czbenchmarks (default; 5-fold CV) or scmodelforge (linear probe)\n"
		"  --classifiers LIST  czbenchmarks classifiers, comma-separated (default lr,knn,rf)\n"
		"  --folds N           CV folds (default 5)   --min-class-size N  (default 10)\n"
		"  --seed N            split seed (default 42)\n"
		"  --max-iter N        logistic-regression iterations (default 100; probe 1000)\n"
		"  --folds-out FILE    czbenchmarks: TSV cell, fold of every kept cell\n"
		"  --split-out FILE    scmodelforge: TSV cell, part, order of the 80/20 split\n"
		"  --dataset, --model  context written into every record\n"
		"  -j N                threads (0 = all cores)   -o FILE  output (default stdout)\n"
		"  -q, -v, --version, -h\n");
}

enum { O_OBS = SC_OPT_FIRST_PRIVATE, O_KEY, O_PROTO, O_CLF, O_FOLDS, O_MINC, O_ITER, O_FOUT,
       O_SOUT, O_DATASET, O_MODEL };

struct opts {
	const char *obs, *key, *folds_out, *split_out, *out, *in, *dataset, *model;
	int probe, threads;
	struct sc_lp_params p;
};

static int parse_classifiers(const char *s, unsigned *mask)
{
	char buf[64];
	*mask = 0;
	if (strlen(s) >= sizeof(buf))
		return sc_seterr(SC_EUSAGE, "--classifiers: list too long");
	strcpy(buf, s);
	for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
		int f = -1;
		for (int c = 0; c < SC_LP_NCLF; c++)
			if (!strcmp(t, sc_lp_clf_name[c]))
				f = c;
		if (f < 0)
			return sc_seterr(SC_EUSAGE, "--classifiers: unknown classifier '%s'", t);
		*mask |= 1u << f;
	}
	return *mask ? 0 : sc_seterr(SC_EUSAGE, "--classifiers: empty list");
}

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = {
		{ "obs", required_argument, NULL, O_OBS },
		{ "label-key", required_argument, NULL, O_KEY },
		{ "protocol", required_argument, NULL, O_PROTO },
		{ "classifiers", required_argument, NULL, O_CLF },
		{ "folds", required_argument, NULL, O_FOLDS },
		{ "min-class-size", required_argument, NULL, O_MINC },
		{ "max-iter", required_argument, NULL, O_ITER },
		{ "folds-out", required_argument, NULL, O_FOUT },
		{ "split-out", required_argument, NULL, O_SOUT },
		{ "dataset", required_argument, NULL, O_DATASET },
		{ "model", required_argument, NULL, O_MODEL },
		{ "seed", required_argument, NULL, SC_OPT_SEED },
		{ "threads", required_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		SC_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	long long v, iter = -1;
	int c, rc = 0;
	while ((c = getopt_long(argc, argv, "hj:o:qv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'j': rc = sc_parse_long("-j", optarg, 0, 1024, &v); o->threads = (int)v; break;
		case 'o': o->out = optarg; break;
		case O_OBS: o->obs = optarg; break;
		case O_KEY: o->key = optarg; break;
		case O_PROTO:
			if (strcmp(optarg, "czbenchmarks") && strcmp(optarg, "scmodelforge"))
				return sc_seterr(SC_EUSAGE, "--protocol: '%s' is not czbenchmarks or scmodelforge", optarg);
			o->probe = !strcmp(optarg, "scmodelforge");
			break;
		case O_CLF: rc = parse_classifiers(optarg, &o->p.classifiers); break;
		case O_FOLDS: rc = sc_parse_long("--folds", optarg, 2, 1000, &v); o->p.n_folds = (int)v; break;
		case O_MINC: rc = sc_parse_long("--min-class-size", optarg, 1, INT32_MAX, &v); o->p.min_class_size = (int)v; break;
		case O_ITER: rc = sc_parse_long("--max-iter", optarg, 1, 1000000, &iter); break;
		case O_FOUT: o->folds_out = optarg; break;
		case O_SOUT: o->split_out = optarg; break;
		case O_DATASET: o->dataset = optarg; break;
		case O_MODEL: o->model = optarg; break;
		case SC_OPT_SEED: rc = sc_parse_long("--seed", optarg, 0, UINT32_MAX, &v); o->p.seed = (uint32_t)v; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
		if (rc < 0)
			return rc;
	}
	if (*exit_now)
		return 0;
	if (optind != argc - 1)
		return sc_seterr(SC_EUSAGE, optind < argc ? "one MATRIX argument expected" : "MATRIX missing");
	o->in = argv[optind];
	if (!o->obs || !o->key)
		return sc_seterr(SC_EUSAGE, "--obs and --label-key are required");
	if (o->probe && o->folds_out)
		return sc_seterr(SC_EUSAGE, "--folds-out belongs to --protocol czbenchmarks, not scmodelforge");
	if (!o->probe && o->split_out)
		return sc_seterr(SC_EUSAGE, "--split-out belongs to --protocol scmodelforge");
	o->p.lr_max_iter = iter > 0 ? (int)iter : o->probe ? 1000 : 100;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .threads = -1,
			  .p = { 7u, 5, 10, 42, 1, 100, 0.2, 5, 100 } };
	struct sc_stream *in = NULL, *obs = NULL, *out = NULL, *aux = NULL;
	struct sc_matrix X = SC_MATRIX_INIT;
	struct sc_obs_labels lab = SC_OBS_LABELS_INIT;
	struct sc_lp_result r = SC_LP_RESULT_INIT;
	int exit_now = 0, ret = SC_EXIT_INPUT;
	double f1m = 0, f1w = 0;

	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	o.p.threads = sc_threads_resolve(o.threads);
	struct sc_metric_ctx ctx = { o.probe ? "linear_probe" : "label_prediction", o.dataset,
				     o.model, o.probe ? "scmodelforge" : "czbenchmarks" };
	if (!(in = sc_open(o.in, "r")) || !(obs = sc_open(o.obs, "r")) ||
	    !(out = sc_open(o.out, "w")))
		goto fail;
	if ((o.folds_out && !(aux = sc_open(o.folds_out, "w"))) ||
	    (o.split_out && !(aux = sc_open(o.split_out, "w"))))
		goto fail;
	if (sc_mat_read(in, &X) < 0 || sc_obs_labels_read(obs, o.key, &lab) < 0)
		goto fail;
	if (o.probe ? sc_lp_linear_probe(&X, &lab, &o.p, &r, &f1m, &f1w) < 0
		    : sc_lp_czbenchmarks(&X, &lab, &o.p, &r) < 0)
		goto fail;
	if (o.probe ? sc_lp_write_probe(out, &r, &o.p, &ctx, o.key, f1m, f1w) < 0
		    : sc_lp_write_czb(out, &r, &o.p, &ctx) < 0)
		goto fail;
	if (aux && (o.probe ? sc_lp_write_split(aux, &r) : sc_lp_write_folds(aux, &r)) < 0)
		goto fail;
	if (sc_close_ptr(&aux) < 0 || sc_close_ptr(&out) < 0)
		goto fail;
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
done:
	sc_abort(aux);
	sc_abort(out);
	sc_abort(in);
	sc_abort(obs);
	sc_mat_release(&X);
	sc_obs_labels_release(&lab);
	sc_lp_result_release(&r);
	return ret;
}
