#!/usr/bin/env bash
# Prints a short hash of everything an installed database depends on: our add-ons and the lock.
. "$(dirname "$0")/env.sh"
cd "$ROOT"
{ git ls-files -co --exclude-standard addons requirements.txt 2>/dev/null || find addons requirements.txt -type f; } \
  | grep -v -e '/tests/' -e '\.pyc$' | LC_ALL=C sort | xargs sha1sum | sha1sum | cut -c1-10
