package io.sentimentstreams.inference.rest;

import io.sentimentstreams.inference.loop.InferenceService;
import io.sentimentstreams.inference.model.ModelRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /models}: the loaded versions (engine, canary, digest, threshold), those on disk, refusals, the
 * version in service per name, and the versions retired by a tombstone.
 */
@Path("/models")
public class ModelsResource {

    private final InferenceService service;

    public ModelsResource(final InferenceService service) {
        this.service = service;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ModelRegistry.Snapshot models() {
        final ModelRegistry registry = service.registry();
        if (registry == null) {
            throw new WebApplicationException("the model registry is not started", 503);
        }
        return registry.snapshot();
    }
}
