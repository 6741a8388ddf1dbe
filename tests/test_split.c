/* Unit tests for experiments/split: the dataset split rules of datasets/README.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/pkg/manifest.h"
#include "core/base/toolkit.h"
#include "experiments/engine/split.h"
#include "tests/harness.h"

static const char *const fixture =
    "id,label,name,version,path,format,source,first_seen,cluster,cluster_size,kind,top_rank,"
    "bytes,dropped_files\n"
    "a01,malicious,m-one,1,m/a01,zip,s,2020-01-01,c1,1,malware,,1,0\n"
    "a02,malicious,m-two,1,m/a02,zip,s,2020-01-02,c2,1,malware,,1,0\n"
    "a03,malicious,m-three,1,m/a03,zip,s,2020-01-03,cS,2,malware,,1,0\n"
    "a04,malicious,m-four,1,m/a04,zip,s,2020-01-04,c4,1,malware,,1,0\n"
    "a05,malicious,m-five,1,m/a05,zip,s,2020-01-05,c5,1,malware,,1,0\n"
    "a06,malicious,m-six,1,m/a06,zip,s,2020-01-06,c6,1,malware,,1,0\n"
    "a07,malicious,m-seven,1,m/a07,zip,s,2020-01-08,c7,1,malware,,1,0\n"
    "a08,malicious,m-eight,1,m/a08,zip,s,2020-01-08,c8,1,malware,,1,0\n"
    "a09,malicious,m-nine,1,m/a09,zip,s,2020-01-09,cS,2,malware,,1,0\n"
    "a10,malicious,Foo_Bar,1,m/a10,zip,s,2020-01-10,c10,1,malware,,1,0\n"
    "p01,malicious,probe-one,99.0,m/p01,zip,s,2020-01-11,cp,1,probe,,1,0\n"
    "u01,malicious,undated,1,m/u01,zip,s,,cu,1,malware,,1,0\n"
    "b00,benign,foo.bar,2.0,b/b00,tar.gz,s,2019-01-01,foo-bar,1,popular,5,1,0\n"
    "b01,benign,Alpha,1,b/b01,tar.gz,s,2019-01-01,alpha,1,popular,1,1,0\n"
    "b02,benign,beta,1,b/b02,tar.gz,s,2019-01-01,beta,1,popular,2,1,0\n"
    "b03,benign,gamma,1,b/b03,tar.gz,s,2019-01-01,gamma,1,popular,3,1,0\n"
    "b04,benign,delta,1,b/b04,tar.gz,s,2019-01-01,delta,1,popular,4,1,0\n"
    "b05,benign,eps,1,b/b05,tar.gz,s,2019-01-01,eps,1,popular,6,1,0\n"
    "b06,benign,zeta,1,b/b06,tar.gz,s,2019-01-01,zeta,1,popular,7,1,0\n"
    "b07,benign,eta,1,b/b07,tar.gz,s,2019-01-01,eta,1,popular,8,1,0\n"
    "b08,benign,theta,1,b/b08,tar.gz,s,2019-01-01,theta,1,popular,9,1,0\n"
    "b09,benign,iota,1,b/b09,tar.gz,s,2019-01-01,iota,1,popular,10,1,0\n";

static long find(const struct manifest *m, const char *id)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->rows[i].id, id))
			return (long)i;
	return -1;
}

static int assigned(const struct manifest *m, const struct split_result *r, const char *id,
                    enum split_assign a)
{
	long i = find(m, id);
	return i >= 0 && r->assign[i] == a;
}

static size_t count(const struct manifest *m, const struct split_result *r, enum split_assign a,
                    int y)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n; i++)
		n += r->assign[i] == a && (y < 0 || m->rows[i].y == y);
	return n;
}

/* No train row shares a cluster or a normalised name with a test row. */
static int no_straddling(const struct manifest *m, const struct split_result *r)
{
	char a[256], b[256];
	for (size_t i = 0; i < m->n; i++)
		for (size_t j = 0; j < m->n; j++) {
			if (r->assign[i] != SPLIT_TRAIN || r->assign[j] != SPLIT_TEST)
				continue;
			if (!strcmp(m->rows[i].cluster, m->rows[j].cluster))
				return 0;
			split_normalise_name(m->rows[i].name, a, sizeof(a));
			split_normalise_name(m->rows[j].name, b, sizeof(b));
			if (!strcmp(a, b))
				return 0;
		}
	return 1;
}

static void rule_tests(const struct manifest *m)
{
	struct split_options o;
	struct split_result r = {0}, r2 = {0}, r3 = {0};
	struct diag d;
	diag_init(&d);
	CHECK(split_options_for("paper", &o) == 0 && o.n_train_malicious == 138 &&
	          o.n_test_malicious == 143,
	      "paper defaults: 138 train, 143 test malware");
	CHECK(split_options_for("nonsense", &o) < 0, "unknown dataset name rejected");
	split_options_for("full", &o);
	o.n_train_malicious = 3;
	o.n_test_malicious = 3;
	o.test_benign_share = 0.3;
	o.seed = 7;
	if (!CHECK(split_assign_corpus(m, &o, &r, &d) == 0, "split runs: %s", diag_message(&d)))
		return;
	CHECK(assigned(m, &r, "a10", SPLIT_TEST) && assigned(m, &r, "a09", SPLIT_TEST) &&
	          assigned(m, &r, "a07", SPLIT_TEST),
	      "the three latest malware are test (date tie broken by id)");
	STR_IS(r.cutoff, "2020-01-08", "cutoff = oldest test date");
	CHECK(assigned(m, &r, "a08", SPLIT_EX_BOUNDARY), "same-day row left out of train");
	CHECK(assigned(m, &r, "p01", SPLIT_EX_PROBE), "probe excluded by default");
	CHECK(assigned(m, &r, "u01", SPLIT_EX_UNDATED), "undated malware excluded");
	CHECK(assigned(m, &r, "a03", SPLIT_EX_STRADDLING),
	      "cluster shared with a test row dropped");
	CHECK(assigned(m, &r, "b00", SPLIT_TEST) || assigned(m, &r, "b00", SPLIT_EX_STRADDLING),
	      "benign foo.bar never trains beside malicious test Foo_Bar");
	INT_IS(count(m, &r, SPLIT_TRAIN, 1), 3, "exactly 3 malware train");
	INT_IS(count(m, &r, SPLIT_EX_UNUSED, 1), 2, "the other 2 older malware unused");
	INT_IS(count(m, &r, SPLIT_TEST, 0), 3, "round(0.3 x 10) benign test");
	CHECK(no_straddling(m, &r), "no cluster or name straddles train/test");
	for (size_t i = 0; i < m->n; i++)
		if (r.assign[i] == SPLIT_TRAIN && m->rows[i].y == 1 &&
		    strcmp(m->rows[i].first_seen, r.cutoff) >= 0)
			CHECK(0, "train malware '%s' not older than the cutoff", m->rows[i].id);
	CHECK(split_assign_corpus(m, &o, &r2, &d) == 0 &&
	          !memcmp(r.assign, r2.assign, m->n * sizeof(*r.assign)),
	      "same seed, same split");
	o.seed = 8;
	int differs = 0;
	if (split_assign_corpus(m, &o, &r3, &d) == 0)
		for (size_t i = 0; i < m->n; i++)
			differs |= r.assign[i] != r3.assign[i];
	CHECK(differs, "another seed gives another sample");
	split_result_release(&r2);
	split_result_release(&r3);

	o.include_probes = 1;
	CHECK(split_assign_corpus(m, &o, &r2, &d) == 0 && assigned(m, &r2, "p01", SPLIT_TEST),
	      "--probes 1 keeps the probe (latest, so test)");
	split_result_release(&r2);

	o.include_probes = 0;
	o.n_train_malicious = 100;
	o.n_test_malicious = 100;
	CHECK(split_assign_corpus(m, &o, &r2, &d) == 0 && r2.scaled &&
	          r2.n_test_malicious_req == 5 && r2.n_train_malicious_req == 5,
	      "too few malware: 10 eligible scaled to 5 + 5");
	split_result_release(&r2);

	o.n_train_malicious = 0;
	o.n_test_malicious = 0;
	o.test_malicious_share = 0.2;
	CHECK(split_assign_corpus(m, &o, &r2, &d) == 0 && count(m, &r2, SPLIT_TEST, 1) == 2 &&
	          count(m, &r2, SPLIT_TRAIN, 1) == 7,
	      "full rule: latest 20 %% of 10 malware test, every older one train");
	split_result_release(&r2);

	o.test_benign_share = 1.5;
	CHECK(split_assign_corpus(m, &o, &r2, &d) < 0, "share outside [0, 1] rejected");
	split_result_release(&r);
	diag_release(&d);
}

/* The Debian slice beside `fixture`: d01-d03 overlap the corpus (name, cluster, column); src-a
 * has three binaries, src-b two; d10 shares d09's project name under another source. */
static const char *const debian_fixture =
    "id,label,name,version,path,format,source,first_seen,cluster,cluster_size,kind,top_rank,"
    "bytes,dropped_files,overlap\n"
    "d01,benign,alpha,1-1,python3-alpha_1-1_all.deb,deb,s,,python-alpha,1,debian,,1,0,none\n"
    "d02,benign,newproj,1-1,python3-newproj_1-1_all.deb,deb,s,,foo-bar,1,debian,,1,0,none\n"
    "d03,benign,unique1,1-1,python3-unique1_1-1_all.deb,deb,s,,src-u,1,debian,,1,0,corpus\n"
    "d04,benign,n04,1-1,p4.deb,deb,s,,src-a,3,debian,,1,0,none\n"
    "d05,benign,n05,1-1,p5.deb,deb,s,,src-a,3,debian,,1,0,none\n"
    "d06,benign,n06,1-1,p6.deb,deb,s,,src-a,3,debian,,1,0,none\n"
    "d07,benign,n07,1-1,p7.deb,deb,s,,src-b,2,debian,,1,0,none\n"
    "d08,benign,n08,1-1,p8.deb,deb,s,,src-b,2,debian,,1,0,none\n"
    "d09,benign,n09,1-1,p9.deb,deb,s,,src-c,1,debian,,1,0,none\n"
    "d10,benign,N09,2-1,p10.deb,deb,s,,src-d,1,debian,,1,0,none\n"
    "d11,benign,n11,1-1,p11.deb,deb,s,,src-e,1,debian,,1,0,none\n"
    "d12,benign,n12,1-1,p12.deb,deb,s,,src-f,1,debian,,1,0,none\n"
    "d13,benign,n13,1-1,p13.deb,deb,s,,src-g,1,debian,,1,0,none\n";

static struct manifest *manifest_of(const char *text)
{
	char path[] = "/tmp/pyvet-test-split.XXXXXX";
	struct manifest *m = NULL;
	struct diag d;
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	diag_init(&d);
	if (manifest_read(path, &m, &d) < 0)
		CHECK(0, "read manifest: %s", diag_message(&d));
	diag_release(&d);
	unlink(path);
	return m;
}

static void debian_tests(const struct manifest *corpus)
{
	struct manifest *deb = manifest_of(debian_fixture);
	struct split_options o, full;
	struct split_result r = {0}, r2 = {0};
	struct diag d;
	diag_init(&d);
	if (!deb)
		return;
	CHECK(split_options_for("realistic", &o) == 0 && split_options_for("full", &full) == 0 &&
	          o.n_train_malicious == full.n_train_malicious &&
	          o.n_test_malicious == full.n_test_malicious &&
	          o.test_malicious_share == full.test_malicious_share &&
	          o.test_benign_share == full.test_benign_share,
	      "realistic splits the corpus as full");
	o.test_benign_share = 0.3;
	if (!CHECK(split_assign_debian(corpus, deb, &o, &r, &d) == 0, "Debian split runs: %s",
	           diag_message(&d))) {
		manifest_free(deb);
		return;
	}
	CHECK(assigned(deb, &r, "d01", SPLIT_EX_OVERLAP), "project name in the corpus: excluded");
	CHECK(assigned(deb, &r, "d02", SPLIT_EX_OVERLAP), "cluster in the corpus: excluded");
	CHECK(assigned(deb, &r, "d03", SPLIT_EX_OVERLAP), "overlap=corpus: excluded");
	size_t n_test = count(deb, &r, SPLIT_TEST, 0), n_train = count(deb, &r, SPLIT_TRAIN, 0);
	INT_IS(n_test + n_train, 10, "the 10 other rows are train or test");
	CHECK(n_test >= 3 && n_test < 3 + 3, "whole sources until round(0.3 x 10) = 3 (got %zu)",
	      n_test);
	CHECK(no_straddling(deb, &r), "no source or project name straddles train/test");
	CHECK(r.assign[find(deb, "d04")] == r.assign[find(deb, "d06")] &&
	          r.assign[find(deb, "d09")] == r.assign[find(deb, "d10")],
	      "binaries of one source, and one project, stay together");
	CHECK(split_assign_debian(corpus, deb, &o, &r2, &d) == 0 &&
	          !memcmp(r.assign, r2.assign, deb->n * sizeof(*r.assign)),
	      "same seed, same Debian split");
	split_result_release(&r2);
	int differs = 0, whole = 1;
	for (o.seed = 2; o.seed < 40; o.seed++) {
		if (split_assign_debian(corpus, deb, &o, &r2, &d) < 0) {
			whole = 0;
			break;
		}
		differs |= memcmp(r.assign, r2.assign, deb->n * sizeof(*r.assign)) != 0;
		whole &= no_straddling(deb, &r2) && count(deb, &r2, SPLIT_TEST, 0) >= 3;
		split_result_release(&r2);
	}
	CHECK(differs, "another seed gives another Debian sample");
	CHECK(whole, "seeds 2-39: never a straddling source or project, at least 3 test rows");
	o.test_benign_share = 0;
	CHECK(split_assign_debian(corpus, deb, &o, &r2, &d) == 0 &&
	          count(deb, &r2, SPLIT_TEST, 0) == 0,
	      "share 0: no Debian test row");
	split_result_release(&r2);
	o.test_benign_share = 1;
	CHECK(split_assign_debian(corpus, deb, &o, &r2, &d) == 0 &&
	          count(deb, &r2, SPLIT_TEST, 0) == 10,
	      "share 1: every eligible Debian row is test");
	split_result_release(&r2);
	{
		/* rows the reader refuses are left out before the split (issue 10.7) */
		static const char *const np[] = {"d04", "d05", "d99"}; /* sorted; d99 absent */
		o.test_benign_share = 0.3;
		o.not_python = np;
		o.n_not_python = 3;
		CHECK(split_assign_debian(corpus, deb, &o, &r2, &d) == 0 &&
		          assigned(deb, &r2, "d04", SPLIT_EX_NOT_PYTHON) &&
		          assigned(deb, &r2, "d05", SPLIT_EX_NOT_PYTHON) &&
		          assigned(deb, &r2, "d01", SPLIT_EX_OVERLAP) &&
		          count(deb, &r2, SPLIT_TEST, 0) + count(deb, &r2, SPLIT_TRAIN, 0) == 8 &&
		          no_straddling(deb, &r2),
		      "not-python ids: excluded-not-python, the 8 others split, nothing straddles");
		CHECK(!strcmp(split_assign_name(SPLIT_EX_NOT_PYTHON), "excluded-not-python"),
		      "assignment name excluded-not-python");
		split_result_release(&r2);
		o.not_python = NULL;
		o.n_not_python = 0;
	}
	split_result_release(&r);
	manifest_free(deb);

	deb = manifest_of("id,label,name,path,cluster,overlap\nz1,benign,zz,p.deb,zz,corpus\n");
	CHECK(deb && split_assign_debian(corpus, deb, &o, &r2, &d) == 0 &&
	          r2.assign[0] == SPLIT_EX_OVERLAP,
	      "every Debian row overlapping: nothing to split, no crash");
	split_result_release(&r2);
	manifest_free(deb);
	CHECK(split_assign_corpus(deb = manifest_of("id,label,name,path,first_seen\n"
	                                            "m1,malicious,m,p,2020-01-01\n"),
	                          &o, &r2, &d) == 0 &&
	          r2.assign[0] == SPLIT_TRAIN,
	      "a corpus without benign rows splits");
	split_result_release(&r2);
	manifest_free(deb);

	deb = manifest_of("id,label,name,path,cluster\nz1,malicious,zz,p.deb,zz\n");
	CHECK(deb && split_assign_debian(corpus, deb, &o, &r2, &d) < 0 &&
	          strstr(diag_message(&d), "not benign"),
	      "a malicious row in the Debian manifest is an error (%s)", diag_message(&d));
	split_result_release(&r2);
	manifest_free(deb);
	diag_release(&d);
}

int main(void)
{
	toolkit_init();
	char buf[64];
	STR_IS(split_normalise_name("Foo__Bar.-baz", buf, sizeof(buf)), "foo-bar-baz",
	       "PEP 503 normalisation");
	char path[] = "/tmp/pyvet-test-split.XXXXXX";
	int fd = mkstemp(path);
	if (!CHECK(fd >= 0, "temporary manifest"))
		return harness_done();
	FILE *f = fdopen(fd, "w");
	fputs(fixture, f);
	fclose(f);
	struct manifest *m = NULL;
	struct diag d;
	diag_init(&d);
	if (CHECK(manifest_read(path, &m, &d) == 0, "read fixture manifest: %s", diag_message(&d)))
		rule_tests(m);
	if (m)
		debian_tests(m);
	manifest_free(m);
	diag_release(&d);
	unlink(path);
	return harness_done();
}
