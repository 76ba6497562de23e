/* Run directories for the scripts/ workflows (DVC-style resume):
 *
 *   DIR/manifest.json     scbench.run_manifest/1: command, workflow, params, seeds, inputs with
 *                         digests, and spec_sha256 over the canonical {workflow, version,
 *                         params, seeds, input digests}
 *   DIR/provenance.json   scbench.provenance/1: tool versions, git describe + dirty, library
 *                         versions, OS, CPU model/cores, memory, thread environment
 *   DIR/steps/<s>/stamp.json  the step's key and the size + sha256 of each output
 *
 * A step is complete iff its stamp exists, holds the same key (a digest of the step name,
 * command, tool versions, params and input digests, computed by sc_rundir_key) and every
 * output it lists still has the recorded size and digest. */
#ifndef SC_RUNDIR_H
#define SC_RUNDIR_H

#include <stddef.h>

#include "sc_err.h"
#include "sc_sha256.h"

/* Key of a step: sha256 of the canonical {step, parts, inputs:[{path, sha256}]}. Input files
 * are hashed (a missing input is an error naming it). */
int sc_rundir_key(const char *step, char *const *parts, size_t nparts, char *const *inputs,
		  size_t ninputs, char hex[SC_SHA256_HEXLEN + 1]) SC_RESULT_USED;
/* 1 when DIR/steps/<step>/stamp.json has this key and its outputs are intact, else 0. */
int sc_rundir_check(const char *dir, const char *step, const char *key) SC_RESULT_USED;
/* Record the step as complete with these outputs (paths as given; hashed now). */
int sc_rundir_stamp(const char *dir, const char *step, const char *key, char *const *outs,
		    size_t nouts) SC_RESULT_USED;

struct sc_run_spec {
	const char *workflow, *version;
	char *const *argv;   /* the workflow's command line */
	size_t argc;
	char *const *params; /* "k=v" */
	size_t nparams;
	char *const *seeds;  /* decimal strings */
	size_t nseeds;
	char *const *inputs; /* "role=path" */
	size_t ninputs;
	char *const *tools;  /* "name version" lines */
	size_t ntools;
	const char *git;     /* git describe --always --dirty, may be NULL */
	int record_host;
};

/* Write manifest.json and provenance.json. When DIR already holds a manifest with another
 * spec_sha256, fail (SC_EINPUT) unless force. spec gets the spec digest. */
int sc_rundir_init(const char *dir, const struct sc_run_spec *s, int force,
		   char spec[SC_SHA256_HEXLEN + 1]) SC_RESULT_USED;

#endif
