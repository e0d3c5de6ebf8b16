/* dmatopo corpus: the shipped device-tree verdict. One DTB is judged in a child
 * process (corpus_run.c) so that a crash or a hang fails that DTB, not the run;
 * the child writes tab-separated records on a pipe and cmd_corpus.c judges them.
 *
 * Records, one a line, fields separated by a tab (text fields carry no tab or
 * newline):
 *   F  PROFILE LABEL OFFSET MESSAGE   a finding (OFFSET hex, "-" when none)
 *   X  PROFILE N                      N findings past DMT_FINDINGS_MAX were dropped
 *   D  PROFILE DEVICE FOUND IOMMU IDS REASON
 *                                     a device and its answer (FOUND 0|1, IDS
 *                                     comma-separated hex or "-", REASON a label or "-")
 *   R  PROFILE DEVICE                 dmt_resolve refused the device (internal error)
 *   M  PROFILE PATH MMIO ANSWER       the node at PATH with `iommus` gets another answer
 *                                     through mmio:0xMMIO (its first reg); ANSWER is
 *                                     what the mmio: designator got (informational)
 *   S  PROFILE DECODED IOMMUS_NODES BRIDGE_MAPS SKIPPED MMIO MISMATCH
 *                                     per profile: decoded 0|1, nodes with `iommus`,
 *                                     host bridges with iommu-map/msi-map, map
 *                                     entries whose rid-base names no device of the
 *                                     bridge (outside its bus-range, or the bridge has
 *                                     no domain), nodes also asked for by mmio:, and
 *                                     how many of those got another answer
|1, nodes with `iommus`,
 *                                     host bridges with iommu-map/msi-map, map
 *                                     entries that name no device (RID > 0xffff, bus
 *                                     outside bus-range, bridge without a domain)
 *   I  MESSAGE                        the DTB could not be read
 *   T  SECONDS                        decode + lint + resolve, both profiles
 *   E                                 end: the child got to the end
 * PROFILE is "linux" or "spec". */
#ifndef DMT_CORPUS_H
#define DMT_CORPUS_H

#include <stdio.h>

/* Judge one DTB under both profiles and write its records to out. */
void corpus_run_one(const char *path, FILE *out);

#endif
