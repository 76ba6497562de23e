/* cm-build: confusion matrices for cell-type annotation, one record per (sample, k), from
 * cellarium-cas annotate directories (truth from the h5ad at metadata.json's input_path) or
 * from plain per-cell TSV/JSONL tables. Writes confusion-matrix JSONL (scbench-formats(5)). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cas_annotate.h"
#include "sc.h"
#include "sc_stream_util.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: cm-build [options] DIR...\n"
		"       cm-build [options] --truth FILE --pred FILE\n"
		"  DIR                   cellarium-cas annotate output directory\n"
		"  --gt-label COL        truth column (default cell_type_ontology_term_id)\n"
		"  --inferred-label COL  rank-1 prediction column (default cas_cell_type_name_1)\n"
		"  -k, --top-k K         build k = 1..K (default 1)\n"
		"  --truth FILE          truth table (TSV with header, or JSONL)\n"
		"  --pred FILE           ranked predictions table (may be the truth file)\n"
		"  --labels FILE         label order, one label per line (plain tables)\n"
		"  --ontology FILE       label order = the ontology's term ids (plain tables)\n"
		"  --unknown error|skip  a label outside the label order (default error)\n"
		"  --model NAME          model_name of plain-table records (default unknown)\n"
		"  --sample NAME         sample name of plain-table records (default: --pred)\n"
		"  --no-provenance       omit the provenance object\n"
		"  -o FILE               output (default stdout)\n"
		"  -q, -v, --progress, --version, -h\n");
}

enum { O_GT = SC_OPT_FIRST_PRIVATE, O_INF, O_TRUTH, O_PRED, O_LABELS, O_ONTO, O_UNK, O_MODEL,
       O_SAMPLE };

struct opts {
	struct sc_cas_opts cas;
	const char *truth, *pred, *labels, *onto, *model, *sample, *out;
	int no_prov;
	char **dirs;
	int ndirs;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = {
		{ "gt-label", required_argument, NULL, O_GT },
		{ "inferred-label", required_argument, NULL, O_INF },
		{ "labels", required_argument, NULL, O_LABELS },
		{ "model", required_argument, NULL, O_MODEL },
		{ "no-provenance", no_argument, NULL, SC_OPT_NO_PROVENANCE },
		{ "ontology", required_argument, NULL, O_ONTO },
		{ "output", required_argument, NULL, 'o' },
		{ "pred", required_argument, NULL, O_PRED },
		{ "sample", required_argument, NULL, O_SAMPLE },
		{ "top-k", required_argument, NULL, 'k' },
		{ "truth", required_argument, NULL, O_TRUTH },
		{ "unknown", required_argument, NULL, O_UNK },
		SC_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	long long v;
	int c;
	o->cas.gt_label = "cell_type_ontology_term_id";
	o->cas.inferred_label = "cas_cell_type_name_1";
	o->cas.top_k = 1;
	o->model = "unknown";
	o->out = "-";
	while ((c = getopt_long(argc, argv, "hk:o:qv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'k':
			if (sc_parse_long("--top-k", optarg, 1, SC_CM_MAX_K, &v) < 0)
				return SC_EUSAGE;
			o->cas.top_k = (int)v;
			break;
		case 'o': o->out = optarg; break;
		case O_GT: o->cas.gt_label = optarg; break;
		case O_INF: o->cas.inferred_label = optarg; break;
		case O_LABELS: o->labels = optarg; break;
		case O_MODEL: o->model = optarg; break;
		case SC_OPT_NO_PROVENANCE: o->no_prov = 1; break;
		case O_ONTO: o->onto = optarg; break;
		case O_PRED: o->pred = optarg; break;
		case O_SAMPLE: o->sample = optarg; break;
		case O_TRUTH: o->truth = optarg; break;
		case O_UNK:
			if (sc_unknown_parse(optarg, 0, &o->cas.unknown) < 0)
				return SC_EUSAGE;
			break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
	}
	if (*exit_now)
		return 0;
	o->dirs = argv + optind;
	o->ndirs = argc - optind;
	if (o->ndirs > 0 && o->pred)
		return sc_seterr(SC_EUSAGE, "give annotate directories or --pred, not both");
	if (o->ndirs == 0 && !(o->pred && o->truth))
		return sc_seterr(SC_EUSAGE, "give annotate directories, or --truth and --pred");
	if (o->ndirs > 1 && o->truth)
		return sc_seterr(SC_EUSAGE, "--truth with annotate directories takes one directory");
	if (o->labels && o->onto)
		return sc_seterr(SC_EUSAGE, "--labels and --ontology are exclusive");
	if (o->ndirs > 0 && (o->labels || o->onto))
		return sc_seterr(SC_EUSAGE, "annotate directories carry their label order; "
				 "--labels/--ontology are for plain tables");
	if (!o->sample)
		o->sample = o->pred;
	return 0;
}

static int add_provenance(struct sc_cm *m, int argc, char **argv)
{
	cJSON *p = cJSON_AddObjectToObject(m->meta, "provenance"), *a;
	if (!p)
		return SC_ENOMEM;
	cJSON_AddStringToObject(p, "program", "cm-build");
	cJSON_AddStringToObject(p, "version", SC_VERSION);
	a = cJSON_AddArrayToObject(p, "argv");
	for (int i = 0; a && i < argc; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(argv[i]));
	return a ? 0 : SC_ENOMEM;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sc_stream *out = NULL;
	struct sc_cm m[SC_CM_MAX_K];
	char **u = NULL;
	int64_t nu = 0, skipped = 0;
	int exit_now = 0, ret = SC_EXIT_INPUT;
	sc_prog_init(argv[0]);
	memset(m, 0, sizeof m);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	if (sc_cas_label_order_read(o.labels, o.onto, &u, &nu) < 0 || !(out = sc_open(o.out, "w")))
		goto fail;
	for (int d = 0; d < (o.ndirs ? o.ndirs : 1); d++) {
		int rc = o.ndirs ? sc_cas_build_dir(o.dirs[d], o.truth, &o.cas, m, &skipped)
				 : sc_cas_build_plain(o.truth, o.pred, u, u ? nu : 0, &o.cas, o.sample,
						      o.model, m, &skipped);
		if (rc < 0)
			goto fail;
		if (skipped)
			sc_warn("%s: %lld cells skipped (labels outside the label order)",
				o.ndirs ? o.dirs[d] : o.sample, (long long)skipped);
		for (int k = 0; k < o.cas.top_k; k++) {
			if ((!o.no_prov && add_provenance(&m[k], argc, argv) < 0) ||
			    sc_cm_write(out, &m[k]) < 0)
				goto fail;
			sc_cm_release(&m[k]);
		}
	}
	if (sc_close_ptr(&out) < 0)
		goto fail;
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
	sc_abort(out);
done:
	for (int k = 0; k < SC_CM_MAX_K; k++)
		sc_cm_release(&m[k]);
	sc_cas_strings_free(u, nu);
	return ret;
}
