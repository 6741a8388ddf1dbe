/* Feature set `obfuscation`: signs that code was made unreadable on purpose, read from the one
 * analysis pass (string literals, per-file line and identifier statistics of
 * core/analysis/pysummary.h, the call summary) and the files of the canonical package view
 * (issue 11, item 2). No file is read or lexed again.
 *
 * Columns (docs/features.md "obfuscation" has the exact rules):
 *   str_entropy_max           highest Shannon entropy (bits per byte) of a string literal of
 *                             at least entropy_min_len bytes (docstrings excluded); 0 if none
 *   str_high_entropy_share    share of those literals with entropy >= entropy_high
 *   longest_line_log          ln(1 + bytes of the longest line of any .py file)
 *   escape_density            \x, \u, \U, \N{} and octal escapes per byte of non-raw literals
 *   nonascii_identifiers      identifiers written with non-ASCII characters
 *   nfkc_changed_identifiers  ... whose NFKC form (what Python uses) differs from the bytes
 *   short_identifier_share    share of identifier occurrences of one or two characters
 *   pyarmor                   PyArmor markers: __pyarmor__ / __armor_enter__ calls, members under
 *                             pytransform/ or pyarmor_runtime*
 *   marshal_zlib_blobs        marshal/zlib/lzma/bz2/gzip/base64/hex decoding calls whose argument
 *                             is a string literal of at least blob_min bytes
 *   pyc_only_modules          .pyc/.pyo members without the .py they were compiled from
 *   embedded_executables      members starting with ELF, PE (MZ) or Mach-O magic bytes (loaded
 *                             members), or named *.exe, *.dll, *.dylib, *.scr (others)
 *   long_single_line_files    .py files of at least long_line bytes whose longest line holds
 *                             90 % or more of them */
#include "featuresets/featureset.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/analysis.h"
#include "core/analysis/evidence.h"

enum {
	F_ENTROPY_MAX,
	F_ENTROPY_SHARE,
	F_LONGEST_LINE,
	F_ESCAPES,
	F_NONASCII,
	F_NFKC,
	F_SHORT,
	F_PYARMOR,
	F_BLOBS,
	F_PYC_ONLY,
	F_EXECUTABLES,
	F_SINGLE_LINE,
	N_FEATURES
};

static const char *const obf_names[N_FEATURES] = {
    "str_entropy_max",        "str_high_entropy_share",
    "longest_line_log",       "escape_density",
    "nonascii_identifiers",   "nfkc_changed_identifiers",
    "short_identifier_share", "pyarmor",
    "marshal_zlib_blobs",     "pyc_only_modules",
    "embedded_executables",   "long_single_line_files"};

/* Decoding calls whose literal argument is a packed blob. */
static const char *const blob_calls[] = {
    "marshal.loads",      "zlib.decompress",     "lzma.decompress",    "bz2.decompress",
    "gzip.decompress",    "base64.b64decode",    "base64.b85decode",   "base64.a85decode",
    "base64.b32decode",   "base64.b16decode",    "base64.decodebytes", "bytes.fromhex",
    "binascii.unhexlify", "binascii.a2b_base64", "codecs.decode",      NULL};

struct obf_state {
	long entropy_min_len;
	double entropy_high;
	long blob_min;
	long long_line;
	long evidence_max;
};

static const struct param_spec obf_params[] = {
    {"entropy_min_len", PARAM_INT, offsetof(struct obf_state, entropy_min_len), "32", "[1, inf)",
     "string literals shorter than this (bytes) are left out of the entropy columns"},
    {"entropy_high", PARAM_DOUBLE, offsetof(struct obf_state, entropy_high), "5.0", "[0, 8]",
     "a literal's entropy (bits per byte) from which it counts as high"},
    {"blob_min", PARAM_INT, offsetof(struct obf_state, blob_min), "256", "[1, inf)",
     "bytes of a literal handed to a decoding call from which it counts as a packed blob"},
    {"long_line", PARAM_INT, offsetof(struct obf_state, long_line), "5000", "[1, inf)",
     "bytes from which a .py file that is one long line counts"},
    {"evidence_max", PARAM_INT, offsetof(struct obf_state, evidence_max), "20", "[0, inf)",
     "evidence items kept per column and package"},
    {NULL, 0, 0, NULL, NULL, NULL}};

struct pkg {
	const struct obf_state *s;
	const struct analysis *a;
	struct evidence_list *ev;
	size_t kept[N_FEATURES];
	int oom;
};

static void add_ev(struct pkg *p, int col, const char *file, size_t line, const char *snippet,
                   size_t n, const char *detail)
{
	char rule[64];
	if (!p->ev || p->kept[col] >= (size_t)p->s->evidence_max)
		return;
	snprintf(rule, sizeof(rule), "obfuscation.%s", obf_names[col]);
	if (evidence_add(p->ev, rule, file, line, line, snippet, n, detail) < 0)
		p->oom = 1;
	p->kept[col]++;
}

static double entropy(const unsigned char *s, size_t n)
{
	size_t h[256] = {0};
	double e = 0;
	for (size_t i = 0; i < n; i++)
		h[s[i]]++;
	for (size_t c = 0; c < 256; c++)
		if (h[c]) {
			double q = (double)h[c] / (double)n;
			e -= q * log2(q);
		}
	return e;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Escape sequences in a non-raw literal body: \xHH, \uHHHH, \UHHHHHHHH, \N{...}, \ooo. */
static size_t count_escapes(const char *s, size_t n)
{
	size_t k = 0;
	const char *p = s, *end = s + n;
	while ((p = memchr(p, '\\', (size_t)(end - p))) && p + 1 < end) {
		char c = p[1];
		if ((c == 'x' && p + 3 < end && is_hex(p[2]) && is_hex(p[3])) ||
		    ((c == 'u' || c == 'U') && p + 2 < end && is_hex(p[2])) || c == 'N' ||
		    (c >= '0' && c <= '7'))
			k++;
		p += 2;
	}
	return k;
}

/* The literal's body, or NULL if its file was not analysed. */
static const char *body_of(const struct analysis *a, const struct file_string *fs)
{
	const char *text = analysis_file_text(a, fs->file, NULL);
	return text ? text + fs->body_off : NULL;
}

static size_t clip(size_t n)
{
	return n < 80 ? n : 80;
}

static int is_docstring(const struct analysis *a, const struct file_string *fs)
{
	return fs->stmt != PYSUM_NONE && a->sum.stmts[fs->stmt].kind == PYSUM_STMT_DOCSTRING;
}

static int strings(struct pkg *p, double *out, struct diag *d)
{
	const struct analysis *a = p->a;
	size_t n_long = 0, n_high = 0, esc = 0, bytes = 0;
	double emax = 0;
	const struct file_string *emax_at = NULL;
	for (size_t i = 0; i < a->n_strings; i++) {
		const struct file_string *fs = &a->strings[i];
		const char *body = body_of(a, fs);
		if ((i & 1023) == 0 &&
		    deadline_check(a->deadline, d, "measuring string literals") < 0)
			return -1;
		if (!body || is_docstring(a, fs))
			continue;
		if (!(fs->flags & PYSTR_RAW)) {
			size_t k = count_escapes(body, fs->body_len);
			esc += k;
			bytes += fs->body_len;
			if (k >= 8)
				add_ev(p, F_ESCAPES, fs->file->path, fs->line, body,
				       clip(fs->body_len), "escape sequences");
		}
		if (fs->body_len >= (size_t)p->s->entropy_min_len) {
			double e = entropy((const unsigned char *)body, fs->body_len);
			n_long++;
			if (e >= p->s->entropy_high) {
				char why[64];
				n_high++;
				snprintf(why, sizeof(why), "entropy %.2f bits/byte, %zu bytes", e,
				         fs->body_len);
				add_ev(p, F_ENTROPY_SHARE, fs->file->path, fs->line, body,
				       clip(fs->body_len), why);
			}
			if (e > emax) {
				emax = e;
				emax_at = fs;
			}
		}
	}
	out[F_ENTROPY_MAX] = emax;
	out[F_ENTROPY_SHARE] = n_long ? (double)n_high / (double)n_long : 0;
	out[F_ESCAPES] = bytes ? (double)esc / (double)bytes : 0;
	if (emax_at && emax >= p->s->entropy_high) {
		char why[64];
		snprintf(why, sizeof(why), "entropy %.2f bits/byte", emax);
		add_ev(p, F_ENTROPY_MAX, emax_at->file->path, emax_at->line, body_of(a, emax_at),
		       clip(emax_at->body_len), why);
	}
	return 0;
}

/* ---- per file: lines and identifiers ---- */

static void files(struct pkg *p, double *out)
{
	const struct analysis *a = p->a;
	const struct pkgview *v = a->view;
	size_t longest = 0, names = 0, shorts = 0;
	const struct pkgview_file *at = NULL;
	for (size_t i = 0; i < v->n_files; i++) {
		const struct pkgview_file *f = &v->files[i];
		const struct pysum_file *st = analysis_file_stats(a, f);
		char why[96];
		if (!st)
			continue;
		if (st->max_line > longest) {
			longest = st->max_line;
			at = f;
		}
		names += st->n_names;
		shorts += st->n_short_names;
		out[F_NONASCII] += (double)st->n_nonascii_names;
		out[F_NFKC] += (double)st->n_nfkc_changed;
		if (st->n_nonascii_names) {
			snprintf(why, sizeof(why), "%zu identifiers with non-ASCII characters",
			         st->n_nonascii_names);
			add_ev(p, F_NONASCII, f->path, 0, NULL, 0, why);
		}
		if (st->n_nfkc_changed) {
			snprintf(why, sizeof(why), "%zu identifiers changed by NFKC",
			         st->n_nfkc_changed);
			add_ev(p, F_NFKC, f->path, 0, NULL, 0, why);
		}
		if (f->len >= (size_t)p->s->long_line && st->max_line * 10 >= f->len * 9) {
			out[F_SINGLE_LINE]++;
			snprintf(why, sizeof(why), "%zu bytes, longest line %zu bytes", f->len,
			         st->max_line);
			add_ev(p, F_SINGLE_LINE, f->path, 0, NULL, 0, why);
		}
	}
	out[F_LONGEST_LINE] = log1p((double)longest);
	out[F_SHORT] = names ? (double)shorts / (double)names : 0;
	if (at && longest >= (size_t)p->s->long_line) {
		char why[64];
		snprintf(why, sizeof(why), "longest line: %zu bytes", longest);
		add_ev(p, F_LONGEST_LINE, at->path, 0, NULL, 0, why);
	}
}

/* ---- calls: PyArmor and packed blobs ---- */

static int in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

static int calls(struct pkg *p, double *out)
{
	const struct analysis *a = p->a;
	const struct pysum *sum = &a->sum;
	unsigned char *blob_call = calloc(sum->n_calls ? sum->n_calls : 1, 1);
	unsigned char *counted = calloc(sum->n_calls ? sum->n_calls : 1, 1);
	if (!blob_call || !counted) {
		free(blob_call);
		free(counted);
		return -1;
	}
	for (size_t c = 0; c < sum->n_calls; c++) {
		const char *n = pysum_str(sum, sum->calls[c].name);
		const struct pkgview_file *f =
		    sum->scopes[sum->stmts[sum->calls[c].stmt].scope].file;
		blob_call[c] = (unsigned char)in_list(blob_calls, n);
		if (!strcmp(n, "__pyarmor__") || !strcmp(n, "__armor_enter__") ||
		    !strcmp(n, "__armor_wrap__") || strstr(n, "pyarmor_runtime")) {
			out[F_PYARMOR]++;
			add_ev(p, F_PYARMOR, f->path, sum->calls[c].line, n, strlen(n), "call");
		}
	}
	for (size_t i = 0; i < a->n_strings; i++) {
		const struct file_string *fs = &a->strings[i];
		char why[96];
		if (fs->call == PYSUM_NONE || !blob_call[fs->call] || counted[fs->call] ||
		    fs->body_len < (size_t)p->s->blob_min)
			continue;
		counted[fs->call] = 1;
		out[F_BLOBS]++;
		snprintf(why, sizeof(why), "%s(<%zu-byte literal>)",
		         pysum_str(sum, sum->calls[fs->call].name), fs->body_len);
		add_ev(p, F_BLOBS, fs->file->path, fs->line, body_of(a, fs), clip(fs->body_len),
		       why);
	}
	free(blob_call);
	free(counted);
	return 0;
}

/* ---- members ---- */

static int ends_with(const char *s, size_t n, const char *suf)
{
	size_t m = strlen(suf);
	return n >= m && !strcmp(s + n - m, suf);
}

/* The .py a .pyc/.pyo member was compiled from ("a/__pycache__/m.cpython-311.pyc" and
 * "a/m.pyc" -> "a/m.py") into buf; 0, or -1 if it is not one. */
static int source_of(const char *path, char *buf, size_t cap)
{
	size_t n = strlen(path);
	const char *slash, *base, *dot;
	if (!ends_with(path, n, ".pyc") && !ends_with(path, n, ".pyo"))
		return -1;
	slash = strrchr(path, '/');
	base = slash ? slash + 1 : path;
	dot = strchr(base, '.');
	if (slash && slash - path >= 11 && !strncmp(slash - 11, "__pycache__", 11) &&
	    (slash - path == 11 || slash[-12] == '/')) {
		size_t dir = (size_t)(slash - 11 - path);
		if (snprintf(buf, cap, "%.*s%.*s.py", (int)dir, path, (int)(dot - base), base) >=
		    (int)cap)
			return -1;
		return 0;
	}
	if (snprintf(buf, cap, "%.*s.py", (int)(n - 4), path) >= (int)cap)
		return -1;
	return 0;
}

static const char *exe_magic(const unsigned char *d, size_t n)
{
	if (n >= 4 && !memcmp(d,
	                      "\x7f"
	                      "ELF",
	                      4))
		return "ELF";
	if (n >= 2 && d[0] == 'M' && d[1] == 'Z') {
		/* MZ and, when the header is there, "PE\0\0" at e_lfanew */
		if (n >= 64) {
			size_t off = (size_t)d[60] | (size_t)d[61] << 8 | (size_t)d[62] << 16 |
			             (size_t)d[63] << 24;
			if (off + 4 <= n && !memcmp(d + off, "PE\0\0", 4))
				return "PE";
			return n > off + 4 ? NULL : "MZ";
		}
		return "MZ";
	}
	if (n >= 4) {
		static const unsigned char macho[][4] = {{0xfe, 0xed, 0xfa, 0xce},
		                                         {0xfe, 0xed, 0xfa, 0xcf},
		                                         {0xce, 0xfa, 0xed, 0xfe},
		                                         {0xcf, 0xfa, 0xed, 0xfe}};
		for (size_t k = 0; k < 4; k++)
			if (!memcmp(d, macho[k], 4))
				return "Mach-O";
	}
	return NULL;
}

static int is_exe_name(const char *path, size_t n)
{
	static const char *const ext[] = {".exe", ".dll", ".dylib", ".scr", NULL};
	char low[16];
	size_t k = n < sizeof(low) - 1 ? n : sizeof(low) - 1;
	for (size_t i = 0; i < k; i++) {
		char c = path[n - k + i];
		low[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	low[k] = '\0';
	for (size_t i = 0; ext[i]; i++)
		if (ends_with(low, k, ext[i]))
			return 1;
	return 0;
}

static void members(struct pkg *p, double *out)
{
	const struct pkgview *v = p->a->view;
	char buf[4096];
	for (size_t i = 0; i < v->n_files; i++) {
		const struct pkgview_file *f = &v->files[i];
		size_t len = strlen(f->path);
		const char *m;
		if (strstr(f->path, "pytransform") || strstr(f->path, "pyarmor_runtime")) {
			out[F_PYARMOR]++;
			add_ev(p, F_PYARMOR, f->path, 0, NULL, 0, "PyArmor runtime member");
		}
		if (f->member->kind != PKGFS_FILE)
			continue;
		if (source_of(f->path, buf, sizeof(buf)) == 0 && !pkgview_find(v, buf)) {
			out[F_PYC_ONLY]++;
			add_ev(p, F_PYC_ONLY, f->path, 0, NULL, 0, "no matching .py");
		}
		m = f->text ? exe_magic((const unsigned char *)f->text, f->len) : NULL;
		if (m || (!f->text && is_exe_name(f->path, len))) {
			out[F_EXECUTABLES]++;
			add_ev(p, F_EXECUTABLES, f->path, 0, NULL, 0,
			       m ? m : "executable by name (not loaded)");
		}
	}
}

static int obf_extract(const void *vstate, const struct analysis *a, double *out,
                       struct evidence_list *ev, struct diag *d)
{
	struct pkg p;
	memset(&p, 0, sizeof(p));
	p.s = vstate;
	p.a = a;
	p.ev = ev;
	for (size_t k = 0; k < N_FEATURES; k++)
		out[k] = 0;
	if (strings(&p, out, d) < 0)
		return -1;
	files(&p, out);
	if (calls(&p, out) < 0)
		return diag_error(d, "out of memory");
	members(&p, out);
	if (p.oom)
		return diag_error(d, "out of memory");
	return 0;
}

const struct featureset_type fs_obfuscation = {
    .name = "obfuscation",
    .summary = "string entropy, escapes, long lines, odd identifiers, PyArmor and packed blobs, "
               ".pyc-only modules, embedded executables (issue 11)",
    .version = 1,
    .state_size = sizeof(struct obf_state),
    .params = obf_params,
    .check = NULL,
    .n_features = N_FEATURES,
    .feature_names = obf_names,
    .extract = obf_extract,
    .document = NULL,
    .release = NULL,
};
