package io.sentimentstreams.preprocess.rest;

import io.sentimentstreams.preprocess.model.ActiveModel;
import io.sentimentstreams.preprocess.model.ModelRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /models}: the active model per language (name, version, digest, load time) as JSON. */
@Path("/models")
public class ModelsResource {

    /** One active model as shown to operators. */
    public record ModelView(String model, int version, String ref, String digest, Instant loadedAt) {
    }

    private final ModelRegistry registry;

    public ModelsResource(final ModelRegistry registry) {
        this.registry = registry;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> models() {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("caughtUp", registry.isCaughtUp());
        final Map<String, ModelView> active = new LinkedHashMap<>();
        for (final Map.Entry<String, ActiveModel> e : registry.snapshot().entrySet()) {
            final ActiveModel m = e.getValue();
            active.put(e.getKey(), new ModelView(m.ref().name(), m.ref().version(), m.ref().toString(), m.digest(),
                    m.loadedAt()));
        }
        out.put("active", active);
        final Map<String, Map<String, Object>> rollouts = new LinkedHashMap<>();
        registry.rollouts().forEach((lang, r) -> {
            final Map<String, Object> v = new LinkedHashMap<>();
            v.put("live", r.live() == null ? null : r.live().toString());
            v.put("candidate", r.candidate() == null ? null : r.candidate().toString());
            v.put("role", r.role() == null ? null : r.role().wireName());
            v.put("percent", r.percent());
            v.put("previous", r.previous() == null ? null : r.previous().toString());
            rollouts.put(lang, v);
        });
        out.put("rollouts", rollouts);
        return out;
    }
}
