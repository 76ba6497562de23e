/* cm-aggregate: sum per-sample confusion matrices grouped by model name (or any string field
 * of the records), one aggregate record per (group, k), checking that label orders agree
 * within a group, as cellarium-cas' aggregate step does. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cas_report.h"
#include "sc.h"
#include "sc_stream_util.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: cm-aggregate [--by KEY] [-o FILE] [FILE|-]...\n"
		    "  --by KEY   group by this string field of the records (default model_name)\n"
		    "  -o FILE    output (default stdout)\n"
		    "  -q, -v, --progress, --version, -h\n");
}

enum { O_BY = SC_OPT_FIRST_PRIVATE };

struct opts {
	const char *by, *out;
	char **in;
	int nin;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = { { "by", required_argument, NULL, O_BY },
					    { "output", required_argument, NULL, 'o' },
					    SC_COMMON_LONGOPTS,
					    { NULL, 0, NULL, 0 } };
	int c;
	o->by = "model_name";
	o->out = "-";
	while ((c = getopt_long(argc, argv, "ho:qv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'o': o->out = optarg; break;
		case O_BY: o->by = optarg; break;
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
	struct sc_cm_set in = { 0 }, agg = { 0 };
	struct sc_stream *out = NULL;
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
	if (sc_cm_aggregate(&in, o.by, &agg) < 0)
		goto fail;
	for (int64_t i = 0; i < agg.n; i++)
		if (sc_cm_write(out, &agg.m[i]) < 0)
			goto fail;
	if (sc_close_ptr(&out) < 0)
		goto fail;
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
	sc_abort(out);
done:
	sc_cm_set_release(&in);
	sc_cm_set_release(&agg);
	return ret;
}
