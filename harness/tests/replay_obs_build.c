/* Building replay observations by hand in the unit tests (replay_obs_build.h). */
#include "replay_obs_build.h"

#include <string.h>

struct replay_dev *obs_add_dev(struct replay_obs *o, uint16_t rid, int type)
{
	struct replay_dev *d = &o->devs[o->ndevs++];

	memset(d, 0, sizeof(*d));
	d->rid = rid;
	d->pcie_type = type;
	d->group = -1;
	return d;
}
