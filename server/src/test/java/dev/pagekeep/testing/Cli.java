package dev.pagekeep.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagekeep.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the command line: in this JVM ({@link #run}) or as the shipped jar in a real process ({@link #jar}). */
public final class Cli {
  private Cli() {}

  /** What a command printed and returned. */
  public record Run(int exit, String out, String err) {}

  /** {@code Main.run(args)} in this JVM with stdout and stderr captured. */
  public static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = Main.run(args);
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /**
   * {@code java -jar pagekeep.jar ARGS} with {@code PAGEKEEP_HOME=home} and {@code PAGEKEEP_PORT=0}
   * (plus {@code env}), not yet started: the caller picks how to redirect its output.
   */
  public static ProcessBuilder jar(Path home, Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", System.getProperty("pagekeep.jar", "target/pagekeep.jar")));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("PAGEKEEP_HOME", home.toString());
    pb.environment().put("PAGEKEEP_PORT", "0");
    pb.environment().putAll(env);
    return pb;
  }

  /** Runs the jar to its end (two minutes at most), its output kept in files under {@code scratch}. */
  public static Run runJar(Path scratch, Path home, Map<String, String> env, String... args) throws Exception {
    Path out = Files.createTempFile(scratch, "out", ".txt");
    Path err = Files.createTempFile(scratch, "err", ".txt");
    Process p = jar(home, env, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("pagekeep " + String.join(" ", args) + " ended").isTrue();
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
