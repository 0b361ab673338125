#!/bin/sh
# Installs every build, test and run dependency from Debian's packages.
# Idempotent: when everything is present it returns without touching apt.
set -eu

PACKAGES="
build-essential pkg-config
libmagic-dev libmagic-mgc
libtesseract-dev libleptonica-dev
tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-chi-tra
libzmq3-dev libsystemd-dev
libcmocka-dev
libhyperscan-dev libutf8proc-dev libjansson-dev
libpoppler-glib-dev libarchive-dev libxml2-dev libgmime-3.0-dev libuchardet-dev libgsf-1-dev
ripgrep grep poppler-utils tesseract-ocr
python3 fonts-noto-cjk imagemagick ghostscript systemd procps
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run 'make deps' as root (apt-get install)" >&2
	exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
