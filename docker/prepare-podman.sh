#!/usr/bin/env bash
# Prepares a machine without a Docker engine (Debian 12, root, no image registry reachable) to run the
# project's Testcontainers integration tests on rootful podman:
#
#   1. installs podman and what it needs (apt), only the packages that are missing;
#   2. writes /etc/containers/containers.conf and storage.conf, only when they differ;
#   3. builds the base image localhost/debian-jre:bookworm (debootstrap + OpenJDK 17 JRE) unless present;
#   4. builds the Kafka broker image from docker/kafka/ for the pom's kafka.version, tagged
#      localhost/vicreg-kafka:<ver> and docker.io/apache/kafka:<ver> (so KafkaContainer("apache/kafka:<ver>")
#      finds it and never pulls), unless present and built from the same recipe;
#   5. starts podman's Docker-compatible API service on a unix socket unless it already answers.
#
# Idempotent: on a prepared machine it checks and returns in a few seconds. A fresh machine takes a few
# minutes (packages, debootstrap, broker jars from Maven Central).
#
# Usage: docker/prepare-podman.sh [--rebuild] [--rebuild-base]
#   --rebuild       rebuild the Kafka image even if it exists
#   --rebuild-base  rebuild the base image too (implies --rebuild)
# Environment: PODMAN_SOCK (default /run/podman/podman.sock), DEBIAN_MIRROR (default: the mirror apt uses),
# TMPDIR (scratch space for the image builds, default /var/tmp).
#
# Progress goes to stderr; stdout gets only the environment for the tests, so that both
#   eval "$(docker/prepare-podman.sh)"     and     docker/prepare-podman.sh && . docker/podman-env.sh
# work. Exits non-zero, with the reason on stderr, when any step fails.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
SOCK=${PODMAN_SOCK:-/run/podman/podman.sock}
SUITE=bookworm
BASE_IMAGE=localhost/debian-jre:$SUITE
PACKAGES=(podman runc conmon netavark aardvark-dns containernetworking-plugins iptables catatonit debootstrap)
SERVICE_LOG=/var/log/podman-service.log
SERVICE_PID=$(dirname "$SOCK")/vicreg-podman-service.pid
RECIPE_LABEL=io.github.vicregstreams.recipe
# Scratch space for the image builds: a root filesystem does not fit every /tmp (often a tmpfs).
SCRATCH=${TMPDIR:-/var/tmp}

REBUILD=false
REBUILD_BASE=false
for arg in "$@"; do
  case "$arg" in
    --rebuild) REBUILD=true ;;
    --rebuild-base) REBUILD=true; REBUILD_BASE=true ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "prepare-podman: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

START=$SECONDS
log() { printf '[prepare-podman %3ds] %s\n' "$((SECONDS - START))" "$*" >&2; }
DIED=false
die() { DIED=true; printf '[prepare-podman] FAILED: %s\n' "$*" >&2; exit 1; }
# The chroot of step 3, while it exists: /proc is unmounted before it is removed, on any exit.
ROOTFS=""
cleanup_rootfs() {
  [[ -n $ROOTFS && -d $ROOTFS ]] || return 0
  if mountpoint -q "$ROOTFS/proc"; then umount "$ROOTFS/proc" || umount -l "$ROOTFS/proc"; fi
  if mountpoint -q "$ROOTFS/proc"; then log "WARNING: $ROOTFS/proc still mounted; leaving $ROOTFS"; return 0; fi
  rm -rf --one-file-system "$ROOTFS"
}
FAILED_AT=""
trap 'FAILED_AT="line $LINENO: $BASH_COMMAND"' ERR
on_exit() {
  local rc=$?
  cleanup_rootfs
  if [[ $rc -ne 0 ]] && ! $DIED; then
    printf '[prepare-podman] FAILED (exit %d) at %s\n' "$rc" "${FAILED_AT:-an interruption}" >&2
  fi
}
trap on_exit EXIT

[[ $(id -u) -eq 0 ]] || die "must run as root (this sets up rootful podman); try: sudo $0"
command -v apt-get >/dev/null || die "needs a Debian-like system with apt-get"

# ---------------------------------------------------------------------------------------------------
# 1. Packages
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_log=$(mktemp "$SCRATCH/vicreg-apt.XXXXXX.log")
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } > "$apt_log" 2>&1 \
    || { tail -n 20 "$apt_log" >&2; die "apt-get could not install ${missing[*]} (log: $apt_log)"; }
  rm -f "$apt_log"
else
  log "packages present: ${PACKAGES[*]}"
fi

# ---------------------------------------------------------------------------------------------------
# 2. Configuration. runc: crun 1.8 rejects hybrid cgroup hosts. cgroupfs and a file events log: no
# systemd here. ulimits: podman's default nofile of 1048576 fails without CAP_SYS_RESOURCE
# ("setrlimit RLIMIT_NOFILE: Operation not permitted"), so use this machine's hard limit.
HARD_NOFILE=$(ulimit -Hn)
[[ $HARD_NOFILE == unlimited ]] && HARD_NOFILE=1048576
CONFIG_CHANGED=false
write_config() { # path content
  local path=$1 content=$2
  if [[ -f $path ]] && [[ $(cat "$path") == "$content" ]]; then
    log "$path is as needed"
    return
  fi
  mkdir -p "$(dirname "$path")"
  if [[ -f $path && ! -f $path.before-vicreg ]]; then
    cp -p "$path" "$path.before-vicreg"
    log "saved the previous $path as $path.before-vicreg"
  fi
  printf '%s\n' "$content" > "$path"
  CONFIG_CHANGED=true
  log "wrote $path"
}
write_config /etc/containers/containers.conf "# Written by vicreg-streams docker/prepare-podman.sh
[containers]
default_ulimits = [\"nofile=$HARD_NOFILE:$HARD_NOFILE\", \"nproc=32768:32768\"]

[engine]
runtime = \"runc\"
cgroup_manager = \"cgroupfs\"
events_logger = \"file\""
write_config /etc/containers/storage.conf '# Written by vicreg-streams docker/prepare-podman.sh
[storage]
driver = "overlay"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"'

podman info --format '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}' >/dev/null 2>&1 \
  || die "podman does not work: $(podman info 2>&1 | tail -n 3)"

# ---------------------------------------------------------------------------------------------------
# 3. Base image: Debian minbase + OpenJDK 17 JRE, from the mirror apt already uses (no registry needed).
apt_mirror() { # the URI of the first apt source that serves $SUITE
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk -v suite="$SUITE" '
      function flush() { if (!found && uri != "" && has && deb) { print uri; found = 1 } uri = ""; has = 0; deb = 0 }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
      tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) has = 1 }
      END { flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk -v suite="$SUITE" '
      $1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) print $i }' "$f"
  done
}

if $REBUILD_BASE || ! podman image exists "$BASE_IMAGE"; then
  MIRROR=${DEBIAN_MIRROR:-$(apt_mirror | awk 'NR == 1')}
  [[ -n $MIRROR ]] || die "no apt source serves '$SUITE' in /etc/apt/sources.list{,.d/}; set DEBIAN_MIRROR"
  previous_base=$(podman image inspect --format '{{.Id}}' "$BASE_IMAGE" 2>/dev/null || true)
  ROOTFS=$(mktemp -d "$SCRATCH/vicreg-debian-jre.XXXXXX")
  log "building $BASE_IMAGE: debootstrap --variant=minbase $SUITE from $MIRROR"
  debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" > "$ROOTFS.debootstrap.log" 2>&1 \
    || { tail -n 20 "$ROOTFS.debootstrap.log" >&2; die "debootstrap failed (log: $ROOTFS.debootstrap.log)"; }
  rm -f "$ROOTFS.debootstrap.log"
  log "installing openjdk-17-jre-headless in the chroot"
  cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
  mount -t proc proc "$ROOTFS/proc"
  # TMPDIR from this environment may not exist inside the chroot.
  env -u TMPDIR DEBIAN_FRONTEND=noninteractive chroot "$ROOTFS" /bin/bash -c '
      set -e
      mkdir -p /usr/share/man/man1
      apt-get -o APT::Sandbox::User=root update -qq
      apt-get -o APT::Sandbox::User=root install -y -qq --no-install-recommends openjdk-17-jre-headless
      apt-get clean
      rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/share/doc/* /usr/share/man/* /tmp/*' \
      > "$ROOTFS.chroot.log" 2>&1 \
    || { tail -n 20 "$ROOTFS.chroot.log" >&2; die "installing Java in the chroot failed (log: $ROOTFS.chroot.log)"; }
  rm -f "$ROOTFS.chroot.log"
  log "$(chroot "$ROOTFS" java -version 2>&1 | head -n 1)"
  umount "$ROOTFS/proc" || umount -l "$ROOTFS/proc"
  : > "$ROOTFS/etc/resolv.conf"
  log "importing $BASE_IMAGE"
  tar --numeric-owner -C "$ROOTFS" -c . \
    | podman import --quiet --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' - "$BASE_IMAGE" >/dev/null
  cleanup_rootfs
  ROOTFS=""
  REBUILD=true   # a new base means a new Kafka image
else
  log "$BASE_IMAGE present"
fi

# ---------------------------------------------------------------------------------------------------
# 4. Kafka image for the project's Kafka version.
KAFKA_VERSION=$(sed -n 's:.*<kafka\.version>\([^<]*\)</kafka\.version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)
[[ -n $KAFKA_VERSION ]] || die "no <kafka.version> in $ROOT/pom.xml"
KAFKA_IMAGE=localhost/vicreg-kafka:$KAFKA_VERSION
COMPAT_IMAGE=docker.io/apache/kafka:$KAFKA_VERSION
# The recipe's fingerprint: a change to any file in docker/kafka/ rebuilds the image.
RECIPE=$(cd "$HERE/kafka" && cat Containerfile pom.xml run log4j2.properties | sha256sum | cut -c1-16)
built_recipe() { podman image inspect --format "{{ index .Labels \"$RECIPE_LABEL\" }}" "$1" 2>/dev/null || true; }

if ! $REBUILD && [[ $(built_recipe "$KAFKA_IMAGE") == "$RECIPE" && $(built_recipe "$COMPAT_IMAGE") == "$RECIPE" ]]; then
  log "$KAFKA_IMAGE and $COMPAT_IMAGE present (recipe $RECIPE)"
else
  command -v mvn >/dev/null || die "mvn is needed to fetch the Kafka broker jars"
  previous=$(podman image inspect --format '{{.Id}}' "$KAFKA_IMAGE" 2>/dev/null || true)
  STAGE=$(mktemp -d "$SCRATCH/vicreg-kafka-image.XXXXXX")
  log "fetching the Kafka $KAFKA_VERSION broker jars (mvn dependency:copy-dependencies)"
  mvn -B -ntp -f "$HERE/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$STAGE/libs" > "$STAGE.mvn.log" 2>&1 \
    || { grep -E 'ERROR|BUILD' "$STAGE.mvn.log" | head -n 20 >&2; die "could not fetch the Kafka $KAFKA_VERSION jars (log: $STAGE.mvn.log)"; }
  rm -f "$STAGE.mvn.log"
  ls "$STAGE"/libs/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null || die "kafka_2.13-$KAFKA_VERSION.jar missing"
  cp "$HERE"/kafka/{Containerfile,run,log4j2.properties} "$STAGE/"
  log "building $KAFKA_IMAGE ($(du -sh "$STAGE/libs" | cut -f1) of jars)"
  podman build --isolation=chroot --layers=false --quiet \
      --build-arg KAFKA_VERSION="$KAFKA_VERSION" --build-arg BASE_IMAGE="$BASE_IMAGE" \
      --label "$RECIPE_LABEL=$RECIPE" \
      -t "$KAFKA_IMAGE" -t "$COMPAT_IMAGE" -f "$STAGE/Containerfile" "$STAGE" >&2 \
    || { rm -rf "$STAGE"; die "podman build of $KAFKA_IMAGE failed"; }
  rm -rf "$STAGE"
  podman run --rm --entrypoint java "$COMPAT_IMAGE" -cp '/opt/kafka/libs/*' kafka.tools.StorageTool random-uuid >/dev/null \
    || die "the new image cannot run Kafka's storage tool"
  # The image this one replaces, now without a name: remove it (only it) so rebuilds do not pile up.
  if [[ -n $previous ]] && [[ $(podman image inspect --format '{{len .RepoTags}}' "$previous" 2>/dev/null) == 0 ]]; then
    podman rmi "$previous" >/dev/null 2>&1 || log "note: could not remove the previous image $previous"
  fi
  log "built $KAFKA_IMAGE, also tagged $COMPAT_IMAGE"
fi

# A replaced base image, now without a name and without the Kafka image on top: remove it.
if [[ -n ${previous_base:-} ]] && [[ $(podman image inspect --format '{{len .RepoTags}}' "$previous_base" 2>/dev/null) == 0 ]]; then
  podman rmi "$previous_base" >/dev/null 2>&1 || log "note: could not remove the previous base image $previous_base"
fi

# ---------------------------------------------------------------------------------------------------
# 5. The Docker-compatible API on $SOCK.
ping_socket() { [[ -S $SOCK ]] && [[ $(curl -s --max-time 2 --unix-socket "$SOCK" http://d/_ping 2>/dev/null) == OK ]]; }
if $CONFIG_CHANGED && [[ -f $SERVICE_PID ]] && kill -0 "$(cat "$SERVICE_PID")" 2>/dev/null; then
  log "configuration changed: restarting the podman service (pid $(cat "$SERVICE_PID"))"
  kill "$(cat "$SERVICE_PID")"
  sleep 1
fi
# conmon starts in the service's working directory: once that is deleted (a CI clone removed
# after the run that started the service), the API still answers _ping but every container
# start fails with "write child: broken pipe". Such a service is restarted.
if [[ -f $SERVICE_PID ]] && kill -0 "$(cat "$SERVICE_PID")" 2>/dev/null \
    && [[ $(readlink "/proc/$(cat "$SERVICE_PID")/cwd") == *" (deleted)" ]]; then
  log "the podman service's working directory is gone: restarting it (pid $(cat "$SERVICE_PID"))"
  kill "$(cat "$SERVICE_PID")"
  sleep 1
fi
if ping_socket; then
  log "podman API answers on $SOCK"
else
  command -v curl >/dev/null || die "curl is needed to check the podman socket"
  mkdir -p "$(dirname "$SOCK")"
  rm -f "$SOCK"
  log "starting podman system service on unix://$SOCK (log: $SERVICE_LOG)"
  (cd / && exec setsid nohup podman system service --time=0 "unix://$SOCK" >> "$SERVICE_LOG" 2>&1 < /dev/null) &
  echo $! > "$SERVICE_PID"
  for _ in $(seq 1 100); do ping_socket && break; sleep 0.1; done
  ping_socket || { tail -n 20 "$SERVICE_LOG" >&2; die "podman API does not answer on $SOCK"; }
  log "podman API answers on $SOCK (pid $(cat "$SERVICE_PID"))"
fi

log "ready in $((SECONDS - START)) s: podman $(podman version --format '{{.Client.Version}}'), image $COMPAT_IMAGE"
# For eval "$(docker/prepare-podman.sh)"; docker/podman-env.sh sets the same.
printf 'export DOCKER_HOST=unix://%s\nexport TESTCONTAINERS_RYUK_DISABLED=true\nexport TESTCONTAINERS_CHECKS_DISABLE=true\nexport TESTCONTAINERS_HOST_OVERRIDE=localhost\n' "$SOCK"
