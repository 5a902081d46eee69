"""Scores shared by the benchmarks: per-class F1 and confusion matrices."""

from __future__ import annotations

import numpy as np


def per_class_f1(gold: list[str], predicted: list[str], labels: tuple[str, ...]) -> dict[str, float]:
    """F1 of each label (0 when the label is never right)."""
    out = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        out[label] = round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0
    return out


def confusion(gold: list[str], predicted: list[str], labels: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Counts by gold label (rows) and predicted label (columns)."""
    table = {g: dict.fromkeys(labels, 0) for g in labels}
    for g, p in zip(gold, predicted, strict=True):
        table[g][p] += 1
    return table


def accuracy(gold: list[str], predicted: list[str]) -> float:
    return round(sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold), 4)


def print_scores(f1: dict[str, float], table: dict[str, dict[str, int]], labels: tuple[str, ...]) -> None:
    """Per-class F1 on one line, then the confusion matrix."""
    print("per-class F1: " + "  ".join(f"{k} {v:.3f}" for k, v in f1.items()))
    print("confusion (rows gold, columns predicted):")
    print(f"{'':>12}" + "".join(f"{p:>12}" for p in labels))
    for g in labels:
        print(f"{g:>12}" + "".join(f"{table[g][p]:>12}" for p in labels))


def calibration(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> tuple[float, list[dict]]:
    """Expected calibration error of confidences against whether each was right, and the table."""
    table, ece = [], 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = (confidence > low) & (confidence <= high) if b else (confidence <= high)
        if not inside.any():
            continue
        gap = abs(correct[inside].mean() - confidence[inside].mean())
        ece += inside.mean() * gap
        table.append(
            {
                "bin": f"{low:.1f}-{high:.1f}",
                "pairs": int(inside.sum()),
                "confidence": round(float(confidence[inside].mean()), 3),
                "accuracy": round(float(correct[inside].mean()), 3),
            }
        )
    return round(float(ece), 4), table
