package io.imsystem.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** One overlay rendered by {@code kubectl kustomize}, with look-ups on the rendered objects. */
final class Rendered {

    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    final String overlay;
    final List<Map<String, Object>> objects;

    private Rendered(String overlay, List<Map<String, Object>> objects) {
        this.overlay = overlay;
        this.objects = objects;
    }

    /** The overlays under k8s/overlays, each a directory with a kustomization.yaml. */
    static List<String> overlays() {
        try (Stream<Path> dirs = Files.list(Repo.path("k8s/overlays"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("k8s/overlays cannot be listed", e);
        }
    }

    static Rendered overlay(String name) {
        return CACHE.computeIfAbsent(name, n -> new Rendered(n, Yaml.loadAll(kustomize(Repo.path("k8s/overlays/" + n)))));
    }

    static String kustomize(Path dir) {
        String kubectl = kubectl();
        try {
            Path out = Files.createTempFile("kustomize-", ".yaml");
            Path err = Files.createTempFile("kustomize-", ".err");
            try {
                Process p = new ProcessBuilder(kubectl, "kustomize", dir.toString())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("kubectl kustomize " + dir + " did not finish within 60 s");
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + p.exitValue() + "):\n"
                            + Files.readString(err, StandardCharsets.UTF_8));
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + kubectl + " kustomize " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while rendering " + dir, e);
        }
    }

    /** kubectl from -Dkubectl=..., $KUBECTL, the PATH or /usr/bin/kubectl; a clear failure without it. */
    static String kubectl() {
        List<String> candidates = new ArrayList<>();
        Optional.ofNullable(System.getProperty("kubectl")).ifPresent(candidates::add);
        Optional.ofNullable(System.getenv("KUBECTL")).ifPresent(candidates::add);
        for (String dir : Optional.ofNullable(System.getenv("PATH")).orElse("").split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, "kubectl").toString());
            }
        }
        candidates.add("/usr/bin/kubectl");
        candidates.add("/usr/local/bin/kubectl");
        return candidates.stream().filter(c -> Files.isExecutable(Path.of(c))).findFirst()
                .orElseThrow(() -> new AssertionError("kubectl is needed to render the kustomize overlays "
                        + "(kubectl kustomize) but was found neither on the PATH nor in /usr/bin or /usr/local/bin. "
                        + "Install kubectl >= 1.27 or point -Dkubectl=/path/to/kubectl (or $KUBECTL) at it."));
    }

    List<Map<String, Object>> kind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return kind(kind).stream().filter(o -> name.equals(Yaml.str(o, "metadata", "name"))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " named " + name));
    }

    /** Deployments and StatefulSets: everything that runs pods. */
    List<Map<String, Object>> workloads() {
        List<Map<String, Object>> all = new ArrayList<>(kind("Deployment"));
        all.addAll(kind("StatefulSet"));
        return all;
    }

    static String name(Map<String, Object> object) {
        return Yaml.str(object, "metadata", "name");
    }

    static Map<String, Object> podSpec(Map<String, Object> workload) {
        return Yaml.map(Yaml.at(workload, "spec", "template", "spec"));
    }

    static Map<String, Object> mainContainer(Map<String, Object> workload) {
        List<Map<String, Object>> containers = Yaml.maps(podSpec(workload).get("containers"));
        return containers.stream().filter(c -> name(workload).equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError(name(workload) + ": no container named like the workload"));
    }

    /** What a container sees as environment: envFrom ConfigMaps, then env (env wins). Secret refs stay as objects. */
    Map<String, Object> environment(Map<String, Object> container) {
        Map<String, Object> env = new LinkedHashMap<>();
        for (Map<String, Object> from : Yaml.maps(container.get("envFrom"))) {
            String cm = Yaml.str(from, "configMapRef", "name");
            if (cm != null) {
                env.putAll(Yaml.map(get("ConfigMap", cm).get("data")));
            }
        }
        for (Map<String, Object> e : Yaml.maps(container.get("env"))) {
            env.put(String.valueOf(e.get("name")), e.containsKey("valueFrom") ? Yaml.map(e.get("valueFrom")) : e.get("value"));
        }
        return env;
    }
}
