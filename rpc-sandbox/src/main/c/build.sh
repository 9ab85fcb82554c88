#!/bin/sh
# Build librpcool_sandbox.so: build.sh <source dir> <output dir>.
# Skips (exit 0, with a warning) where it cannot build: not x86-64 Linux, or no gcc.
src=$1
out=$2
case "$(uname -s)-$(uname -m)" in
Linux-x86_64) ;;
*) echo "rpc-sandbox: not x86-64 Linux, native shim not built (sandboxes use bounded views only)" >&2; exit 0 ;;
esac
if ! command -v gcc >/dev/null 2>&1; then
	echo "rpc-sandbox: WARNING: gcc not found, native shim not built (sandboxes use bounded views only)" >&2
	exit 0
fi
mkdir -p "$out"
lib="$out/librpcool_sandbox.so"
if [ -f "$lib" ] && [ "$lib" -nt "$src/rpcool_sandbox.c" ]; then
	exit 0
fi
exec gcc -O2 -fPIC -shared -Wall -Wextra -Werror -fvisibility=default \
	-o "$lib" "$src/rpcool_sandbox.c" -ldl
