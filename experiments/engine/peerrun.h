/* peerrun: the per-package work `pyvet baseline --peer` adds beside bandit (issue 13): run packj
 * and GuardDog (peer.h) on the package, and time pyvet's own per-package work, the extraction
 * of the feature sets its final model reads (meta, code, file, text), so that every tool is
 * timed in the same run on the same packages.
 *
 * Use: peerrun_setup() once (reads the peers' configuration; a missing `make peers` is not an
 * error: those tools are then skipped, with the reason in `skipped`), peerrun_package() once per
 * package from any thread, peerrun_release() at the end. The package is opened a second time
 * with every regular member loaded and the archive kept (core/pkg/package.h), only when a peer
 * runs; pyvet's timing uses the default reader, as `pyvet extract` does.
 *
 * Memory management: struct peerrun and struct peerrun_pkg are caller-owned; release them with
 * peerrun_release() / peerrun_pkg_release() (safe on zeroed structs). */
#ifndef PYVET_PEERRUN_H
#define PYVET_PEERRUN_H

#include <stddef.h>

#include "core/base/err.h"
#include "experiments/engine/extractrow.h"
#include "experiments/engine/peer.h"

#define PEERRUN_PYVET_SETS "meta,code,file,text"

struct peerrun_options {
	int want[PEER_N_TOOLS];       /* tools asked for */
	int time_pyvet;               /* time pyvet's extraction per package */
	const char *env_file;         /* default "build/peers/env" */
	const char *launchers;        /* NULL = PEERS_DIR of the env file */
	const char *scratch;          /* NULL = $TMPDIR, /dev/shm, /tmp (scratch_base()) */
	const char *const *forbidden; /* folders the scratch base must stay out of */
	double timeout_s;             /* per peer process; <= 0 = the default (300 s) */
};

struct peerrun {
	int on[PEER_N_TOOLS]; /* tools that will run */
	int time_pyvet;
	char skipped[DIAG_MSG_MAX]; /* why requested tools are skipped, "" if none */
	struct peer_config cfg;
	struct extractrow x; /* for pyvet's timing */
	int x_ready;
};

/* What one package gave. */
struct peerrun_pkg {
	struct peer_result peer[PEER_N_TOOLS];
	int pyvet_ran, pyvet_ok;
	double pyvet_wall_s, pyvet_cpu_s;
	char pyvet_evidence[PEER_EVIDENCE_MAX]; /* fixed features that are 1 */
	char pyvet_status[DIAG_MSG_MAX];
	char open_status[DIAG_MSG_MAX]; /* the package could not be opened for the peers */
};

/** Prepare. `pr` must be zeroed. Tools that cannot run (not set up) are switched off with the
 *  reason in pr->skipped. 0, or -1 with the reason on `d` (a bad scratch folder, a malformed
 *  env file, pyvet's feature sets or data files not loadable). */
int peerrun_setup(struct peerrun *pr, const struct peerrun_options *o, struct diag *d);

/** Run the tools that are on, and pyvet's timing, on the package at `path`. Never fails: what
 *  went wrong is in the result's status fields. Thread-safe. */
void peerrun_package(const struct peerrun *pr, const char *path, struct peerrun_pkg *out);

/** Free one package's results. */
void peerrun_pkg_release(struct peerrun_pkg *r);

/** Free. */
void peerrun_release(struct peerrun *pr);

#endif
