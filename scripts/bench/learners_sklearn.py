#!/usr/bin/python3
"""scikit-learn 1.2 counterparts of pyvet's learners on a CSV from learners_data.py.

Trains on the first 80% of the rows, scores the rest, prints "name fit+score seconds, macro F1,
ROC-AUC" per model. Never part of the test suite (timings are not asserted)."""
import sys
import time
import numpy as np
from sklearn.ensemble import RandomForestClassifier, StackingClassifier
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.naive_bayes import BernoulliNB
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.linear_model import LogisticRegression
import warnings

warnings.filterwarnings("ignore")
D = np.loadtxt(sys.argv[1], delimiter=",")
y, X = D[:, 0].astype(int), D[:, 1:]
k = int(0.8 * len(y))


def models():
    return {
        "dt": DecisionTreeClassifier(max_depth=15, random_state=0),
        "rf": RandomForestClassifier(n_estimators=12, random_state=0),
        "svm": SVC(kernel="linear"),
        "linsvm": LinearSVC(random_state=0),
        "mlp": MLPClassifier(activation="logistic", solver="adam", random_state=0),
        "nb": BernoulliNB(),
        "logreg": LogisticRegression(max_iter=1000),
        "stack": StackingClassifier([
            ("rf", RandomForestClassifier(n_estimators=12, random_state=0)),
            ("svm", SVC(kernel="linear")),
            ("mlp", MLPClassifier(activation="logistic", solver="adam", random_state=0)),
            ("dt", DecisionTreeClassifier(max_depth=15, random_state=0)),
            ("nb", BernoulliNB())]),
    }


only = sys.argv[2].split(",") if len(sys.argv) > 2 else None
for name, m in models().items():
    if only and name not in only:
        continue
    t0 = time.perf_counter()
    m.fit(X[:k], y[:k])
    s = m.decision_function(X[k:]) if not hasattr(m, "predict_proba") else m.predict_proba(X[k:])[:, 1]
    pred = m.predict(X[k:])
    t = time.perf_counter() - t0
    print("%-7s %8.3f s  f1_macro %.4f  auc %.4f" % (name, t, f1_score(y[k:], pred, average="macro"),
                                                     roc_auc_score(y[k:], s)))
