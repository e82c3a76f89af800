#!/usr/bin/env bash
# Builds the macOS disk image (.dmg) with jlink + jpackage. Run on macOS with JDK 25 (ARCH: arm64 or x86_64).
set -euo pipefail
cd "$(dirname "$0")/../.."
ARCH=${ARCH:-$(uname -m | sed 's/aarch64/arm64/')}
mvn -B -ntp -q -DskipTests package
packaging/stage.sh macosx "$ARCH" target/package/input
jlink --add-modules "$(cat packaging/modules.txt)" --strip-debug --no-header-files --no-man-pages \
      --compress zip-6 --output target/package/runtime
jpackage --type dmg --dest target/installer --name ProtoLens --app-version 0.1.0 --vendor ProtoLens \
  --description "See an LLM write a whole text in one forward pass from two learned vectors" \
  --input target/package/input --main-jar protolens.jar --main-class dev.protolens.app.Main \
  --runtime-image target/package/runtime --icon assets/icons/protolens.icns --license-file LICENSE \
  --java-options "-XX:MaxRAMPercentage=75" --java-options "--enable-native-access=ALL-UNNAMED" \
  --java-options "-Dprotolens.installed=true" --java-options "-Xdock:name=ProtoLens" \
  --mac-package-identifier dev.protolens.app --mac-package-name ProtoLens --mac-app-category public.app-category.education
