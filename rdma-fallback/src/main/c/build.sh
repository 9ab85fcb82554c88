#!/bin/sh
# Build librpcool_dsm.so: build.sh <source dir> <output dir>.
# Skips (exit 0, with a warning) where it cannot build: not x86-64 Linux, or no gcc. Dsm then
# reports itself unavailable and names this cause.
src=$1
out=$2
case "$(uname -s)-$(uname -m)" in
Linux-x86_64) ;;
*) echo "rdma-fallback: not x86-64 Linux, native pager not built (the DSM is unavailable)" >&2; exit 0 ;;
esac
if ! command -v gcc >/dev/null 2>&1; then
	echo "rdma-fallback: WARNING: gcc not found, native pager not built (the DSM is unavailable)" >&2
	exit 0
fi
mkdir -p "$out"
lib="$out/librpcool_dsm.so"
if [ -f "$lib" ] && [ "$lib" -nt "$src/rpcool_dsm.c" ]; then
	exit 0
fi
exec gcc -O2 -g -fPIC -shared -Wall -Wextra -Werror -std=gnu11 -fvisibility=default \
	-o "$lib" "$src/rpcool_dsm.c" -lpthread
