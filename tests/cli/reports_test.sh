#!/usr/bin/env bash
# Runs reports_test.py with Debian's python3 (which has python3-jsonschema), not whatever
# python3 comes first on PATH.
exec /usr/bin/python3 "$(dirname "$0")/reports_test.py" "$@"
