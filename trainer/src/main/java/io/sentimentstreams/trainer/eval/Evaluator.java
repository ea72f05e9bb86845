package io.sentimentstreams.trainer.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores and labels in, {@link Metrics} out. ROC-AUC is the Mann-Whitney statistic with tied scores
 * sharing their average rank (equal to the trapezoidal area under the ROC curve); undefined metrics
 * (no positives, no predicted positives) are reported as 0, and AUC with one class only as NaN.
 */
public final class Evaluator {

    /** Upper bounds (inclusive) of the token-count buckets; the last bucket is open-ended. */
    private static final List<Integer> LENGTH_BOUNDS = List.of(10, 25, 50, 100, 200, 400);

    private Evaluator() {
    }

    public static Metrics evaluate(final float[] scores, final int[] labels, final int[] tokenCounts,
                                   final double threshold) {
        if (scores.length != labels.length || (tokenCounts != null && tokenCounts.length != labels.length)) {
            throw new IllegalArgumentException("scores, labels and token counts must have the same length");
        }
        long tp = 0;
        long fp = 0;
        long tn = 0;
        long fn = 0;
        double logLoss = 0;
        for (int i = 0; i < scores.length; i++) {
            final boolean predicted = scores[i] >= threshold;
            final boolean actual = labels[i] == 1;
            if (predicted && actual) {
                tp++;
            } else if (predicted) {
                fp++;
            } else if (actual) {
                fn++;
            } else {
                tn++;
            }
            final double p = Math.min(1 - 1e-7, Math.max(1e-7, scores[i]));
            logLoss -= actual ? Math.log(p) : Math.log(1 - p);
        }
        final long n = scores.length;
        final double accuracy = n == 0 ? 0 : (double) (tp + tn) / n;
        final double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        final double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        final double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new Metrics(n, accuracy, precision, recall, f1, auc(scores, labels), n == 0 ? 0 : logLoss / n,
                new Metrics.Confusion(tp, fp, tn, fn),
                tokenCounts == null ? List.of() : buckets(scores, labels, tokenCounts, threshold));
    }

    /** ROC-AUC by average ranks; NaN when only one class is present. */
    public static double auc(final float[] scores, final int[] labels) {
        final int n = scores.length;
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            final double avgRank = (i + j) / 2.0 + 1; // 1-based ranks i+1 .. j+1
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        final long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    private static List<Metrics.Bucket> buckets(final float[] scores, final int[] labels, final int[] counts,
                                                final double threshold) {
        final List<Metrics.Bucket> out = new ArrayList<>();
        int lo = 0;
        for (int b = 0; b <= LENGTH_BOUNDS.size(); b++) {
            final int hi = b < LENGTH_BOUNDS.size() ? LENGTH_BOUNDS.get(b) : Integer.MAX_VALUE;
            long total = 0;
            long right = 0;
            for (int i = 0; i < scores.length; i++) {
                if (counts[i] >= lo && counts[i] <= hi) {
                    total++;
                    if ((scores[i] >= threshold) == (labels[i] == 1)) {
                        right++;
                    }
                }
            }
            if (total > 0) {
                out.add(new Metrics.Bucket(lo, hi, total, (double) right / total));
            }
            lo = hi + 1;
        }
        return out;
    }
}
