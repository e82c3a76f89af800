#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: check what ProtoLens's GPU support claims, and print one JSON summary on stdout
# (progress and logs on stderr). Nothing outside WORK_DIR is changed: DJL's cache and ProtoLens's settings live there.
#
#   bench/gpu-check.sh LIBTORCH_DIR [WORK_DIR]
#
# LIBTORCH_DIR  a CUDA libtorch 2.7.1 (cu128): the lib folder of libtorch-cxx11-abi-shared-with-deps-2.7.1+cu128.zip,
#               or a folder DJL's own downloader filled (~/.djl.ai/pytorch/2.7.1-cu128-linux-x86_64). This script does
#               not download it (protolens gpu install does that); it installs it with `gpu install --from`.
# WORK_DIR      scratch space, at least 2 x the libtorch's size + 10 GB (default: a new folder under /tmp)
#
# Environment: JAVA_HOME (JDK 25), PROTOLENS_JAR (default app/target/protolens.jar, built with Maven if missing),
# TOKENIZER_FROM (a model folder whose tokenizer.json the random Llama-3.2-1B-shaped checkpoint borrows; default
# ../shared/models/tinyllama-v0), CAPACITY_SECONDS (time for the N=256 capacity fit; default 210).
#
# Steps, each timed: what the driver says (gpu status), install + the child-process check (gpu install --from),
# what the next start uses, a random Llama-3.2-1B-shaped checkpoint, fit steps at N=64 in fp32 and bf16 (ms/step,
# peak GPU memory: bench --device cuda), a bf16 fit that must not abort the JVM, and a fit of a 256-token text with the
# paper's recipe (AdamW lr 0.01, betas 0.9/0.9, weight decay 0.01; up to 5000 steps, fewer when the time budget says
# so: the summary gives the steps it had). Sized to finish in about 7 minutes on one recent data-centre GPU.
set -uo pipefail
cd "$(dirname "$0")/.."
T0=$(date +%s)

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: bench/gpu-check.sh LIBTORCH_DIR [WORK_DIR]  (LIBTORCH_DIR: a CUDA libtorch 2.7.1 lib folder)" >&2
  exit 2
fi
LIBTORCH=$(cd "$1" && pwd)
WORK=${2:-$(mktemp -d /tmp/protolens-gpu-check.XXXXXX)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAR=${PROTOLENS_JAR:-app/target/protolens.jar}
TOKENIZER_FROM=${TOKENIZER_FROM:-../shared/models/tinyllama-v0}
CAPACITY_SECONDS=${CAPACITY_SECONDS:-210}

export DJL_CACHE_DIR="$WORK/djl" PROTOLENS_HOME="$WORK/home" PROTOLENS_LIBRARY="$WORK/library"
unset PYTORCH_LIBRARY_PATH PYTORCH_FLAVOR PYTORCH_VERSION ENGINE_CACHE_DIR PROTOLENS_DEVICE PROTOLENS_DTYPE

STEPS_JSON=""
step_line() { # name exit seconds
  STEPS_JSON="$STEPS_JSON${STEPS_JSON:+, }{\"step\": \"$1\", \"exit\": $2, \"seconds\": $3}"
}
json_string() { # a shell string as a JSON string
  printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | tr '\n\t' '  ')"
}
# run NAME TIMEOUT_S ARGS...: protolens ARGS with --json output into $WORK/NAME.json, stderr into $WORK/NAME.log
run() {
  local name=$1 limit=$2; shift 2
  local s=$(date +%s)
  echo "== $name: protolens $*" >&2
  timeout -s INT "$limit" "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx12g -jar "$JAR" "$@" \
    >"$WORK/$name.json" 2> >(tee "$WORK/$name.log" >&2)
  local rc=$?
  step_line "$name" "$rc" $(( $(date +%s) - s ))
  return $rc
}
# the JSON a step printed, or an object saying why there is none
result() {
  local name=$1
  if [ ! -e "$WORK/$name.log" ]; then
    printf '{"not_run": true}'
  elif [ -s "$WORK/$name.json" ] && head -c 1 "$WORK/$name.json" | grep -q '{'; then
    cat "$WORK/$name.json"
  else
    printf '{"error": %s}' "$(json_string "$(grep -E 'error|Exception' "$WORK/$name.log" 2>/dev/null | tail -3)")"
  fi
}
finish() {
  local verdict=$1
  cat <<EOF
{
  "verdict": $(json_string "$verdict"),
  "libtorch": $(json_string "$LIBTORCH"),
  "nvidia_smi": $(json_string "$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -4)"),
  "detected": $(result status-before),
  "install_and_check": $(result install),
  "next_start": $(result status-after),
  "bench_n64_fp32_and_bf16": $(result bench),
  "bf16_does_not_abort": {"exit": ${BF16_RC:-null}, "ok": ${BF16_OK:-false}, "result": $(result bf16)},
  "capacity_n256": {"steps_allowed": ${CAP_STEPS:-null}, "seconds_allowed": $CAPACITY_SECONDS, "sweep": $(result capacity)},
  "steps": [$STEPS_JSON],
  "seconds": $(( $(date +%s) - T0 ))
}
EOF
  exit 0
}

if [ ! -f "$JAR" ]; then
  echo "== building $JAR" >&2
  mvn -B -q -DskipTests package >&2 || { echo "error: the build failed; set PROTOLENS_JAR" >&2; exit 1; }
fi

run status-before 60 gpu status --json
if ! grep -q '"gpus" : \[ {' "$WORK/status-before.json"; then
  finish "no NVIDIA GPU detected; nothing else was run"
fi

run install 600 gpu install --from "$LIBTORCH" --json
run status-after 60 gpu status --json
if ! grep -q '"natives" : "gpu_runtime"' "$WORK/status-after.json"; then
  finish "the GPU runtime did not pass its check; see install_and_check"
fi

if [ ! -f "$TOKENIZER_FROM/tokenizer.json" ]; then
  echo "error: $TOKENIZER_FROM/tokenizer.json is missing; set TOKENIZER_FROM to a model folder" >&2
  finish "no tokenizer for the random checkpoint (TOKENIZER_FROM)"
fi
run make-random 600 bench --make-random llama-3.2-1b --out "$WORK/llama-3.2-1b-random" --tokenizer-from "$TOKENIZER_FROM"

# fp32 and bf16 in one run (the command does both on a GPU), 64 tokens, 25 timed steps after 5
run bench 600 bench --model "$WORK/llama-3.2-1b-random" --device cuda --length 64 --steps 25 --warmup 5

# bf16 kernels abort the whole JVM on the CPU in this libtorch build; on the GPU they must not
run bf16 300 bench --model "$WORK/llama-3.2-1b-random" --device cuda --dtype bf16 --length 64 --steps 3 --warmup 1
BF16_RC=$(grep -o '"step": "bf16", "exit": [0-9]*' <<<"$STEPS_JSON" | grep -o '[0-9]*$')
BF16_OK=false
if [ "$BF16_RC" = 0 ] && grep -q '"final_loss" : [0-9]' "$WORK/bf16.json"; then BF16_OK=true; fi

# the paper's recipe on a 256-token text: as many of its 5000 steps as the time budget allows at the measured speed
MS64=$(awk '/"dtype" : "bfloat16"/ {b=1} b && /"ms_per_step_median"/ {gsub(/[^0-9.]/, "", $3); print $3; exit}' \
  "$WORK/bench.json")
MS64=${MS64:-100}
# a step at N=256 measured as at most 4 x a step at N=64 (attention and the head grow; the weights' reads do not)
CAP_STEPS=$(awk -v ms="$MS64" -v s="$CAPACITY_SECONDS" 'BEGIN {n = int(s * 1000 / (4 * ms)); if (n > 5000) n = 5000; if (n < 1) n = 1; print n}')
mkdir -p "$WORK/texts"
cat sample-texts/*.txt >"$WORK/texts/all-samples.txt"
run capacity $((CAPACITY_SECONDS + 120)) sweep --model "$WORK/llama-3.2-1b-random" --texts "$WORK/texts" \
  --lengths 256 --seeds 1 --steps "$CAP_STEPS" --out "$WORK/capacity" --json

finish "ran every step; read each section"
