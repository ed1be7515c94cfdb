package io.imsystem.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment files and docs/OPERATIONS.md agree with the settings the services really read:
 * every variable the manifests and compose set is read by a service, and every variable a service
 * reads is in the settings table.
 */
class SettingsTest {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

    /** Variables named in application.properties (all profiles but %test) and in common's defaults. */
    static Set<String> variablesTheServicesRead() {
        List<String> files = new ArrayList<>();
        files.add("common/src/main/resources/META-INF/microprofile-config.properties");
        Repo.SERVICES.forEach(s -> files.add(s + "/src/main/resources/application.properties"));
        Set<String> vars = new TreeSet<>();
        for (String file : files) {
            for (String line : Repo.read(Repo.path(file)).split("\n")) {
                if (line.startsWith("#") || line.startsWith("%test.")) {
                    continue;
                }
                Matcher m = VARIABLE.matcher(line);
                while (m.find()) {
                    vars.add(m.group(1));
                }
            }
        }
        return vars;
    }

    /** Read by Quarkus itself (QUARKUS_*), by the JVM image's start script, or set by the platform. */
    private static boolean readOutsideTheProperties(String var) {
        return var.startsWith("QUARKUS_") || var.startsWith("JAVA_") || var.equals("HOSTNAME") || var.equals("LANGUAGE");
    }

    @Test
    void everyVariableTheManifestsSetIsReadByAService() {
        Set<String> read = variablesTheServicesRead();
        for (String overlay : Rendered.overlays()) {
            Rendered r = Rendered.overlay(overlay);
            for (String svc : Repo.SERVICES) {
                Map<String, Object> env = r.environment(Rendered.mainContainer(r.get("Deployment", svc)));
                for (String var : env.keySet()) {
                    assertTrue(read.contains(var) || readOutsideTheProperties(var),
                            overlay + ": " + svc + " is given " + var + " but no application.properties reads it (typo, or a setting still to wire up)");
                }
            }
        }
    }

    @Test
    void everyVariableComposeSetsIsReadByAService() {
        Set<String> read = variablesTheServicesRead();
        Map<String, Object> services = Yaml.map(Yaml.load(Repo.read(Repo.path("docker/compose.yaml"))).get("services"));
        for (String svc : Repo.SERVICES) {
            for (String var : Yaml.map(Yaml.at(services.get(svc), "environment")).keySet()) {
                assertTrue(read.contains(var) || readOutsideTheProperties(var), "compose: " + svc + " is given " + var + " but no service reads it");
            }
        }
    }

    @Test
    void everyVariableIsInTheSettingsTableOfOperationsMd() {
        String doc = Repo.read(Repo.path("docs/OPERATIONS.md"));
        Set<String> missing = new TreeSet<>();
        for (String var : variablesTheServicesRead()) {
            if (!doc.contains("`" + var + "`")) {
                missing.add(var);
            }
        }
        assertTrue(missing.isEmpty(), "docs/OPERATIONS.md (Settings) does not describe " + missing);
    }
}
