package com.healthtourism.hub.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.CollectionsGrpc;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.JsonWithInt;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.PointsGrpc;
import io.qdrant.client.grpc.QdrantGrpc;
import io.qdrant.client.grpc.QdrantOuterClass;

/**
 * A Qdrant-protocol gRPC server in the JVM, built on the Qdrant client jar's own service stubs,
 * with an in-memory store. It answers what the hub uses: health, collections (create, exists, get,
 * list, delete), payload indexes, and points (upsert, get, delete, filtered cosine search).
 * Anything else answers UNIMPLEMENTED, as a real server would for an unknown call.
 */
public final class InProcessQdrantServer implements AutoCloseable {

    private final Map<String, StoredCollection> collections = new ConcurrentHashMap<>();
    private Server server;

    public synchronized InProcessQdrantServer start() {
        if (server == null) {
            try {
                server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                        .addService(new Health())
                        .addService(new CollectionsService())
                        .addService(new PointsService())
                        .build()
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the in-process Qdrant server", e);
            }
        }
        return this;
    }

    public int port() {
        return server.getPort();
    }

    /** What the server holds for a collection, for tests that look inside. */
    public StoredCollection collection(String name) {
        return collections.get(name);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    public static final class StoredCollection {
        final Collections.VectorParams params;
        final Map<String, Collections.PayloadSchemaType> indexes = new ConcurrentHashMap<>();
        final Map<String, Points.PointStruct> points = new ConcurrentHashMap<>();

        StoredCollection(Collections.VectorParams params) {
            this.params = params;
        }

        public long vectorSize() {
            return params.getSize();
        }

        public Map<String, Collections.PayloadSchemaType> indexes() {
            return Map.copyOf(indexes);
        }

        public int pointCount() {
            return points.size();
        }
    }

    private static <T> void answer(StreamObserver<T> observer, T reply) {
        observer.onNext(reply);
        observer.onCompleted();
    }

    private <T> void withCollection(String name, StreamObserver<T> observer, Consumer<StoredCollection> work) {
        var collection = collections.get(name);
        if (collection == null) {
            observer.onError(Status.NOT_FOUND.withDescription("Collection `" + name + "` doesn't exist!").asRuntimeException());
            return;
        }
        work.accept(collection);
    }

    private final class Health extends QdrantGrpc.QdrantImplBase {
        @Override
        public void healthCheck(QdrantOuterClass.HealthCheckRequest request,
                                StreamObserver<QdrantOuterClass.HealthCheckReply> observer) {
            answer(observer, QdrantOuterClass.HealthCheckReply.newBuilder().setTitle("in-process qdrant").setVersion("1.16.2").build());
        }
    }

    private final class CollectionsService extends CollectionsGrpc.CollectionsImplBase {

        private Collections.CollectionOperationResponse ok(boolean result) {
            return Collections.CollectionOperationResponse.newBuilder().setResult(result).build();
        }

        @Override
        public void create(Collections.CreateCollection request, StreamObserver<Collections.CollectionOperationResponse> observer) {
            if (!request.getVectorsConfig().hasParams()) {
                observer.onError(Status.INVALID_ARGUMENT.withDescription("only single unnamed vectors are supported").asRuntimeException());
                return;
            }
            var created = collections.putIfAbsent(request.getCollectionName(),
                    new StoredCollection(request.getVectorsConfig().getParams())) == null;
            if (!created) {
                observer.onError(Status.ALREADY_EXISTS.withDescription(
                        "Collection `" + request.getCollectionName() + "` already exists!").asRuntimeException());
                return;
            }
            answer(observer, ok(true));
        }

        @Override
        public void delete(Collections.DeleteCollection request, StreamObserver<Collections.CollectionOperationResponse> observer) {
            answer(observer, ok(collections.remove(request.getCollectionName()) != null));
        }

        @Override
        public void collectionExists(Collections.CollectionExistsRequest request,
                                     StreamObserver<Collections.CollectionExistsResponse> observer) {
            answer(observer, Collections.CollectionExistsResponse.newBuilder()
                    .setResult(Collections.CollectionExists.newBuilder()
                            .setExists(collections.containsKey(request.getCollectionName())))
                    .build());
        }

        @Override
        public void list(Collections.ListCollectionsRequest request, StreamObserver<Collections.ListCollectionsResponse> observer) {
            var reply = Collections.ListCollectionsResponse.newBuilder();
            collections.keySet().stream().sorted().forEach(name ->
                    reply.addCollections(Collections.CollectionDescription.newBuilder().setName(name)));
            answer(observer, reply.build());
        }

        @Override
        public void get(Collections.GetCollectionInfoRequest request, StreamObserver<Collections.GetCollectionInfoResponse> observer) {
            withCollection(request.getCollectionName(), observer, collection -> {
                var info = Collections.CollectionInfo.newBuilder()
                        .setStatus(Collections.CollectionStatus.Green)
                        .setPointsCount(collection.points.size())
                        .setSegmentsCount(1)
                        .setConfig(Collections.CollectionConfig.newBuilder()
                                .setParams(Collections.CollectionParams.newBuilder()
                                        .setVectorsConfig(Collections.VectorsConfig.newBuilder().setParams(collection.params))));
                collection.indexes.forEach((field, type) -> info.putPayloadSchema(field,
                        Collections.PayloadSchemaInfo.newBuilder().setDataType(type).build()));
                answer(observer, Collections.GetCollectionInfoResponse.newBuilder().setResult(info).build());
            });
        }
    }

    private final class PointsService extends PointsGrpc.PointsImplBase {

        private Points.PointsOperationResponse done() {
            return Points.PointsOperationResponse.newBuilder()
                    .setResult(Points.UpdateResult.newBuilder().setStatus(Points.UpdateStatus.Completed)).build();
        }

        @Override
        public void createFieldIndex(Points.CreateFieldIndexCollection request, StreamObserver<Points.PointsOperationResponse> observer) {
            withCollection(request.getCollectionName(), observer, collection -> {
                collection.indexes.put(request.getFieldName(),
                        Collections.PayloadSchemaType.valueOf(request.getFieldType().name().replace("FieldType", "")));
                answer(observer, done());
            });
        }

        @Override
        public void upsert(Points.UpsertPoints request, StreamObserver<Points.PointsOperationResponse> observer) {
            withCollection(request.getCollectionName(), observer, collection -> {
                for (var point : request.getPointsList()) {
                    var size = vector(point).size();
                    if (size != collection.params.getSize()) {
                        observer.onError(Status.INVALID_ARGUMENT.withDescription("Wrong input: Vector dimension error: expected dim: "
                                + collection.params.getSize() + ", got " + size).asRuntimeException());
                        return;
                    }
                }
                request.getPointsList().forEach(point -> collection.points.put(key(point.getId()), point));
                answer(observer, done());
            });
        }

        @Override
        public void delete(Points.DeletePoints request, StreamObserver<Points.PointsOperationResponse> observer) {
            withCollection(request.getCollectionName(), observer, collection -> {
                var selector = request.getPoints();
                if (selector.hasPoints()) {
                    selector.getPoints().getIdsList().forEach(id -> collection.points.remove(key(id)));
                } else {
                    collection.points.values().removeIf(point -> matches(selector.getFilter(), point.getPayloadMap()));
                }
                answer(observer, done());
            });
        }

        @Override
        public void get(Points.GetPoints request, StreamObserver<Points.GetResponse> observer) {
            withCollection(request.getCollectionName(), observer, collection -> {
                var reply = Points.GetResponse.newBuilder();
                for (var id : request.getIdsList()) {
                    var point = collection.points.get(key(id));
                    if (point != null) {
                        reply.addResult(Points.RetrievedPoint.newBuilder().setId(point.getId())
                                .putAllPayload(request.getWithPayload().getEnable() ? point.getPayloadMap() : Map.of()));
                    }
                }
                answer(observer, reply.build());
            });
        }

        @Override
        public void search(Points.SearchPoints request, StreamObserver<Points.SearchResponse> observer) {
            withCollection(request.getCollectionName(), observer, collection -> answer(observer,
                    Points.SearchResponse.newBuilder().addAllResult(nearest(collection, request.getVectorList(),
                            request.hasFilter() ? request.getFilter() : null,
                            request.hasScoreThreshold() ? request.getScoreThreshold() : null,
                            request.getLimit(), request.getWithPayload().getEnable())).build()));
        }

        @Override
        public void query(Points.QueryPoints request, StreamObserver<Points.QueryResponse> observer) {
            if (!request.getQuery().hasNearest() || !request.getQuery().getNearest().hasDense()) {
                observer.onError(Status.UNIMPLEMENTED.withDescription("only nearest-to-a-dense-vector queries").asRuntimeException());
                return;
            }
            withCollection(request.getCollectionName(), observer, collection -> answer(observer,
                    Points.QueryResponse.newBuilder().addAllResult(nearest(collection,
                            request.getQuery().getNearest().getDense().getDataList(),
                            request.hasFilter() ? request.getFilter() : null,
                            request.hasScoreThreshold() ? request.getScoreThreshold() : null,
                            request.hasLimit() ? request.getLimit() : 0, request.getWithPayload().getEnable())).build()));
        }
    }

    /** Cosine nearest neighbours of {@code query} among the points that pass {@code filter}, best first. */
    private static List<Points.ScoredPoint> nearest(StoredCollection collection, List<Float> query, Common.Filter filter,
                                                    Float threshold, long limit, boolean withPayload) {
        var scored = new ArrayList<Points.ScoredPoint>();
        for (var point : collection.points.values()) {
            if (filter != null && !matches(filter, point.getPayloadMap())) {
                continue;
            }
            var score = cosine(query, vector(point));
            if (threshold != null && score < threshold) {
                continue;
            }
            scored.add(Points.ScoredPoint.newBuilder().setId(point.getId()).setScore(score)
                    .putAllPayload(withPayload ? point.getPayloadMap() : Map.of()).build());
        }
        scored.sort(Comparator.comparingDouble(Points.ScoredPoint::getScore).reversed());
        var max = limit == 0 ? 10 : (int) limit;
        return List.copyOf(scored.subList(0, Math.min(max, scored.size())));
    }

    private static String key(Common.PointId id) {
        return id.hasUuid() ? id.getUuid() : Long.toString(id.getNum());
    }

    private static List<Float> vector(Points.PointStruct point) {
        var vectors = point.getVectors();
        if (vectors.getVector().hasDense()) {
            return vectors.getVector().getDense().getDataList();
        }
        return vectors.getVector().getDataList();
    }

    private static float cosine(List<Float> a, List<Float> b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            dot += a.get(i) * b.get(i);
            normA += a.get(i) * a.get(i);
            normB += b.get(i) * b.get(i);
        }
        return normA == 0 || normB == 0 ? 0 : (float) (dot / (Math.sqrt(normA) * Math.sqrt(normB)));
    }

    /** Qdrant's filter semantics for the conditions the hub uses: field match on keyword, integer or boolean. */
    static boolean matches(Common.Filter filter, Map<String, JsonWithInt.Value> payload) {
        for (var condition : filter.getMustList()) {
            if (!matches(condition, payload)) {
                return false;
            }
        }
        for (var condition : filter.getMustNotList()) {
            if (matches(condition, payload)) {
                return false;
            }
        }
        if (filter.hasMinShould() && filter.getMinShould().getConditionsList().stream()
                .filter(c -> matches(c, payload)).count() < filter.getMinShould().getMinCount()) {
            return false;
        }
        return filter.getShouldCount() == 0 || filter.getShouldList().stream().anyMatch(c -> matches(c, payload));
    }

    private static boolean matches(Common.Condition condition, Map<String, JsonWithInt.Value> payload) {
        if (condition.hasFilter()) {
            return matches(condition.getFilter(), payload);
        }
        if (!condition.hasField()) {
            throw Status.UNIMPLEMENTED.withDescription("only field and nested filter conditions are supported").asRuntimeException();
        }
        var field = condition.getField();
        var value = payload.get(field.getKey());
        if (value == null || !field.hasMatch()) {
            return false;
        }
        var values = value.hasListValue() ? value.getListValue().getValuesList() : List.of(value);
        var match = field.getMatch();
        return values.stream().anyMatch(v -> switch (match.getMatchValueCase()) {
            case KEYWORD -> v.hasStringValue() && v.getStringValue().equals(match.getKeyword());
            case INTEGER -> v.hasIntegerValue() && v.getIntegerValue() == match.getInteger();
            case BOOLEAN -> v.hasBoolValue() && v.getBoolValue() == match.getBoolean();
            case KEYWORDS -> v.hasStringValue() && match.getKeywords().getStringsList().contains(v.getStringValue());
            default -> throw Status.UNIMPLEMENTED.withDescription("match " + match.getMatchValueCase()).asRuntimeException();
        });
    }
}
