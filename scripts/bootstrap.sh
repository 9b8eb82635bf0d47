#!/usr/bin/env bash
# Installs every real part the tests and the demo start: Debian packages (Dovecot, Chromium, libevtx-utils, and clang
# with zlib for the native build of imapauto),
# the pinned npm packages in tools/node (Azurite, the Adaptive Cards renderer), and the NuGet-shipped tools
# (Pester, the Bicep CLI) into .tools/. Idempotent: a second run only checks.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { printf '[bootstrap] %s\n' "$*" >&2; }

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

# Debian packages ------------------------------------------------------------------------------
apt_packages=(dovecot-imapd chromium libevtx-utils openssl clang zlib1g-dev)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The package starts a system Dovecot on 143/993; the tests run their own private instances instead.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet dovecot 2>/dev/null; then
  "${sudo_cmd[@]}" systemctl stop dovecot || true
fi

# npm packages ---------------------------------------------------------------------------------
if [ ! -f tools/node/node_modules/.package-lock.json ] || [ tools/node/package-lock.json -nt tools/node/node_modules/.package-lock.json ]; then
  log "npm ci in tools/node"
  (cd tools/node && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# NuGet-shipped tools --------------------------------------------------------------------------
mkdir -p .tools
if [ ! -f .tools/pester/Pester.psd1 ] || [ ! -x .tools/bicep ]; then
  log "dotnet restore tools/nuget (Pester, Bicep CLI)"
  dotnet restore tools/nuget/tools.csproj --verbosity quiet >/dev/null
  nuget_root="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  rm -rf .tools/pester
  cp -r "$nuget_root/pester/6.2.0/tools" .tools/pester
  cp "$nuget_root/azure.bicep.commandline.linux-x64/0.49.2/tools/bicep" .tools/bicep
  chmod +x .tools/bicep
fi

log "ready: dovecot $(dovecot --version 2>/dev/null | cut -d' ' -f1), $(chromium --version 2>/dev/null), azurite $(node -p "require('./tools/node/node_modules/azurite/package.json').version"), bicep $(.tools/bicep --version | awk '{print $4}')"
