#!/usr/bin/env bash
# Builds the experiment's addon (gemm.node) with the system gcc and Node's own headers; no node-gyp.
# -ffp-contract=off: no fused multiply-add, so float64 keeps the bits of the wasm kernel.
set -euo pipefail
cd "$(dirname "$0")"
headers="$(dirname "$(command -v node)")/../include/node"
[ -f "$headers/node_api.h" ] || headers=/usr/include/node
gcc -O3 -mavx512f -mavx2 -ffp-contract=off -Wall -shared -fPIC -I"$headers" gemm.c -o gemm.node
echo "built $(pwd)/gemm.node"
