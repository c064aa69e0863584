#!/usr/bin/env bash
# Builds the project's local container images from Debian packages, for machines that reach Debian's
# mirrors but no image registry. Usage: scripts/local-images.sh TARGET...
#   base      Debian trixie (minbase, slimmed) from debootstrap, brought in with `docker import`
#   postgres  PostgreSQL 17 from Debian on the base, with the official image's env contract
#   node      Node.js 22 and npm from the npm registry on the base
# Each image records a hash of its recipe in a label and is reused while the recipe is unchanged;
# a target's dependencies are built first. Progress goes to stderr; each target's image name is
# printed on stdout. Needs a Docker engine (DOCKER_HOST) and, for base, root and debootstrap.
# Adding an image: a directory scripts/images/NAME/ with a Dockerfile that starts `ARG BASE` /
# `FROM ${BASE}`, and a line in image_name below. The npm packages (name@version) listed in its
# optional file npm-packs are fetched with `npm pack` into the build context.
set -euo pipefail

IMAGES_DIR="$(cd "$(dirname "$0")" && pwd)/images"
DEBIAN_SUITE=trixie
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
RECIPE_LABEL=org.supportdesk.recipe
SLIM_DPKG_CONFIG='path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias'

image_name() {
  case "$1" in
    base) echo "supportdesk-local/debian:$DEBIAN_SUITE" ;;
    postgres) echo "supportdesk-local/postgres:17" ;;
    node) echo "supportdesk-local/node:22" ;;
    *) return 1 ;;
  esac
}

log() { printf '[local-images] %s\n' "$*" >&2; }

# The recipe label of an image, or nothing when the image is absent.
built_recipe() {
  docker image inspect --format "{{ index .Config.Labels \"$RECIPE_LABEL\" }}" "$1" 2>/dev/null || true
}

base_recipe() {
  { printf 'debootstrap minbase %s %s\n' "$DEBIAN_SUITE" "$DEBIAN_MIRROR"; echo "$SLIM_DPKG_CONFIG"; } | sha256sum | cut -c1-16
}

# A Dockerfile image's recipe: its directory's files and the id of the base it is built on.
dir_recipe() {
  local dir="$1" base_id="$2"
  { (cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); echo "$base_id"; } |
    sha256sum | cut -c1-16
}

build_base() {
  local name recipe rootfs
  name="$(image_name base)"
  recipe="$(base_recipe)"
  if [[ "$(built_recipe "$name")" == "$recipe" ]]; then
    log "reusing $name"
    return
  fi
  command -v debootstrap >/dev/null || { log "debootstrap is not installed (apt-get install debootstrap)"; return 1; }
  ROOTFS="$(mktemp -d /tmp/supportdesk-rootfs.XXXXXX)"
  rootfs="$ROOTFS"
  log "debootstrap $DEBIAN_SUITE from $DEBIAN_MIRROR (a few minutes the first time)"
  debootstrap --variant=minbase "$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR" >&2
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $DEBIAN_SUITE $DEBIAN_SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${DEBIAN_MIRROR%/debian}/debian-security
Suites: $DEBIAN_SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  # Slim, as Debian's official -slim images: no documentation, manual pages or translations, neither
  # now nor from the packages the images built on it install later (dpkg's path-exclude).
  printf '%s\n' "$SLIM_DPKG_CONFIG" >"$rootfs/etc/dpkg/dpkg.cfg.d/supportdesk-slim"
  find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/*
  tar --numeric-owner -C "$rootfs" -c . |
    docker import --change "LABEL $RECIPE_LABEL=$recipe" --change 'ENV LANG=C.UTF-8' --change 'CMD ["bash"]' - "$name" >&2
  remove_rootfs
  log "built $name"
}

# debootstrap mounts filesystems inside the target; a failed or interrupted run must not leave them.
ROOTFS=""
remove_rootfs() {
  [[ -n "$ROOTFS" && -d "$ROOTFS" ]] || return 0
  local m
  for m in proc sys dev/pts dev; do
    if mountpoint -q "$ROOTFS/$m"; then umount -l "$ROOTFS/$m"; fi
  done
  rm -rf --one-file-system "$ROOTFS"
  ROOTFS=""
}
CONTEXT=""
trap 'remove_rootfs; if [[ -n "$CONTEXT" ]]; then rm -rf "$CONTEXT"; fi' EXIT

# BUILD_CONTEXT, the directory docker builds from: the image's own, or a temporary copy (CONTEXT,
# removed on exit) with its npm-packs fetched into it. npm-packs pins exact versions, so the
# recipe (the directory's files) names what is fetched.
prepare_context() {
  local dir="$1" spec
  BUILD_CONTEXT="$dir"
  [[ -f "$dir/npm-packs" ]] || return 0
  CONTEXT="$(mktemp -d /tmp/supportdesk-context.XXXXXX)"
  BUILD_CONTEXT="$CONTEXT"
  cp -a "$dir/." "$CONTEXT/"
  while read -r spec; do
    [[ -z "$spec" || "$spec" == '#'* ]] && continue
    log "npm pack $spec"
    npm pack --silent --pack-destination "$CONTEXT" "$spec" >/dev/null
  done <"$dir/npm-packs"
}

# An image from scripts/images/TARGET/Dockerfile on the base. The build runs on the host network:
# the engine may have no NAT (CI starts it with --iptables=false), and apt needs the mirror.
build_dir_image() {
  local target="$1" name base base_id recipe
  name="$(image_name "$target")"
  build_base
  base="$(image_name base)"
  base_id="$(docker image inspect --format '{{.Id}}' "$base")"
  recipe="$(dir_recipe "$IMAGES_DIR/$target" "$base_id")"
  if [[ "$(built_recipe "$name")" == "$recipe" ]]; then
    log "reusing $name"
    return
  fi
  log "building $name"
  prepare_context "$IMAGES_DIR/$target"
  DOCKER_BUILDKIT=0 docker build --network host --build-arg "BASE=$base" --label "$RECIPE_LABEL=$recipe" \
    --tag "$name" "$BUILD_CONTEXT" >&2
  log "built $name"
}

[[ $# -gt 0 ]] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
for target in "$@"; do
  image_name "$target" >/dev/null || { log "unknown image: $target"; exit 2; }
  if [[ "$target" == base ]]; then build_base; else build_dir_image "$target"; fi
  image_name "$target"
done
