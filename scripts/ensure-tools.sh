#!/usr/bin/env bash
# Installs the Debian tools the tests use to check outputs independently of this SDK
# (poppler-utils: pdftoppm/pdffonts/pdftotext/pdfsig; dmtx-utils: dmtxread; xmlsec1; qpdf; faketime for the
# date-independence run; libxml2-utils: xmllint; libnss3-tools: certutil; unzip; openssl; python3 for zipfile).
# Installs what is missing when running as root with apt-get; otherwise fails saying what is missing.
set -euo pipefail
declare -A pkg=( [pdftoppm]=poppler-utils [pdffonts]=poppler-utils [pdftotext]=poppler-utils [pdfsig]=poppler-utils
                 [dmtxread]=dmtx-utils [xmlsec1]=xmlsec1 [qpdf]=qpdf [faketime]=faketime [xmllint]=libxml2-utils
                 [certutil]=libnss3-tools [unzip]=unzip [openssl]=openssl [python3]=python3
                 [sha1sum]=coreutils )
missing=()
for tool in "${!pkg[@]}"; do command -v "$tool" >/dev/null 2>&1 || missing+=("${pkg[$tool]}"); done
[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-tools: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "ensure-tools: missing Debian packages: ${missing[*]} — install them (apt-get install ${missing[*]}) and run again" >&2
  exit 1
fi
for tool in "${!pkg[@]}"; do command -v "$tool" >/dev/null 2>&1 || { echo "ensure-tools: $tool still missing" >&2; exit 1; }; done
