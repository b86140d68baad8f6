#!/usr/bin/env bash
# Refresh the vendored front-end files from npm: only what the pages use, version in the path.
# Usage: scripts/vendor.sh  (versions below; bump them here and in templates/base.html)
set -euo pipefail
DKFDS_VERSION=11.2.0
HTMX_VERSION=4.0.1
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "dkfds@$DKFDS_VERSION" "htmx.org@$HTMX_VERSION" >/dev/null
mkdir dkfds htmx
tar xzf "dkfds-$DKFDS_VERSION.tgz" -C dkfds
tar xzf "htmx.org-$HTMX_VERSION.tgz" -C htmx

dk="$root/static/vendor/dkfds-$DKFDS_VERSION"
hx="$root/static/vendor/htmx-$HTMX_VERSION"
rm -rf "$dk" "$hx"
mkdir -p "$dk/css" "$dk/js" "$dk/fonts/IBMPlexSans/complete/woff2" "$dk/img/svg-icons" "$hx"
src=dkfds/package/dist
cp "$src/css/dkfds.min.css" "$dk/css/"
cp "$src/js/dkfds.min.js" "$dk/js/"
cp "$src/fonts/IBMPlexSans/complete/woff2/"*.woff2 "$dk/fonts/IBMPlexSans/complete/woff2/"
# The stylesheet's regular face names .woff before .woff2, so browsers fetch that one file.
mkdir -p "$dk/fonts/IBMPlexSans/complete/woff"
cp "$src/fonts/IBMPlexSans/complete/woff/IBMPlexSans-Regular.woff" "$dk/fonts/IBMPlexSans/complete/woff/"
cp "$src/img/all-svg-icons.svg" "$dk/img/"
# The stylesheet draws some controls (checkbox ticks, select arrows) with these icons.
cp "$src/img/svg-icons/"*.svg "$dk/img/svg-icons/"
cp "$src/LICENSE.md" "$dk/"
cp htmx/package/dist/htmx.min.js "$hx/"
cp htmx/package/LICENSE "$hx/"
echo "vendored dkfds $DKFDS_VERSION and htmx $HTMX_VERSION into static/vendor/"
