/* cohort-tool: the JSON side of scripts/cohort-evaluate, so the script never parses JSON.
 * "members" lists a cohort's members as unit-separated lines; "result" writes one
 * evaluations/<member>.json (from a readiness record and metric JSONL); "current" tells
 * whether a member's result can be kept; "report" rebuilds evaluation_report.json;
 * "field" prints one top-level field of a JSON record. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc.h"
#include "sc_canonjson.h"
#include "sc_cohort.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: cohort-tool members COHORT\n"
		    "       cohort-tool result --member ID --status S [--readiness FILE] [--reason R]\n"
		    "                   [--artifact-dir D] [--dataset-path P] [--started-at T] [--finished-at T]\n"
		    "                   [--duration S] [--metrics FILE] [--manifest-sha256 X]\n"
		    "                   [--tool-version V] [--params-sha256 X] -o FILE\n"
		    "       cohort-tool current RESULT [--manifest-sha256 X] [--tool-version V] [--params-sha256 X]\n"
		    "       cohort-tool report [-o FILE] COHORT\n"
		    "       cohort-tool field FILE KEY\n"
		    "  members  one line per member: id, dataset, model, dataset path, artifact dir,\n"
		    "           label key, batch key, separated by the unit separator (0x1f)\n"
		    "  result   --readiness: status, code and reason from an artifact-verify record\n"
		    "  current  exit 0 when RESULT is done with the same digests and version, else 1\n"
		    "  report   exit 1 when a member is not done\n"
		    "  -q, -v, --progress, --version, -h\n");
}

enum { O_MEMBER = SC_OPT_FIRST_PRIVATE, O_STATUS, O_READY, O_REASON, O_ADIR, O_DPATH, O_START,
       O_FINISH, O_DUR, O_METRICS, O_MSHA, O_TOOLV, O_PSHA };

struct opts {
	struct sc_member_result r;
	const char *readiness, *out;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = {
		{ "artifact-dir", required_argument, NULL, O_ADIR }, { "dataset-path", required_argument, NULL, O_DPATH },
		{ "duration", required_argument, NULL, O_DUR }, { "finished-at", required_argument, NULL, O_FINISH },
		{ "manifest-sha256", required_argument, NULL, O_MSHA }, { "member", required_argument, NULL, O_MEMBER },
		{ "metrics", required_argument, NULL, O_METRICS }, { "output", required_argument, NULL, 'o' },
		{ "params-sha256", required_argument, NULL, O_PSHA }, { "readiness", required_argument, NULL, O_READY },
		{ "reason", required_argument, NULL, O_REASON }, { "started-at", required_argument, NULL, O_START },
		{ "status", required_argument, NULL, O_STATUS }, { "tool-version", required_argument, NULL, O_TOOLV },
		SC_COMMON_LONGOPTS, { NULL, 0, NULL, 0 }
	};
	int c;
	while ((c = getopt_long(argc, argv, "ho:qv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'o': o->out = optarg; break;
		case O_ADIR: o->r.artifact_dir = optarg; break;
		case O_DPATH: o->r.dataset_path = optarg; break;
		case O_DUR:
			if (sc_parse_double("--duration", optarg, 0, 1e12, &o->r.duration) < 0)
				return SC_EUSAGE;
			break;
		case O_FINISH: o->r.finished_at = optarg; break;
		case O_MEMBER: o->r.member_id = optarg; break;
		case O_METRICS: o->r.metrics_jsonl = optarg; break;
		case O_MSHA: o->r.manifest_sha256 = optarg; break;
		case O_PSHA: o->r.params_sha256 = optarg; break;
		case O_READY: o->readiness = optarg; break;
		case O_REASON: o->r.reason = optarg; break;
		case O_START: o->r.started_at = optarg; break;
		case O_STATUS: o->r.status = optarg; break;
		case O_TOOLV: o->r.tool_version = optarg; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
	}
	return 0;
}

static int write_json(const char *path, const cJSON *j)
{
	struct sc_buf b = SC_BUF_INIT;
	struct sc_stream *s = NULL;
	int rc = sc_canonjson_print(&b, j, 1);
	if (rc == 0 && (rc = sc_buf_add(&b, "\n", 1)) == 0 && !(s = sc_open(path ? path : "-", "w")))
		rc = SC_EIO;
	if (rc == 0 && (rc = sc_write(s, b.data, b.len)) == 0) {
		rc = sc_close(s);
		s = NULL;
	}
	sc_abort(s);
	sc_buf_release(&b);
	return rc;
}

static int cmd_members(char **pos, int npos)
{
	struct sc_cohort c;
	int rc;
	if (npos != 1)
		return sc_seterr(SC_EUSAGE, "members needs COHORT");
	if ((rc = sc_cohort_read(pos[0], &c)) == 0)
		for (size_t i = 0; i < c.n; i++) {
			const struct sc_cohort_member *m = &c.m[i];
			printf("%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\n", m->member_id, m->dataset_slug, m->model_slug,
			       m->dataset_path, m->artifact_dir, m->label_key, m->batch_key);
		}
	sc_cohort_release(&c);
	return rc;
}

static int cmd_result(struct opts *o)
{
	cJSON *rd = NULL, *j = NULL;
	int rc;
	if (!o->r.member_id || !o->out || (!o->r.status && !o->readiness))
		return sc_seterr(SC_EUSAGE, "result needs --member, -o and --status or --readiness");
	if (o->readiness) {
		const char *st;
		if (!(rd = sc_json_read_file(o->readiness)) || !(st = sc_json_get_string(rd, "status"))) {
			cJSON_Delete(rd);
			return sc_preferr(SC_EINPUT, "readiness record");
		}
		if (!o->r.status)
			o->r.status = sc_cohort_project(st);
		o->r.code = o->r.code ? o->r.code : sc_json_get_string(rd, "code");
		o->r.reason = o->r.reason ? o->r.reason : sc_json_get_string(rd, "reason");
		o->r.manifest_sha256 = o->r.manifest_sha256 ? o->r.manifest_sha256 : sc_json_get_string(rd, "manifest_sha256");
	}
	if ((rc = sc_member_result_json(&o->r, &j)) == 0)
		rc = write_json(o->out, j);
	cJSON_Delete(j);
	cJSON_Delete(rd);
	return rc;
}

static int cmd_report(char **pos, int npos, const char *out)
{
	struct sc_cohort c;
	cJSON *rep = NULL;
	int rc, done = 0;
	if (npos != 1)
		return sc_seterr(SC_EUSAGE, "report needs COHORT");
	if ((rc = sc_cohort_read(pos[0], &c)) == 0 && (rc = sc_cohort_report(&c, &rep, &done)) == 0)
		rc = write_json(out, rep);
	cJSON_Delete(rep);
	sc_cohort_release(&c);
	return rc < 0 ? rc : !done;
}

static int cmd_field(char **pos, int npos)
{
	cJSON *j;
	const cJSON *it;
	char num[40];
	if (npos != 2)
		return sc_seterr(SC_EUSAGE, "field needs FILE KEY");
	if (!(j = sc_json_read_file(pos[0])))
		return SC_EINPUT;
	it = cJSON_GetObjectItemCaseSensitive(j, pos[1]);
	if (cJSON_IsString(it))
		printf("%s\n", it->valuestring);
	else if (cJSON_IsNumber(it)) {
		sc_fmt_double(it->valuedouble, it->valuedouble == floor(it->valuedouble), num);
		printf("%s\n", num);
	} else if (cJSON_IsBool(it))
		printf("%s\n", cJSON_IsTrue(it) ? "true" : "false");
	else
		printf("\n");
	cJSON_Delete(j);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	char **pos = NULL;
	int exit_now = 0, npos = 0, rc;
	const char *cmd;

	sc_prog_init(argv[0]);
	o.r.duration = NAN;
	if (argc > 1 && argv[1][0] != '-') {
		cmd = argv[1];
		optind = 2;
	} else {
		cmd = NULL;
	}
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	if (!cmd)
		return sc_usage_error(usage, "no subcommand");
	pos = argv + optind;
	npos = argc - optind;
	if (!strcmp(cmd, "members"))
		rc = cmd_members(pos, npos);
	else if (!strcmp(cmd, "result"))
		rc = cmd_result(&o);
	else if (!strcmp(cmd, "current"))
		rc = npos != 1 ? sc_seterr(SC_EUSAGE, "current needs RESULT")
			       : !sc_member_result_current(pos[0], o.r.manifest_sha256, o.r.tool_version, o.r.params_sha256);
	else if (!strcmp(cmd, "report"))
		rc = cmd_report(pos, npos, o.out);
	else if (!strcmp(cmd, "field"))
		rc = cmd_field(pos, npos);
	else
		rc = sc_seterr(SC_EUSAGE, "unknown subcommand '%s'", cmd);
	if (rc == SC_EUSAGE)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (rc < 0 || sc_close_stdout() < 0) {
		sc_err_lib();
		return SC_EXIT_INPUT;
	}
	return rc == 1 ? SC_EXIT_CHECK : SC_EXIT_OK;
}
