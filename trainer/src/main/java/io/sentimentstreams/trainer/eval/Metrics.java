package io.sentimentstreams.trainer.eval;

import java.util.List;

/**
 * Binary classification figures for one scored set (positive = label 1, predicted positive when
 * P(positive) >= threshold): counts, accuracy, precision, recall, F1, ROC-AUC, log loss, and accuracy by
 * review-length bucket (token counts before padding).
 */
public record Metrics(
        long n,
        double accuracy,
        double precision,
        double recall,
        double f1,
        double auc,
        double logLoss,
        Confusion confusion,
        List<Bucket> byLength) {

    /** Confusion matrix counts. */
    public record Confusion(long tp, long fp, long tn, long fn) {
    }

    /** Accuracy of the reviews whose token count is in [minTokens, maxTokens]. */
    public record Bucket(int minTokens, int maxTokens, long n, double accuracy) {
    }
}
