/* Unit tests: embeddings.h5 layouts the verifier must refuse (built here with libhdf5, as a
 * foreign producer would write them), the identity attributes, and the obs-name digest. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sc.h"
#include "sc_embfile.h"
#include "tap.h"

static char dir[] = "/tmp/scb-embfile-XXXXXX";

/* A file with the given top-level datasets: each a 2-D (rows x 2) of the given type. */
static void make(const char *path, const char *const *names, int n, hid_t type, int rank)
{
	hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
	for (int i = 0; i < n; i++) {
		hsize_t dims[2] = { 3, 2 };
		double v[6] = { 1, 2, 3, 4, 5, 6 };
		hid_t sp = H5Screate_simple(rank, dims, NULL);
		hid_t d = H5Dcreate2(f, names[i], type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
		H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
		H5Dclose(d);
		H5Sclose(sp);
	}
	H5Fclose(f);
}

static const char *code_of(const char *path)
{
	struct sc_embinfo info;
	const char *code = NULL;
	return sc_embfile_inspect(path, &info, &code) == 0 ? "OK" : code;
}

int main(void)
{
	char p[256];
	const char *latent[] = { "latent" }, *two[] = { "latent", "obs_names" }, *other[] = { "X_emb" };
	char *names[3] = { "a", "b", "c" }, hex[65];
	struct sc_embinfo info;
	const char *code;
	if (!mkdtemp(dir))
		return 1;
	snprintf(p, sizeof p, "%s/e.h5", dir);
	make(p, latent, 1, H5T_IEEE_F32LE, 2);
	ok(!strcmp(code_of(p), "OK"), "float32 latent is accepted");
	make(p, latent, 1, H5T_IEEE_F64LE, 2);
	ok(!strcmp(code_of(p), "OK"), "float64 latent is accepted");
	make(p, two, 2, H5T_IEEE_F32LE, 2);
	ok(!strcmp(code_of(p), "EMBEDDING_BAD_LAYOUT"), "a second top-level dataset is EMBEDDING_BAD_LAYOUT");
	make(p, other, 1, H5T_IEEE_F32LE, 2);
	ok(!strcmp(code_of(p), "EMBEDDING_BAD_LAYOUT"), "no 'latent' is EMBEDDING_BAD_LAYOUT");
	make(p, latent, 1, H5T_STD_I32LE, 2);
	ok(!strcmp(code_of(p), "EMBEDDING_NOT_FLOAT"), "an integer latent is EMBEDDING_NOT_FLOAT");
	make(p, latent, 1, H5T_IEEE_F32LE, 1);
	ok(!strcmp(code_of(p), "EMBEDDING_BAD_LAYOUT"), "a 1-D latent is EMBEDDING_BAD_LAYOUT");
	{
		FILE *f = fopen(p, "w");
		fputs("not hdf5", f);
		fclose(f);
	}
	ok(!strcmp(code_of(p), "EMBEDDING_UNREADABLE"), "a non-HDF5 file is EMBEDDING_UNREADABLE");
	make(p, latent, 1, H5T_IEEE_F32LE, 2);
	ok(sc_obs_names_sha256(names, 3, hex) == 0, "obs digest");
	/* printf 'a\nb\nc\n' | sha256sum */
	ok(!strcmp(hex, "880553fca8fcea94e325ee2cfb48e5a985cc797f39a14cc6d3cedecfeb2ae4d2"),
	   "obs digest is sha256 of the names, newline-terminated");
	ok(sc_embfile_bind(p, hex, 3) == 0, "bind attributes");
	ok(sc_embfile_inspect(p, &info, &code) == 0 && !strcmp(info.obs_sha256, hex) && info.attr_n_obs == 3 &&
	   info.rows == 3 && info.cols == 2 && info.nonfinite == 0, "attributes read back, shape and finite count");
	ok(sc_embfile_bind(p, hex, 3) == 0 && sc_embfile_inspect(p, &info, &code) == 0, "rebinding replaces them");
	unlink(p);
	rmdir(dir);
	return tap_done();
}
