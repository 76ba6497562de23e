/* metric-gate: compare current metric JSONL against a baseline and fail on regressions
 * beyond per-metric, direction-aware tolerances; multi-seed data get a paired one-sided test
 * and a confidence interval on the mean delta, timings a median ratio. Prints a table;
 * exit 1 on any regression, 2 on a schema or join error (nothing compared included). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc.h"
#include "sc_gate.h"
#include "sc_stream_util.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: metric-gate [--tol M=X[%%],...] [--tol-default X] [--test wilcoxon|signflip|ttest]\n"
		    "                   [--alpha A] [--rule test|ci] [--family all|scientific|performance]\n"
		    "                   [--factor F] [--alpha-perf A] [--allow-missing] [--allow-empty]\n"
		    "                   [--jsonl FILE] [--markdown FILE] [-o FILE] BASELINE CURRENT\n"
		    "  --tol M=X          tolerance for metrics matching glob M (X%% = relative)\n"
		    "  --tol-default X    tolerance of unmatched metrics (default 1e-6)\n"
		    "  --test T           paired test for multi-seed data (default wilcoxon)\n"
		    "  --alpha A          significance level (default 0.05)\n"
		    "  --rule ci          regression only when the CI's upper bound is below -tol\n"
		    "  --family F         which records to gate (default all)\n"
		    "  --factor F         timing ratio threshold (default 1.10)\n"
		    "  --alpha-perf A     level of the Mann-Whitney test on timings (default 0.01)\n"
		    "  --allow-missing    a baseline metric absent from current is not an error\n"
		    "  --allow-empty      nothing compared is not an error (exit 0)\n"
		    "  --jsonl FILE       scbench.gate/1 records   --markdown FILE  a Markdown table\n"
		    "  -o FILE            the text table (default stdout)\n"
		    "  -q, -v, --progress, --version, -h\n");
}

enum { O_TOL = SC_OPT_FIRST_PRIVATE, O_TOLDEF, O_TEST, O_ALPHA, O_RULE, O_FAMILY, O_FACTOR,
       O_ALPHAP, O_MISSING, O_JSONL, O_MD, O_EMPTY };

struct opts {
	struct sc_gate_opts g;
	const char *out, *jsonl, *md, *base, *cur;
};

static int pick(const char *opt, const char *v, const char *const *names, int *out)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(v, names[i])) {
			*out = i;
			return 0;
		}
	return sc_seterr(SC_EUSAGE, "%s: unknown value '%s'", opt, v);
}

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = {
		{ "allow-empty", no_argument, NULL, O_EMPTY }, { "allow-missing", no_argument, NULL, O_MISSING }, { "alpha", required_argument, NULL, O_ALPHA },
		{ "alpha-perf", required_argument, NULL, O_ALPHAP }, { "factor", required_argument, NULL, O_FACTOR },
		{ "family", required_argument, NULL, O_FAMILY }, { "jsonl", required_argument, NULL, O_JSONL },
		{ "markdown", required_argument, NULL, O_MD }, { "output", required_argument, NULL, 'o' },
		{ "rule", required_argument, NULL, O_RULE }, { "test", required_argument, NULL, O_TEST },
		{ "tol", required_argument, NULL, O_TOL }, { "tol-default", required_argument, NULL, O_TOLDEF },
		SC_COMMON_LONGOPTS, { NULL, 0, NULL, 0 }
	};
	static const char *const tests[] = { "wilcoxon", "signflip", "ttest", NULL };
	static const char *const fams[] = { "all", "scientific", "performance", NULL };
	static const char *const rules[] = { "test", "ci", NULL };
	int c, v;
	o->out = "-";
	while ((c = getopt_long(argc, argv, "ho:qv", lo, NULL)) != -1) {
		int rc = 0;
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'o': o->out = optarg; break;
		case O_EMPTY: o->g.allow_empty = 1; break;
		case O_ALPHA: rc = sc_parse_double("--alpha", optarg, 1e-12, 0.5, &o->g.alpha); break;
		case O_ALPHAP: rc = sc_parse_double("--alpha-perf", optarg, 1e-12, 0.5, &o->g.alpha_perf); break;
		case O_FACTOR: rc = sc_parse_double("--factor", optarg, 1, 1e6, &o->g.factor); break;
		case O_FAMILY: rc = pick("--family", optarg, fams, &v); o->g.family = (enum sc_gate_family)v; break;
		case O_JSONL: o->jsonl = optarg; break;
		case O_MD: o->md = optarg; break;
		case O_MISSING: o->g.allow_missing = 1; break;
		case O_RULE: rc = pick("--rule", optarg, rules, &o->g.rule_ci); break;
		case O_TEST: rc = pick("--test", optarg, tests, &v); o->g.test = (enum sc_gate_test)v; break;
		case O_TOL: rc = sc_gate_parse_tol(&o->g, optarg); break;
		case O_TOLDEF: rc = sc_parse_double("--tol-default", optarg, 0, 1e300, &o->g.tol_default); break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
		if (rc < 0)
			return SC_EUSAGE;
	}
	if (*exit_now)
		return 0;
	if (argc - optind != 2)
		return sc_seterr(SC_EUSAGE, "need BASELINE and CURRENT");
	o->base = argv[optind];
	o->cur = argv[optind + 1];
	if (!strcmp(o->base, "-") && !strcmp(o->cur, "-"))
		return sc_seterr(SC_EUSAGE, "BASELINE and CURRENT cannot both be stdin");
	return 0;
}

static int load(const char *path, struct sc_metricset *set)
{
	struct sc_stream *in = sc_open(path, "r");
	int rc = in ? sc_metricset_read(set, in) : SC_EIO;
	sc_abort(in);
	return rc < 0 ? rc : sc_metricset_finish(set);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sc_metricset base = { 0 }, cur = { 0 };
	struct sc_gate g = { 0 };
	struct sc_stream *out = NULL, *js = NULL, *md = NULL;
	int exit_now = 0, ret = SC_EXIT_INPUT;

	sc_prog_init(argv[0]);
	sc_gate_opts_init(&o.g);
	if (parse_opts(argc, argv, &o, &exit_now) < 0) {
		sc_gate_opts_release(&o.g);
		return sc_usage_error(usage, "%s", sc_errmsg());
	}
	if (exit_now)
		goto done;
	if (!(out = sc_open(o.out, "w")) || (o.jsonl && !(js = sc_open(o.jsonl, "w"))) ||
	    (o.md && !(md = sc_open(o.md, "w"))))
		goto fail;
	if (load(o.base, &base) < 0 || load(o.cur, &cur) < 0 || sc_gate_run(&base, &cur, &o.g, &g) < 0)
		goto fail;
	if (sc_gate_write_table(out, &g) < 0 || (js && sc_gate_write_jsonl(js, &g) < 0) ||
	    (md && sc_gate_write_markdown(md, &g) < 0))
		goto fail;
	if (sc_close_ptr(&js) < 0 || sc_close_ptr(&md) < 0 || sc_close_ptr(&out) < 0 ||
	    sc_close_stdout() < 0)
		goto fail;
	ret = g.regressions ? SC_EXIT_CHECK : SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
	sc_abort(out);
	sc_abort(js);
	sc_abort(md);
done:
	sc_gate_release(&g);
	sc_metricset_release(&base);
	sc_metricset_release(&cur);
	sc_gate_opts_release(&o.g);
	return exit_now ? SC_EXIT_OK : ret;
}
