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
  -DexcludeArtifactIds=pytorch-native-cpu,rocksdbjni,zstd-jni,lz4-java,snappy-java \
  -DexcludeGroupIds=org.apache.kafka,org.scala-lang,org.scala-lang.modules,com.typesafe.scala-logging,org.apache.logging.log4j,com.fasterxml.jackson.dataformat,org.bitbucket.b_c,net.sf.jopt-simple,com.yammer.metrics,org.hdrhistogram,net.sourceforge.argparse4j,commons-validator,commons-beanutils,commons-digester,commons-collections,commons-logging,com.github.ben-manes.caffeine,com.dynatrace.hash4j \
  -DoutputDirectory="$PWD/$build/gpu/lib"
cp -r "$build/classes" "$build/gpu/classes"
jlink --add-modules java.base,java.logging,java.management,jdk.unsupported,java.sql,java.naming,java.xml \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$build/gpu/jre"
du -sh "$build/gpu"
