#!/usr/bin/env bats
# emb-extract against the anndata 0.8 reading of every file in ../shared/data that has a
# golden record (../shared/golden/h5ad/*.json): sizes, obs names, every obsm key, X and every
# obs column. The three on-disk layouts (<= 0.6, 0.7, >= 0.8) are all represented.
load helpers/sc
load helpers/h5ad_conf

setup() {
	T="$BATS_TEST_TMPDIR"
	need_shared
	need_jq
}

@test "every golden h5ad record has a data file and a test here" {
	for g in "$GOLDEN"/h5ad/*.json; do
		b=$(basename "$g" .json)
		[ -f "$DATA/$b.h5ad" ] || { echo "missing $DATA/$b.h5ad"; return 1; }
		grep -q "conf_names $b\$" "$BATS_TEST_FILENAME" || { echo "no test for $b"; return 1; }
	done
}

@test "atlastb_pbmc68k_batch: names" {
	conf_names atlastb_pbmc68k_batch
}

@test "atlastb_pbmc68k_batch: obsm" {
	conf_obsm atlastb_pbmc68k_batch
}

@test "atlastb_pbmc68k_batch: X" {
	conf_X atlastb_pbmc68k_batch
}

@test "atlastb_pbmc68k_batch: obs" {
	conf_obs atlastb_pbmc68k_batch
}

@test "cellxgene_example_with_labels: names" {
	conf_names cellxgene_example_with_labels
}

@test "cellxgene_example_with_labels: obsm" {
	conf_obsm cellxgene_example_with_labels
}

@test "cellxgene_example_with_labels: X" {
	conf_X cellxgene_example_with_labels
}

@test "cellxgene_example_with_labels: obs" {
	conf_obs cellxgene_example_with_labels
}

@test "hlca_krasnow2020_pca: names" {
	conf_names hlca_krasnow2020_pca
}

@test "hlca_krasnow2020_pca: obsm" {
	conf_obsm hlca_krasnow2020_pca
}

@test "hlca_krasnow2020_pca: X" {
	conf_X hlca_krasnow2020_pca
}

@test "hlca_krasnow2020_pca: obs" {
	conf_obs hlca_krasnow2020_pca
}

@test "hlca_krasnow2020_subset: names" {
	conf_names hlca_krasnow2020_subset
}

@test "hlca_krasnow2020_subset: obsm" {
	conf_obsm hlca_krasnow2020_subset
}

@test "hlca_krasnow2020_subset: X" {
	conf_X hlca_krasnow2020_subset
}

@test "hlca_krasnow2020_subset: obs" {
	conf_obs hlca_krasnow2020_subset
}

@test "hlca_nawijn2021_subset: names" {
	conf_names hlca_nawijn2021_subset
}

@test "hlca_nawijn2021_subset: obsm" {
	conf_obsm hlca_nawijn2021_subset
}

@test "hlca_nawijn2021_subset: X" {
	conf_X hlca_nawijn2021_subset
}

@test "hlca_nawijn2021_subset: obs" {
	conf_obs hlca_nawijn2021_subset
}

@test "openproblems_pancreas_100: names" {
	conf_names openproblems_pancreas_100
}

@test "openproblems_pancreas_100: obsm" {
	conf_obsm openproblems_pancreas_100
}

@test "openproblems_pancreas_100: X" {
	conf_X openproblems_pancreas_100
}

@test "openproblems_pancreas_100: obs" {
	conf_obs openproblems_pancreas_100
}

@test "openproblems_pancreas_669: names" {
	conf_names openproblems_pancreas_669
}

@test "openproblems_pancreas_669: obsm" {
	conf_obsm openproblems_pancreas_669
}

@test "openproblems_pancreas_669: X" {
	conf_X openproblems_pancreas_669
}

@test "openproblems_pancreas_669: obs" {
	conf_obs openproblems_pancreas_669
}

@test "openproblems_pancreas_mnn: names" {
	conf_names openproblems_pancreas_mnn
}

@test "openproblems_pancreas_mnn: obsm" {
	conf_obsm openproblems_pancreas_mnn
}

@test "openproblems_pancreas_mnn: X" {
	conf_X openproblems_pancreas_mnn
}

@test "openproblems_pancreas_mnn: obs" {
	conf_obs openproblems_pancreas_mnn
}

@test "scanpy_kbet_sim: names" {
	conf_names scanpy_kbet_sim
}

@test "scanpy_kbet_sim: obsm" {
	conf_obsm scanpy_kbet_sim
}

@test "scanpy_kbet_sim: X" {
	conf_X scanpy_kbet_sim
}

@test "scanpy_kbet_sim: obs" {
	conf_obs scanpy_kbet_sim
}

@test "scanpy_pbmc68k_reduced: names" {
	conf_names scanpy_pbmc68k_reduced
}

@test "scanpy_pbmc68k_reduced: obsm" {
	conf_obsm scanpy_pbmc68k_reduced
}

@test "scanpy_pbmc68k_reduced: X" {
	conf_X scanpy_pbmc68k_reduced
}

@test "scanpy_pbmc68k_reduced: obs" {
	conf_obs scanpy_pbmc68k_reduced
}

@test "scanpy_t_cells: names" {
	conf_names scanpy_t_cells
}

@test "scanpy_t_cells: obsm" {
	conf_obsm scanpy_t_cells
}

@test "scanpy_t_cells: X" {
	conf_X scanpy_t_cells
}

@test "scanpy_t_cells: obs" {
	conf_obs scanpy_t_cells
}

@test "scgen_kang_valid: names" {
	conf_names scgen_kang_valid
}

@test "scgen_kang_valid: obsm" {
	conf_obsm scgen_kang_valid
}

@test "scgen_kang_valid: X" {
	conf_X scgen_kang_valid
}

@test "scgen_kang_valid: obs" {
	conf_obs scgen_kang_valid
}
