package com.healthtourism.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** No Docker engine runs here, so the compose stack is checked for what can be checked without one. */
class ComposeStackTest {

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> compose() throws IOException {
        return new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
    }

    /** The environment names the hub reads: those its configuration references. */
    static Set<String> namesTheHubReads() throws IOException {
        var names = new TreeSet<String>();
        var matcher = ENV_REFERENCE.matcher(Files.readString(Path.of("src/main/resources/application.yml")));
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeRunsTheWholeStack() throws IOException {
        var services = (Map<String, Map<String, Object>>) compose().get("services");
        assertThat(services).containsOnlyKeys("postgres", "redis", "kafka", "minio", "qdrant", "hub");
        assertThat((String) services.get("postgres").get("image")).startsWith("postgres:15");
        assertThat((String) services.get("redis").get("image")).startsWith("redis:7");
        assertThat(((Map<String, Object>) services.get("kafka").get("environment")).get("KAFKA_PROCESS_ROLES"))
                .isEqualTo("broker,controller");
        assertThat((String) services.get("minio").get("image")).startsWith("minio/minio");
        assertThat((String) services.get("qdrant").get("image")).startsWith("qdrant/qdrant");
        assertThat(services.get("hub").get("build")).isEqualTo(".");
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("AS build").contains("COPY --from=build");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyNameComposeGivesTheHubIsOneTheHubReads() throws IOException {
        var hub = (Map<String, Object>) ((Map<String, Object>) compose().get("services")).get("hub");
        var given = ((Map<String, Object>) hub.get("environment")).keySet();
        assertThat(given).isNotEmpty();
        assertThat(namesTheHubReads()).containsAll(given);
    }

    @Test
    void theReadmeDocumentsEveryNameTheHubReads() throws IOException {
        var readme = Files.readString(Path.of("README.md"));
        assertThat(namesTheHubReads()).allSatisfy(name -> assertThat(readme).contains("`" + name + "`"));
    }
}
