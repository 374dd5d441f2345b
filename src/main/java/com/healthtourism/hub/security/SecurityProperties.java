package com.healthtourism.hub.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The admin and ops logins. A blank password is generated at start-up and shown once on the console. */
@ConfigurationProperties("hub.security")
public record SecurityProperties(String adminUser, String adminPassword, String opsUser, String opsPassword) {
}
