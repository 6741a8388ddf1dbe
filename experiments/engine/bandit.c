/* Running bandit on in-memory Python sources without a shell and counting its alerts (D35). */
#define _GNU_SOURCE /* memfd_create() */
#include "experiments/engine/bandit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/base/sbuf.h"
#include "experiments/engine/proc.h"

#define BANDIT_NAME_MAX 48

/* An anonymous in-memory file (close-on-exec) holding `len` bytes, offset rewound to 0.
 * The descriptor, or -1 with the reason on `d` (*unsupported = 1 when memfd is unavailable). */
static int memfd_with(const void *data, size_t len, int *unsupported, struct diag *d)
{
	int fd = memfd_create("pyvet-bandit", MFD_CLOEXEC);
	const unsigned char *p = data;
	size_t off = 0;
	if (fd < 0) {
		if (unsupported && (errno == ENOSYS || errno == EINVAL))
			*unsupported = 1;
		return diag_error(d, "memfd_create: %s", strerror(errno));
	}
	while (off < len) {
		ssize_t w = write(fd, p + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			diag_error(d, "memfd write: %s", strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		diag_error(d, "memfd seek: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Run argv (argv[0] = b->exe) with `stdin_fd` as standard input (-1: /dev/null), keep_fds
 * inherited under the same numbers, stderr to /dev/null; collect stdout into `out` (at most
 * b->max_output bytes) under b->timeout_s. Exit status 0 or 1 counts as success (bandit exits 1
 * when it reports issues). Times go to *usage when not NULL. */
static int spawn_io(const struct bandit *b, char *const argv[], int stdin_fd, const int *keep_fds,
                    size_t n_keep, struct sbuf *out, struct bandit_usage *usage, struct diag *d)
{
	struct proc_spec s = {.exe = b->exe,
	                      .argv = argv,
	                      .stdin_fd = stdin_fd,
	                      .keep_fds = keep_fds,
	                      .n_keep = n_keep,
	                      .timeout_s = b->timeout_s,
	                      .max_stdout = b->max_output};
	struct proc_result r;
	proc_result_init(&r);
	int ret = proc_run(&s, &r, d);
	if (usage && (r.wall_s > 0 || ret == 0)) {
		usage->wall_s += r.wall_s;
		usage->cpu_s += r.cpu_s;
		usage->processes++;
	}
	if (ret == 0 && r.exit_status > 1)
		ret = diag_error(d, "'%s' exited with status %d", b->exe, r.exit_status);
	if (ret == 0 && sbuf_add(out, r.out.buf ? r.out.buf : "", r.out.len) < 0)
		ret = diag_error(d, "out of memory");
	proc_result_release(&r);
	return ret;
}

/* Copy the token after `key` in `text` (up to whitespace) into buf. */
static void token_after(const char *text, const char *key, char *buf, size_t n)
{
	const char *p = strstr(text, key);
	size_t k = 0;
	buf[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	while (*p == ' ')
		p++;
	while (p[k] && p[k] != ' ' && p[k] != '\n' && p[k] != '\t' && k + 1 < n)
		k++;
	memcpy(buf, p, k);
	buf[k] = '\0';
}

int bandit_init(struct bandit *b, const char *exe, struct diag *d)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->exe, sizeof(b->exe), "%s", exe && exe[0] ? exe : "bandit");
	b->timeout_s = 60;
	b->max_output = (size_t)64 << 20;
	b->max_batch = 64;
	struct sbuf out = SBUF_INIT;
	char *argv[] = {b->exe, (char *)"--version", NULL};
	int ret = spawn_io(b, argv, -1, NULL, 0, &out, NULL, d);
	if (ret == 0) {
		const char *s = sbuf_cstr(&out);
		token_after(s, "bandit", b->version, sizeof(b->version));
		token_after(s, "python version =", b->python_version, sizeof(b->python_version));
		if (!b->version[0])
			ret = diag_error(d, "'%s --version': no bandit version in its output",
			                 b->exe);
	}
	sbuf_release(&out);
	return ret;
}

static long index_of(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(name, names[i]))
			return (long)i;
	return -1;
}

int bandit_parse_report(const char *json, size_t len, const char *const *names, size_t n,
                        struct bandit_counts *out, struct diag *d)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	size_t n_out = names ? n : 1;
	if (!root)
		return diag_error(d, "bandit output is not JSON");
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(root, "results");
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "errors");
	if (!cJSON_IsArray(res) || !cJSON_IsArray(err)) {
		cJSON_Delete(root);
		return diag_error(d, "bandit output has no 'results' and 'errors' arrays");
	}
	for (size_t i = 0; i < n_out; i++)
		out[i] = (struct bandit_counts){0, 0, 0, 1};
	const cJSON *it;
	cJSON_ArrayForEach(it, res)
	{
		long k = 0;
		if (names)
			k = index_of(
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "filename")),
			    names, n);
		if (k < 0)
			continue;
		out[k].results++;
		const char *sev =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "issue_severity"));
		if (sev && !strcmp(sev, "HIGH"))
			out[k].high++;
	}
	cJSON_ArrayForEach(it, err)
	{
		long k = 0;
		if (names)
			k = index_of(
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "filename")),
			    names, n);
		if (k >= 0)
			out[k].errors++;
	}
	cJSON_Delete(root);
	return 0;
}

int bandit_run_stdin(const struct bandit *b, const void *src, size_t len, struct bandit_counts *out,
                     struct bandit_usage *usage, struct diag *d)
{
	struct sbuf js = SBUF_INIT;
	char *argv[] = {(char *)b->exe, (char *)"-f", (char *)"json", (char *)"-", NULL};
	*out = (struct bandit_counts){0, 0, 0, 0};
	/* bandit 1.6.2 seeks on its standard input (to find `# nosec` comments): a pipe fails with
	 * "Illegal seek", so the bytes go in through a seekable in-memory file. */
	int fd = memfd_with(src ? src : "", len, NULL, d);
	if (fd < 0)
		return -1;
	int ret = spawn_io(b, argv, fd, NULL, 0, &js, usage, d);
	close(fd);
	/* bandit 1.6.2 reading '-' crashes without a report on a file it cannot parse
	 * (`new_files_list.remove(fname)` looks for '<stdin>' but the list holds '-'); bandit
	 * produced no analysis of the file, which is what `errors` counts. */
	if (ret == 0 && strspn(sbuf_cstr(&js), " \t\r\n") == js.len)
		*out = (struct bandit_counts){0, 0, 1, 1};
	else if (ret == 0)
		ret = bandit_parse_report(sbuf_cstr(&js), js.len, NULL, 0, out, d);
	sbuf_release(&js);
	return ret;
}

/* One memfd batch: files [0, n). Returns 0 or -1 (out[].ok stays 0 on failure). */
static int run_batch(const struct bandit *b, const void *const *srcs, const size_t *lens, size_t n,
                     struct bandit_counts *out, struct bandit_usage *usage, struct diag *d,
                     int *unsupported)
{
	int ret = -1;
	int *fds = calloc(n, sizeof(*fds));
	char **argv = calloc(n + 4, sizeof(*argv));
	char(*names)[BANDIT_NAME_MAX] = calloc(n, sizeof(*names));
	const char **cnames = calloc(n, sizeof(*cnames));
	struct sbuf js = SBUF_INIT;
	size_t made = 0;
	if (!fds || !argv || !names || !cnames) {
		diag_error(d, "out of memory");
		goto end;
	}
	argv[0] = (char *)b->exe;
	argv[1] = (char *)"-f";
	argv[2] = (char *)"json";
	for (; made < n; made++) {
		int fd = memfd_with(srcs[made], lens[made], unsupported, d);
		if (fd < 0)
			goto end;
		fds[made] = fd;
		snprintf(names[made], BANDIT_NAME_MAX, "/proc/self/fd/%d", fd);
		argv[3 + made] = names[made];
		cnames[made] = names[made];
	}
	if (spawn_io(b, argv, -1, fds, n, &js, usage, d) < 0)
		goto end;
	ret = bandit_parse_report(sbuf_cstr(&js), js.len, cnames, n, out, d);
end:
	for (size_t i = 0; fds && i < made; i++)
		close(fds[i]);
	free(fds);
	free(argv);
	free(names);
	free(cnames);
	sbuf_release(&js);
	return ret;
}

int bandit_run_files(const struct bandit *b, enum bandit_mode mode, const void *const *srcs,
                     const size_t *lens, size_t n, struct bandit_counts *out,
                     struct bandit_usage *usage, struct diag *d)
{
	int failed = 0;
	struct diag one;
	for (size_t i = 0; i < n; i++)
		out[i] = (struct bandit_counts){0, 0, 0, 0};
	if (mode == BANDIT_STDIN) {
		for (size_t i = 0; i < n; i++) {
			diag_init(&one);
			if (bandit_run_stdin(b, srcs[i], lens[i], &out[i], usage, &one) < 0) {
				if (!failed++)
					diag_error(d, "%s", diag_message(&one));
			}
			diag_release(&one);
		}
		return failed;
	}
	size_t batch = b->max_batch ? b->max_batch : 1;
	for (size_t i = 0; i < n; i += batch) {
		size_t k = n - i < batch ? n - i : batch;
		int unsupported = 0;
		diag_init(&one);
		if (run_batch(b, srcs + i, lens + i, k, out + i, usage, &one, &unsupported) < 0) {
			if (unsupported) {
				diag_error(d, "%s", diag_message(&one));
				diag_release(&one);
				return -1;
			}
			/* A batch that fails as a whole (crash, timeout): retry file by file. */
			for (size_t j = i; j < i + k; j++) {
				struct diag two;
				diag_init(&two);
				if (bandit_run_stdin(b, srcs[j], lens[j], &out[j], usage, &two) <
				        0 &&
				    !failed++)
					diag_error(d, "%s (batch: %s)", diag_message(&two),
					           diag_message(&one));
				diag_release(&two);
			}
		}
		diag_release(&one);
	}
	return failed;
}
