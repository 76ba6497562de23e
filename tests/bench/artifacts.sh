#!/usr/bin/env bash
# Artifact and report figures: artifact-verify's hashing throughput on a large bundle against
# sha256sum on the same bytes (both read the page cache after a warm-up read), and the time of
# report-md and metric-gate on many metric records.
set -eu
source "$(dirname "$0")/lib.sh"
W=$BENCH_DIR/artifacts
rm -rf "$W"
mkdir -p "$W/b"
mb=${BENCH_ARTIFACT_MB:-1024}
sc-simulate -n 20000 -d 32 --seed 1 -o "$W/x.scmat" --obs-out "$W/obs.jsonl"
head -c $((mb << 20)) /dev/urandom >"$W/b/weights.bin"
artifact-seal -q --embedding "$W/x.scmat" --obs "$W/obs.jsonl" "$W/b" >/dev/null
cat "$W/b/weights.bin" >/dev/null
measure "sha256sum ${mb} MiB" sha256sum "$W/b/weights.bin"
measure "artifact-verify ${mb} MiB bundle" artifact-verify -o "$W/status.jsonl" "$W/b"
awk -v s="$MEASURED_S" -v mb="$mb" 'BEGIN{printf "artifact-verify throughput: %.0f MiB/s\n", mb / s}'
measure "artifact-seal ${mb} MiB bundle" artifact-seal -q "$W/b"
# 200 models x 25 metrics x 8 seeds = 40000 records on 4 datasets
awk 'BEGIN{for(d=0;d<4;d++)for(m=0;m<50;m++)for(k=0;k<25;k++)for(s=1;s<=8;s++)
	printf "{\"schema\":\"scbench.metric/1\",\"dataset\":\"d%d\",\"model\":\"m%d\",\"metric\":\"nmi_%d\",\"seed\":%d,\"value\":%.6f}\n",
	d,m,k,s,0.5+0.001*((d*7+m*13+k*17+s*19)%97)}' >"$W/m.jsonl"
measure "report-md 40000 records" report-md --figures "$W/fig" -o "$W/r.md" "$W/m.jsonl"
measure "metric-gate 40000 records (5000 keys x 8 seeds)" metric-gate -o "$W/g.txt" "$W/m.jsonl" "$W/m.jsonl"
rm -rf "$W"
