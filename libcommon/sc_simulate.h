/* Synthetic single-cell data: a Gaussian mixture of cell types in a latent space, batches
 * that shift it, and optional Poisson counts over genes driven by the latent state. The same
 * seed gives the same data. Used by the demo, the benchmarks and tests. */
#ifndef SC_SIMULATE_H
#define SC_SIMULATE_H

#include <stdint.h>

#include "sc_err.h"

struct sc_sim_params {
	int64_t n;          /* cells */
	int d;              /* latent dimensions */
	int types, batches; /* cell types, batches */
	int genes;          /* 0: no counts */
	double centre_sd;   /* type centres ~ N(0, centre_sd^2) per dimension (default 2) */
	double batch_sd;    /* batch shifts ~ N(0, batch_sd^2) per dimension (default 0.7) */
	double noise_sd;    /* per-cell noise (default 1) */
	uint64_t seed;
};
void sc_sim_defaults(struct sc_sim_params *p);

struct sc_sim {
	int64_t n;
	int d, genes, types, batches;
	int32_t *type, *batch; /* per cell */
	float *latent;         /* n x d: centre + noise, no batch effect */
	float *observed;       /* n x d: latent + batch shift */
	float *counts;         /* n x genes or NULL */
};

int sc_sim_run(const struct sc_sim_params *p, struct sc_sim *out) SC_RESULT_USED;
void sc_sim_release(struct sc_sim *s);

#endif
