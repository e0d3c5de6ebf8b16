/* Validation of a flattened device tree before libfdt reads it, written here
 * rather than trusted to libfdt 1.6.1 (Debian 12): its fdt_check_full crashes on
 * some pre-v16 blobs and loops forever on a v17 blob whose version field is huge
 * (both found by fuzz_dtb, vectors/regress/dt-libfdt-*). Every step of the walk
 * moves forward by at least one token, so it always ends. */
#include "dmatopo.h"
#include "bytes.h"

#include <libfdt.h>

#define HDR_V17 40u
#define MAX_DEPTH 4096u

struct blk {
	uint32_t off, size;
};

static uint32_t be32_at(const uint8_t *buf, uint64_t off)
{
	return (uint32_t)buf[off] << 24 | (uint32_t)buf[off + 1] << 16 |
	       (uint32_t)buf[off + 2] << 8 | buf[off + 3];
}

static int bad(struct dmt_findings *f, enum dmt_label l, uint64_t off, const char *msg)
{
	dmt_report(f, l, off, "%s", msg);
	return -1;
}

static bool block_ok(struct blk b, uint32_t total)
{
	return b.off <= total && b.size <= total - b.off;
}

/* The memory reservation map: 16-byte entries ending with an all-zero one. */
static int check_rsvmap(const uint8_t *buf, uint32_t off, uint32_t limit, struct dmt_findings *f)
{
	if (off % 8)
		return bad(f, DMT_L_DTBadHeader, 16, "off_mem_rsvmap is not 8-byte aligned");
	for (uint64_t p = off;; p += 16) {
		if (p + 16 > limit)
			return bad(f, DMT_L_DTBadStructure, off, "the memory reservation map has no terminating entry");
		if (be32_at(buf, p) == 0 && be32_at(buf, p + 4) == 0 && be32_at(buf, p + 8) == 0 &&
		    be32_at(buf, p + 12) == 0)
			return 0;
	}
}

/* One past the offset (in the strings block) of its last NUL, 0 when there is
 * none: a name at nameoff is terminated exactly when nameoff < this. Computed
 * once, so many properties cannot make the check quadratic. */
static uint64_t strings_limit(const uint8_t *buf, struct blk str)
{
	for (uint64_t i = str.size; i > 0; i--)
		if (!buf[str.off + i - 1])
			return i;
	return 0;
}

/* The structure block: BEGIN_NODE/END_NODE nest, properties only inside a node,
 * names NUL-terminated inside their block, exactly one root, FDT_END last. */
static int walk_struct(const uint8_t *buf, struct blk st, struct blk str, struct dmt_findings *f)
{
	uint64_t pos = st.off, end = (uint64_t)st.off + st.size;
	uint64_t names_end = strings_limit(buf, str);
	uint32_t depth = 0;
	bool root_seen = false;

	while (pos + 4 <= end) {
		uint64_t tag_at = pos;
		uint32_t tag = be32_at(buf, pos);

		pos += 4;
		switch (tag) {
		case FDT_BEGIN_NODE: {
			uint64_t n = pos;

			if (depth == 0 && root_seen)
				return bad(f, DMT_L_DTBadStructure, tag_at, "a second root node");
			while (n < end && buf[n])
				n++;
			if (n >= end)
				return bad(f, DMT_L_DTBadStructure, tag_at, "a node name runs past the structure block");
			pos = (n + 1 + 3) & ~(uint64_t)3;
			if (++depth > MAX_DEPTH)
				return bad(f, DMT_L_DTBadStructure, tag_at, "nodes nest deeper than 4096");
			root_seen = true;
			break;
		}
		case FDT_END_NODE:
			if (depth == 0)
				return bad(f, DMT_L_DTBadStructure, tag_at, "FDT_END_NODE without an open node");
			depth--;
			break;
		case FDT_PROP: {
			uint32_t len, nameoff;

			if (depth == 0)
				return bad(f, DMT_L_DTBadStructure, tag_at, "a property outside any node");
			if (pos + 8 > end)
				return bad(f, DMT_L_DTBadStructure, tag_at, "a property header runs past the structure block");
			len = be32_at(buf, pos);
			nameoff = be32_at(buf, pos + 4);
			pos += 8;
			if (len > end - pos)
				return bad(f, DMT_L_DTBadStructure, tag_at, "a property value runs past the structure block");
			if (nameoff >= names_end)
				return bad(f, DMT_L_DTBadStructure, tag_at, "a property name lies outside the strings block");
			pos = (pos + len + 3) & ~(uint64_t)3;
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			if (!root_seen)
				return bad(f, DMT_L_DTBadStructure, tag_at, "the structure block does not begin with FDT_BEGIN_NODE");
			if (depth)
				return bad(f, DMT_L_DTBadStructure, tag_at, "FDT_END with nodes still open");
			return 0;
		default:
			return bad(f, DMT_L_DTBadStructure, tag_at, "an unknown structure token");
		}
	}
	return bad(f, DMT_L_DTBadStructure, st.off, "the structure block has no FDT_END");
}

int dmt_fdt_check(const uint8_t *buf, size_t len, struct dmt_findings *f)
{
	uint32_t total, version, last_comp;
	struct blk st, str;

	if (!buf || len < HDR_V17)
		return bad(f, DMT_L_DTBadHeader, 0, "shorter than a version-17 FDT header (40 bytes)");
	if (be32_at(buf, 0) != FDT_MAGIC)
		return bad(f, DMT_L_DTBadHeader, 0, "no FDT magic");
	total = be32_at(buf, 4);
	version = be32_at(buf, 20);
	last_comp = be32_at(buf, 24);
	/* Versions 16 and 17 are what dtc, QEMU and Linux write; 17 adds
	 * size_dt_struct. Anything else is refused rather than guessed at. */
	if (version != 16 && version != 17)
		return bad(f, DMT_L_DTBadHeader, 20, "version is not 16 or 17: dmatopo reads versions 16 and 17");
	if (last_comp > 17)
		return bad(f, DMT_L_DTBadHeader, 24, "last_comp_version is above 17");
	if (total < HDR_V17 || total > len) {
		dmt_report(f, total > len ? DMT_L_DTTruncated : DMT_L_DTBadHeader, 4,
			   "totalsize %u but the input has %zu bytes", total, len);
		return -1;
	}
	st.off = be32_at(buf, 8);
	str.off = be32_at(buf, 12);
	str.size = be32_at(buf, 32);
	st.size = version >= 17 ? be32_at(buf, 36) : (st.off <= total ? total - st.off : 0);
	if (st.off % 4)
		return bad(f, DMT_L_DTBadHeader, 8, "off_dt_struct is not 4-byte aligned");
	if (!block_ok(st, total) || st.off < HDR_V17)
		return bad(f, DMT_L_DTBadHeader, 8, "the structure block lies outside the blob");
	if (!block_ok(str, total) || str.off < HDR_V17)
		return bad(f, DMT_L_DTBadHeader, 12, "the strings block lies outside the blob");
	if (check_rsvmap(buf, be32_at(buf, 16), total, f))
		return -1;
	return walk_struct(buf, st, str, f);
}
