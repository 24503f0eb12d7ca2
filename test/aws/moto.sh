#!/bin/sh
# Start moto in server mode on loopback, with the Glue ListSchemas,
# ListSchemaVersions and ListRegistries paging that moto 5.2.1 lacks.
# Usage: test/aws/moto.sh [PORT]   (default: $MOTO_PORT, else 5055)
# Then: export MOTO_ENDPOINT=http://127.0.0.1:PORT
set -eu
port="${1:-${MOTO_PORT:-5055}}"
exec python3 "$(dirname "$0")/moto_server.py" -H 127.0.0.1 -p "$port"
