#!/usr/bin/env bash
# The Spanish catalog after a change of words: gathers every marked string into
# civicloop/locale/es/LC_MESSAGES/django.po (new ones untranslated, changed ones fuzzy),
# then, once they are translated, compiles the .mo Django reads. Needs GNU gettext.
#   usage: scripts/translations.sh          # update the .po, then translate what is new
#          scripts/translations.sh compile  # compile the .po into the .mo (commit both)
set -euo pipefail
cd "$(dirname "$0")/../civicloop"
PY="${PYTHON:-python3}"
if [ -n "${VIRTUAL_ENV:-}" ]; then PY="$VIRTUAL_ENV/bin/python"; fi
if [ "${1:-}" = "compile" ]; then
  msgfmt --check -o locale/es/LC_MESSAGES/django.mo locale/es/LC_MESSAGES/django.po
else
  # Outside any settings, as the test does: the catalog is the sources' marked strings.
  env -u DJANGO_SETTINGS_MODULE PYTHONPATH="$PWD/.." "$PY" -m django makemessages -l es \
    --add-location file --ignore 'tests/*' --ignore '*/tests/*' --ignore 'demo/*'
  # The statistics only: compiled into a throwaway file (never -o /dev/null: run as root,
  # a tool that replaces its output file would replace the device).
  scratch="$(mktemp)"; msgfmt --statistics -o "$scratch" locale/es/LC_MESSAGES/django.po; rm -f "$scratch"
fi
