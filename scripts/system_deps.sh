#!/usr/bin/env bash
# Install the Debian packages the test suite needs (browser tests, CJK fonts for PDFs and screenshots,
# a QR decoder, PDF rendering). Only as root with apt-get; otherwise say what is missing.
set -u
needed=(chromium fonts-wqy-zenhei zbar-tools poppler-utils)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || echo "apt-get could not install: ${missing[*]}"
else
  echo "Missing Debian packages (not root, cannot install): ${missing[*]}"
  echo "  The tests that need them will be skipped (browser tests need chromium and a CJK font)."
fi
exit 0
