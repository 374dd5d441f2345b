package com.healthtourism.hub.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventMappingsTest {

    @TempDir
    Path mappings;

    @Test
    void cachedMappingsAreRememberedOnceFoundAndMissingOnesLookedForAgain() throws IOException {
        var found = new EventMappings(mappings.toString(), true);
        assertThat(found.resourceUri("stripe", "charge.refunded")).isNull();

        var file = write("stripe", "charge.refunded");
        // a mapping added later applies to the next message
        assertThat(found.resourceUri("stripe", "charge.refunded")).isEqualTo("file:" + file);

        Files.delete(file);
        // remembered for a while: the relay does not look at the disk for every row
        assertThat(found.resourceUri("stripe", "charge.refunded")).isEqualTo("file:" + file);
    }

    @Test
    void aRemovedMappingIsMissingOnceItsTimeIsOver() throws IOException, InterruptedException {
        var found = new EventMappings(mappings.toString(), true, Duration.ofMillis(200));
        var file = write("stripe", "charge.refunded");
        assertThat(found.resourceUri("stripe", "charge.refunded")).isEqualTo("file:" + file);

        Files.delete(file);
        Thread.sleep(400);
        assertThat(found.resourceUri("stripe", "charge.refunded")).isNull();
    }

    @Test
    void withoutTheCacheEveryLookReadsTheDirectory() throws IOException {
        var local = new EventMappings(mappings.toString(), false);
        var file = write("stripe", "charge.refunded");
        assertThat(local.resourceUri("stripe", "charge.refunded")).isEqualTo("file:" + file);

        Files.delete(file);
        assertThat(local.resourceUri("stripe", "charge.refunded")).isNull();
    }

    @Test
    void namesThatCouldLeaveTheDirectoryHaveNoMappingCachedOrNot() throws IOException {
        write("stripe", "charge.refunded");
        for (var cache : new boolean[] {true, false}) {
            var lookup = new EventMappings(mappings.resolve("stripe").toString(), cache);
            assertThat(lookup.resourceUri("..", "charge.refunded")).isNull();
            assertThat(lookup.resourceUri("stripe", "../stripe/charge.refunded")).isNull();
            assertThat(lookup.resourceUri(null, "charge.refunded")).isNull();
        }
    }

    private Path write(String source, String eventType) throws IOException {
        var file = mappings.resolve(source).resolve(eventType + ".jsonata");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{ \"type\": \"payment.refunded\", \"subject\": id }");
        return file;
    }
}
