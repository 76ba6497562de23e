/* Leiden community detection (Traag, Waltman & van Eck 2019) on a symmetric weighted graph
 * (struct sc_csr, both directions of every edge stored), with the objectives of leidenalg /
 * igraph:
 *
 *   RB configuration (modularity with resolution gamma):
 *       Q = sum_c [ A_c - gamma K_c^2 / W ]
 *   CPM:
 *       Q = sum_c [ A_c - gamma n_c (n_c - 1) ]
 *
 * where A_c is the sum of the stored entries inside community c (each undirected edge counted
 * in both directions, as leidenalg does on scanpy's directed graph), K_c the sum of the row
 * sums of c's members, W the sum of all entries and n_c the community size. Q is what
 * leidenalg's RBConfigurationVertexPartition.quality() (resp. CPMVertexPartition) reports on
 * that directed graph; modularity is Q / W at gamma = 1.
 *
 * The optimiser follows the algorithm as igraph implements it: queue-based fast local moving,
 * refinement with randomness beta inside each community, aggregation on the refined partition
 * seeded with the unrefined one, repeated until a level changes nothing; `iterations` such
 * passes (each starting from the previous partition), or with -1 until a pass changes nothing
 * (leidenalg's n_iterations=-1). A run is single-threaded, so its result depends only on the
 * seed (and the graph); several resolutions run on several threads, each with its own
 * generator seeded the same way, so -j never changes a partition. The graph is first
 * renumbered in breadth-first order for memory locality (once per call, shared by the runs).
 * Community ids are renumbered by decreasing size (ties by smallest member), like leidenalg. */
#ifndef SC_LEIDEN_H
#define SC_LEIDEN_H

#include <stdint.h>

#include "sc_csr.h"
#include "sc_err.h"

enum sc_leiden_objective {
	SC_LEIDEN_MODULARITY = 0, /* RB configuration */
	SC_LEIDEN_CPM = 1
};

struct sc_leiden_opts {
	enum sc_leiden_objective objective;
	double resolution; /* gamma (default 1) */
	int use_weights;   /* 0: every stored entry counts 1 (default 1) */
	int iterations;    /* > 0 that many passes, -1 until nothing changes (default 2) */
	double beta;       /* refinement randomness (default 0.01, igraph's) */
	uint64_t seed;     /* default 0 */
};
void sc_leiden_defaults(struct sc_leiden_opts *o);
int sc_leiden_objective_parse(const char *s, enum sc_leiden_objective *out) SC_RESULT_USED;

/* Cluster g (checked square; symmetry is the caller's duty, see sc_graph_check_symmetric).
 * membership has g->rows entries; *n_clusters receives the count. */
int sc_leiden_run(const struct sc_csr *g, const struct sc_leiden_opts *o, int32_t *membership,
		  int32_t *n_clusters) SC_RESULT_USED;

/* One run per resolutions[r] (o->resolution ignored) on up to `threads` threads, the graph
 * prepared once: parts[r * rows .. ) and ncl[r] receive each partition and its cluster count,
 * identical to sc_leiden_run at that resolution whatever the thread count. */
int sc_leiden_runs(const struct sc_csr *g, const struct sc_leiden_opts *o,
		   const double *resolutions, int nres, int threads, int32_t *parts,
		   int32_t *ncl) SC_RESULT_USED;

/* Q above for a membership (ids >= 0), in double with a fixed summation order. */
double sc_leiden_quality(const struct sc_csr *g, const int32_t *membership,
			 enum sc_leiden_objective objective, double resolution, int use_weights);
/* Newman modularity (gamma 1, weights as given): Q_RB / W; 0 for an empty graph. */
double sc_modularity(const struct sc_csr *g, const int32_t *membership, int use_weights);

/* "A:B:STEP" into out[0..*n): A, A+STEP, ... up to B (inclusive within rounding), each
 * rounded to 12 significant digits so that 0.2:2.0:0.2 gives scib's 0.6, not
 * 0.6000000000000001. At most max values; SC_EUSAGE with a message otherwise. */
int sc_resolutions_parse(const char *spec, double *out, int max, int *n) SC_RESULT_USED;

/* scib's optimal-resolution search: one Leiden run per resolution (o->resolution ignored),
 * NMI (arithmetic) against labels (dense codes >= 0), keep the first resolution with the
 * strictly highest NMI. Per resolution i: nmi[i], ari[i] (sklearn), ncl[i] (each may be
 * NULL). best receives the chosen partition (g->rows entries), *best_index its position.
 * The runs use up to `threads` threads (sc_leiden_runs); memory nres x rows partitions. */
int sc_leiden_sweep(const struct sc_csr *g, const struct sc_leiden_opts *o,
		    const double *resolutions, int nres, int threads, const int32_t *labels,
		    int32_t *best, int *best_index, double *nmi, double *ari, int32_t *ncl) SC_RESULT_USED;

#endif
