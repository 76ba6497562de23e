# Task families at 100k cells (issue 8): czbenchmarks label prediction per classifier and in
# all (target <= 45 s; scikit-learn 1.2.1 takes 667 s), the scModelForge linear probe
# (target <= 1 s; 11 s), and the PCA baseline of 100k cells x 2,000 genes to 50 PCs.
# Data: sc-simulate's Gaussian mixture (20 types, centres N(0, 2^2), 4 batches N(0, 0.7^2),
# unit noise), generated once into $BENCH_DIR.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
D=${BENCH_DIR:-/tmp}/tasks
N=${TASKS_BENCH_N:-100000}
mkdir -p "$D"
if [ ! -s "$D/x$N.scmat" ]; then
	sc-simulate -n "$N" -d 50 --types 20 --batches 4 --centre-sd 2 --batch-sd 0.7 --noise-sd 1 \
		--seed 1 -o "$D/x$N.scmat" --obs-out "$D/obs$N.jsonl"
fi
if [ ! -s "$D/counts$N.scmat" ]; then
	sc-simulate -n "$N" -d 50 --types 20 --batches 4 --genes 2000 --seed 2 -o /dev/null \
		--counts-out "$D/counts$N.scmat" --var-out "$D/var$N.jsonl"
fi
echo "label-predict, $N cells x 50 dims, 20 types, 5 folds, -j0"
for c in lr knn rf; do
	measure "  czbenchmarks $c (5 folds)" label-predict -j0 --classifiers "$c" --obs "$D/obs$N.jsonl" \
		--label-key cell_type -o "$D/lp_$c.jsonl" "$D/x$N.scmat"
done
measure "  czbenchmarks lr+knn+rf in all" label-predict -j0 --obs "$D/obs$N.jsonl" --label-key cell_type \
	-o "$D/lp_all.jsonl" "$D/x$N.scmat"
measure "  scModelForge linear probe" label-predict -j0 --protocol scmodelforge --obs "$D/obs$N.jsonl" \
	--label-key cell_type -o "$D/probe.jsonl" "$D/x$N.scmat"
echo "pca-baseline, $N cells x 2000 genes -> 50 PCs"
measure "  pca-baseline" pca-baseline -j0 --var "$D/var$N.jsonl" -o "$D/pca.scmat" "$D/counts$N.scmat"
