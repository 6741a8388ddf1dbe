/* The feature-set registry (X-macro over featuresets/list.h) and instance helpers. */
#include "featuresets/featureset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FEATURESET(n) extern const struct featureset_type fs_##n;
#include "featuresets/list.h"
#undef FEATURESET

const struct featureset_type *const featureset_types[] = {
#define FEATURESET(n) &fs_##n,
#include "featuresets/list.h"
#undef FEATURESET
    NULL};

const struct featureset_type *featureset_find(const char *name)
{
	for (size_t i = 0; featureset_types[i]; i++)
		if (!strcmp(featureset_types[i]->name, name))
			return featureset_types[i];
	return NULL;
}

struct featureset *featureset_alloc(const struct featureset_type *t, const char *param_string,
                                    char *err_buf, size_t err_n)
{
	struct featureset *fs = calloc(1, sizeof(*fs));
	struct diag d;
	const char *msg;
	diag_init(&d);
	if (!fs || !(fs->state = calloc(1, t->state_size ? t->state_size : 1))) {
		if (err_buf)
			snprintf(err_buf, err_n, "out of memory");
		free(fs);
		return NULL;
	}
	fs->type = t;
	if (params_set_defaults(t->params, fs->state, &d) < 0 ||
	    params_parse(t->params, fs->state, param_string, &d) < 0) {
		if (err_buf)
			snprintf(err_buf, err_n, "%s: %s", t->name, diag_message(&d));
		featureset_free(fs);
		return NULL;
	}
	msg = t->check ? t->check(fs->state) : NULL;
	if (msg) {
		if (err_buf)
			snprintf(err_buf, err_n, "%s: %s", t->name, msg);
		featureset_free(fs);
		return NULL;
	}
	return fs;
}

void featureset_free(struct featureset *fs)
{
	if (!fs)
		return;
	if (fs->type->release)
		fs->type->release(fs->state);
	free(fs->state);
	free(fs);
}
