/* The Gaussian-mixture simulator. Cells draw a type with mildly unequal probabilities so that
 * some types are rare, as in real data; batches are uniform. */
#include <math.h>
#include <stdlib.h>

#include "sc_alloc.h"
#include "sc_rng.h"
#include "sc_simulate.h"

void sc_sim_defaults(struct sc_sim_params *p)
{
	p->n = 10000;
	p->d = 50;
	p->types = 20;
	p->batches = 4;
	p->genes = 0;
	p->centre_sd = 2.0;
	p->batch_sd = 0.7;
	p->noise_sd = 1.0;
	p->seed = 1;
}

/* Counts: gene g's log-rate is a fixed random projection of the latent state plus a batch
 * offset; library sizes vary log-normally. */
static int sim_counts(const struct sc_sim_params *p, struct sc_sim *s, struct sc_rng *r)
{
	int ret = SC_ENOMEM;
	float *w = sc_malloc((size_t)p->genes * (size_t)p->d, sizeof(float));
	float *base = sc_malloc((size_t)p->genes, sizeof(float));
	float *boff = sc_malloc((size_t)p->genes * (size_t)p->batches, sizeof(float));
	double *rate = sc_malloc((size_t)p->genes, sizeof(double));
	s->counts = sc_malloc((size_t)p->n * (size_t)p->genes, sizeof(float));
	if (!w || !base || !boff || !rate || !s->counts)
		goto out;
	for (int64_t i = 0; i < (int64_t)p->genes * p->d; i++)
		w[i] = (float)(sc_rng_normal(r) * 0.6 / sqrt((double)p->d));
	for (int g = 0; g < p->genes; g++)
		base[g] = (float)(sc_rng_normal(r) * 1.0 - 1.0);
	for (int64_t i = 0; i < (int64_t)p->genes * p->batches; i++)
		boff[i] = (float)(sc_rng_normal(r) * 0.3);
	for (int64_t c = 0; c < p->n; c++) {
		const float *z = s->latent + c * p->d;
		double tot = 0, lib = 2000.0 * exp(0.4 * sc_rng_normal(r));
		for (int g = 0; g < p->genes; g++) {
			double e = base[g] + boff[(int64_t)g * p->batches + s->batch[c]];
			for (int k = 0; k < p->d; k++)
				e += w[(int64_t)g * p->d + k] * z[k];
			rate[g] = exp(e);
			tot += rate[g];
		}
		for (int g = 0; g < p->genes; g++)
			s->counts[c * p->genes + g] = (float)sc_rng_poisson(r, lib * rate[g] / tot);
	}
	ret = 0;
out:
	free(w);
	free(base);
	free(boff);
	free(rate);
	return ret;
}

int sc_sim_run(const struct sc_sim_params *p, struct sc_sim *s)
{
	struct sc_rng r;
	double *cum = NULL, *centre = NULL, *shift = NULL, acc = 0;
	int ret = SC_ENOMEM;

	*s = (struct sc_sim){ 0 };
	if (p->n < 1 || p->d < 1 || p->types < 1 || p->batches < 1 || p->genes < 0)
		return sc_seterr(SC_EUSAGE, "simulation sizes must be positive");
	sc_rng_seed(&r, p->seed);
	cum = sc_malloc((size_t)p->types, sizeof(double));
	centre = sc_malloc((size_t)p->types * (size_t)p->d, sizeof(double));
	shift = sc_malloc((size_t)p->batches * (size_t)p->d, sizeof(double));
	s->type = sc_malloc((size_t)p->n, sizeof(int32_t));
	s->batch = sc_malloc((size_t)p->n, sizeof(int32_t));
	s->latent = sc_malloc((size_t)p->n * (size_t)p->d, sizeof(float));
	s->observed = sc_malloc((size_t)p->n * (size_t)p->d, sizeof(float));
	if (!cum || !centre || !shift || !s->type || !s->batch || !s->latent || !s->observed)
		goto out;
	s->n = p->n;
	s->d = p->d;
	s->types = p->types;
	s->batches = p->batches;
	s->genes = p->genes;
	for (int t = 0; t < p->types; t++) {
		acc += exp(0.5 * sc_rng_normal(&r));
		cum[t] = acc;
	}
	for (int64_t i = 0; i < (int64_t)p->types * p->d; i++)
		centre[i] = p->centre_sd * sc_rng_normal(&r);
	for (int64_t i = 0; i < (int64_t)p->batches * p->d; i++)
		shift[i] = p->batch_sd * sc_rng_normal(&r);
	for (int64_t c = 0; c < p->n; c++) {
		double u = sc_rng_uniform(&r) * acc;
		int t = 0;
		while (t < p->types - 1 && cum[t] <= u)
			t++;
		s->type[c] = t;
		s->batch[c] = (int32_t)sc_rng_below(&r, (uint64_t)p->batches);
		for (int k = 0; k < p->d; k++) {
			double z = centre[(int64_t)t * p->d + k] + p->noise_sd * sc_rng_normal(&r);
			s->latent[c * p->d + k] = (float)z;
			s->observed[c * p->d + k] = (float)(z + shift[(int64_t)s->batch[c] * p->d + k]);
		}
	}
	if (p->genes > 0 && sim_counts(p, s, &r) < 0)
		goto out;
	ret = 0;
out:
	free(cum);
	free(centre);
	free(shift);
	if (ret < 0)
		sc_sim_release(s);
	return ret;
}

void sc_sim_release(struct sc_sim *s)
{
	if (!s)
		return;
	free(s->type);
	free(s->batch);
	free(s->latent);
	free(s->observed);
	free(s->counts);
	*s = (struct sc_sim){ 0 };
}
