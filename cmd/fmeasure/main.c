/* fmeasure: flat micro/macro/weighted precision, recall and F1 per k from confusion-matrix
 * JSONL, as the cellarium-cas wide CSV (f_measure_per_sample.csv / _per_group.csv, byte for
 * byte) or as metric JSONL records. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cas_report.h"
#include "sc.h"
#include "sc_stream_util.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: fmeasure [--format csv|jsonl] [--metrics-out FILE] [-o FILE] [FILE|-]...\n"
		    "  --format F  csv (cellarium-cas wide table, default) or jsonl (metric records)\n"
		    "  --metrics-out FILE  also write the metric JSONL records there\n"
		    "  -o FILE     output (default stdout)\n"
		    "  -q, -v, --progress, --version, -h\n");
}

enum { O_FORMAT = SC_OPT_FIRST_PRIVATE, O_METRICS };

struct opts {
	enum sc_report_fmt fmt;
	const char *out, *metrics;
	char **in;
	int nin;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = { { "format", required_argument, NULL, O_FORMAT },
					    { "metrics-out", required_argument, NULL, O_METRICS },
					    { "output", required_argument, NULL, 'o' },
					    SC_COMMON_LONGOPTS,
					    { NULL, 0, NULL, 0 } };
	int c;
	o->out = "-";
	while ((c = getopt_long(argc, argv, "ho:qv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'o': o->out = optarg; break;
		case O_METRICS: o->metrics = optarg; break;
		case O_FORMAT:
			if (sc_report_fmt_parse(optarg, &o->fmt) < 0)
				return SC_EUSAGE;
			break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
	}
	o->in = argv + optind;
	o->nin = argc - optind;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sc_cm_set in = { 0 };
	struct sc_stream *out = NULL, *met = NULL;
	int exit_now = 0, ret = SC_EXIT_INPUT;
	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	if (!(out = sc_open(o.out, "w")) || (o.metrics && !(met = sc_open(o.metrics, "w"))))
		goto fail;
	if (sc_cm_set_load(o.in, o.nin, &in) < 0)
		goto fail;
	if (sc_cas_fmeasure_report(&in, o.fmt, out) < 0 ||
	    (met && sc_cas_fmeasure_report(&in, SC_REPORT_JSONL, met) < 0))
		goto fail;
	if (sc_close_ptr(&met) < 0)
		goto fail;
	if (sc_close_ptr(&out) < 0)
		goto fail;
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
	sc_abort(out);
	sc_abort(met);
done:
	sc_cm_set_release(&in);
	return ret;
}
