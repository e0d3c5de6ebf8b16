# Shared helpers for ci/ scripts (sourced, not run).
DMT_T0=${DMT_T0:-$(date +%s)}
export DMT_T0

# progress STEP MESSAGE: one line a person can follow, with elapsed time.
progress() {
	local now el
	now=$(date +%s)
	el=$((now - DMT_T0))
	printf '[%s %3dm%02ds] %s\n' "$1" $((el / 60)) $((el % 60)) "$2"
}

# tally FILES...: add up "passed failed skipped" lines and print the closing line.
tally() {
	local p=0 f=0 s=0 a b c file
	for file in "$@"; do
		[ -f "$file" ] || continue
		read -r a b c <"$file"
		p=$((p + a)); f=$((f + b)); s=$((s + c))
	done
	echo "check: $p passed, $f failed, $s skipped"
}

# max_len OPTIONS-FILE: the max_len an OSS-Fuzz .options file sets (4096 when none),
# so local runs explore the same input sizes a fuzzing service would.
max_len() {
	local v
	v=$(sed -n 's/^max_len *= *\([0-9]*\).*/\1/p' "$1" 2>/dev/null | head -1)
	echo "${v:-4096}"
}

# tarball_sha_memo TARBALL MEMO: the tarball's sha256, remembered in MEMO per (path, size,
# mtime) so that hashing 130 MiB happens once (ci/kernel and ci/dt-corpus share MEMO).
tarball_sha_memo() {
	local stamp line
	stamp="$(readlink -f "$1") $(stat -c "%s %Y" "$1")"
	line=$(cat "$2" 2>/dev/null || :)
	if [ "${line% *}" = "$stamp" ]; then
		echo "${line##* }"
		return
	fi
	line="$stamp $(sha256sum <"$1" | cut -d' ' -f1)"
	mkdir -p "$(dirname "$2")"
	echo "$line" >"$2"
	echo "${line##* }"
}
