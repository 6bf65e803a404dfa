# Prints the reference fit of test/unit/logistic_test.cpp (scikit-learn, Debian python3-sklearn):
#   python3 test/unit/reference/logistic_reference.py
import numpy as np
from sklearn.linear_model import LogisticRegression
rng = np.random.RandomState(7)
n = 40
X = np.round(rng.normal(size=(n, 2)), 3)
z = 0.5 + 1.5 * X[:, 0] - 1.0 * X[:, 1]
y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(int)
for l2 in (1.0, 0.1):
    m = LogisticRegression(C=1 / l2, tol=1e-12, max_iter=10000).fit(X, y)
    print(l2, repr(m.intercept_[0]), repr(m.coef_[0][0]), repr(m.coef_[0][1]))
print("X =", ", ".join("{%s, %s}" % (a, b) for a, b in X))
print("y =", ", ".join(str(v) for v in y))
