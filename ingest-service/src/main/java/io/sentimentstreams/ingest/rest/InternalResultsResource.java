package io.sentimentstreams.ingest.rest;

import io.sentimentstreams.ingest.results.ResultLookups;
import io.sentimentstreams.json.Json;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * POST /internal/results: a JSON array of review ids in, the results this instance's own store holds out; used by
 * the other ingest instances to answer lookups of ids whose partition this one owns. It never forwards, so a lookup
 * travels at most one hop.
 */
@Path(ResultLookups.INTERNAL_PATH)
public class InternalResultsResource {

    private static final int MAX_IDS = 10_000;

    private final ResultLookups lookups;

    public InternalResultsResource(final ResultLookups lookups) {
        this.lookups = lookups;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Instance to instance: results from this instance's store",
            description = "Not for clients (use GET /reviews/{id}). found maps each id this store holds to its result; "
                    + "unavailable lists the ids it cannot answer now (partition not owned here any more, restoring); "
                    + "ids in neither are unknown.")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ResultLookups.InternalAnswer.class)))
    @APIResponse(responseCode = "400", description = "Not a JSON array of at most 10,000 ids (INVALID_JSON)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response results(final byte[] body) {
        final List<String> ids;
        try {
            ids = List.of(Json.read(body, String[].class));
        } catch (RuntimeException e) {
            return Problem.of(400, "INVALID_JSON", "send a JSON array of review ids").toResponse();
        }
        if (ids.size() > MAX_IDS) {
            return Problem.of(400, "INVALID_JSON", "at most " + MAX_IDS + " ids per request").toResponse();
        }
        return Response.ok(Json.write(lookups.localOnly(ids))).type(MediaType.APPLICATION_JSON).build();
    }
}
