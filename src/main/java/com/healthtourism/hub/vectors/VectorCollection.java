package com.healthtourism.hub.vectors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.qdrant.client.grpc.Collections.PayloadSchemaType;

/** A Qdrant collection of the design and the payload fields it indexes. */
public record VectorCollection(String name, Map<String, PayloadSchemaType> indexedFields) {

    /** Every collection is filtered by tenant, so every one indexes tenant_id. */
    public static final String TENANT_FIELD = "tenant_id";

    /** The design's three collections; keyword and keyword[] fields are keyword indexes. */
    public static final List<VectorCollection> DESIGN = List.of(
            of("medical_knowledge", Map.of(
                    "specialty", PayloadSchemaType.Keyword, "procedure", PayloadSchemaType.Keyword,
                    "country", PayloadSchemaType.Keyword, "language", PayloadSchemaType.Keyword,
                    "source", PayloadSchemaType.Text)),
            of("provider_profiles", Map.of(
                    "provider_id", PayloadSchemaType.Keyword, "specialties", PayloadSchemaType.Keyword,
                    "procedures", PayloadSchemaType.Keyword, "certifications", PayloadSchemaType.Keyword,
                    "rating", PayloadSchemaType.Float)),
            of("case_history", Map.of(
                    "case_id", PayloadSchemaType.Keyword, "outcome", PayloadSchemaType.Keyword,
                    "satisfaction", PayloadSchemaType.Integer)));

    private static VectorCollection of(String name, Map<String, PayloadSchemaType> fields) {
        var all = new LinkedHashMap<String, PayloadSchemaType>();
        all.put(TENANT_FIELD, PayloadSchemaType.Keyword);
        all.putAll(new java.util.TreeMap<>(fields));
        return new VectorCollection(name, Map.copyOf(all));
    }
}
