#!/usr/bin/env bash
# Renders protolens.svg into the PNG sizes the app and the installers use, plus .ico (Windows) and .icns (macOS).
# Needs rsvg-convert (librsvg2-bin), ImageMagick's convert and python3.
set -euo pipefail
cd "$(dirname "$0")"
for s in 16 24 32 48 64 128 256 512 1024; do rsvg-convert -w $s -h $s protolens.svg -o protolens-$s.png; done
convert protolens-16.png protolens-24.png protolens-32.png protolens-48.png protolens-64.png protolens-256.png protolens.ico
python3 - <<'PY'
import struct
body = b''
for t, f in [(b'ic07', 'protolens-128.png'), (b'ic08', 'protolens-256.png'), (b'ic09', 'protolens-512.png'),
             (b'ic10', 'protolens-1024.png')]:
    d = open(f, 'rb').read()
    body += t + struct.pack('>I', len(d) + 8) + d
open('protolens.icns', 'wb').write(b'icns' + struct.pack('>I', len(body) + 8) + body)
PY
rm protolens-1024.png
