#!/usr/bin/env bash
# Side-by-side speed of ProtoLens and the PyTorch reference (../shared/reference) on this machine, in one run:
# forward pass at N=64 and fit steps (forward + backward + AdamW), on TinyLLama-v0 and on a random model of
# SmolLM2-135M's shape. Needs `apt-get install python3-torch` and a built jar (mvn -DskipTests package).
# Usage: bench/compare.sh [THREADS]     (default 1, the measured best on 2-core machines)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-1}
SHARED=${PROTOLENS_SHARED:-../shared}
REF=$SHARED/reference
JAR=app/target/protolens.jar
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
PY=${PYTHON:-/usr/bin/python3}
RANDOM_MODEL=${RANDOM_MODEL:-target/bench/smollm2-135m-random}
TEXT="Lily and Ben went to the park to play with a red ball. They ran and laughed in the warm sun. Then it started to rain, so they went home and had hot soup with their mom. After lunch they drew pictures of the park, the ball and the rain, and their dad put the best one on the fridge."
export OMP_WAIT_POLICY=PASSIVE
# both sides get the same number of threads, BLAS included (OpenBLAS otherwise starts one per core)
export OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS

if [ ! -f "$RANDOM_MODEL/model.safetensors" ]; then
  "$JAVA" -jar "$JAR" bench --make-random smollm2-135m --out "$RANDOM_MODEL" --tokenizer-from "$SHARED/models/tinyllama-v0" >/dev/null
fi

num() { "$PY" -c "import json,sys; print('%.1f' % json.load(sys.stdin)['$1'])"; }

printf '| model | measure | ProtoLens ms | reference ms | ratio (ref/ProtoLens) |\n|---|---|---|---|---|\n'
for model in "$SHARED/models/tinyllama-v0" "$RANDOM_MODEL"; do
  model=$(realpath "$model")
  name=$(basename "$model")
  p=$("$JAVA" -jar "$JAR" bench --model "$model" --forward-only --length 64 --steps 20 --warmup 3 --threads "$THREADS" 2>/dev/null | num ms_forward_median)
  r=$("$PY" bench/reference_forward.py --reference "$REF" --model "$model" --length 64 --runs 20 --threads "$THREADS" | num ms_forward_median)
  printf '| %s | forward, N=64, median | %s | %s | %.2f |\n' "$name" "$p" "$r" "$(echo "$r / $p" | bc -l)"
  for n in 16 64; do
    # the same steps on both sides: warm-up untimed, then the median step; "whole run" divides the wall time
    # by every step, warm-up included (what oracle.py fit prints as ms_per_step)
    steps=${STEPS:-200}; warm=${WARMUP:-20}; [ "$name" != tinyllama-v0 ] && { steps=${BIG_STEPS:-12}; warm=2; }
    pj=$("$JAVA" -jar "$JAR" bench --model "$model" --length $n --steps $steps --warmup $warm --text "$TEXT" --threads "$THREADS" 2>/dev/null)
    rj=$("$PY" bench/reference_fit.py --reference "$REF" --model "$model" --text "$TEXT" --length $n --steps $steps --warmup $warm --threads "$THREADS")
    p=$(echo "$pj" | num ms_per_step_median); r=$(echo "$rj" | num ms_per_step_median)
    printf '| %s | fit step, N=%d, median of %d | %s | %s | %.2f |\n' "$name" $n $steps "$p" "$r" "$(echo "$r / $p" | bc -l)"
    p=$(echo "$pj" | num ms_per_step_like_reference); r=$(echo "$rj" | num ms_per_step_whole_run)
    printf '| %s | fit step, N=%d, whole run of %d | %s | %s | %.2f |\n' "$name" $n $((steps + warm)) "$p" "$r" "$(echo "$r / $p" | bc -l)"
  done
done
