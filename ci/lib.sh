# Shared helpers for ci/ scripts (sourced, not run).
DMT_T0=${DMT_T0:-$(date +%s)}
export DMT_T0
# Where scripts put their results and tally files. The red-path self-test
# (ci/selftest/red-paths) points it elsewhere so its deliberately failing runs never
# mix with make check's own tallies.
DMT_RESULTS=${DMT_RESULTS:-build/results}
export DMT_RESULTS

# progress STEP MESSAGE: one line a person can follow, with elapsed time.
progress() {
	local now el
	now=$(date +%s)
	el=$((now - DMT_T0))
	printf '[%s %3dm%02ds] %s\n' "$1" $((el / 60)) $((el % 60)) "$2"
}

# write_tally NAME PASSED FAILED SKIPPED: the counts a step reports to make check.
write_tally() {
	mkdir -p "$DMT_RESULTS"
	echo "$2 $3 $4" >"$DMT_RESULTS/$1.tally"
}

# tally FILES...: add up "passed failed skipped" lines and print the closing line. A
# file that is not three numbers counts as one failure: a broken tally never hides one.
tally() {
	local p=0 f=0 s=0 a b c rest file
	for file in "$@"; do
		[ -f "$file" ] || continue
		read -r a b c rest <<<"$(head -1 "$file")"
		if [[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ && $c =~ ^[0-9]+$ && -z $rest ]]; then
			p=$((p + a)); f=$((f + b)); s=$((s + c))
		else
			echo "tally: $file is not 'passed failed skipped': counted as one failure" >&2
			f=$((f + 1))
		fi
	done
	echo "check: $p passed, $f failed, $s skipped"
}

# run_step NAME TALLY CMD...: run one step of make check. Its exit status is the
# verdict; TALLY ("-" for a step that writes none) is the file it must leave behind.
# A step that fails without a failure in its tally, or passes without writing the
# tally it owes, gets a failure tally of its own, so the closing line can never read
# "0 failed" over a failed step. Returns the step's status (1 for a missing tally).
run_step() {
	local name=$1 tf=$2 rc=0 f=0
	shift 2
	[ "$tf" = - ] || rm -f "$DMT_RESULTS/$tf.tally"
	"$@" || rc=$?
	if [ "$tf" != - ] && [ ! -f "$DMT_RESULTS/$tf.tally" ]; then
		echo "check: step $name wrote no $DMT_RESULTS/$tf.tally (did it run any test?)" >&2
		write_tally "step-$name" 0 1 0
		return 1
	fi
	[ "$tf" = - ] || read -r _ f _ <<<"$(head -1 "$DMT_RESULTS/$tf.tally")"
	if [ "$rc" -ne 0 ] && [[ ! $f =~ ^[1-9][0-9]*$ ]]; then
		write_tally "step-$name" 0 1 0
	elif [ "$rc" -eq 0 ] && [ "$tf" = - ]; then
		write_tally "step-$name" 1 0 0
	fi
	return "$rc"
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
