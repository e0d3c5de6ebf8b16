#include "model.h"

#include <stdlib.h>
#include <string.h>

void dmt_topo_init(struct dmt_topo *t)
{
	memset(t, 0, sizeof(*t));
	t->linux_walk_stop = SIZE_MAX;
}

static void idmap_free(struct dmt_idmap *m)
{
	free(m->e);
	m->e = NULL;
	m->n = 0;
}

void dmt_topo_free(struct dmt_topo *t)
{
	for (size_t i = 0; i < t->nbridges; i++) {
		idmap_free(&t->bridges[i].iommu_map);
		idmap_free(&t->bridges[i].msi_map);
	}
	for (size_t i = 0; i < t->nnodes; i++)
		free(t->nodes[i].iommus);
	free(t->iommus);
	free(t->ranges);
	free(t->mmio);
	free(t->bridges);
	free(t->nodes);
	free(t->structs);
	dmt_topo_init(t);
}

void *dmt_push(void **items, size_t *n, size_t *cap, size_t elsize)
{
	char *base;

	if (*n >= DMT_MAX_ITEMS)
		return NULL;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		void *p;

		if (ncap > DMT_MAX_ITEMS)
			ncap = DMT_MAX_ITEMS;
		p = realloc(*items, ncap * elsize);
		if (!p)
			return NULL;
		*items = p;
		*cap = ncap;
	}
	base = (char *)*items + *n * elsize;
	memset(base, 0, elsize);
	(*n)++;
	return base;
}

void dmt_note_struct(struct dmt_topo *t, const struct dmt_layout *l, uint64_t off,
		     uint32_t length)
{
	struct dmt_struct_ref *r = DMT_PUSH(t, structs);

	if (!r)
		return;
	r->layout = l;
	r->offset = off;
	r->length = length;
}
