#!/bin/sh
# Install OncoRef from this folder (the unpacked bundle) so it appears in the
# desktop's applications menu.
#   ./install.sh            as root: for everyone, into /opt/OncoRef
#   ./install.sh --user     for you alone, into ~/.local/lib/OncoRef
#   ./install.sh --uninstall [--user]
# The program never writes to where it is installed; each person's settings,
# search cache and own data go to their ~/.config/OncoRef, ~/.cache/OncoRef and
# ~/.local/share/OncoRef (which installing and removing never touch).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mode=system
action=install
for arg in "$@"; do
  case "$arg" in
    --user) mode=user ;;
    --uninstall) action=uninstall ;;
    *) echo "usage: $0 [--user] [--uninstall]" >&2; exit 2 ;;
  esac
done
if [ "$mode" = system ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Installing for everyone needs root (sudo $0), or use: $0 --user" >&2
    exit 1
  fi
  app=/opt/OncoRef bin=/usr/local/bin share=/usr/share
else
  data=${XDG_DATA_HOME:-$HOME/.local/share}
  app=$HOME/.local/lib/OncoRef bin=$HOME/.local/bin share=$data
fi

if [ "$action" = uninstall ]; then
  rm -rf "$app"
  rm -f "$bin/oncoref" "$share/applications/oncoref.desktop"
  rm -f "$share"/icons/hicolor/*/apps/oncoref.png
  echo "OncoRef removed from $app"
  exit 0
fi

if [ "$here" != "$app" ]; then
  rm -rf "$app.new"
  mkdir -p "$(dirname "$app")"
  cp -R "$here" "$app.new"
  rm -rf "$app"
  mv "$app.new" "$app"
fi
mkdir -p "$bin" "$share/applications"
ln -sf "$app/OncoRef" "$bin/oncoref"
sed "s|^Exec=.*|Exec=$app/OncoRef|" "$here/oncoref.desktop" >"$share/applications/oncoref.desktop"
for size in 16 24 32 48 64 128 256; do
  mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
  cp "$here/_internal/resources/icons/oncoref-$size.png" "$share/icons/hicolor/${size}x${size}/apps/oncoref.png"
done
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
echo "OncoRef installed in $app; start it from the applications menu or with: $bin/oncoref"
