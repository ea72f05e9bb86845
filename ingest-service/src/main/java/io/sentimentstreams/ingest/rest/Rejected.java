package io.sentimentstreams.ingest.rest;

import io.sentimentstreams.ingest.validation.RequestBodyReader.RefusedItem;
import io.sentimentstreams.ingest.validation.Violation;
import java.util.List;

/**
 * One refused item of a bulk request: its index in the request, the id it declared (when that id was
 * readable and valid), its first reason code, the failing field and a detail that never quotes the text.
 */
public record Rejected(Integer index, String id, String code, String field, String detail) {

    static List<Rejected> of(final List<RefusedItem> refused) {
        return refused.stream().map(Rejected::of).toList();
    }

    static Rejected of(final RefusedItem item) {
        final Violation first = item.first();
        return new Rejected(item.index(), item.id(), first.reason().name(), first.field(), first.detail());
    }
}
