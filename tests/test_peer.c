/* Unit tests for experiments/engine/peer: the env file, the packj and GuardDog output parsers,
 * fake peer programs (written here) that hang, crash, print garbage or report their environment,
 * and, when `make peers` has run and the corpus is there, the real packj and GuardDog on three
 * small corpus packages. After every run the scratch base must be empty again. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/base/toolkit.h"
#include "core/pkg/package.h"
#include "experiments/engine/cleanup.h"
#include "experiments/engine/peer.h"
#include "experiments/engine/scratch.h"
#include "tests/archive_fixture.h"
#include "tests/harness.h"

static char tmp_root[256];

static int write_text(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(s, f);
	return fclose(f);
}

/* Entries in folder `dir` (. and .. excluded), -1 if it cannot be read. */
static int n_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void test_parse_packj(void)
{
	struct peer_result r;
	struct diag d;
	diag_init(&d);
	peer_result_init(&r);
	static const char out[] =
	    "{\"dir\": \"/x/pkg\", \"seconds\": 0.1, \"api_sites_total\": 7, "
	    "\"api_sites_by_perm\": "
	    "{\"SINK_PROCESS_OPERATION\": 5, \"SOURCE_FILE\": 2}, \"api_alert_types\": [\"a\", "
	    "\"b\"], \"n_api_alert_types\": 2, \"static_risk_items\": 3, \"risks\": "
	    "{\"undesirable\": [\"contains executables\\u001b[31m\", \"b: reads files\"]}}\n"
	    "{\"dir\": \"/x/setup\", \"api_sites_total\": 4, \"api_sites_by_perm\": {}, "
	    "\"n_api_alert_types\": 0, \"static_risk_items\": 1}\n";
	CHECK(peer_parse_packj(out, strlen(out), 1, &r, &d) == 0, "packj: two lines parsed (%s)",
	      diag_message(&d));
	INT_IS(r.alerts[0], 7, "packj: package call sites");
	INT_IS(r.alerts[1], 4, "packj: setup.py call sites from the second line");
	INT_IS(r.flagged_setup, 1, "packj: setup.py flagged by its own static risk");
	INT_IS(r.issues, 3, "packj: static risk items");
	INT_IS(r.alert_types, 2, "packj: alert types");
	INT_IS(r.flagged, 1, "packj: flagged by its static risks");
	INT_IS(r.api_risks, 1,
	       "packj: one risk from an API label ('b: ...'), one from composition");
	INT_IS(r.flagged_api, 1, "packj: flagged by an API risk");
	INT_IS(r.n_counts, 2, "packj: two categories");
	if (r.n_counts == 2) {
		STR_IS(r.counts[0].name, "SINK_PROCESS_OPERATION", "packj: categories sorted");
		INT_IS(r.counts[0].n, 5, "packj: category count");
	}
	CHECK(strstr(r.evidence, "contains executables\\x1b[31m") != NULL,
	      "packj: evidence escaped (%s)", r.evidence);
	peer_result_release(&r);
	CHECK(peer_parse_packj(out, strlen(out) / 2, 0, &r, &d) < 0, "packj: a cut line fails");
	CHECK(peer_parse_packj("Traceback\n", 10, 0, &r, &d) < 0 &&
	          strstr(diag_message(&d), "not JSON"),
	      "packj: garbage is an error (%s)", diag_message(&d));
	peer_result_release(&r);
	static const char no_setup[] = "{\"api_sites_total\": 1, \"api_sites_by_perm\": {}, "
	                               "\"n_api_alert_types\": 0, \"static_risk_items\": 0}\n";
	CHECK(peer_parse_packj(no_setup, strlen(no_setup), 1, &r, &d) < 0,
	      "packj: a missing setup line is an error");
	peer_result_release(&r);
	diag_release(&d);
}

static void test_parse_guarddog(void)
{
	struct peer_result r;
	struct diag d;
	diag_init(&d);
	peer_result_init(&r);
	static const char out[] =
	    "{\"package\": \"p.tar.gz\", \"issues\": 5, \"errors\": {\"a\": \"x\", \"b\": \"y\"},"
	    " \"results\": {\"typosquatting\": null, \"bundled_binary\": \"has a binary\","
	    " \"threat-runtime-keylogging\": {},"
	    " \"threat-setup-suspicious-imports\": [{\"location\": \"p-1.0/setup.py:14\","
	    " \"code\": \"c\", \"match\": \"import requests\", \"message\": \"m\"}],"
	    " \"capability-process-spawn\": [{\"location\": \"p-1.0/setup.py:16\", \"match\": "
	    "\"x\"},"
	    " {\"location\": \"p-1.0/sub/setup.py:3\", \"match\": \"y\"}]},"
	    " \"risk_score\": {\"score\": 7.4, \"label\": \"high_risk\"}}";
	CHECK(peer_parse_guarddog(out, strlen(out), &r, &d) == 0, "guarddog: parsed (%s)",
	      diag_message(&d));
	INT_IS(r.issues, 5, "guarddog: its issue count");
	INT_IS(r.alerts[0], 4, "guarddog: findings (1 metadata + 1 + 2)");
	INT_IS(r.alerts[1], 2, "guarddog: findings in the root setup.py only");
	INT_IS(r.flagged_setup, 1, "guarddog: setup.py flagged");
	INT_IS(r.alert_types, 3, "guarddog: rules that fired");
	INT_IS(r.rule_errors, 2, "guarddog: rules that could not run");
	INT_IS(r.flagged, 1, "guarddog: flagged");
	INT_IS(r.label_high, 1, "guarddog: high_risk label");
	INT_IS(r.label_suspicious, 1, "guarddog: high_risk counts as at least suspicious");
	CHECK_REL(r.score, 7.4, 1e-12, "guarddog: score");
	INT_IS(r.n_counts, 3, "guarddog: three rules counted");
	CHECK(strstr(r.evidence, "threat-setup-suspicious-imports p-1.0/setup.py:14") != NULL,
	      "guarddog: evidence names the rule and place (%s)", r.evidence);
	peer_result_release(&r);
	static const char none[] = "{\"issues\": 0, \"results\": {}, \"risk_score\": {\"score\": 0,"
	                           " \"label\": \"no_risks_detected\"}}";
	CHECK(peer_parse_guarddog(none, strlen(none), &r, &d) == 0 && !r.flagged &&
	          !r.label_suspicious && r.alerts[0] == 0,
	      "guarddog: a clean report");
	peer_result_release(&r);
	CHECK(peer_parse_guarddog("\x1b[0mnope", 8, &r, &d) < 0, "guarddog: garbage fails");
	CHECK(peer_parse_guarddog("{\"issues\": 1}", 13, &r, &d) < 0,
	      "guarddog: a report without results fails");
	peer_result_release(&r);
	diag_release(&d);
}

static void test_config(void)
{
	struct peer_config c;
	struct diag d;
	char env[512], dir[512], body[4096];
	diag_init(&d);
	snprintf(env, sizeof(env), "%s/env", tmp_root);
	CHECK(peer_config_load(&c, env, NULL, &d) == 1,
	      "config: a missing env file means 'not "
	      "set up' (%s)",
	      diag_message(&d));
	write_text(env, "PACKJ_SRC\n");
	CHECK(peer_config_load(&c, env, NULL, &d) == -1, "config: a line without '=' is malformed");
	write_text(env, "PACKJ_SRC=relative/path\n");
	CHECK(peer_config_load(&c, env, NULL, &d) == -1, "config: relative paths refused");
	snprintf(body, sizeof(body),
	         "# comment\nPACKJ_SRC=%s/nowhere\nGUARDDOG_SRC=%s\nPEER_PYDEPS=%s\nPEERS_DIR=%s\n",
	         tmp_root, tmp_root, tmp_root, tmp_root);
	write_text(env, body);
	CHECK(peer_config_load(&c, env, NULL, &d) == 1 && strstr(diag_message(&d), "PACKJ_SRC"),
	      "config: a missing folder means 'not set up' (%s)", diag_message(&d));
	snprintf(dir, sizeof(dir), "%s/launchers", tmp_root);
	snprintf(body, sizeof(body),
	         "PACKJ_SRC=%s\nGUARDDOG_SRC=%s\nPEER_PYDEPS=%s\nPEERS_DIR=%s\n", tmp_root,
	         tmp_root, tmp_root, dir);
	write_text(env, body);
	CHECK(peer_config_load(&c, env, NULL, &d) == 1, "config: launchers missing (%s)",
	      diag_message(&d));
	diag_release(&d);
}

/* The fake launchers: Python scripts that read what to do from the package they are given. */
static const char fake_packj[] =
    "import json, os, signal, sys, time\n"
    "d = sys.argv[1]\n"
    "mode = open(os.path.join(d, 'mode.txt')).read().strip()\n"
    "if mode == 'hang':\n"
    "    if os.fork() == 0:\n"
    "        time.sleep(600)\n"
    "    time.sleep(600)\n"
    "if mode == 'crash':\n"
    "    os.kill(os.getpid(), signal.SIGSEGV)\n"
    "if mode == 'garbage':\n"
    "    sys.stdout.buffer.write(b'\\x1b[31mno json here\\x00\\n'); sys.exit(0)\n"
    "if mode == 'fail':\n"
    "    sys.stderr.write('Traceback\\nValueError: bad \\x1b[2J thing\\n'); sys.exit(3)\n"
    "env = sorted(k for k in os.environ)\n"
    "risks = {'env': env, 'tmp': [os.environ.get('TMPDIR', '')], 'cwd': [os.getcwd()]}\n"
    "open(os.path.join(os.environ['TMPDIR'], 'left-behind'), 'w').write('x')\n"
    "for x in sys.argv[1:]:\n"
    "    n = len(os.listdir(x))\n"
    "    print(json.dumps({'api_sites_total': n, 'api_sites_by_perm': {'SOURCE_FILE': n},\n"
    "                      'n_api_alert_types': 1, 'static_risk_items': 0, 'risks': risks}))\n";

static const char fake_guarddog[] =
    "import json, sys\n"
    "a = sys.argv[1:]\n"
    "meta = a[a.index('--metadata') + 1] if '--metadata' in a else ''\n"
    "name = json.load(open(meta))['info']['name'] if meta else ''\n"
    "print('WARNING: chatter first')\n"
    "print(json.dumps({'issues': 1, 'results': {'fake-rule': [{'location': 'x/setup.py:1',\n"
    "      'match': name + ' ' + a[-1].rsplit('/', 1)[-1]}]},\n"
    "      'risk_score': {'score': 5.0, 'label': 'suspicious'}}))\n";

static const char fake_meta[] = "import json, sys\n"
                                "print(json.dumps({'info': {'name': 'fakename'}}))\n";

static int fake_launchers(char *dir, size_t n)
{
	char p[600];
	snprintf(dir, n, "%s/fake", tmp_root);
	if (mkdir(dir, 0700) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/packj_static.py", dir);
	if (write_text(p, fake_packj) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/guarddog_offline.py", dir);
	if (write_text(p, fake_guarddog) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/pkginfo2meta.py", dir);
	return write_text(p, fake_meta);
}

static struct package *fixture(const char *mode)
{
	struct fx_entry e[] = {
	    {"demo-1.0/PKG-INFO", FX_FILE, "Metadata-Version: 2.1\nName: demo\n", 34, NULL},
	    {"demo-1.0/setup.py", FX_FILE, "import os\n", 10, NULL},
	    {"demo-1.0/mode.txt", FX_FILE, mode, strlen(mode), NULL},
	    {"demo-1.0/link", FX_SYMLINK, NULL, 0, "/etc/passwd"},
	};
	size_t len = 0;
	struct package_options o;
	struct package *p = NULL;
	struct diag d;
	unsigned char *b = fx_build("tar", "gzip", NULL, NULL, e, 4, &len);
	package_options_default(&o);
	o.load_all = 1;
	o.keep_archive = 1;
	diag_init(&d);
	if (!b || package_open_memory(&p, b, len, "fixture", &o, &d) < 0)
		p = NULL;
	diag_release(&d);
	free(b);
	return p;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void test_fake_peers(void)
{
	struct peer_config c;
	struct diag d;
	char dir[512], env[512], body[4096], base[512];
	if (access("/usr/bin/python3", X_OK) != 0) {
		SKIP("fake peers: /usr/bin/python3 not available");
		return;
	}
	diag_init(&d);
	if (!CHECK(fake_launchers(dir, sizeof(dir)) == 0, "fake launchers written"))
		return;
	snprintf(env, sizeof(env), "%s/fake.env", tmp_root);
	snprintf(body, sizeof(body),
	         "PACKJ_SRC=%s\nGUARDDOG_SRC=%s\nPEER_PYDEPS=%s\nPEERS_DIR=%s\n", tmp_root,
	         tmp_root, tmp_root, dir);
	write_text(env, body);
	snprintf(base, sizeof(base), "%s/scratch", tmp_root);
	mkdir(base, 0700);
	if (!CHECK(peer_config_load(&c, env, NULL, &d) == 0, "fake config loads (%s)",
	           diag_message(&d)))
		return;
	snprintf(c.scratch_base, sizeof(c.scratch_base), "%s", base);
	c.timeout_s = 2;
	setenv("PYVET_TEST_SECRET", "leak", 1);

	struct peer_result r;
	struct package *p = fixture("good");
	peer_result_init(&r);
	CHECK(p && peer_run(&c, PEER_PACKJ, p, &r) == 0, "fake packj: ok (%s)", r.status);
	INT_IS(r.alerts[0], 3, "fake packj: the 3 regular files were written, not the link");
	INT_IS(r.unpacked.not_regular, 1, "fake packj: the symlink was counted, not written");
	INT_IS(r.alerts[1], 1, "fake packj: the setup folder holds only setup.py");
	CHECK(!strstr(r.evidence, "PYVET_TEST_SECRET") && strstr(r.evidence, "PACKJ_SRC") &&
	          strstr(r.evidence, "PYTHONHASHSEED"),
	      "fake packj: a controlled environment, nothing inherited (%s)", r.evidence);
	CHECK(strstr(r.evidence, base) != NULL, "fake packj: TMPDIR and cwd in the scratch dir");
	CHECK(r.wall_s > 0 && r.cpu_s > 0, "fake packj: wall and CPU time measured");
	INT_IS(n_entries(base), 0, "fake packj: scratch base empty after the run");
	peer_result_release(&r);

	CHECK(p && peer_run(&c, PEER_GUARDDOG, p, &r) == 0, "fake guarddog: ok (%s)", r.status);
	CHECK(strstr(r.evidence, "fakename package.tar.gz") != NULL,
	      "fake guarddog: --metadata from pkginfo2meta and the archive as package.tar.gz (%s)",
	      r.evidence);
	INT_IS(r.used_metadata, 1, "fake guarddog: metadata used");
	INT_IS(r.label_suspicious, 1, "fake guarddog: label read");
	INT_IS(n_entries(base), 0, "fake guarddog: scratch base empty after the run");
	peer_result_release(&r);
	package_free(p);

	static const char *const modes[] = {"hang", "crash", "garbage", "fail"};
	static const char *const want[] = {"timed out", "signal 11", "not JSON",
	                                   "exit status 3: ValueError: bad \\x1b[2J thing"};
	for (int i = 0; i < 4; i++) {
		p = fixture(modes[i]);
		peer_result_init(&r);
		double t0 = now_s();
		CHECK(p && peer_run(&c, PEER_PACKJ, p, &r) < 0 && !r.ok, "fake packj %s: fails",
		      modes[i]);
		CHECK(strstr(r.status, want[i]) != NULL, "fake packj %s: reason '%s'", modes[i],
		      r.status);
		if (i == 0) {
			INT_IS(r.timed_out, 1, "fake packj hang: timed_out set");
			CHECK(now_s() - t0 < 30, "fake packj hang: bounded by the time limit");
		}
		INT_IS(n_entries(base), 0, "fake packj %s: scratch base empty", modes[i]);
		peer_result_release(&r);
		package_free(p);
	}
	/* A package of links only: nothing to give packj; still an attempt that failed. */
	{
		static const struct fx_entry e[] = {
		    {"l-1/setup.py", FX_SYMLINK, NULL, 0, "/etc/passwd"}};
		size_t len = 0;
		struct package_options o;
		struct diag od;
		unsigned char *b = fx_build("tar", "gzip", NULL, NULL, e, 1, &len);
		package_options_default(&o);
		o.load_all = o.keep_archive = 1;
		diag_init(&od);
		p = NULL;
		peer_result_init(&r);
		if (b && package_open_memory(&p, b, len, "links", &o, &od) == 0) {
			CHECK(peer_run(&c, PEER_PACKJ, p, &r) < 0 && r.ran && !r.ok &&
			          strstr(r.status, "no regular file"),
			      "links only: packj attempted and failed (%s)", r.status);
		} else {
			SKIP("links only: the reader refuses such a package (%s)",
			     diag_message(&od));
		}
		INT_IS(n_entries(base), 0, "links only: scratch base empty");
		peer_result_release(&r);
		package_free(p);
		diag_release(&od);
		free(b);
	}
	/* The hanging fake forked a child that sleeps in the same process group: it must be
	 * gone too (nothing sleeping with our fake script on its command line). */
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "! pgrep -f '%s/fake/[p]ackj_static[.]py' >/dev/null", tmp_root);
	CHECK(system(cmd) == 0, "fake packj hang: its forked child was killed with the group");
	unsetenv("PYVET_TEST_SECRET");
	diag_release(&d);
}

/* The real packj and GuardDog on small corpus packages (issue 13's test). */
static void test_real_peers(void)
{
	static const char *const pkgs[][2] = {
	    {"malicious/9481ac53c634fec9d75d943aaeee72d9a64dc8e24e28ec2433b547925158e8d1.zip",
	     "malicious"},
	    {"malicious/1570d4ae2a9ddcafaad2e125b30e1e6da09fa2c9641cc509201938028640215f.zip",
	     "malicious"},
	    {"benign/python-chocolate_0.0.2.orig.tar.gz", "benign"}};
	struct peer_config c;
	struct diag d;
	char base[512], path[1024];
	const char *corpus = harness_corpus_dir();
	diag_init(&d);
	int rc = peer_config_load(&c, "build/peers/env", NULL, &d);
	if (!corpus || !harness_shared_file("peers/setup.sh", path, sizeof(path)) || rc != 0) {
		SKIP("real peers: %s", !corpus   ? "corpus not available"
		                       : rc == 0 ? "../shared/peers not available"
		                                 : diag_message(&d));
		diag_release(&d);
		return;
	}
	snprintf(base, sizeof(base), "%s/real", tmp_root);
	mkdir(base, 0700);
	snprintf(c.scratch_base, sizeof(c.scratch_base), "%s", base);
	for (size_t i = 0; i < 3; i++) {
		struct package_options o;
		struct package *p = NULL;
		package_options_default(&o);
		o.load_all = o.keep_archive = 1;
		snprintf(path, sizeof(path), "%s/%s", corpus, pkgs[i][0]);
		if (!CHECK(package_open(&p, path, &o, &d) == 0, "real: %s opened", pkgs[i][0]))
			continue;
		for (int t = 0; t < PEER_N_TOOLS; t++) {
			struct peer_result r;
			peer_result_init(&r);
			CHECK(peer_run(&c, (enum peer_tool)t, p, &r) == 0, "real %s on %s: ok (%s)",
			      peer_tool_names[t], p->format, r.status);
			CHECK(r.alerts[0] >= 0 && r.alerts[1] >= 0 &&
			          r.alerts[1] <= r.alerts[0] + 1000,
			      "real %s: counts %ld/%ld (package/setup), evidence '%.80s'",
			      peer_tool_names[t], r.alerts[0], r.alerts[1], r.evidence);
			if (i == 0 && t == PEER_GUARDDOG)
				CHECK(r.flagged && r.used_metadata,
				      "real guarddog flags the 3web sample (label %s)", r.label);
			if (i == 0 && t == PEER_PACKJ)
				CHECK(r.alerts[0] >= 1 && r.alerts[1] >= 1,
				      "real packj sees the exec() call in 3web's setup.py");
			INT_IS(n_entries(base), 0, "real %s: scratch base empty",
			       peer_tool_names[t]);
			peer_result_release(&r);
		}
		package_free(p);
	}
	diag_release(&d);
}

int main(void)
{
	toolkit_init();
	snprintf(tmp_root, sizeof(tmp_root), "/tmp/pyvet-test-peer.XXXXXX");
	if (!mkdtemp(tmp_root)) {
		perror("mkdtemp");
		return 1;
	}
	cleanup_install();
	test_parse_packj();
	test_parse_guarddog();
	test_config();
	test_fake_peers();
	test_real_peers();
	cleanup_uninstall();
	cleanup_rmtree(tmp_root);
	return harness_done();
}
