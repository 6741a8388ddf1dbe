/* The peer tools packj and GuardDog: configuration, one run per package, output parsing. */
#include "experiments/engine/peer.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "experiments/engine/proc.h"

const char *const peer_tool_names[PEER_N_TOOLS] = {"packj", "guarddog"};

#define PEER_ENV_LINE_MAX 4096
#define PEER_STDERR_KEEP 4096
#define PEER_ENV_N 20
/* A closed local port: the tools' HTTP(S) requests fail at once (see peer.h). */
#define PEER_NO_PROXY "http://127.0.0.1:9"

static const char *const launcher_names[] = {"packj_static.py", "guarddog_offline.py",
                                             "pkginfo2meta.py"};

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int set_path(char *dst, const char *key, const char *v, struct diag *d)
{
	if (v[0] != '/')
		return diag_error(d, "'%s' must be an absolute path", key);
	if (strlen(v) >= PEER_PATH_MAX)
		return diag_error(d, "'%s': path too long", key);
	snprintf(dst, PEER_PATH_MAX, "%s", v);
	return 0;
}

int peer_config_load(struct peer_config *c, const char *env_file, const char *launchers,
                     struct diag *d)
{
	char line[PEER_ENV_LINE_MAX], path[PEER_PATH_MAX + 64];
	memset(c, 0, sizeof(*c));
	snprintf(c->python, sizeof(c->python), "/usr/bin/python3");
	c->timeout_s = 300;
	c->max_output = (size_t)64 << 20;
	c->guarddog_metadata = 1;
	FILE *f = fopen(env_file, "r");
	if (!f) {
		diag_error(d, "'%s': %s (run `make peers`)", env_file, strerror(errno));
		return 1;
	}
	int bad = 0;
	size_t lineno = 0;
	while (!bad && fgets(line, sizeof(line), f)) {
		lineno++;
		size_t n = strlen(line);
		if (n && line[n - 1] != '\n' && !feof(f)) {
			bad = diag_error(d, "'%s':%zu: line too long", env_file, lineno);
			break;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		char *eq = strchr(line, '=');
		if (!eq) {
			bad = diag_error(d, "'%s':%zu: not KEY=VALUE", env_file, lineno);
			break;
		}
		*eq = '\0';
		const char *k = line, *v = eq + 1;
		if (!strcmp(k, "PACKJ_SRC"))
			bad = set_path(c->packj_src, k, v, d);
		else if (!strcmp(k, "GUARDDOG_SRC"))
			bad = set_path(c->guarddog_src, k, v, d);
		else if (!strcmp(k, "PEER_PYDEPS"))
			bad = set_path(c->pydeps, k, v, d);
		else if (!strcmp(k, "PEERS_DIR"))
			bad = set_path(c->launchers, k, v, d);
		else if (!strcmp(k, "PEER_PYTHON"))
			bad = set_path(c->python, k, v, d);
		else if (!strcmp(k, "PEER_SOURCES"))
			proc_printable(v, strlen(v), c->sources, sizeof(c->sources));
		/* other keys are ignored (forward compatibility) */
	}
	fclose(f);
	if (bad)
		return -1;
	if (launchers && launchers[0]) {
		if (!realpath(launchers, path) || strlen(path) >= PEER_PATH_MAX) {
			diag_error(d, "'%s': %s", launchers, strerror(errno));
			return 1;
		}
		snprintf(c->launchers, sizeof(c->launchers), "%s", path);
	}
	const char *need[][2] = {{"PACKJ_SRC", c->packj_src},
	                         {"GUARDDOG_SRC", c->guarddog_src},
	                         {"PEER_PYDEPS", c->pydeps},
	                         {"PEERS_DIR", c->launchers}};
	for (size_t i = 0; i < 4; i++) {
		if (!need[i][1][0])
			return diag_error(d, "'%s': no %s", env_file, need[i][0]);
		if (!is_dir(need[i][1])) {
			diag_error(d, "%s '%s' is not a folder (run `make peers`)", need[i][0],
			           need[i][1]);
			return 1;
		}
	}
	for (size_t i = 0; i < sizeof(launcher_names) / sizeof(launcher_names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", c->launchers, launcher_names[i]);
		if (!is_file(path)) {
			diag_error(d, "launcher '%s' not found", path);
			return 1;
		}
	}
	if (access(c->python, X_OK) != 0) {
		diag_error(d, "interpreter '%s': %s", c->python, strerror(errno));
		return 1;
	}
	return 0;
}

void peer_result_init(struct peer_result *r)
{
	memset(r, 0, sizeof(*r));
	r->alerts[0] = r->alerts[1] = -1;
	r->score = NAN;
}

void peer_result_release(struct peer_result *r)
{
	if (!r)
		return;
	free(r->counts);
	peer_result_init(r);
}

/* Add n to the count called `name` (kept sorted by name). 0 or -1 (out of memory). */
static int count_add(struct peer_result *r, const char *name, long n)
{
	size_t lo = 0, hi = r->n_counts;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(r->counts[mid].name, name);
		if (!c) {
			r->counts[mid].n += n;
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	struct peer_count *nc = realloc(r->counts, (r->n_counts + 1) * sizeof(*nc));
	if (!nc)
		return -1;
	r->counts = nc;
	memmove(&nc[lo + 1], &nc[lo], (r->n_counts - lo) * sizeof(*nc));
	proc_printable(name, strlen(name), nc[lo].name, sizeof(nc[lo].name));
	nc[lo].n = n;
	r->n_counts++;
	return 0;
}

/* Append "; "-separated printable text to the evidence, as far as it fits. */
static void evidence_add(struct peer_result *r, const char *s)
{
	size_t have = strlen(r->evidence), room;
	if (have + 8 >= sizeof(r->evidence))
		return;
	if (have) {
		memcpy(r->evidence + have, "; ", 3);
		have += 2;
	}
	room = sizeof(r->evidence) - have;
	proc_printable(s, strlen(s), r->evidence + have, room);
}

static long json_long(const cJSON *o, const char *k, int *ok)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsNumber(v)) {
		*ok = 0;
		return 0;
	}
	return (long)v->valuedouble;
}

/* The next line of out[*pos..len) parsed as JSON (NULL at the end or if not JSON). */
static cJSON *next_json_line(const char *out, size_t len, size_t *pos)
{
	while (*pos < len) {
		size_t s = *pos, e = s;
		while (e < len && out[e] != '\n')
			e++;
		*pos = e < len ? e + 1 : e;
		if (e > s && out[s] == '{')
			return cJSON_ParseWithLength(out + s, e - s);
	}
	return NULL;
}

int peer_parse_packj(const char *out, size_t len, int with_setup, struct peer_result *r,
                     struct diag *d)
{
	size_t pos = 0;
	char msg[120];
	cJSON *a = next_json_line(out, len, &pos);
	int ok = 1;
	if (!a)
		return diag_error(d, "packj output is not JSON: '%s'",
		                  proc_printable(out, len < 60 ? len : 60, msg, sizeof(msg)));
	r->alerts[0] = json_long(a, "api_sites_total", &ok);
	r->issues = json_long(a, "static_risk_items", &ok);
	r->alert_types = json_long(a, "n_api_alert_types", &ok);
	const cJSON *by = cJSON_GetObjectItemCaseSensitive(a, "api_sites_by_perm");
	if (!ok || !cJSON_IsObject(by)) {
		cJSON_Delete(a);
		return diag_error(d, "packj output lacks api_sites_total, static_risk_items, "
		                     "n_api_alert_types or api_sites_by_perm");
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, by)
	{
		if (cJSON_IsNumber(it) && it->string &&
		    count_add(r, it->string, (long)it->valuedouble)) {
			cJSON_Delete(a);
			return diag_error(d, "out of memory");
		}
	}
	r->flagged = r->issues > 0;
	/* Evidence: packj's risk messages, by risk category ({category: [message, ...]}), each
	 * "<alert type>: <reason>"; API risks are those whose alert type is an API label. */
	const cJSON *risks = cJSON_GetObjectItemCaseSensitive(a, "risks"), *cat, *m, *lab;
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(a, "api_alert_types");
	cJSON_ArrayForEach(cat, risks)
	{
		cJSON_ArrayForEach(m, cat)
		{
			if (!cJSON_IsString(m))
				continue;
			evidence_add(r, m->valuestring);
			cJSON_ArrayForEach(lab, labels)
			{
				size_t k = cJSON_IsString(lab) ? strlen(lab->valuestring) : 0;
				if (k && !strncmp(m->valuestring, lab->valuestring, k) &&
				    m->valuestring[k] == ':') {
					r->api_risks++;
					break;
				}
			}
		}
	}
	r->flagged_api = r->api_risks > 0;
	cJSON_Delete(a);
	if (with_setup) {
		cJSON *b = next_json_line(out, len, &pos);
		ok = 1;
		r->alerts[1] = b ? json_long(b, "api_sites_total", &ok) : -1;
		r->flagged_setup = b && json_long(b, "static_risk_items", &ok) > 0;
		cJSON_Delete(b);
		if (!b || !ok)
			return diag_error(d, "packj output has no second (setup.py) line");
	}
	return 0;
}

/* 1 if a GuardDog finding location ("dir/setup.py:12") is a root setup.py. */
static int is_root_setup(const char *loc)
{
	const char *colon = strrchr(loc, ':');
	size_t n = colon ? (size_t)(colon - loc) : strlen(loc);
	const char *slash = memchr(loc, '/', n);
	if (!slash)
		return n == 8 && !memcmp(loc, "setup.py", 8);
	return (size_t)(loc + n - slash - 1) == 8 && !memcmp(slash + 1, "setup.py", 8);
}

int peer_parse_guarddog(const char *out, size_t len, struct peer_result *r, struct diag *d)
{
	char msg[120], ev[PEER_EVIDENCE_MAX];
	const char *brace = memchr(out, '{', len);
	cJSON *root = brace ? cJSON_ParseWithLength(brace, len - (size_t)(brace - out)) : NULL;
	if (!root)
		return diag_error(d, "guarddog output is not JSON: '%s'",
		                  proc_printable(out, len < 60 ? len : 60, msg, sizeof(msg)));
	int ok = 1;
	r->issues = json_long(root, "issues", &ok);
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(root, "results");
	if (!ok || !cJSON_IsObject(res)) {
		cJSON_Delete(root);
		return diag_error(d, "guarddog output lacks 'issues' or 'results'");
	}
	const cJSON *errs = cJSON_GetObjectItemCaseSensitive(root, "errors");
	r->rule_errors = cJSON_IsObject(errs) ? cJSON_GetArraySize(errs) : 0;
	r->alerts[0] = r->alerts[1] = 0;
	r->alert_types = 0;
	const cJSON *rule;
	int shown = 0;
	cJSON_ArrayForEach(rule, res)
	{
		long n = 0;
		const char *name = rule->string ? rule->string : "?";
		if (cJSON_IsArray(rule)) {
			const cJSON *f;
			cJSON_ArrayForEach(f, rule)
			{
				n++;
				const char *loc = cJSON_GetStringValue(
				    cJSON_GetObjectItemCaseSensitive(f, "location"));
				const char *match = cJSON_GetStringValue(
				    cJSON_GetObjectItemCaseSensitive(f, "match"));
				if (loc && is_root_setup(loc))
					r->alerts[1]++;
				if (shown < 3) {
					snprintf(ev, sizeof(ev), "%s %s '%.60s'", name,
					         loc ? loc : "-", match ? match : "");
					evidence_add(r, ev);
					shown++;
				}
			}
		} else if (cJSON_IsString(rule) && rule->valuestring[0]) {
			n = 1; /* a metadata rule that fired: its value is the message */
			if (shown < 3) {
				snprintf(ev, sizeof(ev), "%s (metadata) '%.80s'", name,
				         rule->valuestring);
				evidence_add(r, ev);
				shown++;
			}
		}
		if (n > 0) {
			r->alerts[0] += n;
			r->alert_types++;
			if (count_add(r, name, n) < 0) {
				cJSON_Delete(root);
				return diag_error(d, "out of memory");
			}
		}
	}
	const cJSON *rs = cJSON_GetObjectItemCaseSensitive(root, "risk_score");
	const char *label = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rs, "label"));
	const cJSON *score = cJSON_GetObjectItemCaseSensitive(rs, "score");
	if (label)
		proc_printable(label, strlen(label), r->label, sizeof(r->label));
	r->score = cJSON_IsNumber(score) ? score->valuedouble : (double)NAN;
	r->flagged = r->issues > 0;
	r->flagged_setup = r->alerts[1] > 0;
	r->label_high = !strcmp(r->label, "high_risk");
	r->label_suspicious = r->label_high || !strcmp(r->label, "suspicious");
	cJSON_Delete(root);
	return 0;
}

/* The environment of one peer run (see peer.h), strings in `store`. */
struct peer_env {
	char store[PEER_ENV_N][PEER_PATH_MAX + 32];
	char *envp[PEER_ENV_N + 1];
	size_t n;
};

static void env_add(struct peer_env *e, const char *k, const char *v)
{
	if (e->n >= PEER_ENV_N)
		return;
	snprintf(e->store[e->n], sizeof(e->store[e->n]), "%s=%s", k, v);
	e->envp[e->n] = e->store[e->n];
	e->envp[++e->n] = NULL;
}

static void env_build(struct peer_env *e, const struct peer_config *c, const char *home,
                      const char *tmp)
{
	e->n = 0;
	e->envp[0] = NULL;
	env_add(e, "PATH", "/usr/bin:/bin");
	env_add(e, "LANG", "C.UTF-8");
	env_add(e, "LC_ALL", "C.UTF-8");
	env_add(e, "HOME", home);
	env_add(e, "TMPDIR", tmp);
	env_add(e, "TMP", tmp);
	env_add(e, "TEMP", tmp);
	env_add(e, "PYTHONHASHSEED", "0");
	env_add(e, "PACKJ_SRC", c->packj_src);
	env_add(e, "GUARDDOG_SRC", c->guarddog_src);
	env_add(e, "PEER_PYDEPS", c->pydeps);
	env_add(e, "http_proxy", PEER_NO_PROXY);
	env_add(e, "https_proxy", PEER_NO_PROXY);
	env_add(e, "HTTP_PROXY", PEER_NO_PROXY);
	env_add(e, "HTTPS_PROXY", PEER_NO_PROXY);
}

/* Run one peer process; add its times to r. 0 when it exited with status 0. */
static int run_one(const struct peer_config *c, char *const argv[], const struct peer_env *env,
                   const char *cwd, struct proc_result *pr, struct peer_result *r, struct diag *d)
{
	struct proc_spec s = {.exe = c->python,
	                      .argv = argv,
	                      .envp = env->envp,
	                      .cwd = cwd,
	                      .stdin_fd = -1,
	                      .timeout_s = c->timeout_s,
	                      .max_stdout = c->max_output,
	                      .stderr_keep = PEER_STDERR_KEEP};
	char last[160];
	r->ran = 1;
	int rc = proc_run(&s, pr, d);
	r->wall_s += pr->wall_s;
	r->cpu_s += pr->cpu_s;
	r->timed_out |= pr->timed_out;
	if (rc == 0 && pr->exit_status != 0)
		rc = diag_error(d, "exit status %d: %s", pr->exit_status,
		                proc_last_line(pr->err.buf ? pr->err.buf : "", pr->err.len, last,
		                               sizeof(last)));
	return rc;
}

/* Paths inside the scratch directory. */
struct peer_paths {
	char root[SCRATCH_PATH_MAX], home[SCRATCH_PATH_MAX], tmp[SCRATCH_PATH_MAX];
	char a[SCRATCH_PATH_MAX], b[SCRATCH_PATH_MAX], c[SCRATCH_PATH_MAX];
	char launcher[PEER_PATH_MAX + 64], launcher2[PEER_PATH_MAX + 64];
};

static int run_packj(const struct peer_config *c, const struct package *p, struct scratch *s,
                     struct peer_paths *pp, struct peer_env *env, struct peer_result *r,
                     struct diag *d)
{
	struct proc_result pr;
	int ret = -1;
	if (scratch_unpack(s, "pkg", p, &r->unpacked, d) < 0)
		return -1;
	const struct package_file *setup = package_find(p, "setup.py");
	int with_setup = setup && setup->kind == PKGFS_FILE && setup->data;
	if (with_setup && scratch_write(s, "setup/setup.py", setup->data, setup->size, d) < 0)
		return -1;
	snprintf(pp->launcher, sizeof(pp->launcher), "%s/packj_static.py", c->launchers);
	if (!scratch_path(s, "pkg", pp->a, sizeof(pp->a)) ||
	    !scratch_path(s, "setup", pp->b, sizeof(pp->b)))
		return diag_error(d, "scratch path too long");
	char *argv[] = {(char *)c->python,         (char *)"-s", pp->launcher, pp->a,
	                with_setup ? pp->b : NULL, NULL};
	proc_result_init(&pr);
	if (run_one(c, argv, env, pp->root, &pr, r, d) == 0)
		ret = peer_parse_packj(pr.out.buf ? pr.out.buf : "", pr.out.len, with_setup, r, d);
	if (!with_setup && ret == 0)
		r->alerts[1] = 0; /* no root setup.py: nothing to count */
	proc_result_release(&pr);
	return ret;
}

/* The file name GuardDog needs for the archive's format (it goes by the extension). */
static const char *archive_ext(const char *format)
{
	const char *last = strrchr(format, '>');
	last = last ? last + 1 : format;
	if (!strcmp(last, "tar.gz") || !strcmp(last, "tar.bz2") || !strcmp(last, "tar.xz"))
		return last;
	if (!strcmp(last, "whl") || !strcmp(last, "zip"))
		return last;
	return NULL;
}

static int run_guarddog(const struct peer_config *c, const struct package *p, struct scratch *s,
                        struct peer_paths *pp, struct peer_env *env, struct peer_result *r,
                        struct diag *d)
{
	struct proc_result pr;
	char name[80];
	int ret = -1;
	const char *ext = archive_ext(p->format);
	if (!p->archive || !ext)
		return diag_error(d, "format '%s' is not one GuardDog scans", p->format);
	snprintf(name, sizeof(name), "package.%s", ext);
	if (scratch_write(s, name, p->archive, p->archive_len, d) < 0)
		return -1;
	r->unpacked.written = 1;
	r->unpacked.bytes = p->archive_len;
	proc_result_init(&pr);
	/* Metadata rules: the package's metadata file -> PyPI JSON (pkginfo2meta.py). A failure
	 * here only means a scan without --metadata. */
	const struct package_file *m = p->metadata;
	if (c->guarddog_metadata && m && m->data &&
	    scratch_write(s, "meta/PKG-INFO", m->data, m->size, d) == 0 &&
	    scratch_path(s, "meta", pp->b, sizeof(pp->b))) {
		snprintf(pp->launcher2, sizeof(pp->launcher2), "%s/pkginfo2meta.py", c->launchers);
		char *margv[] = {(char *)c->python, (char *)"-s", pp->launcher2, pp->b, NULL};
		struct diag md;
		diag_init(&md);
		if (run_one(c, margv, env, pp->root, &pr, r, &md) == 0 && pr.out.len &&
		    scratch_write(s, "meta.json", pr.out.buf, pr.out.len, &md) == 0)
			r->used_metadata = 1;
		diag_release(&md);
	}
	if (!scratch_path(s, name, pp->a, sizeof(pp->a)) ||
	    !scratch_path(s, "meta.json", pp->c, sizeof(pp->c))) {
		proc_result_release(&pr);
		return diag_error(d, "scratch path too long");
	}
	snprintf(pp->launcher, sizeof(pp->launcher), "%s/guarddog_offline.py", c->launchers);
	char *argv[] = {(char *)c->python,
	                (char *)"-s",
	                pp->launcher,
	                (char *)"pypi",
	                (char *)"scan",
	                (char *)"--no-sandbox",
	                (char *)"--output-format",
	                (char *)"json",
	                r->used_metadata ? (char *)"--metadata" : pp->a,
	                r->used_metadata ? pp->c : NULL,
	                r->used_metadata ? pp->a : NULL,
	                NULL};
	if (run_one(c, argv, env, pp->root, &pr, r, d) == 0)
		ret = peer_parse_guarddog(pr.out.buf ? pr.out.buf : "", pr.out.len, r, d);
	proc_result_release(&pr);
	return ret;
}

int peer_run(const struct peer_config *c, enum peer_tool t, const struct package *p,
             struct peer_result *r)
{
	struct scratch s;
	struct diag d, rm;
	struct peer_paths *pp = calloc(1, sizeof(*pp));
	struct peer_env *env = calloc(1, sizeof(*env));
	int ret = -1;
	diag_init(&d);
	diag_init(&rm);
	r->ran = 1; /* attempted: a failure before the tool starts is still its failure here */
	if (!pp || !env) {
		diag_error(&d, "out of memory");
		goto end;
	}
	if (scratch_create(&s, c->scratch_base, &d) < 0)
		goto end;
	if (!scratch_path(&s, "", pp->root, sizeof(pp->root)) ||
	    !scratch_path(&s, "home", pp->home, sizeof(pp->home)) ||
	    !scratch_path(&s, "tmp", pp->tmp, sizeof(pp->tmp)) || scratch_mkdir(&s, "home", &d) ||
	    scratch_mkdir(&s, "tmp", &d)) {
		if (!d.error[0])
			diag_error(&d, "scratch path too long");
	} else {
		env_build(env, c, pp->home, pp->tmp);
		ret = t == PEER_PACKJ ? run_packj(c, p, &s, pp, env, r, &d)
		                      : run_guarddog(c, p, &s, pp, env, r, &d);
	}
	if (scratch_remove(&s, &rm) < 0 && ret == 0) {
		ret = -1;
		diag_error(&d, "%s", diag_message(&rm));
	}
end:
	r->ok = ret == 0;
	if (ret < 0)
		proc_printable(diag_message(&d), strlen(diag_message(&d)), r->status,
		               sizeof(r->status));
	else
		r->status[0] = '\0';
	free(pp);
	free(env);
	diag_release(&d);
	diag_release(&rm);
	return ret;
}
