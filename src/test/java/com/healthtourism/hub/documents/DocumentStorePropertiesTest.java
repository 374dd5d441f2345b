package com.healthtourism.hub.documents;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The document store's credentials must be given: the hub does not start on a default login. */
class DocumentStorePropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(DocumentStoreProperties.class)
    static class Store {
    }

    private final ApplicationContextRunner hub = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Store.class)
            .withPropertyValues("hub.s3.url=http://127.0.0.1:9000", "hub.s3.bucket=health-tourism");

    @Test
    void withoutCredentialsTheHubDoesNotStart() {
        hub.run(context -> assertThat(context).hasFailed().getFailure()
                .hasStackTraceContaining("hub.s3").hasStackTraceContaining("accessKey"));
        hub.withPropertyValues("hub.s3.access-key=hub", "hub.s3.secret-key= ")
                .run(context -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining("secretKey"));
    }

    @Test
    void withCredentialsItDoes() {
        hub.withPropertyValues("hub.s3.access-key=hub", "hub.s3.secret-key=" + "s".repeat(24))
                .run(context -> assertThat(context).hasNotFailed()
                        .getBean(DocumentStoreProperties.class).extracting(DocumentStoreProperties::accessKey)
                        .isEqualTo("hub"));
    }
}
