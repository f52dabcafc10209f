# shellcheck shell=bash
# Source after docker/prepare-podman.sh to point Testcontainers at rootful podman's Docker API:
#   docker/prepare-podman.sh && . docker/podman-env.sh && mvn verify
# Ryuk (Testcontainers' reaper) is off: its image cannot be pulled here, and the tests stop their
# containers themselves.
export DOCKER_HOST="unix://${PODMAN_SOCK:-/run/podman/podman.sock}"
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_CHECKS_DISABLE=true
# Containers are reached on loopback only, never on a bridge address.
export TESTCONTAINERS_HOST_OVERRIDE=localhost
