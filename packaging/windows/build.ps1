# Builds the Windows installer (.msi) with jlink + jpackage. Run on Windows with JDK 25 and the WiX Toolset
# (v3 or v4, as jpackage 25 requires). Same staging as Linux, Windows natives only.
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
mvn -B -ntp -q -DskipTests package
bash packaging/stage.sh windows x86_64 target/package/input   # Git Bash; or stage by hand as stage.sh does
$modules = Get-Content packaging/modules.txt
jlink --add-modules $modules --strip-debug --no-header-files --no-man-pages --compress zip-6 --output target/package/runtime
jpackage --type msi --dest target/installer --name ProtoLens --app-version 0.1.0 --vendor ProtoLens `
  --description "See an LLM write a whole text in one forward pass from two learned vectors" `
  --input target/package/input --main-jar protolens.jar --main-class dev.protolens.app.Main `
  --runtime-image target/package/runtime --icon assets/icons/protolens.ico --license-file LICENSE `
  --java-options "-XX:MaxRAMPercentage=75" --java-options "--enable-native-access=ALL-UNNAMED" `
  --java-options "-Dprotolens.installed=true" `
  --win-menu --win-menu-group ProtoLens --win-shortcut --win-dir-chooser --win-per-user-install `
  --win-upgrade-uuid 6f1d1c53-2f0e-4a1e-9b9c-7e0a5d3c6b21 --win-console
# --win-console keeps one launcher for both the window and the command line (protolens.exe fit ...)
