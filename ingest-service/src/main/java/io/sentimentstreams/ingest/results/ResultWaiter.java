package io.sentimentstreams.ingest.results;

import io.sentimentstreams.ingest.config.IngestConfig;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Waits, without holding a thread, until every given id is LABELED or DEAD_LETTERED or the wait ends: this
 * instance's store pushes the results of the ids it owns, and a Vert.x timer asks again every {@code wait-poll} for
 * the rest (ids owned by other instances, or a result stored before the wait began). What is not done by the end
 * comes back PENDING.
 */
@ApplicationScoped
public class ResultWaiter {

    private final ResultsStore store;
    private final ResultLookups lookups;
    private final Vertx vertx;
    private final long pollMillis;

    public ResultWaiter(final ResultsStore store, final ResultLookups lookups, final Vertx vertx,
                        final IngestConfig config) {
        this.store = store;
        this.lookups = lookups;
        this.vertx = vertx;
        this.pollMillis = Math.max(10, config.results().waitPoll().toMillis());
    }

    /** The result of each id in the order given, once all are done or after {@code wait}. */
    public CompletionStage<List<ReviewResult>> await(final List<String> ids, final Instant receivedAt,
                                                     final Duration wait, final String apiKey) {
        return new Wait(new ArrayList<>(new LinkedHashSet<>(ids)), receivedAt, apiKey).start(wait)
                .thenApply(results -> ids.stream().map(results::get).toList());
    }

    private final class Wait {
        private final List<String> ids;
        private final Instant receivedAt;
        private final String apiKey;
        private final Map<String, ReviewResult> latest = new ConcurrentHashMap<>();
        private final CompletableFuture<Map<String, ReviewResult>> finished = new CompletableFuture<>();
        private final Consumer<ReviewResult> listener = this::offer;
        private volatile long deadlineTimer = -1;

        Wait(final List<String> ids, final Instant receivedAt, final String apiKey) {
            this.ids = ids;
            this.receivedAt = receivedAt;
            this.apiKey = apiKey;
        }

        CompletableFuture<Map<String, ReviewResult>> start(final Duration wait) {
            ids.forEach(id -> store.listen(id, listener));
            deadlineTimer = vertx.setTimer(Math.max(1, wait.toMillis()), t -> finish());
            poll();
            return finished;
        }

        private void offer(final ReviewResult result) {
            latest.merge(result.id(), result, (old, update) -> old.status().done() && !update.status().done()
                    ? old : update);
            if (ids.stream().allMatch(this::done)) {
                finish();
            }
        }

        private boolean done(final String id) {
            final ReviewResult r = latest.get(id);
            return r != null && r.status().done();
        }

        private void poll() {
            if (finished.isDone()) {
                return;
            }
            final List<String> open = ids.stream().filter(id -> !done(id)).toList();
            lookups.lookupAll(open, apiKey).whenComplete((answers, error) -> {
                if (answers != null) {
                    answers.values().stream().filter(a -> a.lookup() instanceof Lookup.Found)
                            .forEach(a -> offer(((Lookup.Found) a.lookup()).result()));
                }
                if (!finished.isDone()) {
                    vertx.setTimer(pollMillis, t -> poll());
                }
            });
        }

        private void finish() {
            if (finished.isDone()) {
                return;
            }
            ids.forEach(id -> store.unlisten(id, listener));
            vertx.cancelTimer(deadlineTimer);
            final Map<String, ReviewResult> results = new ConcurrentHashMap<>();
            for (final String id : ids) {
                results.put(id, latest.getOrDefault(id, ReviewResult.pendingSince(id, receivedAt)));
            }
            finished.complete(results);
        }
    }
}
