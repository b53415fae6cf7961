#!/usr/bin/env bash
# Builds a self-contained folder that runs scan-check on a GPU machine without Java or Maven:
# a jlinked Java runtime, the few jars scan-check needs (no DJL), the CUDA runtime library, and a
# launcher. Usage (from anywhere in the repository):
#
#   mixer-cuda/src/main/scripts/gpu-bundle.sh [OUT_DIR]      # default: target/gpu-bundle
#
# Then copy OUT_DIR to the GPU machine and run OUT_DIR/scan-check [--scan cuda|cpu] [--reps N].
# Environment: SKIP_BUILD=1 reuses mixer-cuda/target/classes; JAVA_HOME picks the JDK (17+) whose
# jlink and jmods are used; CUDA_HOME (default /usr/local/cuda) is where libcudart.so.13 is taken.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
OUT=${1:-"$ROOT/target/gpu-bundle"}
LIMIT_MIB=64
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
M2=${M2_REPO:-$HOME/.m2/repository}

prop() { # a version property of the parent pom
  sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -n 1
}
JAVACPP=$(prop javacpp.version)
CUDA=$(prop cuda.version)
SLF4J=$(prop slf4j.version)
PICOCLI=$(prop picocli.version)

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$ROOT" && mvn -B -o -q -pl mixer-cuda -am package -DskipTests)
fi
CLASSES="$ROOT/mixer-cuda/target/classes"
if [[ ! -f "$CLASSES/org/mambamixer/cuda/gpu/selective_scan.ptx" ]]; then
  echo "gpu-bundle: no PTX in $CLASSES: build mixer-cuda where nvcc is installed" >&2
  exit 1
fi

rm -rf "$OUT"
mkdir -p "$OUT/lib" "$OUT/native"

# Classes: mixer-cuda (kernels, scan-check), mixer-runtime (the LauncherCommand contract scan-check
# implements) and mixer-api (never loaded by scan-check, but an accidental reference then fails
# as a missing class instead of showing up as the DJL dependency it would be; DJL stays out).
"$JAVA_HOME/bin/jar" --create --file "$OUT/lib/mixer-cuda.jar" -C "$CLASSES" .
"$JAVA_HOME/bin/jar" --create --file "$OUT/lib/mixer-api.jar" -C "$ROOT/mixer-api/target/classes" .
"$JAVA_HOME/bin/jar" --create --file "$OUT/lib/mixer-runtime.jar" \
  -C "$ROOT/mixer-runtime/target/classes" .
for jar in \
    "org/bytedeco/javacpp/$JAVACPP/javacpp-$JAVACPP.jar" \
    "org/bytedeco/javacpp/$JAVACPP/javacpp-$JAVACPP-linux-x86_64.jar" \
    "org/bytedeco/cuda/$CUDA/cuda-$CUDA.jar" \
    "org/bytedeco/cuda/$CUDA/cuda-$CUDA-linux-x86_64.jar" \
    "org/slf4j/slf4j-api/$SLF4J/slf4j-api-$SLF4J.jar" \
    "info/picocli/picocli/$PICOCLI/picocli-$PICOCLI.jar" \
    "org/slf4j/slf4j-simple/$SLF4J/slf4j-simple-$SLF4J.jar"; do
  if [[ ! -f "$M2/$jar" ]]; then
    echo "gpu-bundle: $M2/$jar missing: run a Maven build of mixer-cuda first" >&2
    exit 1
  fi
  cp "$M2/$jar" "$OUT/lib/"
done

# The CUDA runtime that bytedeco's JNI library links against (libcudart.so.13); the driver
# (libcuda.so.1) must come from the GPU machine itself.
CUDART=$(ls "$CUDA_HOME"/lib64/libcudart.so.13* 2>/dev/null | head -n 1 || true)
if [[ -z "$CUDART" ]]; then
  echo "gpu-bundle: no libcudart.so.13 under $CUDA_HOME/lib64 (set CUDA_HOME)" >&2
  exit 1
fi
cp -L "$CUDART" "$OUT/native/libcudart.so.13"

# java.management and jdk.unsupported: javacpp (jdeps); jdk.incubator.vector: the CPU kernel.
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.unsupported,jdk.incubator.vector \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$OUT/runtime"

cat > "$OUT/scan-check" <<'LAUNCHER'
#!/bin/sh
# scan-check on this machine: --scan cuda (default) compares the CUDA kernel with the CPU
# kernel; --scan cpu compares the CPU kernel with the scalar oracle. Exit 0 pass, 1 mismatch,
# 2 CUDA unusable (the reason is printed).
HERE=$(cd "$(dirname "$0")" && pwd)
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
# The bundled libcudart first; the driver's libcuda.so.1 from the system's usual places.
LD_LIBRARY_PATH="$HERE/native:$CUDA_HOME/lib64:/usr/lib/x86_64-linux-gnu:/usr/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
exec "$HERE/runtime/bin/java" --add-modules jdk.incubator.vector \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-${TMPDIR:-/tmp}/mambamixer-javacpp}" \
  -cp "$HERE/lib/*" org.mambamixer.cuda.gpu.ScanCheck "$@"
LAUNCHER
chmod +x "$OUT/scan-check"

SIZE_KIB=$(du -sk "$OUT" | cut -f1)
printf 'gpu-bundle: %s is %.1f MiB (limit %d MiB)\n' "$OUT" "$(echo "$SIZE_KIB / 1024" | bc -l)" "$LIMIT_MIB"
if (( SIZE_KIB >= LIMIT_MIB * 1024 )); then
  echo "gpu-bundle: too large to travel" >&2
  exit 1
fi
