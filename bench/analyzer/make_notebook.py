"""Write a deterministic 300-cell notebook of realistic ML code (~6,000 lines) for bench/analyzer.

Usage: make_notebook.py OUT.ipynb [CELLS]. Shared imports/functions/parameters cells, then steps of
three cells each (a tagged cell and two untagged ones continuing it), each step reading variables of
the one or two steps before it, and a metrics cell at the end.
"""

import json
import random
import sys

IMPORTS = """import json
import math
import os
from collections import Counter, defaultdict
import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import KFold, train_test_split
from sklearn.preprocessing import StandardScaler
"""

FUNCTIONS = '''
def add_features(frame, columns, window=3):
    """Rolling means and ratios of the given columns."""
    out = frame.copy()
    for column in columns:
        out[f"{column}_mean"] = out[column].rolling(window, min_periods=1).mean()
        out[f"{column}_ratio"] = out[column] / (out[column].abs().max() + 1e-9)
    return out


def evaluate_model(model, X, y, threshold=0.5):
    proba = model.predict_proba(X)[:, 1]
    labels = (proba > threshold).astype(int)
    return {"acc": accuracy_score(y, labels), "f1": f1_score(y, labels), "auc": roc_auc_score(y, proba)}


class Timer:
    def __init__(self, name):
        self.name = name
        self.events = []

    def mark(self, label):
        self.events.append((label, len(self.events)))
        return self
'''

PARAMETERS = """n_rows = 2000
seed = 42
test_size = 0.2
n_estimators = 50
learning_rate = 0.1
feature_columns = ["a", "b", "c", "d"]
"""


def step_cells(i: int, prev: list, rng: random.Random) -> list:
    """Three cells of step i: the tagged cell and two continuing it (about 20 lines each)."""
    p = prev[0] if prev else None
    q = prev[1] if len(prev) > 1 else None
    source_frame = f"frame_{p}" if p is not None else "None"
    cols = rng.sample(["a", "b", "c", "d"], 2)
    first = f"""rng_{i} = np.random.default_rng(seed + {i})
if {source_frame} is None:
    frame_{i} = pd.DataFrame({{
        "a": rng_{i}.normal(size=n_rows),
        "b": rng_{i}.normal(size=n_rows),
        "c": rng_{i}.uniform(-1, 1, size=n_rows),
        "d": rng_{i}.integers(0, 5, size=n_rows),
    }})
else:
    frame_{i} = {source_frame}.sample(frac=0.9, random_state=seed + {i}).reset_index(drop=True)
frame_{i}["label"] = ((frame_{i}["a"] + 0.5 * frame_{i}["c"]) > 0).astype(int)
frame_{i} = add_features(frame_{i}, {cols!r})
stats_{i} = {{
    column: (float(frame_{i}[column].mean()), float(frame_{i}[column].std()))
    for column in feature_columns
}}
counts_{i} = Counter(frame_{i}["d"].tolist())
dtypes_{i} = {{name: str(dtype) for name, dtype in frame_{i}.dtypes.items()}}
assert len(dtypes_{i}) >= 4, dtypes_{i}
print(f"step {i}: {{len(frame_{i})}} rows, classes {{dict(counts_{i})}}")
"""
    second = f"""scaler_{i} = StandardScaler()
features_{i} = [c for c in frame_{i}.columns if c != "label"]
X_{i} = scaler_{i}.fit_transform(frame_{i}[features_{i}].to_numpy())
y_{i} = frame_{i}["label"].to_numpy()
X_train_{i}, X_test_{i}, y_train_{i}, y_test_{i} = train_test_split(
    X_{i}, y_{i}, test_size=test_size, random_state=seed
)
folds_{i} = KFold(n_splits=3, shuffle=True, random_state=seed)
fold_scores_{i} = []
for k, (train_idx, valid_idx) in enumerate(folds_{i}.split(X_train_{i})):
    model = LogisticRegression(max_iter=200)
    model.fit(X_train_{i}[train_idx], y_train_{i}[train_idx])
    fold_scores_{i}.append(accuracy_score(y_train_{i}[valid_idx], model.predict(X_train_{i}[valid_idx])))
cv_{i} = float(np.mean(fold_scores_{i}))
# keep the best fold for the report
best_fold_{i} = int(np.argmax(fold_scores_{i}))
timer_{i} = Timer("step-{i}").mark("cv")
"""
    other = f"score_{q}" if q is not None else "0.0"
    third = f"""if {i} % 2:
    model_{i} = RandomForestClassifier(n_estimators=n_estimators, random_state=seed)
else:
    model_{i} = GradientBoostingClassifier(learning_rate=learning_rate, random_state=seed)
model_{i}.fit(X_train_{i}, y_train_{i})
report_{i} = evaluate_model(model_{i}, X_test_{i}, y_test_{i})
importances_{i} = sorted(
    zip(features_{i}, getattr(model_{i}, "feature_importances_", [0.0] * len(features_{i}))),
    key=lambda pair: -pair[1],
)[:3]
score_{i} = max(report_{i}["acc"], {other})
# the top features, by importance
top_names_{i} = [name for name, _ in importances_{i}]
summary_{i} = json.dumps({{"step": {i}, "cv": cv_{i}, "top": [name for name, _ in importances_{i}]}})
by_class_{i} = defaultdict(list)
for label, value in zip(y_test_{i}, X_test_{i}[:, 0]):
    by_class_{i}[int(label)].append(float(value))
spread_{i} = {{k: math.sqrt(np.var(v)) for k, v in by_class_{i}.items()}}
os.makedirs("out", exist_ok=True)
print(summary_{i}, spread_{i})
"""
    return [first, second, third]


def cell(source: str, tags: list, index: int) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": f"cell-{index}",
        "metadata": {"tags": tags} if tags else {},
        "outputs": [],
        "source": source,
    }


def main() -> None:
    out = sys.argv[1]
    n_cells = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    rng = random.Random(7)
    cells = [
        cell(IMPORTS, ["imports"], 0),
        cell(FUNCTIONS, ["functions"], 1),
        cell(PARAMETERS, ["pipeline-parameters"], 2),
    ]
    n_steps = (n_cells - 4) // 3
    for i in range(n_steps):
        prev = sorted(rng.sample(range(max(0, i - 3), i), min(i, 2)), reverse=True) if i else []
        tags = [f"step:step_{i}"] + [f"prev:step_{p}" for p in prev]
        for j, source in enumerate(step_cells(i, prev, rng)):
            cells.append(cell(source, tags if j == 0 else [], len(cells)))
    cells.append(cell(f"score_{n_steps - 1}\ncv_{n_steps - 1}\n", ["pipeline-metrics"], len(cells)))
    while len(cells) < n_cells:
        cells.insert(3, cell("# notes\n", ["skip"], 3))
    for index, c in enumerate(cells):
        c["id"] = f"cell-{index}"
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    with open(out, "w") as f:
        json.dump(notebook, f, indent=1)


if __name__ == "__main__":
    main()
