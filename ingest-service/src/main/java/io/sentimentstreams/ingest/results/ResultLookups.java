package io.sentimentstreams.ingest.results;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sentimentstreams.ingest.config.IngestConfig;
import io.sentimentstreams.json.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.streams.state.HostInfo;
import org.jboss.logging.Logger;

/**
 * Results of review ids wherever their partition lives: read from this instance's {@link ResultsStore}, or asked of
 * the owning instance in one internal request per owner ({@code POST /internal/results}, which answers from its own
 * store only, so a lookup is forwarded at most once and never loops). Asynchronous: a forwarded lookup holds no thread.
 */
@ApplicationScoped
public class ResultLookups {

    /** Response header naming the instance ({@code host:port}) whose store answered. */
    public static final String ANSWERED_BY = "X-Sentiment-Answered-By";
    public static final String INTERNAL_PATH = "/internal/results";
    public static final String LOOKUPS = "sentiment.ingest.results.lookups";
    private static final Logger LOG = Logger.getLogger(ResultLookups.class);

    /** One id's answer: Found, Missing or Unavailable (never Remote), and the instance that gave it. */
    public record Answer(Lookup lookup, String answeredBy, boolean forwarded) {
    }

    /** The body of the internal endpoint: the results found here, and the ids this store cannot answer now. */
    public record InternalAnswer(Map<String, ReviewResult> found, List<String> unavailable) {
    }

    private final ResultsStore store;
    private final Duration forwardTimeout;
    private final HttpClient http;
    private final Counter local;
    private final Counter forwarded;

    public ResultLookups(final ResultsStore store, final IngestConfig config, final MeterRegistry registry) {
        this.store = store;
        this.forwardTimeout = config.results().forwardTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(forwardTimeout).build();
        this.local = lookups(registry, "local");
        this.forwarded = lookups(registry, "forwarded");
    }

    private static Counter lookups(final MeterRegistry registry, final String route) {
        return Counter.builder(LOOKUPS).description("Review ids looked up in the results store, answered here "
                + "(local) or by the instance owning the id (forwarded)").tag("route", route).register(registry);
    }

    public CompletionStage<Answer> lookup(final String id, final String apiKey) {
        return lookupAll(List.of(id), apiKey).thenApply(all -> all.get(id));
    }

    /** Every id's answer, in the order given; ids owned elsewhere are asked of their owner. */
    public CompletionStage<Map<String, Answer>> lookupAll(final Collection<String> ids, final String apiKey) {
        final Map<String, Answer> answers = new LinkedHashMap<>();
        final Map<HostInfo, List<String>> remote = new HashMap<>();
        for (final String id : new LinkedHashSet<>(ids)) {
            final Lookup lookup = store.lookup(id);
            if (lookup instanceof Lookup.Remote r) {
                remote.computeIfAbsent(r.owner(), k -> new ArrayList<>()).add(id);
                answers.put(id, null);
            } else {
                local.increment();
                answers.put(id, new Answer(lookup, store.self(), false));
            }
        }
        if (remote.isEmpty()) {
            return CompletableFuture.completedFuture(answers);
        }
        final List<CompletableFuture<Map<String, Answer>>> calls = remote.entrySet().stream()
                .map(e -> forward(e.getKey(), e.getValue(), apiKey)).toList();
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(x -> {
            synchronized (answers) {
                calls.forEach(c -> answers.putAll(c.join()));
                return answers;
            }
        });
    }

    /** This instance's own answers for the internal endpoint: ids it does not own are unavailable here. */
    public InternalAnswer localOnly(final Collection<String> ids) {
        final Map<String, ReviewResult> found = new LinkedHashMap<>();
        final List<String> unavailable = new ArrayList<>();
        for (final String id : new LinkedHashSet<>(ids)) {
            final Lookup lookup = store.lookup(id);
            if (lookup instanceof Lookup.Found f) {
                found.put(id, f.result());
            } else if (!(lookup instanceof Lookup.Missing)) {
                unavailable.add(id);
            }
        }
        local.increment(ids.size());
        return new InternalAnswer(found, unavailable);
    }

    /** Ids among {@code ids} that the store knew before this request's own records ({@code receivedAt}) arrived. */
    public CompletionStage<Set<String>> known(final List<String> ids, final Instant receivedAt, final String apiKey) {
        return lookupAll(ids, apiKey).thenApply(answers -> {
            final Set<String> known = new LinkedHashSet<>();
            answers.forEach((id, answer) -> {
                if (answer.lookup() instanceof Lookup.Found f && !ownPending(f.result(), receivedAt)) {
                    known.add(id);
                }
            });
            return known;
        });
    }

    private static boolean ownPending(final ReviewResult result, final Instant receivedAt) {
        return result.status() == ReviewResult.Status.PENDING && receivedAt.equals(result.receivedAt());
    }

    private CompletableFuture<Map<String, Answer>> forward(final HostInfo owner, final List<String> ids,
                                                          final String apiKey) {
        final String address = owner.host() + ":" + owner.port();
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + address + INTERNAL_PATH))
                .timeout(forwardTimeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(ids)));
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        forwarded.increment(ids.size());
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray()).handle((response, error) -> {
            final Map<String, Answer> answers = new HashMap<>();
            if (error != null || response.statusCode() != 200) {
                final String why = error != null ? "the instance owning it (" + address + ") did not answer: "
                        + error.getClass().getSimpleName() : "the instance owning it (" + address + ") answered HTTP "
                        + response.statusCode();
                LOG.debugf("forwarded lookup of %d ids failed: %s", ids.size(), why);
                ids.forEach(id -> answers.put(id, new Answer(new Lookup.Unavailable(why), address, true)));
                return answers;
            }
            final InternalAnswer body;
            try {
                body = Json.read(response.body(), InternalAnswer.class);
            } catch (RuntimeException e) {
                ids.forEach(id -> answers.put(id, new Answer(new Lookup.Unavailable("the instance owning it ("
                        + address + ") sent an unreadable answer"), address, true)));
                return answers;
            }
            for (final String id : ids) {
                final ReviewResult found = body.found() == null ? null : body.found().get(id);
                final Lookup lookup = found != null ? new Lookup.Found(found)
                        : body.unavailable() != null && body.unavailable().contains(id)
                        ? new Lookup.Unavailable("the instance owning it (" + address + ") cannot answer now")
                        : Lookup.MISSING;
                answers.put(id, new Answer(lookup, address, true));
            }
            return answers;
        });
    }
}
