#!/usr/bin/env bats
# graph-extract: graphs stored in .h5ad files (obsp, and uns/neighbors before anndata 0.7).
load helpers/sc

@test "obsp/connectivities as a symmetric SCCSR1 graph" {
	need_shared
	run -0 graph-extract -o "$T/g.csr" "$DATA/atlastb_pbmc68k_batch.h5ad"
	hdr=$(head -1 "$T/g.csr")
	[ "${hdr%% *}" = SCCSR1 ]
	[ "$(jq .rows <<<"${hdr#* }")" = 700 ]
	[ "$(jq .nnz <<<"${hdr#* }")" = 15900 ]
	run -0 cluster-leiden -o /dev/null "$T/g.csr"
}

@test "legacy uns/neighbors graphs; distances as a kNN stream" {
	need_shared
	run -0 graph-extract --obsp distances --knn -o "$T/d.knn" "$DATA/scanpy_pbmc68k_reduced.h5ad"
	hdr=$(head -1 "$T/d.knn")
	[ "$(jq .k <<<"${hdr#* }")" = 9 ]
	[ "$(jq .n <<<"${hdr#* }")" = 700 ]
	run -0 graph-extract -o "$T/c.csr" "$DATA/scanpy_pbmc68k_reduced.h5ad"
	[ "$(head -1 "$T/c.csr" | cut -d' ' -f2- | jq .nnz)" = 9992 ]
}

@test "bad input: missing key, not an h5ad, usage (exit 2, no output)" {
	need_shared
	run --separate-stderr graph-extract --obsp nosuch -o "$T/o" "$DATA/atlastb_pbmc68k_batch.h5ad"
	assert_status 2
	[[ "$stderr" == *nosuch* ]]
	run --separate-stderr graph-extract --knn -o "$T/o" "$DATA/atlastb_pbmc68k_batch.h5ad"
	assert_status 2
	echo hello >"$T/x.h5ad"
	run graph-extract -o "$T/o" "$T/x.h5ad"
	assert_status 2
	run graph-extract
	assert_status 2
	[ ! -e "$T/o" ]
}
