#!/usr/bin/env bash
# Measures the incident engine against a private Azurite on loopback and writes the figures to docs/benchmarks.md.
# Usage: scripts/bench-incidents.sh [--ingests N] [--storm-events N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
azurite="$root/tools/node/node_modules/azurite/dist/src/azurite.js"
[[ -f "$azurite" ]] || { echo "Azurite is not installed; run scripts/bootstrap.sh first." >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
data="$(mktemp -d)"
queue_port="$(free_port)"; table_port="$(free_port)"; blob_port="$(free_port)"
node "$azurite" --silent --skipApiVersionCheck --disableProductStyleUrl --loose --location "$data" \
  --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort "$table_port" >"$data/azurite.log" 2>&1 &
azurite_pid=$!
trap 'kill "$azurite_pid" 2>/dev/null || true; wait "$azurite_pid" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$table_port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$queue_port") 2>/dev/null && break
  sleep 0.2
done

# Azurite's published development account and key, valid only against this loopback instance.
account=devstoreaccount1
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
cs="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;QueueEndpoint=http://127.0.0.1:$queue_port/$account;TableEndpoint=http://127.0.0.1:$table_port/$account;"

dotnet build "$root/src/ImapAutomation.Cli" -c Release -v quiet -clp:ErrorsOnly
dotnet "$root/src/ImapAutomation.Cli/bin/Release/net10.0/imapauto.dll" bench incidents \
  --connection-string "$cs" --output "$root/docs/benchmarks.md" "$@"
