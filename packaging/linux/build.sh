#!/usr/bin/env bash
# Builds the Linux installers with jlink + jpackage: an app-image and a .deb (and an .rpm where rpmbuild
# exists). Output in target/installer/. Needs JDK 25 (JAVA_HOME), fakeroot and dpkg-deb for the .deb.
# Usage: packaging/linux/build.sh [--skip-build]
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${JAVA_HOME:?set JAVA_HOME to a JDK 25}"
export PATH="$JAVA_HOME/bin:$PATH"
VERSION=$(grep -m1 'String VALUE' engine/src/main/java/dev/protolens/engine/Version.java | sed 's/.*"\(.*\)".*/\1/')
[ "${1:-}" = --skip-build ] || mvn -B -ntp -q -DskipTests package
OUT=target/installer; WORK=target/package
rm -rf "$OUT" "$WORK"; mkdir -p "$OUT" "$WORK"
packaging/stage.sh linux x86_64 "$WORK/input"

# a trimmed Java runtime with the modules the app and its libraries use (jdeps + what they load reflectively)
jlink --add-modules "$(cat packaging/modules.txt)" --strip-debug --no-header-files --no-man-pages \
      --compress zip-6 --output "$WORK/runtime" 2> >(grep -v 'jmods' >&2)

common=(--name protolens --app-version "$VERSION" --vendor "ProtoLens" --copyright "GPL-3.0-or-later"
  --description "See an LLM write a whole text in one forward pass from two learned vectors"
  --input "$WORK/input" --main-jar protolens.jar --main-class dev.protolens.app.Main
  --runtime-image "$WORK/runtime" --icon assets/icons/protolens-256.png
  --java-options "-XX:MaxRAMPercentage=75" --java-options "--enable-native-access=ALL-UNNAMED"
  --java-options "-Dprotolens.installed=true")

jpackage --type app-image --dest "$WORK/image" "${common[@]}"
jpackage --type deb --dest "$OUT" "${common[@]}" --license-file LICENSE \
  --linux-package-name protolens --linux-deb-maintainer "protolens@users.noreply.github.com" \
  --linux-menu-group "Education;Science;" --linux-app-category science --linux-shortcut \
  --linux-package-deps "libgtk-3-0, libgl1" --resource-dir packaging/linux/resources
if command -v rpmbuild >/dev/null; then
  jpackage --type rpm --dest "$OUT" "${common[@]}" --license-file LICENSE --linux-package-name protolens \
    --linux-menu-group "Education;Science;" --linux-shortcut --linux-package-deps "gtk3, mesa-libGL" \
    --resource-dir packaging/linux/resources
fi
ls -la "$OUT"
