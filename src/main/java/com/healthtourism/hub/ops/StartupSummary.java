package com.healthtourism.hub.ops;

import java.io.PrintStream;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.security.HubUsers;

/**
 * Prints once, when the hub is ready, where everything is. A generated password is printed here,
 * on the console of whoever started the hub, and never goes to the log.
 */
@Component
public class StartupSummary {

    private final HubUsers users;
    private final String publicUrl;
    private final boolean developmentKeys;
    private final PrintStream console;

    public StartupSummary(HubUsers users, @Value("${hub.public-url}") String publicUrl,
                          @Value("${hub.crypto.development-keys:false}") boolean developmentKeys) {
        this.users = users;
        this.publicUrl = publicUrl;
        this.developmentKeys = developmentKeys;
        this.console = System.out;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void print() {
        console.println(render());
    }

    String render() {
        return """

                ---------------------------------------------------------------
                 Health-tourism integration hub is ready
                   API          %1$s/admin/tenants   webhooks: %1$s/webhooks/{tenant}/{source}
                   Hawtio       %1$s/actuator/hawtio
                   Health       %1$s/actuator/health
                   Prometheus   %1$s/actuator/prometheus
                   admin login  %2$s
                   ops login    %3$s
                   keys         %4$s
                ---------------------------------------------------------------
                """.formatted(publicUrl, describe(users.admin()), describe(users.ops()), describeKeys());
    }

    private String describeKeys() {
        return developmentKeys
                ? "DEVELOPMENT encryption keyset and email hash key (public in the repository: never for real data)"
                : "configured encryption keyset and email hash key";
    }

    private static String describe(HubUsers.Login login) {
        return login.generated()
                ? login.user() + " / " + login.password() + "   (generated: set the password variable to choose one)"
                : login.user() + " / (the configured password)";
    }
}
