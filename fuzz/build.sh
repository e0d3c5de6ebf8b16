#!/bin/bash -eu
# Build every fuzz target the OSS-Fuzz way: compile with $CC $CFLAGS, link with
# $CXX $CXXFLAGS ... $LIB_FUZZING_ENGINE into $OUT, and write next to each binary
# <target>_seed_corpus.zip (generated from vectors/), <target>.dict and
# <target>.options. Runs unmodified under OSS-Fuzz / ClusterFuzzLite (whose image
# must have libfdt-dev and zip), from a checkout with SRC pointing at it, or
# locally (`make fuzz` sets the variables for libFuzzer and AFL++).

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -n "${SRC:-}" ] && [ -f "$SRC/reference/dmatopo.h" ]; then
	root=$SRC
elif [ -n "${SRC:-}" ] && [ -f "$SRC/dmatopo/reference/dmatopo.h" ]; then
	root=$SRC/dmatopo
else
	root=$here
fi
: "${CC:=clang}" "${CXX:=clang++}"
: "${CFLAGS:=-O1 -g -fsanitize=address,undefined,fuzzer-no-link}"
: "${CXXFLAGS:=$CFLAGS}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$root/build/fuzz/out}"
work=${WORK:-$OUT/.work}
mkdir -p "$OUT" "$work/obj" "$work/seeds"

targets=(fuzz_viot fuzz_vtopo fuzz_dtb fuzz_lang fuzz_vector fuzz_grant
	 fuzz_roundtrip fuzz_cross fuzz_profiles fuzz_grant_model fuzz_lspci fuzz_domid fuzz_summary
	 fuzz_console fuzz_qtrace)
# The do-nothing baseline is for the benchmark only, not for a fuzzing service.
[ "${DMT_BENCH:-0}" = 1 ] && targets+=(fuzz_empty)
avail=()
for t in "${targets[@]}"; do
	[ -f "$root/fuzz/$t.c" ] && avail+=("$t")
done

echo "build.sh: $root -> $OUT with $CC (${#avail[@]} targets)"
objs=()
for src in "$root"/reference/*.c "$root"/harness/*.c; do
	[ "$(basename "$src")" = main.c ] && continue
	o=$work/obj/$(basename "$(dirname "$src")")_$(basename "$src" .c).o
	$CC $CFLAGS -std=c11 -D_DEFAULT_SOURCE -I"$root/reference" -I"$root/harness" -c "$src" -o "$o"
	objs+=("$o")
done
for t in "${avail[@]}"; do
	$CC $CFLAGS -std=c11 -D_DEFAULT_SOURCE -I"$root/reference" -I"$root/harness" \
		-c "$root/fuzz/$t.c" -o "$work/obj/$t.o"
	$CXX $CXXFLAGS "$work/obj/$t.o" "${objs[@]}" $LIB_FUZZING_ENGINE -lfdt -lpci -o "$OUT/$t"
done

# A plain (uninstrumented) dmatopo to turn the vectors into seed inputs.
tool=$work/dmatopo-seedgen
if [ ! -x "$tool" ] || [ "$root/fuzz/build.sh" -nt "$tool" ]; then
	${SEED_CC:-cc} -O1 -std=c11 -D_DEFAULT_SOURCE -I"$root/reference" -I"$root/harness" \
		"$root"/reference/*.c "$root"/harness/*.c -lfdt -lpci -o "$tool"
fi
bash "$root/fuzz/seeds.sh" "$tool" "$root" "$work/seeds"

for t in "${avail[@]}"; do
	kind=${t#fuzz_}
	rm -f "$OUT/${t}_seed_corpus.zip"
	if [ -d "$work/seeds/$kind" ] && [ -n "$(ls -A "$work/seeds/$kind")" ]; then
		(cd "$work/seeds/$kind" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
	fi
	dict=$root/fuzz/dict/$kind.dict
	[ -f "$dict" ] || dict=$root/fuzz/dict/common.dict
	cp "$dict" "$OUT/$t.dict"
	printf '[libfuzzer]\nmax_len = %s\ndict = %s.dict\ntimeout = 10\n' \
		"$(case $kind in console) echo 65536 ;; dtb | vector | lang | lspci) echo 16384 ;; *) echo 4096 ;; esac)" "$t" \
		>"$OUT/$t.options"
done
echo "build.sh: built ${avail[*]}"
