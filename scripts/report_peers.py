#!/usr/bin/python3
"""report_peers.py: the report section on the peer tools (issue 13) -- packj and GuardDog beside
bandit and pyvet -- from the files `pyvet baseline --peer` writes (via `pyvet reproduce`).

Run with Debian's /usr/bin/python3 (standard library only):

    /usr/bin/python3 scripts/report_peers.py [--results results] [--out FILE]

or from another script: `import report_peers; lines = report_peers.section("results")`.
Every number is read from a results CSV or its JSON sidecar; the prose is fixed text. A missing
file is reported as "not produced", never filled in.

Inputs (under RESULTS):
  fig3_summary.csv, table6_alerts.csv      Fig. 3 / Table 6 rows of the real packj (tool packj)
                                           beside the packj-equivalent scan (tool packj_equiv)
  peers/ and peers_debian/ (one folder per package set), each with
    peers_verdicts.csv   dataset,tool,rule,threshold,target_fpr,n_malicious,tp,recall,recall_lo,
                         recall_hi,n_benign,fp,fpr,fpr_lo,fpr_hi,n_error
    peers_verdicts.json  sidecar; "timing": per tool n_timed, wall/cpu median, p95, totals,
                         packages_per_cpu_second; "run_wall_seconds", "run_jobs"; "peers"
    peers_rules.csv      tool,rule,benign_fired,n_benign,malicious_fired,n_malicious,...
    peers_packj_agreement.csv  scope,category,n,spearman,agree_any,agree_any_share,both,
                         equiv_only,real_only,neither,equiv_sum,real_sum
    peers_packages.csv   id,name,version,label,tool,ran,ok,flagged,alerts,setup_alerts,
                         risk_label,score,evidence,status
    peers_counts.csv     id,label,tool,name,count
"""
import argparse
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_io import fnum, read_csv, read_sidecar  # noqa: E402  (scripts/report_io.py)

NOT_PRODUCED = "*not produced*"
# a peer step that did not run because the tools are not set up is not a missing result
NOT_RUN = "*not run* (the peer tools were not set up: `make peers`, which needs `../shared/peers`)"
SETS = [("peers", "the dataset's test split (corpus)"),
        ("peers_debian", "the Debian slice's test packages (benign only)")]
TOOL_NAMES = {"bandit": "bandit", "packj_equiv": "packj-equivalent (pyvet's scan)",
              "packj": "packj (real)", "guarddog": "GuardDog", "pyvet": "pyvet"}
RULE_NAMES = {"any_high": "any HIGH issue", "process_or_obfuscation":
              "process or obfuscation call site", "any_static_risk": "any static risk",
              "any_api_risk": "any API risk (composition left out)", "any_issue": "any issue",
              "label_suspicious_or_high": "risk label suspicious or high_risk",
              "label_high_risk": "risk label high_risk"}





def pct(v, digits=1):
    return "–" if v is None else f"{100 * v:.{digits}f}"


def num(v, digits=2):
    if v is None:
        return "–"
    if abs(v - round(v)) < 1e-9:
        return str(int(round(v)))
    return f"{v:.{digits}f}"


def sec(v):
    """Seconds with three significant digits (pyvet's times are milliseconds)."""
    return "–" if v is None else f"{v:.3g}"


def cell(s, width=160):
    """Package-derived text for a table cell: printable ASCII (the CSV already is), no '|'."""
    s = "".join(c if 32 <= ord(c) < 127 else "?" for c in (s or ""))
    s = s.replace("|", "/").replace("`", "'")
    return s if len(s) <= width else s[:width - 3] + "..."


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


class Section:
    def __init__(self, results):
        self.res = results
        self.out = []

    def w(self, s=""):
        self.out.append(s)

    def path(self, *p):
        return os.path.join(self.res, *p)

    def rule_label(self, r):
        if r["tool"] == "pyvet":
            t, f = fnum(r["threshold"]), fnum(r["target_fpr"])
            where = f"OOF FPR target {pct(f, 1)} %" if f is not None else "its default"
            return f"stacking score > {num(t, 3)} ({where})"
        return RULE_NAMES.get(r["rule"], r["rule"])

    def verdicts(self, folder, what):
        rows = read_csv(self.path(folder, "peers_verdicts.csv"))
        if not rows:
            self.w(f"`{folder}/peers_verdicts.csv` ({what}): {NOT_RUN}.\n")
            return None
        sc = read_sidecar(self.path(folder, "peers_verdicts.csv")) or {}
        ds = rows[0]["dataset"]
        self.w(f"**{ds}** ({what}); 95 % Wilson intervals in brackets; packages a tool gave no"
               " result for are left out of its row and counted as errors:\n")
        if sc.get("git_commit"):
            # the peer runs take most of an hour each: they may come from another commit than
            # the rest of the results (pyvet's rows then score that commit's model)
            self.w(f"Run at pyvet commit `{sc['git_commit'][:12]}`, started"
                   f" {sc.get('started_utc', '?')}, {sc.get('wall_seconds') or 0:.0f} s wall.\n")
        t = []
        for r in rows:
            nm, nb = int(r["n_malicious"]), int(r["n_benign"])
            rec = (f"{pct(fnum(r['recall']))} [{pct(fnum(r['recall_lo']))}–{pct(fnum(r['recall_hi']))}]"
                   f" ({r['tp']}/{nm})") if nm else "–"
            fpr = (f"{pct(fnum(r['fpr']))} [{pct(fnum(r['fpr_lo']))}–{pct(fnum(r['fpr_hi']))}]"
                   f" ({r['fp']}/{nb})") if nb else "–"
            t.append([TOOL_NAMES.get(r["tool"], r["tool"]), self.rule_label(r), rec, fpr,
                      r["n_error"]])
        self.w(table(["tool", "verdict rule", "malicious recall %", "benign FPR %", "errors"], t))
        return sc

    def timing(self, sc, folder):
        tm = sc.get("timing") if sc else None
        if not tm:
            self.w(f"Timing ({folder}): {NOT_PRODUCED}.\n")
            return
        rows = []
        for o in tm:
            rows.append([TOOL_NAMES.get(o["tool"], o["tool"]), num(o.get("n_timed")),
                         sec(fnum(o.get("wall_median_s"))), sec(fnum(o.get("wall_p95_s"))),
                         sec(fnum(o.get("cpu_median_s"))), sec(fnum(o.get("cpu_p95_s"))),
                         num(fnum(o.get("packages_per_cpu_second")), 1)])
        host = (sc.get("host") or {})
        self.w(f"Time per package in the same run ({folder}: {num(fnum(sc.get('run_jobs')))} packages"
               f" at a time, {num(fnum(sc.get('run_wall_seconds')), 0)} s wall for the whole run on"
               f" {host.get('cpus', '?')} CPUs, measured under load on a shared machine):"
               " the wall and CPU seconds of each tool's own processes per package; pyvet's is"
               " the in-process extraction of the final model's feature sets (meta, code, file,"
               " text), without the model's scoring; the peers' include the start of Debian's"
               " Python interpreter (one per package and tool).\n")
        self.w(table(["tool", "packages", "wall median s", "wall p95 s", "CPU median s",
                      "CPU p95 s", "packages per CPU second"], rows))

    def rules(self, folder):
        rows = read_csv(self.path(folder, "peers_rules.csv"))
        if not rows:
            return
        gd = [r for r in rows if r["tool"] == "guarddog"]
        if not gd:
            return
        self.w("GuardDog rules that fire most often on benign packages (share of the benign"
               " packages GuardDog scanned; the malicious share beside it):\n")
        t = []
        for r in gd[:10]:
            nb, nm = int(r["n_benign"]), int(r["n_malicious"])
            fb, fm = int(r["benign_fired"]), int(r["malicious_fired"])
            t.append([f"`{cell(r['rule'], 60)}`", f"{fb}/{nb} ({pct(fb / nb if nb else None)} %)",
                      f"{fm}/{nm} ({pct(fm / nm if nm else None)} %)" if nm else "–"])
        self.w(table(["rule", "benign packages", "malicious packages"], t))

    def packages(self, folder):
        rows = read_csv(self.path(folder, "peers_packages.csv")) or []
        by = {}
        for r in rows:
            by.setdefault(r["id"], {})[r["tool"]] = r
        return by

    def tool_notes(self, by):
        """What drives packj's and GuardDog's verdicts, counted from peers_packages.csv."""
        n = {"benign": 0, "malicious": 0}
        binaries = dict(n)
        labels = {}
        for t in by.values():
            p, g = t.get("packj"), t.get("guarddog")
            if p and p.get("ok") == "1":
                n[p["label"]] += 1
                binaries[p["label"]] += "contains executables or other binaries" in p["evidence"]
            if g and g.get("ok") == "1":
                k = (g["label"], g["risk_label"] or "none")
                labels[k] = labels.get(k, 0) + 1
        if n["benign"] + n["malicious"]:
            parts = [f"{binaries[k]} of {n[k]} {k}" for k in ("benign", "malicious") if n[k]]
            self.w("packj's \"any static risk\" is mostly its composition check: \"contains"
                   " executables or other binaries\" is among its risks for "
                   + " and ".join(parts) + " packages. packj calls a file a binary when"
                   " libmagic says `application/octet-stream`, which it says of any one-byte"
                   " file, such as the `dependency_links.txt` and `not-zip-safe` (a single"
                   " newline) that setuptools writes into every egg-info. Its API risks leave"
                   " out eval/exec: the label \"generates new code at runtime\" is not in its"
                   " threat model.\n")
        if labels:
            order = ["high_risk", "suspicious", "low", "no_risks_detected", "none"]
            rows = []
            for lab in ("benign", "malicious"):
                tot = sum(v for (l, _), v in labels.items() if l == lab)
                if tot:
                    rows.append([lab] + [f"{labels.get((lab, o), 0)}" for o in order] + [str(tot)])
            self.w("GuardDog's risk labels (its own score; high_risk needs source-code"
                   " evidence):\n")
            self.w(table(["label", "high_risk", "suspicious", "low", "no risks", "no label",
                          "packages"], rows))

    def disagreements(self, folder, by):
        """Malware pyvet (default threshold) and GuardDog (its high_risk label) disagree on."""
        mal = [t for t in by.values()
               if t.get("pyvet", {}).get("label") == "malicious" and "guarddog" in t
               and t["pyvet"].get("ok") == "1" and t["guarddog"].get("ok") == "1"]
        if not mal:
            return
        gd = lambda t: t["guarddog"]["risk_label"] == "high_risk"
        pv = lambda t: t["pyvet"]["flagged"] == "1"
        only_p = sorted([t for t in mal if pv(t) and not gd(t)], key=lambda t: t["pyvet"]["name"])
        only_g = sorted([t for t in mal if gd(t) and not pv(t)], key=lambda t: t["pyvet"]["name"])
        self.w(f"Malware on which pyvet (stacking at its default threshold) and GuardDog (risk"
               f" label high_risk, its FPR above) disagree: {len(only_p)} caught by pyvet only,"
               f" {len(only_g)} by GuardDog only, of {len(mal)} malicious packages both scanned."
               " Examples (the first five of each by name) with the evidence each tool gives"
               " (pyvet: its score and the binary features that are 1; GuardDog: its label, its"
               " finding count and its first findings, rule and place):\n")
        t = []
        for who, lst in (("pyvet only", only_p), ("GuardDog only", only_g)):
            for tl in lst[:5]:
                p, g = tl["pyvet"], tl["guarddog"]
                t.append([who, cell(f"{p['name']} {p['version']}", 40),
                          f"{num(fnum(p['score']), 3)}: {cell(p['evidence'], 90) or '–'}",
                          f"{g['risk_label'] or '–'}, {g['alerts']} findings: "
                          f"{cell(g['evidence'], 140) or '–'}"])
        if t:
            self.w(table(["caught by", "package", "pyvet score: features", "GuardDog"], t))

    def agreement(self, folder):
        rows = read_csv(self.path(folder, "peers_packj_agreement.csv"))
        if not rows:
            return None
        t = []
        for r in rows:
            if r["category"] != "all" and r["scope"] == "package" and \
                    int(r["equiv_only"]) + int(r["real_only"]) == 0 and fnum(r["spearman"]) == 1:
                continue  # identical categories are summarised below
            t.append([r["scope"], f"`{cell(r['category'], 40)}`", r["n"],
                      "–" if fnum(r["spearman"]) is None else f"{fnum(r['spearman']):.3f}",
                      f"{pct(fnum(r['agree_any_share']))} %", r["both"], r["equiv_only"],
                      r["real_only"], r["neither"], num(fnum(r["equiv_sum"])),
                      num(fnum(r["real_sum"]))])
        self.w("Where the two counts differ, pyvet's scan finds more call sites: it lexes every"
               " `.py` file, including Python 2 files that Python 3's `ast` (which packj uses)"
               " rejects, so packj skips them, and it scans the expressions inside f-string"
               " replacement fields, which packj does not visit.\n")
        same = [r["category"] for r in rows if r["category"] != "all" and r["scope"] == "package"
                and int(r["equiv_only"]) + int(r["real_only"]) == 0 and fnum(r["spearman"]) == 1]
        self.w("Real packj against pyvet's packj-equivalent scan, API call sites per package"
               " (Spearman's rho over packages; \"any alert\" agreement = both or neither report"
               " a call site; then per packj permission category):\n")
        self.w(table(["scope", "category", "n", "Spearman rho", "agree on any alert",
                      "both", "equivalent only", "packj only", "neither", "sum equivalent",
                      "sum packj"], t))
        if same:
            self.w("Categories where both agree on every package: " +
                   ", ".join(f"`{c}`" for c in same) + ".\n")
        return rows

    def packj_examples(self, folder, by):
        counts = read_csv(self.path(folder, "peers_counts.csv")) or []
        cc = {}
        for r in counts:
            if r["tool"] in ("packj", "packj_equiv"):
                cc.setdefault(r["id"], {}).setdefault(r["tool"], {})[r["name"]] = int(r["count"])
        diffs = []
        for i, t in by.items():
            e, p = t.get("packj_equiv"), t.get("packj")
            if not e or not p or e.get("ok") != "1" or p.get("ok") != "1":
                continue
            de, dp = fnum(e["alerts"]) or 0, fnum(p["alerts"]) or 0
            if de != dp:
                diffs.append((abs(de - dp), e["name"], i, de, dp))
        if not diffs:
            return
        diffs.sort(key=lambda x: (-x[0], x[1]))
        self.w(f"Packages where the two counts differ: {len(diffs)}; the five largest"
               " differences, with the categories that differ:\n")
        t = []
        for _, name, i, de, dp in diffs[:5]:
            c = cc.get(i, {})
            ce, cp = c.get("packj_equiv", {}), c.get("packj", {})
            cats = sorted(set(ce) | set(cp))
            d = ", ".join(f"{k} {ce.get(k, 0)}/{cp.get(k, 0)}" for k in cats
                          if ce.get(k, 0) != cp.get(k, 0))
            t.append([cell(f"{name} {by[i]['packj']['version']}", 40),
                      by[i]["packj"]["label"], num(de), num(dp), cell(d, 160)])
        self.w(table(["package", "label", "equivalent", "packj", "categories (equivalent/packj)"], t))

    def fig3(self):
        summ = read_csv(self.path("fig3_summary.csv"))
        rows = [r for r in summ or [] if r["tool"] in ("packj", "packj_equiv")]
        if not any(r["tool"] == "packj" for r in rows):
            self.w(f"Fig. 3 with the real packj (`fig3_summary.csv`, tool packj): {NOT_RUN}.\n")
            return
        self.w("Fig. 3's sample with the real packj beside the packj-equivalent counts"
               " (`fig3_summary.csv`; flagged: the tool's verdict rule):\n")
        t = []
        for r in rows:
            t.append([r["sample"], TOOL_NAMES[r["tool"]], r["scope"], r["n"],
                      num(fnum(r["mean"])), num(fnum(r["median"])),
                      f"{num(fnum(r['q1']))}–{num(fnum(r['q3']))}", r["n_any"], r["n_flagged"],
                      r["n_error"]])
        self.w(table(["sample", "tool", "scope", "n", "mean", "median", "Q1–Q3", "any alert",
                      "flagged", "errors"], t))
        self.w("packj's flags come from its static risks, composition included: on the whole"
               " package mostly \"contains executables or other binaries\" (below), and on"
               " setup.py, which it reads alone in a folder, \"noisy package: dummy/empty or"
               " troll package\", which a one-file folder gets. Compare the call-site counts,"
               " not these flags.\n")
        t6 = read_csv(self.path("table6_alerts.csv")) or []
        t = [[r["source"], cell(r["package"], 50), r["packj_equiv.package"], r["packj.package"],
              r["packj_equiv.setup"], r["packj.setup"]] for r in t6 if r.get("packj.package")]
        if t:
            self.w("Table 6 with both packj counts:\n")
            self.w(table(["source", "package", "equivalent package", "packj package",
                          "equivalent setup.py", "packj setup.py"], t))

    def failures(self, sc, folder):
        p = (sc or {}).get("peers") or {}
        if not p:
            return
        self.w(f"What failed ({folder}): packj gave no result on {num(fnum(p.get('packj_errors')))}"
               f" packages ({num(fnum(p.get('packj_timeouts')))} at the {num(fnum(p.get('timeout_s')))} s"
               f" limit), GuardDog on {num(fnum(p.get('guarddog_errors')))}"
               f" ({num(fnum(p.get('guarddog_timeouts')))} at the limit); the reasons are in"
               f" `{folder}/peers_packages.csv` (status column).\n")

    def run(self):
        self.w("## Peers: packj and GuardDog beside bandit and pyvet (issue 13)\n")
        self.w("packj 0.15 and GuardDog 3.0.2+ (pinned sources, `../shared/peers`) run as"
               " separate programs on Debian's Python, offline, each on a copy of the package"
               " in a private scratch directory that is deleted afterwards. They parse the"
               " package, they do not run it: packj's static analysis reads the `.py` files with"
               " Python's `ast`, GuardDog matches YARA rules (and, from the PKG-INFO, its"
               " offline metadata rules). Their verdict rules are the tools' own outputs: packj"
               " flags a package with any static risk item, GuardDog with any issue, or by its"
               " risk label; bandit with a HIGH issue (D35). pyvet is the stacking model on"
               " T+MCF+pre trained on the training split, at its default threshold and at"
               " thresholds calibrated on out-of-fold training scores.\n")
        self.fig3()
        for folder, what in SETS:
            sc = self.verdicts(folder, what)
            if sc is None:
                continue
            self.timing(sc, folder)
            self.rules(folder)
            by = self.packages(folder)
            self.tool_notes(by)
            self.disagreements(folder, by)
            if folder == "peers":
                self.agreement(folder)
                self.packj_examples(folder, by)
            self.failures(sc, folder)
        return self.out


def section(results):
    """The section's markdown lines for the results folder `results`."""
    return Section(results).run()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", default="results")
    ap.add_argument("--out", default="-")
    a = ap.parse_args()
    text = "\n".join(section(a.results))
    if a.out == "-":
        sys.stdout.write(text)
    else:
        tmp = a.out + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
