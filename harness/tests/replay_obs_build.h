/* Building replay observations by hand in the unit tests. */
#ifndef DMT_TEST_REPLAY_OBS_BUILD_H
#define DMT_TEST_REPLAY_OBS_BUILD_H

#include "replay.h"

/* Append a device with RID rid and PCIe type type (-1: conventional), no group. */
struct replay_dev *obs_add_dev(struct replay_obs *o, uint16_t rid, int type);

#endif
