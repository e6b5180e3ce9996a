#!/usr/bin/env bash
# Installs what chorus needs to build, test and run on Debian 12. Idempotent and silent when
# everything is already present; otherwise one `apt-get update` and one `apt-get install`.
set -euo pipefail
pkgs=(build-essential cmake pkg-config clang libclang-rt-14-dev
      libsimdjson-dev libutf8proc-dev libxxhash-dev libzstd-dev zlib1g-dev
      libopenmpi-dev openmpi-bin
      libsqlite3-dev sqlite3 libigraph-dev libcmocka-dev libwebsockets-dev openssl
      libstemmer-dev wordnet-base libmicrohttpd-dev curl libxml2-dev
      zstd gzip time bc python3 python3-networkx python3-igraph
      python3-cffi python3-dev python3-setuptools python3-pandas python3-matplotlib
      jupyter-nbconvert python3-ipykernel python3-nbformat
      r-base-core r-cran-dbi r-cran-rsqlite)
# the browser tests: Chromium, driven over the DevTools protocol (python3-websocket; the
# report's screenshots checked with python3-pil) or through Selenium (chromium-driver)
[ "${CHORUS_WITH_BROWSER:-0}" = 1 ] && pkgs+=(chromium chromium-driver python3-selenium wrk
                                             python3-websocket python3-pil)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
