#!/usr/bin/env bash
# Builds target/gpu: what scripts/gpu-check.sh needs on a GPU machine, under 64 MiB: the
# compiled classes, the runtime jars without the CPU libtorch (~115 MB) and without Kafka, and a
# small jlink Java runtime in case the machine has none.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-target}
mvn -q -B -Dbuild.dir="$PWD/$build" compile
rm -rf "$build/gpu" && mkdir -p "$build/gpu"
mvn -q -B -Dbuild.dir="$PWD/$build" dependency:copy-dependencies -DincludeScope=runtime \
  -DexcludeArtifactIds=pytorch-native-cpu,kafka-streams,kafka-clients,rocksdbjni,zstd-jni,lz4-java,snappy-java \
  -DoutputDirectory="$PWD/$build/gpu/lib"
cp -r "$build/classes" "$build/gpu/classes"
jlink --add-modules java.base,java.logging,java.management,jdk.unsupported,java.sql,java.naming,java.xml \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$build/gpu/jre"
du -sh "$build/gpu"
