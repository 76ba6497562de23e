/* emb-extract: pull an embedding (obsm key), X or a layer out of an AnnData/MuData file as a
 * matrix stream, with per-cell (obs) and per-gene (var) JSONL tables; --list shows what the
 * file holds. Every anndata on-disk layout is read (libcommon/sc_h5ad.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sc.h"
#include "sc_embfile.h"
#include "sc_h5ad.h"
#include "sc_stream_util.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: emb-extract [--obsm KEY | --X | --layer NAME | --raw] [--obs KEYS | --all-obs]\n"
		"                   [--obs-out FILE] [--var KEYS | --all-var] [--var-out FILE]\n"
		"                   [--mod NAME] [--max-gb N] [--list] [-fqvz] [-o FILE] FILE.h5ad\n"
		"       emb-extract --latent [-fqvz] [-o FILE] embeddings.h5\n"
		"  --obsm KEY      write obsm[KEY] as a matrix stream (SCMAT1)\n"
		"  --X             write X (sparse X is densified)\n"
		"  --layer NAME    write layers[NAME]\n"
		"  --raw           write raw X (--var-out then describes raw's genes)\n"
		"  --obs KEYS      obs columns (comma-separated) for the obs table\n"
		"  --all-obs       every obs column\n"
		"  --obs-out FILE  per-cell JSONL table: obs_name plus the columns\n"
		"  --var KEYS, --all-var, --var-out FILE   the same for genes (var_name)\n"
		"  --mod NAME      modality of an .h5mu (default: the root AnnData)\n"
		"  --max-gb N      refuse to densify X/layers larger than N GB (default: half of RAM)\n"
		"  --list          print JSONL of what the file holds\n"
		"  --latent        FILE is a model run's embeddings.h5: write its latent dataset\n"
		"  -o FILE         output (default stdout); -z compress with zstd\n"
		"  -f              write binary output to a terminal anyway\n"
		"  -q, -v, -h, --version, --progress\n");
}

enum { OPT_OBSM = SC_OPT_FIRST_PRIVATE, OPT_X, OPT_LAYER, OPT_OBS, OPT_ALL_OBS, OPT_OBS_OUT,
       OPT_VAR, OPT_ALL_VAR, OPT_VAR_OUT, OPT_MOD, OPT_MAX_GB, OPT_LIST, OPT_RAW,
       OPT_LATENT };

struct opts {
	const char *obsm, *layer, *obs, *obs_out, *var, *var_out, *mod, *out, *input;
	int X, raw, all_obs, all_var, list, force, zstd, latent;
	double max_gb;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = {
		{ "all-obs", no_argument, NULL, OPT_ALL_OBS }, { "all-var", no_argument, NULL, OPT_ALL_VAR },
		{ "force", no_argument, NULL, 'f' },           { "latent", no_argument, NULL, OPT_LATENT },
		{ "layer", required_argument, NULL, OPT_LAYER },
		{ "list", no_argument, NULL, OPT_LIST },       { "max-gb", required_argument, NULL, OPT_MAX_GB },
		{ "mod", required_argument, NULL, OPT_MOD },   { "obs", required_argument, NULL, OPT_OBS },
		{ "obs-out", required_argument, NULL, OPT_OBS_OUT },
		{ "obsm", required_argument, NULL, OPT_OBSM }, { "output", required_argument, NULL, 'o' },
		{ "raw", no_argument, NULL, OPT_RAW },         { "var", required_argument, NULL, OPT_VAR },   { "var-out", required_argument, NULL, OPT_VAR_OUT },
		{ "X", no_argument, NULL, OPT_X },             { "zstd", no_argument, NULL, 'z' },
		SC_COMMON_LONGOPTS,                            { NULL, 0, NULL, 0 }
	};
	int c;
	while ((c = getopt_long(argc, argv, "fho:qvz", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now)) {
			if (*exit_now)
				return 0;
			continue;
		}
		switch (c) {
		case 'f': o->force = 1; break;
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'o': o->out = optarg; break;
		case 'z': o->zstd = 1; break;
		case OPT_ALL_OBS: o->all_obs = 1; break;
		case OPT_ALL_VAR: o->all_var = 1; break;
		case OPT_LATENT: o->latent = 1; break;
		case OPT_LAYER: o->layer = optarg; break;
		case OPT_LIST: o->list = 1; break;
		case OPT_MAX_GB:
			if (sc_parse_double("--max-gb", optarg, 1e-9, 1e6, &o->max_gb) < 0)
				return sc_usage_error(NULL, "%s", sc_errmsg());
			break;
		case OPT_MOD: o->mod = optarg; break;
		case OPT_OBS: o->obs = optarg; break;
		case OPT_OBS_OUT: o->obs_out = optarg; break;
		case OPT_OBSM: o->obsm = optarg; break;
		case OPT_RAW: o->raw = 1; break;
		case OPT_VAR: o->var = optarg; break;
		case OPT_VAR_OUT: o->var_out = optarg; break;
		case OPT_X: o->X = 1; break;
		default: return sc_usage_error(usage, "unknown option");
		}
	}
	if (optind != argc - 1)
		return sc_usage_error(usage, optind >= argc ? "missing FILE.h5ad" : "more than one input file");
	o->input = argv[optind];
	return 0;
}

/* Option combinations; decides where the tables go when no matrix is written. */
static int check_opts(struct opts *o)
{
	int modes = !!o->obsm + o->X + !!o->layer + o->raw;
	int want_obs = o->obs || o->all_obs || o->obs_out, want_var = o->var || o->all_var || o->var_out;
	if (o->latent && (modes || want_obs || want_var || o->list || o->mod))
		return sc_usage_error(usage, "--latent reads an embeddings.h5 and takes no other extraction option");
	if (o->latent)
		return 0;
	if (modes > 1)
		return sc_usage_error(usage, "--obsm, --X, --layer and --raw are exclusive");
	if (o->obs && o->all_obs)
		return sc_usage_error(usage, "--obs and --all-obs are exclusive");
	if (o->var && o->all_var)
		return sc_usage_error(usage, "--var and --all-var are exclusive");
	if (o->list && (modes || want_obs || want_var))
		return sc_usage_error(usage, "--list cannot be combined with extraction options");
	if (o->list)
		return 0;
	if (!modes && !want_obs && !want_var)
		return sc_usage_error(usage, "nothing to extract: give --obsm KEY, --X, --layer NAME, "
					     "an obs/var table or --list");
	if (modes && ((want_obs && !o->obs_out) || (want_var && !o->var_out)))
		return sc_usage_error(usage, "with a matrix on the output, tables need --obs-out/--var-out");
	if (!modes && want_obs && want_var && !o->obs_out && !o->var_out)
		return sc_usage_error(usage, "both tables cannot go to the same output: give --obs-out or --var-out");
	if (!modes && want_obs && !o->obs_out)
		o->obs_out = o->out ? o->out : "-";
	else if (!modes && want_var && !o->var_out)
		o->var_out = o->out ? o->out : "-";
	return 0;
}

/* Whether output path names the input file (which a rename would replace). */
static int same_file(const char *out, const char *in)
{
	struct stat a, b;
	return out && strcmp(out, "-") && stat(out, &a) == 0 && stat(in, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static struct sc_stream *open_out(const char *path, int zstd)
{
	struct sc_stream *s = sc_open(path ? path : "-", zstd ? "wz" : "w");
	if (!s)
		sc_err_lib();
	return s;
}

static int write_matrix(const struct opts *o, struct sc_h5ad *h, struct sc_matrix *m)
{
	char key[600];
	cJSON *meta = cJSON_CreateObject();
	int64_t bad;
	if (o->obsm)
		snprintf(key, sizeof key, "obsm/%.500s", o->obsm);
	else if (o->layer)
		snprintf(key, sizeof key, "layers/%.500s", o->layer);
	else if (o->raw)
		snprintf(key, sizeof key, "raw/X");
	else
		snprintf(key, sizeof key, "X");
	cJSON_AddStringToObject(meta, "program", "emb-extract");
	cJSON_AddStringToObject(meta, "version", SC_VERSION);
	cJSON_AddStringToObject(meta, "source", o->input);
	if (o->mod)
		cJSON_AddStringToObject(meta, "mod", o->mod);
	cJSON_AddStringToObject(meta, "key", key);
	cJSON_AddNumberToObject(meta, "n_obs", (double)sc_h5ad_n_obs(h));
	cJSON_AddNumberToObject(meta, "n_vars", (double)(o->raw ? sc_h5ad_n_raw_vars(h) : sc_h5ad_n_vars(h)));
	m->meta = meta;
	if ((bad = sc_mat_first_nonfinite(m)) >= 0)
		sc_warn("%s has NaN or Inf values (first in row %lld)", key, (long long)bad);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sc_h5ad *h = NULL;
	struct sc_matrix m = SC_MATRIX_INIT;
	struct sc_h5ad_table obs = { 0 }, var = { 0 };
	struct sc_stream *out = NULL, *obs_s = NULL, *var_s = NULL;
	cJSON *list = NULL, *it;
	int exit_now = 0, ret = SC_EXIT_INPUT, rc = 0;

	sc_prog_init(argv[0]);
	if ((rc = parse_opts(argc, argv, &o, &exit_now)) != 0 || exit_now)
		return rc;
	if ((rc = check_opts(&o)) != 0)
		return rc;
	if (same_file(o.out, o.input) || same_file(o.obs_out, o.input) || same_file(o.var_out, o.input))
		return sc_usage_error(usage, "an output would replace the input '%s'", o.input);
	if (o.latent) {
		const char *code;
		struct sc_embinfo info;
		/* check the layout before creating the output */
		if (sc_embfile_inspect(o.input, &info, &code) < 0)
			goto lib_fail;
		if (info.nonfinite)
			sc_warn("latent has %llu NaN or Inf values", (unsigned long long)info.nonfinite);
		if (!o.force && (!o.out || !strcmp(o.out, "-")) && isatty(STDOUT_FILENO)) {
			sc_errx("refusing to write a binary matrix to a terminal (use -o FILE or -f)");
			goto out;
		}
		if (!(out = open_out(o.out, o.zstd)))
			goto out;
		if (sc_embfile_export(o.input, out) < 0 || sc_close_ptr(&out) < 0 || sc_close_stdout() < 0)
			goto lib_fail;
		ret = SC_EXIT_OK;
		goto out;
	}
	/* read everything first: a missing key fails before any output exists */
	if (!(h = sc_h5ad_open(o.input, o.mod)))
		goto lib_fail;
	if (o.list)
		rc = sc_h5ad_list(h, &list);
	else if (o.obsm)
		rc = sc_h5ad_read_obsm(h, o.obsm, &m);
	else if (o.raw)
		rc = sc_h5ad_read_raw_X(h, (uint64_t)(o.max_gb * 1e9), &m);
	else if (o.X || o.layer)
		rc = sc_h5ad_read_X(h, o.layer, (uint64_t)(o.max_gb * 1e9), &m);
	if (rc == 0 && o.obs_out)
		rc = sc_h5ad_read_table(h, 0, o.all_obs ? NULL : o.obs ? o.obs : "", &obs);
	if (rc == 0 && o.var_out)
		rc = sc_h5ad_read_table(h, o.raw ? 2 : 1, o.all_var ? NULL : o.var ? o.var : "", &var);
	if (rc < 0)
		goto lib_fail;
	if (m.data && !o.force && (!o.out || !strcmp(o.out, "-")) && isatty(STDOUT_FILENO)) {
		sc_errx("refusing to write a binary matrix to a terminal (use -o FILE or -f)");
		goto out;
	}
	if ((m.data || list) && !(out = open_out(o.out, o.zstd)))
		goto out;
	if ((o.obs_out && !(obs_s = open_out(o.obs_out, o.zstd))) ||
	    (o.var_out && !(var_s = open_out(o.var_out, o.zstd))))
		goto out;
	if (m.data)
		rc = write_matrix(&o, h, &m) < 0 ? -1 : sc_mat_write(out, &m);
	cJSON_ArrayForEach(it, list)
		if (rc == 0)
			rc = sc_jsonl_write(out, it);
	if (rc == 0 && obs_s)
		rc = sc_h5ad_table_write(obs_s, &obs);
	if (rc == 0 && var_s)
		rc = sc_h5ad_table_write(var_s, &var);
	if (rc < 0)
		goto lib_fail;
	if (sc_close_ptr(&out) < 0 || sc_close_ptr(&obs_s) < 0 || sc_close_ptr(&var_s) < 0 ||
	    sc_close_stdout() < 0)
		goto lib_fail;
	ret = SC_EXIT_OK;
	goto out;
lib_fail:
	sc_err_lib();
out:
	sc_abort(out);
	sc_abort(obs_s);
	sc_abort(var_s);
	cJSON_Delete(list);
	sc_mat_release(&m);
	sc_h5ad_table_release(&obs);
	sc_h5ad_table_release(&var);
	sc_h5ad_close(h);
	return ret;
}
