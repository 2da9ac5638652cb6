#!/usr/bin/env bash
# The HTML report in a real browser: predict on data/ -> summarize --html, then headless
# Chromium checks that the rendered DOM holds every sentence and the chart, and that a
# screenshot of the page is not blank. Installs Debian's chromium when it is missing.
# Usage: tests/report_browser.sh [SCREENSHOT.png]   (run from anywhere; builds the binaries)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium not found: installing Debian's package"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

cargo build --quiet --locked --bin predict --bin summarize
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

target/debug/predict --quiet --keep folder data > "$work/scored.jsonl"
bin="$PWD/target/debug"
(cd "$work" && "$bin/summarize" --by folder --html report.html scored.jsonl > summary.csv)

browser=(chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage
  --no-first-run --user-data-dir="$work/profile")
# Chromium reads file:// URLs; a report needs nothing from the network.
"${browser[@]}" --dump-dom "file://$work/report.html" > "$work/dom.html" 2> "$work/chromium.log"
shot="${1:-$work/report.png}"
"${browser[@]}" --hide-scrollbars --window-size=900,1100 --screenshot="$shot" \
  "file://$work/report.html" >> "$work/chromium.log" 2>&1

python3 - "$work/scored.jsonl" "$work/dom.html" "$shot" <<'PY'
import html, json, struct, sys, zlib

scored, dom_path, png_path = sys.argv[1:4]
records = [json.loads(l) for l in open(scored, encoding="utf-8") if l.strip()]
dom = open(dom_path, encoding="utf-8").read()
assert "<svg" in dom and 'id="chart"' in dom, "the chart is not in the rendered DOM"
assert dom.count("<rect") > 0, "the chart has no bars"
text = html.unescape(dom)
missing = [r["text"] for r in records if r["text"] not in text]
assert not missing, f"{len(missing)} of {len(records)} sentences missing, e.g. {missing[0]!r}"
assert dom.count('tabindex="0"') == len(records), "every sentence takes keyboard focus"

# The screenshot: a PNG, not blank (many colours, not one).
data = open(png_path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width = 8, b"", 0
while pos < len(data):
    (length,) = struct.unpack(">I", data[pos:pos + 4])
    kind = data[pos + 4:pos + 8]
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and colour in (2, 6), f"unexpected PNG type {depth}/{colour}"
        bpp = 3 if colour == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * bpp
rows, prev, colours = [], bytearray(stride), set()
for y in range(height):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, stride, bpp * 2):
            colours.add(bytes(line[x:x + 3]))
    prev = line
non_white = sum(1 for c in colours if c != b"\xff\xff\xff")
assert len(colours) >= 8 and non_white >= 7, f"the screenshot looks blank ({len(colours)} colours)"
print(f"report_browser: {len(records)} sentences in the rendered DOM, chart present; "
      f"screenshot {width}x{height}, {len(data)} bytes, {len(colours)} colours sampled")
PY
