package com.healthtourism.hub.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.qdrant.client.ConditionFactory;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.MinShould;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.ScoredPoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.component.qdrant.QdrantAction;
import org.apache.camel.component.qdrant.QdrantComponent;
import org.apache.camel.component.qdrant.QdrantHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;

import com.healthtourism.hub.local.InProcessQdrantServer;

/**
 * The hub's Qdrant code, through the official client, against the in-process Qdrant-protocol server
 * (no Qdrant server can run on the build machine).
 */
class QdrantAdapterTest {

    private static EmbeddingModel miniLm;

    private InProcessQdrantServer server;
    private QdrantClient client;

    @BeforeAll
    static void loadModel() {
        miniLm = new AllMiniLmL6V2EmbeddingModel();
    }

    @BeforeEach
    void startServer() {
        server = new InProcessQdrantServer().start();
        client = new QdrantClient(QdrantGrpcClient.newBuilder("127.0.0.1", server.port(), false).build());
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.close();
    }

    @Test
    void collectionsAreSizedForMiniLmAndIndexEveryKeywordFieldWithTheTenant() throws Exception {
        new VectorCollections(client, miniLm).ensure();

        for (var name : List.of("medical_knowledge", "provider_profiles", "case_history")) {
            var info = client.getCollectionInfoAsync(name).get(5, TimeUnit.SECONDS);
            assertThat(info.getConfig().getParams().getVectorsConfig().getParams().getSize()).as(name).isEqualTo(384);
            assertThat(info.getPayloadSchemaMap().get("tenant_id").getDataType()).as(name).isEqualTo(PayloadSchemaType.Keyword);
        }
        assertThat(server.collection("medical_knowledge").indexes()).containsEntry("specialty", PayloadSchemaType.Keyword)
                .containsEntry("procedure", PayloadSchemaType.Keyword).containsEntry("country", PayloadSchemaType.Keyword)
                .containsEntry("language", PayloadSchemaType.Keyword).containsEntry("source", PayloadSchemaType.Text);
        assertThat(server.collection("provider_profiles").indexes()).containsEntry("provider_id", PayloadSchemaType.Keyword)
                .containsEntry("specialties", PayloadSchemaType.Keyword).containsEntry("procedures", PayloadSchemaType.Keyword)
                .containsEntry("certifications", PayloadSchemaType.Keyword).containsEntry("rating", PayloadSchemaType.Float);
        assertThat(server.collection("case_history").indexes()).containsEntry("case_id", PayloadSchemaType.Keyword)
                .containsEntry("outcome", PayloadSchemaType.Keyword).containsEntry("satisfaction", PayloadSchemaType.Integer);
    }

    @Test
    void aLargerModelGetsCollectionsOfItsSize() throws Exception {
        new VectorCollections(client, new FixedDimensionModel(1536)).ensure();

        assertThat(server.collection("case_history").vectorSize()).isEqualTo(1536);
    }

    @Test
    void ensuringTwiceChangesNothing() throws Exception {
        var collections = new VectorCollections(client, miniLm);
        collections.ensure();
        var indexes = server.collection("provider_profiles").indexes();

        collections.ensure();

        assertThat(server.collection("provider_profiles").indexes()).isEqualTo(indexes);
        assertThat(client.listCollectionsAsync().get(5, TimeUnit.SECONDS)).hasSize(3);
    }

    @Test
    void healthIsUpOnlyWhenEveryCollectionExists() throws Exception {
        var collections = new VectorCollections(client, miniLm);
        var health = new QdrantHealthIndicator(client, collections);
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);

        collections.ensure();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

        server.close();
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void healthIsDownWhenACollectionHasAnotherVectorSize() throws Exception {
        new VectorCollections(client, new FixedDimensionModel(1536)).ensure();

        var health = new QdrantHealthIndicator(client, new VectorCollections(client, miniLm)).health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("otherVectorSize")).asList().hasSize(3);
    }

    @Test
    void searchNeverReturnsAnotherTenantsVectors() throws Exception {
        new VectorCollections(client, miniLm).ensure();
        var tenantA = UUID.randomUUID();
        var tenantB = UUID.randomUUID();
        upsert(tenantA, "dental implants in Istanbul");
        upsert(tenantB, "dental implants in Istanbul");
        upsert(tenantB, "hair transplant in Antalya");

        var query = miniLm.embed("dental implant clinic").content().vectorAsList();
        List<ScoredPoint> found = new VectorSearch(client).search(tenantA, "case_history", query, null, 10);

        assertThat(found).hasSize(1);
        assertThat(found.get(0).getPayloadMap().get("tenant_id").getStringValue()).isEqualTo(tenantA.toString());
    }

    @Test
    void aCallersFilterAppliesWhole() throws Exception {
        new VectorCollections(client, miniLm).ensure();
        var tenant = UUID.randomUUID();
        upsert(tenant, "dental implants in Istanbul", Map.of("procedure", "dental", "language", "en"));
        upsert(tenant, "dental veneers in Izmir", Map.of("procedure", "dental", "language", "tr"));
        var bothOf = Filter.newBuilder().setMinShould(MinShould.newBuilder()
                .addConditions(ConditionFactory.matchKeyword("procedure", "dental"))
                .addConditions(ConditionFactory.matchKeyword("language", "en"))
                .setMinCount(2)).build();

        var query = miniLm.embed("dental clinic").content().vectorAsList();
        List<ScoredPoint> found = new VectorSearch(client).search(tenant, "case_history", query, bothOf, 10);

        assertThat(found).hasSize(1);
        assertThat(found.get(0).getPayloadMap().get("language").getStringValue()).isEqualTo("en");
    }

    @Test
    void camelsQdrantComponentSearchesWithTheTenantFilter() throws Exception {
        new VectorCollections(client, miniLm).ensure();
        var tenantA = UUID.randomUUID();
        var tenantB = UUID.randomUUID();
        upsert(tenantA, "knee replacement recovery");
        upsert(tenantB, "knee replacement recovery");

        try (var camel = new DefaultCamelContext()) {
            camel.getComponent("qdrant", QdrantComponent.class).getConfiguration().setClient(client);
            camel.getRegistry().bind("tenantFilter", VectorSearch.tenantFilter(tenantA));
            camel.start();
            List<?> result = camel.createProducerTemplate().requestBodyAndHeaders(
                    "qdrant:case_history?maxResults=5&filter=#tenantFilter",
                    miniLm.embed("knee surgery").content().vectorAsList(),
                    Map.of(QdrantHeaders.ACTION, QdrantAction.SIMILARITY_SEARCH),
                    List.class);
            assertThat(result).hasSize(1).allSatisfy(point -> assertThat(((ScoredPoint) point).getPayloadMap()
                    .get("tenant_id").getStringValue()).isEqualTo(tenantA.toString()));
        }
    }

    private void upsert(UUID tenant, String text) throws Exception {
        upsert(tenant, text, Map.of());
    }

    private void upsert(UUID tenant, String text, Map<String, String> fields) throws Exception {
        var vector = miniLm.embed(text).content().vectorAsList();
        var point = PointStruct.newBuilder()
                .setId(PointIdFactory.id(UUID.randomUUID()))
                .setVectors(VectorsFactory.vectors(vector))
                .putPayload("tenant_id", ValueFactory.value(tenant.toString()))
                .putPayload("case_id", ValueFactory.value(UUID.randomUUID().toString()));
        fields.forEach((name, value) -> point.putPayload(name, ValueFactory.value(value)));
        client.upsertAsync("case_history", List.of(point.build())).get(5, TimeUnit.SECONDS);
    }

    /** A stand-in model of a given dimension (like OpenAI's 1536), to size collections without a network. */
    private record FixedDimensionModel(int dimension) implements EmbeddingModel {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            return Response.from(segments.stream().map(s -> new Embedding(new float[dimension])).toList());
        }
    }
}
