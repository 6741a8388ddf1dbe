/* The feature-set registry (X-macro over featuresets/list.h) and instances: parameters, checks,
 * data files located, hashed and loaded (see featureset.h). */
#include "featuresets/featureset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/datafile.h"

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

const char *featureset_data_path(const struct featureset_type *t, const struct featureset_data *df,
                                 const void *state, char *buf, size_t n)
{
	const char *v = df->shipped;
	if (df->param) {
		const struct param_spec *p = params_find(t->params, df->param);
		if (!p || p->kind != PARAM_STRING)
			BUG("feature set '%s': data file '%s' names no string parameter '%s'",
			    t->name, df->label, df->param);
		if (((const char *)state + p->offset)[0])
			v = (const char *)state + p->offset;
	}
	if (strchr(v, '/')) {
		snprintf(buf, n, "%s", v);
		return access(buf, R_OK) == 0 ? buf : NULL;
	}
	return datafile_path(v, buf, n);
}

/* Locate, hash and load the data files of `fs`. 0, or -1 with the reason on `d`. */
static int load_data(struct featureset *fs, struct diag *d)
{
	const struct featureset_type *t = fs->type;
	const char *paths[FEATURESET_MAX_DATA + 1] = {NULL};
	for (const struct featureset_data *df = t->data; df && df->label; df++) {
		struct featureset_file *f = &fs->data[fs->n_data];
		int rc;
		if (fs->n_data == FEATURESET_MAX_DATA)
			BUG("feature set '%s' declares more than %d data files", t->name,
			    FEATURESET_MAX_DATA);
		f->label = df->label;
		if (!featureset_data_path(t, df, fs->state, f->path, sizeof(f->path)))
			return diag_error(d, "%s '%s' not found", df->label, f->path);
		rc = df->flags & FEATURESET_DATA_DIR ? datafile_dir_sha256(f->path, f->sha256)
		                                     : datafile_sha256(f->path, f->sha256);
		if (rc < 0)
			return diag_error(d, "cannot read %s '%s'", df->label, f->path);
		paths[fs->n_data++] = f->path;
	}
	if (t->load && t->load(fs->state, paths, d) < 0)
		return -1;
	return 0;
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
	    params_parse(t->params, fs->state, param_string, &d) < 0)
		goto fail;
	msg = t->check ? t->check(fs->state) : NULL;
	if (msg) {
		diag_error(&d, "%s", msg);
		goto fail;
	}
	if (load_data(fs, &d) < 0)
		goto fail;
	if (t->columns) {
		size_t n = 0;
		const char *const *names = t->columns(fs->state, &n);
		if (!names || !n) {
			diag_error(&d, "no columns (no rules or names in the data files)");
			goto fail;
		}
		if (!(fs->own_type = malloc(sizeof(*fs->own_type)))) {
			diag_error(&d, "out of memory");
			goto fail;
		}
		*fs->own_type = *t;
		fs->own_type->n_features = n;
		fs->own_type->feature_names = names;
		fs->type = fs->own_type;
	}
	diag_release(&d);
	return fs;
fail:
	if (err_buf)
		snprintf(err_buf, err_n, "%s: %s", t->name, diag_message(&d));
	diag_release(&d);
	featureset_free(fs);
	return NULL;
}

void featureset_free(struct featureset *fs)
{
	if (!fs)
		return;
	if (fs->type->release)
		fs->type->release(fs->state);
	free(fs->state);
	free(fs->own_type);
	free(fs);
}
