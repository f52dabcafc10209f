#!/usr/bin/env bash
# Runs the GPU checks on a machine with an NVIDIA GPU but no internet and no libtorch 2.7.1 of
# its own (the CUDA builds of libtorch for DJL 0.36 are not on Maven Central): DJL is pointed at
# the libtorch inside the machine's Python PyTorch package, with the cu128 JNI library that ships
# in the pytorch-jni jar.
#
# Usage: scripts/gpu-check.sh GPU_DIR OUT_DIR
#   GPU_DIR holds lib/ (the runtime jars without pytorch-native-cpu), classes/ and, when the
#   machine has no Java 17+, jre/ (a jlink image). scripts/gpu-bundle.sh makes it.
set -uo pipefail
dir=$1
out=${2:-${TMPDIR:-/tmp}}
mkdir -p "$out"
exec > >(tee "$out/gpu-check.log") 2>&1

echo "== machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
nproc
py=$(command -v python3 || command -v python)
"$py" -c 'import torch; print("python torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' || true
torch_lib=$("$py" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
echo "torch lib: $torch_lib"; ls "$torch_lib" | head -40

java=java
if ! command -v java >/dev/null || ! java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])'; then
  java="$dir/jre/bin/java"
fi
"$java" -version 2>&1 | head -1

cp="$dir/classes:$(ls "$dir"/lib/*.jar | tr '\n' ':')"
export PYTORCH_LIBRARY_PATH="$torch_lib" PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128
export DJL_CACHE_DIR="${TMPDIR:-/tmp}/djl-cache" DJL_OFFLINE=true
run() { timeout "$1" "$java" -Xmx8g -Dai.djl.offline=true -cp "$cp" "${@:2}"; }

echo "== device check (train on gpu, restore on cpu)"
run 180 io.github.vicregstreams.bench.DeviceCheck gpu 20
status=$?
echo "device check exit: $status"
if [ $status -eq 0 ]; then
  echo "== training benchmark on gpu"
  run 240 io.github.vicregstreams.bench.TrainingBenchmark --device=gpu --steps=50 --warmup=10 \
    --rss-steps=2000 --rss-batch=256 --out="$out/training-gpu.json"
fi

echo "== the PyTorch peer on the same card (same model, loss and Adam; TF32 off)"
timeout 300 "$py" "$(dirname "$0")/vicreg_torch_peer.py" --device cuda --batches 256,1024,4096 \
  --variants eager,fused,compile,javalike --out "$out/torch-peer.json"
echo "torch peer exit: $?"
