#!/usr/bin/env bash
# One command from a fresh Debian machine to a built demo:
#   system packages (LibreOffice for conversion tests, Pango for WeasyPrint, CJK fonts), the free Fandol
#   fonts for 仿宋/楷体/黑体/宋体, the font-name mapping, the Python package, then the demo.
# Safe to run again: it installs only what is missing.  --no-demo skips the demo build.
set -euo pipefail
cd "$(dirname "$0")"

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  # Pango renders for WeasyPrint; harfbuzz-subset keeps font subsetting fast (0.2 s, not 15 s);
  # qpdf splits and joins certificate PDFs; chromium runs the workbench's browser tests;
  # unzip is a second reader of the certificate .docx archives the tests check
  packages=(libreoffice-writer-nogui fonts-noto-cjk fontconfig poppler-utils libharfbuzz-subset0
            libpango-1.0-0 libpangoft2-1.0-0 postgresql qpdf chromium unzip)
  missing=()
  for pkg in "${packages[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  fandol=/usr/local/share/fonts/fandol
  if [ ${#missing[@]} -gt 0 ] || [ ! -f "$fandol/FandolFang-Regular.otf" ]; then
    apt-get update -q
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  if [ ! -f "$fandol/FandolFang-Regular.otf" ]; then
    # the four Fandol .otf files ship in texlive-lang-chinese; take them without installing TeX
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download -q texlive-lang-chinese)
    dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
    mkdir -p "$fandol"
    cp "$tmp"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol{Fang,Kai,Hei,Song}-Regular.otf "$fandol/"
    rm -rf "$tmp"
  fi
  if ! cmp -s templates/fonts/60-gongwen.conf /etc/fonts/conf.d/60-gongwen.conf; then
    install -m 644 templates/fonts/60-gongwen.conf /etc/fonts/conf.d/60-gongwen.conf
    fc-cache -f >/dev/null
  fi
  # a local PostgreSQL for the register (the tests run every register test on it and on
  # SQLite): start the cluster, let root in by peer authentication, create the test database
  cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')
  if [ -n "$cluster" ]; then
    pg_ctlcluster $cluster start 2>/dev/null || true
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='root'\"" | grep -q 1 ||
      su postgres -c "createuser --superuser root"
    psql -qtAc "SELECT 1 FROM pg_database WHERE datname='gongwen_test'" postgres | grep -q 1 ||
      createdb gongwen_test
  fi
else
  echo "setup: not root or no apt-get; install LibreOffice, Pango, fonts-noto-cjk and the Fandol fonts yourself" >&2
fi

python3 -m pip install -q --disable-pip-version-check -e ".[test]"
# the word list that title breaking reads, built once here so no first build pays for it
python3 -m pipeline.transforms.words

if [ "${1:-}" != "--no-demo" ]; then
  # every plan in inputs/; the notice with number: auto takes its number from the register
  # (register.db here), and building it again keeps that number
  python3 -m pipeline build inputs -o outputs
  python3 -m pipeline build inputs/implementation-plan-notice.yaml -o outputs
  # one circular per village, consecutive numbers, a manifest
  python3 -m pipeline batch inputs/batch/village-notice.yaml --rows inputs/batch/villages.csv \
    -o outputs/villages
  # one 通报 per village, its figures drawn from the same workbook the rows come from
  python3 -m pipeline batch inputs/batch/village-economy.yaml --rows inputs/data/villages.xlsx \
    --sheet 2025年 -o outputs/villages
  python3 -m pipeline number list
  # 荣誉证书 from an Excel roster as offices keep it (title row, blank row, 合计 row)
  python3 -m pipeline certificates inputs/certificates/certificates.yaml \
    --roster inputs/certificates/roster.xlsx -o outputs/certificates
fi
