#!/usr/bin/env bash
# The fault campaign of issue 18: several hundred generated faults against the real command line, each
# classified as clean (an actionable message, no stack trace, nothing lost) or a defect (bench/FaultCampaign.java
# says how). Prints one line per case and the counts; writes WORK/results.tsv.
#
#   bench/fault-campaign.sh [GROUP]      GROUP: config, weights, tokenizer, gguf, paths, texts, args, library, signals
#
# Needs the built jar (mvn -o -q -DskipTests package) and ../shared/models/stories260k-hf and stories260k/*.gguf.
# Runs in about 5 minutes on 2 cores; nothing touches the network (HF_HUB_OFFLINE=1) or your settings and
# library (XDG_CONFIG_HOME and XDG_DATA_HOME point into WORK).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar="$root/app/target/protolens.jar"
model="${MODEL:-$root/../shared/models/stories260k-hf}"
gguf="${GGUF:-$root/../shared/models/stories260k/stories260k-f32.gguf}"
work="${WORK:-$(mktemp -d /tmp/protolens-faults.XXXXXX)}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -f "$jar" ] || { echo "build first: mvn -B -o -q -DskipTests package" >&2; exit 2; }
[ -d "$model" ] && [ -f "$gguf" ] || { echo "needs $model and $gguf" >&2; exit 2; }
mkdir -p "$work/config" "$work/data"
echo "work folder: $work"
XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" HF_HUB_OFFLINE=1 \
  "$java" --enable-native-access=ALL-UNNAMED -cp "$jar" "$root/bench/FaultCampaign.java" \
  "$model" "$gguf" "$work/cases" "$jar" ${1:-}
