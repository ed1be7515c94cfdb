package io.imsystem.deploy;

import static io.imsystem.deploy.Rendered.mainContainer;
import static io.imsystem.deploy.Rendered.name;
import static io.imsystem.deploy.Rendered.podSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Renders every kustomize overlay and checks the deployment promises of issue 8 on the result. */
class KubernetesManifestsTest {

    static List<String> overlays() {
        return Rendered.overlays();
    }

    @Test
    void devAndProdOverlaysExist() {
        assertTrue(overlays().containsAll(List.of("dev", "prod")), "k8s/overlays must hold dev and prod, found " + overlays());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceHasADeploymentAServiceAndAConfigMap(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (String svc : Repo.SERVICES) {
            Map<String, Object> deployment = r.get("Deployment", svc);
            Map<String, Object> service = r.get("Service", svc);
            assertEquals(svc, Yaml.str(service, "spec", "selector", "app.kubernetes.io/name"), overlay + ": Service " + svc + " selector");
            assertEquals(svc, Yaml.str(deployment, "spec", "template", "metadata", "labels", "app.kubernetes.io/name"));
            List<String> configMaps = Yaml.maps(mainContainer(deployment).get("envFrom")).stream()
                    .map(e -> Yaml.str(e, "configMapRef", "name")).toList();
            assertTrue(configMaps.stream().anyMatch(n -> n != null && n.startsWith(svc + "-config")),
                    overlay + ": " + svc + " does not read its own ConfigMap " + svc + "-config (envFrom: " + configMaps + ")");
            configMaps.forEach(cm -> r.get("ConfigMap", cm));
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void namespaceEnforcesTheRestrictedPodSecurityStandard(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<Map<String, Object>> namespaces = r.kind("Namespace");
        assertEquals(1, namespaces.size(), overlay + ": one Namespace expected");
        String ns = name(namespaces.get(0));
        assertEquals("restricted", Yaml.str(namespaces.get(0), "metadata", "labels", "pod-security.kubernetes.io/enforce"));
        for (Map<String, Object> o : r.objects) {
            if (!"Namespace".equals(o.get("kind"))) {
                assertEquals(ns, Yaml.str(o, "metadata", "namespace"), overlay + ": " + o.get("kind") + " " + name(o) + " namespace");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyPodRunsWithRestrictedSecurity(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (Map<String, Object> workload : r.workloads()) {
            String where = overlay + ": " + name(workload);
            Map<String, Object> pod = podSpec(workload);
            assertEquals(Boolean.TRUE, Yaml.at(pod, "securityContext", "runAsNonRoot"), where + " pod runAsNonRoot");
            assertEquals("RuntimeDefault", Yaml.str(pod, "securityContext", "seccompProfile", "type"), where + " seccompProfile");
            Object uid = Yaml.at(pod, "securityContext", "runAsUser");
            assertTrue(uid == null || ((Number) uid).intValue() > 0, where + " runAsUser must not be 0");
            assertNotEquals(Boolean.TRUE, pod.get("hostNetwork"), where + " hostNetwork");
            assertNotEquals(Boolean.TRUE, pod.get("hostPID"), where + " hostPID");
            assertEquals(Boolean.FALSE, pod.get("automountServiceAccountToken"), where + " needs no API token");
            List<Map<String, Object>> containers = new ArrayList<>(Yaml.maps(pod.get("containers")));
            containers.addAll(Yaml.maps(pod.get("initContainers")));
            for (Map<String, Object> c : containers) {
                String cw = where + "/" + c.get("name");
                assertEquals(Boolean.FALSE, Yaml.at(c, "securityContext", "allowPrivilegeEscalation"), cw + " allowPrivilegeEscalation");
                assertEquals(Boolean.TRUE, Yaml.at(c, "securityContext", "readOnlyRootFilesystem"), cw + " readOnlyRootFilesystem");
                assertNotEquals(Boolean.TRUE, Yaml.at(c, "securityContext", "privileged"), cw + " privileged");
                assertEquals(List.of("ALL"), Yaml.strings(Yaml.at(c, "securityContext", "capabilities", "drop")), cw + " capabilities drop");
                assertTrue(Yaml.strings(Yaml.at(c, "securityContext", "capabilities", "add")).isEmpty(), cw + " adds capabilities");
                assertTrue(emptyDirMountPaths(pod, c).contains("/tmp"), cw + " needs a writable emptyDir on /tmp");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void logFilesGoToAnEmptyDir(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (String svc : Repo.SERVICES) {
            Map<String, Object> deployment = r.get("Deployment", svc);
            Map<String, Object> c = mainContainer(deployment);
            Object file = r.environment(c).get("LOG_FILE");
            assertTrue(file instanceof String f && f.startsWith("/"), overlay + ": " + svc + " needs an absolute LOG_FILE (the root filesystem is read-only)");
            String dir = ((String) file).substring(0, ((String) file).lastIndexOf('/'));
            assertTrue(emptyDirMountPaths(podSpec(deployment), c).contains(dir), overlay + ": " + svc + " LOG_FILE dir " + dir + " is not an emptyDir mount");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void probesAndMetricsUseTheManagementPortThatNoServiceExposes(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        Map<String, Integer> ports = Repo.ports();
        for (String svc : Repo.SERVICES) {
            Map<String, Object> deployment = r.get("Deployment", svc);
            Map<String, Object> c = mainContainer(deployment);
            String where = overlay + ": " + svc;
            int management = Repo.managementPort(svc);
            List<Map<String, Object>> containerPorts = Yaml.maps(c.get("ports"));
            assertEquals(2, containerPorts.size(), where + " two container ports: http and management");
            Map<String, Object> http = containerPorts.stream().filter(p -> "http".equals(p.get("name"))).findFirst().orElseThrow();
            Map<String, Object> mgmt = containerPorts.stream().filter(p -> "management".equals(p.get("name"))).findFirst().orElseThrow();
            assertEquals(ports.get(svc), http.get("containerPort"), where + " containerPort http = application.properties port");
            assertEquals(management, mgmt.get("containerPort"), where + " containerPort management = quarkus.management.port");
            assertEquals(String.valueOf(management), r.environment(c).get("MANAGEMENT_PORT"), where + " MANAGEMENT_PORT");
            Map<String, String> expected = Map.of("startupProbe", "/q/health/started", "livenessProbe", "/q/health/live",
                    "readinessProbe", "/q/health/ready");
            expected.forEach((probe, path) -> {
                assertEquals(path, Yaml.str(c, probe, "httpGet", "path"), where + " " + probe + " path");
                String port = Yaml.str(c, probe, "httpGet", "port");
                assertTrue("management".equals(port) || String.valueOf(management).equals(port), where + " " + probe + " on the management port, not " + port);
            });
            Map<String, Object> annotations = Yaml.map(Yaml.at(deployment, "spec", "template", "metadata", "annotations"));
            assertEquals("true", String.valueOf(annotations.get("prometheus.io/scrape")), where + " scraped");
            assertEquals("/q/metrics", String.valueOf(annotations.get("prometheus.io/path")), where + " metrics path");
            assertEquals(String.valueOf(management), String.valueOf(annotations.get("prometheus.io/port")), where + " scraped on the management port");
            for (Map<String, Object> p : Yaml.maps(Yaml.at(r.get("Service", svc), "spec", "ports"))) {
                Object target = p.get("targetPort");
                assertFalse("management".equals(String.valueOf(target)) || String.valueOf(management).equals(String.valueOf(target))
                        || Integer.valueOf(management).equals(p.get("port")), where + ": the Service must not expose the management port");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerHasResourceRequestsAndLimits(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (Map<String, Object> workload : r.workloads()) {
            for (Map<String, Object> c : Yaml.maps(podSpec(workload).get("containers"))) {
                String where = overlay + ": " + name(workload) + "/" + c.get("name");
                for (String kind : List.of("requests", "limits")) {
                    for (String res : List.of("cpu", "memory")) {
                        assertNotNull(Yaml.at(c, "resources", kind, res), where + " resources." + kind + "." + res);
                    }
                }
                assertTrue(bytes(Yaml.str(c, "resources", "requests", "memory")) <= bytes(Yaml.str(c, "resources", "limits", "memory")),
                        where + " memory request above the limit");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void servicesGetTheirSettingsAndSecretsFromTheEnvironment(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        Map<String, Integer> ports = Repo.ports();
        for (String svc : Repo.SERVICES) {
            Map<String, Object> deployment = r.get("Deployment", svc);
            Map<String, Object> c = mainContainer(deployment);
            Map<String, Object> env = r.environment(c);
            String where = overlay + ": " + svc;
            assertEquals(String.valueOf(ports.get(svc)), env.get("SERVER_PORT"), where + " SERVER_PORT");
            for (String name : List.of("REDIS_HOST", "REDIS_PORT", "JWT_ISSUER", "JWT_PUBLIC_KEY", "QUARKUS_SHUTDOWN_TIMEOUT", "LOG_JSON")) {
                assertTrue(env.get(name) instanceof String s && !s.isBlank(), where + " needs " + name);
            }
            assertSecretRef(env, "REDIS_PASSWORD", "im-redis", where);
            assertFileFromSecret(deployment, c, (String) env.get("JWT_PUBLIC_KEY"), "im-jwt", "public.pem", where);
            if (Repo.DB_SERVICES.contains(svc)) {
                for (String name : List.of("DB_HOST", "DB_PORT", "DB_USERNAME", "DB_DATABASE")) {
                    assertTrue(env.get(name) instanceof String s && !s.isBlank(), where + " needs " + name);
                }
                assertSecretRef(env, "DB_PASSWORD", "im-db", where);
            } else {
                assertFalse(env.containsKey("DB_PASSWORD"), where + " owns no database and must not get its password");
            }
            // Service keys: exactly those the service names (its own, its callers'), from im-service-keys.
            Set<String> holds = Repo.serviceKeys(svc);
            for (String key : List.of("SERVICE_KEY_GATEWAY", "SERVICE_KEY_MESSAGE", "SERVICE_KEY_PRESENCE")) {
                if (holds.contains(key)) {
                    assertSecretRef(env, key, "im-service-keys", where);
                    assertEquals(key.substring("SERVICE_KEY_".length()).toLowerCase(java.util.Locale.ROOT),
                            Yaml.str(env.get(key), "secretKeyRef", "key"), where + ": " + key + " secret key");
                } else {
                    assertFalse(env.containsKey(key), where + " must not get " + key + " (it holds " + holds + ")");
                }
            }
            assertFalse(env.containsKey("INTERNAL_SECRET"), where + ": INTERNAL_SECRET is gone");
            assertFalse(env.containsKey("HTTP_TRUSTED_PROXIES"), where + ": no backend believes a forwarded header");
            if (svc.equals("gateway-service")) {
                assertTrue(env.get("GATEWAY_TRUSTED_PROXIES") instanceof String s && !s.isBlank(), where + ": the ingress's range is trusted");
            } else {
                assertFalse(env.containsKey("GATEWAY_TRUSTED_PROXIES"), where + ": only the gateway reads forwarded headers");
            }
            if (svc.equals("auth-service")) {
                assertFileFromSecret(deployment, c, (String) env.get("JWT_PRIVATE_KEY"), "im-jwt", "private.pem", where);
            } else {
                assertFalse(env.containsKey("JWT_PRIVATE_KEY"), where + " must not get the signing key");
                assertFalse(secretKeysMounted(deployment, "im-jwt").contains("private.pem"), where + " mounts the private key");
            }
        }
        assertEquals("im_auth", env(r, "auth-service").get("DB_DATABASE"));
        assertEquals("im_message", env(r, "message-service").get("DB_DATABASE"));
        Map<String, Object> gatewayId = Yaml.map(env(r, "gateway-service").get("IM_GATEWAY_ID"));
        assertEquals("metadata.name", Yaml.str(gatewayId, "fieldRef", "fieldPath"), overlay + ": IM_GATEWAY_ID from the pod name (downward API)");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void serviceUrlsPointAtTheServicesThatExist(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        Map<String, String> urlFor = Map.of("AUTH_URL", "auth-service", "MESSAGE_URL", "message-service", "PRESENCE_URL", "presence-service");
        Map<String, List<String>> needs = Map.of("gateway-service", List.of("AUTH_URL", "MESSAGE_URL", "PRESENCE_URL"),
                "message-service", List.of("AUTH_URL"), "presence-service", List.of("AUTH_URL", "MESSAGE_URL"));
        needs.forEach((svc, vars) -> {
            Map<String, Object> env = env(r, svc);
            for (String var : vars) {
                String target = urlFor.get(var);
                int port = servicePort(r.get("Service", target));
                assertEquals("http://" + target + ":" + port, env.get(var), overlay + ": " + svc + " " + var);
                assertEquals(Repo.port(target), port, overlay + ": Service " + target + " port = the service's own port");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shutdownIsGraceful(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (String svc : Repo.SERVICES) {
            Map<String, Object> deployment = r.get("Deployment", svc);
            Map<String, Object> c = mainContainer(deployment);
            String where = overlay + ": " + svc;
            int preStop = preStopSleepSeconds(c, where);
            assertTrue(preStop >= 5, where + " preStop sleep of at least 5 s so that endpoints drain");
            int shutdown = seconds(String.valueOf(r.environment(c).get("QUARKUS_SHUTDOWN_TIMEOUT")));
            Object grace = podSpec(deployment).get("terminationGracePeriodSeconds");
            assertNotNull(grace, where + " terminationGracePeriodSeconds");
            assertTrue(((Number) grace).intValue() > preStop + shutdown,
                    where + " terminationGracePeriodSeconds " + grace + " must exceed preStop " + preStop + " + shutdown " + shutdown);
            assertEquals("0", String.valueOf(Yaml.at(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable")),
                    where + " rolls out without losing capacity");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void gatewayAndMessageServiceAutoscaleAndHaveADisruptionBudget(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (String svc : List.of("gateway-service", "message-service")) {
            String where = overlay + ": " + svc;
            Map<String, Object> hpa = r.kind("HorizontalPodAutoscaler").stream()
                    .filter(h -> svc.equals(Yaml.str(h, "spec", "scaleTargetRef", "name"))).findFirst()
                    .orElseThrow(() -> new AssertionError(where + " has no HorizontalPodAutoscaler"));
            assertEquals("autoscaling/v2", hpa.get("apiVersion"));
            assertEquals("Deployment", Yaml.str(hpa, "spec", "scaleTargetRef", "kind"));
            int min = ((Number) Yaml.at(hpa, "spec", "minReplicas")).intValue();
            int max = ((Number) Yaml.at(hpa, "spec", "maxReplicas")).intValue();
            assertTrue(min >= 1 && max > min, where + " HPA min " + min + " max " + max);
            assertFalse(Yaml.maps(Yaml.at(hpa, "spec", "metrics")).isEmpty(), where + " HPA metrics");
            Map<String, Object> podLabels = Yaml.map(Yaml.at(r.get("Deployment", svc), "spec", "template", "metadata", "labels"));
            Map<String, Object> pdb = r.kind("PodDisruptionBudget").stream()
                    .filter(p -> NetworkPolicyTest.selects(Yaml.map(Yaml.at(p, "spec", "selector")), podLabels)).findFirst()
                    .orElseThrow(() -> new AssertionError(where + " has no PodDisruptionBudget selecting its pods"));
            assertTrue(Yaml.at(pdb, "spec", "maxUnavailable") != null || Yaml.at(pdb, "spec", "minAvailable") != null, where + " PDB budget");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void ingressRoutesToTheGatewayWithWebSocketTimeouts(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<Map<String, Object>> ingresses = r.kind("Ingress");
        assertEquals(1, ingresses.size(), overlay + ": one Ingress (the gateway is the only public origin)");
        Map<String, Object> ingress = ingresses.get(0);
        for (String a : List.of("proxy-read-timeout", "proxy-send-timeout")) {
            String value = Yaml.str(ingress, "metadata", "annotations", "nginx.ingress.kubernetes.io/" + a);
            assertNotNull(value, overlay + ": Ingress annotation " + a);
            assertTrue(Integer.parseInt(value) >= 3600, overlay + ": " + a + " = " + value + " closes idle WebSockets too early");
        }
        Map<String, Object> gatewaySvc = r.get("Service", "gateway-service");
        List<Map<String, Object>> rules = Yaml.maps(Yaml.at(ingress, "spec", "rules"));
        assertFalse(rules.isEmpty());
        for (Map<String, Object> rule : rules) {
            for (Map<String, Object> path : Yaml.maps(Yaml.at(rule, "http", "paths"))) {
                assertEquals("gateway-service", Yaml.str(path, "backend", "service", "name"), overlay + ": Ingress backend");
                String port = Yaml.str(path, "backend", "service", "port", "name");
                Object number = Yaml.at(path, "backend", "service", "port", "number");
                boolean matches = Yaml.maps(Yaml.at(gatewaySvc, "spec", "ports")).stream()
                        .anyMatch(p -> (port != null && port.equals(p.get("name"))) || (number != null && number.equals(p.get("port"))));
                assertTrue(matches, overlay + ": Ingress backend port is not a port of the gateway Service");
                assertEquals("/", path.get("path"), overlay + ": the Ingress routes the whole origin (REST, /ws, the page)");
            }
        }
        // WebSocket-ready: plain ClusterIP, no affinity (routing is by the route table), targets the container port.
        assertNotEquals("ClientIP", Yaml.str(gatewaySvc, "spec", "sessionAffinity"), overlay + ": gateway Service needs no session affinity");
        assertEquals("http", Yaml.str(Yaml.maps(Yaml.at(gatewaySvc, "spec", "ports")).get(0), "targetPort"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noSecretIsCommittedAndEveryReferencedSecretIsDocumented(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (Map<String, Object> secret : r.kind("Secret")) {
            assertTrue(Yaml.map(secret.get("data")).isEmpty() && Yaml.map(secret.get("stringData")).isEmpty(),
                    overlay + ": Secret " + name(secret) + " is rendered with values; create it with kubectl instead (k8s/README.md)");
        }
        String readme = Repo.read(Repo.path("k8s/README.md"));
        for (String secret : referencedSecrets(r)) {
            assertTrue(Pattern.compile("create secret (generic|tls) " + Pattern.quote(secret) + "\\b").matcher(readme).find(),
                    overlay + ": Secret " + secret + " is referenced but k8s/README.md does not say how to create it");
        }
        assertTrue(referencedSecrets(r).containsAll(Set.of("im-db", "im-redis", "im-jwt", "im-service-keys")), overlay + ": secrets " + referencedSecrets(r));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void imagesAreTheServicesOwn(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (Map<String, Object> workload : r.workloads()) {
            for (Map<String, Object> c : Yaml.maps(podSpec(workload).get("containers"))) {
                String image = String.valueOf(c.get("image"));
                String where = overlay + ": " + name(workload) + " image " + image;
                assertTrue(image.matches(".+:[A-Za-z0-9._-]+$") || image.contains("@sha256:"), where + " needs a tag or digest");
                if (Repo.SERVICES.contains(name(workload))) {
                    assertTrue(image.contains("/" + name(workload) + ":") || image.contains("/" + name(workload) + "@"), where);
                }
                if (overlay.startsWith("prod")) {
                    assertFalse(image.endsWith(":latest"), where + ": prod pins its images");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void datastoresAreInClusterOrManaged(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        boolean inCluster = r.find("StatefulSet", "mariadb").isPresent();
        String dbHost = String.valueOf(env(r, "auth-service").get("DB_HOST"));
        String redisHost = String.valueOf(env(r, "auth-service").get("REDIS_HOST"));
        if (inCluster) {
            for (String store : List.of("mariadb", "redis")) {
                Map<String, Object> sts = r.get("StatefulSet", store);
                assertFalse(Yaml.maps(Yaml.at(sts, "spec", "volumeClaimTemplates")).isEmpty(), overlay + ": " + store + " keeps its data on a volume");
                r.get("Service", store);
            }
            assertEquals("mariadb", dbHost);
            assertEquals("redis", redisHost);
            Map<String, Object> env = r.environment(mainContainer(r.get("StatefulSet", "mariadb")));
            assertSecretRef(env, "MARIADB_PASSWORD", "im-db", overlay + ": mariadb");
            // Redis has a memory cap below its container's limit, and refuses writes at it instead of evicting state.
            Map<String, Object> redis = mainContainer(r.get("StatefulSet", "redis"));
            List<String> args = Yaml.strings(redis.get("args"));
            int cap = args.indexOf("--maxmemory");
            assertTrue(cap >= 0, overlay + ": redis sets --maxmemory " + args);
            assertTrue(bytes(args.get(cap + 1).replace("mb", "Mi")) < bytes(Yaml.str(redis, "resources", "limits", "memory")),
                    overlay + ": maxmemory below the container's memory limit");
            assertEquals("noeviction", args.get(args.indexOf("--maxmemory-policy") + 1), overlay + ": redis policy");
        } else {
            assertTrue(r.find("StatefulSet", "redis").isEmpty(), overlay + ": managed install runs no Redis either");
            assertNotEquals("mariadb", dbHost, overlay + ": DB_HOST must name the managed database");
            assertNotEquals("redis", redisHost, overlay + ": REDIS_HOST must name the managed Redis");
        }
        for (String svc : Repo.SERVICES) {
            assertEquals(dbHost, env(r, svc).get("DB_HOST"), overlay + ": every service sees the same DB_HOST");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void replicasAndLogsFitTheEnvironment(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (String svc : Repo.SERVICES) {
            Map<String, Object> deployment = r.get("Deployment", svc);
            int replicas = ((Number) Yaml.at(deployment, "spec", "replicas")).intValue();
            Map<String, Object> env = env(r, svc);
            String where = overlay + ": " + svc;
            if (overlay.equals("dev")) {
                assertEquals(1, replicas, where + " runs one replica in dev");
            } else if (overlay.startsWith("prod")) {
                assertTrue(replicas >= 2, where + " runs at least two replicas in prod");
                assertEquals("true", env.get("LOG_JSON"), where + " logs JSON in prod");
                assertFalse(String.valueOf(env.get("LOG_LEVEL")).matches("(?i)debug|trace|all"), where + " LOG_LEVEL in prod");
                for (Map.Entry<String, Object> e : env.entrySet()) {
                    String value = String.valueOf(e.getValue());
                    assertFalse(value.contains("localhost") || value.contains("127.0.0.1:") || value.contains("dev-")
                            || value.contains("test-keys"), where + " carries a development setting " + e.getKey() + "=" + value);
                }
                assertFalse(env.containsKey("QUARKUS_PROFILE"), where + " runs the prod profile");
            }
        }
        if (overlay.equals("dev")) {
            for (Map<String, Object> hpa : r.kind("HorizontalPodAutoscaler")) {
                assertEquals(1, ((Number) Yaml.at(hpa, "spec", "minReplicas")).intValue(), overlay + ": HPA " + name(hpa) + " minReplicas");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyReferenceResolves(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (Map<String, Object> w : r.workloads()) {
            String where = overlay + ": " + w.get("kind") + " " + name(w);
            Map<String, Object> podLabels = Yaml.map(Yaml.at(w, "spec", "template", "metadata", "labels"));
            assertTrue(NetworkPolicyTest.selects(Yaml.map(Yaml.at(w, "spec", "selector")), podLabels), where + " selector misses its own pods");
            for (Map<String, Object> v : Yaml.maps(podSpec(w).get("volumes"))) {
                String cm = Yaml.str(v, "configMap", "name");
                if (cm != null) {
                    r.get("ConfigMap", cm);
                }
            }
            for (Map<String, Object> c : Yaml.maps(podSpec(w).get("containers"))) {
                for (Map<String, Object> e : Yaml.maps(c.get("env"))) {
                    String cm = Yaml.str(e, "valueFrom", "configMapKeyRef", "name");
                    if (cm != null) {
                        String key = Yaml.str(e, "valueFrom", "configMapKeyRef", "key");
                        assertTrue(Yaml.map(r.get("ConfigMap", cm).get("data")).containsKey(key), where + ": ConfigMap " + cm + " has no key " + key);
                    }
                }
                Set<String> volumes = new java.util.HashSet<>();
                Yaml.maps(podSpec(w).get("volumes")).forEach(v -> volumes.add(String.valueOf(v.get("name"))));
                Yaml.maps(Yaml.at(w, "spec", "volumeClaimTemplates")).forEach(v -> volumes.add(Yaml.str(v, "metadata", "name")));
                for (Map<String, Object> m : Yaml.maps(c.get("volumeMounts"))) {
                    assertTrue(volumes.contains(String.valueOf(m.get("name"))), where + ": mount of unknown volume " + m.get("name"));
                }
            }
        }
        for (Map<String, Object> svc : r.kind("Service")) {
            Map<String, Object> selector = Yaml.map(Yaml.at(svc, "spec", "selector"));
            List<Map<String, Object>> backends = r.workloads().stream()
                    .filter(w -> NetworkPolicyTest.selects(Map.of("matchLabels", selector),
                            Yaml.map(Yaml.at(w, "spec", "template", "metadata", "labels")))).toList();
            assertEquals(1, backends.size(), overlay + ": Service " + name(svc) + " must select exactly one workload");
            Set<Object> containerPorts = new java.util.HashSet<>();
            for (Map<String, Object> p : Yaml.maps(mainContainer(backends.get(0)).get("ports"))) {
                containerPorts.add(p.get("name"));
                containerPorts.add(p.get("containerPort"));
            }
            for (Map<String, Object> port : Yaml.maps(Yaml.at(svc, "spec", "ports"))) {
                assertTrue(containerPorts.contains(port.get("targetPort")), overlay + ": Service " + name(svc) + " targetPort " + port.get("targetPort"));
            }
        }
        for (Map<String, Object> sts : r.kind("StatefulSet")) {
            String governing = Yaml.str(sts, "spec", "serviceName");
            assertEquals("None", Yaml.str(r.get("Service", governing), "spec", "clusterIP"), overlay + ": " + name(sts) + " needs a headless Service");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static Map<String, Object> env(Rendered r, String svc) {
        return r.environment(mainContainer(r.get("Deployment", svc)));
    }

    private static int servicePort(Map<String, Object> service) {
        return ((Number) Yaml.maps(Yaml.at(service, "spec", "ports")).get(0).get("port")).intValue();
    }

    private static void assertSecretRef(Map<String, Object> env, String var, String secret, String where) {
        Object value = env.get(var);
        assertTrue(value instanceof Map, where + ": " + var + " must come from a secretKeyRef, not a literal");
        assertEquals(secret, Yaml.str(value, "secretKeyRef", "name"), where + ": " + var + " secret");
        assertNotNull(Yaml.str(value, "secretKeyRef", "key"), where + ": " + var + " secret key");
    }

    /** The file at path is a key of the Secret, mounted read-only. */
    private static void assertFileFromSecret(Map<String, Object> workload, Map<String, Object> c, String path, String secret,
            String key, String where) {
        assertNotNull(path, where + ": no file path for " + key);
        for (Map<String, Object> mount : Yaml.maps(c.get("volumeMounts"))) {
            String dir = String.valueOf(mount.get("mountPath"));
            if (path.startsWith(dir + "/")) {
                Map<String, Object> volume = volume(workload, String.valueOf(mount.get("name")));
                assertEquals(secret, Yaml.str(volume, "secret", "secretName"), where + ": " + path + " is not from Secret " + secret);
                assertEquals(Boolean.TRUE, mount.get("readOnly"), where + ": " + dir + " must be mounted read-only");
                List<Map<String, Object>> items = Yaml.maps(Yaml.at(volume, "secret", "items"));
                String file = path.substring(dir.length() + 1);
                assertTrue(items.isEmpty() ? file.equals(key)
                        : items.stream().anyMatch(i -> key.equals(i.get("key")) && file.equals(i.get("path"))), where + ": " + path + " is not " + key);
                return;
            }
        }
        fail(where + ": " + path + " is not on any mounted volume");
    }

    private static Set<String> secretKeysMounted(Map<String, Object> workload, String secret) {
        Set<String> keys = new java.util.HashSet<>();
        for (Map<String, Object> v : Yaml.maps(podSpec(workload).get("volumes"))) {
            if (secret.equals(Yaml.str(v, "secret", "secretName"))) {
                Yaml.maps(Yaml.at(v, "secret", "items")).forEach(i -> keys.add(String.valueOf(i.get("key"))));
            }
        }
        return keys;
    }

    private static Map<String, Object> volume(Map<String, Object> workload, String name) {
        return Yaml.maps(podSpec(workload).get("volumes")).stream().filter(v -> name.equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError(name(workload) + ": no volume " + name));
    }

    private static Set<String> emptyDirMountPaths(Map<String, Object> pod, Map<String, Object> c) {
        Set<String> emptyDirs = new java.util.HashSet<>();
        for (Map<String, Object> v : Yaml.maps(pod.get("volumes"))) {
            if (v.containsKey("emptyDir")) {
                emptyDirs.add(String.valueOf(v.get("name")));
            }
        }
        Set<String> paths = new java.util.HashSet<>();
        for (Map<String, Object> m : Yaml.maps(c.get("volumeMounts"))) {
            if (emptyDirs.contains(String.valueOf(m.get("name")))) {
                paths.add(String.valueOf(m.get("mountPath")));
            }
        }
        return paths;
    }

    private static Set<String> referencedSecrets(Rendered r) {
        Set<String> names = new java.util.TreeSet<>();
        for (Map<String, Object> workload : r.workloads()) {
            Map<String, Object> pod = podSpec(workload);
            for (Map<String, Object> v : Yaml.maps(pod.get("volumes"))) {
                if (Yaml.str(v, "secret", "secretName") != null) {
                    names.add(Yaml.str(v, "secret", "secretName"));
                }
            }
            for (Map<String, Object> c : Yaml.maps(pod.get("containers"))) {
                for (Map<String, Object> e : Yaml.maps(c.get("env"))) {
                    String s = Yaml.str(e, "valueFrom", "secretKeyRef", "name");
                    if (s != null) {
                        names.add(s);
                    }
                }
                for (Map<String, Object> e : Yaml.maps(c.get("envFrom"))) {
                    String s = Yaml.str(e, "secretRef", "name");
                    if (s != null) {
                        names.add(s);
                    }
                }
            }
        }
        return names;
    }

    private static int preStopSleepSeconds(Map<String, Object> c, String where) {
        Object sleep = Yaml.at(c, "lifecycle", "preStop", "sleep", "seconds");
        if (sleep instanceof Number n) {
            return n.intValue();
        }
        List<String> command = Yaml.strings(Yaml.at(c, "lifecycle", "preStop", "exec", "command"));
        Matcher m = Pattern.compile("sleep\\s+(\\d+)").matcher(String.join(" ", command));
        if (m.find()) {
            return Integer.parseInt(m.group(1));
        }
        throw new AssertionError(where + ": no preStop sleep (lifecycle.preStop.sleep or exec sleep)");
    }

    static int seconds(String duration) {
        Matcher m = Pattern.compile("^(\\d+)(ms|s|m|h)?$").matcher(duration.trim().toLowerCase());
        if (!m.matches()) {
            Matcher iso = Pattern.compile("^pt(\\d+)s$").matcher(duration.trim().toLowerCase());
            if (iso.matches()) {
                return Integer.parseInt(iso.group(1));
            }
            throw new AssertionError("unreadable duration " + duration);
        }
        int n = Integer.parseInt(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> (n + 999) / 1000;
            case "m" -> n * 60;
            case "h" -> n * 3600;
            default -> n;
        };
    }

    static long bytes(String quantity) {
        Matcher m = Pattern.compile("^(\\d+)(Ki|Mi|Gi|K|M|G)?$").matcher(quantity);
        if (!m.matches()) {
            throw new AssertionError("unreadable quantity " + quantity);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "K" -> n * 1000;
            case "M" -> n * 1000_000;
            case "G" -> n * 1000_000_000;
            default -> n;
        };
    }
}
