#!/usr/bin/env bash
# The window as a screen reader sees it (packaging/a11y_check.py), under a virtual
# X display and a private D-Bus session. Needs Debian's xvfb, at-spi2-core, dbus,
# dbus-x11 and python3-pyatspi; the project's .venv must be installed.
set -euo pipefail
cd "$(dirname "$0")/.."
for need in xvfb-run dbus-run-session /usr/libexec/at-spi-bus-launcher; do
  command -v "$need" >/dev/null || { echo "a11y check: $need is missing" >&2; exit 2; }
done
/usr/bin/python3 -c "import pyatspi" || { echo "a11y check: python3-pyatspi is missing" >&2; exit 2; }
# Never hangs CI: the whole check has a deadline, and its processes go with it.
exec timeout --kill-after=10 300 xvfb-run -a dbus-run-session -- \
  /usr/bin/python3 packaging/a11y_check.py --app .venv/bin/oncoref --python .venv/bin/python
