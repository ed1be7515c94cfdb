package io.imsystem.gateway.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.jboss.logging.Logger;

/** This gateway's id: configured (IM_GATEWAY_ID, e.g. the pod name) or generated once per process. */
@ApplicationScoped
public class GatewayIdentity {

    private static final Logger LOG = Logger.getLogger(GatewayIdentity.class);
    private final String id;

    public GatewayIdentity(GatewayConfig config) {
        this.id = config.id().filter(s -> !s.isBlank())
                .orElseGet(() -> "gw-" + UUID.randomUUID().toString().substring(0, 8));
        LOG.infof("gateway id %s", id);
    }

    public String id() {
        return id;
    }
}
