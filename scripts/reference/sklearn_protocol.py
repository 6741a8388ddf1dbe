#!/usr/bin/python3
"""Reference run of pyvet's cross-validation protocol with scikit-learn (oracle for `pyvet cv`).

Reads an extraction directory written by `pyvet extract` (features.csv + tokens.tsv) and a fold
file written by `pyvet cv --write-folds` (id,repeat,fold), re-implements the Keras Tokenizer
vocabulary fit per training fold independently of pyvet (spec paper.md Appendix B, D10-D13), and
runs scikit-learn's counterparts of pyvet's learners (spec section 4):

  dt     DecisionTreeClassifier(max_depth=15)
  rf     RandomForestClassifier(n_estimators=12)
  svm    SVC(kernel='linear')
  mlp    MLPClassifier(activation='logistic', solver='adam')
  nb     BernoulliNB()
  stack  StackingClassifier([rf, svm, mlp, dt, nb]) with the default LogisticRegression
         final estimator and cv=5

with a fixed random_state per (repeat, fold). Writes the long results CSV of pyvet
(set,learner,cv,repeat,fold,metric,value,status). Only Debian's python3-numpy, python3-scipy and
python3-sklearn and the standard library are used. Run with /usr/bin/python3.

--dump-vocab FILE fits the vocabulary on every row (no folds needed) and writes it as JSON
{"tokens": [...], "docs": [...], "document_count": n}, to compare with the vocabulary recorded
in a `pyvet train` model file.
"""

import argparse
import csv
import json
import math
import os
import sys
import time
import warnings
from collections import OrderedDict, defaultdict

import numpy as np

FIXED_META = {"id", "label", "name", "version", "cluster", "first_seen", "shape"}


def data_path(name):
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in (os.environ.get("PYVET_DATA_DIR", ""), os.path.join(here, "..", "..", "featuresets", "data")):
        p = os.path.join(cand, name)
        if cand and os.path.exists(p):
            return p
    sys.exit("sklearn_protocol: word list %s not found" % name)


def load_wordlist():
    words = set()
    for name in ("python_keywords.txt", "stopwords_en.txt"):
        with open(data_path(name), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    words.add(line.lower())
    return words


def ascii_lower(s):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def load_features(d):
    with open(os.path.join(d, "features.csv"), newline="", encoding="utf-8", errors="surrogateescape") as f:
        r = csv.reader(f)
        header = next(r)
        rows = list(r)
    fcols = [j for j, h in enumerate(header) if h not in FIXED_META and "." in h and not h.startswith(".")]
    ids = [row[header.index("id")] for row in rows]
    y = np.array([1 if row[header.index("label")] in ("malicious", "1") else 0 for row in rows])
    X = np.zeros((len(rows), len(fcols)))
    for i, row in enumerate(rows):
        for k, j in enumerate(fcols):
            X[i, k] = float(row[j]) if row[j] != "" else 0.0  # NaN cells as 0, as pyvet
    names = [header[j] for j in fcols]
    docs = {}
    tp = os.path.join(d, "tokens.tsv")
    if os.path.exists(tp):
        with open(tp, "rb") as f:
            for line in f:
                line = line.rstrip(b"\n")
                if not line:
                    continue
                pid, _, rest = line.partition(b"\t")
                toks = []
                for pair in rest.split(b" ") if rest else []:
                    tok, _, cnt = pair.rpartition(b":")
                    toks.append((tok.decode("utf-8", "surrogateescape"), int(cnt)))
                docs[pid.decode("utf-8", "surrogateescape")] = toks
    return ids, y, X, names, [docs.get(i, []) for i in ids]


def parse_set(name, names):
    """The feature-set grammar of core/ml/featdata.h."""
    parts, _, drops = name.partition("-")
    text = pre = False
    prefixes = []
    for p in parts.split("+"):
        if p in ("T", "text"):
            text = True
        elif p == "pre":
            pre = True
        elif p and set(p) <= set("MCF"):
            for ch in p:
                prefixes.append({"M": "meta.", "C": "code.", "F": "file."}[ch])
        else:
            prefixes.append(p + ".")
    cols = [j for j, n in enumerate(names) if any(n.startswith(pf) for pf in prefixes)]
    for dname in [x for x in drops.split("-") if x] if drops else []:
        cols = [j for j in cols if names[j] != dname and names[j].split(".", 1)[1] != dname]
    return cols, text, pre


class KerasVocab:
    """keras_preprocessing.text.Tokenizer.fit_on_texts + texts_to_matrix on token counts."""

    def __init__(self, num_words, lower=True, stop=None):
        self.num_words, self.lower, self.stop = num_words, lower, stop

    def _tokens(self, doc):
        for tok, cnt in doc:
            if self.lower:
                tok = ascii_lower(tok)
            if self.stop is not None and ascii_lower(tok) in self.stop:
                continue
            yield tok, cnt

    def fit(self, docs):
        word_counts = OrderedDict()
        word_docs = defaultdict(int)
        for doc in docs:
            seen = set()
            for tok, cnt in self._tokens(doc):
                word_counts[tok] = word_counts.get(tok, 0) + cnt
                if tok not in seen:
                    seen.add(tok)
                    word_docs[tok] += 1
        wcounts = list(word_counts.items())
        wcounts.sort(key=lambda x: x[1], reverse=True)  # stable, as Keras
        self.word_index = {w: i + 1 for i, (w, _) in enumerate(wcounts)}
        self.index_docs = {self.word_index[w]: c for w, c in word_docs.items()}
        self.document_count = len(docs)
        return self

    def kept(self):
        toks = sorted(((i, w) for w, i in self.word_index.items() if i < self.num_words))
        return [w for _, w in toks], [self.index_docs[i] for i, _ in toks]

    def transform(self, docs, mode):
        X = np.zeros((len(docs), self.num_words))
        for r, doc in enumerate(docs):
            counts = defaultdict(int)
            total = 0
            for tok, cnt in self._tokens(doc):
                j = self.word_index.get(tok)
                if j is None or j >= self.num_words:
                    continue
                counts[j] += cnt
                total += cnt
            for j, c in counts.items():
                if mode == "binary":
                    X[r, j] = 1
                elif mode == "count":
                    X[r, j] = c
                elif mode == "freq":
                    X[r, j] = c / total
                else:  # tfidf, natural logs
                    X[r, j] = (1 + math.log(c)) * math.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
        return X


def make_learner(name, rs):
    from sklearn.ensemble import RandomForestClassifier, StackingClassifier
    from sklearn.naive_bayes import BernoulliNB
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    mk = {
        "dt": lambda: DecisionTreeClassifier(max_depth=15, random_state=rs),
        "rf": lambda: RandomForestClassifier(n_estimators=12, random_state=rs),
        "svm": lambda: SVC(kernel="linear"),
        "mlp": lambda: MLPClassifier(activation="logistic", solver="adam", random_state=rs),
        "nb": lambda: BernoulliNB(),
    }
    if name == "stack":
        return StackingClassifier(estimators=[(n, mk[n]()) for n in ("rf", "svm", "mlp", "dt", "nb")])
    return mk[name]()


def metrics(y, pred):
    tp = int(np.sum((pred == 1) & (y == 1)))
    fp = int(np.sum((pred == 1) & (y == 0)))
    tn = int(np.sum((pred == 0) & (y == 0)))
    fn = int(np.sum((pred == 0) & (y == 1)))

    def div(a, b):
        return a / b if b else 0.0

    def f1(p, r):
        return div(2 * p * r, p + r)

    pm, rm = div(tp, tp + fp), div(tp, tp + fn)
    pb, rb = div(tn, tn + fn), div(tn, tn + fp)
    fm, fb = f1(pm, rm), f1(pb, rb)
    return OrderedDict([
        ("p_macro", (pm + pb) / 2), ("r_macro", (rm + rb) / 2), ("f1_macro", (fm + fb) / 2),
        ("p_mal", pm), ("r_mal", rm), ("f1_mal", fm), ("p_ben", pb), ("r_ben", rb), ("f1_ben", fb),
        ("accuracy", div(tp + tn, len(y))), ("tp", tp), ("fp", fp), ("tn", tn), ("fn", fn),
    ])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--features", required=True)
    ap.add_argument("--folds", help="id,repeat,fold CSV from pyvet cv --write-folds")
    ap.add_argument("--set", default="T+MCF+pre")
    ap.add_argument("--learner", default="dt,rf,svm,mlp,nb,stack")
    ap.add_argument("--num-words", type=int, default=500)
    ap.add_argument("--mode", default="binary", choices=["binary", "count", "freq", "tfidf"])
    ap.add_argument("--lower", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cv", default="stratified", help="the cv column of the output")
    ap.add_argument("--out")
    ap.add_argument("--dump-vocab", help="fit on every row, write the vocabulary as JSON, exit")
    a = ap.parse_args()
    warnings.filterwarnings("ignore")  # MLP ConvergenceWarning at max_iter, as in pyvet's defaults

    ids, y, X, names, docs = load_features(a.features)
    stop = load_wordlist()
    sets = a.set.split(",")
    if a.dump_vocab:
        cols, text, pre = parse_set(sets[0], names)
        v = KerasVocab(a.num_words, a.lower, stop if pre else None).fit(docs)
        toks, dcs = v.kept()
        with open(a.dump_vocab, "w", encoding="utf-8", errors="surrogateescape") as f:
            json.dump({"tokens": toks, "docs": dcs, "document_count": v.document_count}, f)
        return
    if not a.folds or not a.out:
        sys.exit("sklearn_protocol: --folds and --out are required")
    row = {pid: i for i, pid in enumerate(ids)}
    assign = defaultdict(dict)  # repeat -> {row: fold}
    with open(a.folds, newline="") as f:
        for rec in csv.DictReader(f):
            assign[int(rec["repeat"])][row[rec["id"]]] = int(rec["fold"])
    learners = a.learner.split(",")
    t0 = time.time()
    out_rows = []
    seconds = defaultdict(float)
    for s in sets:
        cols, text, pre = parse_set(s, names)
        for r in sorted(assign):
            fa = assign[r]
            k = max(fa.values()) + 1
            for fo in range(k):
                tr = [i for i in range(len(ids)) if i in fa and fa[i] != fo and fa[i] >= 0]
                te = [i for i in range(len(ids)) if fa.get(i) == fo]
                parts_tr, parts_te = [X[tr][:, cols]], [X[te][:, cols]]
                if text:
                    v = KerasVocab(a.num_words, a.lower, stop if pre else None).fit([docs[i] for i in tr])
                    parts_tr.append(v.transform([docs[i] for i in tr], a.mode))
                    parts_te.append(v.transform([docs[i] for i in te], a.mode))
                Xtr, Xte = np.hstack(parts_tr), np.hstack(parts_te)
                for ln in learners:
                    rs = (a.seed * 1000003 + r * 1009 + fo) % (2 ** 31)
                    t1 = time.time()
                    try:
                        m = make_learner(ln, rs).fit(Xtr, y[tr])
                        met = metrics(y[te], m.predict(Xte))
                        for key, val in met.items():
                            out_rows.append([s, ln, a.cv, r, fo, key, "%.17g" % val, "ok"])
                    except Exception as e:  # a failed cell is recorded, the others finish
                        out_rows.append([s, ln, a.cv, r, fo, "error", "", str(e).replace("\n", " ")])
                    seconds[ln] += time.time() - t1
                print("sklearn: set %s repeat %d fold %d done (%.0f s)" % (s, r, fo, time.time() - t0),
                      file=sys.stderr)
    tmp = a.out + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["set", "learner", "cv", "repeat", "fold", "metric", "value", "status"])
        w.writerows(out_rows)
    os.replace(tmp, a.out)
    side = os.path.splitext(a.out)[0] + ".json"
    import sklearn
    with open(side, "w") as f:
        json.dump({"command": sys.argv, "sklearn": sklearn.__version__, "numpy": np.__version__,
                   "wall_seconds": time.time() - t0, "learner_seconds": seconds}, f, indent=1)


if __name__ == "__main__":
    main()
