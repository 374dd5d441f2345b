package com.healthtourism.hub.security;

import java.security.SecureRandom;
import java.util.Base64;

import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.stereotype.Component;

/**
 * The two operator logins: admin (roles ADMIN and OPS) and ops (role OPS). Passwords come from
 * HUB_ADMIN_PASSWORD / HUB_OPS_PASSWORD; a missing one is generated and only its holder sees it.
 */
@Component
public class HubUsers {

    public static final String ADMIN = "ADMIN";
    public static final String OPS = "OPS";

    private final Login admin;
    private final Login ops;

    public HubUsers(SecurityProperties properties) {
        this.admin = Login.of(properties.adminUser(), properties.adminPassword());
        this.ops = Login.of(properties.opsUser(), properties.opsPassword());
    }

    public Login admin() {
        return admin;
    }

    public Login ops() {
        return ops;
    }

    InMemoryUserDetailsManager userDetails() {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        UserDetails adminUser = User.withUsername(admin.user()).password(encoder.encode(admin.password()))
                .roles(ADMIN, OPS).build();
        UserDetails opsUser = User.withUsername(ops.user()).password(encoder.encode(ops.password()))
                .roles(OPS).build();
        return new InMemoryUserDetailsManager(adminUser, opsUser);
    }

    /** A login; {@code generated} tells whether the password was made up at start-up. */
    public record Login(String user, String password, boolean generated) {

        static Login of(String user, String password) {
            if (password != null && !password.isBlank()) {
                return new Login(user, password, false);
            }
            var bytes = new byte[18];
            new SecureRandom().nextBytes(bytes);
            return new Login(user, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), true);
        }

        @Override
        public String toString() {
            return "Login[user=" + user + ", password=***]";
        }
    }
}
