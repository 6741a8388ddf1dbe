/* Unit tests for core/featdata: set-name parsing, column selection, loading an extraction
 * directory, manifest subsetting and matrix assembly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ml/featdata.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

static char dir[256];

static void write_file(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		abort();
}

static const char *const fixed_names[] = {"meta.is_valid_homepage", "meta.is_valid_author_email",
                                          "code.has_install_cmd",   "code.has_url",
                                          "file.min_cfg",           "file.is_license",
                                          "apis.os.system",         "artifacts.has_setup_py"};

static struct dataset *fake_fixed(void)
{
	struct dataset *ds = dataset_alloc(1, 8);
	for (size_t j = 0; j < 8; j++)
		dataset_set_string(&ds->feature_name[j], fixed_names[j]);
	return ds;
}

/* Parse `name` and resolve it against the fake columns; "" on error, else the selected columns
 * joined by ' ' plus " +T" / " +pre". */
static const char *resolve(const char *name, char *buf, size_t n)
{
	struct featspec fs;
	struct dataset *ds = fake_fixed();
	size_t *cols = NULL, k = 0;
	buf[0] = '\0';
	if (featspec_parse(name, &fs, NULL) == 0) {
		if (featspec_columns(&fs, ds, &cols, &k, NULL) == 0) {
			size_t o = 0;
			for (size_t i = 0; i < k; i++)
				o += (size_t)snprintf(buf + o, n - o, "%s%zu", i ? " " : "",
				                      cols[i]);
			if (fs.text)
				o += (size_t)snprintf(buf + o, n - o, " +T");
			if (fs.pre)
				snprintf(buf + o, n - o, " +pre");
		} else {
			snprintf(buf, n, "!cols");
		}
		featspec_release(&fs);
	} else {
		snprintf(buf, n, "!parse");
	}
	free(cols);
	dataset_free(ds);
	return buf;
}

static void test_featspec(void)
{
	char b[256];
	CHECK_STR(resolve("M", b, sizeof(b)), "0 1", "M selects meta.*");
	CHECK_STR(resolve("C", b, sizeof(b)), "2 3", "C selects code.*");
	CHECK_STR(resolve("F", b, sizeof(b)), "4 5", "F selects file.*");
	CHECK_STR(resolve("MCF", b, sizeof(b)), "0 1 2 3 4 5",
	          "MCF selects the paper's fixed columns");
	CHECK_STR(resolve("FCM", b, sizeof(b)), "0 1 2 3 4 5",
	          "letter order does not change column order");
	CHECK_STR(resolve("T", b, sizeof(b)), " +T", "T has no fixed column");
	CHECK_STR(resolve("T+pre", b, sizeof(b)), " +T +pre", "T+pre");
	CHECK_STR(resolve("T+MCF", b, sizeof(b)), "0 1 2 3 4 5 +T", "T+MCF");
	CHECK_STR(resolve("T+MCF+pre", b, sizeof(b)), "0 1 2 3 4 5 +T +pre", "T+MCF+pre (final)");
	CHECK_STR(resolve("MCF-min_cfg", b, sizeof(b)), "0 1 2 3 5",
	          "MCF-min_cfg drops file.min_cfg");
	CHECK_STR(resolve("MCF-file.min_cfg-has_url", b, sizeof(b)), "0 1 2 5",
	          "full column names and several drops");
	CHECK_STR(resolve("artifacts", b, sizeof(b)), "7", "a family name selects its columns");
	CHECK_STR(resolve("apis+M", b, sizeof(b)), "0 1 6", "families combine with letters");
	CHECK_STR(resolve("text", b, sizeof(b)), " +T", "'text' is T");
	CHECK_STR(resolve("pre", b, sizeof(b)), "!parse", "pre without T is an error");
	CHECK_STR(resolve("MM", b, sizeof(b)), "!parse", "a letter twice is an error");
	CHECK_STR(resolve("X", b, sizeof(b)), "!parse", "unknown upper-case part is an error");
	CHECK_STR(resolve("T+", b, sizeof(b)), "!parse", "trailing '+' is an error");
	CHECK_STR(resolve("", b, sizeof(b)), "!parse", "empty name is an error");
	CHECK_STR(resolve("nosuchfamily", b, sizeof(b)), "!cols",
	          "a family without columns is an error");
	CHECK_STR(resolve("MCF-nosuch", b, sizeof(b)), "!cols",
	          "dropping an unknown column is an error");
	CHECK_STR(resolve("M-min_cfg", b, sizeof(b)), "!cols",
	          "dropping an unselected column is an error");
	CHECK_STR(resolve("T-min_cfg", b, sizeof(b)), "!cols",
	          "dropping from a text-only set is an error");
	CHECK_STR(resolve("M-is_valid_homepage-is_valid_author_email", b, sizeof(b)), "!cols",
	          "a set with no column left is an error");
	char gb[64];
	CHECK_STR(featdata_normalise_name("Foo__Bar.-baz", gb, sizeof(gb)), "foo-bar-baz",
	          "PEP 503 normalisation");
}

static void test_load(void)
{
	write_file("features.csv",
	           "id,label,name,version,cluster,first_seen,meta.a,code.b,file.c,extra\n"
	           "p1,malicious,Evil_Pkg,1.0,sk-1,2023-01-02,1,0,,x\n"
	           "p2,benign,Good.Pkg,2.0,,2022-05-06,0,1,1,y\n"
	           "p3,malicious,other,0.1,sk-1,2024-01-01,1,1,0,z\n"
	           "p4,benign,fine,1,,,0,0,1,w\n");
	write_file("tokens.tsv", "p3\texec:2 os:1\n"
	                         "p1\tos:1 system:3\n"
	                         "zz\tunknown:1\n"
	                         "p2\tsetup:1\n");
	struct featdata *fd = NULL;
	struct diag d;
	diag_init(&d);
	int rc = featdata_load(dir, &fd, &d);
	CHECK(rc == 0, "featdata_load reads features.csv and tokens.tsv (%s)", diag_message(&d));
	if (rc)
		return;
	CHECK_INT(fd->fixed->n, 4, "four rows");
	CHECK_INT(fd->fixed->d, 3, "three feature columns ('extra' has no family and is ignored)");
	CHECK_STR(fd->fixed->feature_name[2], "file.c", "column names kept");
	CHECK(fd->fixed->y[0] == 1 && fd->fixed->y[1] == 0, "labels malicious=1, benign=0");
	CHECK(isnan(dataset_get(fd->fixed, 0, 2)), "empty cell is NaN");
	CHECK_STR(fd->fixed->group[0], "sk-1", "group is the cluster");
	CHECK_STR(fd->fixed->group[1], "good-pkg",
	          "empty cluster falls back to the normalised name");
	CHECK_STR(fd->fixed->date[0], "2023-01-02", "date is first_seen");
	CHECK(fd->docs[0].n == 2 && !strcmp(fd->docs[0].tok[1], "system") &&
	          fd->docs[0].count[1] == 3,
	      "tokens attached to their row whatever the file order");
	CHECK(fd->docs[3].n == 0, "a row without a tokens line has an empty document");
	CHECK_INT(fd->n_with_tokens, 3, "rows with tokens counted");
	CHECK(d.n_warnings == 1, "an unknown id in tokens.tsv is a warning");
	CHECK(strlen(fd->features_sha256) == 64 && strlen(fd->tokens_sha256) == 64,
	      "inputs hashed");

	/* matrices: NaN -> 0 and counted; vocabulary on the training rows */
	struct featspec fs;
	featspec_parse("T+MF", &fs, NULL);
	struct vocab_params vp;
	vocab_params_default(&vp);
	vp.num_words = 4;
	size_t tr[] = {0, 1}, te[] = {2, 3};
	struct dataset *a = NULL, *b = NULL;
	struct vocab v = {0};
	size_t nan = 0;
	rc = featdata_build(fd, &fs, &vp, NULL, tr, 2, te, 2, &a, &b, &v, &nan, &d);
	CHECK(rc == 0 && a->d == 2 + 4 && b->n == 2, "T+MF: 2 fixed + 4 vocabulary columns");
	if (!rc) {
		CHECK_STR(a->feature_name[0], "meta.a", "fixed columns first");
		CHECK_STR(a->feature_name[2], "text:#0", "then text:#0");
		CHECK_STR(a->feature_name[3], "text:system",
		          "the most frequent training token first");
		CHECK(dataset_get(a, 0, 1) == 0 && nan == 1, "NaN cell written as 0 and counted");
		CHECK(vocab_index(&v, "exec") == 0,
		      "test-only token 'exec' is not in the vocabulary");
		CHECK(dataset_get(b, 0, 2 + vocab_index(&v, "os")) == 1,
		      "test row uses training vocabulary");
		CHECK_STR(b->row_id[0], "p3", "test row metadata copied");
	}
	dataset_free(a);
	dataset_free(b);
	featspec_release(&fs);
	featspec_parse("T+pre", &fs, NULL);
	rc = featdata_build(fd, &fs, &vp, NULL, tr, 2, te, 2, &a, &b, &v, &nan, NULL);
	CHECK(rc < 0, "T+pre without word lists is an error");
	featspec_release(&fs);

	/* apply with a saved vocabulary and named columns */
	const char *const cols[] = {"file.c", "meta.a"};
	size_t all[] = {0, 1, 2, 3};
	featspec_parse("T", &fs, NULL);
	featdata_build(fd, &fs, &vp, NULL, tr, 2, NULL, 0, &a, NULL, &v, NULL, NULL);
	struct dataset *x = featdata_apply(fd, cols, 2, &v, VOCAB_BINARY, all, 4, NULL, NULL);
	CHECK(x && x->d == 6 && !strcmp(x->feature_name[0], "file.c") && dataset_get(x, 1, 0) == 1,
	      "featdata_apply selects columns by name in the model's order");
	const char *const bad[] = {"meta.zz"};
	CHECK(featdata_apply(fd, bad, 1, NULL, 0, all, 4, NULL, NULL) == NULL,
	      "featdata_apply fails on a column the extraction lacks");
	dataset_free(x);
	dataset_free(a);
	featspec_release(&fs);
	vocab_release(&v);

	/* manifest subsetting */
	write_file("m.csv",
	           "id,label,split\np4,benign,train\np1,malicious,test\np3,malicious,train\n"
	           "gone,benign,train\n");
	char mp[512];
	snprintf(mp, sizeof(mp), "%s/m.csv", dir);
	struct featdata *sel = NULL;
	size_t missing = 0;
	rc = featdata_select_manifest(fd, mp, "train", &sel, &missing, NULL);
	CHECK(rc == 0 && sel->fixed->n == 2 && !strcmp(sel->fixed->row_id[0], "p4") &&
	          !strcmp(sel->fixed->row_id[1], "p3") && missing == 1,
	      "manifest selects split=train rows in manifest order; missing ids counted");
	CHECK(rc == 0 && sel->docs[1].n == 2 && !strcmp(sel->docs[1].tok[0], "exec"),
	      "documents follow their rows");
	featdata_free(sel);
	rc = featdata_select_manifest(fd, mp, NULL, &sel, NULL, NULL);
	CHECK(rc == 0 && sel->fixed->n == 3, "without a split every listed id is kept");
	featdata_free(sel);
	write_file("m2.csv", "id,label\np1,malicious\n");
	snprintf(mp, sizeof(mp), "%s/m2.csv", dir);
	CHECK(featdata_select_manifest(fd, mp, "train", &sel, NULL, NULL) < 0,
	      "a split filter needs a split column");
	featdata_free(fd);
	diag_release(&d);

	/* hostile inputs */
	write_file("features.csv", "id,label,meta.a\np1,evil,1\n");
	CHECK(featdata_load(dir, &fd, NULL) < 0, "bad label is an error");
	write_file("features.csv", "id,label,meta.a\np1,benign,abc\n");
	CHECK(featdata_load(dir, &fd, NULL) < 0, "non-numeric feature is an error");
	write_file("features.csv", "id,label,meta.a\np1,benign,1\np1,benign,0\n");
	CHECK(featdata_load(dir, &fd, NULL) < 0, "duplicate id is an error");
	write_file("features.csv", "id,label,meta.a\np1,benign,1\n");
	write_file("tokens.tsv", "p1\tbroken\n");
	CHECK(featdata_load(dir, &fd, NULL) < 0, "malformed tokens line is an error");
	write_file("tokens.tsv", "p1\ta:1\np1\tb:1\n");
	CHECK(featdata_load(dir, &fd, NULL) < 0, "duplicate tokens line is an error");
	char tp[512];
	snprintf(tp, sizeof(tp), "%s/tokens.tsv", dir);
	unlink(tp);
	diag_init(&d);
	rc = featdata_load(dir, &fd, &d);
	CHECK(rc == 0 && fd->docs[0].n == 0 && d.n_warnings == 1,
	      "missing tokens.tsv: empty documents and a warning");
	featdata_free(fd);
	diag_release(&d);
}

int main(void)
{
	toolkit_init();
	snprintf(dir, sizeof(dir), "%s/pyvet-featdata.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	test_featspec();
	test_load();
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return harness_done();
}
