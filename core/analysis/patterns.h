/* patterns: a table of named POSIX extended regular expressions matched against one line of text
 * at a time in time linear in the line (spec D14; issue 8.3).
 *
 * The table file has one `id<TAB>pattern` line per pattern (at most PATTERNS_MAX); empty lines
 * and lines starting with '#' are comments. Patterns are POSIX EREs as regcomp(REG_EXTENDED)
 * reads them, plus TRE's `\b` (word boundary) and the other GNU escapes; back references are
 * refused, because they would need a backtracking matcher.
 *
 * Why TRE (libtre) and not the C library's regexec: glibc's regexec restarts its search at every
 * position of the line, so `class X\([^)]*\binstall\b` on a 12 KB line of `class a(` repeated
 * reads the line about n/8 times (> 200 s); TRE simulates the tagged NFA over the line once (its
 * parallel matcher, chosen for every pattern without back references), so a match costs
 * O(states x length). Leftmost-longest matches, as POSIX and glibc define them. As a side effect
 * the matcher is not intercepted by AddressSanitizer (whose regexec interceptor runs strlen over
 * the rest of the buffer on every call).
 *
 * The matcher reads the line through a character source that counts what it reads, so tests
 * and the fuzz target assert the bound on the work done, not on the clock.
 *
 * A literal prefilter runs before TRE (TRE itself has none): at load time each pattern is read
 * into a set of literal strings one of which every match must contain (`(curl|wget)[[:space:]]`
 * needs "curl" or "wget"; a pattern where none can be proved has no set), and
 * pattern_candidates() finds, in one pass over the line, the patterns whose set occurs (ASCII
 * case-insensitively, so it never drops a match). pattern_match_any() uses it to skip TRE on
 * lines no pattern can match.
 *
 * Memory management: pattern_table_load()/pattern_table_parse() return a table owned by the
 * caller (pattern_table_free()); ids are borrowed from it. Matching is read-only and
 * thread-safe. */
#ifndef PYVET_PATTERNS_H
#define PYVET_PATTERNS_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"

#define PATTERNS_MAX 64
/* Longest table line (id, TAB and pattern). */
#define PATTERNS_LINE_MAX 8192

struct pattern_table;

/* Work done by pattern_match() calls, added up (zero it before use). */
struct pattern_work {
	size_t calls;   /* matcher calls */
	size_t chars;   /* characters the matcher read, the end-of-line marker included */
	size_t scanned; /* bytes the literal prefilter read (pattern_candidates()) */
};

/** Load the table file at `path`. 0 and *out, or -1 with the reason on `d`. */
int pattern_table_load(struct pattern_table **out, const char *path, struct diag *d);

/** The same from a buffer (`name` is used in messages). */
int pattern_table_parse(struct pattern_table **out, const char *buf, size_t len, const char *name,
                        struct diag *d);

/** Free. NULL-safe. */
void pattern_table_free(struct pattern_table *t);

/** Number of patterns (at least 1). */
size_t pattern_table_size(const struct pattern_table *t);

/** The id of pattern i. Borrowed. */
const char *pattern_table_id(const struct pattern_table *t, size_t i);

/** The patterns that may match s[0..n): bit i set for pattern i when its literal set occurs in
 *  the line, or when it has none; a pattern whose bit is clear does not match. One pass over the
 *  line (no TRE), so a caller can skip pattern_match() for the others. */
uint64_t pattern_candidates(const struct pattern_table *t, const char *s, size_t n,
                            struct pattern_work *work);

/** 1 if some pattern matches s[0..n), 0 if none, -1 out of memory: the literal prefilter, then
 *  (unless it rules every pattern out) one pass over the line with the alternation of all
 *  patterns, so a caller can skip the per-pattern searches of the lines (most of them) that
 *  match nothing. */
int pattern_match_any(const struct pattern_table *t, const char *s, size_t n,
                      struct pattern_work *work);

/** Search pattern i in s[0..n) (NUL bytes are ordinary characters; s[0] is the start of a line
 *  and s[n] its end). 1 with the leftmost-longest match at s[*so..*eo), 0 if none, -1 if the
 *  matcher ran out of memory. Adds its work to `work` when not NULL. */
int pattern_match(const struct pattern_table *t, size_t i, const char *s, size_t n, size_t *so,
                  size_t *eo, struct pattern_work *work);

#endif
