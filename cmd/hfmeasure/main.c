/* hfmeasure: hierarchical precision, recall and F1 (micro, macro, weighted, as cellarium-cas
 * computes them) from confusion-matrix JSONL, over ancestor sets from an ontology: a CAS
 * ontology_resource.json, an OBO file or OBO-Graphs JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cas_report.h"
#include "ontology.h"
#include "sc.h"
#include "sc_stream_util.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: hfmeasure [options] [FILE|-]...\n"
		"  --ontology FILE        ontology (default: ontology_resource.json in the first\n"
		"                         record's annotate_dir)\n"
		"  --ontology-format F    auto (default), resource, obo or obographs\n"
		"  --root ID              term removed from every ancestor set (default CL:0000000;\n"
		"                         '' keeps all)\n"
		"  -k, --k K              score the records with this k (default 1)\n"
		"  --unknown error|skip|self  a label not in the ontology (default error)\n"
		"  --format F             csv (default) or jsonl (metric records)\n"
		"  -o FILE                output (default stdout)\n"
		"  -q, -v, --progress, --version, -h\n");
}

enum { O_ONTO = SC_OPT_FIRST_PRIVATE, O_OFMT, O_ROOT, O_UNK, O_FORMAT };

struct opts {
	const char *onto, *root, *out;
	enum sc_onto_format ofmt;
	enum sc_unknown unknown;
	enum sc_report_fmt fmt;
	int k;
	char **in;
	int nin;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = { { "format", required_argument, NULL, O_FORMAT },
					    { "k", required_argument, NULL, 'k' },
					    { "ontology", required_argument, NULL, O_ONTO },
					    { "ontology-format", required_argument, NULL, O_OFMT },
					    { "output", required_argument, NULL, 'o' },
					    { "root", required_argument, NULL, O_ROOT },
					    { "unknown", required_argument, NULL, O_UNK },
					    SC_COMMON_LONGOPTS,
					    { NULL, 0, NULL, 0 } };
	long long v;
	int c;
	o->out = "-";
	o->root = "CL:0000000";
	o->k = 1;
	while ((c = getopt_long(argc, argv, "hk:o:qv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'k':
			if (sc_parse_long("--k", optarg, 1, SC_CM_MAX_K, &v) < 0)
				return SC_EUSAGE;
			o->k = (int)v;
			break;
		case 'o': o->out = optarg; break;
		case O_FORMAT:
			if (sc_report_fmt_parse(optarg, &o->fmt) < 0)
				return SC_EUSAGE;
			break;
		case O_ONTO: o->onto = optarg; break;
		case O_OFMT:
			if (sc_onto_format_parse(optarg, &o->ofmt) < 0)
				return SC_EUSAGE;
			break;
		case O_ROOT: o->root = optarg; break;
		case O_UNK:
			if (sc_unknown_parse(optarg, 1, &o->unknown) < 0)
				return SC_EUSAGE;
			break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
	}
	o->in = argv + optind;
	o->nin = argc - optind;
	return 0;
}

/* The ontology: --ontology, else the resource beside the first record (cellarium's rule). */
static int load_onto(const struct opts *o, const struct sc_cm_set *in, struct sc_onto **on)
{
	struct sc_buf p = SC_BUF_INIT;
	const char *dir = sc_json_get_string(in->m[0].meta, "annotate_dir");
	int rc;
	if (o->onto)
		return sc_onto_read(o->onto, o->ofmt, on);
	if (!dir)
		return sc_seterr(SC_EUSAGE, "no --ontology, and the first record has no annotate_dir");
	if (sc_buf_addf(&p, "%s/ontology_resource.json", dir) < 0)
		return SC_ENOMEM;
	rc = sc_onto_read(p.data, o->ofmt, on);
	sc_buf_release(&p);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sc_cm_set in = { 0 };
	struct sc_stream *out = NULL;
	struct sc_onto *on = NULL;
	struct sc_hfmeasure *h = NULL;
	int exit_now = 0, ret = SC_EXIT_INPUT;
	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	if (!(out = sc_open(o.out, "w")))
		goto fail;
	if (sc_cm_set_load(o.in, o.nin, &in) < 0)
		goto fail;
	if (load_onto(&o, &in, &on) < 0 || !(h = sc_hfmeasure_new(on, o.root)) ||
	    sc_cas_hfmeasure_report(&in, h, o.k, o.unknown, o.fmt, out) < 0)
		goto fail;
	if (sc_close_ptr(&out) < 0)
		goto fail;
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
	sc_abort(out);
done:
	sc_hfmeasure_free(h);
	sc_onto_free(on);
	sc_cm_set_release(&in);
	return ret;
}
