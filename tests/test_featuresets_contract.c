/* Tests for the feature-set contract (featuresets/featureset.h, issue 9.2): every registered set
 * is well formed, data files are located, hashed and loaded by the registry as declared, and a
 * directory's hash follows its files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/datafile.h"
#include "featuresets/featureset.h"
#include "tests/harness.h"

/* Distinct, non-empty column names. */
static int distinct_columns(const char *const *names, size_t n)
{
	int ok = names != NULL;
	for (size_t k = 0; ok && k < n; k++) {
		ok &= names[k] && names[k][0];
		for (size_t m = 0; ok && m < k; m++)
			ok &= strcmp(names[m], names[k]) != 0;
	}
	return ok;
}

/* Every registered set: a unique name, either columns with names and extract(), columns from
 * its data (columns() and extract(); the instance gets them), or a document, data files naming
 * string parameters, and a valid parameter table. */
static void test_registered(void)
{
	size_t n_doc = 0;
	for (size_t i = 0; featureset_types[i]; i++) {
		const struct featureset_type *t = featureset_types[i];
		struct featureset *fs;
		char err[512];
		int ok = 1;
		for (size_t j = 0; j < i; j++)
			ok &= strcmp(featureset_types[j]->name, t->name) != 0;
		CHECK(ok && t->name[0] && !strchr(t->name, '.') && !strchr(t->name, ','),
		      "%s: a unique name without '.' or ','", t->name);
		if (t->n_features) {
			ok = t->extract && !t->document && !t->columns &&
			     distinct_columns(t->feature_names, t->n_features);
			CHECK(ok, "%s: %zu distinct columns and extract()", t->name, t->n_features);
		} else if (t->columns) {
			CHECK(t->extract && !t->document && !t->feature_names,
			      "%s: columns from its data and extract()", t->name);
		} else {
			CHECK(t->document && !t->extract, "%s: a document set", t->name);
			n_doc++;
		}
		ok = 1;
		for (const struct featureset_data *df = t->data; df && df->label; df++) {
			const struct param_spec *p =
			    df->param ? params_find(t->params, df->param) : NULL;
			ok &= (!df->param || (p && p->kind == PARAM_STRING)) && df->shipped;
		}
		CHECK(ok && (!t->data || t->load), "%s: data files name string parameters, load()",
		      t->name);
		fs = featureset_alloc(t, NULL, err, sizeof(err));
		CHECK(fs != NULL, "%s: allocates with its defaults (%s)", t->name, fs ? "" : err);
		if (fs) {
			size_t n = 0;
			for (const struct featureset_data *df = t->data; df && df->label; df++)
				n++;
			ok = fs->n_data == n;
			for (size_t k = 0; ok && k < n; k++) {
				char hex[65];
				ok &= !strcmp(fs->data[k].label, t->data[k].label) &&
				      (t->data[k].flags & FEATURESET_DATA_DIR
				           ? datafile_dir_sha256(fs->data[k].path, hex)
				           : datafile_sha256(fs->data[k].path, hex)) == 0 &&
				      !strcmp(hex, fs->data[k].sha256);
			}
			CHECK(ok, "%s: %zu data files located and hashed", t->name, n);
			if (t->columns)
				CHECK(fs->type != t && fs->type->n_features > 0 &&
				          distinct_columns(fs->type->feature_names,
				                           fs->type->n_features) &&
				          !strcmp(fs->type->name, t->name),
				      "%s: the instance has %zu distinct columns from its data",
				      t->name, fs->type->n_features);
			featureset_free(fs);
		}
	}
	CHECK(n_doc >= 1, "a document set is registered (%zu)", n_doc);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_data_location(void)
{
	const struct featureset_type *code = featureset_find("code");
	const struct featureset_type *file = featureset_find("file");
	char tmpl[] = "/tmp/pyvet-fsc-XXXXXX", path[1024], err[512], buf[4096], shipped[4096];
	char *dir = mkdtemp(tmpl);
	struct featureset *fs;
	if (!CHECK(code && file && dir, "code and file registered, temp dir"))
		return;
	datafile_path("install_patterns.txt", shipped, sizeof(shipped));
	fs = featureset_alloc(code, NULL, err, sizeof(err));
	if (CHECK(fs && fs->n_data == 1, "code: one data file by default")) {
		STR_IS(fs->data[0].label, "install_patterns.txt", "label");
		STR_IS(fs->data[0].path, shipped, "empty parameter: the shipped file");
		featureset_free(fs);
	}
	/* a path (with '/') is taken as given; its hash follows the bytes */
	snprintf(path, sizeof(path), "%s/p.txt", dir);
	write_file(path, "x\tfoo\n");
	snprintf(buf, sizeof(buf), "install_patterns=%s", path);
	fs = featureset_alloc(code, buf, err, sizeof(err));
	if (CHECK(fs, "code: a pattern file by path (%s)", fs ? "" : err)) {
		char hex[65];
		STR_IS(fs->data[0].path, path, "the path is used");
		datafile_sha256(path, hex);
		STR_IS(fs->data[0].sha256, hex, "its hash is recorded");
		featureset_free(fs);
	}
	/* a bare name is a featuresets/data name, as for file.license.table */
	fs = featureset_alloc(code, "install_patterns=install_patterns.txt", err, sizeof(err));
	CHECK(fs && !strcmp(fs->data[0].path, shipped), "a bare name is a shipped data file");
	featureset_free(fs);
	fs = featureset_alloc(code, "install_patterns=no-such-table.txt", err, sizeof(err));
	CHECK(!fs && strstr(err, "code: install_patterns.txt") && strstr(err, "not found"),
	      "a missing data file names the set and the label: %s", err);
	/* load() errors reach the caller with the set's name */
	write_file(path, "no tab here\n");
	fs = featureset_alloc(code, buf, err, sizeof(err));
	CHECK(!fs && !strncmp(err, "code: ", 6) && strstr(err, "line 1"),
	      "a bad pattern table fails the set: %s", err);
	snprintf(buf, sizeof(buf), "license.table=%s", path);
	fs = featureset_alloc(file, buf, err, sizeof(err));
	CHECK(!fs && !strncmp(err, "file: ", 6), "a bad licence table fails the set: %s", err);
	unlink(path);
	rmdir(dir);
}

static void test_dir_hash(void)
{
	char tmpl[] = "/tmp/pyvet-fsd-XXXXXX", p[4096], h1[65], h2[65], h3[65], h4[65];
	char *dir = mkdtemp(tmpl);
	if (!CHECK(dir, "temp dir"))
		return;
	snprintf(p, sizeof(p), "%s/b.yar", dir);
	write_file(p, "rule b {}\n");
	snprintf(p, sizeof(p), "%s/a.yar", dir);
	write_file(p, "rule a {}\n");
	CHECK(datafile_dir_sha256(dir, h1) == 0 && strlen(h1) == 64, "a directory hashes");
	snprintf(p, sizeof(p), "%s/.hidden", dir);
	write_file(p, "ignored");
	snprintf(p, sizeof(p), "%s/sub", dir);
	mkdir(p, 0700);
	CHECK(datafile_dir_sha256(dir, h2) == 0 && !strcmp(h1, h2),
	      "dot files and subdirectories do not count");
	snprintf(p, sizeof(p), "%s/a.yar", dir);
	write_file(p, "rule a { condition: true }\n");
	CHECK(datafile_dir_sha256(dir, h3) == 0 && strcmp(h1, h3), "a changed file changes it");
	snprintf(p, sizeof(p), "%s/a.yar", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/c.yar", dir);
	write_file(p, "rule a { condition: true }\n");
	CHECK(datafile_dir_sha256(dir, h4) == 0 && strcmp(h3, h4), "a renamed file changes it");
	CHECK(datafile_dir_sha256("/nonexistent-dir", h4) < 0, "a missing directory: -1");
	unlink(p);
	snprintf(p, sizeof(p), "%s/b.yar", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/.hidden", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/sub", dir);
	rmdir(p);
	rmdir(dir);
}

int main(void)
{
	test_registered();
	test_data_location();
	test_dir_hash();
	return harness_done();
}
