package io.imsystem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The services' Dockerfiles, checked without a Docker engine: the build runs the Maven wrapper
 * from the repository root, the runtime stage copies the Quarkus fast-jar (or the native
 * executable) that this build really produces, runs as a non-root user and exposes the port the
 * service listens on.
 */
class DockerfilesTest {

    static List<String> services() {
        return Repo.SERVICES;
    }

    private static Path dockerfile(String service, String variant) {
        return Repo.path(service + "/src/main/docker/Dockerfile." + variant);
    }

    @ParameterizedTest
    @MethodSource("services")
    void jvmImageIsAMultiStageBuildOfTheFastJar(String svc) {
        Dockerfile df = Dockerfile.read(dockerfile(svc, "jvm"));
        assertTrue(df.lastStage() >= 1, svc + ": Dockerfile.jvm must build in one stage and run in another");
        assertBuildsWithTheWrapper(df, svc, false);
        int run = df.lastStage();
        String base = df.baseImage(run);
        assertTrue(base.matches(".*openjdk-17-runtime.*|.*jre.*17.*|.*17.*jre.*"), svc + ": runtime base should be a JRE 17, is " + base);
        String target = "/" + svc + "/target/quarkus-app/";
        Set<String> copied = df.inStage(run, "COPY").stream().filter(Dockerfile::fromOtherStage)
                .map(c -> Dockerfile.copyPaths(c).get(0)).collect(Collectors.toSet());
        for (String layer : List.of("lib/", "*.jar", "app/", "quarkus/")) {
            assertTrue(copied.stream().anyMatch(src -> src.endsWith(target + layer)),
                    svc + ": Dockerfile.jvm does not copy target/quarkus-app/" + layer + " of " + svc + " (copies " + copied + ")");
        }
        String runJar = df.all("ENV").stream().map(Dockerfile.Instruction::args).filter(a -> a.startsWith("JAVA_APP_JAR"))
                .findFirst().orElse("") + String.join(" ", df.all("ENTRYPOINT").stream().map(Dockerfile.Instruction::args).toList());
        assertTrue(runJar.contains("quarkus-run.jar") || runJar.contains("run-java.sh"), svc + ": the image must start quarkus-run.jar");
        assertRunsAsNonRoot(df, svc);
        assertExposesTheServicePort(df, svc);
    }

    @ParameterizedTest
    @MethodSource("services")
    void nativeImageIsAMultiStageMandrelBuildOnTheMicroImage(String svc) {
        Dockerfile df = Dockerfile.read(dockerfile(svc, "native-micro"));
        assertTrue(df.lastStage() >= 1, svc + ": Dockerfile.native-micro must build in one stage and run in another");
        assertTrue(df.baseImage(0).contains("mandrel") || df.baseImage(0).contains("graalvm"),
                svc + ": the native build needs a Mandrel/GraalVM builder, not " + df.baseImage(0));
        assertBuildsWithTheWrapper(df, svc, true);
        assertEquals("quay.io/quarkus/quarkus-micro-image:2.0", df.baseImage(df.lastStage()), svc + ": native runtime base");
        // The executable links against the builder's glibc: UBI 8 builder with the UBI 8 micro image, UBI 9 with UBI 9.
        assertEquals(df.baseImage(df.lastStage()).contains("ubi9"), df.baseImage(0).contains("ubi9"),
                svc + ": builder " + df.baseImage(0) + " and runtime " + df.baseImage(df.lastStage()) + " must be the same UBI generation");
        assertTrue(df.inStage(df.lastStage(), "COPY").stream().filter(Dockerfile::fromOtherStage)
                .anyMatch(c -> Dockerfile.copyPaths(c).get(0).endsWith("/" + svc + "/target/*-runner")),
                svc + ": Dockerfile.native-micro must copy " + svc + "/target/*-runner");
        assertRunsAsNonRoot(df, svc);
        assertExposesTheServicePort(df, svc);
    }

    @ParameterizedTest
    @MethodSource("services")
    void onlyTheTwoDockerfilesLiveInTheService(String svc) throws Exception {
        try (var files = Files.list(Repo.path(svc + "/src/main/docker"))) {
            assertEquals(Set.of("Dockerfile.jvm", "Dockerfile.native-micro"),
                    files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()));
        }
    }

    /** Build context = repository root: every source a COPY names exists there, the reactor's poms included. */
    private static void assertBuildsWithTheWrapper(Dockerfile df, String svc, boolean nativeBuild) {
        String rel = Repo.root().relativize(df.path()).toString();
        assertTrue(Repo.read(df.path()).contains("docker build -f " + rel), rel + ": say in a comment how to build it (context: the repository root)");
        List<Dockerfile.Instruction> runs = df.inStage(0, "RUN");
        String build = runs.stream().map(Dockerfile.Instruction::args).filter(a -> a.contains("./mvnw")).findFirst()
                .orElseThrow(() -> new AssertionError(rel + ": the build stage must run the Maven wrapper ./mvnw"));
        assertTrue(build.contains("package") && build.contains("-pl " + svc) && build.contains("-am"), rel + ": ./mvnw package -pl " + svc + " -am");
        assertEquals(nativeBuild, build.contains("-Pnative"), rel + ": -Pnative " + (nativeBuild ? "missing" : "in a JVM build"));
        Set<String> copiedSources = df.inStage(0, "COPY").stream().filter(c -> !Dockerfile.fromOtherStage(c))
                .flatMap(c -> {
                    List<String> p = Dockerfile.copyPaths(c);
                    return p.subList(0, p.size() - 1).stream();
                }).collect(Collectors.toSet());
        for (String src : copiedSources) {
            assertTrue(Files.exists(Repo.path(src)), rel + ": COPY " + src + " does not exist in the repository root");
        }
        for (String needed : List.of("mvnw", ".mvn/", "pom.xml", "common/src/", svc + "/src/")) {
            assertTrue(copiedSources.contains(needed), rel + ": the build stage must COPY " + needed);
        }
        for (String module : Repo.modules()) {
            assertTrue(copiedSources.contains(module + "/pom.xml") || copiedSources.contains(module + "/"),
                    rel + ": the reactor lists module " + module + "; COPY " + module + "/pom.xml or Maven stops");
        }
    }

    private static void assertRunsAsNonRoot(Dockerfile df, String svc) {
        List<Dockerfile.Instruction> users = df.inStage(df.lastStage(), "USER");
        assertFalse(users.isEmpty(), svc + ": " + df.path().getFileName() + " runtime stage sets no USER");
        String user = users.get(users.size() - 1).args().split(":")[0];
        assertTrue(user.matches("\\d+") && Integer.parseInt(user) > 0,
                svc + ": " + df.path().getFileName() + " USER must be a numeric non-root id (runAsNonRoot checks it), is " + user);
    }

    private static void assertExposesTheServicePort(Dockerfile df, String svc) {
        List<String> exposed = df.all("EXPOSE").stream().map(Dockerfile.Instruction::args).toList();
        assertEquals(List.of(String.valueOf(Repo.port(svc))), exposed, svc + ": " + df.path().getFileName() + " EXPOSE vs application.properties");
    }
}
