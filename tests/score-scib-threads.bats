#!/usr/bin/env bats
# kBET and graph LISI (pruned searches, shared calibration) give byte-identical records
# whatever the thread count.
load helpers/sc

@test "score-scib: kbet, ilisi, clisi identical with -j1 and -j2 (simulated)" {
	run -0 sc-simulate -n 4000 -d 12 --types 5 --batches 3 --seed 7 -o "$T/x.scmat" \
		--obs-out "$T/obs.jsonl"
	for j in 1 2; do
		run -0 score-scib -j "$j" --metrics kbet,ilisi,clisi --obs "$T/obs.jsonl" \
			--label-key cell_type --batch-key batch -o "$T/m$j.jsonl" "$T/x.scmat"
	done
	run -0 cmp "$T/m1.jsonl" "$T/m2.jsonl"
	run -0 grep -c '"metric":"kbet","value":[0-9]' "$T/m1.jsonl"
	run -0 grep -c '"metric":"ilisi","value":[0-9]' "$T/m1.jsonl"
}

@test "score-scib: kbet, ilisi, clisi identical with -j1 and -j2 (kang)" {
	need_shared
	run -0 emb-extract --obsm X_pca --obs cell_type,condition --obs-out "$T/o.jsonl" \
		-o "$T/e.scmat" "$DATA/scgen_kang_valid.h5ad"
	for j in 1 2; do
		run -0 score-scib -j "$j" --metrics kbet,ilisi,clisi --obs "$T/o.jsonl" \
			--label-key cell_type --batch-key condition -o "$T/m$j.jsonl" "$T/e.scmat"
	done
	run -0 cmp "$T/m1.jsonl" "$T/m2.jsonl"
}
