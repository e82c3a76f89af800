#!/usr/bin/env bash
# Prints the third-party notices: every bundled library with its licence, read from the jars' Maven POMs.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "ProtoLens bundles the following third-party software. Each is distributed under its own licence;"
echo "ProtoLens as a whole is distributed under the GNU General Public License v3.0 or later (LICENSE.txt)."
echo
for j in app/target/lib/*.jar; do
  pom=$(unzip -Z1 "$j" 2>/dev/null | grep -m1 'META-INF/maven/.*/pom.xml' || true)
  name=$(basename "$j" .jar)
  lic=""
  if [ -n "$pom" ]; then
    lic=$(unzip -p "$j" "$pom" | tr -d '\n' | grep -o '<licenses>.*</licenses>' | grep -o '<name>[^<]*</name>' | sed 's#</*name>##g' | paste -sd ';' - || true)
  fi
  case "$name" in
    pytorch-native-cpu*) lic="${lic:-BSD-3-Clause (PyTorch / libtorch)}";;
    api-*|pytorch-*|tokenizers-*) lic="${lic:-Apache-2.0 (Deep Java Library)}";;
    javafx-*) lic="${lic:-GPL-2.0 with the Classpath Exception (OpenJFX)}";;
    smile-*) lic="${lic:-GPL-3.0 (Smile)}";;
    openblas-*|arpack-*|javacpp-*) lic="${lic:-BSD-3-Clause (OpenBLAS, ARPACK-NG) / Apache-2.0 (JavaCPP presets)}";;
  esac
  printf '%-55s %s\n' "$name" "${lic:-see the library distribution}"
done
echo
echo "The bundled Java runtime is OpenJDK (GPL-2.0 with the Classpath Exception)."
echo "PDF exports embed DejaVu Sans (Bitstream Vera licence, DejaVu changes in the public domain; protolens.jar,"
echo "dev/protolens/app/figures/fonts/LICENSE-DejaVu.txt)."
echo "On Linux the window draws emoji with Symbola by George Douros (\"free for any use\"; protolens.jar,"
echo "dev/protolens/app/ui/fonts/LICENSE-Symbola.txt)."
