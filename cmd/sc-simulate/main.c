/* sc-simulate: write a synthetic dataset (Gaussian mixture of cell types with batch shifts,
 * optional Poisson counts) as a matrix stream plus a per-cell obs table. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sc.h"
#include "sc_simulate.h"
#include "sim_h5ad.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: sc-simulate [-n CELLS] [-d DIMS] [--types T] [--batches B] [--seed S]\n"
		"                   [--embedding observed|latent] [-o FILE] [-z] [--obs-out FILE]\n"
		"                   [--genes G --counts-out FILE [--var-out FILE]]\n"
		"                   [--centre-sd X] [--batch-sd X] [--noise-sd X] [--h5ad FILE]\n"
		"  -n CELLS          cells (default 10000)\n"
		"  -d DIMS           latent dimensions (default 50)\n"
		"  --types T         cell types (default 20)    --batches B  batches (default 4)\n"
		"  --embedding KIND  observed (latent + batch shift, default) or latent\n"
		"  -o FILE           matrix stream output (default stdout); -z compresses\n"
		"  --obs-out FILE    per-cell JSONL: obs_name, cell_type, batch\n"
		"  --genes G         also simulate Poisson counts over G genes\n"
		"  --counts-out FILE counts matrix stream   --var-out FILE  gene table JSONL\n"
		"  --h5ad FILE       also write an .h5ad (obs, var, obsm X_latent/X_observed, X)\n"
		"  --seed S          random seed (default 1)\n"
		"  -q, -v, --progress, --version, -h\n");
}

enum { O_TYPES = SC_OPT_FIRST_PRIVATE, O_BATCHES, O_GENES, O_EMB, O_OBS, O_COUNTS, O_VAR,
       O_CSD, O_BSD, O_NSD, O_H5AD };

struct opts {
	struct sc_sim_params p;
	const char *out, *obs_out, *counts_out, *var_out, *h5ad;
	int z, latent;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = {
		{ "types", required_argument, NULL, O_TYPES },
		{ "batches", required_argument, NULL, O_BATCHES },
		{ "genes", required_argument, NULL, O_GENES },
		{ "embedding", required_argument, NULL, O_EMB },
		{ "obs-out", required_argument, NULL, O_OBS },
		{ "counts-out", required_argument, NULL, O_COUNTS },
		{ "var-out", required_argument, NULL, O_VAR },
		{ "centre-sd", required_argument, NULL, O_CSD },
		{ "batch-sd", required_argument, NULL, O_BSD },
		{ "noise-sd", required_argument, NULL, O_NSD },
		{ "h5ad", required_argument, NULL, O_H5AD },
		{ "seed", required_argument, NULL, SC_OPT_SEED },
		{ "output", required_argument, NULL, 'o' },
		SC_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	long long v;
	int c, rc = 0;
	while ((c = getopt_long(argc, argv, "d:hn:o:qvz", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'd': rc = sc_parse_long("-d", optarg, 1, 100000, &v); o->p.d = (int)v; break;
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'n': rc = sc_parse_long("-n", optarg, 1, INT64_C(1) << 36, &v); o->p.n = v; break;
		case 'o': o->out = optarg; break;
		case 'z': o->z = 1; break;
		case O_TYPES: rc = sc_parse_long("--types", optarg, 1, 1000000, &v); o->p.types = (int)v; break;
		case O_BATCHES: rc = sc_parse_long("--batches", optarg, 1, 1000000, &v); o->p.batches = (int)v; break;
		case O_GENES: rc = sc_parse_long("--genes", optarg, 0, 1000000, &v); o->p.genes = (int)v; break;
		case O_EMB:
			if (strcmp(optarg, "latent") && strcmp(optarg, "observed"))
				return sc_seterr(SC_EUSAGE, "--embedding: '%s' is not observed or latent", optarg);
			o->latent = strcmp(optarg, "latent") == 0;
			break;
		case O_OBS: o->obs_out = optarg; break;
		case O_COUNTS: o->counts_out = optarg; break;
		case O_VAR: o->var_out = optarg; break;
		case O_CSD: rc = sc_parse_double("--centre-sd", optarg, 0, 1e6, &o->p.centre_sd); break;
		case O_BSD: rc = sc_parse_double("--batch-sd", optarg, 0, 1e6, &o->p.batch_sd); break;
		case O_H5AD: o->h5ad = optarg; break;
		case O_NSD: rc = sc_parse_double("--noise-sd", optarg, 0, 1e6, &o->p.noise_sd); break;
		case SC_OPT_SEED: rc = sc_parse_long("--seed", optarg, 0, INT64_MAX, &v); o->p.seed = (uint64_t)v; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
		if (rc < 0)
			return rc;
	}
	if (optind < argc)
		return sc_seterr(SC_EUSAGE, "unexpected argument '%s'", argv[optind]);
	if ((o->counts_out || o->var_out) && o->p.genes == 0)
		return sc_seterr(SC_EUSAGE, "--counts-out and --var-out need --genes");
	if ((double)o->p.n * o->p.d * 8 > 64e9)
		return sc_seterr(SC_EUSAGE, "-n x -d too large to simulate in memory");
	return 0;
}

static int write_obs(struct sc_stream *s, const struct sc_sim *sim)
{
	for (int64_t i = 0; i < sim->n; i++)
		if (sc_printf(s, "{\"obs_name\":\"cell%lld\",\"cell_type\":\"type_%02d\",\"batch\":\"batch_%d\"}\n",
			      (long long)i, sim->type[i], sim->batch[i]) < 0)
			return SC_EIO;
	return 0;
}

static int write_var(struct sc_stream *s, int genes)
{
	for (int g = 0; g < genes; g++)
		if (sc_printf(s, "{\"var_name\":\"gene%05d\"}\n", g) < 0)
			return SC_EIO;
	return 0;
}

static cJSON *meta(const struct opts *o, const char *what)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "source", "sc-simulate");
	cJSON_AddStringToObject(m, "content", what);
	cJSON_AddNumberToObject(m, "seed", (double)o->p.seed);
	return m;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sc_sim sim = { 0 };
	struct sc_stream *out = NULL, *obs = NULL, *cnt = NULL, *var = NULL;
	cJSON *m1 = NULL, *m2 = NULL;
	int exit_now = 0, ret = SC_EXIT_INPUT;

	sc_prog_init(argv[0]);
	sc_sim_defaults(&o.p);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	if ((!o.h5ad || o.out) && !(out = sc_open(o.out, o.z ? "wz" : "w")))
		goto fail;
	if ((o.obs_out && !(obs = sc_open(o.obs_out, "w"))) ||
	    (o.counts_out && !(cnt = sc_open(o.counts_out, o.z ? "wz" : "w"))) ||
	    (o.var_out && !(var = sc_open(o.var_out, "w"))))
		goto fail;
	if (out && !o.out && sc_stream_isatty(out)) {
		sc_seterr(SC_EUSAGE, "refusing to write a binary stream to a terminal (use -o)");
		goto fail;
	}
	if (sc_sim_run(&o.p, &sim) < 0)
		goto fail;
	if (o.h5ad && sc_sim_write_h5ad(&sim, o.h5ad) < 0)
		goto fail;
	m1 = meta(&o, o.latent ? "latent" : "observed");
	if (out && (sc_mat_write_header(out, sim.n, sim.d, m1) < 0 ||
	    sc_mat_write_rows(out, o.latent ? sim.latent : sim.observed, sim.n, sim.d) < 0))
		goto fail;
	if (obs && write_obs(obs, &sim) < 0)
		goto fail;
	if (cnt) {
		m2 = meta(&o, "counts");
		if (sc_mat_write_header(cnt, sim.n, sim.genes, m2) < 0 ||
		    sc_mat_write_rows(cnt, sim.counts, sim.n, sim.genes) < 0)
			goto fail;
	}
	if (var && write_var(var, sim.genes) < 0)
		goto fail;
	if (sc_close(var) < 0 || (var = NULL, sc_close(cnt) < 0) || (cnt = NULL, sc_close(obs) < 0) ||
	    (obs = NULL, sc_close(out) < 0)) {
		out = NULL;
		if (o.h5ad)
			unlink(o.h5ad);
		goto fail;
	}
	out = NULL;
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
done:
	sc_abort(var);
	sc_abort(cnt);
	sc_abort(obs);
	sc_abort(out);
	cJSON_Delete(m1);
	cJSON_Delete(m2);
	sc_sim_release(&sim);
	return ret;
}
