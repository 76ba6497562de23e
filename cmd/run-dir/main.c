/* run-dir: the run directory of a scripts/ workflow. "init" writes manifest.json (inputs with
 * digests, parameters, seeds) and provenance.json (tool versions, git state, libraries,
 * OS/CPU); "key" prints a step's key from its command parts and input digests; "check"
 * exits 0 when the step is complete with that key and intact outputs, 1 when it must run;
 * "stamp" records a finished step. Workflows call these so a rerun skips completed steps. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc.h"
#include "sc_rundir.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: run-dir init DIR --workflow NAME [--workflow-version V] [--param K=V]...\n"
		    "               [--seed N]... [--input ROLE=PATH]... [--tool 'NAME VERSION']...\n"
		    "               [--git DESCRIBE] [--record-host] [-f] [-- COMMAND...]\n"
		    "       run-dir key STEP [--part TEXT]... [--input PATH]...\n"
		    "       run-dir check DIR STEP KEY\n"
		    "       run-dir stamp DIR STEP KEY [OUTPUT...]\n"
		    "  init   write DIR/manifest.json and DIR/provenance.json; print spec_sha256\n"
		    "  key    print the step key (sha256 of step, parts and input digests)\n"
		    "  check  exit 0 if the step is complete with KEY and intact outputs, else 1\n"
		    "  stamp  record the step as complete with these outputs\n"
		    "  -f, --force  replace a manifest of another run in DIR\n"
		    "  -q, -v, --progress, --version, -h\n");
}

enum { O_WF = SC_OPT_FIRST_PRIVATE, O_WFV, O_PARAM, O_SEED, O_INPUT, O_TOOL, O_GIT, O_HOST, O_PART };

struct list {
	char **v;
	size_t n;
};

struct opts {
	struct sc_run_spec spec;
	struct list params, seeds, inputs, tools, parts;
	int force;
};

static int push(struct list *l, char *s)
{
	char **p = sc_realloc(l->v, l->n + 1, sizeof *p);
	if (!p)
		return SC_ENOMEM;
	l->v = p;
	l->v[l->n++] = s;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = {
		{ "force", no_argument, NULL, 'f' }, { "git", required_argument, NULL, O_GIT },
		{ "input", required_argument, NULL, O_INPUT }, { "param", required_argument, NULL, O_PARAM },
		{ "part", required_argument, NULL, O_PART }, { "record-host", no_argument, NULL, O_HOST },
		{ "seed", required_argument, NULL, O_SEED }, { "tool", required_argument, NULL, O_TOOL },
		{ "workflow", required_argument, NULL, O_WF }, { "workflow-version", required_argument, NULL, O_WFV },
		SC_COMMON_LONGOPTS, { NULL, 0, NULL, 0 }
	};
	int c, rc = 0;
	long long seed;
	while (rc == 0 && (c = getopt_long(argc, argv, "+fhqv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'f': o->force = 1; break;
		case O_GIT: o->spec.git = optarg; break;
		case O_HOST: o->spec.record_host = 1; break;
		case O_INPUT: rc = push(&o->inputs, optarg); break;
		case O_PARAM: rc = push(&o->params, optarg); break;
		case O_PART: rc = push(&o->parts, optarg); break;
		case O_SEED:
			rc = sc_parse_long("--seed", optarg, 0, INT64_MAX, &seed);
			if (rc == 0)
				rc = push(&o->seeds, optarg);
			break;
		case O_TOOL: rc = push(&o->tools, optarg); break;
		case O_WF: o->spec.workflow = optarg; break;
		case O_WFV: o->spec.version = optarg; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
	}
	return rc;
}

/* Dispatch on the subcommand; positional arguments are checked per subcommand. */
static int run(const char *cmd, char **pos, int npos, struct opts *o)
{
	char hex[SC_SHA256_HEXLEN + 1];
	int rc;
	if (!strcmp(cmd, "init")) {
		if (npos < 1 || !o->spec.workflow)
			return sc_seterr(SC_EUSAGE, "init needs DIR and --workflow");
		o->spec.version = o->spec.version ? o->spec.version : "1";
		o->spec.argv = pos + 1;
		o->spec.argc = (size_t)npos - 1;
		o->spec.params = o->params.v, o->spec.nparams = o->params.n;
		o->spec.seeds = o->seeds.v, o->spec.nseeds = o->seeds.n;
		o->spec.inputs = o->inputs.v, o->spec.ninputs = o->inputs.n;
		o->spec.tools = o->tools.v, o->spec.ntools = o->tools.n;
		if ((rc = sc_rundir_init(pos[0], &o->spec, o->force, hex)) < 0)
			return rc;
		printf("%s\n", hex);
		return 0;
	}
	if (!strcmp(cmd, "key")) {
		if (npos != 1)
			return sc_seterr(SC_EUSAGE, "key needs exactly STEP");
		if ((rc = sc_rundir_key(pos[0], o->parts.v, o->parts.n, o->inputs.v, o->inputs.n, hex)) < 0)
			return rc;
		printf("%s\n", hex);
		return 0;
	}
	if (!strcmp(cmd, "check")) {
		if (npos != 3)
			return sc_seterr(SC_EUSAGE, "check needs DIR STEP KEY");
		rc = sc_rundir_check(pos[0], pos[1], pos[2]);
		return rc < 0 ? rc : rc ? 0 : 1;
	}
	if (!strcmp(cmd, "stamp")) {
		if (npos < 3)
			return sc_seterr(SC_EUSAGE, "stamp needs DIR STEP KEY");
		return sc_rundir_stamp(pos[0], pos[1], pos[2], pos + 3, (size_t)npos - 3);
	}
	return sc_seterr(SC_EUSAGE, "unknown subcommand '%s'", cmd);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	char **pos = NULL;
	int exit_now = 0, ret = SC_EXIT_INPUT, npos = 0, rc;
	const char *cmd;

	sc_prog_init(argv[0]);
	/* options may precede or follow the subcommand's positional arguments (until "--") */
	if (argc > 1 && argv[1][0] != '-') {
		cmd = argv[1];
		if (!(pos = sc_calloc((size_t)argc, sizeof *pos)))
			goto fail;
		optind = 2;
		while (optind < argc) {
			int before = optind;
			if (parse_opts(argc, argv, &o, &exit_now) < 0)
				goto usage;
			if (optind > before && !strcmp(argv[optind - 1], "--")) {
				while (optind < argc)
					pos[npos++] = argv[optind++];
				break;
			}
			while (optind < argc && (argv[optind][0] != '-' || !argv[optind][1]))
				pos[npos++] = argv[optind++];
			if (optind == before) /* getopt stopped without consuming: take it as positional */
				pos[npos++] = argv[optind++];
		}
	} else {
		if (parse_opts(argc, argv, &o, &exit_now) < 0)
			goto usage;
		if (!exit_now) {
			sc_seterr(SC_EUSAGE, "no subcommand");
			goto usage;
		}
		return SC_EXIT_OK;
	}
	if (exit_now)
		return SC_EXIT_OK;
	if ((rc = run(cmd, pos, npos, &o)) < 0) {
		if (rc == SC_EUSAGE)
			goto usage;
		goto fail;
	}
	ret = rc == 1 ? SC_EXIT_CHECK : sc_close_stdout() < 0 ? SC_EXIT_INPUT : SC_EXIT_OK;
	if (ret == SC_EXIT_INPUT)
		goto fail;
	goto out;
usage:
	ret = sc_usage_error(usage, "%s", sc_errmsg());
	goto out;
fail:
	sc_err_lib();
out:
	free(pos);
	free(o.params.v);
	free(o.seeds.v);
	free(o.inputs.v);
	free(o.tools.v);
	free(o.parts.v);
	return ret;
}
