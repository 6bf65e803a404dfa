"""Out-of-time AUCs for bench/predictive.sh: lead_scoring's live probability and
rule score against scikit-learn's LogisticRegression on the same features (the
event counts log1p'd, numbers standardised on the training rows, the industry one
column per level seen 30+ times with the rest as "other", flags 0/1) and split
(fit on the contacts' labels at T1; judged on those not converted by T1)."""
import csv
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

rows = list(csv.reader(open(sys.argv[1])))
by_t1 = np.array([int(r[1]) for r in rows])
by_t2 = np.array([int(r[2]) for r in rows])
ours = np.array([float(r[3]) if r[3] else 0.0 for r in rows])
rules = np.array([float(r[4]) for r in rows])
industry = [r[5] for r in rows]
numbers = np.array([[float(x) if x else np.nan for x in r[6:11]] for r in rows])
flags = np.array([[int(x) if x else 0 for x in r[11:16]] for r in rows], dtype=float)
counts = np.log1p(np.array([[float(x) for x in r[16].split()] for r in rows]))

# Training: every contact, labelled by T1 (as train() judges); test: those not
# converted by T1, labelled by T2.
train = np.ones(len(rows), dtype=bool)
test = by_t1 == 0
label = np.where(test, by_t2, by_t1)
seen = {}
for i, v in enumerate(industry):
    if train[i]:
        seen[v] = seen.get(v, 0) + 1
levels = sorted(v for v, n in seen.items() if n >= 30)
onehot = np.array([[1.0 if v == lv else 0.0 for lv in levels] + [0.0 if v in levels else 1.0] for v in industry])
numeric = np.hstack([counts, numbers])
mean = np.nanmean(numeric[train], axis=0)
sd = np.nanstd(numeric[train], axis=0)
sd[sd == 0] = 1
numeric = np.where(np.isnan(numeric), mean, numeric)
numeric = (numeric - mean) / sd
X = np.hstack([numeric, onehot, flags])
model = LogisticRegression(C=1.0, tol=1e-8, max_iter=1000).fit(X[train], by_t1[train])
sk = model.predict_proba(X[test])[:, 1]
print("  out-of-time AUC (%d test contacts, %d converted after T1):" % (test.sum(), label[test].sum()))
print("    lead_scoring fit %.4f, scikit-learn %.4f, rules %.4f" %
      (roc_auc_score(label[test], ours[test]), roc_auc_score(label[test], sk), roc_auc_score(label[test], rules[test])))
