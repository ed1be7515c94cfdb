package io.imsystem.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Evaluates the rendered NetworkPolicies like a cluster would and compares every allowed
 * connection with the flows of DESIGN.md: nothing missing, nothing more.
 */
class NetworkPolicyTest {

    /** A pod that may send or receive: its namespace, labels and listening ports. */
    record Peer(String name, String namespace, Map<String, Object> labels, List<Integer> ports, boolean external,
            Map<String, Object> namespaceLabels) {
        Peer(String name, String namespace, Map<String, Object> labels, List<Integer> ports, boolean external) {
            this(name, namespace, labels, ports, external, Map.of());
        }
    }

    /** The label of the namespace where Prometheus runs (k8s/README.md). */
    static final Map<String, Object> PROMETHEUS_NAMESPACE = Map.of("im-system/prometheus", "true");

    static List<String> overlays() {
        return Rendered.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everythingIsDeniedByDefault(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        boolean denyAll = r.kind("NetworkPolicy").stream().anyMatch(np -> {
            Map<String, Object> spec = Yaml.map(np.get("spec"));
            return Yaml.map(spec.get("podSelector")).isEmpty()
                    && Yaml.strings(spec.get("policyTypes")).containsAll(List.of("Ingress", "Egress"))
                    && Yaml.maps(spec.get("ingress")).isEmpty() && Yaml.maps(spec.get("egress")).isEmpty();
        });
        assertTrue(denyAll, overlay + ": a NetworkPolicy selecting every pod with no ingress and no egress rule is required");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void onlyTheFlowsOfTheDesignAreAllowed(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        String ns = Rendered.name(r.kind("Namespace").get(0));
        List<Peer> peers = new ArrayList<>();
        for (Map<String, Object> w : r.workloads()) {
            List<Integer> ports = Yaml.maps(Rendered.mainContainer(w).get("ports")).stream()
                    .map(p -> ((Number) p.get("containerPort")).intValue()).toList();
            peers.add(new Peer(Rendered.name(w), ns, Yaml.map(Yaml.at(w, "spec", "template", "metadata", "labels")), ports, false));
        }
        Peer ingress = new Peer("ingress-nginx", "ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"), List.of(), false);
        Peer dns = new Peer("kube-dns", "kube-system", Map.of("k8s-app", "kube-dns"), List.of(53), false);
        Peer stranger = new Peer("stranger", "other", Map.of("app", "stranger"), List.of(8080, 3306, 6379), false);
        Peer strangerHere = new Peer("stranger-here", ns, Map.of("app", "stranger"), List.of(8080), false);
        boolean managed = r.find("StatefulSet", "mariadb").isEmpty();
        Peer external = new Peer(managed ? "managed" : "internet", "", Map.of(), List.of(3306, 6379, 443, 80), true);
        Peer prometheus = new Peer("prometheus", "monitoring", Map.of("app.kubernetes.io/name", "prometheus"), List.of(), false,
                PROMETHEUS_NAMESPACE);
        Peer strangerMonitoring = new Peer("stranger-monitoring", "logging", Map.of("app.kubernetes.io/name", "prometheus"), List.of(), false);
        peers.addAll(List.of(ingress, dns, stranger, strangerHere, external, prometheus, strangerMonitoring));

        Set<String> allowed = new TreeSet<>();
        for (Peer from : peers) {
            for (Peer to : peers) {
                for (int port : to.ports()) {
                    // Flows between two outside peers are not ours to judge.
                    boolean ours = from.namespace().equals(ns) || to.namespace().equals(ns);
                    if (from != to && ours && allows(r, ns, from, to, port)) {
                        allowed.add(from.name() + " -> " + to.name() + ":" + port);
                    }
                }
            }
        }

        Set<String> expected = new TreeSet<>();
        expected.add("ingress-nginx -> gateway-service:8080");
        expected.addAll(List.of("gateway-service -> auth-service:8081", "gateway-service -> message-service:8082",
                "gateway-service -> presence-service:8083", "message-service -> auth-service:8081",
                "presence-service -> message-service:8082", "presence-service -> auth-service:8081"));
        String mysql = managed ? "managed:3306" : "mariadb:3306";
        String redis = managed ? "managed:6379" : "redis:6379";
        for (String svc : Repo.SERVICES) {
            expected.add(svc + " -> " + redis);
            // the management port: Prometheus's namespace alone (the gateway reaches no backend's)
            expected.add("prometheus -> " + svc + ":" + Repo.managementPort(svc));
        }
        for (String svc : Repo.DB_SERVICES) {
            expected.add(svc + " -> " + mysql);
        }
        for (Peer p : peers) {
            if (p.namespace().equals(ns)) {
                // DNS from every pod of the namespace, and nothing else leaves it.
                expected.add(p.name() + " -> kube-dns:53");
            }
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(allowed);
        Set<String> unexpected = new TreeSet<>(allowed);
        unexpected.removeAll(expected);
        assertTrue(missing.isEmpty() && unexpected.isEmpty(), overlay + ": NetworkPolicies differ from DESIGN.md\n  denied but needed: "
                + missing + "\n  allowed but not in the design: " + unexpected);
    }

    /** Both sides must allow it: the sender's egress (if it is ours) and the receiver's ingress (if it is ours). */
    private static boolean allows(Rendered r, String ns, Peer from, Peer to, int port) {
        boolean egressOk = !from.namespace().equals(ns) || permitted(r, ns, from, to, port, "Egress");
        boolean ingressOk = !to.namespace().equals(ns) || permitted(r, ns, to, from, port, "Ingress");
        return egressOk && ingressOk;
    }

    /** Whether the policies selecting {@code self} permit traffic with {@code other} in this direction. */
    private static boolean permitted(Rendered r, String ns, Peer self, Peer other, int port, String direction) {
        boolean isolated = false;
        for (Map<String, Object> np : r.kind("NetworkPolicy")) {
            Map<String, Object> spec = Yaml.map(np.get("spec"));
            if (!selects(Yaml.map(spec.get("podSelector")), self.labels())) {
                continue;
            }
            List<String> types = Yaml.strings(spec.get("policyTypes"));
            if (types.isEmpty()) {
                types = spec.containsKey("egress") ? List.of("Ingress", "Egress") : List.of("Ingress");
            }
            if (!types.contains(direction)) {
                continue;
            }
            isolated = true;
            String rulesKey = direction.equals("Ingress") ? "ingress" : "egress";
            String peersKey = direction.equals("Ingress") ? "from" : "to";
            for (Map<String, Object> rule : Yaml.maps(spec.get(rulesKey))) {
                if (portMatches(rule, port) && peerMatches(rule.get(peersKey), ns, other)) {
                    return true;
                }
            }
        }
        return !isolated;
    }

    private static boolean portMatches(Map<String, Object> rule, int port) {
        List<Map<String, Object>> ports = Yaml.maps(rule.get("ports"));
        if (ports.isEmpty()) {
            return true;
        }
        for (Map<String, Object> p : ports) {
            Object value = p.get("port");
            if (value == null) {
                return true;
            }
            if (!(value instanceof Number)) {
                throw new AssertionError("NetworkPolicy ports must be numbers here (named port " + value + ")");
            }
            int from = ((Number) value).intValue();
            int to = p.get("endPort") instanceof Number n ? n.intValue() : from;
            if (port >= from && port <= to) {
                return true;
            }
        }
        return false;
    }

    private static boolean peerMatches(Object peersNode, String ns, Peer other) {
        if (peersNode == null) {
            return true;
        }
        List<Map<String, Object>> list = Yaml.maps(peersNode);
        if (list.isEmpty()) {
            return true;
        }
        for (Map<String, Object> peer : list) {
            if (peer.containsKey("ipBlock")) {
                // An ipBlock stands for addresses outside the cluster's pods here.
                if (other.external()) {
                    return true;
                }
                continue;
            }
            if (other.external()) {
                continue;
            }
            Map<String, Object> namespaceLabels = new java.util.HashMap<>(other.namespaceLabels());
            namespaceLabels.put("kubernetes.io/metadata.name", other.namespace());
            boolean nsOk = peer.containsKey("namespaceSelector")
                    ? selects(Yaml.map(peer.get("namespaceSelector")), namespaceLabels)
                    : other.namespace().equals(ns);
            boolean podOk = !peer.containsKey("podSelector") || selects(Yaml.map(peer.get("podSelector")), other.labels());
            if (nsOk && podOk) {
                return true;
            }
        }
        return false;
    }

    /** A Kubernetes label selector (matchLabels and matchExpressions); an empty one selects everything. */
    static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        for (Map.Entry<String, Object> e : Yaml.map(selector.get("matchLabels")).entrySet()) {
            if (!String.valueOf(e.getValue()).equals(String.valueOf(labels.get(e.getKey())))) {
                return false;
            }
        }
        for (Map<String, Object> expr : Yaml.maps(selector.get("matchExpressions"))) {
            String key = String.valueOf(expr.get("key"));
            List<String> values = Yaml.strings(expr.get("values"));
            boolean has = labels.containsKey(key);
            String value = has ? String.valueOf(labels.get(key)) : null;
            boolean ok = switch (String.valueOf(expr.get("operator"))) {
                case "In" -> has && values.contains(value);
                case "NotIn" -> !has || !values.contains(value);
                case "Exists" -> has;
                case "DoesNotExist" -> !has;
                default -> throw new AssertionError("unknown selector operator " + expr.get("operator"));
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
