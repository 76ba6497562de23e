/* A decoder for h5py's LZF filter (HDF5 filter id 32000), so that .h5ad files written with
 * compression="lzf" open without a plugin (../shared/spec/h5ad_format.md section 7).
 *
 * LZF streams are a sequence of items, each starting with a control byte c:
 *   c < 32:  a literal run of c + 1 bytes follows;
 *   c >= 32: a back-reference of length (c >> 5) + 2 (a length field of 7 means an extra
 *            byte follows and is added) at distance ((c & 31) << 8 | next byte) + 1 before the
 *            current output position; source and destination may overlap.
 * h5py stores the uncompressed chunk size in cd_values[2] (required here); chunks it could not shrink are
 * stored unfiltered (the filter is optional), which HDF5 handles by itself. Writing is not
 * supported: the encoder side fails, so HDF5 would store such chunks unfiltered. */
#include <string.h>

#include "h5ad_internal.h"

#define LZF_ID 32000
#define LZF_MAX_OUT ((size_t)1 << 31)

/* Decode in into out; returns the output length, 0 on corrupt input, or (size_t)-1 when out
 * is too small. */
static size_t lzf_decode(const unsigned char *in, size_t n, unsigned char *out, size_t cap)
{
	const unsigned char *ip = in, *end = in + n;
	size_t o = 0;
	while (ip < end) {
		unsigned c = *ip++;
		if (c < 32) {
			size_t run = c + 1;
			if ((size_t)(end - ip) < run)
				return 0;
			if (cap - o < run)
				return (size_t)-1;
			memcpy(out + o, ip, run);
			ip += run;
			o += run;
		} else {
			size_t len = c >> 5, dist;
			if (len == 7) {
				if (ip >= end)
					return 0;
				len += *ip++;
			}
			if (ip >= end)
				return 0;
			dist = ((size_t)(c & 31) << 8 | *ip++) + 1;
			len += 2;
			if (dist > o)
				return 0;
			if (cap - o < len)
				return (size_t)-1;
			for (size_t k = 0; k < len; k++, o++) /* may overlap: byte by byte */
				out[o] = out[o - dist];
		}
	}
	return o;
}

static size_t lzf_filter(unsigned int flags, size_t cd_nelmts, const unsigned int cd_values[],
			 size_t nbytes, size_t *buf_size, void **buf)
{
	size_t cap, got;
	unsigned char *out;
	if (!(flags & H5Z_FLAG_REVERSE))
		return 0; /* no encoder: HDF5 keeps optional-filter chunks unfiltered */
	/* HDF5 reads a whole chunk from what a filter returns without checking its length, so
	 * the chunk size must be known (h5py always records it) and met exactly. */
	if (cd_nelmts < 3 || cd_values[2] == 0 || cd_values[2] > LZF_MAX_OUT)
		return 0;
	cap = cd_values[2];
	if (!(out = H5allocate_memory(cap, 0)))
		return 0;
	got = lzf_decode(*buf, nbytes, out, cap);
	if (got != cap) {
		H5free_memory(out);
		return 0;
	}
	H5free_memory(*buf);
	*buf = out;
	*buf_size = cap;
	return got;
}

void h5_lzf_register(void)
{
	static const H5Z_class2_t cls = {
		H5Z_CLASS_T_VERS, (H5Z_filter_t)LZF_ID, 1, 1, "lzf (scbench decoder)", NULL, NULL, lzf_filter
	};
	if (H5Zfilter_avail(LZF_ID) <= 0)
		H5Zregister(&cls);
	H5Eclear2(H5E_DEFAULT);
}
