#!/usr/bin/env bash
# Installs the .deb into a temporary root (dpkg -x: no root rights, nothing on the system changes) and checks what a
# user gets: the bundled runtime, sample texts, icons, licence and notices, only Linux natives, the heap setting, the
# desktop entry and the maintainer scripts; runs the installed command line (fit the Lily text with
# ../shared/models/stories260k-hf, inspect) with a fresh libtorch cache, as on a new machine; starts the installed
# launcher under Xvfb with that model, waits for the window and the model, takes a screenshot; prints the .deb
# size and the installed footprint.
#
# Usage: packaging/linux/test-install.sh [--rebuild] [--keep] [--shot PATH]
#   --rebuild    build the jar and the .deb first (packaging/linux/build.sh); without it an existing .deb is reused
#   --keep       leave the temporary root for a look (its path is printed)
#   --shot PATH  where the screenshot of the installed window goes (default assets/screenshots/installed-window.png)
# Slow (building the .deb takes minutes), so it is not part of the Maven tests; the README (Installing > Checking an installer) has the command.
# Needs: dpkg, unzip, xvfb-run, xwininfo/xprop (x11-utils), ImageMagick's import, libgtk-3-0; JAVA_HOME (JDK 25)
# only to build. Exit status 0 when every check passed.
set -euo pipefail
cd "$(dirname "$0")/../.."
REBUILD=0; KEEP=0; SHOT=assets/screenshots/installed-window.png
while [ $# -gt 0 ]; do
  case "$1" in
    --rebuild) REBUILD=1;;
    --keep) KEEP=1;;
    --shot) [ $# -ge 2 ] || { echo "--shot needs a path" >&2; exit 2; }; SHOT=$2; shift;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
  shift
done
MODEL=$(realpath -m "${PROTOLENS_TEST_MODEL:-../shared/models/stories260k-hf}")
LILY_FILE=$(realpath sample-texts/lily-park.txt)
LILY=$(cat "$LILY_FILE")
[ -d "$MODEL" ] || { echo "no test model at $MODEL (../shared/models holds it; or set PROTOLENS_TEST_MODEL)" >&2; exit 2; }

deb=$(ls -t target/installer/protolens_*_amd64.deb 2>/dev/null | head -1 || true)
if [ "$REBUILD" = 1 ] || [ -z "$deb" ]; then
  echo "== building the .deb (packaging/linux/build.sh)"
  start=$(date +%s)
  packaging/linux/build.sh
  echo "built in $(( $(date +%s) - start )) s"
  deb=$(ls -t target/installer/protolens_*_amd64.deb | head -1)
else
  echo "== reusing $deb (built $(date -r "$deb" '+%F %T'); --rebuild builds it again)"
fi

TMP=$(mktemp -d /tmp/protolens-install.XXXXXX)
ROOT=$TMP/root; CTL=$TMP/control
cleanup() { [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true; [ "$KEEP" = 1 ] || rm -rf "$TMP"; }
trap cleanup EXIT
mkdir -p "$ROOT" "$CTL"
dpkg -x "$deb" "$ROOT"
dpkg -e "$deb" "$CTL"
APP=$ROOT/opt/protolens
fails=0
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
check() { # check "what" command...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then echo "ok    $what"; else echo "FAIL  $what"; fails=$((fails + 1)); fi
}

echo "== what the package installs"
check "launcher /opt/protolens/bin/protolens is executable" test -x "$APP/bin/protolens"
check "bundled Java runtime" test -x "$APP/lib/runtime/bin/java"
jar=$APP/lib/app/protolens.jar
listing=$(unzip -Z1 "$jar")
texts=$(grep -c '^dev/protolens/app/sample-texts/.*\.txt$' <<<"$listing" || true)
indexed=$(unzip -p "$jar" dev/protolens/app/sample-texts/index.json | grep -c '"file"' || true)
check "sample texts in the app jar ($texts files, $indexed in index.json)" test "$texts" -gt 0 -a "$texts" -eq "$indexed"
check "window icons in the app jar" grep -qx 'dev/protolens/app/icons/protolens-256.png' <<<"$listing"
check "LICENSE.txt (GPL-3.0) and THIRD-PARTY-NOTICES.txt" bash -c "grep -q 'GNU GENERAL PUBLIC LICENSE' '$APP/lib/app/LICENSE.txt' && test -s '$APP/lib/app/THIRD-PARTY-NOTICES.txt'"
others=$(ls "$APP/lib/app/lib" | grep -E -- '-(windows|macosx)-|-linux-arm64' || true)
check "no other platform's native jars${others:+ (found: $others)}" test -z "$others"
tok=$(ls "$APP"/lib/app/lib/tokenizers-*.jar)
tokdirs=$(unzip -Z1 "$tok" | grep '^native/lib/[^/]*/' | cut -d/ -f3 | sort -u | tr '\n' ' ')
check "tokenizers jar carries linux-x86_64 natives only ($tokdirs)" test "$tokdirs" = "linux-x86_64 "
check "libtorch CPU natives for Linux bundled" bash -c "ls '$APP'/lib/app/lib/pytorch-native-cpu-*-linux-x86_64.jar"
cfg=$APP/lib/app/protolens.cfg
check "heap set as a share of RAM (MaxRAMPercentage), no fixed -Xmx" bash -c "grep -q 'MaxRAMPercentage' '$cfg' && ! grep -q -- '-Xmx' '$cfg'"
check "Depends names GTK 3 and OpenGL" grep -q 'libgtk-3-0, libgl1' "$CTL/control"

echo "== desktop entry and the protolens command"
desktop=$(ls "$APP"/lib/*.desktop)
exec_path=$(sed -n 's/^Exec=//p' "$desktop" | cut -d' ' -f1)
icon_path=$(sed -n 's/^Icon=//p' "$desktop")
check "desktop entry Exec=$exec_path exists in the package" test -x "$ROOT$exec_path"
check "desktop entry Icon=$icon_path exists in the package" test -s "$ROOT$icon_path"
check "desktop entry has Name, Categories and no unfilled placeholders" bash -c "grep -q '^Name=ProtoLens$' '$desktop' && grep -q '^Categories=Education;Science;$' '$desktop' && ! grep -Eq '(APPLICATION|DEPLOY|DESKTOP)_[A-Z_]+' '$desktop'"
if command -v desktop-file-validate >/dev/null; then
  check "desktop-file-validate" desktop-file-validate "$desktop"
fi
for s in postinst prerm; do
  check "$s is valid sh without unfilled placeholders" bash -c "sh -n '$CTL/$s' && ! grep -Eq '^(DESKTOP|LAUNCHER|COMMON)_[A-Z_]+' '$CTL/$s'"
done
link_target=$(grep -o 'ln -s[f]* [^ ]* /usr/bin/protolens' "$CTL/postinst" | awk '{print $3}' || true)
check "postinst links /usr/bin/protolens to the installed launcher ($link_target)" test -x "$ROOT$link_target"
check "postinst registers the desktop entry with xdg-desktop-menu" grep -q "xdg-desktop-menu install ${desktop#"$ROOT"}" "$CTL/postinst"
check "prerm removes /usr/bin/protolens only when it is ProtoLens's link" grep -q 'readlink /usr/bin/protolens)" = /opt/protolens/bin/protolens' "$CTL/prerm"

echo "== the installed command line (fresh libtorch cache, as on a new machine)"
# HF_HOME and HF_HUB_OFFLINE keep the machine's own Hugging Face cache and the network out of it
export PROTOLENS_HOME=$TMP/cli-home DJL_CACHE_DIR=$TMP/djl-cache HF_HOME=$TMP/hf HF_HUB_OFFLINE=1
t0=$(date +%s.%N)
"$APP/bin/protolens" inspect --model "$MODEL" > "$TMP/inspect.txt" 2> "$TMP/inspect.err" || true
first=$(since "$t0")
t0=$(date +%s.%N)
"$APP/bin/protolens" inspect --model "$MODEL" > /dev/null 2>&1 || true
second=$(since "$t0")
sed 's/^/  /' "$TMP/inspect.txt"
echo "  inspect: first start (extracts libtorch into DJL_CACHE_DIR) $first s, second start $second s"
check "inspect names the device and the runtime" bash -c "grep -q '^device  *cpu' '$TMP/inspect.txt' && grep -q '^runtime  *PyTorch 2.7.1 on CPU' '$TMP/inspect.txt'"
t0=$(date +%s.%N)
"$APP/bin/protolens" fit --model "$MODEL" --text-file "$LILY_FILE" --no-save --quiet > "$TMP/fit.out" 2> "$TMP/fit.err" || true
took=$(since "$t0")
sed 's/^/  /' "$TMP/fit.err" "$TMP/fit.out"
echo "  fit: $took s from launcher start to exit"
# the result goes to stdout: "seed 0: complete, accuracy 100.0% (20/20 tokens), 563 updates"
check "fit reaches 100 % accuracy" grep -Eq '^seed 0: complete, accuracy 100\.0% \(([0-9]+)/\1 tokens\)' "$TMP/fit.out"
check "one pass writes the Lily text" grep -qxF "  one pass writes: $LILY" "$TMP/fit.out"
check "--no-save wrote no run" bash -c "! find '$PROTOLENS_HOME' -name run.json | grep -q ."

echo "== the installed window under Xvfb"
GUI_HOME=$TMP/gui-home; mkdir -p "$GUI_HOME"
# a settings file as a previous session leaves it: the model to reopen and the window's place
printf '{"theme":"light","window":{"x":0,"y":0,"width":1280,"height":820,"maximized":false},"last_model":"%s","last_text":"%s"}\n' \
  "$MODEL" "$LILY" > "$GUI_HOME/settings.json"
cat > "$TMP/window.sh" <<EOF
#!/usr/bin/env bash
set -u
PROTOLENS_HOME="$GUI_HOME" DJL_CACHE_DIR="$TMP/djl-cache" "$APP/bin/protolens" > "$TMP/window.log" 2>&1 &
pid=\$!
since() { awk -v a="\$1" -v b="\$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
t0=\$(date +%s.%N)
win=
for i in \$(seq 1 600); do
  win=\$(xwininfo -root -tree 2>/dev/null | awk '/"ProtoLens"/ {print \$1; exit}')
  [ -n "\$win" ] && break
  kill -0 \$pid 2>/dev/null || break
  sleep 0.1
done
window_s=\$(since "\$t0")
# the window records the model in recent-models.json once it is open
for i in \$(seq 1 600); do
  [ -s "$GUI_HOME/recent-models.json" ] && break
  sleep 0.1
done
model_s=\$(since "\$t0")
sleep 3
echo "window=\$win"
echo "window shown after \$window_s s, model open after \$model_s s"
if [ -n "\$win" ]; then
  echo "wm_class=\$(xprop -id "\$win" WM_CLASS | sed 's/.*= //')"
  import -window "\$win" "$TMP/window.png"
fi
kill \$pid 2>/dev/null
wait \$pid 2>/dev/null
exit 0
EOF
chmod +x "$TMP/window.sh"
timeout 180 xvfb-run -a -s "-screen 0 1600x1000x24" "$TMP/window.sh" > "$TMP/window.out" 2>&1 || true
sed 's/^/  /' "$TMP/window.out"
check "the launcher opened a window titled ProtoLens" grep -q '^window=0x' "$TMP/window.out"
check "the window opened the model (recent-models.json names it)" grep -qF "\"$MODEL\"" "$GUI_HOME/recent-models.json"
wm_class=$(sed -n 's/^wm_class=//p' "$TMP/window.out")
startup=$(sed -n 's/^StartupWMClass=//p' "$desktop")
check "desktop entry StartupWMClass=$startup matches the window's WM_CLASS ($wm_class)" grep -qF "\"$startup\"" <<<"$wm_class"
if [ -s "$TMP/window.png" ]; then
  mkdir -p "$(dirname "$SHOT")"
  cp "$TMP/window.png" "$SHOT"
  echo "  screenshot of the installed window: $SHOT ($(identify -format '%wx%h' "$SHOT" 2>/dev/null || echo '?'))"
fi
check "no error in the window's log" bash -c "! grep -E ' ERROR |Exception' '$TMP/window.log'"

echo "== sizes"
deb_bytes=$(stat -c %s "$deb")
root_kb=$(du -sk "$ROOT" | cut -f1)
echo "  .deb                 $(numfmt --to=si --suffix=B "$deb_bytes") ($deb_bytes bytes) $deb"
echo "  installed footprint  $(numfmt --to=si --suffix=B $((root_kb * 1024))) ($root_kb KiB under /opt/protolens; dpkg Installed-Size $(sed -n 's/^Installed-Size: //p' "$CTL/control") KiB)"
echo "  of which runtime     $(du -sh "$APP/lib/runtime" | cut -f1), app jars $(du -sh "$APP/lib/app" | cut -f1)"
echo "  libtorch extracted on first start: $(du -sh "$TMP/djl-cache" 2>/dev/null | cut -f1) in DJL_CACHE_DIR (~/.djl.ai by default)"
[ "$KEEP" = 1 ] && echo "  kept: $TMP"
if [ "$fails" -gt 0 ]; then echo "$fails check(s) failed"; exit 1; fi
echo "all checks passed"
