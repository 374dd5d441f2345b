# Multi-stage build of the hub: Maven builds the jar, a JRE runs it with the route and mapping files.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -q -B dependency:go-offline
COPY src src
RUN ./mvnw -q -B package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 hub
WORKDIR /opt/hub
COPY --from=build /build/target/integration-hub-*.jar hub.jar
COPY routes routes
COPY mappings mappings
USER hub
EXPOSE 8080
ENV HUB_ROUTES_DIR=/opt/hub/routes HUB_MAPPINGS_DIR=/opt/hub/mappings MALLOC_ARENA_MAX=2 \
    JAVA_TOOL_OPTIONS="-Xms96m -Xmx384m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m -Xss512k -XX:+UseG1GC"
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s CMD wget -qO- http://127.0.0.1:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "-jar", "/opt/hub/hub.jar"]
