#!/usr/bin/env bash
# emb-extract on a simulated 100,000-cell AnnData file (50-dim embeddings, 200 genes of counts
# as CSR X): time and peak memory of the obsm, X, obs-table and --list paths.
set -eu
. "$(dirname "$0")/lib.sh"
B=${SCBENCH_BIN:-$(dirname "$0")/../../bin}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
"$B/sc-simulate" -n 100000 -d 50 --types 20 --batches 4 --genes 200 --seed 1 --h5ad "$W/sim.h5ad"
echo "input: $(du -h "$W/sim.h5ad" | cut -f1) h5ad, 100000 cells x 200 genes, obsm 2 x 50 dims"
measure "emb-extract --obsm X_observed (100k x 50)" "$B/emb-extract" --obsm X_observed -o "$W/e.scmat" "$W/sim.h5ad"
measure "emb-extract --X (100k x 200, CSR densified)" "$B/emb-extract" --X -o "$W/x.scmat" "$W/sim.h5ad"
measure "emb-extract --all-obs --obs-out (100k rows)" "$B/emb-extract" --all-obs --obs-out "$W/o.jsonl" "$W/sim.h5ad"
measure "emb-extract --list" "$B/emb-extract" --list -o "$W/l.jsonl" "$W/sim.h5ad"
