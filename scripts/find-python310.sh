#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 runs on Python 3.8-3.10 only).
set -euo pipefail
if [[ -n "${PYTHON310:-}" ]]; then echo "$PYTHON310"; exit 0; fi
for candidate in python3.10 "$(pyenv root 2>/dev/null)/versions/"3.10*/bin/python3.10 \
                 "$HOME/.pyenv/versions/"3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
  if path=$(command -v "$candidate" 2>/dev/null) && "$path" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
    echo "$path"; exit 0
  fi
done
echo "error: Python 3.10 not found. Install it (e.g. 'pyenv install 3.10') or set PYTHON310=/path/to/python3.10" >&2
exit 1
