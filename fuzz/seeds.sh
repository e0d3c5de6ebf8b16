#!/bin/bash -eu
# Seed corpora, generated from the golden vectors (never hand-copied): each vector
# encoded every way it can be, the vector texts themselves for the text parsers,
# grant scripts for the grant targets, and the lspci dumps of the unit tests.
# Usage: fuzz/seeds.sh DMATOPO ROOT OUTDIR
tool=$1 root=$2 out=$3
rm -rf "$out"
mkdir -p "$out"/{viot,vtopo,dtb,lang,vector,grant,roundtrip,cross,profiles,grant_model,lspci,domid,summary,console,qtrace}
n=0
while IFS= read -r vec; do
	name=$(echo "${vec#"$root"/vectors/}" | tr '/' '_')
	name=${name%.vec}
	cp "$vec" "$out/vector/$name.vec"
	cp "$vec" "$out/lang/$name.vec"
	for enc in viot vtopo dtb; do
		f=$out/$enc/$name.$enc
		if "$tool" encode --to "$enc" "$vec" -o "$f" 2>/dev/null; then
			case $enc in
			viot) sel='\000' ;;
			vtopo) sel='\001'
			       # vtopo target: option byte (v2, IOMMU BDF known), BDF 00:02.0, blob
			       { printf '\005\020\000'; cat "$f"; } >"$f.tmp" && mv "$f.tmp" "$f" ;;
			dtb) sel='\002' ;;
			esac
			{ printf "$sel"; cat "$f"; } >"$out/profiles/$name.$enc"
			# the model-building targets read raw bytes: encoded tables make varied ones
			head -c 256 "$f" >"$out/roundtrip/$name.$enc"
			head -c 256 "$f" >"$out/cross/$name.$enc"
			head -c 256 "$f" >"$out/grant_model/$name.$enc"
			n=$((n + 1))
		fi
	done
done < <(find "$root/vectors" -name '*.vec' | sort)
# grant op scripts: the `grant` lines of the vectors that have them
while IFS= read -r g; do
	name=$(echo "${g#"$root"/vectors/}" | tr '/' '_')
	sed -n 's/^grant //p' "$g" >"$out/grant/${name%.vec}.txt"
done < <(grep -l '^grant ' -r "$root/vectors" --include='*.vec' | sort)
# lspci: the guest dumps the replay agent took (harness/tests/lspci/)
cp "$root"/harness/tests/lspci/*.txt "$out/lspci/"
# summary: replay summary lines as `dmatopo merge` reads them (harness/tests/summary/)
cp "$root"/harness/tests/summary/*.jsonl "$out/summary/"
# console: real guest consoles the red-path self-test replays (q35, arm64, Xen dom0)
cp "$root"/ci/selftest/recorded/*.console "$out/console/"
# domid: each seed-002 encoding of every domid-in vector's device tree, behind the
# byte that picks the encoding
k=0
for enc in host-bridge device-cap dummy-dev viommu-config; do
	while IFS= read -r vec; do
		name=$(basename "$vec" .vec)
		"$tool" encode --to dtb "$vec" -o "$out/domid/tmp.dtb" 2>/dev/null || continue
		dev=$(sed -n "s/^expect linux domid-in $enc \([^ ]*\) .*/\1/p" "$vec" | head -1)
		[ -n "$dev" ] || continue
		if "$tool" grant domid-enc encode "$enc" "$out/domid/tmp.dtb" "$dev" -o "$out/domid/tmp.cfg" >/dev/null 2>&1; then
			{ printf "\\$(printf %03o $k)"; cat "$out/domid/tmp.cfg"; } >"$out/domid/$name.$enc"
		fi
	done < <(grep -l "^expect linux domid-in" -r "$root/vectors" --include='*.vec' | sort)
	k=$((k + 1))
done
rm -f "$out/domid/tmp.dtb" "$out/domid/tmp.cfg"
# qtrace: QEMU traces recorded from real boots, behind the machine they came from
# (count, then {rid, PCIe type or 0xff, secondary bus} per device; fuzz/fuzz_qtrace.c)
{ printf '\x06\x00\x00\xff\x00\x00\x10\xff\x00\x00\x18\xff\x00\x00\xf8\xff\x00'
  printf '\x00\xfa\xff\x00\x00\xfb\xff\x00'; cat "$root/ci/selftest/recorded/q35-bare.trace"; } >"$out/qtrace/q35-bare"
{ printf '\x0c\x00\x00\xff\x00\x00\x10\xff\x00\x00\x28\x04\x01\x00\x30\x07\x02\x00\x38\xff\x00'
  printf '\x00\xf8\xff\x00\x00\xfa\xff\x00\x00\xfb\xff\x00\x01\x00\x00\x00\x02\x18\xff\x00'
  printf '\x40\x00\x04\x41\x41\x00\x00\x00'; cat "$root/ci/selftest/recorded/q35-facts6.trace"; } >"$out/qtrace/q35-facts6"
echo "seeds.sh: $n encoded inputs from $(find "$root/vectors" -name '*.vec' | wc -l) vectors"
