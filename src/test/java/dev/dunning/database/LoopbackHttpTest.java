package dev.dunning.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** With the embedded default the HTTP port listens on the loopback interface, unless server.address says otherwise. */
class LoopbackHttpTest {

    @Test
    void theEmbeddedDefaultListensOnLoopbackUnlessServerAddressIsSet() throws Exception {
        TomcatServletWebServerFactory unset = new TomcatServletWebServerFactory();
        new EmbeddedDatabaseConfiguration().loopbackHttpUnlessAddressSet(new StandardEnvironment()).customize(unset);
        assertThat(unset.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());

        StandardEnvironment everywhere = new StandardEnvironment();
        everywhere.getPropertySources().addFirst(new MapPropertySource("args", Map.of("server.address", "0.0.0.0")));
        TomcatServletWebServerFactory set = new TomcatServletWebServerFactory();
        set.setAddress(InetAddress.getByName("0.0.0.0")); // as Spring Boot's own customizer does from server.address
        new EmbeddedDatabaseConfiguration().loopbackHttpUnlessAddressSet(everywhere).customize(set);
        assertThat(set.getAddress().getHostAddress()).isEqualTo("0.0.0.0");
    }
}
