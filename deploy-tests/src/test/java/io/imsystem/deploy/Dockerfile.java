package io.imsystem.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Dockerfile read into instructions (continuation lines joined, comments dropped), split into stages. */
record Dockerfile(Path path, List<Instruction> instructions) {

    record Instruction(int stage, String keyword, String args) {
    }

    static Dockerfile read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new AssertionError("missing " + Repo.root().relativize(path));
        }
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int stage = -1;
        for (String raw : Repo.read(path).split("\n")) {
            String line = raw.strip();
            if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String text = current.toString().strip();
            current.setLength(0);
            int space = text.indexOf(' ');
            String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
            String args = space < 0 ? "" : text.substring(space + 1).strip();
            if (keyword.equals("FROM")) {
                stage++;
            }
            out.add(new Instruction(stage, keyword, args));
        }
        return new Dockerfile(path, out);
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    int lastStage() {
        return instructions.stream().mapToInt(Instruction::stage).max().orElse(-1);
    }

    List<Instruction> inStage(int stage, String keyword) {
        return all(keyword).stream().filter(i -> i.stage() == stage).toList();
    }

    /** The base image of a stage (FROM image [AS name]). */
    String baseImage(int stage) {
        return inStage(stage, "FROM").get(0).args().split("\\s+")[0];
    }

    /** COPY arguments without the --flags: sources then destination. */
    static List<String> copyPaths(Instruction copy) {
        List<String> parts = new ArrayList<>();
        for (String p : copy.args().split("\\s+")) {
            if (!p.startsWith("--")) {
                parts.add(p);
            }
        }
        return parts;
    }

    static boolean fromOtherStage(Instruction copy) {
        return copy.args().contains("--from=");
    }
}
