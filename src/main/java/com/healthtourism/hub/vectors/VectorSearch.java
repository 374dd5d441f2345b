package com.healthtourism.hub.vectors;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.qdrant.client.ConditionFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.SearchPoints;
import org.springframework.stereotype.Component;

/** Similarity search that always filters on the tenant: no query can reach another tenant's vectors. */
@Component
public class VectorSearch {

    private final QdrantClient qdrant;

    public VectorSearch(QdrantClient qdrant) {
        this.qdrant = qdrant;
    }

    public List<ScoredPoint> search(UUID tenantId, String collection, List<Float> vector, Filter extra, int limit)
            throws Exception {
        var filter = Filter.newBuilder()
                .addMust(ConditionFactory.matchKeyword(VectorCollection.TENANT_FIELD, tenantId.toString()));
        if (extra != null) {
            // the caller's whole filter as one condition beside the tenant's: must, should, must_not and min_should
            filter.addMust(ConditionFactory.filter(extra));
        }
        return qdrant.searchAsync(SearchPoints.newBuilder()
                        .setCollectionName(collection)
                        .addAllVector(vector)
                        .setFilter(filter)
                        .setLimit(limit)
                        .setWithPayload(WithPayloadSelectorFactory.enable(true))
                        .build())
                .get(10, TimeUnit.SECONDS);
    }

    public static Filter tenantFilter(UUID tenantId) {
        return Filter.newBuilder()
                .addMust(ConditionFactory.matchKeyword(VectorCollection.TENANT_FIELD, tenantId.toString())).build();
    }
}
