package io.imsystem.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository under test: its root, the four services and what their configuration says. */
final class Repo {

    static final List<String> SERVICES = List.of("auth-service", "message-service", "presence-service", "gateway-service");
    /** The services that own a MySQL schema (DESIGN.md, "Who owns what"). */
    static final List<String> DB_SERVICES = List.of("auth-service", "message-service");

    private static final Path ROOT = locateRoot();

    private Repo() {
    }

    static Path root() {
        return ROOT;
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The service's own application.properties, as written (placeholders unresolved). */
    static Properties applicationProperties(String service) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(path(service + "/src/main/resources/application.properties"))) {
            props.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }

    /** The HTTP port the service listens on by default: quarkus.http.port=${SERVER_PORT:8081}. */
    static int port(String service) {
        String value = applicationProperties(service).getProperty("quarkus.http.port");
        if (value == null) {
            throw new AssertionError(service + ": quarkus.http.port is not set in application.properties");
        }
        Matcher m = Pattern.compile("^\\$\\{SERVER_PORT:(\\d+)}$|^(\\d+)$").matcher(value.trim());
        if (!m.matches()) {
            throw new AssertionError(service + ": unexpected quarkus.http.port=" + value);
        }
        return Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
    }

    /** The management port (/q/health, /q/metrics) by default: quarkus.management.port=${MANAGEMENT_PORT:9081}. */
    static int managementPort(String service) {
        String value = applicationProperties(service).getProperty("quarkus.management.port");
        if (value == null) {
            throw new AssertionError(service + ": quarkus.management.port is not set in application.properties");
        }
        Matcher m = Pattern.compile("^\\$\\{MANAGEMENT_PORT:(\\d+)}$").matcher(value.trim());
        if (!m.matches()) {
            throw new AssertionError(service + ": unexpected quarkus.management.port=" + value);
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * The service keys a service holds, as its application.properties names them
     * ({@code im.internal.keys.<service>=${SERVICE_KEY_<X>:}}): the variables, e.g. SERVICE_KEY_GATEWAY.
     */
    static java.util.Set<String> serviceKeys(String service) {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        applicationProperties(service).forEach((k, v) -> {
            if (String.valueOf(k).startsWith("im.internal.keys.")) {
                Matcher m = Pattern.compile("^\\$\\{(SERVICE_KEY_[A-Z]+):}$").matcher(String.valueOf(v).trim());
                if (!m.matches()) {
                    throw new AssertionError(service + ": " + k + " must be ${SERVICE_KEY_...:}, not " + v);
                }
                keys.add(m.group(1));
            }
        });
        return keys;
    }

    static Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        SERVICES.forEach(s -> ports.put(s, port(s)));
        return ports;
    }

    /** The modules the parent pom builds (a Dockerfile's reactor needs each one's pom). */
    static List<String> modules() {
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read(path("pom.xml")));
        List<String> modules = new java.util.ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1).trim());
        }
        return modules;
    }

    private static Path locateRoot() {
        String configured = System.getProperty("im.repo.root");
        if (configured != null && Files.isDirectory(Path.of(configured, "k8s"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        // Run from an IDE: walk up from the working directory to the reactor root.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("k8s"))) {
                return dir;
            }
        }
        throw new IllegalStateException("Cannot find the repository root (a directory with mvnw and k8s/); "
                + "set -Dim.repo.root=/path/to/repo");
    }
}
