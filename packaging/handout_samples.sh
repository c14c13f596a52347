#!/usr/bin/env bash
# The two sample handouts shown in README, as PDF pages rendered to PNG
# (needs pdftoppm from poppler-utils). Run from the project folder:
#   bash packaging/handout_samples.sh [python]
set -euo pipefail
python=${1:-python3}
out=docs/screenshots
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen ONCOREF_CACHE_DIR="$work/cache" XDG_CONFIG_HOME="$work/config"

"$python" -m desktop print acs-treating-gist \
    --section targeted-therapy-for-gastrointestinal-stromal-tumor \
    --clinic "Riverside Cancer Centre" --phone "555-0142" -o "$work/gist.pdf"
"$python" -m desktop print nci-small-intestine-cancer-treatment \
    --section treatment-of-small-intestine-adenocarcinoma \
    --section treatment-of-small-intestine-leiomyosarcoma \
    --section treatment-of-recurrent-small-intestine-cancer \
    --large-print --clinic "Riverside Cancer Centre" --phone "555-0142" -o "$work/nci-large.pdf"

rm -f "$out"/handout-*.png
pdftoppm -png -r 60 "$work/gist.pdf" "$out/handout-gist-targeted"
pdftoppm -png -r 60 "$work/nci-large.pdf" "$out/handout-nci-treatment-large"
ls "$out"/handout-*.png
