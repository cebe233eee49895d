#!/bin/sh
# Bytes the cv kernels add to the extension: relink the built _C without the cv objects (cv/*.o and
# the init_cv*.o bindings; a stub supplies empty init_cv / init_cv_filters) with the same link command,
# and compare stripped file sizes. Run after a build:  sh bench/cv_size.sh [build/editable]
set -e
B=$(cd "${1:-build/editable}" && pwd)
SO=$(cd "$B" && ls _C.*.so)
T=$(mktemp -d)
cat > "$T/stub.cpp" <<'CPP'
#include <nanobind/nanobind.h>
namespace mnnx {
void init_cv(nanobind::module_&) {}
void init_cv_filters(nanobind::module_&) {}
}
CPP
NBINC=$(python3 -c 'import nanobind; print(nanobind.include_dir())' 2>/dev/null || "${PYTHON:-python}" -c 'import nanobind; print(nanobind.include_dir())')
PYINC=$("${PYTHON:-python}" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
g++ -std=c++17 -O3 -fPIC -I"$NBINC" -I"$PYINC" -c "$T/stub.cpp" -o "$T/stub.o"
CMD=$(cd "$B" && ninja -t commands "$SO" | tail -1 | sed 's/^: && //; s/ && :$//')
NOCV=$(echo "$CMD" | tr ' ' '\n' | grep -v -E '_C\.dir/(cv/|src/mnnx/_C/init_cv)' | sed "s#^-o\$#-o#" | tr '\n' ' ')
NOCV=$(echo "$NOCV" | sed "s# $SO # $T/nocv.so $T/stub.o #")
(cd "$B" && sh -c "$NOCV")
with=$(stat -c %s "$B/$SO"); without=$(stat -c %s "$T/nocv.so")
echo "file size: with cv $with bytes, without cv $without bytes: cv adds $((with - without)) bytes ($(( (with - without) / 1024 )) KiB)"
# the file rounds segments to 4 KiB pages; the loaded sections (text + data in size's berkeley form) do not
tw=$(size "$B/$SO" | tail -1 | awk '{print $1 + $2}'); tn=$(size "$T/nocv.so" | tail -1 | awk '{print $1 + $2}')
echo "sections (text+rodata+eh_frame+data): with cv $tw, without $tn: cv adds $((tw - tn)) bytes"
echo "cv object sections (size -A .text+.rodata+.eh_frame etc. in 'size' berkeley form):"
(cd "$B/CMakeFiles/_C.dir" && size cv/*.o src/mnnx/_C/init_cv*.o | sort -k1 -n -r)
rm -rf "$T"
