/* results: the JSON sidecar written next to every results file (reproducibility: rule 5 of the
 * house): the commit pyvet was built from, command line, seeds, resolved parameters, data hashes,
 * library versions, host, wall time and a status per cell. `results/x.csv` gets `results/x.json`.
 *
 * Memory management: sidecar_new() returns an object owned by the caller (sidecar_free(),
 * NULL-safe). sidecar_set_json() takes ownership of the cJSON item it is given. */
#ifndef PYVET_RESULTS_H
#define PYVET_RESULTS_H

#include <stddef.h>

#include "core/base/err.h"

struct cJSON;
struct sidecar;

/** Start a sidecar: records the command line, the build's git commit (toolkit_build_commit():
 *  never looked up at run time), versions, host and start time.
 *  NULL on out of memory. Keys are written in insertion order: schema_version, pyvet_version,
 *  command (argv array), git_commit, versions, host, started_utc (ISO 8601 UTC), seed (null
 *  until set), hashes, cells, then every key added by sidecar_set_*() in call order, and
 *  wall_seconds last. Only the sidecar carries times; results CSVs never do. */
struct sidecar *sidecar_new(int argc, char *const *argv);

/** Record the run seed (written as "seed": a number, or a decimal string above 2^53). */
void sidecar_set_seed(struct sidecar *s, unsigned long seed);

/** Set top-level key `key` to `item` (ownership transferred; replaces an existing key). 0/-1. */
int sidecar_set_json(struct sidecar *s, const char *key, struct cJSON *item);

/** Convenience setters for top-level keys. */
int sidecar_set_string(struct sidecar *s, const char *key, const char *value);
int sidecar_set_number(struct sidecar *s, const char *key, double value);

struct workq_stats;
/** Set "threads" to one object per work-queue thread: {"items", "busy_seconds",
 *  "cpu_seconds"} (core/base/workq.h; timings, for benchmarks). 0/-1. */
int sidecar_set_threads(struct sidecar *s, const struct workq_stats *st, size_t n);

/** Record a data file hash under "hashes": {name: sha256}. */
int sidecar_add_hash(struct sidecar *s, const char *name, const char *sha256_hex);

/** Record a cell status under "cells": {cell: "ok" | error message}. */
int sidecar_add_cell(struct sidecar *s, const char *cell, const char *status);

/** Write the sidecar for `results_path` (its extension replaced by ".json"), with the wall
 *  time since sidecar_new() as "wall_seconds", atomically (tmp + rename). 0 or -1. */
int sidecar_write(struct sidecar *s, const char *results_path);

/** The JSON path for a results path ("a/b.csv" -> "a/b.json"; without an extension in the last
 *  component ".json" is appended) into buf. Returns buf, holding "" if the path does not fit. */
const char *sidecar_path_for(const char *results_path, char *buf, size_t n);

/** Read the sidecar JSON file `json_path` (at most 64 MiB) back as a cJSON object the caller
 *  owns (cJSON_Delete()). NULL with the reason on `d`. */
struct cJSON *sidecar_read(const char *json_path, struct diag *d);

/** A sidecar made of a JSON object read back (the merge of part files, experiments/run/merge.h
 *  starts from a part's): takes ownership of `root`, keeps its keys and their order; its
 *  wall_seconds is the time since this call when written. NULL on out of memory (root is
 *  freed). */
struct sidecar *sidecar_adopt(struct cJSON *root);

/** The JSON object of `s`, borrowed, to change keys in place. */
struct cJSON *sidecar_root(struct sidecar *s);

/** Free. NULL-safe. */
void sidecar_free(struct sidecar *s);

#endif
