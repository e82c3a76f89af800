#!/usr/bin/env bash
# Stages the application for jpackage: protolens.jar and its libraries, keeping only the target OS's
# native code (the libtorch CPU jar is already per-OS; Smile's OpenBLAS/ARPACK/JavaCPP come for four
# platforms and DJL's tokenizers jar carries all four in one jar), plus LICENSE and third-party notices.
# Usage: packaging/stage.sh OS ARCH OUT_DIR     OS in linux|windows|macosx, ARCH in x86_64|arm64
set -euo pipefail
cd "$(dirname "$0")/.."
OS=$1; ARCH=$2; OUT=$3
LIB=app/target/lib
[ -f app/target/protolens.jar ] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }
rm -rf "$OUT"; mkdir -p "$OUT/lib"
cp app/target/protolens.jar "$OUT/"
case "$OS" in linux) tok=linux-$ARCH; [ "$ARCH" = arm64 ] && tok=linux-aarch64;;
              windows) tok=win-x86_64;; macosx) tok=osx-aarch64; [ "$ARCH" = x86_64 ] && tok=osx-x86_64;; esac
for j in "$LIB"/*.jar; do
  b=$(basename "$j")
  case "$b" in
    *-linux-x86_64.jar|*-linux-arm64.jar|*-macosx-x86_64.jar|*-macosx-arm64.jar|*-windows-x86_64.jar)
      [[ "$b" == *-"$OS"-"$ARCH".jar ]] && cp "$j" "$OUT/lib/";;
    tokenizers-*.jar)
      cp "$j" "$OUT/lib/$b"
      # drop the other platforms' native tokenizers libraries from the one jar
      others=$(unzip -Z1 "$j" | grep '^native/lib/[^/]*/' | cut -d/ -f3 | sort -u | grep -vx "$tok" | sed 's#^#native/lib/#; s#$#/*#')
      [ -n "$others" ] && zip -q -d "$OUT/lib/$b" $others >/dev/null || true;;
    *) cp "$j" "$OUT/lib/";;
  esac
done
cp LICENSE "$OUT/LICENSE.txt"
packaging/notices.sh > "$OUT/THIRD-PARTY-NOTICES.txt"
echo "staged $(ls "$OUT/lib" | wc -l) jars, $(du -sh "$OUT" | cut -f1) in $OUT"
