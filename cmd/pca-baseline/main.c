/* pca-baseline: czbenchmarks' PCA baseline embedding from a counts matrix (normalize_total,
 * log1p, Seurat HVG, PCA); matrix stream of the PCs out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc.h"
#include "pca_baseline.h"
#include "sc_stream_util.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pca-baseline [--var VAR] [--n-top-genes N] [--n-pcs N] [--hvg-out FILE]\n"
		"                    [-j N] [-fz] [-o FILE] COUNTS\n"
		"  COUNTS            counts matrix stream, cells x genes (- = stdin)\n"
		"  --var VAR         gene table JSONL (var_name per gene) naming the HVGs\n"
		"  --n-top-genes N   highly variable genes (default 3000; all when fewer)\n"
		"  --n-pcs N         principal components (default 50)\n"
		"  --hvg-out FILE    JSONL of the selected genes (var_name, var_index,\n"
		"                    dispersion_norm)\n"
		"  -j N              threads (0 = all cores)\n"
		"  -o FILE           PC matrix stream (default stdout); -z compress; -f to a tty\n"
		"  -q, -v, --version, -h\n");
}

enum { O_VAR = SC_OPT_FIRST_PRIVATE, O_NTOP, O_NPCS, O_HVG };

struct opts {
	const char *var, *hvg_out, *out, *in;
	int z, force, threads;
	struct sc_pcab_params p;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = {
		{ "var", required_argument, NULL, O_VAR },
		{ "n-top-genes", required_argument, NULL, O_NTOP },
		{ "n-pcs", required_argument, NULL, O_NPCS },
		{ "hvg-out", required_argument, NULL, O_HVG },
		{ "threads", required_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		SC_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	long long v;
	int c, rc = 0;
	while ((c = getopt_long(argc, argv, "fhj:o:qvz", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'f': o->force = 1; break;
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'j': rc = sc_parse_long("-j", optarg, 0, 1024, &v); o->threads = (int)v; break;
		case 'o': o->out = optarg; break;
		case 'z': o->z = 1; break;
		case O_VAR: o->var = optarg; break;
		case O_NTOP: rc = sc_parse_long("--n-top-genes", optarg, 1, INT32_MAX, &v); o->p.n_top_genes = v; break;
		case O_NPCS: rc = sc_parse_long("--n-pcs", optarg, 1, 1000, &v); o->p.n_pcs = (int)v; break;
		case O_HVG: o->hvg_out = optarg; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
		if (rc < 0)
			return rc;
	}
	if (*exit_now)
		return 0;
	if (optind != argc - 1)
		return sc_seterr(SC_EUSAGE, optind < argc ? "one COUNTS argument expected" : "COUNTS missing");
	o->in = argv[optind];
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .threads = -1, .p = { 3000, 50, 1 } };
	struct sc_stream *in = NULL, *var = NULL, *out = NULL, *hvg = NULL;
	struct sc_matrix X = SC_MATRIX_INIT;
	struct sc_pcab_result r = SC_PCAB_RESULT_INIT;
	char **names = NULL;
	int64_t nnames = 0;
	int exit_now = 0, ret = SC_EXIT_INPUT;

	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	o.p.threads = sc_threads_resolve(o.threads);
	if (!(in = sc_open(o.in, "r")) || (o.var && !(var = sc_open(o.var, "r"))) ||
	    !(out = sc_open(o.out, o.z ? "wz" : "w")) ||
	    (o.hvg_out && !(hvg = sc_open(o.hvg_out, "w"))))
		goto fail;
	if (!o.out && !o.force && sc_stream_isatty(out)) {
		sc_seterr(SC_EUSAGE, "refusing to write a binary stream to a terminal (use -o or -f)");
		goto fail;
	}
	if (var && sc_var_names_read(var, &names, &nnames) < 0)
		goto fail;
	if (sc_mat_read(in, &X) < 0)
		goto fail;
	if (var && nnames != X.cols) {
		sc_seterr(SC_EINPUT, "var table has %lld genes but the matrix %lld columns",
			  (long long)nnames, (long long)X.cols);
		goto fail;
	}
	if (sc_pcab_run(&X, &o.p, &r) < 0 || sc_pcab_write(out, &r) < 0 ||
	    (hvg && sc_pcab_write_hvg(hvg, &r, names) < 0))
		goto fail;
	if (sc_close_ptr(&hvg) < 0 || sc_close_ptr(&out) < 0)
		goto fail;
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
done:
	sc_abort(hvg);
	sc_abort(out);
	sc_abort(in);
	sc_abort(var);
	sc_mat_release(&X);
	sc_pcab_release(&r);
	sc_var_names_free(names, nnames);
	return ret;
}
