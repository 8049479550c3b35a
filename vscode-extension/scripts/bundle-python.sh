#!/usr/bin/env bash
# Put djvet and its dependencies, as pure-Python wheels unpacked, in bundled/libs: the
# extension runs `python -m djvet server` with that folder on PYTHONPATH when
# djvet.importStrategy is useBundled, so any Python >= 3.10 can run it.
# Usage: scripts/bundle-python.sh PYTHON      (PYTHON has pip; run by `make vsix`)
set -euo pipefail
python=${1:?usage: bundle-python.sh PYTHON}
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/.." && pwd)
wheels=$repo/build/vscode-wheels
libs=$here/bundled/libs
rm -rf "$wheels" "$libs"
mkdir -p "$wheels" "$libs"

# djvet itself, built from this checkout (its build log is only shown on failure)
"$python" -m pip wheel --quiet --no-deps --wheel-dir "$wheels" "$repo" > "$wheels/build.log" 2>&1 ||
  { cat "$wheels/build.log" >&2; exit 1; }
djvet_wheel=$(ls "$wheels"/djvet-*.whl)

# Its dependencies resolved for the oldest Python djvet supports (on 3.10 djvet and
# cattrs need backports of 3.11 modules: tomli and exceptiongroup, named here because pip
# evaluates markers for the Python running it), and only
# as `py3-none-any` wheels: a dependency that needs compiling makes this fail loudly.
"$python" -m pip install -qq --disable-pip-version-check --no-compile \
  --target "$libs" --only-binary=:all: \
  --python-version 3.10 --implementation py --abi none --platform any \
  "$djvet_wheel" "tomli>=1.1" "exceptiongroup>=1.1.1"
rm -rf "$libs/bin"
find "$libs" -name __pycache__ -type d -prune -exec rm -rf {} +
echo "bundled/libs: $(ls "$libs" | grep -c '\.dist-info$') distributions," \
  "$(du -sh "$libs" | cut -f1):" $(ls "$libs" | sed -n 's/\.dist-info$//p')
